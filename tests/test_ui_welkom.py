"""Headless tests of the welcome chapter: the five steps, progress with a valid link, links keep the sleutel."""

import html
import re

import pytest

from purposecase.store import open_store
from purposecase.ui.common import PageContext
from purposecase.ui.welkom import WelkomChapter, steps_html
from purposecase.workspace import create_workspace, open_workspace


def text_of(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


@pytest.fixture()
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("PURPOSECASE_DATABASE_URL", f"sqlite:///{tmp_path / 'w.sqlite3'}")
    return open_store()


@pytest.mark.parametrize("lang,title", [("nl", "Stap 3: Puzzel samen"), ("en", "Step 3: Puzzle together")])
def test_five_steps_without_a_workspace(lang, title):
    page = WelkomChapter(PageContext(lang=lang))
    assert page.session is None and page.progress is None
    assert page.steps.value.count('class="pc-step"') == 5
    assert title in text_of(page.steps.value)
    assert "pc-badge" not in page.steps.value
    assert not hasattr(page, "refresh_button")
    assert "04_zelf_invullen.ipynb" in page.steps.value


def test_table_of_contents_lists_every_chapter():
    page = WelkomChapter(PageContext(lang="nl"))
    assert page.toc.value.count("<li") == 9
    assert 'href="02_purpose_case.ipynb"' in page.toc.value


def test_progress_and_links_with_a_valid_link(db):
    trekker, token = create_workspace("Zorgpact Zuid", store=db)
    _, ptoken = trekker.add_partner("Ans", "ROC")
    page = WelkomChapter(PageContext(lang="nl", sleutel=token))
    assert page.session is not None and page.status.value == ""
    assert [p.state for p in page.progress] == ["klaar", "niet_begonnen", "niet_begonnen", "niet_begonnen",
                                                "niet_begonnen"]
    assert "De vijf stappen van Zorgpact Zuid" in text_of(page.steps_title.value)
    assert "Partners uitgenodigd: 1" in text_of(page.steps.value)
    assert "0 van 1 concept(en) gedeeld" in text_of(page.steps.value)
    for href in re.findall(r'href="([^"]+)"', page.steps.value + page.toc.value + page.nav.value):
        assert f"sleutel={token}" in html.unescape(href)
    # progress moves on: a partner shares, the trekker refreshes
    partner = open_workspace(ptoken, store=db)
    from purposecase.model import Item, PartnerDraft
    from purposecase.pieces import PIECE_KEYS

    pieces = {k: [] for k in PIECE_KEYS}
    pieces.update(intenties=[Item(text="Leren")], inbreng=[Item(text="Tijd")])
    partner.save_my_draft(PartnerDraft(pieces=pieces), base=0)
    partner.set_my_draft_shared(True)
    page.refresh_button.click()
    assert page.progress[1].state == "klaar"
    assert "1 van 1 concept(en) gedeeld" in text_of(page.steps.value)


def test_unknown_link_shows_nothing_of_a_workspace(db):
    create_workspace("Geheim Pact", store=db)
    page = WelkomChapter(PageContext(lang="en", sleutel="x" * 40))
    assert page.session is None and page.progress is None
    assert "We do not know this link" in text_of(page.status.value) or page.status.value
    assert "Geheim" not in page.nav.value + page.steps.value + page.steps_title.value


def test_steps_html_marks_missing_chapters():
    from purposecase.messages import Translator

    markup = steps_html(Translator("nl"), available={"04_zelf_invullen.ipynb"})
    assert "7 · Stap 5: de Impact Roadmap (binnenkort)" in text_of(markup)
    assert "07_impact_roadmap" not in markup
