"""Chapter "Stap 3: samen puzzelen": the puzzle board, the shared Purpose Case, give and take, checks.

The trekker composes the shared case from the partners' shared drafts: per
piece the drafts' items side by side (near-duplicates grouped), adopt with one
click, edit, merge, reorder, mark a piece as agreed. Partners and viewers see
the board and the shared case read-only; partners react to shared items
(agree / question, with a comment).
"""

from __future__ import annotations

import ipywidgets as ipw

from .. import puzzle
from ..bidi import isolate
from ..checks import run_checks
from ..messages import Translator
from ..model import MAX_ITEM_LENGTH
from ..pieces import PIECES, get_piece
from ..workspace import DRAFT, MAX_COMMENT, REACTIONS, SHARED_CASE, LoadedShared, WorkspaceSession
from .canvas import CanvasView
from .common import StatusLine, esc, message_html, safe_callback, subtitle_html
from .editor import ITEM_WORDS, ConflictPanel, DocumentEditorModel, SaveStateLine, text_edit
from .export_button import ExportButton
from .shell import ChapterShell

NOTEBOOK = "05_samen_puzzelen.ipynb"
MAX_REASON = 1000
"""Longest reason for setting a check aside (:class:`purposecase.model.CheckSetAside`)."""
_BADGE = {"ok": "done", "let_op": "busy"}


def group_html(group: puzzle.Group, t: Translator) -> str:
    """Return one board group as an escaped card: each partner's wording, and whether it is adopted."""
    rows = "".join(
        f'<li><span class="pc-who">{esc(e.partner)}'
        f"{' (' + esc(e.organisation) + ')' if e.organisation else ''}</span> "
        f'<span class="pc-text">{esc(e.item.text)}</span></li>'
        for e in group.entries
    )
    badges = ""
    if len(group.partner_ids) > 1:
        badges += f'<span class="pc-badge pc-badge-busy">{esc(t("bord.gelijk", n=len(group.partner_ids)))}</span> '
    if group.adopted:
        badges += f'<span class="pc-badge pc-badge-done">{esc(t("bord.overgenomen"))}</span>'
    return f'<div class="pc-group"><ul class="pc-items">{rows}</ul>{badges}</div>'


def reactions_html(item_id: str, reactions: dict, names: dict[str, str], t: Translator) -> str:
    """Return the partners' reactions to one shared item (escaped), or ``""`` when there are none."""
    rows = []
    for pid, items in reactions.items():
        r = items.get(item_id)
        if not r:
            continue
        comment = f": {esc(r.get('opmerking', ''))}" if r.get("opmerking") else ""
        rows.append(
            f'<li class="pc-reaction pc-reaction-{esc(r["soort"])}"><b>{esc(names.get(pid, pid))}</b> '
            f"{esc(t('reactie.' + r['soort']))}{comment}</li>"
        )
    return f'<ul class="pc-reactions">{"".join(rows)}</ul>' if rows else ""


class SharedItemRow(ipw.VBox):
    """One item of the shared case: text, origin, and the controls the role allows."""

    def __init__(self, board: PuzzleBoard, key: str, item, index: int, count: int) -> None:
        t, trekker = board.t, board.trekker
        self.item_id = item.id
        self.original = item.text  # the stored text when this row was drawn (to see a change made elsewhere)
        origin = ", ".join(isolate(n) for n in item.origin_names) or t("bord.trekker_schreef")
        origin_html = f'<span class="pc-origin">{esc(t("bord.herkomst", wie=origin))}</span>'
        top: list[ipw.Widget] = []
        self.select = ipw.Checkbox(value=False, indent=False, description=t("bord.selecteer"), disabled=not trekker)
        self.select.layout.width = "auto"
        if trekker:
            self.text = ipw.Textarea(  # saved a few seconds after typing stops (the one editor model)
                value=item.text, rows=2, continuous_update=True, layout=ipw.Layout(flex="1 1 auto")
            )
            self.text.add_class("pc-shared-text")
            self.up = ipw.Button(
                icon="arrow-up", tooltip=t("concept.omhoog"), disabled=index == 0, layout=ipw.Layout(width="40px")
            )
            self.down = ipw.Button(
                icon="arrow-down",
                tooltip=t("concept.omlaag"),
                disabled=index == count - 1,
                layout=ipw.Layout(width="40px"),
            )
            self.remove = ipw.Button(icon="trash", tooltip=t("bord.verwijder"), layout=ipw.Layout(width="40px"))
            top = [self.select, self.text, self.up, self.down, self.remove]
        else:
            top = [ipw.HTML(f'<p class="pc-shared-item">{esc(item.label())}</p>', layout=ipw.Layout(flex="1 1 auto"))]
        children: list[ipw.Widget] = [ipw.HBox(top, layout=ipw.Layout(width="100%", align_items="flex-start"))]
        children.append(ipw.HTML(origin_html))
        self.beneficiaries = None
        partners = board.partner_names
        if key in ("opbrengsten", "waarde"):
            if trekker and partners:
                self.beneficiaries = ipw.SelectMultiple(
                    options=[(name, pid) for pid, name in partners.items()],
                    value=tuple(p for p in item.voor if p in partners),
                    description=t("bord.voor"),
                    rows=min(4, len(partners)),
                    style={"description_width": "initial"},
                )
                children.append(self.beneficiaries)
            elif item.voor:
                names = ", ".join(partners.get(p, p) for p in item.voor)
                children.append(ipw.HTML(f'<span class="pc-origin">{esc(t("bord.voor"))} {esc(names)}</span>'))
        self.reaction = self.comment = self.react_button = None
        if board.session.role == "partner":
            mine = board.reactions.get(board.session.access.partner_id, {}).get(item.id, {})
            self.reaction = ipw.ToggleButtons(
                options=[(t("reactie.geen"), ""), (t("reactie.eens"), "eens"), (t("reactie.vraag"), "vraag")],
                value=mine.get("soort", ""),
                style={"button_width": "auto"},
            )
            self.reaction.add_class("pc-react")
            self.comment = ipw.Text(
                value=mine.get("opmerking", ""),
                placeholder=t("reactie.opmerking"),
                description=t("reactie.label"),
                style={"description_width": "initial"},
                layout=ipw.Layout(width="420px"),
            )
            self.comment.add_class("pc-react-comment")
            self.react_button = ipw.Button(description=t("reactie.bewaar"), icon="comment")
            self.react_button.add_class("pc-react-save")
            children.append(
                ipw.HBox([self.reaction, self.comment, self.react_button], layout=ipw.Layout(flex_flow="row wrap"))
            )
        children.append(ipw.HTML(reactions_html(item.id, board.reactions, board.partner_names_all, t)))
        super().__init__(children)
        self.add_class("pc-shared-row")


class PuzzleBoard(ipw.VBox):
    """The board, the shared case, give and take, and the checklist for one workspace session.

    Public widgets (for tests): ``piece_buttons``, ``groups`` (``[(Group, adopt Button|None)]`` of the
    current piece), ``rows`` (:class:`SharedItemRow` list), ``merge_button``, ``new_item_text``,
    ``new_item_button``, ``agreed_checkbox``, ``canvas``, ``tabs``, ``balance``, ``checklist``,
    ``aside_dropdown``, ``aside_reason``, ``aside_button``, ``refresh_button``, ``status``,
    ``save_state``, ``conflict_box`` (the same item edited elsewhere); ``model`` is the shared case's
    :class:`~purposecase.ui.editor.DocumentEditorModel`.
    """

    def __init__(self, session: WorkspaceSession, t: Translator, status: StatusLine) -> None:
        super().__init__()
        self.add_class("pc-puzzle")
        self.session, self.t, self.status = session, t, status
        self.trekker = session.role == "trekker"
        self._guard = safe_callback(status, t)
        self.piece = "impact"
        self._typing = False
        self.model = DocumentEditorModel(
            session.document(SHARED_CASE), t, status, words=ITEM_WORDS,
            write=lambda operation, _note: self.session.update_shared(operation), on_saved=self._on_saved,
        )
        self._load()
        self._build()

    # ----------------------------------------------------------------- data
    def _load(self) -> None:
        s = self.session
        self.loaded: LoadedShared = s.shared_case()
        if not self.model.dirty:
            self.model.loaded(self.loaded.shared, self.loaded.base)
        partners = s.partners(include_removed=True)
        self.partner_names_all = {p.id: p.name for p in partners}
        self.partner_names = {p.id: p.name for p in partners if p.active}
        refs_drafts = [(puzzle.PartnerRef(p.id, p.name, p.organisation), d) for p, d in s.shared_drafts()]
        self.drafts = {ref.id: d for ref, d in refs_drafts}
        self._entries = puzzle.board_entries(refs_drafts)
        self._grouped: dict[str, list] = {}
        self.reactions = s.reactions()

    def groups_of(self, key: str) -> list[puzzle.Group]:
        """Return the board groups of piece ``key`` (grouped once per load, adoption marked now)."""
        if key not in self._grouped:
            self._grouped[key] = puzzle.group_similar(self._entries[key])
        return puzzle.mark_adopted(key, self._grouped[key], self.loaded.shared)

    @property
    def board(self) -> dict[str, list[puzzle.Group]]:
        """Return the whole board (every piece); the page itself only needs the current piece."""
        return {key: self.groups_of(key) for key in self._entries}

    def _apply(self, operation) -> bool:
        """Save ``operation`` now (a click); the drafts and their grouping stay, the page redraws."""
        self._typing = False
        return self.model.apply(operation)

    def _on_saved(self, loaded: LoadedShared) -> None:
        self.loaded = loaded
        if self._typing:  # saved after typing stopped: leave the rows (and the cursor) alone
            texts = {i.id: i.text for i in loaded.shared.items(self.piece)}
            for row in self.rows:
                row.original = texts.get(row.item_id, row.original)
            self._render_overview()
        else:
            self._render()
        self._typing = False

    def _after_conflict(self) -> None:
        """Show the shared case as stored after a choice in the conflict panel (the rows too)."""
        self._typing = False
        if not self.model.dirty:
            self.loaded = self.session.shared_case()
        self._render()

    def save_now(self) -> bool:
        """Save what was typed and not saved yet; return whether the store holds it."""
        return self.model.save_now()

    # ----------------------------------------------------------------- view
    def _build(self) -> None:
        t, guard = self.t, self._guard
        self.piece_buttons = ipw.ToggleButtons(
            options=[(p.name(t.lang), p.key) for p in PIECES], value=self.piece, style={"button_width": "auto"}
        )
        self.piece_buttons.add_class("pc-piece-buttons")
        self.piece_buttons.observe(guard(self._on_piece), "value")
        self.piece_help = ipw.HTML()
        self.board_box = ipw.VBox()
        self.board_box.add_class("pc-board")
        self.shared_box = ipw.VBox()
        self.shared_box.add_class("pc-shared")
        self.merge_button = ipw.Button(description=t("bord.samenvoegen"), icon="compress", disabled=not self.trekker)
        self.merge_button.add_class("pc-merge")
        self.new_item_text = ipw.Text(
            placeholder=t("bord.eigen_item"),
            description=t("bord.eigen_item_label"),
            style={"description_width": "initial"},
            layout=ipw.Layout(width="420px"),
        )
        self.new_item_text.add_class("pc-new-item")
        self.new_item_button = ipw.Button(description=t("bord.toevoegen"), icon="plus")
        self.new_item_button.add_class("pc-new-item-button")
        self.agreed_checkbox = ipw.Checkbox(description=t("bord.akkoord"), indent=False, disabled=not self.trekker)
        self.agreed_checkbox.add_class("pc-agreed")
        self.refresh_button = ipw.Button(description=t("trekker.vernieuwen"), icon="refresh")
        self.refresh_button.add_class("pc-refresh")
        self.merge_button.on_click(guard(self._on_merge))
        self.new_item_button.on_click(guard(self._on_new_item))
        self.agreed_checkbox.observe(guard(self._on_agreed), "value")
        self.refresh_button.on_click(guard(lambda _b: self.refresh()))
        self._syncing = False
        self.canvas = CanvasView(None, t)

        controls = [self.agreed_checkbox]
        if self.trekker:
            controls = [self.merge_button, self.agreed_checkbox]
        left = ipw.VBox(
            [ipw.HTML(subtitle_html(t("bord.uit_concepten"), t("bord.uit_concepten_uitleg"))), self.board_box],
            layout=ipw.Layout(width="48%"),
        )
        right_children: list[ipw.Widget] = [ipw.HTML(subtitle_html(t("bord.gedeeld"))), self.shared_box]
        if self.trekker:
            right_children += [ipw.HBox([self.new_item_text, self.new_item_button])]
        right_children.append(ipw.HBox(controls, layout=ipw.Layout(align_items="center", grid_gap="12px")))
        right = ipw.VBox(right_children, layout=ipw.Layout(width="50%"))
        board_tab = ipw.VBox(
            [
                self.piece_buttons,
                self.piece_help,
                ipw.HBox([left, right], layout=ipw.Layout(justify_content="space-between", align_items="flex-start")),
                ipw.HTML(subtitle_html(t("bord.canvas"))),
                self.canvas,
            ]
        )

        self.balance = ipw.HTML()
        self.figure_out = ipw.Output()
        self.figure_button = ipw.Button(description=t("geven.toon_figuur"), icon="random")
        self.figure_button.add_class("pc-figure-button")
        self.figure_button.on_click(guard(self._on_figure))
        balance_tab = ipw.VBox(
            [
                ipw.HTML(subtitle_html(t("geven.titel"), t("geven.uitleg"))),
                self.balance,
                self.figure_button,
                self.figure_out,
            ]
        )

        self.checklist = ipw.HTML()
        check_children: list[ipw.Widget] = [
            ipw.HTML(subtitle_html(t("checks.titel"), t("checks.uitleg"))),
            self.checklist,
        ]
        if self.trekker:
            self.aside_dropdown = ipw.Dropdown(
                description=t("checks.regel"),
                options=[(t(f"checks.{r}.titel"), r) for r in _rule_ids()],
                style={"description_width": "initial"},
            )
            self.aside_reason = ipw.Text(
                description=t("checks.reden"),
                placeholder=t("checks.reden_placeholder"),
                style={"description_width": "initial"},
                layout=ipw.Layout(width="480px"),
            )
            self.aside_button = ipw.Button(description=t("checks.opzij"))
            self.back_button = ipw.Button(description=t("checks.terug"))
            self.aside_button.on_click(guard(self._on_aside))
            self.back_button.on_click(guard(self._on_back))
            check_children += [
                ipw.HBox([self.aside_dropdown, self.aside_reason]),
                ipw.HBox([self.aside_button, self.back_button]),
            ]
        checks_tab = ipw.VBox(check_children)

        self.tabs = ipw.Tab(children=[board_tab, balance_tab, checks_tab])
        for i, key in enumerate(("bord.tab", "geven.tab", "checks.tab")):
            self.tabs.set_title(i, t(key))
        self.tabs.add_class("pc-puzzle-tabs")
        self.save_state = SaveStateLine(self.model)
        self.conflict_box = ConflictPanel(
            self.model, lambda text, _title: f'<p class="pc-conflict-text">{esc(text)}</p>', guard,
            after=self._after_conflict,
        )
        top = [self.refresh_button] + ([self.save_state] if self.trekker else [])
        self.children = [ipw.HBox(top, layout=ipw.Layout(align_items="center")), self.conflict_box, self.tabs]
        self._render()

    def _render(self) -> None:
        t, key = self.t, self.piece
        piece = get_piece(key)
        shared = self.loaded.shared
        self.piece_help.value = (
            f'<div class="pc-piece-help" style="--pc-colour: {piece.colour}"><h3>{esc(piece.name(t.lang))} '
            f'<span class="pc-progress pc-progress-{shared.status(key)}">'
            f"{esc(t('voortgang.' + shared.status(key)))}</span></h3>"
            f'<p class="pc-question">{esc(piece.question(t.lang))}</p></div>'
        )
        # board
        self.groups = []
        cards: list[ipw.Widget] = []
        for group in self.groups_of(key):
            html = ipw.HTML(group_html(group, t))
            button = None
            if self.trekker:
                button = ipw.Button(
                    description=t("bord.neem_over"),
                    icon="arrow-right",
                    button_style="" if group.adopted else "primary",
                    layout=ipw.Layout(width="auto", flex="0 0 auto"),  # the whole label, also beside a long item
                    # once adopted, a second click would only add the same item again
                    disabled=group.adopted,
                    tooltip=t("bord.al_overgenomen") if group.adopted else "",
                )
                button.add_class("pc-adopt")
                button.on_click(self._guard(lambda _b, g=group: self._apply(puzzle.adopt_group(g))))
            self.groups.append((group, button))
            card = ipw.HBox([html, button], layout=ipw.Layout(align_items="center")) if button else html
            card.add_class("pc-card")
            cards.append(card)
        if not cards:
            cards = [
                ipw.HTML(
                    f'<p class="pc-empty">{esc(t("bord.niets_hier" if self.drafts else "bord.geen_concepten"))}</p>'
                )
            ]
        self.board_box.children = cards
        # shared items
        items = shared.items(key)
        self.rows = [SharedItemRow(self, key, item, n, len(items)) for n, item in enumerate(items)]
        for row in self.rows:
            self._wire(key, row)
        self.shared_box.children = self.rows or [ipw.HTML(f'<p class="pc-empty">{esc(t("canvas.leeg"))}</p>')]
        self._syncing = True
        try:
            self.agreed_checkbox.value = bool(shared.agreed.get(key))
        finally:
            self._syncing = False
        self._render_overview()

    def _render_overview(self) -> None:
        """Redraw what follows from the shared case besides the rows: canvas, give and take, checks."""
        shared = self.loaded.shared
        self.canvas.statuses = {p.key: shared.status(p.key) for p in PIECES}
        self.canvas.case = shared.as_case(self.session.workspace().name)
        self._render_balance()
        self._render_checks()

    def _wire(self, key: str, row: SharedItemRow) -> None:
        guard = self._guard
        if self.trekker:

            def on_text(change, row=row):
                text = change["new"].strip()
                pending = ("text", key, row.item_id)
                if not text or len(text) > MAX_ITEM_LENGTH:
                    self.model.pending.pop(pending, None)  # nothing of it saves until it fits
                    self.model.dirty = bool(self.model.pending)
                    if text:
                        self.status.show(self.t("bord.te_lang", max=MAX_ITEM_LENGTH, lengte=len(text)), "error")
                    else:
                        self.status.show(self.t("bord.leeg_item"), "warning")
                    return

                def read(shared, item_id=row.item_id):
                    return next((i.text for i in shared.items(key) if i.id == item_id), None)

                def write(value, item_id=row.item_id):
                    return puzzle.edit(key, item_id, value)

                self._typing = True
                self.model.stage(pending, text_edit(read, write, row.original, text, self.t))

            row.text.observe(guard(on_text), "value")
            row.up.on_click(guard(lambda _b: self._apply(puzzle.move(key, row.item_id, -1))))
            row.down.on_click(guard(lambda _b: self._apply(puzzle.move(key, row.item_id, +1))))
            row.remove.on_click(guard(lambda _b: self._apply(puzzle.remove(key, row.item_id))))
            if row.beneficiaries is not None:
                row.beneficiaries.observe(
                    guard(lambda change: self._apply(puzzle.set_beneficiaries(key, row.item_id, list(change["new"])))),
                    "value",
                )
        if row.react_button is not None:
            row.react_button.on_click(guard(lambda _b: self._on_react(row)))

    def _render_balance(self) -> None:
        t = self.t
        partners = [puzzle.PartnerRef(pid, name) for pid, name in self.partner_names.items()]
        rows = puzzle.give_and_take(partners, self.loaded.shared, self.drafts)
        self._balance_rows = rows
        if not rows:
            self.balance.value = f'<p class="pc-empty">{esc(t("trekker.geen_partners"))}</p>'
            return
        body = []
        for r in rows:
            warn = ""
            if r.balance in ("alleen_geven", "alleen_krijgen", "geen"):
                warn = f'<div class="pc-msg pc-msg-warning">{esc(t("geven." + r.balance, naam=r.partner))}</div>'
            gets = "".join(
                f"<li>{esc(text)} <small>({esc(get_piece(k).name(t.lang))})</small></li>" for k, text in r.krijgt
            )
            body.append(
                f'<tr data-partner="{esc(r.partner)}"><th scope="row">{esc(r.partner)}{warn}</th>'
                f"<td><ul>{''.join(f'<li>{esc(x)}</li>' for x in r.intenties)}</ul></td>"
                f"<td><ul>{''.join(f'<li>{esc(x)}</li>' for x in r.inbreng)}</ul></td>"
                f"<td><ul>{gets}</ul></td></tr>"
            )
        head = "".join(
            f'<th scope="col">{esc(t(k))}</th>'
            for k in ("trekker.kol_partner", "geven.intenties", "geven.inbreng", "geven.krijgt")
        )
        self.balance.value = (
            f'<table class="pc-table pc-balance"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
        )

    def _render_checks(self) -> None:
        t = self.t
        shared = self.loaded.shared
        case = shared.as_case(self.session.workspace().name)
        partners = list(self.partner_names.items())
        rows = []
        for r in run_checks(case, shared, partners):
            state = "opzij" if r.set_aside else r.status
            note = f'<p class="pc-hint">{esc(t("checks.opzij_gezet", reden=r.set_aside))}</p>' if r.set_aside else ""
            rows.append(
                f'<li class="pc-check pc-check-{state}" data-check="{r.id}">'
                f'<span class="pc-badge pc-badge-{_BADGE.get(state, "todo")}">'
                f"{esc(t('checks.status.' + state))}</span> <b>{esc(t(f'checks.{r.id}.titel'))}</b>"
                f"<p>{esc(t(f'checks.{r.id}.uitleg'))}</p>"
                f'<p class="pc-source">{esc(t("checks.bron", bron=r.source))}</p>{note}</li>'
            )
        self.checklist.value = f'<ul class="pc-checks">{"".join(rows)}</ul>'

    # ------------------------------------------------------------- handlers
    def _on_piece(self, change) -> None:
        self.piece = change["new"]
        self._render()

    def _on_merge(self, _b=None) -> None:
        chosen = [r.item_id for r in self.rows if r.select.value]
        if len(chosen) < 2:
            self.status.show(self.t("bord.kies_twee"), "warning")
            return
        self._apply(puzzle.merge(self.piece, chosen))
        self.status.show(self.t("bord.samengevoegd", n=len(chosen)), "info")

    def _on_new_item(self, _b=None) -> None:
        text = self.new_item_text.value.strip()
        if not text:
            return
        if len(text) > MAX_ITEM_LENGTH:
            self.status.show(self.t("bord.te_lang", max=MAX_ITEM_LENGTH, lengte=len(text)), "error")
            return
        self._apply(puzzle.adopt(self.piece, text, [], []))
        self.new_item_text.value = ""

    def _on_agreed(self, change) -> None:
        if self._syncing:
            return
        self._apply(puzzle.set_agreed(self.piece, change["new"]))

    def _on_react(self, row: SharedItemRow) -> None:
        comment = row.comment.value.strip()
        if len(comment) > MAX_COMMENT:
            self.status.show(self.t("fout.te_lang", lengte=len(comment), max=MAX_COMMENT), "error")
            return
        self.session.react(row.item_id, row.reaction.value or None, comment)
        self.reactions = self.session.reactions()
        self._render()
        self.status.show(self.t("reactie.bewaard"), "info")

    def _on_aside(self, _b=None) -> None:
        reason = self.aside_reason.value.strip()
        if not reason:
            self.status.show(self.t("checks.reden_nodig"), "warning")
            return
        if len(reason) > MAX_REASON:
            self.status.show(self.t("fout.te_lang", lengte=len(reason), max=MAX_REASON), "error")
            return
        self._apply(puzzle.set_aside(self.aside_dropdown.value, reason))
        self.aside_reason.value = ""

    def _on_back(self, _b=None) -> None:
        self._apply(puzzle.set_aside(self.aside_dropdown.value, None))

    def _on_figure(self, _b=None) -> None:
        from IPython.display import display

        from ..figures import give_and_take_sankey

        t = self.t
        fig = give_and_take_sankey(
            self._balance_rows,
            title=t("geven.figuur_titel"),
            initiative=self.session.workspace().name,
            gives=t("geven.geeft"),
            gets=t("geven.krijgt_kort"),
        )
        self.figure = fig
        self.figure_out.clear_output()
        with self.figure_out:
            display(fig)

    def refresh(self) -> None:
        """Reload drafts, shared case and reactions from the store and redraw."""
        self._load()
        self._render()

    def on_change(self, event) -> None:
        """Reload what another page changed (a live-feed burst); what is being typed is never overwritten.

        A burst that holds only this page's own save of the shared case redraws nothing (the cursor
        stays where it is).
        """
        if self.model.dirty or self.model.conflict:
            return  # the next burst, or the refresh button, shows it once this page's own work is saved
        if event.touches(DRAFT) or event.has("partner") or event.has("state"):
            self.refresh()
            return
        if not event.touches(SHARED_CASE, REACTIONS):
            return
        loaded = self.session.shared_case()
        reactions = self.session.reactions() if event.touches(REACTIONS) else self.reactions
        if loaded.base == self.loaded.base and reactions == self.reactions:
            return
        self.loaded, self.reactions = loaded, reactions
        if not self.model.dirty:
            self.model.loaded(loaded.shared, loaded.base)
        self._render()

    def close(self) -> None:
        """Stop the autosave and close the widgets."""
        self.model.close()
        super().close()


def _rule_ids() -> list[str]:
    from ..checks import SOURCES

    return list(SOURCES)


class SamenPuzzelenChapter(ChapterShell):
    """Step 3 of "Hoe nu verder?": puzzle with your partners on the shared Purpose Case.

    Args:
        context: page context (language, secret link); default read from the page's address.
        session: an opened workspace session (tests); default opened from ``context.sleutel``.

    Public attributes (for tests): those of :class:`~purposecase.ui.shell.ChapterShell` (``status``,
    ``session``, ``nav``, ``header``, ``body``, ``feed`` …), ``board`` (a :class:`PuzzleBoard` or ``None``),
    ``export_button`` (the shared case; ``None`` without a workspace).
    """

    NOTEBOOK = NOTEBOOK
    TITLE, INTRO = "puzzel.titel", "puzzel.intro"
    NO_LINK = "puzzel.geen_sleutel"

    def build(self) -> ipw.Widget:
        """Return the board with the export, or the way to step 1 without a workspace."""
        t, session = self.t, self.session
        self.board: PuzzleBoard | None = None
        self.export_button: ExportButton | None = None
        if session is None:
            return ipw.HTML() if self.problem == "opslag.onbereikbaar" else self.no_link_html()
        self.board = PuzzleBoard(session, t, self.status)
        # every role exports the shared case (with the later steps), with the rules of chapter 08
        self.export_button = ExportButton.for_workspace(session, t, "shared")
        export_box = ipw.VBox(
            [ipw.HTML(subtitle_html(t("puzzel.export_titel"), t("puzzel.export_uitleg"))), self.export_button]
        )
        export_box.add_class("pc-puzzle-export")
        note = (
            ""
            if session.role == "trekker"
            else message_html(t("puzzel.alleen_lezen" if session.role == "partner" else "puzzel.meekijken"), "info")
        )
        return ipw.VBox([ipw.HTML(note), self.board, export_box]) if note else ipw.VBox([self.board, export_box])

    def on_workspace_change(self, event) -> None:
        """Show shares, adoptions, edits and reactions made elsewhere (never over what is being typed)."""
        if self.board is not None:
            self.board.on_change(event)
