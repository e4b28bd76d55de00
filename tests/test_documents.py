"""One test per rule, parametrised over every registered document kind (purposecase.workspace.documents).

For every kind: a read and a write after revocation raise, a viewer's write is refused,
a partner never reads another partner's private draft, malformed content in a backup is
refused with a message naming the document, and a concurrent change is re-applied
(``reapply`` kinds) or reported as a conflict that the kind's merge combines (``ask`` kinds).
"""

from __future__ import annotations

import json

import pytest

from purposecase import meeting, valueprop
from purposecase.backup import UploadError, backup_bytes, backup_workspace, read_upload
from purposecase.messages import Translator
from purposecase.model import (
    Item,
    ItemReactions,
    PartnerDraft,
    Reaction,
    SharedCase,
    SharedItem,
    StepReactions,
    WorkspaceMeta,
)
from purposecase.pieces import PIECE_KEYS
from purposecase.roadmap import ImpactRoadmap, RoadmapStep
from purposecase.store import open_store
from purposecase.workspace import (
    REGISTRY,
    ConflictError,
    Forbidden,
    RevokedToken,
    create_workspace,
    open_workspace,
)


def _draft(record: PartnerDraft, i: int) -> PartnerDraft:
    pieces = {k: list(record.items(k)) for k in PIECE_KEYS}
    pieces["impact"].append(Item(text=f"impact {i}"))
    return PartnerDraft(pieces=pieces)


def _shared(record: SharedCase, i: int) -> SharedCase:
    pieces = {k: list(record.items(k)) for k in PIECE_KEYS}
    pieces["impact"].append(SharedItem(id=f"s{i}", text=f"impact {i}"))
    return SharedCase(pieces=pieces, agreed=record.agreed, set_aside=record.set_aside)


def _roadmap(record: ImpactRoadmap, i: int) -> ImpactRoadmap:
    return ImpactRoadmap(steps=[*record.steps, RoadmapStep(id=f"s{i}", wat=f"stap {i}")])


MUTATE = {
    "draft": _draft,
    "meta": lambda r, i: r.model_copy(update={"sdgs": [*r.sdgs, i]}),
    "shared_case": _shared,
    "reactions": lambda r, i: r.with_reaction(f"t{i}", Reaction(soort="eens")),
    "value_propositions": lambda r, i: valueprop.add_proposition(valueprop.new_proposition(f"Groep {i}"))(r),
    "vp_reactions": lambda r, i: r.with_reaction(f"t{i}", Reaction(soort="vraag")),
    "roadmap": _roadmap,
    "roadmap_reactions": lambda r, i: r.with_reaction(f"t{i}", Reaction(soort="akkoord")),
    "meeting": lambda r, i: meeting.decide(f"p{i}", "x", meeting.Decision(status="afgewezen"))(r),
    "votes": lambda r, i: meeting.vote(f"v{i}", 1, ROUND)(r),
    "proposals": lambda r, i: meeting.propose("impact", f"voorstel {i}")(r),
}
"""Per kind: a change that adds something recognisable (number ``i``) to a record."""


def contains(kind: str, record, i: int) -> bool:
    """Return whether ``record`` holds change ``i`` of :data:`MUTATE`."""
    if kind == "draft":
        return any(item.text == f"impact {i}" for item in record.items("impact"))
    if kind == "meta":
        return i in record.sdgs
    if kind == "shared_case":
        return any(item.id == f"s{i}" for item in record.items("impact"))
    if kind in ("reactions", "vp_reactions", "roadmap_reactions"):
        return f"t{i}" in record.targets()
    if kind == "value_propositions":
        return any(p.doelgroep == f"Groep {i}" for p in record.propositions)
    if kind == "roadmap":
        return any(s.id == f"s{i}" for s in record.steps)
    if kind == "meeting":
        return f"p{i}:x" in record.besluiten
    if kind == "votes":
        return f"v{i}" in record.stemmen
    if kind == "proposals":
        return any(p.tekst == f"voorstel {i}" for p in record.items)
    raise AssertionError(kind)


MALFORMED = {
    "draft": {"pieces": {"impact": [{"text": ""}]}},
    "meta": {"inspiratie": 5},
    "shared_case": {"pieces": {"impact": [{"id": "!!", "text": "x"}]}},
    "reactions": {"items": ["x"]},
    "value_propositions": {"propositions": [{"id": 1, "doelgroep": None, "taken": "x"}]},
    "vp_reactions": {"items": {"p1": {"soort": "misschien"}}},
    "roadmap": {"steps": [{"id": "x", "wat": 5, "inzet": "veel"}]},
    "roadmap_reactions": {"steps": {"s1": {"soort": "eens", "opmerking": "x" * 600}}},
    "meeting": {"ronde": {"id": "r1", "stemmen": 99}},
    "votes": {"ronde": "r1", "stemmen": {"v1": 0}},
    "proposals": {"items": [{"id": "p1", "stuk": "onbekend", "tekst": "x"}]},
}
"""Per kind: content that does not fit its record (the examples of the issues where there were any)."""


def test_every_registered_kind_is_covered():
    assert set(REGISTRY) == set(MUTATE) == set(MALFORMED)
    assert {k.record for k in REGISTRY.values()} >= {PartnerDraft, WorkspaceMeta, SharedCase, ItemReactions,
                                                      StepReactions, ImpactRoadmap, valueprop.ValuePropositions}


ROUND = "ronde1"


@pytest.fixture
def ws(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'd.sqlite3'}")
    trekker, ttoken = create_workspace("Energiepact", store=store)
    ans, atoken = trekker.add_partner("Ans", "ROC Twente")
    bas, btoken = trekker.add_partner("Bas", "Zorg BV")
    viewer = open_workspace(trekker.new_viewer_link(), store=store)
    # a voting round with visible results on shared items v1…v9 (votes are checked against both)
    trekker.update_shared(
        lambda shared: SharedCase(pieces={**shared.pieces, "waarde": [
            SharedItem(id=f"v{i}", text=f"waarde {i}") for i in range(1, 10)
        ]})
    )
    trekker.document("meeting").update(
        lambda m: m.model_copy(update={"ronde": meeting.VoteRound(id=ROUND, stemmen=5, verborgen=False)})
    )
    return {
        "store": store, "trekker": trekker, "ttoken": ttoken, "ans": ans, "atoken": atoken, "bas": bas,
        "btoken": btoken, "viewer": viewer,
    }


def writer(ws, kind: str, *, tab: bool = False):
    """Return the session that writes ``kind`` (the trekker, or Ans for per-partner kinds); a new tab if asked."""
    token = ws["atoken"] if REGISTRY[kind].per_partner else ws["ttoken"]
    if tab:
        return open_workspace(token, store=ws["store"])
    return open_workspace(token, store=ws["store"]) if REGISTRY[kind].per_partner else ws["trekker"]


def owner(ws, kind: str) -> str | None:
    return ws["ans"].id if REGISTRY[kind].per_partner else None


def write_one(ws, kind: str, i: int = 1):
    handle = writer(ws, kind).document(kind, owner(ws, kind))
    return handle.update(lambda r: MUTATE[kind](r, i))


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_read_and_write_after_revocation_raise(ws, kind):
    write_one(ws, kind)
    session = writer(ws, kind, tab=True)  # a page opened with the link before it was revoked
    handle = session.document(kind, owner(ws, kind))
    assert contains(kind, handle.load().record, 1)
    if REGISTRY[kind].per_partner:
        ws["trekker"].remove_partner(ws["ans"].id)  # removing a partner revokes their links
    else:
        ws["trekker"].new_trekker_link()  # the old trekker link stops working
    session._checked_at = float("-inf")  # no cached check: the page asks the store
    with pytest.raises(RevokedToken):
        handle.load()
    with pytest.raises(RevokedToken):
        handle.update(lambda r: MUTATE[kind](r, 2))
    with pytest.raises(RevokedToken):
        handle.history()


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_a_viewers_write_is_refused(ws, kind):
    before = ws["store"].documents(ws["trekker"].workspace_id)
    viewer = ws["viewer"]
    handle = viewer.document(kind, ws["ans"].id if REGISTRY[kind].per_partner else None)
    with pytest.raises(Forbidden):
        handle.update(lambda r: MUTATE[kind](r, 1))
    with pytest.raises(Forbidden):
        handle.save(MUTATE[kind](handle.kind.empty(), 1), base=0)
    assert ws["store"].documents(ws["trekker"].workspace_id) == before  # nothing was created


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_a_partner_never_reads_another_partners_private_draft(ws, kind):
    write_one(ws, kind)
    bas = open_workspace(ws["btoken"], store=ws["store"])
    spec = REGISTRY[kind]
    handle = bas.document(kind, ws["ans"].id if spec.per_partner else None)
    if spec.private_until_shared:
        with pytest.raises(Forbidden):
            handle.load()
        with pytest.raises(Forbidden):
            handle.history()
        with pytest.raises(Forbidden):
            handle.revision(1)
        # nor the trekker or the viewer while it is private
        for session in (ws["trekker"], ws["viewer"]):
            with pytest.raises(Forbidden):
                session.document(kind, ws["ans"].id).load()
    else:
        assert contains(kind, handle.load().record, 1)  # everything else every role reads
    # and nobody writes a document of another partner
    if spec.per_partner:
        with pytest.raises(Forbidden):
            handle.update(lambda r: MUTATE[kind](r, 2))


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_malformed_content_in_a_backup_is_refused_with_a_message(ws, kind):
    write_one(ws, kind)
    backup = backup_workspace(ws["trekker"], include_private=True)
    broken = json.loads(json.dumps(backup))
    doc = next(d for d in broken["documents"] if d["kind"] == kind)
    doc["revisions"][-1]["content"] = MALFORMED[kind]
    counts = [len(ws["store"].documents(ws["trekker"].workspace_id))]
    with pytest.raises(UploadError) as info:
        read_upload(backup_bytes(broken, "json"), "kapot.json")
    assert info.value.code == "schema"
    lines = info.value.messages(Translator("nl"), "kapot.json")
    assert any(f"({kind})" in line for line in lines[1:]), lines  # the message names the document kind
    assert counts == [len(ws["store"].documents(ws["trekker"].workspace_id))]


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_a_concurrent_change_is_reapplied_or_reported(ws, kind):
    spec = REGISTRY[kind]
    tab_a = writer(ws, kind, tab=True).document(kind, owner(ws, kind))
    tab_b = writer(ws, kind, tab=True).document(kind, owner(ws, kind))
    start = write_one(ws, kind, 1).base
    if spec.combine == "reapply":
        sneaked = []

        def change(record):
            if not sneaked:  # another tab saves between this tab's load and its save
                sneaked.append(tab_b.update(lambda r: MUTATE[kind](r, 2)))
            return MUTATE[kind](record, 3)

        saved = tab_a.update(change)
        assert saved.base == start + 2 and len(sneaked) == 1  # their 2, then mine re-applied on theirs
        stored = tab_a.load().record
        assert all(contains(kind, stored, i) for i in (1, 2, 3)), stored
    else:
        loaded = tab_a.load()
        tab_b.update(lambda r: MUTATE[kind](r, 2))
        mine = MUTATE[kind](loaded.record, 3)
        with pytest.raises(ConflictError) as info:
            tab_a.save(mine, base=loaded.base)
        theirs = spec.parse(info.value.theirs.content)
        assert contains(kind, theirs, 2) and not contains(kind, theirs, 3)  # nothing was overwritten
        merged = spec.merge(mine, theirs, loaded.record)
        assert all(contains(kind, merged, i) for i in (1, 2, 3))
        assert tab_a.save(merged, base=info.value.theirs.number).base == start + 2
