"""Browser tests of what only a browser shows (issue 18 and the chapter shell, issue 15 item 4).

- "Deze pagina verlaten?" (beforeunload) while a save is pending, and not once it is saved;
- the roadmap conflict's two versions fit the page (nothing cut off on the right);
- the upload button of chapter 08 says "Kies een bestand", never "(0)";
- screenshots of every changed page in Dutch and English (tests/output/text-layout-*.png).
"""

from __future__ import annotations

import pytest
from conftest import full_screenshot, new_page  # noqa: E402

from purposecase import puzzle
from purposecase import roadmap as rm
from purposecase.store import open_store
from purposecase.workspace import create_workspace

pytestmark = pytest.mark.browser


@pytest.fixture()
def world(voila_server):
    store = open_store(f"sqlite:///{voila_server.home / 'werkboek.sqlite3'}")
    trekker, ttoken = create_workspace("Techniekpact Oost", store=store)
    _, ptoken = trekker.add_partner("Ans", "ROC Oost")
    trekker.update_shared(puzzle.adopt("doelgroepen", "Studenten techniek", [], [], item_id="dg1"))
    trekker.update_shared(puzzle.adopt("waarde", "Stageplekken bij werkgevers in de regio", [], [], item_id="w1"))
    trekker.update_shared(puzzle.adopt("waarde", "Goed opgeleide instroom", [], [], item_id="w2"))
    return {"store": store, "trekker": trekker, "ttoken": ttoken, "ptoken": ptoken}


def leave_asks(page) -> list[str]:
    """Close the page the way a person does; return the types of the dialogs it raised."""
    seen: list[str] = []
    page.on("dialog", lambda d: seen.append(d.type))
    waiter = page.context.new_page()  # keeps Playwright's event loop turning while the page closes
    page.close(run_before_unload=True)
    waiter.wait_for_timeout(1500)
    waiter.close()
    return seen


def test_leaving_with_a_save_pending_asks_first(browser, voila_server, world):
    context, page, dialogs = new_page(browser)
    page.goto(voila_server.url("04_zelf_invullen.ipynb", f"sleutel={world['ptoken']}"))
    page.locator(".pc-add-item").click()
    page.locator(".pc-item-text textarea").last.type("Twee begeleiders per klas")
    page.locator(".pc-state-unsaved").wait_for()
    assert page.evaluate("window.pcSavePending()")
    assert "beforeunload" in leave_asks(page)

    page = context.new_page()
    page.goto(voila_server.url("04_zelf_invullen.ipynb", f"sleutel={world['ptoken']}"))
    page.locator(".pc-piece-buttons").wait_for()
    page.locator(".pc-add-item").click()
    page.locator(".pc-item-text textarea").last.type("Nog een begeleider")
    page.locator(".pc-state-saved").wait_for(timeout=20_000)  # the autosave a few seconds later
    assert not page.evaluate("window.pcSavePending()")
    assert leave_asks(page) == []
    assert dialogs == []
    context.close()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_roadmap_conflict_fits_the_page(browser, voila_server, world, artifacts, lang):
    trekker = world["trekker"]
    steps = [rm.RoadmapStep(id=f"s{n}", wat=f"Stap {n}: " + "een lange omschrijving van wat we doen " * 3,
                            middelen="Subsidie van de provincie en eigen uren " * 2) for n in range(1, 6)]
    rm.save_roadmap(trekker, rm.ImpactRoadmap(steps=steps), base=rm.load_roadmap(trekker).base)
    context, page, dialogs = new_page(browser)
    page.goto(voila_server.url("07_impact_roadmap.ipynb", f"sleutel={world['ttoken']}&taal={lang}"))
    page.locator(".pc-rm-overview").wait_for()
    wat = page.locator(".pc-rm-editor .pc-rm-wat-input textarea")
    wat.fill("Verkennen met de scholen en de werkgevers")
    wat.press("Tab")
    page.locator(".pc-state-unsaved").wait_for()
    loaded = rm.load_roadmap(trekker)  # meanwhile, another tab saves the same step
    other = loaded.roadmap.model_copy(update={"steps": [
        loaded.roadmap.steps[0].model_copy(update={"middelen": "Eigen uren van de scholen"}), *loaded.roadmap.steps[1:]
    ]})
    rm.save_roadmap(trekker, other, base=loaded.base)
    page.locator(".pc-conflict").wait_for(state="visible", timeout=30_000)
    page.locator(".pc-conflict-combine-explain").wait_for()
    sizes = page.evaluate(
        """() => {
            const c = document.querySelector('.pc-conflict').getBoundingClientRect();
            const cells = document.getElementById('rendered_cells') || document.body;
            const two = document.querySelector('.pc-conflict .pc-two').getBoundingClientRect();
            return {right: Math.max(c.right, two.right), width: window.innerWidth,
                    cellsRight: cells.getBoundingClientRect().right,
                    pageScroll: document.documentElement.scrollWidth - document.documentElement.clientWidth};
        }"""
    )
    assert sizes["right"] <= min(sizes["width"], sizes["cellsRight"]) + 1, sizes
    assert sizes["pageScroll"] <= 0, sizes
    explain = page.locator(".pc-conflict-combine-explain").inner_text()
    words = {"nl": ("uit jouw versie", "uit de andere versie"), "en": ("from your version", "from the other version")}
    assert all(w in explain for w in words[lang]), explain
    page.locator(".pc-conflict").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"text-layout-roadmap-conflict-{lang}.png"))
    assert dialogs == []
    context.close()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_upload_button_says_what_it_does(browser, voila_server, world, artifacts, lang):
    from purposecase.backup import backup_bytes

    context, page, dialogs = new_page(browser)
    page.goto(voila_server.url("08_delen.ipynb", f"sleutel={world['ttoken']}&taal={lang}"))
    button = page.locator(".pc-upload")
    button.wait_for()
    label = {"nl": ("Kies een bestand", "Kies een ander bestand"), "en": ("Choose a file", "Choose another file")}

    def shown() -> str:  # what the button draws after its icon (theme.css: its tooltip)
        content = button.evaluate("b => getComputedStyle(b, '::after').content")
        assert content in ("attr(title)", f'"{button.get_attribute("title")}"'), content
        return button.get_attribute("title")

    assert shown() == label[lang][0]
    assert button.evaluate("b => getComputedStyle(b).fontSize") == "0px"  # ipywidgets' "… (0)" is not drawn
    with page.expect_file_chooser() as info:
        button.click()
    data = backup_bytes(world["trekker"].backup(history=False), "json")
    info.value.set_files(files=[{"name": "pact.json", "mimeType": "application/json", "buffer": data}])
    page.locator(".pc-import-info .pc-msg").wait_for()
    page.wait_for_function(f"() => document.querySelector('.pc-upload').title === '{label[lang][1]}'")
    assert shown() == label[lang][1]
    page.locator(".pc-upload-area").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"text-layout-upload-{lang}.png"))
    assert dialogs == []
    context.close()


PAGES = [
    ("00_welkom.ipynb", "ttoken", ".pc-steps-view"),
    ("01_waardecreatie.ipynb", "ttoken", ".pc-sdg-panel"),
    ("02_purpose_case.ipynb", "", ".pc-canvas-view"),
    ("03_voorbeelden.ipynb", "", ".pc-tabs"),
    ("04_zelf_invullen.ipynb", "ptoken", ".pc-piece-buttons"),
    ("06_waardepropositie.ipynb", "ttoken", ".pc-vp-tabs"),
    ("08_delen.ipynb", "ttoken", ".pc-import-panel"),
]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_screenshots_of_the_changed_pages(browser, voila_server, world, artifacts, lang):
    """Every page this change touched, whole, in both languages; no traceback on any of them."""
    from purposecase import valueprop as vp
    from purposecase.model import Item, PartnerDraft
    from purposecase.pieces import PIECE_KEYS
    from purposecase.workspace import open_workspace

    partner = open_workspace(world["ptoken"], store=world["store"])
    pieces = {k: [] for k in PIECE_KEYS}
    pieces.update(intenties=[Item(text="Meer stages")], inbreng=[Item(text="Twee begeleiders")])
    partner.save_my_draft(PartnerDraft(pieces=pieces), base=0)  # the piece tabs then show two checks
    trekker = world["trekker"]
    loaded = vp.load_propositions(trekker)
    pid = loaded.propositions.propositions[0].id
    long_job = "Een diploma halen dat past bij wat werkgevers in de regio de komende jaren echt nodig hebben"
    vp.update_propositions(trekker, vp.add_item(pid, "taken", long_job), base=loaded.base)
    context, page, dialogs = new_page(browser)
    for notebook, who, ready in PAGES:
        query = "&".join(x for x in (f"sleutel={world[who]}" if who else "", f"taal={lang}") if x)
        page.goto(voila_server.url(notebook, query))
        page.locator(ready).first.wait_for()
        page.wait_for_timeout(500)
        assert page.locator(".jp-OutputArea-output pre").count() == 0, notebook  # no traceback
        full_screenshot(page, artifacts / f"text-layout-{notebook.split('.')[0]}-{lang}.png")
    assert dialogs == []
    context.close()
