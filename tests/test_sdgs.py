"""The 17 SDGs and storing the chosen ones in a workspace (role-checked, with the revision rule)."""

import pytest

from purposecase.messages import Translator
from purposecase.sdgs import SDGS, get_sdg, normalise_sdgs
from purposecase.store import ConflictError, open_store
from purposecase.workspace import Forbidden, create_workspace, open_workspace


def test_seventeen_goals_with_names():
    assert [s.number for s in SDGS] == list(range(1, 18))
    assert get_sdg(4).name("nl") == "Kwaliteitsonderwijs" and get_sdg(4).name("en") == "Quality education"
    assert get_sdg(17).name("en") == "Partnerships for the goals"
    assert len({s.name_nl for s in SDGS}) == 17 and len({s.colour for s in SDGS}) == 17
    for bad in (0, 18, "3", True):
        with pytest.raises(KeyError):
            get_sdg(bad)


def test_normalise():
    assert normalise_sdgs([8, 4, 4, 17]) == [4, 8, 17]
    with pytest.raises(ValueError):
        normalise_sdgs([0])
    with pytest.raises(ValueError):
        normalise_sdgs(["4"])


@pytest.fixture()
def setup(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite3'}")
    trekker, token = create_workspace("Energiepact", inspiration="civ-water", store=store)
    _, ptoken = trekker.add_partner("Ans", "ROC")
    return store, trekker, open_workspace(ptoken, store=store)


def test_trekker_stores_sdgs_and_keeps_other_settings(setup):
    store, trekker, partner = setup
    assert trekker.sdgs() == []
    _, base = trekker.meta_revision()
    trekker.set_sdgs([13, 7, 7], base=base)
    assert trekker.sdgs() == [7, 13] and partner.sdgs() == [7, 13]
    assert trekker.meta()["inspiratie"] == "civ-water"


def test_only_the_trekker_may_store(setup):
    store, trekker, partner = setup
    viewer = open_workspace(trekker.new_viewer_link(), store=store)
    for session in (partner, viewer):
        with pytest.raises(Forbidden):
            session.set_sdgs([1], base=session.meta_revision()[1])


def test_a_stale_base_is_a_conflict(setup):
    store, trekker, _ = setup
    _, base = trekker.meta_revision()
    trekker.set_sdgs([4], base=base)
    with pytest.raises(ConflictError) as exc:
        trekker.set_sdgs([8], base=base)
    assert exc.value.theirs.content["sdgs"] == [4]
    assert trekker.sdgs() == [4]


def test_bad_stored_value_reads_as_empty(setup):
    store, trekker, _ = setup
    doc = store.document(trekker.workspace_id, "meta")
    content, base = trekker.meta_revision()
    store.save(doc.id, {**content, "sdgs": ["x"]}, base=base, author="trekker")
    assert trekker.sdgs() == []


def test_messages_name_the_sdgs_choice():
    assert "SDG" in Translator("en")("waardecreatie.sdg_titel")
