"""The workspace's later steps as export parts: the Impact Roadmap (step 5) and figures.

:class:`ExportBundle` takes the optional parts through a small contract
(:class:`~purposecase.export.bundle.Sectionable`: ``export_sections(lang)``)
and finished figures (:class:`~purposecase.export.bundle.ExportFigure`). This
module adapts what the steps store to that contract:

- :class:`RoadmapPart`: the roadmap's steps and the partner × step effort, from
  :func:`purposecase.roadmap.roadmap_rows`, as two tables;
- :func:`workspace_figures`: the roadmap timeline (steps with a period) and the
  give-and-take Sankey of step 3 (partners that give or get something), built
  with :mod:`purposecase.figures`; the slides render them with kaleido.

Value propositions (step 4) plug in the same way once their records exist.
plotly and the step modules are imported inside the functions.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..messages import Translator
from .bundle import ExportFigure, Section

if TYPE_CHECKING:  # pragma: no cover
    from ..workspace import WorkspaceSession

log = logging.getLogger(__name__)


def _number(value: Any, lang: str) -> str:
    if not value:
        return ""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".") if lang == "nl" else text


@dataclass(frozen=True)
class RoadmapPart:
    """The Impact Roadmap as export tables (implements ``Sectionable``).

    Attributes:
        steps: one row per step (:meth:`purposecase.roadmap.ImpactRoadmap.to_rows`).
        effort: partner × step effort rows (:meth:`purposecase.roadmap.EffortMatrix.to_rows`).
    """

    steps: tuple[dict[str, Any], ...]
    effort: tuple[dict[str, Any], ...] = ()

    def export_sections(self, lang: str) -> list[Section]:
        """Return the steps table and, when anyone put in hours or euros, the effort table."""
        t = Translator(lang)
        rows = []
        for s in self.steps:
            period = " – ".join(x for x in (s.get("start"), s.get("eind")) if x)
            rows.append(
                (
                    str(s.get("stap", "")), s.get("wat", ""), s.get("eigenaren", ""), s.get("skills", ""),
                    s.get("middelen", ""), s.get("belemmeringen", ""), s.get("opbrengst", ""), period,
                )
            )
        columns = (
            t("export.kol_stap"), t("export.kol_wat"), t("export.kol_wie"), t("export.kol_skills"),
            t("export.kol_middelen"), t("export.kol_belemmeringen"), t("export.kol_opbrengst"), t("export.kol_periode"),
        )
        sections = [Section(t("export.roadmap_stappen"), columns, tuple(rows))]
        effort = [r for r in self.effort if r.get("uren") or r.get("euro")]
        if effort:
            sections.append(
                Section(
                    t("export.roadmap_inzet"),
                    (t("export.kol_partner"), t("export.kol_stap"), t("export.kol_uren"), t("export.kol_euro")),
                    tuple(
                        (str(r["partner"]), str(r["stap"]), _number(r.get("uren"), lang), _number(r.get("euro"), lang))
                        for r in effort
                    ),
                )
            )
        return sections


def roadmap_part(session: WorkspaceSession) -> RoadmapPart | None:
    """Return the workspace's roadmap as an export part, or ``None`` while it has no steps."""
    from ..roadmap import roadmap_rows

    rows = roadmap_rows(session)
    if not rows["stappen"]:
        return None
    return RoadmapPart(tuple(rows["stappen"]), tuple(rows["inzet"]))


def workspace_figures(session: WorkspaceSession, lang: str = "nl") -> tuple[ExportFigure, ...]:
    """Return the figures of the workspace's later steps that have something to show.

    The roadmap timeline needs a step with a period; the give-and-take Sankey needs a
    partner who gives (inbreng) or gets (opbrengsten, waarde) something in the shared case.
    """
    from .. import puzzle
    from ..figures import give_and_take_sankey, roadmap_timeline
    from ..roadmap import load_roadmap

    t = Translator(lang)
    figures = []
    roadmap = load_roadmap(session).roadmap
    if any(s.start or s.eind for s in roadmap.steps):
        names = {p.id: p.name for p in session.partners(include_removed=True)}
        fig = roadmap_timeline(roadmap, names, title=t("export.figuur_tijdlijn"), no_owner=t("export.geen_eigenaar"))
        figures.append(ExportFigure(t("export.figuur_tijdlijn"), fig))
    shared = session._shared_case_for_export()
    drafts = {p.id: d for p, d in session.shared_drafts()} if session.role != "partner" else {}
    rows = puzzle.give_and_take(session.partners(), shared, drafts)
    if any(r.inbreng or r.krijgt for r in rows):
        fig = give_and_take_sankey(
            rows, title=t("export.figuur_geven_nemen"), initiative=session.workspace().name,
            gives=t("export.geeft"), gets=t("export.krijgt"),
        )
        figures.append(ExportFigure(t("export.figuur_geven_nemen"), fig))
    return tuple(figures)


def later_steps(session: WorkspaceSession, lang: str = "nl") -> tuple[RoadmapPart | None, tuple[ExportFigure, ...]]:
    """Return (roadmap part, figures) for a workspace export; a step that cannot be read is left out.

    An export must not fail because a later step's document is unreadable: the
    problem is logged and that part is simply left out.
    """
    part: RoadmapPart | None = None
    figures: tuple[ExportFigure, ...] = ()
    try:
        part = roadmap_part(session)
    except Exception:  # noqa: BLE001 - leave the part out, keep the export
        log.exception("export: the roadmap could not be read; left out")
    try:
        figures = workspace_figures(session, lang)
    except Exception:  # noqa: BLE001 - leave the figures out, keep the export
        log.exception("export: the figures could not be made; left out")
    return part, figures
