"""Browser tests of steps 1–2: a trekker and two partners at once, in separate browser contexts."""

from __future__ import annotations

import re

import pytest
from conftest import new_page  # noqa: E402

from purposecase.store import open_store
from purposecase.workspace import create_workspace

pytestmark = pytest.mark.browser
CHAPTER = "04_zelf_invullen.ipynb"


def server_store(server):
    return open_store(f"sqlite:///{server.home / 'werkboek.sqlite3'}")


def add_item(page, piece_label, text):
    page.locator(".pc-piece-buttons button", has_text=re.compile(f"^{piece_label}$")).click()
    page.locator(".pc-piece-help h3", has_text=piece_label).wait_for()
    page.locator(".pc-add-item").click()
    box = page.locator(".pc-item-text textarea").last
    box.wait_for()
    box.fill(text)


def test_trekker_starts_and_invites_in_the_browser(browser, voila_server, artifacts):
    context, page, _ = new_page(browser)
    page.goto(voila_server.url(CHAPTER))
    page.locator(".pc-workspace-name input").fill("Techniekpact Westfriesland")
    page.locator(".pc-inspiration-dropdown select").select_option(label="House of Hospitality")
    page.locator(".pc-start-button").click()
    page.locator(".pc-fresh-trekker-link input").wait_for()
    trekker_link = page.locator(".pc-fresh-trekker-link input").input_value()
    assert "sleutel=" in trekker_link and trekker_link.startswith(voila_server.base)
    page.locator(".pc-partner-name input").fill("Ans de Vries")
    page.locator(".pc-partner-organisation input").fill("ROC Noord")
    page.locator(".pc-add-partner").click()
    page.locator(".pc-new-links .pc-link", has_text="Ans de Vries").wait_for()
    page.screenshot(path=str(artifacts / "zelf-invullen-trekker.png"), full_page=True)
    partner_link = page.locator(".pc-new-links .pc-link input").first.input_value()
    # the new trekker link is in the address bar: a reload (or a bookmark) keeps the workspace
    token = trekker_link.split("sleutel=", 1)[1].split("&", 1)[0]
    page.wait_for_function(f"window.location.search.includes('sleutel={token}')")
    page.reload()
    page.locator(".pc-overview").wait_for()
    assert "Techniekpact Westfriesland" in page.locator(".pc-navbar").inner_text()
    assert page.locator(".pc-start-button").count() == 0
    context.close()

    context, page, _ = new_page(browser)
    page.goto(partner_link)
    page.locator(".pc-draft-editor").wait_for()
    assert "Ans de Vries" in page.locator(".pc-navbar").inner_text()
    assert page.locator(".pc-inspiration", has_text="House of Hospitality").count() == 1
    context.close()


def test_two_partners_at_once_then_the_trekker_sees_both_shared(browser, voila_server, artifacts):
    store = server_store(voila_server)
    trekker, ttoken = create_workspace("Zorgpact", store=store)
    _, atoken = trekker.add_partner("Ans", "Zorginstelling")
    _, btoken = trekker.add_partner("Bas", "Hogeschool")
    secret_a = "Ans haar geheime intentie"

    pages = {}
    for name, token in (("Ans", atoken), ("Bas", btoken)):
        context, page, _ = new_page(browser)
        page.goto(voila_server.url(CHAPTER, f"sleutel={token}"))
        page.locator(".pc-draft-editor").wait_for()
        pages[name] = (context, page)

    # both type at the same time (interleaved), nobody shares Ans's secret
    add_item(pages["Ans"][1], "Intenties", secret_a)
    add_item(pages["Bas"][1], "Intenties", "Bas wil stageplekken")
    add_item(pages["Ans"][1], "Inbreng", "Twee praktijkopleiders <b>vet</b>")
    add_item(pages["Bas"][1], "Inbreng", "Onderzoekers en studenten")
    for name, (_, page) in pages.items():
        page.locator(".pc-save-state", has_text="Alles opgeslagen").wait_for(timeout=30_000)

    # Bas shares; Bas's page must not show Ans's private text
    _, bas = pages["Bas"]
    bas.locator(".pc-share input").check()
    bas.locator(".pc-msg", has_text="gedeeld").wait_for()
    assert secret_a not in bas.content()

    # autosaved text survives a reload
    _, ans = pages["Ans"]
    ans.reload()
    ans.locator(".pc-draft-editor").wait_for()
    ans.locator(".pc-piece-buttons button", has_text="Intenties").click()
    ans.locator(".pc-piece-help h3", has_text="Intenties").wait_for()
    assert ans.locator(".pc-item-text textarea").first.input_value() == secret_a
    assert ans.locator(".pc-canvas b").count() == 0  # user text shown literally
    ans.locator(".pc-share input").check()
    ans.locator(".pc-msg", has_text="gedeeld").wait_for()
    ans.screenshot(path=str(artifacts / "zelf-invullen-partner.png"), full_page=True)

    context, page, _ = new_page(browser)
    page.goto(voila_server.url(CHAPTER, f"sleutel={ttoken}"))
    page.locator(".pc-status-table").wait_for()
    page.locator(".pc-count", has_text="Concepten gedeeld: 2 van 2").wait_for()
    page.locator(".pc-shared-drafts select").select_option(label="Ans (Zorginstelling)")
    page.locator(".pc-canvas", has_text=secret_a).wait_for()
    page.screenshot(path=str(artifacts / "zelf-invullen-overzicht.png"), full_page=True)
    for name, (ctx, p) in pages.items():
        assert not p.dialogs, f"a dialog opened on {name}'s page"
        ctx.close()
    context.close()


def test_a_revoked_link_shows_nothing(browser, voila_server):
    store = server_store(voila_server)
    trekker, _ = create_workspace("Besloten", store=store)
    partner, token = trekker.add_partner("Ans", "X")
    trekker.new_partner_link(partner.id)
    context, page, _ = new_page(browser)
    page.goto(voila_server.url(CHAPTER, f"sleutel={token}"))
    page.locator(".pc-msg", has_text="ingetrokken").wait_for()
    assert "Besloten" not in page.content()
    page.goto(voila_server.url(CHAPTER, "sleutel=onzin"))
    page.locator(".pc-msg", has_text="kennen we niet").wait_for()
    context.close()
