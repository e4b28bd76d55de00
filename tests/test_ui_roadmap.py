"""Headless widget tests of step 5, the Impact Roadmap: edit, check, save, conflicts, history, roles."""

from __future__ import annotations

import html
import io
import re
import subprocess
import sys
import time

import pytest

import purposecase
from purposecase import puzzle
from purposecase import roadmap as rm
from purposecase.ui.common import PageContext
from purposecase.ui.roadmap import ImpactRoadmapChapter


@pytest.fixture(autouse=True)
def _no_background(monkeypatch):
    monkeypatch.setattr("purposecase.ui.editor.AUTOSAVE_SECONDS", 3600)


def text_of(markup: str) -> str:
    """The text a reader sees (the invisible bidi isolates U+2068/U+2069 around user text left out)."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", markup)).translate({0x2068: None, 0x2069: None})
    return " ".join(text.split())


@pytest.fixture()
def workspace():
    trekker, token = purposecase.create_workspace("Techniekpact")
    ans, ans_token = trekker.add_partner("Ans", "ROC")
    bas, _ = trekker.add_partner("Bas", "Gemeente")
    trekker.update_shared(puzzle.adopt("impact", "Iedereen doet mee", [], [], item_id="imp"))
    trekker.update_shared(puzzle.adopt("gezamenlijke_ambitie", "200 technici extra in 2030", [], [], item_id="amb"))
    return {"trekker": token, "ans": ans_token, "viewer": trekker.new_viewer_link(), "session": trekker,
            "ids": {"Ans": ans.id, "Bas": bas.id}}


def page(token, lang="nl"):
    return ImpactRoadmapChapter(context=PageContext(sleutel=token, lang=lang))


def fill_step(board, n, owner, *, start=None, eind=None):
    """Add a step and fill every field, as the trekker would."""
    board.add_button.click()
    e = board.editor
    e.wat.value = f"Stap {n}: pilot {n}"
    e.skills.value = "projectleiding"
    e.eigenaren.value = (owner,)
    e.middelen.value = "uren uit het innovatiebudget"
    e.inzet[owner][0].value = 1000.0 * n
    e.inzet[owner][1].value = 8.0 * n
    e.add_belemmering.click()
    e = board.editor
    e.belemmeringen[0][0].value = "te weinig tijd"
    e.belemmeringen[0][1].value = "vaste projectdag"
    e.opbrengst.value = "een werkende pilot"
    e.start.value = start or f"2026-{n:02d}"
    e.eind.value = eind or f"2026-{n + 2:02d}"
    e.dient.value = ("amb",)


def test_without_a_link_and_with_a_bad_one():
    chapter = ImpactRoadmapChapter(context=PageContext())
    assert chapter.board is None and "04_zelf_invullen.ipynb" in chapter.body.value
    assert "link van jullie werkruimte" in text_of(chapter.body.value)
    purposecase.create_workspace("Geheim Pact")
    bad = ImpactRoadmapChapter(context=PageContext(sleutel="x" * 43))
    assert bad.board is None and "kennen we niet" in text_of(bad.status.value)
    assert "Geheim" not in "".join(getattr(w, "value", "") for w in bad.children if hasattr(w, "value"))


def test_trekker_builds_six_steps_with_two_owners(workspace):
    chapter = page(workspace["trekker"])
    board = chapter.board
    assert "Iedereen doet mee" in text_of(board.ambition.value) and "200 technici" in text_of(board.ambition.value)
    assert "Nog geen stappen" in text_of(board.overview.value)
    ids = workspace["ids"]
    for n in range(1, 7):
        fill_step(board, n, ids["Ans"] if n % 2 else ids["Bas"])
        if n < 6:
            assert "adviseert er 6" in text_of(board.count_note.value)
    assert board.count_note.value == "" and board.status.value == ""
    assert board.model.dirty and "Niet opgeslagen" in text_of(board.save_state.value)
    board.save_button.click()
    assert board.model.base == 1 and not board.model.dirty
    assert "versie 1" in text_of(board.save_state.value).lower()
    stored = rm.load_roadmap(workspace["session"]).roadmap
    assert len(stored.steps) == 6 and stored.steps[0].inzet[0].euro == 1000 and stored.steps[5].eind == "2026-08"
    assert {s.eigenaren[0] for s in stored.steps} == set(ids.values())
    statuses = {c.id: c.status for c in board.checks}
    assert set(statuses.values()) == {"ok"}, statuses
    assert board.warning.value == ""
    overview = text_of(board.overview.value)
    assert "Stap 6: pilot 6" in overview and "2026-06 – 2026-08" in overview
    # a fresh page shows the saved roadmap
    again = page(workspace["trekker"]).board
    assert len(again.step_buttons.options) == 6 and again.editor.wat.value == "Stap 1: pilot 1"


def test_bad_amounts_and_periods_get_a_message_and_are_not_saved(workspace):
    board = page(workspace["trekker"]).board
    board.add_button.click()
    e = board.editor
    e.wat.value = "Pilot"
    ans = workspace["ids"]["Ans"]
    e.inzet[ans][0].value = -250.0
    assert "Stap 1: een bedrag in euro kan niet negatief zijn (-250)" in text_of(board.status.value)
    assert not board.save_now() and board.model.base == 0
    e.inzet[ans][0].value = 250.0
    e.inzet[ans][1].value = -3.0
    assert "aantal uren kan niet negatief zijn" in text_of(board.status.value)
    e.inzet[ans][1].value = 3.0
    e.start.value = "2026-05"
    e.eind.value = "2026-02"
    assert "de eindmaand (2026-02) ligt vóór de startmaand (2026-05)" in text_of(board.status.value)
    assert not board.save_now()
    e.eind.value = "mei"
    assert "‘mei’ is geen maand; schrijf JJJJ-MM" in text_of(board.status.value)
    e.eind.value = "2026-07"
    assert board.status.value == ""
    assert board.save_now() and rm.load_roadmap(workspace["session"]).roadmap.steps[0].inzet[0].uren == 3


def test_reorder_remove_and_obstacles(workspace):
    board = page(workspace["trekker"]).board
    for name in ("een", "twee", "drie"):
        board.add_button.click()
        board.editor.wat.value = name
    assert board.model.selected == 2 and board.down_button.disabled
    board.up_button.click()
    assert [s["wat"] for s in board.model.steps] == ["een", "drie", "twee"] and board.model.selected == 1
    board.step_buttons.value = 0
    assert board.editor.wat.value == "een" and board.up_button.disabled
    board.remove_button.click()
    assert [s["wat"] for s in board.model.steps] == ["drie", "twee"]
    assert "Stap 1 is verwijderd" in text_of(board.status.value)
    e = board.editor
    e.add_belemmering.click()
    board.editor.add_belemmering.click()
    e = board.editor
    assert len(e.belemmeringen) == 2
    e.belemmeringen[1][1].value = "een oplossing zonder belemmering"
    assert "beschrijf de belemmering ook" in text_of(board.status.value)
    e.belemmeringen[1][2].click()
    assert len(board.editor.belemmeringen) == 1 and board.status.value == ""
    assert board.save_now()
    assert rm.load_roadmap(workspace["session"]).roadmap.steps[0].belemmeringen == []  # blank rows are left out


def test_removed_partner_step_is_flagged_not_deleted(workspace):
    session, ids = workspace["session"], workspace["ids"]
    rm.save_roadmap(session, rm.ImpactRoadmap(steps=[
        rm.RoadmapStep(id="a", wat="Pilot", eigenaren=[ids["Ans"]], inzet=[rm.Inzet(partner=ids["Ans"], uren=5)]),
        rm.RoadmapStep(id="b", wat="Opschalen", eigenaren=[ids["Bas"]]),
    ]), base=0)
    session.remove_partner(ids["Ans"])
    board = page(workspace["trekker"]).board
    assert len(board.model.steps) == 2
    overview = text_of(board.overview.value)
    assert "Ans (verwijderd)" in overview and "Ans is uit de werkruimte verwijderd maar zet nog deze stap" in overview
    assert "pc-owner-removed" in board.overview.value
    editor = board.editor
    assert ("Ans (verwijderd)", ids["Ans"]) in editor.eigenaren.options and editor.eigenaren.value == (ids["Ans"],)
    assert ids["Ans"] in editor.inzet  # their hours stay visible
    checks = {c.id: c for c in board.checks}
    assert checks["eigenaar"].status == "let_op" and checks["eigenaar"].values["stappen"] == "1"
    assert "verwijderd bij stap 1" in text_of(board.checklist.value)
    editor.eigenaren.value = (ids["Bas"],)
    assert board.save_now()
    assert {c.id: c for c in board.checks}["eigenaar"].detail_key is None


def test_one_party_owning_most_steps_is_warned_by_default_the_trekker(workspace):
    board = page(workspace["trekker"]).board
    ids = workspace["ids"]
    for n in range(1, 4):
        board.add_button.click()
        board.editor.wat.value = f"stap {n}"
        board.editor.eigenaren.value = (ids["Ans"],) if n < 3 else (ids["Bas"],)
    assert "Ans trekt 2 van de 3 stappen" in text_of(board.warning.value)
    assert "Ans trekt de meeste stappen: 2 van 3 (67%)" in text_of(board.shares.value)
    board.trekker_dropdown.value = ids["Ans"]
    assert "de organisatie van de trekker" in text_of(board.warning.value)
    assert "de projectleider" in text_of(board.warning.value)
    assert board.save_now()
    assert rm.load_roadmap(workspace["session"]).roadmap.trekker_partner == ids["Ans"]
    spread = {c.id: c for c in board.checks}["spreiding"]
    assert spread.status == "let_op" and spread.values["aandeel"] == 67


def test_figures_are_built_when_their_tab_opens(workspace):
    board = page(workspace["trekker"]).board
    ids = workspace["ids"]
    fill_step(board, 1, ids["Ans"])
    fill_step(board, 2, ids["Bas"])
    board.add_button.click()  # a step without a period
    assert board.timeline_figure is None
    board.tabs.selected_index = 1
    names = [tr.name for tr in board.timeline_figure.data]
    assert names == ["\u2068Ans\u2069", "\u2068Bas\u2069"]  # isolated user text (purposecase.bidi)
    assert "Niet in de tijdlijn (geen periode): stap 3" in text_of(board.period_note.value)
    assert list(board.matrix_figure.data[0].y) == ["\u2068Ans\u2069", "\u2068Bas\u2069"]
    assert [x.strip("\u2068\u2069") for x in board.matrix_figure.data[0].x] == ["Stap 1", "Stap 2", "Stap 3"]
    table = text_of(board.shares.value)
    assert "Totaal: 24 uur en € 3.000" in table


def test_conflict_between_two_tabs_combines(workspace):
    tab1, tab2 = page(workspace["trekker"]).board, page(workspace["trekker"]).board
    tab1.add_button.click()
    tab1.editor.wat.value = "uit tab een"
    assert tab1.save_now()
    tab2.add_button.click()
    tab2.editor.wat.value = "uit tab twee"
    assert not tab2.save_now()
    assert tab2.conflict_box.layout.display == "flex"
    conflict = text_of(tab2.conflict_text.value)
    assert "uit tab een" in conflict and "uit tab twee" in conflict and "Er is niets overschreven" in conflict
    assert not tab2.save_now()  # nothing saves while the conflict is open
    tab2.combine_button.click()
    assert tab2.conflict_box.layout.display == "none"
    stored = rm.load_roadmap(workspace["session"])
    assert [s.wat for s in stored.roadmap.steps] == ["uit tab een", "uit tab twee"] and stored.base == 2


def test_conflict_keep_mine_or_take_theirs(workspace):
    tab1, tab2 = page(workspace["trekker"]).board, page(workspace["trekker"]).board
    tab1.add_button.click()
    tab1.editor.wat.value = "van een"
    tab1.save_now()
    tab2.add_button.click()
    tab2.editor.wat.value = "van twee"
    tab2.save_now()
    tab2.take_theirs_button.click()
    assert [s["wat"] for s in tab2.model.steps] == ["van een"] and not tab2.model.dirty and tab2.model.base == 1
    tab1.editor.wat.value = "van een, aangepast"
    tab1.save_now()
    tab2.editor.wat.value = "van twee, opnieuw"
    tab2.save_now()
    tab2.keep_mine_button.click()
    stored = rm.load_roadmap(workspace["session"])
    assert [s.wat for s in stored.roadmap.steps] == ["van twee, opnieuw"] and stored.base == 3
    assert len(rm.roadmap_history(workspace["session"])) == 3  # the other version stays in the history


def test_history_and_restore(workspace):
    board = page(workspace["trekker"]).board
    board.add_button.click()
    board.editor.wat.value = "eerste"
    board.save_now()
    board.editor.wat.value = "tweede"
    board.save_now()
    board.tabs.selected_index = 3
    assert [v for _, v in board.history_dropdown.options] == [2, 1]
    assert "versie 2 — trekker" in board.history_dropdown.options[0][0]
    board.history_dropdown.value = 1
    assert "eerste" in text_of(board.history_preview.value)
    board.restore_button.click()
    assert board.model.base == 3 and board.editor.wat.value == "eerste"
    assert "Versie 1 is hersteld als nieuwe versie 3" in text_of(board.status.value)


def test_autosave_after_an_edit(workspace, monkeypatch):
    monkeypatch.setattr("purposecase.ui.editor.AUTOSAVE_SECONDS", 0.05)
    board = page(workspace["trekker"]).board
    board.add_button.click()
    board.editor.wat.value = "vanzelf bewaard"
    deadline = time.monotonic() + 5
    while board.model.dirty and time.monotonic() < deadline:
        time.sleep(0.05)
    assert rm.load_roadmap(workspace["session"]).roadmap.steps[0].wat == "vanzelf bewaard"


def test_partner_reads_and_reacts(workspace):
    rm.save_roadmap(workspace["session"], rm.ImpactRoadmap(steps=[
        rm.RoadmapStep(id="a", wat="Pilot <script>alert(1)</script>", eigenaren=[workspace["ids"]["Ans"]]),
    ]), base=0)
    chapter = page(workspace["ans"])
    board = chapter.board
    assert board.editor is None and board.trekker_dropdown.disabled
    assert "De trekker schrijft de Impact Roadmap" in text_of(chapter.body.children[0].value)
    assert "<script>" not in board.card.value and "&lt;script&gt;" in board.card.value
    assert not board.save_now()
    board.reaction.value = "akkoord"
    board.comment.value = "Wij pakken dit op"
    board.react_button.click()
    assert "Je reactie is bewaard" in text_of(board.status.value)
    trekker = page(workspace["trekker"]).board
    assert "1× akkoord, 0× vraag" in text_of(trekker.overview.value)
    assert "Ans akkoord: Wij pakken dit op" in text_of(chapter.board.card.value)
    again = page(workspace["ans"]).board
    assert again.reaction.value == "akkoord" and again.comment.value == "Wij pakken dit op"


def test_viewer_reads_only_and_writes_nothing(workspace):
    session = workspace["session"]
    before = len(session.store.documents(session.workspace_id))
    chapter = page(workspace["viewer"])
    board = chapter.board
    assert board.editor is None and board.reaction is None
    assert "alleen de trekker past hem aan" in text_of(chapter.body.children[0].value)
    board.tabs.selected_index = 1
    board.tabs.selected_index = 3
    assert len(session.store.documents(session.workspace_id)) == before


def test_english_page(workspace):
    chapter = page(workspace["trekker"], lang="en")
    board = chapter.board
    assert "Step 5: the Impact Roadmap" in chapter.header.value
    board.add_button.click()
    board.editor.start.value = "2026-04"
    board.editor.eind.value = "2026-01"
    assert "Step 1: the end month (2026-01) is before the start month (2026-04)" in text_of(board.status.value)
    assert "Every step has an owner" in text_of(board.checklist.value)


def test_a_failing_callback_shows_a_message_not_a_traceback(workspace, monkeypatch):
    board = page(workspace["trekker"]).board

    def boom(*_a, **_k):
        raise RuntimeError("kapot")

    monkeypatch.setattr(board.model.handle, "save", boom)
    board.add_button.click()
    board.save_button.click()
    assert "Er ging iets mis" in text_of(board.status.value) and "kapot" not in board.status.value


def test_page_load_does_not_import_plotly_or_pandas():
    code = (
        "import sys; from purposecase.ui.roadmap import ImpactRoadmapChapter; from purposecase.ui.common import "
        "PageContext; ImpactRoadmapChapter(context=PageContext()); "
        "print('plotly' in sys.modules, 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# ------------------------------------------------------------------ exports
def downloaded(button) -> tuple[str, bytes]:
    """Return (file name, bytes) of the download link an export button shows."""
    import base64

    markup = button.link.value
    name = re.search(r'download="([^"]+)"', markup).group(1)
    payload = re.search(r'href="data:[^;]+;base64,([^"]+)"', markup).group(1)
    return name, base64.b64decode(payload)


def test_the_trekker_exports_the_workspace_with_the_roadmap_saved_first(workspace):
    from purposecase.export.text import md_unescape

    chapter = page(workspace["trekker"])
    board, button = chapter.board, chapter.export_button
    assert [v for _, v in button.format_dropdown.options] == ["pdf", "pptx", "xlsx", "md"]  # formats with the roadmap
    fill_step(board, 1, workspace["ids"]["Ans"])
    assert board.model.dirty  # not saved yet (autosave is off here): the export saves it first
    button.format_dropdown.value = "md"
    button.make_button.click()
    name, data = downloaded(button)
    assert re.fullmatch(r"techniekpact-\d{4}-\d\d-\d\d\.md", name)
    text = md_unescape(data.decode())
    assert "## Impact Roadmap" in text and "| 1 | Stap 1: pilot 1 | Ans |" in text
    assert "te weinig tijd → vaste projectdag" in text and "Iedereen doet mee" in text
    assert not board.model.dirty and rm.load_roadmap(workspace["session"]).base == 1
    board.editor.wat.value = "Stap 1: de eerste pilot"
    assert button.link.value == ""  # an edit clears the finished file
    button.format_dropdown.value = "xlsx"
    button.make_button.click()
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(downloaded(button)[1]))
    cells = [c for row in book["Impact Roadmap"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "Stap 1: de eerste pilot" in cells


def test_a_roadmap_that_cannot_be_saved_is_not_exported(workspace):
    chapter = page(workspace["trekker"])
    chapter.board.add_button.click()
    chapter.board.editor.inzet[workspace["ids"]["Ans"]][0].value = -250.0
    chapter.export_button.make_button.click()
    assert chapter.export_button.link.value == ""
    assert "nog niet worden opgeslagen" in text_of(chapter.export_button.status.value)
    assert "negatief" in text_of(chapter.board.status.value)  # the board says why
    assert rm.load_roadmap(workspace["session"]).base == 0


def test_partner_and_viewer_export_the_roadmap_and_write_nothing(workspace):
    session = workspace["session"]
    step = rm.RoadmapStep(id="a", wat="Pilot in Hoorn", eigenaren=[workspace["ids"]["Bas"]])
    rm.save_roadmap(session, rm.ImpactRoadmap(steps=[step]), base=0)
    for who in ("ans", "viewer"):
        documents = session.store.documents(session.workspace_id)
        chapter = page(workspace[who])
        chapter.export_button.format_dropdown.value = "md"
        chapter.export_button.make_button.click()
        assert "| 1 | Pilot in Hoorn | Bas |" in downloaded(chapter.export_button)[1].decode()
        after = session.store.documents(session.workspace_id)
        assert sum(d.head for d in after) == sum(d.head for d in documents)  # no revision written
        if who == "viewer":
            assert after == documents


def test_without_a_link_there_is_no_export():
    assert page("").export_button is None


def test_combine_says_per_field_what_it_takes_from_which_version(workspace):
    """Issue 18: "Combineer beide" combined a step both tabs changed by keeping one of them, without saying so."""
    tab1, tab2 = page(workspace["trekker"]).board, page(workspace["trekker"]).board
    tab1.add_button.click()
    tab1.editor.wat.value = "Verkennen"
    assert tab1.save_now()
    tab2.model.reload()
    tab2.render(editor=True)
    tab1.editor.wat.value = "Verkennen met de scholen"  # only tab 1 changes what the step is
    tab1.editor.skills.value = "Overleggen"  # both change the skills
    assert tab1.save_now()
    tab2.editor.middelen.value = "Subsidie van de provincie"  # only tab 2 changes the resources
    tab2.editor.skills.value = "Plannen"
    assert not tab2.save_now()
    explain = text_of(tab2.conflict_text.value)
    assert "uit jouw versie: “Middelen en bekostiging”" in explain
    assert "uit de andere versie: “Wat is de stap”" in explain
    assert "in beide versies veranderd, jouw tekst telt" in explain and "“Welke skills zijn nodig”" in explain
    tab2.combine_button.click()
    step = rm.load_roadmap(workspace["session"]).roadmap.steps[0]
    assert (step.wat, step.middelen, step.skills) == (
        "Verkennen met de scholen", "Subsidie van de provincie", "Plannen"
    )
    assert "Middelen en bekostiging" in text_of(tab2.status.value)  # the message after combining says it too


def test_a_partner_typing_a_reaction_keeps_it_while_others_react(workspace):
    """A live burst redraws the step card; the reaction a partner is choosing and typing stays (not saved yet)."""
    from datetime import UTC, datetime

    from purposecase.workspace import ROADMAP_REACTIONS
    from purposecase.workspace.live import Change, FeedEvent

    def burst() -> FeedEvent:
        return FeedEvent((Change(1, "w", "save", ROADMAP_REACTIONS, 1, None, "partner", datetime.now(UTC)),))

    rm.save_roadmap(workspace["session"], rm.ImpactRoadmap(steps=[rm.RoadmapStep(id="a", wat="Pilot")]), base=0)
    board = page(workspace["ans"]).board
    board.reaction.value = "vraag"
    board.comment.value = "Wie betaalt de"
    _, cas = workspace["session"].add_partner("Cas", "Zorgcollege")
    rm.react_to_step(purposecase.open_workspace(cas), "a", "akkoord", "Prima")
    board.on_change(burst())
    assert "Cas akkoord: Prima" in text_of(board.card.value)
    assert board.reaction.value == "vraag" and board.comment.value == "Wie betaalt de"
    board.comment.value = "Wie betaalt de pilot?"
    board.react_button.click()
    # saved; then Ans's other tab changes her reaction: this page shows what is stored
    rm.react_to_step(purposecase.open_workspace(workspace["ans"]), "a", "akkoord", "Toch wel")
    board.on_change(burst())
    assert board.reaction.value == "akkoord" and board.comment.value == "Toch wel"
