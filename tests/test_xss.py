"""Script injection, without a browser (issue 10, item 1): the corpus in every field, every chapter, every role.

A workspace gets every payload of ``tests/corpora/xss.yaml`` in every text field (through
:class:`~purposecase.workspace.WorkspaceSession` and the step modules, the code the pages use).
Every chapter is then built for the trekker, a partner and a viewer and walked through (every
piece, step, target group, tab, history entry, conflict and figure); every HTML string the
widgets hold is parsed: nothing in it may be markup that came from user text, and every payload
must be on the page as text. The exports built from that workspace hold the text literally and
never as markup or formulas. ``tests/test_browser_xss.py`` does the same in Chromium.
"""

from __future__ import annotations

import html
import io
import json
import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from xss_corpus import (
    MARKER,
    figure_findings,
    figure_text,
    fill_workspace,
    html_findings,
    load_xss,
    pack,
    widget_surface,
)

from purposecase.export.parts import workspace_bundle
from purposecase.store import open_store
from purposecase.ui.common import PageContext, esc

PAYLOADS = load_xss()
TEXTS = [p.text.strip() for p in PAYLOADS]


@pytest.fixture(autouse=True)
def _quiet(monkeypatch):
    """No background polling or autosave timers while the chapters are walked through."""
    for target in (
        "purposecase.ui.editor.AUTOSAVE_SECONDS",
    ):
        monkeypatch.setattr(target, 3600)


@pytest.fixture(scope="module")
def filled_home(tmp_path_factory):
    """One workspace with the whole corpus in every field (made once for this module)."""
    home = tmp_path_factory.mktemp("xss-home")
    store = open_store(f"sqlite:///{home / 'werkboek.sqlite3'}")
    return home, fill_workspace(store, PAYLOADS, partners=6)


@pytest.fixture()
def filled(filled_home, monkeypatch):
    home, data = filled_home
    monkeypatch.setenv("PURPOSECASE_HOME", str(home))
    return data


def tokens(filled) -> dict[str, str]:
    first = next(iter(filled.partner_tokens))
    return {"trekker": filled.trekker_token, "partner": filled.partner_tokens[first], "viewer": filled.viewer_token}


class Surface:
    """Everything a chapter showed while it was walked through: findings and text."""

    def __init__(self) -> None:
        self.findings: list[str] = []
        self.text: list[str] = []

    def look(self, widget, where: str) -> None:
        found, text = widget_surface(widget)
        self.findings += [f"{where}: {f}" for f in found]
        self.text.append(text)

    def figure(self, fig, where: str) -> None:
        self.findings += [f"{where}: {f}" for f in figure_findings(fig)]
        self.text.append(figure_text(fig))

    def missing(self, texts: list[str]) -> list[str]:
        shown = "\n".join(self.text)
        return [t for t in texts if t not in shown]


# ------------------------------------------------------------------ the corpus itself
def test_the_corpus_covers_every_kind_the_issue_names():
    ids = [p.id for p in PAYLOADS]
    assert len(PAYLOADS) >= 40 and len(set(ids)) == len(ids)
    kinds = {p.kind for p in PAYLOADS}
    assert {"script", "handler", "url", "svg", "css", "markdown", "entity", "template", "unicode", "closing",
            "long", "formula"} <= kinds
    joined = "\n".join(TEXTS)
    for needle in (
        "<script>", "onerror=", "<svg onload", "<body onload", "ontoggle", "autofocus onfocus", "javascript:",
        "data:text/html", "@import", "url(javascript:", "expression(", "](javascript:", "&#", "{{7*7}}", "${",
        "\u202e", "\u200b", "\uff1cscript\uff1e", "\u0455cript", "</textarea>", "</style>", "-->", "=HYPERLINK(",
        "+1+1", "@SUM(",
    ):
        assert needle.lower() in joined.lower(), needle
    assert max(len(t) for t in TEXTS) > 1500
    # every executable payload says so: the window flag or an alert
    for p in PAYLOADS:
        if p.kind not in ("template", "formula", "markdown", "unicode") or p.fires:
            encoded = "base64," in p.text  # the flag is inside the base64 document
            assert MARKER in p.text or "alert(" in p.text or encoded or p.kind in ("css", "closing"), p.id


def test_the_html_detector_sees_every_markup_payload_raw_and_none_escaped():
    """The detector is not blind: each payload that is markup is found when unescaped, never when escaped."""
    markup_kinds = {"script", "handler", "url", "svg", "css", "closing", "long"}
    for p in PAYLOADS:
        raw_findings, _ = html_findings(f"<p>{p.text}</p>")
        # harmless raw between tags: a table close, the nested tag (a browser reads it as a tag named
        # "scr<script"), the attribute break-outs (checked in an attribute below) and a bare address
        harmless = ("close-table", "script-nested", "attr-breakout-double", "attr-breakout-single",
                    "bare-javascript-url")
        if p.kind in markup_kinds and p.id not in harmless:
            assert raw_findings, f"{p.id}: unescaped markup not detected"
        escaped, text = html_findings(f"<p>{esc(p.text)}</p>")
        assert escaped == [], (p.id, escaped)
        assert text == f"{p.text}", p.id
    # and in attribute values
    for p in PAYLOADS:
        found, _ = html_findings(f'<span title="{esc(p.text)}" data-x="{esc(p.text)}">x</span>')
        assert found == [], p.id
        quote = "'" if p.id == "attr-breakout-single" else '"'
        raw, _ = html_findings(f"<span title={quote}{p.text}{quote}>x</span>")
        if p.id in ("attr-breakout-double", "attr-breakout-single", "script-attr-break"):
            assert raw, f"{p.id}: attribute break-out not detected"


def test_the_figure_detector_sees_tags_in_plotly_text():
    import plotly.graph_objects as go

    raw = go.Figure(go.Bar(y=["<img src=x onerror=window.__pwned=1>"], x=[1], hovertemplate="%{y}<extra></extra>"))
    assert figure_findings(raw)
    safe = go.Figure(go.Bar(y=[html.escape("<img src=x onerror=1>")], x=[1], hovertemplate="%{y}<br>x<extra></extra>"))
    assert figure_findings(safe) == []
    assert "<img src=x onerror=1>" in figure_text(safe)


# ------------------------------------------------------------------ the chapters
def test_pack_keeps_every_text_whole():
    chunks = pack(TEXTS, 500)
    assert all(len(c) <= 500 for c in chunks)
    assert all(any(t in c for c in chunks) for t in TEXTS if len(t) <= 500)


def test_every_field_holds_the_corpus(filled):
    for field, values in filled.written.items():
        assert values, field
    everything = {t for values in filled.written.values() for t in values}
    assert set(TEXTS) <= everything


def _start_panel_sweep(surface: Surface) -> None:
    from purposecase.ui.zelf_invullen import ZelfInvullenChapter

    chapter = ZelfInvullenChapter(PageContext())
    for text in TEXTS[:3]:
        chapter.body.name_text.value = text
        chapter.body._on_start()
        surface.look(chapter, "04 start")
        chapter = ZelfInvullenChapter(PageContext())


@pytest.mark.parametrize("role", ["trekker", "partner", "viewer"])
def test_step_1_2_shows_every_payload_as_text(filled, role):
    from purposecase.ui.zelf_invullen import ZelfInvullenChapter

    surface = Surface()
    chapter = ZelfInvullenChapter(PageContext(sleutel=tokens(filled)[role]))
    surface.look(chapter, "04")
    if role == "partner":
        editor = chapter.body
        for key in editor.piece_buttons.options:
            editor.piece_buttons.value = key[1] if isinstance(key, tuple) else key
            surface.look(editor, f"04 piece {editor.model.piece}")
        editor.refresh_history()
        for _, number in editor.history_dropdown.options:
            editor.history_dropdown.value = number
            surface.look(editor, f"04 history {number}")
        # a conflict shows both versions: each full of payloads
        editor.rows[0].text.value = TEXTS[5]
        other = editor.session
        other.save_my_draft(editor.model.to_draft(), base=editor.model.base)
        editor.rows[0].text.value = TEXTS[6]
        assert editor.save_now() is False
        assert editor.conflict_box.layout.display == "flex"
        surface.look(editor, "04 conflict")
        editor.take_theirs_button.click()
    else:
        overview = chapter.body
        for _, pid in overview.shared_dropdown.options:
            overview.shared_dropdown.value = pid
            surface.look(overview, f"04 draft of {pid}")
    assert surface.findings == []
    assert surface.missing(TEXTS) == []
    chapter.body.close()


def test_starting_a_workspace_with_hostile_names(filled):
    surface = Surface()
    _start_panel_sweep(surface)
    assert surface.findings == []
    assert surface.missing(TEXTS[:3]) == []


@pytest.mark.parametrize("role", ["trekker", "partner", "viewer"])
def test_step_3_shows_every_payload_as_text(filled, role):
    from purposecase.ui.puzzelen import SamenPuzzelenChapter

    surface = Surface()
    chapter = SamenPuzzelenChapter(PageContext(sleutel=tokens(filled)[role]))
    board = chapter.board
    for _, key in board.piece_buttons.options:
        board.piece_buttons.value = key
        surface.look(chapter, f"05 {key}")
    board._on_figure()
    surface.figure(board.figure, "05 give and take")
    assert surface.findings == []
    assert surface.missing(TEXTS) == []
    board.close()


@pytest.mark.parametrize("role", ["trekker", "partner", "viewer"])
def test_step_4_shows_every_payload_as_text(filled, role):
    from purposecase.ui.waardepropositie import HISTORY_TAB, WaardepropositieChapter

    surface = Surface()
    chapter = WaardepropositieChapter(PageContext(sleutel=tokens(filled)[role]))
    panel = chapter.panel
    for _, pid in panel.selector.options:
        panel.selector.value = pid
        surface.look(chapter, f"06 {pid}")
    panel.tabs.selected_index = HISTORY_TAB
    surface.look(chapter, "06 history")
    panel._on_figure()
    surface.figure(panel.figure, "06 fit")
    assert surface.findings == []
    assert surface.missing(TEXTS) == []


@pytest.mark.parametrize("role", ["trekker", "partner", "viewer"])
def test_step_5_shows_every_payload_as_text(filled, role):
    from purposecase.ui.roadmap import ImpactRoadmapChapter

    surface = Surface()
    chapter = ImpactRoadmapChapter(PageContext(sleutel=tokens(filled)[role]))
    board = chapter.board
    for _, n in board.step_buttons.options:
        board.step_buttons.value = n
        surface.look(chapter, f"07 step {n}")
    board.show_figures()
    surface.figure(board.timeline_figure, "07 timeline")
    surface.figure(board.matrix_figure, "07 effort")
    board.refresh_history()
    for _, number in board.history_dropdown.options:
        board.history_dropdown.value = number
        surface.look(board, f"07 history {number}")
    assert surface.findings == []
    assert surface.missing(TEXTS) == []
    board.close()


@pytest.mark.parametrize("role", ["trekker", "partner", "viewer"])
def test_the_other_chapters_show_the_workspace_name_as_text(filled, role):
    from purposecase.ui.delen import DelenChapter
    from purposecase.ui.waardecreatie import WaardecreatieChapter
    from purposecase.ui.welkom import WelkomChapter

    surface = Surface()
    for cls in (WelkomChapter, WaardecreatieChapter, DelenChapter):
        surface.look(cls(PageContext(sleutel=tokens(filled)[role])), cls.__name__)
    assert surface.findings == []
    assert surface.missing(filled.written["workspace.name"]) == []
    if role != "partner":  # the export menu names every shared draft's partner
        assert surface.missing(filled.written["partner.name"][:2]) == []


def _upload(panel, name: str, data: bytes) -> None:
    panel._on_upload(
        {"new": ({"name": name, "type": "", "size": len(data), "content": memoryview(data),
                  "last_modified": datetime.now(UTC)},)}
    )


def test_importing_files_full_of_payloads_shows_them_as_text(filled):
    """Chapter 08: the file name, the file's title and items, the new workspace's name and partners."""
    import yaml

    from purposecase.backup import backup_bytes
    from purposecase.pieces import PIECE_KEYS
    from purposecase.ui.delen import DelenChapter
    from purposecase.workspace import open_workspace

    surface = Surface()
    chapter = DelenChapter(PageContext())
    panel = chapter.import_panel
    names = [t for t in TEXTS if "/" not in t and "\n" not in t and len(t) <= 150][:12]
    for n, name in enumerate(names):
        case = {"slug": f"xss-{n}", "title": name, "pieces": {k: [] for k in PIECE_KEYS}}
        case["pieces"]["impact"] = [{"text": t} for t in TEXTS]
        _upload(panel, f"{name}.yaml", yaml.safe_dump(case, allow_unicode=True).encode())
        surface.look(chapter, f"08 upload {n}")
    assert panel.upload is not None
    panel.name_text.value = names[1]
    panel._on_import()
    surface.look(chapter, "08 imported case")
    # a whole workspace: partners with hostile names get their new links listed
    backup = open_workspace(filled.trekker_token).backup()
    _upload(panel, "werkruimte.json", backup_bytes(backup, "json"))
    panel.name_text.value = names[2]
    panel._on_import()
    surface.look(chapter, "08 imported backup")
    assert chapter.status.value == "", chapter.status.value
    assert surface.findings == []
    assert surface.missing(names) == []
    assert surface.missing(filled.written["partner.name"]) == []


def test_the_export_figures_hold_user_text_escaped(filled):
    from purposecase.export.parts import later_steps
    from purposecase.workspace import open_workspace

    figures = later_steps(open_workspace(filled.trekker_token), "nl").figures
    assert len(figures) >= 2
    for figure in figures:
        assert figure_findings(figure.figure) == [], figure.title
    shown = "\n".join(figure_text(f.figure) for f in figures)
    assert filled.written["workspace.name"][0] in shown


# ------------------------------------------------------------------ regressions of the fixes
def test_give_and_take_figure_escapes_names_and_items():
    """Regression: partner names, the initiative and the hover texts reached plotly unescaped."""
    from purposecase.figures import GiveTakeItem, give_and_take_figure

    who = "<b>Ans</b> <img src=x onerror=alert(1)>"
    items = [
        GiveTakeItem("inbreng", "<script>window.__pwned=1</script>", givers=(who,)),
        GiveTakeItem("inbreng", "Geld", givers=(who,)),
        GiveTakeItem("waarde", "<i>stage</i>", recipients=(who,)),
    ]
    fig = give_and_take_figure(items, title="T", initiative="<a href='javascript:x'>pact</a>", piece_names={},
                               unassigned="-", gives="Geeft", gets="Krijgt")
    assert figure_findings(fig) == []
    text = figure_text(fig)
    for literal in ("<b>Ans</b> <img src=x onerror=alert(1)>: 2 inbreng", "<a href='javascript:x'>pact</a>",
                    "<script>window.__pwned=1</script>", "<i>stage</i>"):
        assert literal in text
    assert "<br>" in fig.data[0].link.customdata[0]  # plotly's own line break between items stays


def test_a_shared_case_with_more_waarde_items_than_a_proposition_holds_keeps_step_4_open():
    """Regression: 41 shared waarde items made every new proposition invalid, so step 4 never opened."""
    import purposecase
    from purposecase import puzzle
    from purposecase import valueprop as vp
    from purposecase.ui.waardepropositie import WaardepropositieChapter

    trekker, token = purposecase.create_workspace("Veel waarde")

    def op(shared):
        shared = puzzle.adopt("doelgroepen", "Bewoners", [], [], item_id="d1")(shared)
        for n in range(vp.MAX_ITEMS + 5):
            shared = puzzle.adopt("waarde", f"waarde {n}", [], [], item_id=f"w{n}")(shared)
        return shared

    trekker.update_shared(op)
    loaded = vp.load_propositions(trekker)
    assert len(loaded.propositions.propositions) == 1
    assert loaded.propositions.propositions[0].producten == []  # the value map starts empty (issue 18)
    chapter = WaardepropositieChapter(PageContext(sleutel=token))
    assert chapter.status.value == "" and chapter.panel is not None
    assert len(chapter.panel.suggestion_buttons) == vp.MAX_ITEMS  # the waarde offered, as many as fit


# ------------------------------------------------------------------ exports
@pytest.fixture()
def bundle(filled):
    from purposecase.workspace import open_workspace

    b = workspace_bundle(open_workspace(filled.trekker_token), "shared", lang="nl")
    return replace(b, figures=())  # the figures are checked above; kaleido is not needed here


def test_markdown_export_renders_payloads_as_text(bundle):
    import mistune

    from purposecase.export import export_file
    from purposecase.export.text import md_unescape

    text = export_file(bundle, "md").data.decode("utf-8")
    rendered = mistune.html(text)  # a Markdown viewer that passes raw HTML through
    found, shown = html_findings(rendered)
    assert found == [], found[:5]
    assert "javascript:" not in re.sub(r"<[^>]*>", "", "".join(re.findall(r'href="([^"]*)"', rendered)))
    plain = md_unescape(text)
    for t in TEXTS:
        if "\n" not in t:
            assert t in plain, t[:60]
    for t in ("<script>window.__pwned=1;alert('script-plain')</script>", "{{7*7}}", "[klik](javascript:"):
        assert t in html.unescape(shown)


def test_spreadsheet_export_keeps_formulas_as_text(bundle):
    from openpyxl import load_workbook

    from purposecase.export import export_file

    book = load_workbook(io.BytesIO(export_file(bundle, "xlsx").data))
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    values.append(cell.value)
    for p in PAYLOADS:
        if p.kind == "formula":
            assert p.text in values, p.id
    joined = "\n".join(values)
    for t in TEXTS:
        if not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", t):
            assert t in joined, t[:60]


def test_pdf_and_slides_hold_the_literal_text(bundle):
    from pptx import Presentation
    from pypdf import PdfReader

    from purposecase.export import export_file

    pdf = PdfReader(io.BytesIO(export_file(bundle, "pdf").data))
    pdf_text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    slides = Presentation(io.BytesIO(export_file(bundle, "pptx").data))
    slide_text = "\n".join(
        run.text for slide in slides.slides for shape in slide.shapes if shape.has_text_frame
        for para in shape.text_frame.paragraphs for run in para.runs
    )
    ascii_payloads = [t for t in TEXTS if t.isascii() and "\n" not in t and len(t) < 120]
    assert len(ascii_payloads) > 30
    for t in ascii_payloads:
        assert " ".join(t.split()) in pdf_text or t[:30] in pdf_text, t  # long lines wrap in the poster
        assert t in slide_text or t[:40] in slide_text, t


def test_json_and_yaml_exports_round_trip_the_text(bundle):
    import yaml

    from purposecase.export import export_file

    data = json.loads(export_file(bundle, "json").data)
    again = yaml.safe_load(export_file(bundle, "yaml").data)
    for doc in (data, again):
        items = [i["text"] for i in doc["pieces"]["partners"]]
        assert set(TEXTS) <= set(items)
