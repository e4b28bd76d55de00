"""Headless tests of the value-creation chapter: text in both languages, the SDG choice per role."""

import html
import re

import pytest

from purposecase.sdgs import SDGS
from purposecase.store import open_store
from purposecase.ui.common import PageContext
from purposecase.ui.waardecreatie import WaardecreatieChapter
from purposecase.workspace import create_workspace, open_workspace


def text_of(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


@pytest.fixture()
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("PURPOSECASE_DATABASE_URL", f"sqlite:///{tmp_path / 'w.sqlite3'}")
    return open_store()


@pytest.mark.parametrize("lang,words", [("nl", ["Brundtland", "brede welvaart", "triple"]),
                                        ("en", ["Brundtland", "broad prosperity", "triple"])])
def test_text_sections(lang, words):
    page = WaardecreatieChapter(PageContext(lang=lang))
    text = text_of(page.text_before.value + page.text_after.value)
    for word in words:
        assert word in text
    assert "Osterwalder" in text and "Katapult" in text
    assert "people, planet" in text.lower()


def test_exercise_without_a_link_is_not_stored(db):
    page = WaardecreatieChapter(PageContext(lang="nl"))
    panel = page.sdg_panel
    assert panel.mode == "oefening" and len(panel.checkboxes) == 17
    assert all(panel.save_button not in getattr(c, "children", ()) for c in panel.children)
    panel.checkboxes[4].value = True
    panel.checkboxes[13].value = True
    assert panel.model.chosen == [4, 13]
    assert "Kwaliteitsonderwijs" in text_of(panel.chosen.value) and "Klimaatactie" in text_of(panel.chosen.value)


def test_every_checkbox_has_a_label():
    panel = WaardecreatieChapter(PageContext(lang="en")).sdg_panel
    for sdg in SDGS:
        assert panel.checkboxes[sdg.number].description == f"{sdg.number} · {sdg.name_en}"


def test_trekker_saves_partner_sees_read_only(db):
    trekker, token = create_workspace("Klimaatpact", store=db)
    _, ptoken = trekker.add_partner("Ans", "ROC")
    page = WaardecreatieChapter(PageContext(sleutel=token))
    panel = page.sdg_panel
    assert panel.mode == "trekker" and panel.save_button.disabled
    panel.checkboxes[7].value = True
    assert not panel.save_button.disabled and "Nog niet bewaard" in panel.state.value
    panel.save_button.click()
    assert trekker.sdgs() == [7] and "Bewaard" in panel.state.value
    partner_page = WaardecreatieChapter(PageContext(sleutel=ptoken))
    ppanel = partner_page.sdg_panel
    assert ppanel.mode == "alleen_lezen"
    assert ppanel.checkboxes[7].value and all(b.disabled for b in ppanel.checkboxes.values())
    ppanel.checkboxes[3].value = True  # a disabled box changed anyway (e.g. a crafted message) …
    assert open_workspace(ptoken, store=db).sdgs() == [7]  # … stores nothing


def test_conflict_shows_theirs_and_lets_the_trekker_choose(db):
    trekker, token = create_workspace("Waterpact", store=db)
    one = WaardecreatieChapter(PageContext(sleutel=token)).sdg_panel
    two = WaardecreatieChapter(PageContext(sleutel=token)).sdg_panel
    one.checkboxes[6].value = True
    one.save_button.click()
    two.checkboxes[14].value = True
    two.save_button.click()
    assert trekker.sdgs() == [6]
    assert two.conflict_box.layout.display == "flex"
    assert "6 Schoon water en sanitair" in two.status.value
    two.keep_mine_button.click()
    assert trekker.sdgs() == [14] and two.conflict_box.layout.display == "none"
    one.checkboxes[1].value = True
    one.save_button.click()  # one is now behind
    one.take_theirs_button.click()
    assert one.model.chosen == [14] and one.checkboxes[14].value and not one.checkboxes[1].value
    assert trekker.sdgs() == [14]
