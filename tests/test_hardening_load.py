"""Eight partners edit one workspace for two minutes in real browsers: nothing the pages acknowledged is lost.

Eight Chromium pages (one browser context per partner link) type into their own drafts in
chapter 04 on one Voilà server, each a new text every ~5 s, while the trekker's page (chapter 05)
refreshes the board and adopts the partners' newest items into the shared case. Every save a
page acknowledged ("Alles opgeslagen (revisie N)" with the text still on screen) is recorded,
and so is every adoption the trekker's page showed. Afterwards, in the store:

- each draft's revisions are numbered 1..n without gaps, one per text typed (plus the seed);
- every acknowledged revision N holds exactly the text the page showed with it;
- each draft's newest revision is what its page showed last;
- the shared case's revisions have no gaps and it holds every acknowledged adoption.

Why real browsers for the full two minutes: 8 pages + 1 trekker page on 2 cores held up in
trials (kernels idle between saves; typing is ``fill``, one websocket message per text), and
this is the path people use. Process-level concurrency on the store itself (8 processes, both
backends) is in ``tests/test_store_concurrency.py``. Latencies are printed, never asserted.
"""

from __future__ import annotations

import re
import statistics
import time
from datetime import UTC, datetime

import pytest
from conftest import new_page

from purposecase.model import Item, PartnerDraft
from purposecase.pieces import PIECE_KEYS
from purposecase.store import open_store
from purposecase.workspace import create_workspace, open_workspace

pytestmark = pytest.mark.browser

PARTNERS = 8
DURATION_S = 120.0
EDIT_EVERY_S = 5.0
ADOPT_EVERY_S = 6.0
SAVED = re.compile(r"Alles opgeslagen \(revisie (\d+)\)")
WORDS = (
    "technici voor de regio", "een schone haven", "gezond ouder worden", "zon op elk dak",
    "leren in de wijk", "veilig fietsen naar school", "voedsel van dichtbij", "werk voor statushouders",
)
"""Each partner writes about something else, so the board keeps their items apart."""


def first_draft(name: str) -> PartnerDraft:
    return PartnerDraft(
        pieces={
            **{k: [] for k in PIECE_KEYS},
            "impact": [Item(text=f"{name}: beginpunt")],
            "intenties": [Item(text=f"{name} wil groeien")],
            "inbreng": [Item(text=f"{name} brengt mensen")],
        }
    )


class Partner:
    """One partner's page and what it acknowledged."""

    def __init__(self, name: str, token: str, context, page) -> None:
        self.name, self.token, self.context, self.page = name, token, context, page
        self.box = page.locator(".pc-item-text textarea").first
        self.state = page.locator(".pc-save-state")
        self.typed: list[tuple[str, float]] = []  # (text, wall clock when typed)
        self.acks: dict[int, str] = {}
        self.pending: str | None = None  # a typed text the page has not acknowledged yet
        self.last_edit = 0.0

    def acknowledged(self) -> bool:
        """Record the revision the page shows as saved, with the text on screen; return whether all is saved."""
        match = SAVED.search(self.state.inner_text())
        if not match:
            return False
        number, shown = int(match.group(1)), self.box.input_value()
        if number not in self.acks:
            self.acks[number] = shown
        if shown == self.pending:
            self.pending = None
        return self.pending is None

    def type(self, n: int, words: str) -> None:
        text = f"{words}, ronde {n}" + " en nog meer" * (n % 3)
        self.box.fill(text)
        self.typed.append((text, time.time()))
        self.pending = text
        self.last_edit = time.monotonic()


def test_eight_partners_for_two_minutes_lose_nothing(browser, voila_server, artifacts):
    store = open_store(f"sqlite:///{voila_server.home / 'werkboek.sqlite3'}")
    trekker, ttoken = create_workspace("Acht partners tegelijk", store=store)
    links = {}
    for i in range(PARTNERS):
        name = f"Partner{i + 1}"
        partner, token = trekker.add_partner(name, f"Organisatie {i + 1}")
        session = open_workspace(token, store=store)
        session.save_my_draft(first_draft(name), base=0)
        session.set_my_draft_shared(True)
        links[name] = (partner, token)

    # open every page at once, then wait for each
    pages = []
    for name, (_, token) in links.items():
        context, page, dialogs = new_page(browser)
        page.goto(voila_server.url("04_zelf_invullen.ipynb", f"sleutel={token}"), wait_until="commit")
        pages.append((name, token, context, page, dialogs))
    t_context, t_page, t_dialogs = new_page(browser)
    t_page.goto(voila_server.url("05_samen_puzzelen.ipynb", f"sleutel={ttoken}"), wait_until="commit")
    partners = []
    for name, token, context, page, _ in pages:
        page.locator(".pc-item-text textarea").first.wait_for(timeout=180_000)
        partners.append(Partner(name, token, context, page))
    t_page.locator(".pc-board").wait_for(timeout=180_000)
    # nine pages opened together on 2 cores: Voilà must not drop a chapter's output (cli.IOPUB_TIMEOUT_SECONDS)
    assert "Timeout waiting for IOPub output" not in voila_server.log_path.read_text()

    adopted: list[str] = []
    adopt_times: list[float] = []
    rounds = 0
    last_adopt = 0.0
    started = time.monotonic()
    while time.monotonic() - started < DURATION_S:
        for i, p in enumerate(partners):
            if p.acknowledged() and time.monotonic() - p.last_edit >= EDIT_EVERY_S:
                p.type(len(p.typed) + 1, WORDS[i])
        if time.monotonic() - last_adopt >= ADOPT_EVERY_S:
            last_adopt = time.monotonic()
            t_page.locator(".pc-refresh").first.click()
            t_page.wait_for_timeout(300)
            candidates = t_page.locator(".pc-card", has=t_page.locator(".pc-adopt.mod-primary"))
            if candidates.count():
                rows = t_page.locator(".pc-shared-row").count()
                t0 = time.monotonic()
                candidates.first.locator(".pc-adopt").click()
                new_row = t_page.locator(".pc-shared-text textarea").nth(rows)
                new_row.wait_for(timeout=60_000)
                adopt_times.append(time.monotonic() - t0)
                adopted.append(new_row.input_value())  # what the trekker's page shows as adopted
        rounds += 1
        t_page.wait_for_timeout(100)
    elapsed = time.monotonic() - started

    # let the last texts land, and record them
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not all(p.acknowledged() for p in partners):
        time.sleep(0.5)
    assert all(p.acknowledged() for p in partners), [p.name for p in partners if p.pending]
    t_page.screenshot(path=str(artifacts / "acht-partners-trekker.png"))
    partners[0].page.screenshot(path=str(artifacts / "acht-partners-partner1.png"))

    # the store holds every acknowledged save, nothing more, nothing out of order
    latencies = []
    total_typed = 0
    for p in partners:
        session = open_workspace(p.token, store=store)
        loaded = session.my_draft()
        history = sorted(store.history(loaded.document.id), key=lambda r: r.number)
        numbers = [r.number for r in history]
        assert numbers == list(range(1, len(numbers) + 1)), f"{p.name}: a gap in the revisions"
        assert len(numbers) == 1 + len(p.typed), f"{p.name}: {len(numbers) - 1} saves for {len(p.typed)} texts"
        texts = {n: store.revision(loaded.document.id, n).content["pieces"]["impact"][0]["text"] for n in numbers}
        for number, shown in p.acks.items():
            assert texts[number] == shown, f"{p.name}: revision {number} is not what the page acknowledged"
        assert [texts[n] for n in numbers[1:]] == [t for t, _ in p.typed], f"{p.name}: a typed text is missing"
        assert loaded.base == max(p.acks) and texts[loaded.base] == p.box.input_value()
        for (_, typed_at), info in zip(p.typed, history[1:], strict=True):
            latencies.append(info.created_at.timestamp() - typed_at - 3.0)  # minus the autosave pause
        total_typed += len(p.typed)
    shared = trekker.shared_case()
    shared_numbers = sorted(r.number for r in store.history(shared.document.id))
    assert shared_numbers == list(range(1, len(shared_numbers) + 1))
    in_store = [i.text for i in shared.shared.items("impact")]
    assert all(text in in_store for text in adopted), "an adoption the trekker saw is missing"
    assert len(shared_numbers) >= len(adopted)

    for name, _, context, page, dialogs in pages:
        assert not dialogs
        page.close(run_before_unload=True)
        context.close()
    assert not t_dialogs
    t_page.close(run_before_unload=True)
    t_context.close()

    q = statistics.quantiles(latencies, n=20)
    print(
        f"\n{PARTNERS} partners for {elapsed:.0f} s ({rounds} rounds): {total_typed} texts typed, "
        f"{total_typed} saves acknowledged and in the store, 0 lost; {len(adopted)} adoptions by the trekker "
        f"(shared case at revision {shared_numbers[-1]}); save latency after the 3 s autosave pause: "
        f"median {statistics.median(latencies):.2f} s, p95 {q[18]:.2f} s, max {max(latencies):.2f} s; "
        f"adopt click to row shown: median {statistics.median(adopt_times) if adopt_times else 0:.2f} s "
        f"({datetime.now(UTC):%H:%M} UTC)"
    )
