"""The partner's own draft (step 2): the eleven pieces, autosave, conflicts, history.

:class:`DraftModel` is the state (the working copy of the items on top of the one
:class:`~purposecase.ui.editor.DocumentEditorModel`: base, dirty, conflict, autosave,
retry, save at kernel shutdown); :class:`DraftEditor` is the view. The editor shows
one piece at a time (fewer widgets, a faster page) and the whole draft as a canvas
below it. Conflicts (another tab saved the same draft) open the shared conflict
panel: keep mine, take theirs, or combine (the draft kind's ``merge``: the union).
"""

from __future__ import annotations

import ipywidgets as ipw
import traitlets as tl

from ..errors import InvalidInput, StoreError
from ..examples import load_catalogue
from ..messages import Translator
from ..model import KIND_PIECES, MAX_ITEM_LENGTH, Item, PartnerDraft
from ..pieces import PIECE_KEYS, PIECES, get_piece
from ..workspace import DRAFT, SHARED, WorkspaceSession
from .canvas import CanvasView, canvas_html
from .common import StatusLine, esc, safe_callback, subtitle_html
from .editor import ConflictPanel, DocumentEditorModel, HistoryPanel, SaveStateLine, WorkingCopy
from .export_button import ExportButton


class DraftNotSaved(Exception):
    """The working copy could not be saved before an export (the editor shows why)."""


def describe_merge(mine: PartnerDraft, theirs: PartnerDraft, combined: PartnerDraft, t: Translator) -> list[str]:
    """Return, per piece that differs, what combining two drafts does (translated lines).

    The draft kind's merge (:func:`purposecase.workspace.merge_drafts`) keeps every item
    of the other version and adds mine that it lacks.
    """
    lines = []
    for key in PIECE_KEYS:
        if mine.items(key) == theirs.items(key):
            continue
        added = len(combined.items(key)) - len(theirs.items(key))
        lines.append(
            t("concept.combineer.stuk", stuk=get_piece(key).name(t.lang), hun=len(theirs.items(key)), mijn=added)
        )
    return lines or [t("concept.combineer.gelijk")]


class DraftModel(DocumentEditorModel):
    """The working copy of one partner's draft, and how it is saved.

    Traits (besides those of :class:`~purposecase.ui.editor.DocumentEditorModel`):
        piece: the piece being edited.
        shared: the draft is marked ready to share.
        revision: bumped on every change of ``items`` (views observe it).
    """

    piece = tl.Unicode("impact")
    shared = tl.Bool(False)
    revision = tl.Int(0)

    def __init__(self, handle, t: Translator, status: StatusLine, *, shared: bool = False, **kwargs) -> None:
        super().__init__(handle, t, status, describe=lambda m, h, c: describe_merge(m, h, c, t), **kwargs)
        self.items: dict[str, list[dict]] = {}
        loaded = handle.load()
        self.document = loaded.document
        self.show(loaded.record, loaded.base)
        self.shared = shared

    def show(self, record: PartnerDraft, base: int, *, dirty: bool = False) -> None:
        """Replace the working copy with ``record`` (saved as revision ``base``)."""
        with self.hold_trait_notifications():
            self.items = {k: [{"text": i.text, "kind": i.kind} for i in record.items(k)] for k in PIECE_KEYS}
            self.loaded(record, base, dirty=dirty)
            self.revision += 1

    def changed(self) -> None:
        """Mark the working copy as edited (the autosave pause starts again)."""
        self.revision += 1
        self.edited()

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

    def working_copy(self) -> WorkingCopy:
        """Return the draft to save; an item that is too long is left out (never cut) and reported."""
        t = self.t
        problems = self.problems()
        problem = ""
        if problems:
            key, n, length = problems[0]
            problem = t("opslaan.te_lang", stuk=get_piece(key).name(t.lang), n=n, lengte=length, max=MAX_ITEM_LENGTH)
        return WorkingCopy(self.to_draft(without_too_long=True), problem)


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
    ``conflict_box`` (a :class:`~purposecase.ui.editor.ConflictPanel`), ``conflict_text``,
    ``keep_mine_button``, ``take_theirs_button``, ``combine_button``, ``history`` (a
    :class:`~purposecase.ui.editor.HistoryPanel`), ``history_dropdown``, ``history_preview``,
    ``restore_button``, ``canvas``, ``status``, ``export_button`` (the partner's own draft, saved
    first, in every format); ``model`` is the :class:`DraftModel`.
    """

    def __init__(self, session: WorkspaceSession, t: Translator) -> None:
        super().__init__()
        self.add_class("pc-draft-editor")
        self.session, self.t = session, t
        self.status = StatusLine()
        me = session.me()
        self.partner = me
        handle = session.document(DRAFT)
        document = handle.find()
        self.model = DraftModel(handle, t, self.status, shared=document is not None and document.state == SHARED)
        self.document = self.model.document
        self._inspiration = self._inspiration_case()
        self._build()

    # ------------------------------------------------------------------ view
    def _inspiration_case(self):
        try:
            slug = self.session.meta().get("inspiratie")
            return load_catalogue().get(slug) if slug else None
        except (KeyError, StoreError):
            return None

    def _version_html(self, draft: PartnerDraft, title: str) -> str:
        return canvas_html(draft.as_case(title), self.t)

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
        self.save_state = SaveStateLine(model)

        guard = self._guard = safe_callback(self.status, t)
        self.conflict_box = ConflictPanel(model, self._version_html, guard, after=self._after_load)
        self.conflict_text = self.conflict_box.text
        self.keep_mine_button = self.conflict_box.keep_mine_button
        self.take_theirs_button = self.conflict_box.take_theirs_button
        self.combine_button = self.conflict_box.combine_button

        self.history = HistoryPanel(model, self._version_html, guard, after=self._after_load)
        self.history_dropdown = self.history.dropdown
        self.history_preview = self.history.preview
        self.restore_button = self.history.restore_button
        history = ipw.Accordion(children=[self.history], titles=(t("geschiedenis.titel"),), selected_index=None)
        history.add_class("pc-history")

        self.canvas = CanvasView(model.to_draft().as_case(who) if not model.problems() else None, t)
        canvas_title = ipw.HTML(f'<h3 class="pc-subtitle">{esc(t("concept.canvas"))}</h3>')

        self.add_button.on_click(guard(self._on_add))
        self.save_button.on_click(guard(lambda _b: self.save_now()))
        self.share_checkbox.observe(guard(self._on_share), "value")
        history.observe(guard(self._on_history_open), "selected_index")
        model.observe(guard(self._on_piece), "piece")
        model.observe(guard(lambda _c: self._mark_filled()), "revision")
        self._mark_filled()
        model.observe(guard(self._on_dirty), "dirty")
        model.observe(guard(lambda _c: self._refresh_canvas()), "base")

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
            self.model.changed()

        def on_kind(change, row=row):
            self.model.items[row.key][row.index]["kind"] = change["new"]
            self.model.changed()

        row.text.observe(guard(on_text), "value")
        if row.kind is not None:
            row.kind.observe(guard(on_kind), "value")
        row.up.on_click(guard(lambda _b, row=row: self._move(row, -1)))
        row.down.on_click(guard(lambda _b, row=row: self._move(row, +1)))
        row.remove.on_click(guard(lambda _b, row=row: self._remove(row)))

    def _refresh_canvas(self) -> None:
        if not self.model.problems():
            self.canvas.case = self.model.to_draft().as_case(self.partner.name)

    def _after_load(self) -> None:
        """Redraw after the working copy was replaced (take theirs, combine, restore)."""
        self._render_piece()
        self._refresh_canvas()

    # ------------------------------------------------------------- editing
    def _on_add(self, _button=None) -> None:
        self.model.items[self.model.piece].append({"text": "", "kind": None})
        self.model.dirty = True
        self.model.revision += 1
        self._render_piece()

    def _move(self, row: ItemRow, step: int) -> None:
        items = self.model.items[row.key]
        j = row.index + step
        if 0 <= j < len(items):
            items[row.index], items[j] = items[j], items[row.index]
            self.model.changed()
            self._render_piece()
            self._refresh_canvas()

    def _remove(self, row: ItemRow) -> None:
        del self.model.items[row.key][row.index]
        self.model.changed()
        self._render_piece()
        self._refresh_canvas()

    def _on_piece(self, _change=None) -> None:
        self._render_piece()

    def filled(self) -> list[str]:
        """Return the keys of the pieces with at least one item that has text, in canvas order."""
        return [p.key for p in PIECES if any(str(i["text"]).strip() for i in self.model.items.get(p.key, ()))]

    def _mark_filled(self) -> None:
        """Mark the piece tabs that are filled in: a check icon, and "ingevuld" for screen readers (issue 18)."""
        t, filled = self.t, set(self.filled())
        self.piece_buttons.icons = ["check" if p.key in filled else "" for p in PIECES]
        self.piece_buttons.tooltips = [
            t("concept.stuk_ingevuld" if p.key in filled else "concept.stuk_leeg", stuk=p.name(t.lang)) for p in PIECES
        ]

    def _on_dirty(self, change=None) -> None:
        if change is not None and change["new"]:
            self.export_button.clear()  # a finished file no longer shows what is on screen

    def _save_before_export(self) -> None:
        if not self.save_now():
            raise DraftNotSaved("the draft could not be saved first")

    def save_now(self) -> bool:
        """Save the working copy if it changed; return whether the store now holds it (see the model)."""
        return self.model.save_now()

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

    # ------------------------------------------------------------- history
    def _on_history_open(self, change) -> None:
        if change["new"] == 0:
            self.refresh_history()

    def refresh_history(self) -> None:
        """Reload the list of saved revisions (who, when)."""
        self.history.refresh()

    def close(self) -> None:
        """Stop the autosave timer and close the widgets."""
        self.model.close()
        super().close()
