"""Domain records of the Purpose Case (pydantic), with YAML and JSON in and out.

Records are immutable (``frozen``) and refuse unknown fields (``extra="forbid"``),
so a typo in a case file fails loudly. Loaders raise :class:`CaseFileError`,
whose message names the file, the field and the problem.

This module never imports ipywidgets; pandas is imported only inside
:meth:`PurposeCase.to_frame` so that loading records stays cheap.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from .pieces import PIECE_KEYS, PieceKey

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_ITEM_LENGTH = 2000
"""Longest item text accepted, in characters (the longest publication item is ~500)."""

ItemKind = Literal["financieel", "niet-financieel", "in_cash", "in_kind"]
"""Optional kind of an item: for ``opbrengsten`` financieel / niet-financieel,
for ``inbreng`` in cash / in kind (DESIGN.md §2)."""

KIND_PIECES: dict[str, tuple[str, ...]] = {
    "opbrengsten": ("financieel", "niet-financieel"),
    "inbreng": ("in_cash", "in_kind"),
}
"""Which kinds each piece allows; pieces not listed take no kind."""

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class Record(BaseModel):
    """Base of every record: immutable, unknown fields forbidden."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Item(Record):
    """One entry of a puzzle piece.

    Attributes:
        text: the item's wording, 1 to :data:`MAX_ITEM_LENGTH` characters.
        partner: the partner the item belongs to, if any (e.g. ``"RET"``);
            shown as ``"RET: text"``.
        kind: optional :data:`ItemKind`.
    """

    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_ITEM_LENGTH)]
    partner: ShortText | None = None
    kind: ItemKind | None = None

    def label(self) -> str:
        """Return the item as shown on the canvas: ``"partner: text"`` or ``"text"``."""
        return f"{self.partner}: {self.text}" if self.partner else self.text


class Interviewee(Record):
    """A person interviewed for a case: name and role, as the publication gives them."""

    name: ShortText
    role: ShortText


class Source(Record):
    """Where a case comes from.

    Attributes:
        publication: title of the publication.
        publisher: its publisher (Katapult).
        pages: printed page numbers of the case, e.g. ``"14-16"``.
        note: optional remark on the transcription.
    """

    publication: ShortText
    publisher: ShortText
    pages: ShortText
    note: str | None = None

    def citation(self) -> str:
        """Return a one-line citation, e.g. ``Katapult, "…", p. 12-15 (note)``."""
        note = f" ({self.note})" if self.note else ""
        return f'{self.publisher}, "{self.publication}", p. {self.pages}{note}'


def _empty_pieces() -> dict[str, list[Item]]:
    return {key: [] for key in PIECE_KEYS}


class PurposeCase(Record):
    """A filled-in Purpose Case: metadata plus the eleven pieces.

    ``pieces`` maps every one of the eleven piece keys (:data:`purposecase.pieces.PIECE_KEYS`)
    to a list of :class:`Item`; a missing or unknown key is an error. Empty lists
    are allowed (a draft in progress).
    """

    slug: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
    title: ShortText
    sector: str = ""
    region: str = ""
    sdgs: list[Annotated[int, Field(ge=1, le=17)]] = Field(default_factory=list)
    source: Source | None = None
    interviewees: list[Interviewee] = Field(default_factory=list)
    quote: str = ""
    summary: str = ""
    pieces: dict[PieceKey, list[Item]] = Field(default_factory=_empty_pieces)

    @field_validator("pieces")
    @classmethod
    def _all_eleven(cls, value: dict[str, list[Item]]) -> dict[str, list[Item]]:
        missing = [k for k in PIECE_KEYS if k not in value]
        if missing:
            raise ValueError(f"missing piece(s): {', '.join(missing)}")
        for key, items in value.items():
            allowed = KIND_PIECES.get(key, ())
            for item in items:
                if item.kind is not None and item.kind not in allowed:
                    raise ValueError(f"kind {item.kind!r} is not allowed in piece {key!r}")
        # canonical order
        return {k: value[k] for k in PIECE_KEYS}

    # ----- convenience -------------------------------------------------
    def items(self, key: str) -> list[Item]:
        """Return the items of piece ``key`` (KeyError for an unknown key)."""
        return self.pieces[key]  # type: ignore[index]

    def all_items(self) -> list[tuple[str, Item]]:
        """Return ``(piece key, item)`` pairs in canvas order."""
        return [(k, it) for k in PIECE_KEYS for it in self.pieces[k]]  # type: ignore[index]

    def partner_names(self) -> list[str]:
        """Return the distinct partner labels used on items, in first-seen order."""
        seen: dict[str, None] = {}
        for _, item in self.all_items():
            if item.partner:
                seen.setdefault(item.partner, None)
        return list(seen)

    def to_frame(self) -> pd.DataFrame:
        """Return the items as a DataFrame with columns ``piece, item, partner, kind``.

        One row per item, in canvas order; ``partner`` and ``kind`` hold ``None``
        where unset.
        """
        import pandas as pd

        rows = [{"piece": k, "item": it.text, "partner": it.partner, "kind": it.kind} for k, it in self.all_items()]
        return pd.DataFrame(rows, columns=["piece", "item", "partner", "kind"])

    # ----- serialisation ----------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Return a plain dict (JSON types only), omitting unset optional item fields."""
        data = self.model_dump(mode="json", exclude_none=True)
        return data

    def to_json(self, indent: int | None = 2) -> str:
        """Return the case as JSON text (UTF-8, non-ASCII kept)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_yaml(self) -> str:
        """Return the case as YAML text (UTF-8, keys in model order)."""
        return yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False, width=100)

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "<data>") -> PurposeCase:
        """Validate ``data`` into a case.

        Raises:
            CaseFileError: naming ``source`` and each bad field.
        """
        if not isinstance(data, dict):
            raise CaseFileError.single(
                source, "not_mapping", f"expected a mapping at the top level, got {type(data).__name__}"
            )
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise CaseFileError.from_validation(source, exc) from None

    @classmethod
    def from_yaml(cls, text: str, *, source: str = "<yaml>") -> PurposeCase:
        """Parse YAML text into a case.

        Raises:
            CaseFileError: for broken YAML (with line and column) or invalid content.
        """
        return cls.from_dict(load_yaml_text(text, source=source), source=source)

    @classmethod
    def from_json(cls, text: str, *, source: str = "<json>") -> PurposeCase:
        """Parse JSON text into a case.

        Raises:
            CaseFileError: for broken JSON (with line and column) or invalid content.
        """
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CaseFileError.single(
                source, "json", f"broken JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from None
        return cls.from_dict(data, source=source)

    @classmethod
    def from_file(cls, path: str | Path) -> PurposeCase:
        """Load a case from a ``.yaml``/``.yml`` or ``.json`` file.

        Raises:
            CaseFileError: if the file cannot be read, parsed or validated; the
                message names the file.
        """
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CaseFileError.single(str(path), "read", f"cannot read file: {exc}") from None
        if path.suffix.lower() == ".json":
            return cls.from_json(text, source=str(path))
        return cls.from_yaml(text, source=str(path))


class DocumentContent(Record):
    """Base of records stored as a workspace document's content (versioned ``schema``).

    Subclasses get :meth:`to_content` and :meth:`from_content`; ``None`` or an
    empty dict loads as the empty record.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def to_content(self) -> dict[str, Any]:
        """Return the JSON content stored in the document."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    SOURCE: ClassVar[str] = "<document>"
    """How an error names content without a ``source`` (e.g. ``"<value propositions>"``)."""

    @classmethod
    def from_content(cls, content: dict[str, Any] | None, *, source: str | None = None) -> Self:
        """Validate stored content (``None`` gives the empty record).

        Raises:
            CaseFileError: if the content does not fit the schema, naming ``source`` and each field.
        """
        if not content:
            return cls()
        try:
            return cls.model_validate(content)
        except ValidationError as exc:
            raise CaseFileError.from_validation(source or cls.SOURCE, exc) from None


class PartnerDraft(DocumentContent):
    """A partner's own Purpose Case draft (steps 1–2 of "Hoe nu verder?").

    Every partner first fills in the template for themself: their own
    ``intenties`` and ``inbreng`` (first person) and their view on the other
    nine pieces. Stored as the content of a ``draft`` document.

    Attributes:
        schema: content schema version (1).
        pieces: all eleven piece keys → list of :class:`Item` (may be empty).
    """

    schema_: Literal[1] = Field(1, alias="schema")
    pieces: dict[PieceKey, list[Item]] = Field(default_factory=_empty_pieces)

    _check_pieces = field_validator("pieces")(PurposeCase._all_eleven.__func__)

    def items(self, key: str) -> list[Item]:
        """Return the items of piece ``key``."""
        return self.pieces[key]  # type: ignore[index]

    def is_complete(self) -> bool:
        """Return whether the partner's own intenties and inbreng are filled in (publication, step 2)."""
        return bool(self.pieces["intenties"]) and bool(self.pieces["inbreng"])

    def filled(self) -> int:
        """Return how many of the eleven pieces have at least one item."""
        return sum(1 for items in self.pieces.values() if items)

    def as_case(self, title: str, *, slug: str = "concept") -> PurposeCase:
        """Return the draft as a :class:`PurposeCase` (for the canvas and exports)."""
        return PurposeCase(slug=slug, title=title, pieces=self.pieces)


PieceStatus = Literal["leeg", "in_bespreking", "akkoord"]
"""Progress of a piece in the shared case: empty, in discussion, agreed (issue: step 3)."""


class SharedItem(Item):
    """An item of the shared Purpose Case, with where it came from.

    Attributes:
        id: stable short id (reactions and links to the item refer to it).
        origin: partner ids whose drafts held this text (adopted or merged);
            empty for an item the trekker wrote directly.
        origin_names: the partners' display names at adoption time, kept so the
            origin stays readable after a partner is removed.
        voor: partner ids this item benefits (for ``opbrengsten`` and ``waarde``:
            what the partner gets, the "take" of give and take).
    """

    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,40}$")]
    origin: list[ShortText] = Field(default_factory=list)
    origin_names: list[ShortText] = Field(default_factory=list)
    voor: list[ShortText] = Field(default_factory=list)


def _empty_status() -> dict[str, str]:
    return {key: "leeg" for key in PIECE_KEYS}


class CheckSetAside(Record):
    """A quality check the trekker set aside, with the reason (stored, shown in the checklist)."""

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
    by: ShortText = "trekker"


class SharedCase(DocumentContent):
    """The collaboration's shared Purpose Case (step 3), stored as a ``shared_case`` document.

    Attributes:
        schema: content schema version (1).
        pieces: all eleven piece keys → list of :class:`SharedItem`.
        agreed: piece key → ``True`` once the partners agreed on the piece.
        set_aside: check id → :class:`CheckSetAside` for checks the trekker set aside.
    """

    schema_: Literal[1] = Field(1, alias="schema")
    pieces: dict[PieceKey, list[SharedItem]] = Field(default_factory=_empty_pieces)
    agreed: dict[PieceKey, bool] = Field(default_factory=dict)
    set_aside: dict[Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,60}$")], CheckSetAside] = Field(
        default_factory=dict
    )

    _check_pieces = field_validator("pieces")(PurposeCase._all_eleven.__func__)

    def items(self, key: str) -> list[SharedItem]:
        """Return the items of piece ``key``."""
        return self.pieces[key]  # type: ignore[index]

    def status(self, key: str) -> PieceStatus:
        """Return ``"akkoord"`` (agreed), ``"in_bespreking"`` (items, not agreed) or ``"leeg"``."""
        if self.agreed.get(key):  # type: ignore[call-overload]
            return "akkoord"
        return "in_bespreking" if self.pieces[key] else "leeg"  # type: ignore[index]

    def as_case(self, title: str, *, slug: str = "gedeelde-case", **meta: Any) -> PurposeCase:
        """Return a plain :class:`PurposeCase` (for the canvas and the exports).

        An item written by exactly one partner's draft carries that partner's
        name as ``partner`` where the piece is first-person (intenties, inbreng);
        other items carry no partner label.
        """
        from .pieces import get_piece

        pieces = {}
        for key, items in self.pieces.items():
            first_person = get_piece(key).first_person
            pieces[key] = [
                Item(
                    text=i.text,
                    kind=i.kind,
                    partner=i.partner or (i.origin_names[0] if first_person and len(i.origin_names) == 1 else None),
                )
                for i in items
            ]
        return PurposeCase(slug=slug, title=title, pieces=pieces, **meta)



MAX_COMMENT = 500
"""Longest comment with a reaction, in characters."""
REACTION_KINDS = ("eens", "akkoord", "vraag")
"""Every reaction word a document kind may allow (each kind declares its own vocabulary:
``eens``/``vraag`` on shared items and value propositions, ``akkoord``/``vraag`` on roadmap steps)."""
TargetId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,40}$")]


class Reaction(Record):
    """One partner's reaction to one item, proposition or step.

    Attributes:
        soort: one of :data:`REACTION_KINDS` (the document kind says which it allows).
        opmerking: a comment, at most :data:`MAX_COMMENT` characters.
    """

    soort: Literal["eens", "akkoord", "vraag"]
    opmerking: Annotated[str, StringConstraints(max_length=MAX_COMMENT)] = ""


class ReactionSet(DocumentContent):
    """Base of a partner's reactions document: target id → :class:`Reaction`, under the key :attr:`FIELD`."""

    FIELD: ClassVar[str] = "items"

    def targets(self) -> dict[str, Reaction]:
        """Return target id → reaction."""
        return dict(getattr(self, self.FIELD))

    def with_reaction(self, target: str, reaction: Reaction | None) -> Self:
        """Return a copy with ``target``'s reaction set (``None`` removes it)."""
        targets = self.targets()
        if reaction is None:
            targets.pop(target, None)
        else:
            targets[target] = reaction
        return type(self)(**{self.FIELD: targets})


class ItemReactions(ReactionSet):
    """A partner's reactions to items (step 3) or value propositions (step 4): ``{"items": {id: Reaction}}``."""

    FIELD: ClassVar[str] = "items"
    items: dict[TargetId, Reaction] = Field(default_factory=dict)


class StepReactions(ReactionSet):
    """A partner's reactions to the Impact Roadmap's steps (step 5): ``{"steps": {step id: Reaction}}``."""

    FIELD: ClassVar[str] = "steps"
    steps: dict[TargetId, Reaction] = Field(default_factory=dict)


class WorkspaceMeta(DocumentContent):
    """The workspace's settings, stored as the ``meta`` document.

    Attributes:
        inspiratie: slug of the publication case shown as inspiration, or ``None``.
        sdgs: the SDG numbers the collaboration works on (read leniently: see
            :meth:`purposecase.workspace.WorkspaceSession.sdgs`).
    """

    inspiratie: Annotated[str, StringConstraints(max_length=80)] | None = None
    sdgs: list[Any] = Field(default_factory=list, max_length=100)

    def to_content(self) -> dict[str, Any]:
        """Return the JSON content stored: the settings that were ever set (a cleared one as ``None``)."""
        return self.model_dump(mode="json", exclude_unset=True)

def load_yaml_text(text: str, *, source: str = "<yaml>") -> Any:
    """Parse YAML safely (no Python tags).

    Raises:
        CaseFileError: for broken YAML, naming line and column.
    """
    try:
        return yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise CaseFileError.single(source, "yaml", f"broken YAML{where}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise CaseFileError.single(source, "yaml", f"broken YAML: {exc}") from None


@dataclass(frozen=True)
class Problem:
    """One problem of an input.

    Attributes:
        field: dotted path of the field, e.g. ``"pieces.impact.0.text"``, or
            ``""`` for the whole input.
        code: a stable problem code the UI translates: ``read``, ``yaml``,
            ``json``, ``not_mapping``, ``unknown_field``, ``missing``,
            ``missing_piece``, ``unknown_piece``, ``too_long``, ``empty``,
            ``wrong_type``, ``duplicate``, ``invalid``.
        detail: technical detail in English (for logs and developers).
    """

    field: str
    code: str
    detail: str

    def __str__(self) -> str:
        return f"{self.field}: {self.detail}" if self.field else self.detail


_PYDANTIC_CODES = {
    "extra_forbidden": "unknown_field",
    "missing": "missing",
    "string_too_long": "too_long",
    "string_too_short": "empty",
    "literal_error": "invalid",
    "string_type": "wrong_type",
    "int_type": "wrong_type",
    "int_parsing": "wrong_type",
    "list_type": "wrong_type",
    "dict_type": "wrong_type",
    "model_type": "wrong_type",
    "model_attributes_type": "wrong_type",
}


class CaseFileError(ValueError):
    """A case file or text that cannot be loaded.

    Attributes:
        source: file name or other label of the input.
        problems: the :class:`Problem` list; ``str(error)`` names the source,
            each field and its problem.
    """

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.source}: " + "; ".join(str(p) for p in self.problems)

    @classmethod
    def single(cls, source: str, code: str, detail: str, field: str = "") -> CaseFileError:
        """Build an error with one problem."""
        return cls(source, [Problem(field, code, detail)])

    @classmethod
    def from_validation(cls, source: str, exc: ValidationError) -> CaseFileError:
        """Build from a pydantic ``ValidationError``, one problem per error."""
        problems = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            code = _PYDANTIC_CODES.get(err["type"], "invalid")
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                msg = "unknown field"
            elif err["type"] == "literal_error" and err["loc"] and err["loc"][0] == "pieces":
                code = "unknown_piece"
                msg = f"unknown piece key; expected one of {', '.join(PIECE_KEYS)}"
            elif "missing piece" in msg:
                code = "missing_piece"
                msg = msg.removeprefix("Value error, ")
            problems.append(Problem(loc, code, msg))
        return cls(source, problems)


@dataclass(frozen=True)
class PieceComparison:
    """One row of :func:`compare`: a piece and the items of both cases."""

    key: str
    left: list[Item]
    right: list[Item]


def compare(a: PurposeCase, b: PurposeCase) -> list[PieceComparison]:
    """Line two cases up piece by piece.

    Returns:
        Eleven :class:`PieceComparison` rows in canvas order, each with the
        items of ``a`` (``left``) and ``b`` (``right``).
    """
    return [PieceComparison(k, list(a.items(k)), list(b.items(k))) for k in PIECE_KEYS]
