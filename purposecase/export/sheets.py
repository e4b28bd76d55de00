"""The spreadsheet: a Purpose Case as an Excel workbook (openpyxl).

One sheet per part, each a plain table with a header row, filters and frozen
panes, so a controller can sort, filter and count:

- ``Purpose Case``: one row per item — piece key, piece name, number, partner, item, kind;
- ``Concepten`` (drafts): one row per item of every draft the exporting session
  may read — partner, organisation, state, piece, item, kind (left out when there are none);
- ``Waardeproposities`` and ``Impact Roadmap``: the optional parts' tables, when present;
- ``Over``: title, what the case is, workspace, partners, date, source.

Every text goes in as a string cell: a text starting with ``=`` is never a
formula, and characters Excel refuses (control characters) are dropped. A text
starting with ``=``, ``+``, ``-`` or ``@`` also gets ``quotePrefix``, so editing
the cell in Excel or LibreOffice keeps it text.
"""

from __future__ import annotations

import io
import re
from typing import Any

from ..messages import Translator
from ..pieces import PIECES, get_piece
from .bundle import ExportBundle, Section

_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
"""Characters an .xlsx cell may not hold (openpyxl's ILLEGAL_CHARACTERS_RE)."""
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
HEADER_FILL = "F1EEE9"
FORMULA_STARTS = ("=", "+", "-", "@")
"""First characters that make a spreadsheet read a typed cell as a formula (OWASP: CSV/formula injection)."""


def clean(text: object) -> str:
    """Return ``text`` as a string without the control characters .xlsx cells refuse."""
    return _ILLEGAL.sub("", "" if text is None else str(text))


def sheet_title(text: str, taken: set[str]) -> str:
    r"""Return a valid, unique sheet name (≤ 31 characters, none of ``[]:*?/\\``)."""
    base = _SHEET_NAME_BAD.sub(" ", clean(text)).strip()[:31] or "Blad"
    name, n = base, 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name.casefold())
    return name


class _Writer:
    def __init__(self, bundle: ExportBundle):
        from openpyxl import Workbook

        self.bundle = bundle
        self.t = Translator(bundle.lang)
        self.wb = Workbook()
        self.taken: set[str] = set()
        self.rows: dict[str, int] = {}
        self._first = True

    def sheet(self, title: str, columns: list[str], widths: list[int]) -> Any:
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.utils import get_column_letter

        if self._first:
            ws = self.wb.active
            ws.title = sheet_title(title, self.taken)
            self._first = False
        else:
            ws = self.wb.create_sheet(sheet_title(title, self.taken))
        self.put_row(ws, columns)
        for n, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(n)].width = width
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        ws.freeze_panes = "A2"
        return ws

    def put_row(self, ws: Any, values: list[object], *, wrap: bool = False) -> None:
        from openpyxl.styles import Alignment

        row = self.rows.get(ws.title, 0) + 1
        self.rows[ws.title] = row
        for n, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=n)
            if isinstance(value, int) and not isinstance(value, bool):
                cell.value = value
            else:
                cell.value = clean(value)
                cell.data_type = "s"  # text stays text, even "=SUM(…)"
                if cell.value.startswith(FORMULA_STARTS):
                    # Excel/LibreOffice turn an edited "=…", "+…", "-…" or "@…" cell into a formula
                    # unless the cell is marked as quoted text (the apostrophe prefix)
                    cell.quotePrefix = True
            if wrap:
                cell.alignment = Alignment(vertical="top", wrap_text=True)

    def finish(self, ws: Any) -> None:
        if self.rows.get(ws.title, 0) > 1:
            ws.auto_filter.ref = ws.dimensions

    def case_sheet(self) -> None:
        b, t = self.bundle, self.t
        cols = [
            t("export.kol_sleutel"), t("export.kol_puzzelstuk"), t("export.kol_nummer"),
            t("export.kol_partner"), t("export.kol_item"), t("export.kol_soort"),
        ]
        ws = self.sheet(t("export.blad_case"), cols, [22, 22, 6, 22, 90, 16])
        from openpyxl.styles import Font

        for piece in PIECES:
            for n, item in enumerate(b.case.items(piece.key), start=1):
                self.put_row(
                    ws,
                    [piece.key, piece.name(t.lang), n, item.partner or "", item.text,
                     t("soort." + item.kind) if item.kind else ""],
                    wrap=True,
                )
                colour = piece.colour.lstrip("#").upper()
                ws.cell(row=self.rows[ws.title], column=2).font = Font(bold=True, color=colour)
        self.finish(ws)

    def drafts_sheet(self) -> None:
        b, t = self.bundle, self.t
        if not b.drafts:
            return
        cols = [
            t("export.kol_partner"), t("export.kol_organisatie"), t("export.kol_status"),
            t("export.kol_puzzelstuk"), t("export.kol_nummer"), t("export.kol_item"), t("export.kol_soort"),
        ]
        ws = self.sheet(t("export.blad_concepten"), cols, [22, 22, 12, 22, 6, 90, 16])
        for line in b.drafts:
            state = t("export.status_gedeeld") if line.state == "gedeeld" else t("export.status_prive")
            for key, items in line.draft.pieces.items():
                piece = get_piece(key)
                for n, item in enumerate(items, start=1):
                    self.put_row(
                        ws,
                        [line.partner.name, line.partner.organisation, state, piece.name(t.lang), n, item.text,
                         t("soort." + item.kind) if item.kind else ""],
                        wrap=True,
                    )
        self.finish(ws)

    def section_sheet(self, title: str, sections: list[Section]) -> None:
        if not sections:
            return
        t = self.t
        width = max(len(s.columns) for s in sections)
        cols = [t("export.kol_onderdeel"), *[f"{n}" for n in range(1, width + 1)]]
        ws = self.sheet(title, cols, [28] + [40] * width)
        from openpyxl.styles import Font

        for section in sections:
            self.put_row(ws, [section.title, *section.columns])
            for cell in ws[self.rows[ws.title]]:
                cell.font = Font(bold=True)
            for row in section.rows:
                self.put_row(ws, [section.title, *row], wrap=True)
        self.finish(ws)

    def about_sheet(self) -> None:
        b, t = self.bundle, self.t
        ws = self.sheet(t("export.blad_over"), [t("export.kol_veld"), t("export.kol_waarde")], [22, 100])
        rows: list[tuple[str, str]] = [
            (t("export.veld_titel"), b.case.title),
            (t("export.veld_wat"), b.label),
            (t("export.veld_werkruimte"), b.workspace or ""),
            (t("export.veld_datum"), b.date_text()),
            (t("export.partners"), "; ".join(p.label() for p in b.partners)),
            (t("export.veld_sector"), " · ".join(x for x in (b.case.sector, b.case.region) if x)),
            (t("export.veld_bron"), b.case.source.citation() if b.case.source else ""),
            (t("export.veld_instrument"), t("export.bron_instrument")),
        ]
        for field, value in rows:
            if value:
                self.put_row(ws, [field, value], wrap=True)

    def build(self) -> bytes:
        t = self.t
        self.case_sheet()
        self.drafts_sheet()
        self.section_sheet(t("export.waardeproposities"), self.bundle.value_proposition_sections())
        self.section_sheet(t("export.roadmap"), self.bundle.roadmap_sections())
        self.about_sheet()
        props = self.wb.properties
        props.title = self.bundle.case.title[:250]
        props.creator = t("export.werkboek")
        props.language = "en-GB" if self.bundle.lang == "en" else "nl-NL"
        out = io.BytesIO()
        self.wb.save(out)
        return out.getvalue()


def workbook_xlsx(bundle: ExportBundle) -> bytes:
    """Return ``bundle`` as an Excel workbook (.xlsx): one sheet per part (see the module docstring)."""
    return _Writer(bundle).build()
