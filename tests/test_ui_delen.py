"""Headless widget tests of chapter 08 'Delen en bewaren' and the export button (no browser)."""

from __future__ import annotations

import base64
import html
import re
from datetime import UTC, datetime

import ipywidgets as ipw
import pytest
from xss_corpus import walk_widgets

from purposecase.backup import backup_bytes
from purposecase.examples import load_case
from purposecase.export import ExportFile
from purposecase.export.parts import workspace_bundle
from purposecase.messages import Translator
from purposecase.model import Item, PartnerDraft
from purposecase.pieces import PIECE_KEYS
from purposecase.store import open_store
from purposecase.ui.common import PageContext
from purposecase.ui.delen import DelenChapter, upload_guard_html
from purposecase.ui.export_button import ExportButton, download_link_html, safe_filename
from purposecase.workspace import create_workspace, open_workspace


def text_of(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def downloaded(button: ExportButton) -> tuple[str, bytes]:
    """Return (file name, bytes) of the link the button shows."""
    markup = button.link.value
    name = re.search(r'download="([^"]+)"', markup).group(1)
    payload = re.search(r'href="data:[^;]+;base64,([^"]+)"', markup).group(1)
    return name, base64.b64decode(payload)


def upload(panel, name: str, data: bytes) -> None:
    """Hand the widget what ipywidgets 8 would after a browser upload."""
    panel.uploader.value = (
        {"name": name, "type": "", "size": len(data), "content": memoryview(data), "last_modified": datetime.now(UTC)},
    )


def tokens_in(markup: str) -> list[str]:
    return re.findall(r"sleutel=([\w-]+)", markup)


def test_without_a_link_every_format_of_an_example_downloads():
    chapter = DelenChapter(context=PageContext())
    panel = chapter.export_panel
    panel.subject_dropdown.value = "living-lab-esports"
    button = panel.button
    assert [v for _, v in button.format_dropdown.options] == ["pdf", "pptx", "xlsx", "md", "json", "yaml"]
    for fmt in ("pdf", "md", "yaml"):
        button.format_dropdown.value = fmt
        button.make_button.click()
        name, data = downloaded(button)
        assert re.fullmatch(rf"living-lab-esports-\d{{4}}-\d\d-\d\d\.{fmt}", name)
        assert data
        assert not button.make_button.disabled and button.progress.value == 0  # idle again
        assert "klaar" in text_of(button.status.value)
    assert load_case("living-lab-esports").title in downloaded(button)[1].decode()
    button.format_dropdown.value = "pdf"
    assert button.link.value == ""  # a new choice clears the old link
    assert chapter.import_panel is not None and chapter.status.value == ""


def test_import_a_case_into_a_new_workspace_shows_the_new_link_once():
    chapter = DelenChapter(context=PageContext())
    panel = chapter.import_panel
    assert panel.import_button.disabled
    upload(panel, "hoh.yaml", load_case("house-of-hospitality").to_yaml().encode())
    assert "in orde" in text_of(panel.file_info.value) and "34 items" in text_of(panel.file_info.value)
    assert panel.uploader.value == ()  # the widget forgets the file
    assert panel.name_text.value == "House of Hospitality"
    panel.name_text.value = "Ons eigen pact"
    panel.import_button.click()
    tokens = tokens_in(panel.result.value)
    assert len(tokens) == 1 and "04_zelf_invullen.ipynb" in panel.result.value
    session = open_workspace(tokens[0])
    assert session.role == "trekker" and session.workspace().name == "Ons eigen pact"
    assert panel.import_button.disabled and panel.upload is None


BAD = [
    ("leeg.json", b"", "is leeg"),
    ("foto.yaml", b"\x89PNG\r\n\x1a\n\x00\x00", "geen tekstbestand"),
    ("kapot.json", b'{"title": "x",', "geen geldige JSON"),
    ("vreemd.yaml", b"- een\n- lijst\n", "geen Purpose Case"),
    ("fout.json", b'{"title": "X", "slug": "x", "pieces": {}}', "er ontbreken puzzelstukken"),
    ("groot.json", b" " * (10 * 1024 * 1024 + 1), "te groot"),
]


@pytest.mark.parametrize("name,data,words", BAD, ids=[b[0] for b in BAD])
def test_bad_uploads_each_get_their_own_message(name, data, words):
    store = open_store()
    chapter = DelenChapter(context=PageContext())
    panel = chapter.import_panel
    upload(panel, name, data)
    message = text_of(panel.file_info.value)
    assert name in message and words in message
    assert panel.import_button.disabled and panel.upload is None
    assert chapter.status.value == ""  # a clear message, not the general error
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM workspaces").scalar_one() == 0


def test_roles_see_what_they_may_do():
    trekker, ttoken = create_workspace("Zorgpact")
    ans, atoken = trekker.add_partner("Ans", "Zorginstelling")
    bas, _ = trekker.add_partner("Bas", "Hogeschool")
    a = open_workspace(atoken)
    a.save_my_draft(
        PartnerDraft(pieces={**{k: [] for k in PIECE_KEYS}, "intenties": [Item(text="Ans wil meer stages")],
                             "inbreng": [Item(text="Twee begeleiders")]}),
        base=0,
    )
    a.set_my_draft_shared(True)
    viewer_token = trekker.new_viewer_link()

    t_page = DelenChapter(context=PageContext(sleutel=ttoken))
    subjects = dict((v, k) for k, v in t_page.export_panel.subject_dropdown.options)
    assert set(subjects) == {"shared", f"draft:{ans.id}", "workspace"}  # Bas has nothing shared
    assert [v for _, v in t_page.import_panel.target_dropdown.options] == ["new", "shared_case"]
    t_page.export_panel.subject_dropdown.value = "workspace"
    button = t_page.export_panel.button
    assert [v for _, v in button.format_dropdown.options] == ["json", "yaml"]
    assert t_page.export_panel.history_checkbox.layout.display == ""
    button.make_button.click()
    name, data = downloaded(button)
    assert name.endswith(".json") and b'"purposecase_backup": 1' in data and ttoken.encode() not in data

    p_page = DelenChapter(context=PageContext(sleutel=atoken))
    assert [v for _, v in p_page.export_panel.subject_dropdown.options] == ["shared", "own"]
    assert [v for _, v in p_page.import_panel.target_dropdown.options] == ["draft"]
    p_page.export_panel.subject_dropdown.value = "own"
    p_page.export_panel.button.format_dropdown.value = "md"
    p_page.export_panel.button.make_button.click()
    assert b"Ans wil meer stages" in downloaded(p_page.export_panel.button)[1]

    v_page = DelenChapter(context=PageContext(sleutel=viewer_token))
    assert v_page.import_panel is None
    assert "niets importeren" in text_of("".join(w.value for w in walk_widgets(v_page) if isinstance(w, ipw.HTML)))


def test_a_partner_imports_a_file_as_their_own_draft():
    trekker, _ = create_workspace("Pact")
    _, atoken = trekker.add_partner("Ans", "ROC")
    chapter = DelenChapter(context=PageContext(sleutel=atoken))
    panel = chapter.import_panel
    upload(panel, "civ.json", load_case("civ-water").to_json().encode())
    panel.import_button.click()
    assert "revisie 1" in text_of(panel.result.value)
    assert open_workspace(atoken).my_draft().draft.pieces == load_case("civ-water").pieces
    # a workspace backup cannot become a draft: clear message, nothing changes
    t2, t2token = create_workspace("Ander")
    upload(panel, "backup.json", backup_bytes(t2.backup(), "json"))
    panel.import_button.click()
    assert "alleen als nieuwe werkruimte" in text_of(panel.result.value)
    assert open_workspace(atoken).my_draft().base == 1


def test_the_trekker_imports_a_case_as_the_shared_case():
    trekker, ttoken = create_workspace("Pact")
    chapter = DelenChapter(context=PageContext(sleutel=ttoken))
    panel = chapter.import_panel
    upload(panel, "case.yaml", load_case("ontwikkelfonds").to_yaml().encode())
    panel.target_dropdown.value = "shared_case"
    assert panel.name_text.layout.display == "none"
    panel.import_button.click()
    assert "gedeelde Purpose Case" in text_of(panel.result.value)
    items = workspace_bundle(trekker, "shared").case.all_items()
    assert [i.text for _, i in items] == [i.text for _, i in load_case("ontwikkelfonds").all_items()]


def test_unknown_link_shows_only_the_public_parts():
    trekker, _ = create_workspace("Geheim project")
    chapter = DelenChapter(context=PageContext(sleutel="onzin" * 9))
    assert "kennen we niet" in text_of(chapter.status.value)
    assert chapter.session is None and "Geheim project" not in str([getattr(w, "value", "") for w in chapter.children])
    assert chapter.export_panel.subject_dropdown.options[0][1]  # the examples


def test_errors_never_reach_the_page_as_tracebacks():
    t = Translator("nl")

    def broken(fmt):
        raise RuntimeError("boom")

    button = ExportButton(broken, t)
    status_holder = []
    button.status.show = lambda text, kind="info": status_holder.append((text, kind))  # type: ignore[method-assign]
    button.make_button.click()
    assert status_holder and status_holder[-1][1] == "error" and "boom" not in status_holder[-1][0]
    assert not button.make_button.disabled and button.link.value == ""


def test_download_link_is_escaped_and_named_safely():
    t = Translator("nl")
    f = ExportFile(b"abc", 'x"><script>alert(1)</script>.pdf', "application/pdf")
    markup = download_link_html(f, t)
    assert "<script>" not in markup and 'download="x-script-alert-1-script-.pdf"' in markup
    assert safe_filename("../../etc/passwd") == "etc-passwd"
    assert 'href="data:application/pdf;base64,YWJj"' in markup


def test_english_page():
    chapter = DelenChapter(context=PageContext(lang="en"))
    labels = [k for k, _ in chapter.export_panel.button.format_dropdown.options]
    assert labels[0] == "Poster (PDF, A3)" and "Make the file" == chapter.export_panel.button.make_button.description
    assert "Share and keep" in chapter.children[2].value


def test_upload_guard_holds_the_limit_and_no_user_data():
    markup = upload_guard_html(Translator("nl"))
    assert 'data-max="10485760"' in markup and "{bestand}" in html.unescape(markup)
    assert "onerror=" in markup


def test_the_examples_chapter_exports_the_chosen_case():
    from purposecase.ui.examples import ExamplesChapter

    chapter = ExamplesChapter(context=PageContext())
    button = chapter.tabs.children[0].children[-1]
    assert isinstance(button, ExportButton)
    chapter.model.slug = "u-tech-community"
    button.format_dropdown.value = "json"
    button.make_button.click()
    name, data = downloaded(button)
    assert name.startswith("u-tech-community-") and load_case("u-tech-community").title in data.decode()


def test_the_backup_option_says_private_drafts_come_without_content():
    trekker, ttoken = create_workspace("Zorgpact")
    _, atoken = trekker.add_partner("Ans", "Zorginstelling")
    open_workspace(atoken).save_my_draft(
        PartnerDraft(pieces={**{k: [] for k in PIECE_KEYS}, "impact": [Item(text="heel geheim plan")]}), base=0
    )
    panel = DelenChapter(context=PageContext(sleutel=ttoken)).export_panel
    assert panel.backup_note.layout.display == "none"  # only next to the backup option
    panel.subject_dropdown.value = "workspace"
    assert panel.backup_note.layout.display == ""
    note = text_of(panel.backup_note.value)
    assert "Privé-concepten staan in de back-up alleen met hun status, zonder inhoud" in note
    panel.button.make_button.click()
    assert b"heel geheim plan" not in downloaded(panel.button)[1]  # as the note says
    english = DelenChapter(context=PageContext(sleutel=ttoken, lang="en")).export_panel
    assert "without content" in text_of(english.backup_note.value)


def test_every_new_choice_replaces_the_previous_file():
    """Regression (issue 20): after a good file, a file the browser refused as too big left the good one
    ready ("in orde", Importeren enabled) and a click imported it; a file the kernel refuses does the same."""
    store = open_store()
    chapter = DelenChapter(context=PageContext())
    panel = chapter.import_panel
    good = load_case("house-of-hospitality").to_yaml().encode()
    assert "pc-upload-refused" in panel.refused._dom_classes and panel.refused.layout.display == "none"
    for refuse in (
        lambda: setattr(panel.refused, "value", "1764980000000|groot <b>.yaml"),  # the browser's size check
        lambda: upload(panel, "kapot.json", b'{"title": "x",'),  # the kernel's own check
        lambda: upload(panel, "groot.json", b" " * (10 * 1024 * 1024 + 1)),
    ):
        upload(panel, "hoh.yaml", good)
        assert panel.upload is not None and not panel.import_button.disabled
        refuse()
        message = text_of(panel.file_info.value)
        assert "in orde" not in message and ("te groot" in message or "geen geldige JSON" in message)
        assert panel.upload is None and panel.import_button.disabled
        panel.import_button.click()  # a click now imports nothing
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM workspaces").scalar_one() == 0


def test_the_browser_refusal_names_the_file_escaped():
    chapter = DelenChapter(context=PageContext())
    panel = chapter.import_panel
    panel.refused.value = "1|groot <b>.yaml"
    assert "groot &lt;b&gt;.yaml" in panel.file_info.value and "te groot" in text_of(panel.file_info.value)
    assert "pc-upload-refused" in upload_guard_html(Translator("nl"))
