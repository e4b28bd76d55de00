import json

import pytest

from purposecase.model import CaseFileError, Item, PurposeCase, compare
from purposecase.pieces import PIECE_KEYS


def make_case(**pieces) -> PurposeCase:
    data = {k: [] for k in PIECE_KEYS}
    data.update(pieces)
    return PurposeCase(slug="proef-case", title="Proef", pieces=data)


def sample() -> PurposeCase:
    return make_case(
        impact=[Item(text="Iedereen doet mee — ĳs, ë, ï, € en 🚲")],
        partners=[Item(text="vervoersvraag op Noordereiland", partner="RET")],
        opbrengsten=[Item(text="minder uitval", kind="niet-financieel"), Item(text="omzet", kind="financieel")],
        inbreng=[Item(text="<script>alert(1)</script>", kind="in_kind")],
    )


def test_yaml_round_trip():
    case = sample()
    again = PurposeCase.from_yaml(case.to_yaml())
    assert again == case


def test_json_round_trip():
    case = sample()
    again = PurposeCase.from_json(case.to_json())
    assert again == case
    assert "ĳs" in case.to_json()  # non-ASCII kept, not escaped


def test_file_round_trip(tmp_path):
    case = sample()
    (tmp_path / "c.yaml").write_text(case.to_yaml(), encoding="utf-8")
    (tmp_path / "c.json").write_text(case.to_json(), encoding="utf-8")
    assert PurposeCase.from_file(tmp_path / "c.yaml") == case
    assert PurposeCase.from_file(tmp_path / "c.json") == case


def test_pieces_are_in_canvas_order_whatever_the_input_order():
    data = sample().to_dict()
    data["pieces"] = dict(reversed(list(data["pieces"].items())))
    assert list(PurposeCase.from_dict(data).pieces) == list(PIECE_KEYS)


def test_label_shows_partner():
    assert Item(text="x", partner="RET").label() == "RET: x"
    assert Item(text="x").label() == "x"


def load_error(text: str, name="voorbeeld.yaml") -> CaseFileError:
    with pytest.raises(CaseFileError) as info:
        PurposeCase.from_yaml(text, source=name)
    return info.value


def base_yaml(extra: str = "", pieces: dict | None = None) -> str:
    pieces = pieces or {k: [] for k in PIECE_KEYS}
    return "slug: proef\ntitle: Proef\n" + extra + "pieces: " + json.dumps(pieces) + "\n"


def test_unknown_key_names_file_and_field():
    err = load_error(base_yaml("kleur: rood\n"))
    assert "voorbeeld.yaml" in str(err)
    assert [(p.field, p.code) for p in err.problems] == [("kleur", "unknown_field")]


def test_unknown_item_field_names_the_path():
    pieces = {k: [] for k in PIECE_KEYS}
    pieces["impact"] = [{"text": "x", "partnr": "RET"}]
    err = load_error(base_yaml(pieces=pieces))
    assert err.problems[0].field == "pieces.impact.0.partnr"
    assert err.problems[0].code == "unknown_field"


def test_missing_piece_is_named():
    pieces = {k: [] for k in PIECE_KEYS if k != "middelen"}
    err = load_error(base_yaml(pieces=pieces))
    assert err.problems[0].code == "missing_piece"
    assert "middelen" in str(err)


def test_unknown_piece_is_named():
    pieces = {k: [] for k in PIECE_KEYS}
    pieces["missie"] = []
    err = load_error(base_yaml(pieces=pieces))
    assert any(p.code == "unknown_piece" and "missie" in p.field for p in err.problems)


def test_wrong_type_names_field():
    err = load_error(base_yaml("sdgs: veel\n"))
    assert err.problems[0].field == "sdgs"
    assert err.problems[0].code == "wrong_type"


def test_sdg_out_of_range():
    err = load_error(base_yaml("sdgs: [18]\n"))
    assert err.problems[0].field == "sdgs.0"


def test_broken_yaml_names_line():
    err = load_error("slug: proef\n title: [kapot\n")
    assert err.problems[0].code == "yaml"
    assert "line 2" in str(err)


def test_broken_json_names_line():
    with pytest.raises(CaseFileError) as info:
        PurposeCase.from_json('{"slug": "x",\n "title": }', source="x.json")
    assert info.value.problems[0].code == "json"
    assert "line 2" in str(info.value) and "x.json" in str(info.value)


def test_top_level_must_be_mapping():
    err = load_error("- een\n- lijst\n")
    assert err.problems[0].code == "not_mapping"


def test_yaml_python_tags_are_refused():
    err = load_error("!!python/object/apply:os.system ['echo hi']\n")
    assert err.problems[0].code == "yaml"


def test_empty_and_too_long_item_text():
    pieces = {k: [] for k in PIECE_KEYS}
    pieces["impact"] = [{"text": "   "}, {"text": "x" * 2001}]
    err = load_error(base_yaml(pieces=pieces))
    assert [p.code for p in err.problems] == ["empty", "too_long"]


def test_kind_must_fit_the_piece():
    with pytest.raises(ValueError):
        make_case(impact=[Item(text="x", kind="financieel")])


def test_records_are_immutable():
    case = sample()
    with pytest.raises(Exception):
        case.title = "anders"


def test_unreadable_file(tmp_path):
    with pytest.raises(CaseFileError) as info:
        PurposeCase.from_file(tmp_path / "bestaat-niet.yaml")
    assert info.value.problems[0].code == "read"


def test_to_frame_rows_and_columns():
    frame = sample().to_frame()
    assert list(frame.columns) == ["piece", "item", "partner", "kind"]
    assert len(frame) == 5
    row = frame[frame.partner == "RET"].iloc[0]
    assert row["piece"] == "partners" and row["item"] == "vervoersvraag op Noordereiland"
    assert set(frame[frame.piece == "opbrengsten"].kind) == {"financieel", "niet-financieel"}


def test_compare_lines_up_all_eleven_pieces():
    a = sample()
    b = make_case(impact=[Item(text="anders")])
    rows = compare(a, b)
    assert [r.key for r in rows] == list(PIECE_KEYS)
    impact = rows[0]
    assert impact.left[0].text.startswith("Iedereen") and impact.right[0].text == "anders"
    assert rows[PIECE_KEYS.index("partners")].right == []
