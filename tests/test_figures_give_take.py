"""Issue 18 (and 17): give and take in both directions, by organisation; month names in the user's language."""

from __future__ import annotations

from purposecase import puzzle
from purposecase.export.parts import give_and_take_export_figure
from purposecase.figures import GiveTakeItem, give_and_take_figure, give_and_take_items, month_ticks
from purposecase.model import SharedCase

ORGS = {"a": "ROC Twente", "b": "Ziekenhuis MST"}


def shared() -> SharedCase:
    s = SharedCase()
    s = puzzle.adopt("inbreng", "Docenten", ["a"], ["Ans de Vries"])(s)
    s = puzzle.adopt("middelen", "Leerwerkplekken", ["b"], ["Bas Jansen"])(s)
    s = puzzle.adopt("waarde", "Gekwalificeerde instroom", ["b"], ["Bas Jansen"])(s)
    s = puzzle.adopt("opbrengsten", "Rijksbekostiging € 400.000", [], [])(s)
    return s


def sankey(fig):
    return fig.data[0]


def plain(labels) -> list[str]:
    """Return figure labels without their bidi isolates (U+2068 … U+2069, purposecase.bidi)."""
    return [label.replace("\u2068", "").replace("\u2069", "") for label in labels]


def test_give_and_take_shows_both_directions_and_names_organisations_not_contacts():
    items = give_and_take_items(shared(), ORGS)
    fig = give_and_take_export_figure(items, "Zorgpact", "nl").figure
    data = sankey(fig)
    labels = plain(data.node.label)
    middle = labels.index("Zorgpact")
    into = [s for s, t in zip(data.link.source, data.link.target, strict=True) if t == middle]
    out = [t for s, t in zip(data.link.source, data.link.target, strict=True) if s == middle]
    assert into and out  # gives and gets
    assert "ROC Twente: 1 inbreng" in labels and "Ziekenhuis MST: 1 middelen" in labels
    assert "Ziekenhuis MST: 1 waarde" in labels  # the default recipient: where the item came from
    assert "nog niet toegewezen: 1 opbrengsten" in labels  # never silently dropped
    assert not [label for label in labels if "Ans" in label or "Bas" in label]


def test_explicit_recipients_per_item_are_drawn_per_recipient():
    items = [
        GiveTakeItem("inbreng", "Docenten", givers=("ROC Twente",)),
        GiveTakeItem("opbrengsten", "Minder uitval", recipients=("ROC Twente", "Studenten")),
    ]
    fig = give_and_take_figure(items, title="T", initiative="<b>Pact</b>", piece_names={}, unassigned="-",
                               gives="Geeft", gets="Krijgt")
    data = sankey(fig)
    labels = plain(data.node.label)
    assert "ROC Twente: 1 opbrengsten" in labels and "Studenten: 1 opbrengsten" in labels
    assert "&lt;b&gt;Pact&lt;/b&gt;" in labels
    assert sum(data.link.value) == 3


def test_the_voor_field_wins_over_the_origin():
    s = puzzle.adopt("waarde", "Stageplekken", ["a"], ["Ans de Vries"])(SharedCase())
    item = s.items("waarde")[0]
    s = s.model_copy(update={"pieces": {**s.pieces, "waarde": [item.model_copy(update={"voor": ["b"]})]}})
    assert give_and_take_items(s, ORGS)[0].recipients == ("Ziekenhuis MST",)


def test_a_one_sided_case_gets_no_figure():
    only_value = puzzle.adopt("waarde", "x", ["a"], ["Ans"])(SharedCase())
    assert give_and_take_export_figure(give_and_take_items(only_value, ORGS), "P", "nl") is None


def test_month_ticks_in_the_users_language():
    assert month_ticks("2026-02", "2026-05", "nl")[1] == ["feb 2026", "mrt", "apr", "mei"]
    assert month_ticks("2026-10", "2027-01", "en")[1] == ["Oct 2026", "Nov", "Dec", "Jan 2027"]
    vals, text = month_ticks("2026-01", "2028-12", "nl")
    assert len(vals) <= 12 and text[0] == "jan 2026"


def test_the_roadmap_timeline_uses_dutch_month_names():
    from purposecase.figures import roadmap_timeline
    from purposecase.roadmap import ImpactRoadmap, RoadmapStep

    roadmap = ImpactRoadmap(steps=[RoadmapStep(id="s1", wat="Start", start="2026-03", eind="2026-10")])
    fig = roadmap_timeline(roadmap, {}, title="t", no_owner="-")
    assert "mrt 2026" in fig.layout.xaxis.ticktext and "okt" in fig.layout.xaxis.ticktext
    assert fig.layout.xaxis.tickformat is None
