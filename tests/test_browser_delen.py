"""Browser tests of chapter 08 'Delen en bewaren': real downloads of every format, uploads, the size guard."""

from __future__ import annotations

import io
import json
import re

import pytest
import yaml

from purposecase.examples import load_case
from purposecase.messages import Translator
from purposecase.store import open_store
from purposecase.ui.export_button import FORMAT_KEYS
from purposecase.workspace import create_workspace

pytestmark = pytest.mark.browser
CHAPTER = "08_delen.ipynb"
CASE = "house-of-hospitality"
T = Translator("nl")


def new_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(90_000)
    return context, page


@pytest.fixture(autouse=True)
def _kernels_settle(voila_server):
    """Leave the shared server as found: wait until the kernels of this test's pages are gone."""
    import time

    before = len(voila_server.kernels())
    yield
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(voila_server.kernels()) > before:
        time.sleep(0.5)


def close(page, context) -> None:
    """Close the page the way a person does (its kernel shuts down at once), then the context."""
    page.close(run_before_unload=True)
    context.close()


def make_and_download(page, fmt: str, tmp_path):
    """Choose ``fmt``, make the file, click the link; return (suggested name, bytes)."""
    page.locator(".pc-export-format select").select_option(label=T(FORMAT_KEYS[fmt]))
    page.locator(".pc-download").wait_for(state="detached")  # a new choice clears the old link
    page.locator(".pc-export-make").click()
    link = page.locator(f'.pc-download[download$=".{fmt}"]')
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(str(target))
    return download.suggested_filename, target.read_bytes()


def check_file(fmt: str, data: bytes) -> None:
    case = load_case(CASE)
    items = [i.text for _, i in case.all_items()]
    flat = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
    if fmt == "pdf":
        from pypdf import PdfReader

        text = flat("".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))
        assert all(flat(i) in text for i in items)
    elif fmt == "pptx":
        from pptx import Presentation

        prs = Presentation(io.BytesIO(data))
        text = flat(" ".join(s.text_frame.text for sl in prs.slides for s in sl.shapes if s.has_text_frame))
        assert all(flat(i) in text for i in items)
    elif fmt == "xlsx":
        from openpyxl import load_workbook

        rows = list(load_workbook(io.BytesIO(data))["Purpose Case"].iter_rows(values_only=True))
        assert [r[4] for r in rows[1:]] == items
    elif fmt == "md":
        assert data.decode().startswith(f"# {case.title}")
    elif fmt == "json":
        assert json.loads(data) == case.to_dict()
    else:
        assert yaml.safe_load(data) == case.to_dict()


def test_every_format_downloads_from_the_page(browser, voila_server, artifacts, tmp_path):
    context, page = new_page(browser)
    page.goto(voila_server.url(CHAPTER))
    page.locator(".pc-example-dropdown select").select_option(label=load_case(CASE).title)
    for fmt in ("pdf", "pptx", "xlsx", "md", "json", "yaml"):
        name, data = make_and_download(page, fmt, tmp_path)
        assert re.fullmatch(rf"{CASE}-\d{{4}}-\d\d-\d\d\.{fmt}", name)
        check_file(fmt, data)
        if fmt == "pdf":
            page.screenshot(path=str(artifacts / "delen-export.png"))
    assert page.locator(".jp-OutputArea-output pre").count() == 0  # no traceback anywhere
    close(page, context)


def test_import_into_a_new_workspace_and_bad_files(browser, voila_server, artifacts, tmp_path):
    context, page = new_page(browser)
    page.goto(voila_server.url(CHAPTER))

    def choose(name, mime, buffer):
        with page.expect_file_chooser() as info:
            page.locator(".pc-upload").click()
        info.value.set_files(files=[{"name": name, "mimeType": mime, "buffer": buffer}])

    page.locator(".pc-upload").wait_for()
    # a binary file: its own message, nothing imported
    choose("foto.json", "application/json", b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    page.locator(".pc-import-problems", has_text="geen tekstbestand").wait_for()

    # over the limit (and over Voilà's websocket limit): refused in the browser before sending
    choose("groot.yaml", "application/yaml", b"#" * (17 * 1024 * 1024))
    page.locator(".pc-upload-guard", has_text="groot.yaml is te groot").wait_for()

    # the page still works: a good case file
    choose("hoh.yaml", "application/yaml", load_case(CASE).to_yaml().encode())
    page.locator(".pc-import-info", has_text="in orde").wait_for()
    assert page.locator(".pc-upload-guard").is_hidden()
    page.locator(".pc-import-name input").fill("Ons Hospitality-pact")
    page.locator(".pc-import-button").click()
    link = page.locator(".pc-import-result .pc-link input").first
    link.wait_for()
    assert "sleutel=" in link.input_value()
    page.screenshot(path=str(artifacts / "delen-import.png"), full_page=True)

    # the new workspace's trekker exports its whole workspace as a backup
    trekker_url = link.input_value().replace("04_zelf_invullen.ipynb", CHAPTER)
    page.goto(trekker_url)
    page.locator(".pc-navbar", has_text="Ons Hospitality-pact").wait_for()
    page.locator(".pc-export-subject select").select_option(label=T("delen.hele_werkruimte"))
    # a backup is JSON or YAML only: wait for the kernel's new format list before choosing from it
    page.wait_for_function("document.querySelectorAll('.pc-export-format select option').length === 2")
    name, backup = make_and_download(page, "json", tmp_path)
    chosen = page.locator(".pc-export-format select").evaluate("s => s.options[s.selectedIndex].value")
    assert chosen == "Gegevens (JSON)"
    page.screenshot(path=str(artifacts / "delen-trekker.png"))
    parsed = json.loads(backup)
    assert parsed["purposecase_backup"] == 1 and parsed["workspace"]["name"] == "Ons Hospitality-pact"
    assert "sleutel" not in backup.decode()
    close(page, context)


def test_a_viewer_exports_but_cannot_import(browser, voila_server, tmp_path):
    store = open_store(f"sqlite:///{voila_server.home / 'werkboek.sqlite3'}")
    trekker, _ = create_workspace("Meekijkpact", store=store)
    viewer = trekker.new_viewer_link()
    context, page = new_page(browser)
    page.goto(voila_server.url(CHAPTER, f"sleutel={viewer}"))
    page.locator(".pc-msg", has_text="niets importeren").wait_for()
    assert page.locator(".pc-upload").count() == 0
    name, data = make_and_download(page, "md", tmp_path)
    assert data.decode().startswith("# Meekijkpact")
    close(page, context)


def test_export_buttons_on_chapters_04_05_and_07(browser, voila_server, artifacts, tmp_path):
    """A partner downloads their draft on 04, the trekker the shared case on 05, a viewer the roadmap on 07."""
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from purposecase import puzzle
    from purposecase import roadmap as rm
    from purposecase import valueprop as vp
    from purposecase.export.text import md_unescape
    from purposecase.model import Item, PartnerDraft
    from purposecase.pieces import PIECE_KEYS
    from purposecase.workspace import open_workspace

    store = open_store(f"sqlite:///{voila_server.home / 'werkboek.sqlite3'}")
    trekker, ttoken = create_workspace("Beweegpact Betuwe", store=store)
    ans, atoken = trekker.add_partner("Ans", "Gemeente")
    pieces = {k: [] for k in PIECE_KEYS}
    pieces.update(intenties=[Item(text="Meer bewegen in de kernen")], inbreng=[Item(text="Een buurtsportcoach")])
    open_workspace(atoken, store=store).save_my_draft(PartnerDraft(pieces=pieces), base=0)
    trekker.update_shared(puzzle.adopt("doelgroepen", "Ouderen in Gendt", [], [], item_id="dg1"))
    trekker.update_shared(puzzle.adopt("waarde", "Beweegtuin bij het dorpshuis", [], [], item_id="w1"))
    loaded = vp.load_propositions(trekker)
    pid = loaded.propositions.propositions[0].id
    base = vp.update_propositions(trekker, vp.add_item(pid, "pijnen", "Eenzaamheid", item_id="p1"), base=0).base
    vp.update_propositions(trekker, vp.add_item(pid, "pijnverzachters", "Samen bewegen op dinsdag"), base=base)
    step = rm.RoadmapStep(id="s1", wat="Beweegtuin aanleggen", eigenaren=[ans.id], opbrengst="Een tuin")
    rm.save_roadmap(trekker, rm.ImpactRoadmap(steps=[step]), base=0)
    viewer = trekker.new_viewer_link()

    context, page = new_page(browser)
    # 04: the partner's own draft
    page.goto(voila_server.url("04_zelf_invullen.ipynb", f"sleutel={atoken}"))
    page.locator(".pc-draft-export .pc-export-make").wait_for()
    name, data = make_and_download(page, "md", tmp_path)
    assert re.fullmatch(r"beweegpact-betuwe-concept-van-ans-\d{4}-\d\d-\d\d\.md", name)
    text = md_unescape(data.decode())
    assert "Concept van Ans" in text and "Meer bewegen in de kernen" in text and "Een buurtsportcoach" in text
    page.locator(".pc-draft-export").screenshot(path=str(artifacts / "export-04-concept.png"))

    # 05: the shared case, with the value proposition, as a poster
    page.goto(voila_server.url("05_samen_puzzelen.ipynb", f"sleutel={ttoken}"))
    page.locator(".pc-puzzle-export .pc-export-make").wait_for()
    name, data = make_and_download(page, "pdf", tmp_path)
    assert re.fullmatch(r"beweegpact-betuwe-\d{4}-\d\d-\d\d\.pdf", name)
    pdf = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))
    for expected in ("Ouderen in Gendt", "Beweegtuin bij het dorpshuis", "Eenzaamheid", "Samen bewegen op dinsdag",
                     "Beweegtuin aanleggen"):
        assert re.sub(r"\s+", "", expected) in pdf, expected
    page.locator(".pc-puzzle-export").screenshot(path=str(artifacts / "export-05-gedeeld.png"))

    # 07: a viewer downloads the workspace with its roadmap as a spreadsheet
    page.goto(voila_server.url("07_impact_roadmap.ipynb", f"sleutel={viewer}"))
    page.locator(".pc-roadmap-export .pc-export-make").wait_for()
    assert page.locator(".pc-roadmap-export .pc-export-format option").count() == 4  # pdf, pptx, xlsx, md
    name, data = make_and_download(page, "xlsx", tmp_path)
    book = load_workbook(io.BytesIO(data))
    cells = [c for row in book["Impact Roadmap"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "Beweegtuin aanleggen" in cells and "Een tuin" in cells
    assert "Samen bewegen op dinsdag" in [
        c for row in book["Waardeproposities"].iter_rows(values_only=True) for c in row if isinstance(c, str)
    ]
    page.locator(".pc-roadmap-export").screenshot(path=str(artifacts / "export-07-roadmap.png"))
    assert page.locator(".jp-OutputArea-output pre").count() == 0  # no traceback anywhere
    close(page, context)
