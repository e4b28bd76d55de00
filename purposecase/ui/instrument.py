"""Chapter "Het instrument": the eleven pieces on the canvas, their questions and tips, the two processes.

Source: Katapult, "Maatschappelijke uitdagingen los je samen op!", chapter "Van
businesscase naar Purpose Case", after Bobeldijk (2020), *IMPACT, Zet vanuit de
Purpose Case de wereld naar je hart*, New Business Lab. The canvas is our layout
(DESIGN.md §2), in the pieces' fixed colours (:mod:`purposecase.pieces`).

Choose a piece (the buttons, or a click on the canvas) to read its question,
tips, process and an example item from the ten cases; choose a process to
highlight its pieces.
"""

from __future__ import annotations

import ipywidgets as ipw
import traitlets as tl

from ..examples import CaseCatalogue, load_catalogue
from ..messages import Translator
from ..model import Item
from ..pieces import PIECE_KEYS, PIECES, get_piece
from .common import PageContext, esc, safe_callback
from .shell import ChapterShell

NOTEBOOK = "02_purpose_case.ipynb"

GROUP_TEXT = {
    "samenwerken": ("instrument.samenwerken_titel", "instrument.samenwerken_tekst"),
    "idee_naar_impact": ("instrument.impact_titel", "instrument.impact_tekst"),
}
"""Message keys (title, text) of the two processes ("Met een Purpose Case werk je gelijktijdig aan twee processen")."""

_SELECT_JS = (
    "var b=document.querySelectorAll('.pc-piece-picker button')[{index}];if(b){{b.click();b.focus();}}"
)
_KEY_JS = "if(event.key==='Enter'||event.key===' '){{event.preventDefault();this.click();}}"


SOFT_BREAKS = {
    "Doelgroepen": "Doel\u00adgroepen",
    "Opbrengsten": "Op\u00adbreng\u00adsten",
    "Continuïteit": "Con\u00adti\u00adnu\u00adï\u00adteit",
    "Consequenties": "Con\u00adse\u00adquen\u00adties",
    "Intenties": "In\u00adten\u00adties",
    "Gezamenlijke": "Ge\u00adza\u00admen\u00adlij\u00adke",
    "Middelen": "Mid\u00adde\u00adlen",
    "Partners": "Part\u00adners",
    "Inbreng": "In\u00adbreng",
    "Returns": "Re\u00adturns",
    "Impact": "Im\u00adpact",
    "Contribution": "Con\u00adtri\u00adbu\u00adtion",
    "Consequences": "Con\u00adse\u00adquen\u00adces",
    "Continuity": "Con\u00adti\u00adnu\u00adi\u00adty",
    "Intentions": "In\u00adten\u00adtions",
    "Resources": "Re\u00adsour\u00adces",
}
"""Piece-name words with soft hyphens at their syllable breaks (Dutch: Woordenlijst; English: Merriam-Webster).

The canvas shows names in capitals in narrow boxes; without these a long word broke
anywhere ("DOELGRO/EPEN", issue 18). The heading's CSS allows breaks only here.
"""


NAME_STYLE = (
    "overflow-wrap: normal; word-break: normal; hyphens: manual; "
    "font-size: clamp(10px, 1.1vw, 0.95em); letter-spacing: 0.02em"
)
"""Style of the piece names on the canvas: break only at :data:`SOFT_BREAKS`, smaller type in narrow boxes.

A one-column box is about a tenth of the window wide beside the piece detail; 1.1vw keeps
"GROEPEN" and "TARGET" inside it down to the 900 px breakpoint (below it the canvas is one column).
"""


def breakable(name: str) -> str:
    """Return ``name`` with soft hyphens (U+00AD) at the syllable breaks of its long words (:data:`SOFT_BREAKS`)."""
    return " ".join(SOFT_BREAKS.get(word, word) for word in name.split(" "))


def examples_for(key: str, catalogue: CaseCatalogue) -> list[tuple[str, Item]]:
    """Return ``(case title, item)`` for every item of piece ``key`` in the catalogue, in catalogue order."""
    return [(case.title, item) for case in catalogue.cases for item in case.items(key)]


def instrument_canvas_html(t: Translator, *, selected: str = "", group: str = "") -> str:
    """Return the empty canvas with each piece's name and question (escaped).

    The ``selected`` piece is marked (``aria-pressed``); with a ``group`` the pieces
    of the other process are dimmed. Each box selects its piece on click or Enter
    (a constant script that presses the matching piece button).
    """
    boxes = []
    for index, piece in enumerate(PIECES):
        classes = ["pc-piece", f"pc-piece-{piece.key}", "pc-piece-choosable"]
        if piece.key == selected:
            classes.append("pc-selected")
        if group and piece.group != group:
            classes.append("pc-dimmed")
        elif group:
            classes.append("pc-in-group")
        boxes.append(
            f'<section class="{" ".join(classes)}" data-piece="{piece.key}" '
            f'style="grid-area: {piece.area.css()}; --pc-colour: {piece.colour}" role="button" tabindex="0" '
            f'aria-pressed="{"true" if piece.key == selected else "false"}" '
            f'onclick="{esc(_SELECT_JS.format(index=index))}" onkeydown="{esc(_KEY_JS.format())}">'
            f'<h3 class="pc-piece-name" lang="{t.lang}" style="{NAME_STYLE}">{esc(breakable(piece.name(t.lang)))}</h3>'
            f'<p class="pc-question">{esc(piece.question(t.lang))}</p></section>'
        )
    label = esc(t("instrument.canvas_label"))
    return f'<div class="pc-canvas pc-instrument-canvas" role="group" aria-label="{label}">{"".join(boxes)}</div>'


def piece_detail_html(key: str, t: Translator, example: tuple[str, Item] | None, *, n_examples: int = 0) -> str:
    """Return the explanation of one piece: question, tips, process, first person, one example (escaped)."""
    piece = get_piece(key)
    lang = t.lang
    tips = "".join(f"<li>{esc(tip)}</li>" for tip in piece.tips(lang))
    group_title = t(GROUP_TEXT[piece.group][0])
    first_person = f'<p class="pc-own">{esc(t("instrument.eerste_persoon"))}</p>' if piece.first_person else ""
    if example is not None:
        title, item = example
        example_html = (
            f'<div class="pc-example"><h4>{esc(t("instrument.voorbeeld", n=n_examples))}</h4>'
            f'<blockquote class="pc-example-item">{esc(item.label())}</blockquote>'
            f'<p class="pc-source">{esc(t("instrument.uit_case", titel=title))}</p></div>'
        )
    else:
        example_html = ""
    return (
        f'<section class="pc-piece-help pc-piece-detail" data-piece="{piece.key}" style="--pc-colour: {piece.colour}" '
        f'aria-live="polite"><h2>{esc(piece.name(lang))}</h2>'
        f'<p class="pc-detail-question">{esc(piece.question(lang))}</p>'
        f'<p class="pc-detail-group">{esc(t("instrument.proces", proces=group_title))}</p>{first_person}'
        f'<h4>{esc(t("instrument.tips"))}</h4><ul class="pc-tips">{tips}</ul>{example_html}</section>'
    )


def process_html(group: str, t: Translator) -> str:
    """Return the explanation of one process, or of both when ``group`` is empty (escaped)."""
    groups = [group] if group else list(GROUP_TEXT)
    out = []
    for g in groups:
        title_key, text_key = GROUP_TEXT[g]
        names = ", ".join(p.name(t.lang) for p in PIECES if p.group == g)
        out.append(
            f'<section class="pc-process pc-process-{g}"><h3>{esc(t(title_key))}</h3><p>{esc(t(text_key))}</p>'
            f'<p class="pc-hint">{esc(t("instrument.stukken", stukken=names))}</p></section>'
        )
    return "".join(out)


class InstrumentModel(tl.HasTraits):
    """State of the instrument chapter.

    Traits:
        piece: the piece explained (a key of :data:`purposecase.pieces.PIECE_KEYS`).
        group: ``""`` (both), ``"samenwerken"`` or ``"idee_naar_impact"``: the process highlighted.
        example: index of the example item shown for :attr:`piece`.
    """

    piece = tl.Enum(PIECE_KEYS, default_value="impact")
    group = tl.Enum(("", "samenwerken", "idee_naar_impact"), default_value="")
    example = tl.Int(0)

    @tl.observe("piece")
    def _new_piece(self, _change) -> None:
        self.example = 0


class InstrumentChapter(ChapterShell):
    """The instrument: the eleven pieces explorable on the canvas, and the two processes.

    Args:
        context: page context (language, secret link); default read from the page's address.
        catalogue: the example cases (default: the publication's ten).

    Public attributes (for tests): those of :class:`~purposecase.ui.shell.ChapterShell` (``nav``, ``status``
    …), ``piece_buttons``, ``group_buttons``, ``canvas``, ``detail``, ``example_button``, ``processes``; the
    state is ``model``. Opened with a link, it shows who is here and what is new elsewhere (the shell).
    """

    NOTEBOOK = NOTEBOOK
    PREBUILD = True  # most people open it without a link
    TITLE, INTRO = "instrument.titel", "instrument.intro"
    CSS_CLASS = "pc-instrument"

    def __init__(self, context: PageContext | None = None, catalogue: CaseCatalogue | None = None) -> None:
        try:
            self.catalogue = catalogue if catalogue is not None else load_catalogue()
        except Exception:  # noqa: BLE001 - the instrument stays usable without examples
            self.catalogue = CaseCatalogue((), ())
        self.model = InstrumentModel()
        super().__init__(context)

    def build(self) -> ipw.Widget:
        """Return the pickers, the canvas with the piece explained, and the two processes."""
        t = self.t
        about = ipw.HTML(
            f'<div class="pc-text"><p>{esc(t("instrument.uitleg_1"))}</p><p>{esc(t("instrument.uitleg_2"))}</p></div>'
        )
        self.group_buttons = ipw.ToggleButtons(
            options=[
                (t("instrument.alle"), ""),
                (t("instrument.samenwerken_titel"), "samenwerken"),
                (t("instrument.impact_titel"), "idee_naar_impact"),
            ],
            description=t("instrument.kies_proces"),
            style={"description_width": "initial", "button_width": "auto"},
        )
        self.group_buttons.add_class("pc-group-picker")
        self.piece_buttons = ipw.ToggleButtons(
            options=[(p.name(t.lang), p.key) for p in PIECES],
            description=t("instrument.kies_stuk"),
            style={"description_width": "initial", "button_width": "auto"},
        )
        self.piece_buttons.add_class("pc-piece-picker")
        self.canvas = ipw.HTML()
        self.canvas.add_class("pc-canvas-view")
        self.detail = ipw.HTML()
        self.detail.add_class("pc-detail-view")
        self.example_button = ipw.Button(
            description=t("instrument.ander_voorbeeld"), icon="random", layout=ipw.Layout(width="auto")
        )
        self.example_button.add_class("pc-example-next")
        self.processes = ipw.HTML()
        self.processes.add_class("pc-processes")

        ipw.link((self.model, "piece"), (self.piece_buttons, "value"))
        ipw.link((self.model, "group"), (self.group_buttons, "value"))
        guard = safe_callback(self.status, t)
        self.model.observe(guard(self._render), ["piece", "group", "example"])
        self.example_button.on_click(guard(self._on_next_example))

        layout = ipw.GridBox(
            [self.canvas, ipw.VBox([self.detail, self.example_button])],
            layout=ipw.Layout(grid_template_columns="minmax(0, 3fr) minmax(0, 2fr)", grid_gap="20px"),
        )
        layout.add_class("pc-instrument-layout")
        self._render()
        return ipw.VBox([
            about,
            self.piece_buttons,
            self.group_buttons,
            layout,
            ipw.HTML(f'<h2 class="pc-subtitle">{esc(t("instrument.processen"))}</h2>'),
            self.processes,
            ipw.HTML(f'<p class="pc-source">{esc(t("instrument.bron"))}</p>'),
        ])

    def _render(self, _change=None) -> None:
        t, model = self.t, self.model
        self.canvas.value = instrument_canvas_html(t, selected=model.piece, group=model.group)
        examples = examples_for(model.piece, self.catalogue)
        example = examples[model.example % len(examples)] if examples else None
        self.detail.value = piece_detail_html(model.piece, t, example, n_examples=len(examples))
        self.example_button.disabled = len(examples) < 2
        self.processes.value = process_html(model.group, t)

    def _on_next_example(self, _button=None) -> None:
        self.model.example += 1
