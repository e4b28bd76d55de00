"""The shared store: workspaces, secret links and revisioned documents (SQLAlchemy 2).

A **workspace** is one collaboration's Purpose Case: its partners, documents
(partner drafts, the shared case, later value propositions and the roadmap)
and their full history (DESIGN.md §4). Access is by secret links: each link
carries a random token (256 bits) that names the workspace, a role
(``trekker``, ``partner``, ``viewer``) and, for a partner, the partner. Only the
SHA-256 hex digest of a token is stored; the token itself appears nowhere in
the database.

Every save appends a revision (who, when, what). A save names the revision it
started from (``base``); if someone saved in between, :meth:`Store.save`
raises :class:`ConflictError` carrying the other version, so nothing is
overwritten silently. Revisions are append-only: the store never updates or
deletes one.

Backends:

- SQLite (embedded default, ``<data_home()>/werkboek.sqlite3``): WAL journal,
  ``busy_timeout`` of :data:`BUSY_TIMEOUT_S`, foreign keys on; every write
  transaction starts with ``BEGIN IMMEDIATE`` so concurrent writers queue for
  the write lock instead of failing halfway.
- PostgreSQL (``PURPOSECASE_DATABASE_URL=postgresql+psycopg://…``): READ
  COMMITTED; races are settled by conditional updates and unique constraints.

The schema is versioned (table ``schema_version``); :func:`open_store` applies
missing :data:`MIGRATIONS` steps in one transaction, serialised between
processes (PostgreSQL advisory lock, SQLite immediate transaction).

Transient database errors (SQLite "database is locked", a lost PostgreSQL
connection) are retried a few times with a short backoff, within
:data:`RETRY_WINDOW_S` of the first attempt; if they persist the store raises
:class:`StoreUnavailable` so the UI can keep unsaved text on screen and retry.
Every exception here has a stable ``code`` the UI translates.

This module never imports ipywidgets or pandas. Records it returns are small
frozen dataclasses, never ORM objects bound to a session.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import random
import re
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Literal, TypeVar, cast, get_args

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    create_engine,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Dialect, Engine, Row, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.types import TypeDecorator

from .errors import (  # re-exported: the store raises them
    AccessError,
    ConflictError,
    InvalidInput,
    InvalidToken,
    NotFound,
    RevokedToken,
    SchemaTooNew,
    StoreError,
    StoreUnavailable,
    conflict_backoff,
)
from .paths import database_url

__all__ = [
    "BUSY_TIMEOUT_S",
    "MAX_CONTENT_BYTES",
    "MAX_NAME_LENGTH",
    "MIGRATIONS",
    "ROLES",
    "Access",
    "Change",
    "AccessError",
    "ConflictError",
    "Document",
    "ImportedDocument",
    "ImportedPartner",
    "ImportedRevision",
    "InvalidInput",
    "InvalidToken",
    "Migration",
    "NotFound",
    "Partner",
    "Presence",
    "Revision",
    "RevisionInfo",
    "RevokedToken",
    "Role",
    "SchemaTooNew",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "Workspace",
    "hash_token",
    "conflict_backoff",
    "open_store",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

Role = Literal["trekker", "partner", "viewer"]
"""Who a token lets in: the project leader, one partner, or a read-only viewer."""
ROLES: Final[tuple[str, ...]] = get_args(Role)

TOKEN_BYTES: Final = 32
"""Random bytes per token (256 bits, ≥128 as DESIGN.md §4 asks); 43 url-safe characters."""
PARTNER_KINDS: Final[tuple[str, ...]] = ("partner", "zonder_link", "trekker")
"""What a partner is (:attr:`Partner.soort`)."""
MAX_NAME_LENGTH: Final = 200
"""Longest workspace/partner name, organisation or partner role, in characters."""
MAX_CONTENT_BYTES: Final = 2 * 1024 * 1024
"""Largest document content accepted: 2 MiB of UTF-8 JSON (compact separators)."""
MAX_AUTHOR_LENGTH: Final = 100
MAX_NOTE_LENGTH: Final = 500
MAX_STATE_LENGTH: Final = 50
BUSY_TIMEOUT_S: Final = 10.0
"""How long an SQLite connection waits for a lock before "database is locked", in seconds."""
RETRIES: Final = 4
"""Extra attempts after a transient database error (backoff 50, 100, 200, 400 ms, ±50 % jitter)."""
RETRY_WINDOW_S: Final = 2.0
"""Retries happen only this long after the first attempt began. An attempt that already waited
(SQLite's busy timeout, PostgreSQL's connect timeout) is not repeated: the page says at once that
the store is unreachable and retries on its own schedule, instead of going quiet for a minute."""

DEFAULT_STATES: Final[dict[str, str]] = {"draft": "prive"}
"""Initial ``state`` of a new document per kind (a partner draft starts private); others start empty."""

_KIND_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
_HASH_RE = re.compile(r"^[0-9a-f]{64}$")
_BEGIN_OPTION = "purposecase_sqlite_begin"
_MIGRATION_LOCK_KEY = int.from_bytes(hashlib.sha256(b"purposecase.store.migrate").digest()[:8], "big", signed=True)


# --------------------------------------------------------------- records
@dataclass(frozen=True, slots=True)
class Workspace:
    """One collaboration's workspace.

    Attributes:
        id: random url-safe id (16 characters); not a secret.
        name: display name, 1-200 characters.
        created_at: creation time (aware, UTC).
    """

    id: str
    name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Partner:
    """A partner of a workspace.

    Attributes:
        id: random url-safe id (12 characters); also the ``author`` label of their saves.
        workspace_id: the workspace.
        name: the partner's name (person or organisation label), 1-200 characters.
        organisation: organisation, 0-200 characters.
        role: free text role in the collaboration, 0-200 characters.
        created_at: when the partner was added (UTC).
        removed_at: when the partner was removed (UTC), else ``None``; their
            documents stay, their tokens are revoked.
        soort: ``"partner"`` (invited with a personal link; fills in a draft), ``"zonder_link"``
            (an organisation named in the Purpose Case that takes part without a link of its own) or
            ``"trekker"`` (the trekker's own organisation; the trekker's link acts for it). Every
            kind gives, gets and owns roadmap steps; only ``"partner"`` has a draft to fill in.
    """

    id: str
    workspace_id: str
    name: str
    organisation: str
    role: str
    created_at: datetime
    removed_at: datetime | None
    soort: str = "partner"

    @property
    def has_link(self) -> bool:
        """Return whether the partner has a personal link (and a draft to fill in)."""
        return self.soort == "partner"

    @property
    def label(self) -> str:
        """Return the organisation, or the contact's name when there is none (how partners are named)."""
        return self.organisation or self.name

    @property
    def active(self) -> bool:
        """Return ``True`` while the partner has not been removed."""
        return self.removed_at is None


@dataclass(frozen=True, slots=True)
class Access:
    """What a valid token opens.

    Attributes:
        workspace_id: the workspace.
        role: ``"trekker"``, ``"partner"`` or ``"viewer"``.
        partner_id: the partner for role ``"partner"``, else ``None``.
        workspace_name: the workspace's display name.
        token_hash: the SHA-256 digest of the token that opened it (``""`` if unknown), so a
            long-lived session (an open page) can check that its link still works
            (:meth:`Store.check_access`). Never the token itself.
    """

    workspace_id: str
    role: Role
    partner_id: str | None
    workspace_name: str
    token_hash: str = field(default="", repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Document:
    """A revisioned document of a workspace.

    Attributes:
        id: integer id.
        workspace_id: the workspace.
        kind: e.g. ``"draft"``, ``"shared_case"``, ``"value_proposition"``, ``"roadmap"``.
        partner_id: the owning partner (drafts), else ``None``.
        state: short free text, e.g. ``"prive"``/``"gedeeld"`` for drafts.
        head: number of the latest revision; 0 while there is none.
    """

    id: int
    workspace_id: str
    kind: str
    partner_id: str | None
    state: str
    head: int


@dataclass(frozen=True, slots=True)
class ImportedPartner:
    """A partner to create in :meth:`Store.import_workspace`.

    Attributes:
        old_id: the partner's id in the file (mapped to a new id).
        name, organisation, role: as in :class:`Partner`.
        removed: store the partner as removed (no link).
        created_at, removed_at: original times, or ``None`` for now.
        soort: see :attr:`Partner.soort` (only ``"partner"`` gets a link).
    """

    old_id: str
    name: str
    organisation: str
    role: str
    removed: bool = False
    created_at: datetime | None = None
    removed_at: datetime | None = None
    soort: str = "partner"


@dataclass(frozen=True, slots=True)
class ImportedRevision:
    """A revision to create in :meth:`Store.import_workspace` (numbered 1, 2, 3 … in order)."""

    content: dict[str, Any]
    author: str
    note: str | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ImportedDocument:
    """A document to create in :meth:`Store.import_workspace`.

    Attributes:
        kind: the document kind.
        old_partner: the owning partner's id in the file, or ``None``.
        state: the document's state.
        revisions: oldest first; the head is the last.
    """

    kind: str
    old_partner: str | None
    state: str
    revisions: tuple[ImportedRevision, ...]


@dataclass(frozen=True, slots=True)
class RevisionInfo:
    """A history line: a revision without its content.

    Attributes:
        number: 1, 2, 3 … per document.
        parent: the revision number the save started from (0 for the first).
        author: ``"trekker"``, a partner id, ``"viewer"`` or ``"system"``.
        created_at: save time (aware, UTC).
        note: optional note, e.g. ``"hersteld uit revisie 3"``.
    """

    number: int
    parent: int
    author: str
    created_at: datetime
    note: str | None


@dataclass(frozen=True, slots=True)
class Revision:
    """One saved version of a document, with its content.

    Attributes:
        document_id: the document.
        number: 1, 2, 3 … per document.
        parent: the revision number the save started from (0 for the first).
        author: ``"trekker"``, a partner id, ``"viewer"`` or ``"system"``.
        created_at: save time (aware, UTC).
        content: the saved JSON object, parsed (a fresh dict per call).
        note: optional note, e.g. ``"hersteld uit revisie 3"``.
    """

    document_id: int
    number: int
    parent: int
    author: str
    created_at: datetime
    content: dict[str, Any]
    note: str | None

    def info(self) -> RevisionInfo:
        """Return the revision without content."""
        return RevisionInfo(self.number, self.parent, self.author, self.created_at, self.note)


@dataclass(frozen=True, slots=True)
class Change:
    """One committed change of a workspace, as live pages see it (DESIGN.md §8).

    Attributes:
        id: increasing number (across workspaces); a page asks for changes after the last it saw.
        workspace_id: the workspace.
        what: ``"save"`` (a new revision: saves, restores, reactions, votes), ``"state"`` (a draft
            shared or made private), ``"partner"`` (added or removed), ``"link"`` (a link revoked
            or reissued) or ``"presence"`` (a page opened, moved or closed).
        kind: the document kind for ``save`` and ``state``, else ``None``.
        document_id: the document for ``save`` and ``state``, else ``None``.
        partner_id: the partner concerned (a draft's owner, an added or removed partner), or ``None``.
        author: who made it (``"trekker"``, a partner id, ``"viewer"``), or ``None`` when unknown.
        at: when it was committed (UTC).
    """

    id: int
    workspace_id: str
    what: str
    kind: str | None
    document_id: int | None
    partner_id: str | None
    author: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Presence:
    """An open page of a workspace.

    Attributes:
        page_id: random id of the page (its kernel).
        workspace_id: the workspace.
        role: ``"trekker"``, ``"partner"`` or ``"viewer"``.
        partner_id: the partner of a partner's page, else ``None``.
        chapter: the chapter's notebook name, e.g. ``"05_samen_puzzelen.ipynb"``.
        focus: what the page has open within the chapter (e.g. a piece key), or ``""``.
        follow: the trekker asks the others to follow this page ("volg mij").
        seen_at: the page's last sign of life (UTC).
    """

    page_id: str
    workspace_id: str
    role: str
    partner_id: str | None
    chapter: str
    focus: str
    follow: bool
    seen_at: datetime


# ---------------------------------------------------------------- schema
class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back as an aware UTC ``datetime``.

    PostgreSQL keeps ``timestamptz``; SQLite keeps naive UTC text.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert an aware datetime to UTC (naive for SQLite).

        Raises:
            ValueError: for a naive datetime.
        """
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("store timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return the stored value as an aware UTC datetime."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# The current schema, as queries see it. The DDL that creates it lives in the
# frozen MIGRATIONS steps below; tests check that both agree.
metadata = MetaData()
schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", String(200), nullable=False),
    Column("applied_at", UTCDateTime, nullable=False),
)
workspaces = Table(
    "workspaces", metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(MAX_NAME_LENGTH), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
partners = Table(
    "partners", metadata,
    Column("id", String(32), primary_key=True),
    Column("workspace_id", String(32), ForeignKey("workspaces.id"), nullable=False),
    Column("name", String(MAX_NAME_LENGTH), nullable=False),
    Column("organisation", String(MAX_NAME_LENGTH), nullable=False),
    Column("role", String(MAX_NAME_LENGTH), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("removed_at", UTCDateTime, nullable=True),
    Column("soort", String(16), nullable=False),
)
tokens = Table(
    "tokens", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("workspace_id", String(32), ForeignKey("workspaces.id"), nullable=False),
    Column("role", String(16), nullable=False),
    Column("partner_id", String(32), ForeignKey("partners.id"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
)
documents = Table(
    "documents", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workspace_id", String(32), ForeignKey("workspaces.id"), nullable=False),
    Column("kind", String(50), nullable=False),
    Column("partner_id", String(32), ForeignKey("partners.id"), nullable=True),
    Column("state", String(MAX_STATE_LENGTH), nullable=False),
    Column("head", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
revisions = Table(
    "revisions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("parent", Integer, nullable=False),
    Column("author", String(MAX_AUTHOR_LENGTH), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("content", Text, nullable=False),
    Column("note", String(MAX_NOTE_LENGTH), nullable=True),
)
changes = Table(
    "changes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workspace_id", String(32), nullable=False),
    Column("what", String(16), nullable=False),
    Column("kind", String(50), nullable=True),
    Column("document_id", Integer, nullable=True),
    Column("partner_id", String(32), nullable=True),
    Column("author", String(MAX_AUTHOR_LENGTH), nullable=True),
    Column("at", UTCDateTime, nullable=False),
)
seen = Table(
    "seen", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("chapter", String(60), primary_key=True),
    Column("change_id", Integer, nullable=False),
)
presence = Table(
    "presence", metadata,
    Column("page_id", String(40), primary_key=True),
    Column("workspace_id", String(32), nullable=False),
    Column("role", String(16), nullable=False),
    Column("partner_id", String(32), nullable=True),
    Column("chapter", String(60), nullable=False),
    Column("focus", String(60), nullable=False),
    Column("follow", Integer, nullable=False),
    Column("seen_at", UTCDateTime, nullable=False),
)


@dataclass(frozen=True)
class Migration:
    """One schema step.

    Attributes:
        version: the schema version the step leads to (1, 2, 3 …, no gaps).
        description: one line for ``schema_version.description``.
        apply: ``apply(connection)`` runs the step's DDL/DML inside the
            migration transaction. Steps are frozen once released: to change
            the schema, append a step; a step never drops data.
    """

    version: int
    description: str
    apply: Callable[[Connection], None]


def _schema_version_table(md: MetaData) -> Table:
    return Table(
        "schema_version", md,
        Column("version", Integer, primary_key=True, autoincrement=False),
        Column("description", String(200), nullable=False),
        Column("applied_at", DateTime(timezone=True), nullable=False),
    )


def _step1_create_tables(conn: Connection) -> None:
    """Create workspaces, partners, tokens, documents and revisions (frozen copy of schema v1)."""
    md = MetaData()
    ts = DateTime(timezone=True)
    Table(
        "workspaces", md,
        Column("id", String(32), primary_key=True),
        Column("name", String(200), nullable=False),
        Column("created_at", ts, nullable=False),
    )
    Table(
        "partners", md,
        Column("id", String(32), primary_key=True),
        Column("workspace_id", String(32), ForeignKey("workspaces.id"), nullable=False),
        Column("name", String(200), nullable=False),
        Column("organisation", String(200), nullable=False, server_default=""),
        Column("role", String(200), nullable=False, server_default=""),
        Column("created_at", ts, nullable=False),
        Column("removed_at", ts, nullable=True),
    )
    Table(
        "tokens", md,
        Column("token_hash", String(64), primary_key=True),
        Column("workspace_id", String(32), ForeignKey("workspaces.id"), nullable=False),
        Column("role", String(16), nullable=False),
        Column("partner_id", String(32), ForeignKey("partners.id"), nullable=True),
        Column("created_at", ts, nullable=False),
        Column("revoked_at", ts, nullable=True),
        CheckConstraint("role IN ('trekker', 'partner', 'viewer')", name="ck_tokens_role"),
        CheckConstraint(
            "(role = 'partner' AND partner_id IS NOT NULL) OR (role <> 'partner' AND partner_id IS NULL)",
            name="ck_tokens_partner",
        ),
    )
    docs = Table(
        "documents", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("workspace_id", String(32), ForeignKey("workspaces.id"), nullable=False),
        Column("kind", String(50), nullable=False),
        Column("partner_id", String(32), ForeignKey("partners.id"), nullable=True),
        Column("state", String(50), nullable=False, server_default=""),
        Column("head", Integer, nullable=False, server_default=text("0")),
        Column("created_at", ts, nullable=False),
        CheckConstraint("head >= 0", name="ck_documents_head"),
    )
    # One document per (workspace, kind, partner); NULL partner counts as one slot.
    Index(
        "uq_documents_slot", docs.c.workspace_id, docs.c.kind, func.coalesce(docs.c.partner_id, text("''")),
        unique=True,
    )
    Table(
        "revisions", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("document_id", Integer, ForeignKey("documents.id"), nullable=False),
        Column("number", Integer, nullable=False),
        Column("parent", Integer, nullable=False),
        Column("author", String(100), nullable=False),
        Column("created_at", ts, nullable=False),
        Column("content", Text, nullable=False),
        Column("note", String(500), nullable=True),
        UniqueConstraint("document_id", "number", name="uq_revisions_number"),
        CheckConstraint("number >= 1 AND parent >= 0 AND parent < number", name="ck_revisions_number"),
    )
    md.create_all(conn)


def _step2_lookup_indexes(conn: Connection) -> None:
    """Index the lookups by workspace that links and partner lists use."""
    conn.exec_driver_sql("CREATE INDEX ix_tokens_workspace ON tokens (workspace_id, role, partner_id)")
    conn.exec_driver_sql("CREATE INDEX ix_partners_workspace ON partners (workspace_id)")


def _step3_changes_and_presence(conn: Connection) -> None:
    """Create the change log that live pages follow, and the presence of open pages (DESIGN.md §8)."""
    md = MetaData()
    ts = DateTime(timezone=True)
    log_table = Table(
        "changes", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("workspace_id", String(32), nullable=False),
        Column("what", String(16), nullable=False),
        Column("kind", String(50), nullable=True),
        Column("document_id", Integer, nullable=True),
        Column("partner_id", String(32), nullable=True),
        Column("author", String(100), nullable=True),
        Column("at", ts, nullable=False),
    )
    Index("ix_changes_workspace", log_table.c.workspace_id, log_table.c.id)
    here = Table(
        "presence", md,
        Column("page_id", String(40), primary_key=True),
        Column("workspace_id", String(32), nullable=False),
        Column("role", String(16), nullable=False),
        Column("partner_id", String(32), nullable=True),
        Column("chapter", String(60), nullable=False),
        Column("focus", String(60), nullable=False, server_default=""),
        Column("follow", Integer, nullable=False, server_default=text("0")),
        Column("seen_at", ts, nullable=False),
    )
    Index("ix_presence_workspace", here.c.workspace_id, here.c.seen_at)
    # partners are organisations: invited with a link, taking part without one, or the trekker's own (issue 17)
    conn.exec_driver_sql("ALTER TABLE partners ADD COLUMN soort VARCHAR(16) NOT NULL DEFAULT 'partner'")
    Table(
        "seen", md,
        Column("token_hash", String(64), primary_key=True),
        Column("chapter", String(60), primary_key=True),
        Column("change_id", Integer, nullable=False),
    )
    md.create_all(conn)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "create workspaces, partners, tokens, documents, revisions", _step1_create_tables),
    Migration(2, "index tokens and partners by workspace", _step2_lookup_indexes),
    Migration(
        3, "change log, presence and what each link has seen, for live pages; partners without a link",
        _step3_changes_and_presence,
    ),
)
"""The ordered schema steps; the schema version of a fully migrated database is ``MIGRATIONS[-1].version``."""


# --------------------------------------------------------------- engines
_ENGINES: dict[tuple[int, str], Engine] = {}
_MIGRATED: set[tuple[int, str]] = set()
_ENGINES_LOCK = threading.Lock()


def _sqlite_on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    # Let SQLAlchemy (the "begin" hook) emit BEGIN, not the sqlite3 driver.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")  # durable in WAL mode except on power loss
    finally:
        cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    # Writers take the write lock up front, so two writers queue (busy_timeout)
    # instead of one failing when it upgrades a read lock.
    mode = "IMMEDIATE" if conn.get_execution_options().get(_BEGIN_OPTION) == "IMMEDIATE" else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


def _new_engine(url: str) -> Engine:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            from .paths import private_dir, private_file

            target = Path(database).expanduser()
            private_dir(target.parent)
            private_file(target)  # 0600 before SQLite creates it (and its -wal/-shm) under the umask
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    if backend == "postgresql":
        connect_args = {} if "connect_timeout" in parsed.query else {"connect_timeout": 10}
        return create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
    raise ValueError(f"unsupported database {backend!r}: use sqlite:///… or postgresql+psycopg://…")


def _engine_for(url: str) -> Engine:
    """Return this process's cached engine for ``url`` (created on first use)."""
    key = (os.getpid(), url)
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = _ENGINES[key] = _new_engine(url)
        return engine


# ------------------------------------------------------- transactions
_TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "53300", "55P03", "57P01", "57P02", "57P03"})
# 53300 too_many_connections: the server or the role is at its connection limit (many pages on many
# serve processes); a connection often frees within the retry window, else the page says so and retries.
_SQLITE_TRANSIENT = ("database is locked", "database is busy", "database table is locked")


def _is_transient(exc: DBAPIError, dialect: str) -> bool:
    """Return whether ``exc`` is worth retrying (lock contention, lost connection)."""
    if exc.connection_invalidated:
        return True
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate:
        return sqlstate in _TRANSIENT_SQLSTATES or sqlstate.startswith("08")
    if not isinstance(exc, OperationalError):
        return False
    if dialect == "sqlite":
        message = str(exc.orig).lower()
        return any(m in message for m in _SQLITE_TRANSIENT)
    return True  # psycopg: connection-level failure without an SQLSTATE (refused, closed)


def _transaction(engine: Engine, fn: Callable[[Connection], T], *, write: bool, retries: int = RETRIES) -> T:
    """Run ``fn(connection)`` in one transaction, retrying transient errors.

    Returns:
        What ``fn`` returns, after commit.

    Raises:
        StoreUnavailable: if transient errors persist after ``retries`` extra
            attempts, or for any other operational error (unreachable database).
        Exception: whatever ``fn`` raises (the transaction is rolled back).
    """
    dialect = engine.dialect.name
    attempt = 0
    started = time.monotonic()
    while True:
        try:
            with engine.connect() as conn:
                if write and dialect == "sqlite":
                    conn.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
                with conn.begin():
                    return fn(conn)
        except DBAPIError as exc:
            if not _is_transient(exc, dialect):
                if isinstance(exc, OperationalError):
                    raise StoreUnavailable(f"the store is unavailable: {exc.orig}") from exc
                raise
            attempt += 1
            if attempt > retries or time.monotonic() - started > RETRY_WINDOW_S:
                raise StoreUnavailable(
                    f"the store stayed unavailable after {attempt} attempt(s): {exc.orig}"
                ) from exc
            delay = 0.05 * 2 ** (attempt - 1) * random.uniform(0.5, 1.5)
            log.info("transient store error (attempt %d, retry in %.0f ms): %s", attempt, delay * 1000, exc.orig)
            time.sleep(delay)
        except PoolTimeoutError as exc:
            raise StoreUnavailable("no database connection became free in time") from exc


def _migrate(engine: Engine, steps: Sequence[Migration] = MIGRATIONS) -> int:
    """Apply the missing ``steps`` in one transaction and return the schema version.

    Safe when several processes open a fresh database at once: on PostgreSQL a
    transaction-scoped advisory lock serialises them, on SQLite the immediate
    transaction does.

    Raises:
        SchemaTooNew: if the database is at a higher version than ``steps`` know.
        StoreUnavailable: if the database cannot be reached.
    """
    versions = [s.version for s in steps]
    if versions != list(range(1, len(versions) + 1)):
        raise ValueError(f"migration versions must be 1..N without gaps, got {versions}")

    def run(conn: Connection) -> int:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
        table = _schema_version_table(MetaData())
        table.create(conn, checkfirst=True)
        current = conn.scalar(select(func.max(table.c.version))) or 0
        latest = versions[-1] if versions else 0
        if current > latest:
            raise SchemaTooNew(f"the database is at schema version {current}; this code knows up to {latest}")
        for step in steps:
            if step.version > current:
                log.info("store: applying schema step %d (%s)", step.version, step.description)
                step.apply(conn)
                conn.execute(
                    insert(table).values(version=step.version, description=step.description, applied_at=_now())
                )
        return max(current, latest)

    return _transaction(engine, run, write=True)


# ---------------------------------------------------------------- helpers
def _now() -> datetime:
    return datetime.now(UTC)


def hash_token(token: str) -> str:
    """Return the stored form of a token: the SHA-256 hex digest (64 characters) of its UTF-8 bytes."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_token() -> str:
    """Return a fresh token; never one starting with "-", which a command line would read as an option."""
    while True:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if not token.startswith("-"):
            return token


def _new_id(nbytes: int) -> str:
    return secrets.token_urlsafe(nbytes)


def _check_text(value: Any, field: str, *, min_length: int, max_length: int, code: str = "invalid_text") -> str:
    """Strip ``value`` and check its length and characters; return the stripped text.

    Raises:
        InvalidInput: for a non-string, a length outside the bounds or control characters.
    """
    if not isinstance(value, str):
        raise InvalidInput(code, f"{field} must be text, got {type(value).__name__}")
    value = value.strip()
    if not min_length <= len(value) <= max_length:
        raise InvalidInput(code, f"{field} must be {min_length}-{max_length} characters, got {len(value)}")
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value):
        raise InvalidInput(code, f"{field} must not contain control characters")
    return value


def _check_name(value: Any, field: str = "name") -> str:
    return _check_text(value, field, min_length=1, max_length=MAX_NAME_LENGTH, code="invalid_name")


def _check_role(role: Any) -> Role:
    if role not in ROLES:
        raise InvalidInput("invalid_role", f"role must be one of {', '.join(ROLES)}, got {role!r}")
    return cast(Role, role)


def _check_kind(kind: Any) -> str:
    if not isinstance(kind, str) or not _KIND_RE.match(kind):
        raise InvalidInput("invalid_kind", f"kind must match {_KIND_RE.pattern}, got {kind!r}")
    return kind


def _check_int(value: Any, field: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidInput("invalid_base", f"{field} must be an integer ≥ {minimum}, got {value!r}")
    return value


def _encode_content(content: Any) -> str:
    """Serialise document content to compact JSON text.

    Raises:
        InvalidInput: (a ``ValueError``) if ``content`` is not a dict, not
            JSON-serialisable (NaN/Infinity included) or over :data:`MAX_CONTENT_BYTES`.
    """
    if not isinstance(content, dict):
        raise InvalidInput("content_not_dict", f"content must be a dict, got {type(content).__name__}")
    try:
        encoded = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise InvalidInput("content_not_json", f"content is not JSON-serialisable: {exc}") from None
    try:
        size = len(encoded.encode("utf-8"))
    except UnicodeEncodeError:
        raise InvalidInput("invalid_unicode", "content holds text that is not valid Unicode") from None
    if size > MAX_CONTENT_BYTES:
        raise InvalidInput(
            "content_too_large", f"content is {size} bytes as JSON; the limit is {MAX_CONTENT_BYTES} bytes (2 MiB)"
        )
    return encoded


def _workspace(row: Row[Any]) -> Workspace:
    return Workspace(row.id, row.name, row.created_at)


def _partner(row: Row[Any]) -> Partner:
    return Partner(
        row.id, row.workspace_id, row.name, row.organisation, row.role, row.created_at, row.removed_at, row.soort
    )


def _document(row: Row[Any]) -> Document:
    return Document(row.id, row.workspace_id, row.kind, row.partner_id, row.state, row.head)


def _revision(row: Row[Any]) -> Revision:
    return Revision(
        row.document_id, row.number, row.parent, row.author, row.created_at, json.loads(row.content), row.note
    )


def _lock_workspace(conn: Connection, workspace_id: str) -> Row[Any]:
    """Return the workspace row, locked against concurrent token/partner changes (PostgreSQL).

    Raises:
        NotFound: for an unknown workspace.
    """
    row = conn.execute(
        select(workspaces).where(workspaces.c.id == workspace_id).with_for_update(key_share=True)
    ).first()
    if row is None:
        raise NotFound(f"no workspace {workspace_id!r}")
    return row


def _partner_row(conn: Connection, workspace_id: str, partner_id: str) -> Row[Any]:
    row = conn.execute(
        select(partners).where(partners.c.id == partner_id, partners.c.workspace_id == workspace_id)
    ).first()
    if row is None:
        raise NotFound(f"no partner {partner_id!r} in workspace {workspace_id!r}")
    return row


def _issue(conn: Connection, workspace_id: str, role: Role, partner_id: str | None) -> str:
    token = _new_token()
    conn.execute(
        insert(tokens).values(
            token_hash=hash_token(token), workspace_id=workspace_id, role=role, partner_id=partner_id,
            created_at=_now(),
        )
    )
    return token


NOTIFY_CHANNEL: Final = "purposecase_changes"
"""PostgreSQL channel on which every committed change is announced as ``"<workspace id>:<change id>"``."""
CHANGES_KEPT_S: Final = 24 * 3600.0
"""How long the change log keeps a change; a page that was away longer reloads everything."""


def _changed(
    conn: Connection, workspace_id: str, what: str, *, kind: str | None = None, document_id: int | None = None,
    partner_id: str | None = None, author: str | None = None,
) -> int:
    """Append a change to the log in the writer's transaction; on PostgreSQL also NOTIFY (sent at commit)."""
    now = _now()
    new_id = conn.execute(
        insert(changes)
        .values(
            workspace_id=workspace_id, what=what, kind=kind, document_id=document_id, partner_id=partner_id,
            author=author, at=now,
        )
        .returning(changes.c.id)
    ).scalar_one()
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_notify(NOTIFY_CHANNEL, f"{workspace_id}:{new_id}")))
    if new_id % 500 == 0:  # now and then, forget changes nobody can still be waiting for
        cutoff = datetime.fromtimestamp(now.timestamp() - CHANGES_KEPT_S, UTC)
        conn.execute(changes.delete().where(changes.c.at < cutoff))
    return new_id


def _head_revision(conn: Connection, document_id: int) -> Revision | None:
    row = conn.execute(
        select(revisions)
        .join(documents, and_(documents.c.id == revisions.c.document_id, documents.c.head == revisions.c.number))
        .where(documents.c.id == document_id)
    ).first()
    return None if row is None else _revision(row)


def _document_row(conn: Connection, document_id: int) -> Row[Any]:
    row = conn.execute(select(documents).where(documents.c.id == document_id)).first()
    if row is None:
        raise NotFound(f"no document {document_id!r}")
    return row


# ------------------------------------------------------------------ store
class Store:
    """The shared store on one database. Cheap to create; the engine is shared per URL.

    Use :func:`open_store`, which also brings the schema up to date. All
    methods run short transactions of their own and may raise
    :class:`StoreUnavailable` when the database stays unreachable or locked.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    @property
    def dialect(self) -> str:
        """Return the backend name: ``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    def _read(self, fn: Callable[[Connection], T]) -> T:
        return _transaction(self.engine, fn, write=False)

    def _write(self, fn: Callable[[Connection], T]) -> T:
        return _transaction(self.engine, fn, write=True)

    def schema_version(self) -> int:
        """Return the database's schema version (0 for an empty database)."""
        return self._read(lambda conn: conn.scalar(select(func.max(schema_version.c.version))) or 0)

    def close(self) -> None:
        """Close the pooled connections and forget the cached engine, so the next open starts afresh.

        The engine stays usable by other :class:`Store` objects (it reconnects on demand).
        """
        with _ENGINES_LOCK:
            for key in [k for k, e in _ENGINES.items() if e is self.engine]:
                del _ENGINES[key]
                _MIGRATED.discard(key)
        self.engine.dispose()

    # ---------------------------------------------------- workspaces
    def create_workspace(self, name: str) -> tuple[Workspace, str]:
        """Create a workspace and its first trekker link.

        Args:
            name: display name, 1-200 characters (stripped).

        Returns:
            ``(workspace, trekker_token)``; the token is shown once and stored only as a hash.

        Raises:
            InvalidInput: for an empty or too long name.
        """
        name = _check_name(name)

        def run(conn: Connection) -> tuple[Workspace, str]:
            workspace = Workspace(_new_id(12), name, _now())
            conn.execute(insert(workspaces).values(id=workspace.id, name=name, created_at=workspace.created_at))
            return workspace, _issue(conn, workspace.id, "trekker", None)

        return self._write(run)

    def import_workspace(
        self,
        name: str,
        partners_in: Sequence[ImportedPartner],
        documents_in: Sequence[ImportedDocument],
        remap: Callable[[Any, dict[str, str]], Any],
    ) -> tuple[Workspace, str, list[tuple[Partner, str | None]]]:
        """Create a NEW workspace with partners, documents and revisions in ONE transaction (all or nothing).

        Partners get new ids (``remap(value, old id → new id)`` rewrites contents and authors);
        removed partners are stored removed and get no link. Revisions keep their original
        times where given (else now); the workspace's own ``created_at`` is the import's time.

        Args:
            name: the new workspace's name (1-200 characters; never cut).
            partners_in: the partners, with the ids they had in the file.
            documents_in: the documents, each with its revisions oldest first.
            remap: rewrites old partner ids in a content value (keys and values).

        Returns:
            ``(workspace, trekker token, [(partner, token or None when removed)])``.

        Raises:
            InvalidInput: for any text, kind, content or state the store refuses; nothing is stored.
            StoreUnavailable: if the database cannot be reached; nothing is stored.
        """
        name = _check_name(name)
        now = _now()
        checked_partners = [
            (
                p,
                _check_name(p.name),
                _check_text(p.organisation, "organisation", min_length=0, max_length=MAX_NAME_LENGTH),
                _check_text(p.role, "role", min_length=0, max_length=MAX_NAME_LENGTH),
            )
            for p in partners_in
        ]
        for d in documents_in:
            _check_kind(d.kind)
            _check_text(d.state, "state", min_length=0, max_length=MAX_STATE_LENGTH)

        def run(conn: Connection) -> tuple[Workspace, str, list[tuple[Partner, str | None]]]:
            workspace = Workspace(_new_id(12), name, now)
            conn.execute(insert(workspaces).values(id=workspace.id, name=name, created_at=now))
            trekker_token = _issue(conn, workspace.id, "trekker", None)
            id_map: dict[str, str] = {}
            made: list[tuple[Partner, str | None]] = []
            for p, pname, organisation, role in checked_partners:
                soort = p.soort if p.soort in PARTNER_KINDS else "partner"
                partner = Partner(
                    _new_id(9), workspace.id, pname, organisation, role, p.created_at or now,
                    (p.removed_at or now) if p.removed else None, soort,
                )
                id_map[p.old_id] = partner.id
                conn.execute(
                    insert(partners).values(
                        id=partner.id, workspace_id=workspace.id, name=pname, organisation=organisation, role=role,
                        created_at=partner.created_at, removed_at=partner.removed_at, soort=soort,
                    )
                )
                linked = not p.removed and soort == "partner"
                made.append((partner, _issue(conn, workspace.id, "partner", partner.id) if linked else None))
            for d in documents_in:
                new_id = conn.execute(
                    insert(documents)
                    .values(
                        workspace_id=workspace.id, kind=d.kind, partner_id=id_map[d.old_partner] if d.old_partner
                        else None, state=d.state, head=len(d.revisions), created_at=now,
                    )
                    .returning(documents.c.id)
                ).scalar_one()
                for number, rev in enumerate(d.revisions, start=1):
                    author = _check_text(
                        id_map.get(rev.author, rev.author), "author", min_length=1, max_length=MAX_AUTHOR_LENGTH
                    )
                    note = None
                    if rev.note is not None:
                        note = _check_text(rev.note, "note", min_length=0, max_length=MAX_NOTE_LENGTH) or None
                    conn.execute(
                        insert(revisions).values(
                            document_id=new_id, number=number, parent=number - 1, author=author,
                            created_at=rev.created_at or now, content=_encode_content(remap(rev.content, id_map)),
                            note=note,
                        )
                    )
            return workspace, trekker_token, made

        return self._write(run)

    def workspace(self, workspace_id: str) -> Workspace:
        """Return a workspace.

        Raises:
            NotFound: for an unknown id.
        """

        def run(conn: Connection) -> Workspace:
            row = conn.execute(select(workspaces).where(workspaces.c.id == workspace_id)).first()
            if row is None:
                raise NotFound(f"no workspace {workspace_id!r}")
            return _workspace(row)

        return self._read(run)

    # ------------------------------------------------------ partners
    def add_partner(
        self, workspace_id: str, name: str, organisation: str, role: str = "", *, soort: str = "partner"
    ) -> tuple[Partner, str | None]:
        """Add a partner to a workspace and, for an invited partner, issue their personal link.

        Args:
            workspace_id: the workspace.
            name: 1-200 characters (the contact person, or the organisation itself).
            organisation: 0-200 characters.
            role: free text role in the collaboration, 0-200 characters.
            soort: ``"partner"`` (a personal link), ``"zonder_link"`` or ``"trekker"`` (the trekker's own
                organisation; at most one active per workspace). See :attr:`Partner.soort`.

        Returns:
            ``(partner, partner_token)``; the token is ``None`` for a partner without a link.

        Raises:
            NotFound: for an unknown workspace.
            InvalidInput: for invalid texts, an unknown ``soort`` (``invalid_role``) or a second trekker
                organisation (``trekker_exists``).
        """
        name = _check_name(name)
        organisation = _check_text(organisation, "organisation", min_length=0, max_length=MAX_NAME_LENGTH)
        role = _check_text(role, "role", min_length=0, max_length=MAX_NAME_LENGTH)
        if soort not in PARTNER_KINDS:
            raise InvalidInput("invalid_role", f"soort must be one of {', '.join(PARTNER_KINDS)}, got {soort!r}")

        def run(conn: Connection) -> tuple[Partner, str | None]:
            _lock_workspace(conn, workspace_id)
            if soort == "trekker" and conn.scalar(
                select(partners.c.id).where(
                    partners.c.workspace_id == workspace_id, partners.c.soort == "trekker",
                    partners.c.removed_at.is_(None),
                )
            ):
                raise InvalidInput("trekker_exists", "the trekker's organisation is already a partner")
            partner = Partner(_new_id(9), workspace_id, name, organisation, role, _now(), None, soort)
            conn.execute(
                insert(partners).values(
                    id=partner.id, workspace_id=workspace_id, name=name, organisation=organisation, role=role,
                    created_at=partner.created_at, removed_at=None, soort=soort,
                )
            )
            _changed(conn, workspace_id, "partner", partner_id=partner.id, author="trekker")
            return partner, _issue(conn, workspace_id, "partner", partner.id) if soort == "partner" else None

        return self._write(run)

    def update_partner(
        self, workspace_id: str, partner_id: str, name: str, organisation: str, role: str = ""
    ) -> Partner:
        """Change a partner's contact name, organisation and role (their id, links and documents stay).

        Raises:
            NotFound: for an unknown workspace or partner.
            InvalidInput: for invalid texts.
        """
        name = _check_name(name)
        organisation = _check_text(organisation, "organisation", min_length=0, max_length=MAX_NAME_LENGTH)
        role = _check_text(role, "role", min_length=0, max_length=MAX_NAME_LENGTH)

        def run(conn: Connection) -> Partner:
            _lock_workspace(conn, workspace_id)
            _partner_row(conn, workspace_id, partner_id)
            conn.execute(
                update(partners).where(partners.c.id == partner_id).values(
                    name=name, organisation=organisation, role=role
                )
            )
            _changed(conn, workspace_id, "partner", partner_id=partner_id, author="trekker")
            return _partner(_partner_row(conn, workspace_id, partner_id))

        return self._write(run)

    def list_partners(self, workspace_id: str, include_removed: bool = False) -> list[Partner]:
        """Return the workspace's partners in the order they were added.

        Raises:
            NotFound: for an unknown workspace.
        """

        def run(conn: Connection) -> list[Partner]:
            if conn.scalar(select(workspaces.c.id).where(workspaces.c.id == workspace_id)) is None:
                raise NotFound(f"no workspace {workspace_id!r}")
            query = select(partners).where(partners.c.workspace_id == workspace_id)
            if not include_removed:
                query = query.where(partners.c.removed_at.is_(None))
            return [_partner(r) for r in conn.execute(query.order_by(partners.c.created_at, partners.c.id))]

        return self._read(run)

    def remove_partner(self, workspace_id: str, partner_id: str) -> Partner:
        """Remove a partner: set ``removed_at`` and revoke their links; their documents stay.

        Idempotent: removing a removed partner changes nothing.

        Returns:
            The partner as stored afterwards.

        Raises:
            NotFound: for an unknown workspace or partner.
        """

        def run(conn: Connection) -> Partner:
            _lock_workspace(conn, workspace_id)
            row = _partner_row(conn, workspace_id, partner_id)
            if row.removed_at is not None:
                return _partner(row)
            now = _now()
            conn.execute(update(partners).where(partners.c.id == partner_id).values(removed_at=now))
            conn.execute(
                update(tokens)
                .where(tokens.c.partner_id == partner_id, tokens.c.revoked_at.is_(None))
                .values(revoked_at=now)
            )
            _changed(conn, workspace_id, "partner", partner_id=partner_id, author="trekker")
            return _partner(_partner_row(conn, workspace_id, partner_id))

        return self._write(run)

    # -------------------------------------------------------- tokens
    def viewer_token(self, workspace_id: str) -> str:
        """Issue a new read-only viewer link (a new token every call).

        Raises:
            NotFound: for an unknown workspace.
        """

        def run(conn: Connection) -> str:
            _lock_workspace(conn, workspace_id)
            return _issue(conn, workspace_id, "viewer", None)

        return self._write(run)

    def reissue(self, workspace_id: str, role: Role, partner_id: str | None = None) -> str:
        """Revoke every active token of ``role`` (and partner) in the workspace and issue a new one.

        Args:
            workspace_id: the workspace.
            role: ``"trekker"``, ``"partner"`` or ``"viewer"``.
            partner_id: required for ``"partner"``, must be ``None`` otherwise.

        Returns:
            The new token.

        Raises:
            NotFound: for an unknown workspace or partner.
            InvalidInput: for an unknown role, a missing/superfluous partner id
                (``invalid_role``) or a removed partner (``partner_removed``).
        """
        role = _check_role(role)
        if (role == "partner") != (partner_id is not None):
            raise InvalidInput("invalid_role", "partner_id is required for role 'partner' and only for it")

        def run(conn: Connection) -> str:
            _lock_workspace(conn, workspace_id)
            if partner_id is not None:
                row = _partner_row(conn, workspace_id, partner_id)
                if row.removed_at is not None:
                    raise InvalidInput("partner_removed", f"partner {partner_id!r} has been removed")
                if row.soort == "trekker":
                    raise InvalidInput("no_link", "the trekker's organisation uses the trekker's link")
                if row.soort == "zonder_link":  # invited after all: from now on with a link and a draft
                    conn.execute(update(partners).where(partners.c.id == partner_id).values(soort="partner"))
            match_partner = tokens.c.partner_id.is_(None) if partner_id is None else tokens.c.partner_id == partner_id
            conn.execute(
                update(tokens)
                .where(
                    tokens.c.workspace_id == workspace_id, tokens.c.role == role, match_partner,
                    tokens.c.revoked_at.is_(None),
                )
                .values(revoked_at=_now())
            )
            _changed(conn, workspace_id, "link", partner_id=partner_id, author="trekker")
            return _issue(conn, workspace_id, role, partner_id)

        return self._write(run)

    def revoke(self, token_or_hash: str) -> None:
        """Revoke a token at once; takes the token or its SHA-256 hex digest. Idempotent.

        Raises:
            InvalidToken: if no such token was ever issued.
        """
        if not isinstance(token_or_hash, str):
            raise InvalidToken("a token must be text")
        token_or_hash = token_or_hash.strip()
        digest = token_or_hash if _HASH_RE.match(token_or_hash) else hash_token(token_or_hash)

        def run(conn: Connection) -> None:
            result = conn.execute(
                update(tokens)
                .where(tokens.c.token_hash == digest, tokens.c.revoked_at.is_(None))
                .values(revoked_at=_now())
            )
            row = conn.execute(
                select(tokens.c.workspace_id, tokens.c.partner_id).where(tokens.c.token_hash == digest)
            ).first()
            if row is None:
                raise InvalidToken("unknown token")
            if result.rowcount:
                _changed(conn, row.workspace_id, "link", partner_id=row.partner_id)

        self._write(run)

    def resolve(self, token: str) -> Access:
        """Return what a link's token opens.

        Raises:
            InvalidToken: for an unknown (or malformed) token.
            RevokedToken: for a revoked token.
        """
        if not isinstance(token, str) or not 1 <= len(token) <= 200:
            raise InvalidToken("malformed token")
        digest = hash_token(token.strip())

        def run(conn: Connection) -> Access:
            row = conn.execute(
                select(tokens, workspaces.c.name.label("workspace_name"))
                .join(workspaces, workspaces.c.id == tokens.c.workspace_id)
                .where(tokens.c.token_hash == digest)
            ).first()
            if row is None or not hmac.compare_digest(row.token_hash, digest):
                raise InvalidToken("unknown token")
            if row.revoked_at is not None:
                raise RevokedToken("this link has been revoked")
            return Access(row.workspace_id, row.role, row.partner_id, row.workspace_name, digest)

        return self._read(run)

    def check_access(self, access: Access) -> None:
        """Raise unless the token behind ``access`` still works (not revoked, partner not removed).

        An open page keeps its :class:`Access` for as long as it is open; checking it
        again before a write makes a revoked link stop working at once, also in a page
        opened before the link was revoked. An ``access`` without ``token_hash``
        (built by hand, not by :meth:`resolve`) is not checked.

        Raises:
            InvalidToken: if the token no longer exists.
            RevokedToken: if the token was revoked (re-issued link, removed partner).
        """
        if not access.token_hash:
            return

        def run(conn: Connection) -> Any:
            return conn.execute(
                select(tokens.c.revoked_at, tokens.c.workspace_id).where(tokens.c.token_hash == access.token_hash)
            ).first()

        row = self._read(run)
        if row is None or row.workspace_id != access.workspace_id:
            raise InvalidToken("unknown token")
        if row.revoked_at is not None:
            raise RevokedToken("this link has been revoked")

    # ----------------------------------------------------- documents
    def document(self, workspace_id: str, kind: str, partner_id: str | None = None, create: bool = True) -> Document:
        """Return the workspace's document of ``kind`` (and partner), creating it if asked.

        There is one document per (workspace, kind, partner). A new document
        has ``head`` 0 and state :data:`DEFAULT_STATES` ``[kind]`` (``""`` if unlisted).

        Args:
            workspace_id: the workspace.
            kind: lower-case key, e.g. ``"draft"``, ``"shared_case"`` (``[a-z][a-z0-9_]*``, ≤ 50).
            partner_id: the owning partner (drafts) or ``None``.
            create: create the document when missing.

        Raises:
            NotFound: for an unknown workspace or partner, or a missing
                document with ``create=False``.
            InvalidInput: for a malformed kind.
        """
        kind = _check_kind(kind)
        match_partner = documents.c.partner_id.is_(None) if partner_id is None else documents.c.partner_id == partner_id
        query = select(documents).where(
            documents.c.workspace_id == workspace_id, documents.c.kind == kind, match_partner
        )

        def find(conn: Connection) -> Document | None:
            row = conn.execute(query).first()
            return None if row is None else _document(row)

        found = self._read(find)
        if found is not None:
            return found
        if not create:
            raise NotFound(f"no {kind!r} document for partner {partner_id!r} in workspace {workspace_id!r}")

        def run(conn: Connection) -> Document:
            _lock_workspace(conn, workspace_id)
            if partner_id is not None:
                _partner_row(conn, workspace_id, partner_id)
            existing = find(conn)
            if existing is not None:
                return existing
            new_id = conn.execute(
                insert(documents)
                .values(
                    workspace_id=workspace_id, kind=kind, partner_id=partner_id,
                    state=DEFAULT_STATES.get(kind, ""), head=0, created_at=_now(),
                )
                .returning(documents.c.id)
            ).scalar_one()
            return Document(new_id, workspace_id, kind, partner_id, DEFAULT_STATES.get(kind, ""), 0)

        try:
            return self._write(run)
        except IntegrityError:
            # Another process created the same document between our read and insert.
            found = self._read(find)
            if found is None:
                raise
            return found

    def get_document(self, document_id: int) -> Document:
        """Return a document by id.

        Raises:
            NotFound: for an unknown id.
        """
        return self._read(lambda conn: _document(_document_row(conn, document_id)))

    def documents(self, workspace_id: str, kind: str | None = None) -> list[Document]:
        """Return the workspace's documents (optionally of one kind), oldest first."""
        query = select(documents).where(documents.c.workspace_id == workspace_id)
        if kind is not None:
            query = query.where(documents.c.kind == _check_kind(kind))
        return self._read(lambda conn: [_document(r) for r in conn.execute(query.order_by(documents.c.id))])

    def set_state(self, document_id: int, state: str) -> Document:
        """Set a document's ``state`` (0-50 characters, e.g. ``"gedeeld"``); not a revision.

        Returns:
            The updated document.

        Raises:
            NotFound: for an unknown document.
            InvalidInput: for a too long state.
        """
        state = _check_text(state, "state", min_length=0, max_length=MAX_STATE_LENGTH)

        def run(conn: Connection) -> Document:
            conn.execute(update(documents).where(documents.c.id == document_id).values(state=state))
            doc = _document(_document_row(conn, document_id))
            _changed(
                conn, doc.workspace_id, "state", kind=doc.kind, document_id=doc.id, partner_id=doc.partner_id,
                author=doc.partner_id,
            )
            return doc

        return self._write(run)

    # ------------------------------------------------ live: changes, presence
    def changes_since(self, workspace_id: str, after: int, *, limit: int = 500) -> list[Change]:
        """Return the workspace's committed changes with an id above ``after``, oldest first (at most ``limit``).

        One indexed query: cheap enough for a page to ask every half second (SQLite) or
        whenever PostgreSQL announces a change on :data:`NOTIFY_CHANNEL`.
        """

        def run(conn: Connection) -> list[Change]:
            rows = conn.execute(
                select(changes)
                .where(changes.c.workspace_id == workspace_id, changes.c.id > after)
                .order_by(changes.c.id)
                .limit(limit)
            )
            return [Change(**r._mapping) for r in rows]

        return self._read(run)

    def last_change(self, workspace_id: str) -> int:
        """Return the id of the workspace's latest change (0 when there is none)."""
        return self._read(
            lambda conn: conn.scalar(select(func.coalesce(func.max(changes.c.id), 0)).where(
                changes.c.workspace_id == workspace_id
            ))
        )

    def heartbeat(
        self, page_id: str, workspace_id: str, role: str, partner_id: str | None, chapter: str, *,
        focus: str = "", follow: bool = False,
    ) -> bool:
        """Record that a page is open (and what it shows); announce it when it is new or shows something else.

        Args:
            page_id: the page's random id (1-40 characters).
            workspace_id: the workspace.
            role: the page's role.
            partner_id: the page's partner, for a partner's page.
            chapter: the chapter's notebook name (at most 60 characters).
            focus: what the page has open within the chapter (at most 60 characters).
            follow: the trekker's page asks the others to follow it.

        Returns:
            Whether a ``presence`` change was announced.
        """
        page_id = _check_text(page_id, "page_id", min_length=1, max_length=40)
        chapter = _check_text(chapter, "chapter", min_length=0, max_length=60)
        focus = _check_text(focus, "focus", min_length=0, max_length=60)

        def run(conn: Connection) -> bool:
            now = _now()
            row = conn.execute(select(presence).where(presence.c.page_id == page_id)).first()
            if row is None:
                conn.execute(
                    insert(presence).values(
                        page_id=page_id, workspace_id=workspace_id, role=role, partner_id=partner_id,
                        chapter=chapter, focus=focus, follow=int(follow), seen_at=now,
                    )
                )
                _changed(conn, workspace_id, "presence", partner_id=partner_id, author=partner_id or role)
                return True
            moved = (row.chapter, row.focus, bool(row.follow)) != (chapter, focus, follow)
            conn.execute(
                update(presence).where(presence.c.page_id == page_id).values(
                    chapter=chapter, focus=focus, follow=int(follow), seen_at=now
                )
            )
            if moved:
                _changed(conn, workspace_id, "presence", partner_id=partner_id, author=partner_id or role)
            return moved

        return self._write(run)

    def leave(self, page_id: str) -> None:
        """Forget an open page (it closed) and announce it; idempotent."""

        def run(conn: Connection) -> None:
            row = conn.execute(select(presence).where(presence.c.page_id == page_id)).first()
            if row is not None:
                conn.execute(presence.delete().where(presence.c.page_id == page_id))
                _changed(conn, row.workspace_id, "presence", partner_id=row.partner_id)

        self._write(run)

    def present(self, workspace_id: str, *, within: float = 30.0) -> list[Presence]:
        """Return the pages of a workspace that gave a sign of life in the last ``within`` seconds, oldest first."""
        cutoff = datetime.fromtimestamp(_now().timestamp() - within, UTC)

        def run(conn: Connection) -> list[Presence]:
            rows = conn.execute(
                select(presence)
                .where(presence.c.workspace_id == workspace_id, presence.c.seen_at >= cutoff)
                .order_by(presence.c.seen_at, presence.c.page_id)
            )
            return [Presence(**{**r._mapping, "follow": bool(r.follow)}) for r in rows]

        return self._read(run)

    def mark_seen(self, token_hash: str, chapter: str, change_id: int) -> None:
        """Remember that the link with ``token_hash`` has seen ``chapter`` up to change ``change_id`` (never back)."""
        chapter = _check_text(chapter, "chapter", min_length=1, max_length=60)

        def run(conn: Connection) -> None:
            current = conn.scalar(
                select(seen.c.change_id).where(seen.c.token_hash == token_hash, seen.c.chapter == chapter)
            )
            if current is None:
                conn.execute(insert(seen).values(token_hash=token_hash, chapter=chapter, change_id=change_id))
            elif change_id > current:
                conn.execute(
                    update(seen).where(seen.c.token_hash == token_hash, seen.c.chapter == chapter)
                    .values(change_id=change_id)
                )

        self._write(run)

    def seen_by(self, token_hash: str) -> dict[str, int]:
        """Return chapter → the last change id the link with ``token_hash`` has seen there."""
        query = select(seen).where(seen.c.token_hash == token_hash)
        return self._read(lambda conn: {r.chapter: r.change_id for r in conn.execute(query)})

    # ----------------------------------------------------- revisions
    def load(self, document_id: int) -> Revision | None:
        """Return the document's head revision (content parsed), or ``None`` before the first save.

        Raises:
            NotFound: for an unknown document.
        """

        def run(conn: Connection) -> Revision | None:
            head = _document_row(conn, document_id).head
            if head == 0:
                return None
            return _revision(
                conn.execute(
                    select(revisions).where(revisions.c.document_id == document_id, revisions.c.number == head)
                ).one()
            )

        return self._read(run)

    def save(
        self, document_id: int, content: dict[str, Any], *, base: int, author: str, note: str | None = None
    ) -> Revision:
        """Append revision ``base + 1`` if the document's head is still ``base``.

        Race-free across processes: the head moves by a conditional
        ``UPDATE … WHERE head = base`` in the same transaction as the insert,
        with ``UNIQUE(document_id, number)`` as a backstop.

        Args:
            document_id: the document.
            content: a JSON-serialisable dict, at most :data:`MAX_CONTENT_BYTES` as UTF-8 JSON.
            base: the revision number the edit started from (0 for a new document).
            author: ``"trekker"``, a partner id, ``"viewer"`` or ``"system"`` (1-100 characters).
            note: optional, at most 500 characters.

        Returns:
            The new revision.

        Raises:
            ConflictError: if someone saved after ``base``; ``theirs`` is the current head.
            NotFound: for an unknown document.
            InvalidInput: (``ValueError``) for bad content, base, author or note.
            StoreUnavailable: if the database stays unreachable or locked.
        """
        encoded = _encode_content(content)
        base = _check_int(base, "base", minimum=0)
        author = _check_text(author, "author", min_length=1, max_length=MAX_AUTHOR_LENGTH)
        if note is not None:
            note = _check_text(note, "note", min_length=0, max_length=MAX_NOTE_LENGTH) or None
        attempts = 0

        def run(conn: Connection) -> Revision:
            nonlocal attempts
            attempts += 1
            moved = conn.execute(
                update(documents)
                .where(documents.c.id == document_id, documents.c.head == base)
                .values(head=base + 1)
            ).rowcount
            if moved != 1:
                head = _document_row(conn, document_id).head
                if base > head:
                    raise InvalidInput("invalid_base", f"base {base} is ahead of the document's head {head}")
                theirs = _head_revision(conn, document_id)
                assert theirs is not None  # head > base >= 0
                if (
                    attempts > 1 and theirs.number == base + 1 and theirs.author == author and theirs.note == note
                    and json.dumps(theirs.content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
                    == encoded
                ):
                    return theirs  # our own commit, acknowledged late before a retry
                raise ConflictError(document_id, base, theirs)
            revision = Revision(document_id, base + 1, base, author, _now(), json.loads(encoded), note)
            conn.execute(
                insert(revisions).values(
                    document_id=document_id, number=revision.number, parent=base, author=author,
                    created_at=revision.created_at, content=encoded, note=note,
                )
            )
            doc = _document_row(conn, document_id)
            _changed(
                conn, doc.workspace_id, "save", kind=doc.kind, document_id=document_id, partner_id=doc.partner_id,
                author=author,
            )
            return revision

        try:
            return self._write(run)
        except IntegrityError as exc:
            # Backstop: a revision with that number exists although the head said otherwise.
            theirs = self._read(lambda conn: _head_revision(conn, document_id))
            if theirs is None:
                raise
            raise ConflictError(document_id, base, theirs) from exc

    def history(self, document_id: int) -> list[RevisionInfo]:
        """Return the document's revisions without content, newest first.

        Raises:
            NotFound: for an unknown document.
        """

        def run(conn: Connection) -> list[RevisionInfo]:
            _document_row(conn, document_id)
            rows = conn.execute(
                select(revisions.c.number, revisions.c.parent, revisions.c.author, revisions.c.created_at,
                       revisions.c.note)
                .where(revisions.c.document_id == document_id)
                .order_by(revisions.c.number.desc())
            )
            return [RevisionInfo(r.number, r.parent, r.author, r.created_at, r.note) for r in rows]

        return self._read(run)

    def revision(self, document_id: int, number: int) -> Revision:
        """Return revision ``number`` of a document, with content.

        Raises:
            NotFound: for an unknown document or revision number.
        """

        def run(conn: Connection) -> Revision:
            row = conn.execute(
                select(revisions).where(revisions.c.document_id == document_id, revisions.c.number == number)
            ).first()
            if row is None:
                raise NotFound(f"document {document_id!r} has no revision {number!r}")
            return _revision(row)

        return self._read(run)

    def restore(self, document_id: int, number: int, *, base: int, author: str) -> Revision:
        """Save the content of revision ``number`` again as a NEW revision (note ``"hersteld uit revisie N"``).

        History is never rewritten: the restore is itself revision ``base + 1``.

        Raises:
            NotFound: for an unknown document or revision.
            ConflictError: if someone saved after ``base``.
        """
        old = self.revision(document_id, number)
        return self.save(document_id, old.content, base=base, author=author, note=f"hersteld uit revisie {number}")


def open_store(url: str | None = None) -> Store:
    """Open the shared store, creating and migrating the database when needed.

    Engines are cached per process and URL (a Voilà kernel opens the store
    once); the schema check runs once per process and URL.

    Args:
        url: SQLAlchemy URL; default :func:`purposecase.paths.database_url`
            (``PURPOSECASE_DATABASE_URL`` or ``sqlite:///<data_home()>/werkboek.sqlite3``).

    Raises:
        StoreUnavailable: if the database cannot be reached.
        SchemaTooNew: if a newer version of this package migrated the database.
        ValueError: for an unsupported database URL.
    """
    url = url or database_url()
    engine = _engine_for(url)
    key = (os.getpid(), url)
    if key not in _MIGRATED:
        _migrate(engine, MIGRATIONS)
        with _ENGINES_LOCK:
            _MIGRATED.add(key)
    return Store(engine)
