"""The shared store on SQLite (always) and PostgreSQL (when PURPOSECASE_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from purposecase import store as store_mod
from purposecase.paths import data_home, database_url
from purposecase.store import (
    MAX_CONTENT_BYTES,
    MIGRATIONS,
    AccessError,
    ConflictError,
    InvalidInput,
    InvalidToken,
    Migration,
    NotFound,
    RevokedToken,
    SchemaTooNew,
    Store,
    StoreUnavailable,
    hash_token,
    open_store,
)

PG_ENV = "PURPOSECASE_TEST_POSTGRES_URL"


@pytest.fixture()
def store(db_url) -> Store:
    return open_store(db_url)


@pytest.fixture()
def ws(store):
    workspace, token = store.create_workspace("Noordereiland mobiliteit")
    return workspace, token


def dump_database(store: Store) -> str:
    """Every table's every column of every row, as text."""
    parts = []
    with store.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                parts.extend(str(v) for v in row)
    return "\n".join(parts)


# ------------------------------------------------------------ engine
def test_default_url_is_sqlite_in_the_data_folder(monkeypatch):
    monkeypatch.delenv("PURPOSECASE_DATABASE_URL", raising=False)
    assert database_url() == f"sqlite:///{data_home() / 'werkboek.sqlite3'}"
    store = open_store()
    try:
        assert store.dialect == "sqlite"
        assert Path(store.engine.url.database) == data_home() / "werkboek.sqlite3"
        assert open_store().engine is store.engine  # cached per process and URL
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
    finally:
        store.close()


def test_env_var_chooses_the_database(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'elders.sqlite3'}"
    monkeypatch.setenv("PURPOSECASE_DATABASE_URL", url)
    assert database_url() == url
    store = open_store()
    try:
        assert store.engine.url.database == str(tmp_path / "elders.sqlite3")
    finally:
        store.close()


def test_unsupported_url():
    with pytest.raises(ValueError, match="unsupported"):
        open_store("mysql://x@localhost/y")


def test_unreachable_postgres_is_store_unavailable(monkeypatch):
    monkeypatch.setattr(store_mod.time, "sleep", lambda s: None)
    with pytest.raises(StoreUnavailable) as err:
        open_store("postgresql+psycopg://nobody@127.0.0.1:1/nothing?connect_timeout=2")
    assert err.value.code == "unavailable"


def test_transient_errors_are_retried_then_unavailable(monkeypatch, tmp_path):
    monkeypatch.setattr(store_mod.time, "sleep", lambda s: None)
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite3'}")
    locked = OperationalError("UPDATE …", {}, sqlite3.OperationalError("database is locked"))
    calls = []

    def flaky(conn):
        calls.append(1)
        if len(calls) < 3:
            raise locked
        return "ok"

    assert store._write(flaky) == "ok"
    assert len(calls) == 3

    def always(conn):
        raise locked

    with pytest.raises(StoreUnavailable):
        store._write(always)

    calls.clear()

    def broken(conn):  # a non-transient operational error is reported at once, not retried
        calls.append(1)
        conn.exec_driver_sql("SELECT * FROM no_such_table")

    with pytest.raises(StoreUnavailable) as err:
        store._read(broken)
    assert len(calls) == 1
    assert "no_such_table" in str(err.value.__cause__)
    store.close()


def test_save_retried_after_a_lost_commit_acknowledgement(store, ws, monkeypatch):
    """A commit that succeeded but whose answer was lost is retried; the retry must not report a conflict."""
    workspace, _ = ws
    doc = store.document(workspace.id, "shared_case")
    real = store_mod._transaction

    def lossy(engine, fn, *, write, retries=store_mod.RETRIES):
        if write:
            real(engine, fn, write=write)  # committed, but the caller never hears of it
        return real(engine, fn, write=write)  # the retry

    monkeypatch.setattr(store_mod, "_transaction", lossy)
    rev = store.save(doc.id, {"t": "één keer"}, base=0, author="trekker")
    assert rev.number == 1 and rev.content == {"t": "één keer"}
    assert [h.number for h in store.history(doc.id)] == [1]
    with pytest.raises(ConflictError):  # a genuinely different save still conflicts
        store.save(doc.id, {"t": "anders"}, base=0, author="trekker")


def test_lost_postgres_connection_is_replaced(store, ws):
    if store.dialect != "postgresql":
        pytest.skip("PostgreSQL only")
    workspace, token = ws
    with store.engine.connect() as conn:
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    admin = create_engine(store.engine.url, poolclass=NullPool)
    with admin.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    admin.dispose()
    time.sleep(0.2)
    assert store.resolve(token).workspace_id == workspace.id  # reconnects instead of failing


def test_sqlite_writer_waits_for_the_lock(tmp_path):
    """BEGIN IMMEDIATE + busy_timeout: a writer queues behind another instead of failing."""
    path = tmp_path / "s.sqlite3"
    store = open_store(f"sqlite:///{path}")
    workspace, _ = store.create_workspace("Slot")
    doc = store.document(workspace.id, "shared_case")
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    committed = []

    def commit_later():
        committed.append(time.monotonic())
        other.execute("COMMIT")

    threading.Timer(0.5, commit_later).start()
    rev = store.save(doc.id, {"x": 1}, base=0, author="trekker")
    saved_at = time.monotonic()
    assert rev.number == 1
    assert committed and committed[0] <= saved_at  # it queued behind the other writer, then succeeded
    other.close()
    store.close()


# ------------------------------------------------------ workspaces and links
def test_workspace_and_trekker_token(store, ws):
    workspace, token = ws
    assert len(token) >= 43  # 32 random bytes, url-safe
    access = store.resolve(token)
    assert (access.workspace_id, access.role, access.partner_id) == (workspace.id, "trekker", None)
    assert access.workspace_name == "Noordereiland mobiliteit"
    assert store.workspace(workspace.id) == workspace
    assert workspace.created_at.tzinfo is not None
    with pytest.raises(NotFound):
        store.workspace("nope")


def test_partner_token_resolves_to_its_partner(store, ws):
    workspace, _ = ws
    ret, ret_token = store.add_partner(workspace.id, "RET", "RET bv", role="vervoerder")
    school, school_token = store.add_partner(workspace.id, "Zadkine", "Zadkine mbo")
    assert ret.role == "vervoerder" and school.role == ""
    for partner, token in ((ret, ret_token), (school, school_token)):
        access = store.resolve(token)
        assert (access.workspace_id, access.role, access.partner_id) == (workspace.id, "partner", partner.id)
    assert [p.name for p in store.list_partners(workspace.id)] == ["RET", "Zadkine"]
    with pytest.raises(NotFound):
        store.add_partner("nope", "X", "Y")


def test_unknown_and_malformed_tokens(store, ws):
    for token in [secrets.token_urlsafe(32), "", "x" * 201, None, 42]:
        with pytest.raises(InvalidToken) as err:
            store.resolve(token)
        assert err.value.code == "invalid_token"
        assert isinstance(err.value, AccessError)
    with pytest.raises(InvalidToken):
        store.revoke(secrets.token_urlsafe(32))


def test_revoke_and_reissue(store, ws):
    workspace, trekker = ws
    partner, partner_token = store.add_partner(workspace.id, "Gemeente", "Gemeente Rotterdam")
    viewer1, viewer2 = store.viewer_token(workspace.id), store.viewer_token(workspace.id)
    assert viewer1 != viewer2
    assert store.resolve(viewer1).role == "viewer"

    store.revoke(viewer1)
    with pytest.raises(RevokedToken) as err:
        store.resolve(viewer1)
    assert err.value.code == "revoked_token"
    assert store.resolve(viewer2).role == "viewer"
    store.revoke(viewer1)  # idempotent

    store.revoke(hash_token(viewer2))  # by hash
    with pytest.raises(RevokedToken):
        store.resolve(viewer2)

    new_partner_token = store.reissue(workspace.id, "partner", partner.id)
    with pytest.raises(RevokedToken):
        store.resolve(partner_token)
    assert store.resolve(new_partner_token).partner_id == partner.id

    new_trekker = store.reissue(workspace.id, "trekker")
    with pytest.raises(RevokedToken):
        store.resolve(trekker)
    assert store.resolve(new_trekker).role == "trekker"
    assert store.resolve(new_partner_token).role == "partner"  # other roles untouched

    with pytest.raises(ValueError):
        store.reissue(workspace.id, "partner")  # partner id missing
    with pytest.raises(ValueError):
        store.reissue(workspace.id, "trekker", partner.id)
    with pytest.raises(ValueError):
        store.reissue(workspace.id, "baas")
    with pytest.raises(NotFound):
        store.reissue(workspace.id, "partner", "nope")


def test_removed_partner_keeps_documents_and_loses_access(store, ws):
    workspace, _ = ws
    partner, token = store.add_partner(workspace.id, "RET", "RET bv")
    other, other_token = store.add_partner(workspace.id, "Zadkine", "Zadkine")
    draft = store.document(workspace.id, "draft", partner.id)
    store.save(draft.id, {"intenties": ["Bereikbaarheid"]}, base=0, author=partner.id)

    removed = store.remove_partner(workspace.id, partner.id)
    assert removed.removed_at is not None and not removed.active
    with pytest.raises(RevokedToken):
        store.resolve(token)
    assert store.resolve(other_token).partner_id == other.id
    assert [p.id for p in store.list_partners(workspace.id)] == [other.id]
    assert [p.id for p in store.list_partners(workspace.id, include_removed=True)] == [partner.id, other.id]
    assert store.load(draft.id).content == {"intenties": ["Bereikbaarheid"]}
    assert store.document(workspace.id, "draft", partner.id, create=False).id == draft.id
    assert store.remove_partner(workspace.id, partner.id).removed_at == removed.removed_at  # idempotent
    with pytest.raises(InvalidInput) as err:
        store.reissue(workspace.id, "partner", partner.id)
    assert err.value.code == "partner_removed"


def test_no_plain_token_in_the_database(store, ws, db_url):
    workspace, trekker = ws
    issued = [trekker]
    partner, partner_token = store.add_partner(workspace.id, "RET", "RET bv")
    issued += [partner_token, store.viewer_token(workspace.id)]
    issued.append(store.reissue(workspace.id, "partner", partner.id))
    issued.append(store.reissue(workspace.id, "trekker"))
    store.revoke(issued[2])
    doc = store.document(workspace.id, "shared_case")
    store.save(doc.id, {"x": "y"}, base=0, author="trekker")

    dump = dump_database(store)
    for token in issued:
        assert token not in dump
        assert hash_token(token) in dump  # what is stored instead
    if store.dialect == "sqlite":
        path = Path(store.engine.url.database)
        store.close()  # checkpoints the WAL
        raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        for token in issued:
            assert token.encode() not in raw


# ------------------------------------------------------ documents
def test_document_get_or_create(store, ws):
    workspace, _ = ws
    partner, _ = store.add_partner(workspace.id, "RET", "RET bv")
    shared = store.document(workspace.id, "shared_case")
    assert shared.head == 0 and shared.partner_id is None and shared.state == ""
    assert store.document(workspace.id, "shared_case") == shared
    draft = store.document(workspace.id, "draft", partner.id)
    assert draft.state == "prive" and draft.id != shared.id
    assert store.get_document(draft.id) == draft
    assert store.set_state(draft.id, "gedeeld").state == "gedeeld"
    assert store.document(workspace.id, "draft", partner.id).state == "gedeeld"
    assert [d.id for d in store.documents(workspace.id)] == [shared.id, draft.id]
    assert [d.id for d in store.documents(workspace.id, kind="draft")] == [draft.id]

    with pytest.raises(NotFound):
        store.document(workspace.id, "roadmap", create=False)
    other_ws, _ = store.create_workspace("Ander")
    with pytest.raises(NotFound):
        store.document(other_ws.id, "draft", partner.id)  # partner of another workspace
    with pytest.raises(NotFound):
        store.document("nope", "shared_case")
    with pytest.raises(ValueError):
        store.document(workspace.id, "Shared Case")
    with pytest.raises(NotFound):
        store.load(999_999)
    with pytest.raises(NotFound):
        store.set_state(999_999, "x")


def test_save_load_history_revision_round_trip(store, ws):
    workspace, _ = ws
    doc = store.document(workspace.id, "shared_case")
    assert store.load(doc.id) is None
    assert store.history(doc.id) == []

    r1 = store.save(doc.id, {"impact": ["Een bereikbaar eiland"]}, base=0, author="trekker")
    r2 = store.save(doc.id, {"impact": ["Een bereikbaar, leefbaar eiland"]}, base=1, author="p1", note="scherper")
    assert (r1.number, r1.parent, r2.number, r2.parent) == (1, 0, 2, 1)
    head = store.load(doc.id)
    assert head == r2
    assert head.content == {"impact": ["Een bereikbaar, leefbaar eiland"]}
    assert store.get_document(doc.id).head == 2
    assert store.revision(doc.id, 1) == r1
    with pytest.raises(NotFound):
        store.revision(doc.id, 3)

    history = store.history(doc.id)
    assert [(h.number, h.author, h.note) for h in history] == [(2, "p1", "scherper"), (1, "trekker", None)]
    assert history[0].created_at >= history[1].created_at
    assert history[0].created_at.utcoffset().total_seconds() == 0
    assert not hasattr(history[0], "content")


def test_conflict_shows_theirs(store, ws):
    workspace, _ = ws
    doc = store.document(workspace.id, "shared_case")
    store.save(doc.id, {"v": 0}, base=0, author="trekker")
    first = store.save(doc.id, {"v": "eerste"}, base=1, author="p1")
    with pytest.raises(ConflictError) as err:
        store.save(doc.id, {"v": "tweede"}, base=1, author="p2")
    assert err.value.code == "conflict"
    assert err.value.theirs == first
    assert err.value.base == 1
    assert store.load(doc.id) == first  # nothing overwritten
    assert [h.number for h in store.history(doc.id)] == [2, 1]
    # the user chooses: save their own on top of theirs
    assert store.save(doc.id, {"v": "tweede"}, base=err.value.theirs.number, author="p2").number == 3
    with pytest.raises(ValueError):
        store.save(doc.id, {"v": 1}, base=7, author="p2")  # a base that never existed
    with pytest.raises(ValueError):
        store.save(doc.id, {"v": 1}, base=-1, author="p2")


def test_restore_makes_a_new_revision(store, ws):
    workspace, _ = ws
    doc = store.document(workspace.id, "shared_case")
    for n, text_ in enumerate(["een", "twee", "drie"]):
        store.save(doc.id, {"t": text_}, base=n, author="trekker")
    restored = store.restore(doc.id, 1, base=3, author="p1")
    assert (restored.number, restored.parent, restored.content) == (4, 3, {"t": "een"})
    assert restored.note == "hersteld uit revisie 1"
    assert [h.number for h in store.history(doc.id)] == [4, 3, 2, 1]
    assert store.revision(doc.id, 3).content == {"t": "drie"}  # history untouched
    with pytest.raises(ConflictError):
        store.restore(doc.id, 2, base=3, author="p1")


def test_content_round_trips_literally(store, ws):
    workspace, _ = ws
    doc = store.document(workspace.id, "shared_case")
    content = {
        "impact": ["Samen 😀🌍 sterker", "é ï ë ĳ Ĳ ü ç — “quotes” ‘single’ \"double\" 'apos'"],
        "html": "<script>alert('x')</script> & &amp; <b>vet</b>",
        "tekst": "regel 1\nregel 2\ttab \\backslash\\ \u0000nul \u2028",
        "getallen": [0, -1, 2**53, 3.25, True, False, None],
        "genest": {"ĳ": {"leeg": [], "obj": {}}},
    }
    store.save(doc.id, content, base=0, author="trekker")
    assert store.load(doc.id).content == content
    with store.engine.connect() as conn:
        stored = conn.scalar(select(store_mod.revisions.c.content))
    assert "😀" in stored and "ĳ" in stored and "<script>" in stored  # literal UTF-8, not \u-escaped
    assert json.loads(stored) == content


def test_content_size_limit(store, ws):
    workspace, _ = ws
    doc = store.document(workspace.id, "shared_case")
    overhead = len('{"t":""}')
    exact = {"t": "x" * (MAX_CONTENT_BYTES - overhead)}
    with pytest.raises(ValueError, match="limit") as err:
        store.save(doc.id, {"t": "x" * (MAX_CONTENT_BYTES - overhead + 1)}, base=0, author="trekker")
    assert err.value.code == "content_too_large"
    with pytest.raises(ValueError, match="limit"):  # counted in UTF-8 bytes, not characters
        store.save(doc.id, {"t": "é" * (MAX_CONTENT_BYTES // 2)}, base=0, author="trekker")
    assert store.load(doc.id) is None
    assert store.save(doc.id, exact, base=0, author="trekker").number == 1
    assert store.load(doc.id).content == exact


@pytest.mark.parametrize(
    "content, code",
    [
        (["not", "a", "dict"], "content_not_dict"),
        ("tekst", "content_not_dict"),
        ({"x": float("nan")}, "content_not_json"),
        ({"x": {1, 2}}, "content_not_json"),
        ({"x": object()}, "content_not_json"),
        ({"x": "\ud800"}, "invalid_unicode"),
    ],
)
def test_content_must_be_a_json_object(tmp_path, content, code):
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite3'}")
    workspace, _ = store.create_workspace("X")
    doc = store.document(workspace.id, "shared_case")
    with pytest.raises(ValueError) as err:
        store.save(doc.id, content, base=0, author="trekker")
    assert err.value.code == code
    store.close()


def test_names_are_validated(store, ws):
    workspace, _ = ws
    for bad in ["", "   ", "x" * 201, "nul\x00byte", None]:
        with pytest.raises(ValueError):
            store.create_workspace(bad)
        with pytest.raises(ValueError):
            store.add_partner(workspace.id, bad, "org")
    assert store.create_workspace("x" * 200)[0].name == "x" * 200
    assert store.create_workspace("  Met spaties  ")[0].name == "Met spaties"
    with pytest.raises(ValueError):
        store.add_partner(workspace.id, "RET", "o" * 201)
    doc = store.document(workspace.id, "shared_case")
    with pytest.raises(ValueError):
        store.save(doc.id, {}, base=0, author="")
    with pytest.raises(ValueError):
        store.save(doc.id, {}, base=0, author="trekker", note="n" * 501)


def test_error_codes():
    codes = {cls.code for cls in (InvalidToken, RevokedToken, ConflictError, StoreUnavailable, NotFound, SchemaTooNew)}
    assert codes == {"invalid_token", "revoked_token", "conflict", "unavailable", "not_found", "schema_too_new"}


# ------------------------------------------------------ migrations
def test_migrations_are_numbered_and_recorded(store, db_url):
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert store.schema_version() == MIGRATIONS[-1].version
    store.close()
    again = open_store(db_url)  # fresh engine, runs the check again: idempotent
    assert again.schema_version() == MIGRATIONS[-1].version
    with again.engine.connect() as conn:
        rows = conn.execute(select(store_mod.schema_version.c.version)).scalars().all()
    assert rows == [m.version for m in MIGRATIONS]


def test_migrated_schema_matches_the_tables_queries_use(store):
    inspector = inspect(store.engine)
    for table in store_mod.metadata.sorted_tables:
        assert {c["name"] for c in inspector.get_columns(table.name)} == set(table.columns.keys()), table.name
    unique = {tuple(u["column_names"]) for u in inspector.get_unique_constraints("revisions")}
    assert ("document_id", "number") in unique


def test_upgrade_from_version_1_keeps_rows(db_url):
    engine = store_mod._engine_for(db_url)
    assert store_mod._migrate(engine, MIGRATIONS[:1]) == 1
    old = Store(engine)
    assert old.schema_version() == 1
    # rows as the code of version 1 wrote them: its own columns only (no change log, no partner kind)
    from datetime import UTC, datetime

    from sqlalchemy import MetaData as _MetaData

    v1 = _MetaData()
    v1.reflect(engine)
    now = datetime.now(UTC).replace(tzinfo=None) if engine.dialect.name == "sqlite" else datetime.now(UTC)
    token = "van-vroeger-" + "x" * 40
    with engine.begin() as conn:
        conn.execute(v1.tables["workspaces"].insert().values(id="ws1", name="Van vroeger", created_at=now))
        conn.execute(v1.tables["partners"].insert().values(
            id="p1", workspace_id="ws1", name="RET", organisation="RET bv", role="", created_at=now, removed_at=None
        ))
        conn.execute(v1.tables["tokens"].insert().values(
            token_hash=store_mod.hash_token(token), workspace_id="ws1", role="trekker", partner_id=None,
            created_at=now, revoked_at=None,
        ))
        doc_id = conn.execute(v1.tables["documents"].insert().values(
            workspace_id="ws1", kind="draft", partner_id="p1", state="prive", head=2, created_at=now
        ).returning(v1.tables["documents"].c.id)).scalar_one()
        for n in (1, 2):
            conn.execute(v1.tables["revisions"].insert().values(
                document_id=doc_id, number=n, parent=n - 1, author="p1", created_at=now, content=f'{{"v":{n}}}',
                note=None,
            ))
    workspace = old.workspace("ws1")  # the workspace table did not change
    partner = store_mod.Partner("p1", "ws1", "RET", "RET bv", "", now if now.tzinfo else now.replace(tzinfo=UTC), None)
    doc = old.get_document(doc_id)

    store = open_store(db_url)
    assert store.schema_version() == MIGRATIONS[-1].version
    assert store.resolve(token).workspace_id == workspace.id
    assert store.list_partners(workspace.id) == [partner]
    assert [h.number for h in store.history(doc.id)] == [2, 1]
    assert store.load(doc.id).content == {"v": 2}
    indexes = {i["name"] for i in inspect(store.engine).get_indexes("tokens")}
    assert "ix_tokens_workspace" in indexes


def test_a_new_step_upgrades_without_losing_rows(db_url, monkeypatch):
    store = open_store(db_url)
    workspace, token = store.create_workspace("Blijft")
    doc = store.document(workspace.id, "shared_case")
    store.save(doc.id, {"v": "bewaard"}, base=0, author="trekker")
    store.close()

    def add_email(conn):
        conn.exec_driver_sql("ALTER TABLE partners ADD COLUMN email VARCHAR(200)")

    step = Migration(len(MIGRATIONS) + 1, "add partners.email", add_email)
    monkeypatch.setattr(store_mod, "MIGRATIONS", (*MIGRATIONS, step))
    upgraded = open_store(db_url)
    assert upgraded.schema_version() == step.version
    assert "email" in {c["name"] for c in inspect(upgraded.engine).get_columns("partners")}
    assert upgraded.resolve(token).workspace_id == workspace.id
    assert upgraded.load(doc.id).content == {"v": "bewaard"}
    upgraded.close()

    monkeypatch.setattr(store_mod, "MIGRATIONS", MIGRATIONS)  # older code on a newer database
    with pytest.raises(SchemaTooNew) as err:
        open_store(db_url)
    assert err.value.code == "schema_too_new"


def test_tokens_never_start_with_a_dash(monkeypatch):
    import purposecase.store as store_module

    issued = iter(["-abc" * 11, "xyz" * 15])
    monkeypatch.setattr(store_module.secrets, "token_urlsafe", lambda n: next(issued))
    assert store_module._new_token() == "xyz" * 15


def test_conflict_backoff_is_jittered_and_capped():
    from purposecase.store import conflict_backoff

    for attempt, ceiling in ((0, 0.005), (1, 0.01), (3, 0.04), (10, 0.25), (60, 0.25)):
        pauses = [conflict_backoff(attempt) for _ in range(200)]
        assert all(0.0 <= p <= ceiling for p in pauses)
        assert len(set(pauses)) > 150  # random, so collided writers drift apart
    assert conflict_backoff(-1) <= 0.005
