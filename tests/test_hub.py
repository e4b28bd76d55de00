"""The workbook on JupyterHub, end to end: two hub users work in one workspace on PostgreSQL.

Starts JupyterHub from ``deploy/jupyterhub/jupyterhub_config.py`` (dummy login, local-process
spawner, configurable-http-proxy from npm, free ports) with the workbook store in a fresh
PostgreSQL schema reached through a TCP relay, so the test can cut the database off for a while.

- B (the trekker) opens the trekker link through the hub and invites a partner on the page: the
  partner link is a ``/hub/user-redirect/…`` link;
- A opens that link through the hub and lands on A's *own* server, fills in intenties; the database
  goes away while A adds inbreng: the page says so and saves on a retry, nothing is lost; A shares;
- A's server is stopped the way jupyterhub-idle-culler stops it: the autosaved text is in the store,
  the server's kernels are gone, and the same link starts a fresh server that shows it;
- B opens step 3 through the hub and sees A's item on the board.

Skips with the reason when configurable-http-proxy or PostgreSQL is missing; on CI it fails instead.
"""

from __future__ import annotations

import os
import re
import time
from contextlib import ExitStack
from urllib.parse import parse_qs, urlsplit

import pytest
from hub_harness import LocalHub, TcpRelay, login, postgres_schema, proxy_command, redirect_path, via

pytestmark = pytest.mark.browser
PG_ENV = "PURPOSECASE_TEST_POSTGRES_URL"
ON_CI = os.environ.get("CI") == "true"


def need(condition: bool, reason: str) -> None:
    if condition:
        return
    if ON_CI:
        pytest.fail(f"{reason} (CI never skips the JupyterHub test)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def postgres_url():
    """``(direct URL, URL through the relay, relay)`` of a fresh schema; dropped afterwards."""
    base = os.environ.get(PG_ENV, "")
    need(bool(base), f"set {PG_ENV} to run the JupyterHub test on PostgreSQL")
    from sqlalchemy.engine import make_url

    from purposecase.store import open_store

    parsed = make_url(base)
    with ExitStack() as stack:
        try:
            direct_url, _ = stack.enter_context(postgres_schema(base))
        except Exception as exc:  # an unreachable server: skip (or fail on CI) with the reason
            need(False, f"PostgreSQL at {parsed.host}:{parsed.port or 5432} is not reachable: {exc}")
        relay = TcpRelay(parsed.host or "127.0.0.1", parsed.port or 5432)
        stack.callback(relay.close)
        stack.callback(lambda: open_store(direct_url).close())
        yield direct_url, via(direct_url, "127.0.0.1", relay.port), relay


@pytest.fixture(scope="module")
def hub(tmp_path_factory, postgres_url):
    need(proxy_command() is not None, "configurable-http-proxy is missing (make chp installs it from npm)")
    try:
        import jupyterhub  # noqa: F401
        import jupyterhub_idle_culler  # noqa: F401
    except ImportError as exc:
        need(False, f"{exc.name} is not installed (pip install -e '.[test]')")
    _, hub_db_url, _ = postgres_url
    server = LocalHub(tmp_path_factory.mktemp("hub"), hub_db_url)
    yield server
    killed = server.stop()
    assert not killed, f"processes outlived the hub and had to be killed: {killed}"


def wait_until(condition, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(message)


def alive(process) -> bool:
    import psutil

    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def add_item(page, piece_label: str, text: str) -> None:
    page.locator(".pc-piece-buttons button", has_text=re.compile(f"^{piece_label}$")).click()
    page.locator(".pc-piece-help h3", has_text=piece_label).wait_for()
    page.locator(".pc-add-item").click()
    box = page.locator(".pc-item-text textarea").last
    box.wait_for()
    box.fill(text)


def test_two_hub_users_share_a_workspace_on_postgresql(browser, hub, postgres_url, artifacts):
    from purposecase.store import open_store
    from purposecase.workspace import create_workspace, open_workspace

    direct_url, _, relay = postgres_url
    store = open_store(direct_url)
    _, ttoken = create_workspace("Hubpact Westfriesland", store=store)

    # B, the trekker: through the hub onto B's own server, invites Ans on the page
    b_context, b_page = login(browser, hub, "bea", redirect_path("04_zelf_invullen.ipynb", ttoken))
    b_page.locator(".pc-partner-name input").wait_for()
    assert urlsplit(b_page.url).path == "/user/bea/voila/render/04_zelf_invullen.ipynb"
    b_page.locator(".pc-partner-name input").fill("Ans")
    b_page.locator(".pc-partner-organisation input").fill("ROC Noord")
    b_page.locator(".pc-add-partner").click()
    b_page.locator(".pc-new-links .pc-link", has_text="Ans").wait_for()
    partner_link = b_page.locator(".pc-new-links .pc-link input").first.input_value()
    assert partner_link.startswith(f"{hub.base}/hub/user-redirect/voila/render/04_zelf_invullen.ipynb?sleutel=")
    nav = b_page.locator(".pc-navbar a", has_text="Samen puzzelen").first.get_attribute("href")
    assert nav.startswith(f"{hub.base}/hub/user-redirect/voila/render/05_samen_puzzelen.ipynb?sleutel=")
    b_page.goto("about:blank")  # closes the page: its kernel shuts down

    # A, the partner: the link from B's page leads to A's own server
    link = urlsplit(partner_link)
    atoken = parse_qs(link.query)["sleutel"][0]
    a_context, a_page = login(browser, hub, "ans", f"{link.path}?{link.query}")
    a_page.locator(".pc-draft-editor").wait_for()
    assert urlsplit(a_page.url).path == "/user/ans/voila/render/04_zelf_invullen.ipynb"
    assert "Ans" in a_page.locator(".pc-navbar").inner_text()
    add_item(a_page, "Intenties", "Ans wil stagiairs opleiden in de regio")
    a_page.locator(".pc-save-state", has_text="Alles opgeslagen").wait_for(timeout=60_000)

    # PostgreSQL goes away while A types: the page says so and retries; nothing is lost
    relay.pause()
    try:
        add_item(a_page, "Inbreng", "Twee praktijkopleiders")
        a_page.locator(".pc-msg", has_text="niet bereikbaar").wait_for(timeout=60_000)
        assert a_page.locator(".pc-item-text textarea").last.input_value() == "Twee praktijkopleiders"
    finally:
        relay.resume()
    a_page.locator(".pc-save-state", has_text="Alles opgeslagen").wait_for(timeout=90_000)
    a_page.locator(".pc-share input").check()
    a_page.locator(".pc-msg", has_text="gedeeld").wait_for()
    a_page.screenshot(path=str(artifacts / "hub-partner.png"), full_page=True)

    # A types once more, autosave runs, then A's server is culled mid-session
    add_item(a_page, "Middelen", "Een lokaal met werkbanken")
    a_page.locator(".pc-save-state", has_text="Alles opgeslagen").wait_for(timeout=60_000)
    a_procs = hub.user_processes("ans")
    assert hub.kernels("ans")
    hub.stop_server("ans")
    wait_until(lambda: not any(alive(p) for p in a_procs), 30, "A's server or its kernels outlived the culled server")
    saved = open_workspace(atoken, store=store).my_draft().draft
    assert [i.text for i in saved.pieces["middelen"]] == ["Een lokaal met werkbanken"]
    assert [i.text for i in saved.pieces["inbreng"]] == ["Twee praktijkopleiders"]
    a_page.goto(partner_link)  # the same link starts a fresh server
    a_page.locator(".pc-draft-editor").wait_for()
    a_page.locator(".pc-piece-buttons button", has_text=re.compile("^Middelen$")).click()
    assert a_page.locator(".pc-item-text textarea").first.input_value() == "Een lokaal met werkbanken"
    assert not a_page.dialogs
    a_page.goto("about:blank")
    a_context.close()

    # B, on step 3 through the hub, sees A's shared draft on the board
    b_page.goto(f"{hub.base}{redirect_path('05_samen_puzzelen.ipynb', ttoken)}")
    b_page.locator(".pc-board").wait_for()
    assert urlsplit(b_page.url).path == "/user/bea/voila/render/05_samen_puzzelen.ipynb"
    b_page.locator(".pc-piece-buttons button", has_text=re.compile("^Intenties$")).click()
    b_page.locator(".pc-board .pc-card", has_text="Ans wil stagiairs opleiden in de regio").wait_for()
    b_page.screenshot(path=str(artifacts / "hub-trekker-board.png"), full_page=True)
    assert not b_page.dialogs
    b_page.goto("about:blank")
    b_context.close()


WEBSOCKET_PROBE = """async (url) => {
  const msg = (type, content) => JSON.stringify({header: {msg_id: type + Math.random(), msg_type: type, username: "",
    session: "probe", version: "5.3", date: new Date().toISOString()}, parent_header: {}, metadata: {},
    content: content, channel: "shell", buffers: []});
  const seen = [];
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
  ws.onmessage = (e) => seen.push(JSON.parse(e.data).msg_type);
  ws.send(msg("execute_request", {code: "print('code from the browser')", silent: false, store_history: false,
    user_expressions: {}, allow_stdin: false}));
  ws.send(msg("kernel_info_request", {}));
  await new Promise((resolve) => setTimeout(resolve, 4000));
  ws.close();
  return seen;
}"""


def test_a_hub_user_sees_only_the_read_only_workbook(browser, hub):
    def kernel_pids() -> set[int]:
        return {p.pid for p in hub.kernels("bea")}

    context, page = login(browser, hub, "bea", "/hub/home")
    page.locator("#start").wait_for()
    before = kernel_pids()
    page.goto(f"{hub.base}/hub/spawn")  # the default URL of the user's server: the welcome chapter
    page.wait_for_url("**/user/bea/voila/render/00_welkom.ipynb")
    page.locator(".pc-steps").wait_for()
    for path in ("lab", "tree", "notebooks/00_welkom.ipynb", "terminals/1", "api/terminals"):
        assert context.request.get(f"{hub.base}/user/bea/{path}", max_redirects=0).status == 404, path
    assert context.request.get(f"{hub.base}/user/bea/voila/files/00_welkom.ipynb").status == 403
    xsrf = next(c["value"] for c in context.cookies() if c["name"] == "_xsrf" and c["path"] == "/user/bea/")
    headers = {"X-XSRFToken": xsrf, "Content-Type": "application/json"}
    notebook = '{"type": "notebook", "content": {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}}'
    put = context.request.put(f"{hub.base}/user/bea/api/contents/eigen.ipynb", data=notebook, headers=headers)
    assert put.status == 403
    assert context.request.delete(f"{hub.base}/user/bea/api/contents/00_welkom.ipynb", headers=headers).status == 403
    # the page's kernel takes widget messages, never code (the list standalone Voilà allows)
    kernel = max(context.request.get(f"{hub.base}/user/bea/api/kernels").json(), key=lambda k: k["last_activity"])
    channels = f"{hub.base.replace('http', 'ws', 1)}/user/bea/api/kernels/{kernel['id']}/channels"
    replies = page.evaluate(WEBSOCKET_PROBE, channels)
    assert "kernel_info_reply" in replies, replies
    assert "execute_input" not in replies and "execute_reply" not in replies and "stream" not in replies, replies
    # another user's server does not take this login
    assert context.request.get(f"{hub.base}/user/ans/api/status", max_redirects=0).status in (302, 403, 404)
    mine = kernel_pids() - before
    assert mine, "no kernel for the welcome page"
    page.goto("about:blank")  # the page-close beacon passes JupyterHub's XSRF check: the kernel stops
    wait_until(lambda: not mine & kernel_pids(), 30, "closing the page did not shut its kernel down")
    context.close()
