"""Headless widget tests of step 4: add, rank, link, fit, dropped links, orphans, proposal, roles."""

import html
import re

import pytest

import purposecase
from purposecase import puzzle
from purposecase import valueprop as vp
from purposecase.ui.common import PageContext
from purposecase.ui.waardepropositie import WaardepropositieChapter


def text_of(markup: str) -> str:
    """The text a reader sees (the invisible bidi isolates U+2068/U+2069 around user text left out)."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", markup)).translate({0x2068: None, 0x2069: None})
    return " ".join(text.split())


@pytest.fixture()
def workspace():
    trekker, ttoken = purposecase.create_workspace("Living Lab Lingewaard")
    trekker.update_shared(puzzle.adopt("doelgroepen", "Bewoners van drie kernen", [], [], item_id="dg1"))
    trekker.update_shared(puzzle.adopt("doelgroepen", "Sportclubs", [], [], item_id="dg2"))
    trekker.update_shared(puzzle.adopt("waarde", "Beweegtuinen in drie kernen", [], [], item_id="w1"))
    _, ptoken = trekker.add_partner("Ans", "Gemeente Lingewaard")
    vtoken = trekker.new_viewer_link()
    return trekker, ttoken, ptoken, vtoken


def page(token, lang="nl"):
    return WaardepropositieChapter(context=PageContext(sleutel=token, lang=lang))


def add(panel, section, text):
    panel.add_texts[section].value = text
    panel.add_buttons[section].click()


def test_every_shared_target_group_has_a_proposition_with_waarde_as_suggestions(workspace):
    """Issue 18: "Producten en diensten" starts empty; the shared waarde is offered, one click adds one, linked."""
    trekker, ttoken, _, _ = workspace
    panel = page(ttoken).panel
    assert [label for label, _ in panel.selector.options] == ["Bewoners van drie kernen", "Sportclubs"]
    assert panel.rows["producten"] == [] and panel.vp.producten == []
    assert list(panel.suggestion_buttons) == ["w1"] and panel.suggestion_box.layout.display == "flex"
    assert panel.suggestion_buttons["w1"].description == "Beweegtuinen in drie kernen"
    panel.suggestion_buttons["w1"].click()
    assert [r.text.value for r in panel.rows["producten"]] == ["Beweegtuinen in drie kernen"]
    stored = vp.load_propositions(trekker).propositions.get(panel.current)
    assert [(p.text, p.waarde_item_id) for p in stored.producten] == [("Beweegtuinen in drie kernen", "w1")]
    assert panel.suggestion_buttons == {} and panel.suggestion_box.layout.display == "none"  # offered once
    assert "In de gedeelde Purpose Case: ‘Bewoners van drie kernen’" in text_of(panel.name_html.value)
    assert "n.v.t." in text_of(panel.fit_summary.value)  # empty profile: no fit yet, not 0 %
    panel.selector.value = panel.selector.options[1][1]  # the other target group still starts empty
    assert panel.rows["producten"] == [] and list(panel.suggestion_buttons) == ["w1"]


def test_add_rank_and_link(workspace):
    trekker, ttoken, _, _ = workspace
    panel = page(ttoken).panel
    add(panel, "taken", "Dichtbij huis sporten")
    panel.rows["taken"][0].soort.value = "sociaal"
    add(panel, "pijnen", "Te weinig bewegen")
    add(panel, "pijnen", "Geen plek om te sporten")
    add(panel, "voordelen", "Gezelligheid in het dorp")
    assert [r.text.value for r in panel.rows["pijnen"]] == ["Te weinig bewegen", "Geen plek om te sporten"]
    assert panel.sort_buttons["pijnen"].disabled  # already in order of importance
    panel.rows["pijnen"][1].belang.value = 5  # issue 18: the row stays where it is ...
    assert [r.text.value for r in panel.rows["pijnen"]] == ["Te weinig bewegen", "Geen plek om te sporten"]
    assert not panel.sort_buttons["pijnen"].disabled
    panel.sort_buttons["pijnen"].click()  # ... until the user asks to sort
    assert [r.text.value for r in panel.rows["pijnen"]] == ["Geen plek om te sporten", "Te weinig bewegen"]
    assert [p.text for p in vp.load_propositions(trekker).propositions.get(panel.current).pijnen][0] == (
        "Geen plek om te sporten"
    )
    add(panel, "pijnverzachters", "Beweegtuin op loopafstand")
    reliever = panel.rows["pijnverzachters"][0]
    assert [label for label, _ in reliever.links.options] == ["Geen plek om te sporten", "Te weinig bewegen"]
    assert [box.description for box in reliever.links.checkboxes] == ["Geen plek om te sporten", "Te weinig bewegen"]
    reliever.links.checkboxes[0].value = True  # a checkbox, not a Ctrl-click list
    assert reliever.links.value == (reliever.links.options[0][1],)
    summary = text_of(panel.fit_summary.value)
    assert "Pijnen verzacht 62 % (5 van 8 punten)" in summary and "Fit totaal 45 %" in summary
    stored = vp.load_propositions(trekker).propositions.get(panel.current)
    assert stored.taken[0].soort == "sociaal"
    assert stored.pijnverzachters[0].verzacht == [next(p.id for p in stored.pijnen if p.belang == 5)]
    details = text_of(panel.fit_details.value)
    assert "Te weinig bewegen (belang 3)" in details and "Gezelligheid in het dorp" in details
    assert "Bewoners van drie kernen" in text_of(panel.fit_table.value)
    panel.figure_button.click()
    assert list(panel.figure.data[0].y) == ["Bewoners van drie kernen", "Sportclubs"]


def test_deleting_a_pain_drops_its_links_visibly(workspace):
    _, ttoken, _, _ = workspace
    panel = page(ttoken).panel
    add(panel, "pijnen", "Eenzaamheid")
    add(panel, "pijnverzachters", "Wandelgroep")
    reliever = panel.rows["pijnverzachters"][0]
    assert len(reliever.links.checkboxes) == 1  # one checkbox per pain, not a closed "0 selected" box
    reliever.links.checkboxes[0].value = True
    panel.rows["pijnen"][0].remove.click()
    notice = text_of(panel.notice.value)
    assert "‘Wandelgroep’ was gekoppeld aan de verwijderde pijn ‘Eenzaamheid’" in notice
    assert panel.notice_box.layout.display == "flex"
    assert panel.vp.pijnverzachters[0].verzacht == []
    panel.dismiss_button.click()
    assert panel.notice.value == "" and panel.notice_box.layout.display == "none"


def test_stored_dangling_links_are_shown_on_load(workspace):
    trekker, ttoken, ptoken, _ = workspace
    pid = vp.load_propositions(trekker).propositions.propositions[0].id
    vp.update_propositions(trekker, vp.add_item(pid, "pijnverzachters", "Wandelgroep", item_id="r1"), base=0)
    doc = trekker.store.document(trekker.workspace_id, vp.VALUE_PROPOSITIONS)
    head = trekker.store.load(doc.id)
    content = head.content
    content["propositions"][0]["pijnverzachters"][0]["verzacht"] = ["verdwenen"]  # e.g. written by an older page
    trekker.store.save(doc.id, content, base=head.number, author="trekker")
    for token in (ttoken, ptoken):
        notice = text_of(page(token).panel.notice.value)
        assert "‘Wandelgroep’ was gekoppeld aan een pijn die niet meer bestaat" in notice


def test_removed_target_group_is_kept_as_orphan_until_someone_decides(workspace):
    trekker, ttoken, _, _ = workspace
    panel = page(ttoken).panel
    add(panel, "pijnen", "Te weinig bewegen")
    trekker.update_shared(puzzle.remove("doelgroepen", "dg1"))
    panel.refresh()
    assert panel.selector.options[0][0] == "Bewoners van drie kernen — niet meer in de gedeelde case"
    assert panel.orphan_box.layout.display == "flex"
    assert "staat niet meer in de gedeelde Purpose Case" in text_of(panel.orphan_html.value)
    assert [r.text.value for r in panel.rows["pijnen"]] == ["Te weinig bewegen"]  # nothing lost
    panel.keep_button.click()
    assert panel.vp.doelgroep_item_id is None and not panel.vp.orphaned
    assert panel.selector.options[0][0] == "Bewoners van drie kernen — eigen doelgroep"
    panel.delete_button.click()
    assert [label for label, _ in panel.selector.options] == ["Sportclubs"]
    assert "geschiedenis" in text_of(panel.status.value)


def test_own_target_group_and_proposal_to_the_shared_case(workspace):
    trekker, ttoken, _, _ = workspace
    chapter = page(ttoken)
    panel = chapter.panel
    panel.new_group_text.value = "Ouders van <jonge> kinderen"
    panel.new_group_button.click()
    assert panel.vp.doelgroep == "Ouders van <jonge> kinderen" and panel.vp.doelgroep_item_id is None
    assert "&lt;jonge&gt;" in panel.proposal_html.value and "<jonge>" not in panel.proposal_html.value
    panel.suggestion_buttons["w1"].click()
    add(panel, "producten", "Beweegspeeltuin")
    rows = text_of(panel.proposal_html.value)
    assert "Doelgroepen Ouders van <jonge> kinderen nieuw" in rows
    assert "Waarde Beweegtuinen in drie kernen staat er al zo in" in rows and "Beweegspeeltuin nieuw" in rows
    before = trekker.shared_case().base
    panel.propose_button.click()
    assert f"revisie {before + 1}" in text_of(chapter.status.value)
    shared = trekker.shared_case().shared
    new = [i for i in shared.items("doelgroepen") if i.text == "Ouders van <jonge> kinderen"]
    assert len(new) == 1 and new[0].origin_names == [vp.ORIGIN_LABEL]
    assert panel.propose_button.disabled  # nothing left to propose
    panel.name_text.value = "Ouders van jonge kinderen"  # sharpen again: the proposal updates the same item
    panel.model.save_now()  # (the name saves itself a few seconds after typing stops)
    assert "aangepast" in text_of(panel.proposal_html.value)
    panel.propose_button.click()
    texts = [i.text for i in trekker.shared_case().shared.items("doelgroepen")]
    assert texts.count("Ouders van jonge kinderen") == 1 and "Ouders van <jonge> kinderen" not in texts


def test_partner_reads_and_reacts_viewer_only_reads(workspace):
    trekker, ttoken, ptoken, vtoken = workspace
    add(page(ttoken).panel, "pijnen", "Te weinig <b>bewegen</b>")
    partner = page(ptoken)
    panel = partner.panel
    assert panel.add_texts == {} and all(r.text is None for r in panel.rows["pijnen"])
    assert "Te weinig &lt;b&gt;bewegen&lt;/b&gt;" in panel.rows["pijnen"][0].children[0].value
    assert "belang 3/5" in text_of(panel.rows["pijnen"][0].children[0].value)
    assert panel.propose_button.disabled and "reactie" in text_of(partner.body.children[0].value)
    panel.reaction.value = "vraag"
    panel.comment.value = "Ook de jeugd?"
    panel.react_button.click()
    viewer = page(vtoken)
    assert "Ans vraag: Ook de jeugd?" in text_of(viewer.panel.reactions.value)
    assert viewer.panel.reaction is None and viewer.panel.add_texts == {}
    assert "meekijker" in text_of(viewer.workspace_line.value)


def test_history_and_restore(workspace):
    _, ttoken, _, _ = workspace
    panel = page(ttoken).panel
    add(panel, "pijnen", "Te weinig bewegen")
    panel.rows["pijnen"][0].text.value = "Te weinig beweging"
    panel.model.save_now()  # (text saves itself a few seconds after typing stops)
    panel.tabs.selected_index = 3
    history = text_of(panel.history_html.value)
    assert "Revisie 2 · trekker" in history and "item gewijzigd (pijnen)" in history
    assert "item toegevoegd (pijnen)" in history
    panel.restore_dropdown.value = 1
    panel.restore_button.click()
    assert [r.text.value for r in panel.rows["pijnen"]] == ["Te weinig bewegen"]
    assert "Revisie 3" in text_of(panel.history_html.value)


def test_bad_input_is_refused_with_a_message(workspace):
    _, ttoken, _, _ = workspace
    panel = page(ttoken).panel
    add(panel, "pijnen", "   ")
    assert "niet leeg" in text_of(panel.status.value) and panel.rows["pijnen"] == []
    add(panel, "pijnen", "x" * 2500)
    assert "te lang" in text_of(panel.status.value) and panel.rows["pijnen"] == []
    add(panel, "pijnen", "Goed")
    panel.rows["pijnen"][0].text.value = ""
    assert panel.vp.pijnen[0].text == "Goed"


def test_a_second_tab_does_not_overwrite(workspace):
    _, ttoken, _, _ = workspace
    tab1, tab2 = page(ttoken).panel, page(ttoken).panel
    add(tab1, "pijnen", "uit tab een")
    add(tab2, "pijnen", "uit tab twee")  # tab2 still shows revision 0
    assert sorted(r.text.value for r in tab2.rows["pijnen"]) == ["uit tab een", "uit tab twee"]
    assert "Intussen heeft ook trekker opgeslagen" in text_of(tab2.status.value)


def test_english_page(workspace):
    _, ttoken, _, _ = workspace
    chapter = page(ttoken, lang="en")
    assert "Step 4" in text_of(chapter.header.value)
    assert chapter.panel.tabs.get_title(0) == "Profile and value map"
    assert "Osterwalder" in text_of(chapter.about.value)


def test_without_a_link_and_with_a_bad_one():
    chapter = WaardepropositieChapter(context=PageContext())
    assert chapter.panel is None and "link van jullie werkruimte" in text_of(chapter.body.value)
    assert "04_zelf_invullen.ipynb" in chapter.body.value
    bad = WaardepropositieChapter(context=PageContext(sleutel="onzin"))
    assert "kennen we niet" in text_of(bad.status.value) and bad.panel is None
    assert 'class="pc-nav-workspace"' not in bad.nav.value


def test_no_target_groups_yet():
    _, token = purposecase.create_workspace("Leeg")
    panel = page(token).panel
    assert "Nog geen doelgroepen" in text_of(panel.empty.value) and panel.tabs.layout.display == "none"
    panel.new_group_text.value = "Werkzoekenden"
    panel.new_group_button.click()
    assert panel.tabs.layout.display == "flex" and panel.vp.producten == []


def test_a_store_failure_never_shows_a_traceback(workspace, monkeypatch):
    from purposecase.store import StoreUnavailable

    _, ttoken, _, _ = workspace
    panel = page(ttoken).panel

    def down(*_a, **_k):
        raise StoreUnavailable("down")

    monkeypatch.setattr(vp, "update_propositions", down)
    add(panel, "pijnen", "Te weinig bewegen")
    assert "niet bereikbaar" in text_of(panel.status.value)
    assert panel.add_texts["pijnen"].value == "Te weinig bewegen"  # the text stays on screen
    monkeypatch.setattr(vp, "fits", lambda *_a: 1 / 0)
    panel.figure_button.click()
    assert "Er ging iets mis" in text_of(panel.status.value)


def test_text_fields_save_after_typing_stops_and_keep_the_cursor(workspace, monkeypatch):
    """Issue 18: value-proposition texts autosave like the other editors, not only on Enter or leaving the field."""
    import time

    import ipywidgets as ipw

    monkeypatch.setattr("purposecase.ui.editor.AUTOSAVE_SECONDS", 0.2)
    trekker, ttoken, _, _ = workspace
    panel = page(ttoken).panel
    add(panel, "taken", "Bewegen")
    row = panel.rows["taken"][0]
    assert isinstance(row.text, ipw.Textarea) and row.text.continuous_update  # wraps; every keystroke counts
    row.text.value = "Bewegen dicht bij huis"
    assert panel.model.dirty and "Nog niet opgeslagen" in text_of(panel.save_state.value)
    deadline = time.monotonic() + 5
    while panel.model.dirty and time.monotonic() < deadline:
        time.sleep(0.05)
    stored = vp.load_propositions(trekker).propositions.get(panel.current)
    assert stored.taken[0].text == "Bewegen dicht bij huis"
    assert panel.rows["taken"][0] is row  # the row the user types in was not redrawn under the cursor
    assert row.original == "Bewegen dicht bij huis"
    panel.name_text.value = "Bewoners van Gendt"
    deadline = time.monotonic() + 5
    while panel.model.dirty and time.monotonic() < deadline:
        time.sleep(0.05)
    assert vp.load_propositions(trekker).propositions.get(panel.current).doelgroep == "Bewoners van Gendt"
    assert panel.selector.options[0][0] == "Bewoners van Gendt"


def test_long_texts_are_not_cut_off(workspace):
    _, ttoken, _, _ = workspace
    panel = page(ttoken).panel
    long = "Een taak die veel langer is dan één regel, zodat hij in een smal vak moet afbreken " * 3
    add(panel, "taken", long)
    text = panel.rows["taken"][0].text
    assert text.value == long.strip() and text.rows >= 4  # wraps over lines, and grows with its text (CSS)


def test_a_redraw_keeps_the_rows_nobody_changed(workspace):
    """A change made elsewhere redraws step 4 without replacing the other rows' widgets (the browser keeps their
    views, and the cursor of someone typing); the changed text arrives in place, not as an edit of this page."""
    trekker, ttoken, ptoken, _ = workspace
    mine = page(ttoken).panel
    add(mine, "pijnen", "Te weinig bewegen")
    add(mine, "pijnen", "Geen plek om te sporten")
    reader = page(ptoken).panel
    pid = mine.current
    kept, kept_reader = list(mine.rows["pijnen"]), list(reader.rows["pijnen"])
    second = kept[1].item_id
    elsewhere = vp.load_propositions(trekker).base
    vp.update_propositions(trekker, vp.edit_item(pid, "pijnen", second, text="Geen veilige plek om te sporten"),
                           base=elsewhere)
    for panel in (mine, reader):
        panel.refresh()
    assert all(a is b for a, b in zip(mine.rows["pijnen"], kept, strict=True))
    assert all(a is b for a, b in zip(reader.rows["pijnen"], kept_reader, strict=True))
    assert mine.rows["pijnen"][1].text.value == "Geen veilige plek om te sporten"
    assert not mine.model.dirty and not mine.model.pending  # shown, not staged as this page's edit
    assert "Geen veilige plek om te sporten" in text_of(reader.rows["pijnen"][1].view.value)
    # the trekker then types on: the base of the edit is the text now stored (no false conflict)
    mine.rows["pijnen"][1].text.value = "Geen veilige plek om te sporten, zeker niet 's avonds"
    assert mine.model.save_now()
    stored = vp.load_propositions(trekker).propositions.get(pid)
    assert stored.pijnen[1].text == "Geen veilige plek om te sporten, zeker niet 's avonds"
    # a changed importance is a different row (its dropdown is rebuilt from what is stored)
    vp.update_propositions(trekker, vp.edit_item(pid, "pijnen", second, belang=5),
                           base=vp.load_propositions(trekker).base)
    mine.refresh()
    assert mine.rows["pijnen"][0] is kept[0] and mine.rows["pijnen"][1] is not kept[1]
    assert mine.rows["pijnen"][1].belang.value == 5


def test_a_partner_typing_a_reaction_keeps_it_while_the_trekker_edits(workspace):
    """The trekker's edit redraws the partner's page; the reaction the partner is typing stays until saved."""
    from datetime import UTC, datetime

    from purposecase.store import Change
    from purposecase.workspace.live import FeedEvent

    def burst(kind: str = vp.VALUE_PROPOSITIONS) -> FeedEvent:
        return FeedEvent((Change(1, "w", "save", kind, 1, None, "trekker", datetime.now(UTC)),))

    trekker, ttoken, ptoken, _ = workspace
    mine = page(ttoken).panel
    add(mine, "taken", "Dichtbij huis sporten")
    reader = page(ptoken).panel
    reader.reaction.value = "vraag"
    reader.comment.value = "Ook voor ouderen"
    add(mine, "pijnen", "Te weinig bewegen")
    reader.on_change(burst())
    assert "Te weinig bewegen" in text_of(reader.rows["pijnen"][0].view.value)  # the edit is shown
    assert reader.reaction.value == "vraag" and reader.comment.value == "Ook voor ouderen"
    reader.react_button.click()
    assert reader.comment.value == "Ook voor ouderen"
    vp.react_to_proposition(purposecase.open_workspace(ptoken), reader.current, "eens", "Goed zo")  # her other tab
    reader.on_change(burst(vp.VP_REACTIONS))
    assert reader.reaction.value == "eens" and reader.comment.value == "Goed zo"


def test_a_trekker_typing_in_one_tab_sees_the_other_tabs_edit_after_saving(workspace):
    """Two trekker tabs on step 4: A types in one pain while B edits another; A's save shows B's text in place."""
    _, ttoken, _, _ = workspace
    a = page(ttoken).panel
    add(a, "pijnen", "Te weinig bewegen")
    add(a, "pijnen", "Geen plek om te sporten")
    b = page(ttoken).panel
    kept = list(a.rows["pijnen"])
    kept[0].text.value = "Te weinig bewegen na school"  # A types; not saved yet
    b.rows["pijnen"][1].text.value = "Geen veilige plek om te sporten"
    assert b.model.save_now()
    assert a.model.save_now()
    assert a.rows["pijnen"] == kept and not a.model.conflict
    shown = [r.text.value for r in a.rows["pijnen"]]
    assert shown == ["Te weinig bewegen na school", "Geen veilige plek om te sporten"]


def test_enter_adds_an_item_as_the_button_does(workspace):
    from purposecase.ui.meeting import press_enter

    _, ttoken, _, _ = workspace
    panel = page(ttoken).panel
    panel.add_texts["pijnen"].value = "Te weinig bewegen"
    press_enter(panel.add_texts["pijnen"])
    assert [r.text.value for r in panel.rows["pijnen"]] == ["Te weinig bewegen"]
    assert panel.add_texts["pijnen"].value == ""


def test_a_trekker_typing_in_an_item_another_tab_removes_is_told_and_shown_the_text(workspace):
    _, ttoken, _, _ = workspace
    a = page(ttoken).panel
    add(a, "pijnen", "Te weinig bewegen")
    b = page(ttoken).panel
    a.rows["pijnen"][0].text.value = "Te weinig bewegen na school"
    b.rows["pijnen"][0].remove.click()
    assert a.model.save_now()
    assert a.rows["pijnen"] == []
    shown = text_of(a.status.value)
    assert "‘Te weinig bewegen’ is intussen verwijderd" in shown and "‘Te weinig bewegen na school’" in shown


def test_enter_adds_a_target_group(workspace):
    from purposecase.ui.meeting import press_enter

    _, ttoken, _, _ = workspace
    panel = page(ttoken).panel
    panel.new_group_text.value = "Ouderen"
    press_enter(panel.new_group_text)
    assert [label for label, _ in panel.selector.options][-1].startswith("Ouderen")
