"""The store goes away while a partner types (issue 10, faults): PostgreSQL restarted, SQLite locked.

The partner types in chapter 04 (their own draft, autosave) on a Voilà server of its own.

- PostgreSQL: first the server's backends are terminated (``pg_terminate_backend``, only the
  ones of this test's server, found by ``application_name``) — the next save must land as if
  nothing happened. Then the database goes away for a while: the server reaches PostgreSQL
  through a small TCP relay (``tests/tcp_relay.py``) that cuts every connection and turns new ones away,
  like a restarting server, without touching PostgreSQL itself (other tests may use it at the
  same time). The page must say, in Dutch, that the store is unreachable and that it retries,
  keep the text, and save it once the database is back.
- SQLite: another connection holds ``BEGIN EXCLUSIVE`` on the file for longer than the busy
  timeout; the same message, the same retry after the lock is released.

Afterwards the draft's revisions are numbered without gaps and the newest one is whole.
Timings are printed (``pytest -s``), not asserted (DESIGN.md §6).
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import time

import pytest
from conftest import VoilaServer, new_page, postgres_schema_url
from tcp_relay import Relay

from purposecase import store as store_mod
from purposecase.store import StoreUnavailable, open_store
from purposecase.workspace import create_workspace, open_workspace

UNREACHABLE = "De opslag is even niet bereikbaar"
SAVED = "Alles opgeslagen"


def wait_for_text(page, selector: str, text: str, timeout: float) -> float:
    """Wait until ``selector`` shows ``text``; return the seconds it took."""
    t0 = time.monotonic()
    page.locator(selector, has_text=text).first.wait_for(timeout=timeout * 1000)
    return time.monotonic() - t0


def check_history(store, token: str, final_text: str) -> list[int]:
    """Revisions of the partner's draft: numbered 1..n without gaps, the newest holds ``final_text``."""
    session = open_workspace(token, store=store)
    loaded = session.my_draft()
    numbers = sorted(i.number for i in store.history(loaded.document.id))
    assert numbers == list(range(1, len(numbers) + 1)), "a gap or a half revision"
    assert loaded.base == numbers[-1]
    assert [i.text for i in loaded.draft.items("impact")] == [final_text]
    return numbers


def start_typing(browser, server, token: str):
    context, page, dialogs = new_page(browser)
    page.goto(server.url("04_zelf_invullen.ipynb", f"sleutel={token}"))
    page.locator(".pc-add-item").click()
    box = page.locator(".pc-item-text textarea").first
    box.fill("Eerste zin.")
    wait_for_text(page, ".pc-save-state", f"{SAVED} (revisie 1)", 30)
    return context, page, dialogs, box


@pytest.mark.browser
def test_postgresql_restarted_mid_session(browser, tmp_path, monkeypatch, artifacts):
    base = os.environ.get("PURPOSECASE_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("set PURPOSECASE_TEST_POSTGRES_URL to run on PostgreSQL")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    app = f"pc_storing_{secrets.token_hex(4)}"
    with postgres_schema_url(base) as direct:
        parsed = make_url(direct)
        relay = Relay(parsed.host or "127.0.0.1", parsed.port or 5432)
        served = parsed.set(host="127.0.0.1", port=relay.port).update_query_dict({"application_name": app})
        store = open_store(direct)  # the test itself reads the store directly, not through the relay
        trekker, _ = create_workspace("Storing PostgreSQL", store=store)
        _, token = trekker.add_partner("Ans", "ROC")
        monkeypatch.setenv("PURPOSECASE_DATABASE_URL", served.render_as_string(hide_password=False))
        server = VoilaServer(tmp_path / "home")
        admin = create_engine(base, poolclass=NullPool)
        try:
            context, page, dialogs, box = start_typing(browser, server, token)

            # 1. PostgreSQL ends the server's connections (what a restart does to them), then is back at once
            with admin.connect() as conn:
                killed = conn.execute(
                    text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :a"),
                    {"a": app},
                ).scalar()
            assert killed >= 1
            t0 = time.monotonic()
            box.press("End")
            box.type(" Tweede zin.", delay=20)
            wait_for_text(page, ".pc-save-state", f"{SAVED} (revisie 2)", 30)
            after_kill = time.monotonic() - t0
            assert page.locator(".pc-msg", has_text=UNREACHABLE).count() == 0  # a fresh connection, no fuss

            # 2. the database is away for 15 s while the partner types
            relay.cut()
            t_cut = time.monotonic()
            box.press("End")
            box.type(" Derde zin, tijdens de storing.", delay=20)
            shown = wait_for_text(page, ".pc-msg", UNREACHABLE, 40)
            assert "we proberen het over" in page.locator(".pc-msg", has_text=UNREACHABLE).inner_text()
            assert box.input_value() == "Eerste zin. Tweede zin. Derde zin, tijdens de storing."
            page.screenshot(path=str(artifacts / "storing-postgresql.png"))
            time.sleep(max(0.0, 15 - (time.monotonic() - t_cut)))
            relay.restore()
            t_back = time.monotonic()
            wait_for_text(page, ".pc-save-state", f"{SAVED} (revisie 3)", 60)
            recovered = time.monotonic() - t_back
            assert page.locator(".pc-msg", has_text=UNREACHABLE).count() == 0  # the message goes once saved
            assert box.input_value() == "Eerste zin. Tweede zin. Derde zin, tijdens de storing."
            numbers = check_history(store, token, "Eerste zin. Tweede zin. Derde zin, tijdens de storing.")
            assert numbers == [1, 2, 3]
            assert page.locator(".jp-OutputArea-output pre").count() == 0 and not dialogs
            print(
                f"\nPostgreSQL: {killed} backend(s) terminated -> next save after typing {after_kill:.1f} s; "
                f"outage of 15 s -> message after {shown:.1f} s (typing included), saved {recovered:.1f} s after "
                f"the database was back; revisions {numbers}"
            )
            page.close(run_before_unload=True)
            context.close()
        finally:
            server.stop()
            relay.close()
            admin.dispose()
            store.close()


@pytest.mark.browser
def test_sqlite_locked_longer_than_the_busy_timeout(browser, tmp_path, artifacts):
    home = tmp_path / "home"
    server = VoilaServer(home)
    db = home / "werkboek.sqlite3"
    store = open_store(f"sqlite:///{db}")
    trekker, _ = create_workspace("Storing SQLite", store=store)
    _, token = trekker.add_partner("Ans", "ROC")
    try:
        context, page, dialogs, box = start_typing(browser, server, token)
        locker = sqlite3.connect(db, isolation_level=None, timeout=30)
        locker.execute("BEGIN EXCLUSIVE")  # someone else holds the write lock (a backup tool, a stuck process)
        t_lock = time.monotonic()
        try:
            box.press("End")
            box.type(" Tweede zin, terwijl de opslag op slot zit.", delay=20)
            shown = wait_for_text(page, ".pc-msg", UNREACHABLE, 40)
            assert box.input_value() == "Eerste zin. Tweede zin, terwijl de opslag op slot zit."
            page.screenshot(path=str(artifacts / "storing-sqlite-op-slot.png"))
            time.sleep(max(0.0, 25 - (time.monotonic() - t_lock)))
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        t_free = time.monotonic()
        wait_for_text(page, ".pc-save-state", f"{SAVED} (revisie 2)", 60)
        recovered = time.monotonic() - t_free
        assert page.locator(".pc-msg", has_text=UNREACHABLE).count() == 0
        numbers = check_history(store, token, "Eerste zin. Tweede zin, terwijl de opslag op slot zit.")
        assert numbers == [1, 2]
        assert page.locator(".jp-OutputArea-output pre").count() == 0 and not dialogs
        print(
            f"\nSQLite locked for 25 s: message after {shown:.1f} s (typing included), "
            f"saved {recovered:.1f} s after the lock was released"
        )
        page.close(run_before_unload=True)
        context.close()
    finally:
        server.stop()
        store.close()


def test_an_attempt_that_already_waited_is_not_repeated(tmp_path, monkeypatch):
    """SQLite waited its busy timeout (or PostgreSQL its connect timeout): say so now, do not wait 5 times as long."""
    from sqlalchemy.exc import OperationalError

    store = open_store(f"sqlite:///{tmp_path / 's.sqlite3'}")
    clock = [1000.0]
    monkeypatch.setattr(store_mod.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(store_mod.time, "sleep", lambda s: None)
    locked = OperationalError("UPDATE …", {}, sqlite3.OperationalError("database is locked"))
    calls = []

    def waited(conn):
        calls.append(1)
        clock[0] += store_mod.BUSY_TIMEOUT_S  # the busy timeout ran out
        raise locked

    with pytest.raises(StoreUnavailable):
        store._write(waited)
    assert len(calls) == 1

    calls.clear()

    def at_once(conn):  # SQLITE_BUSY without waiting (e.g. a read lock that cannot be upgraded): retried
        calls.append(1)
        raise locked

    with pytest.raises(StoreUnavailable):
        store._write(at_once)
    assert len(calls) == store_mod.RETRIES + 1
    store.close()
