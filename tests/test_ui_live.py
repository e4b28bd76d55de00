"""The live parts every chapter page gets from the shell: who is here, new since you looked, a revoked link, an outage.

Headless: pages are built as Voilà would (the shell starts the page's live feed) and other
people act through the Python API; assertions wait with generous timeouts.
"""

from __future__ import annotations

import html
import re
import time

import pytest
from conftest import eventually

import purposecase
from purposecase import valueprop
from purposecase.errors import RevokedToken, StoreUnavailable
from purposecase.model import Item, PartnerDraft
from purposecase.pieces import PIECE_KEYS
from purposecase.ui.common import PageContext
from purposecase.ui.puzzelen import SamenPuzzelenChapter
from purposecase.ui.roadmap import ImpactRoadmapChapter


@pytest.fixture(autouse=True)
def _live(monkeypatch):
    monkeypatch.setattr("purposecase.ui.shell.FOLLOW_CHANGES", True)


def text_of(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def draft(text: str) -> PartnerDraft:
    pieces = {k: [] for k in PIECE_KEYS}
    pieces.update(intenties=[Item(text="Leren")], inbreng=[Item(text=text)])
    return PartnerDraft(pieces=pieces)


@pytest.fixture()
def ws():
    trekker, ttoken = purposecase.create_workspace("Zorgpact")
    ans, atoken = trekker.add_partner("Ans de Vries", "ROC Twente")
    bas, btoken = trekker.add_partner("Bas", "Ziekenhuis MST")
    return trekker, ttoken, atoken, btoken


def test_who_is_here_appears_and_disappears(ws):
    trekker, ttoken, atoken, _ = ws
    page = ImpactRoadmapChapter(context=PageContext(sleutel=ttoken))
    try:
        eventually(lambda: "Alleen jij" in text_of(page.presence.value))  # once the feed has announced the page
        partner_page = SamenPuzzelenChapter(context=PageContext(sleutel=atoken))
        shown = eventually(lambda: "ROC Twente" in text_of(page.presence.value) and text_of(page.presence.value))
        assert "Ans de Vries" in shown and "partner" in shown and "Samen puzzelen" in shown
        assert "<bdi>ROC Twente</bdi>" in page.presence.value  # user text isolated
        partner_page.close()
        eventually(lambda: "Alleen jij" in text_of(page.presence.value))
    finally:
        page.close()


def test_changes_elsewhere_show_as_badges_on_the_other_chapters(ws):
    trekker, ttoken, atoken, _ = ws
    first = SamenPuzzelenChapter(context=PageContext(sleutel=atoken))  # a first visit: nothing counts as new
    first.close()
    page = SamenPuzzelenChapter(context=PageContext(sleutel=atoken))
    try:
        assert 'class="pc-nav-badge"' not in page.nav.value
        studenten = valueprop.add_proposition(valueprop.new_proposition("Studenten"))
        valueprop.update_propositions(trekker, studenten, base=0)
        badge = eventually(lambda: re.search(r'pc-nav-badge" title="([^"]+)"', page.nav.value))
        assert badge.group(1) == "1 nieuw sinds je hier was"
        assert "Waardepropositie" in text_of(page.nav.value.split('class="pc-nav-badge"')[0][-400:])
    finally:
        page.close()
    # opening chapter 06 is looking at it: the badge is gone there, and stays gone on the next page
    from purposecase.ui.waardepropositie import WaardepropositieChapter

    WaardepropositieChapter(context=PageContext(sleutel=atoken)).close()
    again = SamenPuzzelenChapter(context=PageContext(sleutel=atoken))
    try:
        assert 'class="pc-nav-badge"' not in again.nav.value
    finally:
        again.close()


def test_a_revoked_link_stops_the_open_page(ws):
    trekker, ttoken, atoken, btoken = ws
    bas = SamenPuzzelenChapter(context=PageContext(sleutel=btoken))
    try:
        trekker.new_partner_link(bas.session.access.partner_id)  # a new link: the open one is revoked
        eventually(lambda: bas.stopped and "ingetrokken" in text_of(bas.status.value))
    finally:
        bas.close()
    page = SamenPuzzelenChapter(context=PageContext(sleutel=atoken))
    try:
        partner_id = page.session.access.partner_id
        trekker.remove_partner(partner_id)  # removed: the page says so, not "ask for a new link"
        eventually(lambda: page.stopped and "uit deze werkruimte gehaald" in text_of(page.status.value))
        assert page.feed is None and page.presence.value == ""  # it follows nothing more and left
        with pytest.raises(RevokedToken):  # and nothing more is saved
            page.session.react("x1", "eens")
        page.board.proposals.text.value = "Nog een voorstel"
        page.board.proposals.button.click()  # refused: the page keeps saying why it stopped
        assert "uit deze werkruimte gehaald" in text_of(page.status.value)
        assert "ingetrokken" not in text_of(page.status.value) and page.board.status.value in ("", page.status.value)
    finally:
        page.close()


def test_an_outage_is_shown_and_the_page_catches_up(ws, monkeypatch):
    trekker, ttoken, atoken, _ = ws
    page = SamenPuzzelenChapter(context=PageContext(sleutel=ttoken))
    try:
        store = page.session.store
        real = store.changes_since
        down = {"on": False}

        def flaky(*args, **kwargs):
            if down["on"]:
                raise StoreUnavailable("weg")
            return real(*args, **kwargs)

        monkeypatch.setattr(store, "changes_since", flaky)
        down["on"] = True
        eventually(lambda: "verbinding met de opslag" in text_of(page.live_banner.value))
        ans = purposecase.open_workspace(atoken)
        ans.save_my_draft(draft("Docenten tijdens de storing"), base=0)
        ans.set_my_draft_shared(True)
        down["on"] = False
        eventually(lambda: page.live_banner.value == "")
        eventually(lambda: "Docenten tijdens de storing" in repr(page.board.drafts))
    finally:
        page.close()


def test_new_reactions_show_as_a_badge_on_their_piece(ws):
    trekker, ttoken, atoken, _ = ws
    from purposecase import puzzle

    trekker.update_shared(puzzle.adopt("waarde", "Stageplekken", [], [], item_id="w1"))
    trekker.update_shared(puzzle.adopt("impact", "Iedereen doet mee", [], [], item_id="i1"))
    first = SamenPuzzelenChapter(context=PageContext(sleutel=ttoken))  # the trekker has looked at step 3
    first.close()
    page = SamenPuzzelenChapter(context=PageContext(sleutel=ttoken))
    try:
        board = page.board
        assert board.badges == {}
        ans = purposecase.open_workspace(atoken)
        ans.react("w1", "vraag", "Voor wie precies?")
        ans.react("i1", "eens")  # on the piece the trekker has open: no badge there
        # both reactions shown (they may come in two bursts; one not yet shown on impact would rightly badge it)
        eventually(lambda: board.badges == {"waarde": 1} and any("i1" in mine for mine in board.reactions.values()))
        board.piece_buttons.value = "waarde"  # looking at it clears it
        eventually(lambda: board.badges == {})
    finally:
        page.close()
    # a reload remembers what was seen when the chapter was opened
    again = SamenPuzzelenChapter(context=PageContext(sleutel=ttoken))
    try:
        assert again.board.badges == {}
    finally:
        again.close()


def test_a_change_committed_while_the_page_loads_is_not_missed(ws, monkeypatch):
    """The feed follows from before the chapter loads: a share committed after the board read the drafts
    (and before the page's feed started) still reaches the board, as its first burst."""
    trekker, ttoken, atoken, _ = ws
    original = SamenPuzzelenChapter.build

    def slow_build(self):
        body = original(self)  # the board has read the drafts: none shared yet
        ans = purposecase.open_workspace(atoken)
        ans.save_my_draft(draft("Stagebegeleiders"), base=0)
        ans.set_my_draft_shared(True)
        return body

    monkeypatch.setattr(SamenPuzzelenChapter, "build", slow_build)
    page = SamenPuzzelenChapter(context=PageContext(sleutel=ttoken))
    try:
        board = page.board
        eventually(lambda: "Stagebegeleiders" in {e.item.text for e in board._entries["inbreng"]})
    finally:
        page.close()


def test_changes_made_while_the_trekker_types_show_once_the_typing_is_saved(ws, monkeypatch):
    """Found by a tester: a share and a reaction that came while the trekker typed never showed on the board.

    While the trekker's edit is unsaved the board is not redrawn (the field keeps its text); once the
    autosave has stored it, what came meanwhile is shown without a click.
    """
    from purposecase import puzzle
    from purposecase.ui import editor

    monkeypatch.setattr(editor, "AUTOSAVE_SECONDS", 2.0)
    trekker, ttoken, atoken, btoken = ws
    trekker.update_shared(puzzle.adopt("impact", "Iedereen doet mee", [], [], item_id="i1"))
    page = SamenPuzzelenChapter(context=PageContext(sleutel=ttoken))
    try:
        board = page.board
        eventually(lambda: page.notices is not None)
        field = board.rows[0].text
        field.value = "Iedereen doet mee, ook wie nu langs de kant staat"  # typing: not saved yet
        assert board.model.dirty
        ans = purposecase.open_workspace(atoken)
        ans.save_my_draft(draft("Stagebegeleiders"), base=0)
        ans.set_my_draft_shared(True)
        ans.react("i1", "vraag", "Wie bedoelen we?")
        time.sleep(1.0)  # the burst arrives while the edit is unsaved: the row (and its text) stays
        assert board.rows[0].text is field and board.model.dirty
        eventually(lambda: not board.model.dirty)  # the autosave stores the typing …
        # … and then what came meanwhile shows: the shared draft on the board, the question under the item
        eventually(lambda: "Stagebegeleiders" in {e.item.text for e in board._entries["inbreng"]})
        eventually(lambda: "Wie bedoelen we?" in text_of(board.rows[0].reactions_view.value))
        assert board.loaded.shared.items("impact")[0].text.startswith("Iedereen doet mee, ook wie")
    finally:
        page.close()


def test_a_preheated_kernel_builds_the_page_before_it_is_asked_for(monkeypatch):
    """``for_page``: Dutch without a link is built ahead; the same page is used when the address asks for
    that, and built again (the first one closed) for ``?taal=en``; chapters that need a link never prebuild."""
    from purposecase.ui import ExamplesChapter, ZelfInvullenChapter, common, shell

    monkeypatch.setattr(shell, "preheated_kernel", lambda: True)
    built = []
    original = ExamplesChapter.__init__

    pages = []

    def counting(self, *args, **kwargs):
        built.append(kwargs.get("context"))
        pages.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(ExamplesChapter, "__init__", counting)
    monkeypatch.setattr(common, "query_string", lambda: "")
    page = ExamplesChapter.for_page()
    assert built == [PageContext()] and page.t.lang == "nl" and page.comm is not None
    page.close()

    built.clear()
    monkeypatch.setattr(common, "query_string", lambda: "taal=en")
    page = ExamplesChapter.for_page()
    assert built == [PageContext(), PageContext(lang="en")] and page.t.lang == "en"
    assert page.comm is not None and pages[-2].comm is None  # the Dutch one was closed
    page.close()

    asked = []
    monkeypatch.setattr(common, "query_string", lambda: asked.append(1) or "")
    other = ZelfInvullenChapter.for_page()  # PREBUILD off: built once, from the address
    assert asked == [1] and not ZelfInvullenChapter.PREBUILD
    other.close()


def test_who_is_here_counts_people_not_tabs():
    """A partner's two tabs are one entry with both chapters; my own other tab is "jij ook", not someone else."""
    from datetime import UTC, datetime

    from purposecase.messages import Translator
    from purposecase.store import Partner, Presence
    from purposecase.ui.presence import presence_html

    def page(page_id, role, partner_id, chapter):
        return Presence(page_id, "w", role, partner_id, chapter, "", False, datetime.now(UTC))

    partners = {"a": Partner("a", "w", "Bram", "Gemeente Hoorn", "", datetime.now(UTC), None)}
    t = Translator("nl")
    present = [
        page("me", "trekker", None, "05_samen_puzzelen.ipynb"),
        page("me2", "trekker", None, "04_zelf_invullen.ipynb"),
        page("b1", "partner", "a", "04_zelf_invullen.ipynb"),
        page("b2", "partner", "a", "05_samen_puzzelen.ipynb"),
    ]
    shown = text_of(presence_html(present, partners, t, own_page="me", own_link=("trekker", "")))
    assert "Nu ook hier (1)" in shown and shown.count("Gemeente Hoorn") == 1
    assert "Zelf invullen, Samen puzzelen" in shown and "jij ook (ander tabblad): Zelf invullen" in shown
    alone = text_of(presence_html(present[:2], partners, t, own_page="me", own_link=("trekker", "")))
    assert alone == "Alleen jij hebt deze werkruimte nu open, ook in een ander tabblad: Zelf invullen."
