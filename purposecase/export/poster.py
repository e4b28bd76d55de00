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

Optional pages follow with the value propositions and the Impact Roadmap
(tables), when the bundle holds them. Fonts: DejaVu Sans, embedded
(:mod:`purposecase.export.fonts`), so Dutch characters (ĳ, ë, ï, €) render.
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
    """Escape user text for reportlab's paragraph markup; newlines become line breaks."""
    return escape(text).replace("\n", "<br/>")


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


def _head_paragraphs(piece: Piece, styles: _Styles, t: Translator, *, suffix: str = "") -> list[Any]:
    from reportlab.platypus import Paragraph

    name = escape(piece.name(t.lang).upper() + suffix)
    return [
        Paragraph(f'<font color="{piece.colour}">{name}</font>', styles.name),
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
            boxes.append(_Box(piece, x, width, _head_paragraphs(piece, styles, self.t), body))
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
            bits += [x for x in (b.case.sector, b.case.region) if x]
            bits.append(b.date_text())
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
        out: list[Any] = [Paragraph(escape(heading), h1)]
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
            table = Table(data, colWidths=[width * w / sum(weights) for w in weights], repeatRows=1)
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
        if self.include_value_propositions:
            sections = b.value_proposition_sections()
            if sections:
                label = t("export.waardeproposities")
                self._flow(c, self._section_flowables(label, sections), columns=1, label=label)
        if self.include_roadmap:
            sections = b.roadmap_sections()
            if sections:
                label = t("export.roadmap")
                self._flow(c, self._section_flowables(label, sections), columns=1, label=label)
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
