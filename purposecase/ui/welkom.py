"""Chapter "Welkom": what the workbook is, the five steps with your workspace's progress, every chapter.

The five steps are the publication's "Hoe nu verder?" (Katapult, "Maatschappelijke
uitdagingen los je samen op!", last page). With a valid secret link the page
shows, per step, where the workspace stands (:mod:`purposecase.progress`); without
one it shows the steps and where to start. Every link keeps ``sleutel`` and ``taal``.
"""

from __future__ import annotations

import logging

import ipywidgets as ipw

from ..chapters import CHAPTERS, STEPS, available_chapters, chapters_for_step
from ..messages import Translator
from ..progress import StepProgress
from .common import esc, safe_callback
from .links import chapter_url
from .nav import chapter_title
from .shell import ChapterShell

NOTEBOOK = "00_welkom.ipynb"
log = logging.getLogger("purposecase.ui")

STEP_TEXT: dict[int, tuple[str, str]] = {
    1: ("welkom.stap1_titel", "welkom.stap1_tekst"),
    2: ("welkom.stap2_titel", "welkom.stap2_tekst"),
    3: ("welkom.stap3_titel", "welkom.stap3_tekst"),
    4: ("welkom.stap4_titel", "welkom.stap4_tekst"),
    5: ("welkom.stap5_titel", "welkom.stap5_tekst"),
}
"""Message keys (title, text) of each step, in our words after the publication's "Hoe nu verder?"."""

STATE_TEXT = {
    "niet_begonnen": "welkom.status_niet_begonnen",
    "bezig": "welkom.status_bezig",
    "klaar": "welkom.status_klaar",
}
STATE_BADGE = {"niet_begonnen": "todo", "bezig": "busy", "klaar": "done"}

CHAPTER_TEXT = {
    "welkom": "welkom.over_welkom",
    "waardecreatie": "welkom.over_waardecreatie",
    "purpose_case": "welkom.over_purpose_case",
    "voorbeelden": "welkom.over_voorbeelden",
    "zelf_invullen": "welkom.over_zelf_invullen",
    "samen_puzzelen": "welkom.over_samen_puzzelen",
    "waardepropositie": "welkom.over_waardepropositie",
    "impact_roadmap": "welkom.over_impact_roadmap",
    "delen": "welkom.over_delen",
}
"""One line per chapter for the welcome page's table of contents."""


def progress_text(p: StepProgress, t: Translator) -> str:
    """Return the count that goes with a step's progress, e.g. ``"2 van 3 concepten gedeeld"`` (plain text)."""
    if p.step == 1:
        return t("welkom.telling_partners", n=p.done or 0)
    if p.step == 2 and p.total:
        return t("welkom.telling_concepten", gedeeld=p.done or 0, totaal=p.total)
    if p.step == 3 and p.state != "niet_begonnen":
        return t("welkom.telling_stukken", akkoord=p.done or 0, totaal=p.total or 11)
    return ""


def steps_html(
    t: Translator,
    *,
    sleutel: str = "",
    available: set[str] | None = None,
    progress: tuple[StepProgress, ...] | None = None,
) -> str:
    """Return the five steps as an ordered list of cards (escaped).

    Args:
        t: translator.
        sleutel: token kept in the links ("" for none).
        available: file names of the chapters that exist (default: the served folder).
        progress: the workspace's progress per step, or ``None`` without a workspace.
    """
    if available is None:
        available = {c.notebook for c in available_chapters()}
    by_step = {p.step: p for p in progress or ()}
    cards = []
    for step in STEPS:
        title_key, text_key = STEP_TEXT[step]
        status = ""
        p = by_step.get(step)
        if p is not None:
            count = progress_text(p, t)
            status = (
                f'<p class="pc-step-status"><span class="pc-badge pc-badge-{STATE_BADGE[p.state]}">'
                f"{esc(t(STATE_TEXT[p.state]))}</span>"
                + (f' <span class="pc-step-count">{esc(count)}</span>' if count else "")
                + "</p>"
            )
        links = []
        for chapter in chapters_for_step(step):
            label = chapter_title(chapter, t)
            if chapter.notebook in available:
                links.append(
                    f'<a class="pc-step-link" href="{esc(chapter_url(chapter.notebook, sleutel or None, t.lang))}">'
                    f'{esc(t("welkom.naar", hoofdstuk=label))}</a>'
                )
            else:
                links.append(f'<span class="pc-step-soon">{esc(label)} ({esc(t("nav.binnenkort"))})</span>')
        cards.append(
            f'<li class="pc-step" data-step="{step}"><span class="pc-step-number" aria-hidden="true">{step}</span>'
            f'<div class="pc-step-body"><h3>{esc(t("welkom.stap", n=step))}: {esc(t(title_key))}</h3>'
            f"<p>{esc(t(text_key))}</p>{status}<p>{' '.join(links)}</p></div></li>"
        )
    return f'<ol class="pc-steps">{"".join(cards)}</ol>'


def chapters_html(t: Translator, *, sleutel: str = "", available: set[str] | None = None) -> str:
    """Return every chapter as a list with a one-line description and a link that keeps the sleutel (escaped)."""
    if available is None:
        available = {c.notebook for c in available_chapters()}
    rows = []
    for chapter in CHAPTERS:
        title = esc(chapter_title(chapter, t))
        about = esc(t(CHAPTER_TEXT[chapter.key]))
        if chapter.notebook in available:
            url = esc(chapter_url(chapter.notebook, sleutel or None, t.lang))
            head = f'<a href="{url}">{title}</a>'
        else:
            head = f'<span class="pc-nav-soon">{title} ({esc(t("nav.binnenkort"))})</span>'
        rows.append(f'<li data-chapter="{esc(chapter.notebook)}">{head} — {about}</li>')
    return f'<ul class="pc-toc">{"".join(rows)}</ul>'


class WelkomChapter(ChapterShell):
    """The welcome chapter: the workbook, the five steps (with progress), all chapters.

    Args:
        context: page context (language, secret link); default read from the page's address.
        session: an opened workspace session (tests); default opened from ``context.sleutel``.

    Public attributes (for tests): those of :class:`~purposecase.ui.shell.ChapterShell` (``nav``, ``status``,
    ``session``, ``feed`` …), ``about``, ``steps_title``, ``steps``, ``toc``, ``refresh_button`` (only with a
    workspace), ``progress``, ``sleutel``. With a workspace the progress follows the live feed
    (:meth:`on_workspace_change`); the button stays for a page whose feed is offline.
    """

    NOTEBOOK = NOTEBOOK
    PREBUILD = True  # most people open it without a link
    TITLE, INTRO = "welkom.titel", "welkom.intro"
    CSS_CLASS = "pc-welkom"

    def build(self) -> ipw.Widget:
        """Return the explanation, the five steps (with the workspace's progress) and the chapter list."""
        t = self.t
        self.sleutel = self.context.sleutel
        self.progress: tuple[StepProgress, ...] | None = None
        self.about = ipw.HTML(
            f'<section class="pc-about" aria-label="{esc(t("welkom.wat_titel"))}">'
            f"<h2>{esc(t('welkom.wat_titel'))}</h2><p>{esc(t('welkom.wat_tekst'))}</p>"
            f'<ul class="pc-roles"><li><strong>{esc(t("rol.trekker"))}</strong> — {esc(t("welkom.voor_trekker"))}</li>'
            f'<li><strong>{esc(t("rol.partner"))}</strong> — {esc(t("welkom.voor_partner"))}</li>'
            f'<li><strong>{esc(t("welkom.trainer"))}</strong> — {esc(t("welkom.voor_trainer"))}</li></ul>'
            f'<p class="pc-source">{esc(t("welkom.bron"))}</p></section>'
        )
        self.steps_title = ipw.HTML()
        self.steps = ipw.HTML()
        self.steps.add_class("pc-steps-view")
        self.toc = ipw.HTML()
        children: list[ipw.Widget] = [self.about, self.steps_title, self.steps]
        if self.session is not None:
            self.refresh_button = ipw.Button(
                description=t("welkom.vernieuwen"), icon="refresh",
                layout=ipw.Layout(width="auto", align_self="flex-start"),
            )
            self.refresh_button.add_class("pc-welkom-refresh")
            self.refresh_button.on_click(safe_callback(self.status, t)(self._on_refresh))
            children.append(self.refresh_button)
        children += [ipw.HTML(f'<h2 class="pc-subtitle">{esc(t("welkom.hoofdstukken"))}</h2>'), self.toc]
        try:
            self.render()
        except Exception:  # noqa: BLE001 - the explanation and the chapters stay readable
            log.exception("welkom: the progress could not be shown")
            self.status.show(t("fout.onverwacht"), "error")
        return ipw.VBox(children)

    def render(self) -> None:
        """(Re)compute the progress and draw the steps and the chapter list."""
        t = self.t
        available = {c.notebook for c in available_chapters()}
        if self.session is not None:
            from ..progress import workspace_progress

            self.progress = workspace_progress(self.session)
            name = self.session.access.workspace_name
            self.steps_title.value = (
                f'<h2 class="pc-subtitle">{esc(t("welkom.stappen_werkruimte", naam=name))}</h2>'
            )
        else:
            self.progress = None
            self.steps_title.value = (
                f'<h2 class="pc-subtitle">{esc(t("welkom.stappen"))}</h2>'
                f'<p class="pc-hint">{esc(t("welkom.stappen_zonder"))}</p>'
            )
        self.steps.value = steps_html(t, sleutel=self.sleutel, available=available, progress=self.progress)
        self.toc.value = chapters_html(t, sleutel=self.sleutel, available=available)

    def on_workspace_change(self, event) -> None:
        """Recompute the progress when anything but presence changed in the workspace (a live update)."""
        if self.session is not None and (event.resync or any(c.what != "presence" for c in event.changes)):
            self.render()

    def _on_refresh(self, _button=None) -> None:
        self.render()
        self.status.show(self.t("welkom.vernieuwd"), "info")
