"""Access under crafted requests (issue 10): forged widget messages over the real kernel websocket, revoked links.

The pages leave out what a role may not do; these tests go around the page. From inside a
chapter page opened with a viewer's, a partner's or another workspace's trekker link, a
second websocket to the page's own kernel sets values of disabled and hidden widgets and
clicks disabled and hidden buttons (``tests/forged_channel.py``). The store must not change
where the link has no right, and the page must say "Dat kan met jouw link niet" instead.
Each test first proves that the same forged message DOES land where the link has the right.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid

import pytest
from conftest import eventually, new_page
from forged_channel import ForgedChannel, forge_everything
from sqlalchemy import select

from purposecase import store as store_mod
from purposecase.model import Item, PartnerDraft
from purposecase.pieces import PIECE_KEYS
from purposecase.store import InvalidToken, RevokedToken, open_store
from purposecase.workspace import Forbidden, create_workspace, open_workspace

NOT_ALLOWED = "Dat kan met jouw link niet"
REVOKED = "Deze link is ingetrokken"


# ------------------------------------------------------------------ helpers
def snapshot(store, workspace_id: str, *, except_partner: str | None = None) -> dict:
    """Everything stored for a workspace: partners, links, documents, every revision.

    Documents of ``except_partner`` (their own draft and reactions, which they may write) are left out.
    """
    p, k, d, r = store_mod.partners, store_mod.tokens, store_mod.documents, store_mod.revisions
    with store.engine.connect() as conn:
        partners = conn.execute(
            select(p.c.id, p.c.name, p.c.organisation, p.c.role, p.c.removed_at).where(p.c.workspace_id == workspace_id)
        ).all()
        tokens = conn.execute(
            select(k.c.token_hash, k.c.role, k.c.partner_id, k.c.revoked_at).where(k.c.workspace_id == workspace_id)
        ).all()
        docs = conn.execute(
            select(d.c.id, d.c.kind, d.c.partner_id, d.c.state, d.c.head).where(d.c.workspace_id == workspace_id)
        ).all()
        revs = conn.execute(
            select(r.c.document_id, r.c.number, r.c.author, r.c.content, r.c.note)
            .join(d, d.c.id == r.c.document_id)
            .where(d.c.workspace_id == workspace_id)
        ).all()
    own = {row.id for row in docs if except_partner and row.partner_id == except_partner}
    return {
        "partners": sorted(tuple(x) for x in partners),
        "tokens": sorted(tuple(x) for x in tokens),
        "documents": sorted(tuple(x) for x in docs if x.id not in own),
        "revisions": sorted(tuple(x) for x in revs if x.document_id not in own),
    }


def draft(name: str, impact: str) -> PartnerDraft:
    return PartnerDraft(
        pieces={
            **{k: [] for k in PIECE_KEYS},
            "impact": [Item(text=impact)],
            "intenties": [Item(text=f"{name} wil groeien")],
            "inbreng": [Item(text=f"{name} brengt mensen")],
        }
    )


def seed(store, name: str):
    """A workspace with partners Ans and Bas (both drafts shared) and one item in the shared case."""
    from purposecase import puzzle

    trekker, ttoken = create_workspace(name, store=store)
    people = {}
    for who, impact in (("Ans", "Iedereen doet mee"), ("Bas", "Een vitale regio")):
        partner, token = trekker.add_partner(who, f"{who} BV")
        session = open_workspace(token, store=store)
        session.save_my_draft(draft(who, impact), base=0)
        session.set_my_draft_shared(True)
        people[who] = (partner, token)
    trekker.update_shared(puzzle.adopt("impact", "Samen sterker", [], []))
    viewer = trekker.new_viewer_link()
    return trekker, ttoken, people, viewer


def open_chapter(browser, server, notebook: str, token: str):
    context, page, dialogs = new_page(browser)
    page.goto(server.url(notebook, f"sleutel={token}"))
    page.locator(".pc-chapter").first.wait_for()
    page.locator(".pc-navbar").first.wait_for()
    return context, page, dialogs


def close(page, context) -> None:
    page.close(run_before_unload=True)  # like a person: the kernel goes at once
    context.close()


@pytest.fixture()
def store(voila_server):
    return open_store(f"sqlite:///{voila_server.home / 'werkboek.sqlite3'}")


# ------------------------------------------------------------- sessions (no browser)
def test_an_open_session_stops_at_once_when_its_link_is_revoked(db_url):
    store = open_store(db_url)
    trekker, ttoken, people, viewer_token = seed(store, "Intrekken")
    (ans, atoken), (bas, btoken) = people["Ans"], people["Bas"]
    ans_page = open_workspace(atoken, store=store)  # pages opened before the links change
    bas_page = open_workspace(btoken, store=store)
    viewer_page = open_workspace(viewer_token, store=store)
    old_trekker_page = open_workspace(ttoken, store=store)
    ans_page.save_my_draft(draft("Ans", "nog van mij"), base=1)

    trekker.new_partner_link(ans.id)  # Ans's old link stops working, also in the open page
    before = snapshot(store, trekker.workspace_id)
    with pytest.raises(RevokedToken):
        ans_page.save_my_draft(draft("Ans", "na het intrekken"), base=2)
    with pytest.raises(RevokedToken):
        ans_page.my_draft()
    with pytest.raises(RevokedToken):
        ans_page.react("x", "eens")
    with pytest.raises(RevokedToken):
        ans_page.check_link()  # reads follow within READ_CHECK_SECONDS

    trekker.remove_partner(bas.id)  # a removed partner's open page stops too
    with pytest.raises(RevokedToken):
        bas_page.set_my_draft_shared(False)

    trekker.new_trekker_link()  # the page that asked continues with its new link …
    trekker.add_partner("Cem", "Gemeente")
    with pytest.raises(RevokedToken):  # … an older trekker page does not
        old_trekker_page.add_partner("Dirk", "Dirk BV")
    with pytest.raises(Forbidden):  # a viewer is refused for its role before anything else
        viewer_page.update_shared(lambda s: s)
    after = snapshot(store, trekker.workspace_id)
    assert [p for p in after["partners"] if p[1] == "Dirk"] == []
    assert after["revisions"] == before["revisions"]

    # a hand-made access with the hash of another workspace's token is refused too
    other, _ = create_workspace("Ander", store=store)
    forged = store_mod.Access(other.workspace_id, "trekker", None, "Ander", ans_page.access.token_hash)
    with pytest.raises(InvalidToken):
        store.check_access(forged)


# ------------------------------------------------------------- through the kernel websocket
@pytest.mark.browser
def test_forged_messages_in_step_3_write_only_what_the_link_allows(browser, voila_server, store, artifacts):
    trekker, ttoken, people, viewer = seed(store, "Vervalst puzzelen")
    ws = trekker.workspace_id
    ans, atoken = people["Ans"]

    # proof that the harness reaches the kernel: the trekker's page takes the same forged messages
    context, page, _ = open_chapter(browser, voila_server, "05_samen_puzzelen.ipynb", ttoken)
    channel = ForgedChannel(page)
    [text] = channel.find("pc-new-item", "TextModel")
    [button] = channel.find("pc-new-item-button", "ButtonModel")
    channel.update(text, {"value": "Vervalst maar mag: trekker"})
    channel.click(button)  # handled a moment later (after_typing: the last keystrokes first)
    eventually(lambda: "Vervalst maar mag: trekker" in [i.text for i in trekker.shared_case().shared.items("impact")])
    page.locator(".pc-shared-text textarea").nth(1).wait_for()  # the real page shows it too
    close(page, context)

    for token, who in ((atoken, ans.id), (viewer, None)):
        context, page, dialogs = open_chapter(browser, voila_server, "05_samen_puzzelen.ipynb", token)
        before = snapshot(store, ws, except_partner=who)  # after the page opened (reading may add empty documents)
        shared_before = trekker.shared_case().base
        assert page.locator(".pc-new-item").count() == 0 and page.locator(".pc-adopt").count() == 0
        channel = ForgedChannel(page)
        states = channel.states()
        hidden = {c for s in states.values() for c in s["state"].get("_dom_classes") or []}
        assert {"pc-new-item", "pc-new-item-button", "pc-merge", "pc-agreed"} <= hidden  # built, not shown
        assert "pc-adopt" not in hidden and "pc-shared-text" not in hidden  # never built for this link
        # a hidden text and button of the trekker
        [text] = channel.find("pc-new-item", "TextModel")
        [button] = channel.find("pc-new-item-button", "ButtonModel")
        channel.update(text, {"value": "Vervalst: nieuw gedeeld item"})
        channel.click(button)
        page.locator(".pc-msg", has_text=NOT_ALLOWED).wait_for()
        page.screenshot(path=str(artifacts / f"vervalst-puzzelen-{'partner' if who else 'kijker'}.png"))
        # a disabled checkbox ("we agree on this piece") and a disabled button (merge)
        [agreed] = channel.find("pc-agreed", "CheckboxModel")
        assert states[agreed]["state"]["disabled"] is True
        channel.update(agreed, {"value": True, "disabled": False})
        [merge] = channel.find("pc-merge", "ButtonModel")
        channel.click(merge)
        if who:  # what a partner may do lands: their own reaction, forged the same way
            react = channel.find("pc-react-save", "ButtonModel")[0]  # the first shared item's row
            comment = channel.find("pc-react-comment", "TextModel")[0]
            channel.update(channel.find("pc-react", "ToggleButtonsModel")[0], {"index": 1})  # "eens"
            channel.update(comment, {"value": "Vervalst maar mag: mijn reactie"})
            channel.click(react)
            mine = {"soort": "eens", "opmerking": "Vervalst maar mag: mijn reactie"}
            eventually(lambda: list(trekker.reactions().get(who, {}).values()) == [mine])
        # and then everything else on the page, twice over
        sent = forge_everything(channel, f"Vervalst door {'Ans' if who else 'kijker'}")
        time.sleep(4)  # autosave timers
        assert sent > 8
        assert trekker.shared_case().base == shared_before
        assert snapshot(store, ws, except_partner=who) == before
        assert page.locator(".jp-OutputArea-output pre").count() == 0  # no traceback on the page
        assert not dialogs
        close(page, context)
    assert open_workspace(people["Bas"][1], store=store).my_draft().draft == draft("Bas", "Een vitale regio")


@pytest.mark.browser
def test_forged_messages_in_step_1_2_write_only_what_the_link_allows(browser, voila_server, store):
    trekker, ttoken, people, viewer = seed(store, "Vervalst invullen")
    ws = trekker.workspace_id
    (ans, atoken), (_, btoken) = people["Ans"], people["Bas"]
    trekker_only = {"pc-add-partner", "pc-partner-name", "pc-relink", "pc-remove-partner", "pc-viewer-link",
                    "pc-trekker-link", "pc-manage-partner", "pc-workspace-name", "pc-start-button"}

    # partner Ans: her own draft takes a forged value (proof), nothing else does
    context, page, dialogs = open_chapter(browser, voila_server, "04_zelf_invullen.ipynb", atoken)
    page.locator(".pc-draft-editor").wait_for()
    before = snapshot(store, ws, except_partner=ans.id)
    channel = ForgedChannel(page)
    classes = {c for s in channel.states().values() for c in s["state"].get("_dom_classes") or []}
    assert not classes & trekker_only, "a partner's kernel holds none of the trekker's controls"
    [item] = channel.find("pc-item-text", "TextareaModel")
    channel.update(item, {"value": "Vervalst maar mag: mijn eigen tekst"})
    [save] = channel.find("pc-save", "ButtonModel")
    channel.click(save)
    mine = open_workspace(atoken, store=store).my_draft()
    assert [i.text for i in mine.draft.items("impact")] == ["Vervalst maar mag: mijn eigen tekst"]
    forge_everything(channel, "Vervalst door Ans")
    time.sleep(4)
    assert snapshot(store, ws, except_partner=ans.id) == before  # Bas's draft, the shared case, links, partners
    assert open_workspace(btoken, store=store).my_draft().draft == draft("Bas", "Een vitale regio")
    assert page.locator(".jp-OutputArea-output pre").count() == 0 and not dialogs
    close(page, context)

    # the viewer: the overview has no controls that write; forging every one of them changes nothing
    context, page, dialogs = open_chapter(browser, voila_server, "04_zelf_invullen.ipynb", viewer)
    page.locator(".pc-overview").wait_for()
    before = snapshot(store, ws)
    channel = ForgedChannel(page)
    classes = {c for s in channel.states().values() for c in s["state"].get("_dom_classes") or []}
    assert not classes & trekker_only
    assert forge_everything(channel, "Vervalst door kijker") >= 2  # refresh, the shared-draft choice …
    time.sleep(4)
    assert snapshot(store, ws) == before
    assert not dialogs
    close(page, context)


@pytest.mark.browser
@pytest.mark.parametrize("role", ["kijker", "partner"])
@pytest.mark.parametrize("notebook", ["01_waardecreatie.ipynb", "06_waardepropositie.ipynb", "07_impact_roadmap.ipynb"])
def test_forged_messages_in_the_later_chapters_write_nothing_of_the_trekker(
    browser, voila_server, store, notebook, role
):
    """SDGs, value propositions and the roadmap are the trekker's; a partner writes only their own reactions."""
    from purposecase import puzzle
    from purposecase import roadmap as rm
    from purposecase import valueprop as vp

    trekker, _, people, viewer = seed(store, f"Later {notebook[:2]} {role}")
    ans, atoken = people["Ans"]
    # something of every later step, so the pages have rows to forge on
    trekker.update_shared(puzzle.adopt("doelgroepen", "Jongeren zonder startkwalificatie", [], []))
    trekker.update_shared(puzzle.adopt("gezamenlijke_ambitie", "200 technici extra in 2030", [], []))
    trekker.set_sdgs([4, 8], base=trekker.meta_revision()[1])
    vp.update_propositions(trekker, lambda doc: doc, base=0)
    step = rm.RoadmapStep(id=rm.new_step_id(), wat="Pilot met tien leerlingen", eigenaren=[ans.id])
    rm.save_roadmap(trekker, rm.ImpactRoadmap(steps=[step]), base=0)
    own = ans.id if role == "partner" else None
    context, page, dialogs = open_chapter(browser, voila_server, notebook, atoken if own else viewer)
    time.sleep(2)  # let the chapter finish reading
    before = snapshot(store, trekker.workspace_id, except_partner=own)
    channel = ForgedChannel(page)
    sent = forge_everything(channel, f"Vervalst door {role}")
    time.sleep(4)
    assert sent > 5
    print(f"{notebook} {role}: {sent} forged messages; refused on the page:",
          page.locator(".pc-msg", has_text=NOT_ALLOWED).count())
    assert snapshot(store, trekker.workspace_id, except_partner=own) == before
    assert page.locator(".jp-OutputArea-output pre").count() == 0 and not dialogs
    close(page, context)


@pytest.mark.browser
def test_a_link_of_workspace_a_reaches_nothing_of_workspace_b(browser, voila_server, store):
    a_trekker, a_token, _, _ = seed(store, "Werkruimte A")
    b_trekker, _, b_people, _ = seed(store, "Werkruimte B")
    b_before = snapshot(store, b_trekker.workspace_id)
    a_before = snapshot(store, a_trekker.workspace_id)
    # A's trekker, the strongest link of A, forges everything on the pages that manage partners and the case
    for notebook in ("04_zelf_invullen.ipynb", "05_samen_puzzelen.ipynb"):
        context, page, dialogs = open_chapter(browser, voila_server, notebook, a_token)
        channel = ForgedChannel(page)
        text = json.dumps(channel.states())
        assert "Werkruimte B" not in text
        assert not [p for p, _ in b_people.values() if p.id in text]
        forge_everything(channel, f"Vervalst in A ({b_trekker.workspace_id}, {b_people['Ans'][0].id})")
        # the page's code cannot be swapped: Voilà drops execute requests from the page
        marker = voila_server.home / f"uitgevoerd-{uuid.uuid4().hex}"
        assert channel.execute(f"open({str(marker)!r}, 'w').write('x')") == "no answer"
        time.sleep(4)
        assert not marker.exists()
        # the kernel of anyone else's page is out of reach: no list of kernels or sessions, no guessing
        for path in ("/api/kernels", "/api/sessions", "/voila/api/kernels", "/api/contents"):
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(voila_server.base + path, timeout=10)  # noqa: S310
            assert err.value.code in (403, 404, 405), path
        guessed = page.evaluate(
            """(id) => new Promise((ok) => {
                const ws = new WebSocket("ws://" + location.host + "/api/kernels/" + id + "/channels");
                ws.onopen = () => { ws.close(); ok("open"); };
                ws.onerror = () => ok("refused");
            })""",
            str(uuid.uuid4()),
        )
        assert guessed == "refused"
        assert not dialogs
        close(page, context)
    assert snapshot(store, b_trekker.workspace_id) == b_before
    assert snapshot(store, a_trekker.workspace_id) != a_before  # the forging did write where it may: in A


@pytest.mark.browser
def test_a_page_open_when_its_link_is_revoked_stops_writing(browser, voila_server, store, artifacts):
    trekker, _, people, _ = seed(store, "Ingetrokken terwijl open")
    ans, atoken = people["Ans"]
    context, page, dialogs = open_chapter(browser, voila_server, "04_zelf_invullen.ipynb", atoken)
    box = page.locator(".pc-item-text textarea").first
    box.fill("Nog met een geldige link")
    page.locator(".pc-save-state", has_text="revisie 2").wait_for(timeout=30_000)
    trekker.new_partner_link(ans.id)  # e.g. the link leaked: the trekker gives Ans a new one
    before = snapshot(store, trekker.workspace_id)
    box.fill("Na het intrekken")
    page.locator(".pc-msg", has_text=REVOKED).wait_for(timeout=30_000)
    assert box.input_value() == "Na het intrekken"  # the text stays on screen
    page.locator(".pc-save").click()
    page.locator(".pc-msg", has_text=REVOKED).first.wait_for()  # the page's line (and the editor's after a save)
    channel = ForgedChannel(page)  # and forged messages do not help either
    [save] = channel.find("pc-save", "ButtonModel")
    channel.click(save)
    page.screenshot(path=str(artifacts / "ingetrokken-terwijl-open.png"))
    assert snapshot(store, trekker.workspace_id) == before
    assert not dialogs
    close(page, context)
