"""Issue 18, text and layout: headings break only between syllables (chapter 02), the fullscreen presenter
shows only the slide (chapter 03), sector names in the user's language. Screenshots in both languages go to
tests/output/ for people to look at."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

LINE_BREAKS = """(selector) => [...document.querySelectorAll(selector)].map((el) => {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const chars = [];
  let node;
  while ((node = walker.nextNode())) {
    for (let i = 0; i < node.data.length; i++) {
      const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
      const rect = [...r.getClientRects()].filter(x => x.width > 0).pop();  // the glyph, not an empty edge
      chars.push([node.data[i], rect ? Math.round(rect.top) : null]);
    }
  }
  const bad = [];
  let top = null;
  chars.forEach(([c, t], i) => {
    if (t === null || c === '\\u00ad' || c === ' ') return;
    if (top !== null && t > top + 2) {
      const before = chars.slice(0, i).map(x => x[0]).join('').replace(/\\u00ad$/, '-');
      if (!/[ \\u00ad-]$/.test(chars.slice(0, i).map(x => x[0]).join(''))) bad.push(before + '/' + c);
    }
    top = t;
  });
  return [el.textContent, bad, el.scrollWidth <= el.clientWidth + 1];
})"""


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_piece_names_on_the_instrument_canvas_break_only_between_syllables(browser, artifacts, lang):
    from purposecase.messages import Translator
    from purposecase.ui.common import theme_css
    from purposecase.ui.instrument import instrument_canvas_html
    from purposecase.ui.nav import werkboek_css

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    html = instrument_canvas_html(Translator(lang))
    for width in (1400, 1280, 1100, 960, 901):  # above 900 px the canvas has six columns beside the detail
        page.set_viewport_size({"width": width, "height": 800})
        page.set_content(f"<style>{theme_css()}</style><style>{werkboek_css()}</style>"
                         "<div class='pc-chapter' style='font-family: DejaVu Sans; display: grid; "
                         f"grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 20px'>{html}<div></div></div>")
        for text, bad, fits in page.evaluate(LINE_BREAKS, ".pc-instrument-canvas .pc-piece-name"):
            assert not bad, (width, text, bad)  # e.g. "DOELGRO/EPEN"
            assert fits, (width, text)
        if width == 960:
            page.screenshot(path=str(artifacts / f"issue18-02-canvas-{lang}-{width}.png"), full_page=True)
    context.close()


def open_examples(page, server, query=""):
    page.goto(server.url("03_voorbeelden.ipynb", query))
    page.wait_for_selector(".pc-canvas", timeout=90_000)
    return page


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_fullscreen_presenter_shows_only_the_slide(page, voila_server, artifacts, lang):
    open_examples(page, voila_server, "taal=en" if lang == "en" else "")
    page.locator(".lm-TabBar-tab").nth(3).click()
    page.locator(".pc-presenter-next").wait_for()
    assert page.locator(".pc-presenter-controls").is_visible() and page.locator(".pc-presenter .pc-hint").is_visible()
    page.locator(".pc-fullscreen").click()
    page.wait_for_function("document.fullscreenElement !== null")
    assert page.locator(".pc-presenter-controls").is_hidden()
    assert page.locator(".pc-presenter .pc-hint").is_hidden()
    assert page.locator(".pc-slide").is_visible()
    page.keyboard.press("ArrowRight")
    page.screenshot(path=str(artifacts / f"issue18-03-presenter-fullscreen-{lang}.png"))
    page.evaluate("document.exitFullscreen()")
    page.wait_for_function("document.fullscreenElement === null")
    assert page.locator(".pc-presenter-controls").is_visible()


def test_sector_names_are_english_in_the_english_version(page, voila_server, artifacts):
    open_examples(page, voila_server, "taal=en")
    options = [o.replace("\xa0", " ") for o in page.locator(".pc-sector-dropdown select option").all_inner_texts()]
    assert "Health and social care" in options and "Zorg en Welzijn" not in options
    cases = [o.replace("\xa0", " ") for o in page.locator(".pc-case-dropdown select option").all_inner_texts()]
    assert any(o.endswith("— Sport & exercise") for o in cases) and not any("Bewegen" in o for o in cases)
    page.locator(".pc-case-dropdown select").select_option(label=next(o for o in cases if "Health and social" in o))
    page.locator(".pc-case-info .pc-meta", has_text="Health and social care").wait_for()
    page.screenshot(path=str(artifacts / "issue18-03-sectors-en.png"), full_page=True)
    open_examples(page, voila_server)
    options = [o.replace("\xa0", " ") for o in page.locator(".pc-sector-dropdown select option").all_inner_texts()]
    assert "Zorg en Welzijn" in options
    page.screenshot(path=str(artifacts / "issue18-03-sectors-nl.png"), full_page=True)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_chapter_02_in_voila_breaks_piece_names_only_between_syllables(page, voila_server, artifacts, lang):
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(voila_server.url("02_purpose_case.ipynb", "taal=en" if lang == "en" else ""))
    page.wait_for_selector(".pc-instrument-canvas .pc-piece-name", timeout=90_000)
    for text, bad, fits in page.evaluate(LINE_BREAKS, ".pc-instrument-canvas .pc-piece-name"):
        assert not bad and fits, (text, bad)
    page.screenshot(path=str(artifacts / f"issue18-02-instrument-{lang}.png"), full_page=True)
