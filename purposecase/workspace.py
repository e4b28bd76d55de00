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
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .model import PartnerDraft, SharedCase
from .store import (
    Access,
    ConflictError,
    Document,
    InvalidInput,
    Partner,
    Revision,
    RevisionInfo,
    Store,
    StoreError,
    Workspace,
    conflict_backoff,
    open_store,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

DRAFT = "draft"
META = "meta"
SHARED_CASE = "shared_case"
REACTIONS = "reactions"
MAX_COMMENT = 500
PRIVATE = "prive"
SHARED = "gedeeld"
READ_CHECK_SECONDS = 2.0
"""How long a read may rely on the last check that the session's link still works (writes always check)."""


class Forbidden(StoreError):
    """The session's role may not do this (e.g. a viewer saving, a partner reading another's draft)."""

    code = "forbidden"


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
    """One role's view of one workspace; every method checks the role first."""

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
        """Raise :class:`Forbidden` unless the session's role is one of ``roles``.

        Modules that add documents of their own (value propositions, the roadmap)
        call this before every write, so permissions hold on the server side.
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
        self.check_link(max_age=READ_CHECK_SECONDS)

    # ------------------------------------------------------------ partners
    def partners(self, include_removed: bool = False) -> list[Partner]:
        """Return the workspace's partners (every role may see who takes part)."""
        self._fresh()
        return self.store.list_partners(self.workspace_id, include_removed=include_removed)

    def add_partner(self, name: str, organisation: str, role: str = "") -> tuple[Partner, str]:
        """Add a partner and return it with their personal secret token (trekker only).

        Raises:
            Forbidden: for other roles.
            InvalidInput: for an empty or too long name.
        """
        self._require("trekker")
        return self.store.add_partner(self.workspace_id, name, organisation, role)

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
        """Return the workspace settings (e.g. ``{"inspiratie": slug}``)."""
        self._fresh()
        doc = self.store.document(self.workspace_id, META)
        head = self.store.load(doc.id)
        return dict(head.content) if head else {}

    def set_inspiration(self, slug: str | None) -> None:
        """Set (or clear) the publication case shown as inspiration (trekker only)."""
        self._require("trekker")
        doc = self.store.document(self.workspace_id, META)
        head = self.store.load(doc.id)
        content = dict(head.content) if head else {}
        content["inspiratie"] = slug
        self.store.save(doc.id, content, base=head.number if head else 0, author=self.author)

    # -------------------------------------------------------------- drafts
    def _draft_document(self, partner_id: str) -> Document:
        return self.store.document(self.workspace_id, DRAFT, partner_id)

    def _may_read_draft(self, doc: Document) -> bool:
        if self.role == "partner":
            return doc.partner_id == self.access.partner_id
        return doc.state == SHARED

    def my_draft(self) -> LoadedDraft:
        """Return the session partner's own draft and its head revision number (partner only)."""
        self._require("partner")
        doc = self._draft_document(self.access.partner_id)  # type: ignore[arg-type]
        head = self.store.load(doc.id)
        draft = PartnerDraft.from_content(head.content if head else None, source=f"draft {doc.id}")
        return LoadedDraft(doc, draft, head.number if head else 0)

    def save_my_draft(self, draft: PartnerDraft, *, base: int, note: str | None = None) -> Revision:
        """Save the partner's own draft as a new revision.

        Raises:
            Forbidden: unless the session is the draft's partner.
            ConflictError: if the draft was saved elsewhere after ``base`` (another tab);
                the error carries their version.
            StoreUnavailable: if the database stays unreachable (keep the text, retry).
        """
        self._require("partner")
        doc = self._draft_document(self.access.partner_id)  # type: ignore[arg-type]
        return self.store.save(doc.id, draft.to_content(), base=base, author=self.author, note=note)

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
        return self.store.set_state(loaded.document.id, SHARED if shared else PRIVATE)

    def draft_of(self, partner_id: str) -> LoadedDraft:
        """Return a partner's draft if this session may read it.

        Raises:
            Forbidden: for another partner's draft, or a private draft seen by
                trekker or viewer.
        """
        self._fresh()
        doc = self._draft_document(partner_id)
        if not self._may_read_draft(doc):
            raise Forbidden("this draft is private to its partner")
        head = self.store.load(doc.id)
        draft = PartnerDraft.from_content(head.content if head else None, source=f"draft {doc.id}")
        return LoadedDraft(doc, draft, head.number if head else 0)

    def draft_statuses(self) -> list[DraftStatus]:
        """Return every partner's draft status (trekker and viewer; a partner sees only their own).

        Contents of private drafts stay hidden: ``filled`` and ``complete`` are
        ``None`` for them unless the session is that partner.
        """
        partners = self.partners()
        if self.role == "partner":
            partners = [p for p in partners if p.id == self.access.partner_id]
        docs = {d.partner_id: d for d in self.store.documents(self.workspace_id, DRAFT)}
        out = []
        for partner in partners:
            doc = docs.get(partner.id)
            if doc is None or doc.head == 0:
                out.append(DraftStatus(partner, doc.state if doc else PRIVATE, 0, 0, False, None))
                continue
            head = self.store.load(doc.id)
            readable = self._may_read_draft(doc)
            draft = PartnerDraft.from_content(head.content) if readable and head else None
            out.append(
                DraftStatus(
                    partner,
                    doc.state,
                    doc.head,
                    draft.filled() if draft else None,
                    draft.is_complete() if draft else None,
                    head.created_at if head else None,
                )
            )
        return out

    def shared_drafts(self) -> list[tuple[Partner, PartnerDraft]]:
        """Return the drafts marked ready to share, with their partners (any role)."""
        return [
            (s.partner, self.draft_of(s.partner.id).draft)
            for s in self.draft_statuses()
            if s.shared and (self.role != "partner" or s.partner.id == self.access.partner_id)
        ]

    # ------------------------------------------------------------- history
    def history(self, document: Document) -> list[RevisionInfo]:
        """Return a readable document's revisions, newest first."""
        self._check_readable(document)
        return self.store.history(document.id)

    def revision(self, document: Document, number: int) -> Revision:
        """Return one revision of a readable document."""
        self._check_readable(document)
        return self.store.revision(document.id, number)

    def restore_my_draft(self, number: int, *, base: int) -> Revision:
        """Restore an older revision of the own draft as a new revision (partner only).

        Raises:
            ConflictError: if the draft was saved elsewhere after ``base``.
        """
        self._require("partner")
        doc = self._draft_document(self.access.partner_id)  # type: ignore[arg-type]
        return self.store.restore(doc.id, number, base=base, author=self.author)

    def _check_readable(self, document: Document) -> None:
        self._fresh()
        if document.workspace_id != self.workspace_id:
            raise Forbidden("document of another workspace")
        if document.kind == DRAFT and not self._may_read_draft(document):
            raise Forbidden("this draft is private to its partner")

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

    # ----------------------------------------------------------------- SDGs
    def meta_revision(self) -> tuple[dict[str, Any], int]:
        """Return the workspace settings and the revision they come from (the ``base`` of the next save)."""
        self._fresh()
        doc = self.store.document(self.workspace_id, META)
        head = self.store.load(doc.id)
        return (dict(head.content) if head else {}), (head.number if head else 0)

    def sdgs(self) -> list[int]:
        """Return the SDG numbers (1–17) the collaboration works on, sorted (every role may read them).

        A stored value that is not a valid list reads as ``[]``.
        """
        from .sdgs import normalise_sdgs

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
        from .sdgs import normalise_sdgs

        self._require("trekker")
        chosen = normalise_sdgs(numbers)
        doc = self.store.document(self.workspace_id, META)
        head = self.store.load(doc.id)
        current = head.number if head else 0
        if base > current:
            raise InvalidInput("invalid_base", f"base {base} is ahead of the settings' revision {current}")
        if base < current:
            # Someone saved the settings after this page loaded them: never overwrite silently.
            raise ConflictError(doc.id, base, head)  # type: ignore[arg-type]
        content = dict(head.content) if head else {}
        content["sdgs"] = chosen
        return self.store.save(doc.id, content, base=base, author=self.author, note="sdgs")

    # ------------------------------------------------- shared case (step 3)
    def shared_document(self) -> Document:
        """Return the workspace's ``shared_case`` document (created empty when missing)."""
        self._fresh()
        return self.store.document(self.workspace_id, SHARED_CASE)

    def shared_case(self) -> LoadedShared:
        """Return the shared Purpose Case and the revision it was loaded from (every role may read it)."""
        doc = self.shared_document()
        head = self.store.load(doc.id)
        shared = SharedCase.from_content(head.content if head else None, source=f"shared case {doc.id}")
        return LoadedShared(doc, shared, head.number if head else 0)

    def update_shared(self, operation: Callable[[SharedCase], SharedCase], *, attempts: int = 5) -> LoadedShared:
        """Apply ``operation`` to the shared case and save it (trekker only).

        The operation is a pure ``SharedCase → SharedCase`` function (see
        :mod:`purposecase.puzzle`). When someone saved in between (another
        trekker tab), it is re-applied on the newer version, so no adoption is
        lost; after ``attempts`` conflicts in a row :class:`ConflictError` is raised.

        Args:
            operation: the change; applied to the newest saved version.
            attempts: how often to re-apply on a newer version.

        Raises:
            Forbidden: for other roles.
            ConflictError: when the document keeps moving.
            StoreUnavailable: if the database stays unreachable.
        """
        self._require("trekker")
        loaded = self.shared_case()
        for attempt in range(attempts):
            new = operation(loaded.shared)
            if new == loaded.shared:
                return loaded
            try:
                rev = self.store.save(loaded.document.id, new.to_content(), base=loaded.base, author=self.author)
            except ConflictError as exc:
                loaded = LoadedShared(loaded.document, SharedCase.from_content(exc.theirs.content), exc.theirs.number)
                time.sleep(conflict_backoff(attempt))
                continue
            return LoadedShared(loaded.document, new, rev.number)
        raise ConflictError(loaded.document.id, loaded.base, self.store.load(loaded.document.id))  # type: ignore[arg-type]

    # ------------------------------------------------------------ reactions
    def reactions(self) -> dict[str, dict[str, dict[str, str]]]:
        """Return every partner's reactions: ``{partner_id: {item_id: {"soort", "opmerking"}}}``.

        The trekker and viewer see all reactions; a partner sees all too (reactions
        are part of the shared discussion, not private drafts).
        """
        self._fresh()
        out: dict[str, dict[str, dict[str, str]]] = {}
        for doc in self.store.documents(self.workspace_id, REACTIONS):
            head = self.store.load(doc.id)
            if head and doc.partner_id:
                out[doc.partner_id] = dict(head.content.get("items", {}))
        return out

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
        self._require("partner")
        if soort not in (None, "eens", "vraag"):
            raise InvalidInput("invalid_reaction", f"unknown reaction {soort!r}")
        opmerking = (opmerking or "").strip()
        if len(opmerking) > MAX_COMMENT:
            raise InvalidInput("comment_too_long", f"comment longer than {MAX_COMMENT} characters")
        doc = self.store.document(self.workspace_id, REACTIONS, self.access.partner_id)
        for attempt in range(5):
            head = self.store.load(doc.id)
            items = dict(head.content.get("items", {})) if head else {}
            if soort is None:
                items.pop(item_id, None)
            else:
                items[item_id] = {"soort": soort, "opmerking": opmerking}
            try:
                self.store.save(doc.id, {"items": items}, base=head.number if head else 0, author=self.author)
                return
            except ConflictError:
                time.sleep(conflict_backoff(attempt))
                continue
        raise ConflictError(doc.id, 0, self.store.load(doc.id))  # type: ignore[arg-type]

    # ------------------------------------------- sharing: export, backup, import (issue 8)
    # Who may do what (DESIGN.md §4): the trekker exports and imports everything of the
    # workspace (private drafts stay private); a partner exports the shared case and their
    # own draft and imports a file as their own draft; a viewer exports what it may read
    # and never imports.

    def _shared_case_for_export(self):
        """Return the shared case (empty while step 3 has not started), without creating a document."""
        from .model import SharedCase
        from .store import NotFound

        try:
            doc = self.store.document(self.workspace_id, "shared_case", create=False)
        except NotFound:
            return SharedCase()
        head = self.store.load(doc.id)
        return SharedCase.from_content(head.content if head else None, source=f"shared case {doc.id}")

    def export_bundle(self, subject: str = "shared", *, partner_id: str | None = None, lang: str = "nl"):
        """Return an :class:`~purposecase.export.ExportBundle` of what this session may export.

        Args:
            subject: ``"shared"`` (the shared Purpose Case; every role) or ``"draft"``
                (a partner's draft: the own draft for a partner; a *shared* draft,
                named by ``partner_id``, for trekker and viewer).
            partner_id: the draft's partner (trekker and viewer, subject ``"draft"``).
            lang: language of the file's labels.

        The bundle's drafts are those the session may read: the own draft for a
        partner, the shared drafts for trekker and viewer. The value propositions
        (step 4, one part per target group; orphaned ones marked), the Impact Roadmap
        (step 5) and the figures of the later steps (roadmap timeline, give and take,
        fit per target group) come along when they have content
        (:func:`purposecase.export.parts.later_steps`).

        Raises:
            Forbidden: for a draft this session may not read.
            ValueError: for an unknown subject.
        """
        from .export import DraftLine, ExportBundle, PartnerLine, slugify
        from .messages import Translator

        t = Translator(lang)
        workspace = self.workspace()
        partners = self.partners()
        lines = {p.id: PartnerLine(p.name, p.organisation, p.role) for p in self.partners(include_removed=True)}
        if self.role == "partner":
            own = self.my_draft()
            drafts = (DraftLine(lines[self.access.partner_id], own.draft, own.document.state),)
        else:
            drafts = tuple(DraftLine(lines[p.id], d, SHARED) for p, d in self.shared_drafts())
        if subject == "shared":
            case = self._shared_case_for_export().as_case(workspace.name, slug=slugify(workspace.name, "gedeelde-case"))
            label = t("export.gedeelde_case")
        elif subject == "draft":
            if self.role == "partner":
                if partner_id not in (None, self.access.partner_id):
                    raise Forbidden("a partner exports only their own draft")
                draft, name = self.my_draft().draft, lines[self.access.partner_id].name
            else:
                if partner_id is None:
                    raise ValueError("partner_id is required to export another partner's draft")
                draft, name = self.draft_of(partner_id).draft, lines[partner_id].name
            case = draft.as_case(workspace.name)
            label = t("export.concept_van", naam=name)
        else:
            raise ValueError(f"unknown export subject {subject!r}; expected 'shared' or 'draft'")
        from .export.parts import later_steps

        later = later_steps(self, t.lang)
        return ExportBundle(
            case=case, label=label, workspace=workspace.name,
            partners=tuple(lines[p.id] for p in partners), drafts=drafts, lang=t.lang,
            value_propositions=later.value_propositions or None, roadmap=later.roadmap, figures=later.figures,
        )

    def backup(self, *, history: bool = True) -> dict[str, Any]:
        """Return the whole workspace as a backup dict (trekker and viewer).

        Private drafts are listed with their state but without content (``withheld``):
        the trekker never sees a private draft. Holds no secret token.

        Raises:
            Forbidden: for a partner.
        """
        from .backup import backup_workspace

        self._require("trekker", "viewer")
        return backup_workspace(
            self.store, self.workspace_id, history=history,
            readable=lambda doc: doc.kind != DRAFT or self._may_read_draft(doc),
        )

    def import_as_my_draft(self, draft: PartnerDraft, *, note: str | None = None) -> Revision:
        """Save an imported draft as a new revision of the partner's own draft (partner only).

        The previous version stays in the history (restore it from there).

        Raises:
            Forbidden: for trekker and viewer.
            ConflictError: if the draft was saved elsewhere at the same moment.
        """
        self._require("partner")
        loaded = self.my_draft()
        return self.store.save(
            loaded.document.id, draft.to_content(), base=loaded.base, author=self.author, note=note
        )

    def import_as_shared_case(self, shared: Any, *, note: str | None = None) -> Revision:
        """Save an imported :class:`~purposecase.model.SharedCase` as a new revision of the shared case (trekker only).

        Raises:
            Forbidden: for partner and viewer.
            ConflictError: if the shared case was saved elsewhere at the same moment.
        """
        self._require("trekker")
        doc = self.store.document(self.workspace_id, "shared_case")
        head = self.store.load(doc.id)
        return self.store.save(
            doc.id, shared.to_content(), base=head.number if head else 0, author=self.author, note=note
        )

