"""The database at its connection limit (issue 19): pages say so and retry; nothing is lost.

A PostgreSQL role with ``CONNECTION LIMIT 2`` (the per-role form of ``max_connections``) owns the
workbook's tables in a fresh schema; the test takes every connection the role may have. Step 1-2's
draft editor then keeps the text on screen, says in Dutch that the store is not reachable and that it
tries again, and saves once a connection is free. A page opened meanwhile says the same, without a
traceback. The store treats SQLSTATE 53300 (too many connections) as worth a short retry.
"""

from __future__ import annotations

import os
import secrets

import pytest
from conftest import forget, postgres_schema_url

from purposecase.store import StoreUnavailable, open_store
from purposecase.ui.common import PageContext
from purposecase.ui.zelf_invullen import ZelfInvullenChapter

LIMIT = 2


@pytest.fixture()
def limited_url(monkeypatch):
    base = os.environ.get("PURPOSECASE_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("set PURPOSECASE_TEST_POSTGRES_URL to test the connection limit on PostgreSQL")
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    with postgres_schema_url(base) as url:
        parsed = make_url(url)
        schema = parsed.query["options"].split("=", 1)[1]
        role = f"pc_limit_{secrets.token_hex(4)}"
        admin = create_engine(base, poolclass=NullPool)
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT {LIMIT}')
            conn.exec_driver_sql(f'GRANT USAGE, CREATE ON SCHEMA "{schema}" TO "{role}"')
        limited = parsed.set(username=role, password=None).render_as_string(hide_password=False)
        monkeypatch.setenv("PURPOSECASE_DATABASE_URL", limited)
        try:
            yield limited
        finally:
            forget(limited)
            with admin.begin() as conn:
                conn.exec_driver_sql(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (role,)
                )
                conn.exec_driver_sql(f'DROP OWNED BY "{role}" CASCADE')
                conn.exec_driver_sql(f'DROP ROLE "{role}"')
            admin.dispose()


def take_every_connection(url: str) -> list:
    """Open connections as the role until PostgreSQL refuses one; return the open ones."""
    import psycopg

    held = []
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    for _ in range(LIMIT + 1):
        try:
            held.append(psycopg.connect(dsn, connect_timeout=3))
        except psycopg.OperationalError as exc:
            assert "too many connections" in str(exc)
            return held
    pytest.fail("PostgreSQL took more connections than the role's limit")


def text_of(html: str) -> str:
    import re

    return re.sub(r"<[^>]+>", "", html)


def test_a_full_database_keeps_the_text_and_saves_when_a_connection_frees(limited_url, monkeypatch):
    chapter = ZelfInvullenChapter(context=PageContext())
    chapter.body.name_text.value = "Volle database"
    chapter.body.start_button.click()
    panel = chapter.body
    panel.partner_name.value, panel.partner_organisation.value = "Ans", "ROC"
    panel.add_partner_button.click()
    token = panel.links.value.split("sleutel=")[1].split('"')[0].split("&")[0]
    editor = ZelfInvullenChapter(context=PageContext(sleutel=token)).body
    editor.piece_buttons.value = "impact"
    editor.add_button.click()
    editor.rows[-1].text.value = "Getypt terwijl de database vol zit"
    scheduled = []
    monkeypatch.setattr(editor.model, "schedule", lambda delay=None: scheduled.append(delay))  # the one editor model

    forget(limited_url)  # this process's pooled connections go too: every new one must be asked for
    held = take_every_connection(limited_url)
    assert len(held) == LIMIT
    try:
        with pytest.raises(StoreUnavailable, match="too many connections"):
            open_store(limited_url).get_document(1)
        assert not editor.save_now()
        message = text_of(editor.status.value)
        assert "niet bereikbaar" in message and "opnieuw" in message, message
        assert scheduled and scheduled[-1] == 5.0  # the editor tries again by itself
        assert editor.rows[0].text.value == "Getypt terwijl de database vol zit" and editor.model.dirty
        # a page opened now says so instead of a traceback
        page = ZelfInvullenChapter(context=PageContext(sleutel=token))
        assert "niet bereikbaar" in text_of(page.status.value)
    finally:
        for conn in held:
            conn.close()
    assert editor.save_now()  # the retry: a connection is free again
    forget(limited_url)
    from purposecase.workspace import open_workspace

    draft = open_workspace(token, store=open_store(limited_url)).my_draft().draft
    assert [i.text for i in draft.items("impact")] == ["Getypt terwijl de database vol zit"]
