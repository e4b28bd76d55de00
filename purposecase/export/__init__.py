"""Exports: a Purpose Case as poster PDF, PowerPoint, Excel, Markdown, JSON or YAML.

Every exporter is a pure function: an :class:`~purposecase.export.bundle.ExportBundle`
in, the file's bytes out. Heavy libraries (reportlab, python-pptx, openpyxl,
plotly/kaleido) are imported inside the functions that need them, so pages
that never export stay fast. No ipywidgets here.

Example:
    >>> from purposecase.examples import load_case
    >>> from purposecase.export import bundle_for_case, export_file
    >>> f = export_file(bundle_for_case(load_case("civ-water")), "pdf")
    >>> f.filename, f.media_type
    ('civ-water-….pdf', 'application/pdf')  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from .bundle import (
    DraftLine,
    ExportBundle,
    ExportFigure,
    PartnerLine,
    Section,
    Sectionable,
    bundle_for_case,
    slugify,
    today,
)

Format = Literal["pdf", "pptx", "xlsx", "md", "json", "yaml"]
FORMATS: tuple[str, ...] = get_args(Format)
"""Every export format, in the order the UI offers them."""

MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "md": "text/markdown",
    "json": "application/json",
    "yaml": "application/yaml",
}

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "DraftLine",
    "ExportBundle",
    "ExportFigure",
    "ExportFile",
    "Format",
    "PartnerLine",
    "Section",
    "Sectionable",
    "bundle_for_case",
    "export_bytes",
    "export_file",
    "file_name",
    "slugify",
    "today",
]


@dataclass(frozen=True)
class ExportFile:
    """A finished export: its bytes, a safe file name and its media type."""

    data: bytes
    filename: str
    media_type: str


def check_format(fmt: str) -> str:
    """Return ``fmt`` lower-cased if it is one of :data:`FORMATS`.

    Raises:
        ValueError: for an unknown format.
    """
    fmt = str(fmt).lower().lstrip(".")
    if fmt == "yml":
        fmt = "yaml"
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return fmt


def export_bytes(bundle: ExportBundle, fmt: str) -> bytes:
    """Return ``bundle`` in format ``fmt`` (one of :data:`FORMATS`).

    Raises:
        ValueError: for an unknown format.
        purposecase.export.fonts.FontMissing: (pdf) if DejaVu Sans cannot be found.
        purposecase.export.images.FigureExportError: (pptx) if a figure cannot be rendered.
    """
    fmt = check_format(fmt)
    if fmt == "pdf":
        from .poster import poster_pdf

        return poster_pdf(bundle)
    if fmt == "pptx":
        from .slides import slides_pptx

        return slides_pptx(bundle)
    if fmt == "xlsx":
        from .sheets import workbook_xlsx

        return workbook_xlsx(bundle)
    from . import text

    if fmt == "md":
        return text.case_markdown(bundle)
    if fmt == "json":
        return text.case_json(bundle)
    return text.case_yaml(bundle)


def file_name(stem: str, fmt: str, when: object = None, max_length: int = 60) -> str:
    """Return a safe download name: slugified ``stem`` (at most ``max_length``), the date when given, the extension.

    Example: ``file_name("Entree in Beweging", "pdf", date(2026, 11, 30))`` →
    ``"entree-in-beweging-2026-11-30.pdf"``.
    """
    fmt = check_format(fmt)
    date_part = f"-{when.isoformat()}" if hasattr(when, "isoformat") else ""
    return f"{slugify(stem, max_length=max_length)}{date_part}.{fmt}"


def export_file(bundle: ExportBundle, fmt: str) -> ExportFile:
    """Return ``bundle`` as an :class:`ExportFile` in format ``fmt`` (bytes, file name, media type).

    The file name is the case title and the bundle's date, e.g.
    ``"entree-in-beweging-2026-11-30.pdf"``; a draft's label is added so
    partners' files do not collide.

    Raises:
        ValueError: for an unknown format.
    """
    fmt = check_format(fmt)
    draft = bundle.label and bundle.case.slug == "concept"
    if draft:  # a long workspace name is shortened, the partner's name never: "…-concept-van-anouk-de-vries-…"
        stem, longest = f"{slugify(bundle.case.title, max_length=50)} {bundle.label}", 120
    else:
        stem, longest = bundle.case.title, 60
    return ExportFile(export_bytes(bundle, fmt), file_name(stem, fmt, bundle.date, longest), MEDIA_TYPES[fmt])
