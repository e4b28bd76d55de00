"""The partner's own draft (step 2): the eleven pieces, autosave, conflicts, history.

:class:`DraftModel` is the state (the working copy of the items, the revision
it started from, whether it is saved); :class:`DraftEditor` is the view. The
editor shows one piece at a time (fewer widgets, a faster page) and the whole
draft as a canvas below it.

Saving (DESIGN.md §4): every save names the revision it started from. If the
same draft was saved elsewhere in between (another tab), the editor shows
both versions and lets the partner keep theirs, take the other, or combine
them — never a silent overwrite. Autosave runs a few seconds after typing
stops; a database that is locked or unreachable keeps the text on screen and
retries.
"""

from __future__ import annotations

import atexit
import logging
import sys
import threading
import weakref
from datetime import datetime
from zoneinfo import ZoneInfo

import ipywidgets as ipw
import traitlets as tl

from ..errors import ConflictError, InvalidInput, StoreError, StoreUnavailable
from ..examples import load_catalogue
from ..messages import Translator
from ..model import KIND_PIECES, MAX_ITEM_LENGTH, Item, PartnerDraft
from ..pieces import PIECE_KEYS, PIECES, get_piece
from ..workspace import SHARED, WorkspaceSession
from .canvas import CanvasView, canvas_html
from .common import StatusLine, error_key, esc, safe_callback, subtitle_html
from .export_button import ExportButton

AUTOSAVE_SECONDS = 3.0
"""Seconds after the last keystroke before the draft saves itself."""

RETRY_SECONDS = (5.0, 10.0, 20.0, 30.0)
"""Waits between retries while the database is unavailable (the last one repeats)."""

TIMEZONE = ZoneInfo("Europe/Amsterdam")


class DraftNotSaved(Exception):
    """The working copy could not be saved before an export (the editor shows why)."""


def format_time(moment: datetime | None) -> str:
    """Return ``moment`` as Dutch local time, e.g. ``"30-11-2026 14:03"`` (``""`` for None)."""
    if moment is None:
        return ""
    return moment.astimezone(TIMEZONE).strftime("%d-%m-%Y %H:%M")


def combine(mine: PartnerDraft, theirs: PartnerDraft) -> PartnerDraft:
    """Return the union of two versions: per piece their items, then mine that they lack.

    Items are compared on their whitespace-normalised text and kind; order
    within each version is kept.
    """

    def key(item: Item) -> tuple[str, str | None]:
        return (" ".join(item.text.split()).casefold(), item.kind)

    pieces = {}
    for k in PIECE_KEYS:
        seen = {key(i) for i in theirs.items(k)}
        pieces[k] = list(theirs.items(k)) + [i for i in mine.items(k) if key(i) not in seen]
    return PartnerDraft(pieces=pieces)


def _in_kernel() -> bool:
    """Return whether this runs in a Jupyter kernel (Voilà's, or a notebook's)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None


class DraftModel(tl.HasTraits):
    """The working copy of one partner's draft.

    Traits:
        piece: the piece being edited.
        base: the revision number the working copy started from.
        dirty: there are edits not yet saved.
        shared: the draft is marked ready to share.
        revision: bumped on every change of ``items`` (views observe it).
    """

    piece = tl.Unicode("impact")
    base = tl.Int(0)
    dirty = tl.Bool(False)
    shared = tl.Bool(False)
    revision = tl.Int(0)

    def __init__(self, draft: PartnerDraft, base: int, shared: bool) -> None:
        super().__init__()
        self.items: dict[str, list[dict]] = {}
        self.load(draft, base, shared)

    def load(self, draft: PartnerDraft, base: int, shared: bool | None = None) -> None:
        """Replace the working copy with ``draft`` (saved as revision ``base``)."""
        with self.hold_trait_notifications():
            self.items = {k: [{"text": i.text, "kind": i.kind} for i in draft.items(k)] for k in PIECE_KEYS}
            self.base = base
            self.dirty = False
            if shared is not None:
                self.shared = shared
            self.revision += 1

    def changed(self) -> None:
        """Mark the working copy as edited."""
        self.dirty = True
        self.revision += 1

    def problems(self) -> list[tuple[str, int, int]]:
        """Return ``(piece, position, length)`` of every item over :data:`MAX_ITEM_LENGTH`."""
        return [
            (k, n, len(row["text"].strip()))
            for k in PIECE_KEYS
            for n, row in enumerate(self.items[k], start=1)
            if len(row["text"].strip()) > MAX_ITEM_LENGTH
        ]

    def to_draft(self, *, without_too_long: bool = False) -> PartnerDraft:
        """Return the working copy as a record; rows with empty text are left out.

        Args:
            without_too_long: leave out items over :data:`MAX_ITEM_LENGTH` instead of refusing
                (what autosave keeps of a draft while one item is too long; the item stays on screen).

        Raises:
            ValueError: if an item is longer than :data:`MAX_ITEM_LENGTH` (see :meth:`problems`) and
                ``without_too_long`` is false.
        """
        if self.problems() and not without_too_long:
            raise ValueError("item too long")
        pieces = {
            k: [
                Item(text=row["text"], kind=row["kind"])
                for row in self.items[k]
                if row["text"].strip() and len(row["text"].strip()) <= MAX_ITEM_LENGTH
            ]
            for k in PIECE_KEYS
        }
        return PartnerDraft(pieces=pieces)


class ItemRow(ipw.HBox):
    """One editable item: its text, its kind where the piece has kinds, move up/down, remove."""

    def __init__(self, editor: DraftEditor, key: str, index: int, row: dict, readonly: bool) -> None:
        t = editor.t
        piece = get_piece(key)
        self.editor, self.key, self.index = editor, key, index
        self.text = ipw.Textarea(
            value=row["text"],
            placeholder=t("concept.item_placeholder"),
            rows=2,
            continuous_update=True,
            disabled=readonly,
            layout=ipw.Layout(flex="1 1 auto", width="auto"),
        )
        self.text.add_class("pc-item-text")
        # a label for screen readers: "Impact, item 2"
        self.text.description_allow_html = False
        self.text.tooltip = t("concept.item_label", stuk=piece.name(t.lang), n=index + 1)
        children: list[ipw.Widget] = [self.text]
        self.kind = None
        if key in KIND_PIECES:
            options = [(t("concept.soort_geen"), None)] + [(t("soort." + k), k) for k in KIND_PIECES[key]]
            self.kind = ipw.Dropdown(
                options=options, value=row.get("kind"), disabled=readonly, layout=ipw.Layout(width="150px")
            )
            self.kind.tooltip = t("concept.soort_label")
            children.append(self.kind)
        self.up = ipw.Button(icon="arrow-up", tooltip=t("concept.omhoog"), disabled=readonly or index == 0)
        self.down = ipw.Button(
            icon="arrow-down",
            tooltip=t("concept.omlaag"),
            disabled=readonly or index == len(editor.model.items[key]) - 1,
        )
        self.remove = ipw.Button(icon="trash", tooltip=t("concept.verwijder"), disabled=readonly)
        for b in (self.up, self.down, self.remove):
            b.layout = ipw.Layout(width="40px")
            b.add_class("pc-icon-button")
        children += [self.up, self.down, self.remove]
        super().__init__(children, layout=ipw.Layout(align_items="flex-start", width="100%"))
        self.add_class("pc-item-row")


class DraftEditor(ipw.VBox):
    """A partner fills in their own draft (or anyone reads a draft with ``readonly=True``).

    Args:
        session: the partner's workspace session.
        t: translator.

    Public widgets (for tests): ``piece_buttons``, ``rows`` (the :class:`ItemRow` list of the
    current piece), ``add_button``, ``save_button``, ``share_checkbox``, ``save_state``,
    ``conflict_box``, ``keep_mine_button``, ``take_theirs_button``, ``combine_button``,
    ``history_dropdown``, ``history_preview``, ``restore_button``, ``canvas``, ``status``,
    ``export_button`` (the partner's own draft, saved first, in every format).
    """

    def __init__(self, session: WorkspaceSession, t: Translator) -> None:
        super().__init__()
        self.add_class("pc-draft-editor")
        self.session, self.t = session, t
        self.status = StatusLine()
        self._lock = threading.RLock()
        self._timer: threading.Timer | None = None
        self._last_saved: PartnerDraft | None = None  # what the last save of this page stored
        self._retry = 0
        self._theirs = None  # the other version while a conflict is open
        me = session.me()
        self.partner = me
        loaded = session.my_draft()
        self.document = loaded.document
        self.model = DraftModel(loaded.draft, loaded.base, loaded.document.state == SHARED)
        self._last_saved = loaded.draft
        # Voilà shuts the kernel down when the page closes (a graceful shutdown_request, so atexit runs):
        # what the partner typed in the last seconds, before autosave's pause ended, is saved then.
        if _in_kernel():  # not in plain Python (tests, scripts): there nobody closes a page
            method = weakref.WeakMethod(self.save_at_exit)
            atexit.register(lambda: (editor_save := method()) is not None and editor_save())
        self._inspiration = self._inspiration_case()
        self._build()

    # ------------------------------------------------------------------ view
    def _inspiration_case(self):
        try:
            slug = self.session.meta().get("inspiratie")
            return load_catalogue().get(slug) if slug else None
        except (KeyError, StoreError):
            return None

    def _build(self) -> None:
        t, model = self.t, self.model
        who = f"{self.partner.name}" + (f" — {self.partner.organisation}" if self.partner.organisation else "")
        intro = ipw.HTML(
            f'<h2>{esc(t("concept.titel", naam=who))}</h2><p class="pc-intro">{esc(t("concept.intro"))}</p>'
        )
        self.piece_buttons = ipw.ToggleButtons(
            options=[(p.name(t.lang), p.key) for p in PIECES], value=model.piece, style={"button_width": "auto"}
        )
        self.piece_buttons.add_class("pc-piece-buttons")
        ipw.link((model, "piece"), (self.piece_buttons, "value"))
        self.piece_help = ipw.HTML()
        self.rows_box = ipw.VBox()
        self.rows_box.add_class("pc-rows")
        self.rows: list[ItemRow] = []
        self.add_button = ipw.Button(description=t("concept.toevoegen"), icon="plus")
        self.add_button.add_class("pc-add-item")
        self.inspiration = ipw.HTML()
        self.save_button = ipw.Button(description=t("concept.opslaan"), icon="save", button_style="primary")
        self.save_button.add_class("pc-save")
        self.share_checkbox = ipw.Checkbox(value=model.shared, description=t("concept.delen"), indent=False)
        self.share_checkbox.add_class("pc-share")
        self.save_state = ipw.HTML()
        self.save_state.add_class("pc-save-state")

        self.conflict_text = ipw.HTML()
        self.keep_mine_button = ipw.Button(description=t("conflict.mijn"))
        self.take_theirs_button = ipw.Button(description=t("conflict.hun"))
        self.combine_button = ipw.Button(description=t("conflict.combineer"), button_style="primary")
        self.conflict_box = ipw.VBox(
            [self.conflict_text, ipw.HBox([self.combine_button, self.keep_mine_button, self.take_theirs_button])],
            layout=ipw.Layout(display="none"),
        )
        self.conflict_box.add_class("pc-conflict")

        self.history_dropdown = ipw.Dropdown(
            description=t("geschiedenis.versie"), options=[], style={"description_width": "initial"}
        )
        self.history_preview = ipw.HTML()
        self.restore_button = ipw.Button(description=t("geschiedenis.herstel"), icon="undo", disabled=True)
        self.history_box = ipw.VBox([ipw.HBox([self.history_dropdown, self.restore_button]), self.history_preview])
        history = ipw.Accordion(children=[self.history_box], titles=(t("geschiedenis.titel"),), selected_index=None)
        history.add_class("pc-history")

        self.canvas = CanvasView(model.to_draft().as_case(who) if not model.problems() else None, t)
        canvas_title = ipw.HTML(f'<h3 class="pc-subtitle">{esc(t("concept.canvas"))}</h3>')

        guard = safe_callback(self.status, t)
        self.add_button.on_click(guard(self._on_add))
        self.save_button.on_click(guard(lambda _b: self.save_now()))
        self.share_checkbox.observe(guard(self._on_share), "value")
        self.keep_mine_button.on_click(guard(self._on_keep_mine))
        self.take_theirs_button.on_click(guard(self._on_take_theirs))
        self.combine_button.on_click(guard(self._on_combine))
        self.history_dropdown.observe(guard(self._on_history_pick), "value")
        self.restore_button.on_click(guard(self._on_restore))
        history.observe(guard(self._on_history_open), "selected_index")
        self._guard = guard
        model.observe(guard(self._on_piece), "piece")
        model.observe(guard(self._on_dirty), "dirty")

        # the partner's own draft only (the server checks it again): saved first, so the file holds what is on screen
        self.export_button = ExportButton.for_workspace(
            self.session, t, "own", before=self._save_before_export,
            errors={DraftNotSaved: "concept.export_niet_opgeslagen"},
        )
        export_box = ipw.VBox(
            [ipw.HTML(subtitle_html(t("concept.export_titel"), t("concept.export_uitleg"))), self.export_button]
        )
        export_box.add_class("pc-draft-export")

        self._render_piece()
        self._render_save_state()
        editor = ipw.VBox([self.piece_help, self.rows_box, self.add_button, self.inspiration])
        editor.add_class("pc-piece-editor")
        bar = ipw.HBox(
            [self.save_button, self.share_checkbox, self.save_state], layout=ipw.Layout(align_items="center")
        )
        bar.add_class("pc-save-bar")
        self.children = [
            intro,
            self.status,
            bar,
            self.conflict_box,
            self.piece_buttons,
            editor,
            history,
            canvas_title,
            self.canvas,
            export_box,
        ]

    def _render_piece(self) -> None:
        t, key = self.t, self.model.piece
        piece = get_piece(key)
        tips = "".join(f"<li>{esc(tip)}</li>" for tip in piece.tips(t.lang))
        own = f'<p class="pc-own">{esc(t("concept.eigen"))}</p>' if piece.first_person else ""
        self.piece_help.value = (
            f'<div class="pc-piece-help" style="--pc-colour: {piece.colour}">'
            f'<h3>{esc(piece.name(t.lang))}</h3><p class="pc-question">{esc(piece.question(t.lang))}</p>{own}'
            f"<details><summary>{esc(t('concept.tips'))}</summary><ul>{tips}</ul></details></div>"
        )
        self.rows = [ItemRow(self, key, n, row, readonly=False) for n, row in enumerate(self.model.items[key])]
        for row in self.rows:
            self._wire(row)
        self.rows_box.children = self.rows
        if not self.rows:
            self.rows_box.children = [ipw.HTML(f'<p class="pc-empty">{esc(t("concept.nog_leeg"))}</p>')]
        case = self._inspiration
        if case is not None and case.items(key):
            items = "".join(f"<li>{esc(i.label())}</li>" for i in case.items(key))
            self.inspiration.value = (
                f'<details class="pc-inspiration"><summary>{esc(t("concept.inspiratie", titel=case.title))}</summary>'
                f"<ul>{items}</ul></details>"
            )
        else:
            self.inspiration.value = ""

    def _wire(self, row: ItemRow) -> None:
        guard = self._guard

        def on_text(change, row=row):
            self.model.items[row.key][row.index]["text"] = change["new"]
            self._edited()

        def on_kind(change, row=row):
            self.model.items[row.key][row.index]["kind"] = change["new"]
            self._edited()

        row.text.observe(guard(on_text), "value")
        if row.kind is not None:
            row.kind.observe(guard(on_kind), "value")
        row.up.on_click(guard(lambda _b, row=row: self._move(row, -1)))
        row.down.on_click(guard(lambda _b, row=row: self._move(row, +1)))
        row.remove.on_click(guard(lambda _b, row=row: self._remove(row)))

    def _render_save_state(self) -> None:
        t = self.t
        if self._theirs is not None:
            text, kind = t("opslaan.conflict"), "warning"
        elif self.model.dirty:
            text, kind = t("opslaan.niet_opgeslagen"), "unsaved"
        elif self.model.base == 0:
            text, kind = t("opslaan.nog_niets"), "saved"
        else:
            text, kind = t("opslaan.opgeslagen", revisie=self.model.base), "saved"
        self.save_state.value = f'<span class="pc-state pc-state-{kind}" role="status">{esc(text)}</span>'

    def _refresh_canvas(self) -> None:
        if not self.model.problems():
            self.canvas.case = self.model.to_draft().as_case(self.partner.name)

    # ------------------------------------------------------------- editing
    def _edited(self) -> None:
        self.model.changed()
        self._schedule_autosave()

    def _on_add(self, _button=None) -> None:
        self.model.items[self.model.piece].append({"text": "", "kind": None})
        self.model.changed()
        self._render_piece()

    def _move(self, row: ItemRow, step: int) -> None:
        items = self.model.items[row.key]
        j = row.index + step
        if 0 <= j < len(items):
            items[row.index], items[j] = items[j], items[row.index]
            self._edited()
            self._render_piece()
            self._refresh_canvas()

    def _remove(self, row: ItemRow) -> None:
        del self.model.items[row.key][row.index]
        self._edited()
        self._render_piece()
        self._refresh_canvas()

    def _on_piece(self, _change=None) -> None:
        self._render_piece()

    def _on_dirty(self, change=None) -> None:
        self._render_save_state()
        if change is not None and change["new"]:
            self.export_button.clear()  # a finished file no longer shows what is on screen

    def _save_before_export(self) -> None:
        if not self.save_now():
            raise DraftNotSaved("the draft could not be saved first")

    # -------------------------------------------------------------- saving
    def _schedule_autosave(self, delay: float = AUTOSAVE_SECONDS) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(delay, self._autosave)
            self._timer.daemon = True
            self._timer.start()

    def _autosave(self) -> None:
        try:
            self.save_now(auto=True)
        except Exception as exc:  # noqa: BLE001 - a background save must never surface a traceback
            self.status.show(self.t(error_key(exc)), "error")

    def save_at_exit(self) -> None:
        """Save unsaved typing when the kernel ends (the page was closed or reloaded); never raises."""
        try:
            if self.model.dirty and self._theirs is None:
                self.save_now()
        except Exception:  # noqa: BLE001 - the process is ending; log and go
            logging.getLogger("purposecase.ui").exception("saving the draft at the end failed")

    def save_now(self, auto: bool = False) -> bool:
        """Save the working copy if it changed; return whether the store now holds it.

        A conflict opens the conflict panel; an unavailable database keeps the
        text and schedules a retry. An item that is too long is reported and
        never cut off: it stays on screen, unsaved, while the rest of the draft is
        saved, so closing the page loses at most that item (and ``False`` is returned).
        """
        t = self.t
        with self._lock:
            if self._timer is not None and not auto:
                self._timer.cancel()
            if self._theirs is not None:
                return False
            if not self.model.dirty:
                return True
            problems = self.model.problems()
            draft = self.model.to_draft(without_too_long=True)
            if problems:
                key, n, length = problems[0]
                self.status.show(
                    t("opslaan.te_lang", stuk=get_piece(key).name(t.lang), n=n, lengte=length, max=MAX_ITEM_LENGTH),
                    "error",
                )
                if draft == self._last_saved:
                    return False
            try:
                revision = self.session.save_my_draft(draft, base=self.model.base)
            except ConflictError as exc:
                self._open_conflict(exc)
                return False
            except StoreUnavailable:
                wait = RETRY_SECONDS[min(self._retry, len(RETRY_SECONDS) - 1)]
                self._retry += 1
                self.status.show(t("opslaan.onbereikbaar", seconden=int(wait)), "warning")
                self._schedule_autosave(wait)
                return False
            self._retry = 0
            self.model.base = revision.number
            self._last_saved = draft
            if problems:  # the rest is saved; the too-long item is still only on screen
                self._render_save_state()
                return False
            self.model.dirty = False
            self.status.clear()
            self._render_save_state()
            self._refresh_canvas()
            return True

    def _on_share(self, change) -> None:
        t = self.t
        if change["new"] == self.model.shared:
            return
        if change["new"] and not self.save_now():
            self.share_checkbox.value = False
            return
        try:
            self.session.set_my_draft_shared(change["new"])
        except InvalidInput as exc:
            if exc.code != "draft_incomplete":
                raise
            self.status.show(t("concept.onvolledig"), "warning")
            self.share_checkbox.value = False
            return
        self.model.shared = change["new"]
        self.status.show(t("concept.gedeeld" if change["new"] else "concept.prive"), "info")

    # ------------------------------------------------------------ conflict
    def _open_conflict(self, exc: ConflictError) -> None:
        t = self.t
        self._theirs = exc.theirs
        theirs = PartnerDraft.from_content(exc.theirs.content)
        when = format_time(exc.theirs.created_at)
        mine_html = canvas_html(self.model.to_draft(without_too_long=True).as_case(t("conflict.jouw_versie")), t)
        theirs_html = canvas_html(theirs.as_case(t("conflict.andere_versie")), t)
        self.conflict_text.value = (
            f'<div class="pc-msg pc-msg-warning" role="alert">'
            f'{esc(t("conflict.uitleg", tijd=when, revisie=exc.theirs.number))}</div>'
            f'<div class="pc-two"><div><h3>{esc(t("conflict.jouw_versie"))}</h3>{mine_html}</div>'
            f"<div><h3>{esc(t('conflict.andere_versie'))}</h3>{theirs_html}</div></div>"
        )
        self.conflict_box.layout.display = "flex"
        self._render_save_state()

    def _close_conflict(self) -> None:
        self._theirs = None
        self.conflict_box.layout.display = "none"
        self.conflict_text.value = ""

    def _resolve(self, draft: PartnerDraft, note: str | None) -> None:
        theirs = self._theirs
        self._close_conflict()
        self.model.load(draft, theirs.number)
        self._last_saved = draft if note is None else None  # theirs is what the store holds
        if note is None:
            self._render_piece()
            self._refresh_canvas()
            self._render_save_state()
            return
        self.model.dirty = True
        self._render_piece()
        self.save_now()

    def _on_keep_mine(self, _b=None) -> None:
        self._resolve(self.model.to_draft(), "mijn versie")

    def _on_take_theirs(self, _b=None) -> None:
        self._resolve(PartnerDraft.from_content(self._theirs.content), None)

    def _on_combine(self, _b=None) -> None:
        self._resolve(combine(self.model.to_draft(), PartnerDraft.from_content(self._theirs.content)), "gecombineerd")

    # ------------------------------------------------------------- history
    def _on_history_open(self, change) -> None:
        if change["new"] == 0:
            self.refresh_history()

    def refresh_history(self) -> None:
        """Reload the list of saved revisions (who, when)."""
        t = self.t
        infos = self.session.history(self.document)
        options = [
            (
                t(
                    "geschiedenis.regel",
                    revisie=i.number,
                    wie=self.session.author_label(i.author),
                    tijd=format_time(i.created_at),
                )
                + (f" — {i.note}" if i.note else ""),
                i.number,
            )
            for i in infos
        ]
        self.history_dropdown.options = options
        self.history_dropdown.value = options[0][1] if options else None
        self.restore_button.disabled = not options

    def _on_history_pick(self, change) -> None:
        number = change["new"]
        if not number:
            self.history_preview.value = ""
            return
        revision = self.session.revision(self.document, number)
        draft = PartnerDraft.from_content(revision.content)
        self.history_preview.value = canvas_html(draft.as_case(self.t("geschiedenis.versie_n", revisie=number)), self.t)
        self.restore_button.disabled = number == self.model.base and not self.model.dirty

    def _on_restore(self, _b=None) -> None:
        number = self.history_dropdown.value
        if not number:
            return
        if not self.save_now():
            return
        try:
            revision = self.session.restore_my_draft(number, base=self.model.base)
        except ConflictError as exc:
            self._open_conflict(exc)
            return
        self.model.load(PartnerDraft.from_content(revision.content), revision.number)
        self._last_saved = self.model.to_draft(without_too_long=True)
        self._render_piece()
        self._refresh_canvas()
        self._render_save_state()
        self.status.show(self.t("geschiedenis.hersteld", revisie=number, nieuw=revision.number), "info")
        self.refresh_history()

    def close(self) -> None:
        """Stop the autosave timer and close the widgets."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
        super().close()
