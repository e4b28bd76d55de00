"""Browser test of step 3: three partners share drafts, the trekker composes the shared case, a partner reads it."""

from __future__ import annotations

import re

import pytest
from conftest import new_page  # noqa: E402

from purposecase.model import Item, PartnerDraft
from purposecase.pieces import PIECE_KEYS
from purposecase.store import open_store
from purposecase.workspace import create_workspace, open_workspace

pytestmark = pytest.mark.browser


def test_trekker_composes_and_a_partner_reads(browser, voila_server, artifacts):
    store = open_store(f"sqlite:///{voila_server.home / 'werkboek.sqlite3'}")
    trekker, ttoken = create_workspace("Techniekpact", store=store)
    tokens = {}
    for name, impact, inbreng in (
        ("Ans", "Iedereen doet mee op de arbeidsmarkt", "Twee docenten"),
        ("Bas", "iedereen doet mee op de arbeidsmarkt!", "Stageplekken"),
        ("Cem", "Een vitale regio <img src=x onerror=alert(1)>", "Geld uit het gemeentefonds"),
    ):
        _, token = trekker.add_partner(name, f"{name} BV")
        tokens[name] = token
        draft = PartnerDraft(
            pieces={
                **{k: [] for k in PIECE_KEYS},
                "impact": [Item(text=impact)],
                "intenties": [Item(text=f"{name} wil groeien")],
                "inbreng": [Item(text=inbreng)],
            }
        )
        session = open_workspace(token, store=store)
        session.save_my_draft(draft, base=0)
    # Ans and Bas share through the store; Cem shares on their own page in the browser
    for name in ("Ans", "Bas"):
        open_workspace(tokens[name], store=store).set_my_draft_shared(True)
    context, cem, _ = new_page(browser)
    cem.goto(voila_server.url("04_zelf_invullen.ipynb", f"sleutel={tokens['Cem']}"))
    cem.locator(".pc-share input").check()
    cem.locator(".pc-msg", has_text="gedeeld").wait_for()
    context.close()

    context, page, dialogs = new_page(browser)
    page.goto(voila_server.url("05_samen_puzzelen.ipynb", f"sleutel={ttoken}"))
    page.locator(".pc-board").wait_for()
    assert page.locator(".pc-group").count() == 2
    card = page.locator(".pc-card", has=page.locator(".pc-group", has_text="Bas"))
    card.locator(".pc-adopt").click()
    # organisations, isolated for bidi (U+2068 … U+2069 around each): match across the isolates
    page.locator(".pc-shared .pc-origin", has_text=re.compile("Ans BV.{0,3}, .{0,3}Bas BV")).wait_for()  # organisations
    page.locator(".pc-card", has=page.locator(".pc-group", has_text="Cem")).locator(".pc-adopt").click()
    page.locator(".pc-shared-row").nth(1).wait_for()
    page.locator(".pc-agreed input").check()
    page.locator(".pc-canvas .pc-piece-impact .pc-progress-akkoord").wait_for()
    page.screenshot(path=str(artifacts / "puzzelen-trekker.png"), full_page=True)
    assert not dialogs
    context.close()

    context, ans, dialogs = new_page(browser)
    ans.goto(voila_server.url("05_samen_puzzelen.ipynb", f"sleutel={tokens['Ans']}"))
    ans.locator(".pc-shared-item", has_text="Iedereen doet mee").wait_for()
    assert ans.locator(".pc-adopt").count() == 0 and ans.locator(".pc-shared-text").count() == 0
    assert ans.locator(".pc-shared-item", has_text="<img src=x onerror=alert(1)>").count() == 1
    ans.locator(".pc-react button", has_text="vraag").first.click()
    ans.locator(".pc-react-comment input").first.fill("Wat bedoelen we met meedoen?")
    ans.locator(".pc-react-save").first.click()
    ans.locator(".pc-reactions", has_text="Wat bedoelen we met meedoen?").wait_for()
    ans.get_by_role("tab", name="Geven en nemen").click()
    ans.locator(".pc-balance", has_text="Ans").wait_for()
    ans.screenshot(path=str(artifacts / "puzzelen-partner.png"), full_page=True)
    assert not dialogs
    context.close()
