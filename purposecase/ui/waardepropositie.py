"""Chapter "Stap 4: waardepropositie aanscherpen": a value proposition per target group, with fit.

Per doelgroep of the shared Purpose Case (and any the trekker adds) a profile
(taken, pijnen, voordelen, each ranked by importance) and a value map (producten en
diensten, pijnverzachters, voordeelverschaffers) started from the shared case's
waarde; every pijnverzachter is linked to the pains it relieves and every
voordeelverschaffer to the gains it creates. Our own two-part layout — value map
left, profile right — not a copy of the canvas artwork; the source is cited on the
page (Osterwalder, Pigneur, Bernarda & Smith, 2014).

Roles: the trekker edits and proposes the sharpened doelgroep and waarde to the
shared case; partners read and react per target group; viewers read. The rules
live in :mod:`purposecase.valueprop`; this module only shows them. One target
group is on screen at a time, so the widget count stays moderate; plotly is
imported only when the fit figure is asked for.
"""

from __future__ import annotations

import logging

import ipywidgets as ipw
import traitlets as tl

from .. import valueprop as vp_mod
from ..bidi import isolate
from ..messages import Translator
from ..model import MAX_ITEM_LENGTH
from ..valueprop import JOB_KINDS, LINKS, RANKED, DroppedLink, Fit, ProposalChange, ValueProposition
from ..workspace import SHARED_CASE
from .common import (
    StatusLine,
    error_key,
    esc,
    keep_focus,
    message_html,
    safe_callback,
    subtitle_html,
)
from .editor import (
    ITEM_WORDS,
    ConflictPanel,
    DocumentEditorModel,
    HistoryPanel,
    SaveStateLine,
    StoredValues,
    after_typing,
    keep_rows,
    text_edit,
)
from .meeting import submit_on_enter
from .shell import ChapterShell

log = logging.getLogger("purposecase.ui")

NOTEBOOK = "06_waardepropositie.ipynb"

SECTION_TITLES = {
    "taken": "vp.sectie.taken",
    "pijnen": "vp.sectie.pijnen",
    "voordelen": "vp.sectie.voordelen",
    "producten": "vp.sectie.producten",
    "pijnverzachters": "vp.sectie.pijnverzachters",
    "voordeelverschaffers": "vp.sectie.voordeelverschaffers",
}
SECTION_HINTS = {
    "taken": "vp.hint.taken",
    "pijnen": "vp.hint.pijnen",
    "voordelen": "vp.hint.voordelen",
    "producten": "vp.hint.producten",
    "pijnverzachters": "vp.hint.pijnverzachters",
    "voordeelverschaffers": "vp.hint.voordeelverschaffers",
}
SOORT_KEYS = {"functioneel": "vp.soort.functioneel", "sociaal": "vp.soort.sociaal", "emotioneel": "vp.soort.emotioneel"}
LINK_LABELS = {"pijnverzachters": "vp.verzacht", "voordeelverschaffers": "vp.creeert"}
LINK_NONE = {"pijnverzachters": "vp.verzacht_niets", "voordeelverschaffers": "vp.creeert_niets"}
LINK_FIRST = {"pijnverzachters": "vp.eerst_pijnen", "voordeelverschaffers": "vp.eerst_voordelen"}
REACTION_KEYS = {"eens": "reactie.eens", "vraag": "reactie.vraag"}
CHANGE_KEYS = {"nieuw": "vp.voorstel.nieuw", "aangepast": "vp.voorstel.aangepast", "gelijk": "vp.voorstel.gelijk"}
PIECE_KEYS = {"doelgroepen": "vp.voorstel.doelgroep", "waarde": "vp.voorstel.waarde"}
NOTE_KEYS = {
    "nieuw": "vp.notitie.nieuw",
    "naam": "vp.notitie.naam",
    "toevoegen": "vp.notitie.toevoegen",
    "wijzigen": "vp.notitie.wijzigen",
    "verwijderen": "vp.notitie.verwijderen",
    "koppelen": "vp.notitie.koppelen",
    "loskoppelen": "vp.notitie.loskoppelen",
    "weg": "vp.notitie.weg",
    "voorstel": "vp.notitie.voorstel",
    "sorteren": "vp.notitie.sorteren",
}
TABS = ("vp.tab.canvas", "vp.tab.fit", "vp.tab.voorstel", "vp.tab.geschiedenis")
HISTORY_TAB = 3
LABEL_LENGTH = 90


def _short(text: str, limit: int = LABEL_LENGTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def t_add(t: Translator, text: str) -> str:
    """Return the tooltip of a suggestion: "Voeg ‘…’ toe als product of dienst" (plain text)."""
    return t("vp.suggestie_tip", tekst=text)


def percent(share: float | None, t: Translator) -> str:
    """Return a share (0–1) as ``"71 %"``, or the translated "n.v.t." for ``None``."""
    return t("vp.nvt") if share is None else f"{round(100 * share)} %"


def about_html(t: Translator, *, open_: bool = True) -> str:
    """Return the explanation of the concepts (collapsible, open when ``open_``) and the source (escaped).

    The source line stays visible when the explanation is folded.
    """
    return (
        f'<div class="pc-vp-about"><details{" open" if open_ else ""}><summary>{esc(t("vp.wat_is"))}</summary>'
        f'<p>{esc(t("vp.uitleg"))}</p></details><p class="pc-source">{esc(t("vp.bron"))}</p></div>'
    )


def fit_summary_html(fit: Fit, t: Translator) -> str:
    """Return a one-line fit summary of one target group (escaped)."""
    parts = [
        (t("vp.fit.pijnen"), fit.pain_share, fit.relieved_weight, fit.pains_weight),
        (t("vp.fit.voordelen"), fit.gain_share, fit.created_weight, fit.gains_weight),
    ]
    cells = "".join(
        f'<span class="pc-vp-fit-part"><b>{esc(label)}</b> {esc(percent(share, t))}'
        + (f'<small> ({esc(t("vp.fit.punten", deel=part, totaal=total))})</small>' if total else "")
        + "</span>"
        for label, share, part, total in parts
    )
    return (
        f'<div class="pc-vp-fit-summary" data-fit="{esc(percent(fit.share, t))}">{cells}'
        f'<span class="pc-vp-fit-part pc-vp-fit-total"><b>{esc(t("vp.fit.totaal"))}</b> '
        f"{esc(percent(fit.share, t))}</span></div>"
    )


def fit_details_html(fit: Fit, t: Translator) -> str:
    """Return the fit details of one target group: unaddressed pains and gains, idle relievers and creators."""

    def block(title: str, items: list[str], empty: str) -> str:
        body = "".join(f"<li>{esc(x)}</li>" for x in items) if items else f'<li class="pc-empty">{esc(empty)}</li>'
        return f'<div class="pc-vp-fit-block"><h4>{esc(title)}</h4><ul>{body}</ul></div>'

    return (
        '<div class="pc-vp-fit-details">'
        + block(
            t("vp.fit.open_pijnen"),
            [t("vp.fit.met_belang", tekst=isolate(p.text), belang=p.belang) for p in fit.top_unaddressed_pains()],
            t("vp.fit.geen_open_pijnen"),
        )
        + block(
            t("vp.fit.open_voordelen"),
            [t("vp.fit.met_belang", tekst=isolate(g.text), belang=g.belang) for g in fit.top_unaddressed_gains()],
            t("vp.fit.geen_open_voordelen"),
        )
        + block(
            t("vp.fit.losse_verzachters"),
            [r.text for r in fit.idle_relievers] + [c.text for c in fit.idle_creators],
            t("vp.fit.geen_losse"),
        )
        + "</div>"
    )


def fit_table_html(fits: list[Fit], t: Translator, current: str | None = None) -> str:
    """Return the fit of every target group as a table (escaped); the current one is marked."""
    if not fits:
        return f'<p class="pc-empty">{esc(t("vp.geen_doelgroepen"))}</p>'
    head = "".join(
        f'<th scope="col">{esc(t(k))}</th>'
        for k in ("vp.doelgroep", "vp.fit.pijnen", "vp.fit.voordelen", "vp.fit.totaal", "vp.fit.open_kort")
    )
    rows = []
    for f in fits:
        mark = ' class="pc-vp-current"' if f.proposition_id == current else ""
        orphan = f' <span class="pc-badge pc-badge-busy">{esc(t("vp.verweesd_kort"))}</span>' if f.orphaned else ""
        open_items = [p.text for p in f.top_unaddressed_pains(1)] + [g.text for g in f.top_unaddressed_gains(1)]
        rows.append(
            f'<tr{mark} data-proposition="{esc(f.proposition_id)}"><th scope="row">{esc(f.doelgroep)}{orphan}</th>'
            f"<td>{esc(percent(f.pain_share, t))}</td><td>{esc(percent(f.gain_share, t))}</td>"
            f"<td><b>{esc(percent(f.share, t))}</b></td>"
            f"<td>{esc('; '.join(_short(x, 60) for x in open_items)) or '–'}</td></tr>"
        )
    return (
        f'<table class="pc-table pc-vp-fit-table"><thead><tr>{head}</tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table><p class="pc-hint">{esc(t("vp.fit.regel"))}</p>'
    )


def dropped_html(dropped: list[DroppedLink], t: Translator) -> str:
    """Return the dropped links as a warning list (escaped), or ``""``."""
    if not dropped:
        return ""
    lines = []
    for d in dropped:
        if d.section == "producten":
            text = t("vp.vervallen.waarde", item=d.item_text)
        elif d.section == "pijnverzachters":
            text = (
                t("vp.vervallen.pijn_bekend", item=d.item_text, doel=d.target_text)
                if d.target_text
                else t("vp.vervallen.pijn", item=d.item_text)
            )
        else:
            text = (
                t("vp.vervallen.voordeel_bekend", item=d.item_text, doel=d.target_text)
                if d.target_text
                else t("vp.vervallen.voordeel", item=d.item_text)
            )
        lines.append(f"<li><b>{esc(d.doelgroep)}</b>: {esc(text)}</li>")
    return (
        f'<div class="pc-msg pc-msg-warning pc-vp-dropped" role="status"><p>{esc(t("vp.vervallen.titel"))}</p>'
        f'<ul>{"".join(lines)}</ul></div>'
    )


def proposal_html(changes: list[ProposalChange], t: Translator) -> str:
    """Return the preview of a proposal to the shared case (escaped)."""
    rows = []
    for c in changes:
        old = (
            f'<br><small class="pc-origin">{esc(t("vp.voorstel.was", tekst=c.old_text))}</small>'
            if c.action == "aangepast"
            else ""
        )
        rows.append(
            f'<tr class="pc-vp-change pc-vp-change-{c.action}"><td>{esc(t(PIECE_KEYS[c.piece]))}</td>'
            f"<td>{esc(c.text)}{old}</td><td>{esc(t(CHANGE_KEYS[c.action]))}</td></tr>"
        )
    head = "".join(
        f'<th scope="col">{esc(t(k))}</th>' for k in ("vp.voorstel.stuk", "vp.voorstel.tekst", "vp.voorstel.wat")
    )
    return (
        f'<table class="pc-table pc-vp-proposal"><thead><tr>{head}</tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table>'
    )


def reactions_html(proposition_id: str, reactions: dict, names: dict[str, str], t: Translator) -> str:
    """Return the partners' reactions to one value proposition (escaped), or a "none yet" line."""
    rows = []
    for pid, items in reactions.items():
        r = items.get(proposition_id)
        if not r or r.get("soort") not in REACTION_KEYS:
            continue
        comment = f": {esc(r.get('opmerking', ''))}" if r.get("opmerking") else ""
        rows.append(
            f'<li class="pc-reaction pc-reaction-{esc(r["soort"])}"><b>{esc(names.get(pid, pid))}</b> '
            f"{esc(t(REACTION_KEYS[r['soort']]))}{comment}</li>"
        )
    if not rows:
        return f'<p class="pc-hint">{esc(t("vp.geen_reacties"))}</p>'
    return f'<ul class="pc-reactions">{"".join(rows)}</ul>'


def note_text(note: str | None, t: Translator) -> str:
    """Return a revision note as text: our codes (``"toevoegen:pijnen"``) translated, others as stored."""
    if not note:
        return ""
    action, _, section = note.partition(":")
    if action not in NOTE_KEYS:
        return note
    what = t(NOTE_KEYS[action])
    return f"{what} ({t(SECTION_TITLES[section]).lower()})" if section in SECTION_TITLES else what


def text_rows(text: str, width: int = 60) -> int:
    """Return how many lines a text field needs to show ``text`` whole (2–8; the browser grows it further)."""
    lines = sum(max(1, -(-len(line) // width)) for line in (text or "").split("\n"))
    return max(2, min(8, lines))


class LinkChecks(ipw.VBox):
    """Which pains (gains) an item relieves (creates): one checkbox per target, no Ctrl-click list.

    Args:
        options: ``(label, id)`` of every target, in the order shown.
        value: the ids ticked.
        description: the line above the boxes ("verzacht:").
        guard: the page's :func:`~purposecase.ui.common.safe_callback`.

    Traits:
        value: the ids ticked, in the order of ``options`` (observe it as one would a ``SelectMultiple``).

    Public widgets: ``checkboxes`` (one per option, in order), ``options``.
    """

    value = tl.Tuple()

    def __init__(self, options: list[tuple[str, str]], value: tuple[str, ...], description: str, guard) -> None:
        self.options = options
        self.checkboxes = []
        for label, target in options:
            box = ipw.Checkbox(value=target in value, description=label, indent=False,
                               layout=ipw.Layout(width="auto", max_width="100%"))
            box.add_class("pc-vp-link")
            box.observe(guard(self._on_box), "value")
            self.checkboxes.append(box)
        boxes = ipw.HBox(self.checkboxes, layout=ipw.Layout(flex_flow="row wrap", width="100%"))
        boxes.add_class("pc-vp-link-boxes")
        super().__init__([ipw.HTML(f'<span class="pc-vp-link-label">{esc(description)}</span>'), boxes])
        self._syncing = True
        self.value = tuple(target for _, target in options if target in value)
        self._syncing = False
        self.observe(guard(self._on_value), "value")

    def _on_box(self, _change=None) -> None:
        if not self._syncing:
            self.value = tuple(target for (_, target), box in zip(self.options, self.checkboxes, strict=True)
                               if box.value)

    def _on_value(self, change) -> None:
        self._syncing = True
        try:
            for (_, target), box in zip(self.options, self.checkboxes, strict=True):
                box.value = target in change["new"]
        finally:
            self._syncing = False


def read_only_html(vp: ValueProposition, section: str, item, t: Translator) -> str:
    """Return one item as a partner or viewer reads it: text, kind, importance and links (escaped)."""
    badges = ""
    if section == "taken":
        badges += f'<span class="pc-kind">{esc(t(SOORT_KEYS[item.soort]))}</span> '
    if section in RANKED:
        badges += f'<span class="pc-vp-rank">{esc(t("vp.belang_n", n=item.belang))}</span>'
    links = ""
    if section in LINKS:
        field, target_section = LINKS[section]
        what = "; ".join(x.text for x in vp.items(target_section) if x.id in getattr(item, field))
        links = (
            f'<br><small class="pc-origin">{esc(t(LINK_LABELS[section]))} {esc(what)}</small>'
            if what
            else f'<br><small class="pc-origin">{esc(t(LINK_NONE[section]))}</small>'
        )
    return f'<p class="pc-vp-item"><span>{esc(item.text)}</span> {badges}{links}</p>'


class ItemRow(ipw.VBox):
    """One item of a section: text, importance (ranked sections), kind (jobs), links, remove.

    Read-only for partners and viewers (an HTML line); for the trekker: ``text``
    (``Textarea`` that wraps and grows, saved a few seconds after typing stops), ``belang``
    (``Dropdown`` 5…1), ``soort`` (jobs), ``links`` (:class:`LinkChecks`: one checkbox per pain
    or gain, labelled by its text) and ``remove``. ``original`` is the stored text when the
    row was drawn (to see a change made elsewhere while typing).
    """

    def __init__(self, panel: PropositionPanel, vp: ValueProposition, section: str, item) -> None:
        t = panel.t
        self.section, self.item_id, self.original = section, item.id, item.text
        self.text = self.belang = self.soort = self.links = self.remove = self.view = None
        self.syncing = False  # True while a redraw puts the stored text in ``text`` (not an edit: see keep_rows)
        children: list[ipw.Widget] = []
        targets = vp.items(LINKS[section][1]) if section in LINKS else []
        linked = [x for x in targets if x.id in getattr(item, LINKS[section][0])] if section in LINKS else []
        if panel.trekker:
            self.text = ipw.Textarea(
                value=item.text, rows=text_rows(item.text), continuous_update=True,
                layout=ipw.Layout(flex="1 1 auto", width="auto"),
            )
            self.text.add_class("pc-vp-text")
            keep_focus(self.text, "vp", item.id)
            top: list[ipw.Widget] = [self.text]
            if section == "taken":
                self.soort = ipw.Dropdown(
                    options=[(t(SOORT_KEYS[k]), k) for k in JOB_KINDS], value=item.soort,
                    layout=ipw.Layout(width="130px", flex="0 0 auto"),
                )
                self.soort.add_class("pc-vp-soort")
                top.append(self.soort)
            if section in RANKED:
                self.belang = ipw.Dropdown(
                    options=[(str(n), n) for n in range(5, 0, -1)], value=item.belang,
                    description=t("vp.belang"), style={"description_width": "initial"},
                    layout=ipw.Layout(width="105px", flex="0 0 auto"),
                )
                self.belang.add_class("pc-vp-belang")
                top.append(self.belang)
            self.remove = ipw.Button(icon="trash", tooltip=t("vp.verwijder"),
                                     layout=ipw.Layout(width="40px", flex="0 0 auto"))
            self.remove.add_class("pc-icon-button")
            self.remove.add_class("pc-vp-remove")
            top.append(self.remove)
            children.append(ipw.HBox(top, layout=ipw.Layout(width="100%", align_items="flex-start")))
            if section in LINKS:
                if targets:
                    self.links = LinkChecks(
                        [(_short(x.text), x.id) for x in targets], tuple(x.id for x in linked),
                        t(LINK_LABELS[section]), panel._guard,
                    )
                    self.links.add_class("pc-vp-links")
                    children.append(self.links)
                else:
                    children.append(ipw.HTML(f'<p class="pc-hint">{esc(t(LINK_FIRST[section]))}</p>'))
        else:
            self.view = ipw.HTML(read_only_html(vp, section, item, t))
            children.append(self.view)
        super().__init__(children)
        self.add_class("pc-vp-row")
        self.add_class(f"pc-vp-row-{section}")


class PropositionPanel(ipw.VBox):
    """The value propositions of one workspace session: choose a target group, edit, fit, propose, history.

    Public widgets (for tests): ``selector``, ``new_group_text``, ``new_group_button``, ``name_text``,
    ``rows`` (section → list of :class:`ItemRow`), ``add_texts`` / ``add_buttons`` (section → widget),
    ``fit_summary``, ``fit_table``, ``fit_details``, ``figure_button``, ``figure_out``, ``proposal_html``,
    ``propose_button``, ``notice``, ``dismiss_button``, ``orphan_box``, ``keep_button``, ``delete_button``,
    ``reactions``, ``reaction``, ``comment``, ``react_button``, ``history_html``, ``restore_dropdown``,
    ``restore_button``, ``refresh_button``, ``tabs``.
    """

    def __init__(self, session, t: Translator, status: StatusLine) -> None:
        super().__init__()
        self.add_class("pc-vp")
        self.session, self.t, self.status = session, t, status
        self.trekker = session.role == "trekker"
        self._guard = safe_callback(status, t)
        self.current: str | None = None
        self.dropped: list[DroppedLink] = []
        self.figure = None
        self._syncing = False
        self._typing = False  # the save under way comes from typing: leave the rows (and the cursor) alone
        self.rows: dict[str, list[ItemRow]] = {}
        self._dropped_now: list[DroppedLink] = []
        self.model = DocumentEditorModel(
            session.document(vp_mod.VALUE_PROPOSITIONS), t, status, words=ITEM_WORDS,
            write=self._write, on_saved=self._on_saved,
        )
        self._load()
        self._build()
        self._render()

    # ----------------------------------------------------------------- data
    def _load(self) -> None:
        self.loaded = vp_mod.load_propositions(self.session)
        if not self.model.dirty:
            self.model.loaded(self.loaded.propositions, self.loaded.base)
        self.partner_names = {p.id: p.name for p in self.session.partners(include_removed=True)}
        self.reaction_data = vp_mod.proposition_reactions(self.session)
        self._remember_dropped(self.loaded.dropped)
        self._keep_current_valid()

    def _keep_current_valid(self) -> None:
        ids = [p.id for p in self.loaded.propositions.propositions]
        if self.current not in ids:
            self.current = ids[0] if ids else None

    def _remember_dropped(self, dropped) -> None:
        for d in dropped:
            if d not in self.dropped:
                self.dropped.append(d)

    @property
    def vp(self) -> ValueProposition | None:
        """Return the value proposition on screen, or ``None``."""
        return self.loaded.propositions.get(self.current) if self.current else None

    def _write(self, operation, note: str | None) -> vp_mod.LoadedPropositions:
        """Save one operation, reconciled with the shared case (the editor model's ``write``)."""
        return vp_mod.update_propositions(self.session, operation, base=self.model.base, note=note)

    def _on_saved(self, loaded: vp_mod.LoadedPropositions) -> None:
        t = self.t
        self.loaded = loaded
        self._remember_dropped(self._dropped_now + list(loaded.dropped))
        self._dropped_now = []
        if loaded.rebased_on:
            self.status.show(t("vp.bovenop", wie=", ".join(loaded.rebased_on)), "info")
        else:
            self.status.clear()
        # after typing: the rows stay (and the cursor), and what others changed meanwhile shows (keep_rows)
        typed, self._typing = self._typing, False
        self._render(typed=typed)

    def _apply(self, operation, note: str, dropped: list[DroppedLink] | None = None, key=None) -> bool:
        """Save ``operation`` through the editor model (trekker); say what went wrong. Return success.

        An unreachable store keeps the change and retries; the same item changed in another tab
        opens the conflict panel.
        """
        from pydantic import ValidationError

        t = self.t
        if not self.model.writable:
            self.status.show(t("vp.alleen_trekker"), "error")
            return False
        self._dropped_now = list(dropped or [])
        self._typing = False  # a click redraws the rows
        try:
            return self.model.apply(operation, note, key=key)
        except (ValidationError, ValueError) as exc:
            broken = error_key(exc) == "fout.tekens"  # a broken character, not a length or a count
            self.status.show(t("fout.tekens") if broken else t("vp.ongeldig", max=vp_mod.MAX_ITEMS), "error")
            return False

    def _check_text(self, text: str) -> bool:
        if not text:
            self.status.show(self.t("vp.leeg"), "warning")
            return False
        if len(text) > MAX_ITEM_LENGTH:
            self.status.show(self.t("vp.te_lang", max=MAX_ITEM_LENGTH, lengte=len(text)), "error")
            return False
        return True

    # ----------------------------------------------------------------- view
    def _build(self) -> None:
        t, guard = self.t, self._guard
        self.refresh_button = ipw.Button(description=t("trekker.vernieuwen"), icon="refresh")
        self.refresh_button.add_class("pc-refresh")
        self.refresh_button.on_click(guard(lambda _b: self.refresh()))
        self.selector = ipw.Dropdown(
            description=t("vp.doelgroep"), style={"description_width": "initial"}, layout=ipw.Layout(width="560px")
        )
        self.selector.add_class("pc-vp-selector")
        self.selector.observe(guard(self._on_select), "value")
        self.save_state = SaveStateLine(self.model)
        top: list[ipw.Widget] = [self.selector, self.refresh_button] + ([self.save_state] if self.trekker else [])
        self.conflict_box = ConflictPanel(
            self.model, lambda text, _title: f'<p class="pc-conflict-text">{esc(text)}</p>', guard,
            after=self.refresh,
        )
        self.new_group_text = ipw.Text(
            placeholder=t("vp.nieuwe_doelgroep"), description=t("vp.doelgroep_toevoegen"),
            style={"description_width": "initial"}, layout=ipw.Layout(width="420px"),
        )
        self.new_group_text.add_class("pc-vp-new-group")
        self.new_group_button = ipw.Button(description=t("vp.toevoegen"), icon="plus")
        self.new_group_button.add_class("pc-vp-new-group-button")
        self.new_group_button.on_click(after_typing(guard(self._on_new_group)))
        submit_on_enter(self.new_group_text, guard(self._on_new_group))  # Enter adds, as the item fields do
        rows: list[ipw.Widget] = [ipw.HBox(top, layout=ipw.Layout(align_items="center", flex_flow="row wrap"))]
        rows.append(self.conflict_box)
        if self.trekker:
            rows.append(ipw.HBox([self.new_group_text, self.new_group_button]))

        self.notice = ipw.HTML()
        self.dismiss_button = ipw.Button(
            description=t("vp.begrepen"), layout=ipw.Layout(width="auto", align_self="flex-start")
        )
        self.dismiss_button.add_class("pc-vp-dismiss")
        self.dismiss_button.on_click(guard(self._on_dismiss))
        self.notice_box = ipw.VBox([self.notice, self.dismiss_button], layout=ipw.Layout(display="none"))

        self.orphan_html = ipw.HTML()
        self.keep_button = ipw.Button(description=t("vp.houd_eigen"), icon="link")
        self.keep_button.add_class("pc-vp-keep")
        self.keep_button.on_click(guard(self._on_keep))
        self.delete_button = ipw.Button(description=t("vp.verwijder_doelgroep"), icon="trash")
        self.delete_button.add_class("pc-vp-delete")
        self.delete_button.on_click(guard(self._on_delete))
        orphan_children: list[ipw.Widget] = [self.orphan_html]
        if self.trekker:
            orphan_children.append(ipw.HBox([self.keep_button, self.delete_button]))
        self.orphan_box = ipw.VBox(orphan_children, layout=ipw.Layout(display="none"))
        self.orphan_box.add_class("pc-vp-orphan")

        # canvas tab: value map left, profile right (our layout)
        self.name_text = ipw.Text(  # saved a few seconds after typing stops (the one editor model)
            description=t("vp.doelgroep"), continuous_update=True, style={"description_width": "initial"},
            layout=ipw.Layout(width="560px", max_width="100%"),
        )
        self.name_text.add_class("pc-vp-name")
        self.name_text.observe(guard(self._on_rename), "value")
        self.name_html = ipw.HTML()
        self.fit_summary = ipw.HTML()
        self.add_texts: dict[str, ipw.Text] = {}
        self.add_buttons: dict[str, ipw.Button] = {}
        self.sort_buttons: dict[str, ipw.Button] = {}
        self.section_rows: dict[str, ipw.VBox] = {}
        self.suggestion_buttons: dict[str, ipw.Button] = {}
        self.suggestion_list = ipw.HBox(layout=ipw.Layout(flex_flow="row wrap", width="100%"))
        self.suggestion_box = ipw.VBox(
            [ipw.HTML(f'<p class="pc-hint pc-vp-suggestions-label">{esc(t("vp.suggesties"))}</p>'),
             self.suggestion_list],
            layout=ipw.Layout(display="none"),
        )
        self.suggestion_box.add_class("pc-vp-suggestions")
        boxes = {}
        for section in vp_mod.SECTIONS:
            rows_box = ipw.VBox()
            self.section_rows[section] = rows_box
            children: list[ipw.Widget] = [
                ipw.HTML(subtitle_html(t(SECTION_TITLES[section]), t(SECTION_HINTS[section]))), rows_box
            ]
            if self.trekker and section in RANKED:
                sort = ipw.Button(description=t("vp.sorteer"), icon="sort-amount-desc",
                                  layout=ipw.Layout(width="auto", align_self="flex-end"))
                sort.add_class("pc-vp-sort")
                sort.on_click(guard(lambda _b, s=section: self._on_sort(s)))
                self.sort_buttons[section] = sort
                children.insert(1, sort)
            if self.trekker and section == "producten":
                children.append(self.suggestion_box)
            if self.trekker:
                text = ipw.Text(placeholder=t("vp.nieuw_item"), layout=ipw.Layout(flex="1 1 auto", width="auto"))
                text.add_class("pc-vp-add-text")
                button = ipw.Button(description=t("vp.toevoegen"), icon="plus")
                button.add_class("pc-vp-add")
                button.on_click(after_typing(guard(lambda _b, s=section: self._on_add(s))))
                submit_on_enter(text, guard(lambda s=section: self._on_add(s)))  # Enter adds, as in step 3
                self.add_texts[section], self.add_buttons[section] = text, button
                children.append(ipw.HBox([text, button], layout=ipw.Layout(width="100%")))
            box = ipw.VBox(children)
            box.add_class("pc-vp-section")
            box.add_class(f"pc-vp-section-{section}")
            boxes[section] = box
        value_map = ipw.VBox(
            [ipw.HTML(f'<h3 class="pc-vp-part">{esc(t("vp.waardekaart"))}</h3>')]
            + [boxes[s] for s in vp_mod.VALUE_MAP]
        )
        value_map.add_class("pc-vp-map")
        profile = ipw.VBox(
            [ipw.HTML(f'<h3 class="pc-vp-part">{esc(t("vp.profiel"))}</h3>')] + [boxes[s] for s in vp_mod.PROFILE]
        )
        profile.add_class("pc-vp-profile")
        layout = ipw.HBox([value_map, profile])
        layout.add_class("pc-vp-layout")

        self.reactions = ipw.HTML()
        reaction_children: list[ipw.Widget] = [ipw.HTML(subtitle_html(t("vp.reacties"))), self.reactions]
        self.reaction = self.comment = self.react_button = None
        if self.session.role == "partner":
            self.reaction = ipw.ToggleButtons(
                options=[(t("reactie.geen"), ""), (t("reactie.eens"), "eens"), (t("reactie.vraag"), "vraag")],
                style={"button_width": "auto"},
            )
            self.reaction.add_class("pc-react")
            self.comment = ipw.Text(
                placeholder=t("reactie.opmerking"), description=t("reactie.label"),
                style={"description_width": "initial"}, layout=ipw.Layout(width="420px"),
            )
            self.comment.add_class("pc-react-comment")
            self.react_button = ipw.Button(description=t("reactie.bewaar"), icon="comment")
            self.react_button.add_class("pc-react-save")
            self.react_button.on_click(after_typing(guard(self._on_react)))
            self.my_reaction = StoredValues(self.reaction, self.comment)
            reaction_children.append(
                ipw.HBox([self.reaction, self.comment, self.react_button], layout=ipw.Layout(flex_flow="row wrap"))
            )
        name_row: list[ipw.Widget] = [self.name_text] if self.trekker else []
        canvas_tab = ipw.VBox([*name_row, self.name_html, self.fit_summary, layout, *reaction_children])

        # fit tab
        self.fit_table = ipw.HTML()
        self.fit_details = ipw.HTML()
        self.figure_out = ipw.Output()
        self.figure_button = ipw.Button(
            description=t("vp.toon_figuur"), icon="bar-chart", layout=ipw.Layout(width="auto", align_self="flex-start")
        )
        self.figure_button.add_class("pc-figure-button")
        self.figure_button.on_click(guard(self._on_figure))
        fit_tab = ipw.VBox(
            [
                ipw.HTML(subtitle_html(t("vp.fit.titel"), t("vp.fit.uitleg"))),
                self.fit_table,
                self.fit_details,
                self.figure_button,
                self.figure_out,
            ]
        )

        # proposal tab
        self.proposal_html = ipw.HTML()
        self.propose_button = ipw.Button(
            description=t("vp.voorstel.knop"), icon="share", button_style="primary", disabled=not self.trekker,
            layout=ipw.Layout(width="auto", align_self="flex-start"),
        )
        self.propose_button.add_class("pc-vp-propose")
        self.propose_button.on_click(guard(self._on_propose))
        proposal_children: list[ipw.Widget] = [
            ipw.HTML(subtitle_html(t("vp.voorstel.titel"), t("vp.voorstel.uitleg"))),
            self.proposal_html,
        ]
        if self.trekker:
            proposal_children.append(self.propose_button)
        proposal_tab = ipw.VBox(proposal_children)

        # history tab
        self.history = HistoryPanel(
            self.model, lambda record, _title: fit_table_html(vp_mod.fits(record), t), guard,
            note=lambda n: note_text(n, t), listing=True, after=self.refresh,
        )
        self.history_html = self.history.listing
        self.restore_dropdown = self.history.dropdown
        self.restore_button = self.history.restore_button
        self.restore_button.add_class("pc-vp-restore")
        history_tab = ipw.VBox([ipw.HTML(subtitle_html(t("geschiedenis.titel"))), self.history])

        self.tabs = ipw.Tab(children=[canvas_tab, fit_tab, proposal_tab, history_tab])
        for i, key in enumerate(TABS):
            self.tabs.set_title(i, t(key))
        self.tabs.add_class("pc-vp-tabs")
        self.tabs.observe(guard(self._on_tab), "selected_index")
        self.empty = ipw.HTML()
        self.children = [*rows, self.notice_box, self.orphan_box, self.empty, self.tabs]

    def _label(self, vp: ValueProposition) -> str:
        t = self.t
        label = _short(vp.doelgroep, 70)
        if vp.orphaned:
            return f"{label} — {t('vp.verweesd_kort')}"
        if vp.doelgroep_item_id is None:
            return f"{label} — {t('vp.eigen_kort')}"
        return label

    def _render_selector(self) -> None:
        self._keep_current_valid()
        props = self.loaded.propositions.propositions
        self._syncing = True
        try:
            self.selector.options = [(self._label(p), p.id) for p in props]
            self.selector.value = self.current
        finally:
            self._syncing = False

    def _render(self, typed: bool = False) -> None:
        """Redraw the proposition; ``typed``: right after this page saved its typing (see ``keep_rows``)."""
        t = self.t
        self._render_selector()
        self.notice.value = dropped_html(self.dropped, t)
        self.notice_box.layout.display = "flex" if self.dropped else "none"
        vp = self.vp
        if vp is None:
            self.empty.value = message_html(t("vp.geen_doelgroepen"), "info")
            self.tabs.layout.display = "none"
            self.orphan_box.layout.display = "none"
            self.fit_table.value = ""
            return
        self.empty.value = ""
        self.tabs.layout.display = "flex"
        self._render_orphan(vp)
        if not typed or self.name_text.value.strip() == vp.doelgroep.strip():  # a name typed on stays
            self._syncing = True
            try:
                self.name_text.value = vp.doelgroep
            finally:
                self._syncing = False
        self.name_html.value = self._name_html(vp)
        drawn, self.rows = getattr(self, "rows", {}), {}
        for row in [r for rows in drawn.values() for r in rows]:  # removed elsewhere while typed in
            if (row.text is not None and row.text.value.strip() != row.original.strip()
                    and getattr(row, "row_key", (None,))[0] == vp.id and vp.find(row.item_id) is None):
                self.status.show(t("editor.item.verwijderd", item=isolate(row.original),
                                   tekst=isolate(row.text.value.strip())), "warning")
        for section in vp_mod.SECTIONS:  # in the order entered: a changed importance moves nothing

            def build(item, _n: int, section: str = section) -> ItemRow:
                row = ItemRow(self, vp, section, item)
                self._wire(row)
                return row

            rows = keep_rows(  # rows nobody changed stay as they are on the page (and keep the cursor)
                drawn.get(section, []), vp.items(section), key=lambda item, section=section: (vp.id, section, item.id),
                shape=lambda item, _n, section=section: self._row_shape(vp, section, item), build=build,
                follow=self._follow_row, typed=typed,
            )
            self.rows[section] = rows
            self.section_rows[section].children = rows or [
                ipw.HTML(f'<p class="pc-empty">{esc(t("vp.nog_niets"))}</p>')
            ]
            if section in self.sort_buttons:
                items = vp.items(section)
                self.sort_buttons[section].disabled = items == vp.ranked(section)
                self.sort_buttons[section].layout.display = "" if len(items) > 1 else "none"
        self._render_suggestions(vp)
        self._render_details()

    def _render_suggestions(self, vp: ValueProposition) -> None:
        """Offer the shared waarde items no product comes from yet (one click adds one)."""
        if not self.trekker:
            return
        offered = vp_mod.suggestions(vp, self.loaded.shared.shared)[: vp_mod.MAX_ITEMS]
        buttons = {}
        for item in offered:
            button = ipw.Button(description=_short(item.text, 60), tooltip=t_add(self.t, item.text), icon="plus",
                                layout=ipw.Layout(width="auto", max_width="100%"))
            button.add_class("pc-vp-suggestion")
            button.on_click(self._guard(lambda _b, item=item: self._on_suggestion(item)))
            buttons[item.id] = button
        self.suggestion_buttons = buttons
        self.suggestion_list.children = list(buttons.values())
        self.suggestion_box.layout.display = "flex" if buttons else "none"

    def _render_reactions(self, vp: ValueProposition) -> None:
        """Redraw the partners' reactions to ``vp``, and a partner's own form (unless being filled in)."""
        self.reactions.value = reactions_html(vp.id, self.reaction_data, self.partner_names, self.t)
        if self.reaction is not None:
            mine = self.reaction_data.get(self.session.access.partner_id, {}).get(vp.id, {})
            self.my_reaction.show(  # what is being chosen or typed and not saved stays (a live redraw)
                vp.id, (mine.get("soort", "") if mine.get("soort") in REACTION_KEYS else "", mine.get("opmerking", ""))
            )

    def _render_details(self) -> None:
        """Redraw what follows from the stored proposition: fit, reactions, proposal (never the rows)."""
        t, vp = self.t, self.vp
        if vp is None:
            return
        current_fit = vp_mod.fit(vp)
        self.fit_summary.value = fit_summary_html(current_fit, t)
        self.fit_table.value = fit_table_html(vp_mod.fits(self.loaded.propositions), t, self.current)
        self.fit_details.value = (
            f'<h4 class="pc-vp-fit-for">{esc(t("vp.fit.voor", doelgroep=vp.doelgroep))}</h4>'
            + fit_details_html(current_fit, t)
        )
        self._render_reactions(vp)
        changes = vp_mod.preview_proposal(vp, self.loaded.shared.shared)
        self.proposal_html.value = proposal_html(changes, t)
        self.propose_button.disabled = not self.trekker or all(c.action == "gelijk" for c in changes)
        if self.tabs.selected_index == HISTORY_TAB:
            self._render_history()

    def _name_html(self, vp: ValueProposition) -> str:
        t = self.t
        if vp.doelgroep_item_id is None:
            note = t("vp.eigen")
        else:
            shared_items = self.loaded.shared.shared.items("doelgroepen")
            item = next((i for i in shared_items if i.id == vp.doelgroep_item_id), None)
            note = t("vp.in_gedeeld", tekst=item.text) if item is not None else ""
        heading = "" if self.trekker else f'<h3 class="pc-vp-title">{esc(vp.doelgroep)}</h3>'
        return heading + (f'<p class="pc-hint">{esc(note)}</p>' if note else "")

    def _render_orphan(self, vp: ValueProposition) -> None:
        t = self.t
        if vp.orphaned:
            self.orphan_html.value = message_html(t("vp.verweesd", doelgroep=vp.doelgroep), "warning")
            self.orphan_box.layout.display = "flex"
            self.keep_button.layout.display = ""
        elif vp.doelgroep_item_id is None and self.trekker:
            self.orphan_html.value = f'<p class="pc-hint">{esc(t("vp.eigen_beheer"))}</p>'
            self.orphan_box.layout.display = "flex"
            self.keep_button.layout.display = "none"
        else:
            self.orphan_html.value = ""
            self.orphan_box.layout.display = "none"

    def _render_history(self) -> None:
        self.history.refresh()

    def _row_shape(self, vp: ValueProposition, section: str, item) -> tuple:
        """Return what an item's row shows besides the trekker's text (see ``keep_rows``)."""
        if not self.trekker:  # one line of text, updated in place
            return (self.t.lang, False)
        links = None
        if section in LINKS:
            field, target_section = LINKS[section]
            links = (tuple(getattr(item, field)), tuple((x.id, x.text) for x in vp.items(target_section)))
        return (self.t.lang, True, getattr(item, "soort", None), getattr(item, "belang", None), links)

    def _follow_row(self, row: ItemRow, item, _index: int) -> None:
        """Update a kept row in place: a reader's line; the trekker's field height and choices (not a click)."""
        if row.view is not None and self.vp is not None:
            row.view.value = read_only_html(self.vp, row.section, item, self.t)
        if row.text is None:
            return
        row.text.rows = text_rows(item.text)
        row.syncing = True
        try:
            if row.belang is not None:
                row.belang.value = item.belang
            if row.soort is not None:
                row.soort.value = item.soort
            if row.links is not None:
                linked = set(getattr(item, LINKS[row.section][0]))
                row.links.value = tuple(target for _, target in row.links.options if target in linked)
        finally:
            row.syncing = False

    def _wire(self, row: ItemRow) -> None:
        if not self.trekker:
            return
        guard, pid, section, item_id = self._guard, self.current, row.section, row.item_id

        note = f"wijzigen:{section}"

        def on_text(change):
            if row.syncing:  # the stored text put back by a redraw, not typed here
                return
            text = change["new"].strip()
            key = ("text", pid, item_id)
            if not self._check_text(text):  # nothing of it saves until it fits
                self.model.pending.pop(key, None)
                self.model.dirty = bool(self.model.pending)
                return

            def read(doc, pid=pid):
                found = doc.get(pid).find(item_id) if doc.get(pid) is not None else None
                return found[1].text if found is not None else None

            edit = text_edit(
                read, lambda value: vp_mod.edit_item(pid, section, item_id, text=value),
                row.original.strip(), text, self.t,
            )
            self._typing = True
            self.model.stage(key, edit, note)  # saved a few seconds after typing stops

        def on_belang(change):
            if row.syncing:
                return
            self._apply(vp_mod.edit_item(pid, section, item_id, belang=change["new"]), note)

        def on_soort(change):
            if row.syncing:
                return
            self._apply(vp_mod.edit_item(pid, section, item_id, soort=change["new"]), note)

        def on_links(change):
            if row.syncing:
                return
            self._apply(vp_mod.set_links(pid, section, item_id, list(change["new"])), f"koppelen:{section}")

        row.text.observe(guard(on_text), "value")
        for widget, handler in ((row.belang, on_belang), (row.soort, on_soort), (row.links, on_links)):
            if widget is not None:
                widget.observe(guard(handler), "value")
        row.remove.on_click(guard(lambda _b: self._on_remove(section, item_id)))

    # ------------------------------------------------------------- handlers
    def _on_select(self, change) -> None:
        if self._syncing or change["new"] is None:
            return
        self.current = change["new"]
        self.figure_out.clear_output()
        self._render()

    def _on_new_group(self, _b=None) -> None:
        text = self.new_group_text.value.strip()
        if not self._check_text(text):
            return
        if len(self.loaded.propositions.propositions) >= vp_mod.MAX_PROPOSITIONS:
            self.status.show(self.t("vp.te_veel_doelgroepen", max=vp_mod.MAX_PROPOSITIONS), "error")
            return
        vp = vp_mod.new_proposition(text, self.loaded.shared.shared)
        if self._apply(vp_mod.add_proposition(vp), "nieuw"):
            self.new_group_text.value = ""
            self.current = vp.id
            self._render()

    def _on_rename(self, change) -> None:
        if self._syncing or not self.trekker or self.current is None:
            return
        text = change["new"].strip()
        key = ("name", self.current)
        if not self._check_text(text):  # nothing of it saves until it fits
            self.model.pending.pop(key, None)
            self.model.dirty = bool(self.model.pending)
            return
        self._typing = True
        self.model.stage(key, vp_mod.rename(self.current, text), "naam")  # saved after typing stops

    def _on_suggestion(self, item) -> None:
        if self.current is None:
            return
        if len(self.vp.producten) >= vp_mod.MAX_ITEMS:
            self.status.show(self.t("vp.ongeldig", max=vp_mod.MAX_ITEMS), "error")
            return
        self._apply(vp_mod.add_suggestion(self.current, item), "toevoegen:producten")

    def _on_sort(self, section: str) -> None:
        if self.current is not None:
            self._apply(vp_mod.sort_by_belang(self.current, section), f"sorteren:{section}")

    def _on_add(self, section: str) -> None:
        text = self.add_texts[section].value.strip()
        if not self._check_text(text) or self.current is None:
            return
        if len(self.vp.items(section)) >= vp_mod.MAX_ITEMS:
            self.status.show(self.t("vp.ongeldig", max=vp_mod.MAX_ITEMS), "error")
            return
        if self._apply(vp_mod.add_item(self.current, section, text), f"toevoegen:{section}"):
            self.add_texts[section].value = ""

    def _on_remove(self, section: str, item_id: str) -> None:
        report = vp_mod.removal_report(self.vp, section, item_id)
        self._apply(vp_mod.remove_item(self.current, section, item_id), f"verwijderen:{section}", report)

    def _on_dismiss(self, _b=None) -> None:
        self.dropped = []
        self._render()

    def _on_keep(self, _b=None) -> None:
        self._apply(vp_mod.detach(self.current), "loskoppelen")

    def _on_delete(self, _b=None) -> None:
        vp = self.vp
        if vp is None or (vp.doelgroep_item_id and not vp.orphaned):
            return
        if self._apply(vp_mod.remove_proposition(vp.id), "weg"):
            self.status.show(self.t("vp.verwijderd", doelgroep=vp.doelgroep), "info")

    def _on_propose(self, _b=None) -> None:
        from ..errors import ConflictError, StoreUnavailable

        t = self.t
        try:
            result = vp_mod.propose_to_shared(self.session, self.current, base=self.loaded.base)
        except StoreUnavailable:
            self.status.show(t("opslag.onbereikbaar"), "error")
            return
        except ConflictError:
            self.status.show(t("vp.conflict"), "warning")
            self.refresh()
            return
        self.loaded = result.propositions
        self._remember_dropped(result.propositions.dropped)
        if result.new_revision:
            self.status.show(t("vp.voorstel.gedaan", revisie=result.shared.base), "info")
        else:
            self.status.show(t("vp.voorstel.niets"), "info")
        self._render()

    def _on_react(self, _b=None) -> None:
        comment = self.comment.value.strip()
        if len(comment) > vp_mod.MAX_COMMENT:
            self.status.show(self.t("fout.te_lang", lengte=len(comment), max=vp_mod.MAX_COMMENT), "error")
            return
        vp_mod.react_to_proposition(self.session, self.current, self.reaction.value or None, comment)
        self.reaction_data = vp_mod.proposition_reactions(self.session)
        self._render()
        self.status.show(self.t("reactie.bewaard"), "info")

    def _on_figure(self, _b=None) -> None:
        from IPython.display import display

        from ..figures import value_fit_figure

        t = self.t
        fig = value_fit_figure(
            vp_mod.fits(self.loaded.propositions),
            title=t("vp.figuur.titel"),
            pains=t("vp.fit.pijnen"),
            gains=t("vp.fit.voordelen"),
            overall=t("vp.fit.totaal"),
            not_applicable=t("vp.nvt"),
        )
        self.figure = fig
        self.figure_out.clear_output()
        with self.figure_out:
            display(fig)

    def _on_tab(self, change) -> None:
        if change["new"] == HISTORY_TAB:
            self._render_history()

    def on_change(self, event) -> None:
        """Reload after a live-feed burst; what is being typed or saved is never overwritten.

        A burst that comes while this page has unsaved work is shown once that work is saved.
        """
        if self.model.dirty or self.model.conflict:
            self.model.hold_back(event, self.on_change)
            return
        if event.touches(vp_mod.VP_REACTIONS) and not event.touches(vp_mod.VALUE_PROPOSITIONS, SHARED_CASE):
            self.reaction_data = vp_mod.proposition_reactions(self.session)
            if self.vp is not None:
                self._render_reactions(self.vp)
            return
        if event.touches(vp_mod.VALUE_PROPOSITIONS, SHARED_CASE) or event.has("partner"):
            loaded = vp_mod.load_propositions(self.session)
            same = loaded.base == self.loaded.base and loaded.shared.base == self.loaded.shared.base
            if not same or event.has("partner") or event.resync:
                self.refresh()

    def refresh(self) -> None:
        """Reload the value propositions, the shared case and the reactions from the store, and redraw."""
        self._load()
        self._render()


class WaardepropositieChapter(ChapterShell):
    """Step 4 of "Hoe nu verder?": a value proposition per target group, with fit.

    Args:
        context: page context (language, secret link); default read from the page's address.
        session: an opened workspace session (tests); default opened from ``context.sleutel``.

    Public attributes (for tests): those of :class:`~purposecase.ui.shell.ChapterShell` (``nav``, ``status``,
    ``session``, ``body``, ``workspace_line``, ``feed`` …), ``about``, ``panel`` (a :class:`PropositionPanel`
    or ``None``).
    """

    NOTEBOOK = NOTEBOOK
    TITLE, INTRO = "vp.titel", "vp.intro"
    CSS_CLASS = "pc-waardepropositie"
    NO_LINK = "vp.geen_sleutel"

    def top(self) -> list[ipw.Widget]:
        """Return the explanation of the concepts (open without a workspace) with its source."""
        self.about = ipw.HTML(about_html(self.t, open_=self.session is None))
        return [self.about]

    def build(self) -> ipw.Widget:
        """Return the value propositions (edit for the trekker, read and react for the others)."""
        t, session = self.t, self.session
        self.panel: PropositionPanel | None = None
        if session is None:
            return self.no_link_html()
        self.panel = PropositionPanel(session, t, self.status)
        if session.role == "trekker":
            return self.panel
        note = t("vp.partner_leest") if session.role == "partner" else t("vp.alleen_lezen")
        return ipw.VBox([ipw.HTML(message_html(note, "info")), self.panel])

    def on_workspace_change(self, event) -> None:
        """Show value propositions, reactions and target groups changed elsewhere (never over unsaved work)."""
        if self.panel is not None:
            self.panel.on_change(event)
