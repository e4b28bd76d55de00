"""A rolling update stops ``serve`` with SIGTERM: what a partner just typed is saved first (issue 19).

The partner types into their draft on a page whose kernel came from the workshop pool, and the server gets
SIGTERM within the autosave window (3 s after typing stops, ``ui/draft.py``). Voilà shuts every kernel down
with a ``shutdown_request`` (the kernel's exit saves the draft); the page shows the reconnect banner; a
server started again on the same data shows the text.
"""

from __future__ import annotations

import shutil
import signal
import time

import pytest
from conftest import ROOT, VoilaServer, new_page

from purposecase.store import open_store
from purposecase.voila_config import workshop
from purposecase.workspace import create_workspace, open_workspace

GONE = "De verbinding met het werkboek is verbroken"


@pytest.mark.browser
def test_sigterm_saves_what_was_just_typed(browser, tmp_path, artifacts):
    served = tmp_path / "notebooks"
    served.mkdir()
    shutil.copy(ROOT / "notebooks" / "04_zelf_invullen.ipynb", served)
    home = tmp_path / "home"
    home.mkdir()
    store = open_store(f"sqlite:///{home / 'werkboek.sqlite3'}")
    trekker, _ = create_workspace("Rolling update", store=store)
    _, token = trekker.add_partner("Ans", "ROC")
    server = VoilaServer(home, notebooks=served, workshop=1, env={workshop.CHAPTERS_ENV: "04"})
    try:
        deadline = time.monotonic() + 120
        while "Kernel pool of 04_zelf_invullen.ipynb is filled" not in server.log_path.read_text():
            assert time.monotonic() < deadline, "the pool did not fill"
            time.sleep(0.5)
        time.sleep(1)  # warm = idle, not only started
        context, page, _ = new_page(browser)
        page.goto(server.url("04_zelf_invullen.ipynb", f"sleutel={token}"))
        page.locator(".pc-add-item").click()
        box = page.locator(".pc-item-text textarea").first
        box.fill("Getypt vlak voor de update")
        page.locator(".pc-save-state .pc-state-unsaved").wait_for()  # the kernel has it; autosave not yet
        assert "Using pre-heated kernel" in server.log_path.read_text()
        t0 = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(60)
        stopped = time.monotonic() - t0
        log = server.log_path.read_text()
        assert "stopping; every page saves what was typed" in log
        assert server.proc.returncode == 0, log[-2000:]
        texts = [i.text for i in open_workspace(token, store=store).my_draft().draft.items("impact")]
        assert texts == ["Getypt vlak voor de update"]
        print(f"server stopped {stopped:.1f} s after SIGTERM")
        # the new version starts at the same address: the open page learns its kernel is gone
        again = VoilaServer(home, notebooks=served, port=server.port)
        try:
            t1 = time.monotonic()
            page.locator("#pc-kernel-gone", has_text=GONE).wait_for(timeout=30_000)
            print(f"the page said so {time.monotonic() - t1:.1f} s after the server was back")
            page.screenshot(path=str(artifacts / "sigterm-banner.png"))
            page.locator(".pc-kernel-gone-reload").click()
            page.locator(".pc-draft-editor").wait_for()
            assert page.locator(".pc-item-text textarea").first.input_value() == "Getypt vlak voor de update"
        finally:
            context.close()
            again.stop()
    finally:
        if server.proc.poll() is None:
            server.stop()
        server._log.close()
