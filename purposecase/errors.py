"""The errors of the store and the workspace layer, with a stable ``code`` each the UI translates.

They live apart from :mod:`purposecase.store` so every layer may catch them
(pages, exports, the CLI) while only the workspace layer (:mod:`purposecase.workspace`)
reaches the store itself (DESIGN.md §3; ``tests/test_layering.py``).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .store import Revision


class StoreError(Exception):
    """Base of the store's errors; ``code`` is a stable key the UI translates."""

    code: str = "store_error"


class AccessError(StoreError):
    """A token that does not open a workspace."""

    code = "access_denied"


class InvalidToken(AccessError):
    """The token is unknown (mistyped, truncated or never issued)."""

    code = "invalid_token"


class RevokedToken(AccessError):
    """The token was issued but has been revoked (re-issued link, removed partner)."""

    code = "revoked_token"


class NotFound(StoreError, LookupError):
    """A workspace, partner, document or revision that does not exist."""

    code = "not_found"


class InvalidInput(StoreError, ValueError):
    """Input the store refuses; a :class:`ValueError` with a specific ``code``.

    Codes: ``invalid_name``, ``invalid_text``, ``invalid_role``, ``invalid_kind``,
    ``invalid_base``, ``content_not_dict``, ``content_not_json``, ``invalid_unicode``, ``content_too_large``,
    ``partner_removed``.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def conflict_backoff(attempt: int, *, base: float = 0.005, cap: float = 0.25) -> float:
    """Return the pause (seconds) before re-applying a change after its ``attempt``-th conflict (0 = first).

    "Full jitter": a random pause between 0 and ``min(cap, base · 2^attempt)``, so
    writers that collided do not collide again in lock-step (Brooker, "Exponential
    Backoff And Jitter", AWS Architecture Blog, 2015). Without it, 32 writers
    re-applying at once on PostgreSQL kept colliding: 11,315 conflicts for 800
    shared saves, p95 18 s (``benchmarks/store.py``).
    """
    return random.uniform(0.0, min(cap, base * 2 ** max(0, attempt)))


class ConflictError(StoreError):
    """Someone saved the document after the revision this save started from.

    Attributes:
        document_id: the document.
        base: the revision number the refused save started from.
        theirs: the document's current head revision (with content), to show
            next to the unsaved version so the user can choose.
    """

    code = "conflict"

    def __init__(self, document_id: int, base: int, theirs: Revision) -> None:
        self.document_id = document_id
        self.base = base
        self.theirs = theirs
        super().__init__(
            f"document {document_id}: revision {theirs.number} by {theirs.author} was saved after "
            f"revision {base}, which this save started from"
        )


class StoreUnavailable(StoreError):
    """The database cannot be reached or stays locked; try again later (keep unsaved work)."""

    code = "unavailable"


class SchemaTooNew(StoreError):
    """The database was migrated by a newer version of this package."""

    code = "schema_too_new"
