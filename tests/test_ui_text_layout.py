"""Text and layout (issue 18): old messages go away, the upload button says what it does, draft tabs show progress."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime

from purposecase.backup import backup_bytes
from purposecase.ui.common import PageContext
from purposecase.ui.delen import DelenChapter
from purposecase.workspace import create_workspace


def text_of(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def upload(panel, name: str, data: bytes) -> None:
    panel.uploader.value = ({"name": name, "type": "application/json", "size": len(data), "content": memoryview(data),
                             "last_modified": datetime.now(UTC)},)


def test_a_message_goes_away_with_the_next_click():
    """"Ans is toegevoegd" stood above the viewer link made afterwards; every click now starts without it."""
    from purposecase.ui.zelf_invullen import ZelfInvullenChapter

    _, token = create_workspace("Pact")
    page = ZelfInvullenChapter(PageContext(sleutel=token))
    overview = page.body
    overview.partner_name.value = "Ans"
    overview.add_partner_button.click()
    assert "Ans is toegevoegd" in text_of(page.status.value)
    overview.viewer_button.click()
    assert "toegevoegd" not in text_of(page.status.value)
    overview.partner_name.value = ""
    overview.add_partner_button.click()  # a click that has something new to say says it
    assert "naam" in text_of(page.status.value).lower()


def test_an_old_import_message_does_not_stand_next_to_a_new_one():
    trekker, token = create_workspace("Pact")
    page = DelenChapter(context=PageContext(sleutel=token))
    panel = page.import_panel
    data = backup_bytes(trekker.backup(history=False), "json")
    panel.import_button.click()  # nothing chosen yet
    assert "bestand" in text_of(page.status.value)
    upload(panel, "pact.json", data)
    panel.target_dropdown.value = "new"
    panel.import_button.click()
    assert page.status.value == ""  # the "choose a file first" of before is gone
    first = panel.result.value
    assert "pc-new-links" in first
    upload(panel, "pact.json", data)
    assert panel.result.value == "" and first  # a new file: the result of the last import is gone


def test_the_upload_button_does_not_say_zero_after_a_file_is_chosen():
    """The button's label is its tooltip (theme.css draws it instead of ipywidgets' "… (0)")."""
    from purposecase.ui.common import theme_css

    assert "content: attr(title)" in theme_css()
    _, token = create_workspace("Pact")
    panel = DelenChapter(context=PageContext(sleutel=token, lang="en")).import_panel
    assert panel.uploader.tooltip == "Choose a file"
    upload(panel, "case.json", json.dumps({"x": 1}).encode())  # read and refused: the widget forgets it
    assert panel.uploader.value == () and panel.uploader.tooltip == "Choose a file"  # … still, not "(0)"
    _, trekker_token = create_workspace("Ander pact")
    good = DelenChapter(context=PageContext(sleutel=trekker_token)).import_panel
    upload(good, "pact.json", backup_bytes(create_workspace("Derde")[0].backup(history=False), "json"))
    assert good.uploader.value == () and good.uploader.tooltip == "Kies een ander bestand"


def test_draft_piece_tabs_mark_the_pieces_that_are_filled_in():
    from purposecase.pieces import PIECE_KEYS
    from purposecase.ui.zelf_invullen import ZelfInvullenChapter

    trekker, _ = create_workspace("Pact")
    _, ptoken = trekker.add_partner("Ans", "ROC")
    editor = ZelfInvullenChapter(PageContext(sleutel=ptoken)).body
    assert list(editor.piece_buttons.icons) == [""] * 11
    editor.model.piece = "inbreng"
    editor.add_button.click()
    assert editor.piece_buttons.icons[PIECE_KEYS.index("inbreng")] == ""  # an empty row is not "filled in"
    editor.rows[0].text.value = "Twee begeleiders"
    assert editor.piece_buttons.icons[PIECE_KEYS.index("inbreng")] == "check"
    assert editor.piece_buttons.tooltips[PIECE_KEYS.index("inbreng")] == "Inbreng: ingevuld"
    assert editor.piece_buttons.tooltips[0] == "Impact: nog leeg"
    assert editor.piece_buttons.value == "inbreng"  # marking a tab does not move the user
    editor.rows[0].text.value = "  "
    assert editor.piece_buttons.icons[PIECE_KEYS.index("inbreng")] == ""
