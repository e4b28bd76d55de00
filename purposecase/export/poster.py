"""The poster: a Purpose Case as an A3 landscape PDF in the canvas layout (reportlab).

Page 1 is the canvas: the eleven pieces in the grid of
:mod:`purposecase.pieces` (same positions, same colours as on screen), under a
header with the title, what the case is, the workspace, the partners and the
date. Texts are never cut off:

1. one body size for the whole canvas is chosen, as large as fits (from
   :data:`MAX_SIZE` down to :data:`MIN_SIZE` points), with row heights
   following their contents;
2. if even :data:`MIN_SIZE` does not fit, each box shows the items that fit and
   the rest flows onto continuation pages ("vervolg"), piece by piece, in
   canvas order.

Each box shows the piece's agreement status (leeg / in bespreking / akkoord)
when the bundle has one (a shared case).

Optional pages follow, in the poster's design, when the bundle holds them:

- value propositions (step 4): per target group a band with the profile on the left
  and the value map on the right, the matching halves side by side (taken beside
  producten en diensten, pijnen beside pijnverzachters, voordelen beside
  voordeelverschaffers), importance as dots, what relieves or creates what under
  each entry, the fit in the band's heading (Osterwalder et al., 2014);
- the Impact Roadmap (step 5): a timeline (one row per step, a bar per owner in the
  owner's colour over the step's months, Dutch or English month names) and below it
  one card per step with what it needs, who, obstacles and yield;
- other parts (anything with ``export_sections``) as tables whose columns are at
  least as wide as their longest word (no "St/ap").

Fonts: DejaVu Sans, embedded (:mod:`purposecase.export.fonts`), so Dutch characters
(ĳ, ë, ï, €) render; emoji through Symbola or visibly named (:func:`fonts.fallback_markup`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from ..messages import Translator
from ..model import Item
from ..pieces import PIECES, Piece
from . import fonts
from .bundle import ExportBundle, Section

if TYPE_CHECKING:  # pragma: no cover
    from reportlab.pdfgen.canvas import Canvas

MM = 72 / 25.4
PAGE_WIDTH, PAGE_HEIGHT = 420 * MM, 297 * MM
"""A3 landscape, in points."""
MARGIN = 12 * MM
GAP = 6.0
"""Space between canvas boxes, in points."""
PAD = 6.0
"""Inner padding of a canvas box, in points."""
BAR = 5.0
"""Height of the coloured bar on top of each box, in points."""
MAX_SIZE = 13.0
MIN_SIZE = 6.5
"""Smallest body size on the canvas, in points; below it, text flows onto a next page."""
FLOW_SIZE = 9.0
"""Body size on continuation pages, in points."""
FOOTER_HEIGHT = 16.0
INK = "#1d2327"
MUTED = "#4a5761"
BOX_FILL = "#fbfaf8"
BOX_LINE = "#d9d4cc"


def _text(text: str) -> str:
    """Escape user text for reportlab's paragraph markup; newlines become line breaks; emoji stay visible."""
    return fonts.fallback_markup(escape(text)).replace("\n", "<br/>")


STATUS_MARK = {"leeg": "○", "in_bespreking": "◐", "akkoord": "✓"}
STATUS_COLOUR = {"leeg": MUTED, "in_bespreking": "#a57a00", "akkoord": "#2e7d4f"}


@dataclass
class _Styles:
    """Paragraph styles for one body size."""

    size: float
    name: Any
    question: Any
    item: Any
    impact: Any
    empty: Any


def _styles(size: float) -> _Styles:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.styles import ParagraphStyle

    family = fonts.register()
    base = ParagraphStyle("pc", fontName=family, fontSize=size, leading=size * 1.25, textColor=HexColor(INK))
    return _Styles(
        size=size,
        name=ParagraphStyle(
            "pc-name", parent=base, fontName=f"{family}-Bold", fontSize=size + 1.5, leading=(size + 1.5) * 1.2
        ),
        question=ParagraphStyle(
            "pc-question", parent=base, fontName=f"{family}-Oblique", fontSize=size - 1, leading=(size - 1) * 1.25,
            textColor=HexColor(MUTED), spaceAfter=size * 0.3,
        ),
        item=ParagraphStyle(
            "pc-item", parent=base, leftIndent=size * 0.9, bulletIndent=0, spaceAfter=size * 0.3,
        ),
        impact=ParagraphStyle(
            "pc-impact", parent=base, fontName=f"{family}-Bold", fontSize=size * 1.3, leading=size * 1.3 * 1.25,
            spaceAfter=size * 0.3,
        ),
        empty=ParagraphStyle("pc-empty", parent=base, fontName=f"{family}-Oblique", textColor=HexColor(MUTED)),
    )


def item_markup(item: Item, t: Translator) -> str:
    """Return one item as reportlab paragraph markup: bold partner label, text, kind in brackets (escaped)."""
    partner = f"<b>{_text(item.partner)}:</b> " if item.partner else ""
    kind = f' <font color="{MUTED}">({escape(t("soort." + item.kind))})</font>' if item.kind else ""
    return partner + _text(item.text) + kind


def _item_paragraphs(piece: Piece, items: list[Item], styles: _Styles, t: Translator) -> list[Any]:
    from reportlab.platypus import Paragraph

    if piece.key == "impact":
        return [Paragraph(item_markup(i, t), styles.impact) for i in items]
    return [Paragraph(item_markup(i, t), styles.item, bulletText="•") for i in items]


def _head_paragraphs(
    piece: Piece, styles: _Styles, t: Translator, *, suffix: str = "", status: str | None = None, narrow: bool = False
) -> list[Any]:
    from reportlab.platypus import Paragraph

    name = escape(piece.name(t.lang).upper() + suffix)
    badge = ""
    if status in STATUS_MARK:
        badge = (
            f'<font size="{styles.size}" color="{STATUS_COLOUR[status]}">  {STATUS_MARK[status]}'
            + ("" if narrow else " " + escape(t("export.status." + status))) + "</font>"
        )  # a narrow box shows the mark only; the header explains the marks
    return [
        Paragraph(f'<font color="{piece.colour}">{name}</font>{badge}', styles.name),
        Paragraph(escape(piece.question(t.lang)), styles.question),
    ]


def _share(needs: dict[int, float], room: float) -> dict[int, float]:
    """Divide ``room`` over rows: a row that needs less than an equal share gets what it needs (water filling)."""
    heights: dict[int, float] = {}
    pending = sorted(needs, key=lambda r: needs[r])
    while pending:
        fair = room / len(pending)
        row = pending.pop(0)
        heights[row] = min(needs[row], fair)
        room -= heights[row]
    return heights


def _height(flowables: list[Any], width: float) -> float:
    total = 0.0
    for i, f in enumerate(flowables):
        _, h = f.wrap(width, 1e6)
        total += h + (f.getSpaceAfter() if i < len(flowables) - 1 else 0)
    return total


@dataclass
class _Box:
    """One piece on the canvas: its grid cell in points and its flowables."""

    piece: Piece
    x: float
    width: float
    head: list[Any]
    body: list[Any]

    @property
    def inner(self) -> float:
        return self.width - 2 * PAD

    def need(self) -> float:
        return BAR + 2 * PAD + _height(self.head + self.body, self.inner)


class PosterBuilder:
    """Draws one poster; :func:`poster_pdf` is the public entry point.

    Args:
        bundle: what to draw.
        include_value_propositions: add the value-proposition pages when the bundle has them.
        include_roadmap: add the roadmap pages when the bundle has it.
    """

    def __init__(self, bundle: ExportBundle, *, include_value_propositions: bool = True, include_roadmap: bool = True):
        self.bundle = bundle
        self.t = Translator(bundle.lang)
        self.include_value_propositions = include_value_propositions
        self.include_roadmap = include_roadmap
        self.family = fonts.register()
        self.page = 0
        self.font_size = MAX_SIZE
        self.overflow: dict[str, list[Item]] = {}

    # ------------------------------------------------------------ helpers
    def _canvas_geometry(self, header_bottom: float) -> tuple[float, float, float]:
        """Return (x0, top, available height) of the canvas grid."""
        return MARGIN, header_bottom, header_bottom - (MARGIN + FOOTER_HEIGHT)

    def _columns(self) -> tuple[float, float]:
        width = PAGE_WIDTH - 2 * MARGIN
        return (width - 5 * GAP) / 6, width

    def _boxes(self, styles: _Styles) -> list[_Box]:
        column, _ = self._columns()
        boxes = []
        for piece in PIECES:
            area = piece.area
            x = MARGIN + (area.column - 1) * (column + GAP)
            width = area.column_span * column + (area.column_span - 1) * GAP
            items = list(self.bundle.case.items(piece.key))
            body = _item_paragraphs(piece, items, styles, self.t)
            if not items:
                from reportlab.platypus import Paragraph

                body = [Paragraph(escape(self.t("canvas.leeg")), styles.empty)]
            status = self.bundle.piece_status.get(piece.key)
            head = _head_paragraphs(piece, styles, self.t, status=status, narrow=area.column_span == 1)
            boxes.append(_Box(piece, x, width, head, body))
        return boxes

    def _row_needs(self, boxes: list[_Box]) -> dict[int, float]:
        needs: dict[int, float] = {}
        for box in boxes:
            row = box.piece.area.row
            needs[row] = max(needs.get(row, 0.0), box.need())
        return needs

    def _fit(self, available: float) -> tuple[_Styles, list[_Box], dict[int, float], bool]:
        """Return the largest body size whose rows fit ``available`` (binary search over half points)."""
        steps = [MAX_SIZE - 0.5 * i for i in range(int((MAX_SIZE - MIN_SIZE) / 0.5) + 1)]

        def attempt(size: float):
            styles = _styles(size)
            boxes = self._boxes(styles)
            needs = self._row_needs(boxes)
            return styles, boxes, needs, sum(needs.values()) + GAP * (len(needs) - 1) <= available

        lo, hi = 0, len(steps) - 1
        best = None
        while lo <= hi:
            mid = (lo + hi) // 2
            result = attempt(steps[mid])
            if result[3]:
                best, hi = result, mid - 1
            else:
                lo = mid + 1
        return best if best is not None else attempt(MIN_SIZE)

    # ------------------------------------------------------------ drawing
    def _header(self, c: Canvas, *, continued: str = "") -> float:
        """Draw the page header (``continued``: a short label for later pages); return the y below it."""
        from reportlab.lib.colors import HexColor
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.platypus import Paragraph

        b, t = self.bundle, self.t
        width = PAGE_WIDTH - 2 * MARGIN
        title_size = 24 if not continued else 16
        title = b.case.title + (f" — {continued}" if continued else "")
        title_style = ParagraphStyle(
            "pc-title", fontName=f"{self.family}-Bold", fontSize=title_size, leading=title_size * 1.15,
            textColor=HexColor(INK),
        )
        line_style = ParagraphStyle(
            "pc-line", fontName=self.family, fontSize=10, leading=13, textColor=HexColor(MUTED),
        )
        flowables = [Paragraph(_text(title), title_style)]
        if not continued:
            bits = [b.kind_text(t("export.purpose_case"))]
            if b.workspace and b.workspace != b.case.title:
                bits.append(b.workspace)
            bits += [x for x in (b.sector_region(),) if x]
            bits.append(b.date_text())
            if b.piece_status:
                bits.append("  ".join(f"{STATUS_MARK[k]} {t('export.status.' + k)}" for k in STATUS_MARK))
            flowables.append(Paragraph(_text(" · ".join(bits)), line_style))
            partners = self._partners_line()
            if partners:
                flowables.append(Paragraph(partners, line_style))
        y = PAGE_HEIGHT - MARGIN
        for f in flowables:
            _, h = f.wrap(width, PAGE_HEIGHT)
            f.drawOn(c, MARGIN, y - h)
            y -= h + 2
        c.setStrokeColor(HexColor(BOX_LINE))
        c.setLineWidth(0.6)
        c.line(MARGIN, y - 3, PAGE_WIDTH - MARGIN, y - 3)
        return y - 8

    def _partners_line(self) -> str:
        """Return the partners line (markup), or a pointer to the list when it would take more than two lines."""
        b, t = self.bundle, self.t
        if not b.partners:
            return ""
        names = ", ".join(p.label() for p in b.partners)
        text = f"<b>{escape(t('export.partners'))}:</b> {_text(names)}"
        if fonts.line_count(f"{t('export.partners')}: {names}", PAGE_WIDTH - 2 * MARGIN, 10) > 2:
            self.partners_overflow = True
            return f"<b>{escape(t('export.partners'))}:</b> " + escape(t("export.partners_verderop", n=len(b.partners)))
        return text

    def _footer(self, c: Canvas) -> None:
        from reportlab.lib.colors import HexColor

        b, t = self.bundle, self.t
        self.page += 1
        bits = [t("export.gemaakt", datum=b.date_text()), t("export.bron_instrument")]
        if b.case.source is not None:
            bits.append(t("export.bron_case", bron=b.case.source.citation()))
        c.setFont(self.family, 7)
        c.setFillColor(HexColor(MUTED))
        text = " · ".join(bits)
        # the footer is one line; shrink rather than run off the page
        size = 7.0
        while size > 4 and fonts.text_width(text, size) > PAGE_WIDTH - 2 * MARGIN - 60:
            size -= 0.5
        c.setFont(self.family, size)
        c.drawString(MARGIN, MARGIN, text)
        c.setFont(self.family, 7)
        c.drawRightString(PAGE_WIDTH - MARGIN, MARGIN, t("export.pagina", n=self.page))

    def _draw_box(self, c: Canvas, box: _Box, top: float, height: float) -> list[Item]:
        """Draw one box; return the items that did not fit (they flow to a continuation page)."""
        from reportlab.lib.colors import HexColor
        from reportlab.platypus import Frame

        piece = box.piece
        c.setFillColor(HexColor(BOX_FILL))
        c.setStrokeColor(HexColor(BOX_LINE))
        c.setLineWidth(0.6)
        c.roundRect(box.x, top - height, box.width, height, 4, stroke=1, fill=1)
        c.setFillColor(HexColor(piece.colour))
        c.rect(box.x, top - BAR, box.width, BAR, stroke=0, fill=1)
        fits = box.need() <= height + 0.01
        # when not everything fits, keep a line free at the bottom for the "more on the next page" note
        note_height = 0.0 if fits else self.font_size * 1.4
        frame = Frame(
            box.x + PAD, top - height + PAD, box.inner, height - BAR - 2 * PAD,
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=note_height, showBoundary=0,
        )
        for f in box.head:
            frame.add(f, c)
        items = list(self.bundle.case.items(piece.key))
        rest: list[Item] = []
        for n, f in enumerate(box.body):
            # never split an item inside a box: what does not fit moves on whole, with all after it
            if not frame.add(f, c):
                rest = items[n:]
                break
        if rest:
            c.setFont(f"{self.family}-Oblique", self.font_size - 0.5)
            c.setFillColor(HexColor(MUTED))
            c.drawString(box.x + PAD, top - height + PAD + 1, self.t("export.meer_verderop", n=len(rest)))
        return rest

    def _draw_canvas_page(self, c: Canvas) -> None:
        top = self._header(c)
        _, y_top, available = self._canvas_geometry(top)
        styles, boxes, needs, fits = self._fit(available)
        self.font_size = styles.size
        rows = sorted(needs)
        if fits:
            spare = available - sum(needs.values()) - GAP * (len(rows) - 1)
            total = sum(needs.values()) or 1.0
            heights = {r: needs[r] + spare * needs[r] / total for r in rows}
        else:
            heights = _share(needs, available - GAP * (len(rows) - 1))
        tops, y = {}, y_top
        for r in rows:
            tops[r] = y
            y -= heights[r] + GAP
        for box in boxes:
            area = box.piece.area
            height = sum(heights[r] for r in range(area.row, area.row + area.row_span)) + GAP * (area.row_span - 1)
            rest = self._draw_box(c, box, tops[area.row], height)
            if rest:
                self.overflow[box.piece.key] = rest
        self._footer(c)

    def _flow(self, c: Canvas, flowables: list[Any], *, columns: int, label: str) -> None:
        """Lay ``flowables`` out over as many pages as they need, ``columns`` frames per page."""
        from reportlab.platypus import Frame

        while flowables:
            c.showPage()
            top = self._header(c, continued=label)
            width = PAGE_WIDTH - 2 * MARGIN
            col = (width - (columns - 1) * 14) / columns
            bottom = MARGIN + FOOTER_HEIGHT
            frames = [
                Frame(MARGIN + i * (col + 14), bottom, col, top - bottom, leftPadding=0, rightPadding=0,
                      topPadding=0, bottomPadding=0)
                for i in range(columns)
            ]
            for frame in frames:
                while flowables:
                    f = flowables[0]
                    if frame.add(f, c):
                        flowables.pop(0)
                        continue
                    if frame._atTop:  # taller than a whole frame: split it (only then)
                        parts = frame.split(f, c)
                        if parts:
                            flowables[0:1] = parts
                            continue
                        flowables.pop(0)  # cannot be placed at all; never loop forever
                        continue
                    break
            self._footer(c)

    def _continuation(self) -> list[Any]:
        """Return flowables for everything that did not fit on the canvas page."""
        from reportlab.platypus import KeepTogether, Paragraph, Spacer

        styles = _styles(FLOW_SIZE)
        out: list[Any] = []
        b, t = self.bundle, self.t
        if getattr(self, "partners_overflow", False):
            out.append(Paragraph(f"<b>{escape(t('export.partners'))}</b>", styles.name))
            out += [Paragraph(_text(p.label()), styles.item, bulletText="•") for p in b.partners]
            out.append(Spacer(1, FLOW_SIZE))
        for piece in PIECES:
            rest = self.overflow.get(piece.key)
            if not rest:
                continue
            head = _head_paragraphs(piece, styles, t, suffix=f" ({t('export.vervolg')})")
            body = [Paragraph(item_markup(i, t), styles.item, bulletText="•") for i in rest]
            # a heading never stays behind alone at the foot of a column
            out += [KeepTogether([*head, body[0]]), *body[1:], Spacer(1, FLOW_SIZE)]
        return out

    def _section_flowables(self, heading: str, sections: list[Section]) -> list[Any]:
        from reportlab.lib.colors import HexColor
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

        styles = _styles(FLOW_SIZE)
        h1 = ParagraphStyle("pc-h1", fontName=f"{self.family}-Bold", fontSize=18, leading=22, spaceAfter=8)
        h2 = ParagraphStyle("pc-h2", fontName=f"{self.family}-Bold", fontSize=13, leading=16, spaceAfter=4)
        cell = ParagraphStyle("pc-cell", fontName=self.family, fontSize=FLOW_SIZE, leading=FLOW_SIZE * 1.25)
        head = ParagraphStyle("pc-th", parent=cell, fontName=f"{self.family}-Bold")
        out: list[Any] = [Paragraph(escape(heading), h1)] if heading else []
        width = PAGE_WIDTH - 2 * MARGIN
        for section in sections:
            out.append(Paragraph(_text(section.title), h2))
            if section.intro:
                out.append(Paragraph(_text(section.intro), styles.question))
            n = max(1, len(section.columns))
            data = [[Paragraph(_text(c), head) for c in section.columns]]
            data += [[Paragraph(_text(v), cell) for v in row] for row in section.rows]
            # columns as wide as their longest text suggests (a step number needs less than a description)
            longest = [
                max([len(section.columns[i]) if i < len(section.columns) else 0]
                    + [len(r[i]) for r in section.rows if i < len(r)])
                for i in range(n)
            ]
            weights = [min(60, max(8, size)) for size in longest]
            table = Table(data, colWidths=_column_widths(section, weights, width, FLOW_SIZE), repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("BACKGROUND", (0, 0), (-1, 0), HexColor("#f1eee9")),
                        ("GRID", (0, 0), (-1, -1), 0.5, HexColor(BOX_LINE)),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            out += [table, Spacer(1, 12)]
        return out

    def _cell_styles(self) -> dict[str, Any]:
        from reportlab.lib.colors import HexColor
        from reportlab.lib.styles import ParagraphStyle

        f = self.family
        body = ParagraphStyle("pc-b", fontName=f, fontSize=9.5, leading=12, textColor=HexColor(INK), spaceAfter=3)
        return {
            "h1": ParagraphStyle("pc-h1", fontName=f"{f}-Bold", fontSize=18, leading=22, spaceAfter=6),
            "h2": ParagraphStyle("pc-h2", fontName=f"{f}-Bold", fontSize=14, leading=17, textColor=HexColor(INK)),
            "fit": ParagraphStyle("pc-fit", fontName=f, fontSize=9.5, leading=12, textColor=HexColor(MUTED)),
            "half": ParagraphStyle("pc-half", fontName=f"{f}-Bold", fontSize=11, leading=13,
                                   textColor=HexColor("#ffffff")),
            "sub": ParagraphStyle("pc-sub", fontName=f"{f}-Bold", fontSize=10.5, leading=13, spaceAfter=3),
            "item": ParagraphStyle("pc-it", parent=body, leftIndent=9, bulletIndent=0),
            "link": ParagraphStyle("pc-link", parent=body, fontName=f"{f}-Oblique", fontSize=8.5, leading=10.5,
                                   textColor=HexColor(MUTED), leftIndent=9, spaceAfter=4),
            "body": body,
            "small": ParagraphStyle("pc-small", parent=body, fontSize=8.5, leading=10.5, spaceAfter=2),
            "note": ParagraphStyle("pc-note", fontName=f"{f}-Oblique", fontSize=8, leading=10,
                                   textColor=HexColor(MUTED)),
        }

    def _value_proposition_flowables(self, parts: list[Any]) -> list[Any]:
        """Return one band per target group: profile and value map side by side (see the module docstring)."""
        from reportlab.lib.colors import HexColor
        from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

        from ..pieces import get_piece
        from ..valueprop import fit
        from .parts import ValuePropositionPart, _percent

        t = self.t
        st = self._cell_styles()
        width = PAGE_WIDTH - 2 * MARGIN
        profile_colour, map_colour = get_piece("doelgroepen").colour, get_piece("waarde").colour
        out: list[Any] = []
        for part in parts:
            if not isinstance(part, ValuePropositionPart):
                out += self._section_flowables("", part.export_sections(t.lang))
                continue
            vp = part.proposition
            f = fit(vp)
            pains = {p.id: p.text for p in vp.pijnen}
            gains = {g.id: g.text for g in vp.voordelen}

            def block(section: str, colour: str, entries: list[Any]) -> list[Any]:
                cell = [Paragraph(f'<font color="{colour}">{escape(t("vp.sectie." + section))}</font>', st["sub"])]
                if not entries:
                    cell.append(Paragraph(escape(t("vp.nog_niets")), st["note"]))
                cell += entries
                return cell

            def profile(section: str, vp: Any = vp) -> list[Any]:
                entries: list[Any] = []
                for item in vp.ranked(section):
                    dots = f'<font color="{profile_colour}">{_dots(str(item.belang))}</font> '
                    kind = f' <font color="{MUTED}">({escape(t("vp.soort." + item.soort))})</font>' \
                        if section == "taken" else ""
                    entries.append(Paragraph(dots + _text(item.text) + kind, st["item"], bulletText="•"))
                    if section == "pijnen":
                        by = [r.text for r in vp.pijnverzachters if item.id in r.verzacht]
                        by_text = "; ".join(by) or t("export.vp_niet_verzacht")
                        entries.append(Paragraph("↳ " + _text(by_text), st["link"]))
                    elif section == "voordelen":
                        by = [c.text for c in vp.voordeelverschaffers if item.id in c.creeert]
                        by_text = "; ".join(by) or t("export.vp_niet_gecreeerd")
                        entries.append(Paragraph("↳ " + _text(by_text), st["link"]))
                return block(section, profile_colour, entries)

            def value_map(section: str, vp: Any = vp, pains: Any = pains, gains: Any = gains) -> list[Any]:
                entries: list[Any] = []
                for item in vp.items(section):
                    entries.append(Paragraph(_text(item.text), st["item"], bulletText="•"))
                    if section == "pijnverzachters":
                        to = [pains[i] for i in item.verzacht if i in pains]
                        to_text = "; ".join(to) or t("vp.verzacht_niets")
                        entries.append(Paragraph("↳ " + _text(to_text), st["link"]))
                    elif section == "voordeelverschaffers":
                        to = [gains[i] for i in item.creeert if i in gains]
                        to_text = "; ".join(to) or t("vp.creeert_niets")
                        entries.append(Paragraph("↳ " + _text(to_text), st["link"]))
                return block(section, map_colour, entries)

            intro = t("export.vp_fit", totaal=_percent(f.share, t), pijnen=_percent(f.pain_share, t),
                      voordelen=_percent(f.gain_share, t))
            if vp.orphaned:
                intro = t("export.vp_verweesd") + " " + intro
            head = [Paragraph(_text(part.label(t)), st["h2"]), Paragraph(_text(intro), st["fit"])]
            data = [
                [head, ""],
                [Paragraph(escape(t("export.kol_profiel").upper()), st["half"]),
                 Paragraph(escape(t("export.kol_waardekaart").upper()), st["half"])],
                [profile("taken"), value_map("producten")],
                [profile("pijnen"), value_map("pijnverzachters")],
                [profile("voordelen"), value_map("voordeelverschaffers")],
            ]
            table = Table(data, colWidths=[width / 2, width / 2], splitInRow=1, repeatRows=2)
            table.setStyle(TableStyle([
                ("SPAN", (0, 0), (1, 0)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 1), (0, 1), HexColor(profile_colour)),
                ("BACKGROUND", (1, 1), (1, 1), HexColor(map_colour)),
                ("BACKGROUND", (0, 2), (-1, -1), HexColor(BOX_FILL)),
                ("LINEBELOW", (0, 2), (-1, -2), 0.5, HexColor(BOX_LINE)),
                ("LINEAFTER", (0, 1), (0, -1), 1.5, HexColor("#ffffff")),
                ("BOX", (0, 1), (-1, -1), 0.6, HexColor(BOX_LINE)),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 1), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 6),
                ("LEFTPADDING", (0, 0), (-1, 0), 0),
            ]))
            out += [table, Spacer(1, 16)]
        out.append(Paragraph(_text(t("vp.bron")), st["note"]))
        return out

    def _roadmap_flowables(self, part: Any) -> list[Any]:
        """Return the roadmap as a timeline with owners, one card per step and the effort per partner."""
        from reportlab.lib.colors import HexColor
        from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

        from ..figures import OWNER_PALETTE, period_text
        from ..pieces import get_piece

        t = self.t
        st = self._cell_styles()
        width = PAGE_WIDTH - 2 * MARGIN
        steps = list(part.steps)
        owners = list(dict.fromkeys(o for s in steps for o in _owners(s.get("eigenaren", ""))))
        colours = {o: OWNER_PALETTE[i % len(OWNER_PALETTE)] for i, o in enumerate(owners)}
        out: list[Any] = [_Timeline(steps, colours, t, self.family, width).flowable()]
        out.append(Spacer(1, 14))
        accent = get_piece("gezamenlijke_ambitie").colour
        cards = []
        for n, s in enumerate(steps, start=1):
            who = _owners(s.get("eigenaren", ""))
            who_markup = ", ".join(
                f'<font color="{colours.get(o, NO_OWNER)}">■</font> {_text(o)}' for o in who
            ) or f'<i>{escape(t("export.geen_eigenaar"))}</i>'
            card = [
                Paragraph(f'<font color="{accent}">{escape(t("export.stap_n", n=s.get("stap", n)).upper())}</font>',
                          st["sub"]),
                Paragraph(f"<b>{_text(s.get('wat') or '…')}</b>", st["body"]),
                Paragraph(f"<b>{escape(t('export.kol_wie'))}:</b> {who_markup}", st["small"]),
            ]
            period = period_text(s.get("start"), s.get("eind"), t.lang)
            if period:
                card.append(Paragraph(f"<b>{escape(t('export.kol_periode'))}:</b> {escape(period)}", st["small"]))
            effort = []
            if s.get("uren"):
                effort.append(f"{_number_text(s['uren'], t.lang)} {escape(t('export.kol_uren').lower())}")
            if s.get("euro"):
                effort.append(f"€ {_number_text(s['euro'], t.lang)}")
            for key, label in (("skills", "kol_skills"), ("middelen", "kol_middelen")):
                if s.get(key):
                    card.append(Paragraph(f"<b>{escape(t('export.' + label))}:</b> {_text(s[key])}", st["small"]))
            if effort:
                card.append(Paragraph(f"<b>{escape(t('export.blad_inzet'))}:</b> " + " · ".join(effort), st["small"]))
            for key, label in (("belemmeringen", "kol_belemmeringen"), ("opbrengst", "kol_opbrengst")):
                if s.get(key):
                    card.append(Paragraph(f"<b>{escape(t('export.' + label))}:</b> {_text(s[key])}", st["small"]))
            cards.append(card)
        per_row = min(6, max(1, len(cards)))
        rows = [cards[i: i + per_row] + [""] * (per_row - len(cards[i: i + per_row]))
                for i in range(0, len(cards), per_row)]
        gap = 8
        table = Table(rows, colWidths=[width / per_row] * per_row, splitInRow=1)
        style = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 7),
                 ("RIGHTPADDING", (0, 0), (-1, -1), 7 + gap / 2), ("TOPPADDING", (0, 0), (-1, -1), 6)]
        for r, row in enumerate(rows):
            for c, card in enumerate(row):
                if card:
                    style += [("BACKGROUND", (c, r), (c, r), HexColor(BOX_FILL)),
                              ("LINEABOVE", (c, r), (c, r), 3, HexColor(accent)),
                              ("LINEAFTER", (c, r), (c, r), gap, HexColor("#ffffff"))]
        table.setStyle(TableStyle(style))
        out += [table, Spacer(1, 14)]
        effort_rows = [r for r in part.effort if r.get("uren") or r.get("euro")]
        if effort_rows:
            totals: dict[str, list[float]] = {}
            for r in effort_rows:
                total = totals.setdefault(str(r["partner"]), [0.0, 0.0])
                total[0] += float(r.get("uren") or 0)
                total[1] += float(r.get("euro") or 0)
            head = [t("export.kol_partner"), t("export.kol_uren"), t("export.kol_euro")]
            data = [[Paragraph(f"<b>{escape(h)}</b>", st["small"]) for h in head]]
            for name, (hours, euros) in [*totals.items(),
                                         (t("export.kol_totaal"), [sum(v[0] for v in totals.values()),
                                                                   sum(v[1] for v in totals.values())])]:
                data.append([Paragraph(_text(name), st["small"]),
                             Paragraph(_number_text(hours, t.lang), st["small"]),
                             Paragraph("€ " + _number_text(euros, t.lang), st["small"])])
            effort_table = Table(data, colWidths=[200, 80, 100], hAlign="LEFT")
            effort_table.setStyle(TableStyle([
                ("BACKGROUND", (0, 0), (-1, 0), HexColor("#f1eee9")),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, HexColor(BOX_LINE)),
                ("LINEABOVE", (0, -1), (-1, -1), 1, HexColor(INK)),
            ]))
            out += [Paragraph(escape(t("export.totaal_per_partner")), st["sub"]), effort_table]
        return out

    def build(self) -> bytes:
        """Draw every page and return the PDF."""
        from reportlab.pdfgen.canvas import Canvas

        b, t = self.bundle, self.t
        buffer = io.BytesIO()
        c = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1, pageCompression=1)
        c.setTitle(b.case.title)
        c.setSubject(b.kind_text(t("export.purpose_case")))
        c.setAuthor(b.workspace or t("export.werkboek"))
        c.setCreator(t("export.werkboek"))
        self._draw_canvas_page(c)
        rest = self._continuation()
        if rest:
            self._flow(c, rest, columns=3, label=t("export.vervolg"))
        from .parts import RoadmapPart, ValuePropositionPart

        if self.include_value_propositions and b.value_propositions:
            label = t("export.waardeproposities")
            if any(isinstance(p, ValuePropositionPart) for p in b.value_propositions):
                self._flow(c, self._value_proposition_flowables(list(b.value_propositions)), columns=1, label=label)
            else:
                self._flow(c, self._section_flowables(label, b.value_proposition_sections()), columns=1, label=label)
        if self.include_roadmap and b.roadmap is not None:
            label = t("export.roadmap")
            if isinstance(b.roadmap, RoadmapPart) and b.roadmap.steps:
                self._flow(c, self._roadmap_flowables(b.roadmap), columns=1, label=label)
            elif b.roadmap_sections():
                self._flow(c, self._section_flowables(label, b.roadmap_sections()), columns=1, label=label)
        c.showPage()
        c.save()
        return buffer.getvalue()


def poster_pdf(bundle: ExportBundle, *, value_propositions: bool = True, roadmap: bool = True) -> bytes:
    """Return the poster of ``bundle`` as an A3 landscape PDF.

    Args:
        bundle: the case and its context.
        value_propositions: add pages with the value propositions (step 4) when the bundle has them.
        roadmap: add pages with the Impact Roadmap (step 5) when the bundle has it.

    Returns:
        The PDF file's bytes (DejaVu Sans embedded; page 1 is the canvas).

    Raises:
        purposecase.export.fonts.FontMissing: if DejaVu Sans cannot be found.
    """
    return PosterBuilder(bundle, include_value_propositions=value_propositions, include_roadmap=roadmap).build()

# ------------------------------------------------------------ pages 2–3 in the poster's design
def _owners(text: str) -> list[str]:
    """Split a roadmap step's owners (names joined by ", ")."""
    return [name.strip() for name in (text or "").split(", ") if name.strip()]


def _number_text(value: float, lang: str) -> str:
    from ..figures import format_number

    return format_number(value, lang, 1 if not float(value).is_integer() else 0)


class _Timeline:
    """A flowable: the roadmap's steps as rows on a month axis, one bar per owner (owner colours)."""

    ROW = 24.0
    AXIS = 22.0
    LEGEND = 20.0

    def __init__(self, steps: list[dict[str, Any]], colours: dict[str, str], t: Translator, family: str,
                 width: float):
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.platypus import Paragraph

        self.steps, self.colours, self.t, self.family = steps, colours, t, family
        self.label_width = width * 0.32
        style = ParagraphStyle("pc-tl", fontName=family, fontSize=9.5, leading=11.5)
        self.labels = [
            Paragraph(f"<b>{s.get('stap', n)}.</b> " + _text(s.get("wat") or "…"), style)
            for n, s in enumerate(steps, start=1)
        ]
        self.heights = [
            max(self.ROW, 16 * len(_owners(s.get("eigenaren", ""))) + 8, p.wrap(self.label_width - 8, 1e6)[1] + 8)
            for p, s in zip(self.labels, steps, strict=True)
        ]
        months = [m for s in steps for m in (s.get("start"), s.get("eind")) if m]
        self.span = (min(months), max(months)) if months else None
        self.width = width

    def flowable(self) -> Any:
        """Return a reportlab Flowable that draws the timeline."""
        from reportlab.platypus import Flowable

        outer = self

        class Drawing(Flowable):
            def wrap(self, available_width, available_height):
                return outer.width, outer.AXIS + sum(outer.heights) + outer.LEGEND + 6

            def draw(self):
                outer.draw(self.canv, self.wrap(0, 0)[1])

        return Drawing()

    def draw(self, c: Any, height: float) -> None:
        from reportlab.lib.colors import HexColor

        from ..figures import month_ticks

        t, lang = self.t, self.t.lang
        x0 = self.label_width
        area = self.width - x0
        top = height - self.AXIS
        if self.span is None:
            months: list[str] = []
        else:
            y, m = (int(v) for v in self.span[0].split("-"))
            y2, m2 = (int(v) for v in self.span[1].split("-"))
            months = []
            while (y, m) <= (y2, m2):
                months.append(f"{y:04d}-{m:02d}")
                y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        slot = area / max(1, len(months))
        index = {m: i for i, m in enumerate(months)}
        # month grid and labels (the figure's Dutch/English ticks)
        if months:
            vals, texts = month_ticks(months[0], months[-1], lang, most=24)
            c.setFont(self.family, 8.5)
            for val, text in zip(vals, texts, strict=True):
                x = x0 + index[val[:7]] * slot
                c.setStrokeColor(HexColor("#e6e2dc"))
                c.setLineWidth(0.5)
                c.line(x, top, x, top - sum(self.heights))
                c.setFillColor(HexColor(MUTED))
                c.drawString(x + 2, top + 7, text)
        y = top
        for step, label, h in zip(self.steps, self.labels, self.heights, strict=True):
            c.setStrokeColor(HexColor(BOX_LINE))
            c.setLineWidth(0.4)
            c.line(0, y - h, self.width, y - h)
            label.wrap(x0 - 8, h)
            label.drawOn(c, 0, y - h + (h - label.height) / 2)
            first, last = step.get("start") or step.get("eind"), step.get("eind") or step.get("start")
            owners = _owners(step.get("eigenaren", ""))
            if first and first in index and last in index:
                left = x0 + index[first] * slot + 1
                right = x0 + (index[last] + 1) * slot - 1
                names = owners or [""]
                band = (h - 8) / len(names)
                for i, name in enumerate(names):
                    colour = self.colours.get(name, NO_OWNER)
                    c.setFillColor(HexColor(colour))
                    c.roundRect(left, y - 4 - (i + 1) * band + 1, right - left, band - 2, 2, stroke=0, fill=1)
                    c.setFillColor(HexColor("#ffffff"))
                    size = min(9.0, band - 5)
                    text = name or t("export.geen_eigenaar")
                    if size >= 6 and fonts.text_width(text, size) < right - left - 6:
                        c.setFont(self.family, size)
                        c.drawString(left + 4, y - 4 - (i + 1) * band + (band - size) / 2 + 1.5, text)
            else:
                c.setFont(f"{self.family}-Oblique", 8.5)
                c.setFillColor(HexColor(MUTED))
                who = ", ".join(owners) or t("export.geen_eigenaar")
                c.drawString(x0 + 4, y - h / 2 - 3, f"{t('export.geen_periode')} · {who}")
            y -= h
        # legend: owners in their colours
        x = 0.0
        c.setFont(self.family, 9)
        for name, colour in self.colours.items():
            c.setFillColor(HexColor(colour))
            c.rect(x, y - self.LEGEND + 4, 10, 10, stroke=0, fill=1)
            c.setFillColor(HexColor(INK))
            c.drawString(x + 14, y - self.LEGEND + 5.5, name)
            x += 24 + fonts.text_width(name, 9)


NO_OWNER = "#9aa3a9"


def _dots(importance: str) -> str:
    """Return importance 1–5 as five dots, e.g. ``"●●●○○"``."""
    n = int(importance) if str(importance).isdigit() else 0
    return "●" * n + "○" * (5 - n) if n else ""


def _column_widths(section: Section, weights: list[int], width: float, size: float, pad: float = 12.0) -> list[float]:
    """Return column widths for a table: each at least its longest word wide (headers bold), the rest by weight.

    A header such as "Stap" never breaks inside a word ("St/ap", issue 18). ``pad`` is a
    cell's left plus right padding in points.
    """
    floors = []
    for i in range(len(weights)):
        words = (section.columns[i].split() if i < len(section.columns) else [])
        longest = max([fonts.text_width(w, size, bold=True) for w in words] or [0.0])
        cells = [w for r in section.rows if i < len(r) for w in r[i].split()]
        longest = max([longest, *[fonts.text_width(w, size) for w in cells]])
        floors.append(min(longest + pad, width / 3))
    room = width - sum(floors)
    if room <= 0:
        return [width * f / sum(floors) for f in floors]
    total = sum(weights)
    widths = [max(f, width * w / total) for f, w in zip(floors, weights, strict=True)]
    # scale what is above the floor so the table is exactly ``width`` wide
    above = sum(w - f for w, f in zip(widths, floors, strict=True))
    extra = width - sum(floors)
    return [f + (w - f) * extra / above if above else f + extra / len(widths)
            for w, f in zip(widths, floors, strict=True)]
