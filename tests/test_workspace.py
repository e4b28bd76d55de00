"""Permissions and step-2 rules of a workspace session (SQLite; the store itself is tested in test_store.py)."""

import pytest

from purposecase.model import Item, PartnerDraft
from purposecase.pieces import PIECE_KEYS
from purposecase.store import ConflictError, InvalidInput, InvalidToken, RevokedToken, open_store
from purposecase.workspace import SHARED, Forbidden, create_workspace, open_workspace


def draft(**pieces) -> PartnerDraft:
    data = {k: [] for k in PIECE_KEYS}
    data.update({k: [Item(text=v) for v in vs] for k, vs in pieces.items()})
    return PartnerDraft(pieces=data)


@pytest.fixture()
def setup(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    trekker, ttoken = create_workspace("Techniekpact", inspiration="civ-water", store=store)
    ans, atoken = trekker.add_partner("Ans", "ROC Noord", "onderwijs")
    bas, btoken = trekker.add_partner("Bas", "Bouwbedrijf")
    return store, trekker, ttoken, (ans, atoken), (bas, btoken)


def test_links_open_the_right_role(setup):
    store, trekker, ttoken, (ans, atoken), _ = setup
    assert open_workspace(ttoken, store=store).role == "trekker"
    session = open_workspace(atoken, store=store)
    assert session.role == "partner" and session.me().name == "Ans"
    viewer = open_workspace(trekker.new_viewer_link(), store=store)
    assert viewer.role == "viewer" and viewer.me() is None
    assert trekker.meta() == {"inspiratie": "civ-water"}


def test_unknown_and_revoked_links(setup):
    store, trekker, _, (ans, atoken), _ = setup
    with pytest.raises(InvalidToken):
        open_workspace("nope" * 10, store=store)
    new = trekker.new_partner_link(ans.id)
    with pytest.raises(RevokedToken):
        open_workspace(atoken, store=store)
    assert open_workspace(new, store=store).me().id == ans.id


def test_partner_writes_only_own_draft(setup):
    store, trekker, _, (ans, atoken), (bas, btoken) = setup
    a = open_workspace(atoken, store=store)
    rev = a.save_my_draft(draft(impact=["Iedereen doet mee"]), base=0)
    assert rev.number == 1 and rev.author == ans.id
    b = open_workspace(btoken, store=store)
    with pytest.raises(Forbidden):
        b.draft_of(ans.id)  # private draft of another partner
    for forbidden in (lambda: trekker.save_my_draft(draft(), base=0), lambda: trekker.my_draft()):
        with pytest.raises(Forbidden):
            forbidden()
    with pytest.raises(Forbidden):
        a.add_partner("Eve", "X")
    with pytest.raises(Forbidden):
        a.new_viewer_link()


def test_trekker_sees_only_shared_drafts(setup):
    store, trekker, _, (ans, atoken), (bas, btoken) = setup
    a = open_workspace(atoken, store=store)
    a.save_my_draft(draft(intenties=["ik wil"], inbreng=["ik geef"]), base=0)
    statuses = {s.partner.name: s for s in trekker.draft_statuses()}
    assert statuses["Ans"].revisions == 1 and not statuses["Ans"].shared
    assert statuses["Ans"].filled is None  # content of a private draft stays hidden
    with pytest.raises(Forbidden):
        trekker.draft_of(ans.id)
    a.set_my_draft_shared(True)
    statuses = {s.partner.name: s for s in trekker.draft_statuses()}
    assert statuses["Ans"].shared and statuses["Ans"].filled == 2 and statuses["Ans"].complete
    assert statuses["Bas"].revisions == 0
    assert trekker.draft_of(ans.id).draft.items("intenties")[0].text == "ik wil"
    assert [p.name for p, _ in trekker.shared_drafts()] == ["Ans"]


def test_sharing_needs_own_intenties_and_inbreng(setup):
    store, _, _, (_, atoken), _ = setup
    a = open_workspace(atoken, store=store)
    a.save_my_draft(draft(impact=["x"]), base=0)
    with pytest.raises(InvalidInput) as info:
        a.set_my_draft_shared(True)
    assert info.value.code == "draft_incomplete"
    a.save_my_draft(draft(impact=["x"], intenties=["i"], inbreng=["j"]), base=1)
    assert a.set_my_draft_shared(True).state == SHARED


def test_viewer_writes_nothing(setup):
    store, trekker, _, (ans, _), _ = setup
    viewer = open_workspace(trekker.new_viewer_link(), store=store)
    for action in (
        lambda: viewer.add_partner("Eve", "X"),
        lambda: viewer.remove_partner(ans.id),
        lambda: viewer.new_partner_link(ans.id),
        lambda: viewer.save_my_draft(draft(), base=0),
        lambda: viewer.set_inspiration(None),
    ):
        with pytest.raises(Forbidden):
            action()


def test_two_tabs_conflict_and_restore(setup):
    store, _, _, (_, atoken), _ = setup
    tab1, tab2 = open_workspace(atoken, store=store), open_workspace(atoken, store=store)
    tab1.save_my_draft(draft(impact=["een"]), base=0)
    with pytest.raises(ConflictError) as info:
        tab2.save_my_draft(draft(impact=["twee"]), base=0)
    assert info.value.theirs.content["pieces"]["impact"][0]["text"] == "een"
    tab1.save_my_draft(draft(impact=["drie"]), base=1)
    restored = tab1.restore_my_draft(1, base=2)
    assert restored.number == 3 and restored.note and "1" in restored.note
    assert tab1.my_draft().draft.items("impact")[0].text == "een"
    assert [i.number for i in tab1.history(tab1.my_draft().document)] == [3, 2, 1]


def test_removed_partner_keeps_draft_and_loses_access(setup):
    store, trekker, _, (ans, atoken), _ = setup
    a = open_workspace(atoken, store=store)
    a.save_my_draft(draft(intenties=["i"], inbreng=["j"]), base=0)
    a.set_my_draft_shared(True)
    trekker.remove_partner(ans.id)
    with pytest.raises(RevokedToken):
        open_workspace(atoken, store=store)
    assert [p.name for p in trekker.partners()] == ["Bas"]
    assert trekker.author_label(ans.id) == "Ans"


def test_frames_for_notebook_users(setup):
    store, trekker, _, (_, atoken), _ = setup
    a = open_workspace(atoken, store=store)
    a.save_my_draft(draft(intenties=["ik wil"], inbreng=["ik geef", "tijd"]), base=0)
    assert len(a.frames()["concepten"]) == 3
    assert len(trekker.frames()["concepten"]) == 0  # private
    a.set_my_draft_shared(True)
    frames = trekker.frames()
    assert list(frames["concepten"].columns) == ["partner", "piece", "item", "kind"]
    assert set(frames["concepten"].partner) == {"Ans"}
    assert list(frames["partners"].name) == ["Ans", "Bas"]


def test_workspace_isolation(setup, tmp_path):
    store, trekker, _, _, _ = setup
    other, otoken = create_workspace("Ander", store=store)
    other.add_partner("Zoë", "Elders")
    assert [p.name for p in trekker.partners()] == ["Ans", "Bas"]
    doc = other.store.document(other.workspace_id, "draft", other.partners()[0].id)
    with pytest.raises(Forbidden):
        trekker.history(doc)


def test_package_level_open_workspace(setup):
    import purposecase

    store, _, ttoken, _, _ = setup
    assert purposecase.open_workspace(ttoken, store=store).role == "trekker"
