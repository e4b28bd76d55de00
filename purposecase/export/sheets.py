"""The spreadsheet: a Purpose Case as an Excel workbook (openpyxl).

One sheet per part, each a plain table with a header row, filters and frozen
panes, so a controller can sort, filter and count:

- ``Purpose Case``: one row per item — piece key, piece name, number, partner, item, kind;
- ``Concepten`` (drafts): one row per item of every draft the exporting session
  may read — partner, organisation, state, piece, item, kind (left out when there are none);
- ``Waardeproposities``: one row per profile or value-map entry — target group, half
  (profile / value map), part, item, importance (a number), what it addresses or is addressed by;
- ``Impact Roadmap``: one row per step — step (number), what, owners, skills, resources,
  hours and euros (the step's totals, numbers), obstacles, yield, start, end;
- ``Inzet`` (effort): one row per partner and step with hours and euros (numbers), and
  beside it the totals per partner and per step;
- ``Over``: title, what the case is, workspace, partners, date, source.

Every sheet has exactly one header row, frozen and filtered. Hours and euros are
numbers with a Dutch number format (``#.##0`` shows as ``15.000`` in a Dutch Excel;
euros as ``€ 15.000``, locale 0x413 = nl-NL), so a controller can sum them. Every text
goes in as a string cell: a text starting with ``=`` is never a formula, and characters
Excel refuses (control characters) are dropped. Parts that are not the workbook's own
records (anything with ``export_sections``) get one generic table per sheet. A text
starting with ``=``, ``+``, ``-`` or ``@`` also gets ``quotePrefix``, so editing the cell in
Excel or LibreOffice keeps it text.
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
EURO_FORMAT = '[$€-413] #,##0;[$€-413] -#,##0'
"""Number format of euro cells: ``€ 15.000`` in Dutch (nl-NL) Excel and LibreOffice."""
HOURS_FORMAT = "#,##0"
"""Number format of whole hours: ``1.200`` in Dutch Excel."""
HOURS_FORMAT_DECIMAL = "#,##0.0"
"""Number format of hours when some are fractional: ``1.200,5`` in Dutch Excel."""


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
            if value is None:
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
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

    def finish(self, ws: Any, columns: int | None = None) -> None:
        from openpyxl.utils import get_column_letter

        rows = self.rows.get(ws.title, 0)
        if rows > 1:
            ws.auto_filter.ref = ws.dimensions if columns is None else f"A1:{get_column_letter(columns)}{rows}"

    def number_format(self, ws: Any, column: int, fmt: str, first: int = 2, last: int | None = None) -> None:
        """Give the cells of ``column`` (1-based) from row ``first`` on the number format ``fmt``."""
        for row in range(first, (last or self.rows.get(ws.title, 0)) + 1):
            ws.cell(row=row, column=column).number_format = fmt

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
        """Write parts that are not the workbook's own records: one header row, the section title first.

        Column names are the sections' own; where sections name a column differently,
        the names are joined with " / ".
        """
        if not sections:
            return
        t = self.t
        width = max(len(s.columns) for s in sections)
        names: list[list[str]] = [[] for _ in range(width)]
        for section in sections:
            for n, name in enumerate(section.columns):
                if name not in names[n]:
                    names[n].append(name)
        cols = [t("export.kol_onderdeel"), *[" / ".join(n) for n in names]]
        ws = self.sheet(title, cols, [28] + [40] * width)
        for section in sections:
            for row in section.rows:
                self.put_row(ws, [section.title, *row], wrap=True)
        self.finish(ws)

    def value_proposition_sheet(self) -> None:
        """Write the value propositions: one row per profile or value-map entry (see the module docstring)."""
        from .parts import ValuePropositionPart

        b, t = self.bundle, self.t
        parts = list(b.value_propositions or ())
        own = [p for p in parts if isinstance(p, ValuePropositionPart)]
        other = [s for p in parts if not isinstance(p, ValuePropositionPart) for s in p.export_sections(b.lang)]
        if own:
            cols = [
                t("export.kol_doelgroep"), t("export.kol_deel"), t("export.kol_onderdeel"), t("export.kol_item"),
                t("export.kol_belang"), t("export.kol_aangepakt") + " / " + t("export.kol_spreekt_aan"),
            ]
            ws = self.sheet(t("export.waardeproposities"), cols, [24, 14, 26, 60, 9, 60])
            for part in own:
                profile, value_map = part.export_sections(b.lang)[:2]
                group = part.label(t)
                for row in profile.rows:
                    importance = int(row[2]) if row[2].isdigit() else None
                    self.put_row(ws, [group, t("export.kol_profiel"), row[0], row[1], importance, row[3]], wrap=True)
                for row in value_map.rows:
                    self.put_row(ws, [group, t("export.kol_waardekaart"), row[0], row[1], None, row[2]], wrap=True)
            self.finish(ws)
            if other:
                self.section_sheet(t("export.waardeproposities") + " (2)", other)
        else:
            self.section_sheet(t("export.waardeproposities"), other)

    def roadmap_sheets(self) -> None:
        """Write the roadmap's steps and the effort per partner and step, with totals (numbers, Dutch formats)."""
        from .parts import RoadmapPart

        b, t = self.bundle, self.t
        part = b.roadmap
        if part is None:
            return
        if not isinstance(part, RoadmapPart):
            self.section_sheet(t("export.roadmap"), b.roadmap_sections())
            return
        cols = [
            t("export.kol_stap"), t("export.kol_wat"), t("export.kol_eigenaren"), t("export.kol_skills"),
            t("export.kol_middelen"), t("export.kol_uren"), t("export.kol_euro"), t("export.kol_belemmeringen"),
            t("export.kol_opbrengst"), t("export.kol_begin"), t("export.kol_eind"),
        ]
        ws = self.sheet(t("export.roadmap"), cols, [7, 40, 24, 30, 30, 10, 13, 40, 36, 10, 10])
        hours_all: list[float] = []
        for s in part.steps:
            hours, euros = float(s.get("uren") or 0), float(s.get("euro") or 0)
            hours_all.append(hours)
            self.put_row(
                ws,
                [int(s.get("stap") or 0), s.get("wat", ""), s.get("eigenaren", ""), s.get("skills", ""),
                 s.get("middelen", ""), _num(hours), _num(euros), s.get("belemmeringen", ""),
                 s.get("opbrengst", ""), s.get("start") or "", s.get("eind") or ""],
                wrap=True,
            )
        effort = [r for r in part.effort if r.get("uren") or r.get("euro")]
        hours_all += [float(r.get("uren") or 0) for r in effort]
        hours_format = HOURS_FORMAT if all(float(h).is_integer() for h in hours_all) else HOURS_FORMAT_DECIMAL
        self.number_format(ws, 6, hours_format)
        self.number_format(ws, 7, EURO_FORMAT)
        self.finish(ws)
        if not effort:
            return
        ws = self.sheet(
            t("export.blad_inzet"),
            [t("export.kol_partner"), t("export.kol_stap"), t("export.kol_uren"), t("export.kol_euro")],
            [28, 7, 10, 13],
        )
        for r in effort:
            self.put_row(ws, [str(r["partner"]), int(r["stap"]), _num(r.get("uren")), _num(r.get("euro"))])
        end = self.rows[ws.title]
        self.number_format(ws, 3, hours_format)
        self.number_format(ws, 4, EURO_FORMAT)
        self.finish(ws, columns=4)
        self._totals(ws, effort, "partner", t("export.totaal_per_partner"), 6, hours_format)
        self._totals(ws, effort, "stap", t("export.totaal_per_stap"), 10, hours_format)
        self.rows[ws.title] = end

    def _totals(self, ws: Any, effort: list[dict[str, Any]], key: str, title: str, col: int, hours_format: str) -> None:
        """Write totals of hours and euros per ``key`` ("partner" or "stap") in columns ``col``…``col + 2``."""
        from openpyxl.styles import Font, PatternFill
        from openpyxl.utils import get_column_letter

        t = self.t
        sums: dict[Any, list[float]] = {}
        for r in effort:
            total = sums.setdefault(r[key], [0.0, 0.0])
            total[0] += float(r.get("uren") or 0)
            total[1] += float(r.get("euro") or 0)
        rows = [[title, t("export.kol_uren"), t("export.kol_euro")]]
        rows += [
            [str(k) if key == "partner" else t("export.stap_n", n=k), _num(h), _num(e)] for k, (h, e) in sums.items()
        ]
        rows.append([t("export.kol_totaal"), _num(sum(v[0] for v in sums.values())),
                     _num(sum(v[1] for v in sums.values()))])
        for n, values in enumerate(rows, start=1):
            for m, value in enumerate(values):
                cell = ws.cell(row=n, column=col + m)
                if isinstance(value, str):
                    cell.value, cell.data_type = clean(value), "s"
                else:
                    cell.value = value
                    cell.number_format = hours_format if m == 1 else EURO_FORMAT
                if n == 1 or n == len(rows):
                    cell.font = Font(bold=True)
                if n == 1:
                    cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        ws.column_dimensions[get_column_letter(col)].width = 28
        ws.column_dimensions[get_column_letter(col + 1)].width = 10
        ws.column_dimensions[get_column_letter(col + 2)].width = 13

    def about_sheet(self) -> None:
        b, t = self.bundle, self.t
        ws = self.sheet(t("export.blad_over"), [t("export.kol_veld"), t("export.kol_waarde")], [22, 100])
        rows: list[tuple[str, str]] = [
            (t("export.veld_titel"), b.case.title),
            (t("export.veld_wat"), b.label),
            (t("export.veld_werkruimte"), b.workspace or ""),
            (t("export.veld_datum"), b.date_text()),
            (t("export.partners"), "; ".join(p.label() for p in b.partners)),
            (t("export.veld_sector"), b.sector_region()),
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
        self.value_proposition_sheet()
        self.roadmap_sheets()
        self.about_sheet()
        props = self.wb.properties
        props.title = self.bundle.case.title[:250]
        props.creator = t("export.werkboek")
        props.language = "en-GB" if self.bundle.lang == "en" else "nl-NL"
        out = io.BytesIO()
        self.wb.save(out)
        return out.getvalue()


def _num(value: Any) -> int | float:
    """Return hours or euros as a number cell value: whole numbers as ``int``."""
    number = float(value or 0)
    return int(number) if number.is_integer() else number


def workbook_xlsx(bundle: ExportBundle) -> bytes:
    """Return ``bundle`` as an Excel workbook (.xlsx): one sheet per part (see the module docstring)."""
    return _Writer(bundle).build()
