"""Step 3 as a meeting: votes, the timer and proposals (purposecase.meeting), through the workspace's documents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from purposecase import meeting
from purposecase.model import MAX_ITEM_LENGTH, Item, PartnerDraft, SharedCase, SharedItem
from purposecase.pieces import PIECE_KEYS
from purposecase.store import open_store
from purposecase.workspace import (
    MEETING,
    PROPOSALS,
    VOTES,
    Forbidden,
    InvalidInput,
    RevokedToken,
    create_workspace,
    open_workspace,
)


@pytest.fixture()
def ws(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    trekker, _ = create_workspace("Zorgpact", store=store)
    ans, atoken = trekker.add_partner("Ans", "ROC Twente")
    bas, btoken = trekker.add_partner("Bas", "Ziekenhuis MST")
    trekker.update_shared(
        lambda s: SharedCase(pieces={**s.pieces, "waarde": [
            SharedItem(id="w1", text="Stageplekken"), SharedItem(id="w2", text="Minder uitval"),
        ]})
    )
    viewer = open_workspace(trekker.new_viewer_link(), store=store)
    return store, trekker, open_workspace(atoken, store=store), open_workspace(btoken, store=store), viewer


def round_id(session) -> str:
    return session.document(MEETING).load().record.ronde.id


def test_votes_are_hidden_until_the_trekker_reveals_them(ws):
    _, trekker, ans, bas, viewer = ws
    trekker.document(MEETING).update(meeting.open_round(3))
    rid = round_id(trekker)
    ans.document(VOTES).update(meeting.vote("w1", 2, rid))
    bas.document(VOTES).update(meeting.vote("w2", 1, rid))
    assert ans.document(VOTES).load().record.stemmen == {"w1": 2}  # your own votes you always see
    for session in (bas, viewer):
        with pytest.raises(Forbidden):
            session.document(VOTES, ans.access.partner_id).load()
    votes = {pid: trekker.document(VOTES, pid).load().record for pid in (ans.access.partner_id, bas.access.partner_id)}
    assert meeting.tally(trekker.document(MEETING).load().record, votes) == {"w1": 2, "w2": 1}
    trekker.document(MEETING).update(meeting.close_round())
    assert bas.document(VOTES, ans.access.partner_id).load().record.stemmen == {"w1": 2}
    with pytest.raises(InvalidInput) as closed:
        ans.document(VOTES).update(meeting.vote("w2", 1, rid))
    assert closed.value.code == "vote_closed"


def test_refused_votes_change_nothing(ws):
    store, trekker, ans, _, viewer = ws
    trekker.document(MEETING).update(meeting.open_round(2))
    rid = round_id(trekker)
    handle = ans.document(VOTES)
    handle.update(meeting.vote("w1", 2, rid))
    before = handle.load()
    with pytest.raises(InvalidInput) as too_many:
        handle.update(meeting.vote("w2", 1, rid))
    assert too_many.value.code == "too_many_votes"
    with pytest.raises(InvalidInput) as gone:
        handle.update(lambda v: meeting.Votes(ronde=rid, stemmen={"verdwenen": 1}))  # an item that is gone
    assert gone.value.code == "unknown_item"
    with pytest.raises(Forbidden):
        viewer.document(VOTES, ans.access.partner_id).update(meeting.vote("w1", 1, rid))
    assert handle.load() == before
    trekker.remove_partner(ans.access.partner_id)
    ans._checked_at = float("-inf")
    with pytest.raises(RevokedToken):
        handle.update(meeting.vote("w1", -1, rid))
    assert trekker.document(VOTES, ans.access.partner_id).load().record == before.record


def test_a_removed_item_loses_its_votes_at_the_next_vote(ws):
    _, trekker, ans, _, _ = ws
    trekker.document(MEETING).update(meeting.open_round(3))
    rid = round_id(trekker)
    ans.document(VOTES).update(meeting.vote("w2", 1, rid))
    from purposecase import puzzle

    trekker.update_shared(puzzle.remove("waarde", "w2"))
    with pytest.raises(InvalidInput) as info:  # a vote while an old vote names a removed item
        ans.document(VOTES).update(meeting.vote("w1", 1, rid))
    assert info.value.code == "unknown_item"
    ans.document(VOTES).update(meeting.vote("w2", -1, rid))  # taking it back is allowed
    ans.document(VOTES).update(meeting.vote("w1", 1, rid))
    assert ans.document(VOTES).load().record.stemmen == {"w1": 1}


def test_proposals_and_the_trekkers_decision(ws):
    _, trekker, ans, bas, viewer = ws
    ans.document(PROPOSALS).update(meeting.propose("waarde", "Gastlessen door verpleegkundigen"))
    (proposal,) = ans.document(PROPOSALS).load().record.items
    # every partner sees it (side by side); only Ans writes it
    assert bas.document(PROPOSALS, ans.access.partner_id).load().record.items == [proposal]
    for session in (bas, viewer, trekker):
        with pytest.raises(Forbidden):
            session.document(PROPOSALS, ans.access.partner_id).update(meeting.propose("waarde", "x"))
    with pytest.raises(InvalidInput) as long:
        meeting.propose("waarde", "x" * (MAX_ITEM_LENGTH + 1))
    assert long.value.code == "item_too_long"
    with pytest.raises(InvalidInput):
        meeting.propose("geen_stuk", "x")
    decision = meeting.Decision(status="aangenomen", item_id="w3", tekst="Gastlessen (verpleegkundigen)")
    trekker.document(MEETING).update(meeting.decide(ans.access.partner_id, proposal.id, decision))
    seen = ans.document(MEETING).load().record
    assert meeting.outcome(seen, ans.access.partner_id, proposal.id) == decision
    with pytest.raises(Forbidden):
        ans.document(MEETING).update(meeting.stop_timer())


def test_the_timer(ws):
    _, trekker, ans, _, _ = ws
    now = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
    trekker.document(MEETING).update(meeting.start_timer(5, now=now))
    timer = ans.document(MEETING).load().record.timer
    assert timer.minuten == 5 and timer.seconds_left(now + timedelta(minutes=1)) == 240
    assert timer.seconds_left(now + timedelta(minutes=6)) == 0
    with pytest.raises(InvalidInput):
        meeting.start_timer(0)
    with pytest.raises(InvalidInput):
        meeting.start_timer(meeting.MAX_TIMER_MINUTES + 1)
    trekker.document(MEETING).update(meeting.stop_timer())
    assert ans.document(MEETING).load().record.timer is None


def draft(text: str) -> PartnerDraft:
    pieces = {k: [] for k in PIECE_KEYS}
    pieces.update(intenties=[Item(text="Leren")], inbreng=[Item(text=text)])
    return PartnerDraft(pieces=pieces)


def test_every_partner_sees_every_shared_draft_and_never_a_private_one(ws):
    _, trekker, ans, bas, viewer = ws
    ans.save_my_draft(draft("Docenten"), base=0)
    ans.set_my_draft_shared(True)
    bas.save_my_draft(draft("geheim"), base=0)  # private
    for session in (ans, bas, trekker, viewer):
        assert [(p.name, d.items("inbreng")[0].text) for p, d in session.shared_drafts()] == [("Ans", "Docenten")]
    with pytest.raises(Forbidden):
        ans.draft_of(bas.access.partner_id)
    bas.set_my_draft_shared(True)
    assert [p.name for p, _ in ans.shared_drafts()] == ["Ans", "Bas"]
