"""Step 3 as a meeting: dot voting, a countdown timer and partners' proposals (records and rules, pure).

The publication's step 3 ("puzzel met je samenwerkingspartners") is a meeting in which
the partners work *side by side* ("naast elkaar, niet tegenover elkaar"). The toolkit
follows what Miro and Mural offer a facilitator (DESIGN.md §8):

- **dot voting**: the trekker opens a round; each partner gets :attr:`VoteRound.stemmen`
  votes to spread over the shared case's items; the results stay hidden until the
  trekker reveals them, if the trekker chose so;
- **a countdown timer** every page shows;
- **proposals**: a partner proposes an item for a piece of the shared case; the trekker
  accepts it (as written or edited) or declines it, and the partner sees the outcome.

Documents (see :data:`purposecase.workspace.REGISTRY`): the trekker's ``meeting``
(:class:`Meeting`: round, timer, decisions), each partner's ``votes``
(:class:`Votes`) and ``proposals`` (:class:`Proposals`). The rules that need the
other documents (:func:`check_votes`, :func:`check_proposals`) run before every save.

No ipywidgets, no store here.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from .errors import InvalidInput
from .model import MAX_ITEM_LENGTH, DocumentContent, Record, SharedCase, TargetId
from .pieces import PIECE_KEYS, PieceKey

MAX_VOTES = 20
"""Most votes one partner gets in a round."""
MAX_PROPOSALS = 50
"""Most open and decided proposals one partner keeps."""
MAX_TIMER_MINUTES = 120
"""Longest countdown, in minutes."""

DecisionStatus = Literal["aangenomen", "afgewezen"]
"""What the trekker did with a proposal: accepted (as written or edited) or declined."""


class VoteRound(Record):
    """A round of dot voting.

    Attributes:
        id: the round's id (votes of an older round do not count).
        stemmen: votes per partner (1–:data:`MAX_VOTES`).
        verborgen: the results stay hidden from partners and viewers until :attr:`onthuld`.
        onthuld: the trekker revealed the results.
        open: partners may still vote.
    """

    id: TargetId
    stemmen: Annotated[int, Field(ge=1, le=MAX_VOTES)] = 3
    verborgen: bool = True
    onthuld: bool = False
    open: bool = True

    @property
    def results_visible(self) -> bool:
        """Return whether partners and viewers may see everyone's votes."""
        return self.onthuld or not self.verborgen


class Timer(Record):
    """A countdown every page of the workspace shows.

    Attributes:
        eind: when it ends (aware, UTC).
        minuten: how long it was set for.
    """

    eind: datetime
    minuten: Annotated[float, Field(gt=0, le=MAX_TIMER_MINUTES)]

    def seconds_left(self, now: datetime | None = None) -> int:
        """Return the whole seconds left (0 when it has run out)."""
        now = now or datetime.now(UTC)
        return max(0, int((self.eind - now).total_seconds() + 0.999))


class Decision(Record):
    """The trekker's decision on one proposal.

    Attributes:
        status: ``"aangenomen"`` or ``"afgewezen"``.
        item_id: the shared case's item that the accepted proposal became.
        tekst: the text as accepted (the trekker may have edited it).
    """

    status: DecisionStatus
    item_id: TargetId | None = None
    tekst: Annotated[str, StringConstraints(max_length=MAX_ITEM_LENGTH)] = ""


ProposalKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,40}:[A-Za-z0-9_-]{1,40}$")]
"""``"<partner id>:<proposal id>"``."""


class Meeting(DocumentContent):
    """The trekker's ``meeting`` document: the voting round, the timer and the decisions on proposals."""

    ronde: VoteRound | None = None
    timer: Timer | None = None
    besluiten: dict[ProposalKey, Decision] = Field(default_factory=dict)


class Votes(DocumentContent):
    """A partner's ``votes`` document: the round voted in and the votes per shared item."""

    ronde: TargetId | None = None
    stemmen: dict[TargetId, Annotated[int, Field(ge=1, le=MAX_VOTES)]] = Field(default_factory=dict)

    def total(self) -> int:
        """Return the number of votes cast."""
        return sum(self.stemmen.values())


class Proposal(Record):
    """A partner's proposal for the shared case.

    Attributes:
        id: the proposal's id.
        stuk: the piece it is for.
        tekst: the proposed item.
    """

    id: TargetId
    stuk: PieceKey
    tekst: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_ITEM_LENGTH)]


class Proposals(DocumentContent):
    """A partner's ``proposals`` document (at most :data:`MAX_PROPOSALS`)."""

    items: list[Proposal] = Field(default_factory=list, max_length=MAX_PROPOSALS)


# ------------------------------------------------------------ operations
def open_round(stemmen: int = 3, *, verborgen: bool = True) -> Callable[[Meeting], Meeting]:
    """Return an operation that opens a new voting round (votes of earlier rounds stop counting)."""
    new = VoteRound(id=secrets.token_urlsafe(6), stemmen=stemmen, verborgen=verborgen)
    return lambda m: m.model_copy(update={"ronde": new})


def close_round(*, reveal: bool = True) -> Callable[[Meeting], Meeting]:
    """Return an operation that closes the round and (by default) reveals the results."""

    def op(m: Meeting) -> Meeting:
        if m.ronde is None:
            return m
        return m.model_copy(update={"ronde": m.ronde.model_copy(update={"open": False, "onthuld": reveal})})

    return op


def reveal() -> Callable[[Meeting], Meeting]:
    """Return an operation that reveals the round's results (voting may go on)."""

    def op(m: Meeting) -> Meeting:
        if m.ronde is None:
            return m
        return m.model_copy(update={"ronde": m.ronde.model_copy(update={"onthuld": True})})

    return op


def start_timer(minutes: float, now: datetime | None = None) -> Callable[[Meeting], Meeting]:
    """Return an operation that starts a countdown of ``minutes`` (0 < minutes ≤ :data:`MAX_TIMER_MINUTES`).

    Raises:
        InvalidInput: (code ``invalid_timer``) for a length outside that range.
    """
    if not 0 < minutes <= MAX_TIMER_MINUTES:
        raise InvalidInput("invalid_timer", f"a timer runs 0–{MAX_TIMER_MINUTES} minutes, not {minutes}")
    end = (now or datetime.now(UTC)) + timedelta(minutes=minutes)
    timer = Timer(eind=end, minuten=minutes)
    return lambda m: m.model_copy(update={"timer": timer})


def stop_timer() -> Callable[[Meeting], Meeting]:
    """Return an operation that stops the countdown."""
    return lambda m: m.model_copy(update={"timer": None})


def decide(partner_id: str, proposal_id: str, decision: Decision) -> Callable[[Meeting], Meeting]:
    """Return an operation that records the trekker's decision on a partner's proposal."""
    key = f"{partner_id}:{proposal_id}"

    def op(m: Meeting) -> Meeting:
        return m.model_copy(update={"besluiten": {**m.besluiten, key: decision}})

    return op


def vote(target: str, delta: int, round_id: str) -> Callable[[Votes], Votes]:
    """Return an operation that adds ``delta`` votes (negative: takes them back) to ``target`` in a round.

    Votes of an older round are dropped first. The counts are checked against the
    round by :func:`check_votes` before the save.
    """

    def op(v: Votes) -> Votes:
        votes = dict(v.stemmen) if v.ronde == round_id else {}
        count = votes.get(target, 0) + delta
        if count > 0:
            votes[target] = count
        else:
            votes.pop(target, None)
        return Votes(ronde=round_id, stemmen=votes)

    return op


def propose(stuk: str, tekst: str) -> Callable[[Proposals], Proposals]:
    """Return an operation that adds a proposal for piece ``stuk``.

    Raises:
        InvalidInput: ``unknown_piece`` for a piece that does not exist, ``item_too_long``
            for a text over :data:`~purposecase.model.MAX_ITEM_LENGTH` characters, ``empty`` for no text.
    """
    if stuk not in PIECE_KEYS:
        raise InvalidInput("unknown_piece", f"no piece {stuk!r}")
    tekst = " ".join((tekst or "").split()) if "\n" not in (tekst or "") else (tekst or "").strip()
    if not tekst:
        raise InvalidInput("empty", "a proposal needs a text")
    if len(tekst) > MAX_ITEM_LENGTH:
        raise InvalidInput("item_too_long", f"a proposal is at most {MAX_ITEM_LENGTH} characters")
    new = Proposal(id=secrets.token_urlsafe(6), stuk=stuk, tekst=tekst)  # type: ignore[arg-type]
    return lambda p: Proposals(items=[*p.items, new])


# ------------------------------------------------------------ rules
def check_votes(votes: Votes, meeting: Meeting, shared: SharedCase) -> None:
    """Refuse votes that the round does not allow (run before every save of a ``votes`` document).

    Raises:
        InvalidInput: ``vote_closed`` (no open round, or another round), ``too_many_votes``
            (more than :attr:`VoteRound.stemmen`), ``unknown_item`` (an item that is not in the
            shared case, e.g. removed meanwhile).
    """
    if not votes.stemmen:
        return
    ronde = meeting.ronde
    if ronde is None or not ronde.open or votes.ronde != ronde.id:
        raise InvalidInput("vote_closed", "there is no open voting round")
    if votes.total() > ronde.stemmen:
        raise InvalidInput("too_many_votes", f"at most {ronde.stemmen} votes, got {votes.total()}")
    known = {item.id for key in PIECE_KEYS for item in shared.items(key)}
    unknown = sorted(set(votes.stemmen) - known)
    if unknown:
        raise InvalidInput("unknown_item", f"not in the shared case: {', '.join(unknown)}")


def tally(meeting: Meeting, votes_by_partner: Mapping[str, Votes]) -> dict[str, int]:
    """Return the votes per shared item in the current round, most first (``{}`` without a round)."""
    if meeting.ronde is None:
        return {}
    totals: dict[str, int] = {}
    for votes in votes_by_partner.values():
        if votes.ronde != meeting.ronde.id:
            continue
        for target, count in votes.stemmen.items():
            totals[target] = totals.get(target, 0) + count
    return dict(sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])))


def outcome(meeting: Meeting, partner_id: str, proposal_id: str) -> Decision | None:
    """Return the trekker's decision on a proposal, or ``None`` while it is open."""
    return meeting.besluiten.get(f"{partner_id}:{proposal_id}")


__all__ = [
    "MAX_PROPOSALS", "MAX_TIMER_MINUTES", "MAX_VOTES", "Decision", "Meeting", "Proposal", "Proposals", "Timer",
    "VoteRound", "Votes", "check_votes", "close_round", "decide", "open_round", "outcome", "propose", "reveal",
    "start_timer", "stop_timer", "tally", "vote",
]
