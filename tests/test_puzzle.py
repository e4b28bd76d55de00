"""Step 3 pure functions: grouping near-duplicates, adopting/merging with origin, give and take."""

import pytest

from purposecase import puzzle
from purposecase.examples import load_case
from purposecase.model import Item, PartnerDraft, SharedCase
from purposecase.pieces import PIECE_KEYS
from purposecase.puzzle import PartnerRef, build_board, give_and_take, group_similar, similarity


def draft(**pieces) -> PartnerDraft:
    data = {k: [] for k in PIECE_KEYS}
    data.update({k: [Item(text=v) if isinstance(v, str) else v for v in vs] for k, vs in pieces.items()})
    return PartnerDraft(pieces=data)


ANS, BAS, CEM = PartnerRef("a", "Ans", "ROC"), PartnerRef("b", "Bas", "Bouw BV"), PartnerRef("c", "Cem", "Gemeente")


def texts(groups):
    return [[e.item.text for e in g] for g in groups]


@pytest.mark.parametrize(
    "a,b",
    [
        ("Meer stageplekken in de regio", "stageplekken in de regio, meer graag"),
        ("Voldoende gekwalificeerd en goed opgeleid personeel", "voldoende goed opgeleid en gekwalificeerd personeel!"),
        ("Continuïteit van de samenwerking na de subsidie", "continuiteit van samenwerking na subsidie"),
        ("Studenten", "studenten"),
    ],
)
def test_near_duplicates_are_similar(a, b):
    assert similarity(a, b) >= puzzle.SIMILARITY_THRESHOLD


@pytest.mark.parametrize(
    "a,b",
    [
        ("Werkenden", "Niet-werkenden"),
        ("Werkenden", "Werkzoekenden"),
        (
            "Goede aansluiting onderwijs - arbeidsmarkt",
            "Hybride leer- & werkomgevingen in Z&W-organisaties als resultaat van de verbeterde aansluiting "
            "arbeidsmarkt-onderwijs",
        ),
        ("Behouden en aantrekken talent voor de regio.", "ICT-talent opleiden en behouden voor de regio Utrecht"),
    ],
)
def test_different_items_are_not_grouped(a, b):
    assert similarity(a, b) < puzzle.SIMILARITY_THRESHOLD


def test_the_ten_cases_have_no_accidental_duplicates_across_collaborations():
    slugs = [
        "house-of-hospitality",
        "civ-water",
        "ontwikkelfonds",
        "u-tech-community",
        "lerende-regio-voor-zorg-en-welzijn",
    ]
    drafts = [(PartnerRef(s, s), PartnerDraft(pieces=load_case(s).pieces)) for s in slugs]
    board = build_board(drafts, SharedCase())
    multi = [g for groups in board.values() for g in groups if len(g.entries) > 1]
    assert multi == []


def test_grouping_from_case_wordings_rephrased_by_partners():
    hoh = load_case("house-of-hospitality")
    original = hoh.items("doelgroepen")[0].text  # "Bezoekers, bewoners en bedrijven"
    drafts = [
        (ANS, draft(doelgroepen=[original, "Studenten"])),
        (BAS, draft(doelgroepen=["bewoners, bezoekers en bedrijven", "Hospitality professionals"])),
        (CEM, draft(doelgroepen=["studenten", "Gemeenteraad"])),
    ]
    groups = build_board(drafts, SharedCase())["doelgroepen"]
    assert texts([g.entries for g in groups]) == [
        [original, "bewoners, bezoekers en bedrijven"],
        ["Studenten", "studenten"],
        ["Hospitality professionals"],
        ["Gemeenteraad"],
    ]
    assert groups[0].partner_names == ["Ans", "Bas"]


def test_single_linkage_and_every_entry_once():
    entries = puzzle.board_entries(
        [
            (ANS, draft(impact=["een inclusieve arbeidsmarkt in de regio", "iets heel anders"])),
            (BAS, draft(impact=["inclusieve arbeidsmarkt in onze regio"])),
            (CEM, draft(impact=["een inclusieve arbeidsmarkt in onze mooie regio"])),
        ]
    )["impact"]
    groups = group_similar(entries)
    assert sorted(len(g) for g in groups) == [1, 3]
    assert sum(len(g) for g in groups) == len(entries)


def test_empty_input():
    assert group_similar([]) == []
    assert all(v == [] for v in build_board([], SharedCase()).values())


def test_adopt_keeps_origin_and_marks_the_group():
    drafts = [(ANS, draft(impact=["Iedereen doet mee"])), (BAS, draft(impact=["iedereen doet mee!"]))]
    board = build_board(drafts, SharedCase())
    group = board["impact"][0]
    shared = puzzle.adopt_group(group, item_id="i1")(SharedCase())
    item = shared.items("impact")[0]
    assert item.origin == ["a", "b"] and item.origin_names == ["Ans", "Bas"]
    assert build_board(drafts, shared)["impact"][0].adopted
    # re-applying the same adoption (a conflict retry) does not duplicate it
    assert puzzle.adopt_group(group, item_id="i1")(shared) == shared


def test_merge_edit_move_remove_agree():
    shared = SharedCase()
    for n, (text, who) in enumerate([("een", ANS), ("twee", BAS), ("drie", CEM)]):
        shared = puzzle.adopt("waarde", text, [who.id], [who.name], item_id=f"i{n}")(shared)
    shared = puzzle.set_beneficiaries("waarde", "i1", ["a"])(shared)
    merged = puzzle.merge("waarde", ["i0", "i1"], "een en twee")(shared)
    first = merged.items("waarde")[0]
    assert first.id == "i0" and first.text == "een en twee" and first.origin == ["a", "b"] and first.voor == ["a"]
    assert [i.id for i in merged.items("waarde")] == ["i0", "i2"]
    edited = puzzle.edit("waarde", "i2", "drie!")(merged)
    assert edited.items("waarde")[1].text == "drie!" and edited.items("waarde")[1].origin == ["c"]
    moved = puzzle.move("waarde", "i2", -1)(edited)
    assert [i.id for i in moved.items("waarde")] == ["i2", "i0"]
    assert puzzle.move("waarde", "i2", -1)(moved) == moved
    removed = puzzle.remove("waarde", "i0")(moved)
    assert [i.id for i in removed.items("waarde")] == ["i2"]
    agreed = puzzle.set_agreed("waarde", True)(removed)
    assert agreed.status("waarde") == "akkoord" and agreed.status("impact") == "leeg"
    assert puzzle.set_agreed("waarde", False)(agreed).status("waarde") == "in_bespreking"
    aside = puzzle.set_aside("impact_kort", "bewust lang")(agreed)
    assert aside.set_aside["impact_kort"].reason == "bewust lang"
    assert "impact_kort" not in puzzle.set_aside("impact_kort", None)(aside).set_aside


def test_shared_case_survives_a_round_trip():
    shared = puzzle.adopt("inbreng", "Twee docenten", ["a"], ["Ans"], kind="in_kind", item_id="x")(SharedCase())
    shared = puzzle.set_beneficiaries("inbreng", "x", ["b"])(shared)
    assert SharedCase.from_content(shared.to_content()) == shared


def test_give_and_take_points_out_one_sided_partners():
    shared = SharedCase()
    shared = puzzle.adopt("inbreng", "Docenten", ["a"], ["Ans"], item_id="g1")(shared)
    shared = puzzle.adopt("intenties", "Talent", ["a"], ["Ans"], item_id="g2")(shared)
    shared = puzzle.adopt("opbrengsten", "Minder uitval", [], [], item_id="o1")(shared)
    shared = puzzle.set_beneficiaries("opbrengsten", "o1", ["a", "c"])(shared)
    drafts = {"b": draft(inbreng=["Stageplekken"], intenties=["Personeel"])}
    rows = {r.partner: r for r in give_and_take([ANS, BAS, CEM], shared, drafts)}
    assert list(rows) == ["ROC", "Bouw BV", "Gemeente"]  # organisations, not contact persons
    assert rows["ROC"].balance == "beide" and rows["ROC"].inbreng == ["Docenten"]
    assert rows["ROC"].krijgt == [("opbrengsten", "Minder uitval")]
    assert rows["Bouw BV"].balance == "alleen_geven" and rows["Bouw BV"].inbreng == ["Stageplekken"]  # from the draft
    assert rows["Gemeente"].balance == "alleen_krijgen"
    assert give_and_take([PartnerRef("d", "Dirk")], shared)[0].balance == "geen"
    assert give_and_take([PartnerRef("d", "Dirk")], shared)[0].partner == "Dirk"  # no organisation: the name


def test_give_and_take_defaults_and_middelen():
    shared = puzzle.adopt("waarde", "Goed opgeleide mensen", ["a"], ["Ans"], item_id="w1")(SharedCase())
    shared = puzzle.adopt("middelen", "Een leslokaal", ["b"], ["Bas"], item_id="m1")(shared)
    shared = puzzle.adopt("opbrengsten", "Subsidie", ["a", "b"], ["Ans", "Bas"], item_id="o1")(shared)
    rows = {r.partner_id: r for r in give_and_take([ANS, BAS, CEM], shared)}
    # without "voor wie" an item goes to the organisations it came from
    assert rows["a"].krijgt == [("opbrengsten", "Subsidie"), ("waarde", "Goed opgeleide mensen")]
    assert rows["b"].middelen == ["Een leslokaal"] and rows["b"].balance == "beide"
    # one click later it is for someone else, or for a target group: the default no longer applies
    shared = puzzle.set_beneficiaries("waarde", "w1", ["c", f"{puzzle.TARGET_GROUP}d1"])(shared)
    rows = {r.partner_id: r for r in give_and_take([ANS, BAS, CEM], shared)}
    assert rows["a"].krijgt == [("opbrengsten", "Subsidie")]
    assert rows["c"].krijgt == [("waarde", "Goed opgeleide mensen")] and rows["c"].balance == "alleen_krijgen"
    from purposecase.figures import give_and_take_items

    shared = puzzle.adopt("doelgroepen", "Studenten", [], [], item_id="d1")(shared)
    items = {i.text: i for i in give_and_take_items(shared, {"a": "ROC", "b": "Bouw BV", "c": "Gemeente"})}
    assert items["Goed opgeleide mensen"].recipients == ("Gemeente", "Studenten")
    assert items["Subsidie"].recipients == ("ROC", "Bouw BV") and items["Een leslokaal"].givers == ("Bouw BV",)


def test_give_and_take_figure_has_givers_initiative_and_recipients():
    from purposecase.figures import give_and_take_figure, give_and_take_items

    shared = puzzle.set_beneficiaries("opbrengsten", "o", ["b"])(
        puzzle.adopt("opbrengsten", "Omzet", [], [], item_id="o")(
            puzzle.adopt("inbreng", "Geld", ["a"], ["Ans"])(SharedCase())
        )
    )
    items = give_and_take_items(shared, {"a": "ROC", "b": "Bouw BV"})
    fig = give_and_take_figure(items, title="T", initiative="Pact", piece_names={}, unassigned="-",
                               gives="Geeft", gets="Krijgt")
    node = fig.data[0].node
    labels = [x.replace("\u2068", "").replace("\u2069", "") for x in node.label]
    assert labels == ["Pact", "ROC: 1 inbreng", "Bouw BV: 1 opbrengsten"]
    assert list(fig.data[0].link.value) == [1, 1]
    assert list(fig.data[0].link.target)[0] == 0 and list(fig.data[0].link.source)[1] == 0  # in and out


def test_a_merge_keeps_every_text_and_marks_every_source_adopted():
    from purposecase.puzzle import build_board, merged_text

    assert merged_text(["Stageplekken", "Minder uitval", "stageplekken!"]) == "Stageplekken / Minder uitval"
    drafts = [(ANS, draft(waarde=["Stageplekken in de regio"])), (BAS, draft(waarde=["Minder uitval van studenten"]))]
    shared = SharedCase()
    for n, group in enumerate(build_board(drafts, shared)["waarde"]):
        shared = puzzle.adopt_group(group, item_id=f"i{n}")(shared)
    merged = puzzle.merge("waarde", ["i0", "i1"])(shared)
    assert merged.items("waarde")[0].text == "Stageplekken in de regio / Minder uitval van studenten"
    assert all(g.adopted for g in build_board(drafts, merged)["waarde"])  # no source can be adopted twice
    other = puzzle.adopt("waarde", "Stageplekken in de regio / iets", [], [], item_id="x")(SharedCase())
    assert not build_board(drafts, other)["waarde"][0].adopted  # containment counts only from the same partner


def test_give_and_take_defaults_to_the_organisation_it_came_from():
    shared = puzzle.adopt("waarde", "Stageplekken", ["a"], ["ROC"], item_id="w")(SharedCase())
    item = shared.items("waarde")[0]
    assert puzzle.recipients(item) == ("a",)  # default: where it came from
    shared = puzzle.set_beneficiaries("waarde", "w", ["b", "doelgroep:d1"])(shared)
    assert puzzle.recipients(shared.items("waarde")[0]) == ("b", "doelgroep:d1")
    rows = {r.partner_id: r for r in give_and_take([ANS, BAS], shared)}
    assert rows["a"].krijgt == [] and rows["b"].krijgt == [("waarde", "Stageplekken")]
    # a merge keeps a default recipient next to an explicit one
    shared = puzzle.adopt("waarde", "Minder uitval", ["c"], ["Gemeente"], item_id="v")(shared)
    merged = puzzle.merge("waarde", ["w", "v"])(shared)
    assert merged.items("waarde")[0].voor == ["b", "doelgroep:d1", "c"]


def test_group_similar_scores_pair_by_pair_like_the_matrices():
    """Small boards are scored pair by pair (no numpy import), large ones with cdist: both give the same groups."""
    import random

    from purposecase import puzzle

    rng = random.Random(7)
    words = ["school", "zorg", "wijk", "energie", "buurt", "jongeren", "werk", "kennis", "samen", "gemeente"]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 6))) for _ in range(60)]
    texts += ["Werkenden", "Niet-werkenden", "Meer jongeren aan het werk", "meer jongeren aan 't werk!"]
    entries = [
        puzzle.BoardEntry(f"p{n % 5}", f"P{n % 5}", "", "impact", n, Item(text=text)) for n, text in enumerate(texts)
    ]

    def ids(groups):
        return [[e.position for e in g] for g in groups]

    pairwise = ids(group_similar(entries))
    try:
        puzzle.PAIRWISE_MAX, saved = 0, puzzle.PAIRWISE_MAX
        matrices = ids(group_similar(entries))
    finally:
        puzzle.PAIRWISE_MAX = saved
    assert pairwise == matrices
    assert any(len(g) > 1 for g in pairwise) and any(len(g) == 1 for g in pairwise)
    group_of = {i: g for g in pairwise for i in g}
    assert texts.index("meer jongeren aan 't werk!") in group_of[texts.index("Meer jongeren aan het werk")]
    assert texts.index("Niet-werkenden") not in group_of[texts.index("Werkenden")]


def test_grouping_a_board_does_not_import_numpy():
    """A live page's first share must not pay numpy's import (~0.7 s with nine kernels on two cores)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from purposecase import puzzle\n"
        "from purposecase.model import Item\n"
        "e = [puzzle.BoardEntry('p', 'P', '', 'impact', n, Item(text=t)) for n, t in enumerate(['a b c', 'a b c d'])]\n"
        "assert len(puzzle.group_similar(e)) == 1\n"
        "print('numpy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
