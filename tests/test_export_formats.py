"""Every export format for all ten publication cases, read back with its own library."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from purposecase.examples import list_cases
from purposecase.export import (
    FORMATS,
    MEDIA_TYPES,
    DraftLine,
    ExportBundle,
    PartnerLine,
    Section,
    bundle_for_case,
    export_bytes,
    export_file,
    file_name,
    slugify,
)
from purposecase.export.text import md_unescape
from purposecase.model import Item, PartnerDraft, PurposeCase
from purposecase.pieces import PIECE_KEYS

CASES = list_cases()
WHEN = date(2026, 11, 30)


def flat(text: str) -> str:
    """Whitespace removed: PDF and slide text wrap lines where the item had spaces."""
    return re.sub(r"\s+", "", text)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pptx_text(data: bytes) -> str:
    from pptx import Presentation

    out = []
    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out.append(shape.text_frame.text)
            if shape.has_table:
                out += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(out)


def xlsx_cells(data: bytes) -> dict[str, list[list[object]]]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb}


@pytest.fixture(scope="module")
def files():
    """Every format of every case, made once for this module."""
    return {
        (case.slug, fmt): export_bytes(bundle_for_case(case, label="Voorbeeld uit de publicatie", when=WHEN), fmt)
        for case in CASES
        for fmt in FORMATS
    }


def test_there_are_ten_cases():
    assert len(CASES) == 10


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.slug)
def test_pdf_holds_every_item(files, case):
    data = files[(case.slug, "pdf")]
    assert data.startswith(b"%PDF")
    text = flat(pdf_text(data))
    assert flat(case.title) in text
    for key, item in case.all_items():
        assert flat(item.text) in text, (key, item.text[:60])
        if item.partner:
            assert flat(item.partner) in text


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.slug)
def test_pptx_reopens_and_holds_every_item(files, case):
    from pptx import Presentation

    data = files[(case.slug, "pptx")]
    prs = Presentation(io.BytesIO(data))
    assert len(prs.slides) >= 13  # title, canvas, eleven pieces
    text = flat(pptx_text(data))
    for key, item in case.all_items():
        assert flat(item.text) in text, (key, item.text[:60])


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.slug)
def test_xlsx_reopens_and_holds_every_item(files, case):
    sheets = xlsx_cells(files[(case.slug, "xlsx")])
    rows = sheets["Purpose Case"]
    assert rows[0] == ["Sleutel", "Puzzelstuk", "Nr.", "Partner", "Item", "Soort"]
    got = [(r[0], r[4], r[3] or None) for r in rows[1:]]
    want = [(k, i.text, i.partner) for k, i in case.all_items()]
    assert got == want
    assert "Over" in sheets


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.slug)
def test_markdown_holds_every_item(files, case):
    text = files[(case.slug, "md")].decode("utf-8")
    assert text.startswith(f"# {case.title}") or text.startswith("# ")
    plain = md_unescape(text).replace("  \n  ", "\n")
    for key, item in case.all_items():
        assert item.text in plain, (key, item.text[:60])


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.slug)
@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_json_and_yaml_round_trip(files, case, fmt):
    data = files[(case.slug, fmt)].decode("utf-8")
    again = PurposeCase.from_json(data) if fmt == "json" else PurposeCase.from_yaml(data)
    assert again == case
    parsed = json.loads(data) if fmt == "json" else yaml.safe_load(data)
    assert parsed == case.to_dict()


def test_yaml_export_has_no_aliases():
    item = Item(text="zelfde")
    case = PurposeCase(slug="a", title="A", pieces={k: [item, item] for k in PIECE_KEYS})
    text = export_bytes(bundle_for_case(case), "yaml").decode()
    assert "&id" not in text and "*id" not in text


def test_file_names_are_safe():
    assert file_name("Continuïteit: ĳs & <script>", "pdf", WHEN) == "continuiteit-ijs-script-2026-11-30.pdf"
    assert slugify("   ") == "purpose-case"
    f = export_file(bundle_for_case(CASES[0], when=WHEN), "xlsx")
    assert f.filename == f"{CASES[0].slug}-2026-11-30.xlsx" and f.media_type == MEDIA_TYPES["xlsx"]
    with pytest.raises(ValueError):
        export_bytes(bundle_for_case(CASES[0]), "docx")
    # long names are cut between words, and a draft's file keeps the partner's whole name
    assert slugify("Samenwerking voor de energietransitie in Noord", max_length=30) == "samenwerking-voor-de"
    assert slugify("x" * 80, max_length=30) == "x" * 30
    long_name = "Het grote regionale pact voor Ëilanden – café naïef € en nog veel meer woorden"
    draft_bundle = bundle_for_case(CASES[0].model_copy(update={"slug": "concept", "title": long_name}), when=WHEN,
                                   label="Concept van Anouk de Vries")
    name = export_file(draft_bundle, "md").filename
    assert name.endswith("-concept-van-anouk-de-vries-2026-11-30.md") and name.startswith("het-grote-regionale-pact")


# --------------------------------------------------------- hostile and big input
HOSTILE = [
    Item(text="=HYPERLINK(\"http://example.invalid\",\"klik\")"),
    Item(text="<b>vet</b> & <script>alert(1)</script>", partner="RET <i>"),
    Item(text="# geen kop\n- geen lijst\n*geen nadruk* [geen](link)"),
    Item(text="Lĳst: ëën ïdee kost €5 — “aanhalingstekens” ‘enkel’ …"),
    Item(text="regel één\nregel twee"),
    Item(text="besturing\x07teken"),
]


def hostile_case() -> PurposeCase:
    pieces = {k: [] for k in PIECE_KEYS}
    pieces["waarde"] = HOSTILE
    pieces["opbrengsten"] = [
        Item(text="Omzet uit cursussen", kind="financieel"), Item(text="Imago", kind="niet-financieel")
    ]
    return PurposeCase(slug="vijandig", title="Vijandig <b>ĳs</b>", pieces=pieces)


def test_hostile_text_is_text_everywhere():
    case = hostile_case()
    bundle = bundle_for_case(case)
    pdf = pdf_text(export_bytes(bundle, "pdf"))
    for ch in "ĳëï€":
        assert ch in pdf
    assert flat("<b>vet</b> & <script>alert(1)</script>") in flat(pdf)
    assert "(financieel)" in pdf
    sheets = xlsx_cells(export_bytes(bundle, "xlsx"))
    values = [r[4] for r in sheets["Purpose Case"][1:]]
    assert HOSTILE[0].text in values  # stays text, not a formula
    assert "besturingteken" in values  # the control character Excel refuses is dropped
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(export_bytes(bundle, "xlsx")))
    assert all(c.data_type != "f" for row in wb["Purpose Case"].iter_rows() for c in row)
    md = export_bytes(bundle, "md").decode()
    assert "\\<script\\>" in md and "\\# geen kop" in md
    assert "Lĳst: ëën ïdee kost €5" in md
    text = pptx_text(export_bytes(bundle, "pptx"))
    assert "<script>alert(1)</script>" in text and "€5" in text


def big_case(items_per_piece: int = 25) -> PurposeCase:
    words = "Lĳst ëën ïdee €5 samenwerking "
    pieces = {
        k: [
            Item(text=f"{k} item {i}: " + (words * (3 + (i * 7) % 50)).strip(), partner="RET" if i % 3 == 0 else None)
            for i in range(items_per_piece)
        ]
        for k in PIECE_KEYS
    }
    return PurposeCase(slug="groot", title="Een heel grote case", pieces=pieces)


def test_long_texts_flow_onto_further_pages_never_cut_off():
    from pypdf import PdfReader

    case = big_case()
    partners = tuple(PartnerLine(f"Partner {i}", f"Organisatie {i}") for i in range(40))
    data = export_bytes(ExportBundle(case=case, partners=partners, workspace="W"), "pdf")
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) > 1
    text = flat(pdf_text(data))
    for key, item in case.all_items():
        assert flat(item.text) in text, (key, item.text[:40])
    assert "Partner39(Organisatie39)" in text
    assert "vervolg" in pages[1].extract_text()


def test_long_pieces_continue_on_more_slides():
    from pptx import Presentation

    case = big_case()
    data = export_bytes(bundle_for_case(case), "pptx")
    assert len(Presentation(io.BytesIO(data)).slides) > 13
    text = flat(pptx_text(data))
    for key, item in case.all_items():
        assert flat(item.text) in text, (key, item.text[:40])
    assert "zie dia" in pptx_text(data)  # the canvas slide points to the piece slides


def test_empty_case_exports():
    case = PurposeCase(slug="leeg", title="Nog leeg")
    for fmt in FORMATS:
        assert export_bytes(bundle_for_case(case), fmt)
    assert "Nog niets ingevuld" in pdf_text(export_bytes(bundle_for_case(case), "pdf"))


def test_english_labels():
    case = CASES[0]
    bundle = bundle_for_case(case, lang="en", label="Example")
    assert "Joint ambition" in pptx_text(export_bytes(bundle, "pptx"))
    assert "## Joint ambition" in export_bytes(bundle, "md").decode()
    assert "Piece" in xlsx_cells(export_bytes(bundle, "xlsx"))["Purpose Case"][0]
    assert "JOINT AMBITION" in pdf_text(export_bytes(bundle, "pdf"))


# ------------------------------------------------------ optional parts plug in
class FakeRoadmap:
    """Stands in for step 5's Impact Roadmap: anything with ``export_sections(lang)``."""

    def export_sections(self, lang):
        return [
            Section(
                "Stap 1: verkennen",
                ("Wat", "Wie", "Oplevering"),
                (("Partners spreken", "Ans (ROC)", "Lĳst van afspraken"), ("Subsidie zoeken", "Bas", "Aanvraag")),
                intro="Zes stappen naar de ambitie",
            )
        ]


def test_optional_pages_appear_only_when_present():
    case = CASES[0]
    without = ExportBundle(case=case)
    with_parts = ExportBundle(case=case, roadmap=FakeRoadmap(), value_propositions=[FakeRoadmap()])
    assert "Subsidie zoeken" not in pdf_text(export_bytes(without, "pdf"))
    text = pdf_text(export_bytes(with_parts, "pdf"))
    assert "Impact Roadmap" in text and "Waardeproposities" in text and "Lĳst van afspraken" in text
    assert "Impact Roadmap" not in xlsx_cells(export_bytes(without, "xlsx"))
    sheets = xlsx_cells(export_bytes(with_parts, "xlsx"))
    assert any("Subsidie zoeken" in row for row in sheets["Impact Roadmap"])
    assert "Subsidie zoeken" in pptx_text(export_bytes(with_parts, "pptx"))
    assert "| Subsidie zoeken | Bas | Aanvraag |" in export_bytes(with_parts, "md").decode()


def test_drafts_go_into_the_spreadsheet_and_markdown():
    case = CASES[0]
    draft = PartnerDraft(pieces={**{k: [] for k in PIECE_KEYS}, "intenties": [Item(text="Stageplekken vullen")]})
    bundle = ExportBundle(
        case=case,
        partners=(PartnerLine("Ans", "ROC"),),
        drafts=(DraftLine(PartnerLine("Ans", "ROC"), draft, "gedeeld"),),
    )
    rows = xlsx_cells(export_bytes(bundle, "xlsx"))["Concepten"]
    assert rows[1][:4] == ["Ans", "ROC", "gedeeld", "Intenties"] and rows[1][5] == "Stageplekken vullen"
    assert "## Concept van Ans (ROC)" in export_bytes(bundle, "md").decode()


def test_poster_page_one_as_png(artifacts):
    """Render page 1 of the largest case's poster (pypdfium2) for people to look at: tests/output/."""
    pdfium = pytest.importorskip("pypdfium2")
    case = max(CASES, key=lambda c: sum(len(i.text) for _, i in c.all_items()))
    bundle = ExportBundle(
        case=case, label="Voorbeeld uit de publicatie", partners=(PartnerLine("Ans de Vries", "ROC Noord"),), date=WHEN
    )
    doc = pdfium.PdfDocument(export_bytes(bundle, "pdf"))
    width, height = doc[0].get_size()
    assert round(width / 72 * 25.4) == 420 and round(height / 72 * 25.4) == 297  # A3 landscape
    image = doc[0].render(scale=1.5).to_pil()
    image.save(artifacts / f"poster-{case.slug}.png")
    colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # not blank: text and the eleven colours
    doc2 = pdfium.PdfDocument(export_bytes(ExportBundle(case=big_case(), workspace="W", date=WHEN), "pdf"))
    doc2[0].render(scale=1.0).to_pil().save(artifacts / "poster-overflow-page1.png")


def test_the_export_benchmark_runs(tmp_path, capsys):
    import importlib.util

    path = Path(__file__).parents[1] / "benchmarks" / "exports.py"
    spec = importlib.util.spec_from_file_location("exports_bench", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--runs", "1", "--no-figure", "--out", str(tmp_path)]) == 0
    result = json.loads(next(tmp_path.glob("exports-*.json")).read_text())
    assert {r["what"] for r in result["rows"]} >= set(FORMATS)
    assert "Entree in Beweging" in capsys.readouterr().out


def test_xlsx_cells_that_look_like_formulas_keep_a_quote_prefix():
    """Regression (issue 20): "=…", "+…", "-…" and "@…" were text cells without quotePrefix, so editing one
    in Excel or LibreOffice turned it into a formula."""
    from openpyxl import load_workbook

    starts = ["=SUM(A1:A9)", "+31 6 1234", "-10% korting", "@partner", "gewone tekst", "som = 5"]
    pieces = {k: [] for k in PIECE_KEYS}
    pieces["waarde"] = [Item(text=t) for t in starts]
    pieces["partners"] = [Item(text="Gemeente", partner="=Hoofdpartner")]
    case = PurposeCase(slug="formules", title="-Formules", pieces=pieces)
    wb = load_workbook(io.BytesIO(export_bytes(bundle_for_case(case), "xlsx")))
    cells = {c.value: c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for text in starts[:4] + ["=Hoofdpartner"]:
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text
    for text in ("gewone tekst", "som = 5"):
        assert not cells[text].quotePrefix, text
