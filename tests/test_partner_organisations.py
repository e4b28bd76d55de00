"""Partners are organisations (issue 17): some take part without a link, and the trekker's own organisation is one.

They give, get and own roadmap steps like any partner; only partners with a link fill in a draft.
"""

from __future__ import annotations

import html
import re

import pytest

from purposecase import puzzle
from purposecase.backup import backup_bytes, backup_workspace, read_upload, restore_workspace
from purposecase.roadmap import ImpactRoadmap, RoadmapStep, save_roadmap
from purposecase.store import open_store
from purposecase.ui.common import PageContext
from purposecase.ui.zelf_invullen import ZelfInvullenChapter
from purposecase.workspace import Forbidden, InvalidInput, create_workspace, open_workspace


def text_of(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


@pytest.fixture()
def ws():
    store = open_store()  # PURPOSECASE_HOME is a fresh folder per test (conftest)
    trekker, ttoken = create_workspace("Zorgpact", store=store)
    _, atoken = trekker.add_partner("Ans", "ROC Twente")
    return store, trekker, ttoken, atoken


def test_an_organisation_without_a_link_and_the_trekkers_own_take_part(ws):
    store, trekker, _, atoken = ws
    gemeente, token = trekker.add_partner("Gemeente Enschede", "Gemeente Enschede", link=False)
    assert token is None and gemeente.soort == "zonder_link" and not gemeente.has_link
    own = trekker.set_trekker_organisation("Saxion", "Petra")
    assert (own.soort, own.label, own.name) == ("trekker", "Saxion", "Petra")
    assert trekker.set_trekker_organisation("Saxion Hogeschool").id == own.id  # renamed, not a second one
    with pytest.raises(InvalidInput):
        store.add_partner(trekker.workspace_id, "Nog een", "X", soort="trekker")
    # everyone sees them; only the partner with a link has a draft to fill in
    labels = {p.label: p.soort for p in open_workspace(atoken, store=store).partners()}
    assert labels == {"ROC Twente": "partner", "Gemeente Enschede": "zonder_link", "Saxion Hogeschool": "trekker"}
    assert [s.partner.label for s in trekker.draft_statuses()] == ["ROC Twente"]
    # they give, get and own roadmap steps
    shared = puzzle.adopt("waarde", "Minder zorgvraag", [], [], item_id="w1")(trekker.shared_case().shared)
    trekker.update_shared(lambda _s: puzzle.set_beneficiaries("waarde", "w1", [gemeente.id])(shared))
    rows = {r.partner: r for r in puzzle.give_and_take(
        [puzzle.PartnerRef(p.id, p.name, p.organisation) for p in trekker.partners()], trekker.shared_case().shared
    )}
    assert rows["Gemeente Enschede"].krijgt == [("waarde", "Minder zorgvraag")]
    step = RoadmapStep(id="s1", wat="Pilot in de wijk", eigenaren=[own.id, gemeente.id])
    save_roadmap(trekker, ImpactRoadmap(steps=[step], trekker_partner=own.id), base=0)
    # invited later after all: a link, and from then on a draft
    later = trekker.new_partner_link(gemeente.id)
    assert open_workspace(later, store=store).me().soort == "partner"
    with pytest.raises(InvalidInput):
        trekker.new_partner_link(own.id)  # the trekker's link acts for the trekker's organisation
    with pytest.raises(Forbidden):
        open_workspace(atoken, store=store).add_partner("X", "Y", link=False)


def test_a_backup_keeps_what_each_partner_is(ws):
    store, trekker, _, _ = ws
    trekker.add_partner("Gemeente", "Gemeente Enschede", link=False)
    trekker.set_trekker_organisation("Saxion")
    restored = restore_workspace(
        read_upload(backup_bytes(backup_workspace(trekker), "json"), "b.json").backup, store=store
    )
    kinds = sorted((p.label, p.soort) for p in restored.session.partners())
    assert kinds == [("Gemeente Enschede", "zonder_link"), ("ROC Twente", "partner"), ("Saxion", "trekker")]
    assert [p.label for p, _ in restored.partner_tokens] == ["ROC Twente"]  # links only for invited partners


def test_the_trekker_adds_them_on_chapter_04(ws):
    store, trekker, ttoken, _ = ws
    trekker.update_shared(puzzle.adopt("partners", "Woningcorporatie Domijn", [], [], item_id="p1"))
    page = ZelfInvullenChapter(context=PageContext(sleutel=ttoken))
    overview = page.body  # the trekker's overview
    # the trekker's own organisation
    overview.own_organisation.value = "Saxion"
    overview.own_button.click()
    assert "Saxion is nu partner" in text_of(page.status.value)
    # an organisation named in the Partners piece, not yet a partner, is offered
    assert overview.suggestions.options == (("Woningcorporatie Domijn", "Woningcorporatie Domijn"),)
    overview.suggestion_button.click()
    assert "zonder eigen link" in text_of(page.status.value)
    # and one typed in, without a link: no link is shown
    overview.partner_name.value = "Gemeente Enschede"
    overview.without_link.value = True
    overview.add_partner_button.click()
    assert "sleutel=" not in overview.links.value
    shown = text_of(overview.others.value)
    assert "Saxion (organisatie van de trekker)" in shown and "Woningcorporatie Domijn (zonder link)" in shown
    assert "Gemeente Enschede (zonder link)" in shown
    assert overview.suggestions.options == ()
    assert {p.soort for p in trekker.partners()} == {"partner", "zonder_link", "trekker"}
