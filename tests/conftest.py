"""Shared fixtures: an isolated data folder, a real Voilà server, headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("PURPOSECASE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "tests" / "output"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Every test gets its own PURPOSECASE_HOME; nothing touches the user's data."""
    monkeypatch.setenv("PURPOSECASE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("QUERY_STRING", raising=False)
    # widget tests drive pages by hand: no live-feed thread reloads a page behind their back
    # (tests/test_ui_editor.py turns it on where the live updates are what is tested)
    monkeypatch.setattr("purposecase.ui.shell.FOLLOW_CHANGES", False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class VoilaServer:
    """A Voilà server started with the same settings as ``purposecase serve``."""

    def __init__(
        self,
        home: Path,
        notebooks: Path | None = None,
        preheat: bool = False,
        *,
        workshop: int = 0,
        env: dict[str, str] | None = None,
        port: int | None = None,
    ):
        """Start the server; ``workshop`` sets ``PURPOSECASE_WORKSHOP``, ``env`` adds variables."""
        from purposecase.cli import voila_argv, voila_env

        self.port = port or free_port()
        self.preheat = preheat
        self.home = home
        env = dict(os.environ, PURPOSECASE_HOME=str(home), **voila_env(), **(env or {}))
        if workshop:
            env["PURPOSECASE_WORKSHOP"] = str(workshop)
        if notebooks is not None:
            env["PURPOSECASE_NOTEBOOKS"] = str(notebooks)
        env.pop("QUERY_STRING", None)
        argv = voila_argv(port=self.port, preheat=preheat, workshop=workshop,
                          notebooks=str(notebooks) if notebooks else None)
        self.log_path = home / f"voila-{self.port}.log"
        home.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "voila", *argv],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=str(ROOT),
        )
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"voila exited: {self.log_path.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(self.base + "/voila/tree", timeout=2)  # noqa: S310
                break
            except Exception:
                time.sleep(0.3)
        else:
            raise RuntimeError("voila did not start within 60 s")

    def url(self, notebook: str, query: str = "") -> str:
        return f"{self.base}/voila/render/{notebook}" + (f"?{query}" if query else "")

    def kernels(self) -> list:
        """Return the live kernel processes of this server (psutil.Process objects)."""
        import psutil

        out = []
        for child in psutil.Process(self.proc.pid).children(recursive=True):
            try:
                if "ipykernel_launcher" in " ".join(child.cmdline()):
                    out.append(child)
            except psutil.Error:
                continue
        return out

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory):
    server = VoilaServer(tmp_path_factory.mktemp("voila-home"))
    yield server
    server.stop()


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


@pytest.fixture(scope="session")
def chromium():
    """Path of Debian's Chromium; skips (fails on CI) when it is missing."""
    if not chromium_available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM} on CI")
        pytest.skip(f"Chromium not found at {CHROMIUM} (make test installs it when run as root)")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def copy_notebooks(dest: Path) -> Path:
    shutil.copytree(ROOT / "notebooks", dest, dirs_exist_ok=True)
    return dest


@contextmanager
def postgres_schema_url(base_url: str):
    """Yield a URL whose connections use a fresh PostgreSQL schema; drop it (and its tables) afterwards."""
    import secrets

    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    schema = f"pc_test_{secrets.token_hex(6)}"
    admin = create_engine(base_url, poolclass=NullPool)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    rendered = url.render_as_string(hide_password=False)
    try:
        yield rendered
    finally:
        forget(rendered)
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def forget(url: str) -> None:
    """Close and forget this process's cached store engine for ``url`` (if any)."""
    from purposecase import store as store_mod

    engine = store_mod._ENGINES.get((os.getpid(), url))
    if engine is not None:
        store_mod.Store(engine).close()


AXE = ROOT / ".cache" / "node_modules" / "axe-core" / "axe.min.js"
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"region": {"enabled": False}}}
"""axe-core options for every scan: 'region' (moderate) is off because Voilà's own wrappers sit outside
the <main> landmark our template adds."""


def new_page(browser, **options):
    """Return ``(context, page, dialogs)``: a fresh 1280×800 Dutch context, and the messages of any dialog
    that opened (a script that ran where only text should be); ``options`` go to ``new_context``."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL", **options)
    page = context.new_page()
    page.set_default_timeout(90_000)
    dialogs: list[str] = []
    # "leave this page?" while a save is pending (werkboek.js) lets a test navigate on; every other dialog
    # (a script that ran) is recorded and dismissed
    page.on("dialog", lambda d: d.accept() if d.type == "beforeunload" else (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs
    return context, page, dialogs


def full_screenshot(page, path) -> None:
    """Screenshot the whole chapter: Voilà scrolls inside #rendered_cells, so grow the viewport to fit it."""
    height = page.evaluate("(document.getElementById('rendered_cells') || document.body).scrollHeight")
    page.set_viewport_size({"width": 1280, "height": max(800, min(int(height) + 40, 8000))})
    page.wait_for_timeout(200)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1280, "height": 800})


def axe_violations(page, exclude: list[list[str]] | None = None) -> list[dict]:
    """Inject axe-core and return the serious and critical violations of the current page.

    Skips (fails on CI) when axe-core is not installed (``make axe``, part of ``make test``).
    """
    if not AXE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"axe-core missing at {AXE}: run make axe")
        pytest.skip(f"axe-core missing at {AXE} (make test installs it)")
    page.add_script_tag(path=str(AXE))
    context = {"exclude": exclude} if exclude else None
    result = page.evaluate("([ctx, opts]) => axe.run(ctx || document, opts)", [context, AXE_OPTIONS])
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
            "summary": [n.get("failureSummary", "")[:300] for n in v["nodes"]][:2],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A store URL on SQLite, and on PostgreSQL (a fresh schema) when PURPOSECASE_TEST_POSTGRES_URL is set."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
        yield url
        forget(url)
        return
    base = os.environ.get("PURPOSECASE_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("set PURPOSECASE_TEST_POSTGRES_URL to run the store tests on PostgreSQL")
    with postgres_schema_url(base) as url:
        yield url


def eventually(check, timeout: float = 15.0):
    """Return ``check()``'s first truthy result, polling every 0.1 s; AssertionError after ``timeout`` seconds.

    For effects that come from another thread a moment later (the live feed, ``after_typing``).
    """
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("not within the time")
        time.sleep(0.1)
