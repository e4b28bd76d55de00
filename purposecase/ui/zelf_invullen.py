"""Chapter "Stap 1–2: zelf invullen": start a workspace, invite partners, fill in your own draft.

What the page shows depends on the secret link (``?sleutel=``):

- no link: start a Purpose Case for your collaboration (step 1);
- an unknown or revoked link: a clear message, nothing of any workspace;
- the trekker's link: partners and their links, who has shared, the shared drafts;
- a partner's link: their own draft (step 2);
- a viewer's link: the same overview as the trekker, read-only.
"""

from __future__ import annotations

from urllib.parse import urlencode

import ipywidgets as ipw

from ..bidi import isolate
from ..errors import InvalidInput, StoreError
from ..examples import load_catalogue
from ..messages import Translator
from ..workspace import DRAFT, DraftStatus, WorkspaceSession, create_workspace
from .canvas import CanvasView
from .common import (
    esc,
    message_html,
    safe_callback,
    subtitle_html,
)
from .draft import DraftEditor
from .editor import format_time
from .export_button import ExportButton
from .links import chapter_url, link_html
from .shell import ChapterShell

NOTEBOOK = "04_zelf_invullen.ipynb"
"""How often the trekker's overview reloads who has shared (other partners save in other pages)."""


def status_table_html(statuses: list[DraftStatus], t: Translator) -> str:
    """Return the partners' draft statuses as an escaped table (name, organisation, state, progress)."""
    if not statuses:
        return f'<p class="pc-empty">{esc(t("trekker.geen_partners"))}</p>'
    head = "".join(
        f'<th scope="col">{esc(t(k))}</th>'
        for k in (
            "trekker.kol_partner",
            "trekker.kol_organisatie",
            "trekker.kol_status",
            "trekker.kol_ingevuld",
            "trekker.kol_opgeslagen",
        )
    )
    rows = []
    for s in statuses:
        if s.revisions == 0:
            state, cls = t("status.niet_begonnen"), "todo"
        elif s.shared:
            state, cls = t("status.gedeeld"), "done"
        else:
            state, cls = t("status.bezig"), "busy"
        filled = t("status.stukken", n=s.filled) if s.filled is not None else t("status.prive")
        rows.append(
            f'<tr data-partner="{esc(s.partner.name)}"><th scope="row">{esc(s.partner.name)}'
            f"{'<br><small>' + esc(s.partner.role) + '</small>' if s.partner.role else ''}</th>"
            f"<td>{esc(s.partner.organisation)}</td>"
            f'<td><span class="pc-badge pc-badge-{cls}">{esc(state)}</span></td>'
            f"<td>{esc(filled)}</td><td>{esc(format_time(s.saved_at))}</td></tr>"
        )
    shared = sum(1 for s in statuses if s.shared)
    summary = esc(t("trekker.samenvatting", gedeeld=shared, totaal=len(statuses)))
    return (
        f'<p class="pc-count" role="status">{summary}</p><table class="pc-table pc-status-table">'
        f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


class StartPanel(ipw.VBox):
    """Step 1: name the collaboration, start empty or with an example as inspiration."""

    def __init__(self, chapter: ZelfInvullenChapter) -> None:
        super().__init__()
        self.add_class("pc-start")
        t = chapter.t
        self.chapter = chapter
        style = {"description_width": "initial"}
        intro = ipw.HTML(f'<h2>{esc(t("start.titel"))}</h2><p class="pc-intro">{esc(t("start.intro"))}</p>')
        self.name_text = ipw.Text(
            description=t("start.naam"),
            placeholder=t("start.naam_placeholder"),
            style=style,
            layout=ipw.Layout(width="520px"),
        )
        self.name_text.add_class("pc-workspace-name")
        cases = load_catalogue().cases
        self.inspiration_dropdown = ipw.Dropdown(
            options=[(t("start.leeg"), "")] + [(c.title, c.slug) for c in cases],
            description=t("start.inspiratie"),
            style=style,
        )
        self.inspiration_dropdown.add_class("pc-inspiration-dropdown")
        self.start_button = ipw.Button(description=t("start.knop"), button_style="primary", icon="play")
        self.start_button.add_class("pc-start-button")
        self.start_button.on_click(safe_callback(chapter.status, t)(self._on_start))
        examples = ipw.HTML(
            f'<p class="pc-hint">{esc(t("start.voorbeelden"))} '
            f'<a href="{esc(chapter_url("03_voorbeelden.ipynb", lang=t.lang))}">'
            f'{esc(t("start.voorbeelden_link"))}</a></p>'
        )
        self.children = [intro, self.name_text, self.inspiration_dropdown, self.start_button, examples]

    def _on_start(self, _b=None) -> None:
        t = self.chapter.t
        name = self.name_text.value.strip()
        if not name:
            self.chapter.status.show(t("start.naam_nodig"), "warning")
            return
        if len(name) > 200:
            self.chapter.status.show(t("start.naam_te_lang"), "warning")
            return
        self.start_button.disabled = True
        try:
            session, token = create_workspace(name, inspiration=self.inspiration_dropdown.value or None)
        except InvalidInput as exc:
            if exc.code != "invalid_name":
                raise
            self.chapter.status.show(t("fout.naam_ongeldig"), "warning")  # e.g. a tab or NUL pasted in
            return
        finally:
            self.start_button.disabled = False
        self.chapter.status.clear()
        self.chapter.show_session(session, new_trekker_token=token)


class OverviewPanel(ipw.VBox):
    """The trekker's (and, read-only, the viewer's) overview: partners, links, who has shared.

    A shared draft picked in ``shared_dropdown`` shows as a canvas and downloads with
    ``export_button`` (hidden in ``export_box`` while nobody has shared).
    """

    def __init__(
        self, chapter: ZelfInvullenChapter, session: WorkspaceSession, new_trekker_token: str | None = None
    ) -> None:
        super().__init__()
        self.add_class("pc-overview")
        self.chapter, self.session = chapter, session
        t = self.t = chapter.t
        guard = safe_callback(chapter.status, t)
        trekker = session.role == "trekker"
        style = {"description_width": "initial"}
        self.links = ipw.HTML()
        self.links.add_class("pc-new-links")
        self._new_links: list[str] = []
        self.trekker_link = ipw.HTML(
            link_html(
                t("links.trekker"), chapter_url(NOTEBOOK, new_trekker_token, t.lang), t, note=t("links.trekker_bewaar")
            )
            if new_trekker_token
            else ""
        )
        self.trekker_link.add_class("pc-fresh-trekker-link")
        self.status_table = ipw.HTML()
        self.status_table.add_class("pc-statuses")
        self.refresh_button = ipw.Button(description=t("trekker.vernieuwen"), icon="refresh")
        self.refresh_button.add_class("pc-refresh")
        self.refresh_button.on_click(guard(lambda _b: self.refresh()))

        children: list[ipw.Widget] = [
            self.trekker_link,
            ipw.HTML(subtitle_html(t("trekker.partners"))),
            self.status_table,
        ]
        self.others = ipw.HTML()
        """The partners without a draft of their own: without a link, and the trekker's organisation."""
        self.others.add_class("pc-other-partners")
        children += [self.others, self.refresh_button]
        if trekker:
            self.partner_name = ipw.Text(description=t("trekker.naam"), style=style)
            self.partner_organisation = ipw.Text(description=t("trekker.organisatie"), style=style)
            self.partner_role = ipw.Text(
                description=t("trekker.rol"), placeholder=t("trekker.rol_placeholder"), style=style
            )
            for w, cls in (
                (self.partner_name, "pc-partner-name"),
                (self.partner_organisation, "pc-partner-organisation"),
                (self.partner_role, "pc-partner-role"),
            ):
                w.add_class(cls)
            self.add_partner_button = ipw.Button(
                description=t("trekker.toevoegen"), icon="user-plus", button_style="primary"
            )
            self.add_partner_button.add_class("pc-add-partner")
            self.add_partner_button.on_click(guard(self._on_add_partner))
            # partners are organisations (issue 17): one that takes part without a link of its own, and the
            # trekker's own organisation, which gives, gets and owns roadmap steps too
            self.without_link = ipw.Checkbox(value=False, indent=False, description=t("trekker.zonder_link"))
            self.without_link.add_class("pc-without-link")
            self.without_link.layout.width = "auto"  # the whole explanation, never cut
            self.suggestions = ipw.Dropdown(description=t("trekker.uit_partnerstuk"), options=[], style=style)
            self.suggestions.add_class("pc-partner-suggestions")
            self.suggestions.layout.width = "34em"
            self.suggestion_button = ipw.Button(description=t("trekker.voeg_zonder_link_toe"), icon="plus")
            self.suggestion_button.add_class("pc-add-suggestion")
            self.suggestion_button.on_click(guard(self._on_add_suggestion))
            self.own_organisation = ipw.Text(description=t("trekker.eigen_organisatie"), style=style)
            self.own_organisation.add_class("pc-own-organisation")
            self.own_button = ipw.Button(description=t("trekker.eigen_bewaar"), icon="building")
            self.own_button.add_class("pc-own-organisation-save")
            self.own_button.on_click(guard(self._on_own_organisation))

            self.manage_dropdown = ipw.Dropdown(description=t("trekker.beheer"), options=[], style=style)
            self.manage_dropdown.add_class("pc-manage-partner")
            self.relink_button = ipw.Button(description=t("trekker.nieuwe_link"), icon="link")
            self.relink_button.add_class("pc-relink")
            self.remove_button = ipw.Button(
                description=t("trekker.verwijder"), icon="user-times", button_style="danger"
            )
            self.remove_button.add_class("pc-remove-partner")
            self.relink_button.on_click(guard(self._on_relink))
            self.remove_button.on_click(guard(self._on_remove))
            self._confirm_remove: str | None = None
            self.viewer_button = ipw.Button(description=t("trekker.kijklink"), icon="eye")
            self.viewer_button.add_class("pc-viewer-link")
            self.viewer_button.on_click(guard(self._on_viewer))
            self.trekker_button = ipw.Button(description=t("trekker.nieuwe_trekkerlink"), icon="key")
            self.trekker_button.add_class("pc-trekker-link")
            self.trekker_button.on_click(guard(self._on_trekker_link))
            children += [
                ipw.HTML(subtitle_html(t("trekker.uitnodigen"), t("trekker.uitnodigen_uitleg"))),
                ipw.HBox(
                    [self.partner_name, self.partner_organisation, self.partner_role],
                    layout=ipw.Layout(flex_flow="row wrap"),
                ),
                ipw.HBox([self.add_partner_button, self.without_link], layout=ipw.Layout(flex_flow="row wrap")),
                self.links,
                ipw.HTML(subtitle_html(t("trekker.organisaties"), t("trekker.organisaties_uitleg"))),
                ipw.HBox([self.own_organisation, self.own_button], layout=ipw.Layout(flex_flow="row wrap")),
                ipw.HBox([self.suggestions, self.suggestion_button], layout=ipw.Layout(flex_flow="row wrap")),
                ipw.HTML(subtitle_html(t("trekker.links_beheren"), t("trekker.links_uitleg"))),
                ipw.HBox(
                    [self.manage_dropdown, self.relink_button, self.remove_button],
                    layout=ipw.Layout(flex_flow="row wrap"),
                ),
                ipw.HBox([self.viewer_button, self.trekker_button]),
            ]
        else:
            children.insert(0, ipw.HTML(message_html(t("kijker.uitleg"), "info")))
        self.shared_dropdown = ipw.Dropdown(description=t("trekker.bekijk_concept"), options=[], style=style)
        self.shared_dropdown.add_class("pc-shared-drafts")
        self.shared_canvas = CanvasView(None, t)
        self.shared_dropdown.observe(guard(self._on_shared_pick), "value")
        # the shared draft shown above, with the rules of chapter 08: a private draft is never offered (or read)
        self.export_button = ExportButton.for_workspace(
            session, t, lambda: f"draft:{self.shared_dropdown.value}" if self.shared_dropdown.value else None
        )
        self.export_box = ipw.VBox(
            [ipw.HTML(subtitle_html(t("trekker.export_titel"), t("trekker.export_uitleg"))), self.export_button]
        )
        self.export_box.add_class("pc-shared-export")
        children += [
            ipw.HTML(subtitle_html(t("trekker.gedeelde_concepten"))),
            self.shared_dropdown,
            self.shared_canvas,
            self.export_box,
        ]
        self.children = children
        self.refresh()

    # ---------------------------------------------------------------- data
    def refresh(self) -> None:
        """Reload partners, statuses and the list of shared drafts from the store."""
        t = self.t
        statuses = self.session.draft_statuses()
        self.status_table.value = status_table_html(statuses, t)
        shared = [
            (f"{s.partner.name} ({s.partner.organisation})" if s.partner.organisation else s.partner.name, s.partner.id)
            for s in statuses
            if s.shared
        ]
        if [o for o in self.shared_dropdown.options] != shared:
            current = self.shared_dropdown.value
            self.shared_dropdown.options = shared
            ids = [v for _, v in shared]
            self.shared_dropdown.value = current if current in ids else (ids[0] if ids else None)
        everyone = self.session.partners()
        others = [p for p in everyone if not p.has_link]
        kinds = {"trekker": t("trekker.soort.trekker"), "zonder_link": t("trekker.soort.zonder_link")}
        self.others.value = (
            f'<p class="pc-other-partners">{esc(t("trekker.ook_partner"))} '
            + ", ".join(
                f"<bdi>{esc(p.label)}</bdi> <small>({esc(kinds.get(p.soort, ''))})</small>" for p in others
            )
            + "</p>"
            if others else ""
        )
        if self.session.role == "trekker":
            own = next((p for p in others if p.soort == "trekker"), None)
            if own is not None and not self.own_organisation.value:
                self.own_organisation.value = own.organisation or own.name
            known = {" ".join((x or "").split()).casefold() for p in everyone for x in (p.organisation, p.name)}
            named = [
                item.text for item in self.session.shared_case().shared.items("partners")
                if " ".join(item.text.split()).casefold() not in known
            ]
            offered = [(n if len(n) <= 80 else n[:77] + "…", n) for n in dict.fromkeys(named)]
            if list(self.suggestions.options) != offered:
                self.suggestions.options = offered
                self.suggestions.value = offered[0][1] if offered else None
            self.suggestions.layout.display = self.suggestion_button.layout.display = "" if named else "none"
            options = [(p.label if p.organisation else p.name, p.id) for p in everyone if p.soort != "trekker"]
            if list(self.manage_dropdown.options) != options:
                current = self.manage_dropdown.value
                self.manage_dropdown.options = options
                ids = [v for _, v in options]
                self.manage_dropdown.value = current if current in ids else (ids[0] if ids else None)
        self._show_shared()

    def _show_shared(self) -> None:
        pid = self.shared_dropdown.value
        self.export_box.layout.display = "" if pid else "none"
        if not pid:
            self.shared_canvas.case = None
            return
        partner = next((p for p in self.session.partners(include_removed=True) if p.id == pid), None)
        loaded = self.session.draft_of(pid)
        self.shared_canvas.case = loaded.draft.as_case(partner.name if partner else "")

    def _add_link(self, label: str, url: str, note: str = "") -> None:
        self._new_links.insert(0, link_html(label, url, self.t, note=note))
        self.links.value = "".join(self._new_links)

    # ------------------------------------------------------------ handlers
    def _on_shared_pick(self, _change=None) -> None:
        self.export_button.clear()
        self._show_shared()

    def _on_add_partner(self, _b=None) -> None:
        t = self.t
        name = self.partner_name.value.strip()
        if not name:
            self.chapter.status.show(t("trekker.naam_nodig"), "warning")
            return
        try:
            partner, token = self.session.add_partner(
                name, self.partner_organisation.value.strip(), self.partner_role.value.strip(),
                link=not self.without_link.value,
            )
        except InvalidInput:
            self.chapter.status.show(t("trekker.ongeldig"), "warning")
            return
        if token is not None:
            self._add_link(
                t("links.partner", naam=partner.name), chapter_url(NOTEBOOK, token, t.lang),
                note=t("links.partner_uitleg"),
            )
        self.partner_name.value = self.partner_organisation.value = self.partner_role.value = ""
        self.without_link.value = False
        key = "trekker.toegevoegd" if token is not None else "trekker.toegevoegd_zonder_link"
        self.chapter.status.show(t(key, naam=partner.label), "info")
        self.refresh()

    def _on_add_suggestion(self, _b=None) -> None:
        """Add an organisation named in the shared case's Partners piece, without a link of its own."""
        t = self.t
        name = (self.suggestions.value or "").strip()
        if not name:
            return
        try:
            partner, _ = self.session.add_partner(name[:200], name[:200], link=False)
        except InvalidInput:
            self.chapter.status.show(t("trekker.ongeldig"), "warning")
            return
        self.chapter.status.show(t("trekker.toegevoegd_zonder_link", naam=partner.label), "info")
        self.refresh()

    def _on_own_organisation(self, _b=None) -> None:
        """Make the trekker's own organisation a partner (or rename it)."""
        t = self.t
        name = self.own_organisation.value.strip()
        if not name:
            self.chapter.status.show(t("trekker.naam_nodig"), "warning")
            return
        try:
            partner = self.session.set_trekker_organisation(name)
        except InvalidInput:
            self.chapter.status.show(t("trekker.ongeldig"), "warning")
            return
        self.chapter.status.show(t("trekker.eigen_bewaard", naam=partner.label), "info")
        self.refresh()

    def _selected_partner(self):
        pid = self.manage_dropdown.value
        return next((p for p in self.session.partners() if p.id == pid), None)

    def _on_relink(self, _b=None) -> None:
        partner = self._selected_partner()
        if partner is None:
            return
        token = self.session.new_partner_link(partner.id)
        t = self.t
        self._add_link(
            t("links.partner", naam=partner.name), chapter_url(NOTEBOOK, token, t.lang), note=t("links.oude_vervalt")
        )

    def _on_remove(self, _b=None) -> None:
        t = self.t
        partner = self._selected_partner()
        if partner is None:
            return
        if self._confirm_remove != partner.id:
            self._confirm_remove = partner.id
            self.remove_button.description = t("trekker.verwijder_zeker")
            self.chapter.status.show(t("trekker.verwijder_uitleg", naam=partner.name), "warning")
            return
        self._confirm_remove = None
        self.remove_button.description = t("trekker.verwijder")
        self.session.remove_partner(partner.id)
        self.chapter.status.show(t("trekker.verwijderd", naam=partner.name), "info")
        self.refresh()

    def _on_viewer(self, _b=None) -> None:
        t = self.t
        token = self.session.new_viewer_link()
        self._add_link(t("links.kijker"), chapter_url(NOTEBOOK, token, t.lang), note=t("links.kijker_uitleg"))

    def _on_trekker_link(self, _b=None) -> None:
        t = self.t
        token = self.session.new_trekker_link()
        self._add_link(t("links.trekker"), chapter_url(NOTEBOOK, token, t.lang), note=t("links.trekker_nieuw"))
        # the old link no longer works: the chapter links and the address of this page carry the new one
        self.chapter.nav.set_session(self.session, sleutel=token)
        self.chapter.set_address(token)


class ZelfInvullenChapter(ChapterShell):
    """Steps 1–2 of the publication's "Hoe nu verder?": start, invite, fill in your own draft.

    Args:
        context: page context (language, secret link); default read from the page's address.
        session: an opened workspace session (tests); default opened from ``context.sleutel``.

    Public attributes (for tests): those of :class:`~purposecase.ui.shell.ChapterShell` (``status``,
    ``session``, ``nav``, ``workspace_line``, ``feed`` …), ``body`` (the panel shown: :class:`StartPanel`,
    :class:`OverviewPanel` or :class:`~purposecase.ui.draft.DraftEditor`).
    """

    NOTEBOOK = NOTEBOOK
    TITLE, INTRO = "zelf.titel", "zelf.intro"

    def top(self) -> list[ipw.Widget]:
        """Return the hidden widget that puts a new secret link in the browser's address bar (werkboek.js)."""
        self.address = ipw.HTML(layout=ipw.Layout(display="none"))  # a reload then keeps the workspace
        return [self.address]

    def build(self) -> ipw.Widget:
        """Return the start panel without a workspace, else the panel of the link's role."""
        if self.session is None:  # an unknown or revoked link: offer to start anew (not while the store is away)
            return ipw.VBox() if self.problem == "opslag.onbereikbaar" else StartPanel(self)
        return self._panel(self.session)

    def _panel(self, session: WorkspaceSession, new_trekker_token: str | None = None) -> ipw.Widget:
        if session.role == "partner":
            editor = DraftEditor(session, self.t)
            # after the editor's own message (observers run in order): say exactly who can see the draft now
            editor.share_checkbox.observe(editor._guard(lambda change: self._shared_with(editor, change)), "value")
            return editor
        return OverviewPanel(self, session, new_trekker_token)

    def _shared_with(self, editor: DraftEditor, change: dict) -> None:
        """Say who can see a draft just shared: the trekker, the viewers and the other partners, by name."""
        if not (change["new"] and editor.model.shared):
            return
        t, me = self.t, self.session.access.partner_id
        others = [isolate(p.organisation or p.name) for p in self.session.partners() if p.id != me]
        text = (
            t("concept.gedeeld_wie", namen=", ".join(others)) if others else t("concept.gedeeld_geen_anderen")
        )
        editor.status.show(text, "info")

    def on_workspace_change(self, event) -> None:
        """Show drafts shared, partners added or removed elsewhere (the overview; a draft editor keeps its text)."""
        if isinstance(self.body, OverviewPanel) and (
            event.touches(DRAFT) or event.has("partner") or event.has("state")
        ):
            self.body.refresh()

    def set_address(self, token: str) -> None:
        """Put ``?sleutel=token`` (and the language) in the page's address, so a reload keeps the workspace."""
        query = urlencode({"sleutel": token, **({"taal": "en"} if self.t.lang == "en" else {})})
        self.address.value = f'<span class="pc-address" data-query="{esc(query)}"></span>'

    def show_session(self, session: WorkspaceSession, new_trekker_token: str | None = None) -> None:
        """Show the panel for ``session``'s role (after opening a link or starting a workspace)."""
        self.set_session(session, sleutel=new_trekker_token)
        if new_trekker_token:
            self.set_address(new_trekker_token)
        self._set_body(self._panel(session, new_trekker_token))

    def _set_body(self, body: ipw.Widget) -> None:
        old = self.body
        self.body = body
        self.children = [*self.children[:-1], body]
        if old is not body and hasattr(old, "close"):
            try:
                old.close()
            except StoreError:
                pass
