"""Chapter "Stap 3: samen puzzelen": the puzzle board, the shared Purpose Case, give and take, checks, the meeting.

The publication's step 3 is a meeting in which the partners puzzle side by side. The
trekker composes the shared case from the partners' shared drafts: per piece the
drafts' items side by side (near-duplicates grouped; every role sees every shared
draft, never a private one), adopt with one click, edit, merge (the texts of all merged
items are kept), reorder, say for whom a waarde or opbrengsten item is, mark a piece as
agreed. Partners react to shared items (a click on "eens"/"vraag" saves it), propose
items (the trekker accepts, edits or declines them) and vote. The meeting toolkit
(:mod:`purposecase.ui.meeting`): dot voting, a countdown, per-piece status on the piece
buttons, "volg mij" (the partners' boards follow the trekker's piece) and a presenter
view (the board large and fullscreen, without controls; Esc leaves).

Partners are organisations: the board and give and take name the organisation, the
contact person in small print.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as ipw

from .. import meeting as mt
from .. import puzzle
from ..bidi import isolate
from ..checks import run_checks
from ..errors import InvalidInput
from ..messages import Translator
from ..model import MAX_ITEM_LENGTH
from ..pieces import PIECE_KEYS, PIECES, get_piece
from ..workspace import DRAFT, MAX_COMMENT, REACTIONS, SHARED_CASE, LoadedShared, WorkspaceSession
from .canvas import CanvasView
from .common import StatusLine, esc, keep_focus, message_html, safe_callback, subtitle_html
from .editor import (
    ITEM_WORDS,
    ConflictPanel,
    DocumentEditorModel,
    SaveStateLine,
    StoredValues,
    after_typing,
    keep_rows,
    text_edit,
)
from .export_button import ExportButton
from .meeting import (
    MEETING,
    PROPOSALS,
    VOTES,
    MeetingPanel,
    MeetingState,
    ProposalPanel,
    VoteControl,
    refused,
    submit_on_enter,
    votes_text,
)
from .shell import ChapterShell

NOTEBOOK = "05_samen_puzzelen.ipynb"
MAX_REASON = 1000
"""Longest reason for setting a check aside (:class:`purposecase.model.CheckSetAside`)."""
_BADGE = {"ok": "done", "let_op": "busy"}
STATUS_ICONS = {"leeg": "circle-o", "in_bespreking": "comments-o", "akkoord": "check-circle"}
"""The icon of each piece status on the piece buttons (the tooltip says it in words)."""

_PRESENT_JS = (
    "var p=this.closest('.pc-puzzle');if(!p)return;"
    "if(document.fullscreenElement){document.exitFullscreen();}else if(p.requestFullscreen){p.requestFullscreen();}"
)


def _locked(method: Callable[..., Any]) -> Callable[..., Any]:
    """Run a board method under the board's lock.

    The live feed's thread, the autosave's timer and the page's own callbacks never redraw at the
    same time (a redraw of the piece shown before would otherwise win).
    """

    @functools.wraps(method)
    def wrapper(self: PuzzleBoard, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper


def who_html(organisation: str, contact: str = "") -> str:
    """Return a partner as shown everywhere on step 3: the organisation, the contact person in small print."""
    if organisation and contact and organisation != contact:
        return f'<span class="pc-who">{esc(organisation)}</span> <small class="pc-contact">{esc(contact)}</small>'
    return f'<span class="pc-who">{esc(organisation or contact)}</span>'


def group_html(group: puzzle.Group, t: Translator) -> str:
    """Return one board group as an escaped card: each organisation's wording, and whether it is adopted."""
    rows = "".join(
        f"<li>{who_html(e.organisation, e.partner)} "
        f'<span class="pc-text">{esc(e.item.text)}</span></li>'
        for e in group.entries
    )
    badges = ""
    if len(group.partner_ids) > 1:
        badges += f'<span class="pc-badge pc-badge-busy">{esc(t("bord.gelijk", n=len(group.partner_ids)))}</span> '
    if group.adopted:
        badges += f'<span class="pc-badge pc-badge-done">{esc(t("bord.overgenomen"))}</span>'
    return f'<div class="pc-group"><ul class="pc-items">{rows}</ul>{badges}</div>'


def label_html(item) -> str:
    """Return a shared item as a partner or viewer reads it (escaped)."""
    return f'<p class="pc-shared-item">{esc(item.label())}</p>'


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


def presenter_html(shared: Any, key: str, totals: dict[str, int] | None, t: Translator) -> str:
    """Return the presenter view of one piece: name, question, status and the shared items, large (escaped).

    Args:
        shared: the shared case.
        key: the piece shown.
        totals: votes per item when they may be shown, else ``None``.
        t: translator.
    """
    piece = get_piece(key)
    status = shared.status(key)
    items = shared.items(key)
    rows = []
    for item in items:
        votes = ""
        if totals is not None:
            n = totals.get(item.id, 0)
            votes = f' <span class="pc-present-votes">{esc(votes_text(n, t))}</span>'
        rows.append(f"<li>{esc(item.label())}{votes}</li>")
    body = f'<ul class="pc-present-items">{"".join(rows)}</ul>' if rows else (
        f'<p class="pc-empty">{esc(t("canvas.leeg"))}</p>'
    )
    return (
        f'<div class="pc-present-piece" data-piece="{key}" style="--pc-colour: {piece.colour}">'
        f'<h2>{esc(piece.name(t.lang))} <span class="pc-progress pc-progress-{status}">'
        f'{esc(t("voortgang." + status))}</span></h2>'
        f'<p class="pc-present-question">{esc(piece.question(t.lang))}</p>{body}</div>'
    )


def text_rows(text: str, per_row: int = 70, most: int = 8) -> int:
    """Return the lines a shared item's text field shows: the whole text up to ``most`` lines (at least 2)."""
    lines = sum(max(1, -(-len(line) // per_row)) for line in text.splitlines() or [""])
    return max(2, min(most, lines))


class SharedItemRow(ipw.VBox):
    """One item of the shared case: text, origin, for whom, votes, reactions, and the controls the role allows.

    Public widgets (for tests): ``select``; the trekker's ``text``, ``up``, ``down``, ``remove`` and
    ``voor_chips`` (``{target: ToggleButton}`` for waarde and opbrengsten: partner ids and
    ``"doelgroep:<id>"``); a partner's ``reaction``, ``comment``, ``react_button``; everyone's
    ``votes`` (:class:`~purposecase.ui.meeting.VoteControl`) and ``reactions_view``.
    """

    def __init__(self, board: PuzzleBoard, key: str, item, index: int, count: int) -> None:
        t, trekker = board.t, board.trekker
        self.key, self.item = key, item
        self.item_id = item.id
        self.original = item.text  # the stored text when this row was drawn (to see a change made elsewhere)
        self.text = self.label_view = None
        self.syncing = False  # True while a redraw puts the stored text in ``text`` (not an edit: see keep_rows)
        origin = ", ".join(isolate(n) for n in board.origin_names(item)) or t("bord.trekker_schreef")
        origin_html = f'<span class="pc-origin">{esc(t("bord.herkomst", wie=origin))}</span>'
        top: list[ipw.Widget] = []
        self.select = ipw.Checkbox(value=False, indent=False, description=t("bord.selecteer"), disabled=not trekker)
        self.select.layout.width = "auto"
        if trekker:
            self.text = ipw.Textarea(  # saved a few seconds after typing stops (the one editor model)
                value=item.text, rows=text_rows(item.text), continuous_update=True, layout=ipw.Layout(flex="1 1 auto")
            )
            self.text.add_class("pc-shared-text")
            keep_focus(self.text, "text", item.id)
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
            self.label_view = ipw.HTML(label_html(item), layout=ipw.Layout(flex="1 1 auto"))
            top = [self.label_view]
        self.votes = VoteControl(item.id, board.session.role, t, board.vote, board._guard)
        top.append(self.votes)
        children: list[ipw.Widget] = [ipw.HBox(top, layout=ipw.Layout(width="100%", align_items="flex-start"))]
        children.append(ipw.HTML(origin_html))
        self.voor_chips: dict[str, ipw.ToggleButton] = {}
        if key in puzzle.GET_PIECES:
            children.append(self._voor(board, item))
        self.reaction = self.comment = self.react_button = None
        if board.session.role == "partner":
            mine = board.reactions.get(board.session.access.partner_id, {}).get(item.id, {})
            self.saved_comment = mine.get("opmerking", "")
            self.reaction = ipw.ToggleButtons(
                options=[(t("reactie.geen"), ""), (t("reactie.eens"), "eens"), (t("reactie.vraag"), "vraag")],
                value=mine.get("soort", ""),
                style={"button_width": "auto"},
            )
            self.reaction.add_class("pc-react")
            self.comment = ipw.Text(
                value=board.unsent_comments.get(item.id, self.saved_comment),
                placeholder=t("reactie.opmerking"),
                description=t("reactie.label"),
                style={"description_width": "initial"},
                layout=ipw.Layout(width="420px"),
            )
            self.comment.add_class("pc-react-comment")
            keep_focus(self.comment, "comment", item.id)
            self.my_reaction = StoredValues(self.reaction, self.comment)  # a redraw keeps what is typed here
            self.my_reaction.shown = (item.id, (mine.get("soort", ""), self.saved_comment.strip()))
            self.react_button = ipw.Button(description=t("reactie.bewaar_opmerking"), icon="comment")
            self.react_button.add_class("pc-react-save")
            children.append(
                ipw.HBox([self.reaction, self.comment, self.react_button], layout=ipw.Layout(flex_flow="row wrap"))
            )
        self.reactions_view = ipw.HTML(reactions_html(item.id, board.reactions, board.orgs_all, t))
        children.append(self.reactions_view)
        super().__init__(children)
        self.add_class("pc-shared-row")

    def _voor(self, board: PuzzleBoard, item) -> ipw.Widget:
        """Return "voor wie": chips of the organisations and target groups (the trekker), else the names."""
        t = board.t
        chosen = puzzle.recipients(item)
        default = "" if item.voor else f' <small class="pc-hint">{esc(t("geven.standaard"))}</small>'
        if not board.trekker:
            names = ", ".join(isolate(board.target_name(x)) for x in chosen) or t("geven.niemand")
            return ipw.HTML(f'<p class="pc-voor">{esc(t("bord.voor"))} {esc(names)}{default}</p>')
        for target, label in board.targets():
            chip = ipw.ToggleButton(
                value=target in chosen, description=label[:40], tooltip=label,
                icon="check" if target in chosen else "", layout=ipw.Layout(width="auto"),
            )
            chip.add_class("pc-chip")
            chip.add_class("pc-chip-doelgroep" if target.startswith(puzzle.TARGET_GROUP) else "pc-chip-partner")
            self.voor_chips[target] = chip
        label = ipw.HTML(f'<span class="pc-voor-label">{esc(t("bord.voor"))}</span>')
        box = ipw.HBox([label, *self.voor_chips.values(), ipw.HTML(default)],
                       layout=ipw.Layout(flex_flow="row wrap", align_items="center", grid_gap="4px"))
        box.add_class("pc-voor")
        return box

    @property
    def typing(self) -> bool:
        """Return whether the partner typed a comment that is not saved yet."""
        return self.comment is not None and self.comment.value.strip() != self.saved_comment


class PuzzleBoard(ipw.VBox):
    """The board, the shared case, give and take, the checklist and the meeting for one workspace session.

    Public widgets (for tests): ``piece_buttons``, ``groups`` (``[(Group, adopt Button|None)]`` of the
    current piece), ``rows`` (:class:`SharedItemRow` list), ``merge_button``, ``new_item_text``,
    ``new_item_button``, ``agreed_checkbox``, ``canvas``, ``tabs``, ``balance``, ``figure_button``,
    ``checklist``, ``aside_dropdown``, ``aside_reason``, ``aside_button``, ``refresh_button``, ``status``,
    ``save_state``, ``conflict_box`` (the same item edited elsewhere), ``meeting_panel``
    (:class:`~purposecase.ui.meeting.MeetingPanel`), ``proposals`` (:class:`~purposecase.ui.meeting.ProposalPanel`),
    ``follow_toggle`` (the trekker's "volg mij"), ``follow_note`` (a partner's or viewer's "de trekker is bij …"),
    ``present_button``, ``presenter`` (the presenter view's stage); ``model`` is the shared case's
    :class:`~purposecase.ui.editor.DocumentEditorModel`, ``meeting`` the :class:`~purposecase.ui.meeting.MeetingState`.

    Attributes:
        on_focus: ``on_focus(piece key, follow)``, called when the trekker changes piece or "volg mij"
            (the chapter tells its live feed, so partners' pages follow).
    """

    max_length = MAX_ITEM_LENGTH

    def __init__(self, session: WorkspaceSession, t: Translator, status: StatusLine) -> None:
        super().__init__()
        self.add_class("pc-puzzle")
        self.session, self.t, self.status = session, t, status
        self.trekker = session.role == "trekker"
        self._guard = safe_callback(status, t)
        self._lock = threading.RLock()
        self.piece = "impact"
        self._typing = False
        self._relabelling = False
        self.badges: dict[str, int] = {}
        self.unsent_comments: dict[str, str] = {}
        self.unsent_proposals: dict[str, str] = {}  # piece key → a proposal typed there and not sent
        self.on_focus: Callable[[str, bool], None] | None = None
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
        # partners are organisations; the contact person's name only where no organisation is known
        self.orgs_all = {p.id: p.organisation or p.name for p in partners}
        self.contacts = {p.id: p.name for p in partners}
        self.orgs = {p.id: p.organisation or p.name for p in partners if p.active}
        self.partner_names = self.orgs
        self._partners = [puzzle.PartnerRef(p.id, p.name, p.organisation) for p in partners if p.active]
        refs_drafts = [(puzzle.PartnerRef(p.id, p.name, p.organisation), d) for p, d in s.shared_drafts()]
        self.drafts = {ref.id: d for ref, d in refs_drafts}
        self._entries = puzzle.board_entries(refs_drafts)
        self._grouped: dict[str, list] = {}
        self.reactions = s.reactions()
        self.meeting = MeetingState.load(s)

    def org_html(self, partner_id: str) -> str:
        """Return a partner as organisation with the contact in small print (escaped)."""
        return who_html(self.orgs_all.get(partner_id, partner_id), self.contacts.get(partner_id, ""))

    def origin_names(self, item) -> list[str]:
        """Return the organisations an item came from (the names stored at adoption for partners no longer known)."""
        names = [self.orgs_all[p] for p in item.origin if p in self.orgs_all]
        return list(dict.fromkeys(names)) if names else list(item.origin_names)

    def targets(self) -> list[tuple[str, str]]:
        """Return who can get a waarde or opbrengsten item: ``(target, label)`` of partners, then target groups."""
        out = [(pid, name) for pid, name in self.orgs.items()]
        out += [(puzzle.TARGET_GROUP + i.id, i.text) for i in self.loaded.shared.items("doelgroepen")]
        return out

    def target_name(self, target: str) -> str:
        """Return the organisation or target group a ``voor`` entry names."""
        if target.startswith(puzzle.TARGET_GROUP):
            wanted = target[len(puzzle.TARGET_GROUP):]
            return next((i.text for i in self.loaded.shared.items("doelgroepen") if i.id == wanted), target)
        return self.orgs_all.get(target, target)

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

    @_locked
    def _on_saved(self, loaded: LoadedShared) -> None:
        self.loaded = loaded
        # after typing: the rows stay (and the cursor), and what others changed meanwhile shows (keep_rows)
        self._render(typed=self._typing)
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
        self.piece_buttons = ipw.ToggleButtons(options=self._piece_options(), value=self.piece,
                                               style={"button_width": "auto"})
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
        self.new_item_button.on_click(after_typing(guard(self._on_new_item)))
        submit_on_enter(self.new_item_text, guard(self._on_new_item))
        self.agreed_checkbox.observe(guard(self._on_agreed), "value")
        self.refresh_button.on_click(guard(lambda _b: self.refresh()))
        self._syncing = False
        self.canvas = CanvasView(None, t)
        self.meeting_panel = MeetingPanel(self.session, t, self.status, guard, self.reload_meeting)
        self.proposals = ProposalPanel(self)

        # follow the trekker, and the presenter view
        self.follow_toggle = self.follow_note = self.follow_choice = None
        self._present: Sequence[Any] = ()
        self._moved_by_trekker = False
        if self.trekker:
            self.follow_toggle = ipw.ToggleButton(value=False, description=t("volg.mij"), icon="users",
                                                  tooltip=t("volg.mij_uitleg"))
            self.follow_toggle.add_class("pc-follow")
            self.follow_toggle.observe(guard(lambda _c: self._announce()), "value")
        else:
            self.follow_note = ipw.HTML()
            self.follow_note.add_class("pc-follow-note")
            # shown while the trekker leads with "volg mij": on by default; choosing a piece yourself stops it
            self.follow_choice = ipw.ToggleButton(value=True, description=t("volg.je_volgt"), icon="users",
                                                  button_style="info", tooltip=t("volg.volg_trekker_uitleg"),
                                                  layout=ipw.Layout(display="none", width="auto"))
            self.follow_choice.add_class("pc-follow-choice")
            self.follow_choice.observe(guard(self._on_follow_choice), "value")
        self.present_button = ipw.HTML(
            f'<button type="button" class="pc-present-button" title="{esc(t("presenteer.uitleg"))}" '
            f'onclick="{esc(_PRESENT_JS)}">{esc(t("presenteer.knop"))}</button>'
        )
        self.presenter = ipw.HTML()
        self.presenter.add_class("pc-present-content")
        self.present_prev = ipw.Button(description=t("presenteer.vorige"))
        self.present_next = ipw.Button(description=t("presenteer.volgende"))
        self.present_prev.add_class("pc-presenter-prev")  # werkboek.js: the arrow keys press these in fullscreen
        self.present_next.add_class("pc-presenter-next")
        self.present_prev.on_click(guard(lambda _b: self.step_piece(-1)))
        self.present_next.on_click(guard(lambda _b: self.step_piece(+1)))
        keys = ipw.HBox([self.present_prev, self.present_next])
        keys.add_class("pc-present-keys")
        hint = ipw.HTML(f'<p class="pc-present-hint">{esc(t("presenteer.toetsen"))}</p>')  # the keys, on screen
        stage = ipw.VBox([self.meeting_panel.countdown, self.presenter, keys, hint])
        stage.add_class("pc-present-stage")
        stage.add_class("pc-presenter")

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
        right_children.append(self.proposals)
        right = ipw.VBox(right_children, layout=ipw.Layout(width="50%"))
        board_tab = ipw.VBox(
            [
                self.meeting_panel,
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
        follow = [self.follow_toggle] if self.follow_toggle is not None else [self.follow_choice, self.follow_note]
        top = [self.refresh_button, *follow, self.present_button] + ([self.save_state] if self.trekker else [])
        bar = ipw.HBox(top, layout=ipw.Layout(align_items="center", grid_gap="10px", flex_flow="row wrap"))
        bar.add_class("pc-board-bar")
        self.children = [bar, self.conflict_box, self.tabs, stage]
        self._render()

    def _piece_options(self) -> list[tuple[str, str]]:
        """Return the piece buttons' labels (with a count badge where :meth:`set_piece_badges` gave one)."""
        options = []
        for p in PIECES:
            n = self.badges.get(p.key, 0)
            options.append((f"{p.name(self.t.lang)} · {n}" if n > 0 else p.name(self.t.lang), p.key))
        return options

    def _render_piece_buttons(self) -> None:
        """Show every piece's status on its button: an icon, and the status in words in the tooltip."""
        t, shared = self.t, self.loaded.shared
        statuses = [shared.status(p.key) for p in PIECES]
        self.piece_buttons.icons = [STATUS_ICONS[s] for s in statuses]
        self.piece_buttons.tooltips = [
            t("bord.stuk_status", stuk=p.name(t.lang), status=t("voortgang." + s)) + (
                " · " + t("bord.badge", n=self.badges[p.key]) if self.badges.get(p.key) else ""
            )
            for p, s in zip(PIECES, statuses, strict=True)
        ]

    def set_piece_badges(self, counts: dict[str, int]) -> None:
        """Show a small count per piece button (e.g. new reactions); a count of 0 shows nothing.

        Args:
            counts: piece key → count; unknown keys are ignored.
        """
        badges = {k: int(v) for k, v in counts.items() if k in {p.key for p in PIECES} and int(v) > 0}
        if badges == self.badges:
            return
        self.badges = badges
        self._relabelling = True
        try:
            self.piece_buttons.options = self._piece_options()  # resets the value: put it back
            self.piece_buttons.value = self.piece
        finally:
            self._relabelling = False
        self._render_piece_buttons()

    @_locked
    def _render(self, typed: bool = False) -> None:
        """Redraw the piece; ``typed``: right after this page saved its typing (see ``keep_rows``)."""
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
                button.on_click(self._guard(lambda _b, g=group: self._apply(self._adopt_group(g))))
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
        # shared items (a comment typed and not yet saved survives the redraw)
        for row in getattr(self, "rows", []):
            if row.typing:
                self.unsent_comments[row.item_id] = row.comment.value
            else:
                self.unsent_comments.pop(row.item_id, None)
        items = shared.items(key)
        here = {item.id for item in items}
        for row in getattr(self, "rows", []):  # an item removed elsewhere while a comment or its text was typed
            if row.key != key or row.item_id in here:
                continue
            if row.typing:
                self.unsent_comments.pop(row.item_id, None)
                self.status.show(t("reactie.item_weg", item=isolate(row.original),
                                   opmerking=isolate(row.comment.value.strip())), "warning")
            elif row.text is not None and row.text.value.strip() != row.original.strip():
                self.status.show(t("editor.item.verwijderd", item=isolate(row.original),
                                   tekst=isolate(row.text.value.strip())), "warning")

        def build(item, n: int) -> SharedItemRow:
            row = SharedItemRow(self, key, item, n, len(items))
            self._wire(key, row)
            return row

        self.rows = keep_rows(  # rows nobody changed stay as they are on the page (and keep the cursor)
            getattr(self, "rows", []), items, key=lambda item: (key, item.id),
            shape=lambda item, _n: self._row_shape(key, item), build=build,
            follow=lambda row, item, n: self._follow_row(row, item, n, len(items)), typed=typed,
        )
        self.shared_box.children = self.rows or [ipw.HTML(f'<p class="pc-empty">{esc(t("canvas.leeg"))}</p>')]
        self._syncing = True
        try:
            self.agreed_checkbox.value = bool(shared.agreed.get(key))
        finally:
            self._syncing = False
        self._render_overview()
        self._render_meeting()

    def _render_overview(self) -> None:
        """Redraw what follows from the shared case besides the rows: canvas, give and take, checks, statuses."""
        shared = self.loaded.shared
        self.canvas.statuses = {p.key: shared.status(p.key) for p in PIECES}
        self.canvas.case = shared.as_case(self.session.workspace().name)
        self._render_piece_buttons()
        self._render_balance()
        self._render_checks()
        self._render_presenter()

    def _render_meeting(self) -> None:
        """Redraw the meeting: timer and round, the votes beside the items, the proposals, the presenter view."""
        state = self.meeting
        self.meeting_panel.render(state)
        for row in self.rows:
            row.votes.render(state)
        self.proposals.render(state)
        self._render_presenter()

    def _render_presenter(self) -> None:
        state = getattr(self, "meeting", None)
        totals = state.totals() if state is not None and state.visible(self.session.role) else None
        self.presenter.value = presenter_html(self.loaded.shared, self.piece, totals, self.t)

    @_locked
    def reload_meeting(self) -> None:
        """Reload the meeting (round, timer, votes, proposals) from the store and redraw it."""
        self.meeting = MeetingState.load(self.session)
        self._render_meeting()

    def _adopt_group(self, group: puzzle.Group) -> puzzle.Operation:
        """Return the adoption of a board group, its origin named by organisation."""
        names = [self.orgs_all.get(pid, name) for pid, name in zip(group.partner_ids, group.partner_names,
                                                                    strict=False)]
        return puzzle.adopt(group.piece, group.text, group.partner_ids, names, kind=group.kind)

    def _row_shape(self, key: str, item) -> tuple:
        """Return what a shared item's row shows besides its text, its label and the reactions (see ``keep_rows``)."""
        voor = None
        if key in puzzle.GET_PIECES:
            chosen = tuple(puzzle.recipients(item))
            names = tuple(self.targets()) if self.trekker else tuple(self.target_name(x) for x in chosen)
            voor = (chosen, bool(item.voor), names)
        return (self.t.lang, tuple(self.origin_names(item)), voor)

    def _follow_row(self, row: SharedItemRow, item, index: int, count: int) -> None:
        """Update a kept row in place: its item, order buttons, the height of its field, everyone's reactions."""
        row.item = item
        if row.text is not None:
            row.text.rows = text_rows(item.text)
            row.up.disabled, row.down.disabled = index == 0, index == count - 1
        if row.label_view is not None:
            row.label_view.value = label_html(item)
        chosen = puzzle.recipients(item)
        row.syncing = True  # the chips show what is stored (a refused click is undone): not a click
        try:
            for target, chip in row.voor_chips.items():
                chip.value, chip.icon = target in chosen, "check" if target in chosen else ""
        finally:
            row.syncing = False
        row.reactions_view.value = reactions_html(item.id, self.reactions, self.orgs_all, self.t)
        if row.reaction is not None:  # the partner's own reaction as stored, unless being filled in here
            saved = self.reactions.get(self.session.access.partner_id, {}).get(item.id, {})
            row.syncing = True
            try:
                row.my_reaction.show(item.id, (saved.get("soort", ""), saved.get("opmerking", "")))
            finally:
                row.syncing = False
            row.saved_comment = saved.get("opmerking", "")

    def _wire(self, key: str, row: SharedItemRow) -> None:
        guard = self._guard
        if self.trekker:

            def on_text(change, row=row):
                if row.syncing:  # the stored text put back by a redraw, not typed here
                    return
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
            for target, chip in row.voor_chips.items():
                chip.observe(guard(lambda change, target=target: self._on_voor(row, target, change["new"])), "value")
        if row.reaction is not None:
            row.reaction.observe(guard(lambda _c: self._on_react(row)), "value")  # a click saves it
            row.react_button.on_click(after_typing(guard(lambda _b: self._on_comment(row))))
            submit_on_enter(row.comment, guard(lambda: self._on_comment(row)))

    def _balance_html(self) -> str:
        t = self.t
        rows = puzzle.give_and_take(self._partners, self.loaded.shared, self.drafts)
        self._balance_rows = rows
        if not rows:
            return f'<p class="pc-empty">{esc(t("trekker.geen_partners"))}</p>'

        def items(texts: Sequence[tuple[str, str]]) -> str:
            return "".join(
                f"<li>{esc(text)} <small>({esc(get_piece(k).name(t.lang))})</small></li>" for k, text in texts
            )

        body = []
        for r in rows:
            warn = ""
            if r.balance in ("alleen_geven", "alleen_krijgen", "geen"):
                warn = (
                    f'<div class="pc-msg pc-msg-warning pc-flag-{r.balance}">'
                    f"{esc(t('geven.' + r.balance, naam=isolate(r.partner)))}</div>"
                )
            gives = [("inbreng", x) for x in r.inbreng] + [("middelen", x) for x in r.middelen]
            body.append(
                f'<tr data-partner="{esc(r.partner_id)}"><th scope="row">{self.org_html(r.partner_id)}{warn}</th>'
                f"<td><ul>{''.join(f'<li>{esc(x)}</li>' for x in r.intenties)}</ul></td>"
                f"<td><ul>{items(gives)}</ul></td>"
                f"<td><ul>{items(r.krijgt)}</ul></td></tr>"
            )
        head = "".join(
            f'<th scope="col">{esc(t(k))}</th>'
            for k in ("geven.organisatie", "geven.intenties", "geven.geeft_kol", "geven.krijgt")
        )
        return (
            f'<table class="pc-table pc-balance"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
        )

    def _render_balance(self) -> None:
        self.balance.value = self._balance_html()

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
    @_locked
    def _on_piece(self, change) -> None:
        if self._relabelling:
            return
        proposal = self.proposals.text
        if proposal is not None:  # a proposal being typed stays with its piece (moving along would misfile it)
            if proposal.value.strip():
                self.unsent_proposals[self.piece] = proposal.value
            proposal.value = self.unsent_proposals.pop(change["new"], "")
        self.piece = change["new"]
        self._render()
        if self.follow_note is not None:
            self.follow_note.value = ""
        if self.follow_choice is not None and not self._moved_by_trekker and self.follow_choice.value:
            if self.follow_choice.layout.display != "none":  # a piece chosen while following: stop following
                self.follow_choice.value = False
        self._announce()

    def _on_follow_choice(self, change) -> None:
        """Follow the trekker again at once (on), or stay where you are and only see where the trekker is (off)."""
        on = bool(change["new"])  # on: "Je volgt de trekker" (blue); off: "Volg de trekker" (plain)
        self.follow_choice.icon = "users" if on else "user"
        self.follow_choice.description = self.t("volg.je_volgt" if on else "volg.volg_trekker")
        self.follow_choice.button_style = "info" if on else ""
        self.follow(self._present, asked=bool(change["new"]))

    def _announce(self) -> None:
        """Tell the other pages which piece the trekker has open, and whether they follow it."""
        if self.trekker and self.on_focus is not None:
            self.on_focus(self.piece, bool(self.follow_toggle.value))

    def step_piece(self, step: int) -> None:
        """Show the previous (−1) or next (+1) piece (the presenter view's arrow keys)."""
        keys = [p.key for p in PIECES]
        index = keys.index(self.piece) + step
        if 0 <= index < len(keys):
            self.piece_buttons.value = keys[index]

    @property
    def typing(self) -> bool:
        """Return whether this page holds text the user is still writing (a proposal, a comment, an edit)."""
        proposal = self.proposals.text is not None and bool(self.proposals.text.value.strip())
        return proposal or self.model.dirty or any(row.typing for row in self.rows)

    @_locked
    def follow(self, present: Sequence[Any], asked: bool = False) -> None:
        """Follow the trekker's piece when a trekker's step-3 page asks for it ("volg mij"; not the trekker's own).

        Not after the user chose to stop following (``follow_choice`` off, or a piece chosen by hand while
        following), and not on its own while the user has text here not sent yet (then the note says the
        board follows once it is sent): a note says where the trekker is. Comments not sent stay with
        their item when the board moves (``unsent_comments``).

        Args:
            present: who has the workspace open (:class:`~purposecase.store.Presence` list).
            asked: the user just turned "Volg de trekker" on: follow now, also with text not sent.
        """
        if self.trekker:
            return
        leaders = [p for p in present if p.role == "trekker" and p.follow and p.chapter == NOTEBOOK]
        keys = {p.key for p in PIECES}
        leaders = [p for p in leaders if p.focus in keys]
        self._present = present
        was_leading = self.follow_choice.layout.display != "none"
        self.follow_choice.layout.display = "" if leaders else "none"
        if leaders and not was_leading and not self.follow_choice.value:
            self.follow_choice.value = True  # a new "volg mij": everyone follows again
        if not leaders:
            self.follow_note.value = ""
            return
        key = max(leaders, key=lambda p: p.seen_at).focus
        if key == self.piece:
            self.follow_note.value = ""
            return
        waiting = self.typing and not asked
        if waiting or not self.follow_choice.value:
            name = get_piece(key).name(self.t.lang)
            text = self.t("volg.trekker_bij_wacht" if waiting and self.follow_choice.value else "volg.trekker_bij",
                          stuk=name)
            self.follow_note.value = f'<span class="pc-badge pc-badge-busy pc-follow-where">{esc(text)}</span>'
            return
        self._moved_by_trekker = True
        try:
            self.piece_buttons.value = key
        finally:
            self._moved_by_trekker = False

    def _on_merge(self, _b=None) -> None:
        chosen = [r for r in self.rows if r.select.value]
        if len(chosen) < 2:
            self.status.show(self.t("bord.kies_twee"), "warning")
            return
        text = puzzle.merged_text([r.original for r in chosen])
        if len(text) > MAX_ITEM_LENGTH:
            self.status.show(self.t("bord.samen_te_lang", max=MAX_ITEM_LENGTH, lengte=len(text)), "error")
            return
        self._apply(puzzle.merge(self.piece, [r.item_id for r in chosen], text))
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

    def _on_voor(self, row: SharedItemRow, target: str, on: bool) -> None:
        """Add or take away one organisation or target group that gets ``row``'s item (one click)."""
        if row.syncing:  # a redraw showing what is stored, not a click
            return
        item = next((i for i in self.loaded.shared.items(row.key) if i.id == row.item_id), None)
        if item is None:
            self._render()
            return
        current = list(puzzle.recipients(item))
        new = [*current, target] if on and target not in current else [x for x in current if x != target or on]
        if not new and item.origin:
            # nobody named would mean "where it came from" again: say so instead of silently undoing the click
            self.status.show(self.t("geven.minstens_een"), "warning")
            self._render()
            return
        self._apply(puzzle.set_beneficiaries(row.key, row.item_id, new))

    def _on_react(self, row: SharedItemRow) -> None:
        """Save the partner's reaction as soon as "eens" or "vraag" is clicked (with the comment typed)."""
        if row.syncing:  # a redraw showing what is stored, not a click
            return
        comment = row.comment.value.strip()
        if len(comment) > MAX_COMMENT:
            self.status.show(self.t("fout.te_lang", lengte=len(comment), max=MAX_COMMENT), "error")
            return
        self.session.react(row.item_id, row.reaction.value or None, comment if row.reaction.value else "")
        row.saved_comment = comment if row.reaction.value else ""
        self._after_reaction(row)

    def _on_comment(self, row: SharedItemRow) -> None:
        """Save the comment with the reaction chosen (a comment needs "eens" or "vraag")."""
        if not row.reaction.value:
            self.status.show(self.t("reactie.kies_eerst"), "warning")
            return
        self._on_react(row)

    def _after_reaction(self, row: SharedItemRow) -> None:
        self.reactions = self.session.reactions()
        self.unsent_comments.pop(row.item_id, None)
        row.my_reaction.shown = (row.item_id, (row.reaction.value, row.saved_comment.strip()))  # now stored
        row.reactions_view.value = reactions_html(row.item_id, self.reactions, self.orgs_all, self.t)
        self.status.show(self.t("reactie.bewaard"), "info")

    def vote(self, item_id: str, delta: int) -> None:
        """Add (``+1``) or take back (``-1``) one of the partner's votes on a shared item.

        Refused with a message (nothing changes) without an open round, over the round's votes,
        for an item that no longer exists; a viewer's or a revoked link's vote is refused by the store
        (:class:`~purposecase.workspace.Forbidden`, :class:`~purposecase.errors.RevokedToken`: the
        page's guard says so).
        """
        self.session.require("partner")
        ronde = self.session.document(MEETING).load().record.ronde
        if ronde is None or not ronde.open:
            self.status.show(self.t("stem.gesloten"), "error")
            self.reload_meeting()
            return
        try:
            self.session.document(VOTES).update(mt.vote(item_id, delta, ronde.id))
        except InvalidInput as exc:
            refused(exc, self.t, self.status, n=ronde.stemmen)
            self.reload_meeting()
            return
        self.status.clear()
        self.reload_meeting()

    def accept_proposal(self, partner_id: str, proposal: mt.Proposal, text: str) -> None:
        """Adopt a partner's proposal into the shared case (as ``text``, possibly edited) and record the decision."""
        t = self.t
        text = text.strip()
        if not text:
            self.status.show(t("voorstel.leeg"), "warning")
            return
        if len(text) > MAX_ITEM_LENGTH:
            self.status.show(t("voorstel.te_lang", max=MAX_ITEM_LENGTH, lengte=len(text)), "error")
            return
        item_id = f"v-{partner_id[:16]}-{proposal.id}"[:40]  # the same id on a retry: never adopted twice
        name = self.orgs_all.get(partner_id, partner_id)
        if not self._apply(puzzle.adopt(proposal.stuk, text, [partner_id], [name], item_id=item_id)):
            return
        self.session.document(MEETING).update(
            mt.decide(partner_id, proposal.id, mt.Decision(status="aangenomen", item_id=item_id, tekst=text))
        )
        self.reload_meeting()
        self.status.show(t("voorstel.aangenomen", stuk=get_piece(proposal.stuk).name(t.lang)), "info")

    def decline_proposal(self, partner_id: str, proposal: mt.Proposal) -> None:
        """Record that the trekker declined a partner's proposal (the partner sees it)."""
        self.session.document(MEETING).update(
            mt.decide(partner_id, proposal.id, mt.Decision(status="afgewezen"))
        )
        self.reload_meeting()
        self.status.show(self.t("voorstel.afgewezen"), "info")

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

        from ..figures import give_and_take_figure, give_and_take_items

        t = self.t
        items = give_and_take_items(self.loaded.shared, self.orgs_all)
        self.figure_out.clear_output()
        if not items:  # an empty Sankey draws nothing at all: say what is missing instead
            self.figure = None
            with self.figure_out:
                display(ipw.HTML(message_html(t("geven.geen_figuur"), "info")))
            return
        fig = give_and_take_figure(
            items,
            title=t("geven.figuur_titel"),
            initiative=self.session.workspace().name,
            piece_names={k: get_piece(k).name(t.lang).lower() for k in (*puzzle.GIVE_PIECES, *puzzle.GET_PIECES)},
            unassigned=t("geven.niet_toegewezen"),
            gives=t("geven.geeft"),
            gets=t("geven.krijgt_kort"),
        )
        self.figure = fig
        with self.figure_out:
            display(fig)

    @_locked
    def refresh(self) -> None:
        """Reload drafts, shared case, reactions and the meeting from the store and redraw."""
        self._load()
        self._render()

    @_locked
    def on_change(self, event) -> None:
        """Reload what another page changed (a live-feed burst); what is being typed is never overwritten.

        The meeting (round, timer, votes, proposals) redraws on its own, without touching the rows'
        text; "volg mij" moves the board (see :meth:`follow`). A burst that holds only this page's own
        save of the shared case redraws nothing (the cursor stays where it is).
        """
        if event.present is not None:
            self.follow(event.present)
        if event.touches(MEETING, VOTES, PROPOSALS):
            self.reload_meeting()
        if self.model.dirty or self.model.conflict:  # shown once this page's own work is saved
            self.model.hold_back(event, self.on_change)
            return
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
        """Stop the autosave and the countdown, and close the widgets."""
        self.model.close()
        self.meeting_panel.close()
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
        self.board.on_focus = self._focus
        return ipw.VBox([ipw.HTML(note), self.board, export_box]) if note else ipw.VBox([self.board, export_box])

    def on_live_ready(self) -> None:
        """Say which piece this page shows, follow the trekker when asked, and badge the pieces with new reactions."""
        if self.feed is None or self.board is None:
            return
        self.feed.set_focus(self.board.piece, follow=False)
        if self.feed.present:
            self.board.follow(self.feed.present)
        self._looked: dict[str, int] = {}
        """Piece → the last change this page had seen when the piece was shown (page-local)."""
        self.board.piece_buttons.observe(safe_callback(self.status, self.t)(self._on_piece_looked), "value")
        self.show_piece_notices()

    def _focus(self, piece: str, follow: bool) -> None:
        if self.feed is not None:
            self.feed.set_focus(piece, follow=follow)
        self.show_piece_notices()

    def _on_piece_looked(self, _change=None) -> None:
        if self.board is not None and self.feed is not None and hasattr(self, "_looked"):
            self._looked[self.board.piece] = self.feed.last_id
        self.show_piece_notices()

    def show_piece_notices(self) -> None:
        """Badge each piece with the partners' reactions that are new since this link last looked (DESIGN.md §8).

        "Last looked" is when the link last opened this chapter (stored per link), or — for a piece
        shown on this page since — the moment it was shown. The piece on screen has no badge.
        """
        if self.board is None or self.notices is None or self.feed is None or not hasattr(self, "_looked"):
            return
        from ..workspace.live import new_reactions

        shared = self.board.loaded.shared
        piece_of = {item.id: key for key in PIECE_KEYS for item in shared.items(key)}
        since = self.notices.opened_at
        counts: dict[str, int] = {}
        current = self.board.piece
        self._looked[current] = self.feed.last_id
        by_piece_since: dict[str, dict[str, int]] = {}
        for start in {since, *self._looked.values()}:
            by_piece_since[str(start)] = new_reactions(self.session, start, SHARED_CASE)
        for item_id, key in piece_of.items():
            start = max(since, self._looked.get(key, since))
            n = by_piece_since[str(start)].get(item_id, 0)
            if n and key != current:
                counts[key] = counts.get(key, 0) + n
        self.board.set_piece_badges(counts)

    def on_workspace_change(self, event) -> None:
        """Show shares, adoptions, edits, reactions and the meeting made elsewhere (never over what is typed)."""
        if self.board is not None:
            self.board.on_change(event)
            if event.touches(REACTIONS, SHARED_CASE):
                self.show_piece_notices()
