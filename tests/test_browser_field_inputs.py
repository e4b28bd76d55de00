"""Bad field input through the real page (issue 10, item 4): what a browser really sends, and what the page says.

A partner types (or a script puts) into a draft item: a 100 000-character line, emoji with
combining and right-to-left characters, a NUL byte, and a lone surrogate; the trekker names a
new workspace with a tab in it. Each is stored literally or refused with its Dutch message; what
was saved before stays. A lone surrogate never reaches the kernel from a browser (Jupyter's
server drops the widget message); a crafted message that carries one is refused with its own
message (``tests/test_field_inputs.py``, which covers every field without a browser).
"""

from __future__ import annotations

import pytest
from conftest import new_page  # noqa: E402

from purposecase.messages import Translator
from purposecase.model import Item, PartnerDraft
from purposecase.pieces import PIECE_KEYS
from purposecase.store import open_store
from purposecase.workspace import create_workspace, open_workspace

pytestmark = pytest.mark.browser
T = Translator("nl")
KEEP = "Wat er al stond"


def set_value(page, locator, value: str) -> None:
    """Put ``value`` into a text field the way an input event does (JS strings may hold lone surrogates)."""
    locator.evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", value
    )


def test_a_partner_types_bad_input_into_the_draft(browser, voila_server):
    store = open_store(f"sqlite:///{voila_server.home / 'werkboek.sqlite3'}")
    trekker, _ = create_workspace("Invoerproef", store=store)
    _, token = trekker.add_partner("Ans", "ROC")
    ans = open_workspace(token, store=store)
    ans.save_my_draft(PartnerDraft(pieces={k: [Item(text=KEEP)] if k == "impact" else [] for k in PIECE_KEYS}),
                      base=0)

    def stored() -> list[str]:
        return [i.text for i in open_workspace(token, store=store).my_draft().draft.items("impact")]

    context, page, dialogs = new_page(browser)
    page.goto(voila_server.url("04_zelf_invullen.ipynb", f"sleutel={token}"))
    page.locator(".pc-draft-editor").wait_for()
    page.locator(".pc-add-item").click()
    box = page.locator(".pc-item-text textarea").nth(1)
    box.wait_for()

    # 100 000 characters on one line: refused with the length, nothing saved or cut off
    long_line = "Een heel lange regel. " * 4546
    set_value(page, box, long_line)
    page.locator(".pc-save").click()
    message = T("opslaan.te_lang", stuk="Impact", n=2, lengte=len(long_line.strip()), max=2000)
    page.locator(".pc-msg-error", has_text=message[:60]).wait_for()
    assert stored() == [KEEP]

    # emoji, combining accents, right-to-left marks and an override: stored literally
    mixed = "👩🏽\u200d🔧 Ze\u0301e\u0300n co\u0308rdinatie \u200fشراكة\u200f Factuur\u202egnp.exe"
    box.fill(mixed)
    page.locator(".pc-save").click()
    page.locator(".pc-save-state", has_text="Alles opgeslagen").wait_for()
    assert stored() == [KEEP, mixed]

    # a NUL byte typed or pasted: the browser sends it, the store keeps it
    set_value(page, box, "met een\x00NUL")
    page.locator(".pc-save").click()
    page.locator(".pc-save-state", has_text="Alles opgeslagen").wait_for()
    assert stored() == [KEEP, "met een\x00NUL"]

    # a lone surrogate: the browser sends it (escaped) in the widget message, but Jupyter's server cannot
    # pack it for the kernel and drops that message; nothing reaches the store, the page keeps working
    set_value(page, box, "kapot \ud800 teken")
    page.locator(".pc-save").click()
    page.wait_for_timeout(1500)
    assert stored() == [KEEP, "met een\x00NUL"]
    box.fill("weer heel")
    page.locator(".pc-save").click()
    page.locator(".pc-save-state", has_text="revisie 4").wait_for()
    assert stored() == [KEEP, "weer heel"]
    assert not dialogs
    assert "Traceback" not in page.locator("body").inner_text()
    page.close(run_before_unload=True)
    context.close()


def test_a_workspace_name_with_a_tab_gets_a_clear_message(browser, voila_server):
    context, page, _ = new_page(browser)
    page.goto(voila_server.url("04_zelf_invullen.ipynb"))
    name = page.locator(".pc-workspace-name input")
    name.wait_for()
    set_value(page, name, "Pact\tNoord")
    page.locator(".pc-start-button").click()
    page.locator(".pc-msg-warning", has_text=T("fout.naam_ongeldig")[:40]).wait_for()
    assert page.locator(".pc-fresh-trekker-link input").count() == 0
    name.fill("Pact Noord")
    page.locator(".pc-start-button").click()
    page.locator(".pc-fresh-trekker-link input").wait_for()
    page.close(run_before_unload=True)
    context.close()
