"""The meeting toolkit of step 3: dot voting, the countdown and partners' proposals (widgets).

Views over :mod:`purposecase.meeting` (the records and rules): the trekker runs the
meeting, every page of the workspace sees it live (the chapter's feed reports saves of
``meeting``, ``votes`` and ``proposals``; the board reloads a :class:`MeetingState`).

- :class:`MeetingPanel`: the countdown every page shows, the voting round ("nog 2
  stemmen"), and the trekker's controls (open a round with N votes, hidden or open
  results, reveal, close; start N minutes, stop);
- :class:`VoteControl`: − / + and the counts beside one shared item;
- :class:`ProposalPanel`: a partner proposes an item for the current piece (Enter
  submits) and sees what became of it; the trekker accepts (possibly edited) or declines.

Every refusal of the rules (a closed round, too many votes, an item that is gone, a
proposal over the length) is shown as a message from :data:`ERRORS`; nothing changes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as ipw

from .. import meeting as mt
from ..errors import InvalidInput
from ..messages import Translator
from ..pieces import get_piece
from ..workspace import WorkspaceSession
from .common import StatusLine, esc, subtitle_html
from .editor import after_typing

log = logging.getLogger("purposecase.ui")

MEETING, VOTES, PROPOSALS = "meeting", "votes", "proposals"

ERRORS = {
    "vote_closed": "stem.gesloten",
    "too_many_votes": "stem.te_veel",
    "unknown_item": "stem.onbekend_item",
    "unknown_piece": "voorstel.onbekend_stuk",
    "item_too_long": "voorstel.te_lang",
    "empty": "voorstel.leeg",
    "invalid_timer": "timer.ongeldig",
}
"""Message keys for the :class:`~purposecase.errors.InvalidInput` codes of the meeting's rules."""


def refused(exc: InvalidInput, t: Translator, status: StatusLine, **values: Any) -> None:
    """Show the message for a refused vote, proposal or timer (re-raise codes without one)."""
    key = ERRORS.get(exc.code)
    if key is None:
        raise exc
    status.show(t(key, **values), "error")


def submit_on_enter(text: ipw.Text, callback: Callable[[], None]) -> None:
    """Call ``callback()`` when Enter is pressed in ``text`` (the front end sends a ``submit`` event).

    ipywidgets 8 still sends the event; its ``on_submit`` helper is deprecated, so the custom
    message is handled here directly.
    """
    later = after_typing(callback)  # the last keystrokes reach the kernel first

    def handle(_widget: Any, content: dict, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("event") == "submit":
            later()

    text.on_msg(handle)


def press_enter(text: ipw.Text) -> None:
    """Do what pressing Enter in ``text`` does in a browser (for tests and notebook users)."""
    text._handle_custom_msg({"event": "submit"}, [])


def votes_text(n: int, t: Translator) -> str:
    """Return "1 stem" or "{n} stemmen" (translated)."""
    return t("stem.totaal_een") if n == 1 else t("stem.totaal", n=n)


@dataclass
class MeetingState:
    """What a page knows of the meeting: the round and timer, the votes it may read, the proposals.

    Attributes:
        meeting: the trekker's ``meeting`` document.
        votes: each partner's votes that this page may read (the trekker: all; others: their own,
            and everyone's once the results are visible).
        mine: a partner's own votes (``None`` for trekker and viewer).
        proposals: partner id → their proposals (the trekker and viewer: every partner; a partner: their own).
    """

    meeting: mt.Meeting = field(default_factory=mt.Meeting)
    votes: dict[str, mt.Votes] = field(default_factory=dict)
    mine: mt.Votes | None = None
    proposals: dict[str, mt.Proposals] = field(default_factory=dict)

    @classmethod
    def load(cls, session: WorkspaceSession) -> MeetingState:
        """Read the meeting, the readable votes and the proposals of ``session``'s workspace."""
        meeting = session.document(MEETING).load().record
        own = session.access.partner_id if session.role == "partner" else None
        votes: dict[str, mt.Votes] = {}
        proposals: dict[str, mt.Proposals] = {}
        for doc in session.documents():
            if doc.kind not in (VOTES, PROPOSALS) or not doc.partner_id or not doc.head:
                continue
            if doc.kind == PROPOSALS and own is not None and doc.partner_id != own:
                continue  # a partner follows their own proposals; the trekker decides on everyone's
            handle = session.document(doc.kind, doc.partner_id)
            if not handle.may_read(doc):
                continue
            record = handle.load(doc).record
            (votes if doc.kind == VOTES else proposals)[doc.partner_id] = record
        mine = votes.get(own, mt.Votes()) if own is not None else None
        return cls(meeting, votes, mine, proposals)

    @property
    def ronde(self) -> mt.VoteRound | None:
        """Return the current voting round, or ``None``."""
        return self.meeting.ronde

    def visible(self, role: str) -> bool:
        """Return whether ``role`` sees everyone's votes (the trekker always; others once visible)."""
        return self.ronde is not None and (role == "trekker" or self.ronde.results_visible)

    def totals(self) -> dict[str, int]:
        """Return the votes per shared item in the current round (of the votes this page may read)."""
        return mt.tally(self.meeting, self.votes)

    def my_count(self, item_id: str) -> int:
        """Return the own votes on ``item_id`` in the current round (0 for trekker and viewer)."""
        if self.mine is None or self.ronde is None or self.mine.ronde != self.ronde.id:
            return 0
        return self.mine.stemmen.get(item_id, 0)

    def left(self) -> int:
        """Return the votes a partner has left in the current round (0 without an open round)."""
        if self.ronde is None or not self.ronde.open:
            return 0
        used = self.mine.total() if self.mine is not None and self.mine.ronde == self.ronde.id else 0
        return max(0, self.ronde.stemmen - used)

    def open_proposals(self) -> list[tuple[str, mt.Proposal]]:
        """Return ``(partner id, proposal)`` of every proposal the trekker has not decided on yet."""
        return [
            (pid, p)
            for pid, record in self.proposals.items()
            for p in record.items
            if mt.outcome(self.meeting, pid, p.id) is None
        ]


class CountdownView(ipw.HTML):
    """The countdown as ``mm:ss``, redrawn every second by a kernel thread while it runs.

    :meth:`show` sets the timer (``None``: no timer); :meth:`close` stops the thread.
    """

    def __init__(self, t: Translator) -> None:
        super().__init__()
        self.add_class("pc-timer-view")
        self.t = t
        self.timer: mt.Timer | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.draw()

    def show(self, timer: mt.Timer | None) -> None:
        """Show ``timer`` (and keep it counting down), or nothing for ``None``."""
        self.timer = timer
        self.draw()
        if timer is not None and timer.seconds_left() > 0:
            with self._lock:
                if self._thread is None and not self._stop.is_set():
                    self._thread = threading.Thread(target=self._run, name="pc-countdown", daemon=True)
                    self._thread.start()

    def _run(self) -> None:
        try:
            while not self._stop.wait(1.0):
                timer = self.timer
                self.draw()
                if timer is None or timer.seconds_left() == 0:
                    break
        except Exception:  # noqa: BLE001 - a background redraw must never surface a traceback
            log.exception("the countdown stopped")
        finally:
            with self._lock:
                self._thread = None

    def draw(self) -> None:
        """Redraw the time left."""
        timer, t = self.timer, self.t
        if timer is None:
            self.value = ""
            return
        left = timer.seconds_left()
        if left == 0:
            self.value = f'<div class="pc-timer pc-timer-done" role="status">{esc(t("timer.om"))}</div>'
            return
        clock = f"{left // 60:02d}:{left % 60:02d}"
        self.value = (
            f'<div class="pc-timer pc-timer-running" role="timer" aria-label="{esc(t("timer.label", tijd=clock))}">'
            f'<span class="pc-timer-label">{esc(t("timer.titel"))}</span> '
            f'<span class="pc-timer-time">{clock}</span></div>'
        )

    def close(self) -> None:
        """Stop the countdown thread and close the widget."""
        self._stop.set()
        super().close()


class VoteControl(ipw.HBox):
    """The votes beside one shared item: − / + and the own count for a partner, the total when visible.

    Public widgets (for tests): ``minus``, ``plus`` (``None`` for trekker and viewer), ``count``.
    """

    def __init__(
        self,
        item_id: str,
        role: str,
        t: Translator,
        on_vote: Callable[[str, int], None],
        guard: Callable[[Callable[..., Any]], Callable[..., Any]],
    ) -> None:
        self.item_id, self.role, self.t = item_id, role, t
        self.count = ipw.HTML()
        self.count.add_class("pc-vote-count")
        self.minus = self.plus = None
        children: list[ipw.Widget] = []
        if role == "partner":
            self.minus = ipw.Button(icon="minus", tooltip=t("stem.min"), layout=ipw.Layout(width="34px"))
            self.plus = ipw.Button(icon="plus", tooltip=t("stem.plus"), layout=ipw.Layout(width="34px"))
            for button, cls in ((self.minus, "pc-vote-minus"), (self.plus, "pc-vote-plus")):
                button.add_class(cls)
                button.add_class("pc-icon-button")
            self.minus.on_click(guard(lambda _b: on_vote(item_id, -1)))
            self.plus.on_click(guard(lambda _b: on_vote(item_id, +1)))
            children = [self.minus, self.count, self.plus]
        else:
            children = [self.count]
        super().__init__(children, layout=ipw.Layout(align_items="center", display="none"))
        self.add_class("pc-votes")

    def render(self, state: MeetingState) -> None:
        """Show the item's votes in the current round (hidden without a round)."""
        ronde, t = state.ronde, self.t
        if ronde is None:
            self.layout.display = "none"
            return
        self.layout.display = "flex"
        parts = []
        if self.role == "partner":
            mine = state.my_count(self.item_id)
            parts.append(f'<span class="pc-vote-mine">{esc(t("stem.jouw", n=mine))}</span>')
            self.minus.disabled = not ronde.open or mine == 0
            self.plus.disabled = not ronde.open or state.left() == 0
        if state.visible(self.role):
            total = state.totals().get(self.item_id, 0)
            parts.append(f'<span class="pc-vote-total" data-votes="{total}">{esc(votes_text(total, t))}</span>')
        self.count.value = " ".join(parts)


class MeetingPanel(ipw.VBox):
    """The countdown and the voting round for everyone; the trekker's controls to run them.

    Args:
        session: the page's session.
        t: translator.
        status: the board's message line.
        guard: the page's :func:`~purposecase.ui.common.safe_callback`.
        changed: called after the trekker changed the meeting (the board reloads and redraws).

    Public widgets (for tests): ``countdown``, ``round_line``; the trekker's ``votes_input``,
    ``hidden_checkbox``, ``open_button``, ``reveal_button``, ``close_button``, ``minutes_input``,
    ``start_button``, ``stop_button``.
    """

    def __init__(
        self,
        session: WorkspaceSession,
        t: Translator,
        status: StatusLine,
        guard: Callable[[Callable[..., Any]], Callable[..., Any]],
        changed: Callable[[], None],
    ) -> None:
        self.session, self.t, self.status, self._changed = session, t, status, changed
        self.trekker = session.role == "trekker"
        self.countdown = CountdownView(t)
        self.round_line = ipw.HTML()
        self.round_line.add_class("pc-round-line")
        children: list[ipw.Widget] = [ipw.HBox([self.countdown, self.round_line],
                                                layout=ipw.Layout(align_items="center", grid_gap="16px"))]
        if self.trekker:
            style = {"description_width": "initial"}
            self.votes_input = ipw.BoundedIntText(value=3, min=1, max=mt.MAX_VOTES, description=t("stem.aantal"),
                                                  style=style, layout=ipw.Layout(width="230px"))
            self.hidden_checkbox = ipw.Checkbox(value=True, description=t("stem.verborgen"), indent=False,
                                                layout=ipw.Layout(width="auto"))
            self.open_button = ipw.Button(description=t("stem.open"), icon="check-square-o")
            self.reveal_button = ipw.Button(description=t("stem.onthul"), icon="eye")
            self.close_button = ipw.Button(description=t("stem.sluit"), icon="stop")
            self.minutes_input = ipw.BoundedIntText(value=5, min=1, max=int(mt.MAX_TIMER_MINUTES),
                                                    description=t("timer.minuten"), style=style,
                                                    layout=ipw.Layout(width="170px"))
            self.start_button = ipw.Button(description=t("timer.start"), icon="hourglass-start")
            self.stop_button = ipw.Button(description=t("timer.stop"), icon="hourglass-end")
            for widget, cls in (
                (self.open_button, "pc-vote-open"), (self.reveal_button, "pc-vote-reveal"),
                (self.close_button, "pc-vote-close"), (self.start_button, "pc-timer-start"),
                (self.stop_button, "pc-timer-stop"), (self.votes_input, "pc-vote-n"),
                (self.minutes_input, "pc-timer-minutes"), (self.hidden_checkbox, "pc-vote-hidden"),
            ):
                widget.add_class(cls)
            self.open_button.on_click(guard(self._on_open))
            self.reveal_button.on_click(guard(lambda _b: self._apply(mt.reveal())))
            self.close_button.on_click(guard(lambda _b: self._apply(mt.close_round())))
            self.start_button.on_click(guard(self._on_start))
            self.stop_button.on_click(guard(lambda _b: self._apply(mt.stop_timer())))
            row = ipw.HBox(
                [self.votes_input, self.hidden_checkbox, self.open_button, self.reveal_button, self.close_button],
                layout=ipw.Layout(flex_flow="row wrap", align_items="center", grid_gap="8px"),
            )
            timer_row = ipw.HBox([self.minutes_input, self.start_button, self.stop_button],
                                 layout=ipw.Layout(align_items="center", grid_gap="8px"))
            controls = ipw.VBox([row, timer_row])
            controls.add_class("pc-meeting-controls")
            children.append(controls)
        super().__init__(children)
        self.add_class("pc-meeting")

    def _apply(self, operation: Callable[[mt.Meeting], mt.Meeting]) -> None:
        self.session.document(MEETING).update(operation)
        self._changed()

    def _on_open(self, _b: Any = None) -> None:
        n = int(self.votes_input.value)
        if not 1 <= n <= mt.MAX_VOTES:
            self.status.show(self.t("stem.aantal_fout", max=mt.MAX_VOTES), "error")
            return
        self._apply(mt.open_round(n, verborgen=bool(self.hidden_checkbox.value)))
        self.status.show(self.t("stem.geopend", n=n), "info")

    def _on_start(self, _b: Any = None) -> None:
        try:
            operation = mt.start_timer(float(self.minutes_input.value))
        except InvalidInput as exc:
            refused(exc, self.t, self.status, max=int(mt.MAX_TIMER_MINUTES))
            return
        self._apply(operation)

    def render(self, state: MeetingState) -> None:
        """Show the timer and the voting round of ``state``."""
        t = self.t
        self.countdown.show(state.meeting.timer)
        ronde = state.ronde
        if ronde is None:
            line = ""
        else:
            if not ronde.open:
                words = t("stem.ronde_dicht")
            elif self.session.role == "partner":
                words = t("stem.ronde_partner", n=ronde.stemmen, over=state.left())
            else:
                words = t("stem.ronde_open", n=ronde.stemmen)
            seen = t("stem.uitslag_zichtbaar") if ronde.results_visible else t("stem.uitslag_verborgen")
            line = (
                f'<p class="pc-round pc-round-{"open" if ronde.open else "dicht"}">'
                f'<span class="pc-badge pc-badge-busy">{esc(t("stem.ronde"))}</span> {esc(words)} '
                f'<span class="pc-hint">{esc(seen)}</span></p>'
            )
        self.round_line.value = line
        if not self.trekker:  # nothing to show: no empty bar on the page
            self.layout.display = "flex" if (ronde is not None or state.meeting.timer is not None) else "none"
        if self.trekker:
            self.reveal_button.disabled = ronde is None or ronde.results_visible
            self.close_button.disabled = ronde is None or not ronde.open
            self.stop_button.disabled = state.meeting.timer is None

    def close(self) -> None:
        """Stop the countdown and close the widgets."""
        self.countdown.close()
        super().close()


_STATUS_WORDS = {
    "open": "voorstel.status_open",
    "aangenomen": "voorstel.status_aangenomen",
    "afgewezen": "voorstel.status_afgewezen",
}


class ProposalPanel(ipw.VBox):
    """Proposals for the shared case: a partner proposes and follows the outcome; the trekker decides.

    Args:
        board: the puzzle board (its session, translator, status, guard, organisation names, the
            current piece, and ``accept_proposal`` for the adoption into the shared case).

    Public widgets (for tests): a partner's ``text``, ``button`` and ``mine`` (their proposals with
    outcome); the trekker's ``rows`` (``[(partner id, proposal, Textarea, accept Button, decline Button)]``).
    """

    def __init__(self, board: Any) -> None:
        self.board = board
        t, guard, role = board.t, board._guard, board.session.role
        self.role = role
        self.rows: list[tuple[str, mt.Proposal, ipw.Textarea, ipw.Button, ipw.Button]] = []
        self.text = self.button = self.mine = None
        self.list_box = ipw.VBox()
        children: list[ipw.Widget] = []
        if role == "partner":
            self.text = ipw.Text(placeholder=t("voorstel.placeholder"), continuous_update=True,
                                 layout=ipw.Layout(flex="1 1 auto", width="auto"))
            self.text.add_class("pc-propose-text")
            self.button = ipw.Button(description=t("voorstel.knop"), icon="lightbulb-o", button_style="primary",
                                     layout=ipw.Layout(flex="0 0 auto", width="auto"))
            self.button.add_class("pc-propose")
            self.button.on_click(after_typing(guard(lambda _b: self.propose())))
            submit_on_enter(self.text, guard(self.propose))
            self.heading = ipw.HTML()
            self.mine = ipw.HTML()
            self.mine.add_class("pc-proposals-mine")
            children = [self.heading, ipw.HBox([self.text, self.button], layout=ipw.Layout(width="100%")), self.mine]
        elif role == "trekker":
            children = [ipw.HTML(subtitle_html(t("voorstel.titel_trekker"), t("voorstel.uitleg_trekker"))),
                        self.list_box]
        super().__init__(children)
        self.add_class("pc-proposals")

    def propose(self) -> None:
        """Send the partner's proposal for the current piece (refused with a message when it does not fit)."""
        board, t = self.board, self.board.t
        text = self.text.value
        try:
            operation = mt.propose(board.piece, text)
        except InvalidInput as exc:
            refused(exc, t, board.status, max=board.max_length, lengte=len(text.strip()))
            return
        board.session.document(PROPOSALS).update(operation)
        self.text.value = ""
        board.status.show(t("voorstel.verstuurd", stuk=get_piece(board.piece).name(t.lang)), "info")
        board.reload_meeting()

    def render(self, state: MeetingState) -> None:
        """Show the partner's own proposals with their outcome, or the trekker's open proposals."""
        board, t = self.board, self.board.t
        if self.role == "partner":
            piece = get_piece(board.piece).name(t.lang)
            self.heading.value = subtitle_html(t("voorstel.titel", stuk=piece), t("voorstel.uitleg"))
            record = state.proposals.get(board.session.access.partner_id, mt.Proposals())
            rows = []
            for p in reversed(record.items):
                decision = mt.outcome(state.meeting, board.session.access.partner_id, p.id)
                status = decision.status if decision else "open"
                words = t(_STATUS_WORDS[status])
                edited = ""
                if decision and decision.status == "aangenomen" and decision.tekst and decision.tekst != p.tekst:
                    edited = f'<br><small>{esc(t("voorstel.als", tekst=decision.tekst))}</small>'
                rows.append(
                    f'<li class="pc-proposal pc-proposal-{status}"><span class="pc-badge '
                    f'pc-badge-{"done" if status == "aangenomen" else "busy" if status == "open" else "todo"}">'
                    f'{esc(words)}</span> <small>{esc(get_piece(p.stuk).name(t.lang))}</small> '
                    f"{esc(p.tekst)}{edited}</li>"
                )
            self.mine.value = f'<ul class="pc-proposal-list">{"".join(rows)}</ul>' if rows else ""
            return
        if self.role != "trekker":
            return
        guard = board._guard
        self.rows = []
        widgets: list[ipw.Widget] = []
        for pid, p in state.open_proposals():
            who = board.org_html(pid)
            head = ipw.HTML(
                f'<p class="pc-proposal-head">{who} <span class="pc-badge pc-badge-busy">'
                f"{esc(get_piece(p.stuk).name(t.lang))}</span></p>"
            )
            text = ipw.Textarea(value=p.tekst, rows=2, layout=ipw.Layout(width="100%"))
            text.add_class("pc-proposal-text")
            accept = ipw.Button(description=t("voorstel.aannemen"), icon="check", button_style="success")
            decline = ipw.Button(description=t("voorstel.afwijzen"), icon="times")
            accept.add_class("pc-proposal-accept")
            decline.add_class("pc-proposal-decline")
            accept.on_click(guard(lambda _b, pid=pid, p=p, text=text: board.accept_proposal(pid, p, text.value)))
            decline.on_click(guard(lambda _b, pid=pid, p=p: board.decline_proposal(pid, p)))
            self.rows.append((pid, p, text, accept, decline))
            box = ipw.VBox([head, text, ipw.HBox([accept, decline], layout=ipw.Layout(grid_gap="8px"))])
            box.add_class("pc-proposal-row")
            widgets.append(box)
        if not widgets:
            widgets = [ipw.HTML(f'<p class="pc-empty">{esc(t("voorstel.geen_open"))}</p>')]
        self.list_box.children = widgets
