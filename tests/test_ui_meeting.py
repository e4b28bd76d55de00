"""Headless widget tests of step 3 as a meeting (issue 17, issue 16 item 4).

Every partner sees every shared draft; proposals; "voor wie"; reactions on click; Enter;
merges; dot voting; the timer; per-piece status and badges; follow the trekker; the
presenter view; refusals with a clear message where nothing changes.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest

import purposecase
from purposecase import meeting as mt
from purposecase.model import MAX_ITEM_LENGTH, Item, PartnerDraft
from purposecase.pieces import PIECE_KEYS
from purposecase.store import Change, Presence
from purposecase.ui.common import PageContext
from purposecase.ui.meeting import press_enter
from purposecase.ui.puzzelen import NOTEBOOK, SamenPuzzelenChapter
from purposecase.workspace.live import FeedEvent


@pytest.fixture(autouse=True)
def _no_polling(monkeypatch):
    monkeypatch.setattr("purposecase.ui.editor.AUTOSAVE_SECONDS", 3600)  # tests save with save_now()


def text_of(markup: str) -> str:
    """The text a reader sees (tags and the bidi isolates U+2068/U+2069 around user text left out)."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", markup)).translate({0x2068: None, 0x2069: None})
    return " ".join(text.split())


def draft(**pieces) -> PartnerDraft:
    data = {k: [] for k in PIECE_KEYS}
    data.update({k: [Item(text=v) for v in vs] for k, vs in pieces.items()})
    return PartnerDraft(pieces=data)


class WS:
    """A workspace: the trekker, two partners who shared (ROC Twente, Ziekenhuis MST), one who did not."""

    def __init__(self) -> None:
        self.trekker, self.ttoken = purposecase.create_workspace("Zorgpact")
        self.tokens: dict[str, str] = {}
        self.ids: dict[str, str] = {}
        for contact, org, d, share in (
            ("Ans de Vries", "ROC Twente",
             draft(impact=["Iedereen doet mee in de zorg"], intenties=["Personeel behouden"],
                   inbreng=["Twee docenten"], waarde=["Stageplekken dichtbij"]), True),
            ("Bas Jansen", "Ziekenhuis MST",
             draft(impact=["Iedereen doet mee in de zorg!"], intenties=["Onderzoek doen"],
                   inbreng=["Onderzoekers"], waarde=["Gekwalificeerde instroom"]), True),
            ("Cem Kaya", "Gemeente Hengelo", draft(impact=["Gezonde regio"], intenties=["x"], inbreng=["Geld"]), False),
        ):
            partner, token = self.trekker.add_partner(contact, org)
            self.tokens[org], self.ids[org] = token, partner.id
            session = purposecase.open_workspace(token)
            session.save_my_draft(d, base=0)
            if share:
                session.set_my_draft_shared(True)
        self.viewer_token = self.trekker.new_viewer_link()

    def page(self, who: str) -> SamenPuzzelenChapter:
        token = {"trekker": self.ttoken, "viewer": self.viewer_token}.get(who) or self.tokens[who]
        return SamenPuzzelenChapter(context=PageContext(sleutel=token))


@pytest.fixture()
def ws():
    return WS()


def event(*kinds: str, present=None) -> FeedEvent:
    now = datetime.now(UTC)
    changes = tuple(Change(n, "w", "save", k, 1, None, "trekker", now) for n, k in enumerate(kinds))
    return FeedEvent(changes, present=present)


def presence(role="trekker", focus="waarde", follow=True, chapter=NOTEBOOK) -> Presence:
    return Presence("p1", "w", role, None, chapter, focus, follow, datetime.now(UTC))


# ------------------------------------------------------------------ everyone sees every shared draft
def test_every_partner_sees_every_shared_draft_grouped_as_the_trekker_sees_it(ws):
    boards = {who: ws.page(who).board for who in ("trekker", "ROC Twente", "Ziekenhuis MST", "viewer")}
    for board in boards.values():
        board.piece_buttons.value = "inbreng"
    seen = {who: [g.partner_ids for g, _ in b.groups] for who, b in boards.items()}
    assert seen["ROC Twente"] == seen["Ziekenhuis MST"] == seen["viewer"] == seen["trekker"]
    assert len(seen["trekker"]) == 2  # Ans's and Bas's inbreng; Cem did not share
    shown = text_of(boards["ROC Twente"].board_box.children[1].value)
    assert "Ziekenhuis MST" in shown and "Bas Jansen" in shown and "Onderzoekers" in shown  # organisation, contact
    assert "Geld" not in " ".join(text_of(c.value) for c in boards["ROC Twente"].board_box.children)
    assert all(button is None for _, button in boards["ROC Twente"].groups)  # read-only


def test_sharing_says_exactly_who_can_see_the_draft():
    from purposecase.ui.zelf_invullen import ZelfInvullenChapter

    trekker, _ = purposecase.create_workspace("Zorgpact")
    _, token = trekker.add_partner("Ans", "ROC Twente")
    trekker.add_partner("Bas", "Ziekenhuis MST")
    trekker.add_partner("Cem", "Gemeente Hengelo")
    session = purposecase.open_workspace(token)
    session.save_my_draft(draft(intenties=["groeien"], inbreng=["docenten"]), base=0)
    editor = ZelfInvullenChapter(context=PageContext(sleutel=token)).body
    editor.share_checkbox.value = True
    said = text_of(editor.status.value)
    assert "de trekker, de meekijkers en de andere partners: Ziekenhuis MST, Gemeente Hengelo" in said
    assert "ROC Twente" not in said


# ------------------------------------------------------------------ proposals
def test_a_partner_proposes_with_enter_and_the_trekker_accepts_it_edited(ws):
    roc = ws.page("ROC Twente").board
    roc.piece_buttons.value = "waarde"
    roc.proposals.text.value = "Een leerwerkplaats in het ziekenhuis"
    press_enter(roc.proposals.text)  # Enter sends it
    assert roc.proposals.text.value == ""
    assert "wacht op de trekker" in text_of(roc.proposals.mine.value)
    roc.proposals.text.value = "Minder uitval van studenten"
    roc.proposals.button.click()

    trekker = ws.page("trekker").board
    assert [p.tekst for _, p, *_ in trekker.proposals.rows] == [
        "Een leerwerkplaats in het ziekenhuis", "Minder uitval van studenten",
    ]
    _, first, text, accept, _ = trekker.proposals.rows[0]
    text.value = "Een leerwerkplaats in Ziekenhuis MST"
    accept.click()
    item = trekker.loaded.shared.items("waarde")[-1]
    assert item.text == "Een leerwerkplaats in Ziekenhuis MST" and item.origin == [ws.ids["ROC Twente"]]
    trekker.proposals.rows[0][4].click()  # decline the second
    assert trekker.proposals.rows == []

    roc.on_change(event("meeting", "shared_case"))  # the live feed
    mine = text_of(roc.proposals.mine.value)
    assert "overgenomen als: Een leerwerkplaats in Ziekenhuis MST" in mine and "afgewezen" in mine
    assert any(r.item_id == item.id for r in roc.rows)
    accept.click()  # a second click on the old row adds nothing twice
    assert [i.text for i in trekker.loaded.shared.items("waarde")].count("Een leerwerkplaats in Ziekenhuis MST") == 1


def test_bad_proposals_are_refused_with_a_message_and_nothing_changes(ws):
    chapter = ws.page("ROC Twente")
    roc = chapter.board
    roc.proposals.text.value = "x" * (MAX_ITEM_LENGTH + 1)
    press_enter(roc.proposals.text)
    assert "te lang" in text_of(roc.status.value) and roc.proposals.text.value  # kept, to shorten
    roc.proposals.text.value = "   "
    roc.proposals.button.click()
    assert "Schrijf eerst" in text_of(roc.status.value)
    assert roc.session.document("proposals").load().base == 0
    viewer = ws.page("viewer").board
    assert viewer.proposals.text is None  # no form for a viewer
    ws.trekker.new_partner_link(ws.ids["ROC Twente"])  # the page's link is revoked
    roc.proposals.text.value = "Nog een idee"
    roc.proposals.button.click()
    assert "ingetrokken" in text_of(roc.status.value)
    assert ws.page("trekker").board.meeting.open_proposals() == []


# ------------------------------------------------------------------ reactions, Enter, merges
def test_a_reaction_saves_on_click_and_a_comment_needs_one(ws):
    trekker = ws.page("trekker").board
    trekker.groups[0][1].click()
    roc = ws.page("ROC Twente").board
    row = roc.rows[0]
    row.comment.value = "Ook mantelzorgers?"
    row.react_button.click()
    assert "Kies eerst" in text_of(roc.status.value)
    row.reaction.value = "vraag"  # the click alone saves it, with the comment typed
    assert roc.session.reactions()[ws.ids["ROC Twente"]][row.item_id] == {
        "soort": "vraag", "opmerking": "Ook mantelzorgers?",
    }
    assert "ROC Twente vraag: Ook mantelzorgers?" in text_of(row.reactions_view.value)
    row.comment.value = "Ook vrijwilligers?"
    press_enter(row.comment)
    assert roc.session.reactions()[ws.ids["ROC Twente"]][row.item_id]["opmerking"] == "Ook vrijwilligers?"
    row.reaction.value = ""
    assert row.item_id not in roc.session.reactions().get(ws.ids["ROC Twente"], {})


def test_enter_adds_an_item_and_a_merge_keeps_every_text(ws):
    board = ws.page("trekker").board
    board.piece_buttons.value = "intenties"
    for _, button in board.groups:
        button.click()
    board.new_item_text.value = "Samen opleiden"
    press_enter(board.new_item_text)
    assert [i.text for i in board.loaded.shared.items("intenties")][-1] == "Samen opleiden"
    assert board.new_item_text.value == ""
    for row in board.rows[:2]:
        row.select.value = True
    board.merge_button.click()
    merged = board.loaded.shared.items("intenties")[0]
    assert merged.text == "Personeel behouden / Onderzoek doen"
    assert board.rows[0].text.value == merged.text  # editable like every shared item
    assert all(g.adopted and b.disabled for g, b in board.groups)  # no "Neem over" left on a merged source
    board.rows[0].text.value = "Personeel behouden en onderzoek doen"
    assert board.save_now()
    assert all(g.adopted for g, _ in board.groups)  # still marked: similar wording from the same partners


def test_a_merge_that_would_be_too_long_is_refused(ws):
    board = ws.page("trekker").board
    for text in ("a" * 1500, "b" * 1500):
        board.new_item_text.value = text
        board.new_item_button.click()
    for row in board.rows:
        row.select.value = True
    board.merge_button.click()
    assert "te lang" in text_of(board.status.value) and len(board.loaded.shared.items("impact")) == 2


# ------------------------------------------------------------------ dot voting and the timer
def test_dot_voting_hidden_until_revealed_and_every_refusal_says_why(ws):
    trekker = ws.page("trekker").board
    trekker.piece_buttons.value = "waarde"
    for _, button in trekker.groups:
        button.click()
    item_a, item_b = (i.id for i in trekker.loaded.shared.items("waarde"))
    panel = trekker.meeting_panel
    panel.votes_input.value = 2
    panel.hidden_checkbox.value = True
    panel.open_button.click()
    assert "iedere partner heeft 2 stemmen" in text_of(trekker.status.value)

    roc, mst, viewer = (ws.page(who).board for who in ("ROC Twente", "Ziekenhuis MST", "viewer"))
    for b in (roc, mst, viewer):
        b.piece_buttons.value = "waarde"
    assert "Nog over: 2" in text_of(roc.meeting_panel.round_line.value)
    roc.rows[0].votes.plus.click()
    roc.rows[0].votes.plus.click()
    assert "Nog over: 0" in text_of(roc.meeting_panel.round_line.value)
    assert roc.rows[0].votes.plus.disabled
    roc.rows[1].votes.plus.click()  # a crafted click on the disabled +: refused by the rules
    assert "al je stemmen gebruikt (maximaal 2" in text_of(roc.status.value)
    assert roc.session.document("votes").load().record.stemmen == {item_a: 2}
    roc.rows[0].votes.minus.click()
    mst.rows[1].votes.plus.click()
    for b in (trekker, roc, mst, viewer):
        b.on_change(event("votes"))
    assert "stem" not in text_of(roc.rows[1].votes.count.value)  # hidden: only your own
    assert "stem" not in text_of(viewer.rows[0].votes.count.value)
    assert "1 stem" in text_of(trekker.rows[0].votes.count.value)  # the trekker sees them
    assert viewer.rows[0].votes.plus is None

    panel.reveal_button.click()
    for b in (roc, viewer):
        b.on_change(event("meeting"))
    assert "1 stem" in text_of(viewer.rows[1].votes.count.value)
    assert "1 stem" in text_of(viewer.presenter.value)

    viewer._guard(viewer.vote)(item_a, 1)  # a viewer's vote (a crafted click): refused, nothing changes
    assert "niet" in text_of(viewer.status.value).lower()
    trekker.rows[1].remove.click()  # the item mst voted on goes
    mst.on_change(event("shared_case"))
    mst._guard(mst.vote)(item_b, 1)
    assert "staat niet meer" in text_of(mst.status.value)
    panel.close_button.click()
    roc.rows[0].votes.plus.click()  # the round is closed
    assert "geen open stemronde" in text_of(roc.status.value)
    assert roc.session.document("votes").load().record.stemmen == {item_a: 1}


def test_the_timer_counts_down_on_every_page_and_stops(ws):
    trekker = ws.page("trekker").board
    assert ws.page("ROC Twente").board.meeting_panel.layout.display == "none"  # no empty bar before a timer
    panel = trekker.meeting_panel
    panel.minutes_input.value = 5
    panel.start_button.click()
    assert re.search(r"0[45]:[0-5]\d", text_of(panel.countdown.value))
    roc = ws.page("ROC Twente").board
    assert re.search(r"0[45]:[0-5]\d", text_of(roc.meeting_panel.countdown.value))
    assert roc.meeting_panel.layout.display == "flex"
    assert roc.meeting_panel.countdown._thread is not None  # ticks every second
    panel.stop_button.click()
    roc.on_change(event("meeting"))
    assert roc.meeting_panel.countdown.value == ""
    roc.close()
    assert roc.meeting_panel.countdown._stop.is_set()


def test_a_countdown_that_ran_out_says_so():
    from datetime import timedelta

    from purposecase.messages import Translator
    from purposecase.ui.meeting import CountdownView

    view = CountdownView(Translator("nl"))
    view.show(mt.Timer(eind=datetime.now(UTC) - timedelta(seconds=1), minuten=1))
    assert "De tijd is om" in text_of(view.value)
    view.close()


# ------------------------------------------------------------------ status, badges, follow, presenter
def test_every_piece_button_shows_its_status_and_badges_show_counts(ws):
    board = ws.page("trekker").board
    icons = dict(zip((v for _, v in board.piece_buttons.options), board.piece_buttons.icons, strict=True))
    assert icons["impact"] == "circle-o"
    board.groups[0][1].click()
    board.agreed_checkbox.value = True
    board.piece_buttons.value = "waarde"
    board.groups[0][1].click()
    icons = dict(zip((v for _, v in board.piece_buttons.options), board.piece_buttons.icons, strict=True))
    assert icons["impact"] == "check-circle" and icons["waarde"] == "comments-o"
    assert "Impact: akkoord" in board.piece_buttons.tooltips[0]
    roc = ws.page("ROC Twente").board
    assert roc.piece_buttons.icons[0] == "check-circle"  # everyone sees it

    rows_before = board.rows
    board.set_piece_badges({"impact": 3, "waarde": 0, "onzin": 2})
    labels = dict((v, label) for label, v in board.piece_buttons.options)
    assert labels["impact"] == "Impact · 3" and labels["waarde"] == "Waarde"
    assert board.piece == board.piece_buttons.value == "waarde" and board.rows is rows_before  # nothing redrawn
    board.set_piece_badges({})
    assert dict((v, label) for label, v in board.piece_buttons.options)["impact"] == "Impact"


def test_volg_mij_moves_partner_boards_but_never_while_typing(ws):
    trekker_page = ws.page("trekker")
    trekker = trekker_page.board
    calls = []
    trekker.on_focus = lambda piece, follow: calls.append((piece, follow))
    trekker.follow_toggle.value = True
    trekker.piece_buttons.value = "waarde"
    assert calls == [("impact", True), ("waarde", True)]

    roc, viewer = ws.page("ROC Twente").board, ws.page("viewer").board
    roc.on_change(event(present=(presence(focus="waarde"),)))
    viewer.follow([presence(focus="waarde")])
    assert roc.piece == viewer.piece == "waarde"
    roc.follow([presence(focus="doelgroepen", follow=False)])  # "volg mij" off: stay
    assert roc.piece == "waarde"
    roc.proposals.text.value = "half getypt"
    roc.follow([presence(focus="opbrengsten")])
    assert roc.piece == "waarde" and "De trekker is bij Opbrengsten" in text_of(roc.follow_note.value)
    roc.proposals.text.value = ""
    roc.follow([presence(focus="opbrengsten")])
    assert roc.piece == "opbrengsten" and roc.follow_note.value == ""
    roc.follow([presence(focus="impact", chapter="06_waardepropositie.ipynb")])  # another chapter: ignored
    assert roc.piece == "opbrengsten"
    assert roc.follow_choice.layout.display == "none"  # nobody leads: no choice to make


def test_a_partner_stops_following_by_choosing_a_piece_and_follows_again(ws):
    roc = ws.page("ROC Twente").board
    roc.follow([presence(focus="waarde")])
    assert roc.piece == "waarde" and roc.follow_choice.value and roc.follow_choice.layout.display == ""
    assert roc.follow_choice.description == "Je volgt de trekker" and roc.follow_choice.button_style == "info"
    roc.piece_buttons.value = "impact"  # chosen by hand while following: following stops
    assert not roc.follow_choice.value
    assert roc.follow_choice.description == "Volg de trekker" and roc.follow_choice.button_style == ""
    roc.follow([presence(focus="doelgroepen")])
    assert roc.piece == "impact" and "De trekker is bij Doelgroepen" in text_of(roc.follow_note.value)
    roc.follow_choice.value = True  # back to the trekker at once
    assert roc.piece == "doelgroepen" and roc.follow_note.value == ""
    roc.follow([presence(focus="waarde")])
    assert roc.piece == "waarde"
    roc.follow_choice.value = False
    roc.follow([presence(focus="opbrengsten", follow=False)])  # the trekker stops "volg mij"
    assert roc.follow_choice.layout.display == "none" and roc.piece == "waarde"
    roc.follow([presence(focus="opbrengsten")])  # and starts again: everyone follows again
    assert roc.follow_choice.value and roc.piece == "opbrengsten"
    # text left unsent holds the board, and the note says why; turning following on moves it anyway
    roc.proposals.text.value = "half voorstel"
    roc.follow([presence(focus="impact")])
    assert roc.piece == "opbrengsten"
    assert "je bord volgt zodra je tekst hier verstuurd of leeg is" in text_of(roc.follow_note.value)
    roc.follow_choice.value = False
    roc.follow_choice.value = True
    assert roc.piece == "impact" and roc.proposals.text.value == ""  # the proposal stays with its piece
    roc.piece_buttons.value = "opbrengsten"
    assert roc.proposals.text.value == "half voorstel"


def test_the_presenter_view_shows_the_piece_large_without_controls(ws):
    board = ws.page("trekker").board
    board.groups[0][1].click()
    assert 'class="pc-present-button"' in board.present_button.value and "Presenteren" in board.present_button.value
    shown = text_of(board.presenter.value)
    assert "Impact" in shown and "Iedereen doet mee in de zorg!" in shown
    assert "pc-present-stage" in board.children[-1]._dom_classes
    board.present_next.click()  # the arrow keys in fullscreen
    assert board.piece == "gezamenlijke_ambitie" and "Gezamenlijke ambitie" in text_of(board.presenter.value)
    board.present_prev.click()
    board.present_prev.click()
    assert board.piece == "impact"


def test_meeting_changes_arrive_while_the_trekker_types(ws):
    """A vote arriving mid-edit updates the counts, not the text being typed."""
    trekker = ws.page("trekker").board
    trekker.groups[0][1].click()
    trekker.meeting_panel.open_button.click()
    trekker.rows[0].text.value = "Bijna klaar met typen"
    assert trekker.model.dirty
    roc = ws.page("ROC Twente").board
    roc.rows[0].votes.plus.click()
    rows = trekker.rows
    trekker.on_change(event("votes"))
    assert trekker.rows is rows and trekker.rows[0].text.value == "Bijna klaar met typen"
    assert "1 stem" in text_of(trekker.rows[0].votes.count.value)


def test_give_and_take_without_items_says_what_is_missing_instead_of_an_empty_figure(ws):
    board = ws.page("trekker").board
    board.figure_button.click()
    assert board.figure is None  # (the message goes into the output area, which needs a kernel to hold it)
    board.piece_buttons.value = "inbreng"
    board.groups[0][1].click()
    board.figure_button.click()
    assert board.figure is not None


def test_a_trekker_typing_in_one_tab_sees_the_other_tabs_changes_and_cannot_overwrite_them(ws):
    """Two trekker tabs (laptop and projector): tab A types in item 1 while tab B edits item 2 and adds one.
    After A's save, A shows B's work in place (its own row kept, no silent overwrite later); found by a
    new-user test where A kept the old text of item 2 and its next edit wiped B's (no conflict panel)."""
    from purposecase import puzzle
    from purposecase.workspace import SHARED_CASE

    for n, text in enumerate(("Iedereen doet mee", "Samen leren")):
        ws.trekker.update_shared(puzzle.adopt("impact", text, [], [], item_id=f"i{n}"))
    a, b = ws.page("trekker").board, ws.page("trekker").board
    first, second = a.rows
    first.text.value = "Iedereen doet mee, ook na school"  # A types; not saved yet
    b.rows[1].text.value = "Samen leren en werken"
    assert b.model.save_now()
    b.new_item_text.value = "Gezonde regio"
    b.new_item_button.click()
    a.on_change(event(SHARED_CASE))  # comes while A types: held back
    assert a.rows[1].text.value == "Samen leren"
    assert a.model.save_now()  # A's typing saved: B's work shows, A's field is the same widget
    assert a.rows[0] is first and a.rows[1] is second
    assert [r.text.value for r in a.rows] == ["Iedereen doet mee, ook na school", "Samen leren en werken",
                                              "Gezonde regio"]
    a.rows[1].text.value = "Samen leren en werken in de regio"  # A edits what it now sees
    assert a.model.save_now() and not a.model.conflict
    assert [i.text for i in ws.trekker.shared_case().shared.items("impact")] == [
        "Iedereen doet mee, ook na school", "Samen leren en werken in de regio", "Gezonde regio"]


def test_a_comment_on_an_item_removed_meanwhile_is_shown_not_lost(ws):
    """The trekker removes an item while a partner types a comment on it: the partner's page says so and
    shows the comment (to copy), instead of the row and the text vanishing (found by a new-user test)."""
    from purposecase import puzzle
    from purposecase.workspace import SHARED_CASE

    ws.trekker.update_shared(puzzle.adopt("impact", "Iedereen doet mee", [], [], item_id="i0"))
    roc = ws.page("ROC Twente").board
    roc.rows[0].comment.value = "Ik vind dit belangrijk omdat"
    ws.trekker.update_shared(puzzle.remove("impact", "i0"))
    roc.on_change(event(SHARED_CASE))
    assert roc.rows == []
    shown = text_of(roc.status.value)
    assert "‘Iedereen doet mee’ is intussen uit de gedeelde Purpose Case gehaald" in shown
    assert "‘Ik vind dit belangrijk omdat’" in shown


def test_a_trekker_typing_in_an_item_another_tab_removes_is_told_and_shown_the_text(ws):
    from purposecase import puzzle

    ws.trekker.update_shared(puzzle.adopt("impact", "Iedereen doet mee", [], [], item_id="i0"))
    a, b = ws.page("trekker").board, ws.page("trekker").board
    a.rows[0].text.value = "Iedereen doet mee, ook na school"  # A types; not saved yet
    b.rows[0].remove.click()
    assert a.model.save_now()
    assert a.rows == [] and ws.trekker.shared_case().shared.items("impact") == []
    shown = text_of(a.status.value)
    assert "‘Iedereen doet mee’ is intussen verwijderd" in shown and "‘Iedereen doet mee, ook na school’" in shown


def test_a_partner_who_just_reacted_keeps_the_row_while_typing_the_comment(ws):
    """Ans clicks "eens" (saved at once) and types her comment; Bas's reaction redraws the board: Ans's row is
    the same widget (the browser keeps the field and every keystroke; found by a new-user test that lost one
    or two characters there), and her typed comment stays."""
    from purposecase import puzzle
    from purposecase.workspace import REACTIONS

    ws.trekker.update_shared(puzzle.adopt("impact", "Iedereen doet mee", [], [], item_id="i0"))
    ans = ws.page("ROC Twente").board
    row = ans.rows[0]
    row.reaction.value = "eens"
    row.comment.value = "Helemaal mee eens, dat past"
    purposecase.open_workspace(ws.tokens["Ziekenhuis MST"]).react("i0", "vraag", "Wanneer?")
    ans.on_change(event(REACTIONS))
    assert ans.rows[0] is row and row.comment.value == "Helemaal mee eens, dat past"
    assert "Ziekenhuis MST vraag: Wanneer?" in text_of(row.reactions_view.value)
    # her other tab changes her reaction: this row shows it (nothing typed here that is not saved)
    row.comment.value = ""
    purposecase.open_workspace(ws.tokens["ROC Twente"]).react("i0", "vraag", "Toch een vraag")
    ans.on_change(event(REACTIONS))
    assert ans.rows[0] is row and (row.reaction.value, row.comment.value) == ("vraag", "Toch een vraag")
