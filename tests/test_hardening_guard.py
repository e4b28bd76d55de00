"""Kernels nobody asked for, crafted paths, headers and the contents listing (issue 20, items 1, 7, 8).

A Voilà server of its own with small limits (``PURPOSECASE_MAX_KERNELS=8``,
``PURPOSECASE_KERNEL_STARTS_PER_MINUTE=6``, ``PURPOSECASE_UNCONNECTED_CULL_SECONDS=20``):

- 50 plain requests at once (a bounded burst, 127.0.0.1 only): the kernel count never passes the cap,
  the refused ones get the bilingual 503 page, the kernels of the pages that never connected are gone
  well before the 120 s idle cull, and memory returns to its baseline;
- a real browser user (another address, as nginx's ``X-Real-IP`` says) gets a working page right after
  the burst, and keeps its kernel past the unconnected-cull time;
- preheated kernels do not count against the cap or any client.

Numbers are printed (``pytest -s``); only the limits are asserted.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import psutil
import pytest
from conftest import VoilaServer, new_page

from purposecase.voila_config import guard

CAP, STARTS, UNCONNECTED = 8, 6, 20
BURST = 50


# ------------------------------------------------------------------ pure parts
class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_cap_counts_reservations_and_live_page_kernels():
    admission = guard.Admission(guard.Limits(max_kernels=3, starts_per_minute=100), clock=Clock())
    # three requests arrive before any kernel has started: the fourth is refused already
    assert [admission.admit(f"10.0.0.{n}", set()) for n in range(4)] == [None, None, None, "cap"]
    for kernel in ("k1", "k2", "k3"):
        admission.started(kernel)
        admission.release()
    assert admission.admit("10.0.0.9", {"k1", "k2", "k3"}) == "cap"
    # a kernel that is gone no longer counts; kernels the guard never handed out (the pool) never do
    assert admission.admit("10.0.0.9", {"k1", "k2", "pool-1", "pool-2"}) is None
    assert admission.page_kernels() == 3


def test_starts_per_address_refill_over_a_minute():
    clock = Clock()
    admission = guard.Admission(guard.Limits(max_kernels=1000, starts_per_minute=6), clock=clock)
    assert [admission.admit("10.0.0.1") for _ in range(7)] == [None] * 6 + ["rate"]
    assert admission.admit("10.0.0.2") is None  # another address has its own bucket
    clock.now += 10  # one start per 10 s
    assert admission.admit("10.0.0.1") is None
    assert admission.admit("10.0.0.1") == "rate"
    assert admission.refused == {"cap": 0, "rate": 2}


def test_limits_come_from_the_environment(monkeypatch):
    for name in (guard.MAX_KERNELS_ENV, guard.STARTS_ENV, guard.UNCONNECTED_ENV):
        monkeypatch.delenv(name, raising=False)
    assert guard.limits() == guard.Limits(40, 20, 60)
    monkeypatch.setenv(guard.MAX_KERNELS_ENV, "12")
    monkeypatch.setenv(guard.STARTS_ENV, "3")
    monkeypatch.setenv(guard.UNCONNECTED_ENV, "20")
    assert guard.limits() == guard.Limits(12, 3, 20.0)
    monkeypatch.setenv(guard.UNCONNECTED_ENV, "2")
    with pytest.raises(ValueError):
        guard.limits()
    monkeypatch.setenv(guard.UNCONNECTED_ENV, "veel")
    with pytest.raises(ValueError):
        guard.limits()


def test_serve_refuses_a_bad_limit(monkeypatch, capsys):
    from purposecase.cli import main

    monkeypatch.setenv(guard.MAX_KERNELS_ENV, "5")  # restored afterwards; serve overwrites it
    assert main(["serve", "--max-kernels", "0"]) == 2
    assert "PURPOSECASE_MAX_KERNELS" in capsys.readouterr().err


def test_the_client_address_trusts_x_real_ip_only_from_the_local_proxy():
    assert guard.client_address("127.0.0.1", {"X-Real-IP": "203.0.113.7"}) == "203.0.113.7"
    assert guard.client_address("::1", {"X-Real-IP": "2001:db8::1"}) == "2001:db8::1"
    assert guard.client_address("198.51.100.2", {"X-Real-IP": "203.0.113.7"}) == "198.51.100.2"
    assert guard.client_address("127.0.0.1", {"X-Real-IP": "<script>"}) == "127.0.0.1"
    assert guard.client_address("127.0.0.1", {}) == "127.0.0.1"


def test_render_paths_are_notebooks_without_control_characters():
    assert guard.render_path_ok("00_welkom.ipynb")
    for bad in ("", None, "00_welkom.ipynb\x00", "\x00", "conf.json", "../pyproject.toml", "a\nb.ipynb"):
        assert not guard.render_path_ok(bad), bad


def test_the_busy_page_speaks_dutch_and_english():
    page = guard.busy_page("cap")
    assert "Het is nu erg druk" in page and "probeer het zo opnieuw" in page.lower()
    assert "It is very busy right now" in page and "try again" in page.lower()
    assert "<script" not in page and "Traceback" not in page and len(page) < 3000


# ------------------------------------------------------------------ a real server
def tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            continue
    return total


def fetch(url: str, headers: dict | None = None) -> tuple[int, str, dict]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - 127.0.0.1 only
    try:
        with urllib.request.urlopen(request, timeout=120) as resp:  # noqa: S310
            return resp.status, resp.read().decode("utf-8", "replace"), dict(resp.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace"), dict(exc.headers)


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(guard.MAX_KERNELS_ENV, str(CAP))
        mp.setenv(guard.STARTS_ENV, str(STARTS))
        mp.setenv(guard.UNCONNECTED_ENV, str(UNCONNECTED))
        server = VoilaServer(tmp_path_factory.mktemp("guarded-home"))
    yield server
    server.stop()


CRAFTED = [
    "/voila/templates/werkboek/static/..%2fconf.json",
    "/voila/templates/werkboek/static/..%2f..%2fconf.json",
    "/voila/templates/lab/static/",
    "/voila/templates/lab/",
    "/logout",
    "/login",
    "/voila/render/%00",
    "/voila/render/00_welkom.ipynb%00",
    "/voila/render/00_welkom%00.ipynb",
    "/voila/render/..%2fpyproject.toml",
    "/voila/render/bestaat_niet.ipynb",
]


def test_crafted_paths_are_clean_404s_without_a_traceback(guarded):
    before = guarded.log_path.read_bytes().count(b"Traceback")
    for path in CRAFTED:
        status, body, _ = fetch(guarded.base + path, {"X-Real-IP": "192.0.2.44"})
        assert status == 404, (path, status)
        assert "Traceback" not in body and "File \"" not in body, path
    time.sleep(0.5)
    log = guarded.log_path.read_bytes()
    assert log.count(b"Traceback") == before, log[-3000:].decode("utf-8", "replace")
    assert b"Uncaught exception" not in log


def test_pages_send_referrer_policy_and_the_contents_listing_is_read_only(guarded):
    _, _, headers = fetch(guarded.base + "/voila/tree")
    assert headers.get("Referrer-Policy") == "same-origin"
    _, _, headers = fetch(guarded.base + "/voila/templates/werkboek/static/..%2fconf.json")
    assert headers.get("Referrer-Policy") == "same-origin"
    import json

    status, body, _ = fetch(guarded.base + "/voila/api/contents")
    assert status == 200
    listing = json.loads(body)
    assert listing["writable"] is False and all(e["writable"] is False for e in listing["content"])
    for method in ("PUT", "POST", "DELETE", "PATCH"):
        request = urllib.request.Request(guarded.base + "/voila/api/contents/00_welkom.ipynb",  # noqa: S310
                                         data=b"{}", method=method)
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(request, timeout=10)  # noqa: S310
        assert err.value.code in (403, 404, 405), method


@pytest.mark.browser
def test_a_burst_of_plain_requests_stays_under_the_cap_and_a_real_user_gets_a_page(guarded, browser, artifacts):
    server_proc = psutil.Process(guarded.proc.pid)
    deadline = time.monotonic() + 60
    while guarded.kernels() and time.monotonic() < deadline:  # earlier tests' kernels are gone
        time.sleep(0.5)
    baseline_kernels = len(guarded.kernels())
    baseline_rss = tree_rss(server_proc)

    peak = [0]
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            peak[0] = max(peak[0], len(guarded.kernels()))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=BURST) as pool:
        results = list(pool.map(lambda _: fetch(guarded.url("00_welkom.ipynb")), range(BURST)))
    burst_seconds = time.monotonic() - t0
    statuses = [r[0] for r in results]
    assert statuses.count(200) == STARTS  # one address: its bucket, not the cap, ends the burst
    assert statuses.count(503) == BURST - STARTS
    busy = next(r for r in results if r[0] == 503)
    assert "Het is nu erg druk" in busy[1] and "It is very busy right now" in busy[1]
    assert busy[2].get("Retry-After") and "text/html" in busy[2].get("Content-Type", "")
    during_rss = tree_rss(server_proc)

    # a real user from another address gets a working page straight away
    context, page, dialogs = new_page(browser, extra_http_headers={"X-Real-IP": "198.51.100.23"})
    seen = {k.pid for k in guarded.kernels()}
    page.goto(guarded.url("00_welkom.ipynb"))
    page.locator(".pc-chapter").first.wait_for(timeout=120_000)
    assert page.locator("text=Het is nu erg druk").count() == 0
    page.screenshot(path=str(artifacts / "druk-echte-gebruiker.png"))
    user_kernels = [k for k in guarded.kernels() if k.pid not in seen]
    assert len(user_kernels) == 1

    # a second address bursts too: the server's cap stops it, never more than CAP page kernels
    with ThreadPoolExecutor(max_workers=10) as pool:
        more = list(pool.map(lambda _: fetch(guarded.url("00_welkom.ipynb"), {"X-Real-IP": "192.0.2.8"}),
                             range(10)))
    assert [r[0] for r in more].count(200) == CAP - STARTS - 1

    # the burst's kernels (no page connected) go within UNCONNECTED s of their page; the user's stays
    t1 = time.monotonic()
    while len(guarded.kernels()) > baseline_kernels + 1 and time.monotonic() - t1 < 90:
        time.sleep(0.5)
    culled_after = time.monotonic() - t1
    stop.set()
    watcher.join()
    assert len(guarded.kernels()) == baseline_kernels + 1, "kernels of pages that never connected remain"
    assert culled_after < 60, culled_after
    assert user_kernels[0].is_running(), "the open page lost its kernel"
    assert peak[0] <= baseline_kernels + CAP, peak[0]

    # the open page still works after the cull time
    time.sleep(2)
    assert page.locator(".pc-chapter").first.is_visible() and not dialogs
    page.close(run_before_unload=True)
    context.close()
    user_kernels[0].wait(60)
    time.sleep(2)
    after_rss = tree_rss(server_proc)
    print(
        f"\n{BURST} requests in {burst_seconds:.1f} s: {statuses.count(200)} pages, {statuses.count(503)} busy; "
        f"kernels baseline {baseline_kernels}, peak {peak[0]} (cap {CAP}); memory baseline "
        f"{baseline_rss / 2**20:.0f} MB, after the bursts {during_rss / 2**20:.0f} MB, back to "
        f"{after_rss / 2**20:.0f} MB; unconnected kernels gone {culled_after:.1f} s after the second burst"
    )
    assert len(guarded.kernels()) == baseline_kernels
    assert after_rss < baseline_rss + 60 * 2**20, (baseline_rss, after_rss)


@pytest.mark.browser
def test_preheated_kernels_count_against_nobody(tmp_path, monkeypatch, chromium):
    from conftest import ROOT

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    (notebooks / "00_welkom.ipynb").write_bytes((ROOT / "notebooks" / "00_welkom.ipynb").read_bytes())
    monkeypatch.setenv(guard.MAX_KERNELS_ENV, "1")
    monkeypatch.setenv(guard.STARTS_ENV, "1")
    monkeypatch.setenv(guard.UNCONNECTED_ENV, "5")
    server = VoilaServer(tmp_path / "home", notebooks=notebooks, preheat=True)
    try:
        deadline = time.monotonic() + 90
        while len(server.kernels()) < 2 and time.monotonic() < deadline:  # the pool of two
            time.sleep(0.5)
        pool = {k.pid for k in server.kernels()}
        assert len(pool) == 2
        time.sleep(8)  # longer than the unconnected cull: pool kernels are not pages
        assert {k.pid for k in server.kernels()} >= pool
        status, body, _ = fetch(server.url("00_welkom.ipynb"), {"X-Real-IP": "198.51.100.5"})
        assert status == 200 and "erg druk" not in body
        assert b"Using pre-heated kernel" in server.log_path.read_bytes()
        # that page was the address's one start; the cap (1) is now used by that page alone
        assert fetch(server.url("00_welkom.ipynb"), {"X-Real-IP": "198.51.100.5"})[0] == 503
        assert fetch(server.url("00_welkom.ipynb"), {"X-Real-IP": "198.51.100.6"})[0] == 503
    finally:
        server.stop()
