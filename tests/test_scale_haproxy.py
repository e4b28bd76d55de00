"""Beyond one process without accounts: three ``serve`` processes behind HAProxy, one PostgreSQL (issue 19).

HAProxy runs ``deploy/haproxy/werkboek.cfg`` itself, with this test's ports (``make haproxy`` installs
Debian's package when missing and root); every process uses one fresh PostgreSQL schema
(``PURPOSECASE_TEST_POSTGRES_URL``). One set-up for the module, three scenes:

- two people on different processes see each other's work: a partner shares their draft on one process,
  the trekker's board on another shows it without a reload (the live feed across processes);
- a request that reaches the wrong process (a stale or forged affinity cookie) gets the Dutch reconnect
  banner, never a blank page;
- one process is killed mid-session: its users get the banner, a reload lands on a live process, and
  nothing saved is lost.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import urllib.request

import psutil
import pytest
from conftest import ROOT, VoilaServer, free_port, new_page, postgres_schema_url

from purposecase.model import Item, PartnerDraft
from purposecase.pieces import PIECE_KEYS
from purposecase.store import open_store
from purposecase.workspace import create_workspace, open_workspace

pytestmark = pytest.mark.browser

CONFIG = ROOT / "deploy" / "haproxy" / "werkboek.cfg"
GONE = "De verbinding met het werkboek is verbroken"
COOKIE = "PCSERVER"


def haproxy_config(bind_port: int, ports: list[int]) -> str:
    """Return ``deploy/haproxy/werkboek.cfg`` with this test's addresses (and the log on stderr)."""
    text = CONFIG.read_text()
    text = text.replace("bind 127.0.0.1:8080", f"bind 127.0.0.1:{bind_port}")
    for n, port in enumerate(ports, start=1):
        text = text.replace(f"127.0.0.1:{8870 + n} cookie s{n}", f"127.0.0.1:{port} cookie s{n}")
    text = text.replace("/etc/haproxy/werkboek-druk.http", str(CONFIG.parent / "werkboek-druk.http"))
    return text.replace("log /dev/log local0", "log stderr local0")


def _postgres_url() -> str:
    url = os.environ.get("PURPOSECASE_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("set PURPOSECASE_TEST_POSTGRES_URL to run several serve processes on one PostgreSQL")
    return url


class Cluster:
    """Three ``serve`` processes behind HAProxy."""

    def __init__(self, tmp, url: str):
        self.url = url
        self.servers = {}
        ports = [free_port() for _ in range(3)]
        for n, port in enumerate(ports, start=1):
            self.servers[f"s{n}"] = VoilaServer(tmp / f"home-s{n}", port=port,
                                                env={"PURPOSECASE_DATABASE_URL": url})
        self.port = free_port()
        self.config = tmp / "haproxy.cfg"
        self.config.write_text(haproxy_config(self.port, ports))
        self.log = open(tmp / "haproxy.log", "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(["haproxy", "-db", "-f", str(self.config)], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.base + "/voila/api/werkboek/ready", timeout=2)  # noqa: S310
                break
            except Exception:
                assert self.proc.poll() is None, (tmp / "haproxy.log").read_text()
                assert time.monotonic() < deadline, "HAProxy did not answer"
                time.sleep(0.3)
        time.sleep(4.5)  # every health check has passed twice

    def page_url(self, notebook: str, token: str) -> str:
        return f"{self.base}/voila/render/{notebook}?sleutel={token}"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)
        self.log.close()
        for server in self.servers.values():
            if server.proc.poll() is None:
                server.stop()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, chromium):
    if not shutil.which("haproxy"):
        if os.environ.get("CI") == "true":
            pytest.fail("haproxy missing on CI: make haproxy")
        pytest.skip("haproxy is not installed (make haproxy installs Debian's package when root)")
    base = _postgres_url()
    try:
        import psycopg

        psycopg.connect(base.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3).close()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"PostgreSQL is not reachable: {exc}")
    with postgres_schema_url(base) as url:
        open_store(url)  # create the tables once, before three processes race for it
        cluster = Cluster(tmp_path_factory.mktemp("haproxy"), url)
        try:
            yield cluster
        finally:
            cluster.stop()


def server_of(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == COOKIE)


def open_on_a_process(browser, cluster, notebook: str, token: str, avoid: set[str] = frozenset(), tries: int = 6):
    """Open ``notebook`` through HAProxy, in a fresh context, on a process not in ``avoid``."""
    for _ in range(tries):
        context, page, dialogs = new_page(browser)
        answer = page.goto(cluster.page_url(notebook, token))
        assert answer is not None and answer.status == 200, (answer.status if answer else None, page.content()[:500])
        server = server_of(context)
        if server not in avoid:
            return context, page, server
        context.close()
    pytest.fail(f"HAProxy kept sending new pages to {avoid}")


@pytest.fixture(scope="module")
def workspace(cluster):
    store = open_store(cluster.url)
    trekker, ttoken = create_workspace("Drie processen", store=store)
    _, ans = trekker.add_partner("Ans", "ROC Noord")
    _, bas = trekker.add_partner("Bas", "Bouwbedrijf Bas")
    # sharing needs the partner's own intenties and inbreng first
    draft = PartnerDraft(pieces={**{k: [] for k in PIECE_KEYS}, "intenties": [Item(text="Ans wil leerlingen binden")],
                                 "inbreng": [Item(text="Twee docenten")]})
    open_workspace(ans, store=store).save_my_draft(draft, base=0)
    return {"store": store, "trekker": ttoken, "ans": ans, "bas": bas}


def test_a_draft_shared_on_one_process_shows_on_the_board_of_another(browser, cluster, workspace, artifacts):
    ans_context, ans, ans_server = open_on_a_process(browser, cluster, "04_zelf_invullen.ipynb", workspace["ans"])
    ans.locator(".pc-add-item").click()
    ans.locator(".pc-item-text textarea").first.fill("Elke leerling een stageplek in de regio")
    ans.locator(".pc-save").click()
    ans.locator(".pc-save-state", has_text="Alles opgeslagen").wait_for()

    tr_context, trekker, tr_server = open_on_a_process(
        browser, cluster, "05_samen_puzzelen.ipynb", workspace["trekker"], avoid={ans_server}
    )
    trekker.locator(".pc-board, .pc-msg").first.wait_for()
    assert trekker.locator(".pc-card", has_text="stageplek").count() == 0  # not shared yet

    ans.locator(".pc-share input").check()
    ans.locator(".pc-msg", has_text="gedeeld").wait_for()
    # no reload: the live feed (PostgreSQL LISTEN/NOTIFY) carries the share from Ans's process to the trekker's
    trekker.locator(".pc-card", has_text="Elke leerling een stageplek in de regio").first.wait_for(timeout=30_000)
    assert server_of(tr_context) == tr_server != ans_server
    trekker.screenshot(path=str(artifacts / "haproxy-bord-ander-proces.png"))
    print(f"\nAns on {ans_server}, the trekker on {tr_server}")
    ans_context.close()
    tr_context.close()


def test_a_request_on_the_wrong_process_shows_the_reconnect_banner(browser, cluster, workspace, artifacts):
    context, page, server = open_on_a_process(browser, cluster, "04_zelf_invullen.ipynb", workspace["bas"])
    page.locator(".pc-draft-editor").wait_for()
    other = next(s for s in cluster.servers if s != server)
    context.add_cookies([{"name": COOKIE, "value": other, "url": cluster.base}])  # a stale or forged cookie
    t0 = time.monotonic()
    page.locator("#pc-kernel-gone", has_text=GONE).wait_for(timeout=40_000)  # the next kernel check
    page.screenshot(path=str(artifacts / "haproxy-verkeerd-proces.png"))
    print(f"\nbanner {time.monotonic() - t0:.1f} s after the cookie pointed at {other} instead of {server}")
    page.locator(".pc-kernel-gone-reload").click()
    page.locator(".pc-draft-editor").wait_for()
    assert server_of(context) == other and page.locator("#pc-kernel-gone").is_hidden()
    context.close()


def test_a_process_killed_mid_session_loses_nothing_saved(browser, cluster, workspace, artifacts):
    context, page, server = open_on_a_process(browser, cluster, "04_zelf_invullen.ipynb", workspace["bas"])
    page.locator(".pc-add-item").click()
    box = page.locator(".pc-item-text textarea").first
    box.fill("Bas levert twee vakmensen als leermeester")
    page.locator(".pc-save-state", has_text="Alles opgeslagen").wait_for(timeout=30_000)
    victim = cluster.servers[server]
    tree = [psutil.Process(victim.proc.pid), *psutil.Process(victim.proc.pid).children(recursive=True)]
    for proc in tree:  # the machine under it died: no graceful stop
        proc.send_signal(signal.SIGKILL)
    victim.proc.wait(10)
    t0 = time.monotonic()
    page.locator("#pc-kernel-gone", has_text=GONE).wait_for(timeout=60_000)
    told = time.monotonic() - t0
    page.screenshot(path=str(artifacts / "haproxy-proces-weg.png"))
    page.locator(".pc-kernel-gone-reload").click()
    page.locator(".pc-draft-editor").wait_for()
    assert server_of(context) != server  # a live process
    assert page.locator(".pc-item-text textarea").first.input_value() == "Bas levert twee vakmensen als leermeester"
    draft = open_workspace(workspace["bas"], store=workspace["store"]).my_draft().draft
    assert [i.text for i in draft.items("impact")] == ["Bas levert twee vakmensen als leermeester"]
    print(f"\n{server} killed; the page said so after {told:.1f} s; the reload landed on {server_of(context)}")
    context.close()
