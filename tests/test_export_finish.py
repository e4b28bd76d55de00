"""Issue 18: exports a trekker is proud to present — numbers in the spreadsheet, readable slides,
a designed poster, figures in the user's language. Pure tests: open the files and look inside."""

from __future__ import annotations

import io

import pytest
from export_samples import full_bundle

from purposecase.export import export_bytes
from purposecase.export.sheets import EURO_FORMAT


def workbook(data: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))


# ------------------------------------------------------------------ XLSX
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_xlsx_hours_and_euros_are_numbers_with_dutch_formats_and_totals(lang):
    wb = workbook(export_bytes(full_bundle(lang), "xlsx"))
    road = wb["Impact Roadmap"]
    header = [c.value for c in road[1]]
    hours, euros = header.index("Uren" if lang == "nl" else "Hours") + 1, header.index("Euro") + 1
    step2 = list(road.iter_rows(min_row=3, max_row=3))[0]
    assert isinstance(step2[hours - 1].value, (int, float)) and step2[hours - 1].value == 80 + 25 + 0
    assert step2[euros - 1].value == 3000 + 30000 + 800
    assert step2[euros - 1].number_format == EURO_FORMAT and step2[hours - 1].number_format == "#,##0.0"
    effort = wb["Inzet" if lang == "nl" else "Effort"]
    assert [c.value for c in effort[1]][:4] == (
        ["Partner", "Stap", "Uren", "Euro"] if lang == "nl" else ["Partner", "Step", "Hours", "Euro"]
    )
    cells = {(c.row, c.column): c for row in effort.iter_rows() for c in row}
    assert all(isinstance(cells[(r, 4)].value, (int, float)) for r in range(2, 19))
    assert all(cells[(r, 4)].number_format == EURO_FORMAT for r in range(2, 19))
    # totals per partner (columns F–H) and per step (J–L), last row "Totaal"
    per_partner = {effort.cell(r, 6).value: (effort.cell(r, 7).value, effort.cell(r, 8).value) for r in range(2, 6)}
    assert per_partner["Bas Jansen"] == (12.5 * 21, 15000 * 21)
    assert per_partner["Totaal" if lang == "nl" else "Total"][1] == (1500 + 15000 + 400) * 21
    per_step = {effort.cell(r, 10).value: effort.cell(r, 12).value for r in range(2, 9)}
    assert per_step["Stap 6" if lang == "nl" else "Step 6"] == 6 * (1500 + 15000 + 400)
    assert effort.auto_filter.ref == "A1:D19"


def test_xlsx_value_proposition_and_roadmap_sheets_have_one_frozen_filtered_header_row():
    wb = workbook(export_bytes(full_bundle(), "xlsx"))
    for name in ("Waardeproposities", "Impact Roadmap", "Inzet"):
        ws = wb[name]
        assert ws.freeze_panes == "A2", name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), name
        first = [c.value for c in ws[1] if c.value is not None]
        assert "1" not in first and "Onderdeel" != first[0], first  # no generic "Onderdeel | 1 | 2 | 3"
        second = [c.value for c in ws[2]]
        assert second[: len(first)] != first  # the real headers are not repeated below
    vp = wb["Waardeproposities"]
    assert [c.value for c in vp[1]][:5] == ["Doelgroep", "Deel", "Onderdeel", "Item", "Belang (1–5)"]
    rows = list(vp.iter_rows(min_row=2, values_only=True))
    assert ("Studenten zorg en welzijn", "Profiel") == rows[0][:2] and isinstance(rows[0][4], int)
    assert any(r[1] == "Waardekaart" and r[3] == "Gezamenlijke instroomroute" for r in rows)


# ------------------------------------------------------------------ PPTX
def runs(data: bytes):
    """Yield (slide number, run) for every text run on every slide, tables included."""
    from pptx import Presentation

    for n, slide in enumerate(Presentation(io.BytesIO(data)).slides, start=1):
        for shape in slide.shapes:
            frames = []
            if shape.has_text_frame:
                frames.append(shape.text_frame)
            if getattr(shape, "has_table", False) and shape.has_table:
                frames += [cell.text_frame for row in shape.table.rows for cell in row.cells]
            for frame in frames:
                for para in frame.paragraphs:
                    for run in para.runs:
                        if run.text.strip():
                            yield n, run


def smallest_run(data: bytes) -> float:
    return min(run.font.size.pt for _, run in runs(data))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_text_run_on_every_slide_is_at_least_12_pt(lang):
    from export_samples import PARTNERS
    from test_export_formats import big_case

    from purposecase.export import PartnerLine

    for case in (None, big_case(8)):
        bundle = full_bundle(lang, case)
        many = tuple(PartnerLine(f"Contact {n}", f"Organisatie met een lange naam {n}") for n in range(30))
        data = export_bytes(bundle.__class__(**{**bundle.__dict__, "partners": PARTNERS + many}), "pptx")
        small = [(n, run.text, run.font.size.pt) for n, run in runs(data) if run.font.size.pt < 12]
        assert not small, small[:5]


def test_the_canvas_slide_keeps_every_item_in_its_notes_and_shows_the_status():
    from pptx import Presentation

    bundle = full_bundle()
    deck = Presentation(io.BytesIO(export_bytes(bundle, "pptx")))
    canvas = deck.slides[1]
    notes = canvas.notes_slide.notes_text_frame.text
    assert all(item.text in notes for _, item in bundle.case.all_items())
    text = " ".join(s.text_frame.text for s in canvas.shapes if s.has_text_frame)
    assert "✓ akkoord" in text and "◐ in bespreking" in text and "○ leeg" in text


# ------------------------------------------------------------------ PDF poster
def pages(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def page_fonts(data: bytes) -> set[str]:
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_poster_pages_two_and_three_are_designed_value_propositions_and_a_roadmap_timeline(lang):
    text = pages(export_bytes(full_bundle(lang), "pdf"))
    assert len(text) == 3
    vp, road = text[1], text[2]
    # profile and value map side by side, per target group, matching halves in one row
    assert vp.count("PROFIEL" if lang == "nl" else "PROFILE") == 2
    assert vp.count("WAARDEKAART" if lang == "nl" else "VALUE MAP") == 2
    assert "●●●●● Baangarantie na de opleiding" in vp
    halves = ("Taken", "Producten en diensten", "Pijnen", "Pijnverzachters", "Voordelen", "Voordeelverschaffers")
    if lang == "en":
        halves = ("Jobs", "Products and services", "Pains", "Pain relievers", "Gains", "Gain creators")
    where = [vp.index(h + "\n") for h in halves]
    assert where == sorted(where), where  # row by row: a profile half, then its value-map half beside it
    # the roadmap: month names in the user's language, owners on the bars and cards, no broken header
    months = ("jan 2026", "mrt", "okt", "jan 2027") if lang == "nl" else ("Jan 2026", "Mar", "Oct", "Jan 2027")
    assert all(m in road for m in months), road[:400]
    assert ("STAP 6" if lang == "nl" else "STEP 6") in road and "Cor Smit" in road
    assert ("feb 2026 – mei 2026" if lang == "nl" else "Feb 2026 – May 2026") in road
    assert "St\nap" not in road and "St\nep" not in road


def test_poster_generic_tables_never_break_a_header_inside_a_word():
    from test_export_formats import FakeRoadmap

    from purposecase.export import ExportBundle, Section

    class Wide(FakeRoadmap):
        def export_sections(self, lang):
            long = "Een lange beschrijving van wat er in deze stap gebeurt " * 3
            return [Section("Stappen", ("Stap", "Wat", "Wie", "Skills", "Middelen", "Belemmeringen", "Opbrengst",
                                        "Periode"), (("1", long, long, long, long, long, long, "2026-01"),))]

    text = pages(export_bytes(ExportBundle(case=full_bundle().case, roadmap=Wide()), "pdf"))[-1]
    assert "St\nap" not in text and "Belemme\n" not in text and "Stap" in text


def test_poster_shows_the_agreement_status_per_piece():
    text = pages(export_bytes(full_bundle(), "pdf"))[0]
    assert "✓ akkoord" in text and "◐ in bespreking" in text and "○ leeg" in text
    assert "akkoord" not in pages(export_bytes(full_bundle().__class__(case=full_bundle().case), "pdf"))[0]


def test_poster_emoji_print_with_a_symbol_font_or_visibly_named(monkeypatch):
    from purposecase.export import fonts

    data = export_bytes(full_bundle(), "pdf")
    if fonts.symbols_path() is not None:
        assert any("Symbola" in name for name in page_fonts(data))  # pypdf cannot map its glyphs back to text
    fonts._cmaps.cache_clear()
    monkeypatch.setattr(fonts, "symbols_path", lambda: None)
    try:
        text = pages(export_bytes(full_bundle(), "pdf"))[1]
    finally:
        fonts._cmaps.cache_clear()
    assert "[pushpin] Leerwerkplek" in text


def test_slide_tables_give_every_column_room_for_its_longest_word():
    from pptx import Presentation
    from pptx.util import Emu

    from purposecase.export import fonts

    deck = Presentation(io.BytesIO(export_bytes(full_bundle(), "pptx")))
    tables = [s.table for slide in deck.slides for s in slide.shapes if getattr(s, "has_table", False) and s.has_table]
    assert tables
    for table in tables:
        for c, column in enumerate(table.columns):
            rows = list(table.rows)
            head = rows[0].cells[c].text.split()
            words = [w for row in rows[1:] for w in row.cells[c].text.split()]
            need = max([fonts.text_width(w, 12, bold=True) for w in head] + [fonts.text_width(w, 12) for w in words])
            assert Emu(column.width).pt >= need + 14.4, (c, head)  # + the cell's 0.1 inch margins


# ------------------------------------------------------------------ the ten cases and a large workspace
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_publication_case_and_a_large_workspace_in_every_format(lang):
    from test_export_formats import big_case

    from purposecase.examples import list_cases, load_case
    from purposecase.export import FORMATS, bundle_for_case

    bundles = [bundle_for_case(load_case(c.slug), lang=lang) for c in list_cases()]
    bundles.append(full_bundle(lang, big_case(25)))
    for bundle in bundles:
        files = {fmt: export_bytes(bundle, fmt) for fmt in FORMATS}
        assert smallest_run(files["pptx"]) >= 12, bundle.case.slug
        text = "".join(pages(files["pdf"]))
        assert bundle.case.title.split()[0] in text
        wb = workbook(files["xlsx"])
        for ws in wb.worksheets:
            assert ws.freeze_panes == "A2", (bundle.case.slug, ws.title)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_poster_pages_as_png(artifacts, lang):
    """Render every poster page of the full workspace (pypdfium2) for people to look at: tests/output/."""
    pdfium = pytest.importorskip("pypdfium2")
    doc = pdfium.PdfDocument(export_bytes(full_bundle(lang), "pdf"))
    for n in range(len(doc)):
        image = doc[n].render(scale=1.2).to_pil()
        image.save(artifacts / f"issue18-poster-{lang}-page{n + 1}.png")
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is not None and len(colours) > 50
