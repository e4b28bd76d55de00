"""Headless tests of the one editor model (ui/editor.py): autosave, retry, conflicts, save at shutdown, close()."""

from __future__ import annotations

import html
import re
import time

import pytest

import purposecase
from purposecase import puzzle
from purposecase.errors import StoreUnavailable
from purposecase.messages import Translator
from purposecase.model import Item, PartnerDraft
from purposecase.pieces import PIECE_KEYS
from purposecase.ui import editor as editor_module
from purposecase.ui.common import PageContext, StatusLine
from purposecase.ui.draft import DraftModel
from purposecase.ui.puzzelen import SamenPuzzelenChapter
from purposecase.workspace import DRAFT

T = Translator("nl")


def text_of(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def wait_until(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture(autouse=True)
def _quiet(monkeypatch):
    monkeypatch.setattr(editor_module, "AUTOSAVE_SECONDS", 3600)


@pytest.fixture()
def partner():
    trekker, ttoken = purposecase.create_workspace("Editorpact")
    _, token = trekker.add_partner("Ans", "ROC")
    return {"trekker": trekker, "ttoken": ttoken, "token": token}


def draft_model(token: str) -> DraftModel:
    session = purposecase.open_workspace(token)
    return DraftModel(session.document(DRAFT), T, StatusLine())


def type_into(model: DraftModel, key: str, text: str) -> None:
    model.items[key].append({"text": text, "kind": None})
    model.changed()


def stored(token: str) -> PartnerDraft:
    return purposecase.open_workspace(token).my_draft().draft


def test_autosave_after_typing_stops(partner, monkeypatch):
    monkeypatch.setattr(editor_module, "AUTOSAVE_SECONDS", 0.1)
    model = draft_model(partner["token"])
    type_into(model, "impact", "vanzelf")
    assert model.dirty and model.timer_running
    assert wait_until(lambda: not model.dirty)
    assert [i.text for i in stored(partner["token"]).items("impact")] == ["vanzelf"]
    assert model.base == model.head == 1
    model.close()


def test_every_keystroke_restarts_the_pause(partner, monkeypatch):
    monkeypatch.setattr(editor_module, "AUTOSAVE_SECONDS", 0.4)
    model = draft_model(partner["token"])
    for n in range(4):
        type_into(model, "impact", f"item {n}")
        time.sleep(0.15)
    assert model.base == 0  # still typing: nothing saved yet
    assert wait_until(lambda: model.base == 1)
    assert len(stored(partner["token"]).items("impact")) == 4  # one revision for the whole burst
    model.close()


def test_retry_while_the_store_is_unreachable(partner, monkeypatch):
    monkeypatch.setattr(editor_module, "RETRY_SECONDS", (0.1, 0.2))
    model = draft_model(partner["token"])
    real, calls = model.handle.save, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) < 3:
            raise StoreUnavailable("locked")
        return real(*args, **kwargs)

    monkeypatch.setattr(model.handle, "save", flaky)
    type_into(model, "impact", "niet kwijt")
    assert not model.save_now()
    assert model.dirty and model.retry_in == 0 and "niet bereikbaar" in text_of(model.status.value)
    assert wait_until(lambda: not model.dirty)  # the two retries ran by themselves
    assert len(calls) == 3 and model.retry_in == 0 and model.status.value == ""
    assert [i.text for i in stored(partner["token"]).items("impact")] == ["niet kwijt"]
    model.close()


def _two_tabs(partner):
    one, two = draft_model(partner["token"]), draft_model(partner["token"])
    type_into(one, "impact", "van een")
    assert one.save_now()
    type_into(two, "impact", "van twee")
    type_into(two, "middelen", "geld")
    assert not two.save_now()
    assert two.conflict and two.open_conflict is not None and not two.save_now()  # nothing saves while open
    return one, two


def test_conflict_combine_says_what_it_does(partner):
    _, two = _two_tabs(partner)
    explain = two.open_conflict.explain
    assert any(line.startswith("Impact:") and "1 van jouw items" in line for line in explain)
    assert any(line.startswith("Middelen:") for line in explain)
    assert two.resolve("combine") and not two.conflict and not two.dirty
    saved = stored(partner["token"])
    assert [i.text for i in saved.items("impact")] == ["van een", "van twee"]
    assert [i.text for i in saved.items("middelen")] == ["geld"] and two.base == 2


def test_conflict_keep_mine_and_take_theirs(partner):
    one, two = _two_tabs(partner)
    assert two.resolve("theirs") and not two.dirty and two.base == 1
    assert [r["text"] for r in two.items["impact"]] == ["van een"]
    type_into(one, "impact", "nog een")
    assert one.save_now()
    type_into(two, "impact", "alleen de mijne")
    assert not two.save_now()
    assert two.resolve("mine") and two.base == 3
    assert [i.text for i in stored(partner["token"]).items("impact")] == ["van een", "alleen de mijne"]
    assert len(two.history()) == 3  # the other version stays in the history


def test_conflict_panel_says_below_and_the_buttons_are_below(partner):
    from purposecase.ui.zelf_invullen import ZelfInvullenChapter

    tab1 = ZelfInvullenChapter(context=PageContext(sleutel=partner["token"])).body
    tab2 = ZelfInvullenChapter(context=PageContext(sleutel=partner["token"])).body
    for tab, text in ((tab1, "een"), (tab2, "twee")):
        tab.add_button.click()
        tab.rows[-1].text.value = text
    assert tab1.save_now() and not tab2.save_now()
    panel = tab2.conflict_box
    assert panel.layout.display == "flex" and panel.children[0] is panel.text  # text first, buttons below it
    shown = text_of(panel.text.value) + " " + text_of(tab2.save_state.value)
    assert "hieronder" in shown and "hierboven" not in shown
    assert "Combineren doet dit" in shown and "Impact" in shown
    assert tab2.children.index(tab2.conflict_box) > 2  # below the save bar that points at it
    panel.combine_button.click()
    assert panel.layout.display == "none" and "gecombineerd" in text_of(tab2.status.value)
    tab1.close()
    tab2.close()


def test_save_at_kernel_shutdown_only_inside_a_kernel(partner, monkeypatch):
    registered = []
    monkeypatch.setattr(editor_module.atexit, "register", registered.append)
    draft_model(partner["token"]).close()
    assert registered == []  # plain Python (tests, scripts): nothing registered
    monkeypatch.setattr(editor_module, "in_kernel", lambda: True)
    model = draft_model(partner["token"])
    assert len(registered) == 1
    type_into(model, "impact", "vlak voor het sluiten")
    registered[0]()  # what atexit runs when Voilà shuts the kernel down
    assert [i.text for i in stored(partner["token"]).items("impact")] == ["vlak voor het sluiten"]
    model.close()


def test_close_stops_the_timers(partner, monkeypatch):
    monkeypatch.setattr(editor_module, "AUTOSAVE_SECONDS", 0.1)
    model = draft_model(partner["token"])
    type_into(model, "impact", "nooit bewaard")
    assert model.timer_running
    model.close()
    assert not model.timer_running
    type_into(model, "impact", "ook niet")  # a late keystroke starts nothing after close()
    time.sleep(0.3)
    assert not model.timer_running and model.base == 0 and stored(partner["token"]).items("impact") == []


def test_a_page_close_stops_the_editor(partner):
    from purposecase.ui.roadmap import ImpactRoadmapChapter

    board = ImpactRoadmapChapter(context=PageContext(sleutel=partner["ttoken"])).board
    board.add_button.click()
    board.editor.wat.value = "iets"
    board.model.schedule(0.1)
    board.close()
    time.sleep(0.3)
    assert not board.model.timer_running and board.model.base == 0


def board_page(token: str):
    return SamenPuzzelenChapter(context=PageContext(sleutel=token)).board


def test_board_autosaves_an_item_after_typing_stops(partner, monkeypatch):
    monkeypatch.setattr(editor_module, "AUTOSAVE_SECONDS", 0.1)
    partner["trekker"].update_shared(puzzle.adopt("impact", "Een regio", [], [], item_id="imp"))
    board = board_page(partner["ttoken"])
    board.rows[0].text.value = "Een vitale"
    board.rows[0].text.value = "Een vitale regio"
    assert board.model.dirty and "Nog niet opgeslagen" in text_of(board.save_state.value)
    assert wait_until(lambda: not board.model.dirty)
    assert partner["trekker"].shared_case().shared.items("impact")[0].text == "Een vitale regio"
    assert "Alles opgeslagen" in text_of(board.save_state.value)
    board.close()


@pytest.mark.parametrize("choice", ["mine", "theirs", "combine"])
def test_board_asks_when_the_same_item_was_edited_elsewhere(partner, choice):
    partner["trekker"].update_shared(puzzle.adopt("impact", "Een regio", [], [], item_id="imp"))
    partner["trekker"].update_shared(puzzle.adopt("impact", "Ander item", [], [], item_id="imp2"))
    one, two = board_page(partner["ttoken"]), board_page(partner["ttoken"])
    one.rows[0].text.value = "Tekst van een"
    assert one.save_now()
    two.rows[1].text.value = "Ander item, aangepast"  # another item: re-applied, no question
    two.rows[0].text.value = "Tekst van twee"
    assert not two.save_now() and two.conflict_box.layout.display == "flex"
    shown = text_of(two.conflict_box.text.value)
    assert "Tekst van een" in shown and "Tekst van twee" in shown and "beide teksten" in shown
    button = {"mine": two.conflict_box.keep_mine_button, "theirs": two.conflict_box.take_theirs_button,
              "combine": two.conflict_box.combine_button}[choice]
    button.click()
    expected = {"mine": "Tekst van twee", "theirs": "Tekst van een", "combine": "Tekst van een / Tekst van twee"}
    items = partner["trekker"].shared_case().shared.items("impact")
    assert [i.text for i in items] == [expected[choice], "Ander item, aangepast"]
    assert two.conflict_box.layout.display == "none" and not two.model.dirty
    assert two.rows[0].text.value == expected[choice]
    one.close()
    two.close()


def test_the_draft_merge_is_the_kinds_merge():
    from purposecase.workspace import REGISTRY, merge_drafts

    assert REGISTRY[DRAFT].merge is merge_drafts
    mine = PartnerDraft(pieces={k: [Item(text="a")] if k == "impact" else [] for k in PIECE_KEYS})
    theirs = PartnerDraft(pieces={k: [Item(text="b")] if k == "impact" else [] for k in PIECE_KEYS})
    assert [i.text for i in merge_drafts(mine, theirs).items("impact")] == ["b", "a"]


def test_the_shell_follows_the_workspace_and_stops_on_close(partner, monkeypatch):
    """One live feed per page: a partner's board shows the trekker's adoption by itself; close() leaves."""
    monkeypatch.setattr("purposecase.ui.shell.FOLLOW_CHANGES", True)
    chapter = SamenPuzzelenChapter(context=PageContext(sleutel=partner["token"]))
    assert chapter.feed is not None
    partner["trekker"].update_shared(puzzle.adopt("impact", "Live erbij", [], [], item_id="live"))
    assert wait_until(lambda: [i.text for i in chapter.board.loaded.shared.items("impact")] == ["Live erbij"])
    assert wait_until(lambda: any("Live erbij" in text_of(r.children[0].children[0].value) for r in chapter.board.rows))
    feed = chapter.feed
    chapter.close()
    assert chapter.feed is None and (feed._thread is None or not feed._thread.is_alive())


def test_when_clean_waits_for_the_save_and_calls_once(partner, monkeypatch):
    """A change held back while the user types is shown once the work is saved, once, never during typing."""
    monkeypatch.setattr(editor_module, "CLEAN_DELAY_SECONDS", 0.05)
    model = draft_model(partner["token"])
    seen_dirty = []

    def show() -> None:
        seen_dirty.append(model.dirty)

    type_into(model, "impact", "nog niet bewaard")
    model.when_clean(show)
    model.when_clean(show)  # the same callback twice: called once
    time.sleep(0.3)
    assert seen_dirty == []  # still typing: nothing redraws
    assert model.save_now()
    assert wait_until(lambda: seen_dirty == [False])
    time.sleep(0.2)
    assert seen_dirty == [False]
    model.close()
