"""The health-check rules: one passing and one failing example each, and the ten publication cases."""

import pytest

from purposecase import puzzle
from purposecase.checks import SOURCES, is_financial, run_checks
from purposecase.examples import list_cases
from purposecase.model import Item, PurposeCase, SharedCase
from purposecase.pieces import PIECE_KEYS


def case(**pieces) -> PurposeCase:
    full = {k: [Item(text=f"iets voor {k}")] for k in PIECE_KEYS}
    for k, v in pieces.items():
        full[k] = [x if isinstance(x, Item) else Item(text=x) for x in v]
    return PurposeCase(slug="proef", title="Proef", pieces=full)


def status(c, rule, **kw):
    return next(r for r in run_checks(c, **kw) if r.id == rule)


FIN = Item(text="Besparing op wervingskosten", kind="financieel")
NONFIN = Item(text="Minder uitval", kind="niet-financieel")

CASES = {
    "alle_stukken": (case(), case(middelen=[])),
    "impact_kort": (
        case(impact=["Iedereen doet mee"]),
        case(impact=["Door middel van de implementatie van synergie tussen stakeholders realiseren we KPI's"]),
    ),
    "opbrengsten_soorten": (case(opbrengsten=[FIN, NONFIN]), case(opbrengsten=[NONFIN, "Betere sfeer"])),
    "partners_geven_nemen": (
        case(intenties=[Item(text="x", partner="RET")], inbreng=[Item(text="y", partner="RET")]),
        case(intenties=[Item(text="x", partner="RET")], inbreng=[Item(text="y", partner="DAM")]),
    ),
    "doelgroep_waarde": (
        case(doelgroepen=["A", "B"], waarde=["a", "b"]),
        case(doelgroepen=["A", "B", "C"], waarde=["a"]),
    ),
    "continuiteit_na_subsidie": (
        case(continuiteit=["Structurele partnerbijdrage van alle partners"]),
        case(continuiteit=["Nieuwe subsidie aanvragen"]),
    ),
    "consequenties_gevuld": (case(), case(consequenties=[])),
}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_each_rule_passes_and_fails(rule):
    good, bad = CASES[rule]
    assert status(good, rule).status == "ok"
    assert status(bad, rule).status == "let_op"
    assert SOURCES[rule]


def test_every_rule_has_an_example():
    assert set(CASES) == set(SOURCES)


def test_impact_too_many_and_too_long():
    assert status(case(impact=["a", "b", "c"]), "impact_kort").detail["reden"] == "te_veel"
    assert status(case(impact=[" ".join(["woord"] * 31)]), "impact_kort").detail["reden"] == "te_lang"


def test_money_words_count_when_no_kind_is_set():
    assert (
        status(case(opbrengsten=["€ 20.000 besparing per jaar", "Trots op de regio"]), "opbrengsten_soorten").status
        == "ok"
    )


def test_workspace_partners_need_intenties_and_inbreng_in_the_shared_case():
    shared = puzzle.adopt("intenties", "x", ["a"], ["Ans"])(SharedCase())
    shared = puzzle.adopt("inbreng", "y", ["a"], ["Ans"])(shared)
    c = shared.as_case("Proef")
    partners = [("a", "Ans"), ("b", "Bas")]
    result = status(c, "partners_geven_nemen", shared=shared, partners=partners)
    assert result.status == "let_op" and result.detail["ontbreekt"] == ["Bas"]
    assert status(c, "partners_geven_nemen", shared=shared, partners=partners[:1]).status == "ok"


def test_set_aside_carries_the_reason():
    shared = puzzle.set_aside("consequenties_gevuld", "komt in de volgende sessie")(SharedCase())
    result = status(shared.as_case("Proef"), "consequenties_gevuld", shared=shared)
    assert result.status == "let_op" and result.set_aside == "komt in de volgende sessie"


# Reviewed by hand against each case's canvas (see the case files):
# - no case labels a return as financial or uses money words, so opbrengsten_soorten is 'let_op' everywhere —
#   the publication's cases name non-financial returns; the rule asks the group to discuss the financial side;
# - partners_geven_nemen flags cases whose intenties/inbreng carry partner labels that do not match
#   (e.g. CIV Water: "Team" has intentions, "Onderwijs"/"Watersector" bring contributions);
# - doelgroep_waarde: CIV Water (3 groups, 1 value 'Idem Purpose Case'), Entree (7 groups, 1 value),
#   Ontwikkelfonds (4 groups, 2 values);
# - continuiteit: CIV Water, Doorstroom, Lerende Regio describe activities, not how it is carried; Entree's
#   continuity is anchored in a practoraat (a carrier: ok); Ontwikkelfonds says financial continuity is
#   still to be worked out; Lingewaard's box holds only "x".
EXPECTED = {
    "civ-water": {"opbrengsten_soorten", "partners_geven_nemen", "doelgroep_waarde", "continuiteit_na_subsidie"},
    "doorstroom-op-zuid": {"opbrengsten_soorten", "partners_geven_nemen", "continuiteit_na_subsidie"},
    "entree-in-beweging": {"opbrengsten_soorten", "doelgroep_waarde"},
    "house-of-hospitality": {"opbrengsten_soorten"},
    "lerende-regio-voor-zorg-en-welzijn": {"opbrengsten_soorten", "partners_geven_nemen", "continuiteit_na_subsidie"},
    "living-lab-esports": {"opbrengsten_soorten"},
    "living-lab-lingewaard": {"opbrengsten_soorten", "continuiteit_na_subsidie"},
    "ontwikkelfonds": {"opbrengsten_soorten", "doelgroep_waarde", "continuiteit_na_subsidie"},
    "u-tech-community": {"opbrengsten_soorten", "partners_geven_nemen"},
    "zeeuwse-ict-contexten": {"opbrengsten_soorten", "partners_geven_nemen"},
}


@pytest.mark.parametrize("c", list_cases(), ids=lambda c: c.slug)
def test_the_ten_publication_cases(c):
    results = run_checks(c)
    assert [r.id for r in results] == list(SOURCES)
    assert {r.id for r in results if r.status == "let_op"} == EXPECTED[c.slug]
    assert all(r.status in ("ok", "let_op") for r in results)


@pytest.mark.parametrize(
    "text",
    ["Extra rijksbekostiging voor de opleiding: 400.000", "€400k per jaar", "1,2 mln euro", "400k structureel",
     "2 miljoen voor de regio", "EUR 5.000 per deelnemer"],
)
def test_amounts_count_as_financial_returns(text):
    """Issue 18: an amount is a financial return, with or without a money word beside it."""
    assert is_financial(text)
    assert status(case(opbrengsten=[text, "Trots op de regio"]), "opbrengsten_soorten").status == "ok"


@pytest.mark.parametrize("text", ["1.000 leerlingen bereikt", "20 stageplekken in 2025", "Trots op de regio"])
def test_counts_and_years_are_not_amounts(text):
    assert not is_financial(text)
