"""Headless widget tests of the examples chapter (no browser)."""

import html
import re

import pytest

from purposecase.examples import CaseCatalogue, list_cases
from purposecase.messages import Translator
from purposecase.model import Item, PurposeCase
from purposecase.pieces import PIECE_KEYS
from purposecase.ui.canvas import canvas_html, highlight
from purposecase.ui.common import PageContext
from purposecase.ui.examples import ExamplesChapter


def text_of(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


@pytest.fixture()
def chapter():
    return ExamplesChapter(context=PageContext(lang="nl"))


def test_first_case_is_shown(chapter):
    case = chapter.model.case()
    assert chapter.case_dropdown.value == case.slug
    assert case.items("impact")[0].text in text_of(chapter.canvas.value)
    assert case.title in text_of(chapter.case_info.value)


def test_select_each_case_shows_its_items(chapter):
    for case in list_cases():
        chapter.case_dropdown.value = case.slug
        assert chapter.model.slug == case.slug
        shown = " ".join(text_of(chapter.canvas.value).split())
        for key in PIECE_KEYS:
            for item in case.items(key):
                assert " ".join(item.text.split()) in shown, (case.slug, key)
        assert case.summary in text_of(chapter.case_info.value)


def test_sector_filter_narrows_the_cases(chapter):
    sectors = chapter.model.catalogue.sectors()
    assert len(sectors) >= 3
    for sector in sectors:
        chapter.sector_dropdown.value = sector
        slugs = [s for _, s in chapter.case_dropdown.options]
        assert slugs and all(chapter.model.catalogue.get(s).sector == sector for s in slugs)
        assert chapter.case_dropdown.value in slugs
        assert chapter.model.slug == chapter.case_dropdown.value
    chapter.sector_dropdown.value = ""
    assert len(chapter.case_dropdown.options) == 10


def test_search_lists_hits_and_opens_the_case(chapter):
    chapter.search_text.value = "meest gastvrije regio"
    results = chapter.search_results.value
    assert "<mark>meest gastvrije regio</mark>" in results
    assert "House of Hospitality" in results and "Impact" in results
    assert [s for _, s in chapter.hit_case_dropdown.options] == ["house-of-hospitality"]
    chapter.tabs.selected_index = 1
    chapter.open_hit_button.click()
    assert chapter.tabs.selected_index == 0
    assert chapter.model.slug == "house-of-hospitality"
    assert "<mark>meest gastvrije regio</mark>" in chapter.canvas.value


def test_search_without_hits_says_so(chapter):
    chapter.search_text.value = "zzqqxx"
    assert "Geen treffers" in text_of(chapter.search_results.value)
    assert chapter.open_hit_button.disabled


def test_compare_two_cases(chapter):
    a, b = list_cases()[0], list_cases()[3]
    chapter.left_dropdown.value = a.slug
    chapter.right_dropdown.value = b.slug
    table = chapter.comparison.value
    assert table.count("<tr data-piece=") == 11
    assert a.items("impact")[0].text.split()[0] in text_of(table)
    assert b.items("impact")[0].text.split()[0] in text_of(table)


def test_questions_toggle(chapter):
    assert "pc-question" not in chapter.canvas.value
    chapter.questions_checkbox.value = True
    assert "Welke echte impact maken we met dit initiatief?" in chapter.canvas.value


def test_english_on_request():
    chapter = ExamplesChapter(context=PageContext.from_query("taal=en"))
    assert "<h1>10 inspiring examples</h1>" in chapter.children[2].value
    assert chapter.tabs.titles == ("View", "Search", "Compare", "Present", "Quiz")
    assert "Joint ambition" in chapter.canvas.value


def test_page_context_from_query():
    ctx = PageContext.from_query("sleutel=abc&taal=en&x=1")
    assert ctx.lang == "en" and ctx.sleutel == "abc"
    assert PageContext.from_query("").lang == "nl"


def test_user_text_is_escaped():
    evil = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    data = {k: [] for k in PIECE_KEYS}
    data["impact"] = [Item(text=evil, partner="<b>RET</b>")]
    case = PurposeCase(slug="x", title="<i>T</i>", pieces=data)
    markup = canvas_html(case, Translator("nl"), query="img")
    assert "<script>" not in markup and "<img" not in markup and "<b>RET" not in markup
    assert "&lt;script&gt;" in markup
    assert "&lt;<mark>img</mark>" in markup
    assert highlight("<a>", "a") == "&lt;<mark>a</mark>&gt;"


def test_broken_case_file_shows_a_note_and_the_others(tmp_path):
    import shutil

    from purposecase.examples import cases_dir, load_catalogue

    for path in sorted(cases_dir().glob("*.yaml"))[:2]:
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "kapot.yaml").write_text("slug: [\n", encoding="utf-8")
    chapter = ExamplesChapter(catalogue=load_catalogue(tmp_path), context=PageContext())
    note = text_of(chapter.load_note.value)
    assert "kapot.yaml" in note and "geen geldige YAML" in note
    assert len(chapter.case_dropdown.options) == 2
    assert "Traceback" not in note


def test_empty_catalogue_does_not_break():
    chapter = ExamplesChapter(catalogue=CaseCatalogue((), ()), context=PageContext())
    assert "geen voorbeelden" in text_of(chapter.case_info.value)


def test_a_failing_callback_shows_a_dutch_message(chapter, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("kapot")

    monkeypatch.setattr("purposecase.ui.examples.search", boom)
    chapter.search_text.value = "mbo"
    assert "Er ging iets mis" in chapter.status.value
    assert "Traceback" not in chapter.status.value and "kapot" not in chapter.status.value
