"""Headless tests of the instrument chapter: pieces, questions, tips, examples, the two processes."""

import html
import re

import pytest

from purposecase.examples import load_catalogue
from purposecase.messages import Translator
from purposecase.pieces import PIECES, get_piece, pieces_in_group
from purposecase.ui.common import PageContext
from purposecase.ui.instrument import InstrumentChapter, examples_for, instrument_canvas_html


def text_of(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


@pytest.fixture()
def page():
    return InstrumentChapter(PageContext(lang="nl"))


def test_canvas_shows_all_eleven_questions():
    markup = instrument_canvas_html(Translator("en"))
    assert markup.count('role="button"') == 11
    for p in PIECES:
        assert html.escape(p.question_en, quote=True) in markup


def test_each_piece_explained_with_tips_and_an_example(page):
    catalogue = load_catalogue()
    for piece in PIECES:
        page.piece_buttons.value = piece.key
        assert page.model.piece == piece.key
        detail = text_of(page.detail.value)
        assert piece.question_nl in detail
        for tip in piece.tips_nl:
            assert " ".join(tip.split()) in detail
        title, item = examples_for(piece.key, catalogue)[0]
        assert " ".join(item.label().split()) in detail and title in detail
        assert 'aria-pressed="true"' in page.canvas.value
        assert f'pc-piece-{piece.key} pc-piece-choosable pc-selected' in page.canvas.value


def test_another_example(page):
    page.piece_buttons.value = "doelgroepen"
    first = page.detail.value
    page.example_button.click()
    assert page.model.example == 1 and page.detail.value != first
    page.piece_buttons.value = "impact"
    assert page.model.example == 0


def test_first_person_pieces_say_so(page):
    page.piece_buttons.value = "intenties"
    assert "voor zichzelf" in text_of(page.detail.value)
    page.piece_buttons.value = "waarde"
    assert "voor zichzelf" not in text_of(page.detail.value)


@pytest.mark.parametrize("group", ["samenwerken", "idee_naar_impact"])
def test_a_process_highlights_its_pieces(page, group):
    page.group_buttons.value = group
    for piece in PIECES:
        box = re.search(rf'<section class="([^"]*)" data-piece="{piece.key}"', page.canvas.value).group(1)
        assert ("pc-in-group" in box) == (piece.group == group)
        assert ("pc-dimmed" in box) == (piece.group != group)
    text = text_of(page.processes.value)
    for piece in pieces_in_group(group):
        assert piece.name_nl in text
    assert page.processes.value.count("<section") == 1
    page.group_buttons.value = ""
    assert page.processes.value.count("<section") == 2


def test_english():
    page = InstrumentChapter(PageContext(lang="en"))
    page.piece_buttons.value = "opbrengsten"
    assert get_piece("opbrengsten").question_en in text_of(page.detail.value)
    assert "The process of collaborating" in text_of(page.processes.value)


def test_long_piece_names_break_only_at_syllables():
    """Issue 18: "DOELGRO/EPEN": the canvas heading may break only at soft hyphens (see the browser test)."""
    from purposecase.ui.instrument import NAME_STYLE, SOFT_BREAKS, breakable

    html = instrument_canvas_html(Translator("nl"))
    assert "Doel\u00adgroepen" in html and "overflow-wrap: normal" in NAME_STYLE and NAME_STYLE in html
    assert breakable("Gezamenlijke ambitie") == "Ge\u00adza\u00admen\u00adlij\u00adke ambitie"
    assert all(v.replace("\u00ad", "") == k for k, v in SOFT_BREAKS.items())
