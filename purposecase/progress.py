"""Where a workspace stands in the five steps of "Hoe nu verder?" (pure functions).

The steps are the publication's (Katapult, "Maatschappelijke uitdagingen los je
samen op!", "Hoe nu verder?"): 1 start a Purpose Case for your collaboration,
2 fill in the template yourself first, 3 puzzle with your partners, 4 work out
a Value Proposition Canvas, 5 fill in the Impact Roadmap together.

:func:`collect_facts` reads the few numbers it needs from a
:class:`~purposecase.workspace.WorkspaceSession` (never a private draft's
content); :func:`compute_progress` turns them into one :class:`StepProgress`
per step and is pure. No ipywidgets, no pandas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .pieces import PIECE_KEYS

if TYPE_CHECKING:  # pragma: no cover
    from .workspace import WorkspaceSession

State = Literal["niet_begonnen", "bezig", "klaar"]
"""Progress of one step: not started, in progress, done."""

@dataclass(frozen=True)
class ProgressFacts:
    """The numbers progress is computed from.

    Attributes:
        partners: active partners in the workspace.
        drafts_started: partners (of those the session may see) with at least one saved draft revision.
        drafts_shared: partners whose draft is marked ready to share.
        drafts_seen: partners the draft counts are about (all partners for trekker and
            viewer; the partner themself for a partner session).
        pieces_agreed: pieces of the shared case the partners agreed on (0–11); ``None``
            when there is no shared case yet.
        shared_case_started: the shared case has at least one saved revision.
        value_propositions: saved revisions of value-proposition documents (0 = not started).
        roadmap: saved revisions of the roadmap document (0 = not started).
    """

    partners: int = 0
    drafts_started: int = 0
    drafts_shared: int = 0
    drafts_seen: int = 0
    pieces_agreed: int | None = None
    shared_case_started: bool = False
    value_propositions: int = 0
    roadmap: int = 0


@dataclass(frozen=True)
class StepProgress:
    """Progress of one step.

    Attributes:
        step: 1–5.
        state: :data:`State`.
        done: how many of ``total`` are done (e.g. drafts shared, pieces agreed); ``None`` where
            a count means nothing (steps 4 and 5).
        total: the count ``done`` is out of, or ``None``.
    """

    step: int
    state: State
    done: int | None = None
    total: int | None = None


def compute_progress(facts: ProgressFacts) -> tuple[StepProgress, ...]:
    """Return the progress of the five steps.

    Rules:
        1. done once the workspace has at least one partner; in progress without partners
           (the workspace exists).
        2. drafts shared out of partners seen: done when every one is shared, in progress
           when any draft is started or shared, else not started.
        3. pieces agreed out of the eleven in the shared case (document ``shared_case``):
           done at 11, in progress when the shared case has content, else not started.
        4. and 5. in progress once a ``value_proposition`` / ``roadmap`` document has a
           saved revision (their chapters judge completeness), else not started.
    """
    step1 = StepProgress(1, "klaar" if facts.partners > 0 else "bezig", facts.partners, None)

    seen = facts.drafts_seen
    if seen and facts.drafts_shared >= seen:
        state2: State = "klaar"
    elif facts.drafts_shared or facts.drafts_started:
        state2 = "bezig"
    else:
        state2 = "niet_begonnen"
    step2 = StepProgress(2, state2, facts.drafts_shared, seen)

    total = len(PIECE_KEYS)
    agreed = facts.pieces_agreed or 0
    if agreed >= total:
        state3: State = "klaar"
    elif agreed or facts.shared_case_started:
        state3 = "bezig"
    else:
        state3 = "niet_begonnen"
    step3 = StepProgress(3, state3, agreed, total)

    step4 = StepProgress(4, "bezig" if facts.value_propositions else "niet_begonnen")
    step5 = StepProgress(5, "bezig" if facts.roadmap else "niet_begonnen")
    return (step1, step2, step3, step4, step5)


def collect_facts(session: WorkspaceSession) -> ProgressFacts:
    """Read the :class:`ProgressFacts` of ``session``'s workspace, as that role may see them.

    A shared case whose content does not fit :class:`~purposecase.model.SharedCase` counts as
    started with no agreed pieces.

    Raises:
        StoreUnavailable: if the database cannot be reached.
    """
    from .model import CaseFileError
    from .workspace import ROADMAP, SHARED_CASE, VALUE_PROPOSITIONS

    partners = session.partners()
    statuses = session.draft_statuses()
    counts = session.revision_counts()
    agreed: int | None = None
    started = bool(counts.get(SHARED_CASE))
    if started:
        try:
            shared = session.document(SHARED_CASE).load().record
            agreed = sum(1 for key in PIECE_KEYS if shared.status(key) == "akkoord")
        except CaseFileError:
            agreed = 0
    return ProgressFacts(
        partners=len(partners),
        drafts_started=sum(1 for s in statuses if s.revisions > 0),
        drafts_shared=sum(1 for s in statuses if s.shared),
        drafts_seen=len(statuses),
        pieces_agreed=agreed,
        shared_case_started=started,
        value_propositions=counts.get(VALUE_PROPOSITIONS, 0),
        roadmap=counts.get(ROADMAP, 0),
    )


def workspace_progress(session: WorkspaceSession) -> tuple[StepProgress, ...]:
    """Return the five steps' progress of ``session``'s workspace (:func:`collect_facts` + :func:`compute_progress`)."""
    return compute_progress(collect_facts(session))
