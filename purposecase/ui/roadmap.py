"""Chapter "Stap 5: de Impact Roadmap": six steps from the joint ambition to impact.

The trekker writes the roadmap: per step what it is, the skills it needs, who
takes it (one or more partners of the workspace), resources and funding (text,
plus optional euros and hours per partner), obstacles each with its remedy, what
it yields, an optional period and which ambition or impact item it serves. One
step is edited at a time (fewer widgets, a faster page); the overview lists all
steps. Partners read the roadmap and react per step ("akkoord" — we commit —
or "vraag"); viewers read. Publication: "Wat is de Impact Roadmap?" and "Hoe nu
verder?" step 5.

Saving (DESIGN.md §4): autosave a few seconds after an edit, and a save button;
every save names the revision it started from. When someone saved in between
(another trekker tab), both versions are shown and the trekker combines them,
keeps theirs or keeps their own — never a silent overwrite. Figures (plotly) are
built only when their tab opens, so the page loads without plotly or pandas.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import ipywidgets as ipw
import traitlets as tl

from .. import roadmap as rm
from ..figures import NO_OWNER_COLOUR, format_number, owner_colours
from ..messages import Translator
from ..model import SharedCase
from ..pieces import get_piece
from ..roadmap import ImpactRoadmap, RoadmapInputError, RoadmapStep
from ..workspace import ROADMAP, ROADMAP_REACTIONS, SHARED_CASE, WorkspaceSession
from .common import (
    StatusLine,
    esc,
    message_html,
    safe_callback,
    subtitle_html,
)
from .editor import (
    ConflictPanel,
    DocumentEditorModel,
    EditorWords,
    HistoryPanel,
    SaveStateLine,
    StoredValues,
    WorkingCopy,
    after_typing,
)
from .export_button import DOCUMENT_FORMATS, ExportButton
from .links import chapter_url
from .shell import ChapterShell

NOTEBOOK = "07_impact_roadmap.ipynb"

log = logging.getLogger("purposecase.ui")
WORDS = EditorWords(
    saved="roadmap.staat.opgeslagen", nothing="roadmap.staat.nog_niets", unsaved="roadmap.staat.niet_opgeslagen",
    conflict="roadmap.staat.conflict", unreachable="roadmap.staat.onbereikbaar", explain="roadmap.conflict.uitleg",
    mine_title="roadmap.conflict.jouw_versie", theirs_title="roadmap.conflict.andere_versie",
    keep_mine="roadmap.conflict.mijn", take_theirs="roadmap.conflict.hun", combine="roadmap.conflict.combineer",
    version="roadmap.geschiedenis.versie", line="roadmap.geschiedenis.regel",
    version_n="roadmap.geschiedenis.versie_n", restore="roadmap.geschiedenis.herstel",
    restored="roadmap.geschiedenis.hersteld",
)
"""The roadmap editor's message keys."""

_STATUS = {"ok": "roadmap.status.ok", "let_op": "roadmap.status.let_op"}
_BADGE = {"ok": "done", "let_op": "busy"}
_REACTION = {"akkoord": "roadmap.reactie.akkoord", "vraag": "roadmap.reactie.vraag"}
_PIECE_LABEL = {"gezamenlijke_ambitie": "roadmap.dient.ambitie", "impact": "roadmap.dient.impact"}


# ----------------------------------------------------------------- view data
@dataclass
class RoadmapView:
    """What the HTML helpers need besides the roadmap: names, colours, items, reactions, language.

    Attributes:
        t: translator.
        names: partner id → name, for every partner ever in the workspace.
        active: ids of the active partners, in workspace order.
        colours: partner id → colour (:func:`purposecase.figures.owner_colours`).
        items: shared-case item id → ``(piece key, text)`` of the ambition and impact items.
        reactions: ``{partner_id: {step_id: {"soort", "opmerking"}}}``.
    """

    t: Translator
    names: dict[str, str]
    active: list[str]
    colours: dict[str, str]
    items: dict[str, tuple[str, str]]
    reactions: dict[str, dict[str, dict[str, str]]]

    def name(self, pid: str) -> str:
        """Return a partner's name, with "(verwijderd)" for a removed partner."""
        name = self.names.get(pid, pid)
        return name if pid in self.active else self.t("roadmap.verwijderd_naam", naam=name)


def owner_html(pid: str | None, view: RoadmapView) -> str:
    """Return a partner as a coloured chip (escaped); a removed partner is marked and flagged."""
    if pid is None:
        return (
            f'<span class="pc-owner pc-owner-none" style="--pc-owner: {NO_OWNER_COLOUR}">'
            f"{esc(view.t('roadmap.geen_eigenaar'))}</span>"
        )
    removed = " pc-owner-removed" if pid not in view.active else ""
    colour = view.colours.get(pid, NO_OWNER_COLOUR)
    return f'<span class="pc-owner{removed}" style="--pc-owner: {colour}">{esc(view.name(pid))}</span>'


def period_text(step: RoadmapStep, t: Translator) -> str:
    """Return the step's period as text: ``"2026-01 – 2026-03"``, one month, or "geen periode"."""
    months = step.months()
    if months is None:
        return t("roadmap.geen_periode")
    return months[0] if months[0] == months[1] else f"{months[0]} – {months[1]}"


def reactions_summary(step_id: str, view: RoadmapView) -> list[tuple[str, str, str]]:
    """Return ``(partner name, soort, comment)`` of every reaction to a step."""
    out = []
    for pid, steps in view.reactions.items():
        r = steps.get(step_id)
        if r and r.get("soort") in _REACTION:
            out.append((view.names.get(pid, pid), r["soort"], r.get("opmerking", "")))
    return out


def reactions_html(step_id: str, view: RoadmapView) -> str:
    """Return the partners' reactions to one step (escaped), or ``""``."""
    rows = [
        f'<li class="pc-reaction pc-reaction-{soort}"><b>{esc(name)}</b> {esc(view.t(_REACTION[soort]))}'
        f"{': ' + esc(comment) if comment else ''}</li>"
        for name, soort, comment in reactions_summary(step_id, view)
    ]
    return f'<ul class="pc-reactions">{"".join(rows)}</ul>' if rows else ""


def overview_html(roadmap: ImpactRoadmap, view: RoadmapView, selected: int | None = None) -> str:
    """Return the table of all steps: number, what, who, period, hours, euros, flags and reactions (escaped)."""
    t = view.t
    if not roadmap.steps:
        return f'<p class="pc-empty">{esc(t("roadmap.nog_geen_stappen"))}</p>'
    body = []
    for n, step in enumerate(roadmap.steps, start=1):
        owners = "".join(owner_html(p, view) for p in step.eigenaren) or owner_html(None, view)
        flags = "".join(
            f'<div class="pc-msg pc-msg-warning pc-rm-flag">{esc(t("roadmap.vlag", naam=view.names.get(p, p)))}</div>'
            for p in step.eigenaren
            if p not in view.active
        )
        reacts = reactions_summary(step.id, view)
        akkoord = sum(1 for _, s, _ in reacts if s == "akkoord")
        vragen = sum(1 for _, s, _ in reacts if s == "vraag")
        react_text = ""
        if reacts:
            react_text = esc(t("roadmap.reacties_telling", akkoord=akkoord, vragen=vragen))
        current = ' class="pc-rm-selected" aria-current="true"' if selected == n - 1 else ""
        body.append(
            f'<tr{current} data-step="{n}"><th scope="row">{n}</th>'
            f'<td class="pc-rm-wat">{esc(step.wat) or "<i>" + esc(t("roadmap.zonder_titel")) + "</i>"}{flags}</td>'
            f"<td>{owners}</td><td>{esc(period_text(step, t))}</td>"
            f'<td class="pc-num">{esc(format_number(step.uren(), t.lang))}</td>'
            f'<td class="pc-num">{esc(format_number(step.euro(), t.lang, 0))}</td>'
            f"<td>{react_text}</td></tr>"
        )
    head = "".join(
        f'<th scope="col">{esc(t(k))}</th>'
        for k in (
            "roadmap.kol.stap",
            "roadmap.kol.wat",
            "roadmap.kol.wie",
            "roadmap.kol.periode",
            "roadmap.kol.uren",
            "roadmap.kol.euro",
            "roadmap.kol.reacties",
        )
    )
    return (
        f'<table class="pc-table pc-rm-table"><caption>{esc(t("roadmap.overzicht"))}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def step_card_html(step: RoadmapStep, number: int, view: RoadmapView) -> str:
    """Return one step in full, read-only (escaped): every field of the publication's Impact Roadmap."""
    t = view.t

    def field(key: str, value: str) -> str:
        shown = esc(value) if value else f'<span class="pc-empty">{esc(t("roadmap.nog_leeg"))}</span>'
        return f"<dt>{esc(t(key))}</dt><dd>{shown}</dd>"

    owners = "".join(owner_html(p, view) for p in step.eigenaren) or owner_html(None, view)
    effort = "".join(
        f"<li>{esc(view.name(e.partner))}: {esc(format_number(e.uren, t.lang))} {esc(t('roadmap.uren_kort'))}"
        f" · € {esc(format_number(e.euro, t.lang, 0))}</li>"
        for e in step.inzet
    )
    obstacles = "".join(
        f"<li><b>{esc(b.belemmering)}</b> → "
        f"{esc(b.oplossing) if b.oplossing else '<i>' + esc(t('roadmap.geen_oplossing')) + '</i>'}</li>"
        for b in step.belemmeringen
    )
    serves = "".join(
        f'<li style="--pc-colour: {get_piece(view.items[i][0]).colour}" class="pc-rm-dient">'
        f"{esc(t(_PIECE_LABEL[view.items[i][0]]))}: {esc(view.items[i][1])}</li>"
        if i in view.items
        else f'<li class="pc-rm-dient-weg">{esc(t("roadmap.dient.weg"))}</li>'
        for i in step.dient
    )
    empty = f'<span class="pc-empty">{esc(t("roadmap.nog_leeg"))}</span>'
    flags = "".join(
        message_html(t("roadmap.vlag", naam=view.names.get(p, p)), "warning")
        for p in step.eigenaren
        if p not in view.active
    )
    title = esc(step.wat) or esc(t("roadmap.zonder_titel"))
    return (
        f'<article class="pc-rm-card" data-step="{number}"><h4>{esc(t("roadmap.stap_n", n=number))}: {title}</h4>'
        f"{flags}<dl>"
        f"<dt>{esc(t('roadmap.veld.eigenaren'))}</dt><dd>{owners}</dd>"
        + field("roadmap.veld.skills", step.skills)
        + field("roadmap.veld.middelen", step.middelen)
        + f"<dt>{esc(t('roadmap.veld.inzet'))}</dt><dd>{'<ul>' + effort + '</ul>' if effort else empty}</dd>"
        + f"<dt>{esc(t('roadmap.veld.belemmeringen'))}</dt>"
        + f"<dd>{'<ul>' + obstacles + '</ul>' if obstacles else empty}</dd>"
        + field("roadmap.veld.opbrengst", step.opbrengst)
        + f"<dt>{esc(t('roadmap.kol.periode'))}</dt><dd>{esc(period_text(step, t))}</dd>"
        + f"<dt>{esc(t('roadmap.veld.dient'))}</dt><dd>{'<ul>' + serves + '</ul>' if serves else empty}</dd>"
        + f"</dl>{reactions_html(step.id, view)}</article>"
    )


def ambition_html(shared: SharedCase, t: Translator, sleutel: str = "") -> str:
    """Return the joint ambition and impact of the shared case (escaped), or a pointer to step 3."""
    blocks = []
    for key in ("impact", "gezamenlijke_ambitie"):
        piece = get_piece(key)
        items = shared.items(key)
        if not items:
            continue
        lis = "".join(f"<li>{esc(i.text)}</li>" for i in items)
        blocks.append(
            f'<section class="pc-rm-goal" style="--pc-colour: {piece.colour}">'
            f'<h3>{esc(piece.name(t.lang))}</h3><ul>{lis}</ul></section>'
        )
    if not blocks:
        link = esc(chapter_url("05_samen_puzzelen.ipynb", sleutel or None, t.lang))
        return message_html(t("roadmap.geen_ambitie"), "info") + (
            f'<p><a href="{link}">{esc(t("roadmap.naar_stap3"))}</a></p>'
        )
    return f'<div class="pc-rm-goals">{"".join(blocks)}</div>'


def checks_html(checks: list[rm.RoadmapCheck], t: Translator) -> str:
    """Return the roadmap checks as a list (escaped), each with its finding and source."""
    rows = []
    for c in checks:
        detail = f'<p class="pc-rm-finding">{esc(t(c.detail_key, **c.values))}</p>' if c.detail_key else ""
        rows.append(
            f'<li class="pc-check pc-check-{c.status}" data-check="{c.id}">'
            f'<span class="pc-badge pc-badge-{_BADGE[c.status]}">{esc(t(_STATUS[c.status]))}</span> '
            f"<b>{esc(t(c.title_key))}</b><p>{esc(t(c.explain_key))}</p>{detail}"
            f'<p class="pc-source">{esc(t("roadmap.bron", bron=c.source))}</p></li>'
        )
    return f'<ul class="pc-checks">{"".join(rows)}</ul>'


def dominance_html(roadmap: ImpactRoadmap, view: RoadmapView) -> str:
    """Return the warning when one party owns most steps (by default: the trekker's organisation), else ``""``."""
    found = rm.dominant_owner(roadmap)
    if found is None:
        return ""
    t = view.t
    key = "roadmap.waarschuwing.trekker" if found.is_trekker else "roadmap.waarschuwing.partij"
    text = t(key, naam=view.names.get(found.partner, found.partner), stappen=found.steps, totaal=found.total)
    return f'<div class="pc-msg pc-msg-warning pc-rm-warning" role="status">{esc(text)}</div>'


def shares_html(roadmap: ImpactRoadmap, matrix: rm.EffortMatrix, view: RoadmapView) -> str:
    """Return owner shares and the partner × step table of hours and euros (escaped, no plotly)."""
    t = view.t
    shares = {o.partner: o for o in rm.owner_shares(roadmap)}
    hours, euros = matrix.partner_hours(), matrix.partner_euros()
    total_h, total_e = matrix.total_hours(), matrix.total_euros()
    steps_head = "".join(f'<th scope="col">{n}</th>' for n in range(1, len(matrix.steps) + 1))
    rows = []
    for i, pid in enumerate(matrix.partners):
        share = shares.get(pid)
        cells = "".join(
            f'<td class="pc-num">{esc(format_number(h, t.lang)) if h else ""}'
            f"{'<br><small>€ ' + esc(format_number(e, t.lang, 0)) + '</small>' if e else ''}</td>"
            for h, e in zip(matrix.hours[i], matrix.euros[i], strict=True)
        )
        owned = f"{share.steps} ({round(100 * share.share)}%)" if share else "0"
        rows.append(
            f'<tr><th scope="row">{owner_html(pid, view)}</th><td class="pc-num">{esc(owned)}</td>{cells}'
            f'<td class="pc-num">{esc(format_number(hours[pid], t.lang))}</td>'
            f'<td class="pc-num">€ {esc(format_number(euros[pid], t.lang, 0))}</td></tr>'
        )
    largest = rm.largest_owner_share(roadmap)
    lines = []
    if largest is not None:
        lines.append(
            t("roadmap.grootste_aandeel", naam=view.names.get(largest.partner, largest.partner),
              aandeel=round(100 * largest.share), stappen=largest.steps, totaal=largest.total)
        )
    for measure, key in (("uren", "roadmap.grootste_uren"), ("euro", "roadmap.grootste_euro")):
        top = matrix.largest_share(measure)  # type: ignore[arg-type]
        if top is not None:
            lines.append(t(key, naam=view.names.get(top[0], top[0]), aandeel=round(100 * top[1])))
    summary = "".join(f"<li>{esc(line)}</li>" for line in lines)
    head = (
        f'<th scope="col">{esc(t("roadmap.kol.partner"))}</th><th scope="col">{esc(t("roadmap.kol.eigenaar_van"))}</th>'
        f"{steps_head}"
        f'<th scope="col">{esc(t("roadmap.kol.uren"))}</th><th scope="col">{esc(t("roadmap.kol.euro"))}</th>'
    )
    total_text = t("roadmap.totaal", uren=format_number(total_h, t.lang), euro=format_number(total_e, t.lang, 0))
    totals = f'<p class="pc-hint">{esc(total_text)}</p>'
    return (
        dominance_html(roadmap, view)
        + (f'<ul class="pc-rm-shares">{summary}</ul>' if summary else "")
        + f'<table class="pc-table pc-rm-matrix"><caption>{esc(t("roadmap.matrix_titel"))}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        + totals
    )


# -------------------------------------------------------------------- model
def _row(step: RoadmapStep) -> dict[str, Any]:
    return step.model_dump(mode="json")


def blank_step(existing: list[str]) -> dict[str, Any]:
    """Return a new, empty step as a working-copy dict with a fresh id."""
    return _row(RoadmapStep(id=rm.new_step_id(existing)))


FIELD_LABELS = {
    "wat": "roadmap.veld.wat",
    "skills": "roadmap.veld.skills",
    "eigenaren": "roadmap.veld.eigenaren",
    "middelen": "roadmap.veld.middelen",
    "inzet": "roadmap.veld.inzet",
    "belemmeringen": "roadmap.veld.belemmeringen",
    "opbrengst": "roadmap.veld.opbrengst",
    "periode": "roadmap.kol.periode",
    "dient": "roadmap.veld.dient",
}
"""How the parts of a step (:data:`purposecase.roadmap.FIELD_GROUPS`) are named in "what combining does"."""


def _fields(groups: list[str], t: Translator) -> str:
    return ", ".join(f"“{t(FIELD_LABELS[g]).rstrip('?')}”" for g in groups)


def describe_merge(mine: ImpactRoadmap, theirs: ImpactRoadmap, combined: ImpactRoadmap,
                   base: ImpactRoadmap, t: Translator) -> list[str]:
    """Return, per step and per field, what combining two roadmaps does (:func:`purposecase.roadmap.combine`).

    A step both versions changed names which fields come from which version, and which fields
    both changed (there mine counts and the other stays in the history), so nothing is kept silently.
    """
    old = {s.id: s for s in base.steps}
    my = {s.id: s for s in mine.steps}
    their = {s.id: s for s in theirs.steps}
    lines = []
    for n, step in enumerate(combined.steps, start=1):
        wat = _short(step.wat, 60) or t("roadmap.zonder_titel")
        before = old.get(step.id)
        mine_changed = step.id in my and my[step.id] != before
        theirs_changed = step.id in their and their[step.id] != before
        if before is not None and mine_changed and theirs_changed and my[step.id] != their[step.id]:
            _, sources = rm.merge_step(my[step.id], their[step.id], before)
            parts = []
            for source, key in (("mijn", "roadmap.combineer.uit_mijn"), ("hun", "roadmap.combineer.uit_hun"),
                                ("beide", "roadmap.combineer.in_beide")):
                groups = [g for g, s in sources.items() if s == source]
                if groups:
                    parts.append(t(key, velden=_fields(groups, t)))
            lines.append(t("roadmap.combineer.velden", n=n, wat=wat, delen="; ".join(parts)))
        else:
            if mine_changed and step == my[step.id] and step != their.get(step.id):
                new_key, from_key = "roadmap.combineer.mijn", "roadmap.combineer.uit_mijn"
            elif theirs_changed and step != my.get(step.id):
                new_key, from_key = "roadmap.combineer.hun", "roadmap.combineer.uit_hun"
            else:
                continue
            if before is None:  # a new step
                lines.append(t(new_key, n=n, wat=wat))
            else:
                groups = _fields(rm.changed_groups(step, before), t)
                lines.append(t("roadmap.combineer.velden", n=n, wat=wat, delen=t(from_key, velden=groups)))
    kept = {s.id for s in combined.steps}
    for step in [*mine.steps, *(s for s in theirs.steps if s.id not in my)]:
        if step.id not in kept:
            lines.append(t("roadmap.combineer.weg", wat=_short(step.wat, 60) or t("roadmap.zonder_titel")))
    if combined.trekker_partner != theirs.trekker_partner:
        lines.append(t("roadmap.combineer.trekker", naam=combined.trekker_partner or t("roadmap.trekker_geen")))
    return lines or [t("roadmap.combineer.gelijk")]


class RoadmapModel(DocumentEditorModel):
    """The trekker's working copy of the roadmap, and how it is saved (the one editor model).

    Traits (besides those of :class:`~purposecase.ui.editor.DocumentEditorModel`):
        selected: index of the step being edited (−1 without steps).
        revision: bumped on every change (views observe it).

    Attributes:
        steps: working-copy dicts, one per step (the JSON form of :class:`RoadmapStep`).
        trekker_partner: the partner id of the trekker's organisation, or ``None``.
        saved: the roadmap as loaded or last saved (the common base of "combine").
        last_valid: the newest working copy that validated (what the overview shows).
    """

    selected = tl.Int(-1)
    revision = tl.Int(0)

    def __init__(self, handle, t: Translator, status: StatusLine) -> None:
        super().__init__(
            handle, t, status, words=WORDS, errors={"unknown_partner": "roadmap.fout.onbekende_partner"},
            describe=lambda m, h, c: describe_merge(m, h, c, self.saved or h, t),
        )
        self.steps: list[dict[str, Any]] = []
        self.trekker_partner: str | None = None
        loaded = handle.load()
        self.last_valid = loaded.record
        self.show(loaded.record, loaded.base)

    def show(self, record: ImpactRoadmap, base: int, *, dirty: bool = False) -> None:
        """Replace the working copy with ``record`` (saved as revision ``base``)."""
        with self.hold_trait_notifications():
            self.steps = [_row(s) for s in record.steps]
            self.trekker_partner = record.trekker_partner
            self.last_valid = record
            self.loaded(record, base, dirty=dirty)
            if not self.steps:
                self.selected = -1
            elif not 0 <= self.selected < len(self.steps):
                self.selected = 0
            self.revision += 1

    def content(self) -> dict[str, Any]:
        """Return the working copy as roadmap content: blank obstacle rows and zero effort left out."""
        steps = []
        for row in self.steps:
            step = dict(row)
            step["belemmeringen"] = [
                b for b in row["belemmeringen"]
                if str(b.get("belemmering", "")).strip() or str(b.get("oplossing", "")).strip()
            ]
            step["inzet"] = [e for e in row["inzet"] if e.get("euro") or e.get("uren")]
            steps.append(step)
        return {"schema": 1, "steps": steps, "trekker_partner": self.trekker_partner}

    def to_roadmap(self) -> ImpactRoadmap:
        """Return the working copy as a record.

        Raises:
            RoadmapInputError: for negative amounts, months not written ``YYYY-MM``, an end
                before the start, an obstacle without description, too long texts.
        """
        roadmap = ImpactRoadmap.from_content(self.content(), source="roadmap")
        self.last_valid = roadmap
        return roadmap

    def problems(self) -> list[rm.RoadmapProblem]:
        """Return the working copy's input problems (``[]`` when it validates)."""
        try:
            self.to_roadmap()
        except RoadmapInputError as exc:
            return exc.problems
        return []

    def working_copy(self) -> WorkingCopy:
        """Return the roadmap to save, or nothing with the input problems (negative amounts, bad months)."""
        try:
            return WorkingCopy(self.to_roadmap())
        except RoadmapInputError as exc:
            return WorkingCopy(None, " ".join(problem_text(p, self.t) for p in exc.problems[:3]))

    def changed(self) -> None:
        """Mark the working copy as edited (the autosave pause starts again)."""
        self.revision += 1
        self.edited()


def problem_text(problem: rm.RoadmapProblem, t: Translator) -> str:
    """Return one input problem as a sentence in the user's language."""
    values: dict[str, Any] = {}
    for k, v in problem.values.items():
        if isinstance(v, int | float) and not isinstance(v, bool):
            values[k] = format_number(v, t.lang, 2)
        elif isinstance(v, str):
            values[k] = v
    values.setdefault("waarde", "")
    values.setdefault("start", "")
    values.setdefault("eind", "")
    values.setdefault("max", "")
    text = t(problem.message_key, **values)
    return t("roadmap.fout.in_stap", stap=problem.step, fout=text) if problem.step else text


# --------------------------------------------------------------- step editor
class StepEditor(ipw.VBox):
    """The form of one step (trekker): every field of the publication's Impact Roadmap.

    Public widgets (for tests): ``wat``, ``skills``, ``eigenaren``, ``middelen``, ``inzet``
    (``{partner_id: (euro FloatText, uren FloatText)}``), ``belemmeringen`` (``[(belemmering Text,
    oplossing Text, remove Button)]``), ``add_belemmering``, ``opbrengst``, ``start``, ``eind``, ``dient``.
    """

    def __init__(self, board: RoadmapBoard, index: int) -> None:
        super().__init__()
        self.add_class("pc-rm-editor")
        t, view = board.t, board.view
        self.board, self.index = board, index
        row = board.model.steps[index]
        wide = ipw.Layout(width="100%")
        style = {"description_width": "190px"}

        def area(key: str, value: str, css: str, placeholder_key: str) -> ipw.Textarea:
            w = ipw.Textarea(
                value=value, description=t(key), placeholder=t(placeholder_key), rows=2,
                continuous_update=False, layout=wide, style=style,
            )
            w.add_class(css)
            return w

        self.wat = area("roadmap.veld.wat", row["wat"], "pc-rm-wat-input", "roadmap.hint.wat")
        self.skills = area("roadmap.veld.skills", row["skills"], "pc-rm-skills", "roadmap.hint.skills")
        owner_ids = list(view.active) + [p for p in row["eigenaren"] if p not in view.active]
        self.eigenaren = ipw.SelectMultiple(
            options=[(view.name(p), p) for p in owner_ids],
            value=tuple(row["eigenaren"]),
            description=t("roadmap.veld.eigenaren"),
            rows=max(2, min(6, len(owner_ids))),
            style=style,
        )
        self.eigenaren.add_class("pc-rm-eigenaren")
        self.middelen = area("roadmap.veld.middelen", row["middelen"], "pc-rm-middelen", "roadmap.hint.middelen")
        effort = {e["partner"]: e for e in row["inzet"]}
        self.inzet: dict[str, tuple[ipw.FloatText, ipw.FloatText]] = {}
        effort_rows: list[ipw.Widget] = []
        for pid in list(view.active) + [p for p in effort if p not in view.active]:
            entry = effort.get(pid, {})
            euro = ipw.FloatText(
                value=float(entry.get("euro", 0) or 0), description=t("roadmap.euro"),
                layout=ipw.Layout(width="190px"), style={"description_width": "40px"},
            )
            uren = ipw.FloatText(
                value=float(entry.get("uren", 0) or 0), description=t("roadmap.uren"),
                layout=ipw.Layout(width="190px"), style={"description_width": "40px"},
            )
            euro.add_class("pc-rm-euro")
            uren.add_class("pc-rm-uren")
            self.inzet[pid] = (euro, uren)
            label = ipw.HTML(owner_html(pid, view), layout=ipw.Layout(width="220px"))
            line = ipw.HBox([label, euro, uren], layout=ipw.Layout(align_items="center"))
            line.add_class("pc-rm-inzet-row")
            effort_rows.append(line)
        self.belemmeringen: list[tuple[ipw.Text, ipw.Text, ipw.Button]] = []
        obstacle_rows: list[ipw.Widget] = []
        for n, b in enumerate(row["belemmeringen"]):
            what = ipw.Text(
                value=b.get("belemmering", ""), description=t("roadmap.veld.belemmering"),
                placeholder=t("roadmap.hint.belemmering"), continuous_update=False,
                layout=ipw.Layout(width="46%"), style={"description_width": "110px"},
            )
            fix = ipw.Text(
                value=b.get("oplossing", ""), description=t("roadmap.veld.oplossing"),
                placeholder=t("roadmap.hint.oplossing"), continuous_update=False,
                layout=ipw.Layout(width="46%"), style={"description_width": "90px"},
            )
            what.add_class("pc-rm-belemmering")
            fix.add_class("pc-rm-oplossing")
            remove = ipw.Button(icon="trash", tooltip=t("roadmap.verwijder_belemmering", n=n + 1),
                                layout=ipw.Layout(width="40px"))
            remove.add_class("pc-icon-button")
            self.belemmeringen.append((what, fix, remove))
            obstacle_rows.append(ipw.HBox([what, fix, remove], layout=ipw.Layout(width="100%")))
        self.add_belemmering = ipw.Button(
            description=t("roadmap.belemmering_toevoegen"), icon="plus", layout=ipw.Layout(align_self="flex-start")
        )
        self.add_belemmering.add_class("pc-rm-add-belemmering")
        self.opbrengst = area("roadmap.veld.opbrengst", row["opbrengst"], "pc-rm-opbrengst", "roadmap.hint.opbrengst")
        month_style = {"description_width": "190px"}
        self.start = ipw.Text(
            value=row.get("start") or "", description=t("roadmap.veld.start"), placeholder=t("roadmap.hint.maand"),
            continuous_update=False, layout=ipw.Layout(width="320px"), style=month_style,
        )
        self.eind = ipw.Text(
            value=row.get("eind") or "", description=t("roadmap.veld.eind"), placeholder=t("roadmap.hint.maand"),
            continuous_update=False, layout=ipw.Layout(width="260px"), style={"description_width": "110px"},
        )
        self.start.add_class("pc-rm-start")
        self.eind.add_class("pc-rm-eind")
        item_ids = list(view.items) + [i for i in row["dient"] if i not in view.items]
        self.dient = ipw.SelectMultiple(
            options=[
                (
                    f"{t(_PIECE_LABEL[view.items[i][0]])}: {_short(view.items[i][1])}" if i in view.items
                    else t("roadmap.dient.weg"),
                    i,
                )
                for i in item_ids
            ],
            value=tuple(row["dient"]),
            description=t("roadmap.veld.dient"),
            rows=max(2, min(5, len(item_ids))),
            layout=wide,
            style=style,
        )
        self.dient.add_class("pc-rm-dient-input")
        flags = "".join(
            message_html(t("roadmap.vlag", naam=view.names.get(p, p)), "warning")
            for p in row["eigenaren"]
            if p not in view.active
        )
        no_items = "" if view.items else message_html(t("roadmap.geen_ambitie_kort"), "info")
        self.children = [
            ipw.HTML(f'<h4 class="pc-rm-editor-title">{esc(t("roadmap.stap_n", n=index + 1))}</h4>{flags}'),
            self.wat,
            self.skills,
            self.eigenaren,
            ipw.HTML(subtitle_html(t("roadmap.veld.middelen_kop"), t("roadmap.middelen_uitleg"))),
            self.middelen,
            ipw.HTML(f'<p class="pc-hint">{esc(t("roadmap.inzet_uitleg"))}</p>'),
            *effort_rows,
            ipw.HTML(subtitle_html(t("roadmap.veld.belemmeringen"), t("roadmap.belemmeringen_uitleg"))),
            *obstacle_rows,
            self.add_belemmering,
            ipw.HTML(subtitle_html(t("roadmap.veld.opbrengst_kop"))),
            self.opbrengst,
            ipw.HBox([self.start, self.eind], layout=ipw.Layout(flex_flow="row wrap")),
            ipw.HTML(no_items),
            self.dient,
        ]
        self._wire()

    def _wire(self) -> None:
        guard, board, i = self.board.guard, self.board, self.index

        def setter(field: str, clean=lambda v: v):
            def on_change(change):
                board.model.steps[i][field] = clean(change["new"])
                board.edited()

            return guard(on_change)

        self.wat.observe(setter("wat"), "value")
        self.skills.observe(setter("skills"), "value")
        self.middelen.observe(setter("middelen"), "value")
        self.opbrengst.observe(setter("opbrengst"), "value")
        self.eigenaren.observe(setter("eigenaren", list), "value")
        self.dient.observe(setter("dient", list), "value")
        self.start.observe(setter("start", lambda v: v.strip() or None), "value")
        self.eind.observe(setter("eind", lambda v: v.strip() or None), "value")
        for pid, (euro, uren) in self.inzet.items():
            euro.observe(guard(lambda change, pid=pid: self._effort(pid, "euro", change["new"])), "value")
            uren.observe(guard(lambda change, pid=pid: self._effort(pid, "uren", change["new"])), "value")
        for n, (what, fix, remove) in enumerate(self.belemmeringen):
            what.observe(guard(lambda change, n=n: self._obstacle(n, "belemmering", change["new"])), "value")
            fix.observe(guard(lambda change, n=n: self._obstacle(n, "oplossing", change["new"])), "value")
            remove.on_click(guard(lambda _b, n=n: self._remove_obstacle(n)))
        self.add_belemmering.on_click(guard(self._add_obstacle))

    def close(self) -> None:
        """Close the form and every widget in it (a new form is built for each step shown)."""
        stack = list(self.children)
        while stack:
            widget = stack.pop()
            stack.extend(getattr(widget, "children", ()))
            widget.close()
        super().close()

    def _effort(self, pid: str, field: str, value: float) -> None:
        entries = self.board.model.steps[self.index]["inzet"]
        entry = next((e for e in entries if e["partner"] == pid), None)
        if entry is None:
            entry = {"partner": pid, "euro": 0.0, "uren": 0.0}
            entries.append(entry)
        entry[field] = value
        self.board.edited()

    def _obstacle(self, n: int, field: str, value: str) -> None:
        self.board.model.steps[self.index]["belemmeringen"][n][field] = value
        self.board.edited()

    def _add_obstacle(self, _b=None) -> None:
        obstacles = self.board.model.steps[self.index]["belemmeringen"]
        if len(obstacles) >= rm.MAX_OBSTACLES:
            self.board.status.show(self.board.t("roadmap.fout.te_veel", max=rm.MAX_OBSTACLES), "warning")
            return
        obstacles.append({"belemmering": "", "oplossing": ""})
        self.board.edited(render_editor=True)

    def _remove_obstacle(self, n: int) -> None:
        del self.board.model.steps[self.index]["belemmeringen"][n]
        self.board.edited(render_editor=True)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------- board
class RoadmapBoard(ipw.VBox):
    """The roadmap of one workspace session: overview, one step at a time, figures, checks, history.

    Public widgets (for tests): ``ambition``, ``overview``, ``count_note``, ``warning``, ``step_buttons``,
    ``add_button``, ``remove_button``, ``up_button``, ``down_button``, ``editor`` (a :class:`StepEditor`
    for the trekker, else ``None``), ``card``, ``save_button``, ``save_state``, ``conflict_box``,
    ``combine_button``, ``keep_mine_button``, ``take_theirs_button``, ``tabs``, ``shares``,
    ``trekker_dropdown``, ``figure_button``, ``figure_out``, ``period_note``, ``checklist``,
    ``history_dropdown``, ``history_preview``, ``restore_button``, ``reaction``, ``comment``,
    ``react_button``, ``refresh_button``; after the figures tab opened: ``timeline_figure``,
    ``matrix_figure``.
    """

    def __init__(self, session: WorkspaceSession, t: Translator, status: StatusLine, sleutel: str = "") -> None:
        super().__init__()
        self.add_class("pc-roadmap")
        self.session, self.t, self.status, self.sleutel = session, t, status, sleutel
        self.trekker = session.role == "trekker"
        self.guard = safe_callback(status, t)
        self.editor: StepEditor | None = None
        self.timeline_figure = self.matrix_figure = None
        self.model = RoadmapModel(session.document(ROADMAP), t, status)
        if self.model.steps:
            self.model.selected = 0
        self._load_context()
        self._build()

    # ------------------------------------------------------------------ data
    def _load_context(self) -> None:
        partners = self.session.partners(include_removed=True)
        self.shared = rm.read_shared_case(self.session)
        self.view = RoadmapView(
            t=self.t,
            names={p.id: p.name for p in partners},
            active=[p.id for p in partners if p.active],
            colours=owner_colours([p.id for p in partners]),
            items={iid: (key, text) for key, iid, text in rm.ambition_items(self.shared)},
            reactions=rm.roadmap_reactions(self.session),
        )

    @property
    def roadmap(self) -> ImpactRoadmap:
        """Return the roadmap as shown: the newest working copy that validated."""
        return self.model.last_valid

    # ------------------------------------------------------------------ view
    def _build(self) -> None:
        t, guard = self.t, self.guard
        self.ambition = ipw.HTML(ambition_html(self.shared, t, self.sleutel))
        self.ambition.add_class("pc-rm-ambition")
        self.refresh_button = ipw.Button(description=t("roadmap.vernieuwen"), icon="refresh")
        self.refresh_button.add_class("pc-rm-refresh")
        self.refresh_button.on_click(guard(lambda _b: self.refresh()))

        self.save_button = ipw.Button(description=t("roadmap.opslaan"), icon="save", button_style="primary")
        self.save_button.add_class("pc-rm-save")
        self.save_button.on_click(guard(lambda _b: self.save_now()))
        self.save_state = SaveStateLine(self.model)
        bar_children: list[ipw.Widget] = [self.refresh_button]
        if self.trekker:
            bar_children = [self.save_button, self.save_state, self.refresh_button]
        bar = ipw.HBox(bar_children, layout=ipw.Layout(align_items="center"))
        bar.add_class("pc-save-bar")

        self.conflict_box = ConflictPanel(self.model, self._version_html, guard, after=self.render)
        self.conflict_text = self.conflict_box.text
        self.combine_button = self.conflict_box.combine_button
        self.keep_mine_button = self.conflict_box.keep_mine_button
        self.take_theirs_button = self.conflict_box.take_theirs_button

        # steps tab
        self.warning = ipw.HTML()
        self.count_note = ipw.HTML()
        self.overview = ipw.HTML()
        self.overview.add_class("pc-rm-overview")
        self.step_buttons = ipw.ToggleButtons(options=[], style={"button_width": "auto"})
        self.step_buttons.add_class("pc-rm-step-buttons")
        self.step_buttons.observe(guard(self._on_pick), "value")
        self.add_button = ipw.Button(description=t("roadmap.stap_toevoegen"), icon="plus")
        self.remove_button = ipw.Button(description=t("roadmap.stap_verwijderen"), icon="trash")
        self.up_button = ipw.Button(description=t("roadmap.eerder"), icon="arrow-up")
        self.down_button = ipw.Button(description=t("roadmap.later"), icon="arrow-down")
        for b, css in (
            (self.add_button, "pc-rm-add"),
            (self.remove_button, "pc-rm-remove"),
            (self.up_button, "pc-rm-up"),
            (self.down_button, "pc-rm-down"),
        ):
            b.add_class(css)
        self.add_button.on_click(guard(self._on_add))
        self.remove_button.on_click(guard(self._on_remove))
        self.up_button.on_click(guard(lambda _b: self._move(-1)))
        self.down_button.on_click(guard(lambda _b: self._move(+1)))
        self.editor_box = ipw.VBox()
        self.editor_box.add_class("pc-rm-editor-box")
        self.card = ipw.HTML()
        self.reaction = self.comment = self.react_button = None
        react_row: list[ipw.Widget] = []
        if self.session.role == "partner":
            self.reaction = ipw.ToggleButtons(
                options=[(t("roadmap.reactie.geen"), ""), (t("roadmap.reactie.akkoord"), "akkoord"),
                         (t("roadmap.reactie.vraag"), "vraag")],
                value="",
                style={"button_width": "auto"},
            )
            self.reaction.add_class("pc-rm-react")
            self.comment = ipw.Text(
                placeholder=t("roadmap.reactie.opmerking"), description=t("roadmap.reactie.label"),
                style={"description_width": "initial"}, layout=ipw.Layout(width="420px"),
            )
            self.comment.add_class("pc-rm-react-comment")
            self.react_button = ipw.Button(description=t("roadmap.reactie.bewaar"), icon="comment")
            self.react_button.add_class("pc-rm-react-save")
            self.react_button.on_click(after_typing(guard(self._on_react)))
            self.my_reaction = StoredValues(self.reaction, self.comment)
            react_row = [
                ipw.HTML(subtitle_html(t("roadmap.reactie.titel"), t("roadmap.reactie.uitleg"))),
                ipw.HBox([self.reaction, self.comment, self.react_button], layout=ipw.Layout(flex_flow="row wrap")),
            ]
        controls: list[ipw.Widget] = [self.step_buttons]
        if self.trekker:
            controls.append(
                ipw.HBox([self.add_button, self.up_button, self.down_button, self.remove_button],
                         layout=ipw.Layout(flex_flow="row wrap"))
            )
        steps_tab = ipw.VBox(
            [
                self.warning,
                self.count_note,
                self.overview,
                ipw.HTML(subtitle_html(t("roadmap.stap_bewerken" if self.trekker else "roadmap.stap_bekijken"))),
                *controls,
                self.editor_box,
                *react_row,
            ]
        )

        # figures tab
        self.shares = ipw.HTML()
        self.shares.add_class("pc-rm-shares-box")
        self.trekker_dropdown = ipw.Dropdown(
            description=t("roadmap.trekker_partner"),
            options=self._trekker_options(),
            value=self.model.trekker_partner if self.model.trekker_partner in self.view.active else "",
            style={"description_width": "initial"},
            layout=ipw.Layout(width="420px"),
            disabled=not self.trekker,
        )
        self.trekker_dropdown.add_class("pc-rm-trekker")
        self.trekker_dropdown.observe(guard(self._on_trekker), "value")
        self.figure_button = ipw.Button(
            description=t("roadmap.figuren_vernieuwen"), icon="bar-chart", layout=ipw.Layout(align_self="flex-start")
        )
        self.figure_button.add_class("pc-rm-figure-button")
        self.figure_button.on_click(guard(lambda _b: self.show_figures()))
        self.period_note = ipw.HTML()
        self.figure_out = ipw.Output()
        self.figure_out.add_class("pc-rm-figures")
        figures_tab = ipw.VBox(
            [
                ipw.HTML(subtitle_html(t("roadmap.figuren_titel"), t("roadmap.figuren_uitleg"))),
                self.trekker_dropdown,
                self.shares,
                self.figure_button,
                self.period_note,
                self.figure_out,
            ]
        )

        # checks tab
        self.checklist = ipw.HTML()
        checks_tab = ipw.VBox([ipw.HTML(subtitle_html(t("roadmap.checks_titel"), t("roadmap.checks_uitleg"))),
                               self.checklist])

        # history tab
        self.history = HistoryPanel(self.model, self._version_html, guard, after=self.render)
        self.history_dropdown = self.history.dropdown
        self.history_preview = self.history.preview
        self.restore_button = self.history.restore_button
        self.restore_button.add_class("pc-rm-restore")
        history_tab = ipw.VBox(
            [ipw.HTML(subtitle_html(t("roadmap.geschiedenis.titel"), t("roadmap.geschiedenis.uitleg"))),
             self.history]
        )

        self.tabs = ipw.Tab(children=[steps_tab, figures_tab, checks_tab, history_tab])
        for i, key in enumerate(("roadmap.tab.stappen", "roadmap.tab.figuren", "roadmap.tab.checks",
                                 "roadmap.tab.geschiedenis")):
            self.tabs.set_title(i, t(key))
        self.tabs.add_class("pc-rm-tabs")
        self.tabs.observe(guard(self._on_tab), "selected_index")
        self.children = [
            ipw.HTML(subtitle_html(t("roadmap.ambitie_titel"), t("roadmap.ambitie_uitleg"))),
            self.ambition,
            bar,
            self.conflict_box,
            self.tabs,
        ]
        self.render()

    def _trekker_options(self) -> list[tuple[str, str | None]]:
        return [(self.t("roadmap.trekker_geen"), "")] + [(self.view.names[p], p) for p in self.view.active]

    # ---------------------------------------------------------------- render
    def render(self, *, editor: bool = True) -> None:
        """Redraw overview, notes, checks and shares; the step form too when ``editor``."""
        self._render_summary()
        if editor:
            self._render_steps()

    def _render_summary(self) -> None:
        t, roadmap, view = self.t, self.roadmap, self.view
        selected = self.model.selected if self.model.selected >= 0 else None
        self.overview.value = overview_html(roadmap, view, selected)
        self.warning.value = dominance_html(roadmap, view)
        count = len(roadmap.steps)
        if count == rm.ADVISED_STEPS:
            self.count_note.value = ""
        else:
            key = "roadmap.aantal_minder" if count < rm.ADVISED_STEPS else "roadmap.aantal_meer"
            self.count_note.value = message_html(t(key, aantal=count, advies=rm.ADVISED_STEPS), "info")
        checks = rm.run_roadmap_checks(roadmap, active=view.active, ambition_ids=view.items, names=view.names)
        self.checks = checks
        self.checklist.value = checks_html(checks, t)
        matrix = rm.effort_matrix(roadmap, view.active)
        self.shares.value = shares_html(roadmap, matrix, view)

    def _render_steps(self) -> None:
        t, model = self.t, self.model
        options = [(t("roadmap.stap_n", n=n + 1), n) for n in range(len(model.steps))]
        self._syncing = True
        try:
            if list(self.step_buttons.options) != options:
                self.step_buttons.options = options
            self.step_buttons.value = model.selected if model.selected >= 0 else None
        finally:
            self._syncing = False
        has = model.selected >= 0
        self.remove_button.disabled = not has
        self.up_button.disabled = not has or model.selected == 0
        self.down_button.disabled = not has or model.selected >= len(model.steps) - 1
        self.add_button.disabled = len(model.steps) >= rm.MAX_STEPS
        if self.editor is not None:
            self.editor.close()
            self.editor = None
        if not has:
            self.card.value = ""
            self.editor_box.children = [ipw.HTML(f'<p class="pc-empty">{esc(t("roadmap.nog_geen_stappen"))}</p>')]
            return
        if self.trekker:
            self.editor = StepEditor(self, model.selected)
            self.editor_box.children = [self.editor]
        else:
            step = self.roadmap.steps[model.selected] if model.selected < len(self.roadmap.steps) else None
            self.card.value = step_card_html(step, model.selected + 1, self.view) if step else ""
            self.editor_box.children = [self.card]
            if self.reaction is not None and step is not None:
                self._show_my_reaction(step.id)

    def _show_my_reaction(self, step_id: str) -> None:
        """Show the partner's stored reaction to a step, unless one is being chosen or typed for it (StoredValues)."""
        mine = self.view.reactions.get(self.session.access.partner_id or "", {}).get(step_id, {})
        self.my_reaction.show(
            step_id, (mine.get("soort", "") if mine.get("soort") in _REACTION else "", mine.get("opmerking", ""))
        )

    def _version_html(self, roadmap: ImpactRoadmap, _title: str = "") -> str:
        return overview_html(roadmap, self.view)

    # --------------------------------------------------------------- editing
    def edited(self, *, render_editor: bool = False) -> None:
        """Record an edit of the working copy: validate, redraw the summary, schedule the autosave."""
        self.model.changed()
        problems = self.model.problems()
        if problems:
            self.status.show(" ".join(problem_text(p, self.t) for p in problems[:3]), "error")
        else:
            self.status.clear()
        self.render(editor=render_editor)

    def _on_pick(self, change) -> None:
        if getattr(self, "_syncing", False) or change["new"] is None:
            return
        self.model.selected = change["new"]
        self.render()

    def _on_add(self, _b=None) -> None:
        if len(self.model.steps) >= rm.MAX_STEPS:
            self.status.show(self.t("roadmap.fout.te_veel", max=rm.MAX_STEPS), "warning")
            return
        self.model.steps.append(blank_step([s["id"] for s in self.model.steps]))
        self.model.selected = len(self.model.steps) - 1
        self.edited(render_editor=True)

    def _on_remove(self, _b=None) -> None:
        n = self.model.selected
        if not 0 <= n < len(self.model.steps):
            return
        del self.model.steps[n]
        self.model.selected = min(n, len(self.model.steps) - 1)
        self.edited(render_editor=True)
        self.status.show(self.t("roadmap.verwijderd", n=n + 1), "info")

    def _move(self, step: int) -> None:
        n, steps = self.model.selected, self.model.steps
        j = n + step
        if 0 <= n < len(steps) and 0 <= j < len(steps):
            steps[n], steps[j] = steps[j], steps[n]
            self.model.selected = j
            self.edited(render_editor=True)

    def _on_trekker(self, change) -> None:
        if getattr(self, "_syncing", False) or not self.trekker:
            return
        self.model.trekker_partner = change["new"] or None
        self.edited()

    # ---------------------------------------------------------------- saving
    def save_now(self) -> bool:
        """Save the working copy if it changed; return whether the store now holds it (the trekker only).

        Input problems (negative amounts, impossible periods) are shown and nothing is saved;
        a conflict opens the conflict panel; an unavailable database keeps the working copy
        and retries (:class:`~purposecase.ui.editor.DocumentEditorModel`).
        """
        return self.model.save_now()

    # --------------------------------------------------------------- figures
    def _on_tab(self, change) -> None:
        if change["new"] == 1:
            self.show_figures()
        elif change["new"] == 3:
            self.refresh_history()

    def show_figures(self) -> None:
        """Build the timeline and the effort matrix (plotly, imported only now) and show them."""
        from IPython.display import display

        from ..figures import roadmap_effort_figure, roadmap_timeline

        t, roadmap, view = self.t, self.roadmap, self.view
        names = {p: view.name(p) for p in view.names}
        labels = [f"{n}. {_short(s.wat, 40) or t('roadmap.zonder_titel')}" for n, s in enumerate(roadmap.steps, 1)]
        self.timeline_figure = roadmap_timeline(
            roadmap, names, view.colours, title=t("roadmap.tijdlijn_titel"), no_owner=t("roadmap.geen_eigenaar"),
            labels=labels, empty=t("roadmap.tijdlijn_leeg"),
        )
        matrix = rm.effort_matrix(roadmap, view.active)
        self.matrix_figure = roadmap_effort_figure(
            matrix, names, title=t("roadmap.matrix_titel"), hours_title=t("roadmap.kol.uren"),
            euros_title=t("roadmap.kol.euro"), lang=t.lang,
            step_labels=[t("roadmap.stap_n", n=n) for n in range(1, len(roadmap.steps) + 1)],
        )
        missing = [str(n) for n, s in enumerate(roadmap.steps, 1) if s.months() is None]
        self.period_note.value = (
            message_html(t("roadmap.zonder_periode", stappen=", ".join(missing)), "info") if missing else ""
        )
        self.figure_out.clear_output()
        with self.figure_out:
            display(self.timeline_figure)
            if matrix.partners and matrix.steps:
                display(self.matrix_figure)

    # --------------------------------------------------------------- history
    def refresh_history(self) -> None:
        """Reload the list of saved revisions (who, when, note)."""
        self.history.refresh()

    # ------------------------------------------------------------- reactions
    def _on_react(self, _b=None) -> None:
        n = self.model.selected
        if self.reaction is None or not 0 <= n < len(self.roadmap.steps):
            return
        comment = self.comment.value.strip()
        if len(comment) > rm.MAX_COMMENT:
            self.status.show(self.t("roadmap.reactie.te_lang", max=rm.MAX_COMMENT), "warning")
            return
        rm.react_to_step(self.session, self.roadmap.steps[n].id, self.reaction.value or None, comment)
        self.view.reactions = rm.roadmap_reactions(self.session)
        self.render()
        self.status.show(self.t("roadmap.reactie.bewaard"), "info")

    # --------------------------------------------------------------- refresh
    def refresh(self) -> None:
        """Reload partners, the shared case, reactions and (without unsaved edits) the roadmap."""
        self._load_context()
        self.ambition.value = ambition_html(self.shared, self.t, self.sleutel)
        if not self.model.dirty and not self.model.conflict:
            self.model.reload()
        self._syncing = True
        try:
            self.trekker_dropdown.options = self._trekker_options()
            tp = self.model.trekker_partner
            self.trekker_dropdown.value = tp if tp in self.view.active else ""
        finally:
            self._syncing = False
        self.render()

    def on_change(self, event) -> None:
        """Reload after a live-feed burst that touches the roadmap, its reactions, partners or the shared case.

        Unsaved edits and an open conflict are never overwritten; this page's own save redraws nothing.
        """
        context = event.touches(ROADMAP_REACTIONS, SHARED_CASE) or event.has("partner")
        moved = event.resync or (event.touches(ROADMAP) and rm.load_roadmap(self.session).base != self.model.base)
        if moved and not (self.model.dirty or self.model.conflict):
            self.refresh()
        elif context or moved:  # reactions, partners, ambition; unsaved edits and the step form stay
            self._load_context()
            self.ambition.value = ambition_html(self.shared, self.t, self.sleutel)
            self.render(editor=not self.trekker)

    def close(self) -> None:
        """Stop the autosave and close the widgets."""
        self.model.close()
        super().close()


# ------------------------------------------------------------------ chapter
class RoadmapNotSaved(Exception):
    """The trekker's working copy could not be saved before an export (the page shows why)."""


class ImpactRoadmapChapter(ChapterShell):
    """Step 5 of "Hoe nu verder?": fill in the Impact Roadmap together.

    Args:
        context: page context (language, secret link); default read from the page's address.
        session: an opened workspace session (tests); default opened from ``context.sleutel``.

    Public attributes (for tests): those of :class:`~purposecase.ui.shell.ChapterShell` (``nav``, ``status``,
    ``session``, ``body``, ``feed`` …), ``board`` (a :class:`RoadmapBoard` or ``None``), ``export_button``
    (the workspace with its roadmap as poster, slides, spreadsheet or text; ``None`` without a workspace).
    """

    NOTEBOOK = NOTEBOOK
    TITLE, INTRO = "roadmap.titel", "roadmap.intro"
    CSS_CLASS = "pc-roadmap-chapter"
    NO_LINK = "roadmap.geen_sleutel"

    def build(self) -> ipw.Widget:
        """Return the roadmap board with the export, or the way to step 1 without a workspace."""
        t, session = self.t, self.session
        self.board: RoadmapBoard | None = None
        self.export_button: ExportButton | None = None
        if session is None:
            return ipw.HTML() if self.problem == "opslag.onbereikbaar" else self.no_link_html()
        self.board = RoadmapBoard(session, t, self.status, sleutel=self.context.sleutel)
        export_box = self._export_box(session, self.board)
        if session.role == "trekker":
            return ipw.VBox([self.board, export_box])
        note = "roadmap.alleen_lezen_partner" if session.role == "partner" else "roadmap.alleen_lezen"
        return ipw.VBox([ipw.HTML(message_html(t(note), "info")), self.board, export_box])

    def on_workspace_change(self, event) -> None:
        """Show a roadmap, reactions, partners or ambition changed elsewhere (never over unsaved edits)."""
        if self.board is not None:
            self.board.on_change(event)

    def _export_box(self, session: WorkspaceSession, board: RoadmapBoard) -> ipw.VBox:
        """Return the export of the workspace with its roadmap (the rules of chapter 08), saved first."""
        t = self.t

        def save_first() -> None:
            if board.trekker and not board.save_now():
                raise RoadmapNotSaved("the roadmap could not be saved first")

        self.export_button = ExportButton.for_workspace(
            session, t, "shared", formats=DOCUMENT_FORMATS, before=save_first,
            errors={RoadmapNotSaved: "roadmap.export_niet_opgeslagen"},
        )
        button = self.export_button

        def on_dirty(change) -> None:
            if change["new"]:
                button.clear()  # a finished file no longer shows what is on screen

        board.model.observe(board.guard(on_dirty), "dirty")
        box = ipw.VBox(
            [ipw.HTML(subtitle_html(t("roadmap.export_titel"), t("roadmap.export_uitleg"))), self.export_button]
        )
        box.add_class("pc-roadmap-export")
        return box
