"""The workspace's later steps as export parts: value propositions (step 4), Impact Roadmap (step 5), figures.

:class:`ExportBundle` takes the optional parts through a small contract
(:class:`~purposecase.export.bundle.Sectionable`: ``export_sections(lang)``)
and finished figures (:class:`~purposecase.export.bundle.ExportFigure`). This
module adapts what the steps store to that contract:

- :class:`ValuePropositionPart`: one target group's value proposition as two
  tables (the profile: jobs, pains, gains with their importance and what
  addresses them; the value map: products and services, pain relievers and gain
  creators with what they address) and its fit; an orphaned target group is
  marked as such. :class:`UnreadablePropositions` names stored propositions that
  could not be read (left out, never stopping the export);
- :class:`RoadmapPart`: the roadmap's steps and the partner × step effort, from
  :func:`purposecase.roadmap.roadmap_rows`, as two tables;
- :func:`workspace_figures`: the roadmap timeline (steps with a period), the
  give-and-take Sankey of step 3 (partners that give or get something) and the
  fit per target group of step 4, built with :mod:`purposecase.figures`; the
  slides render them with kaleido.

plotly and the step modules are imported inside the functions.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from ..messages import Translator
from .bundle import ExportBundle, ExportFigure, Section

if TYPE_CHECKING:  # pragma: no cover
    from ..valueprop import ValueProposition
    from ..workspace import WorkspaceSession

log = logging.getLogger(__name__)


def _number(value: Any, lang: str) -> str:
    if not value:
        return ""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".") if lang == "nl" else text


def _percent(share: float | None, t: Translator) -> str:
    return t("vp.nvt") if share is None else f"{round(100 * share)} %"


def has_content(vp: ValueProposition) -> bool:
    """Return whether a value proposition holds more than its seed: a job, pain, gain, reliever or creator.

    Step 4 starts a proposition for every target group of the shared case with the
    shared ``waarde`` as its products; until someone fills in the profile or the
    relievers and creators it repeats the shared case, so exports leave it out.
    """
    return bool(vp.taken or vp.pijnen or vp.voordelen or vp.pijnverzachters or vp.voordeelverschaffers)


@dataclass(frozen=True)
class ValuePropositionPart:
    """One target group's value proposition as export tables (implements ``Sectionable``).

    Attributes:
        proposition: the value proposition (reconciled with the shared case, so ``orphaned``
            is current and links to deleted pains or gains are gone).
    """

    proposition: ValueProposition

    def label(self, t: Translator) -> str:
        """Return the target group's name as exports show it, marked when orphaned or own."""
        vp = self.proposition
        if vp.orphaned:
            return f"{vp.doelgroep} ({t('vp.verweesd_kort')})"
        if vp.doelgroep_item_id is None:
            return f"{vp.doelgroep} ({t('vp.eigen_kort')})"
        return vp.doelgroep

    def export_sections(self, lang: str) -> list[Section]:
        """Return two sections: the profile and the value map, in ``lang``.

        The profile has one row per job, pain and gain (most important first within
        each) with columns part, text, importance (1–5) and the relievers or creators
        that address it (pains and gains only; "nog niet …" when none does). The value
        map has one row per product or service, pain reliever and gain creator with
        what it addresses. The profile's intro gives the fit (importance-weighted, see
        :func:`purposecase.valueprop.fit`); an orphaned target group says so first.
        An empty half gets one row saying so.
        """
        from ..valueprop import fit

        t = Translator(lang)
        vp = self.proposition
        f = fit(vp)
        pains = {p.id: p.text for p in vp.pijnen}
        gains = {g.id: g.text for g in vp.voordelen}

        def joined(texts: list[str], none: str) -> str:
            return "; ".join(texts) if texts else none

        profile: list[tuple[str, ...]] = [
            (t("export.vp_taak", soort=t(f"vp.soort.{j.soort}")), j.text, str(j.belang), "") for j in vp.ranked("taken")
        ]
        profile += [
            (t("export.vp_pijn"), p.text, str(p.belang),
             joined([r.text for r in vp.pijnverzachters if p.id in r.verzacht], t("export.vp_niet_verzacht")))
            for p in vp.ranked("pijnen")
        ]
        profile += [
            (t("export.vp_voordeel"), g.text, str(g.belang),
             joined([c.text for c in vp.voordeelverschaffers if g.id in c.creeert], t("export.vp_niet_gecreeerd")))
            for g in vp.ranked("voordelen")
        ]
        value_map: list[tuple[str, ...]] = [(t("export.vp_product"), p.text, "") for p in vp.producten]
        value_map += [
            (t("export.vp_pijnverzachter"), r.text,
             joined([pains[i] for i in r.verzacht if i in pains], t("vp.verzacht_niets")))
            for r in vp.pijnverzachters
        ]
        value_map += [
            (t("export.vp_voordeelverschaffer"), c.text,
             joined([gains[i] for i in c.creeert if i in gains], t("vp.creeert_niets")))
            for c in vp.voordeelverschaffers
        ]
        intro = t(
            "export.vp_fit", totaal=_percent(f.share, t), pijnen=_percent(f.pain_share, t),
            voordelen=_percent(f.gain_share, t),
        )
        if vp.orphaned:
            intro = t("export.vp_verweesd") + " " + intro
        label = self.label(t)
        return [
            Section(
                t("export.vp_profiel", doelgroep=label),
                (t("export.kol_profiel"), t("export.kol_item"), t("export.kol_belang"), t("export.kol_aangepakt")),
                tuple(profile) or ((t("export.kol_profiel"), t("vp.nog_niets"), "", ""),),
                intro,
            ),
            Section(
                t("export.vp_waardekaart", doelgroep=label),
                (t("export.kol_waardekaart"), t("export.kol_item"), t("export.kol_spreekt_aan")),
                tuple(value_map) or ((t("export.kol_waardekaart"), t("vp.nog_niets"), ""),),
            ),
        ]


@dataclass(frozen=True)
class UnreadablePropositions:
    """Stored value propositions that could not be read, named in the export (implements ``Sectionable``).

    Attributes:
        names: the target groups of the unreadable propositions as far as they could be read
            (``""`` where not even that); empty when the whole document could not be read.
    """

    names: tuple[str, ...] = ()

    def export_sections(self, lang: str) -> list[Section]:
        """Return one short section: a note that these were left out, and their names."""
        t = Translator(lang)
        rows = tuple((n or t("export.vp_naam_onbekend"),) for n in self.names) or ((t("export.vp_alle"),),)
        return [Section(t("export.vp_onleesbaar_titel"), (t("export.kol_doelgroep"),), rows, t("export.vp_onleesbaar"))]


@dataclass(frozen=True)
class UnreadableRoadmap:
    """A stored Impact Roadmap that could not be read, named in the export with why (implements ``Sectionable``).

    Attributes:
        problems: ``(where, what)`` per problem, e.g. ``("stap 1 · wat", "Input should be a valid string")``.
    """

    problems: tuple[tuple[str, str], ...] = ()

    def export_sections(self, lang: str) -> list[Section]:
        """Return one short section: the roadmap was left out, and each problem found."""
        t = Translator(lang)
        rows = self.problems or ((t("export.rm_alles"), ""),)
        return [
            Section(
                t("export.rm_onleesbaar_titel"), (t("export.kol_waar"), t("export.kol_probleem")), rows,
                t("export.rm_onleesbaar"),
            )
        ]

    @classmethod
    def from_error(cls, exc: BaseException, lang: str = "nl") -> UnreadableRoadmap:
        """Return the part for an unreadable roadmap (one row per problem of a ``RoadmapInputError``)."""
        t = Translator(lang)
        found = []
        for p in getattr(exc, "problems", ()):
            where = " · ".join(x for x in (t("export.rm_stap", n=p.step) if p.step else "", p.field) if x)
            found.append((where or "—", str(p.detail)[:200]))
        return cls(tuple(found))


def _name_of(entry: Any) -> str:
    name = entry.get("doelgroep") if isinstance(entry, dict) else None
    return " ".join(name.split())[:80] if isinstance(name, str) else ""


def read_value_propositions(session: WorkspaceSession) -> tuple[list[ValueProposition], tuple[str, ...]]:
    """Return the stored value propositions, reconciled with the shared case, and the names of unreadable ones.

    Nothing is written (no document is created, no reconciliation stored). When the
    document does not fit the schema, every proposition in it that does is still
    returned and the others are named (see :class:`UnreadablePropositions`).

    Returns:
        ``(propositions, unreadable)``: propositions in display order (the orphaned ones
        marked); ``unreadable`` the target-group names of stored entries that could not be
        read (``""`` for an entry without a readable name).

    Raises:
        CaseFileError: if the document cannot be read at all (another schema, no list of propositions).
        StoreUnavailable: if the database cannot be reached.
    """
    from pydantic import ValidationError

    from ..model import CaseFileError
    from ..valueprop import MAX_PROPOSITIONS, VALUE_PROPOSITIONS, ValueProposition, ValuePropositions, reconcile

    head = session.document(VALUE_PROPOSITIONS).load_raw()
    if head is None:
        return [], ()
    content = head.content
    unreadable: list[str] = []
    try:
        stored = ValuePropositions.from_content(content, source=f"value propositions {head.document_id}")
    except CaseFileError:
        raw = content.get("propositions") if isinstance(content, dict) else None
        if not isinstance(raw, list) or content.get("schema", 1) != 1:
            raise
        good: list[ValueProposition] = []
        for entry in raw:
            try:
                vp = ValueProposition.model_validate(entry)
            except ValidationError:
                unreadable.append(_name_of(entry))
                continue
            twice = any(
                p.id == vp.id or (vp.doelgroep_item_id and p.doelgroep_item_id == vp.doelgroep_item_id) for p in good
            )
            if twice or len(good) >= MAX_PROPOSITIONS:
                unreadable.append(vp.doelgroep)
                continue
            good.append(vp)
        stored = ValuePropositions(propositions=good)
    shared = session.document("shared_case").load().record
    return list(reconcile(stored, shared).document.propositions), tuple(unreadable)


def value_proposition_parts(
    session: WorkspaceSession,
) -> tuple[ValuePropositionPart | UnreadablePropositions, ...]:
    """Return the workspace's value propositions as export parts, one per target group with content.

    Propositions that hold only their seed (see :func:`has_content`) are left out; an
    orphaned one is kept and marked. Stored propositions that cannot be read come last
    as one :class:`UnreadablePropositions`; a document that cannot be read at all gives
    only that note (and is logged). Empty when step 4 has nothing to show.

    Raises:
        StoreUnavailable: if the database cannot be reached.
    """
    from ..model import CaseFileError

    try:
        propositions, unreadable = read_value_propositions(session)
    except CaseFileError:
        log.info("export: the value propositions could not be read; left out with a note")
        return (UnreadablePropositions(),)
    parts: list[ValuePropositionPart | UnreadablePropositions] = [
        ValuePropositionPart(vp) for vp in propositions if has_content(vp)
    ]
    if unreadable:
        log.warning("export: %d value proposition(s) could not be read; left out with a note", len(unreadable))
        parts.append(UnreadablePropositions(unreadable))
    return tuple(parts)


def give_and_take_export_figure(items: Sequence[Any], initiative: str, lang: str = "nl") -> ExportFigure | None:
    """Return give and take in both directions as a figure, or ``None`` until something is both given and got.

    Args:
        items: :class:`purposecase.figures.GiveTakeItem` per inbreng, middelen, waarde and
            opbrengsten item (:func:`purposecase.figures.give_and_take_items`).
        initiative: the middle node's label (the workspace's name).
        lang: language of the labels.
    """
    from ..figures import GET_PIECES, GIVE_PIECES, give_and_take_figure

    pieces = {i.piece for i in items}
    if not (pieces & set(GIVE_PIECES) and pieces & set(GET_PIECES)):
        return None  # one side only: nothing to weigh yet
    t = Translator(lang)
    names = {p: t(f"export.{d}_{p}") for d, ps in (("geeft", ("inbreng", "middelen")),
                                                 ("krijgt", ("waarde", "opbrengsten"))) for p in ps}
    fig = give_and_take_figure(
        items, title=t("export.figuur_geven_nemen"), initiative=initiative, piece_names=names,
        unassigned=t("export.niet_toegewezen"), gives=t("export.geeft").capitalize(),
        gets=t("export.krijgt").capitalize(),
    )
    return ExportFigure(t("export.figuur_geven_nemen"), fig)


def value_fit_export_figure(parts: Sequence[Any], lang: str = "nl") -> ExportFigure | None:
    """Return the fit per target group (step 4) as a figure, or ``None`` while no target group has pains or gains.

    Args:
        parts: export parts; only the :class:`ValuePropositionPart` among them count, in order.
        lang: language of the labels.
    """
    from dataclasses import replace

    from ..figures import value_fit_figure
    from ..valueprop import fit

    t = Translator(lang)
    fits = [replace(fit(p.proposition), doelgroep=p.label(t)) for p in parts if isinstance(p, ValuePropositionPart)]
    if not any(f.share is not None for f in fits):
        return None
    fig = value_fit_figure(
        fits, title=t("vp.figuur.titel"), pains=t("vp.fit.pijnen"), gains=t("vp.fit.voordelen"),
        overall=t("vp.fit.totaal"), not_applicable=t("vp.nvt"),
    )
    return ExportFigure(t("vp.figuur.titel"), fig)


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
        from ..figures import period_text

        t = Translator(lang)
        rows = []
        for s in self.steps:
            period = period_text(s.get("start"), s.get("eind"), lang)  # "feb 2026 – mei 2026", in ``lang``
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


def workspace_figures(
    session: WorkspaceSession, lang: str = "nl", *, value_propositions: Sequence[Any] = ()
) -> tuple[ExportFigure, ...]:
    """Return the figures of the workspace's later steps that have something to show.

    The roadmap timeline needs a step with a period; the give-and-take figure needs an
    inbreng, middelen, waarde or opbrengsten item in the shared case (organisations, not
    contact persons; see :func:`give_and_take_export_figure`);
    the fit per target group (:func:`value_fit_export_figure`) needs, among
    ``value_propositions`` (the export parts of step 4), a target group with pains or gains.
    """
    from ..figures import give_and_take_items, roadmap_timeline
    from ..roadmap import load_roadmap

    t = Translator(lang)
    figures = []
    roadmap = load_roadmap(session).roadmap
    if any(s.start or s.eind for s in roadmap.steps):
        names = {p.id: p.name for p in session.partners(include_removed=True)}
        fig = roadmap_timeline(
            roadmap, names, title=t("export.figuur_tijdlijn"), no_owner=t("export.geen_eigenaar"), lang=t.lang
        )
        figures.append(ExportFigure(t("export.figuur_tijdlijn"), fig))
    shared = session.document("shared_case").load().record
    organisations = {p.id: p.organisation or p.name for p in session.partners(include_removed=True)}
    figure = give_and_take_export_figure(give_and_take_items(shared, organisations), session.workspace().name, lang)
    if figure is not None:
        figures.append(figure)
    fit_figure = value_fit_export_figure(value_propositions, lang)
    if fit_figure is not None:
        figures.append(fit_figure)
    return tuple(figures)


def piece_status(session: WorkspaceSession) -> dict[str, str]:
    """Return the shared case's agreement status per piece (for :attr:`ExportBundle.piece_status`).

    Pass it only with the shared case: ``ExportBundle(..., piece_status=piece_status(session))``.
    """
    from ..pieces import PIECE_KEYS

    shared = session.document("shared_case").load().record
    return {key: shared.status(key) for key in PIECE_KEYS}


class LaterSteps(NamedTuple):
    """What the later steps add to a workspace export (see :func:`later_steps`).

    Attributes:
        value_propositions: step-4 parts, one per target group with content (empty while none).
        roadmap: the step-5 part, or ``None`` while the roadmap has no steps.
        figures: the figures for the slides.
    """

    value_propositions: tuple[ValuePropositionPart | UnreadablePropositions, ...]
    roadmap: RoadmapPart | None
    figures: tuple[ExportFigure, ...]


def later_steps(session: WorkspaceSession, lang: str = "nl") -> LaterSteps:
    """Return the value propositions, the roadmap and the figures for a workspace export.

    An export must not fail because a later step's document is unreadable: the
    problem is logged and that part is left out (unreadable value propositions are
    named in the export, see :func:`value_proposition_parts`).
    """
    propositions: tuple[ValuePropositionPart | UnreadablePropositions, ...] = ()
    part: RoadmapPart | UnreadableRoadmap | None = None
    figures: tuple[ExportFigure, ...] = ()
    # a problem is logged (info: a command-line export prints no traceback) and named in the file itself
    try:
        propositions = value_proposition_parts(session)
    except Exception as exc:  # noqa: BLE001 - leave the part out, keep the export
        log.info("export: the value propositions could not be read; left out with a note: %s", exc)
        propositions = (UnreadablePropositions(),)
    try:
        part = roadmap_part(session)
    except Exception as exc:  # noqa: BLE001 - leave the part out, keep the export
        log.info("export: the roadmap could not be read; left out with a note: %s", exc)
        part = UnreadableRoadmap.from_error(exc, lang)
    try:
        figures = workspace_figures(session, lang, value_propositions=propositions)
    except Exception as exc:  # noqa: BLE001 - leave the figures out, keep the export
        log.info("export: the figures could not be made; left out: %s", exc)
    return LaterSteps(propositions, part, figures)


def workspace_bundle(
    session: WorkspaceSession, subject: str = "shared", *, partner_id: str | None = None, lang: str = "nl"
) -> ExportBundle:
    """Return an :class:`~purposecase.export.ExportBundle` of what ``session`` may export.

    Args:
        session: the page's or the CLI's session; its link decides what is readable.
        subject: ``"shared"`` (the shared Purpose Case; every role) or ``"draft"``
            (a partner's draft: the own draft for a partner; a *shared* draft,
            named by ``partner_id``, for trekker and viewer).
        partner_id: the draft's partner (trekker and viewer, subject ``"draft"``).
        lang: language of the file's labels.

    The bundle's drafts are those the session may read: the own draft for a
    partner, the shared drafts for trekker and viewer. The value propositions
    (step 4, one part per target group; orphaned ones marked), the Impact Roadmap
    (step 5) and the figures of the later steps (roadmap timeline, give and take,
    fit per target group) come along when they have content (:func:`later_steps`).

    Raises:
        Forbidden: for a draft this session may not read.
        ValueError: for an unknown subject.
    """
    from ..workspace import SHARED, SHARED_CASE, Forbidden
    from .bundle import DraftLine, ExportBundle, PartnerLine, slugify

    t = Translator(lang)
    workspace = session.workspace()
    partners = session.partners()
    lines = {p.id: PartnerLine(p.name, p.organisation, p.role) for p in session.partners(include_removed=True)}
    own = session.access.partner_id if session.role == "partner" else None
    if own is not None:
        mine = session.my_draft()
        drafts = (DraftLine(lines[own], mine.draft, mine.document.state),)
    else:
        drafts = tuple(DraftLine(lines[p.id], d, SHARED) for p, d in session.shared_drafts())
    if subject == "shared":
        shared = session.document(SHARED_CASE).load().record
        case = shared.as_case(workspace.name, slug=slugify(workspace.name, "gedeelde-case"))
        label = t("export.gedeelde_case")
    elif subject == "draft":
        if own is not None:
            if partner_id not in (None, own):
                raise Forbidden("a partner exports only their own draft")
            draft, name = session.my_draft().draft, lines[own].name
        else:
            if partner_id is None:
                raise ValueError("partner_id is required to export another partner's draft")
            draft, name = session.draft_of(partner_id).draft, lines[partner_id].name
        case = draft.as_case(workspace.name)
        label = t("export.concept_van", naam=name)
    else:
        raise ValueError(f"unknown export subject {subject!r}; expected 'shared' or 'draft'")
    later = later_steps(session, t.lang)
    return ExportBundle(
        case=case, label=label, workspace=workspace.name,
        partners=tuple(lines[p.id] for p in partners), drafts=drafts, lang=t.lang,
        value_propositions=later.value_propositions or None, roadmap=later.roadmap, figures=later.figures,
        piece_status=piece_status(session) if subject == "shared" else {},
    )
