"""The ten cases against the publication's text (../shared/seed).

Checks that every item's wording occurs in its case's canvas region of the
seed (exact wording: only whitespace, wrap hyphens and list bullets may differ),
and that every text line of the canvas region lands in some item.
Skips when the seed is not beside the checkout.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from purposecase.examples import list_cases
from purposecase.pieces import PIECE_KEYS

SEED_NAME = "000_cfd813b4b661c106.txt"


def _find_seed() -> Path:
    """Return the publication text: ``PURPOSECASE_SEED``, else ``shared/seed/`` beside an ancestor folder."""
    env = os.environ.get("PURPOSECASE_SEED")
    if env:
        return Path(env)
    for folder in Path(__file__).resolve().parents:
        candidate = folder / "shared" / "seed" / SEED_NAME
        if candidate.exists():
            return candidate
    return Path("shared") / "seed" / SEED_NAME


SEED = _find_seed()

# On CI (a clone with shared/ beside it) the seed must be found: a silent skip would hide the check.
pytestmark = pytest.mark.skipif(
    not SEED.exists() and os.environ.get("CI") != "true", reason=f"publication text not found ({SEED})"
)


def canon(text: str) -> str:
    """Drop whitespace, bullets, dashes and replacement characters (case is kept: wording must be exact)."""
    return re.sub(r"[\s•\-–\u00ad\ufffd]+", "", text)


def canvas_regions() -> list[tuple[str, list[str]]]:
    """Return ``(case name, region lines)`` for each ``PURPOSE CASE`` canvas in the seed.

    A region runs from the line after ``PURPOSE CASE`` to the next ``Werken aan``
    (or the Value Proposition chapter for the last case). The first
    ``PURPOSE CASE`` (the empty template) and the ``PURPOSE CASES`` heading are skipped.
    """
    lines = SEED.read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == "PURPOSE CASE"][1:]
    regions = []
    for s in starts:
        end = s + 1
        while end < len(lines) and not lines[end].strip().startswith(("Werken aan", "Wat is het Waarde")):
            end += 1
        regions.append(lines[s + 1 : end])
    return regions


def _case_region(title: str) -> list[str]:
    want = canon(title).casefold()
    for region in canvas_regions():
        if any(canon(line).casefold() == want for line in region):
            return region
    raise AssertionError(f"no canvas region in the seed names {title!r}")


CASES = list_cases()


def test_ten_cases_ten_regions():
    assert len(canvas_regions()) == 10
    assert len(CASES) == 10


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.slug)
def test_every_item_is_worded_as_in_the_publication(case):
    region = canon("\n".join(_case_region(case.title)))
    for key in PIECE_KEYS:
        for item in case.items(key):
            assert canon(item.label()) in region, f"{case.slug}/{key}: {item.label()!r} not in the canvas text"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.slug)
def test_every_canvas_line_lands_in_an_item(case):
    items = [canon(it.label()) for _, it in case.all_items()]
    title = canon(case.title).casefold()
    for line in _case_region(case.title):
        # " | " separates entries in the publication: each part must land in an item
        for part in line.split("|"):
            c = canon(part)
            if not c or c.isdigit() or c.casefold() == title:
                continue
            assert any(c in it for it in items), f"{case.slug}: canvas text {part.strip()!r} is in no item"
