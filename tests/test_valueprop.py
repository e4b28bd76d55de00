"""Step 4 value propositions: records, pure operations, fit, reconciliation, proposal, store round trip."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

import purposecase
from purposecase import puzzle
from purposecase import valueprop as vp
from purposecase.model import CaseFileError, SharedCase
from purposecase.valueprop import (
    ORIGIN_LABEL,
    Pijn,
    Pijnverzachter,
    ValueProposition,
    ValuePropositions,
    Voordeel,
    Voordeelverschaffer,
)
from purposecase.workspace import Forbidden


def shared_with(doelgroepen=(("dg1", "Bewoners"),), waarde=(("w1", "Beweegtuinen"),)) -> SharedCase:
    shared = SharedCase()
    for item_id, text in doelgroepen:
        shared = puzzle.adopt("doelgroepen", text, [], [], item_id=item_id)(shared)
    for item_id, text in waarde:
        shared = puzzle.adopt("waarde", text, ["p1"], ["Ans"], item_id=item_id)(shared)
    return shared


def proposition(pains=(), gains=(), relievers=(), creators=(), **extra) -> ValueProposition:
    return ValueProposition(
        id="vp1",
        doelgroep="Bewoners",
        pijnen=[Pijn(id=i, text=f"pijn {i}", belang=b) for i, b in pains],
        voordelen=[Voordeel(id=i, text=f"voordeel {i}", belang=b) for i, b in gains],
        pijnverzachters=[Pijnverzachter(id=i, text=f"verzachter {i}", verzacht=list(t)) for i, t in relievers],
        voordeelverschaffers=[
            Voordeelverschaffer(id=i, text=f"verschaffer {i}", creeert=list(t)) for i, t in creators
        ],
        **extra,
    )


# ------------------------------------------------------------------ fit
def test_fit_weights_pains_and_gains_by_importance():
    f = vp.fit(
        proposition(
            pains=[("a", 5), ("b", 3), ("c", 2)],
            gains=[("x", 4), ("y", 1)],
            relievers=[("r1", ["a"]), ("r2", ["a", "c"])],  # a relieved twice still counts once
            creators=[("g1", ["y"])],
        )
    )
    assert (f.relieved_weight, f.pains_weight) == (7, 10)
    assert (f.created_weight, f.gains_weight) == (1, 5)
    assert f.pain_share == pytest.approx(0.7)
    assert f.gain_share == pytest.approx(0.2)
    assert f.share == pytest.approx(8 / 15)


def test_unaddressed_items_are_ranked_and_idle_relievers_listed():
    f = vp.fit(
        proposition(
            pains=[("a", 2), ("b", 5), ("c", 4)],
            gains=[("x", 3)],
            relievers=[("r1", ["c"]), ("r2", []), ("r3", ["gone"])],
            creators=[("g1", [])],
        )
    )
    assert [p.id for p in f.unaddressed_pains] == ["b", "a"]  # most important first
    assert [p.id for p in f.top_unaddressed_pains(1)] == ["b"]
    assert [g.id for g in f.top_unaddressed_gains()] == ["x"]
    assert [r.id for r in f.idle_relievers] == ["r2", "r3"]  # a link to a missing pain addresses nothing
    assert [c.id for c in f.idle_creators] == ["g1"]


def test_empty_profile_is_not_applicable_not_zero():
    f = vp.fit(proposition())
    assert f.pain_share is None and f.gain_share is None and f.share is None
    only_pains = vp.fit(proposition(pains=[("a", 3)]))
    assert only_pains.pain_share == 0 and only_pains.gain_share is None and only_pains.share == 0


def test_weighted_share():
    items = [Pijn(id="a", text="a", belang=1), Pijn(id="b", text="b", belang=5)]
    assert vp.weighted_share(items, ["b", "zz"]) == (5, 6)
    assert vp.weighted_share([], ["b"]) == (0, 0)


def test_fits_cover_every_proposition():
    second = proposition(pains=[("a", 1)]).model_copy(update={"id": "vp2"})
    doc = ValuePropositions(propositions=[proposition(), second])
    assert [f.proposition_id for f in vp.fits(doc)] == ["vp1", "vp2"]


# -------------------------------------------------------------- records
def test_records_refuse_unknown_fields_bad_importance_and_duplicate_ids():
    with pytest.raises(ValidationError):
        Pijn(id="a", text="x", belang=6)
    with pytest.raises(ValidationError):
        Pijn(id="a", text="x", ernst=3)
    with pytest.raises(ValidationError):
        proposition(pains=[("a", 1)], gains=[("a", 1)])
    with pytest.raises(ValidationError):
        vp.Taak(id="t", text="x", soort="financieel")
    two = [proposition().model_dump(), proposition().model_dump()]
    with pytest.raises(CaseFileError, match="propositions"):
        ValuePropositions.from_content({"schema": 1, "propositions": two})
    with pytest.raises(CaseFileError, match="schema"):
        ValuePropositions.from_content({"schema": 2, "propositions": []})


def test_content_round_trip_and_ranked_order():
    v = proposition(pains=[("a", 2), ("b", 5), ("c", 2)], relievers=[("r", ["b"])])
    doc = ValuePropositions(propositions=[v])
    again = ValuePropositions.from_content(doc.to_content())
    assert again == doc
    assert [p.id for p in again.propositions[0].ranked("pijnen")] == ["b", "a", "c"]
    assert ValuePropositions.from_content(None) == ValuePropositions()
    with pytest.raises(KeyError):
        v.items("kosten")


# ----------------------------------------------------------- operations
def test_add_edit_link_and_remove_items():
    doc = ValuePropositions(propositions=[proposition()])
    add = vp.add_item("vp1", "pijnen", "Te weinig bewegen", item_id="p1", belang=5)
    doc = add(doc)
    assert add(doc) == doc  # re-applying adds nothing
    doc = vp.add_item("vp1", "taken", "Fit blijven", item_id="t1", soort="sociaal")(doc)
    doc = vp.add_item("vp1", "pijnverzachters", "Gratis toestellen", item_id="r1")(doc)
    doc = vp.set_links("vp1", "pijnverzachters", "r1", ["p1", "p1"])(doc)
    doc = vp.edit_item("vp1", "pijnen", "p1", text="Te weinig beweging", belang=4)(doc)
    v = doc.get("vp1")
    assert v.pijnverzachters[0].verzacht == ["p1"]
    assert (v.pijnen[0].text, v.pijnen[0].belang) == ("Te weinig beweging", 4)
    assert v.taken[0].soort == "sociaal"
    report = vp.removal_report(v, "pijnen", "p1")
    assert [(d.item_text, d.target_text) for d in report] == [("Gratis toestellen", "Te weinig beweging")]
    doc = vp.remove_item("vp1", "pijnen", "p1")(doc)
    assert doc.get("vp1").pijnen == [] and doc.get("vp1").pijnverzachters[0].verzacht == []
    with pytest.raises(ValueError):
        vp.set_links("vp1", "pijnen", "p1", [])
    with pytest.raises(ValueError):
        vp.add_item("vp1", "kosten", "x")
    with pytest.raises(ValidationError):
        vp.add_item("vp1", "pijnen", "x" * 3000)(doc)
    assert vp.add_item("missing", "pijnen", "x")(doc) == doc


def test_section_limit():
    doc = ValuePropositions(propositions=[proposition()])
    for n in range(vp.MAX_ITEMS):
        doc = vp.add_item("vp1", "voordelen", f"v{n}")(doc)
    with pytest.raises(ValidationError):
        vp.add_item("vp1", "voordelen", "one too many")(doc)


# ------------------------------------------------------- reconciliation
def test_reconcile_creates_empty_propositions_with_waarde_as_suggestions():
    """Issue 18: the value map starts empty; the shared waarde is offered, and taking one links it."""
    shared = shared_with(doelgroepen=[("dg1", "Bewoners"), ("dg2", "Scholen")])
    rec = vp.reconcile(ValuePropositions(), shared)
    assert len(rec.added) == 2
    first = rec.document.propositions[0]
    assert (first.doelgroep, first.doelgroep_item_id) == ("Bewoners", "dg1")
    assert first.producten == [] and [w.text for w in vp.suggestions(first, shared)] == ["Beweegtuinen"]
    take = vp.add_suggestion(first.id, shared.items("waarde")[0])
    taken = take(rec.document)
    assert [(p.text, p.waarde_item_id) for p in taken.get(first.id).producten] == [("Beweegtuinen", "w1")]
    assert take(taken) == taken and vp.suggestions(taken.get(first.id), shared) == []  # once only
    assert taken.get(rec.document.propositions[1].id).producten == []  # the other target group is untouched
    # deterministic: a second page derives the same ids
    assert vp.reconcile(ValuePropositions(), shared).document == rec.document
    assert vp.reconcile(rec.document, shared).added == ()


def test_orphaned_target_group_is_kept_until_someone_decides():
    shared = shared_with()
    doc = vp.reconcile(ValuePropositions(), shared).document
    pid = doc.propositions[0].id
    doc = vp.add_item(pid, "pijnen", "Te weinig bewegen")(doc)
    gone = puzzle.remove("doelgroepen", "dg1")(shared)
    rec = vp.reconcile(doc, gone)
    assert rec.orphaned == (pid,) and rec.document.get(pid).orphaned
    assert rec.document.get(pid).pijnen[0].text == "Te weinig bewegen"  # nothing lost
    back = vp.reconcile(rec.document, shared)
    assert not back.document.get(pid).orphaned
    kept = vp.detach(pid)(rec.document)
    assert kept.get(pid).doelgroep_item_id is None and not kept.get(pid).orphaned
    assert vp.remove_proposition(pid)(rec.document).propositions == []


def test_dangling_links_are_dropped_and_reported():
    v = proposition(pains=[("a", 3)], gains=[("x", 2)], relievers=[("r1", ["a", "old"])], creators=[("g1", ["gone"])])
    cleaned, dropped = vp.drop_dangling_links(v)
    assert cleaned.pijnverzachters[0].verzacht == ["a"] and cleaned.voordeelverschaffers[0].creeert == []
    assert {(d.section, d.item_text, d.target_id) for d in dropped} == {
        ("pijnverzachters", "verzachter r1", "old"),
        ("voordeelverschaffers", "verschaffer g1", "gone"),
    }
    assert vp.drop_dangling_links(cleaned) == (cleaned, [])


def test_product_link_to_a_deleted_waarde_item_is_dropped_visibly():
    shared = shared_with()
    doc = vp.reconcile(ValuePropositions(), shared).document
    doc = vp.add_suggestion(doc.propositions[0].id, shared.items("waarde")[0])(doc)
    rec = vp.reconcile(doc, puzzle.remove("waarde", "w1")(shared))
    assert rec.document.propositions[0].producten[0].waarde_item_id is None
    assert [(d.section, d.item_text, d.target_id) for d in rec.dropped] == [("producten", "Beweegtuinen", "w1")]


def test_sort_by_belang_only_when_asked():
    v = proposition(pains=[("a", 2), ("b", 5), ("c", 2)])
    doc = ValuePropositions(propositions=[v])
    doc = vp.edit_item("vp1", "pijnen", "c", belang=4)(doc)
    assert [p.id for p in doc.get("vp1").pijnen] == ["a", "b", "c"]  # an importance changes, the order stays
    doc = vp.sort_by_belang("vp1", "pijnen")(doc)
    assert [p.id for p in doc.get("vp1").pijnen] == ["b", "c", "a"]
    with pytest.raises(ValueError):
        vp.sort_by_belang("vp1", "producten")


# --------------------------------------------------------------- proposal
def test_proposal_updates_and_adds_with_origin_and_reopens_agreed_pieces():
    shared = puzzle.set_agreed("waarde", True)(shared_with())
    doc = vp.reconcile(ValuePropositions(), shared).document
    pid = doc.propositions[0].id
    doc = vp.rename(pid, "Bewoners van Gendt")(doc)
    doc = vp.add_suggestion(pid, shared.items("waarde")[0])(doc)
    doc = vp.add_item(pid, "producten", "Pumptrack", item_id="pt")(doc)
    changes = vp.preview_proposal(doc.get(pid), shared)
    assert [(c.piece, c.action) for c in changes] == [
        ("doelgroepen", "aangepast"), ("waarde", "gelijk"), ("waarde", "nieuw")
    ]
    assert changes[2].item_id == ""
    planned, _ = vp.plan_proposal(doc.get(pid), shared)
    new = vp.proposal_operation(planned)(shared)
    dg = new.items("doelgroepen")[0]
    assert (dg.id, dg.text, dg.origin_names) == ("dg1", "Bewoners van Gendt", [ORIGIN_LABEL])
    assert [i.text for i in new.items("waarde")] == ["Beweegtuinen", "Pumptrack"]
    assert new.items("waarde")[0].origin_names == ["Ans"]  # unchanged item keeps its origin, no mark
    assert new.items("waarde")[1].origin_names == [ORIGIN_LABEL] and new.items("waarde")[1].origin == []
    assert new.status("waarde") == "in_bespreking"
    assert vp.proposal_operation(planned)(new) == new  # re-applying changes nothing
    with pytest.raises(ValueError):
        vp.proposal_operation(doc.get(pid))  # not planned: product without shared id


# ------------------------------------------------------------ the store
@pytest.fixture()
def workspace():
    trekker, _ = purposecase.create_workspace("Living Lab")
    trekker.update_shared(puzzle.adopt("doelgroepen", "Bewoners", [], [], item_id="dg1"))
    trekker.update_shared(puzzle.adopt("waarde", "Beweegtuinen", [], [], item_id="w1"))
    partner, ptoken = trekker.add_partner("Ans", "Gemeente")
    viewer = purposecase.open_workspace(trekker.new_viewer_link())
    return trekker, purposecase.open_workspace(ptoken), viewer


def test_store_round_trip_with_history(workspace):
    trekker, partner, viewer = workspace
    loaded = vp.load_propositions(trekker)
    assert loaded.base == 0 and len(loaded.propositions.propositions) == 1
    pid = loaded.propositions.propositions[0].id
    saved = vp.update_propositions(trekker, vp.add_item(pid, "pijnen", "Te weinig bewegen", belang=5), base=0,
                                   note="toevoegen:pijnen")
    assert saved.base == 1
    for session in (trekker, partner, viewer):
        again = vp.load_propositions(session)
        assert again.base == 1 and again.propositions == saved.propositions
    assert [(h.number, h.author, h.note) for h in vp.history(viewer)] == [(1, "trekker", "toevoegen:pijnen")]
    vp.update_propositions(trekker, vp.rename(pid, "Bewoners van Gendt"), base=1)
    restored = vp.restore_revision(trekker, 1, base=2)
    assert restored.base == 3 and restored.propositions.get(pid).doelgroep == "Bewoners"


def test_partners_and_viewers_cannot_write(workspace):
    trekker, partner, viewer = workspace
    pid = vp.load_propositions(trekker).propositions.propositions[0].id
    for session in (partner, viewer):
        with pytest.raises(Forbidden):
            vp.update_propositions(session, vp.add_item(pid, "pijnen", "x"), base=0)
        with pytest.raises(Forbidden):
            vp.propose_to_shared(session, pid, base=0)
        with pytest.raises(Forbidden):
            vp.restore_revision(session, 1, base=0)
    with pytest.raises(Forbidden):
        vp.react_to_proposition(trekker, pid, "eens")
    assert vp.history(partner) == []  # reading created nothing


def test_a_stale_page_reapplies_its_change_and_says_so(workspace):
    trekker, _, _ = workspace
    other = purposecase.open_workspace(trekker.new_trekker_link())  # a second trekker tab
    pid = vp.load_propositions(trekker).propositions.propositions[0].id
    vp.update_propositions(other, vp.add_item(pid, "pijnen", "uit tab een"), base=0)
    late = vp.update_propositions(trekker, vp.add_item(pid, "pijnen", "uit tab twee"), base=0)
    assert [p.text for p in late.propositions.get(pid).pijnen] == ["uit tab een", "uit tab twee"]
    assert late.base == 2 and late.rebased_on == ("trekker",)


def test_reactions_per_partner(workspace):
    trekker, partner, viewer = workspace
    pid = vp.load_propositions(trekker).propositions.propositions[0].id
    vp.react_to_proposition(partner, pid, "vraag", "Ook de jeugd?")
    me = partner.access.partner_id
    assert vp.proposition_reactions(viewer) == {me: {pid: {"soort": "vraag", "opmerking": "Ook de jeugd?"}}}
    vp.react_to_proposition(partner, pid, None)
    assert vp.proposition_reactions(trekker) == {me: {}}
    with pytest.raises(ValueError):
        vp.react_to_proposition(partner, pid, "boos")
    with pytest.raises(ValueError):
        vp.react_to_proposition(partner, pid, "eens", "x" * 600)


def test_proposal_arrives_as_a_new_shared_revision_and_is_not_duplicated(workspace):
    trekker, _, _ = workspace
    own = vp.new_proposition("Ouders van jonge kinderen", trekker.shared_case().shared)
    saved = vp.update_propositions(trekker, vp.add_proposition(own), base=0)
    before = trekker.shared_case().base
    result = vp.propose_to_shared(trekker, own.id, base=saved.base)
    assert result.new_revision and result.shared.base == before + 1
    shared = trekker.shared_case().shared
    added = [i for i in shared.items("doelgroepen") if i.text == "Ouders van jonge kinderen"]
    assert len(added) == 1 and added[0].origin_names == [ORIGIN_LABEL]
    stored = vp.load_propositions(trekker).propositions.get(own.id)
    assert stored.doelgroep_item_id == added[0].id
    again = vp.propose_to_shared(trekker, own.id, base=result.propositions.base)
    assert not again.new_revision and trekker.shared_case().base == before + 1
    # removed from the shared case: orphaned, then proposed again under its old id
    trekker.update_shared(puzzle.remove("doelgroepen", added[0].id))
    assert vp.load_propositions(trekker).propositions.get(own.id).orphaned
    back = vp.propose_to_shared(trekker, own.id, base=again.propositions.base)
    assert back.new_revision and not back.propositions.propositions.get(own.id).orphaned
    assert any(i.id == added[0].id for i in trekker.shared_case().shared.items("doelgroepen"))
    with pytest.raises(ValueError):
        vp.propose_to_shared(trekker, "nope", base=0)


def test_bad_stored_content_names_the_problem(workspace):
    trekker, _, _ = workspace
    doc = trekker.store.document(trekker.workspace_id, vp.VALUE_PROPOSITIONS)
    trekker.store.save(doc.id, {"schema": 1, "propositions": [{"id": "x"}]}, base=0, author="trekker")
    with pytest.raises(CaseFileError, match="doelgroep"):
        vp.load_propositions(trekker)


# ---------------------------------------------------------------- figure
def test_fit_figure_escapes_and_separates_target_groups():
    from purposecase.figures import value_fit_figure
    from purposecase.pieces import get_piece

    a = proposition(pains=[("a", 4)], relievers=[("r", ["a"])]).model_copy(update={"doelgroep": "<b>Jong</b>"})
    b = proposition().model_copy(update={"id": "vp2", "doelgroep": "<b>Jong</b>"})
    fig = value_fit_figure(
        vp.fits(ValuePropositions(propositions=[a, b])),
        title="Fit", pains="pijnen", gains="voordelen", overall="totaal", not_applicable="n.v.t.",
    )
    pains, gains, total = fig.data
    assert list(pains.y) == ["&lt;b&gt;Jong&lt;/b&gt;", "&lt;b&gt;Jong&lt;/b&gt; (2)"]
    assert list(pains.x) == [100, 0] and list(pains.text) == ["100 %", "n.v.t."]
    assert list(gains.text) == ["n.v.t.", "n.v.t."]
    assert list(total.x) == [100, None]
    assert pains.marker.color == get_piece("consequenties").colour
    assert gains.marker.color == get_piece("opbrengsten").colour
