"""Step 5, the Impact Roadmap: records, matrix, shares, checks, merging, figures and the store round trip."""

from __future__ import annotations

import pytest

import purposecase
from purposecase import roadmap as rm
from purposecase.messages import Translator, all_keys
from purposecase.roadmap import Belemmering, ImpactRoadmap, Inzet, RoadmapInputError, RoadmapStep


def step(sid, owners=(), *, wat="Pilot", skills="projectleiding", middelen="subsidie", opbrengst="een plan",
         obstacles=(("tijd", "planning"),), dient=("amb",), start=None, eind=None, inzet=()):
    return RoadmapStep(
        id=sid, wat=wat, skills=skills, eigenaren=list(owners), middelen=middelen, opbrengst=opbrengst,
        belemmeringen=[Belemmering(belemmering=b, oplossing=o) for b, o in obstacles], dient=list(dient),
        start=start, eind=eind, inzet=[Inzet(partner=p, euro=e, uren=u) for p, e, u in inzet],
    )


def six(owners=("ans", "bas")):
    return ImpactRoadmap(steps=[step(f"s{n}", [owners[n % len(owners)]]) for n in range(6)])


# ------------------------------------------------------------------ records
def test_round_trip_and_schema():
    roadmap = ImpactRoadmap(
        steps=[step("s1", ["ans"], start="2026-01", eind="2026-03", inzet=[("ans", 1500, 12.5)])],
        trekker_partner="ans",
    )
    content = roadmap.to_content()
    assert content["schema"] == 1 and content["trekker_partner"] == "ans"
    assert ImpactRoadmap.from_content(content) == roadmap
    assert ImpactRoadmap.from_content(None) == ImpactRoadmap() == ImpactRoadmap.from_content({})
    assert roadmap.steps[0].euro() == 1500 and roadmap.steps[0].uren() == 12.5
    with pytest.raises(Exception):  # frozen
        roadmap.steps[0].wat = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    "change,code,field",
    [
        ({"inzet": [{"partner": "ans", "euro": -5}]}, "negatief_bedrag", "inzet.euro"),
        ({"inzet": [{"partner": "ans", "uren": -1}]}, "negatieve_uren", "inzet.uren"),
        ({"inzet": [{"partner": "ans", "uren": float("nan")}]}, "geen_getal", "inzet.uren"),
        ({"inzet": [{"partner": "ans", "euro": 1e12}]}, "te_groot", "inzet.euro"),
        ({"start": "2026-13"}, "maand_ongeldig", "start"),
        ({"eind": "maart"}, "maand_ongeldig", "eind"),
        ({"start": "2026-05", "eind": "2026-02"}, "eind_voor_start", ""),
        ({"belemmeringen": [{"belemmering": " ", "oplossing": "praten"}]}, "belemmering_leeg", ""),
        ({"wat": "x" * 501}, "te_lang", "wat"),
        ({"kleur": "rood"}, "ongeldig", "kleur"),
    ],
)
def test_bad_input_names_step_field_and_code(change, code, field):
    content = {"steps": [{"id": "a"}, {"id": "b", **change}]}
    with pytest.raises(RoadmapInputError) as info:
        ImpactRoadmap.from_content(content)
    problem = info.value.problems[0]
    assert (problem.step, problem.code) == (2, code)
    assert problem.field.startswith(field)
    assert problem.message_key in all_keys("nl") and problem.message_key in all_keys("en")


def test_bad_input_messages_read_well():
    from purposecase.ui.roadmap import problem_text

    with pytest.raises(RoadmapInputError) as info:
        ImpactRoadmap.from_content({"steps": [{"id": "a", "start": "2026-05", "eind": "2026-02"}]})
    text = problem_text(info.value.problems[0], Translator("nl"))
    assert text == "Stap 1: de eindmaand (2026-02) ligt vóór de startmaand (2026-05); dat kan niet."
    with pytest.raises(RoadmapInputError) as info:
        ImpactRoadmap.from_content({"steps": [{"id": "a", "inzet": [{"partner": "p", "euro": -1250.5}]}]})
    assert "-1.250,5" in problem_text(info.value.problems[0], Translator("nl"))
    assert "cannot be negative" in problem_text(info.value.problems[0], Translator("en"))


def test_roadmap_level_rules():
    with pytest.raises(RoadmapInputError, match="unique"):
        ImpactRoadmap.from_content({"steps": [{"id": "a"}, {"id": "a"}]})
    with pytest.raises(RoadmapInputError) as info:
        ImpactRoadmap.from_content({"steps": [{"id": f"s{n}"} for n in range(rm.MAX_STEPS + 1)]})
    assert info.value.problems[0].code == "te_veel"
    with pytest.raises(RoadmapInputError):
        ImpactRoadmap.from_content({"steps": [{"id": "a", "inzet": [{"partner": "p"}, {"partner": "p"}]}]})
    with pytest.raises(RoadmapInputError):
        ImpactRoadmap.from_content({"schema": 2})
    one_month = RoadmapStep(id="a", eind="2026-04", start="")
    assert one_month.start is None and one_month.months() == ("2026-04", "2026-04")
    assert RoadmapStep(id="a", eigenaren=["p", "p", "q"]).eigenaren == ["p", "q"]


def test_new_step_ids_are_unique():
    ids = {rm.new_step_id() for _ in range(200)}
    assert len(ids) == 200 and all(i.startswith("s") and len(i) == 9 for i in ids)


# ------------------------------------------------------------------- matrix
def test_effort_matrix_rows_columns_and_totals():
    roadmap = ImpactRoadmap(
        steps=[
            step("a", ["ans"], inzet=[("ans", 1000, 10), ("bas", 0, 4)]),
            step("b", ["bas"], inzet=[("bas", 250.5, 6), ("oud", 100, 1)]),
        ]
    )
    matrix = rm.effort_matrix(roadmap, ["bas", "ans", "cem"])
    assert matrix.partners == ("bas", "ans", "cem", "oud")  # given order, then others first-seen
    assert matrix.steps == ("a", "b")
    assert matrix.hours == ((4.0, 6.0), (10.0, 0.0), (0.0, 0.0), (0.0, 1.0))
    assert matrix.euros == ((0.0, 250.5), (1000.0, 0.0), (0.0, 0.0), (0.0, 100.0))
    assert matrix.partner_hours() == {"bas": 10, "ans": 10, "cem": 0, "oud": 1}
    assert matrix.total_hours() == 21 and matrix.total_euros() == 1350.5
    assert matrix.largest_share("euro") == ("ans", pytest.approx(1000 / 1350.5))
    assert rm.effort_matrix(ImpactRoadmap()).largest_share() is None
    rows = matrix.to_rows({"ans": "Ans"})
    assert rows[2] == {"partner": "Ans", "stap": 1, "uren": 10.0, "euro": 1000.0}
    frame = matrix.to_frame({"ans": "Ans"})
    assert list(frame.columns) == ["partner", "stap", "uren", "euro"] and len(frame) == 8
    assert frame.uren.sum() == 21


def test_owner_shares_and_the_largest():
    roadmap = ImpactRoadmap(
        steps=[step("a", ["ans"]), step("b", ["ans", "bas"]), step("c", ["bas"]), step("d", ["ans"]), step("e")]
    )
    shares = rm.owner_shares(roadmap)
    assert [(o.partner, o.steps, o.total) for o in shares] == [("ans", 3, 5), ("bas", 2, 5)]
    # a co-owned step counts half for each owner: ans 1 + ½ + 1, bas ½ + 1 of 5 steps
    assert shares[0].share == pytest.approx(0.5) and shares[1].share == pytest.approx(0.3)
    assert rm.largest_owner_share(roadmap).partner == "ans"
    assert rm.largest_owner_share(ImpactRoadmap(steps=[step("a")])) is None
    assert rm.owner_shares(ImpactRoadmap()) == []


def test_dominant_owner_watches_the_trekker_first():
    base = [step("a", ["ans"]), step("b", ["ans"]), step("c", ["ans", "bas"]), step("d", ["cem"])]
    found = rm.dominant_owner(ImpactRoadmap(steps=base))
    assert (found.partner, found.steps, found.total, found.is_trekker) == ("ans", 3, 4, False)
    assert found.share == pytest.approx(2.5 / 4)
    trekkers = [step("a", ["bas"]), step("b", ["bas"]), step("c", ["bas", "ans"]), step("d", ["cem"])]
    found = rm.dominant_owner(ImpactRoadmap(steps=trekkers, trekker_partner="bas"))
    assert (found.partner, found.is_trekker) == ("bas", True)
    # two co-owners of every step share the work fairly: nobody owns "most" (it could never pass before)
    shared = [step(x, ["ans", "bas"]) for x in "abcdef"]
    assert rm.dominant_owner(ImpactRoadmap(steps=shared)) is None
    spread = checks(ImpactRoadmap(steps=shared))["spreiding"]
    assert spread.status == "ok" and spread.values["naam"] == "Ans & Bas"  # both co-owners are named
    half = ImpactRoadmap(steps=[step("a", ["ans"]), step("b", ["bas"])])
    assert rm.dominant_owner(half) is None  # exactly half is not "most"
    assert rm.dominant_owner(ImpactRoadmap(steps=[step("a", ["ans"])])) is None
    assert rm.dominant_owner(six()) is None


def test_removed_partner_flags_but_keeps_the_step():
    roadmap = ImpactRoadmap(steps=[step("a", ["ans", "oud"]), step("b", ["oud"]), step("c", ["bas"])])
    flags = rm.owner_flags(roadmap, active=["ans", "bas"], names={"oud": "Olga"})
    assert [(f.step, f.number, f.partner, f.name) for f in flags] == [("a", 1, "oud", "Olga"), ("b", 2, "oud", "Olga")]
    assert rm.flagged_steps(roadmap, ["ans", "bas"]) == {"a", "b"}
    assert len(roadmap.steps) == 3


# ------------------------------------------------------------------- checks
def checks(roadmap, active=("ans", "bas"), ambition=("amb",)):
    return {c.id: c for c in rm.run_roadmap_checks(roadmap, active=active, ambition_ids=ambition,
                                                   names={"ans": "Ans", "bas": "Bas"})}


def test_a_complete_roadmap_passes_every_check():
    result = checks(six())
    assert list(result) == list(rm.SOURCES)
    assert {c.status for c in result.values()} == {"ok"}
    assert result["spreiding"].values == {"naam": "Ans & Bas", "aandeel": 50, "stappen": 3, "totaal": 6}  # a tie: both
    for c in result.values():
        assert "Wat is de Impact Roadmap?" in c.source
        for key in (c.title_key, c.explain_key, c.detail_key):
            if key:
                assert key in all_keys("nl") and key in all_keys("en")
                Translator("en")(key, **c.values)


def test_each_check_finds_its_problem():
    steps = list(six().steps)
    steps[1] = step("s1", [])  # no owner
    steps[2] = step("s2", ["oud"])  # removed owner only
    steps[3] = step("s3", ["ans"], skills="", obstacles=())
    steps[4] = step("s4", ["bas"], obstacles=(("geld", ""),), opbrengst="", dient=("weg",))
    result = checks(ImpactRoadmap(steps=steps))
    assert result["eigenaar"].detail_key.endswith(".beide")
    assert result["eigenaar"].values == {"stappen": "2", "verwijderd": "3"}
    assert result["beschreven"].values["stappen"] == "4"
    assert result["belemmeringen"].detail_key.endswith(".geen") and result["belemmeringen"].values["stappen"] == "4"
    assert result["opbrengst"].values["stappen"] == "5"
    assert result["dient_ambitie"].values["stappen"] == "5"
    steps[3] = step("s3", ["ans"])
    result = checks(ImpactRoadmap(steps=steps))
    assert result["belemmeringen"].detail_key.endswith(".oplossing")
    steps[1] = step("s1", ["ans"])
    result = checks(ImpactRoadmap(steps=steps))
    assert result["eigenaar"].detail_key.endswith(".verwijderd") and result["eigenaar"].values["stappen"] == "3"


def test_six_steps_spread_and_the_trekker():
    result = checks(ImpactRoadmap(steps=list(six().steps)[:4]))
    assert result["zes_stappen"].status == "let_op" and result["zes_stappen"].values["aantal"] == 4
    lopsided = six(owners=("ans", "ans", "bas"))
    assert checks(lopsided)["spreiding"].status == "let_op"
    assert checks(lopsided)["spreiding"].detail_key == "roadmap.check.spreiding.een_partij"
    marked = lopsided.model_copy(update={"trekker_partner": "ans"})
    assert checks(marked)["spreiding"].detail_key == "roadmap.check.spreiding.trekker"
    assert checks(marked)["spreiding"].values["aandeel"] == 67
    nobody = ImpactRoadmap(steps=[step("a"), step("b")])
    assert checks(nobody)["spreiding"].detail_key == "roadmap.check.spreiding.niemand"


def test_checks_without_steps_or_ambition():
    result = checks(ImpactRoadmap())
    assert {c.status for c in result.values()} == {"let_op"}
    assert checks(six(), ambition=())["dient_ambitie"].detail_key.endswith("geen_ambitie")


# ------------------------------------------------------------------ combine
def test_combine_is_a_three_way_merge_per_step():
    base = ImpactRoadmap(steps=[step("a"), step("b"), step("c")])
    mine = ImpactRoadmap(steps=[step("a", wat="mijn a"), step("b"), step("m", wat="nieuw van mij")],
                         trekker_partner="ans")
    theirs = ImpactRoadmap(steps=[step("b", wat="hun b"), step("a"), step("c", wat="hun c"), step("t")])
    merged = rm.combine(mine, theirs, base)
    assert [(s.id, s.wat) for s in merged.steps] == [
        ("b", "hun b"), ("a", "mijn a"), ("c", "hun c"), ("t", "Pilot"), ("m", "nieuw van mij")
    ]  # I removed c, they changed it: theirs stays
    assert merged.trekker_partner == "ans"
    assert rm.combine(base, ImpactRoadmap(steps=[step("a")]), base).steps == [step("a")]  # their removals hold


# ------------------------------------------------------------------ exports
def test_rows_and_frame_for_exports():
    roadmap = ImpactRoadmap(steps=[step("a", ["ans", "oud"], start="2026-01", eind="2026-02",
                                        obstacles=(("tijd", "plannen"), ("geld", "")), inzet=[("ans", 10, 2)])])
    rows = roadmap.to_rows({"ans": "Ans", "oud": "Olga"}, {"amb": "Iedereen doet mee"})
    assert rows[0]["eigenaren"] == "Ans, Olga"
    assert rows[0]["belemmeringen"] == "tijd → plannen; geld"
    assert rows[0]["dient"] == "Iedereen doet mee"
    assert (rows[0]["euro"], rows[0]["uren"], rows[0]["start"]) == (10, 2, "2026-01")
    frame = roadmap.to_frame()
    assert list(frame.columns)[:3] == ["stap", "id", "wat"] and frame.loc[0, "eigenaren"] == "ans, oud"


# ------------------------------------------------------------------ figures
def plain(label: str) -> str:
    return label.replace("\u2068", "").replace("\u2069", "")


def test_timeline_is_coloured_by_owner_and_splits_shared_steps():
    from purposecase.figures import NO_OWNER_COLOUR, owner_colours, roadmap_timeline

    roadmap = ImpactRoadmap(
        steps=[
            step("a", ["ans"], wat="Verkennen", start="2026-01", eind="2026-02"),
            step("b", ["ans", "bas"], wat="Pilot", start="2026-03", eind="2026-12"),
            step("c", [], wat="Evalueren", eind="2027-01"),
            step("d", ["bas"], wat="Zonder periode"),
        ]
    )
    names = {"ans": "Ans", "bas": "Bas"}
    colours = owner_colours(["ans", "bas"])
    fig = roadmap_timeline(roadmap, names, colours, title="Tijdlijn", no_owner="niemand")
    by_name = {plain(tr.name): tr for tr in fig.data}  # labels are isolated for bidi (U+2068 … U+2069)
    assert list(by_name) == ["Ans", "Bas", "niemand"]
    assert by_name["Ans"].marker.color == colours["ans"] and by_name["niemand"].marker.color == NO_OWNER_COLOUR
    assert [plain(y) for y in by_name["Ans"].y] == ["1. Verkennen", "2. Pilot"]
    assert list(by_name["Ans"].base) == ["2026-01-01", "2026-03-01"]
    assert by_name["Ans"].x[0] == 59 * 86_400_000  # January and February 2026
    assert list(by_name["Bas"].width) == [0.4] and list(by_name["Bas"].offset) == [0.0]
    assert list(by_name["niemand"].base) == ["2027-01-01"]
    assert [plain(y) for y in fig.layout.yaxis.categoryarray] == ["1. Verkennen", "2. Pilot", "3. Evalueren"]
    tricky = ImpactRoadmap(steps=[step("x", ["ans"], wat="<b>vet</b> & <a href='x'>link</a>", start="2026-01")])
    escaped = roadmap_timeline(tricky, {"ans": "<i>Ans</i>"}, title="t", no_owner="-")
    assert plain(escaped.data[0].y[0]) == "1. &lt;b&gt;vet&lt;/b&gt; &amp; &lt;a href='x'&gt;link&lt;/a&gt;"
    assert plain(escaped.data[0].name) == "&lt;i&gt;Ans&lt;/i&gt;" and "<i>" not in escaped.data[0].customdata[0]
    empty = roadmap_timeline(ImpactRoadmap(steps=[step("a")]), names, title="t", no_owner="-", empty="geen")
    assert not empty.data and empty.layout.annotations[0].text == "geen"


def test_owner_colours_are_stable_and_the_matrix_figure():
    from purposecase.figures import format_number, owner_colours, roadmap_effort_figure

    assert owner_colours(["a", "b"]) == {k: v for k, v in owner_colours(["a", "b", "c"]).items() if k != "c"}
    assert len(set(owner_colours([str(n) for n in range(10)]).values())) == 10
    roadmap = ImpactRoadmap(steps=[step("a", inzet=[("ans", 12500, 7.5)]), step("b", inzet=[("bas", 0, 3)])])
    matrix = rm.effort_matrix(roadmap, ["ans", "bas"])
    fig = roadmap_effort_figure(matrix, {"ans": "Ans", "bas": "Bas"}, title="Inzet", hours_title="Uren",
                                euros_title="Euro", step_labels=["Stap 1", "Stap 2"])
    hours, euros = fig.data
    assert (hours.zmin, hours.zmax, euros.zmax) == (0, 7.5, 12500)  # zero stays white
    assert [plain(y) for y in hours.y] == ["Ans", "Bas"] and [plain(x) for x in hours.x] == ["Stap 1", "Stap 2"]
    assert [list(r) for r in hours.text] == [["7,5", ""], ["", "3"]] and euros.text[0][0] == "€ 12.500"
    assert format_number(12500.5, "en") == "12,500.5" and format_number(3.0) == "3"


# --------------------------------------------------------- store round trip
@pytest.fixture()
def workspace():
    trekker, token = purposecase.create_workspace("Techniekpact")
    ans, ans_token = trekker.add_partner("Ans", "ROC")
    bas, _ = trekker.add_partner("Bas", "Gemeente")
    viewer = purposecase.open_workspace(trekker.new_viewer_link())
    return trekker, purposecase.open_workspace(ans_token), viewer, ans, bas


def test_store_round_trip_history_and_restore(workspace):
    trekker, partner, viewer, ans, bas = workspace
    assert rm.load_roadmap(viewer).base == 0 and rm.load_roadmap(viewer).document is None
    first = ImpactRoadmap(steps=[step("a", [ans.id], inzet=[(ans.id, 100, 2)])])
    saved = rm.save_roadmap(trekker, first, base=0, note="eerste opzet")
    assert saved.base == 1
    for session in (trekker, partner, viewer):
        assert rm.load_roadmap(session).roadmap == first
    second = ImpactRoadmap(steps=[*first.steps, step("b", [bas.id])], trekker_partner=ans.id)
    rm.save_roadmap(trekker, second, base=1)
    history = rm.roadmap_history(viewer)
    assert [(h.number, h.author, h.note) for h in history] == [(2, "trekker", None), (1, "trekker", "eerste opzet")]
    assert rm.roadmap_revision(partner, 1) == first
    restored = rm.restore_roadmap(trekker, 1, base=2)
    assert restored.base == 3 and restored.roadmap == first
    assert rm.roadmap_history(trekker)[0].note == "hersteld uit revisie 1"
    assert len(trekker.store.documents(trekker.workspace_id, rm.ROADMAP)) == 1


def test_conflict_carries_their_version_and_update_reapplies(workspace):
    from purposecase.store import ConflictError

    trekker, *_ , ans, bas = workspace
    rm.save_roadmap(trekker, ImpactRoadmap(steps=[step("a", [ans.id])]), base=0)
    rm.save_roadmap(trekker, ImpactRoadmap(steps=[step("a", [ans.id]), step("b", [bas.id])]), base=1)
    with pytest.raises(ConflictError) as info:
        rm.save_roadmap(trekker, ImpactRoadmap(steps=[step("c", [ans.id])]), base=1)
    assert ImpactRoadmap.from_content(info.value.theirs.content).steps[1].id == "b"
    loaded = rm.update_roadmap(trekker, lambda r: r.model_copy(update={"steps": [*r.steps, step("c", [ans.id])]}))
    assert [s.id for s in loaded.roadmap.steps] == ["a", "b", "c"] and loaded.base == 3


def test_roles_partners_and_viewers_do_not_write(workspace):
    from purposecase.store import InvalidInput
    from purposecase.workspace import Forbidden

    trekker, partner, viewer, ans, _ = workspace
    before = len(viewer.store.documents(viewer.workspace_id))
    for session in (partner, viewer):
        with pytest.raises(Forbidden):
            rm.save_roadmap(session, ImpactRoadmap(), base=0)
        with pytest.raises(Forbidden):
            rm.update_roadmap(session, lambda r: r)
        rm.load_roadmap(session)
        rm.roadmap_reactions(session)
    assert len(viewer.store.documents(viewer.workspace_id)) == before  # reading created nothing
    with pytest.raises(InvalidInput, match="not in this workspace"):
        rm.save_roadmap(trekker, ImpactRoadmap(steps=[step("a", ["onbekend"])]), base=0)
    rm.save_roadmap(trekker, ImpactRoadmap(steps=[step("a", [ans.id])]), base=0)
    with pytest.raises(Forbidden):
        rm.restore_roadmap(partner, 1, base=1)


def test_partner_reactions(workspace):
    from purposecase.store import InvalidInput
    from purposecase.workspace import Forbidden

    trekker, partner, viewer, ans, _ = workspace
    rm.react_to_step(partner, "a", "akkoord", " Wij pakken dit op ")
    rm.react_to_step(partner, "b", "vraag")
    assert rm.roadmap_reactions(viewer) == {
        ans.id: {"a": {"soort": "akkoord", "opmerking": "Wij pakken dit op"}, "b": {"soort": "vraag", "opmerking": ""}}
    }
    rm.react_to_step(partner, "b", None)
    assert list(rm.roadmap_reactions(trekker)[ans.id]) == ["a"]
    with pytest.raises(Forbidden):
        rm.react_to_step(trekker, "a", "akkoord")
    with pytest.raises(InvalidInput):
        rm.react_to_step(partner, "a", "misschien")
    with pytest.raises(InvalidInput):
        rm.react_to_step(partner, "a", "vraag", "x" * 501)
    with pytest.raises(InvalidInput):
        rm.react_to_step(partner, "<script>", "vraag")


def test_removed_partner_keeps_the_step_in_the_store(workspace):
    trekker, _, viewer, ans, bas = workspace
    rm.save_roadmap(trekker, ImpactRoadmap(steps=[step("a", [ans.id]), step("b", [bas.id])]), base=0)
    trekker.remove_partner(ans.id)
    loaded = rm.load_roadmap(viewer)
    assert [s.id for s in loaded.roadmap.steps] == ["a", "b"]
    active = [p.id for p in viewer.partners()]
    assert rm.flagged_steps(loaded.roadmap, active) == {"a"}
    rows = rm.roadmap_rows(viewer)
    assert rows["stappen"][0]["eigenaren"] == "Ans"  # a removed partner keeps their name
    assert {r["partner"] for r in rows["inzet"]} == {"Bas"}  # effort rows: the active partners


def test_progress_counts_the_roadmap(workspace):
    from purposecase.progress import workspace_progress

    trekker, *_ , ans, _ = workspace
    before = {p.step: p.state for p in workspace_progress(trekker)}
    rm.save_roadmap(trekker, ImpactRoadmap(steps=[step("a", [ans.id])]), base=0)
    after = {p.step: p.state for p in workspace_progress(trekker)}
    assert before[5] == "niet_begonnen" and after[5] == "bezig"
