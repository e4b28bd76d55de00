"""The Purpose Case canvas: the eleven pieces in our layout (DESIGN.md §2).

``canvas_html`` is pure (a case in, escaped HTML out); ``CanvasView`` is the
thin widget that shows it and re-renders when its traits change. One HTML
widget for the whole canvas keeps the page light (one widget model, not 40).
"""

from __future__ import annotations

import ipywidgets as ipw
import traitlets as tl

from ..examples import _fold, _spans
from ..messages import Translator
from ..model import Item, PurposeCase
from ..pieces import PIECES, Piece
from .common import esc, log, message_html


def _marked(text: str, spans: tuple[tuple[int, int], ...], start: int, end: int) -> str:
    """Return ``text[start:end]`` escaped, with the parts inside ``spans`` wrapped in ``<mark>``."""
    out, pos = [], start
    for a, b in spans:
        a, b = max(a, start), min(b, end)
        if a >= b:
            continue
        out.append(esc(text[pos:a]))
        out.append(f"<mark>{esc(text[a:b])}</mark>")
        pos = b
    out.append(esc(text[pos:end]))
    return "".join(out)


def _query_spans(text: str, query: str) -> tuple[tuple[int, int], ...]:
    needle = _fold(" ".join(query.split()))
    return _spans(text, needle) if needle else ()


def highlight(text: str, query: str) -> str:
    """Return ``text`` escaped, with every accent- and case-insensitive match of ``query`` in ``<mark>``."""
    return _marked(text, _query_spans(text, query), 0, len(text))


def item_html(item: Item, query: str = "", t: Translator | None = None) -> str:
    """Return one item as an escaped ``<li>``; the partner label and kind are marked up.

    Matches of ``query`` are found in the whole label (``"RET: vervoersvraag"``), so a
    match that runs from the partner into the text is marked in both parts.
    """
    label = item.label()
    spans = _query_spans(label, query)
    if item.partner:
        cut = len(item.partner) + 1  # up to and including the colon
        name, gap = _marked(label, spans, 0, cut), _marked(label, spans, cut, cut + 1)
        partner = f'<span class="pc-partner">{name}</span>{gap}'
        text = _marked(label, spans, cut + 1, len(label))
    else:
        partner, text = "", _marked(label, spans, 0, len(label))
    kind = ""
    if item.kind and t is not None:
        kind = f' <span class="pc-kind">({esc(t("soort." + item.kind))})</span>'
    return f'<li class="pc-item">{partner}<span class="pc-text">{text}</span>{kind}</li>'


def piece_html(
    piece: Piece, items: list[Item], t: Translator, *, show_question: bool, query: str = "", status: str | None = None
) -> str:
    """Return one piece box: coloured heading, optional question, items (or an 'empty' note)."""
    lang = t.lang
    question = f'<p class="pc-question">{esc(piece.question(lang))}</p>' if show_question else ""
    if items:
        body = '<ul class="pc-items">' + "".join(item_html(i, query, t) for i in items) + "</ul>"
    else:
        body = f'<p class="pc-empty">{esc(t("canvas.leeg"))}</p>'
    badge = (
        f' <span class="pc-progress pc-progress-{esc(status)}">{esc(t("voortgang." + status))}</span>' if status else ""
    )
    return (
        f'<section class="pc-piece pc-piece-{piece.key}" data-piece="{piece.key}" '
        f'style="grid-area: {piece.area.css()}; --pc-colour: {piece.colour}" '
        f'title="{esc(piece.question(lang))}" aria-label="{esc(piece.name(lang))}">'
        f'<h3 class="pc-piece-name">{esc(piece.name(lang))}{badge}</h3>{question}{body}</section>'
    )


def canvas_html(
    case: PurposeCase,
    t: Translator,
    *,
    show_questions: bool = False,
    query: str = "",
    statuses: dict[str, str] | None = None,
) -> str:
    """Return the whole canvas of ``case`` as one escaped HTML string.

    Args:
        case: the Purpose Case to draw.
        t: translator; its language picks piece names and questions.
        show_questions: print each piece's guiding question under its name
            (it is always in the box's tooltip).
        query: text to highlight in the items (accent- and case-insensitive).
        statuses: optional piece key → progress (``leeg``, ``in_bespreking``,
            ``akkoord``) shown as a badge on each piece (step 3).

    Returns:
        A ``<div class="pc-canvas">`` with eleven ``<section>`` boxes on a
        6-column CSS grid, in canvas reading order.
    """
    statuses = statuses or {}
    boxes = "".join(
        piece_html(p, case.items(p.key), t, show_question=show_questions, query=query, status=statuses.get(p.key))
        for p in PIECES
    )
    return f'<div class="pc-canvas" role="group" aria-label="{esc(t("canvas.label", titel=case.title))}">{boxes}</div>'


class CanvasView(ipw.HTML):
    """A widget showing one case's canvas; set ``case``, ``show_questions`` or ``query`` to redraw.

    Example:
        >>> from purposecase.examples import load_case
        >>> view = CanvasView(load_case("house-of-hospitality"))
    """

    case = tl.Instance(PurposeCase, allow_none=True)
    show_questions = tl.Bool(False)
    query = tl.Unicode("")
    statuses = tl.Dict()

    def __init__(self, case: PurposeCase | None = None, t: Translator | None = None, **kwargs) -> None:
        self._t = t or Translator()
        super().__init__(**kwargs)
        self.add_class("pc-canvas-view")
        with self.hold_trait_notifications():
            self.case = case
        self._render()

    @tl.observe("case", "show_questions", "query", "statuses")
    def _on_change(self, _change=None) -> None:
        self._render()

    def _render(self) -> None:
        # Runs in a traitlets observer, which a widget link (ipw.dlink from a search field, a
        # checkbox) calls outside any safe_callback: a failure shows the friendly message in
        # place of the canvas and is logged, never raised into the page.
        if not hasattr(self, "_t"):
            return
        try:
            self.value = (
                canvas_html(
                    self.case, self._t, show_questions=self.show_questions, query=self.query, statuses=self.statuses
                )
                if self.case is not None
                else ""
            )
        except Exception:  # noqa: BLE001 - never a traceback on the page
            log.exception("drawing the canvas failed")
            self.value = message_html(self._t("fout.onverwacht"), "error")
