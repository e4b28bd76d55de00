"""Browser tests of the examples chapter: a real Voilà server, headless Chromium."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from purposecase.examples import list_cases

pytestmark = pytest.mark.browser
CHAPTER = "03_voorbeelden.ipynb"


def open_chapter(page, server, query=""):
    page.goto(server.url(CHAPTER, query))
    page.wait_for_selector(".pc-canvas", timeout=90_000)
    return page


def test_each_case_in_turn_shows_its_impact(page, voila_server, artifacts):
    open_chapter(page, voila_server)
    select = page.locator(".pc-case-dropdown select")
    for case in list_cases():
        select.select_option(label=f"{case.title} — {case.sector}")
        impact = " ".join(case.items("impact")[0].text.split())
        page.locator(".pc-piece-impact", has_text=impact[:60]).wait_for()
        assert page.locator(".pc-case-info h2").inner_text() == case.title
        page.set_viewport_size({"width": 1280, "height": 800})
        page.screenshot(path=str(artifacts / f"voorbeelden-{case.slug}.png"), full_page=True)
    assert page.locator("text=Traceback").count() == 0


def test_filter_search_and_compare(page, voila_server, artifacts):
    open_chapter(page, voila_server)
    page.locator(".pc-sector-dropdown select").select_option(label="Zorg en Welzijn")
    page.locator(".pc-case-info h2", has_text="Lerende Regio").wait_for()

    page.get_by_role("tab", name="Zoeken").click()
    box = page.locator(".pc-search-text input")
    box.fill("gastvrije")
    page.locator(".pc-hits mark", has_text="gastvrije").first.wait_for()
    assert "House of Hospitality" in page.locator(".pc-hits").inner_text()
    page.screenshot(path=str(artifacts / "voorbeelden-zoeken.png"))
    page.locator(".pc-open-hit-button").click()
    page.locator(".pc-case-info h2", has_text="House of Hospitality").wait_for()
    assert page.locator(".pc-canvas mark", has_text="gastvrije").count() >= 1

    page.get_by_role("tab", name="Vergelijken").click()
    page.locator(".pc-left-dropdown select").select_option(label="CIV Water")
    page.locator(".pc-right-dropdown select").select_option(label="Living Lab Lingewaard")
    page.locator(".pc-compare thead", has_text="Living Lab Lingewaard").wait_for()
    assert page.locator(".pc-compare tbody tr").count() == 11
    page.screenshot(path=str(artifacts / "voorbeelden-vergelijken.png"), full_page=True)


def test_english_on_request(page, voila_server):
    open_chapter(page, voila_server, "taal=en")
    assert page.locator("h1", has_text="10 inspiring examples").count() == 1
    assert page.locator(".pc-piece-gezamenlijke_ambitie h3").inner_text().lower() == "joint ambition"


@pytest.mark.parametrize(
    "path",
    [
        "/voila/files/03_voorbeelden.ipynb",
        "/voila/files/../data/cases/civ-water.yaml",
        "/voila/files/%2E%2E/data/cases/civ-water.yaml",
        "/voila/files/../pyproject.toml",
        "/voila/files/../purposecase/store.py",
        "/voila/files/werkboek.sqlite3",
        "/voila/api/contents/03_voorbeelden.ipynb",
        "/api/contents/03_voorbeelden.ipynb",
        "/files/03_voorbeelden.ipynb",
        "/voila/static/../../../../data/cases/civ-water.yaml",
    ],
)
def test_sources_data_and_store_are_not_served(voila_server, path):
    try:
        with urllib.request.urlopen(voila_server.base + path, timeout=10) as resp:  # noqa: S310
            body = resp.read()
            status = resp.status
    except urllib.error.HTTPError as exc:
        status, body = exc.code, b""
    if path.startswith("/voila/api/contents/") and status == 200:
        # the tree page's listing: metadata only, Voilà blanks the content
        import json

        assert json.loads(body)["content"] is None
    else:
        assert status in (403, 404, 405), (path, status)
    assert b"pieces:" not in body and b"ExamplesChapter" not in body


def test_store_file_is_outside_the_served_folder(voila_server):
    from purposecase.paths import notebooks_dir

    assert notebooks_dir().resolve() not in voila_server.home.resolve().parents


def test_kernels_go_away_when_pages_close(browser, voila_server):
    import time

    before = {k.pid for k in voila_server.kernels()}
    ours: set[int] = set()
    for _ in range(3):
        context = browser.new_context()
        pg = context.new_page()
        open_chapter(pg, voila_server)
        ours |= {k.pid for k in voila_server.kernels()} - before
        pg.close(run_before_unload=True)
        context.close()
    assert len(ours) == 3  # one kernel per page
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and ours & {k.pid for k in voila_server.kernels()}:
        time.sleep(0.5)
    assert not ours & {k.pid for k in voila_server.kernels()}, "kernels of closed pages are still running"
