"""Chapter "Een andere kijk op waardecreatie", with the choice of the SDG's the initiative works on.

The text is our own summary of the publication's first chapters (Katapult,
"Maatschappelijke uitdagingen los je samen op!": "Een andere kijk op
waardecreatie", "Businessmodellen in tijden van transitie", "Waardecreatie
tussen organisaties"); the goals are the UN's 17 SDG's (:mod:`purposecase.sdgs`).

Who may choose: the trekker stores the choice in the workspace's ``meta``
document (with the store's revision rule: a save names the revision it started
from); partners and viewers see it read-only; without a secret link the choice
is an exercise that is not stored.
"""

from __future__ import annotations

import logging

import ipywidgets as ipw
import traitlets as tl

from ..messages import Translator
from ..sdgs import SDGS, get_sdg, normalise_sdgs
from .common import StatusLine, esc, safe_callback
from .shell import ChapterShell

NOTEBOOK = "01_waardecreatie.ipynb"
log = logging.getLogger("purposecase.ui")

SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("waardecreatie.uitdagingen_titel", ("waardecreatie.uitdagingen_1", "waardecreatie.uitdagingen_2")),
    ("waardecreatie.duurzaam_titel", ("waardecreatie.duurzaam_1", "waardecreatie.duurzaam_2")),
    ("waardecreatie.welvaart_titel", ("waardecreatie.welvaart_1", "waardecreatie.welvaart_2")),
)
"""Sections before the SDG choice: (heading key, paragraph keys)."""

SECTIONS_AFTER: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("waardecreatie.samenwerken_titel", ("waardecreatie.samenwerken_1", "waardecreatie.samenwerken_2")),
    ("waardecreatie.transitie_titel", ("waardecreatie.transitie_1", "waardecreatie.transitie_2")),
    ("waardecreatie.tussen_titel", ("waardecreatie.tussen_1", "waardecreatie.tussen_2")),
)
"""Sections after the SDG choice."""


def sections_html(sections: tuple[tuple[str, tuple[str, ...]], ...], t: Translator) -> str:
    """Return text sections as escaped ``<section>`` elements with ``<h2>`` headings."""
    out = []
    for title_key, paragraph_keys in sections:
        body = "".join(f"<p>{esc(t(k))}</p>" for k in paragraph_keys)
        out.append(f'<section class="pc-text-section"><h2>{esc(t(title_key))}</h2>{body}</section>')
    return "".join(out)


def chosen_html(numbers: list[int], t: Translator) -> str:
    """Return the chosen goals as an escaped list (or a 'none chosen' note)."""
    if not numbers:
        return f'<p class="pc-empty">{esc(t("waardecreatie.sdg_geen"))}</p>'
    items = "".join(
        f'<li style="--pc-sdg: {get_sdg(n).colour}"><strong>SDG {n}</strong> {esc(get_sdg(n).name(t.lang))}</li>'
        for n in numbers
    )
    return f'<p>{esc(t("waardecreatie.sdg_gekozen"))}</p><ul class="pc-sdg-chosen">{items}</ul>'


def _button(description: str, css_class: str, **kwargs) -> ipw.Button:
    button = ipw.Button(description=description, layout=ipw.Layout(width="auto"), **kwargs)
    button.add_class(css_class)
    return button


class SdgModel(tl.HasTraits):
    """The SDG choice on the page.

    Traits:
        chosen: goal numbers ticked on the page, sorted.
        saved: goal numbers as last loaded from or saved to the workspace.
        base: the ``meta`` revision ``saved`` came from (the base of the next save).
    """

    chosen = tl.List(tl.Int())
    saved = tl.List(tl.Int())
    base = tl.Int(0)

    @property
    def dirty(self) -> bool:
        """Return whether the page's choice differs from the stored one."""
        return list(self.chosen) != list(self.saved)


class SdgPanel(ipw.VBox):
    """The 17 goals as labelled checkboxes; stored for the trekker, read-only for others, an exercise without link.

    Args:
        t: translator.
        status: the chapter's message line.
        session: the workspace session, or ``None`` (exercise, not stored).

    Public widgets: ``checkboxes`` (number → Checkbox), ``save_button``, ``take_theirs_button``,
    ``keep_mine_button``, ``state``, ``chosen``; ``mode`` is ``"oefening"``, ``"trekker"`` or ``"alleen_lezen"``.
    """

    def __init__(self, t: Translator, status: StatusLine, session=None) -> None:
        super().__init__()
        self.add_class("pc-sdg-panel")
        self.t, self.status, self.session = t, status, session
        self.model = SdgModel()
        guard = safe_callback(status, t)
        if session is None:
            self.mode = "oefening"
        elif session.role == "trekker":
            self.mode = "trekker"
        else:
            self.mode = "alleen_lezen"
        if session is not None:
            _, base = session.meta_revision()
            stored = session.sdgs()
            with self.model.hold_trait_notifications():
                self.model.saved = stored
                self.model.chosen = stored
                self.model.base = base

        self.checkboxes: dict[int, ipw.Checkbox] = {}
        for sdg in SDGS:
            box = ipw.Checkbox(
                value=sdg.number in self.model.chosen,
                description=f"{sdg.number} · {sdg.name(t.lang)}",
                indent=False,
                disabled=self.mode == "alleen_lezen",
                layout=ipw.Layout(width="auto", border_left=f"8px solid {sdg.colour}", padding="0 0 0 6px"),
            )
            box.add_class("pc-sdg-box")
            box.add_class(f"pc-sdg-{sdg.number}")
            box.observe(guard(self._on_tick), "value")
            self.checkboxes[sdg.number] = box
        grid = ipw.GridBox(
            list(self.checkboxes.values()),
            layout=ipw.Layout(grid_template_columns="repeat(3, minmax(0, 1fr))", grid_gap="4px 16px"),
        )
        grid.add_class("pc-sdg-grid")
        note_key = {
            "oefening": "waardecreatie.sdg_oefening",
            "trekker": "waardecreatie.sdg_trekker",
            "alleen_lezen": "waardecreatie.sdg_alleen_lezen",
        }[self.mode]
        note = ipw.HTML(f'<p class="pc-hint">{esc(t(note_key))}</p>')
        self.chosen = ipw.HTML(chosen_html(self.model.chosen, t))
        self.chosen.add_class("pc-sdg-summary")
        self.state = ipw.HTML()
        self.save_button = _button(t("waardecreatie.sdg_bewaar"), "pc-sdg-save", icon="save", button_style="primary")
        self.take_theirs_button = _button(t("waardecreatie.sdg_neem_hun"), "pc-sdg-take-theirs")
        self.keep_mine_button = _button(t("waardecreatie.sdg_houd_mijn"), "pc-sdg-keep-mine")
        self.conflict_box = ipw.HBox([self.take_theirs_button, self.keep_mine_button])
        self.conflict_box.layout.display = "none"
        self.save_button.on_click(guard(self._on_save))
        self.take_theirs_button.on_click(guard(self._on_take_theirs))
        self.keep_mine_button.on_click(guard(self._on_keep_mine))
        self._theirs: tuple[list[int], int] | None = None
        children: list[ipw.Widget] = [
            ipw.HTML(f'<h2 id="pc-sdg-title">{esc(t("waardecreatie.sdg_titel"))}</h2>'
                     f'<p>{esc(t("waardecreatie.sdg_uitleg"))}</p>'),
            note,
            grid,
            self.chosen,
        ]
        if self.mode == "trekker":
            children += [ipw.HBox([self.save_button, self.state], layout=ipw.Layout(align_items="center")),
                         self.conflict_box]
        self.children = children
        self._show_state()

    def reload(self) -> None:
        """Read the stored choice again (saved elsewhere); a choice not yet saved on this page is kept.

        A kept choice still names the revision it started from, so saving it asks which one wins.
        """
        if self.session is None:
            return
        _, base = self.session.meta_revision()
        stored = self.session.sdgs()
        if self.model.dirty or self._theirs is not None:
            return
        with self.model.hold_trait_notifications():
            self.model.saved = stored
            self.model.chosen = stored
            self.model.base = base
        self._set_ticks(stored)
        self._show_state()

    # ------------------------------------------------------------------ view
    def _show_state(self) -> None:
        t = self.t
        self.chosen.value = chosen_html(list(self.model.chosen), t)
        if self.mode != "trekker":
            return
        if self.model.dirty:
            cls, text = "unsaved", t("waardecreatie.sdg_niet_bewaard")
        else:
            cls, text = "saved", t("waardecreatie.sdg_bewaard")
        self.state.value = f'<span class="pc-state pc-state-{cls}" role="status">{esc(text)}</span>'
        self.save_button.disabled = not self.model.dirty

    def _set_ticks(self, numbers: list[int]) -> None:
        self._syncing = True
        try:
            for n, box in self.checkboxes.items():
                box.value = n in numbers
        finally:
            self._syncing = False

    # -------------------------------------------------------------- handlers
    def _on_tick(self, _change=None) -> None:
        if getattr(self, "_syncing", False) or self.mode == "alleen_lezen":
            return
        self.model.chosen = normalise_sdgs(n for n, box in self.checkboxes.items() if box.value)
        self._show_state()

    def _save(self, base: int) -> None:
        from ..errors import ConflictError

        try:
            revision = self.session.set_sdgs(list(self.model.chosen), base=base)
        except ConflictError as exc:
            theirs = exc.theirs.content.get("sdgs") or []
            try:
                theirs = normalise_sdgs(theirs if isinstance(theirs, list) else [])
            except ValueError:
                theirs = []
            self._theirs = (theirs, exc.theirs.number)
            names = ", ".join(f"{n} {get_sdg(n).name(self.t.lang)}" for n in theirs) or self.t("waardecreatie.sdg_geen")
            self.status.show(self.t("waardecreatie.sdg_conflict", keuze=names), "warning")
            self.conflict_box.layout.display = "flex"
            return
        with self.model.hold_trait_notifications():
            self.model.saved = list(self.model.chosen)
            self.model.base = revision.number
        self._theirs = None
        self.conflict_box.layout.display = "none"
        self.status.show(self.t("waardecreatie.sdg_opgeslagen"), "info")
        self._show_state()

    def _on_save(self, _button=None) -> None:
        self._save(self.model.base)

    def _on_take_theirs(self, _button=None) -> None:
        if self._theirs is None:
            return
        numbers, base = self._theirs
        with self.model.hold_trait_notifications():
            self.model.saved = numbers
            self.model.chosen = numbers
            self.model.base = base
        self._set_ticks(numbers)
        self._theirs = None
        self.conflict_box.layout.display = "none"
        self.status.clear()
        self._show_state()

    def _on_keep_mine(self, _button=None) -> None:
        if self._theirs is None:
            return
        self._save(self._theirs[1])


class WaardecreatieChapter(ChapterShell):
    """A different view on value creation: the publication's first chapters, and the SDG choice.

    Args:
        context: page context (language, secret link); default read from the page's address.
        session: an opened workspace session (tests); default opened from ``context.sleutel``.

    Public attributes (for tests): those of :class:`~purposecase.ui.shell.ChapterShell` (``nav``, ``status``,
    ``session``, ``feed`` …), ``sdg_panel``, ``text_before``, ``text_after``. The SDG choice follows the live
    feed (:meth:`on_workspace_change`), never over a choice not yet saved.
    """

    NOTEBOOK = NOTEBOOK
    PREBUILD = True  # most people open it without a link
    TITLE, INTRO = "waardecreatie.titel", "waardecreatie.intro"
    CSS_CLASS = "pc-waardecreatie"

    def build(self) -> ipw.Widget:
        """Return the text around the SDG choice (stored for the trekker, read-only for others, an exercise)."""
        t = self.t
        self.text_before = ipw.HTML(sections_html(SECTIONS, t))
        self.text_after = ipw.HTML(
            sections_html(SECTIONS_AFTER, t) + f'<p class="pc-source">{esc(t("waardecreatie.bron"))}</p>'
        )
        try:
            self.sdg_panel: SdgPanel = SdgPanel(t, self.status, self.session)
        except Exception:  # noqa: BLE001 - the text must stay readable when the store fails
            log.exception("waardecreatie: the SDG choice could not be loaded")
            self.status.show(t("opslag.onbereikbaar"), "error")
            self.sdg_panel = SdgPanel(t, self.status, None)
        for w in (self.text_before, self.text_after):
            w.add_class("pc-text")
        return ipw.VBox([self.text_before, self.sdg_panel, self.text_after])

    def on_workspace_change(self, event) -> None:
        """Show an SDG choice saved elsewhere (the ``meta`` document)."""
        from ..workspace.documents import META  # here: a page without a link never imports the store

        if self.sdg_panel.session is not None and event.touches(META):
            self.sdg_panel.reload()
