"""No traceback reaches a page from a callback, in Chromium through Voilà (issue 10, item 3).

A Voilà server of its own runs with a ``sitecustomize`` module on its ``PYTHONPATH`` (so in every
kernel it starts) that breaks the data layer while a flag file exists: every store read and write
and every case record (``PurposeCase.items``) raise a ``RuntimeError`` whose text looks like a
traceback with a file path. Each chapter is opened with the flag off; then the flag goes on and
one control is used (refresh, save, export, a piece, a search). The page must show the Dutch
message of :func:`purposecase.ui.common.safe_callback` and nothing of the error.
"""

from __future__ import annotations

import pytest
from conftest import VoilaServer, full_screenshot, new_page  # noqa: E402

from purposecase import puzzle
from purposecase import roadmap as rm
from purposecase.messages import Translator
from purposecase.model import Item, PartnerDraft
from purposecase.pieces import PIECE_KEYS
from purposecase.store import open_store
from purposecase.workspace import create_workspace, open_workspace

pytestmark = pytest.mark.browser
T = Translator("nl")
FRIENDLY = T("fout.onverwacht")
LEAKS = ("Traceback", 'File "', "/geheim", "RuntimeError", "kapot")

SITECUSTOMIZE = '''
"""Test hook (tests/test_browser_callback_errors.py): break the data layer while a flag file exists."""
import os

_FLAG = os.environ.get("PURPOSECASE_TEST_FAULT_FLAG")


def _install():
    import purposecase.model as model
    import purposecase.store as store

    def failing(original):
        def wrapper(*args, **kwargs):
            if os.path.exists(_FLAG):
                raise RuntimeError('Traceback (most recent call last):\\n  File "/geheim/werkboek.sqlite3", '
                                   'line 1\\nRuntimeError: kapot')
            return original(*args, **kwargs)
        return wrapper

    store.Store._read = failing(store.Store._read)
    store.Store._write = failing(store.Store._write)
    model.PurposeCase.items = failing(model.PurposeCase.items)


if _FLAG:
    _install()
'''


@pytest.fixture(scope="module")
def faulty_server(tmp_path_factory):
    """A Voilà server whose kernels fail on demand (see :data:`SITECUSTOMIZE`)."""
    import os

    hook = tmp_path_factory.mktemp("fault-hook")
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    flag = hook / "kapot"
    saved = {k: os.environ.get(k) for k in ("PYTHONPATH", "PURPOSECASE_TEST_FAULT_FLAG")}
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(hook), saved["PYTHONPATH"]]))
    os.environ["PURPOSECASE_TEST_FAULT_FLAG"] = str(flag)
    try:
        server = VoilaServer(tmp_path_factory.mktemp("fault-home"))
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    server.flag = flag
    yield server
    server.stop()


@pytest.fixture(scope="module")
def tokens(faulty_server):
    store = open_store(f"sqlite:///{faulty_server.home / 'werkboek.sqlite3'}")
    trekker, ttoken = create_workspace("Techniekpact", store=store)
    out = {"trekker": ttoken}
    for name in ("Ans", "Bas"):
        _, token = trekker.add_partner(name, f"{name} bv")
        session = open_workspace(token, store=store)
        pieces = {k: [] for k in PIECE_KEYS} | {
            "intenties": [Item(text=f"{name} wil")], "inbreng": [Item(text=f"{name} geeft")]
        }
        session.save_my_draft(PartnerDraft(pieces=pieces), base=0)
        session.set_my_draft_shared(True)
        out.setdefault("partner", token)
    trekker.update_shared(puzzle.adopt("impact", "Iedereen doet mee", [], []))
    trekker.update_shared(puzzle.adopt("doelgroepen", "Studenten", [], []))
    rm.save_roadmap(trekker, rm.ImpactRoadmap(steps=[rm.RoadmapStep(id="s1", wat="Verkennen")]), base=0)
    return out


def _welkom(page):
    page.locator(".pc-welkom-refresh").click()


def _sdg(page):
    page.locator(".pc-sdg-3 input").check()
    page.locator(".pc-sdg-save").click()


def _piece(page):
    page.locator(".pc-piece-picker button", has_text="Waarde").click()


def _search(page):
    page.get_by_role("tab", name="Zoeken").click()
    page.locator(".pc-search-text input").fill("stage")


def _refresh(page):
    page.locator(".pc-refresh").first.click()


def _draft(page):
    page.locator(".pc-add-item").click()
    page.locator(".pc-item-text textarea").first.fill("Een nieuwe intentie")
    page.locator(".pc-save").click()


def _roadmap(page):
    page.locator(".pc-rm-refresh").click()


def _export(page):
    page.locator(".pc-export-format select").first.select_option(label=T("delen.formaat.json"))
    page.locator(".pc-export-make").first.click()


CHAPTERS = [
    # notebook, role, what shows the page is ready, the control used with the data layer broken
    ("00_welkom.ipynb", "trekker", ".pc-steps", _welkom),
    ("01_waardecreatie.ipynb", "trekker", ".pc-sdg-grid", _sdg),
    ("02_purpose_case.ipynb", None, ".pc-instrument-canvas", _piece),
    ("03_voorbeelden.ipynb", None, ".pc-canvas", _search),
    ("04_zelf_invullen.ipynb", "trekker", ".pc-status-table", _refresh),
    ("04_zelf_invullen.ipynb", "partner", ".pc-draft-editor", _draft),
    ("05_samen_puzzelen.ipynb", "trekker", ".pc-board", _refresh),
    ("06_waardepropositie.ipynb", "trekker", ".pc-vp-tabs", _refresh),
    ("07_impact_roadmap.ipynb", "trekker", ".pc-rm-overview", _roadmap),
    ("08_delen.ipynb", "trekker", ".pc-export-panel", _export),
]


def test_a_broken_data_layer_in_every_chapter_gives_the_dutch_message(browser, faulty_server, tokens, artifacts):
    for notebook, role, ready, use in CHAPTERS:
        faulty_server.flag.unlink(missing_ok=True)
        context, page, dialogs = new_page(browser)
        page.goto(faulty_server.url(notebook, f"sleutel={tokens[role]}" if role else ""))
        page.locator(ready).first.wait_for()
        where = f"{notebook} ({role or 'zonder link'})"
        assert page.locator(".pc-msg-error:visible").count() == 0, f"{where}: an error before the fault"
        faulty_server.flag.touch()
        use(page)
        page.locator(".pc-msg-error", has_text=FRIENDLY).first.wait_for(timeout=30_000)
        page.wait_for_timeout(300)
        body = page.locator("body").inner_text()
        leaked = [bad for bad in LEAKS if bad in body]
        assert not leaked, f"{where}: {leaked} on the page"
        assert page.locator(".jp-OutputArea-output[data-mime-type*='error'], .jp-RenderedText[data-mime-type*='stderr']"
                            ).count() == 0, f"{where}: an error output"
        assert not dialogs
        full_screenshot(page, artifacts / f"fout-{notebook[:2]}-{role or 'publiek'}.png")
        faulty_server.flag.unlink()
        page.close(run_before_unload=True)
        context.close()


def test_the_fault_hook_really_breaks_the_kernel(browser, faulty_server, tokens):
    """Control: with the flag on before the page opens, the chapter cannot even read its workspace."""
    faulty_server.flag.touch()
    try:
        context, page, _ = new_page(browser)
        page.goto(faulty_server.url("05_samen_puzzelen.ipynb", f"sleutel={tokens['trekker']}"))
        page.locator(".pc-msg-error").first.wait_for()
        assert page.locator(".pc-board").count() == 0
        assert not [bad for bad in LEAKS if bad in page.locator("body").inner_text()]
        page.close(run_before_unload=True)
        context.close()
    finally:
        faulty_server.flag.unlink(missing_ok=True)
