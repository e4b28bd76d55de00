"""Text formats: Markdown for reading and mailing, JSON and YAML in the model's own schema.

JSON and YAML of a case are exactly :meth:`purposecase.model.PurposeCase.to_dict`:
the schema of the case files in ``data/cases`` (so an exported case can be
read back with :meth:`~purposecase.model.PurposeCase.from_file` or imported in
the workbook). A whole workspace is exported by :mod:`purposecase.backup`,
whose files carry a schema version (``purposecase_backup: 1``).
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from ..messages import Translator
from ..model import Item
from ..pieces import PIECES, get_piece
from .bundle import ExportBundle, Section, sector_label

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")


def md_escape(text: str) -> str:
    r"""Escape Markdown syntax in user text so it shows literally (CommonMark backslash escapes).

    Escapes ``\\ ` * _ [ ] < > | ~ &`` everywhere, and a leading ``#``, ``-``,
    ``+`` or ``1.`` that would start a heading or a list. Newlines stay newlines.
    """
    out = _MD_SPECIAL.sub(r"\\\1", text)
    out = re.sub(r"(?m)^(\s*)([-+#])", r"\1\\\2", out)
    return re.sub(r"(?m)^(\s*\d+)\.(?=\s|$)", r"\1\\.", out)


def md_unescape(text: str) -> str:
    """Undo :func:`md_escape` (for tests and round trips)."""
    return re.sub(r"\\(.)", r"\1", text)


def _md_item(item: Item, t: Translator) -> str:
    partner = f"**{md_escape(item.partner)}:** " if item.partner else ""
    kind = f" _({md_escape(t('soort.' + item.kind))})_" if item.kind else ""
    text = md_escape(item.text).replace("\n", "  \n  ")
    return f"- {partner}{text}{kind}"


def _md_table(section: Section) -> list[str]:
    def cell(value: str) -> str:
        return md_escape(value).replace("\n", "<br>")

    lines = [f"### {md_escape(section.title)}", ""]
    if section.intro:
        lines += [md_escape(section.intro), ""]
    lines.append("| " + " | ".join(cell(c) for c in section.columns) + " |")
    lines.append("|" + "---|" * len(section.columns))
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in section.rows]
    return [*lines, ""]


def case_markdown(bundle: ExportBundle) -> bytes:
    """Return ``bundle`` as Markdown (UTF-8): title, context, the eleven pieces, drafts, optional parts."""
    b, t = bundle, Translator(bundle.lang)
    lines = [f"# {md_escape(b.case.title)}", ""]
    meta = [b.kind_text(t("export.purpose_case"))]
    if b.workspace and b.workspace != b.case.title:
        meta.append(b.workspace)
    meta += [sector_label(b.case.sector, t), b.case.region, b.date_text()]
    lines += [" · ".join(md_escape(x) for x in meta if x), ""]
    if b.partners:
        lines += [f"**{md_escape(t('export.partners'))}:** " + ", ".join(md_escape(p.label()) for p in b.partners), ""]
    if b.case.summary:
        lines += [md_escape(b.case.summary), ""]
    for piece in PIECES:
        lines += [f"## {md_escape(piece.name(t.lang))}", "", f"_{md_escape(piece.question(t.lang))}_", ""]
        items = b.case.items(piece.key)
        lines += [_md_item(i, t) for i in items] if items else [f"_{md_escape(t('canvas.leeg'))}_"]
        lines.append("")
    for line in b.drafts:
        lines += [f"## {md_escape(t('export.concept_van', naam=line.partner.label()))}", ""]
        for key, items in line.draft.pieces.items():
            if items:
                lines += [f"### {md_escape(get_piece(key).name(t.lang))}", ""]
                lines += [_md_item(i, t) for i in items]
                lines.append("")
    for heading, sections in (
        (t("export.waardeproposities"), b.value_proposition_sections()),
        (t("export.roadmap"), b.roadmap_sections()),
    ):
        if sections:
            lines += [f"## {md_escape(heading)}", ""]
            for section in sections:
                lines += _md_table(section)
    source = [t("export.bron_instrument")]
    if b.case.source is not None:
        source.append(t("export.bron_case", bron=b.case.source.citation()))
    lines += ["---", "", md_escape(" · ".join([t("export.gemaakt", datum=b.date_text()), *source])), ""]
    return "\n".join(lines).encode("utf-8")


class _NoAliasDumper(yaml.SafeDumper):
    """A safe YAML dumper that never writes anchors or aliases (every value spelled out)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def yaml_dump(data: Any) -> str:
    """Return ``data`` as YAML: UTF-8 characters kept, keys in their order, no anchors/aliases."""
    return yaml.dump(data, Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False, width=100)


def json_dump(data: Any) -> str:
    """Return ``data`` as indented JSON with non-ASCII characters kept."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def case_json(bundle: ExportBundle) -> bytes:
    """Return the bundle's case as JSON in the case-file schema (:meth:`PurposeCase.to_dict`)."""
    return json_dump(bundle.case.to_dict()).encode("utf-8")


def case_yaml(bundle: ExportBundle) -> bytes:
    """Return the bundle's case as YAML in the case-file schema (:meth:`PurposeCase.to_dict`)."""
    return yaml_dump(bundle.case.to_dict()).encode("utf-8")
