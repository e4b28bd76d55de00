"""Step 4 "waardepropositie aanscherpen": a value proposition per target group, with fit.

The publication's step 4 ("Werk een Waarde Propositie Canvas uit om de doelgroepen
en waarde scherper te krijgen") uses the concepts of the Value Proposition Canvas:
Osterwalder, A., Pigneur, Y., Bernarda, G. & Smith, A. (2014). *Value Proposition
Design*. Hoboken: Wiley; Dutch edition *Waarde Propositie Ontwerp*, Amsterdam: Boom.
The publication's section "Wat is het Waarde Propositie Canvas?" maps the canvas's
customer segments onto the Purpose Case's *doelgroepen* and its value propositions
onto *waarde*.

Per target group (:class:`ValueProposition`):

- a **profile**: taken (jobs: functioneel, sociaal, emotioneel), pijnen (pains),
  voordelen (gains), each ranked with an importance (*belang*) of 1–5;
- a **value map**: producten en diensten, pijnverzachters (pain relievers, each
  linked to the pains it relieves) and voordeelverschaffers (gain creators, each
  linked to the gains it creates).

The layers of this module:

- records (pydantic, frozen, ``extra="forbid"``, versioned schema);
- pure operations ``ValuePropositions → ValuePropositions`` (:data:`PropOperation`),
  so a save that meets a conflict re-applies the same operation on the newer
  version and no edit is lost;
- pure fit functions (:func:`fit`, :func:`fits`);
- reconciliation with the shared case (:func:`reconcile`): orphaned target groups,
  links to deleted items dropped *and reported* (:class:`DroppedLink`);
- the proposal back to the shared case (:func:`plan_proposal`,
  :func:`proposal_operation`): a pure ``SharedCase → SharedCase`` operation;
- session functions (:func:`load_propositions`, :func:`update_propositions`,
  :func:`propose_to_shared`, reactions, history) that check the role on the
  server side with :meth:`~purposecase.workspace.WorkspaceSession.require`.

This module never imports ipywidgets, pandas or plotly; the store (SQLAlchemy) is
imported only inside the session functions, so pages without a workspace stay light.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from .model import MAX_ITEM_LENGTH, DocumentContent, Record, SharedCase, SharedItem

if TYPE_CHECKING:  # pragma: no cover
    from .store import RevisionInfo
    from .workspace import LoadedShared, WorkspaceSession

__all__ = [
    "DEFAULT_BELANG",
    "JOB_KINDS",
    "LINKS",
    "MAX_ITEMS",
    "MAX_PROPOSITIONS",
    "ORIGIN_LABEL",
    "PROFILE",
    "RANKED",
    "SECTIONS",
    "VALUE_MAP",
    "VALUE_PROPOSITIONS",
    "VP_REACTIONS",
    "DroppedLink",
    "Fit",
    "LoadedPropositions",
    "Pijn",
    "Pijnverzachter",
    "Product",
    "ProposalChange",
    "ProposalResult",
    "Reconciled",
    "Taak",
    "ValueProposition",
    "ValuePropositions",
    "Voordeel",
    "Voordeelverschaffer",
    "add_item",
    "add_proposition",
    "add_suggestion",
    "detach",
    "drop_dangling_links",
    "edit_item",
    "fit",
    "fits",
    "history",
    "load_propositions",
    "new_proposition",
    "plan_proposal",
    "preview_proposal",
    "propose_to_shared",
    "proposal_operation",
    "proposition_reactions",
    "react_to_proposition",
    "reconcile",
    "remove_item",
    "remove_proposition",
    "removal_report",
    "rename",
    "restore_revision",
    "set_links",
    "sort_by_belang",
    "suggestions",
    "update_propositions",
    "weighted_share",
]

VALUE_PROPOSITIONS = "value_propositions"
"""Store document kind: one per workspace, content :class:`ValuePropositions`."""
VP_REACTIONS = "vp_reactions"
"""Store document kind: one per partner, ``{"items": {proposition id: {"soort", "opmerking"}}}``."""
ORIGIN_LABEL = "Waardepropositie"
"""Added to a shared item's ``origin_names`` when a proposal from step 4 wrote or changed it."""

MAX_ITEMS = 40
"""Most items per section of one value proposition."""
MAX_PROPOSITIONS = 40
"""Most value propositions (target groups) per workspace."""
MAX_COMMENT = 500
"""Longest reaction comment, in characters (as for the shared case)."""
DEFAULT_BELANG = 3
"""Importance of a new job, pain or gain (middle of 1–5)."""

JobKind = Literal["functioneel", "sociaal", "emotioneel"]
"""The three kinds of jobs of Osterwalder et al. (2014): functional, social, emotional."""
JOB_KINDS: tuple[str, ...] = ("functioneel", "sociaal", "emotioneel")

PROFILE: tuple[str, ...] = ("taken", "pijnen", "voordelen")
"""Sections of the customer profile (right-hand side of our layout)."""
VALUE_MAP: tuple[str, ...] = ("producten", "pijnverzachters", "voordeelverschaffers")
"""Sections of the value map (left-hand side of our layout)."""
SECTIONS: tuple[str, ...] = VALUE_MAP + PROFILE
RANKED: tuple[str, ...] = PROFILE
"""Sections whose items carry an importance (``belang``); sorted by it when the user asks (:func:`sort_by_belang`)."""
LINKS: dict[str, tuple[str, str]] = {
    "pijnverzachters": ("verzacht", "pijnen"),
    "voordeelverschaffers": ("creeert", "voordelen"),
}
"""Linking sections: section → (field holding the linked ids, the section it links to)."""

ItemId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,50}$")]
ItemText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_ITEM_LENGTH)]
Belang = Annotated[int, Field(ge=1, le=5)]


# ------------------------------------------------------------------ records
class Taak(Record):
    """A job the target group tries to get done (profile).

    Attributes:
        id: stable id within the value proposition.
        text: the job, 1–2000 characters.
        soort: ``"functioneel"``, ``"sociaal"`` or ``"emotioneel"`` (Osterwalder et al., 2014).
        belang: importance 1 (minor) – 5 (most important).
    """

    id: ItemId
    text: ItemText
    soort: JobKind = "functioneel"
    belang: Belang = DEFAULT_BELANG


class Pijn(Record):
    """A pain of the target group (profile); ``belang`` 1 (moderate) – 5 (extreme)."""

    id: ItemId
    text: ItemText
    belang: Belang = DEFAULT_BELANG


class Voordeel(Record):
    """A gain the target group wants (profile); ``belang`` 1 (nice to have) – 5 (essential)."""

    id: ItemId
    text: ItemText
    belang: Belang = DEFAULT_BELANG


class Product(Record):
    """A product or service of the value map.

    Attributes:
        id: stable id within the value proposition.
        text: the product or service.
        waarde_item_id: the shared case's ``waarde`` item it started from or was
            proposed as, or ``None`` (not in the shared case yet).
    """

    id: ItemId
    text: ItemText
    waarde_item_id: ItemId | None = None


class Pijnverzachter(Record):
    """A pain reliever of the value map, with the ids of the pains it relieves (``verzacht``)."""

    id: ItemId
    text: ItemText
    verzacht: list[ItemId] = Field(default_factory=list)


class Voordeelverschaffer(Record):
    """A gain creator of the value map, with the ids of the gains it creates (``creeert``)."""

    id: ItemId
    text: ItemText
    creeert: list[ItemId] = Field(default_factory=list)


SECTION_TYPES: dict[str, type[Record]] = {
    "taken": Taak,
    "pijnen": Pijn,
    "voordelen": Voordeel,
    "producten": Product,
    "pijnverzachters": Pijnverzachter,
    "voordeelverschaffers": Voordeelverschaffer,
}


class ValueProposition(Record):
    """The value proposition of one target group: profile, value map, links.

    Attributes:
        id: stable id within the workspace.
        doelgroep: the target group as named here (may be sharper than the shared case's wording).
        doelgroep_item_id: id of the shared case's ``doelgroepen`` item it belongs to, or
            ``None`` for a target group the user added here (not in the shared case yet).
        taken, pijnen, voordelen: the profile, each at most :data:`MAX_ITEMS`.
        producten, pijnverzachters, voordeelverschaffers: the value map, each at most :data:`MAX_ITEMS`.
        orphaned: the target group was removed from the shared case; the proposition is kept
            until someone decides (propose it again, keep it as an own target group, or delete it).

    Links may name ids that no longer exist (e.g. stored by an older page);
    :func:`drop_dangling_links` removes them and reports what it dropped.

    Raises:
        pydantic.ValidationError: for a duplicate item id within the proposition.
    """

    id: ItemId
    doelgroep: ItemText
    doelgroep_item_id: ItemId | None = None
    taken: list[Taak] = Field(default_factory=list, max_length=MAX_ITEMS)
    pijnen: list[Pijn] = Field(default_factory=list, max_length=MAX_ITEMS)
    voordelen: list[Voordeel] = Field(default_factory=list, max_length=MAX_ITEMS)
    producten: list[Product] = Field(default_factory=list, max_length=MAX_ITEMS)
    pijnverzachters: list[Pijnverzachter] = Field(default_factory=list, max_length=MAX_ITEMS)
    voordeelverschaffers: list[Voordeelverschaffer] = Field(default_factory=list, max_length=MAX_ITEMS)
    orphaned: bool = False

    @model_validator(mode="after")
    def _unique_ids(self) -> ValueProposition:
        seen: set[str] = set()
        for section in SECTIONS:
            for item in getattr(self, section):
                if item.id in seen:
                    raise ValueError(f"duplicate item id {item.id!r}")
                seen.add(item.id)
        return self

    def items(self, section: str) -> list[Any]:
        """Return the items of ``section`` (one of :data:`SECTIONS`), in stored order.

        Raises:
            KeyError: for an unknown section.
        """
        if section not in SECTION_TYPES:
            raise KeyError(f"unknown section {section!r}; expected one of {', '.join(SECTIONS)}")
        return list(getattr(self, section))

    def ranked(self, section: str) -> list[Any]:
        """Return the items of ``section`` by importance, highest first (stable; unranked sections as stored)."""
        items = self.items(section)
        if section in RANKED:
            return sorted(items, key=lambda i: -i.belang)
        return items

    def find(self, item_id: str) -> tuple[str, Any] | None:
        """Return ``(section, item)`` for ``item_id``, or ``None``."""
        for section in SECTIONS:
            for item in getattr(self, section):
                if item.id == item_id:
                    return section, item
        return None

    def is_empty(self) -> bool:
        """Return whether the profile has no jobs, pains or gains."""
        return not (self.taken or self.pijnen or self.voordelen)


class ValuePropositions(DocumentContent):
    """The content of the workspace's ``value_propositions`` document.

    Attributes:
        schema: content schema version (1).
        propositions: one :class:`ValueProposition` per target group, in display order;
            at most :data:`MAX_PROPOSITIONS`; ids and shared doelgroep ids unique.
    """

    SOURCE: ClassVar[str] = "<value propositions>"
    schema_: Literal[1] = Field(1, alias="schema")
    propositions: list[ValueProposition] = Field(default_factory=list, max_length=MAX_PROPOSITIONS)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _unique(self) -> ValuePropositions:
        ids = [p.id for p in self.propositions]
        if len(ids) != len(set(ids)):
            raise ValueError("duplicate value proposition id")
        linked = [p.doelgroep_item_id for p in self.propositions if p.doelgroep_item_id]
        if len(linked) != len(set(linked)):
            raise ValueError("two value propositions belong to the same shared doelgroep")
        return self

    def get(self, proposition_id: str) -> ValueProposition | None:
        """Return the proposition with ``proposition_id``, or ``None``."""
        return next((p for p in self.propositions if p.id == proposition_id), None)


# ------------------------------------------------------------- dropped links
@dataclass(frozen=True)
class DroppedLink:
    """A link that was dropped because its target no longer exists (shown to the user, never silent).

    Attributes:
        proposition_id: the value proposition.
        doelgroep: its target group's wording.
        section: where the link was: ``"pijnverzachters"``, ``"voordeelverschaffers"``
            (links to pains/gains) or ``"producten"`` (link to a shared ``waarde`` item).
        item_id: the reliever, creator or product.
        item_text: its text.
        target_id: the id it pointed to.
        target_text: the deleted target's text when known (a deletion just now), else ``None``.
    """

    proposition_id: str
    doelgroep: str
    section: str
    item_id: str
    item_text: str
    target_id: str
    target_text: str | None = None


# --------------------------------------------------------------- operations
PropOperation = Callable[[ValuePropositions], ValuePropositions]
"""A pure change of the document; re-applied on a newer version after a conflict."""


def new_id() -> str:
    """Return a fresh short item id (8 url-safe characters)."""
    return secrets.token_urlsafe(6)


def _seed_id(prefix: str, shared_id: str) -> str:
    """Return a deterministic id for an item seeded from a shared item (two pages seed the same ids)."""
    digest = hashlib.sha256(shared_id.encode()).hexdigest()[:10]
    return f"{prefix}-{digest}"


def new_proposition(
    doelgroep: str,
    shared: SharedCase | None = None,
    *,
    doelgroep_item_id: str | None = None,
    proposition_id: str | None = None,
) -> ValueProposition:
    """Return a new, empty value proposition for one target group.

    The value map starts empty: what the partners offer one target group is not what they
    offer another (issue 18: the employers' value landed in the students' offer). The shared
    case's ``waarde`` items are offered as suggestions instead (:func:`suggestions`,
    :func:`add_suggestion`). For a shared doelgroep the id is derived from the shared item's
    id, so two pages create the same proposition.

    Args:
        doelgroep: the target group's wording.
        shared: the shared case (kept for callers; nothing of it is copied in).
        doelgroep_item_id: the shared ``doelgroepen`` item, or ``None`` for an own target group.
        proposition_id: explicit id (default: derived, or random for an own target group).

    Raises:
        pydantic.ValidationError: for an empty or too long ``doelgroep``.
    """
    del shared  # nothing is seeded from it any more
    if proposition_id is None:
        proposition_id = _seed_id("d", doelgroep_item_id) if doelgroep_item_id else new_id()
    return ValueProposition(id=proposition_id, doelgroep=doelgroep, doelgroep_item_id=doelgroep_item_id)


def suggestions(vp: ValueProposition, shared: SharedCase) -> list[SharedItem]:
    """Return the shared case's ``waarde`` items no product of ``vp`` comes from yet, in the shared order.

    They are what step 4 offers for "Producten en diensten": one click adds one
    (:func:`add_suggestion`), linked by ``waarde_item_id``.
    """
    used = {p.waarde_item_id for p in vp.producten if p.waarde_item_id}
    return [w for w in shared.items("waarde") if w.id not in used]


def add_suggestion(proposition_id: str, waarde: SharedItem) -> PropOperation:
    """Return an operation that adds the shared ``waarde`` item as a product, linked by ``waarde_item_id``.

    The product's id is derived from the shared item's, so the same suggestion taken on two
    pages is added once.

    Raises:
        pydantic.ValidationError (when applied): when the section already holds :data:`MAX_ITEMS`.
    """
    derived, spare = _seed_id("w", waarde.id), new_id()

    def change(vp: ValueProposition) -> ValueProposition:
        if any(p.waarde_item_id == waarde.id for p in vp.producten):
            return vp  # taken already (another tab, or this operation applied again)
        item_id = spare if vp.find(derived) is not None else derived
        product = Product(id=item_id, text=waarde.text, waarde_item_id=waarde.id)
        return _rebuild(vp, producten=[*vp.producten, product])

    return _on(proposition_id, change)


def sort_by_belang(proposition_id: str, section: str) -> PropOperation:
    """Return an operation that puts the items of a ranked section in order of importance, highest first.

    Rows keep the order they were entered in (a changed importance does not move a row on
    screen); this sorts them once, when the user asks. Stable: equal importance keeps its order.

    Raises:
        ValueError: for a section without importance.
    """
    if section not in RANKED:
        raise ValueError(f"section {section!r} is not ranked; expected one of {', '.join(RANKED)}")

    def change(vp: ValueProposition) -> ValueProposition:
        return _rebuild(vp, **{section: vp.ranked(section)})

    return _on(proposition_id, change)


def _replace(doc: ValuePropositions, vp: ValueProposition) -> ValuePropositions:
    return ValuePropositions(propositions=[vp if p.id == vp.id else p for p in doc.propositions])


def _rebuild(vp: ValueProposition, **changes: Any) -> ValueProposition:
    """Return ``vp`` with ``changes``, validated again (``model_copy`` would skip validation)."""
    data = vp.model_dump()
    data.update({k: [i.model_dump() if isinstance(i, Record) else i for i in v] if isinstance(v, list) else v
                 for k, v in changes.items()})
    return ValueProposition.model_validate(data)


def _on(proposition_id: str, change: Callable[[ValueProposition], ValueProposition]) -> PropOperation:
    """Return an operation applying ``change`` to one proposition (a missing one: no change)."""

    def op(doc: ValuePropositions) -> ValuePropositions:
        vp = doc.get(proposition_id)
        if vp is None:
            return doc
        new = change(vp)
        return doc if new == vp else _replace(doc, new)

    return op


def _check_section(section: str) -> None:
    if section not in SECTION_TYPES:
        raise ValueError(f"unknown section {section!r}; expected one of {', '.join(SECTIONS)}")


def add_proposition(vp: ValueProposition) -> PropOperation:
    """Return an operation that adds ``vp`` at the end (no change when its id or shared doelgroep is present).

    Raises:
        pydantic.ValidationError: (when applied) beyond :data:`MAX_PROPOSITIONS`.
    """

    def op(doc: ValuePropositions) -> ValuePropositions:
        if doc.get(vp.id) is not None:
            return doc
        if vp.doelgroep_item_id and any(p.doelgroep_item_id == vp.doelgroep_item_id for p in doc.propositions):
            return doc
        return ValuePropositions(propositions=[*doc.propositions, vp])

    return op


def remove_proposition(proposition_id: str) -> PropOperation:
    """Return an operation that deletes one value proposition (the history keeps it)."""

    def op(doc: ValuePropositions) -> ValuePropositions:
        return ValuePropositions(propositions=[p for p in doc.propositions if p.id != proposition_id])

    return op


def rename(proposition_id: str, doelgroep: str) -> PropOperation:
    """Return an operation that sharpens the target group's wording (the shared case changes only on a proposal)."""
    return _on(proposition_id, lambda vp: _rebuild(vp, doelgroep=doelgroep))


def detach(proposition_id: str) -> PropOperation:
    """Return an operation that keeps an orphaned proposition as an own target group (no shared doelgroep)."""
    return _on(proposition_id, lambda vp: _rebuild(vp, doelgroep_item_id=None, orphaned=False))


def add_item(
    proposition_id: str,
    section: str,
    text: str,
    *,
    item_id: str | None = None,
    belang: int = DEFAULT_BELANG,
    soort: str = "functioneel",
    waarde_item_id: str | None = None,
) -> PropOperation:
    """Return an operation that adds one item to ``section`` of a proposition.

    Re-applying it is harmless: an item with the same id is not added twice.

    Args:
        proposition_id: the value proposition.
        section: one of :data:`SECTIONS`.
        text: the item's text.
        item_id: its id (default: a fresh one, fixed when the operation is made).
        belang: importance 1–5 (ranked sections only).
        soort: kind of a job (``taken`` only).
        waarde_item_id: the shared ``waarde`` item a product comes from (``producten`` only).

    Raises:
        ValueError: for an unknown section (at once); pydantic.ValidationError (when applied)
            for an empty or too long text or more than :data:`MAX_ITEMS` items.
    """
    _check_section(section)
    item_id = item_id or new_id()
    data: dict[str, Any] = {"id": item_id, "text": text}
    if section in RANKED:
        data["belang"] = belang
    if section == "taken":
        data["soort"] = soort
    if section == "producten" and waarde_item_id:
        data["waarde_item_id"] = waarde_item_id

    def change(vp: ValueProposition) -> ValueProposition:
        if vp.find(item_id) is not None:
            return vp
        return _rebuild(vp, **{section: [*vp.items(section), SECTION_TYPES[section].model_validate(data)]})

    return _on(proposition_id, change)


def edit_item(proposition_id: str, section: str, item_id: str, **fields: Any) -> PropOperation:
    """Return an operation that changes fields of one item (``text``, ``belang``, ``soort``, links).

    Raises:
        ValueError: for an unknown section (at once); pydantic.ValidationError (when applied)
            for a field the section does not have or an invalid value.
    """
    _check_section(section)

    def change(vp: ValueProposition) -> ValueProposition:
        items = [
            SECTION_TYPES[section].model_validate({**i.model_dump(), **fields}) if i.id == item_id else i
            for i in vp.items(section)
        ]
        return _rebuild(vp, **{section: items})

    return _on(proposition_id, change)


def set_links(proposition_id: str, section: str, item_id: str, target_ids: Sequence[str]) -> PropOperation:
    """Return an operation that links a pijnverzachter to pains (or a voordeelverschaffer to gains).

    Args:
        proposition_id: the value proposition.
        section: ``"pijnverzachters"`` or ``"voordeelverschaffers"``.
        item_id: the reliever or creator.
        target_ids: ids of the pains (gains) it relieves (creates); duplicates are dropped.

    Raises:
        ValueError: for a section that does not link.
    """
    if section not in LINKS:
        raise ValueError(f"section {section!r} has no links; expected one of {', '.join(LINKS)}")
    return edit_item(proposition_id, section, item_id, **{LINKS[section][0]: list(dict.fromkeys(target_ids))})


def removal_report(vp: ValueProposition, section: str, item_id: str) -> list[DroppedLink]:
    """Return the links that removing item ``item_id`` of ``section`` drops (to show them to the user).

    Only pains and gains have incoming links; other sections give ``[]``.
    """
    found = vp.find(item_id)
    if found is None or found[0] != section:
        return []
    target = found[1]
    out = []
    for link_section, (attr, target_section) in LINKS.items():
        if target_section != section:
            continue
        for item in vp.items(link_section):
            if item_id in getattr(item, attr):
                out.append(DroppedLink(vp.id, vp.doelgroep, link_section, item.id, item.text, item_id, target.text))
    return out


def remove_item(proposition_id: str, section: str, item_id: str) -> PropOperation:
    """Return an operation that deletes one item; links to a deleted pain or gain go with it.

    Use :func:`removal_report` first to tell the user which links are dropped.

    Raises:
        ValueError: for an unknown section.
    """
    _check_section(section)

    def change(vp: ValueProposition) -> ValueProposition:
        changes: dict[str, Any] = {section: [i for i in vp.items(section) if i.id != item_id]}
        for link_section, (attr, target_section) in LINKS.items():
            if target_section == section:
                changes[link_section] = [
                    i.model_copy(update={attr: [t for t in getattr(i, attr) if t != item_id]})
                    for i in vp.items(link_section)
                ]
        return _rebuild(vp, **changes)

    return _on(proposition_id, change)


def assign_shared_ids(planned: ValueProposition) -> PropOperation:
    """Return an operation that records the shared ids a proposal gave (doelgroep and products).

    Products are matched by id; the proposition is no longer orphaned.
    """

    def change(vp: ValueProposition) -> ValueProposition:
        ids = {p.id: p.waarde_item_id for p in planned.producten}
        producten = [p.model_copy(update={"waarde_item_id": ids.get(p.id) or p.waarde_item_id}) for p in vp.producten]
        return _rebuild(vp, doelgroep_item_id=planned.doelgroep_item_id, orphaned=False, producten=producten)

    return _on(planned.id, change)


# ---------------------------------------------------------------------- fit
def weighted_share(items: Iterable[Pijn | Voordeel], addressed: Iterable[str]) -> tuple[int, int]:
    """Return ``(addressed weight, total weight)`` of pains or gains.

    Weighting rule: every pain or gain weighs its importance (``belang`` 1–5,
    linear); it counts as addressed when at least one reliever or creator links
    to it; more links do not add weight (a pain is relieved or it is not).
    """
    done = set(addressed)
    total = addressed_weight = 0
    for item in items:
        total += item.belang
        if item.id in done:
            addressed_weight += item.belang
    return addressed_weight, total


def _share(part: int, total: int) -> float | None:
    return part / total if total else None


@dataclass(frozen=True)
class Fit:
    """How well one value map fits its profile.

    Attributes:
        proposition_id: the value proposition.
        doelgroep: the target group's wording.
        orphaned: whether the target group left the shared case.
        relieved_weight: summed ``belang`` of the pains at least one pijnverzachter relieves.
        pains_weight: summed ``belang`` of all pains.
        created_weight: summed ``belang`` of the gains at least one voordeelverschaffer creates.
        gains_weight: summed ``belang`` of all gains.
        unaddressed_pains: pains no reliever addresses, most important first.
        unaddressed_gains: gains no creator addresses, most important first.
        idle_relievers: pijnverzachters linked to no (existing) pain.
        idle_creators: voordeelverschaffers linked to no (existing) gain.
    """

    proposition_id: str
    doelgroep: str
    orphaned: bool
    relieved_weight: int
    pains_weight: int
    created_weight: int
    gains_weight: int
    unaddressed_pains: tuple[Pijn, ...] = ()
    unaddressed_gains: tuple[Voordeel, ...] = ()
    idle_relievers: tuple[Pijnverzachter, ...] = ()
    idle_creators: tuple[Voordeelverschaffer, ...] = ()

    @property
    def pain_share(self) -> float | None:
        """Return the weighted share (0–1) of pains relieved, or ``None`` without pains."""
        return _share(self.relieved_weight, self.pains_weight)

    @property
    def gain_share(self) -> float | None:
        """Return the weighted share (0–1) of gains created, or ``None`` without gains."""
        return _share(self.created_weight, self.gains_weight)

    @property
    def share(self) -> float | None:
        """Return the overall fit (0–1): addressed weight of pains and gains over their total; ``None`` if none."""
        return _share(self.relieved_weight + self.created_weight, self.pains_weight + self.gains_weight)

    def top_unaddressed_pains(self, n: int = 3) -> tuple[Pijn, ...]:
        """Return the ``n`` most important pains nobody addresses."""
        return self.unaddressed_pains[:n]

    def top_unaddressed_gains(self, n: int = 3) -> tuple[Voordeel, ...]:
        """Return the ``n`` most important gains nobody addresses."""
        return self.unaddressed_gains[:n]


def fit(vp: ValueProposition) -> Fit:
    """Return the fit of one value proposition between its value map and its profile.

    Concept: "fit" in Osterwalder, Pigneur, Bernarda & Smith (2014), *Value
    Proposition Design* (Dutch: *Waarde Propositie Ontwerp*, Boom): a value map
    fits when its pain relievers and gain creators address the pains and gains
    that matter most to the customer.

    Weighting rule (ours; the book ranks but gives no numbers): every pain and
    gain weighs its ``belang`` 1–5; a pain (gain) counts as addressed when at
    least one pijnverzachter (voordeelverschaffer) links to it, however many do.
    ``pain_share`` = relieved weight / pains weight, ``gain_share`` = created
    weight / gains weight, ``share`` = (relieved + created) / (pains + gains).
    Jobs are ranked in the profile but do not enter the share (relievers and
    creators link to pains and gains, not to jobs). Links to ids that do not
    exist are ignored. An empty profile gives shares of ``None`` ("not
    applicable"), never 0 or 100 %.
    """
    pain_ids = {p.id for p in vp.pijnen}
    gain_ids = {g.id for g in vp.voordelen}
    relieved = {t for r in vp.pijnverzachters for t in r.verzacht if t in pain_ids}
    created = {t for c in vp.voordeelverschaffers for t in c.creeert if t in gain_ids}
    relieved_w, pains_w = weighted_share(vp.pijnen, relieved)
    created_w, gains_w = weighted_share(vp.voordelen, created)
    return Fit(
        proposition_id=vp.id,
        doelgroep=vp.doelgroep,
        orphaned=vp.orphaned,
        relieved_weight=relieved_w,
        pains_weight=pains_w,
        created_weight=created_w,
        gains_weight=gains_w,
        unaddressed_pains=tuple(p for p in vp.ranked("pijnen") if p.id not in relieved),
        unaddressed_gains=tuple(g for g in vp.ranked("voordelen") if g.id not in created),
        idle_relievers=tuple(r for r in vp.pijnverzachters if not set(r.verzacht) & pain_ids),
        idle_creators=tuple(c for c in vp.voordeelverschaffers if not set(c.creeert) & gain_ids),
    )


def fits(doc: ValuePropositions) -> list[Fit]:
    """Return :func:`fit` for every value proposition, in display order."""
    return [fit(vp) for vp in doc.propositions]


# ----------------------------------------------------------- reconciliation
def drop_dangling_links(vp: ValueProposition) -> tuple[ValueProposition, list[DroppedLink]]:
    """Return ``vp`` without links to pains or gains that do not exist, and what was dropped."""
    dropped: list[DroppedLink] = []
    changes: dict[str, Any] = {}
    for section, (attr, target_section) in LINKS.items():
        existing = {t.id for t in vp.items(target_section)}
        items = []
        for item in vp.items(section):
            targets = getattr(item, attr)
            keep = [t for t in targets if t in existing]
            for t in targets:
                if t not in existing:
                    dropped.append(DroppedLink(vp.id, vp.doelgroep, section, item.id, item.text, t))
            items.append(item if keep == targets else item.model_copy(update={attr: keep}))
        changes[section] = items
    if not dropped:
        return vp, []
    return _rebuild(vp, **changes), dropped


@dataclass(frozen=True)
class Reconciled:
    """The result of :func:`reconcile`.

    Attributes:
        document: the reconciled document.
        dropped: links dropped because their target is gone.
        orphaned: ids of propositions whose shared doelgroep is gone (all of them, not only new ones).
        added: ids of propositions created for shared doelgroepen that had none.
    """

    document: ValuePropositions
    dropped: tuple[DroppedLink, ...] = ()
    orphaned: tuple[str, ...] = ()
    added: tuple[str, ...] = ()


def reconcile(doc: ValuePropositions, shared: SharedCase) -> Reconciled:
    """Bring the value propositions in line with the shared case (pure).

    - A proposition whose shared doelgroep was removed is marked ``orphaned`` and
      kept (with everything in it) until someone decides; one whose doelgroep is
      back is no longer orphaned.
    - Links to pains or gains that no longer exist are dropped, as are product links
      to ``waarde`` items removed from the shared case; each drop is reported.
    - A shared doelgroep without a proposition gets a new, empty one (the shared
      ``waarde`` is offered as suggestions, see :func:`suggestions`), appended in the
      shared case's order.
    """
    doelgroepen = {i.id for i in shared.items("doelgroepen")}
    waarde = {i.id for i in shared.items("waarde")}
    out: list[ValueProposition] = []
    dropped: list[DroppedLink] = []
    orphaned: list[str] = []
    for vp in doc.propositions:
        vp, lost = drop_dangling_links(vp)
        dropped.extend(lost)
        producten = []
        for p in vp.producten:
            if p.waarde_item_id and p.waarde_item_id not in waarde:
                dropped.append(DroppedLink(vp.id, vp.doelgroep, "producten", p.id, p.text, p.waarde_item_id))
                p = p.model_copy(update={"waarde_item_id": None})
            producten.append(p)
        is_orphan = bool(vp.doelgroep_item_id) and vp.doelgroep_item_id not in doelgroepen
        if is_orphan:
            orphaned.append(vp.id)
        if producten != vp.producten or is_orphan != vp.orphaned:
            vp = _rebuild(vp, producten=producten, orphaned=is_orphan)
        out.append(vp)
    covered = {vp.doelgroep_item_id for vp in out if vp.doelgroep_item_id}
    taken_ids = {vp.id for vp in out}
    added = []
    for item in shared.items("doelgroepen"):
        if item.id in covered or len(out) >= MAX_PROPOSITIONS:
            continue
        vp = new_proposition(item.text, shared, doelgroep_item_id=item.id)
        if vp.id in taken_ids:  # the derived id is taken by a detached proposition: derive another
            vp = _rebuild(vp, id=_seed_id("e", item.id))
        out.append(vp)
        added.append(vp.id)
    result = ValuePropositions(propositions=out)
    return Reconciled(result if result != doc else doc, tuple(dropped), tuple(orphaned), tuple(added))


# ------------------------------------------------------------------ proposal
@dataclass(frozen=True)
class ProposalChange:
    """One change a proposal makes to the shared case.

    Attributes:
        piece: ``"doelgroepen"`` or ``"waarde"``.
        item_id: the shared item's id (``""`` in a preview of a new item).
        text: the proposed text.
        old_text: the shared item's current text, or ``None`` for a new item.
    """

    piece: str
    item_id: str
    text: str
    old_text: str | None

    @property
    def action(self) -> str:
        """Return ``"nieuw"`` (new item), ``"aangepast"`` (changed text) or ``"gelijk"`` (no change)."""
        if self.old_text is None:
            return "nieuw"
        return "gelijk" if self.old_text == self.text else "aangepast"


def plan_proposal(
    vp: ValueProposition, shared: SharedCase, *, make_id: Callable[[], str] = new_id
) -> tuple[ValueProposition, list[ProposalChange]]:
    """Return the proposition with shared ids assigned, and the changes a proposal would make.

    The sharpened target group goes to ``doelgroepen`` (updating its shared item, or a
    new one); every product or service goes to ``waarde`` (updating the item it started
    from, or a new one). Nothing is removed from the shared case: other target groups
    may share a ``waarde`` item.
    """
    current = {key: {i.id: i for i in shared.items(key)} for key in ("doelgroepen", "waarde")}
    changes = []
    dg_id = vp.doelgroep_item_id or make_id()
    old = current["doelgroepen"].get(dg_id)
    changes.append(ProposalChange("doelgroepen", dg_id, vp.doelgroep, old.text if old else None))
    producten = []
    for p in vp.producten:
        wid = p.waarde_item_id or make_id()
        old = current["waarde"].get(wid)
        changes.append(ProposalChange("waarde", wid, p.text, old.text if old else None))
        producten.append(p.model_copy(update={"waarde_item_id": wid}))
    planned = _rebuild(vp, doelgroep_item_id=dg_id, producten=producten, orphaned=False)
    return planned, changes


def preview_proposal(vp: ValueProposition, shared: SharedCase) -> list[ProposalChange]:
    """Return the changes :func:`plan_proposal` would make, with ``item_id`` ``""`` for new items."""
    _, changes = plan_proposal(vp, shared, make_id=lambda: "preview")
    return [
        ProposalChange(c.piece, "" if c.old_text is None else c.item_id, c.text, c.old_text) for c in changes
    ]


def _upsert(items: list[SharedItem], item_id: str, text: str) -> tuple[list[SharedItem], bool]:
    for n, item in enumerate(items):
        if item.id == item_id:
            if item.text == text:
                return items, False
            names = list(dict.fromkeys([*item.origin_names, ORIGIN_LABEL]))
            updated = SharedItem.model_validate({**item.model_dump(), "text": text, "origin_names": names})
            return [*items[:n], updated, *items[n + 1 :]], True
    return [*items, SharedItem(id=item_id, text=text, origin=[], origin_names=[ORIGIN_LABEL])], True


def proposal_operation(planned: ValueProposition) -> Callable[[SharedCase], SharedCase]:
    """Return a pure ``SharedCase → SharedCase`` operation that writes a planned proposal.

    ``planned`` comes from :func:`plan_proposal` (every shared id assigned). The
    doelgroep and every product are added or updated by id; an item the proposal
    writes or changes carries :data:`ORIGIN_LABEL` in its ``origin_names`` (its
    partner origin stays). A piece that changes goes back from "akkoord" to "in
    bespreking": the partners have not agreed on the new wording yet. Re-applying
    the operation changes nothing more.

    Raises:
        ValueError: if ``planned`` lacks a shared id.
    """
    if not planned.doelgroep_item_id or any(p.waarde_item_id is None for p in planned.producten):
        raise ValueError("plan the proposal first (plan_proposal assigns the shared ids)")
    writes = [("doelgroepen", planned.doelgroep_item_id, planned.doelgroep)] + [
        ("waarde", p.waarde_item_id, p.text) for p in planned.producten
    ]

    def op(shared: SharedCase) -> SharedCase:
        pieces = dict(shared.pieces)
        agreed = dict(shared.agreed)
        for key, item_id, text in writes:
            items, changed = _upsert(list(pieces[key]), item_id, text)  # type: ignore[index]
            if changed:
                pieces[key] = items  # type: ignore[index]
                if agreed.get(key):  # type: ignore[call-overload]
                    agreed[key] = False  # type: ignore[index]
        return SharedCase(pieces=pieces, agreed=agreed, set_aside=shared.set_aside)

    return op


# ------------------------------------------------------------------ sessions
@dataclass(frozen=True)
class LoadedPropositions:
    """The value propositions as a page works with them.

    Attributes:
        propositions: reconciled with the shared case (see :func:`reconcile`).
        base: the stored revision they come from (0 before the first save); the ``base`` of the next save.
        shared: the shared case they were reconciled with.
        dropped: links dropped by reconciliation or by the last change (show them).
        rebased_on: authors who saved after the page's ``base``; the change was
            re-applied on their version (show it); empty normally.
    """

    propositions: ValuePropositions
    base: int
    shared: LoadedShared
    dropped: tuple[DroppedLink, ...] = ()
    rebased_on: tuple[str, ...] = ()


def load_propositions(session: WorkspaceSession) -> LoadedPropositions:
    """Return the workspace's value propositions, reconciled with the shared case (every role may read).

    Nothing is written: orphan marks, dropped links and new propositions for new
    shared doelgroepen are stored with the trekker's next change. Storage, access and
    conflicts: the ``value_propositions`` kind of :data:`purposecase.workspace.REGISTRY`.

    Raises:
        CaseFileError: if the stored content does not fit the schema.
        RevokedToken: the session's link was revoked.
        StoreUnavailable: if the database cannot be reached.
    """
    shared = session.shared_case()
    loaded = session.document(VALUE_PROPOSITIONS).load()
    rec = reconcile(loaded.record, shared.shared)
    return LoadedPropositions(rec.document, loaded.base, shared, rec.dropped)


def update_propositions(
    session: WorkspaceSession,
    operation: PropOperation,
    *,
    base: int,
    note: str | None = None,
    attempts: int = 5,
    planned_against: SharedCase | None = None,
) -> LoadedPropositions:
    """Apply ``operation`` to the value propositions and save a new revision (trekker only).

    The operation is applied to the newest stored version, reconciled with the
    shared case. If someone saved after ``base`` (another trekker tab), the
    operation is re-applied on their version and :attr:`LoadedPropositions.rebased_on`
    names them, so nothing is overwritten silently; after ``attempts`` conflicts in a
    row :class:`~purposecase.errors.ConflictError` is raised.

    Args:
        session: the trekker's session.
        operation: a pure :data:`PropOperation`.
        base: the revision the page showed when the user made the change.
        note: short revision note (a code the page translates, e.g. ``"toevoegen:pijnen"``).
        attempts: how often to re-apply on a newer version.
        planned_against: the shared case the operation was planned against, when the shared
            case changed since (a proposal): the stored document is reconciled with it before the
            operation and with the current shared case after it, so a doelgroep the proposal
            just added does not get a second, empty proposition.

    Raises:
        Forbidden: for partners and viewers.
        pydantic.ValidationError: if the change makes an invalid document (too long, too many).
        ConflictError: when the document keeps moving.
        StoreUnavailable: if the database stays unreachable.
    """
    handle = session.document(VALUE_PROPOSITIONS)
    handle.check_write()
    shared = session.shared_case()
    last: dict[str, Any] = {}

    def reconciled(stored: ValuePropositions) -> ValuePropositions:
        before = reconcile(stored, planned_against if planned_against is not None else shared.shared)
        after = reconcile(operation(before.document), shared.shared)
        last.update(dropped=before.dropped + after.dropped, changed=after.document != stored)
        return after.document

    saved = handle.update(reconciled, note=note, attempts=attempts)
    applied_on = saved.base - 1 if last.get("changed") else saved.base
    return LoadedPropositions(
        saved.record, saved.base, shared, last.get("dropped", ()), _authors_after(session, base, applied_on)
    )


def _authors_after(session: WorkspaceSession, base: int, number: int) -> tuple[str, ...]:
    if number <= base:
        return ()
    infos = [r for r in session.document(VALUE_PROPOSITIONS).history() if base < r.number <= number]
    return tuple(dict.fromkeys(session.author_label(r.author) for r in reversed(infos)))


@dataclass(frozen=True)
class ProposalResult:
    """What :func:`propose_to_shared` did.

    Attributes:
        shared: the shared case after the proposal (its ``base`` is the new revision).
        propositions: the value propositions, with the shared ids recorded.
        changes: the changes made (``action`` ``"gelijk"`` for items already as proposed).
        new_revision: whether the shared case got a new revision (``False`` when nothing changed).
    """

    shared: LoadedShared
    propositions: LoadedPropositions
    changes: tuple[ProposalChange, ...]
    new_revision: bool


def propose_to_shared(session: WorkspaceSession, proposition_id: str, *, base: int) -> ProposalResult:
    """Propose a sharpened target group and its products/services to the shared case (trekker only).

    The shared case gets a new revision (through
    :meth:`~purposecase.workspace.WorkspaceSession.update_shared`, which re-applies
    on a newer version) with the items marked by :data:`ORIGIN_LABEL`; then the
    value proposition records the shared ids, so a second proposal updates
    instead of duplicating. An orphaned proposition is proposed again under its
    old id and is no longer orphaned.

    Raises:
        Forbidden: for partners and viewers.
        InvalidInput: (code ``not_found``) for an unknown proposition.
        ConflictError: when a document keeps moving.
        StoreUnavailable: if the database stays unreachable.
    """
    from .errors import InvalidInput

    session.require("trekker")
    loaded = load_propositions(session)
    vp = loaded.propositions.get(proposition_id)
    if vp is None:
        raise InvalidInput("not_found", f"no value proposition {proposition_id!r}")
    planned, changes = plan_proposal(vp, loaded.shared.shared)
    before = loaded.shared.base
    shared = session.update_shared(proposal_operation(planned))
    saved = update_propositions(
        session, assign_shared_ids(planned), base=base, note="voorstel", planned_against=loaded.shared.shared
    )
    return ProposalResult(shared, saved, tuple(changes), shared.base != before)


def history(session: WorkspaceSession) -> list[RevisionInfo]:
    """Return the revisions of the value propositions, newest first (every role; ``[]`` before the first save)."""
    return session.document(VALUE_PROPOSITIONS).history()


def restore_revision(session: WorkspaceSession, number: int, *, base: int) -> LoadedPropositions:
    """Save revision ``number`` again as a new revision (trekker only; history is never rewritten).

    Raises:
        Forbidden: for partners and viewers.
        NotFound: for an unknown revision.
        ConflictError: if someone saved after ``base``; the error carries their version.
    """
    session.document(VALUE_PROPOSITIONS).restore(number, base=base)
    return load_propositions(session)


def proposition_reactions(session: WorkspaceSession) -> dict[str, dict[str, dict[str, str]]]:
    """Return every partner's reactions: ``{partner_id: {proposition_id: {"soort", "opmerking"}}}`` (every role)."""
    return session.document(VALUE_PROPOSITIONS).reactions()


def react_to_proposition(
    session: WorkspaceSession, proposition_id: str, soort: str | None, opmerking: str = ""
) -> None:
    """Store (or clear, with ``soort=None``) the partner's reaction to a value proposition (partner only).

    Args:
        session: the partner's session.
        proposition_id: the value proposition's id.
        soort: ``"eens"`` (agree) or ``"vraag"`` (question), or ``None`` to remove.
        opmerking: a short comment, at most :data:`MAX_COMMENT` characters.

    Raises:
        Forbidden: for trekker and viewer.
        InvalidInput: for another ``soort`` or a longer comment.
    """
    session.document(VALUE_PROPOSITIONS).react(proposition_id, soort, opmerking)
