"""The change feed of a workspace, and who is here (DESIGN.md §8).

Every committed write of the store (a save, restore, reaction or vote; a draft
shared or made private; a partner added or removed; a link revoked) appends a
:class:`~purposecase.store.Change` to the store's change log in the writer's own
transaction. A page follows its workspace with one :class:`LiveFeed`:

- **SQLite**: a cheap indexed check for changes after the last one seen, every
  :data:`POLL_SECONDS` (≤ 0.5 s);
- **PostgreSQL**: ``LISTEN`` on :data:`~purposecase.store.NOTIFY_CHANNEL` over a
  connection of its own, so a change made by another ``serve`` process or
  JupyterHub server on the same database arrives at once; it reconnects after an
  outage (with backoff) and catches up from the log, and a slow check every
  :data:`SAFETY_POLL_SECONDS` covers a lost notification.

Bursts are coalesced: a subscriber gets one call per burst (quiet for
:data:`QUIET_SECONDS`, or at the latest :data:`MAX_DELAY_SECONDS` after the first
change), not one per save. Presence rides on the same feed: every page sends a
heartbeat every :data:`HEARTBEAT_SECONDS`; a page that closes leaves at once, a
page that lost its connection drops out after :data:`PRESENT_SECONDS`.

The feed never touches widgets: subscribers (the chapter shell) decide what to
reload, and never overwrite what the user is typing.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import secrets
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import AccessError, StoreError
from ..store import NOTIFY_CHANNEL, Change, Presence

if TYPE_CHECKING:  # pragma: no cover
    from .session import WorkspaceSession

log = logging.getLogger(__name__)

POLL_SECONDS = 0.25
"""SQLite: how often a page checks the change log (DESIGN.md §8: at most 0.5 s)."""
SAFETY_POLL_SECONDS = 5.0
"""PostgreSQL: how often a listening page checks the log anyway (a notification lost in an outage)."""
QUIET_SECONDS = 0.15
"""A burst ends when no change came for this long."""
MAX_DELAY_SECONDS = 0.5
"""A subscriber hears of a change at the latest this long after it was first seen, however long the burst."""
HEARTBEAT_SECONDS = 10.0
"""How often an open page says it is still there."""
CONNECT_GRACE_SECONDS = 15.0
"""A page's browser may take this long to connect before the page counts as gone from who is here."""
PRESENT_SECONDS = 30.0
"""A page without a heartbeat for this long is no longer shown as present."""
STATS_ENV = "PURPOSECASE_LIVE_STATS"
"""When set to a folder, every feed writes its query and delivery counts there (``benchmarks/live.py``)."""
OFFLINE_RETRY_SECONDS = (0.5, 1.0, 2.0, 5.0)
"""Pauses between attempts while the database is unreachable (the last repeats)."""


@dataclass(frozen=True)
class FeedEvent:
    """What a subscriber gets: one coalesced burst.

    Attributes:
        changes: the committed changes of the burst, oldest first (of this workspace only).
        online: whether the feed reaches the database (``False``: show what you have, say so).
        resync: the page was away longer than the log keeps changes, or came back from an outage:
            reload everything.
        present: who has the workspace open now (when presence changed, else ``None``).
        first: the feed's first event, once the page has announced itself (no changes; who is here).
    """

    changes: tuple[Change, ...] = ()
    online: bool = True
    resync: bool = False
    present: tuple[Presence, ...] | None = None
    first: bool = False

    def kinds(self) -> set[str]:
        """Return the document kinds that were saved or changed state in this burst."""
        return {c.kind for c in self.changes if c.kind}

    def touches(self, *kinds: str) -> bool:
        """Return whether the burst saved a document of one of ``kinds`` (or asks for a full reload)."""
        return self.resync or bool(self.kinds() & set(kinds))

    def has(self, what: str) -> bool:
        """Return whether the burst holds a change of type ``what`` (``"partner"``, ``"link"``, ``"presence"`` …)."""
        return any(c.what == what for c in self.changes)

    def merged(self, later: FeedEvent) -> FeedEvent:
        """Return one burst holding this one's changes and ``later``'s (a page that could not show them yet).

        Who is here is left out (``present=None``): it was shown when it came.
        """
        return FeedEvent(self.changes + later.changes, later.online, self.resync or later.resync, None, False)


Subscriber = Callable[[FeedEvent], None]


@dataclass
class _Pending:
    changes: list[Change] = field(default_factory=list)
    first_at: float = 0.0
    last_at: float = 0.0
    resync: bool = False
    presence: bool = False


class LiveFeed:
    """The change feed of one workspace for one open page (one kernel).

    Args:
        session: the page's session (its link is checked when a change says links changed).
        chapter: the page's notebook name, for presence.
        focus: what the page has open within the chapter, for presence (see :meth:`set_focus`).

    Use :meth:`subscribe`, then :meth:`start`; :meth:`close` stops the thread and leaves.
    Subscribers are called from the feed's thread; they must catch their own errors
    (an error is logged and the feed goes on).
    """

    def __init__(
        self,
        session: WorkspaceSession,
        *,
        chapter: str,
        focus: str = "",
        connected: Callable[[], bool | None] | None = None,
    ) -> None:
        self.session = session
        self.connected = connected
        """Asked before each heartbeat: is the page's browser still connected (``None``: cannot tell)?
        A page whose browser went away without closing it leaves who-is-here at once, and comes back
        when the browser reconnects."""
        self.away = False
        self._was_connected = False
        self._started_at = time.monotonic()
        self.store = session.store
        self.chapter = chapter
        self.focus = focus
        self.follow = False
        self.page_id = secrets.token_urlsafe(12)
        self.online = True
        self.last_id = 0
        self.started_from: int | None = None
        """The change the page follows from (:meth:`mark`); ``None`` before."""
        self.present: tuple[Presence, ...] = ()
        self._subscribers: list[Subscriber] = []
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._listener = None
        self.queries = 0
        """Store queries the feed made (for ``benchmarks/live.py``)."""
        self.deliveries = 0
        """Bursts delivered to the subscribers."""

    # ------------------------------------------------------------ public
    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback(event)`` for every burst; returns a function that unsubscribes."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    def __enter__(self) -> LiveFeed:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def mark(self) -> int:
        """Take the workspace's latest change as where to follow from, and return it (once; later calls return it).

        A page calls this before it loads what it shows, then :meth:`start` once it is built: a change
        committed while the page was loading arrives as the first burst instead of being missed. This is
        the one store query a page waits for; the rest happens in the feed's thread.
        """
        if self.started_from is None:
            try:
                self.last_id = self._query(self.store.last_change, self.session.workspace_id)
            except StoreError:
                self.online = False
            self.started_from = self.last_id
        return self.started_from

    def start(self) -> LiveFeed:
        """Start following the workspace (from :meth:`mark`, taken now if not before) and announce this page."""
        if self._thread is not None:
            return self
        self.mark()
        self._thread = threading.Thread(target=self._run, name=f"live-{self.chapter}", daemon=True)
        self._thread.start()
        # a page that closes shuts its kernel down: leave at once instead of after PRESENT_SECONDS
        atexit.register(_close_at_exit, weakref.ref(self))
        return self

    def set_focus(self, focus: str = "", *, follow: bool | None = None) -> None:
        """Say what this page has open (e.g. a piece key) and, for the trekker, whether others follow it."""
        self.focus = focus[:60]
        if follow is not None:
            self.follow = bool(follow)
        self._focus_dirty = True
        self._wake.set()  # the thread sends the heartbeat now (the store call stays off the caller's thread)

    def close(self) -> None:
        """Stop the feed and say this page left (idempotent)."""
        if self._stop.is_set():
            return
        self._stop.set()
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2.0)
        try:
            self.store.leave(self.page_id)
        except StoreError:
            pass

    # ------------------------------------------------------------ internals
    _focus_dirty = False

    def _query(self, fn, *args, **kwargs):
        self.queries += 1
        return fn(*args, **kwargs)

    def _write_stats(self) -> None:
        folder = os.environ.get(STATS_ENV)
        if not folder:
            return
        try:
            path = os.path.join(folder, f"{self.page_id}.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump({"chapter": self.chapter, "queries": self.queries, "deliveries": self.deliveries,
                           "at": time.time()}, f)
        except OSError as exc:
            log.debug("live stats not written: %s", exc)

    def _page_here(self) -> bool:
        """Return whether the page's browser is connected (or cannot be told apart); leave when it went away.

        A page that has not connected yet is loading for :data:`CONNECT_GRACE_SECONDS` (the guard ends its
        kernel if it never connects).
        """
        if self.connected is None:
            return True
        try:
            connected = self.connected()
        except Exception:  # noqa: BLE001 - cannot tell: count the page as here
            connected = None
        loading = not self._was_connected and time.monotonic() - self._started_at < CONNECT_GRACE_SECONDS
        if connected is None or (connected is False and loading):
            return True
        if connected:
            self._was_connected, self.away = True, False
            return True
        if not self.away:
            self.away = True
            log.info("live feed: the page's browser went away; leaving who is here")
            self._query(self.store.leave, self.page_id)
        return False

    def _heartbeat(self) -> bool:
        self._write_stats()
        if not self._page_here():
            return False
        s = self.session
        return self._query(
            self.store.heartbeat, self.page_id, s.workspace_id, s.role,
            s.access.partner_id if s.role == "partner" else None, self.chapter, focus=self.focus, follow=self.follow,
        )

    def _deliver(self, event: FeedEvent) -> None:
        self.deliveries += 1
        for callback in list(self._subscribers):
            try:
                callback(event)
            except Exception:  # noqa: BLE001 - one broken subscriber must not stop the feed
                log.exception("a live-feed subscriber failed")

    def _fetch(self) -> list[Change]:
        changes = self._query(self.store.changes_since, self.session.workspace_id, self.last_id)
        own = []
        for change in changes:
            if change.workspace_id != self.session.workspace_id:  # never happens through the query: be sure
                log.warning("ignored a change of another workspace (%s)", change.workspace_id)
                continue
            own.append(change)
        if changes:
            self.last_id = changes[-1].id
        return own

    def _listen(self) -> None:
        """Open the PostgreSQL listener (a psycopg connection of its own); on failure, poll instead."""
        if self.store.dialect != "postgresql" or self._listener is not None:
            return
        try:
            import psycopg

            url = self.store.engine.url.set(drivername="postgresql")
            conn = psycopg.connect(url.render_as_string(hide_password=False), autocommit=True, connect_timeout=3)
            conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
            self._listener = conn
        except Exception as exc:  # noqa: BLE001 - no listener: the page polls until it can listen again
            log.info("live feed: cannot listen on PostgreSQL (%s); polling", exc)
            self._listener = None

    def _wait_for_news(self, timeout: float) -> bool:
        """Wait up to ``timeout`` s for a sign of a change of this workspace; return whether one came."""
        conn = self._listener
        if conn is None:
            return False
        prefix = f"{self.session.workspace_id}:"
        try:
            for note in conn.notifies(timeout=timeout, stop_after=1):
                if note.payload.startswith(prefix):
                    return True
            return False
        except Exception as exc:  # noqa: BLE001 - the connection broke: reconnect later, poll meanwhile
            log.info("live feed: PostgreSQL listener lost (%s)", exc)
            self._close_listener()
            raise StoreError("listener lost") from exc

    def _close_listener(self) -> None:
        conn, self._listener = self._listener, None
        if conn is not None:
            try:
                conn.close()
            except Exception as exc:  # noqa: BLE001 - closing a broken connection
                log.debug("closing the listener: %s", exc)

    def _run(self) -> None:
        try:
            self._loop()
        finally:
            self._close_listener()

    def _announce(self) -> None:
        """Say this page is here, learn who else is, and tell the subscribers (the first event, ``first=True``)."""
        try:
            self._heartbeat()
            self.present = tuple(
                self._query(self.store.present, self.session.workspace_id, within=PRESENT_SECONDS)
            )
        except StoreError:
            self.online = False
        self._deliver(FeedEvent(online=self.online, present=self.present, first=True))

    def _loop(self) -> None:
        self._announce()
        pending = _Pending()
        next_heartbeat = time.monotonic() + HEARTBEAT_SECONDS
        next_safety = 0.0
        next_presence = time.monotonic() + HEARTBEAT_SECONDS
        offline_attempt = 0
        while not self._stop.is_set():
            now = time.monotonic()
            try:
                if not self.online:
                    # catch up after an outage: everything may have changed
                    self.last_id = max(self.last_id, 0)
                    self._fetch()
                    self.online = True
                    offline_attempt = 0
                    pending.resync = True
                    pending.first_at = pending.first_at or now
                    pending.last_at = now
                self._listen()
                if self._focus_dirty:
                    self._focus_dirty = False
                    if self._heartbeat():
                        next_heartbeat = now + HEARTBEAT_SECONDS
                if now >= next_heartbeat:
                    self._heartbeat()
                    next_heartbeat = now + HEARTBEAT_SECONDS
                listening = self._listener is not None
                check = (not listening) or now >= next_safety or bool(pending.changes)
                if listening and not check:
                    wait = min(1.0, max(0.05, next_heartbeat - now), max(0.05, next_presence - now))
                    check = self._wait_for_news(wait)
                if check:
                    if listening:
                        next_safety = time.monotonic() + SAFETY_POLL_SECONDS
                    news = self._fetch()
                    if news:
                        now = time.monotonic()
                        pending.changes += news
                        pending.first_at = pending.first_at or now
                        pending.last_at = now
                        if any(c.what == "presence" for c in news):
                            pending.presence = True
                if now >= next_presence:  # pages that stopped beating drop out without a change
                    next_presence = now + HEARTBEAT_SECONDS / 2
                    present = tuple(
                        self._query(self.store.present, self.session.workspace_id, within=PRESENT_SECONDS)
                    )
                    if {p.page_id for p in present} != {p.page_id for p in self.present}:
                        pending.presence = True
                        pending.first_at = pending.first_at or now
                        pending.last_at = now
                now = time.monotonic()
                if pending.first_at and (
                    now - pending.last_at >= QUIET_SECONDS or now - pending.first_at >= MAX_DELAY_SECONDS
                ):
                    present = None
                    if pending.presence:
                        self.present = tuple(
                            self._query(self.store.present, self.session.workspace_id, within=PRESENT_SECONDS)
                        )
                        present = self.present
                    event = FeedEvent(tuple(pending.changes), True, pending.resync, present)
                    pending = _Pending()
                    self._deliver(event)
                    continue
                if not listening:
                    self._wake.wait(POLL_SECONDS if not pending.first_at else min(POLL_SECONDS, QUIET_SECONDS))
                    self._wake.clear()
            except AccessError:
                return
            except StoreError:
                if self.online:
                    self.online = False
                    self._deliver(FeedEvent(online=False))
                pause = OFFLINE_RETRY_SECONDS[min(offline_attempt, len(OFFLINE_RETRY_SECONDS) - 1)]
                offline_attempt += 1
                self._stop.wait(pause)
            except Exception:  # noqa: BLE001 - the feed thread must never die silently
                log.exception("live feed error; retrying")
                self._stop.wait(1.0)


__all__ = ["FeedEvent", "LiveFeed", "Subscriber"]


def _close_at_exit(ref: weakref.ref[LiveFeed]) -> None:
    feed = ref()
    if feed is not None:
        try:
            feed.close()
        except Exception as exc:  # noqa: BLE001 - the process is ending anyway
            log.debug("closing the live feed at exit: %s", exc)


# ------------------------------------------------------------ notices
def changes_by_others(session: WorkspaceSession, since: int, *, limit: int = 5000) -> list[Change]:
    """Return the workspace's changes after ``since`` that someone else made (presence left out), oldest first.

    "Someone else": another author than this session (``session.author``); changes without a
    known author count as someone else's. At most ``limit`` changes are read.
    """
    out: list[Change] = []
    after = since
    while len(out) < limit:
        batch = session.store.changes_since(session.workspace_id, after)
        if not batch:
            break
        after = batch[-1].id
        out.extend(c for c in batch if c.what != "presence" and c.author != session.author)
    return out[:limit]


def new_reactions(session: WorkspaceSession, since: int, kind: str) -> dict[str, int]:
    """Return target id → reactions of other partners that are new or changed after change ``since``.

    Args:
        session: the page's session.
        since: the last change the viewer had seen.
        kind: the document kind reacted to (``"shared_case"``, ``"value_propositions"``, ``"roadmap"``).

    Each partner's reactions document is compared with its revision at the time of ``since``
    (its head minus the saves after it), so a reaction counts once however often it was edited.
    """
    handle = session.document(kind)
    rules = handle.kind.reactions
    if rules is None:
        return {}
    saves: dict[int, int] = {}
    for change in changes_by_others(session, since):
        if change.what == "save" and change.kind == rules.kind and change.document_id is not None:
            saves[change.document_id] = saves.get(change.document_id, 0) + 1
    if not saves:
        return {}
    counts: dict[str, int] = {}
    for doc in session.documents(rules.kind):
        if doc.id not in saves or doc.partner_id == session.access.partner_id:
            continue
        reactions = session.document(rules.kind, doc.partner_id)
        now = reactions.load(doc).record.targets()
        then_number = max(0, doc.head - saves[doc.id])
        then = reactions.revision(then_number).targets() if then_number else {}
        for target, reaction in now.items():
            if then.get(target) != reaction:
                counts[target] = counts.get(target, 0) + 1
    return counts


__all__ += ["changes_by_others", "new_reactions"]
