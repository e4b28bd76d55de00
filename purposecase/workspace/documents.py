"""The registry of workspace document kinds, and one handle per document (DESIGN.md §3).

Every document a workspace stores is of a **kind** declared here once
(:data:`REGISTRY`), with:

- its record type (a pydantic record with ``from_content`` / ``to_content``);
- who may read and who may write it (checked on the server side, with the
  session's link check, before every read and every write);
- its reactions: the kind of document in which each partner reacts to it, the
  content key and the words allowed ("eens"/"vraag" on shared items and value
  propositions, "akkoord"/"vraag" on roadmap steps);
- how concurrent operations combine: ``reapply`` (a pure operation is applied
  again to the newer version, with :func:`~purposecase.errors.conflict_backoff`
  between attempts) or ``ask`` (a whole-document editor shows both versions with
  keep / take / combine; ``merge`` is the combine).

A :class:`DocumentHandle` is the only way the pages, the step modules and the
exports read or write a document: ``load``, ``save(base)``, ``update(operation)``,
``history``, ``revision``, ``restore``, ``set_state``, ``reactions`` and ``react``.
Nothing outside :mod:`purposecase.workspace` reaches the store
(``tests/test_layering.py`` checks it).

Adding a field to a record changes the record only; adding a document kind is
one :class:`DocumentKind` entry.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from ..errors import ConflictError, InvalidInput, NotFound, StoreError, conflict_backoff
from ..meeting import Meeting, Proposals, Votes, check_votes
from ..model import (
    MAX_COMMENT,
    CaseFileError,
    ItemReactions,
    PartnerDraft,
    Problem,
    Reaction,
    SharedCase,
    StepReactions,
    WorkspaceMeta,
)
from ..roadmap import ROADMAP, ROADMAP_REACTIONS, ImpactRoadmap, RoadmapInputError
from ..roadmap import combine as combine_roadmaps
from ..valueprop import VALUE_PROPOSITIONS, VP_REACTIONS, ValuePropositions

if TYPE_CHECKING:  # pragma: no cover
    from ..store import Document, Revision, RevisionInfo
    from .session import WorkspaceSession

R = TypeVar("R")

DRAFT = "draft"
META = "meta"
SHARED_CASE = "shared_case"
REACTIONS = "reactions"
MEETING = "meeting"
VOTES = "votes"
PROPOSALS = "proposals"

PRIVATE = "prive"
SHARED = "gedeeld"
ROLES_ALL = frozenset({"trekker", "partner", "viewer"})
TREKKER = frozenset({"trekker"})
PARTNER = frozenset({"partner"})
_TARGET_RE = re.compile(r"[A-Za-z0-9_-]{1,40}")  # the pattern of purposecase.model.TargetId
UPDATE_ATTEMPTS = 5
"""How often :meth:`DocumentHandle.update` re-applies an operation on a newer version before giving up."""


class Forbidden(StoreError):
    """The session's role may not do this (e.g. a viewer saving, a partner reading another's draft)."""

    code = "forbidden"


def merge_drafts(mine: PartnerDraft, theirs: PartnerDraft, base: PartnerDraft | None = None) -> PartnerDraft:
    """Return the union of two versions of a draft: per piece their items, then mine that they lack.

    Items are compared on their whitespace-normalised text and kind; order within
    each version is kept. ``base`` is accepted for the common merge signature and
    not needed: a union loses nothing.
    """
    from ..pieces import PIECE_KEYS

    def key(item: Any) -> tuple[str, str | None]:
        return (" ".join(item.text.split()).casefold(), item.kind)

    pieces = {}
    for k in PIECE_KEYS:
        seen = {key(i) for i in theirs.items(k)}
        pieces[k] = list(theirs.items(k)) + [i for i in mine.items(k) if key(i) not in seen]
    return PartnerDraft(pieces=pieces)


@dataclass(frozen=True)
class ReactionRules:
    """How partners react to a document kind.

    Attributes:
        kind: the document kind that holds one partner's reactions (one document per partner).
        vocabulary: the reaction words allowed, e.g. ``("eens", "vraag")``.
        target: what a reaction names (``"item"``, ``"propositie"``, ``"stap"``), for messages.
    """

    kind: str
    vocabulary: tuple[str, ...]
    target: str


@dataclass(frozen=True)
class DocumentKind:
    """One kind of workspace document, declared once in :data:`REGISTRY`.

    Attributes:
        name: the kind as stored (``documents.kind``).
        record: the record type; ``record.from_content(content, source=…)`` validates stored
            content (``None`` gives the empty record) and ``record.to_content()`` gives it back.
        readers: roles that may read every document of the kind.
        writers: roles that may write; for a per-partner kind only the owning partner writes.
        per_partner: one document per partner (drafts, reactions) instead of one per workspace.
        owner_reads: the owning partner reads their own document.
        private_until_shared: readers other than the owner read only a document whose state is
            :data:`SHARED` (a draft stays private until its partner shares it; DESIGN.md §4).
        combine: ``"reapply"`` (operations are re-applied on a newer version) or ``"ask"`` (an
            editor shows both versions; :attr:`merge` combines them).
        merge: ``merge(mine, theirs, base) -> record`` for "combine" in the conflict panel.
        reactions: how partners react to it, or ``None``.
        check: an extra check before a save, ``check(session, record)``; raises
            :class:`~purposecase.errors.InvalidInput` (e.g. a roadmap naming an unknown partner).
        readable: an extra read rule for readers other than the owner, ``readable(session)``
            (e.g. votes stay hidden until the trekker reveals them).
    """

    name: str
    record: type
    readers: frozenset[str]
    writers: frozenset[str]
    per_partner: bool = False
    owner_reads: bool = False
    private_until_shared: bool = False
    combine: Literal["reapply", "ask"] = "reapply"
    merge: Callable[[Any, Any, Any], Any] | None = None
    reactions: ReactionRules | None = None
    check: Callable[[WorkspaceSession, Any], None] | None = None
    readable: Callable[[WorkspaceSession], bool] | None = None

    def parse(self, content: dict[str, Any] | None, *, source: str = "") -> Any:
        """Return stored content as the kind's record.

        Raises:
            CaseFileError: or :class:`~purposecase.roadmap.RoadmapInputError` for content
                that does not fit the record (naming ``source`` and each field).
        """
        return self.record.from_content(content, source=source or self.name)

    def problems(self, content: Any, *, source: str = "") -> list[Problem]:
        """Return what is wrong with ``content`` for this kind (``[]`` when it fits), for imports."""
        if not isinstance(content, dict):
            return [Problem("", "wrong_type", f"{self.name}: content must be a mapping")]
        try:
            self.parse(content, source=source)
        except CaseFileError as exc:
            return list(exc.problems)
        except RoadmapInputError as exc:
            return [
                Problem(
                    ".".join(x for x in (f"steps.{p.step - 1}" if p.step else "", p.field) if x),
                    _ROADMAP_CODES.get(p.code, "invalid"), p.detail,
                )
                for p in exc.problems
            ]
        return []

    def empty(self) -> Any:
        """Return the empty record (a document before its first save)."""
        return self.parse(None)


_ROADMAP_CODES = {"te_lang": "too_long", "te_veel": "too_long", "leeg": "empty", "ontbreekt": "missing"}


def _check_roadmap_partners(session: WorkspaceSession, roadmap: ImpactRoadmap) -> None:
    known = {p.id for p in session.partners(include_removed=True)}
    unknown = [p for p in roadmap.partner_ids() if p not in known]
    if unknown:
        raise InvalidInput("unknown_partner", f"partner id(s) not in this workspace: {', '.join(unknown)}")


def _check_votes(session: WorkspaceSession, votes: Votes) -> None:
    meeting = session.document(MEETING).load().record
    check_votes(votes, meeting, session.document(SHARED_CASE).load().record)


def _votes_visible(session: WorkspaceSession) -> bool:
    """The trekker always sees the votes; others once the round's results are visible (publication step 3)."""
    if session.role == "trekker":
        return True
    ronde = session.document(MEETING).load().record.ronde
    return ronde is None or ronde.results_visible


def _reactions_kind(name: str, record: type) -> DocumentKind:
    return DocumentKind(name, record, readers=ROLES_ALL, writers=PARTNER, per_partner=True, owner_reads=True)


REGISTRY: dict[str, DocumentKind] = {
    k.name: k
    for k in (
        DocumentKind(
            DRAFT, PartnerDraft, readers=ROLES_ALL, writers=PARTNER, per_partner=True,
            owner_reads=True, private_until_shared=True, combine="ask", merge=merge_drafts,
        ),
        DocumentKind(META, WorkspaceMeta, readers=ROLES_ALL, writers=TREKKER),
        DocumentKind(
            SHARED_CASE, SharedCase, readers=ROLES_ALL, writers=TREKKER,
            reactions=ReactionRules(REACTIONS, ("eens", "vraag"), "item"),
        ),
        _reactions_kind(REACTIONS, ItemReactions),
        DocumentKind(
            VALUE_PROPOSITIONS, ValuePropositions, readers=ROLES_ALL, writers=TREKKER,
            reactions=ReactionRules(VP_REACTIONS, ("eens", "vraag"), "propositie"),
        ),
        _reactions_kind(VP_REACTIONS, ItemReactions),
        DocumentKind(
            ROADMAP, ImpactRoadmap, readers=ROLES_ALL, writers=TREKKER, combine="ask",
            merge=lambda mine, theirs, base: combine_roadmaps(mine, theirs, base if base is not None else theirs),
            reactions=ReactionRules(ROADMAP_REACTIONS, ("akkoord", "vraag"), "stap"),
            check=_check_roadmap_partners,
        ),
        _reactions_kind(ROADMAP_REACTIONS, StepReactions),
        DocumentKind(MEETING, Meeting, readers=ROLES_ALL, writers=TREKKER),
        DocumentKind(
            VOTES, Votes, readers=ROLES_ALL, writers=PARTNER, per_partner=True, owner_reads=True,
            check=_check_votes, readable=_votes_visible,
        ),
        DocumentKind(PROPOSALS, Proposals, readers=ROLES_ALL, writers=PARTNER, per_partner=True, owner_reads=True),
    )
}
"""Every document kind a workspace stores, by name."""


def document_kind(name: str) -> DocumentKind:
    """Return the registered kind ``name``.

    Raises:
        InvalidInput: (code ``invalid_kind``) for a kind that is not registered.
    """
    try:
        return REGISTRY[name]
    except KeyError:
        raise InvalidInput("invalid_kind", f"unknown document kind {name!r}") from None


@dataclass(frozen=True)
class Loaded(Generic[R]):
    """A document's record with the revision it was loaded from.

    Attributes:
        record: the record (the empty record before the first save).
        base: the head revision number (0 before the first save): the ``base`` of the next save.
        document: the stored document, or ``None`` while it does not exist yet (reading never creates it).
    """

    record: R
    base: int
    document: Document | None


class DocumentHandle(Generic[R]):
    """One document of one workspace, as one session may use it.

    Every method checks the session's role against the kind's declaration and
    the session's link (every write checks the link now, a read relies on a check
    at most :data:`~purposecase.workspace.session.READ_CHECK_SECONDS` old).
    Get a handle from :meth:`WorkspaceSession.document`.
    """

    def __init__(self, session: WorkspaceSession, kind: DocumentKind, partner_id: str | None = None) -> None:
        if kind.per_partner and not partner_id:
            raise InvalidInput("invalid_kind", f"a {kind.name!r} document belongs to a partner; name one")
        if not kind.per_partner and partner_id:
            raise InvalidInput("invalid_kind", f"a {kind.name!r} document belongs to the workspace, not a partner")
        self.session = session
        self.kind = kind
        self.partner_id = partner_id

    def __repr__(self) -> str:
        return f"DocumentHandle({self.kind.name!r}, partner={self.partner_id!r})"

    # ------------------------------------------------------------ access
    @property
    def _store(self):
        return self.session.store

    def _is_owner(self) -> bool:
        s = self.session
        return self.kind.per_partner and s.role == "partner" and s.access.partner_id == self.partner_id

    def may_read(self, document: Document | None) -> bool:
        """Return whether the session may read this document (``None``: not stored yet)."""
        if self._is_owner() and self.kind.owner_reads:
            return True
        if self.session.role not in self.kind.readers:
            return False
        if self.kind.private_until_shared and (document is None or document.state != SHARED):
            return False
        return self.kind.readable is None or self.kind.readable(self.session)

    def check_read(self, document: Document | None) -> None:
        """Raise unless the session may read the document and its link still works.

        Raises:
            Forbidden: for a document the role may not read (another partner's draft, a private draft).
            RevokedToken: the session's link was revoked.
        """
        self.session.check_link(max_age=self.session.read_check_seconds)
        if not self.may_read(document):
            raise Forbidden(f"this {self.kind.name} may not be read with this link")

    def may_write(self) -> bool:
        """Return whether the session's role may write this document (the link is checked on the write)."""
        role = self.session.role
        return role in self.kind.writers and (not self.kind.per_partner or self._is_owner())

    def check_write(self) -> None:
        """Raise unless the session may write this document; checks the link now.

        Raises:
            Forbidden: for a role that may not write it (a viewer; a partner writing the trekker's
                documents or another partner's).
            RevokedToken: the session's link was revoked.
        """
        if not self.may_write():
            raise Forbidden(f"role {self.session.role!r} may not write this {self.kind.name}")
        self.session.check_link()

    # ------------------------------------------------------------ documents
    def find(self) -> Document | None:
        """Return the stored document without creating it (``None`` before it exists); no access check."""
        try:
            return self._store.document(self.session.workspace_id, self.kind.name, self.partner_id, create=False)
        except NotFound:
            return None

    def _create(self) -> Document:
        return self._store.document(self.session.workspace_id, self.kind.name, self.partner_id)

    def _parse(self, revision: Revision | None, document: Document | None) -> R:
        source = f"{self.kind.name} {document.id if document else '-'}"
        return self.kind.parse(revision.content if revision else None, source=source)

    # ------------------------------------------------------------ reading
    def load(self, document: Document | None = None) -> Loaded[R]:
        """Return the record and its head revision; reading never creates the document.

        Args:
            document: the document when the caller has just listed it (saves one query).

        Raises:
            Forbidden, RevokedToken: see :meth:`check_read`.
            CaseFileError, RoadmapInputError: stored content that does not fit the record.
            StoreUnavailable: the database cannot be reached.
        """
        doc = document if document is not None else self.find()
        self.check_read(doc)
        if doc is None:
            return Loaded(self.kind.empty(), 0, None)
        head = self._store.load(doc.id) if doc.head else None
        return Loaded(self._parse(head, doc), head.number if head else 0, doc)

    def load_raw(self) -> Revision | None:
        """Return the head revision as stored (content not parsed), or ``None`` before the first save.

        For readers that salvage what they can of content that no longer fits the record
        (an export names what it left out). Same checks as :meth:`load`.
        """
        doc = self.find()
        self.check_read(doc)
        return self._store.load(doc.id) if doc is not None and doc.head else None

    def history(self) -> list[RevisionInfo]:
        """Return the revisions (who, when, note) newest first; ``[]`` before the first save."""
        doc = self.find()
        self.check_read(doc)
        return self._store.history(doc.id) if doc is not None else []

    def revision(self, number: int) -> R:
        """Return revision ``number`` as a record.

        Raises:
            NotFound: for a revision that does not exist.
        """
        doc = self.find()
        self.check_read(doc)
        if doc is None:
            raise NotFound(f"the {self.kind.name} has no revisions yet")
        rev = self._store.revision(doc.id, number)
        return self.kind.parse(rev.content, source=f"{self.kind.name} revision {number}")

    def raw_revision(self, number: int) -> Revision:
        """Return revision ``number`` as stored (content, author, time, note)."""
        doc = self.find()
        self.check_read(doc)
        if doc is None:
            raise NotFound(f"the {self.kind.name} has no revisions yet")
        return self._store.revision(doc.id, number)

    # ------------------------------------------------------------ writing
    def save(self, record: R, *, base: int, note: str | None = None) -> Loaded[R]:
        """Save ``record`` as revision ``base + 1``.

        Raises:
            Forbidden, RevokedToken: see :meth:`check_write`.
            InvalidInput: content the store or the kind's check refuses.
            ConflictError: someone saved after ``base``; ``exc.theirs`` is their version.
            StoreUnavailable: the database stays unreachable (keep the work, retry).
        """
        self.check_write()
        if self.kind.check is not None:
            self.kind.check(self.session, record)
        doc = self._create()
        rev = self._store.save(doc.id, record.to_content(), base=base, author=self.session.author, note=note)  # type: ignore[attr-defined]
        return Loaded(record, rev.number, doc)

    def update(
        self, operation: Callable[[R], R], *, note: str | None = None, attempts: int = UPDATE_ATTEMPTS
    ) -> Loaded[R]:
        """Apply a pure ``record → record`` operation to the newest version and save it.

        When someone saved in between, the operation is applied again to their version
        (after a short random pause, :func:`~purposecase.errors.conflict_backoff`), so
        nothing is lost; an operation that changes nothing saves nothing.

        Raises:
            ConflictError: after ``attempts`` conflicts in a row.
            Forbidden, RevokedToken, InvalidInput, StoreUnavailable: as :meth:`save`.
        """
        self.check_write()
        loaded = self.load()
        for attempt in range(attempts):
            new = operation(loaded.record)
            if new == loaded.record:
                return loaded
            try:
                return self.save(new, base=loaded.base, note=note)
            except ConflictError as exc:
                theirs = exc.theirs
                loaded = Loaded(self._parse(theirs, loaded.document), theirs.number, loaded.document)
                time.sleep(conflict_backoff(attempt))
        doc = self._create()
        raise ConflictError(doc.id, loaded.base, self._store.load(doc.id))  # type: ignore[arg-type]

    def restore(self, number: int, *, base: int) -> Loaded[R]:
        """Save revision ``number`` again as a new revision (history is never rewritten).

        Raises:
            NotFound: for an unknown revision.
            ConflictError: someone saved after ``base``.
        """
        self.check_write()
        doc = self.find()
        if doc is None:
            raise NotFound(f"the {self.kind.name} has no revisions yet")
        rev = self._store.restore(doc.id, number, base=base, author=self.session.author)
        return Loaded(self._parse(rev, doc), rev.number, doc)

    def set_state(self, state: str) -> Document:
        """Set the document's state (e.g. a draft :data:`SHARED` or :data:`PRIVATE`); creates it when needed."""
        self.check_write()
        return self._store.set_state(self._create().id, state)

    # ------------------------------------------------------------ reactions
    def _reaction_kind(self) -> tuple[ReactionRules, DocumentKind]:
        rules = self.kind.reactions
        if rules is None:
            raise InvalidInput("invalid_reaction", f"nobody reacts to a {self.kind.name}")
        return rules, REGISTRY[rules.kind]

    def reactions(self) -> dict[str, dict[str, dict[str, str]]]:
        """Return every partner's reactions: ``{partner_id: {target id: {"soort", "opmerking"}}}``.

        Every role reads them: reactions are part of the shared discussion.
        """
        rules, kind = self._reaction_kind()
        self.session.check_link(max_age=self.session.read_check_seconds)
        out: dict[str, dict[str, dict[str, str]]] = {}
        for doc in self._store.documents(self.session.workspace_id, kind.name):
            if not doc.head or not doc.partner_id:
                continue
            record = DocumentHandle(self.session, kind, doc.partner_id)._parse(self._store.load(doc.id), doc)
            out[doc.partner_id] = {t: r.model_dump() for t, r in record.targets().items()}
        return out

    def react(self, target: str, soort: str | None, opmerking: str = "") -> None:
        """Store (or clear, with ``soort=None``) the session partner's reaction to ``target`` (partner only).

        Args:
            target: the item, proposition or step id.
            soort: a word of the kind's vocabulary (:attr:`ReactionRules.vocabulary`), or ``None``.
            opmerking: a comment, at most :data:`~purposecase.model.MAX_COMMENT` characters.

        Raises:
            Forbidden: for trekker and viewer.
            InvalidInput: ``invalid_reaction`` (a word outside the vocabulary), ``invalid_target``
                (a malformed id) or ``comment_too_long``.
        """
        rules, kind = self._reaction_kind()
        if self.session.role != "partner":
            raise Forbidden("only partners react")
        if soort is not None and soort not in rules.vocabulary:
            raise InvalidInput("invalid_reaction", f"unknown reaction {soort!r}")
        if not isinstance(target, str) or not _TARGET_RE.fullmatch(target):
            raise InvalidInput("invalid_target", f"malformed {rules.target} id {target!r}")
        opmerking = (opmerking or "").strip()
        if len(opmerking) > MAX_COMMENT:
            raise InvalidInput("comment_too_long", f"comment longer than {MAX_COMMENT} characters")
        reaction = Reaction(soort=soort, opmerking=opmerking) if soort is not None else None  # type: ignore[arg-type]
        handle: DocumentHandle[Any] = DocumentHandle(self.session, kind, self.session.access.partner_id)
        handle.update(lambda record: record.with_reaction(target, reaction))
