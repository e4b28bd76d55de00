"""Trainer mode and quiz: the pure models and the widgets, without a browser."""

import html
import re

import pytest

from purposecase.examples import list_cases, load_catalogue
from purposecase.model import Item, PurposeCase
from purposecase.pieces import PIECE_KEYS, get_piece
from purposecase.trainer import Presentation, Quiz, QuizError, quiz_questions
from purposecase.ui.common import PageContext
from purposecase.ui.examples import ExamplesChapter


def text_of(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def test_presentation_walks_intro_pieces_canvas():
    p = Presentation(list_cases()[0])
    assert len(p) == 13 and p.slide.kind == "intro" and p.at_start
    assert [p.next().piece for _ in PIECE_KEYS] == list(PIECE_KEYS)
    assert p.next().kind == "canvas" and p.at_end
    assert p.next().kind == "canvas"  # stays on the last
    p.go(-5)
    assert p.at_start and p.previous().index == 0


def test_quiz_is_reproducible_with_a_seed():
    cases = list_cases()
    a, b = Quiz(cases, seed=7), Quiz(cases, seed=7)
    assert [a.next_question() for _ in range(20)] == [b.next_question() for _ in range(20)]


def test_quiz_scores_and_refuses_out_of_turn():
    quiz = Quiz(list_cases(), seed=3)
    with pytest.raises(QuizError):
        quiz.answer("impact")
    q = quiz.next_question()
    assert quiz.answer(q.piece) is True
    with pytest.raises(QuizError):
        quiz.answer(q.piece)
    q = quiz.next_question()
    wrong = next(k for k in PIECE_KEYS if k != q.piece)
    assert quiz.answer(wrong) is False
    assert (quiz.correct, quiz.asked) == (1, 2)
    with pytest.raises(KeyError):
        quiz.next_question() and quiz.answer("nope")
    quiz.reset()
    assert (quiz.correct, quiz.asked, quiz.question) == (0, 0, None)


def test_every_item_once_before_repeats():
    quiz = Quiz(list_cases(), seed=1)
    drawn = [quiz.next_question() for _ in range(len(quiz.pool))]
    assert len({(q.slug, q.piece, q.item.text) for q in drawn}) == len(quiz.pool)


def test_questions_leave_out_vague_and_ambiguous_items():
    empty = {k: [] for k in PIECE_KEYS}
    case = PurposeCase(
        slug="t", title="T",
        pieces={**empty, "impact": [Item(text="x"), Item(text="Samen sterker in de regio")],
                "waarde": [Item(text="Samen  sterker in de regio")], "partners": [Item(text="Gemeente en ROC samen")]},
    )
    assert [(q.piece, q.item.text) for q in quiz_questions([case])] == [("partners", "Gemeente en ROC samen")]
    with pytest.raises(QuizError):
        Quiz([PurposeCase(slug="e", title="E")])
    assert len(quiz_questions(list_cases())) > 100


@pytest.fixture()
def chapter():
    return ExamplesChapter(context=PageContext(lang="nl"), quiz_seed=11)


def test_presenter_buttons(chapter):
    presenter = chapter.presenter
    assert presenter.prev_button.disabled and not presenter.next_button.disabled
    case = load_catalogue().cases[0]
    assert case.title in text_of(presenter.stage.value)
    presenter.next_button.click()
    assert "Impact" in text_of(presenter.stage.value) and "2 / 13" in text_of(presenter.stage.value)
    assert case.items("impact")[0].text.split()[0] in presenter.stage.value
    for _ in range(20):
        presenter.next_button.click()
    assert presenter.next_button.disabled and "pc-canvas" in presenter.stage.value
    presenter.prev_button.click()
    assert "12 / 13" in text_of(presenter.stage.value)
    other = load_catalogue().cases[3]
    presenter.case_dropdown.value = other.slug
    assert presenter.model.position == 0 and other.title in text_of(presenter.stage.value)


def test_quiz_panel_reveals_and_keeps_score(chapter):
    panel = chapter.quiz
    q = panel.quiz.question
    assert " ".join(q.item.text.split())[:40] in " ".join(text_of(panel.question.value).split())
    wrong = next(k for k in PIECE_KEYS if k != q.piece)
    panel.answer_buttons[wrong].click()
    assert "Score: 0 van 1 goed" in text_of(panel.score.value)
    reveal = text_of(panel.reveal.value)
    assert get_piece(q.piece).name_nl in reveal and get_piece(q.piece).question_nl in reveal
    assert panel.answer_buttons[q.piece].button_style == "success"
    assert panel.answer_buttons[wrong].button_style == "danger"
    assert all(b.disabled for b in panel.answer_buttons.values())
    panel.next_button.click()
    q2 = panel.quiz.question
    panel.answer_buttons[q2.piece].click()
    assert "Score: 1 van 2 goed" in text_of(panel.score.value) and "Goed!" in text_of(panel.reveal.value)
    panel.reset_button.click()
    assert "Score: 0 van 0 goed" in text_of(panel.score.value) and panel.reveal.value == ""


def test_quiz_is_the_same_for_the_same_seed():
    one = ExamplesChapter(context=PageContext(), quiz_seed=5).quiz.question.value
    two = ExamplesChapter(context=PageContext(lang="en"), quiz_seed=5).quiz.quiz.question
    assert html.escape(two.item.label().split("\n")[0], quote=True)[:30] in one
