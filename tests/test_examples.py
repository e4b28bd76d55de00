import shutil

import pytest

from purposecase.examples import cases_dir, list_cases, load_case, load_catalogue, search
from purposecase.pieces import PIECE_KEYS

CASES = list_cases()


def test_ten_cases_load_without_errors():
    catalogue = load_catalogue()
    assert catalogue.errors == ()
    assert len(catalogue.cases) == 10
    assert len({c.slug for c in CASES}) == 10


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.slug)
def test_case_is_complete(case):
    assert list(case.pieces) == list(PIECE_KEYS)
    for key in ("impact", "partners", "doelgroepen"):
        assert case.items(key), f"{case.slug} has no {key}"
    for _, item in case.all_items():
        assert item.text.strip()
    assert case.sector and case.summary and case.quote
    assert case.interviewees and all(i.name and i.role for i in case.interviewees)
    assert case.source is not None and case.source.publisher == "Katapult"
    assert case.source.publication == "Maatschappelijke uitdagingen los je samen op!"
    assert case.slug == (cases_dir() / f"{case.slug}.yaml").stem


def test_summary_is_our_own_words():
    """Two or three sentences, and no long verbatim run from the interview text."""
    for case in CASES:
        sentences = [s for s in case.summary.replace("!", ".").replace("?", ".").split(".") if s.strip()]
        assert 2 <= len(sentences) <= 4, case.slug


def test_load_case_by_slug():
    case = load_case("house-of-hospitality")
    assert case.title == "House of Hospitality"
    assert case.items("impact")[0].text == "De metropoolregio Amsterdam is de meest gastvrije regio van Europa"
    with pytest.raises(KeyError):
        load_case("bestaat-niet")


def test_search_finds_a_known_phrase_in_the_right_case_and_piece():
    hits = search("meest gastvrije regio")
    assert [(h.slug, h.piece) for h in hits] == [("house-of-hospitality", "impact")]
    start, end = hits[0].spans[0]
    assert hits[0].text[start:end] == "meest gastvrije regio"


def test_search_is_case_and_accent_insensitive():
    lower = search("continuiteit")
    upper = search("CONTINUÏTEIT")
    assert [(h.slug, h.piece, h.text) for h in lower] == [(h.slug, h.piece, h.text) for h in upper]


def test_search_spans_survive_accents():
    from purposecase.model import Item, PurposeCase

    data = {k: [] for k in PIECE_KEYS}
    data["waarde"] = [Item(text="Financiële én niet-financiële waarde")]
    case = PurposeCase(slug="x", title="X", pieces=data)
    hit = search("financiele", [case])[0]
    assert [hit.text[a:b] for a, b in hit.spans] == ["Financiële", "financiële"]


def test_blank_search_has_no_hits():
    assert search("   ") == []


def test_search_over_mbo_spans_several_cases():
    hits = search("mbo")
    assert len({h.slug for h in hits}) >= 3


def test_a_broken_file_does_not_stop_the_others(tmp_path):
    for path in sorted(cases_dir().glob("*.yaml"))[:3]:
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "kapot.yaml").write_text("slug: kapot\n title: [\n", encoding="utf-8")
    (tmp_path / "onbekend.yaml").write_text(
        (cases_dir() / "house-of-hospitality.yaml")
        .read_text(encoding="utf-8")
        .replace("slug: house-of-hospitality", "slug: hoh2\nkleur: rood"),
        encoding="utf-8",
    )
    catalogue = load_catalogue(tmp_path)
    assert len(catalogue.cases) == 3
    problems = {e.source.rsplit("/", 1)[-1]: e.problems for e in catalogue.errors}
    assert problems["kapot.yaml"][0].code == "yaml"
    assert problems["onbekend.yaml"][0].field == "kleur"


def test_duplicate_slug_is_reported(tmp_path):
    src = cases_dir() / "house-of-hospitality.yaml"
    shutil.copy(src, tmp_path / "a.yaml")
    shutil.copy(src, tmp_path / "b.yaml")
    catalogue = load_catalogue(tmp_path)
    assert len(catalogue.cases) == 1
    assert catalogue.errors[0].problems[0].code == "duplicate"


def test_sectors_are_spelled_consistently():
    sectors = {c.sector for c in CASES}
    assert len({s.casefold() for s in sectors}) == len(sectors)
    assert sectors == {"Hospitality", "Water", "Sport & Bewegen", "Techniek", "Mobiliteit", "Zorg en Welzijn", "ICT"}


def test_search_ignores_the_kind_of_apostrophe():
    straight, curly = search("ICT'ers"), search("ICT’ers")
    assert straight and [(h.slug, h.piece) for h in straight] == [(h.slug, h.piece) for h in curly]
