"""The navigation bar on every chapter: chapters, where you are, previous/next, language, workspace.

One HTML widget with plain ``<a href>`` links to the sibling notebooks, built
with :func:`purposecase.ui.links.chapter_url` so every link keeps the page's
``sleutel`` and ``taal``; it works in Voilà without JupyterLab. Chapters whose
notebook does not exist yet are listed as "binnenkort" (not as broken links)
and become links as soon as their notebook appears (:mod:`purposecase.chapters`).

The workspace's name and the visitor's role are shown only for a session opened
from a *valid* secret link; for an unknown or revoked link the bar shows
nothing of any workspace.

Usage in a chapter component::

    self.nav = NavBar(self.context, "03_voorbeelden.ipynb")
    self.children = [style_widget(), self.nav, header, ...]
"""

from __future__ import annotations

import functools
import logging
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import ipywidgets as ipw

from ..chapters import CHAPTERS, Chapter, available_chapters, get_chapter
from ..messages import Translator
from .common import PageContext, esc
from .links import chapter_url

if TYPE_CHECKING:  # pragma: no cover
    from ..workspace import WorkspaceSession

log = logging.getLogger("purposecase.ui")

@functools.lru_cache(maxsize=1)
def werkboek_css() -> str:
    """Return the stylesheet of the navigation bar and the guided chapters (``ui/werkboek.css``)."""
    return resources.files("purposecase.ui").joinpath("werkboek.css").read_text(encoding="utf-8")


def open_session(context: PageContext) -> tuple[WorkspaceSession | None, str]:
    """Open the workspace of the page's secret link, if any.

    The store is imported only when there is a ``sleutel`` (pages without one stay light).

    Returns:
        ``(session, "")`` for a valid link; ``(None, message key)`` for an unknown
        (``toegang.onbekend``) or revoked (``toegang.ingetrokken``) link or an unreachable
        store (``opslag.onbereikbaar``); ``(None, "")`` without a link.
    """
    if not context.sleutel:
        return None, ""
    from ..errors import AccessError, RevokedToken, StoreError
    from ..workspace import open_workspace

    try:
        return open_workspace(context.sleutel), ""
    except RevokedToken:
        return None, "toegang.ingetrokken"
    except AccessError:
        return None, "toegang.onbekend"
    except StoreError:
        return None, "opslag.onbereikbaar"


def chapter_title(chapter: Chapter, t: Translator, *, short: bool = False) -> str:
    """Return ``"3 · 10 inspirerende voorbeelden"``-style text (plain, not escaped)."""
    return f"{chapter.number} · {t(chapter.short_key if short else chapter.title_key)}"


def nav_html(
    notebook: str,
    t: Translator,
    *,
    sleutel: str = "",
    available: set[str] | frozenset[str] | None = None,
    workspace_name: str | None = None,
    role_text: str | None = None,
    badges: dict[str, int] | None = None,
) -> str:
    """Return the navigation bar's HTML (escaped).

    Args:
        notebook: the current chapter's file name.
        t: translator; its language is kept in every link.
        sleutel: the secret token to keep in every link ("" for none).
        available: file names of the chapters that exist (default: those in the served folder).
        workspace_name: the workspace's name, only for a valid session.
        role_text: the visitor's role as shown (e.g. ``"trekker"``), only for a valid session.
        badges: notebook → number of changes by others since the visitor last looked there.

    Raises:
        KeyError: if ``notebook`` is not a chapter.
    """
    current = get_chapter(notebook)
    if available is None:
        available = {c.notebook for c in available_chapters()}
    lang = t.lang

    def url(nb: str, language: str = lang) -> str:
        return chapter_url(nb, sleutel or None, language)

    items = []
    badges = badges or {}
    for chapter in CHAPTERS:
        label = esc(chapter_title(chapter, t, short=True))
        if badges.get(chapter.notebook) and chapter.notebook != notebook:
            n = badges[chapter.notebook]
            label += (
                f' <span class="pc-nav-badge" title="{esc(t("live.nieuw_sinds", n=n))}">'
                f'<span aria-hidden="true">{n}</span><span class="pc-sr-only">{esc(t("live.nieuw_sinds", n=n))}'
                "</span></span>"
            )
        title = esc(t(chapter.title_key))
        if chapter.notebook == notebook:
            items.append(
                f'<li class="pc-nav-current"><a href="{esc(url(chapter.notebook))}" aria-current="page" '
                f'title="{title}">{label}</a></li>'
            )
        elif chapter.notebook in available:
            items.append(f'<li><a href="{esc(url(chapter.notebook))}" title="{title}">{label}</a></li>')
        else:
            items.append(
                f'<li class="pc-nav-soon"><span>{label} <span class="pc-nav-soon-note">'
                f'({esc(t("nav.binnenkort"))})</span></span></li>'
            )

    present = [c for c in CHAPTERS if c.notebook in available]
    before = [c for c in present if c.number < current.number]
    after = [c for c in present if c.number > current.number]
    prev_html = (
        f'<a class="pc-nav-prev" rel="prev" href="{esc(url(before[-1].notebook))}">'
        f'<span aria-hidden="true">←</span> {esc(t("nav.vorige"))}: {esc(t(before[-1].short_key))}</a>'
        if before
        else '<span class="pc-nav-prev"></span>'
    )
    next_html = (
        f'<a class="pc-nav-next" rel="next" href="{esc(url(after[0].notebook))}">'
        f'{esc(t("nav.volgende"))}: {esc(t(after[0].short_key))} <span aria-hidden="true">→</span></a>'
        if after
        else '<span class="pc-nav-next"></span>'
    )
    where = esc(t("nav.waar", nummer=current.number, totaal=len(CHAPTERS) - 1))

    lang_html = (
        f'<span class="pc-nav-lang" role="group" aria-label="{esc(t("nav.taal"))}">'
        + "".join(
            f'<span class="pc-nav-lang-current" lang="{code}" aria-current="true">{esc(name)}</span>'
            if code == lang
            else f'<a class="pc-nav-lang-switch" href="{esc(url(notebook, code))}" lang="{code}" hreflang="{code}">'
            f"{esc(name)}</a>"
            for code, name in (("nl", "Nederlands"), ("en", "English"))
        )
        + "</span>"
    )

    workspace_html = ""
    if workspace_name is not None:
        workspace_html = (
            f'<span class="pc-nav-workspace">{esc(t("nav.werkruimte"))} '
            f'<strong class="pc-nav-workspace-name">{esc(workspace_name)}</strong>'
            + (f' · <span class="pc-nav-role">{esc(t("nav.rol", rol=role_text))}</span>' if role_text else "")
            + "</span>"
        )

    home = CHAPTERS[0]
    brand = esc(t("nav.werkboek"))
    brand_html = (
        f'<a class="pc-nav-brand" href="{esc(url(home.notebook))}">{brand}</a>'
        if home.notebook in available and home.notebook != notebook
        else f'<span class="pc-nav-brand">{brand}</span>'
    )
    return (
        f'<nav class="pc-nav" aria-label="{esc(t("nav.label"))}" data-chapter="{esc(notebook)}">'
        f'<div class="pc-nav-top">{brand_html}{workspace_html}{lang_html}</div>'
        f'<ol class="pc-nav-chapters">{"".join(items)}</ol>'
        f'<div class="pc-nav-steps">{prev_html}<span class="pc-nav-where">{where}</span>{next_html}</div>'
        "</nav>"
    )


class NavBar(ipw.HTML):
    """The navigation bar widget; one per chapter page.

    Args:
        context: the page context (language, secret link).
        notebook: the chapter's file name, e.g. ``"03_voorbeelden.ipynb"``.
        session: an already opened session (its workspace name and role are shown).
        t: translator (default: one for ``context.lang``).
        lookup: without ``session``, open the session of ``context.sleutel`` to show the
            workspace (imports the store only when there is a sleutel).
        folder: the notebooks folder that decides which chapters exist (default: the served one).

    Attributes:
        session: the session shown, or ``None``.
        problem: message key when the page's link did not open a workspace, else ``""``.
    """

    def __init__(
        self,
        context: PageContext | None = None,
        notebook: str = "00_welkom.ipynb",
        session: WorkspaceSession | None = None,
        *,
        t: Translator | None = None,
        lookup: bool = True,
        folder: str | Path | None = None,
    ) -> None:
        super().__init__()
        self.add_class("pc-navbar")
        self.context = context or PageContext.from_query()
        self.notebook = notebook
        self.t = t or Translator(self.context.lang)
        self.sleutel = self.context.sleutel
        self._folder = folder
        self.problem = ""
        if session is None and lookup:
            try:
                session, self.problem = open_session(self.context)
            except Exception:  # noqa: BLE001 - the bar must never break a page
                log.exception("navigation bar: opening the workspace failed")
                session = None
        self.session = session
        self.badges: dict[str, int] = {}
        self.render()

    def set_badges(self, badges: dict[str, int]) -> None:
        """Show per chapter how many changes by others are new since the visitor last looked there."""
        if badges != self.badges:
            self.badges = dict(badges)
            self.render()

    def set_session(self, session: WorkspaceSession | None, sleutel: str | None = None) -> None:
        """Show ``session``'s workspace (e.g. just started); ``sleutel`` replaces the link's token in every link."""
        self.session = session
        if sleutel:
            self.sleutel = sleutel
        self.render()

    def render(self) -> None:
        """Redraw the bar (chapters that appeared since are picked up)."""
        name = role = None
        cached = getattr(self, "_who", None)
        if cached is not None and cached[0] is self.session:
            name, role = cached[1], cached[2]
        elif self.session is not None:
            try:
                name = self.session.access.workspace_name
                role = self.t(f"rol.{self.session.role}")
                me = self.session.me() if self.session.role == "partner" else None
                if me is not None:
                    role = f"{role} ({me.name})"
            except Exception:  # noqa: BLE001 - a store hiccup must not break navigation
                log.exception("navigation bar: reading the workspace failed")
                name = role = None
            self._who = (self.session, name, role)
        available = {c.notebook for c in available_chapters(self._folder)}
        self.value = f"<style>{werkboek_css()}</style>" + nav_html(
            self.notebook, self.t, sleutel=self.sleutel, available=available, workspace_name=name, role_text=role,
            badges=getattr(self, "badges", None),
        )

