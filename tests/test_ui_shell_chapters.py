"""The five chapters that joined the chapter shell (issue 15, item 4): one frame, live where it matters.

Welcome (00), value creation (01), instrument (02), examples (03) and sharing (08) are
:class:`~purposecase.ui.shell.ChapterShell` pages. With a link, 00 recomputes the step
progress and 01 shows the SDG choice as soon as another page saves them; 08 offers a
draft shared elsewhere for export. A page without a link never imports the store.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from purposecase.model import Item, PartnerDraft
from purposecase.pieces import PIECE_KEYS
from purposecase.ui.common import PageContext
from purposecase.ui.shell import ChapterShell
from purposecase.workspace import create_workspace, open_workspace


def wait_until(condition, seconds: float = 8.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture()
def live(monkeypatch):
    monkeypatch.setattr("purposecase.ui.shell.FOLLOW_CHANGES", True)


def shared_draft(token: str) -> None:
    partner = open_workspace(token)
    pieces = {k: [] for k in PIECE_KEYS}
    pieces.update(intenties=[Item(text="Leren")], inbreng=[Item(text="Tijd")])
    partner.save_my_draft(PartnerDraft(pieces=pieces), base=0)
    partner.set_my_draft_shared(True)


def test_every_chapter_is_a_shell_page():
    from purposecase.ui.delen import DelenChapter
    from purposecase.ui.examples import ExamplesChapter
    from purposecase.ui.instrument import InstrumentChapter
    from purposecase.ui.waardecreatie import WaardecreatieChapter
    from purposecase.ui.welkom import WelkomChapter

    for cls in (WelkomChapter, WaardecreatieChapter, InstrumentChapter, ExamplesChapter, DelenChapter):
        assert issubclass(cls, ChapterShell), cls
        page = cls(context=PageContext(lang="en"))
        assert page.nav.notebook == cls.NOTEBOOK and "<h1>" in page.header.value
        assert page.children[1] is page.nav and page.children[3] is page.status


def test_welcome_progress_follows_the_workspace_live(live):
    from purposecase.ui.welkom import WelkomChapter

    trekker, token = create_workspace("Zorgpact Zuid")
    _, ptoken = trekker.add_partner("Ans", "ROC")
    page = WelkomChapter(PageContext(sleutel=token))
    try:
        assert page.feed is not None and page.progress[1].state != "klaar"
        shared_draft(ptoken)  # another page shares a draft: no refresh click
        assert wait_until(lambda: page.progress[1].state == "klaar")
        assert "1 van 1 concept(en) gedeeld" in page.steps.value
    finally:
        page.close()


def test_the_sdg_choice_follows_the_workspace_but_keeps_an_unsaved_choice(live):
    from purposecase.ui.waardecreatie import WaardecreatieChapter

    trekker, token = create_workspace("Klimaatpact")
    _, ptoken = trekker.add_partner("Ans", "ROC")
    partner_page = WaardecreatieChapter(PageContext(sleutel=ptoken))
    other_tab = WaardecreatieChapter(PageContext(sleutel=token))
    busy_tab = WaardecreatieChapter(PageContext(sleutel=token))
    try:
        busy_tab.sdg_panel.checkboxes[2].value = True  # ticked, not saved yet
        other_tab.sdg_panel.checkboxes[13].value = True
        other_tab.sdg_panel.save_button.click()
        assert trekker.sdgs() == [13]
        assert wait_until(lambda: partner_page.sdg_panel.checkboxes[13].value)
        assert "Klimaatactie" in partner_page.sdg_panel.chosen.value
        time.sleep(1.0)  # the busy tab heard the same change by now
        assert busy_tab.sdg_panel.model.chosen == [2] and not busy_tab.sdg_panel.checkboxes[13].value
        busy_tab.sdg_panel.save_button.click()  # it still started from the old revision: it asks
        assert busy_tab.sdg_panel.conflict_box.layout.display == "flex"
    finally:
        for page in (partner_page, other_tab, busy_tab):
            page.close()


def test_sharing_offers_a_draft_shared_elsewhere(live):
    from purposecase.ui.delen import DelenChapter

    trekker, token = create_workspace("Pact")
    ans, ptoken = trekker.add_partner("Ans", "ROC")
    page = DelenChapter(context=PageContext(sleutel=token))
    try:
        values = lambda: [v for _, v in page.export_panel.subject_dropdown.options]  # noqa: E731
        assert values() == ["shared", "workspace"]
        page.export_panel.subject_dropdown.value = "workspace"
        shared_draft(ptoken)
        assert wait_until(lambda: values() == ["shared", f"draft:{ans.id}", "workspace"])
        assert page.model.subject == "workspace"  # the choice on screen stays
    finally:
        page.close()


def test_the_public_pages_opened_with_a_link_show_who_is_here(live):
    """Every page with a link shows who else has the workspace open (issue "live workspace"), 02 and 03 too."""
    from purposecase.ui.examples import ExamplesChapter
    from purposecase.ui.instrument import InstrumentChapter

    _, token = create_workspace("Pact")
    for cls in (InstrumentChapter, ExamplesChapter):
        page = cls(context=PageContext(sleutel=token))
        try:
            assert page.session is not None and page.feed is not None and "Pact" in page.nav.value
            deadline = time.monotonic() + 15
            while "pc-presence" not in page.presence.value and time.monotonic() < deadline:
                time.sleep(0.05)  # the feed announces the page from its own thread
            assert "pc-presence" in page.presence.value
        finally:
            page.close()


@pytest.mark.parametrize("module", ["welkom", "waardecreatie", "instrument", "examples"])
def test_a_page_without_a_link_does_not_import_the_store(module):
    """(Chapter 08 imports a file into a new workspace without a link: it needs the store anyway.)"""
    cls = {"welkom": "WelkomChapter", "waardecreatie": "WaardecreatieChapter", "instrument": "InstrumentChapter",
           "examples": "ExamplesChapter"}[module]
    code = (
        f"import sys; from purposecase.ui.common import PageContext; from purposecase.ui.{module} import {cls};"
        f"{cls}(context=PageContext());"
        "print('sqlalchemy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False"]
