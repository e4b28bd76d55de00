"""Browser tests of the guided workbook: every chapter in both languages, navigation, the template, axe-core.

Each available chapter is opened in Dutch and English (screenshots in tests/output/),
scanned with axe-core (npm package, installed by ``make axe`` into .cache/node_modules)
for serious or critical WCAG violations, and checked for a working navigation bar.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import axe_violations, full_screenshot  # noqa: E402

from purposecase.chapters import available_chapters
from purposecase.store import open_store
from purposecase.workspace import create_workspace

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = [c.notebook for c in available_chapters()]

# What "the page is ready" looks like per chapter (the chapter's main widget).
READY = {
    "00_welkom.ipynb": ".pc-steps",
    "01_waardecreatie.ipynb": ".pc-sdg-grid",
    "02_purpose_case.ipynb": ".pc-instrument-canvas",
    "03_voorbeelden.ipynb": ".pc-canvas",
}

# The axe scan (conftest.axe_violations) switches off one rule: "region", reported as "moderate"
# anyway; our template puts the chapter in <main> and the navigation in <nav>. No part of the page
# from Voilà / JupyterLab needed excluding so far.


def server_store(server):
    return open_store(f"sqlite:///{server.home / 'werkboek.sqlite3'}")


# Chapters built in this issue carry the navigation bar; the others get it from their own issues.
WITH_NAV = set(READY)


def open_chapter(page, server, notebook, query=""):
    page.goto(server.url(notebook, query))
    page.wait_for_selector(READY.get(notebook, ".pc-chapter"), timeout=120_000)
    page.wait_for_timeout(300)  # let the last widget views settle
    return page


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("notebook", CHAPTERS)
def test_chapter_in_both_languages(page, voila_server, artifacts, notebook, lang):
    query = "taal=en" if lang == "en" else ""
    open_chapter(page, voila_server, notebook, query)
    assert page.evaluate("document.documentElement.lang") == lang
    if notebook in WITH_NAV or page.locator(".pc-nav").count():
        assert page.locator(".pc-nav [aria-current='page']").count() == 1
        current = page.locator(".pc-nav [aria-current='page']").inner_text()
        assert current.startswith(str(int(notebook[:2])))
        switch = page.locator(".pc-nav-lang-switch")
        assert switch.get_attribute("hreflang") == ("nl" if lang == "en" else "en")
        if lang == "en":
            assert "Hoofdstuk" not in page.locator(".pc-nav").inner_text()
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "Running" not in body and "Executing" not in body
    full_screenshot(page, artifacts / f"hoofdstuk-{notebook[:2]}-{lang}.png")
    violations = axe_violations(page)
    assert not violations, json.dumps(violations, indent=1, ensure_ascii=False)


def test_navigation_keeps_sleutel_and_language(page, voila_server, artifacts):
    store = server_store(voila_server)
    trekker, token = create_workspace("Techniekpact Noord", store=store)
    trekker.add_partner("Ans", "ROC")
    open_chapter(page, voila_server, "00_welkom.ipynb", f"sleutel={token}&taal=en")
    nav = page.locator(".pc-nav")
    assert "Techniekpact Noord" in nav.inner_text() and "Workspace:" in nav.inner_text()
    assert page.locator(".pc-step[data-step='1'] .pc-badge").inner_text() == "done"
    full_screenshot(page, artifacts / "hoofdstuk-00-en-werkruimte.png")
    # next chapter, by the navigation bar
    page.locator(".pc-nav-next").click()
    page.wait_for_url("**/01_waardecreatie.ipynb?*")
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"sleutel": [token], "taal": ["en"]}
    open_chapter(page, voila_server, "01_waardecreatie.ipynb", f"sleutel={token}&taal=en")
    assert "Techniekpact Noord" in page.locator(".pc-nav").inner_text()
    # the language switch keeps the page and the sleutel
    page.locator(".pc-nav-lang-switch").click()
    page.wait_for_url("**/01_waardecreatie.ipynb?*")
    assert parse_qs(urlsplit(page.url).query) == {"sleutel": [token]}
    page.wait_for_selector(".pc-sdg-grid", timeout=120_000)
    assert page.evaluate("document.documentElement.lang") == "nl"
    # every chapter link keeps the sleutel
    for href in page.locator(".pc-nav-chapters a").evaluate_all("els => els.map(e => e.href)"):
        assert parse_qs(urlsplit(href).query).get("sleutel") == [token], href
    # the trekker stores an SDG choice in the browser
    page.locator(".pc-sdg-4 input").check()
    page.locator(".pc-sdg-save").click()
    page.locator(".pc-state-saved").wait_for()
    assert trekker.sdgs() == [4]


def test_unknown_link_shows_no_workspace(page, voila_server):
    create_workspace("Geheim Pact", store=server_store(voila_server))
    open_chapter(page, voila_server, "00_welkom.ipynb", "sleutel=" + "x" * 43)
    assert page.locator(".pc-msg-error").count() == 1
    assert "Geheim" not in page.locator("body").inner_text()


def test_instrument_canvas_is_clickable(page, voila_server):
    open_chapter(page, voila_server, "02_purpose_case.ipynb")
    page.locator(".pc-instrument-canvas [data-piece='doelgroepen']").click()
    page.locator(".pc-piece-detail[data-piece='doelgroepen']").wait_for()
    assert "Voor wie is dit initiatief van waarde?" in page.locator(".pc-piece-detail").inner_text()
    page.locator(".pc-instrument-canvas [data-piece='middelen']").focus()
    page.keyboard.press("Enter")
    page.locator(".pc-piece-detail[data-piece='middelen']").wait_for()
    page.locator(".pc-group-picker button", has_text="Het proces van samenwerken").click()
    page.locator(".pc-instrument-canvas .pc-piece-waarde.pc-dimmed").wait_for()


def test_trainer_mode_with_arrow_keys(page, voila_server, artifacts):
    open_chapter(page, voila_server, "03_voorbeelden.ipynb")
    page.get_by_role("tab", name="Presenteren").click()
    stage = page.locator(".pc-stage")
    stage.locator(".pc-slide-intro").wait_for()
    page.locator(".pc-presenter-next").focus()
    page.keyboard.press("ArrowRight")
    stage.locator(".pc-slide-piece[data-piece='impact']").wait_for()
    page.keyboard.press("ArrowRight")
    stage.locator(".pc-slide-piece[data-piece='gezamenlijke_ambitie']").wait_for()
    page.keyboard.press("ArrowLeft")
    stage.locator(".pc-slide-piece[data-piece='impact']").wait_for()
    page.keyboard.press("PageDown")
    stage.locator(".pc-slide-piece[data-piece='gezamenlijke_ambitie']").wait_for()
    page.screenshot(path=str(artifacts / "trainer-presenteren.png"))
    # the arrow keys do nothing while another tab is shown
    page.get_by_role("tab", name="Bekijken").click()
    page.locator("body").press("ArrowRight")
    page.get_by_role("tab", name="Presenteren").click()
    assert stage.locator(".pc-slide-piece[data-piece='gezamenlijke_ambitie']").count() == 1
    violations = axe_violations(page)
    assert not violations, json.dumps(violations, indent=1, ensure_ascii=False)


def test_quiz_in_the_browser(page, voila_server, artifacts):
    from purposecase.examples import list_cases
    from purposecase.trainer import quiz_questions

    by_text = {" ".join(q.item.label().split()): q.piece for q in quiz_questions(list_cases())}
    open_chapter(page, voila_server, "03_voorbeelden.ipynb", "taal=en")
    page.get_by_role("tab", name="Quiz").click()
    page.locator(".pc-quiz-item").wait_for()
    for round_ in range(2):
        shown = " ".join(page.locator(".pc-quiz-item").inner_text().split())
        right = by_text[shown]
        from purposecase.pieces import get_piece

        page.locator(f".pc-quiz-answer-{right}").click()
        page.locator(".pc-reveal-goed").wait_for()
        assert get_piece(right).question_en in page.locator(".pc-quiz-reveal").inner_text()
        assert f"Score: {round_ + 1} of {round_ + 1} right" in page.locator(".pc-quiz-score").inner_text()
        page.screenshot(path=str(artifacts / "trainer-quiz.png"))
        page.locator(".pc-quiz-next").click()
        page.locator(".pc-quiz-reveal .pc-reveal").wait_for(state="detached")


def test_voila_texts_are_dutch_and_the_cdn_is_gone(voila_server):
    with urllib.request.urlopen(voila_server.url("00_welkom.ipynb"), timeout=120) as resp:  # noqa: S310
        html = resp.read().decode()
    assert '<html lang="nl">' in html
    assert "Het werkboek wordt geladen" in html
    assert "Running " not in html and "Executing ${" not in html
    assert "cdn.jsdelivr.net" not in html
    assert "werkboek.css" in html and "print.css" in html and "<main" in html


@pytest.mark.parametrize("lang,text", [("nl", "Deze pagina bestaat niet"), ("en", "This page does not exist")])
def test_error_page_in_the_page_language(page, voila_server, lang, text):
    try:
        urllib.request.urlopen(voila_server.url("99_bestaat_niet.ipynb"), timeout=30)  # noqa: S310
        status = 200
    except urllib.error.HTTPError as exc:
        status = exc.code
    assert status == 404
    page.goto(voila_server.url("99_bestaat_niet.ipynb", "taal=en" if lang == "en" else ""))
    assert page.locator("h1").inner_text() == text
    assert page.evaluate("document.documentElement.lang") == lang
    start = page.locator(".pc-error a").get_attribute("href")
    assert start.endswith("00_welkom.ipynb" + ("?taal=en" if lang == "en" else ""))
    violations = axe_violations(page)
    assert not violations, json.dumps(violations, indent=1, ensure_ascii=False)


def test_print_stylesheet_shows_the_canvas_without_controls(page, voila_server, artifacts):
    open_chapter(page, voila_server, "03_voorbeelden.ipynb")
    page.emulate_media(media="print")
    assert not page.locator(".pc-nav").is_visible()
    assert not page.locator(".pc-case-dropdown").is_visible()
    assert page.locator(".pc-canvas").first.is_visible()
    canvas = page.locator(".pc-canvas").first
    columns = canvas.evaluate("e => getComputedStyle(e).gridTemplateColumns.split(' ').length")
    assert columns == 6
    full_screenshot(page, artifacts / "voorbeelden-print.png")
    page.pdf(path=str(artifacts / "voorbeelden-print.pdf"), landscape=True)
