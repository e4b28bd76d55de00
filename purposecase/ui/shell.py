"""One chapter shell: the frame every chapter page shares (DESIGN.md §3, §7, §8).

:class:`ChapterShell` does once what each chapter used to retype: the page context
(language, secret link), the translator, the status line, opening the workspace of
the link with its error messages, the workspace line, the navigation bar, the
header, the "never a traceback" guard around building the page, and the live
feed of the workspace (:class:`~purposecase.workspace.live.LiveFeed`: one per page,
started when there is a session, closed with :meth:`ChapterShell.close`).

A chapter supplies its notebook, title and intro keys and :meth:`ChapterShell.build`
(the body); to reload what changed elsewhere it overrides
:meth:`ChapterShell.on_workspace_change`, the one place a chapter hears of changes.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, ClassVar

import ipywidgets as ipw

from ..messages import Translator
from .common import (
    PageContext,
    StatusLine,
    error_key,
    esc,
    header_html,
    message_html,
    preheated_kernel,
    style_widget,
)
from .links import chapter_url
from .nav import NavBar, open_session

if TYPE_CHECKING:  # pragma: no cover
    from ..workspace import WorkspaceSession
    from ..workspace.live import FeedEvent, LiveFeed
    from .presence import LiveNotices

log = logging.getLogger("purposecase.ui")

FOLLOW_CHANGES = True
"""Pages follow their workspace's change feed (widget tests switch it off and drive pages by hand)."""


class ChapterShell(ipw.VBox):
    """The frame of a chapter page; subclass it and implement :meth:`build`.

    Args:
        context: page context (language, secret link); default read from the page's address.
        session: an opened workspace session (tests, a notebook); default opened from ``context.sleutel``.

    Class attributes a chapter sets: ``NOTEBOOK`` (its file name), ``TITLE`` and ``INTRO`` (message keys),
    ``CSS_CLASS`` (an extra class on the page), ``NO_LINK`` (message key shown without a workspace, with a
    link to step 1; ``""`` for chapters that need none), ``LIVE`` (follow the workspace's change feed).

    Public attributes (for tests): ``context``, ``t``, ``status``, ``session``, ``problem`` (the message key
    when the link did not open a workspace), ``nav``, ``header``, ``workspace_line``, ``body``, ``feed``.
    """

    NOTEBOOK: ClassVar[str] = "00_welkom.ipynb"
    TITLE: ClassVar[str] = ""
    INTRO: ClassVar[str] = ""
    CSS_CLASS: ClassVar[str] = ""
    NO_LINK: ClassVar[str] = ""
    LIVE: ClassVar[bool] = True
    PREBUILD: ClassVar[bool] = False
    """In a preheated kernel, build the page in Dutch without a link before anyone asks for it (see
    :meth:`for_page`): for chapters most people open without a link (00–03)."""

    @classmethod
    def for_page(cls, **kwargs: Any) -> ChapterShell:
        """Return the chapter for this page: what a chapter notebook's one cell calls.

        In a kernel Voilà preheats (``--preheat``, workshop mode) a chapter with :attr:`PREBUILD` is built
        in Dutch without a link while the kernel waits for its page, so a group that opens the link at
        once only waits for what the server must do per page (``benchmarks/burst.py``: 0.32 → 0.12 CPU-s
        per page open of chapter 03). When the page's address asks for something else (``?taal=en``, a
        link), that page is closed and the chapter is built for the address, as without preheating.

        Args:
            kwargs: passed to the chapter (not ``context``: it comes from the page's address).
        """
        if not (cls.PREBUILD and preheated_kernel()):
            return cls(**kwargs)
        default = PageContext()
        page = cls(context=default, **kwargs)
        actual = PageContext.from_query()  # waits until Voilà hands this kernel its page
        if actual == default:
            return page
        page.close()
        return cls(context=actual, **kwargs)

    def __init__(self, context: PageContext | None = None, session: WorkspaceSession | None = None) -> None:
        super().__init__()
        self.add_class("pc-chapter")
        if self.CSS_CLASS:
            self.add_class(self.CSS_CLASS)
        self.context = context or PageContext.from_query()
        t = self.t = Translator(self.context.lang)
        self.status = StatusLine()
        self.session = session
        self.problem = ""
        self.feed: LiveFeed | None = None
        self.notices: LiveNotices | None = None
        self.presence = ipw.HTML()
        """Who else has this workspace open (organisation, contact, role, chapter), updated live."""
        self.presence.add_class("pc-presence-bar")
        self.live_banner = ipw.HTML()
        """The banner while the database cannot be reached (the page keeps what it shows)."""
        self.stopped = False
        """The page's link was revoked while it was open: it shows the message and nothing else."""
        if session is None and self.context.sleutel:
            try:
                self.session, self.problem = open_session(self.context)
            except Exception:  # noqa: BLE001 - never a traceback on the page
                log.exception("%s: opening the workspace failed", self.NOTEBOOK)
                self.problem = "fout.onverwacht"
            if self.problem:
                self.status.show(t(self.problem), "error")
        # the navigation bar shows workspace and role on the page; the line is kept for notebook users and tests
        self.workspace_line = ipw.HTML(self.workspace_line_html())
        self.nav = NavBar(self.context, self.NOTEBOOK, session=self.session, t=t, lookup=False)
        self.header = ipw.HTML(header_html(t(self.TITLE), t(self.INTRO)) if self.TITLE else "")
        self.body: ipw.Widget = ipw.HTML()
        if self.session is not None and self.LIVE and FOLLOW_CHANGES:
            self.feed = self._new_feed()  # marked before the chapter loads: nothing committed meanwhile is missed
        top = self.top()
        try:
            self.body = self.build()
        except Exception:  # noqa: BLE001 - never a traceback on the page
            log.exception("%s: building the chapter failed", self.NOTEBOOK)
            self.status.show(t("fout.onverwacht"), "error")
        # fixed places (tests and notebook users find them): style, navigation, header, status line
        self.children = [style_widget(), self.nav, self.header, self.status, self.live_banner, self.presence, *top,
                         self.body]
        if self.session is not None and self.LIVE and FOLLOW_CHANGES:
            self.start_live()

    # ------------------------------------------------------------ what a chapter supplies
    def build(self) -> ipw.Widget:
        """Return the chapter's body (called once, inside the shell's guard)."""
        return self.no_link_html() if self.session is None and self.NO_LINK else ipw.HTML()

    def top(self) -> list[ipw.Widget]:
        """Return widgets between the status line and the body (default none)."""
        return []

    def on_workspace_change(self, event: FeedEvent) -> None:
        """Reload what changed elsewhere (called from the feed's thread, errors are caught); default nothing.

        Args:
            event: one coalesced burst of committed changes (:class:`~purposecase.workspace.live.FeedEvent`):
                ``event.touches(kind, …)`` says whether documents of those kinds were saved.
        """

    # ------------------------------------------------------------ the frame
    def no_link_html(self, key: str | None = None) -> ipw.HTML:
        """Return the "open this page with your workspace's link" message with a link to step 1."""
        t = self.t
        return ipw.HTML(
            message_html(t(key or self.NO_LINK), "info")
            + f'<p class="pc-start-link"><a href="{esc(chapter_url("04_zelf_invullen.ipynb", lang=t.lang))}">'
            + f"{esc(t('shell.naar_start'))}</a></p>"
        )

    def workspace_line_html(self) -> str:
        """Return the workspace's name, the visitor's role (and a partner's name), escaped; ``""`` without one."""
        session = self.session
        if session is None:
            return ""
        t = self.t
        me = session.me()
        return (
            f'<p class="pc-workspace-line"><span class="pc-workspace-name">{esc(session.workspace().name)}</span> · '
            f'<span class="pc-role">{esc(t("zelf.jouw_rol", rol=t(f"rol.{session.role}")))}</span>'
            f'{esc(" · " + me.name if me else "")}</p>'
        )

    def set_session(self, session: WorkspaceSession, sleutel: str | None = None) -> None:
        """Show ``session`` (just started or opened on the page): workspace line, navigation, live feed."""
        self.session = session
        self.workspace_line.value = self.workspace_line_html()
        self.nav.set_session(session, sleutel=sleutel)
        if self.LIVE and FOLLOW_CHANGES and self.feed is None:
            self.start_live()

    def start_live(self) -> None:
        """Follow the workspace's change feed (one per page): who is here, what is new, revocations, outages.

        A store that cannot be reached is logged, not shown: the page works without live updates.
        """
        try:
            if self.feed is None:
                self.feed = self._new_feed()
            if self.feed is not None:
                self.feed.subscribe(self._on_feed)
                self.feed.start()
        except Exception:  # noqa: BLE001 - the page works without live updates
            log.exception("%s: the live feed did not start", self.NOTEBOOK)
            self.feed = None

    def _new_feed(self) -> LiveFeed | None:
        """Return a live feed for this page, marked at the workspace's latest change (not started), or None."""
        from ..workspace.live import LiveFeed
        from .presence import connection_check

        try:
            feed = LiveFeed(self.session, chapter=self.NOTEBOOK, connected=connection_check())
            feed.mark()
            return feed
        except Exception:  # noqa: BLE001 - the page works without live updates
            log.exception("%s: the live feed could not be made", self.NOTEBOOK)
            return None

    def _live_ready(self) -> None:
        """The feed's first event (in its thread, after the page is shown): badges, who is here, the chapter's hook."""
        from .presence import LiveNotices

        try:
            latest = self.feed.started_from if self.feed is not None else None
            self.notices = LiveNotices(self.session, self.NOTEBOOK, latest=latest)
            self.nav.set_badges(self.notices.counts())
        except Exception:  # noqa: BLE001 - badges are a help, never a reason for an error on the page
            log.exception("%s: notices unavailable", self.NOTEBOOK)
            self.notices = None
        self._show_presence()
        self.on_live_ready()

    def on_live_ready(self) -> None:
        """Called once the page follows its workspace (from the feed's thread); default nothing."""

    def _show_presence(self) -> None:
        from .presence import presence_html

        if self.feed is None or self.session is None:
            return
        partners = {p.id: p for p in self.session.partners(include_removed=True)}
        s = self.session
        own_link = (s.role, (s.access.partner_id or "") if s.role == "partner" else "")
        self.presence.value = presence_html(self.feed.present, partners, self.t, own_page=self.feed.page_id,
                                            own_link=own_link if s.role in ("trekker", "partner") else None)

    def stop_page(self, key: str = "toegang.ingetrokken") -> None:
        """Stop the page at once (its link was revoked or its partner removed), with the message.

        The page stops following the workspace and leaves the presence list; what is on screen stays
        (text someone was typing can still be copied), but nothing more is saved: the store refuses every
        write of a revoked link.
        """
        if self.stopped:
            return
        self.stopped = True
        feed, self.feed = self.feed, None
        if feed is not None:
            feed.close()  # from the feed's own thread too: it ends after this delivery and leaves
        self.presence.value = ""
        self.live_banner.value = ""
        self.body.add_class("pc-stopped")
        stack = list(getattr(self.body, "children", ()))
        while stack:  # one message, in the page's status line: the panels' own lines are cleared
            widget = stack.pop()
            stack.extend(getattr(widget, "children", ()))
            if isinstance(widget, StatusLine) and widget is not self.status:
                widget.freeze()
        self.status.freeze(self.t(key))

    def _on_feed(self, event: Any) -> None:
        from ..errors import AccessError, StoreError
        from .presence import offline_html

        try:
            if event.first:
                self._live_ready()
                if event.online:
                    return
            if not event.online:
                self.live_banner.value = offline_html(self.t)
                return
            self.live_banner.value = ""
            if event.has("link") or event.has("partner") or event.resync:
                try:
                    self.session.check_link()
                except AccessError:
                    s = self.session
                    removed = s.role == "partner" and any(
                        c.what == "partner" and c.partner_id == s.access.partner_id for c in event.changes
                    )
                    self.stop_page("toegang.verwijderd" if removed else "toegang.ingetrokken")
                    return
                except StoreError:
                    self.live_banner.value = offline_html(self.t)
                    return
            if event.present is not None:
                self._show_presence()
            if self.notices is not None and event.changes:
                self.notices.look(event.changes[-1].id)
                self.nav.set_badges(self.notices.counts())
            self.on_workspace_change(event)
        except Exception as exc:  # noqa: BLE001 - a background reload must never surface a traceback
            log.exception("%s: reloading after a change failed", self.NOTEBOOK)
            self.status.show(self.t(error_key(exc)), "error")

    def close(self) -> None:
        """Stop the live feed (the page leaves the workspace) and close the widgets."""
        if self.feed is not None:
            self.feed.close()
            self.feed = None
        stack = list(self.children)
        super().close()
        while stack:  # every board and panel on the page stops its timers (their close() does that)
            widget = stack.pop()
            stack.extend(getattr(widget, "children", ()))
            widget.close()
