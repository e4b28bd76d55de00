"""Browser test of step 5: the trekker builds six steps with two owners and sees the timeline; a partner reacts."""

from __future__ import annotations

import json

import pytest
from conftest import axe_violations, full_screenshot, new_page  # noqa: E402

from purposecase import puzzle
from purposecase import roadmap as rm
from purposecase.store import open_store
from purposecase.workspace import create_workspace, open_workspace

pytestmark = pytest.mark.browser

NOTEBOOK = "07_impact_roadmap.ipynb"


def fill(locator, value: str) -> None:
    """Type a value and leave the field, so the widget (continuous_update=False) sends it."""
    locator.fill(value)
    locator.press("Tab")


def test_six_steps_two_owners_and_the_timeline(browser, voila_server, artifacts):
    store = open_store(f"sqlite:///{voila_server.home / 'werkboek.sqlite3'}")
    trekker, ttoken = create_workspace("Techniekpact Oost", store=store)
    _, ans_token = trekker.add_partner("Ans", "ROC Oost")
    trekker.add_partner("Bas", "Gemeente")
    trekker.update_shared(puzzle.adopt("impact", "Iedereen doet mee in de techniek", [], []))
    trekker.update_shared(puzzle.adopt("gezamenlijke_ambitie", "200 extra technici in de regio in 2030", [], []))

    context, page, dialogs = new_page(browser)
    page.goto(voila_server.url(NOTEBOOK, f"sleutel={ttoken}"))
    page.locator(".pc-rm-overview").wait_for()
    assert "Iedereen doet mee in de techniek" in page.locator(".pc-rm-ambition").inner_text()
    titles = [
        "Verkennen met <img src=x onerror=alert(1)>",
        "Pilot op twee scholen",
        "Docenten bijscholen",
        "Stageplekken regelen",
        "Evalueren",
        "Opschalen naar de regio",
    ]
    for n, title in enumerate(titles, start=1):
        page.locator(".pc-rm-add").click()
        page.locator(".pc-rm-editor-title", has_text=f"Stap {n}").wait_for()
        editor = page.locator(".pc-rm-editor")
        fill(editor.locator(".pc-rm-wat-input textarea"), title)
        editor.locator(".pc-rm-eigenaren select").select_option(label="Ans" if n % 2 else "Bas")
        fill(editor.locator(".pc-rm-start input"), f"2026-{n:02d}")
        fill(editor.locator(".pc-rm-eind input"), f"2026-{n + 3:02d}")
        page.locator(f".pc-rm-table tr[data-step='{n}'] .pc-owner", has_text="Ans" if n % 2 else "Bas").wait_for()
        page.locator(f".pc-rm-table tr[data-step='{n}']", has_text=f"2026-{n + 3:02d}").wait_for()
    # a negative amount gets a Dutch message and is not saved
    fill(page.locator(".pc-rm-editor .pc-rm-euro input").first, "-50")
    page.locator(".pc-msg-error", has_text="kan niet negatief zijn").wait_for()
    fill(page.locator(".pc-rm-editor .pc-rm-euro input").first, "1500")
    page.locator(".pc-msg-error").wait_for(state="detached")
    page.locator(".pc-rm-save").click()
    page.locator(".pc-state-saved", has_text="versie").wait_for()
    assert page.locator(".pc-rm-table tbody tr").count() == 6
    assert page.locator(".pc-rm-table", has_text="<img src=x onerror=alert(1)>").count() == 1
    full_screenshot(page, artifacts / "roadmap-trekker.png")
    violations = axe_violations(page)
    assert not violations, json.dumps(violations, indent=1)

    page.get_by_role("tab", name="Tijdlijn en inzet").click()
    plot = page.locator(".pc-rm-figures .js-plotly-plot").first
    plot.wait_for()
    # figure labels carry bidi isolates around user text (purposecase.bidi): read them without
    legend = [x.replace("\u2068", "").replace("\u2069", "") for x in plot.locator(".legendtext").all_text_contents()]
    assert legend == ["Ans", "Bas"], legend
    assert plot.locator(".barlayer .point").count() == 6
    assert page.locator(".pc-rm-figures .js-plotly-plot").count() == 2  # timeline and effort matrix
    page.locator(".pc-rm-figures").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    plot.screenshot(path=str(artifacts / "roadmap-tijdlijn.png"))
    full_screenshot(page, artifacts / "roadmap-tijdlijn-tab.png")
    violations = axe_violations(page)
    assert not violations, json.dumps(violations, indent=1)
    page.get_by_role("tab", name="Check").click()
    page.locator(".pc-check[data-check='spreiding'].pc-check-ok").wait_for()
    assert not dialogs
    context.close()

    stored = rm.load_roadmap(open_workspace(ttoken, store=store)).roadmap
    assert [s.wat for s in stored.steps] == titles
    assert len({s.eigenaren[0] for s in stored.steps}) == 2 and stored.steps[5].euro() == 1500

    context, ans, dialogs = new_page(browser)
    ans.goto(voila_server.url(NOTEBOOK, f"sleutel={ans_token}"))
    ans.locator(".pc-rm-card", has_text="Verkennen").wait_for()
    assert ans.locator(".pc-rm-add").count() == 0 and ans.locator(".pc-rm-editor").count() == 0
    ans.locator(".pc-rm-react button", has_text="akkoord").click()
    ans.locator(".pc-rm-react-save").click()
    ans.locator(".pc-rm-table", has_text="1× akkoord").wait_for()
    full_screenshot(ans, artifacts / "roadmap-partner.png")
    assert not dialogs
    context.close()
