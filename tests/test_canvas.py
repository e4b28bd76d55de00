"""The canvas HTML: layout order, escaping, highlighting, progress badges."""

from purposecase.messages import Translator
from purposecase.model import Item, PurposeCase
from purposecase.pieces import PIECE_KEYS
from purposecase.ui.canvas import canvas_html, highlight, item_html

T = Translator("nl")


def test_a_match_across_partner_and_text_is_marked_in_both():
    html = item_html(Item(text="De watersector bedienen", partner="Team"), "team: de water")
    assert '<span class="pc-partner"><mark>Team:</mark></span>' in html
    assert "<mark>De water</mark>sector" in html


def test_marks_are_escaped_and_accent_insensitive():
    assert highlight("Continuïteit <x>", "continuiteit") == "<mark>Continuïteit</mark> &lt;x&gt;"
    assert highlight("ICT’ers", "ICT'ers") == "<mark>ICT’ers</mark>"


def test_canvas_order_and_progress_badges():
    case = PurposeCase(slug="x", title="X", pieces={k: [Item(text=k)] for k in PIECE_KEYS})
    html = canvas_html(case, T, statuses={"impact": "akkoord", "waarde": "in_bespreking"})
    positions = [html.index(f'data-piece="{k}"') for k in ("impact", "gezamenlijke_ambitie", "partners")]
    assert positions == sorted(positions)
    assert 'pc-progress-akkoord">akkoord<' in html and 'pc-progress-in_bespreking">in bespreking<' in html
    assert html.count("pc-progress ") == 2
