"""The workbook's chapters: one notebook each, in the publication's order (DESIGN.md §7).

Pure data and a few look-ups; no ipywidgets. A chapter counts as *available*
when its notebook exists in :func:`purposecase.paths.notebooks_dir`, so the
navigation picks up chapters that other issues add without a code change.

The five steps are the publication's "Hoe nu verder?" (Katapult, "Maatschappelijke
uitdagingen los je samen op!", last page): 1 start a Purpose Case, 2 fill in the
template yourself first, 3 puzzle with your partners, 4 work out a Value
Proposition Canvas, 5 fill in the Impact Roadmap together.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

STEPS: tuple[int, ...] = (1, 2, 3, 4, 5)
"""The five steps of "Hoe nu verder?"."""


@dataclass(frozen=True)
class Chapter:
    """One chapter of the workbook.

    Attributes:
        number: 0–8, the order in the workbook.
        notebook: fixed file name, e.g. ``"03_voorbeelden.ipynb"`` (links stay stable).
        key: short ASCII key, e.g. ``"voorbeelden"``.
        title_key: message key of the full title (``nav.titel.<key>``).
        short_key: message key of the short label in the navigation bar (``nav.kort.<key>``).
        steps: which of the five steps (:data:`STEPS`) the chapter serves; empty for background chapters.
    """

    number: int
    notebook: str
    key: str
    title_key: str
    short_key: str
    steps: tuple[int, ...] = ()

    def is_available(self, folder: str | Path | None = None) -> bool:
        """Return whether the chapter's notebook exists in ``folder`` (default: the served notebooks)."""
        return (_folder(folder) / self.notebook).is_file()


CHAPTERS: tuple[Chapter, ...] = (
    Chapter(0, "00_welkom.ipynb", "welkom", "nav.titel.welkom", "nav.kort.welkom"),
    Chapter(1, "01_waardecreatie.ipynb", "waardecreatie", "nav.titel.waardecreatie", "nav.kort.waardecreatie"),
    Chapter(2, "02_purpose_case.ipynb", "purpose_case", "nav.titel.purpose_case", "nav.kort.purpose_case"),
    Chapter(3, "03_voorbeelden.ipynb", "voorbeelden", "nav.titel.voorbeelden", "nav.kort.voorbeelden"),
    Chapter(
        4, "04_zelf_invullen.ipynb", "zelf_invullen", "nav.titel.zelf_invullen", "nav.kort.zelf_invullen", (1, 2)
    ),
    Chapter(
        5, "05_samen_puzzelen.ipynb", "samen_puzzelen", "nav.titel.samen_puzzelen", "nav.kort.samen_puzzelen", (3,)
    ),
    Chapter(
        6,
        "06_waardepropositie.ipynb",
        "waardepropositie",
        "nav.titel.waardepropositie",
        "nav.kort.waardepropositie",
        (4,),
    ),
    Chapter(
        7, "07_impact_roadmap.ipynb", "impact_roadmap", "nav.titel.impact_roadmap", "nav.kort.impact_roadmap", (5,)
    ),
    Chapter(8, "08_delen.ipynb", "delen", "nav.titel.delen", "nav.kort.delen"),
)
"""All nine chapters in workbook order (DESIGN.md §7)."""

_BY_NOTEBOOK = {c.notebook: c for c in CHAPTERS}


def _folder(folder: str | Path | None) -> Path:
    if folder is not None:
        return Path(folder)
    from .paths import notebooks_dir

    return notebooks_dir()


def get_chapter(notebook: str) -> Chapter:
    """Return the chapter with file name ``notebook``.

    Raises:
        KeyError: if no chapter has that file name.
    """
    try:
        return _BY_NOTEBOOK[notebook]
    except KeyError:
        raise KeyError(f"unknown chapter notebook {notebook!r}") from None


def available_chapters(folder: str | Path | None = None) -> tuple[Chapter, ...]:
    """Return the chapters whose notebook exists in ``folder`` (default: the served notebooks), in order."""
    base = _folder(folder)
    return tuple(c for c in CHAPTERS if c.is_available(base))


def neighbours(notebook: str, folder: str | Path | None = None) -> tuple[Chapter | None, Chapter | None]:
    """Return the nearest *available* chapters before and after ``notebook`` (``None`` at either end).

    Chapters that are not available yet are skipped, so previous/next never
    lead to a missing page.

    Raises:
        KeyError: if ``notebook`` is not a chapter.
    """
    current = get_chapter(notebook)
    present = available_chapters(folder)
    before = [c for c in present if c.number < current.number]
    after = [c for c in present if c.number > current.number]
    return (before[-1] if before else None, after[0] if after else None)


def chapters_for_step(step: int) -> tuple[Chapter, ...]:
    """Return the chapters that serve ``step`` (1–5), in order.

    Raises:
        ValueError: for a step outside 1–5.
    """
    if step not in STEPS:
        raise ValueError(f"step must be one of {STEPS}, got {step!r}")
    return tuple(c for c in CHAPTERS if step in c.steps)
