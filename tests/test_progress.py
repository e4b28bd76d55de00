"""Progress in the five steps: the pure rules, and the facts read from a workspace."""

import pytest

from purposecase.model import Item, PartnerDraft, SharedCase, SharedItem
from purposecase.pieces import PIECE_KEYS
from purposecase.progress import ProgressFacts, collect_facts, compute_progress, workspace_progress
from purposecase.store import open_store
from purposecase.workspace import create_workspace, open_workspace


def states(facts):
    return [p.state for p in compute_progress(facts)]


def test_new_workspace_without_partners():
    assert states(ProgressFacts()) == ["bezig", "niet_begonnen", "niet_begonnen", "niet_begonnen", "niet_begonnen"]


def test_partners_and_drafts():
    facts = ProgressFacts(partners=3, drafts_started=2, drafts_shared=1, drafts_seen=3)
    steps = compute_progress(facts)
    assert steps[0].state == "klaar" and steps[0].done == 3
    assert (steps[1].state, steps[1].done, steps[1].total) == ("bezig", 1, 3)
    all_shared = compute_progress(ProgressFacts(partners=2, drafts_started=2, drafts_shared=2, drafts_seen=2))
    assert all_shared[1].state == "klaar"


def test_shared_case_agreed_pieces():
    assert compute_progress(ProgressFacts(shared_case_started=True, pieces_agreed=0))[2].state == "bezig"
    assert compute_progress(ProgressFacts(shared_case_started=True, pieces_agreed=11))[2].state == "klaar"
    p = compute_progress(ProgressFacts(shared_case_started=True, pieces_agreed=4))[2]
    assert (p.done, p.total) == (4, 11)


def test_steps_four_and_five_start_with_a_document():
    steps = compute_progress(ProgressFacts(value_propositions=2, roadmap=1))
    assert steps[3].state == "bezig" and steps[4].state == "bezig"


@pytest.fixture()
def setup(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    trekker, token = create_workspace("Zorgpact", store=store)
    return store, trekker


def test_facts_from_a_workspace(setup):
    store, trekker = setup
    assert states(collect_facts(trekker))[0] == "bezig"
    ans, atoken = trekker.add_partner("Ans", "ROC")
    trekker.add_partner("Bas", "Zorg BV")
    a = open_workspace(atoken, store=store)
    pieces = {k: [] for k in PIECE_KEYS}
    pieces.update(intenties=[Item(text="Leren")], inbreng=[Item(text="Docenten")])
    a.save_my_draft(PartnerDraft(pieces=pieces), base=0)
    a.set_my_draft_shared(True)
    facts = collect_facts(trekker)
    assert (facts.partners, facts.drafts_started, facts.drafts_shared, facts.drafts_seen) == (2, 1, 1, 2)
    assert facts.pieces_agreed is None and not facts.shared_case_started
    # a shared case with two agreed pieces (document kind shared_case)
    doc = store.document(trekker.workspace_id, "shared_case")
    shared = SharedCase(
        pieces={**{k: [] for k in PIECE_KEYS}, "impact": [SharedItem(id="i1", text="Iedereen doet mee")]},
        agreed={"impact": True, "partners": True},
    )
    store.save(doc.id, shared.to_content(), base=0, author="trekker")
    steps = workspace_progress(trekker)
    assert (steps[2].state, steps[2].done) == ("bezig", 2)
    # step 4: a value proposition saved the way chapter 06 saves it (kind value_propositions)
    from purposecase import valueprop

    valueprop.update_propositions(trekker, valueprop.add_proposition(valueprop.new_proposition("Studenten")), base=0)
    assert [p.state for p in workspace_progress(trekker)][3:] == ["bezig", "niet_begonnen"]


def test_a_partner_sees_only_their_own_draft_count(setup):
    store, trekker = setup
    _, atoken = trekker.add_partner("Ans", "ROC")
    trekker.add_partner("Bas", "Zorg BV")
    facts = collect_facts(open_workspace(atoken, store=store))
    assert facts.partners == 2 and facts.drafts_seen == 1


def test_broken_shared_case_counts_as_started(setup):
    store, trekker = setup
    doc = store.document(trekker.workspace_id, "shared_case")
    store.save(doc.id, {"schema": 99}, base=0, author="trekker")
    facts = collect_facts(trekker)
    assert facts.shared_case_started and facts.pieces_agreed == 0
