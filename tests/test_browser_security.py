"""Served-page security that needs a real server: tokens stay out of the server log."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from purposecase.store import open_store
from purposecase.workspace import create_workspace

pytestmark = pytest.mark.browser


def test_tokens_never_reach_the_server_log(browser, voila_server):
    store = open_store(f"sqlite:///{voila_server.home / 'werkboek.sqlite3'}")
    _, token = create_workspace("Logproef", store=store)
    context = browser.new_context()
    page = context.new_page()
    page.goto(voila_server.url("04_zelf_invullen.ipynb", f"sleutel={token}"))
    page.locator(".pc-overview").wait_for(timeout=90_000)
    context.close()
    # failed requests are logged with their address and Referer: both carry the token here
    for path in (f"/voila/render/bestaat-niet.ipynb?sleutel={token}", f"/voila/files/x?sleutel={token}"):
        request = urllib.request.Request(
            voila_server.base + path,
            headers={"Referer": voila_server.url("04_zelf_invullen.ipynb", f"sleutel={token}")},
        )
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(request, timeout=10)  # noqa: S310
    log = voila_server.log_path.read_text()
    assert "404" in log or "403" in log
    assert token not in log
