"""The ten example Purpose Cases of the publication, from ``data/cases/*.yaml``.

Source: Katapult, "Maatschappelijke uitdagingen los je samen op!", part
"10 inspirerende voorbeelden uitgewerkt in Purpose Cases". Each file cites
its pages.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .model import CaseFileError, PurposeCase
from .pieces import PIECE_KEYS


def cases_dir() -> Path:
    """Return the folder holding the case files.

    ``PURPOSECASE_CASES_DIR`` overrides the default ``<repo>/data/cases`` (or the
    copy installed inside the package as ``purposecase/_data/cases``).
    """
    env = os.environ.get("PURPOSECASE_CASES_DIR")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    packaged = here / "_data" / "cases"
    if packaged.is_dir():
        return packaged
    return here.parent / "data" / "cases"


@dataclass(frozen=True)
class CaseCatalogue:
    """The cases that loaded, and the files that did not.

    Attributes:
        cases: loaded cases, sorted by title.
        errors: one :class:`CaseFileError` per file that failed to load.
    """

    cases: tuple[PurposeCase, ...]
    errors: tuple[CaseFileError, ...]

    def get(self, slug: str) -> PurposeCase:
        """Return the case with ``slug``.

        Raises:
            KeyError: if no loaded case has that slug.
        """
        for case in self.cases:
            if case.slug == slug:
                return case
        raise KeyError(slug)

    def sectors(self) -> list[str]:
        """Return the distinct sectors, sorted."""
        return sorted({c.sector for c in self.cases if c.sector})


def load_catalogue(directory: str | Path | None = None) -> CaseCatalogue:
    """Load every ``*.yaml`` case in ``directory`` (default :func:`cases_dir`).

    A file that fails to load does not stop the others: it is reported in
    :attr:`CaseCatalogue.errors`. A slug that appears twice is an error for the
    second file.
    """
    directory = Path(directory) if directory is not None else cases_dir()
    return _load_catalogue_cached(str(directory.resolve()), _dir_stamp(directory))


def _dir_stamp(directory: Path) -> tuple[tuple[str, float, int], ...]:
    try:
        return tuple((p.name, p.stat().st_mtime, p.stat().st_size) for p in sorted(directory.glob("*.y*ml")))
    except OSError:
        return ()


@lru_cache(maxsize=8)
def _load_catalogue_cached(directory: str, stamp: tuple) -> CaseCatalogue:
    cases: list[PurposeCase] = []
    errors: list[CaseFileError] = []
    seen: set[str] = set()
    for path in sorted(Path(directory).glob("*.y*ml")):
        try:
            case = PurposeCase.from_file(path)
        except CaseFileError as exc:
            errors.append(exc)
            continue
        if case.slug in seen:
            errors.append(CaseFileError.single(str(path), "duplicate", f"duplicate slug {case.slug!r}", "slug"))
            continue
        seen.add(case.slug)
        cases.append(case)
    cases.sort(key=lambda c: c.title.casefold())
    return CaseCatalogue(tuple(cases), tuple(errors))


def list_cases() -> list[PurposeCase]:
    """Return the ten publication cases (those that load), sorted by title."""
    return list(load_catalogue().cases)


def load_case(slug: str) -> PurposeCase:
    """Return one publication case by slug, e.g. ``load_case("house-of-hospitality")``.

    Raises:
        KeyError: if no case file has that slug.
        CaseFileError: if the case's own file is broken.
    """
    path = cases_dir() / f"{slug}.yaml"
    if path.exists():
        return PurposeCase.from_file(path)
    return load_catalogue().get(slug)


_QUOTES = str.maketrans({"’": "'", "‘": "'", "‛": "'", "`": "'", "“": '"', "”": '"', "„": '"'})


def _fold(text: str) -> str:
    """Casefold, strip accents and straighten quotes, for accent- and quote-insensitive search.

    "continuiteit" finds "Continuïteit" and "ICT'ers" finds "ICT’ers". Each character folds on
    its own, so offsets stay mappable to the original text.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_QUOTES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class SearchHit:
    """One search hit: the case, the piece (or metadata field) and the matching text.

    Attributes:
        slug: the case's slug.
        title: the case's title.
        piece: a piece key, or ``"summary"`` / ``"quote"`` for metadata.
        text: the full item text (with partner prefix).
        spans: ``(start, end)`` character offsets of each match in ``text``.
    """

    slug: str
    title: str
    piece: str
    text: str
    spans: tuple[tuple[int, int], ...]


@lru_cache(maxsize=65536)
def _folded(text: str) -> str:
    return _fold(text)


def _spans(text: str, needle: str) -> tuple[tuple[int, int], ...]:
    """Return the ``(start, end)`` offsets in ``text`` of every match of the folded ``needle``."""
    folded = _folded(text)
    if needle not in folded:
        return ()
    if len(folded) != len(text):
        # a character folded into several (a ligature): map offsets character by character
        folded_chars = [_fold(ch) or ch for ch in text]
        folded = "".join(folded_chars)
        index: list[int] = []
        for i, part in enumerate(folded_chars):
            index.extend([i] * len(part))
        index.append(len(text))
        out, start = [], 0
        while (pos := folded.find(needle, start)) != -1:
            out.append((index[pos], index[pos + len(needle) - 1] + 1))
            start = pos + max(1, len(needle))
        return tuple(out)
    out, start = [], 0
    while (pos := folded.find(needle, start)) != -1:
        out.append((pos, pos + len(needle)))
        start = pos + max(1, len(needle))
    return tuple(out)


def search(query: str, cases: list[PurposeCase] | tuple[PurposeCase, ...] | None = None) -> list[SearchHit]:
    """Find ``query`` in every item of ``cases`` (default: the publication cases).

    Matching is case- and accent-insensitive on the whole query string (words
    are not split). Hits are in case order, then canvas order; the case's
    summary and quote are searched too.

    Returns:
        A list of :class:`SearchHit`; empty for a blank query.
    """
    needle = _fold(re.sub(r"\s+", " ", query).strip())
    if not needle:
        return []
    if cases is None:
        cases = list_cases()
    hits: list[SearchHit] = []
    for case in cases:
        for key in PIECE_KEYS:
            for item in case.items(key):
                label = item.label()
                spans = _spans(label, needle)
                if spans:
                    hits.append(SearchHit(case.slug, case.title, key, label, spans))
        for field in ("summary", "quote"):
            text = getattr(case, field)
            spans = _spans(text, needle) if text else ()
            if spans:
                hits.append(SearchHit(case.slug, case.title, field, text, spans))
    return hits
