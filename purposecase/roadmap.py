"""Step 5, the Impact Roadmap: records, pure calculations and checks, and the workspace document.

The publication's last step ("Hoe nu verder?" step 5; section "Wat is de Impact
Roadmap?", Katapult, "Maatschappelijke uitdagingen los je samen op!"): together,
decide the six most logical and strategic next steps to realise the joint
ambition of the Purpose Case; per step the skills it needs, who really takes it,
the resources and funding, the obstacles and how to remove them, and what the
step yields. Its point: commitment from every partner, a fair division of
effort, people and means, and not everyone looking at the project leader.

Layers (DESIGN.md §3):

- records: :class:`ImpactRoadmap` of :class:`RoadmapStep` (pydantic, frozen,
  ``extra="forbid"``, versioned ``schema``); stored as the content of the
  workspace's single ``roadmap`` document;
- pure functions: :func:`effort_matrix` (partner × step hours and euros),
  :func:`owner_shares` / :func:`dominant_owner` (who owns how many steps),
  :func:`owner_flags` (steps owned by a removed partner), :func:`run_roadmap_checks`
  and :func:`combine` (a three-way merge for the conflict panel);
- session functions (``WorkspaceSession`` in, store documents out):
  :func:`load_roadmap`, :func:`save_roadmap`, :func:`update_roadmap`,
  :func:`restore_roadmap`, :func:`roadmap_history`, and the partners' reactions
  :func:`roadmap_reactions` / :func:`react_to_step`.

Who may do what: the trekker writes the roadmap (one editor avoids two people
rewriting one plan); partners read it and *react per step* — "akkoord" (we commit
to it) or "vraag" — in a document of their own, because the publication's point
is the partners' commitment, which a read-only page cannot collect; viewers read.

For exports: :meth:`ImpactRoadmap.to_rows` / :meth:`ImpactRoadmap.to_frame` give
one row per step with partner names resolved, :meth:`EffortMatrix.to_rows` /
:meth:`EffortMatrix.to_frame` the partner × step effort, and :func:`roadmap_rows`
does both for a session.

No ipywidgets here; pandas only inside the ``to_frame`` methods.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .model import SharedCase
    from .store import Document, RevisionInfo  # types only
    from .workspace import WorkspaceSession

ROADMAP = "roadmap"
"""Document kind of the roadmap (one per workspace, no partner)."""
ROADMAP_REACTIONS = "roadmap_reactions"
"""Document kind of a partner's reactions to the steps (one per partner)."""

ADVISED_STEPS = 6
"""The publication asks for the six most logical and strategic next steps."""
MAX_STEPS = 20
MAX_OBSTACLES = 12
MAX_WAT = 500
MAX_TEXT = 2000
MAX_EURO = 1_000_000_000.0
"""Largest amount accepted for one partner in one step, in euros."""
MAX_UREN = 1_000_000.0
"""Largest number of hours accepted for one partner in one step."""
MAX_COMMENT = 500
DOMINANCE_THRESHOLD = 0.5
"""A party that owns more than this share of the steps "owns most steps" (warning)."""
AMBITION_PIECES = ("gezamenlijke_ambitie", "impact")
"""Shared-case pieces a step can serve (``RoadmapStep.dient``)."""

_MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_ID_PATTERN = r"^[A-Za-z0-9_-]{1,40}$"

SECTION = 'Katapult, "Maatschappelijke uitdagingen los je samen op!", "Wat is de Impact Roadmap?"'
"""Where the Impact Roadmap comes from (the publication's section, near the end, and "Hoe nu verder?" step 5)."""

SOURCES: dict[str, str] = {
    "zes_stappen": SECTION + ": 'de zes meest logische en strategische vervolgstappen'",
    "eigenaar": SECTION + ": 'wie deze stappen werkelijk zet'",
    "beschreven": SECTION + ": 'welke skills er nodig zijn' en 'de benodigde middelen en bekostiging'",
    "belemmeringen": SECTION + ": 'mogelijke belemmeringen … Hoe kunnen die belemmeringen worden weggenomen?'",
    "opbrengst": SECTION + ": 'welk opbrengsten realiseer je per stap met elkaar?'",
    "dient_ambitie": SECTION + ": 'om de gezamenlijke ambitie uit de Purpose Case werkelijk te realiseren'",
    "spreiding": SECTION + ": 'een goede onderlinge verdeling van inzet, mensen en middelen' en voorkomen 'dat "
    "alle samenwerkingspartners vooral naar de projectleider kijken'",
}
"""Where in the publication each roadmap check comes from."""

CHECK_KEYS: dict[str, tuple[str, str]] = {
    "zes_stappen": ("roadmap.check.zes_stappen.titel", "roadmap.check.zes_stappen.uitleg"),
    "eigenaar": ("roadmap.check.eigenaar.titel", "roadmap.check.eigenaar.uitleg"),
    "beschreven": ("roadmap.check.beschreven.titel", "roadmap.check.beschreven.uitleg"),
    "belemmeringen": ("roadmap.check.belemmeringen.titel", "roadmap.check.belemmeringen.uitleg"),
    "opbrengst": ("roadmap.check.opbrengst.titel", "roadmap.check.opbrengst.uitleg"),
    "dient_ambitie": ("roadmap.check.dient_ambitie.titel", "roadmap.check.dient_ambitie.uitleg"),
    "spreiding": ("roadmap.check.spreiding.titel", "roadmap.check.spreiding.uitleg"),
}
"""Message keys (title, explanation) of each check, in ``messages/{nl,en}/roadmap.json``."""

PROBLEM_KEYS: dict[str, str] = {
    "negatief_bedrag": "roadmap.fout.negatief_bedrag",
    "negatieve_uren": "roadmap.fout.negatieve_uren",
    "te_groot": "roadmap.fout.te_groot",
    "geen_getal": "roadmap.fout.geen_getal",
    "maand_ongeldig": "roadmap.fout.maand_ongeldig",
    "eind_voor_start": "roadmap.fout.eind_voor_start",
    "te_lang": "roadmap.fout.te_lang",
    "te_veel": "roadmap.fout.te_veel",
    "belemmering_leeg": "roadmap.fout.belemmering_leeg",
    "ongeldig": "roadmap.fout.ongeldig",
}
"""Message key of each input problem code (:class:`RoadmapProblem`)."""


# ------------------------------------------------------------------ records
class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


WatText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_WAT)]
"""What a step is: 0–500 characters, surrounding whitespace removed."""
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_TEXT)]
"""A longer text field of a step: 0–2000 characters, surrounding whitespace removed."""
Id = Annotated[str, StringConstraints(pattern=_ID_PATTERN)]
"""A short stable id (step, partner or item): letters, digits, "_" and "-", 1–40 characters."""


def _amount(value: Any, *, negative: str, limit: float, name: str) -> float:
    if isinstance(value, bool) or value is None:
        raise PydanticCustomError("geen_getal", "{name} must be a number", {"name": name})
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise PydanticCustomError("geen_getal", "{name} must be a number", {"name": name}) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise PydanticCustomError("geen_getal", "{name} must be a finite number", {"name": name})
    if number < 0:
        raise PydanticCustomError(negative, "{name} cannot be negative (got {waarde})", {"name": name, "waarde": value})
    if number > limit:
        raise PydanticCustomError("te_groot", "{name} is larger than {limit}", {"name": name, "limit": limit})
    return number


class Inzet(_Record):
    """What one partner puts into one step.

    Attributes:
        partner: the partner's id (:attr:`purposecase.store.Partner.id`).
        euro: money, in euros, ≥ 0 (at most :data:`MAX_EURO`).
        uren: time, in hours, ≥ 0 (at most :data:`MAX_UREN`).
    """

    partner: Id
    euro: float = 0.0
    uren: float = 0.0

    @field_validator("euro", mode="before")
    @classmethod
    def _euro(cls, value: Any) -> float:
        return _amount(value, negative="negatief_bedrag", limit=MAX_EURO, name="euro")

    @field_validator("uren", mode="before")
    @classmethod
    def _uren(cls, value: Any) -> float:
        return _amount(value, negative="negatieve_uren", limit=MAX_UREN, name="uren")


class Belemmering(_Record):
    """An obstacle a step may meet, and how to remove it.

    Attributes:
        belemmering: the obstacle, 1–2000 characters.
        oplossing: how the partners remove it (may be empty while under discussion;
            the ``belemmeringen`` check asks for it).
    """

    belemmering: str
    oplossing: LongText = ""

    @field_validator("belemmering", mode="before")
    @classmethod
    def _not_empty(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                raise PydanticCustomError("belemmering_leeg", "an obstacle needs a description")
            if len(value) > MAX_TEXT:
                raise PydanticCustomError("te_lang", "text longer than {max} characters", {"max": MAX_TEXT})
        return value


def _month(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise PydanticCustomError("maand_ongeldig", "a month is written YYYY-MM (got {waarde})", {"waarde": value})
    value = value.strip()
    if not value:
        return None
    if not _MONTH_RE.match(value):
        raise PydanticCustomError("maand_ongeldig", "a month is written YYYY-MM (got {waarde})", {"waarde": value})
    return value


class RoadmapStep(_Record):
    """One step of the Impact Roadmap (fields: publication, "Wat is de Impact Roadmap?").

    Texts may be empty while the step is being worked out; :func:`run_roadmap_checks`
    says what is still missing.

    Attributes:
        id: stable short id (reactions refer to it).
        wat: what the step is.
        skills: the skills the step needs.
        eigenaren: partner ids of who really takes the step (one or more).
        middelen: resources and funding, as text.
        inzet: optional euros and hours per partner (one entry per partner).
        belemmeringen: obstacles, each with its remedy.
        opbrengst: what the step yields.
        start: optional first month, ``"YYYY-MM"``.
        eind: optional last month, ``"YYYY-MM"``, not before ``start``.
        dient: ids of shared-case items of ``gezamenlijke_ambitie`` or ``impact`` the step serves.
    """

    id: Id
    wat: WatText = ""
    skills: LongText = ""
    eigenaren: list[Id] = Field(default_factory=list)
    middelen: LongText = ""
    inzet: list[Inzet] = Field(default_factory=list)
    belemmeringen: list[Belemmering] = Field(default_factory=list)
    opbrengst: LongText = ""
    start: str | None = None
    eind: str | None = None
    dient: list[Id] = Field(default_factory=list)

    @field_validator("start", "eind", mode="before")
    @classmethod
    def _months(cls, value: Any) -> str | None:
        return _month(value)

    @field_validator("eigenaren", "dient")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    @field_validator("inzet")
    @classmethod
    def _one_per_partner(cls, value: list[Inzet]) -> list[Inzet]:
        seen: set[str] = set()
        for entry in value:
            if entry.partner in seen:
                raise PydanticCustomError("ongeldig", "partner {partner} is listed twice", {"partner": entry.partner})
            seen.add(entry.partner)
        return value

    @field_validator("belemmeringen")
    @classmethod
    def _few_obstacles(cls, value: list[Belemmering]) -> list[Belemmering]:
        if len(value) > MAX_OBSTACLES:
            raise PydanticCustomError("te_veel", "at most {max} obstacles per step", {"max": MAX_OBSTACLES})
        return value

    @model_validator(mode="after")
    def _period(self) -> RoadmapStep:
        if self.start and self.eind and self.eind < self.start:
            raise PydanticCustomError(
                "eind_voor_start",
                "the end month {eind} is before the start month {start}",
                {"start": self.start, "eind": self.eind},
            )
        return self

    # ----- convenience
    def euro(self) -> float:
        """Return the step's total euros over all partners."""
        return sum(e.euro for e in self.inzet)

    def uren(self) -> float:
        """Return the step's total hours over all partners."""
        return sum(e.uren for e in self.inzet)

    def months(self) -> tuple[str, str] | None:
        """Return ``(first, last)`` month of the step; one given month counts for both; ``None`` without a period."""
        if not (self.start or self.eind):
            return None
        return (self.start or self.eind, self.eind or self.start)  # type: ignore[return-value]


class ImpactRoadmap(_Record):
    """The collaboration's Impact Roadmap, the content of the workspace's ``roadmap`` document.

    Attributes:
        schema: content schema version (1).
        steps: the steps in order (advised: :data:`ADVISED_STEPS`; at most :data:`MAX_STEPS`).
        trekker_partner: the partner id of the trekker's own organisation, if the
            trekker marked one; the spread check then names the trekker. ``None`` by default.

    Example:
        >>> rm = ImpactRoadmap(steps=[RoadmapStep(id="s1", wat="Pilot", eigenaren=["p1"])])
        >>> rm.to_content()["steps"][0]["wat"]
        'Pilot'
    """

    schema_: Literal[1] = Field(1, alias="schema")
    steps: list[RoadmapStep] = Field(default_factory=list)
    trekker_partner: Id | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("steps")
    @classmethod
    def _steps(cls, value: list[RoadmapStep]) -> list[RoadmapStep]:
        if len(value) > MAX_STEPS:
            raise PydanticCustomError("te_veel", "at most {max} steps", {"max": MAX_STEPS})
        ids = [s.id for s in value]
        if len(set(ids)) != len(ids):
            raise PydanticCustomError("ongeldig", "step ids must be unique")
        return value

    # ----- serialisation
    def to_content(self) -> dict[str, Any]:
        """Return the JSON content stored in the ``roadmap`` document."""
        return self.model_dump(mode="json", by_alias=True)

    @classmethod
    def from_content(cls, content: Mapping[str, Any] | None, *, source: str = "<roadmap>") -> ImpactRoadmap:
        """Validate stored (or edited) content; ``None`` or ``{}`` gives an empty roadmap.

        Raises:
            RoadmapInputError: naming each step, field and problem (negative amounts,
                months not written ``YYYY-MM``, an end before the start …).
        """
        if not content:
            return cls()
        try:
            return cls.model_validate(dict(content))
        except ValidationError as exc:
            raise RoadmapInputError.from_validation(source, exc) from None

    # ----- look-ups
    def step(self, step_id: str) -> RoadmapStep:
        """Return the step with ``step_id`` (KeyError if there is none)."""
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)

    def number(self, step_id: str) -> int:
        """Return the 1-based position of step ``step_id`` (KeyError if there is none)."""
        for n, s in enumerate(self.steps, start=1):
            if s.id == step_id:
                return n
        raise KeyError(step_id)

    def partner_ids(self) -> list[str]:
        """Return every partner id the roadmap mentions (owners, effort, trekker), in first-seen order."""
        seen: dict[str, None] = {}
        for s in self.steps:
            for pid in (*s.eigenaren, *(e.partner for e in s.inzet)):
                seen.setdefault(pid, None)
        if self.trekker_partner:
            seen.setdefault(self.trekker_partner, None)
        return list(seen)

    # ----- export helpers
    def to_rows(
        self, names: Mapping[str, str] | None = None, items: Mapping[str, str] | None = None
    ) -> list[dict[str, Any]]:
        """Return one plain dict per step, for exports (XLSX, Markdown, slides).

        Args:
            names: partner id → display name (ids are shown where a name is missing).
            items: shared-case item id → its text (for ``dient``; ids where missing).

        Returns:
            Rows with keys ``stap`` (1-based), ``id``, ``wat``, ``skills``, ``eigenaren``
            (names joined by ", "), ``middelen``, ``euro`` and ``uren`` (step totals),
            ``belemmeringen`` ("obstacle → remedy", joined by "; "), ``opbrengst``,
            ``start``, ``eind`` (``"YYYY-MM"`` or ``None``) and ``dient`` (texts joined by "; ").
        """
        names = names or {}
        items = items or {}
        rows = []
        for n, s in enumerate(self.steps, start=1):
            rows.append(
                {
                    "stap": n,
                    "id": s.id,
                    "wat": s.wat,
                    "skills": s.skills,
                    "eigenaren": ", ".join(names.get(p, p) for p in s.eigenaren),
                    "middelen": s.middelen,
                    "euro": s.euro(),
                    "uren": s.uren(),
                    "belemmeringen": "; ".join(
                        f"{b.belemmering} → {b.oplossing}" if b.oplossing else b.belemmering for b in s.belemmeringen
                    ),
                    "opbrengst": s.opbrengst,
                    "start": s.start,
                    "eind": s.eind,
                    "dient": "; ".join(items.get(i, i) for i in s.dient),
                }
            )
        return rows

    def to_frame(
        self, names: Mapping[str, str] | None = None, items: Mapping[str, str] | None = None
    ) -> pd.DataFrame:
        """Return :meth:`to_rows` as a pandas DataFrame (one row per step, columns in that order)."""
        import pandas as pd

        columns = ["stap", "id", "wat", "skills", "eigenaren", "middelen", "euro", "uren", "belemmeringen",
                   "opbrengst", "start", "eind", "dient"]
        return pd.DataFrame(self.to_rows(names, items), columns=columns)


def new_step_id(existing: Collection[str] = ()) -> str:
    """Return a fresh random step id (``"s"`` + 8 hex digits) not in ``existing``."""
    while True:
        candidate = "s" + secrets.token_hex(4)
        if candidate not in existing:
            return candidate


# ------------------------------------------------------------- input errors
@dataclass(frozen=True)
class RoadmapProblem:
    """One problem of roadmap input.

    Attributes:
        step: 1-based step number, or ``None`` for the roadmap as a whole.
        field: the field, e.g. ``"eind"``, ``"inzet.euro"``, ``"belemmeringen"``.
        code: a key of :data:`PROBLEM_KEYS`.
        values: values for the message (``waarde``, ``start``, ``eind``, ``max`` …).
        detail: technical detail in English.
    """

    step: int | None
    field: str
    code: str
    values: dict[str, Any]
    detail: str

    @property
    def message_key(self) -> str:
        """Return the message key of this problem."""
        return PROBLEM_KEYS.get(self.code, PROBLEM_KEYS["ongeldig"])

    def __str__(self) -> str:
        where = f"step {self.step}: " if self.step else ""
        return f"{where}{self.field}: {self.detail}" if self.field else where + self.detail


class RoadmapInputError(ValueError):
    """Roadmap content that does not fit the schema.

    Attributes:
        source: label of the input.
        problems: the :class:`RoadmapProblem` list (translate with ``problem.message_key``).
    """

    def __init__(self, source: str, problems: Sequence[RoadmapProblem]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__(f"{source}: " + "; ".join(str(p) for p in self.problems))

    @classmethod
    def from_validation(cls, source: str, exc: ValidationError) -> RoadmapInputError:
        """Build from a pydantic ``ValidationError``, one problem per error."""
        problems = []
        for err in exc.errors():
            loc = list(err["loc"])
            step = loc[1] + 1 if len(loc) > 1 and loc[0] == "steps" and isinstance(loc[1], int) else None
            names = [str(p) for p in (loc[2:] if step else loc) if not isinstance(p, int)]
            kind = err["type"]
            values = dict(err.get("ctx") or {})
            if kind in PROBLEM_KEYS:
                code = kind
            elif kind == "string_too_long":
                code = "te_lang"
                values["max"] = values.get("max_length", "")
            else:
                code = "ongeldig"
            values.setdefault("waarde", err.get("input") if not isinstance(err.get("input"), dict | list) else "")
            problems.append(RoadmapProblem(step, ".".join(names), code, values, err["msg"]))
        return cls(source, problems)


# ----------------------------------------------------------- calculations
@dataclass(frozen=True)
class EffortMatrix:
    """Hours and euros per partner (rows) and step (columns).

    Attributes:
        partners: partner ids, the row order.
        steps: step ids, the column order (roadmap order).
        hours: ``hours[i][j]`` = hours partner ``i`` puts into step ``j``.
        euros: ``euros[i][j]`` = euros partner ``i`` puts into step ``j``.
    """

    partners: tuple[str, ...]
    steps: tuple[str, ...]
    hours: tuple[tuple[float, ...], ...]
    euros: tuple[tuple[float, ...], ...]

    def partner_hours(self) -> dict[str, float]:
        """Return total hours per partner."""
        return {p: sum(row) for p, row in zip(self.partners, self.hours, strict=True)}

    def partner_euros(self) -> dict[str, float]:
        """Return total euros per partner."""
        return {p: sum(row) for p, row in zip(self.partners, self.euros, strict=True)}

    def total_hours(self) -> float:
        """Return all hours of all partners."""
        return sum(map(sum, self.hours))

    def total_euros(self) -> float:
        """Return all euros of all partners."""
        return sum(map(sum, self.euros))

    def largest_share(self, measure: Literal["uren", "euro"] = "uren") -> tuple[str, float] | None:
        """Return ``(partner id, share 0–1)`` of the partner with most hours (or euros); ``None`` when all zero."""
        totals = self.partner_hours() if measure == "uren" else self.partner_euros()
        total = sum(totals.values())
        if total <= 0:
            return None
        pid = max(totals, key=lambda p: totals[p])
        return pid, totals[pid] / total

    def to_rows(self, names: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
        """Return the matrix in long form: ``{"partner", "stap" (1-based), "uren", "euro"}`` per cell."""
        names = names or {}
        return [
            {"partner": names.get(p, p), "stap": j + 1, "uren": self.hours[i][j], "euro": self.euros[i][j]}
            for i, p in enumerate(self.partners)
            for j in range(len(self.steps))
        ]

    def to_frame(self, names: Mapping[str, str] | None = None) -> pd.DataFrame:
        """Return :meth:`to_rows` as a pandas DataFrame (columns ``partner, stap, uren, euro``)."""
        import pandas as pd

        return pd.DataFrame(self.to_rows(names), columns=["partner", "stap", "uren", "euro"])


def effort_matrix(roadmap: ImpactRoadmap, partners: Sequence[str] = ()) -> EffortMatrix:
    """Return the partner × step matrix of hours and euros (Impact Roadmap: "middelen en bekostiging").

    Args:
        roadmap: the roadmap.
        partners: partner ids to show first, in this order (e.g. the workspace's active
            partners, so a partner who contributes nothing shows as a row of zeros);
            partners that only appear in the roadmap's effort follow in first-seen order.

    Returns:
        An :class:`EffortMatrix`; cells without effort are 0.
    """
    order = list(dict.fromkeys(partners))
    for s in roadmap.steps:
        for e in s.inzet:
            if e.partner not in order:
                order.append(e.partner)
    index = {p: i for i, p in enumerate(order)}
    hours = [[0.0] * len(roadmap.steps) for _ in order]
    euros = [[0.0] * len(roadmap.steps) for _ in order]
    for j, s in enumerate(roadmap.steps):
        for e in s.inzet:
            hours[index[e.partner]][j] += e.uren
            euros[index[e.partner]][j] += e.euro
    return EffortMatrix(
        tuple(order), tuple(s.id for s in roadmap.steps), tuple(map(tuple, hours)), tuple(map(tuple, euros))
    )


@dataclass(frozen=True)
class OwnerShare:
    """How many steps one party owns.

    Attributes:
        partner: the partner id.
        steps: number of steps the partner (co-)owns.
        total: number of steps in the roadmap.
        share: the partner's fair share of the steps, 0–1: a step with ``k`` owners counts
            ``1/k`` for each, so the shares of all owners add up to at most 1.
    """

    partner: str
    steps: int
    total: int
    share: float


def owner_shares(roadmap: ImpactRoadmap) -> list[OwnerShare]:
    """Return each owner's fair share of the steps, largest first (ties in first-seen order).

    A step with ``k`` owners counts ``1/k`` for each of them (two co-owners of every step
    have half each, not all of it); steps without an owner count in the total. An empty
    roadmap gives ``[]``. Rule source: the publication's Impact Roadmap section (a fair
    division of effort, people and means).
    """
    total = len(roadmap.steps)
    counts: dict[str, int] = {}
    weights: dict[str, float] = {}
    for s in roadmap.steps:
        for pid in s.eigenaren:
            counts[pid] = counts.get(pid, 0) + 1
            weights[pid] = weights.get(pid, 0.0) + 1.0 / len(s.eigenaren)
    shares = [OwnerShare(p, counts[p], total, weights[p] / total) for p in counts]
    return sorted(shares, key=lambda o: -o.share)


def largest_owner_shares(roadmap: ImpactRoadmap) -> list[OwnerShare]:
    """Return every owner with the largest fair share (several when tied); ``[]`` when no step has an owner."""
    shares = owner_shares(roadmap)
    return [o for o in shares if abs(o.share - shares[0].share) < 1e-9] if shares else []


def largest_owner_share(roadmap: ImpactRoadmap) -> OwnerShare | None:
    """Return the (first) owner with the largest fair share, or ``None`` when no step has an owner."""
    largest = largest_owner_shares(roadmap)
    return largest[0] if largest else None


@dataclass(frozen=True)
class Dominance:
    """One party owns most steps (the warning of the spread check).

    Attributes:
        partner: the partner id.
        steps: steps it (co-)owns.
        total: steps in the roadmap.
        share: ``steps / total``.
        is_trekker: the party is the trekker's own organisation (``ImpactRoadmap.trekker_partner``).
    """

    partner: str
    steps: int
    total: int
    share: float
    is_trekker: bool


def dominant_owner(roadmap: ImpactRoadmap, threshold: float = DOMINANCE_THRESHOLD) -> Dominance | None:
    """Return the party that owns more than ``threshold`` of the steps, else ``None``.

    By default the trekker is the party to watch: when the trekker's own
    organisation (``roadmap.trekker_partner``) is among the parties over the
    threshold it is reported, otherwise the largest owner. A roadmap with fewer
    than two steps has no dominant owner. Source: the publication's Impact Roadmap
    section — prevent "dat alle samenwerkingspartners vooral naar de projectleider kijken".
    """
    if len(roadmap.steps) < 2:
        return None
    over = [o for o in owner_shares(roadmap) if o.share > threshold]
    if not over:
        return None
    chosen = next((o for o in over if o.partner == roadmap.trekker_partner), over[0])
    is_trekker = chosen.partner == roadmap.trekker_partner
    return Dominance(chosen.partner, chosen.steps, chosen.total, chosen.share, is_trekker)


@dataclass(frozen=True)
class OwnerFlag:
    """A step owned by a partner who has been removed from the workspace (the step stays).

    Attributes:
        step: the step id.
        number: its 1-based position.
        partner: the removed partner's id.
        name: the partner's name (or id when unknown).
    """

    step: str
    number: int
    partner: str
    name: str


def owner_flags(
    roadmap: ImpactRoadmap, active: Collection[str], names: Mapping[str, str] | None = None
) -> list[OwnerFlag]:
    """Return a flag per (step, owner) whose owner is not an active partner of the workspace.

    Args:
        roadmap: the roadmap.
        active: ids of the workspace's active partners.
        names: partner id → name for every partner ever in the workspace.
    """
    names = names or {}
    active = set(active)
    return [
        OwnerFlag(s.id, n, pid, names.get(pid, pid))
        for n, s in enumerate(roadmap.steps, start=1)
        for pid in s.eigenaren
        if pid not in active
    ]


def flagged_steps(roadmap: ImpactRoadmap, active: Collection[str]) -> set[str]:
    """Return the ids of steps with at least one removed owner."""
    return {f.step for f in owner_flags(roadmap, active)}


def read_shared_case(session: WorkspaceSession) -> SharedCase:
    """Return the workspace's shared case without creating its document (empty before step 3)."""
    return session.document("shared_case").load().record


def ambition_items(shared: SharedCase) -> list[tuple[str, str, str]]:
    """Return ``(piece key, item id, text)`` of the shared case's gezamenlijke ambitie and impact items."""
    return [(key, item.id, item.text) for key in AMBITION_PIECES for item in shared.items(key)]


# ------------------------------------------------------------------ checks
@dataclass(frozen=True)
class RoadmapCheck:
    """The outcome of one roadmap check.

    Attributes:
        id: check id (a key of :data:`SOURCES`).
        status: ``"ok"`` or ``"let_op"`` (needs attention).
        title_key: message key of the title (Dutch and English in ``roadmap.json``).
        explain_key: message key of the explanation.
        detail_key: message key of the finding (formatted with ``values``), or ``None``.
        values: values for ``detail_key`` (step numbers as text, a name, a percentage …).
    """

    id: str
    status: Literal["ok", "let_op"]
    title_key: str
    explain_key: str
    detail_key: str | None = None
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def source(self) -> str:
        """Return where in the publication the check comes from."""
        return SOURCES[self.id]


def _check(cid: str, bad: bool, detail_key: str | None = None, **values: Any) -> RoadmapCheck:
    title, explain = CHECK_KEYS[cid]
    return RoadmapCheck(cid, "let_op" if bad else "ok", title, explain, detail_key, values)


def _numbers(numbers: Sequence[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def run_roadmap_checks(
    roadmap: ImpactRoadmap,
    *,
    active: Collection[str],
    ambition_ids: Collection[str],
    names: Mapping[str, str] | None = None,
) -> list[RoadmapCheck]:
    """Run every roadmap check (source of each: :data:`SOURCES`, the publication's Impact Roadmap section).

    Checks, in order:

    - ``zes_stappen``: the roadmap has six steps (fewer or more is allowed, with a note);
    - ``eigenaar``: every step has an owner, and every owner is an active partner (a removed owner is flagged);
    - ``beschreven``: every step says what it is, the skills and the resources/funding it needs;
    - ``belemmeringen``: every step has at least one obstacle, and every obstacle a remedy;
    - ``opbrengst``: every step names what it yields;
    - ``dient_ambitie``: every step serves an existing gezamenlijke-ambitie or impact item;
    - ``spreiding``: no party owns more than half of the steps (:func:`dominant_owner`);
      the largest owner's share is in ``values["aandeel"]``.

    Args:
        roadmap: the roadmap.
        active: ids of the workspace's active partners.
        ambition_ids: ids of the shared case's gezamenlijke-ambitie and impact items.
        names: partner id → name (for the spread check's message).

    Returns:
        Seven :class:`RoadmapCheck` results.
    """
    names = names or {}
    active = set(active)
    ambition_ids = set(ambition_ids)
    steps = list(enumerate(roadmap.steps, start=1))
    out = []
    count = len(steps)
    out.append(
        _check(
            "zes_stappen",
            count != ADVISED_STEPS,
            "roadmap.check.zes_stappen.aantal" if count else "roadmap.check.geen_stappen",
            aantal=count,
        )
    )
    if not steps:
        for cid in ("eigenaar", "beschreven", "belemmeringen", "opbrengst", "dient_ambitie", "spreiding"):
            out.append(_check(cid, True, "roadmap.check.geen_stappen"))
        return out

    no_owner = [n for n, s in steps if not s.eigenaren]
    removed = sorted({n for n, s in steps for p in s.eigenaren if p not in active})
    if no_owner and removed:
        out.append(
            _check("eigenaar", True, "roadmap.check.eigenaar.beide", stappen=_numbers(no_owner),
                   verwijderd=_numbers(removed))
        )
    elif no_owner:
        out.append(_check("eigenaar", True, "roadmap.check.eigenaar.zonder", stappen=_numbers(no_owner)))
    elif removed:
        out.append(_check("eigenaar", True, "roadmap.check.eigenaar.verwijderd", stappen=_numbers(removed)))
    else:
        out.append(_check("eigenaar", False))

    vague = [n for n, s in steps if not (s.wat and s.skills and s.middelen)]
    out.append(_check("beschreven", bool(vague), "roadmap.check.stappen" if vague else None, stappen=_numbers(vague)))

    no_obstacle = [n for n, s in steps if not s.belemmeringen]
    no_remedy = [n for n, s in steps if s.belemmeringen and not all(b.oplossing for b in s.belemmeringen)]
    if no_obstacle:
        out.append(
            _check("belemmeringen", True, "roadmap.check.belemmeringen.geen", stappen=_numbers(no_obstacle))
        )
    elif no_remedy:
        out.append(
            _check("belemmeringen", True, "roadmap.check.belemmeringen.oplossing", stappen=_numbers(no_remedy))
        )
    else:
        out.append(_check("belemmeringen", False))

    no_yield = [n for n, s in steps if not s.opbrengst]
    out.append(
        _check("opbrengst", bool(no_yield), "roadmap.check.stappen" if no_yield else None, stappen=_numbers(no_yield))
    )

    if not ambition_ids:
        out.append(_check("dient_ambitie", True, "roadmap.check.dient_ambitie.geen_ambitie"))
    else:
        loose = [n for n, s in steps if not ambition_ids.intersection(s.dient)]
        out.append(
            _check("dient_ambitie", bool(loose), "roadmap.check.stappen" if loose else None, stappen=_numbers(loose))
        )

    tied = largest_owner_shares(roadmap)
    largest = tied[0] if tied else None
    dominant = dominant_owner(roadmap)
    if largest is None:
        out.append(_check("spreiding", True, "roadmap.check.spreiding.niemand"))
    else:
        who = [dominant.partner] if dominant else [o.partner for o in tied]
        values = {
            "naam": " & ".join(names.get(p, p) for p in who),  # every party with the largest share
            "aandeel": round(100 * (dominant.share if dominant else largest.share)),
            "stappen": dominant.steps if dominant else largest.steps,
            "totaal": largest.total,
        }
        if dominant and dominant.is_trekker:
            key = "roadmap.check.spreiding.trekker"
        elif dominant:
            key = "roadmap.check.spreiding.een_partij"
        else:
            key = "roadmap.check.spreiding.ok"
        out.append(_check("spreiding", dominant is not None, key, **values))
    return out


# ----------------------------------------------------------------- merging
FIELD_GROUPS: dict[str, tuple[str, ...]] = {
    "wat": ("wat",),
    "skills": ("skills",),
    "eigenaren": ("eigenaren",),
    "middelen": ("middelen",),
    "inzet": ("inzet",),
    "belemmeringen": ("belemmeringen",),
    "opbrengst": ("opbrengst",),
    "periode": ("start", "eind"),
    "dient": ("dient",),
}
"""The parts of a step that combine on their own; a period (start and end) moves as one."""

FieldSource = Literal["mijn", "hun", "beide"]
"""Where a combined part comes from: mine, theirs, or changed in both (mine counts)."""


def changed_groups(step: RoadmapStep, base: RoadmapStep) -> list[str]:
    """Return the parts (keys of :data:`FIELD_GROUPS`) in which ``step`` differs from ``base``, in order."""
    return [g for g, names in FIELD_GROUPS.items() if any(getattr(step, n) != getattr(base, n) for n in names)]


def merge_step(mine: RoadmapStep, theirs: RoadmapStep, base: RoadmapStep) -> tuple[RoadmapStep, dict[str, FieldSource]]:
    """Combine one step both versions changed, part by part (:data:`FIELD_GROUPS`).

    A part only one side changed takes that side's value; a part both changed to different values
    takes mine (the other version stays in the history). Parts that came out equal are not reported.

    Returns:
        The combined step and, per part that differed between the versions, where it came from
        (``"mijn"``, ``"hun"`` or ``"beide"``).
    """
    data = mine.model_dump()
    sources: dict[str, FieldSource] = {}
    for group, names in FIELD_GROUPS.items():
        m = [getattr(mine, n) for n in names]
        th = [getattr(theirs, n) for n in names]
        b = [getattr(base, n) for n in names]
        if m == th:
            continue
        if m != b and th != b:
            sources[group] = "beide"
        elif m != b:
            sources[group] = "mijn"
        else:
            sources[group] = "hun"
            for n in names:
                data[n] = theirs.model_dump()[n]
    try:
        return RoadmapStep.model_validate(data), sources
    except ValidationError:  # parts that do not fit together: keep mine whole
        return mine, {g: ("mijn" if s == "mijn" else "beide") for g, s in sources.items()}


def combine(mine: ImpactRoadmap, theirs: ImpactRoadmap, base: ImpactRoadmap) -> ImpactRoadmap:
    """Merge two versions that both started from ``base`` (three-way, per step id, then per part).

    - a step only one side changed (or added) takes that side's version;
    - a step both changed is combined part by part (:func:`merge_step`): what only one side
      changed comes from that side; a part both changed takes *mine* (the other stays in the history);
    - a step one side removed stays removed unless the other side changed it;
    - order: theirs, with my new steps appended in my order;
    - ``trekker_partner``: mine if I changed it, else theirs.

    The result keeps at most :data:`MAX_STEPS` steps.
    """
    base_steps = {s.id: s for s in base.steps}
    mine_steps = {s.id: s for s in mine.steps}
    theirs_steps = {s.id: s for s in theirs.steps}
    out: list[RoadmapStep] = []
    for s in theirs.steps:
        old = base_steps.get(s.id)
        if s.id in mine_steps:
            my = mine_steps[s.id]
            if old is not None and my != old and s != old:
                out.append(merge_step(my, s, old)[0])
            else:
                out.append(my if old is None or my != old else s)
        elif old is None or s != old:
            out.append(s)  # they added or changed it; my removal does not win
    for s in mine.steps:
        if s.id in theirs_steps:
            continue
        old = base_steps.get(s.id)
        if old is None or s != old:
            out.append(s)  # my new step, or one I changed that they removed
    trekker = mine.trekker_partner if mine.trekker_partner != base.trekker_partner else theirs.trekker_partner
    return ImpactRoadmap(steps=out[:MAX_STEPS], trekker_partner=trekker)


# ----------------------------------------------------- workspace documents
@dataclass(frozen=True)
class LoadedRoadmap:
    """The roadmap with the revision it was loaded from (the ``base`` of the next save).

    Attributes:
        roadmap: the roadmap (empty before the first save).
        base: the head revision number (0 before the first save).
        document: the ``roadmap`` document, or ``None`` while it does not exist yet.
    """

    roadmap: ImpactRoadmap
    base: int
    document: Document | None


def _loaded(loaded: Any) -> LoadedRoadmap:
    return LoadedRoadmap(loaded.record, loaded.base, loaded.document)


def load_roadmap(session: WorkspaceSession) -> LoadedRoadmap:
    """Return the workspace's roadmap and its head revision (every role may read it).

    Reading never creates the document, so a viewer's page writes nothing. Storage,
    access and conflicts: the ``roadmap`` kind of :data:`purposecase.workspace.REGISTRY`.

    Raises:
        RoadmapInputError: if the stored content does not fit the schema.
        RevokedToken: the session's link was revoked (a removed partner reads nothing).
        StoreUnavailable: if the database cannot be reached.
    """
    return _loaded(session.document(ROADMAP).load())


def save_roadmap(
    session: WorkspaceSession, roadmap: ImpactRoadmap, *, base: int, note: str | None = None
) -> LoadedRoadmap:
    """Save the roadmap as a new revision of the workspace's ``roadmap`` document (trekker only).

    Args:
        session: the trekker's session.
        roadmap: the new version.
        base: the revision the edit started from (0 for the first save).
        note: optional note for the history.

    Returns:
        The saved roadmap with its new revision number.

    Raises:
        Forbidden: for partners and viewers.
        InvalidInput: (code ``unknown_partner``) for a partner id that is not of this workspace.
        ConflictError: if someone saved after ``base``; ``exc.theirs`` is their version.
        StoreUnavailable: if the database stays unreachable.
    """
    return _loaded(session.document(ROADMAP).save(roadmap, base=base, note=note))


def update_roadmap(
    session: WorkspaceSession, operation: Callable[[ImpactRoadmap], ImpactRoadmap], *, attempts: int = 5
) -> LoadedRoadmap:
    """Apply a pure ``ImpactRoadmap → ImpactRoadmap`` change to the newest version and save it (trekker only).

    When someone saved in between, the change is re-applied on their version, so
    nothing is lost; after ``attempts`` conflicts in a row :class:`ConflictError` is raised.

    Raises:
        Forbidden: for partners and viewers.
        ConflictError: when the document keeps moving.
    """
    return _loaded(session.document(ROADMAP).update(operation, attempts=attempts))


def roadmap_history(session: WorkspaceSession) -> list[RevisionInfo]:
    """Return the roadmap's revisions (who, when, note), newest first; ``[]`` before the first save."""
    return session.document(ROADMAP).history()


def roadmap_revision(session: WorkspaceSession, number: int) -> ImpactRoadmap:
    """Return revision ``number`` of the roadmap (every role may read it).

    Raises:
        NotFound: for a revision that does not exist.
    """
    return session.document(ROADMAP).revision(number)


def restore_roadmap(session: WorkspaceSession, number: int, *, base: int) -> LoadedRoadmap:
    """Save revision ``number`` again as a new revision (trekker only; history is never rewritten).

    Raises:
        Forbidden: for partners and viewers.
        NotFound: for an unknown revision.
        ConflictError: if someone saved after ``base``.
    """
    return _loaded(session.document(ROADMAP).restore(number, base=base))


# ---------------------------------------------------------- partner reactions
Reaction = Literal["akkoord", "vraag"]
"""A partner's reaction to a step: commits to it / has a question."""


def roadmap_reactions(session: WorkspaceSession) -> dict[str, dict[str, dict[str, str]]]:
    """Return every partner's reactions: ``{partner_id: {step_id: {"soort", "opmerking"}}}`` (every role reads)."""
    return session.document(ROADMAP).reactions()


def react_to_step(session: WorkspaceSession, step_id: str, soort: Reaction | None, opmerking: str = "") -> None:
    """Store (or clear, with ``soort=None``) the session partner's reaction to a step (partner only).

    Args:
        session: the partner's session.
        step_id: the step's id.
        soort: ``"akkoord"`` (we commit to this step) or ``"vraag"`` (a question), or ``None``.
        opmerking: a short comment, at most :data:`MAX_COMMENT` characters.

    Raises:
        Forbidden: for trekker and viewer.
        InvalidInput: for another ``soort``, a malformed step id or a longer comment.
    """
    session.document(ROADMAP).react(step_id, soort, opmerking)


# ------------------------------------------------------------------ export
def roadmap_rows(session: WorkspaceSession) -> dict[str, list[dict[str, Any]]]:
    """Return the roadmap of a session as plain rows for exports (every role).

    Returns:
        ``{"stappen": ImpactRoadmap.to_rows(...), "inzet": EffortMatrix.to_rows(...)}`` with partner
        names and shared-case item texts resolved; removed partners keep their name.
    """
    loaded = load_roadmap(session)
    partners = session.partners(include_removed=True)
    names = {p.id: p.name for p in partners}
    items = {iid: text for _, iid, text in ambition_items(read_shared_case(session))}
    matrix = effort_matrix(loaded.roadmap, [p.id for p in partners if p.active])
    return {"stappen": loaded.roadmap.to_rows(names, items), "inzet": matrix.to_rows(names)}
