"""A workspace as one role sees it: permissions over the store (DESIGN.md §4).

:class:`WorkspaceSession` is what a page (or a notebook user) gets from a
secret link. Every write checks the session's role here, on the server side,
so a hidden or disabled widget cannot be used to write anyway:

- trekker: manages partners and links, sees every *shared* draft, never
  another partner's private draft;
- partner: reads and writes only their own draft, marks it ready to share;
- viewer: reads what the trekker sees, writes nothing.

A session lives as long as its page; the link behind it is checked again
before every write (and, at most every :data:`READ_CHECK_SECONDS`, before
reads), so a revoked link or a removed partner stops working at once, also
in a page that was opened before.

No ipywidgets here; pandas only inside :meth:`WorkspaceSession.frames`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..errors import ConflictError, InvalidInput
from ..model import MAX_COMMENT, PartnerDraft, SharedCase
from ..store import Access, Document, Partner, Revision, RevisionInfo, Store, Workspace, open_store
from .documents import (
    DRAFT,
    META,
    PRIVATE,
    REACTIONS,
    REGISTRY,
    SHARED,
    SHARED_CASE,
    DocumentHandle,
    Forbidden,
    Loaded,
    document_kind,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "DRAFT", "MAX_COMMENT", "META", "PRIVATE", "REACTIONS", "SHARED", "SHARED_CASE", "DraftStatus", "Forbidden",
    "LoadedDraft", "LoadedShared", "WorkspaceSession", "create_workspace", "open_workspace",
]

READ_CHECK_SECONDS = 2.0
"""How long a read may rely on the last check that the session's link still works (writes always check)."""


@dataclass(frozen=True)
class DraftStatus:
    """Where one partner stands with their own draft (step 2).

    Attributes:
        partner: the partner.
        state: ``"prive"`` or ``"gedeeld"`` (ready to share).
        revisions: number of saved revisions (0 = not started).
        filled: pieces with at least one item (0–11); ``None`` when the draft is private
            and the viewer may not see it.
        complete: own intenties and inbreng filled in; ``None`` as for ``filled``.
        saved_at: time of the last save (UTC), or ``None``.
    """

    partner: Partner
    state: str
    revisions: int
    filled: int | None
    complete: bool | None
    saved_at: datetime | None

    @property
    def shared(self) -> bool:
        """Return whether the partner marked the draft ready to share."""
        return self.state == SHARED


@dataclass(frozen=True)
class LoadedDraft:
    """A draft with the revision it was loaded from (the ``base`` of the next save)."""

    document: Document
    draft: PartnerDraft
    base: int


@dataclass(frozen=True)
class LoadedShared:
    """The shared case with the revision it was loaded from (the ``base`` of the next save)."""

    document: Document
    shared: SharedCase
    base: int


def create_workspace(
    name: str, *, inspiration: str | None = None, store: Store | None = None
) -> tuple[WorkspaceSession, str]:
    """Start a workspace (step 1) and return the trekker's session and secret token.

    Args:
        name: the collaboration's name, 1–200 characters.
        inspiration: optional slug of a publication case shown as inspiration.
        store: the store (default :func:`purposecase.store.open_store`).

    Raises:
        InvalidInput: for an empty or too long name.
        StoreUnavailable: if the database cannot be reached.
    """
    store = store or open_store()
    workspace, token = store.create_workspace(name)
    session = WorkspaceSession(store, store.resolve(token))
    if inspiration:
        session.set_inspiration(inspiration)
    return session, token


def open_workspace(token: str, *, store: Store | None = None) -> WorkspaceSession:
    """Open the workspace a secret link names (for pages and notebook users).

    Example:
        >>> ws = purposecase.open_workspace("…token from the link…")  # doctest: +SKIP
        >>> ws.frames()["concepten"]  # doctest: +SKIP

    Raises:
        InvalidToken: for an unknown token.
        RevokedToken: for a revoked token.
        StoreUnavailable: if the database cannot be reached.
    """
    store = store or open_store()
    return WorkspaceSession(store, store.resolve(token))


class WorkspaceSession:
    """One role's view of one workspace; every method checks the role first.

    Documents are reached through :meth:`document` (a
    :class:`~purposecase.workspace.documents.DocumentHandle` per document, with
    the kind's rules from :data:`~purposecase.workspace.documents.REGISTRY`);
    the methods below are the named operations of steps 1–3 on top of them.
    """

    read_check_seconds: float = READ_CHECK_SECONDS
    """How long a read may rely on the last link check (writes always check)."""

    def __init__(self, store: Store, access: Access) -> None:
        self.store = store
        self.access = access
        self._checked_at = float("-inf")

    # ------------------------------------------------------------- identity
    @property
    def role(self) -> str:
        """Return ``"trekker"``, ``"partner"`` or ``"viewer"``."""
        return self.access.role

    @property
    def workspace_id(self) -> str:
        """Return the workspace id (not a secret)."""
        return self.access.workspace_id

    @property
    def author(self) -> str:
        """Return the author label of this session's saves (``"trekker"`` or the partner id)."""
        return self.access.partner_id if self.role == "partner" else self.role  # type: ignore[return-value]

    def workspace(self) -> Workspace:
        """Return the workspace record."""
        self._fresh()
        return self.store.workspace(self.workspace_id)

    def me(self) -> Partner | None:
        """Return the session's partner (role partner), else ``None``."""
        if self.role != "partner":
            return None
        return next(
            p
            for p in self.store.list_partners(self.workspace_id, include_removed=True)
            if p.id == self.access.partner_id
        )

    def require(self, *roles: str) -> None:
        """Raise :class:`Forbidden` unless the session's role is one of ``roles``; checks the link now.

        Raises:
            Forbidden: for another role.
            RevokedToken: the link was revoked.
        """
        if self.role not in roles:
            raise Forbidden(f"role {self.role!r} may not do this; needs {' or '.join(roles)}")
        self.check_link()

    _require = require

    def check_link(self, *, max_age: float = 0.0) -> None:
        """Raise unless the link that opened this session still works.

        Args:
            max_age: seconds a previous successful check may be relied on (0: check now).

        Raises:
            RevokedToken: the link was revoked (a new link was issued, the partner removed).
            InvalidToken: the link no longer exists.
        """
        now = time.monotonic()
        if max_age and now - self._checked_at < max_age:
            return
        self.store.check_access(self.access)
        self._checked_at = now

    def _fresh(self) -> None:
        self.check_link(max_age=self.read_check_seconds)

    # ------------------------------------------------------------ documents
    def document(self, kind: str, partner_id: str | None = None) -> DocumentHandle[Any]:
        """Return the handle of one document of this workspace.

        Args:
            kind: a registered kind (:data:`~purposecase.workspace.documents.REGISTRY`).
            partner_id: the owning partner of a per-partner kind (drafts, reactions);
                default the session's own partner.

        Raises:
            InvalidInput: (code ``invalid_kind``) for an unknown kind, or a partner for a
                workspace-wide kind.
        """
        spec = document_kind(kind)
        if spec.per_partner and partner_id is None and self.role == "partner":
            partner_id = self.access.partner_id
        return DocumentHandle(self, spec, partner_id)

    def documents(self, kind: str | None = None) -> list[Document]:
        """Return the stored documents of this workspace (every role sees which exist, not their content)."""
        self._fresh()
        return self.store.documents(self.workspace_id, kind)

    def revision_counts(self) -> dict[str, int]:
        """Return the number of saved revisions per document kind (all documents of the kind together)."""
        counts: dict[str, int] = {}
        for doc in self.documents():
            counts[doc.kind] = counts.get(doc.kind, 0) + doc.head
        return counts

    # ------------------------------------------------------------ partners
    def partners(self, include_removed: bool = False) -> list[Partner]:
        """Return the workspace's partners (every role may see who takes part)."""
        self._fresh()
        return self.store.list_partners(self.workspace_id, include_removed=include_removed)

    def add_partner(
        self, name: str, organisation: str, role: str = "", *, link: bool = True
    ) -> tuple[Partner, str | None]:
        """Add a partner (an organisation, with a contact) and return it with their personal token (trekker only).

        Args:
            name: the contact person (or the organisation), 1–200 characters.
            organisation: the organisation, 0–200 characters.
            role: the partner's role in the collaboration.
            link: ``False`` adds an organisation that takes part without a link of its own (named in the
                Partners piece, not invited): it gives, gets and owns roadmap steps, and has no draft to fill
                in (publication step 3; issue 17). The token is then ``None``; :meth:`new_partner_link`
                invites it later.

        Raises:
            Forbidden: for other roles.
            InvalidInput: for an empty or too long name.
        """
        self._require("trekker")
        return self.store.add_partner(
            self.workspace_id, name, organisation, role, soort="partner" if link else "zonder_link"
        )

    def trekker_organisation(self) -> Partner | None:
        """Return the trekker's own organisation as a partner, or ``None`` while it is not set (every role)."""
        return next((p for p in self.partners() if p.soort == "trekker"), None)

    def set_trekker_organisation(self, organisation: str, contact: str = "") -> Partner:
        """Make the trekker's own organisation a partner, or rename it (trekker only).

        The trekker's organisation takes part like any partner — it gives, gets and owns
        roadmap steps — without a draft of its own or a link (the trekker's link acts for it).

        Args:
            organisation: the organisation's name, 1–200 characters.
            contact: the contact person (default: the organisation's name).

        Raises:
            Forbidden: for other roles.
            InvalidInput: for an empty or too long name.
        """
        self._require("trekker")
        organisation = (organisation or "").strip()
        contact = (contact or "").strip() or organisation
        current = self.trekker_organisation()
        if current is not None:
            return self.store.update_partner(self.workspace_id, current.id, contact, organisation, current.role)
        partner, _ = self.store.add_partner(self.workspace_id, contact, organisation, "trekker", soort="trekker")
        return partner

    def remove_partner(self, partner_id: str) -> Partner:
        """Remove a partner: their links stop working, their drafts stay (trekker only)."""
        self._require("trekker")
        return self.store.remove_partner(self.workspace_id, partner_id)

    def new_partner_link(self, partner_id: str) -> str:
        """Issue a new link for a partner; their old links stop working at once (trekker only)."""
        self._require("trekker")
        return self.store.reissue(self.workspace_id, "partner", partner_id)

    def new_trekker_link(self) -> str:
        """Issue a new trekker link; every older trekker link stops working (trekker only).

        This session (the page that asked) continues with the new link.
        """
        self._require("trekker")
        token = self.store.reissue(self.workspace_id, "trekker")
        self.access = self.store.resolve(token)
        return token

    def new_viewer_link(self) -> str:
        """Issue a new read-only link, replacing the previous viewer links (trekker only)."""
        self._require("trekker")
        return self.store.reissue(self.workspace_id, "viewer")

    # ---------------------------------------------------------------- meta
    def meta(self) -> dict[str, Any]:
        """Return the workspace settings (e.g. ``{"inspiratie": slug, "sdgs": [7, 13]}``)."""
        return self.meta_revision()[0]

    def meta_revision(self) -> tuple[dict[str, Any], int]:
        """Return the workspace settings and the revision they come from (the ``base`` of the next save)."""
        loaded = self.document(META).load()
        return loaded.record.to_content(), loaded.base

    def set_inspiration(self, slug: str | None) -> None:
        """Set (or clear) the publication case shown as inspiration (trekker only)."""
        self.document(META).update(lambda meta: meta.model_copy(update={"inspiratie": slug}))

    def sdgs(self) -> list[int]:
        """Return the SDG numbers (1–17) the collaboration works on, sorted (every role may read them).

        A stored value that is not a valid list reads as ``[]``.
        """
        from ..sdgs import normalise_sdgs

        value = self.meta().get("sdgs") or []
        try:
            return normalise_sdgs(value if isinstance(value, list) else [])
        except ValueError:
            return []

    def set_sdgs(self, numbers: list[int], *, base: int) -> Revision:
        """Store the SDG numbers the collaboration works on in the ``meta`` document (trekker only).

        The other settings in ``meta`` are kept. Source of the goals: the UN 2030
        Agenda (2015), as the publication's chapter "Een andere kijk op
        waardecreatie" introduces them.

        Args:
            numbers: goal numbers 1–17 (duplicates are dropped, the list is sorted).
            base: the ``meta`` revision the choice started from (see :meth:`meta_revision`).

        Raises:
            Forbidden: for partners and viewers.
            ValueError: for a number outside 1–17.
            ConflictError: if the settings were saved after ``base``; the error carries theirs.
        """
        from ..sdgs import normalise_sdgs

        handle = self.document(META)
        handle.check_write()
        chosen = normalise_sdgs(numbers)
        loaded = handle.load()
        if base > loaded.base:
            raise InvalidInput("invalid_base", f"base {base} is ahead of the settings' revision {loaded.base}")
        new = loaded.record.model_copy(update={"sdgs": chosen})
        saved = handle.save(new, base=base, note="sdgs")
        return handle.raw_revision(saved.base)

    # -------------------------------------------------------------- drafts
    def _loaded_draft(self, handle: DocumentHandle[PartnerDraft], document: Document | None = None) -> LoadedDraft:
        loaded = handle.load(document)
        # only the owner reads a draft that does not exist yet: their page gets the (empty) document
        doc = loaded.document if loaded.document is not None else handle._create()
        return LoadedDraft(doc, loaded.record, loaded.base)

    def my_draft(self) -> LoadedDraft:
        """Return the session partner's own draft and its head revision number (partner only)."""
        self._require("partner")
        return self._loaded_draft(self.document(DRAFT))

    def save_my_draft(self, draft: PartnerDraft, *, base: int, note: str | None = None) -> Revision:
        """Save the partner's own draft as a new revision.

        Raises:
            Forbidden: unless the session is the draft's partner.
            ConflictError: if the draft was saved elsewhere after ``base`` (another tab);
                the error carries their version.
            StoreUnavailable: if the database stays unreachable (keep the text, retry).
        """
        self._require("partner")
        handle = self.document(DRAFT)
        saved = handle.save(draft, base=base, note=note)
        return handle.raw_revision(saved.base)

    def set_my_draft_shared(self, shared: bool) -> Document:
        """Mark the own draft ready to share (``True``) or private again (partner only).

        Raises:
            Forbidden: for other roles.
            InvalidInput: (code ``draft_incomplete``) when sharing a draft without own
                intenties and inbreng (publication, "Hoe nu verder?" step 2).
        """
        self._require("partner")
        loaded = self.my_draft()
        if shared and not loaded.draft.is_complete():
            raise InvalidInput("draft_incomplete", "own intenties and inbreng are needed before sharing")
        return self.document(DRAFT).set_state(SHARED if shared else PRIVATE)

    def draft_of(self, partner_id: str) -> LoadedDraft:
        """Return a partner's draft if this session may read it.

        Raises:
            Forbidden: for another partner's draft, or a private draft seen by
                trekker or viewer.
        """
        handle = self.document(DRAFT, partner_id)
        doc = handle.find()
        if doc is None and handle.may_read(None):
            doc = handle._create()
        return self._loaded_draft(handle, doc)

    def _drafts(
        self, *, everyone: bool = False
    ) -> list[tuple[Partner, Document | None, PartnerDraft | None, datetime | None]]:
        """Return ``(partner, document, draft, saved at)`` per partner this session follows.

        Each readable draft is loaded once; ``draft`` is ``None`` when unreadable or not started.
        """
        partners = [p for p in self.partners() if p.has_link]  # only invited partners fill in a draft
        if self.role == "partner" and not everyone:
            partners = [p for p in partners if p.id == self.access.partner_id]
        docs = {d.partner_id: d for d in self.store.documents(self.workspace_id, DRAFT)}
        out = []
        for partner in partners:
            doc = docs.get(partner.id)
            if doc is None or doc.head == 0:
                out.append((partner, doc, None, None))
                continue
            handle = self.document(DRAFT, partner.id)
            head = self.store.load(doc.id)
            draft = handle._parse(head, doc) if handle.may_read(doc) else None
            out.append((partner, doc, draft, head.created_at if head else None))
        return out

    def draft_statuses(self) -> list[DraftStatus]:
        """Return every partner's draft status (trekker and viewer; a partner sees only their own).

        Contents of private drafts stay hidden: ``filled`` and ``complete`` are
        ``None`` for them unless the session is that partner.
        """
        out = []
        for partner, doc, draft, saved_at in self._drafts():
            if doc is None or doc.head == 0:
                out.append(DraftStatus(partner, doc.state if doc else PRIVATE, 0, 0, False, None))
                continue
            out.append(
                DraftStatus(
                    partner, doc.state, doc.head, draft.filled() if draft else None,
                    draft.is_complete() if draft else None, saved_at,
                )
            )
        return out

    def shared_drafts(self) -> list[tuple[Partner, PartnerDraft]]:
        """Return the drafts marked ready to share, with their partners (each draft loaded once).

        Every role sees every shared draft, and never a private one (publication, step 3:
        the partners puzzle side by side, not across from each other).
        """
        return [
            (partner, draft)
            for partner, doc, draft, _ in self._drafts(everyone=True)
            if doc is not None and doc.state == SHARED and draft is not None
        ]

    # ------------------------------------------------------------- history
    def _handle_of(self, document: Document) -> DocumentHandle[Any]:
        if document.workspace_id != self.workspace_id:
            raise Forbidden("document of another workspace")
        return self.document(document.kind, document.partner_id)

    def history(self, document: Document) -> list[RevisionInfo]:
        """Return a readable document's revisions, newest first."""
        return self._handle_of(document).history()

    def revision(self, document: Document, number: int) -> Revision:
        """Return one revision of a readable document."""
        return self._handle_of(document).raw_revision(number)

    def restore_my_draft(self, number: int, *, base: int) -> Revision:
        """Restore an older revision of the own draft as a new revision (partner only).

        Raises:
            ConflictError: if the draft was saved elsewhere after ``base``.
        """
        self._require("partner")
        handle = self.document(DRAFT)
        restored = handle.restore(number, base=base)
        return handle.raw_revision(restored.base)

    def author_label(self, author: str) -> str:
        """Return a display name for a revision's ``author`` (partner name, or the role)."""
        for partner in self.partners(include_removed=True):
            if partner.id == author:
                return partner.name
        return author

    # -------------------------------------------------------------- pandas
    def frames(self) -> dict[str, pd.DataFrame]:
        """Return pandas DataFrames for notebook users.

        Returns:
            ``{"partners": name, organisation, role, active;
            "concepten": partner, piece, item, kind — one row per item of every
            draft this session may read}``.
        """
        import pandas as pd

        partners = pd.DataFrame(
            [
                {"partner_id": p.id, "name": p.name, "organisation": p.organisation, "role": p.role, "active": p.active}
                for p in self.partners(include_removed=True)
            ],
            columns=["partner_id", "name", "organisation", "role", "active"],
        )
        rows = []
        readable: list[tuple[Partner, PartnerDraft]] = []
        if self.role == "partner":
            me = self.me()
            if me is not None:
                readable.append((me, self.my_draft().draft))
        else:
            readable = self.shared_drafts()
        for partner, draft in readable:
            for key, items in draft.pieces.items():
                for item in items:
                    rows.append({"partner": partner.name, "piece": key, "item": item.text, "kind": item.kind})
        drafts = pd.DataFrame(rows, columns=["partner", "piece", "item", "kind"])
        return {"partners": partners, "concepten": drafts}

    # ------------------------------------------------- shared case (step 3)
    def shared_document(self) -> Document:
        """Return the workspace's ``shared_case`` document (created empty when missing)."""
        handle = self.document(SHARED_CASE)
        handle.check_read(None)
        return handle.find() or handle._create()

    def shared_case(self) -> LoadedShared:
        """Return the shared Purpose Case and the revision it was loaded from (every role may read it).

        Reading does not create the document; ``document`` is then created empty (no revision),
        as the pages expect a document to show the history of.
        """
        handle = self.document(SHARED_CASE)
        loaded = handle.load()
        return LoadedShared(loaded.document or self.shared_document(), loaded.record, loaded.base)

    def update_shared(self, operation: Callable[[SharedCase], SharedCase], *, attempts: int = 5) -> LoadedShared:
        """Apply ``operation`` to the shared case and save it (trekker only).

        The operation is a pure ``SharedCase → SharedCase`` function (see
        :mod:`purposecase.puzzle`). When someone saved in between (another
        trekker tab), it is re-applied on the newer version, so no adoption is
        lost; after ``attempts`` conflicts in a row :class:`ConflictError` is raised.

        Raises:
            Forbidden: for other roles.
            ConflictError: when the document keeps moving.
            StoreUnavailable: if the database stays unreachable.
        """
        loaded = self.document(SHARED_CASE).update(operation, attempts=attempts)
        return LoadedShared(loaded.document or self.shared_document(), loaded.record, loaded.base)

    def import_as_shared_case(self, shared: SharedCase, *, note: str | None = None) -> Revision:
        """Save an imported :class:`~purposecase.model.SharedCase` as a new revision of the shared case (trekker only).

        Raises:
            Forbidden: for partner and viewer.
            ConflictError: if the shared case was saved elsewhere at the same moment.
        """
        handle = self.document(SHARED_CASE)
        handle.check_write()
        saved = handle.save(shared, base=handle.load().base, note=note)
        return handle.raw_revision(saved.base)

    def import_as_my_draft(self, draft: PartnerDraft, *, note: str | None = None) -> Revision:
        """Save an imported draft as a new revision of the partner's own draft (partner only).

        The previous version stays in the history (restore it from there).

        Raises:
            Forbidden: for trekker and viewer.
            ConflictError: if the draft was saved elsewhere at the same moment.
        """
        self._require("partner")
        return self.save_my_draft(draft, base=self.my_draft().base, note=note)

    # ------------------------------------------------------------ reactions
    def reactions(self) -> dict[str, dict[str, dict[str, str]]]:
        """Return every partner's reactions to shared items: ``{partner_id: {item_id: {"soort", "opmerking"}}}``.

        Every role sees all reactions (they are part of the shared discussion, not private drafts).
        """
        return self.document(SHARED_CASE).reactions()

    def react(self, item_id: str, soort: str | None, opmerking: str = "") -> None:
        """Store (or clear, with ``soort=None``) the partner's reaction to a shared item (partner only).

        Args:
            item_id: the shared item's id.
            soort: ``"eens"`` (agree) or ``"vraag"`` (question), or ``None`` to remove.
            opmerking: a short comment, at most 500 characters.

        Raises:
            Forbidden: for other roles.
            InvalidInput: for another ``soort`` or a longer comment.
        """
        self.document(SHARED_CASE).react(item_id, soort, opmerking)

    # ------------------------------------------------------------- backup
    def backup(self, *, history: bool = True) -> dict[str, Any]:
        """Return the whole workspace as a backup dict (trekker and viewer; format: :mod:`purposecase.backup`).

        Private drafts are listed with their state but without content (``withheld``):
        the trekker never sees a private draft. Holds no secret token.

        Raises:
            Forbidden: for a partner.
        """
        self._require("trekker", "viewer")
        return dump_workspace(self, history=history)


BACKUP_VERSION = 1
"""Schema version written into every backup (``purposecase_backup``)."""


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def dump_workspace(
    session: WorkspaceSession, *, history: bool = True, include_private: bool = False
) -> dict[str, Any]:
    """Return the workspace as a backup dict (JSON types only; format: :mod:`purposecase.backup`).

    Args:
        session: the session whose rights decide what is included.
        history: every revision (``True``) or only each document's latest.
        include_private: include private drafts too (only for the trekker on the machine
            with the database: ``purposecase export --include-private``).

    Documents the session may not read (a private draft for the trekker or a viewer)
    are listed with their state and ``withheld: true`` but no revisions.
    """
    store = session.store
    workspace = session.workspace()
    documents = []
    for doc in session.documents():
        entry: dict[str, Any] = {
            "kind": doc.kind, "partner": doc.partner_id, "state": doc.state, "head": doc.head, "withheld": False,
        }
        readable = session.document(doc.kind, doc.partner_id).may_read(doc) or (
            include_private and doc.kind == DRAFT and session.role == "trekker"
        )
        if not readable:
            entry.update(withheld=True, head=0, revisions=[])
            documents.append(entry)
            continue
        numbers = range(1, doc.head + 1) if history else ([doc.head] if doc.head else [])
        revisions = []
        for number in numbers:
            rev = store.revision(doc.id, number)
            revisions.append(
                {
                    "number": rev.number, "parent": rev.parent, "author": rev.author,
                    "created_at": _iso(rev.created_at), "note": rev.note, "content": rev.content,
                }
            )
        entry["revisions"] = revisions
        documents.append(entry)
    return {
        "purposecase_backup": BACKUP_VERSION,
        "exported_at": datetime.now(UTC).isoformat(),
        "history": history,
        "workspace": {"id": workspace.id, "name": workspace.name, "created_at": _iso(workspace.created_at)},
        "partners": [
            {
                "id": p.id, "name": p.name, "organisation": p.organisation, "role": p.role,
                "created_at": _iso(p.created_at), "removed_at": _iso(p.removed_at), "soort": p.soort,
            }
            for p in session.partners(include_removed=True)
        ],
        "documents": documents,
    }


__all__ += ["BACKUP_VERSION", "REGISTRY", "ConflictError", "Loaded", "dump_workspace"]
