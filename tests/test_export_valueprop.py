"""Value propositions (step 4) in every export: poster pages, slides, a sheet, Markdown tables, the fit figure."""

from __future__ import annotations

import base64
import dataclasses
import io
import re
import shutil
from pathlib import Path

import pytest

from purposecase import puzzle
from purposecase import valueprop as vp
from purposecase.export import export_bytes
from purposecase.export.parts import UnreadablePropositions, ValuePropositionPart, later_steps, workspace_bundle
from purposecase.export.text import md_unescape
from purposecase.model import CaseFileError
from purposecase.store import open_store
from purposecase.workspace import create_workspace, open_workspace

GROUPS = {
    "dg1": "Bewoners van drie kernen",
    "dg2": "Sportclubs in de Betuwe",
}
CONTENT = {
    "dg1": {
        "taken": [("t1", "Dichtbij huis bewegen", 4, "functioneel"), ("t2", "Buren ontmoeten", 2, "sociaal")],
        "pijnen": [("p1", "Geen plek om te sporten", 5), ("p2", "Sportschool is te duur: €40 per maand", 3)],
        "voordelen": [("g1", "Gezelligheid in het dorp", 4), ("g2", "Fitter worden zonder ĳzeren discipline", 2)],
        "pijnverzachters": [("r1", "Beweegtuin op loopafstand", ["p1"]), ("r2", "Gratis gebruik", ["p2", "p1"])],
        "voordeelverschaffers": [("c1", "Wekelijkse beweegochtend met koffie", ["g1"])],
    },
    "dg2": {
        "taken": [("t3", "Nieuwe leden werven", 5, "functioneel")],
        "pijnen": [("p3", "Vrijwilligers haken af", 4)],
        "voordelen": [("g3", "Jeugd blijft lid na hun achttiende", 3)],
        "pijnverzachters": [("r3", "Gedeelde trainers via de gemeente", ["p3"])],
        "voordeelverschaffers": [("c3", "Proeflessen in de beweegtuin", [])],
    },
}


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def fill(pid: str, content: dict) -> vp.PropOperation:
    """Return one operation that fills a proposition's profile and value map, links included."""
    ops = []
    for section in ("taken", "pijnen", "voordelen"):
        for entry in content[section]:
            item_id, text, belang = entry[:3]
            extra = {"soort": entry[3]} if section == "taken" else {}
            ops.append(vp.add_item(pid, section, text, item_id=item_id, belang=belang, **extra))
    for section in ("pijnverzachters", "voordeelverschaffers"):
        for item_id, text, links in content[section]:
            ops.append(vp.add_item(pid, section, text, item_id=item_id))
            ops.append(vp.set_links(pid, section, item_id, links))

    def op(doc: vp.ValuePropositions) -> vp.ValuePropositions:
        for o in ops:
            doc = o(doc)
        return doc

    return op


def texts_of(content: dict) -> list[str]:
    return [e[1] for section in content.values() for e in section]


@pytest.fixture()
def workspace():
    store = open_store()  # PURPOSECASE_HOME is a fresh folder per test (conftest); the CLI and pages use it too
    trekker, _ = create_workspace("Living Lab Lingewaard", store=store)
    for item_id, text in GROUPS.items():
        trekker.update_shared(puzzle.adopt("doelgroepen", text, [], [], item_id=item_id))
    trekker.update_shared(puzzle.adopt("waarde", "Beweegtuinen in drie kernen", [], [], item_id="w1"))
    _, ptoken = trekker.add_partner("Ans", "Gemeente Lingewaard")
    return store, trekker, ptoken


def propose(trekker, groups=("dg1", "dg2")):
    """Fill the value propositions of ``groups`` (by their shared doelgroep id); return the loaded document."""
    loaded = vp.load_propositions(trekker)
    by_group = {p.doelgroep_item_id: p.id for p in loaded.propositions.propositions}
    base = loaded.base
    waarde = trekker.shared_case().shared.items("waarde")[0]
    for group in groups:
        # the shared waarde is a suggestion now (issue 18): the trekker takes it with one click
        base = vp.update_propositions(trekker, vp.add_suggestion(by_group[group], waarde), base=base).base
        base = vp.update_propositions(trekker, fill(by_group[group], CONTENT[group]), base=base).base
    return vp.load_propositions(trekker)


def without_figures(bundle):
    """The bundle without its figures: no kaleido here (one test below renders them)."""
    return dataclasses.replace(bundle, figures=())


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def pptx_text(data: bytes) -> str:
    from pptx import Presentation

    parts = []
    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


def xlsx_cells(data: bytes, sheet: str) -> list[str]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    if sheet not in wb.sheetnames:
        return []
    return [c for row in wb[sheet].iter_rows(values_only=True) for c in row if isinstance(c, str)]


# ----------------------------------------------------------------------- tables
def test_each_target_group_becomes_a_profile_and_a_value_map(workspace):
    _, trekker, _ = workspace
    propose(trekker)
    bundle = workspace_bundle(trekker, "shared")
    assert [type(p) for p in bundle.value_propositions] == [ValuePropositionPart, ValuePropositionPart]
    sections = bundle.value_proposition_sections()
    assert [s.title for s in sections] == [
        "Bewoners van drie kernen — profiel",
        "Bewoners van drie kernen — waardekaart",
        "Sportclubs in de Betuwe — profiel",
        "Sportclubs in de Betuwe — waardekaart",
    ]
    profile, value_map = sections[0], sections[1]
    assert profile.columns == ("Profiel", "Item", "Belang (1–5)", "Verzacht of gecreëerd door")
    # ranked by importance within each part; what addresses a pain or gain is named, or that nothing does
    assert profile.rows == (
        ("Taak (functioneel)", "Dichtbij huis bewegen", "4", ""),
        ("Taak (sociaal)", "Buren ontmoeten", "2", ""),
        ("Pijn", "Geen plek om te sporten", "5", "Beweegtuin op loopafstand; Gratis gebruik"),
        ("Pijn", "Sportschool is te duur: €40 per maand", "3", "Gratis gebruik"),
        ("Voordeel", "Gezelligheid in het dorp", "4", "Wekelijkse beweegochtend met koffie"),
        ("Voordeel", "Fitter worden zonder ĳzeren discipline", "2", "nog door niets gecreëerd"),
    )
    # weights: pains 5+3 all relieved, gains 4 of 4+2 created → (8+4)/(8+6) = 86 %
    assert profile.intro == "Fit 86 % (gewogen naar belang): pijnen verzacht 100 %, voordelen gecreëerd 67 %."
    assert value_map.rows == (
        ("Product of dienst", "Beweegtuinen in drie kernen", ""),
        ("Pijnverzachter", "Beweegtuin op loopafstand", "Geen plek om te sporten"),
        ("Pijnverzachter", "Gratis gebruik", "Sportschool is te duur: €40 per maand; Geen plek om te sporten"),
        ("Voordeelverschaffer", "Wekelijkse beweegochtend met koffie", "Gezelligheid in het dorp"),
    )
    assert sections[3].rows[-1] == ("Voordeelverschaffer", "Proeflessen in de beweegtuin", "creëert nog geen voordeel")


def test_every_format_holds_every_entry_and_both_target_groups(workspace):
    store, trekker, ptoken = workspace
    propose(trekker)
    expected = [*GROUPS.values(), "Beweegtuinen in drie kernen", *texts_of(CONTENT["dg1"]), *texts_of(CONTENT["dg2"])]
    # every role reads the value propositions: the partner's export holds them too
    for session in (trekker, open_workspace(ptoken, store=store)):
        bundle = without_figures(workspace_bundle(session, "shared"))
        text = flat(pdf_text(export_bytes(bundle, "pdf")))
        missing = [e for e in expected if flat(e) not in text]
        assert not missing, f"pdf lacks {missing}"
        assert "Waardeproposities" in text and flat("Fit 86 %") in text
        slides = flat(pptx_text(export_bytes(bundle, "pptx")))
        assert not [e for e in expected if flat(e) not in slides]
        assert flat("Waardeproposities: Sportclubs in de Betuwe — waardekaart") in slides
        cells = xlsx_cells(export_bytes(bundle, "xlsx"), "Waardeproposities")
        assert not [e for e in expected if e not in cells and e not in GROUPS.values()]
        # one header row (issue 18): the target group and the half are columns, not section rows
        assert {"Bewoners van drie kernen", "Sportclubs in de Betuwe", "Profiel", "Waardekaart"} <= set(cells)
        md = md_unescape(export_bytes(bundle, "md").decode())
        assert "## Waardeproposities" in md and "### Sportclubs in de Betuwe — profiel" in md
        assert not [e for e in expected if e not in md]


def test_english_labels(workspace):
    _, trekker, _ = workspace
    propose(trekker, groups=("dg2",))
    sections = workspace_bundle(trekker, "shared", lang="en").value_proposition_sections()
    assert [s.title for s in sections] == ["Sportclubs in de Betuwe — profile", "Sportclubs in de Betuwe — value map"]
    assert sections[0].rows[0] == ("Job (functional)", "Nieuwe leden werven", "5", "")
    assert sections[0].intro == "Fit 57 % (weighted by importance): pains relieved 100 %, gains created 0 %."
    assert sections[1].rows[-1] == ("Gain creator", "Proeflessen in de beweegtuin", "creates no gain yet")
    md = export_bytes(without_figures(workspace_bundle(trekker, "shared", lang="en")), "md").decode()
    assert "## Value propositions" in md and "### Sportclubs in de Betuwe — value map" in md


def test_the_cli_and_chapter_08_export_them(workspace, tmp_path, monkeypatch):
    from purposecase.cli import main
    from purposecase.ui.common import PageContext
    from purposecase.ui.delen import DelenChapter

    _, trekker, ptoken = workspace
    propose(trekker)
    viewer = trekker.new_viewer_link()
    monkeypatch.setenv("PURPOSECASE_SLEUTEL", viewer)
    out = tmp_path / "pact.md"
    assert main(["export", "--format", "md", "-o", str(out)]) == 0
    md = md_unescape(out.read_text(encoding="utf-8"))
    assert "### Sportclubs in de Betuwe — waardekaart" in md and "Proeflessen in de beweegtuin" in md

    button = DelenChapter(context=PageContext(sleutel=ptoken)).export_panel.button
    button.format_dropdown.value = "xlsx"
    button.make_button.click()
    payload = re.search(r'href="data:[^;]+;base64,([^"]+)"', button.link.value).group(1)
    cells = xlsx_cells(base64.b64decode(payload), "Waardeproposities")
    assert "Gratis gebruik" in cells and "Sportclubs in de Betuwe" in cells and "Profiel" in cells


# ------------------------------------------------------------- nothing to show
def test_no_value_proposition_no_pages(workspace):
    _, trekker, _ = workspace
    bundle = workspace_bundle(trekker, "shared")
    assert bundle.value_propositions is None and bundle.value_proposition_sections() == []
    assert "Fit per doelgroep (gewogen naar belang)" not in [f.title for f in bundle.figures]
    # step 4 was opened and a target group renamed, but nothing filled in: still only the seed, no pages
    loaded = vp.load_propositions(trekker)
    pid = loaded.propositions.propositions[0].id
    vp.update_propositions(trekker, vp.rename(pid, "Bewoners van Gendt"), base=loaded.base)
    bundle = without_figures(workspace_bundle(trekker, "shared"))
    assert bundle.value_propositions is None
    assert "Waardeproposities" not in pdf_text(export_bytes(bundle, "pdf"))
    assert "Waardeproposities" not in pptx_text(export_bytes(bundle, "pptx"))
    assert xlsx_cells(export_bytes(bundle, "xlsx"), "Waardeproposities") == []
    assert "Waardeproposities" not in export_bytes(bundle, "md").decode()


# ------------------------------------------------------------------- orphans
def test_an_orphaned_proposition_is_exported_marked(workspace):
    _, trekker, _ = workspace
    propose(trekker)
    trekker.update_shared(puzzle.remove("doelgroepen", "dg2"))
    bundle = workspace_bundle(trekker, "shared")
    sections = bundle.value_proposition_sections()
    assert [s.title for s in sections[2:]] == [
        "Sportclubs in de Betuwe (niet meer in de gedeelde case) — profiel",
        "Sportclubs in de Betuwe (niet meer in de gedeelde case) — waardekaart",
    ]
    assert sections[2].intro.startswith("Deze doelgroep staat niet meer in de gedeelde Purpose Case")
    assert "Vrijwilligers haken af" in [r[1] for r in sections[2].rows]  # nothing lost
    assert "(niet meer in de gedeelde case)" not in sections[0].title
    fit = next(f for f in bundle.figures if f.title == "Fit per doelgroep (gewogen naar belang)")
    assert list(fit.figure.data[0].y) == [
        "Bewoners van drie kernen",
        "Sportclubs in de Betuwe (niet meer in de gedeelde case)",
    ]
    text = flat(pdf_text(export_bytes(without_figures(bundle), "pdf")))
    assert flat("Sportclubs in de Betuwe (niet meer in de gedeelde case)") in text  # the band's heading


def test_an_own_target_group_is_marked_too(workspace):
    _, trekker, _ = workspace
    loaded = vp.load_propositions(trekker)
    own = vp.new_proposition("Mantelzorgers")
    saved = vp.update_propositions(trekker, vp.add_proposition(own), base=loaded.base)
    vp.update_propositions(trekker, vp.add_item(own.id, "pijnen", "Weinig tijd voor zichzelf"), base=saved.base)
    sections = workspace_bundle(trekker, "shared").value_proposition_sections()
    assert [s.title for s in sections] == [
        "Mantelzorgers (eigen doelgroep) — profiel",
        "Mantelzorgers (eigen doelgroep) — waardekaart",
    ]
    assert sections[1].rows == (("Waardekaart", "Nog niets ingevuld.", ""),)  # an empty half says so


# ------------------------------------------------------------ unreadable data
def stored_document(store, trekker, content):
    doc = store.document(trekker.workspace_id, vp.VALUE_PROPOSITIONS)
    head = store.load(doc.id)
    store.save(doc.id, content, base=head.number if head else 0, author="trekker")


def test_an_unreadable_value_proposition_document_does_not_stop_the_export(workspace):
    store, trekker, _ = workspace
    stored_document(store, trekker, {"schema": 99, "rubbish": True})
    bundle = without_figures(workspace_bundle(trekker, "shared"))
    assert [type(p) for p in bundle.value_propositions] == [UnreadablePropositions]
    sections = bundle.value_proposition_sections()
    assert [(s.title, s.rows) for s in sections] == [("Niet te lezen", (("alle waardeproposities",),))]
    for fmt in ("pdf", "pptx", "xlsx", "md"):
        assert export_bytes(bundle, fmt)
    assert flat("konden niet worden gelezen") in flat(pdf_text(export_bytes(bundle, "pdf")))


def test_one_broken_proposition_leaves_the_others_in_the_export(workspace):
    store, trekker, _ = workspace
    loaded = propose(trekker)
    content = loaded.propositions.to_content()
    content["propositions"][1]["pijnen"][0]["belang"] = 9  # out of 1–5: this proposition cannot be read
    content["propositions"].append({"id": "kapot", "doelgroep": "Scholen <script>", "taken": "geen lijst"})
    content["propositions"].append(["niet eens een object"])
    stored_document(store, trekker, content)
    with pytest.raises(CaseFileError):  # the step-4 page itself refuses the document
        vp.load_propositions(trekker)
    bundle = without_figures(workspace_bundle(trekker, "shared"))
    parts = bundle.value_propositions
    assert [type(p) for p in parts] == [ValuePropositionPart, UnreadablePropositions]
    assert parts[0].proposition.doelgroep == "Bewoners van drie kernen"
    assert parts[1].names == ("Sportclubs in de Betuwe", "Scholen <script>", "")
    note = bundle.value_proposition_sections()[-1]
    assert note.rows == (("Sportclubs in de Betuwe",), ("Scholen <script>",), ("(naam niet te lezen)",))
    text = flat(pdf_text(export_bytes(bundle, "pdf")))
    assert flat("Geen plek om te sporten") in text and flat("Scholen <script>") in text
    assert "Vrijwilligers" not in text


def test_a_failing_value_proposition_read_leaves_the_rest(workspace, monkeypatch):
    _, trekker, _ = workspace
    propose(trekker)

    def boom(_session):
        raise RuntimeError("database weg")

    monkeypatch.setattr("purposecase.export.parts.value_proposition_parts", boom)
    later = later_steps(trekker)
    from purposecase.export.parts import UnreadablePropositions

    # the rest of the export goes on, and the file says the value propositions were left out
    assert later.value_propositions == (UnreadablePropositions(),) and later.roadmap is None
    sections = workspace_bundle(trekker, "shared").value_proposition_sections()
    assert [s.title for s in sections] == ["Niet te lezen"]


# --------------------------------------------------------------------- figure
def test_the_fit_figure_needs_pains_or_gains(workspace):
    _, trekker, _ = workspace
    loaded = vp.load_propositions(trekker)
    pid = loaded.propositions.propositions[0].id
    vp.update_propositions(trekker, vp.add_item(pid, "taken", "Bewegen"), base=loaded.base)
    bundle = workspace_bundle(trekker, "shared")
    assert len(bundle.value_proposition_sections()) == 2  # a job is content: the pages come along
    assert "Fit per doelgroep (gewogen naar belang)" not in [f.title for f in bundle.figures]  # nothing to weigh


def test_the_fit_figure_becomes_a_picture_in_the_deck(workspace):
    """The fit figure through kaleido (the system Chromium): seconds, so only here."""
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    if not shutil.which("chromium") and not Path("/usr/bin/chromium").exists():
        pytest.skip("no Chromium for kaleido")
    _, trekker, _ = workspace
    propose(trekker)
    bundle = workspace_bundle(trekker, "shared")
    assert [f.title for f in bundle.figures] == ["Fit per doelgroep (gewogen naar belang)"]
    prs = Presentation(io.BytesIO(export_bytes(bundle, "pptx")))
    pictures = [(slide, s) for slide in prs.slides for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 1
    slide = pictures[0][0]
    assert any(
        s.has_text_frame and s.text_frame.text == "Fit per doelgroep (gewogen naar belang)" for s in slide.shapes
    )
