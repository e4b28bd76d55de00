"""Idle kernels are culled, open pages are not, and a page whose kernel is gone says so (issue 10, kernels).

A Voilà server of its own with a short cull time (``PURPOSECASE_KERNEL_CULL_SECONDS=10``; the
real one is 120 s) and short websocket pings (``PURPOSECASE_WS_PING_SECONDS=2``; the real one is
jupyter_server's 30 s with a 90 s timeout):

- a page that is open but only read is never culled (``cull_connected=False``);
- a page requested without ever connecting (a link preview) has its kernel culled;
- a page whose connection dies without closing (the browser reaches the server through a relay
  that stops passing anything) stops counting as open once the pings go unanswered, its kernel
  is culled, and when the network comes back the page shows the template's Dutch message with a
  reload button instead of silently doing nothing.

Times are printed (``pytest -s``), not asserted beyond generous limits.
"""

from __future__ import annotations

import time
import urllib.request

import psutil
import pytest
from conftest import VoilaServer, new_page
from tcp_relay import Relay

from purposecase.cli import cull_seconds

pytestmark = pytest.mark.browser

CULL = 10
GONE = "De verbinding met het werkboek is verbroken"


def new_kernels(server, before: set[int], timeout: float = 60) -> list[psutil.Process]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fresh = [k for k in server.kernels() if k.pid not in before]
        if fresh:
            return fresh
        time.sleep(0.2)
    raise AssertionError("no new kernel")


def wait_gone(proc: psutil.Process, timeout: float) -> float:
    """Wait until the kernel process has exited; return the seconds it took."""
    t0 = time.monotonic()
    try:
        proc.wait(timeout)
    except psutil.TimeoutExpired:
        raise AssertionError(f"kernel {proc.pid} still runs after {timeout:.0f} s") from None
    return time.monotonic() - t0


def test_cull_settings_come_from_the_environment(monkeypatch):
    monkeypatch.delenv("PURPOSECASE_KERNEL_CULL_SECONDS", raising=False)
    assert cull_seconds() == (120, 30)
    monkeypatch.setenv("PURPOSECASE_KERNEL_CULL_SECONDS", "10")
    assert cull_seconds() == (10, 2)
    monkeypatch.setenv("PURPOSECASE_KERNEL_CULL_SECONDS", "3")
    with pytest.raises(ValueError):
        cull_seconds()


def test_idle_kernels_are_culled_and_the_page_says_so(browser, tmp_path, monkeypatch, artifacts):
    monkeypatch.setenv("PURPOSECASE_KERNEL_CULL_SECONDS", str(CULL))
    monkeypatch.setenv("PURPOSECASE_WS_PING_SECONDS", "2")
    server = VoilaServer(tmp_path / "home")
    relay = Relay("127.0.0.1", server.port)
    try:
        # a page that is open and only read
        seen = {k.pid for k in server.kernels()}
        reader_context, reader, reader_dialogs = new_page(browser)
        reader.goto(server.url("03_voorbeelden.ipynb"))
        reader.locator(".pc-canvas").first.wait_for()
        [reader_kernel] = new_kernels(server, seen)
        opened = time.monotonic()

        # a page requested but never connected (a link preview, a crawler)
        seen |= {reader_kernel.pid}
        urllib.request.urlopen(server.url("03_voorbeelden.ipynb"), timeout=60).read()  # noqa: S310
        t_preview = time.monotonic()
        [preview_kernel] = new_kernels(server, seen)
        seen |= {preview_kernel.pid}

        # a page whose connection will die without closing: it reaches the server through the relay
        context, page, dialogs = new_page(browser)
        page.goto(f"http://127.0.0.1:{relay.port}/voila/render/03_voorbeelden.ipynb")
        page.locator(".pc-canvas").first.wait_for()
        [cut_kernel] = new_kernels(server, seen)
        assert page.locator("#pc-kernel-gone").is_hidden()

        wait_gone(preview_kernel, 90)
        preview_culled = time.monotonic() - t_preview
        relay.blackhole()
        cut_culled = wait_gone(cut_kernel, 90)
        assert reader_kernel.is_running(), "a page that is open was culled"

        assert page.locator("#pc-kernel-gone").is_hidden()  # nothing reaches the page during the outage
        relay.restore()  # the network is back; the page learns its kernel is gone
        t0 = time.monotonic()
        page.locator("#pc-kernel-gone", has_text=GONE).wait_for(timeout=60_000)
        told = time.monotonic() - t0
        assert page.locator(".pc-kernel-gone-reload").is_visible()
        page.screenshot(path=str(artifacts / "kernel-opgeruimd.png"))
        assert not dialogs

        # the reader's page still works, long after the cull time
        assert time.monotonic() - opened > 2 * CULL
        reader.locator(".pc-sector-dropdown select").select_option(label="Zorg en Welzijn")
        reader.locator(".pc-case-info h2", has_text="Lerende Regio").wait_for(timeout=30_000)
        assert reader.locator("#pc-kernel-gone").is_hidden() and reader_kernel.is_running()
        assert not reader_dialogs

        # and reloading gives a working page again
        page.locator(".pc-kernel-gone-reload").click()
        page.locator(".pc-canvas").first.wait_for()
        assert page.locator("#pc-kernel-gone").is_hidden()
        print(
            f"\ncull after {CULL} s idle (checked every {cull_seconds()[1]} s): a never-connected page's kernel went "
            f"{preview_culled:.1f} s after it started; a page cut off without closing lost its kernel "
            f"{cut_culled:.1f} s after the cut (pings every 2 s, 6 s timeout); the page said so {told:.1f} s "
            f"after the network came back; an open page's kernel lived {time.monotonic() - opened:.0f} s"
        )
        for pg, ctx in ((page, context), (reader, reader_context)):
            pg.close(run_before_unload=True)
            ctx.close()
    finally:
        relay.close()
        server.stop()
