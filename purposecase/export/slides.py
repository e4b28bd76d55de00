"""The slide deck: a Purpose Case as PowerPoint (python-pptx), 16:9.

Slides, in order:

1. title slide: title, what the case is, workspace, partners, date;
2. the canvas: the eleven pieces in the grid of :mod:`purposecase.pieces`, same
   colours, each with its agreement status when the bundle has one; text as large
   as fits (from :data:`CANVAS_MAX` down to :data:`CANVAS_MIN` pt). Where a piece
   holds more than fits even then, the box shows the first items and says how
   many more follow on the piece's own slide; the slide's notes hold every item;
3. one slide per piece (question and every item; a long piece continues on a
   next slide rather than shrinking below :data:`PIECE_MIN` pt);
4. one slide per figure the bundle holds (roadmap timeline, give and take),
   rendered to PNG by kaleido (:mod:`purposecase.export.images`);
5. tables for the value propositions and the Impact Roadmap, when present.

Every text run on every slide is at least :data:`MIN_RUN` pt (12 pt: readable on a
projector; issue 18); what does not fit at that size moves to the next slide or to
the notes. Figures are drawn with :data:`FIGURE_FONT` px text at a width that prints
it at about 13 pt. Text is measured with DejaVu Sans metrics
(:func:`purposecase.export.fonts.line_count`); PowerPoint's theme font is no wider, so
what fits here fits there.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..messages import Translator
from ..model import Item
from ..pieces import PIECES, Piece
from . import fonts
from .bundle import ExportBundle, Section

if TYPE_CHECKING:  # pragma: no cover
    from pptx.slide import Slide

SLIDE_W_IN, SLIDE_H_IN = 13.333, 7.5
MIN_RUN = 12.0
"""Smallest text size on any slide, in points."""
CANVAS_MAX, CANVAS_MIN = 14.0, MIN_RUN
FIGURE_FONT = 18
"""Text size of figures on slides, in CSS pixels (rendered 1200 px wide on a 12.3 inch picture ≈ 13 pt)."""
PIECE_MAX, PIECE_MIN = 20.0, 12.0
INK = "1D2327"
MUTED = "4A5761"
BOX_FILL = "FBFAF8"
BOX_LINE = "D9D4CC"
PT_PER_IN = 72.0


@dataclass(frozen=True)
class _Run:
    text: str
    bold: bool = False
    italic: bool = False
    colour: str = INK
    size: float = 12.0


STATUS_MARK = {"leeg": "○", "in_bespreking": "◐", "akkoord": "✓"}
"""Mark before a piece's agreement status (DejaVu Sans has these glyphs)."""


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()


def item_label(item: Item, t: Translator) -> str:
    """Return an item as plain text: ``"partner: text (kind)"``."""
    kind = f" ({t('soort.' + item.kind)})" if item.kind else ""
    return (f"{item.partner}: " if item.partner else "") + item.text + kind


def _item_runs(item: Item, t: Translator, size: float, bullet: bool = True) -> list[_Run]:
    runs = [_Run("• ", size=size)] if bullet else []
    if item.partner:
        runs.append(_Run(f"{item.partner}: ", bold=True, size=size))
    runs.append(_Run(item.text, size=size))
    if item.kind:
        runs.append(_Run(f" ({t('soort.' + item.kind)})", colour=MUTED, size=size))
    return runs


class SlideBuilder:
    """Builds one deck; :func:`slides_pptx` is the public entry point."""

    def __init__(self, bundle: ExportBundle):
        from pptx import Presentation
        from pptx.util import Inches

        self.bundle = bundle
        self.t = Translator(bundle.lang)
        self.prs = Presentation()
        self.prs.slide_width = Inches(SLIDE_W_IN)
        self.prs.slide_height = Inches(SLIDE_H_IN)
        self.blank = self.prs.slide_layouts[6]
        self.piece_slide: dict[str, int] = {}

    # ---------------------------------------------------------- drawing
    def _slide(self) -> Slide:
        return self.prs.slides.add_slide(self.blank)

    def _text(
        self, slide: Slide, x: float, y: float, w: float, h: float, paragraphs: list[list[_Run]], *,
        space_after: float = 0.0, margin: float = 0.05, hanging: float = 0.0,
    ) -> Any:
        """Add a text box at (x, y) with size (w, h) in inches holding ``paragraphs`` of runs.

        ``hanging`` (points) indents the wrapped lines of bulleted paragraphs under their text.
        """
        from pptx.dml.color import RGBColor
        from pptx.enum.text import MSO_AUTO_SIZE
        from pptx.util import Inches, Pt

        box = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
        frame = box.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        frame.margin_left = frame.margin_right = Inches(margin)
        frame.margin_top = frame.margin_bottom = Inches(margin)
        for n, runs in enumerate(paragraphs):
            para = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
            if space_after:
                para.space_after = Pt(space_after)
            if hanging and runs and runs[0].text == "• ":
                ppr = para._p.get_or_add_pPr()
                ppr.set("marL", str(int(Pt(hanging))))
                ppr.set("indent", str(-int(Pt(hanging))))
            for run_spec in runs:
                lines = run_spec.text.split("\n")
                for i, line in enumerate(lines):
                    if i:
                        para.add_line_break()
                    run = para.add_run()
                    run.text = line
                    run.font.size = Pt(run_spec.size)
                    run.font.bold = run_spec.bold
                    run.font.italic = run_spec.italic
                    run.font.color.rgb = RGBColor.from_string(run_spec.colour)
        return box

    def _rect(self, slide: Slide, x: float, y: float, w: float, h: float, fill: str, line: str | None = None) -> None:
        from pptx.dml.color import RGBColor
        from pptx.enum.shapes import MSO_SHAPE
        from pptx.util import Inches, Pt

        shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(x), Inches(y), Inches(w), Inches(h))
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor.from_string(fill)
        if line:
            shape.line.color.rgb = RGBColor.from_string(line)
            shape.line.width = Pt(0.75)
        else:
            shape.line.fill.background()
        shape.shadow.inherit = False

    def _title(self, slide: Slide, text: str, colour: str = INK, subtitle: str = "") -> float:
        """Draw a slide title on one line (28 pt, down to 20 pt for a long one) and an optional subtitle.

        Returns:
            The y (inches) below them.
        """
        size = 28.0
        while size > 20 and fonts.text_width(text, size, bold=True) > (SLIDE_W_IN - 1.1) * PT_PER_IN:
            size -= 1
        self._text(slide, 0.5, 0.3, SLIDE_W_IN - 1.0, 0.7, [[_Run(text, bold=True, colour=colour, size=size)]])
        y = 1.0
        if subtitle:
            self._text(slide, 0.5, 0.95, SLIDE_W_IN - 1.0, 0.45, [[_Run(subtitle, italic=True, colour=MUTED, size=15)]])
            y = 1.45
        return y

    def _footer(self, slide: Slide, extra: str = "") -> None:
        b = self.bundle
        text = " · ".join(x for x in (b.case.title, b.label, b.date_text(), extra) if x)
        self._text(slide, 0.5, SLIDE_H_IN - 0.4, SLIDE_W_IN - 1.0, 0.3, [[_Run(text, colour=MUTED, size=MIN_RUN)]])

    # ------------------------------------------------------------ slides
    def title_slide(self) -> None:
        """Add the title slide."""
        b, t = self.bundle, self.t
        slide = self._slide()
        self._rect(slide, 0, 0, SLIDE_W_IN, 0.35, _hex(PIECES[0].colour))
        self._text(slide, 0.8, 1.6, SLIDE_W_IN - 1.6, 1.6, [[_Run(b.case.title, bold=True, size=40)]])
        lines = [b.kind_text(t("export.purpose_case"))]
        if b.workspace and b.workspace != b.case.title:
            lines.append(b.workspace)
        if b.sector_region():
            lines.append(b.sector_region())
        lines.append(b.date_text())
        paragraphs = [[_Run(line, colour=MUTED, size=20)] for line in lines]
        if b.partners:
            names = ", ".join(p.label() for p in b.partners)
            def too_tall(size: float) -> bool:
                return fonts.line_count(names, (SLIDE_W_IN - 1.6) * PT_PER_IN, size) * size * 1.2 > 1.9 * 72

            size = 16.0
            while size > MIN_RUN and too_tall(size):
                size -= 1
            if too_tall(size):
                self._notes(slide, [f"{t('export.partners')}:", *(p.label() for p in b.partners)])
                names = t("export.partners_in_notities", n=len(b.partners))
            paragraphs.append([_Run(f"{t('export.partners')}: ", bold=True, size=size), _Run(names, size=size)])
        self._text(slide, 0.8, 3.3, SLIDE_W_IN - 1.6, 3.8, paragraphs, space_after=6)
        if b.case.source is not None:
            self._text(
                slide, 0.8, SLIDE_H_IN - 0.6, SLIDE_W_IN - 1.6, 0.4,
                [[_Run(t("export.bron_case", bron=b.case.source.citation()), colour=MUTED, size=MIN_RUN)]],
            )

    def _box_need(self, key: str, width: float, size: float, count: int | None = None) -> float:
        """Return the height (inches) a box needs for its name and its first ``count`` items at ``size`` pt."""
        t = self.t
        width_pt = (width - 0.12) * PT_PER_IN
        items = self.bundle.case.items(key)[:count] if count is not None else self.bundle.case.items(key)
        lines = sum(fonts.line_count("• " + item_label(i, t), width_pt, size) for i in items) or 1
        points = (size + 1) * 1.3 + lines * size * 1.2 + 2 * len(items) + 10
        return points / PT_PER_IN + 0.06

    def _canvas_layout(
        self, widths: dict[str, float], room: float
    ) -> tuple[float, dict[int, float], dict[str, int]]:
        """Return (body size, row heights in inches, items shown per box) for the canvas slide.

        The body size is the largest from :data:`CANVAS_MAX` down to :data:`CANVAS_MIN`
        at which every box fits, rows sized to their contents. When even
        :data:`CANVAS_MIN` does not fit, rows share the room by need and a box
        shows the items that fit plus a pointer to its piece slide.
        """
        b = self.bundle
        rows = sorted({p.area.row for p in PIECES})

        def needs(size: float) -> dict[int, float]:
            out = {r: 0.0 for r in rows}
            for p in PIECES:
                out[p.area.row] = max(out[p.area.row], self._box_need(p.key, widths[p.key], size))
            return out

        size = CANVAS_MAX
        while size >= CANVAS_MIN:
            need = needs(size)
            if sum(need.values()) <= room:
                spare = room - sum(need.values())
                total = sum(need.values())
                heights = {r: need[r] + spare * need[r] / total for r in rows}
                return size, heights, {p.key: len(b.case.items(p.key)) for p in PIECES}
            size -= 0.5
        size = CANVAS_MIN
        need, heights, left = needs(size), {}, room
        pending = sorted(rows, key=lambda r: need[r])
        while pending:  # water filling: small rows get what they need, big rows share the rest
            row = pending.pop(0)
            heights[row] = min(need[row], left / (len(pending) + 1))
            left -= heights[row]
        counts = {}
        for p in PIECES:
            items = b.case.items(p.key)
            n = len(items)
            height = heights[p.area.row]
            if self._box_need(p.key, widths[p.key], size) > height:
                # leave a line for the pointer to the piece slide
                n = 0
                while n < len(items) and self._box_need(p.key, widths[p.key], size, n + 1) + size * 1.3 / 72 <= height:
                    n += 1
            counts[p.key] = n
        return size, heights, counts

    def canvas_slide(self) -> None:
        """Add the canvas slide: eleven coloured boxes in the canvas grid."""
        b, t = self.bundle, self.t
        slide = self._slide()
        self._title(slide, b.case.title)
        x0, y0, gap = 0.4, 1.05, 0.08
        width, height = SLIDE_W_IN - 2 * x0, SLIDE_H_IN - y0 - 0.5
        column = (width - 5 * gap) / 6
        rows = sorted({p.area.row for p in PIECES})
        widths = {
            p.key: p.area.column_span * column + (p.area.column_span - 1) * gap for p in PIECES
        }
        size, row_h, counts = self._canvas_layout(widths, height - gap * (len(rows) - 1))
        row_top, y = {}, y0
        for r in rows:
            row_top[r] = y
            y += row_h[r] + gap
        for p in PIECES:
            a = p.area
            x = x0 + (a.column - 1) * (column + gap)
            w = widths[p.key]
            top = row_top[a.row]
            h = sum(row_h[r] for r in range(a.row, a.row + a.row_span)) + gap * (a.row_span - 1)
            self._rect(slide, x, top, w, h, BOX_FILL, BOX_LINE)
            self._rect(slide, x, top, w, 0.06, _hex(p.colour))
            items = b.case.items(p.key)
            paragraphs = [[_Run(p.name(t.lang).upper(), bold=True, colour=_hex(p.colour), size=size + 1)]]
            status = b.piece_status.get(p.key)
            if status:  # a narrow box shows the mark only; the footer explains the marks
                word = f" {t('export.status.' + status)}" if p.area.column_span > 1 else ""
                paragraphs[0].append(_Run(f"  {STATUS_MARK[status]}{word}", colour=MUTED, size=size))
            if not items:
                paragraphs.append([_Run(t("canvas.leeg"), italic=True, colour=MUTED, size=size)])
            paragraphs += [_item_runs(i, t, size) for i in items[: counts[p.key]]]
            more = len(items) - counts[p.key]
            if more:
                paragraphs.append(
                    [_Run(t("export.meer_op_dia", n=more, dia=self.piece_slide_number(p.key)), italic=True,
                          colour=MUTED, size=size)]
                )
            self._text(slide, x, top + 0.06, w, h - 0.06, paragraphs, space_after=2, hanging=size * 0.9)
        legend = ""
        if b.piece_status:
            legend = "  ".join(f"{STATUS_MARK[k]} {t('export.status.' + k)}" for k in STATUS_MARK)
        self._footer(slide, legend)
        notes = [t("export.notities_canvas")]
        for p in PIECES:
            status = b.piece_status.get(p.key)
            notes.append("")
            notes.append(p.name(t.lang).upper() + (f" ({t('export.status.' + status)})" if status else ""))
            notes += ["• " + item_label(i, t) for i in b.case.items(p.key)] or [t("canvas.leeg")]
        self._notes(slide, notes)

    def _notes(self, slide: Slide, lines: list[str]) -> None:
        """Append ``lines`` to the slide's speaker notes (detail that does not fit on the slide)."""
        frame = slide.notes_slide.notes_text_frame
        text = "\n".join(lines)
        frame.text = f"{frame.text}\n\n{text}" if frame.text else text

    def piece_slide_number(self, key: str) -> int:
        """Return the number of the first slide of piece ``key`` (title 1, canvas 2, pieces from 3)."""
        return self.piece_slide[key]

    def _piece_pages(self, piece: Piece) -> list[tuple[float, list[Item]]]:
        """Split a piece's items over slides: (body size, items) per slide."""
        t = self.t
        items = list(self.bundle.case.items(piece.key))
        width_pt = (SLIDE_W_IN - 1.3) * PT_PER_IN
        room = (SLIDE_H_IN - 1.45 - 0.6) * PT_PER_IN - 10

        def need(size: float, chunk: list[Item]) -> float:
            return sum(fonts.line_count("• " + item_label(i, t), width_pt, size) * size * 1.2 + 6 for i in chunk)

        size = PIECE_MAX
        while size > PIECE_MIN and need(size, items) > room:
            size -= 1
        if need(size, items) <= room:
            return [(size, items)]
        pages: list[tuple[float, list[Item]]] = []
        chunk: list[Item] = []
        for item in items:
            if chunk and need(size, [*chunk, item]) > room:
                pages.append((size, chunk))
                chunk = []
            chunk.append(item)
        pages.append((size, chunk))
        return pages

    def piece_slides(self) -> None:
        """Add one slide per piece (more where a piece does not fit on one)."""
        t = self.t
        for piece in PIECES:
            pages = self._piece_pages(piece)
            for n, (size, items) in enumerate(pages):
                slide = self._slide()
                self._rect(slide, 0, 0, 0.18, SLIDE_H_IN, _hex(piece.colour))
                title = piece.name(t.lang) + (f" ({t('export.vervolg')})" if n else "")
                y = self._title(slide, title, _hex(piece.colour), piece.question(t.lang))
                if items:
                    paragraphs = [_item_runs(i, t, size) for i in items]
                else:
                    paragraphs = [[_Run(t("canvas.leeg"), italic=True, colour=MUTED, size=size)]]
                self._text(
                    slide, 0.6, y + 0.1, SLIDE_W_IN - 1.2, SLIDE_H_IN - y - 0.6, paragraphs, space_after=6,
                    hanging=size * 0.9,
                )
                self._footer(slide)

    def figure_slides(self) -> None:
        """Add one slide per figure, as a PNG made by kaleido."""
        from pptx.util import Inches

        from .images import figure_png

        for fig in self.bundle.figures:
            slide = self._slide()
            y = self._title(slide, fig.title)
            figure = fig.figure
            if hasattr(figure, "update_layout"):  # larger text: the picture is shown 12.3 inch wide
                import plotly.graph_objects as go

                figure = go.Figure(figure)
                figure.update_layout(font=dict(size=FIGURE_FONT), title=None, margin=dict(t=30))
            png = figure_png(figure, width=1200, height=600, scale=2)
            slide.shapes.add_picture(io.BytesIO(png), Inches(0.5), Inches(y), width=Inches(SLIDE_W_IN - 1.0))
            self._footer(slide)

    def section_slides(self, heading: str, sections: list[Section]) -> None:
        """Add table slides for optional parts (value propositions, roadmap), a few rows per slide."""
        from pptx.util import Inches, Pt

        t = self.t
        from .poster import _column_widths

        for section in sections:
            cols = max(1, len(section.columns))
            room = (SLIDE_H_IN - 1.45 - 0.7) * PT_PER_IN
            size = MIN_RUN
            longest = [
                max([len(section.columns[i])] + [len(r[i]) for r in section.rows if i < len(r)]) for i in range(cols)
            ]
            # columns as wide as their content suggests, never narrower than their longest word
            widths = _column_widths(section, [min(60, max(6, n)) for n in longest], (SLIDE_W_IN - 1.0) * PT_PER_IN,
                                    size, pad=24.0)  # cell margins 0.1 inch each side, and a little air

            def row_h(row: tuple[str, ...], widths: list[float] = widths, size: float = size) -> float:
                lines = max(fonts.line_count(c, w - 10, size) for c, w in zip(row, widths, strict=False))
                return lines * size * 1.2 + 10

            chunks: list[list[tuple[str, ...]]] = [[]]
            used = row_h(section.columns)
            for row in section.rows:
                h = row_h(row)
                if chunks[-1] and used + h > room:
                    chunks.append([])
                    used = row_h(section.columns)
                chunks[-1].append(row)
                used += h
            for n, chunk in enumerate(chunks):
                slide = self._slide()
                title = f"{heading}: {section.title}" + (f" ({t('export.vervolg')})" if n else "")
                y = self._title(slide, title, subtitle=section.intro if n == 0 else "")
                shape = slide.shapes.add_table(
                    len(chunk) + 1, cols, Inches(0.5), Inches(y), Inches(SLIDE_W_IN - 1.0), Inches(0.4)
                )
                table = shape.table
                for c, w in enumerate(widths):
                    table.columns[c].width = Inches(w / PT_PER_IN)
                for c, text in enumerate(section.columns):
                    table.cell(0, c).text = text
                    for para in table.cell(0, c).text_frame.paragraphs:
                        for run in para.runs:
                            run.font.bold = True
                for r, row in enumerate(chunk, start=1):
                    for c, text in enumerate(row[:cols]):
                        table.cell(r, c).text = text
                for r in range(len(chunk) + 1):
                    for c in range(cols):
                        for para in table.cell(r, c).text_frame.paragraphs:
                            for run in para.runs:
                                run.font.size = Pt(size)
                self._footer(slide)

    def build(self) -> bytes:
        """Add every slide and return the .pptx file."""
        b, t = self.bundle, self.t
        number = 3
        for piece in PIECES:
            self.piece_slide[piece.key] = number
            number += len(self._piece_pages(piece))
        self.title_slide()
        self.canvas_slide()
        self.piece_slides()
        self.figure_slides()
        vp = b.value_proposition_sections()
        if vp:
            self.section_slides(t("export.waardeproposities"), vp)
        roadmap = b.roadmap_sections()
        if roadmap:
            self.section_slides(t("export.roadmap"), roadmap)
        props = self.prs.core_properties
        props.title = b.case.title[:250]
        props.subject = b.kind_text(t("export.purpose_case"))[:250]
        props.author = (b.workspace or t("export.werkboek"))[:250]
        props.language = "en-GB" if b.lang == "en" else "nl-NL"
        props.keywords = "Purpose Case"
        out = io.BytesIO()
        self.prs.save(out)
        return out.getvalue()


def slides_pptx(bundle: ExportBundle) -> bytes:
    """Return ``bundle`` as a PowerPoint deck (.pptx, 16:9).

    Raises:
        purposecase.export.images.FigureExportError: if a figure of the bundle cannot be rendered.
    """
    return SlideBuilder(bundle).build()
