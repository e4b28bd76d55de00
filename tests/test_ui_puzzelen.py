"""Headless widget tests of step 3: adopt, merge, agree, react, give and take, checks."""

import html
import re

import pytest

import purposecase
from purposecase.model import Item, PartnerDraft
from purposecase.pieces import PIECE_KEYS
from purposecase.ui.common import PageContext
from purposecase.ui.puzzelen import SamenPuzzelenChapter


@pytest.fixture(autouse=True)
def _no_polling(monkeypatch):
    monkeypatch.setattr("purposecase.ui.editor.AUTOSAVE_SECONDS", 3600)  # tests save with save_now()


def text_of(markup: str) -> str:
    """The text a reader sees (the invisible bidi isolates U+2068/U+2069 around user text left out)."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", markup)).translate({0x2068: None, 0x2069: None})
    return " ".join(text.split())


def draft(**pieces) -> PartnerDraft:
    data = {k: [] for k in PIECE_KEYS}
    data.update({k: [Item(text=v) for v in vs] for k, vs in pieces.items()})
    return PartnerDraft(pieces=data)


ORGS = {"Ans": "ROC Twente", "Bas": "Ziekenhuis MST", "Cem": "Gemeente Hengelo"}


@pytest.fixture()
def workspace():
    trekker, ttoken = purposecase.create_workspace("Zorgpact")
    tokens = {}
    for name, d in (
        (
            "Ans",
            draft(
                impact=["Iedereen doet mee in de zorg"],
                intenties=["Personeel behouden"],
                inbreng=["Twee docenten"],
                opbrengsten=["Minder uitval"],
            ),
        ),
        (
            "Bas",
            draft(impact=["iedereen doet mee in de zorg!"], intenties=["Onderzoek doen"], inbreng=["Onderzoekers"]),
        ),
        ("Cem", draft(impact=["Gezonde regio"], intenties=["Stageplekken"], inbreng=["Geld"])),
    ):
        partner, token = trekker.add_partner(name, ORGS[name])
        tokens[name] = token
        session = purposecase.open_workspace(token)
        session.save_my_draft(d, base=0)
        if name != "Cem":
            session.set_my_draft_shared(True)
    return ttoken, tokens


def page(token):
    return SamenPuzzelenChapter(context=PageContext(sleutel=token))


def test_board_groups_shared_drafts_only(workspace):
    ttoken, _ = workspace
    board = page(ttoken).board
    assert [(len(g.entries), g.partner_names) for g, _ in board.groups] == [(2, ["Ans", "Bas"])]
    assert "Cem" not in text_of(board.board_box.children[0].children[0].value)  # Cem did not share


def test_adopt_merge_agree_and_the_canvas(workspace):
    ttoken, _ = workspace
    board = page(ttoken).board
    board.groups[0][1].click()
    assert [r.item_id for r in board.rows] and board.loaded.base == 1
    assert "ROC Twente, Ziekenhuis MST" in text_of(board.rows[0].children[1].value)  # origin, by organisation
    assert board.groups[0][0].adopted
    assert board.groups[0][1].disabled  # adopting again would only add the same item twice
    board.piece_buttons.value = "intenties"
    for _, button in board.groups:
        button.click()
    assert len(board.rows) == 2
    for row in board.rows:
        row.select.value = True
    board.merge_button.click()
    assert len(board.rows) == 1
    merged = board.loaded.shared.items("intenties")[0]
    assert merged.origin_names == ["ROC Twente", "Ziekenhuis MST"]
    assert merged.text == "Personeel behouden / Onderzoek doen"  # nobody's wording is lost
    board.agreed_checkbox.value = True
    assert board.loaded.shared.status("intenties") == "akkoord"
    assert "akkoord" in board.canvas.value and "in bespreking" in board.canvas.value


def test_edit_remove_and_own_item(workspace):
    ttoken, _ = workspace
    board = page(ttoken).board
    board.new_item_text.value = "Een gezonde regio <script>x</script>"
    board.new_item_button.click()
    row = board.rows[-1]
    assert "door de trekker" in text_of(row.children[1].value)
    row.text.value = "Een gezonde, vitale regio"
    assert board.save_now()  # autosave after typing stops; the test does not wait for it
    assert board.loaded.shared.items("impact")[-1].text == "Een gezonde, vitale regio"
    board.rows[-1].text.value = "x" * 3000
    assert "te lang" in text_of(board.status.value)
    assert board.loaded.shared.items("impact")[-1].text == "Een gezonde, vitale regio"
    board.rows[-1].remove.click()
    assert board.loaded.shared.items("impact") == []


def test_partner_sees_read_only_and_reacts(workspace):
    ttoken, tokens = workspace
    trekker = page(ttoken).board
    trekker.groups[0][1].click()
    ans = page(tokens["Ans"]).board
    assert not hasattr(ans.rows[0], "text") or ans.rows[0].reaction is not None
    assert ans.merge_button.disabled and ans.agreed_checkbox.disabled
    assert all(button is None for _, button in ans.groups)
    ans.rows[0].reaction.value = "vraag"
    ans.rows[0].comment.value = "Ook mantelzorgers?"
    ans.rows[0].react_button.click()
    trekker.refresh()
    assert "ROC Twente vraag: Ook mantelzorgers?" in text_of(trekker.rows[0].children[-1].value)


def test_partner_cannot_write_through_the_board(workspace):
    from purposecase import puzzle
    from purposecase.workspace import Forbidden

    _, tokens = workspace
    ans = page(tokens["Ans"]).board
    with pytest.raises(Forbidden):
        ans.session.update_shared(puzzle.adopt("impact", "x", [], []))


def test_give_and_take_and_checks(workspace):
    ttoken, _ = workspace
    board = page(ttoken).board
    for key in ("inbreng", "opbrengsten"):
        board.piece_buttons.value = key
        for _, button in board.groups:
            button.click()
    board.piece_buttons.value = "opbrengsten"
    row = board.rows[0]
    ids = {name: pid for pid, name in board.orgs.items()}
    # the default shown: the organisation it came from (Ans's draft held it)
    assert [t for t, chip in row.voor_chips.items() if chip.value] == [ids["ROC Twente"]]
    balance = text_of(board.balance.value)
    assert "Ziekenhuis MST geeft, maar krijgt" in balance and "Minder uitval" in balance
    assert "Gemeente Hengelo" in balance  # every active partner is listed, also without a shared draft
    assert "Ans" in balance  # the contact person, in small print beside the organisation
    row.voor_chips[ids["Ziekenhuis MST"]].value = True  # one click: Bas's hospital gets it too
    assert board.loaded.shared.items("opbrengsten")[0].voor == [ids["ROC Twente"], ids["Ziekenhuis MST"]]
    assert "Ziekenhuis MST geeft, maar krijgt" not in text_of(board.balance.value)
    board.rows[0].voor_chips[ids["ROC Twente"]].value = False  # and the school no longer
    assert board.loaded.shared.items("opbrengsten")[0].voor == [ids["Ziekenhuis MST"]]
    assert "ROC Twente geeft, maar krijgt" in text_of(board.balance.value)
    board.rows[0].voor_chips[ids["Ziekenhuis MST"]].value = False  # nobody: refused, with a message
    assert "minstens één" in text_of(board.status.value)
    assert board.loaded.shared.items("opbrengsten")[0].voor == [ids["Ziekenhuis MST"]]
    assert board.rows[0].voor_chips[ids["Ziekenhuis MST"]].value  # the chip shows what is stored
    board.figure_button.click()
    # user text in figure labels sits in bidi isolates (U+2068 … U+2069), the app's words outside them
    labels = [x.replace("\u2068", "").replace("\u2069", "") for x in board.figure.data[0].node.label]
    assert labels == ["Zorgpact", "ROC Twente: 1 inbreng", "Ziekenhuis MST: 1 inbreng", "Ziekenhuis MST: 1 opbrengsten"]
    link = board.figure.data[0].link
    assert 0 in link.target and 0 in link.source  # both directions: into the initiative and out of it
    checks = text_of(board.checklist.value)
    assert "Alle elf puzzelstukken zijn ingevuld" in checks and "let op" in checks
    board.aside_dropdown.value = "consequenties_gevuld"
    board.aside_button.click()
    assert "reden" in text_of(board.status.value).lower()
    board.aside_reason.value = "volgende sessie"
    board.aside_button.click()
    assert "Opzij gezet door de trekker: volgende sessie" in text_of(board.checklist.value)


def test_two_trekker_tabs_lose_no_adoption(workspace):
    ttoken, _ = workspace
    tab1, tab2 = page(ttoken).board, page(ttoken).board
    tab1.new_item_text.value = "uit tab een"
    tab1.new_item_button.click()
    tab2.new_item_text.value = "uit tab twee"  # tab2 still shows revision 0
    tab2.new_item_button.click()
    texts = [i.text for i in tab2.loaded.shared.items("impact")]
    assert texts == ["uit tab een", "uit tab twee"]


def test_removed_partner_keeps_adopted_origin(workspace):
    ttoken, _ = workspace
    chapter = page(ttoken)
    chapter.board.groups[0][1].click()
    session = chapter.session
    ans = next(p for p in session.partners() if p.name == "Ans")
    session.remove_partner(ans.id)
    board = page(ttoken).board
    assert board.loaded.shared.items("impact")[0].origin_names == ["ROC Twente", "Ziekenhuis MST"]
    assert "ROC Twente" in text_of(board.rows[0].children[1].value)


def test_without_a_link_and_with_a_bad_one():
    assert "link van jullie werkruimte" in text_of(SamenPuzzelenChapter(context=PageContext()).children[-1].value)
    bad = SamenPuzzelenChapter(context=PageContext(sleutel="onzin"))
    assert "kennen we niet" in text_of(bad.status.value) and bad.board is None


def test_a_crafted_change_on_a_disabled_widget_writes_nothing(workspace):
    """What a forged comm message would do: set a value on a widget the role sees disabled."""
    ttoken, tokens = workspace
    ans = page(tokens["Ans"]).board
    assert ans.agreed_checkbox.disabled
    ans.agreed_checkbox.value = True  # the kernel applies a comm_msg like this
    assert "kan met jouw link niet" in text_of(ans.status.value)
    assert page(ttoken).board.loaded.base == 0  # nothing saved


# ------------------------------------------------------------------ exports
def downloaded(button) -> tuple[str, bytes]:
    """Return (file name, bytes) of the download link an export button shows."""
    import base64

    markup = button.link.value
    name = re.search(r'download="([^"]+)"', markup).group(1)
    payload = re.search(r'href="data:[^;]+;base64,([^"]+)"', markup).group(1)
    return name, base64.b64decode(payload)


def draft_cells(data: bytes) -> list[str]:
    """Return the item texts of the 'Concepten' sheet of an xlsx export (empty without that sheet)."""
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    return [r[5] for r in wb["Concepten"].iter_rows(min_row=2, values_only=True)] if "Concepten" in wb else []


def test_every_role_exports_the_shared_case_as_chapter_08_does(workspace):
    from purposecase.model import PurposeCase

    ttoken, tokens = workspace
    trekker = page(ttoken)
    trekker.board.groups[0][1].click()  # adopt the group of Ans's and Bas's impact
    adopted = trekker.board.loaded.shared.items("impact")[0].text
    button = trekker.export_button
    assert [v for _, v in button.format_dropdown.options] == ["pdf", "pptx", "xlsx", "md", "json", "yaml"]
    button.format_dropdown.value = "yaml"
    button.make_button.click()
    name, data = downloaded(button)
    assert re.fullmatch(r"zorgpact-\d{4}-\d\d-\d\d\.yaml", name)
    assert [i.text for i in PurposeCase.from_yaml(data.decode()).items("impact")] == [adopted]

    # the spreadsheet's drafts are what the link may read: shared drafts for the trekker, the own one for a partner
    files = {}
    for who, token in (("trekker", ttoken), ("Ans", tokens["Ans"]), ("Cem", tokens["Cem"])):
        chapter = page(token)
        chapter.export_button.format_dropdown.value = "xlsx"
        chapter.export_button.make_button.click()
        files[who] = draft_cells(downloaded(chapter.export_button)[1])
    assert "Onderzoekers" in files["trekker"] and "Twee docenten" in files["trekker"]
    assert "Geld" not in files["trekker"]  # Cem's draft is private
    assert files["Ans"] == ["Iedereen doet mee in de zorg", "Personeel behouden", "Twee docenten", "Minder uitval"]
    assert files["Cem"] == ["Gezonde regio", "Stageplekken", "Geld"]  # his own, private draft: his to export


def test_without_a_link_there_is_no_export(workspace):
    assert page("").export_button is None


def test_the_viewer_is_not_asked_to_react(workspace):
    import ipywidgets as ipw

    ttoken, tokens = workspace
    from purposecase.workspace import open_workspace

    viewer_token = open_workspace(ttoken).new_viewer_link()

    def texts(widget):
        if isinstance(widget, ipw.HTML):
            yield text_of(widget.value)
        for child in getattr(widget, "children", ()):
            yield from texts(child)

    viewer = " ".join(texts(page(viewer_token)))
    partner = " ".join(texts(page(tokens["Ans"])))
    assert "Je kijkt mee" in viewer and "Reageer op items" not in viewer
    assert "Reageer op items" in partner


def test_opening_the_board_loads_each_shared_draft_once(monkeypatch):
    """Opening the step-3 board with N shared drafts costs N + a constant store loads (it was 2N + c)."""
    from purposecase.store import Store

    calls = []
    real_load = Store.load

    def counting_load(self, document_id):
        calls.append(document_id)
        return real_load(self, document_id)

    monkeypatch.setattr(Store, "load", counting_load)

    def loads_for(n: int) -> int:
        trekker, ttoken = purposecase.create_workspace(f"Pact {n}")
        for i in range(n):
            _, token = trekker.add_partner(f"P{i}", f"Org {i}")
            session = purposecase.open_workspace(token)
            session.save_my_draft(draft(impact=[f"impact {i}"], intenties=["x"], inbreng=["y"]), base=0)
            session.set_my_draft_shared(True)
        calls.clear()
        chapter = page(ttoken)
        count = len(calls)
        assert len(chapter.board.drafts) == n
        chapter.board.close()
        return count

    one, three, five = loads_for(1), loads_for(3), loads_for(5)
    assert three - one == 2 and five - three == 2, (one, three, five)


def test_a_long_shared_item_shows_whole_in_its_field():
    """Found by a new-user test: the trekker's field was two lines and cut long items off."""
    from purposecase.ui.puzzelen import text_rows

    assert text_rows("Kort") == 2
    assert text_rows("woord " * 60) == 6  # 360 characters at ~70 a line
    assert text_rows("regel\n" * 20) == 8  # at most eight lines; the field scrolls beyond
