"""A whole workspace out of the store and into a new one: the store side of backups (DESIGN.md §4).

:func:`dump_workspace` reads every document a session may read, revision by
revision, into the backup dict of :mod:`purposecase.backup` (which holds the file
format, its validation through the document registry and the uploads).
:func:`create_from_backup` writes a validated backup as a NEW workspace in one
store transaction: it is stored completely or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..store import ImportedDocument, ImportedPartner, ImportedRevision, Partner, Store, open_store
from .session import BACKUP_VERSION, WorkspaceSession, dump_workspace

__all__ = ["BACKUP_VERSION", "Restored", "create_from_backup", "dump_workspace"]


def _parse_time(value: str | None) -> datetime | None:
    """Return an ISO time from a file as an aware datetime (UTC assumed), or ``None`` when absent or unreadable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

@dataclass
class Restored:
    """A workspace made by an import, with its new secret links (shown once).

    Attributes:
        session: the trekker's session of the new workspace.
        trekker_token: the new trekker link's token.
        partner_tokens: ``(partner, token)`` for every active partner, in order.
        id_map: old partner id → new partner id.
    """

    session: WorkspaceSession
    trekker_token: str
    partner_tokens: list[tuple[Partner, str]] = field(default_factory=list)
    id_map: dict[str, str] = field(default_factory=dict)


def create_from_backup(
    name: str,
    partners: Sequence[Any],
    documents: Sequence[Any],
    remap: Callable[[Any, dict[str, str]], Any],
    *,
    store: Store | None = None,
) -> Restored:
    """Write a validated backup as a NEW workspace, in one transaction (all or nothing).

    Args:
        name: the new workspace's name.
        partners: the backup's partners (``id, name, organisation, role, created_at, removed_at``).
        documents: the backup's documents (``kind, partner, state, revisions``); withheld ones
            are created with their state and no revisions.
        remap: rewrites old partner ids in a content value (keys and values).
        store: the store (default :func:`purposecase.store.open_store`).

    Raises:
        InvalidInput: for a name, text or content the store refuses; nothing is stored.
        StoreUnavailable: if the database cannot be reached; nothing is stored.
    """
    store = store or open_store()
    workspace, token, made = store.import_workspace(
        name,
        [
            ImportedPartner(
                p.id, p.name, p.organisation, p.role, p.removed_at is not None,
                _parse_time(p.created_at), _parse_time(p.removed_at), getattr(p, "soort", "partner"),
            )
            for p in partners
        ],
        [
            ImportedDocument(
                d.kind, d.partner, d.state,
                tuple(ImportedRevision(r.content, r.author, r.note, _parse_time(r.created_at)) for r in d.revisions),
            )
            for d in documents
        ],
        remap,
    )
    session = WorkspaceSession(store, store.resolve(token))
    id_map = {p.id: partner.id for p, (partner, _) in zip(partners, made, strict=True)}
    return Restored(session, token, [(p, t) for p, t in made if t is not None], id_map)
