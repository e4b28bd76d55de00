"""Trainer mode of the examples chapter: present a case piece by piece, and the piece quiz.

Views over the pure models in :mod:`purposecase.trainer`.

Keyboard: the previous/next buttons are ordinary ipywidgets buttons (Tab, Enter,
Space). In Voilà the workbook's template adds the arrow keys and a presenter
clicker's PageUp/PageDown: a small script (``werkboek.js``) presses the visible
presenter's button, so all logic stays here in Python. This was chosen over the
``ipyevents`` package: no extra front-end extension to load on every page, keys
work wherever the focus is (a clicker does not focus a widget first), and there is
no script inside an HTML widget (those are not executed).
"""

from __future__ import annotations

import ipywidgets as ipw
import traitlets as tl

from ..examples import CaseCatalogue
from ..export.bundle import sector_label
from ..messages import Translator
from ..model import PurposeCase
from ..pieces import PIECES, get_piece
from ..trainer import Presentation, Quiz, QuizError, Slide
from .canvas import canvas_html, item_html
from .common import StatusLine, esc, safe_callback
from .warm import warm_line

_FULLSCREEN_JS = (
    "var p=this.closest('.pc-presenter');if(!p)return;"
    "if(document.fullscreenElement){document.exitFullscreen();}else if(p.requestFullscreen){p.requestFullscreen();}"
)


def _button(description: str, css_class: str, *, icon: str = "", primary: bool = False) -> ipw.Button:
    button = ipw.Button(
        description=description, icon=icon, button_style="primary" if primary else "", layout=ipw.Layout(width="auto")
    )
    button.add_class(css_class)
    return button


def mini_map_html(current: str | None, t: Translator) -> str:
    """Return a small canvas map with the ``current`` piece marked (escaped; ``aria-hidden``: decoration)."""
    cells = "".join(
        f'<span class="pc-map-cell{" pc-map-current" if p.key == current else ""}" '
        f'style="grid-area: {p.area.css()}; --pc-colour: {p.colour}">{esc(p.name(t.lang))}</span>'
        for p in PIECES
    )
    return f'<div class="pc-map" aria-hidden="true">{cells}</div>'


def slide_html(case: PurposeCase, slide: Slide, t: Translator, total: int) -> str:
    """Return one presentation slide in large type (escaped)."""
    counter = f'<p class="pc-slide-counter">{esc(t("trainer.dia", n=slide.index + 1, totaal=total))}</p>'
    if slide.kind == "intro":
        meta = " · ".join(esc(x) for x in (sector_label(case.sector, t), case.region) if x)
        quote = f'<blockquote class="pc-quote">“{esc(case.quote)}”</blockquote>' if case.quote else ""
        summary = f'<p class="pc-summary">{esc(case.summary)}</p>' if case.summary else ""
        body = f'<h2 class="pc-slide-title">{esc(case.title)}</h2><p class="pc-meta">{meta}</p>{quote}{summary}'
        return f'<div class="pc-slide pc-slide-intro">{counter}{body}</div>'
    if slide.kind == "canvas":
        return (
            f'<div class="pc-slide pc-slide-canvas">{counter}<h2 class="pc-slide-title">'
            f'{esc(t("trainer.heel_canvas", titel=case.title))}</h2>{canvas_html(case, t)}</div>'
        )
    piece = get_piece(slide.piece or "impact")
    items = case.items(piece.key)
    if items:
        body = '<ul class="pc-items">' + "".join(item_html(i, "", t) for i in items) + "</ul>"
    else:
        body = f'<p class="pc-empty">{esc(t("canvas.leeg"))}</p>'
    return (
        f'<div class="pc-slide pc-slide-piece" data-piece="{piece.key}" style="--pc-colour: {piece.colour}">'
        f'{counter}<div class="pc-slide-grid"><div><h2 class="pc-slide-title">{esc(piece.name(t.lang))}</h2>'
        f'<p class="pc-slide-question">{esc(piece.question(t.lang))}</p>{body}</div>'
        f"{mini_map_html(piece.key, t)}</div></div>"
    )


class PresenterModel(tl.HasTraits):
    """State of the presenter: the case (slug) and the slide shown."""

    slug = tl.Unicode("")
    position = tl.Int(0)


class PresenterPanel(ipw.VBox):
    """Present one case piece by piece: previous/next buttons (and arrow keys in Voilà), large type.

    Public widgets: ``case_dropdown``, ``prev_button``, ``next_button``, ``stage``; ``presentation``.
    """

    def __init__(self, catalogue: CaseCatalogue, t: Translator, status: StatusLine) -> None:
        super().__init__()
        self.add_class("pc-presenter")
        self.t, self.catalogue = t, catalogue
        self.model = PresenterModel()
        cases = catalogue.cases
        self.presentation: Presentation | None = Presentation(cases[0]) if cases else None
        self.case_dropdown = ipw.Dropdown(
            options=[(c.title, c.slug) for c in cases],
            description=t("trainer.case"),
            style={"description_width": "initial"},
        )
        self.case_dropdown.add_class("pc-presenter-case")
        self.prev_button = _button(t("trainer.vorige"), "pc-presenter-prev", icon="arrow-left")
        self.next_button = _button(t("trainer.volgende"), "pc-presenter-next", icon="arrow-right", primary=True)
        fullscreen = ipw.HTML(
            f'<button type="button" class="pc-fullscreen" onclick="{esc(_FULLSCREEN_JS)}">'
            f"{esc(t('trainer.volledig_scherm'))}</button>"
        )
        self.stage = ipw.HTML()
        self.stage.add_class("pc-stage")
        hint = ipw.HTML(f'<p class="pc-hint pc-no-print">{esc(t("trainer.toetsen"))}</p>')
        guard = safe_callback(status, t)
        self.prev_button.on_click(guard(lambda _b: self.go(self.model.position - 1)))
        self.next_button.on_click(guard(lambda _b: self.go(self.model.position + 1)))
        if cases:
            self.model.slug = cases[0].slug
            ipw.link((self.model, "slug"), (self.case_dropdown, "value"))
        self.model.observe(guard(self._on_slug), "slug")
        self.model.observe(guard(self._render), "position")
        controls = ipw.HBox(
            [self.case_dropdown, self.prev_button, self.next_button, fullscreen],
            layout=ipw.Layout(flex_flow="row wrap", align_items="center", grid_gap="10px"),
        )
        controls.add_class("pc-presenter-controls")
        self.children = [controls, hint, warm_line(t), self.stage]  # warm pages: workshop mode (issue 19)
        self._render()

    def go(self, index: int) -> None:
        """Show slide ``index`` (clamped to the first and last slide)."""
        if self.presentation is None:
            return
        self.model.position = self.presentation.go(index).index

    def _on_slug(self, _change=None) -> None:
        try:
            case = self.catalogue.get(self.model.slug)
        except KeyError:
            return
        self.presentation = Presentation(case)
        if self.model.position == 0:
            self._render()
        else:
            self.model.position = 0

    def _render(self, _change=None) -> None:
        p = self.presentation
        if p is None:
            self.stage.value = f'<p class="pc-empty">{esc(self.t("voorbeelden.geen_cases"))}</p>'
            self.prev_button.disabled = self.next_button.disabled = True
            return
        p.go(self.model.position)
        self.stage.value = slide_html(p.case, p.slide, self.t, len(p))
        self.prev_button.disabled = p.at_start
        self.next_button.disabled = p.at_end


class QuizPanel(ipw.VBox):
    """The piece quiz: an item from the ten cases, the group picks its piece, score, the right piece revealed.

    Args:
        catalogue: the cases to draw from.
        t: translator.
        status: the chapter's message line.
        seed: random seed (the same seed gives the same questions; tests use it).

    Public widgets: ``question``, ``answer_buttons`` (piece key → Button), ``reveal``, ``score``,
    ``next_button``, ``reset_button``; the model is ``quiz`` (``None`` without cases).
    """

    def __init__(self, catalogue: CaseCatalogue, t: Translator, status: StatusLine, seed: int | None = None) -> None:
        super().__init__()
        self.add_class("pc-quiz")
        self.t = t
        try:
            self.quiz: Quiz | None = Quiz(catalogue.cases, seed=seed)
        except QuizError:
            self.quiz = None
        guard = safe_callback(status, t)
        intro = ipw.HTML(f'<p class="pc-hint">{esc(t("trainer.quiz_uitleg"))}</p>')
        self.question = ipw.HTML()
        self.question.add_class("pc-quiz-question")
        self.answer_buttons: dict[str, ipw.Button] = {}
        for piece in PIECES:
            button = ipw.Button(
                description=piece.name(t.lang),
                tooltip=t("trainer.kies_stuk", stuk=piece.name(t.lang)),
                layout=ipw.Layout(width="auto", border_left=f"8px solid {piece.colour}"),
            )
            button.add_class("pc-quiz-answer")
            button.add_class(f"pc-quiz-answer-{piece.key}")
            button.on_click(guard(lambda _b, key=piece.key: self.answer(key)))
            self.answer_buttons[piece.key] = button
        answers = ipw.HBox(
            list(self.answer_buttons.values()), layout=ipw.Layout(flex_flow="row wrap", grid_gap="6px")
        )
        answers.add_class("pc-quiz-answers")
        self.reveal = ipw.HTML()
        self.reveal.add_class("pc-quiz-reveal")
        self.score = ipw.HTML()
        self.score.add_class("pc-quiz-score")
        self.next_button = _button(t("trainer.volgende_vraag"), "pc-quiz-next", icon="arrow-right", primary=True)
        self.reset_button = _button(t("trainer.score_nul"), "pc-quiz-reset", icon="undo")
        self.next_button.on_click(guard(lambda _b: self.next_question()))
        self.reset_button.on_click(guard(lambda _b: self.reset()))
        self.children = [
            intro,
            self.score,
            self.question,
            answers,
            self.reveal,
            ipw.HBox([self.next_button, self.reset_button], layout=ipw.Layout(grid_gap="10px")),
        ]
        if self.quiz is None:
            self.question.value = f'<p class="pc-empty">{esc(t("voorbeelden.geen_cases"))}</p>'
            for b in (*self.answer_buttons.values(), self.next_button, self.reset_button):
                b.disabled = True
        else:
            self.next_question()

    # ----------------------------------------------------------------- actions
    def next_question(self) -> None:
        """Draw a new question and enable the answers."""
        if self.quiz is None:
            return
        q = self.quiz.next_question()
        self.question.value = (
            f'<p class="pc-quiz-prompt">{esc(self.t("trainer.quiz_vraag"))}</p>'
            f'<blockquote class="pc-quiz-item">{esc(q.item.label())}</blockquote>'
            f'<p class="pc-source">{esc(self.t("trainer.uit_case", titel=q.title))}</p>'
        )
        for button in self.answer_buttons.values():
            button.disabled = False
            button.button_style = ""
        self.reveal.value = ""
        self._show_score()

    def answer(self, key: str) -> bool | None:
        """Take the group's answer ``key``: score it, mark the buttons, reveal the right piece with its question."""
        if self.quiz is None or self.quiz.question is None or self.quiz.answered:
            return None
        right = self.quiz.answer(key)
        q = self.quiz.question
        piece = get_piece(q.piece)
        for k, button in self.answer_buttons.items():
            button.disabled = True
            button.button_style = "success" if k == q.piece else ("danger" if k == key else "")
        verdict = self.t("trainer.goed") if right else self.t("trainer.fout", stuk=get_piece(key).name(self.t.lang))
        self.reveal.value = (
            f'<div class="pc-reveal pc-reveal-{"goed" if right else "fout"}" role="status" '
            f'style="--pc-colour: {piece.colour}"><p class="pc-verdict">{esc(verdict)}</p>'
            f'<p>{esc(self.t("trainer.juiste_stuk"))} <strong class="pc-reveal-piece">{esc(piece.name(self.t.lang))}'
            f'</strong></p><p class="pc-slide-question">{esc(piece.question(self.t.lang))}</p></div>'
        )
        self._show_score()
        return right

    def reset(self) -> None:
        """Set the score to zero and draw a new question."""
        if self.quiz is None:
            return
        self.quiz.reset()
        self.next_question()

    def _show_score(self) -> None:
        q = self.quiz
        text = self.t("trainer.score", goed=q.correct, gevraagd=q.asked) if q else ""
        self.score.value = f'<p class="pc-score" aria-live="polite">{esc(text)}</p>'
