"""The workspace layer: one role's view of one workspace, the only layer that touches the store (DESIGN.md §3).

- :mod:`.session`: identity, partners, links, the link check on every read and write
  (:class:`WorkspaceSession`, :func:`create_workspace`, :func:`open_workspace`);
- :mod:`.documents`: the registry of document kinds and one handle per document;
- :mod:`.transfer`: a whole workspace out of the store (backup) and into a new one (import).

The store's errors are re-exported here, so pages and exports catch them without
reaching the store.
"""

from ..errors import (
    AccessError,
    ConflictError,
    InvalidInput,
    InvalidToken,
    NotFound,
    RevokedToken,
    SchemaTooNew,
    StoreError,
    StoreUnavailable,
)
from ..store import MAX_CONTENT_BYTES, MAX_NAME_LENGTH, Document, Partner, Revision, RevisionInfo, Store
from .documents import (
    DRAFT,
    MEETING,
    META,
    PRIVATE,
    PROPOSALS,
    REACTIONS,
    REGISTRY,
    ROADMAP,
    ROADMAP_REACTIONS,
    SHARED,
    SHARED_CASE,
    VALUE_PROPOSITIONS,
    VOTES,
    VP_REACTIONS,
    DocumentHandle,
    DocumentKind,
    Forbidden,
    Loaded,
    ReactionRules,
    document_kind,
    merge_drafts,
)
from .session import (
    MAX_COMMENT,
    READ_CHECK_SECONDS,
    DraftStatus,
    LoadedDraft,
    LoadedShared,
    WorkspaceSession,
    create_workspace,
    open_workspace,
)
from .transfer import Restored

__all__ = [
    "DRAFT", "MAX_COMMENT", "MEETING", "PROPOSALS", "VOTES", "MAX_CONTENT_BYTES", "MAX_NAME_LENGTH", "META",
    "PRIVATE", "REACTIONS",
    "READ_CHECK_SECONDS", "REGISTRY", "ROADMAP", "ROADMAP_REACTIONS", "SHARED", "SHARED_CASE", "VALUE_PROPOSITIONS",
    "VP_REACTIONS", "AccessError", "ConflictError", "Document", "DocumentHandle", "DocumentKind", "DraftStatus",
    "Forbidden", "InvalidInput", "InvalidToken", "Loaded", "LoadedDraft", "LoadedShared", "NotFound", "Partner",
    "ReactionRules", "Restored", "Revision", "RevisionInfo", "RevokedToken", "SchemaTooNew", "Store", "StoreError",
    "StoreUnavailable", "WorkspaceSession", "create_workspace", "open_workspace", "document_kind",
    "merge_drafts",
]
