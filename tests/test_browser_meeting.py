"""Browser test of step 3 as a meeting: a trekker and two partners in three browsers walk one meeting (issue 17).

Every moment is saved as a screenshot in tests/output/meeting-*.png: both partners see both shared
drafts; a partner proposes and the trekker accepts; give and take in both directions; an edit survives
an immediate reload; two trekker tabs and the conflict; voting and the timer, live on every page;
follow the trekker; the presenter view.
"""

from __future__ import annotations

import re

import pytest
from conftest import full_screenshot, new_page  # noqa: E402

from purposecase.model import Item, PartnerDraft
from purposecase.pieces import PIECE_KEYS
from purposecase.store import open_store
from purposecase.workspace import create_workspace, open_workspace

pytestmark = pytest.mark.browser

LIVE = 20_000
"""How long a change may take to show on another page (generous: three kernels share two cores)."""


def drafted(**pieces) -> PartnerDraft:
    return PartnerDraft(pieces={**{k: [] for k in PIECE_KEYS}, **{k: [Item(text=v) for v in vs]
                                                                  for k, vs in pieces.items()}})


def open_board(browser, server, token):
    context, page, dialogs = new_page(browser)
    page.goto(server.url("05_samen_puzzelen.ipynb", f"sleutel={token}"))
    page.locator(".pc-board").wait_for()
    page.locator(".pc-piece-help").wait_for()
    return context, page, dialogs


def piece(page, name: str) -> None:
    page.locator(".pc-piece-buttons button", has_text=re.compile(rf"^{name}")).click()
    page.locator(".pc-piece-help h3", has_text=name).wait_for()


def adopt(page, text: str) -> None:
    """Adopt the board group holding ``text`` and wait until the shared case shows it."""
    card = page.locator(".pc-card", has=page.locator(".pc-group", has_text=text))
    card.locator(".pc-adopt").click()
    card.locator(".pc-adopt[disabled]").wait_for(timeout=30_000)  # drawn again: adopted


def test_one_meeting_with_a_trekker_and_two_partners(browser, voila_server, artifacts):
    store = open_store(f"sqlite:///{voila_server.home / 'werkboek.sqlite3'}")
    trekker, ttoken = create_workspace("Zorgpact Twente", store=store)
    tokens = {}
    for contact, org, d in (
        ("Ans de Vries", "ROC Twente", drafted(impact=["Iedereen doet mee in de zorg"], intenties=["Personeel"],
                                               inbreng=["Twee docenten"], waarde=["Stageplekken dichtbij huis"])),
        ("Bas Jansen", "Ziekenhuis MST", drafted(impact=["Iedereen doet mee in de zorg!"], intenties=["Onderzoek"],
                                                 inbreng=["Leerwerkplekken"], waarde=["Gekwalificeerde instroom"])),
    ):
        _, token = trekker.add_partner(contact, org)
        tokens[org] = token
        session = open_workspace(token, store=store)
        session.save_my_draft(d, base=0)
        session.set_my_draft_shared(True)

    pages = {}
    for who, token in (("trekker", ttoken), ("roc", tokens["ROC Twente"]), ("mst", tokens["Ziekenhuis MST"])):
        pages[who] = open_board(browser, voila_server, token)
    t, roc, mst = (pages[w][1] for w in ("trekker", "roc", "mst"))

    # 1. both partners see both shared drafts (organisations, contact in small print), read-only
    for p in (roc, mst):
        piece(p, "Inbreng")
        p.locator(".pc-group", has_text="Twee docenten").wait_for()
        p.locator(".pc-group", has_text="Leerwerkplekken").wait_for()
        assert p.locator(".pc-group .pc-who", has_text="Ziekenhuis MST").count() == 1
        assert p.locator(".pc-group .pc-contact", has_text="Bas Jansen").count() == 1
        assert p.locator(".pc-adopt").count() == 0
    full_screenshot(mst, artifacts / "meeting-1-partner-sees-both-drafts.png")

    # 2. a partner proposes (Enter sends it), the trekker edits and accepts, the partner sees the outcome
    piece(roc, "Waarde")
    roc.locator(".pc-propose-text input").fill("Een leerwerkplaats in het ziekenhuis")
    roc.locator(".pc-propose-text input").press("Enter")
    roc.locator(".pc-proposal-open", has_text="Een leerwerkplaats").wait_for()
    row = t.locator(".pc-proposal-row", has_text="ROC Twente")
    row.wait_for(timeout=LIVE)  # live: no reload on the trekker's page
    full_screenshot(t, artifacts / "meeting-2-trekker-sees-proposal.png")
    row.locator("textarea").fill("Een leerwerkplaats in Ziekenhuis MST")
    row.locator(".pc-proposal-accept").click()
    t.locator(".pc-proposals .pc-empty").wait_for()
    roc.locator(".pc-proposal-aangenomen", has_text="Een leerwerkplaats in Ziekenhuis MST").wait_for(timeout=LIVE)
    roc.locator(".pc-shared-item", has_text="Een leerwerkplaats in Ziekenhuis MST").wait_for(timeout=LIVE)
    full_screenshot(roc, artifacts / "meeting-2-partner-sees-outcome.png")

    # 3. give and take: inbreng adopted; two waarde items for the other organisation too; both directions
    piece(t, "Inbreng")
    for text in ("Twee docenten", "Leerwerkplekken"):
        adopt(t, text)
    piece(t, "Waarde")
    for text in ("Stageplekken dichtbij huis", "Gekwalificeerde instroom"):
        adopt(t, text)
    first = t.locator(".pc-shared-row", has=t.locator("textarea")).filter(
        has=t.locator(".pc-origin", has_text="ROC Twente")).first
    first.locator(".pc-chip", has_text="Ziekenhuis MST").click()
    t.locator(".pc-shared-row").first.locator(".pc-chip.mod-active", has_text="Ziekenhuis MST").wait_for()
    second = t.locator(".pc-shared-row").filter(has=t.locator(".pc-origin", has_text="Ziekenhuis MST")).first
    second.locator(".pc-chip", has_text="ROC Twente").click()
    t.wait_for_timeout(1500)
    full_screenshot(t, artifacts / "meeting-3-voor-wie.png")
    t.get_by_role("tab", name="Geven en nemen").click()
    t.locator(".pc-balance", has_text="Stageplekken dichtbij huis").wait_for()
    t.locator(".pc-figure-button").click()
    t.locator(".js-plotly-plot .sankey").first.wait_for(timeout=60_000)
    labels = " | ".join(t.locator(".js-plotly-plot .node-label").all_text_contents())
    labels = labels.replace("\u2068", "").replace("\u2069", "")
    assert "ROC Twente: 1 inbreng" in labels and "Ziekenhuis MST: 1 inbreng" in labels, labels
    assert re.search(r"ROC Twente: \d waarde", labels) and re.search(r"Ziekenhuis MST: \d waarde", labels), labels
    full_screenshot(t, artifacts / "meeting-3-give-and-take.png")
    t.get_by_role("tab", name="Puzzelbord").click()

    # 4. a board edit followed by an immediate reload keeps the edit (saved when the page closes)
    piece(t, "Impact")
    adopt(t, "Iedereen doet mee in de zorg")
    t.locator(".pc-shared-text textarea").first.fill("Iedereen doet mee in de zorg, ook na 2030")
    t.reload()
    t.locator(".pc-board").wait_for()
    t.locator(".pc-shared-text textarea").first.wait_for()
    deadline = 30
    while t.locator(".pc-shared-text textarea").first.input_value() != "Iedereen doet mee in de zorg, ook na 2030":
        deadline -= 1
        assert deadline, "the edit did not survive the reload"
        t.wait_for_timeout(1000)
        t.reload()
        t.locator(".pc-shared-text textarea").first.wait_for()
    t.screenshot(path=str(artifacts / "meeting-4-edit-after-reload.png"), full_page=False)

    # 5. two trekker tabs edit the same item: the second save shows both texts instead of winning silently
    context2, t2, _ = open_board(browser, voila_server, ttoken)
    t2.locator(".pc-shared-text textarea").first.wait_for()
    t.locator(".pc-shared-text textarea").first.fill("Tab een: iedereen doet mee")
    t2.locator(".pc-shared-text textarea").first.fill("Tab twee: iedereen telt mee")
    conflict = t2.locator(".pc-conflict", has_text="Tab een: iedereen doet mee")
    conflict.wait_for(timeout=30_000)
    t2.screenshot(path=str(artifacts / "meeting-5-two-tabs-conflict.png"), full_page=False)
    conflict.locator("button", has_text="Combineer beide").click()
    t2.locator(".pc-save-state", has_text="Alles opgeslagen").wait_for(timeout=30_000)
    context2.close()

    # 6. voting and the timer, live on every page
    piece(t, "Waarde")
    for p in (roc, mst):
        piece(p, "Waarde")
    t.locator(".pc-vote-hidden input").uncheck()
    t.locator(".pc-vote-open").click()
    t.locator(".pc-timer-minutes input").fill("5")
    t.locator(".pc-timer-start").click()
    for p in (roc, mst):
        p.locator(".pc-round", has_text="Nog over: 3").wait_for(timeout=LIVE)
        p.locator(".pc-meeting .pc-timer-time").wait_for(timeout=LIVE)
    roc.locator(".pc-shared-row").first.locator(".pc-vote-plus").click()
    roc.locator(".pc-round", has_text="Nog over: 2").wait_for()
    mst.locator(".pc-shared-row").first.locator(".pc-vote-plus").click()
    mst.locator(".pc-shared-row").nth(1).locator(".pc-vote-plus").click()
    mst.locator(".pc-round", has_text="Nog over: 1").wait_for()
    for p in (t, roc, mst):
        p.locator(".pc-shared-row").first.locator(".pc-vote-total", has_text="2 stemmen").wait_for(timeout=LIVE)
    before = t.locator(".pc-meeting .pc-timer-time").first.inner_text()
    t.wait_for_timeout(2500)
    after = t.locator(".pc-meeting .pc-timer-time").first.inner_text()
    assert re.fullmatch(r"0[45]:[0-5]\d", after) and after < before, (before, after)  # it counts down
    assert roc.locator(".pc-meeting .pc-timer-time").first.inner_text() <= before
    for who, p in (("trekker", t), ("roc", roc), ("mst", mst)):
        full_screenshot(p, artifacts / f"meeting-6-votes-timer-{who}.png")

    # 7. follow mode moves a partner's board
    t.locator(".pc-follow").click()
    piece(t, "Opbrengsten")
    mst.locator(".pc-piece-help h3", has_text="Opbrengsten").wait_for(timeout=LIVE)
    roc.locator(".pc-piece-help h3", has_text="Opbrengsten").wait_for(timeout=LIVE)
    mst.screenshot(path=str(artifacts / "meeting-7-follow.png"), full_page=False)

    # 8. the presenter view: the board large, fullscreen, without controls; Esc leaves
    piece(t, "Waarde")
    t.locator(".pc-present-button").click()
    t.wait_for_function("document.fullscreenElement && document.fullscreenElement.classList.contains('pc-puzzle')")
    t.locator(".pc-present-piece h2", has_text="Waarde").wait_for()
    assert t.locator(".pc-meeting-controls").first.is_hidden() and t.locator(".pc-adopt").first.is_hidden()
    t.screenshot(path=str(artifacts / "meeting-8-presenter.png"), full_page=False)
    t.keyboard.press("ArrowRight")  # the arrow keys go to the next piece
    t.locator(".pc-present-piece h2", has_text="Doelgroepen").wait_for()
    t.keyboard.press("Escape")
    t.wait_for_timeout(500)
    if t.evaluate("!!document.fullscreenElement"):  # headless Chromium may not map Esc to leaving fullscreen
        t.evaluate("document.exitFullscreen()")
    t.wait_for_function("!document.fullscreenElement")
    t.locator(".pc-meeting-controls").first.wait_for()

    for context, _, dialogs in pages.values():
        assert not dialogs
        context.close()
