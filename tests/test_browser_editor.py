"""Browser test of the one editor: the save-state line and the conflict panel in the draft editor and on the board."""

from __future__ import annotations

import pytest
from conftest import new_page  # noqa: E402

from purposecase import puzzle
from purposecase.model import Item, PartnerDraft
from purposecase.pieces import PIECE_KEYS
from purposecase.store import open_store
from purposecase.workspace import create_workspace, open_workspace

pytestmark = pytest.mark.browser


def test_draft_and_board_show_a_conflict_and_combine_it(browser, voila_server, artifacts):
    store = open_store(f"sqlite:///{voila_server.home / 'werkboek.sqlite3'}")
    trekker, ttoken = create_workspace("Conflictpact", store=store)
    _, atoken = trekker.add_partner("Ans", "ROC")
    trekker.update_shared(puzzle.adopt("impact", "Iedereen doet mee", [], [], item_id="imp"))

    # the draft: the page autosaves, then the same draft is saved elsewhere (another tab), then the page saves
    context, page, dialogs = new_page(browser)
    page.goto(voila_server.url("04_zelf_invullen.ipynb", f"sleutel={atoken}"))
    page.locator(".pc-draft-editor").wait_for()
    page.locator(".pc-add-item").click()
    page.locator(".pc-item-text textarea").last.fill("uit de browser")
    page.locator(".pc-save-state", has_text="Alles opgeslagen (revisie 1)").wait_for(timeout=30_000)
    ans = open_workspace(atoken, store=store)
    other = PartnerDraft(pieces={k: [Item(text="uit een ander tabblad")] if k == "impact" else [] for k in PIECE_KEYS})
    ans.save_my_draft(other, base=1)
    page.locator(".pc-item-text textarea").last.fill("uit de browser, aangepast")
    page.locator(".pc-conflict", has_text="Combineren doet dit").wait_for(timeout=30_000)
    panel = page.locator(".pc-conflict")
    assert "hieronder" in panel.inner_text() and "hierboven" not in page.locator(".pc-save-state").inner_text()
    page.screenshot(path=str(artifacts / "editor-draft-conflict.png"), full_page=True)
    panel.locator("button", has_text="Combineer beide").click()
    page.locator(".pc-save-state", has_text="revisie 3").wait_for(timeout=30_000)
    texts = [i.text for i in ans.my_draft().draft.items("impact")]
    assert texts == ["uit een ander tabblad", "uit de browser, aangepast"]
    assert not dialogs
    context.close()

    # the board: the trekker types, the same item changes elsewhere, the board asks
    context, page, dialogs = new_page(browser)
    page.goto(voila_server.url("05_samen_puzzelen.ipynb", f"sleutel={ttoken}"))
    page.locator(".pc-shared-text textarea").first.wait_for()
    page.locator(".pc-shared-text textarea").first.fill("Iedereen doet echt mee")
    page.locator(".pc-save-state", has_text="Alles opgeslagen (revisie 2)").wait_for(timeout=30_000)
    page.screenshot(path=str(artifacts / "editor-board-saved.png"), full_page=False)
    trekker.update_shared(puzzle.edit("impact", "imp", "Iedereen doet mee, ook later"))
    page.locator(".pc-shared-text textarea").first.fill("Iedereen doet echt mee, nu")
    page.locator(".pc-conflict", has_text="Iedereen doet mee, ook later").wait_for(timeout=30_000)
    page.screenshot(path=str(artifacts / "editor-board-conflict.png"), full_page=False)
    page.locator(".pc-conflict button", has_text="Combineer beide").click()
    page.locator(".pc-save-state", has_text="Alles opgeslagen").wait_for(timeout=30_000)
    texts = [i.text for i in trekker.shared_case().shared.items("impact")]
    assert texts == ["Iedereen doet mee, ook later / Iedereen doet echt mee, nu"]
    assert not dialogs
    context.close()
