"""The live feed of a workspace (purposecase.workspace.live), on SQLite and PostgreSQL.

Generous timeouts: these assert *that* a change arrives and how often subscribers are
called, never how fast (``benchmarks/live.py`` measures the latency).
"""

from __future__ import annotations

import threading
import time

import pytest
from other_process import share_from_another_process  # noqa: E402

from purposecase.errors import StoreUnavailable
from purposecase.model import Item, PartnerDraft
from purposecase.pieces import PIECE_KEYS
from purposecase.store import open_store
from purposecase.workspace import create_workspace, open_workspace
from purposecase.workspace.live import LiveFeed


class Inbox:
    """Collects the events a subscriber gets; ``wait_for`` blocks until one matches."""

    def __init__(self) -> None:
        self.events = []
        self._cv = threading.Condition()

    def __call__(self, event) -> None:
        with self._cv:
            self.events.append(event)
            self._cv.notify_all()

    def wait_for(self, match, timeout: float = 10.0):
        deadline = time.monotonic() + timeout
        with self._cv:
            while True:
                for event in self.events:
                    if match(event):
                        return event
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no matching event in {timeout} s; got {self.events}")
                self._cv.wait(left)


def draft(text: str) -> PartnerDraft:
    pieces = {k: [] for k in PIECE_KEYS}
    pieces.update(intenties=[Item(text="Leren")], inbreng=[Item(text=text)])
    return PartnerDraft(pieces=pieces)


@pytest.fixture()
def ws(db_url):
    store = open_store(db_url)
    trekker, ttoken = create_workspace("Live", store=store)
    _, atoken = trekker.add_partner("Ans", "ROC Twente")
    return store, trekker, ttoken, open_workspace(atoken, store=store), db_url


def test_a_share_reaches_the_trekkers_page(ws):
    store, trekker, _, ans, _ = ws
    inbox = Inbox()
    with LiveFeed(trekker, chapter="05_samen_puzzelen.ipynb") as feed:
        feed.subscribe(inbox)
        ans.save_my_draft(draft("Docenten"), base=0)
        ans.set_my_draft_shared(True)
        event = inbox.wait_for(lambda e: any(c.what == "state" for c in e.changes))
        assert event.touches("draft") and event.online
        assert {c.partner_id for c in event.changes if c.kind == "draft"} == {ans.access.partner_id}


def test_a_burst_of_saves_arrives_as_one_refresh(ws):
    store, trekker, _, ans, _ = ws
    inbox = Inbox()
    with LiveFeed(trekker, chapter="05_samen_puzzelen.ipynb") as feed:
        feed.subscribe(inbox)
        time.sleep(0.5)  # the feed is running and quiet
        base = 0
        started = time.monotonic()
        for i in range(32):
            base = ans.save_my_draft(draft(f"Docent {i}"), base=base).number
        burst = time.monotonic() - started
        inbox.wait_for(lambda e: sum(c.what == "save" for c in e.changes) >= 1)
        time.sleep(1.5)  # anything still coming has come
        saves = [e for e in inbox.events if any(c.what == "save" for c in e.changes)]
        assert sum(sum(c.what == "save" for c in e.changes) for e in saves) == 32  # none lost
        # one refresh per half second of burst at most (MAX_DELAY_SECONDS), not one per save
        assert len(saves) <= max(2, int(burst / 0.5) + 2), (len(saves), burst)


def test_presence_appears_and_disappears(ws):
    store, trekker, _, ans, _ = ws
    inbox = Inbox()
    with LiveFeed(trekker, chapter="05_samen_puzzelen.ipynb") as feed:
        feed.subscribe(inbox)
        partner_page = LiveFeed(ans, chapter="05_samen_puzzelen.ipynb").start()
        seen = inbox.wait_for(lambda e: e.present is not None and len(e.present) == 2)
        mine = next(p for p in seen.present if p.role == "partner")
        assert mine.partner_id == ans.access.partner_id and mine.chapter == "05_samen_puzzelen.ipynb"
        partner_page.set_focus("waarde")
        inbox.wait_for(lambda e: e.present is not None and any(p.focus == "waarde" for p in e.present))
        partner_page.close()
        inbox.wait_for(lambda e: e.present is not None and [p.role for p in e.present] == ["trekker"])
    assert store.present(trekker.workspace_id) == []  # the trekker's page left too


def test_a_page_whose_browser_went_away_leaves_and_comes_back(ws, monkeypatch):
    """A browser closed without closing the page (a crash, a lost network) leaves who-is-here at the next
    heartbeat instead of when the kernel is culled (~2.5 min); it comes back when the browser reconnects."""
    from purposecase.workspace import live

    monkeypatch.setattr(live, "HEARTBEAT_SECONDS", 0.3)
    store, trekker, _, ans, _ = ws
    browser = {"connected": False}  # the page is loading: not connected yet
    inbox = Inbox()
    with LiveFeed(trekker, chapter="05_samen_puzzelen.ipynb") as feed:
        feed.subscribe(inbox)
        partner_page = LiveFeed(ans, chapter="05_samen_puzzelen.ipynb", connected=lambda: browser["connected"])
        partner_page.start()
        inbox.wait_for(lambda e: e.present is not None and len(e.present) == 2)
        time.sleep(1.0)
        assert len(store.present(trekker.workspace_id)) == 2  # still loading: counted as here
        browser["connected"] = True
        time.sleep(1.0)
        inbox.events.clear()
        browser["connected"] = False  # the browser went away
        inbox.wait_for(lambda e: e.present is not None and [p.role for p in e.present] == ["trekker"])
        assert partner_page.away
        inbox.events.clear()
        browser["connected"] = True  # … and came back
        inbox.wait_for(lambda e: e.present is not None and len(e.present) == 2 and not partner_page.away)
        partner_page.close()


def test_a_revocation_is_announced(ws):
    store, trekker, _, ans, _ = ws
    inbox = Inbox()
    with LiveFeed(ans, chapter="07_impact_roadmap.ipynb") as feed:
        feed.subscribe(inbox)
        trekker.remove_partner(ans.access.partner_id)
        inbox.wait_for(lambda e: e.has("partner"))


def test_an_outage_is_reported_and_caught_up(ws, monkeypatch):
    store, trekker, _, ans, _ = ws
    inbox = Inbox()
    real = store.changes_since
    down = threading.Event()

    def flaky(*args, **kwargs):
        if down.is_set():
            raise StoreUnavailable("the database is gone")
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "changes_since", flaky)
    with LiveFeed(trekker, chapter="04_zelf_invullen.ipynb") as feed:
        feed.subscribe(inbox)
        if feed._listener is not None:  # PostgreSQL: the listener connection goes down too
            feed._listener.close()
        down.set()
        inbox.wait_for(lambda e: not e.online)
        ans.save_my_draft(draft("tijdens de storing"), base=0)  # another page could still save
        down.clear()
        back = inbox.wait_for(lambda e: e.online and e.resync)
        assert back.online


def test_idle_feed_makes_few_queries(ws):
    store, trekker, _, _, db_url = ws
    with LiveFeed(trekker, chapter="05_samen_puzzelen.ipynb") as feed:
        time.sleep(0.3)
        before = feed.queries
        time.sleep(3.0)
        per_second = (feed.queries - before) / 3.0
    from purposecase.workspace.live import POLL_SECONDS

    # SQLite checks the log every POLL_SECONDS (plus a heartbeat and presence now and then); PostgreSQL listens
    limit = 1 / POLL_SECONDS + 1 if db_url.startswith("sqlite") else 1.5
    assert per_second <= limit, per_second


def test_a_change_from_another_process_arrives(ws):
    store, trekker, _, ans, db_url = ws
    inbox = Inbox()
    _, btoken = trekker.add_partner("Bas", "Zorg BV")
    with LiveFeed(trekker, chapter="05_samen_puzzelen.ipynb") as feed:
        feed.subscribe(inbox)
        share_from_another_process(db_url, btoken, "uit een ander proces")
        inbox.wait_for(lambda e: any(c.what == "state" and c.kind == "draft" for c in e.changes))
