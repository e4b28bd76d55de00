"""Trainer mode (pure logic): present a case piece by piece, and a quiz on the ten cases.

No ipywidgets here; :mod:`purposecase.ui.trainer` shows these models.

- :class:`Presentation`: an introduction slide, the eleven pieces in canvas order
  (:data:`purposecase.pieces.PIECE_KEYS`), and the whole canvas at the end.
- :class:`Quiz`: show an item from the publication's ten cases, let the group pick its
  piece among the eleven, keep score, then reveal the right piece with its question.
  Random but reproducible: the same ``seed`` gives the same questions.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from .model import Item, PurposeCase
from .pieces import PIECE_KEYS

SlideKind = Literal["intro", "piece", "canvas"]


@dataclass(frozen=True)
class Slide:
    """One slide of a presentation.

    Attributes:
        index: 0-based position.
        kind: ``"intro"`` (title, quote, summary), ``"piece"`` or ``"canvas"`` (all pieces).
        piece: the piece key for ``kind == "piece"``, else ``None``.
    """

    index: int
    kind: SlideKind
    piece: str | None = None


class Presentation:
    """A case shown piece by piece: intro, the eleven pieces, the whole canvas.

    Example:
        >>> p = Presentation(case)  # doctest: +SKIP
        >>> p.next().piece  # doctest: +SKIP
        'impact'
    """

    def __init__(self, case: PurposeCase) -> None:
        self.case = case
        self.slides: tuple[Slide, ...] = (
            Slide(0, "intro"),
            *(Slide(i + 1, "piece", key) for i, key in enumerate(PIECE_KEYS)),
            Slide(len(PIECE_KEYS) + 1, "canvas"),
        )
        self.position = 0

    @property
    def slide(self) -> Slide:
        """Return the current slide."""
        return self.slides[self.position]

    def __len__(self) -> int:
        return len(self.slides)

    def go(self, index: int) -> Slide:
        """Move to slide ``index``, clamped to the first and last slide; return it."""
        self.position = max(0, min(len(self.slides) - 1, int(index)))
        return self.slide

    def next(self) -> Slide:
        """Move one slide on (stays on the last); return the current slide."""
        return self.go(self.position + 1)

    def previous(self) -> Slide:
        """Move one slide back (stays on the first); return the current slide."""
        return self.go(self.position - 1)

    @property
    def at_start(self) -> bool:
        """Return whether the first slide is shown."""
        return self.position == 0

    @property
    def at_end(self) -> bool:
        """Return whether the last slide is shown."""
        return self.position == len(self.slides) - 1


@dataclass(frozen=True)
class QuizQuestion:
    """One quiz question: an item of a case and the piece it belongs to.

    Attributes:
        slug: the case's slug.
        title: the case's title.
        piece: the right answer (a piece key).
        item: the item shown.
    """

    slug: str
    title: str
    piece: str
    item: Item


MIN_ITEM_LENGTH = 12
"""Items shorter than this many characters (e.g. a lone "x") are too vague for the quiz."""


def quiz_questions(cases: Iterable[PurposeCase], min_length: int = MIN_ITEM_LENGTH) -> list[QuizQuestion]:
    """Return every usable question from ``cases``, in canvas order per case.

    An item is left out when it is shorter than ``min_length`` characters, or when the same
    text (case- and space-insensitive) stands in more than one piece somewhere, since then
    there is no single right answer.
    """
    questions = [
        QuizQuestion(c.slug, c.title, key, item) for c in cases for key, item in c.all_items()
        if len(item.text.strip()) >= min_length
    ]
    pieces_of: dict[str, set[str]] = {}
    for q in questions:
        pieces_of.setdefault(_norm(q.item.text), set()).add(q.piece)
    return [q for q in questions if len(pieces_of[_norm(q.item.text)]) == 1]


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


class QuizError(ValueError):
    """A quiz action out of turn (answering twice, answering before a question, no questions)."""


class Quiz:
    """The piece quiz: draw a question, take one answer, keep score.

    Args:
        cases: the cases to draw items from (the publication's ten).
        seed: seed of the random order; the same seed gives the same questions.

    Raises:
        QuizError: if the cases hold no usable item.
    """

    def __init__(self, cases: Iterable[PurposeCase], seed: int | None = None) -> None:
        self.pool = quiz_questions(cases)
        if not self.pool:
            raise QuizError("no usable items for a quiz")
        self._rng = random.Random(seed)
        self._deck: list[QuizQuestion] = []
        self.question: QuizQuestion | None = None
        self.answer_given: str | None = None
        self.asked = 0
        self.correct = 0

    @property
    def answered(self) -> bool:
        """Return whether the current question has been answered."""
        return self.answer_given is not None

    def next_question(self) -> QuizQuestion:
        """Draw the next question (every item once before any repeats) and return it."""
        if not self._deck:
            self._deck = list(self.pool)
            self._rng.shuffle(self._deck)
        self.question = self._deck.pop()
        self.answer_given = None
        return self.question

    def answer(self, piece: str) -> bool:
        """Record the group's answer ``piece`` for the current question; return whether it is right.

        Raises:
            QuizError: before the first question, or when the question was already answered.
            KeyError: for an unknown piece key.
        """
        if piece not in PIECE_KEYS:
            raise KeyError(f"unknown piece key {piece!r}")
        if self.question is None:
            raise QuizError("no question yet")
        if self.answered:
            raise QuizError("this question was already answered")
        self.answer_given = piece
        self.asked += 1
        right = piece == self.question.piece
        self.correct += int(right)
        return right

    def reset(self) -> None:
        """Set the score to 0 of 0 and forget the current question (the random order goes on)."""
        self.question = None
        self.answer_given = None
        self.asked = self.correct = 0
