"""What an export holds: the case and its context, one record for every format.

:class:`ExportBundle` is the single input of every exporter in
:mod:`purposecase.export`. It carries the Purpose Case itself plus what a
poster, a slide deck or a spreadsheet shows around it (workspace name,
partners, date, the partners' drafts) and two optional parts that later steps
plug in:

- ``value_propositions`` (step 4) and ``roadmap`` (step 5): any objects that
  implement :class:`Sectionable` (``export_sections(lang) -> list[Section]``).
  Exporters render each :class:`Section` as a table: extra poster pages, slides,
  sheets, Markdown tables. While they are ``None`` those pages are simply left
  out.
- ``figures``: finished plotly figures (e.g. the roadmap timeline, the give-and-take
  figure of step 3) that the slide deck shows as images; none are passed today.

This module is light: no reportlab, pptx, openpyxl or plotly imports.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol, runtime_checkable
from zoneinfo import ZoneInfo

from ..model import PartnerDraft, PurposeCase

TIMEZONE = ZoneInfo("Europe/Amsterdam")


def today() -> date:
    """Return today's date in the Netherlands (the date printed on exports)."""
    return datetime.now(TIMEZONE).date()


@dataclass(frozen=True)
class Section:
    """A titled table that an optional part contributes to every format.

    Attributes:
        title: heading, e.g. ``"Waardepropositie: studenten"``.
        columns: column headings.
        rows: one tuple of cell texts per row, as long as ``columns``.
        intro: optional paragraph shown above the table.
    """

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    intro: str = ""


@runtime_checkable
class Sectionable(Protocol):
    """What the value propositions (step 4) and the Impact Roadmap (step 5) implement to be exported."""

    def export_sections(self, lang: str) -> list[Section]:
        """Return the part as titled tables, in ``lang`` ("nl" or "en")."""
        ...  # pragma: no cover - protocol


@dataclass(frozen=True)
class ExportFigure:
    """A finished figure to show as an image (slides): a title and a plotly ``go.Figure``.

    Attributes:
        title: slide title.
        figure: a ``plotly.graph_objects.Figure`` (typed ``Any`` so this module needs no plotly).
    """

    title: str
    figure: Any


@dataclass(frozen=True)
class PartnerLine:
    """A partner as exports name them.

    Attributes:
        name: the partner's name.
        organisation: organisation (may be empty).
        role: role in the collaboration (may be empty).
    """

    name: str
    organisation: str = ""
    role: str = ""

    def label(self) -> str:
        """Return ``"name (organisation)"`` or just the name."""
        if self.organisation and self.organisation != self.name:
            return f"{self.name} ({self.organisation})"
        return self.name


@dataclass(frozen=True)
class DraftLine:
    """One partner's draft, as far as the exporting session may read it.

    Attributes:
        partner: the partner.
        draft: the draft.
        state: ``"prive"`` or ``"gedeeld"``.
    """

    partner: PartnerLine
    draft: PartnerDraft
    state: str = ""


@dataclass(frozen=True)
class ExportBundle:
    """Everything one export shows.

    Attributes:
        case: the Purpose Case (the shared case, a draft as a case, or a publication case).
        label: what the case is, in the user's language, e.g. ``"Gedeelde Purpose Case"``,
            ``"Concept van Ans"`` or ``"Voorbeeld uit de publicatie"``; ``""`` to leave out.
        workspace: the workspace's name, or ``None`` outside a workspace.
        partners: the workspace's partners (empty for a publication case).
        date: the date printed on the export (default: today in the Netherlands).
        drafts: partner drafts the session may read (spreadsheet, Markdown).
        value_propositions: step-4 parts (see :class:`Sectionable`), ``None`` while absent.
        roadmap: the step-5 Impact Roadmap (see :class:`Sectionable`), ``None`` while absent.
        figures: figures for the slides (roadmap timeline, give and take), empty while absent.
        lang: ``"nl"`` or ``"en"``: language of every label in the file.
        piece_status: piece key → ``"leeg"``, ``"in_bespreking"`` or ``"akkoord"`` (the shared
            case's :meth:`~purposecase.model.SharedCase.status`); empty when the case is not a
            shared case (a draft, a publication case): then no status is shown.
    """

    case: PurposeCase
    label: str = ""
    workspace: str | None = None
    partners: tuple[PartnerLine, ...] = ()
    date: date = field(default_factory=today)
    drafts: tuple[DraftLine, ...] = ()
    value_propositions: Sequence[Sectionable] | None = None
    roadmap: Sectionable | None = None
    figures: tuple[ExportFigure, ...] = ()
    lang: str = "nl"
    piece_status: Mapping[str, str] = field(default_factory=dict)

    def value_proposition_sections(self) -> list[Section]:
        """Return the value propositions as sections (empty while there are none)."""
        if not self.value_propositions:
            return []
        return [s for vp in self.value_propositions for s in vp.export_sections(self.lang)]

    def roadmap_sections(self) -> list[Section]:
        """Return the Impact Roadmap as sections (empty while there is none)."""
        return self.roadmap.export_sections(self.lang) if self.roadmap is not None else []

    def kind_text(self, purpose_case: str = "Purpose Case") -> str:
        """Return what the case is for a subtitle: ``"Purpose Case · <label>"``, without saying it twice."""
        if not self.label:
            return purpose_case
        if purpose_case.casefold() in self.label.casefold():
            return self.label
        return f"{purpose_case} · {self.label}"

    def date_text(self) -> str:
        """Return the date as printed: ``"30-11-2026"`` (nl) or ``"2026-11-30"`` (en)."""
        return self.date.isoformat() if self.lang == "en" else self.date.strftime("%d-%m-%Y")

    def sector_region(self) -> str:
        """Return ``"sector · region"`` of the case, the sector in the bundle's language; ``""`` when neither."""
        from ..messages import Translator

        return " · ".join(x for x in (sector_label(self.case.sector, Translator(self.lang)), self.case.region) if x)

    def item_count(self) -> int:
        """Return the number of items of the case."""
        return len(self.case.all_items())


def sector_label(sector: str | None, t: Any) -> str:
    """Return a publication case's sector in the user's language (``"Zorg en Welzijn"`` → "Health and social care").

    Sectors are data in Dutch (``data/cases``); their names per language are the
    messages ``sector.<key>`` (key: lower case, runs of other characters as ``_``, e.g.
    ``sector.sport_bewegen``). A sector without a message is shown as it is.

    Args:
        sector: the case's sector (may be ``None`` or empty).
        t: a :class:`purposecase.messages.Translator`.
    """
    if not sector:
        return ""
    key = "sector." + re.sub(r"[^a-z0-9]+", "_", sector.lower().replace("&", " ")).strip("_")
    return t(key) if t.has(key) else sector


def slugify(text: str, fallback: str = "purpose-case", max_length: int = 60) -> str:
    """Return a safe file-name stem: ASCII letters, digits and hyphens, e.g. ``"continuiteit-van-zorg"``.

    Accents are dropped (``ĳ`` → ``ij``, ``ë`` → ``e``); anything else becomes a
    hyphen; the result is at most ``max_length`` characters, cut between words
    where it can be, never empty.
    """
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    stem = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    if len(stem) > max_length:
        cut = stem[: max_length + 1]
        stem = cut.rsplit("-", 1)[0] if "-" in cut.strip("-") else stem[:max_length]
    return stem.strip("-") or fallback


def bundle_for_case(case: PurposeCase, *, lang: str = "nl", label: str = "", when: date | None = None) -> ExportBundle:
    """Return a bundle for a case outside any workspace (a publication example or a case file).

    Args:
        case: the case.
        lang: ``"nl"`` or ``"en"``.
        label: what the case is (e.g. "Voorbeeld uit de publicatie"); ``""`` to leave out.
        when: the date to print (default today).
    """
    return ExportBundle(case=case, label=label, lang=lang, date=when or today())
