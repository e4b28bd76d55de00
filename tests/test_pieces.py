import re

from purposecase.pieces import PIECE_KEYS, PIECES, get_piece, pieces_in_group


def contrast(a: str, b: str) -> float:
    def lum(h):
        r, g, b_ = (int(h[i : i + 2], 16) / 255 for i in (1, 3, 5))
        f = lambda c: c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4  # noqa: E731
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b_)

    la, lb = lum(a), lum(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def test_eleven_fixed_keys():
    assert set(PIECE_KEYS) == {
        "impact",
        "gezamenlijke_ambitie",
        "intenties",
        "inbreng",
        "partners",
        "middelen",
        "waarde",
        "doelgroepen",
        "opbrengsten",
        "continuiteit",
        "consequenties",
    }
    assert len(PIECE_KEYS) == 11


def test_questions_are_the_publications():
    assert get_piece("impact").question_nl == "Welke echte impact maken we met dit initiatief?"
    assert get_piece("inbreng").question_nl == "Wat draag ik bij aan het initiatief?"
    assert get_piece("consequenties").question_nl == "Wat zou er gebeuren als dit initiatief niet zou doorgaan?"
    for p in PIECES:
        assert p.question_nl.endswith("?") and p.question_en.endswith("?")
        assert 1 <= len(p.tips_nl) <= 2 and len(p.tips_nl) == len(p.tips_en)


def test_groups_follow_the_design():
    assert {p.key for p in pieces_in_group("samenwerken")} == {
        "intenties",
        "inbreng",
        "partners",
        "middelen",
        "continuiteit",
    }
    assert len(pieces_in_group("idee_naar_impact")) == 6


def test_first_person_pieces():
    assert {p.key for p in PIECES if p.first_person} == {"intenties", "inbreng"}


def test_canvas_cells_do_not_overlap_and_fill_the_grid():
    cells = {}
    for p in PIECES:
        a = p.area
        for r in range(a.row, a.row + a.row_span):
            for c in range(a.column, a.column + a.column_span):
                assert (r, c) not in cells, f"{p.key} overlaps {cells[(r, c)]}"
                cells[(r, c)] = p.key
    assert len(cells) == 5 * 6


def test_layout_impact_on_top_processes_left_and_right():
    assert get_piece("impact").area.row == 1 and get_piece("impact").area.column_span == 6
    assert get_piece("gezamenlijke_ambitie").area.row == 2
    for key in ("partners", "intenties", "inbreng", "middelen"):
        assert get_piece(key).area.column <= 3
    for key in ("waarde", "doelgroepen", "opbrengsten"):
        assert get_piece(key).area.column >= 4


def test_colours_are_distinct_and_readable_on_white():
    colours = [p.colour for p in PIECES]
    assert len(set(colours)) == 11
    for c in colours:
        assert re.fullmatch(r"#[0-9a-f]{6}", c)
        assert contrast(c, "#ffffff") >= 4.5, c
        assert contrast(c, "#fbfaf8") >= 4.5, c
