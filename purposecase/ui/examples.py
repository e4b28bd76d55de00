"""Chapter "10 inspirerende voorbeelden": gallery, search and comparison of the ten cases.

Model and view side by side (STYLE.md): :class:`ExamplesModel` holds the state
(which sector, which case, the search text, the two compared cases);
:class:`ExamplesChapter` builds the widgets, links them to the model and
observes the model, never sibling widgets.
"""

from __future__ import annotations

import ipywidgets as ipw
import traitlets as tl

from ..examples import CaseCatalogue, SearchHit, load_catalogue, search
from ..export.bundle import sector_label
from ..messages import Translator
from ..model import PurposeCase, compare
from ..pieces import get_piece
from .canvas import CanvasView, highlight, item_html
from .common import PageContext, esc, message_html, safe_callback
from .export_button import ExportButton
from .shell import ChapterShell
from .trainer import PresenterPanel, QuizPanel

MAX_HITS_SHOWN = 200
NOTEBOOK = "03_voorbeelden.ipynb"


class ExamplesModel(tl.HasTraits):
    """State of the examples chapter.

    Traits:
        sector: sector filter, ``""`` for all sectors.
        slug: the case shown on the canvas.
        show_questions: print the guiding questions on the canvas.
        query: the search text (highlighted on the canvas too).
        left, right: slugs of the two cases compared.
    """

    sector = tl.Unicode("")
    slug = tl.Unicode("")
    show_questions = tl.Bool(False)
    query = tl.Unicode("")
    left = tl.Unicode("")
    right = tl.Unicode("")

    def __init__(self, catalogue: CaseCatalogue, **kwargs) -> None:
        super().__init__(**kwargs)
        self.catalogue = catalogue
        slugs = [c.slug for c in catalogue.cases]
        with self.hold_trait_notifications():
            if slugs and self.slug not in slugs:
                self.slug = slugs[0]
            if slugs and self.left not in slugs:
                self.left = slugs[0]
            if slugs and self.right not in slugs:
                self.right = slugs[1] if len(slugs) > 1 else slugs[0]

    def visible_cases(self) -> list[PurposeCase]:
        """Return the cases that pass the sector filter."""
        return [c for c in self.catalogue.cases if not self.sector or c.sector == self.sector]

    def case(self, slug: str | None = None) -> PurposeCase | None:
        """Return the case with ``slug`` (default: the chosen one), or None."""
        try:
            return self.catalogue.get(slug if slug is not None else self.slug)
        except KeyError:
            return None

    def hits(self) -> list[SearchHit]:
        """Return the search hits for :attr:`query` across all loaded cases."""
        return search(self.query, self.catalogue.cases)

    @tl.observe("sector")
    def _on_sector(self, _change) -> None:
        visible = [c.slug for c in self.visible_cases()]
        if visible and self.slug not in visible:
            self.slug = visible[0]


def case_info_html(case: PurposeCase, t: Translator) -> str:
    """Return the case's heading, quote, summary, interviewees and source as escaped HTML."""
    meta = " · ".join(esc(x) for x in (sector_label(case.sector, t), case.region) if x)
    quote = f'<blockquote class="pc-quote">“{esc(case.quote)}”</blockquote>' if case.quote else ""
    summary = f'<p class="pc-summary">{esc(case.summary)}</p>' if case.summary else ""
    people = ", ".join(f"{esc(i.name)} ({esc(i.role)})" for i in case.interviewees)
    people_html = f'<p class="pc-people">{esc(t("voorbeelden.interview"))} {people}</p>' if people else ""
    source = (
        f'<p class="pc-source">{esc(t("voorbeelden.bron"))} {esc(case.source.citation())}</p>' if case.source else ""
    )
    return (
        f'<div class="pc-case-info"><div class="pc-case-head"><h2>{esc(case.title)}</h2>'
        f'<p class="pc-meta">{meta}</p>{quote}</div>'
        f'<div class="pc-case-body">{summary}{people_html}{source}</div></div>'
    )


def hits_html(hits: list[SearchHit], query: str, t: Translator) -> str:
    """Return the search results: a count line and one row per hit (case, piece, marked text)."""
    if not query.strip():
        return f'<p class="pc-hint">{esc(t("zoeken.hint"))}</p>'
    if not hits:
        return message_html(t("zoeken.geen", zoekterm=query), "info")
    n_cases = len({h.slug for h in hits})
    rows = []
    for hit in hits[:MAX_HITS_SHOWN]:
        if hit.piece in ("summary", "quote"):
            where = t(f"zoeken.veld.{hit.piece}")
            colour = "#555"
        else:
            piece = get_piece(hit.piece)
            where, colour = piece.name(t.lang), piece.colour
        rows.append(
            f'<li class="pc-hit" data-case="{esc(hit.slug)}" data-piece="{esc(hit.piece)}">'
            f'<span class="pc-hit-case">{esc(hit.title)}</span> '
            f'<span class="pc-hit-piece" style="--pc-colour: {colour}">{esc(where)}</span> '
            f'<span class="pc-hit-text">{highlight(hit.text, query)}</span></li>'
        )
    more = (
        f'<p class="pc-hint">{esc(t("zoeken.meer", n=len(hits) - MAX_HITS_SHOWN))}</p>'
        if len(hits) > MAX_HITS_SHOWN
        else ""
    )
    count = t("zoeken.aantal", treffers=len(hits), cases=n_cases)
    return f'<p class="pc-count" role="status">{esc(count)}</p><ul class="pc-hits">{"".join(rows)}</ul>{more}'


def compare_html(a: PurposeCase, b: PurposeCase, t: Translator) -> str:
    """Return a table lining ``a`` and ``b`` up piece by piece (escaped)."""
    head = (
        f'<thead><tr><th scope="col">{esc(t("vergelijken.puzzelstuk"))}</th>'
        f'<th scope="col">{esc(a.title)}</th><th scope="col">{esc(b.title)}</th></tr></thead>'
    )
    rows = []
    for row in compare(a, b):
        piece = get_piece(row.key)

        def cell(items):
            if not items:
                return f'<td class="pc-empty">{esc(t("canvas.leeg"))}</td>'
            return '<td><ul class="pc-items">' + "".join(item_html(i, "", t) for i in items) + "</ul></td>"

        rows.append(
            f'<tr data-piece="{piece.key}"><th scope="row" style="--pc-colour: {piece.colour}">'
            f"{esc(piece.name(t.lang))}</th>{cell(row.left)}{cell(row.right)}</tr>"
        )
    return f'<table class="pc-compare">{head}<tbody>{"".join(rows)}</tbody></table>'


class ExamplesChapter(ChapterShell):
    """The examples chapter: choose, filter, search and compare the ten cases; present them; quiz a group.

    Args:
        catalogue: the cases to show (default: :func:`purposecase.examples.load_catalogue`).
        context: page context (language, secret link); default read from the page's address.
        quiz_seed: seed of the quiz's random order (tests); ``None`` for a fresh order.

    Public attributes (for tests): those of :class:`~purposecase.ui.shell.ChapterShell` (``nav``, ``status``
    …), ``sector_dropdown``, ``case_dropdown``,
    ``questions_checkbox``, ``case_info``, ``canvas``, ``search_text``,
    ``search_results``, ``hit_case_dropdown``, ``open_hit_button``,
    ``left_dropdown``, ``right_dropdown``, ``comparison``, ``presenter``
    (:class:`~purposecase.ui.trainer.PresenterPanel`), ``quiz``
    (:class:`~purposecase.ui.trainer.QuizPanel`), ``tabs``, ``load_note``. Opened with a link, the page
    follows the workspace's feed for who is here and what is new elsewhere (the shell).
    """

    NOTEBOOK = NOTEBOOK
    PREBUILD = True  # most people open it without a link
    TITLE, INTRO = "voorbeelden.titel", "voorbeelden.intro"
    TAB_PRESENT = 3
    TAB_QUIZ = 4

    def __init__(
        self,
        catalogue: CaseCatalogue | None = None,
        context: PageContext | None = None,
        quiz_seed: int | None = None,
    ) -> None:
        self._quiz_seed = quiz_seed
        self._no_data = False
        try:
            catalogue = catalogue if catalogue is not None else load_catalogue()
        except Exception:  # noqa: BLE001 - a broken data folder must not break the page
            catalogue = CaseCatalogue((), ())
            self._no_data = True
        self.model = ExamplesModel(catalogue)
        super().__init__(context)

    # ------------------------------------------------------------------ view
    def build(self) -> ipw.Widget:
        """Return the note on cases that did not load and the five tabs (view, search, compare, present, quiz)."""
        t, model = self.t, self.model
        if self._no_data:
            self.status.show(t("voorbeelden.geen_data"), "error")
        cases = model.catalogue.cases
        self.load_note = ipw.HTML(self._load_note_html())
        style = {"description_width": "initial"}

        self.sector_dropdown = ipw.Dropdown(
            options=[(t("voorbeelden.alle_sectoren"), "")]
            + [(sector_label(s, t), s) for s in model.catalogue.sectors()],
            description=t("voorbeelden.sector"),
            style=style,
        )
        self.case_dropdown = ipw.Dropdown(
            options=self._case_options(),
            description=t("voorbeelden.kies"),
            style=style,
            layout=ipw.Layout(width="420px"),
        )
        self.questions_checkbox = ipw.Checkbox(description=t("canvas.toon_vragen"), indent=False)
        self.case_info = ipw.HTML()
        self.case_info.add_class("pc-case-info-view")
        self.canvas = CanvasView(model.case(), t)

        ipw.link((model, "sector"), (self.sector_dropdown, "value"))
        ipw.link((model, "show_questions"), (self.questions_checkbox, "value"))
        self._syncing = False
        if cases:
            self.case_dropdown.value = model.slug
        ipw.dlink((model, "show_questions"), (self.canvas, "show_questions"))
        ipw.dlink((model, "query"), (self.canvas, "query"))

        view_tab = ipw.VBox(
            [
                ipw.HBox(
                    [self.sector_dropdown, self.case_dropdown, self.questions_checkbox],
                    layout=ipw.Layout(flex_flow="row wrap", grid_gap="12px", align_items="center"),
                ),
                self.case_info,
                self.canvas,
                ExportButton.for_case(lambda: self.model.case(), t),
            ]
        )

        self.search_text = ipw.Text(
            description=t("zoeken.label"),
            placeholder=t("zoeken.placeholder"),
            style=style,
            continuous_update=True,
            layout=ipw.Layout(width="420px"),
        )
        self.search_results = ipw.HTML(hits_html([], "", t))
        self.hit_case_dropdown = ipw.Dropdown(
            options=[], description=t("zoeken.open_label"), style=style, disabled=True
        )
        self.open_hit_button = ipw.Button(description=t("zoeken.open"), disabled=True, icon="arrow-right")
        ipw.link((model, "query"), (self.search_text, "value"))
        search_tab = ipw.VBox(
            [self.search_text, ipw.HBox([self.hit_case_dropdown, self.open_hit_button]), self.search_results]
        )

        options = [(c.title, c.slug) for c in cases]
        self.left_dropdown = ipw.Dropdown(options=options, description=t("vergelijken.links"), style=style)
        self.right_dropdown = ipw.Dropdown(options=options, description=t("vergelijken.rechts"), style=style)
        if cases:
            ipw.link((model, "left"), (self.left_dropdown, "value"))
            ipw.link((model, "right"), (self.right_dropdown, "value"))
        self.comparison = ipw.HTML()
        compare_tab = ipw.VBox(
            [
                ipw.HBox(
                    [self.left_dropdown, self.right_dropdown], layout=ipw.Layout(flex_flow="row wrap", grid_gap="12px")
                ),
                self.comparison,
            ]
        )

        self.presenter = PresenterPanel(model.catalogue, t, self.status)
        self.quiz = QuizPanel(model.catalogue, t, self.status, seed=self._quiz_seed)
        self.tabs = ipw.Tab(children=[view_tab, search_tab, compare_tab, self.presenter, self.quiz])
        # stable class names, for people's own CSS and for the browser tests
        for name in (
            "sector_dropdown",
            "case_dropdown",
            "questions_checkbox",
            "search_text",
            "hit_case_dropdown",
            "open_hit_button",
            "left_dropdown",
            "right_dropdown",
            "comparison",
            "search_results",
            "tabs",
        ):
            getattr(self, name).add_class("pc-" + name.replace("_", "-"))
        for i, key in enumerate(
            (
                "voorbeelden.tab_bekijken",
                "voorbeelden.tab_zoeken",
                "voorbeelden.tab_vergelijken",
                "voorbeelden.tab_presenteren",
                "voorbeelden.tab_quiz",
            )
        ):
            self.tabs.set_title(i, t(key))

        guard = safe_callback(self.status, t)
        self._on_sector = guard(self._on_sector)
        self._on_slug = guard(self._on_slug)
        self._on_query = guard(self._on_query)
        self._on_compare = guard(self._on_compare)
        self._on_open_hit = guard(self._on_open_hit)
        model.observe(self._on_sector, "sector")
        model.observe(self._on_slug, "slug")
        model.observe(self._on_query, "query")
        model.observe(self._on_compare, ["left", "right"])
        self._on_case_chosen = guard(self._on_case_chosen)
        self.case_dropdown.observe(self._on_case_chosen, "value")
        self.open_hit_button.on_click(self._on_open_hit)

        self._on_slug()
        self._on_compare()
        return ipw.VBox([self.load_note, self.tabs])

    def _case_options(self) -> list[tuple[str, str]]:
        t = self.t
        return [
            (f"{c.title} — {sector_label(c.sector, t)}" if c.sector else c.title, c.slug)
            for c in self.model.visible_cases()
        ]

    def _load_note_html(self) -> str:
        errors = self.model.catalogue.errors
        if not errors:
            return ""
        t = self.t
        lines = []
        for err in errors:
            name = err.source.replace("\\", "/").rsplit("/", 1)[-1]
            for p in err.problems:
                lines.append(t("fout.bestand", bestand=name, veld=p.field or "—", probleem=t(f"fout.code.{p.code}")))
        items = "".join(f"<li>{esc(line)}</li>" for line in lines)
        intro = esc(t("voorbeelden.niet_geladen", n=len(errors)))
        return f'<div class="pc-msg pc-msg-warning" role="status"><p>{intro}</p><ul>{items}</ul></div>'

    # ------------------------------------------------------------- handlers
    def _on_case_chosen(self, change) -> None:
        if not self._syncing and change["new"]:
            self.model.slug = change["new"]

    def _sync_case_dropdown(self) -> None:
        """Show the model's sector filter and case in the dropdown, without echoing back."""
        self._syncing = True
        try:
            options = self._case_options()
            if list(self.case_dropdown.options) != options:
                self.case_dropdown.options = options
            if self.model.slug in [s for _, s in options]:
                self.case_dropdown.value = self.model.slug
        finally:
            self._syncing = False

    def _on_sector(self, _change=None) -> None:
        # The model has already moved ``slug`` into the filtered set.
        self._sync_case_dropdown()

    def _on_slug(self, _change=None) -> None:
        self._sync_case_dropdown()
        case = self.model.case()
        self.case_info.value = (
            case_info_html(case, self.t) if case else message_html(self.t("voorbeelden.geen_cases"), "warning")
        )
        self.canvas.case = case

    def _on_query(self, _change=None) -> None:
        hits = self.model.hits()
        self.search_results.value = hits_html(hits, self.model.query, self.t)
        slugs = list(dict.fromkeys(h.slug for h in hits))
        titles = {h.slug: h.title for h in hits}
        self.hit_case_dropdown.options = [(titles[s], s) for s in slugs]
        self.hit_case_dropdown.value = slugs[0] if slugs else None
        self.hit_case_dropdown.disabled = self.open_hit_button.disabled = not slugs

    def _on_open_hit(self, _button=None) -> None:
        slug = self.hit_case_dropdown.value
        if not slug:
            return
        with self.model.hold_trait_notifications():
            self.model.sector = ""
            self.model.slug = slug
        self.tabs.selected_index = 0

    def _on_compare(self, _change=None) -> None:
        a, b = self.model.case(self.model.left), self.model.case(self.model.right)
        self.comparison.value = compare_html(a, b, self.t) if a and b else ""
