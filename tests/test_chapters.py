"""The chapter catalogue: nine fixed chapters, availability from the notebooks folder, steps."""

import shutil
from pathlib import Path

import pytest

from purposecase.chapters import (
    CHAPTERS,
    STEPS,
    available_chapters,
    chapters_for_step,
    get_chapter,
    neighbours,
)
from purposecase.messages import LANGUAGES, all_keys

ROOT = Path(__file__).resolve().parents[1]

DESIGN_ORDER = [
    "00_welkom.ipynb",
    "01_waardecreatie.ipynb",
    "02_purpose_case.ipynb",
    "03_voorbeelden.ipynb",
    "04_zelf_invullen.ipynb",
    "05_samen_puzzelen.ipynb",
    "06_waardepropositie.ipynb",
    "07_impact_roadmap.ipynb",
    "08_delen.ipynb",
]


def test_nine_chapters_in_design_order():
    assert [c.notebook for c in CHAPTERS] == DESIGN_ORDER
    assert [c.number for c in CHAPTERS] == list(range(9))
    assert all(c.notebook.startswith(f"{c.number:02d}_") for c in CHAPTERS)


def test_titles_exist_in_both_languages():
    for lang in LANGUAGES:
        keys = all_keys(lang)
        for c in CHAPTERS:
            assert c.title_key in keys and c.short_key in keys


def test_every_step_has_a_chapter():
    for step in STEPS:
        assert chapters_for_step(step)
    assert chapters_for_step(1)[0].notebook == "04_zelf_invullen.ipynb"
    assert chapters_for_step(5)[0].notebook == "07_impact_roadmap.ipynb"
    with pytest.raises(ValueError):
        chapters_for_step(6)


def test_get_chapter():
    assert get_chapter("03_voorbeelden.ipynb").key == "voorbeelden"
    with pytest.raises(KeyError):
        get_chapter("99_nope.ipynb")


def test_the_chapters_of_this_issue_exist():
    present = {c.notebook for c in available_chapters()}
    assert {"00_welkom.ipynb", "01_waardecreatie.ipynb", "02_purpose_case.ipynb", "03_voorbeelden.ipynb"} <= present


def test_availability_follows_the_folder(tmp_path):
    for name in ("00_welkom.ipynb", "03_voorbeelden.ipynb"):
        shutil.copy(ROOT / "notebooks" / "03_voorbeelden.ipynb", tmp_path / name)
    assert [c.number for c in available_chapters(tmp_path)] == [0, 3]
    before, after = neighbours("03_voorbeelden.ipynb", tmp_path)
    assert before.number == 0 and after is None
    # a chapter that appears later is picked up without a code change
    shutil.copy(ROOT / "notebooks" / "03_voorbeelden.ipynb", tmp_path / "07_impact_roadmap.ipynb")
    assert neighbours("03_voorbeelden.ipynb", tmp_path)[1].number == 7
    assert neighbours("00_welkom.ipynb", tmp_path)[0] is None


def test_availability_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PURPOSECASE_NOTEBOOKS", str(tmp_path))
    assert available_chapters() == ()
    (tmp_path / "08_delen.ipynb").write_text("{}")
    assert [c.key for c in available_chapters()] == ["delen"]
