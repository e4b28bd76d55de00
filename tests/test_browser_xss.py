"""Script injection in Chromium (issue 10, item 1): typed by one, shown as text to everyone else.

One partner, the trekker and another partner type payloads of ``tests/corpora/xss.yaml`` into the
text fields of every chapter through the real pages (the whole corpus, packed, into at least one
field per chapter); the rest of the corpus goes into the store through
:class:`~purposecase.workspace.WorkspaceSession`. Then the trekker, a partner and a viewer open the
chapters. On every page: no dialog opened, ``window.__pwned`` is undefined, no element or
attribute came from user text (:data:`xss_corpus.DOM_SCAN_JS`), and payloads are on the page
literally. ``test_the_detectors_trip_on_an_unsafe_page`` proves the checks can fail.
"""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import full_screenshot, new_page  # noqa: E402
from xss_corpus import load_xss, pack, scan_page, single_line

from purposecase import puzzle
from purposecase import roadmap as rm
from purposecase.model import Item, PartnerDraft
from purposecase.pieces import PIECE_KEYS
from purposecase.store import open_store
from purposecase.workspace import open_workspace

pytestmark = pytest.mark.browser

PAYLOADS = load_xss()
TEXTS = [p.text.strip() for p in PAYLOADS]
LINE = single_line(TEXTS)
"""Payloads a one-line field can take (no newline)."""
SAMPLE = [
    "<script>window.__pwned=1;alert('script-plain')</script>",
    "<img src=x onerror=\"window.__pwned=1;alert('img-onerror')\">",
    "<svg onload=\"window.__pwned=1;alert('svg-onload')\">",
    "{{7*7}}",
    "</textarea><script>window.__pwned=1</script>",
]
"""Payloads every view must show verbatim (and would run if rendered as markup)."""


def by_id(pid: str) -> str:
    return next(p.text.strip() for p in PAYLOADS if p.id == pid)


def close(page, context) -> None:
    """Close the page the way a person does (its kernel shuts down at once), then the context."""
    page.close(run_before_unload=True)
    context.close()


def check_page(page, where: str, literal: list[str]) -> str:
    """Assert nothing ran and no markup came from user text; return the chapter's text."""
    page.wait_for_timeout(300)  # handlers of injected elements (onerror, onload) run at once
    result = scan_page(page)
    assert not page.dialogs, f"{where}: a dialog opened: {page.dialogs}"
    assert not result["pwned"], f"{where}: window.__pwned was set"
    assert result["found"] == [], f"{where}: {result['found'][:8]}"
    text = result["text"]
    missing = [t for t in literal if t not in text]
    assert not missing, f"{where}: not shown literally: {missing}"
    for bad in ("Traceback", 'File "'):
        assert bad not in text, where
    return text


def fill(locator, value: str) -> None:
    """Type a value and leave the field (widgets with continuous_update=False send it then)."""
    locator.fill(value)
    locator.press("Tab")


# ------------------------------------------------------------------ the detectors themselves
def test_the_detectors_trip_on_an_unsafe_page(browser, monkeypatch):
    """A page that puts user text into innerHTML unescaped (the real canvas with ``esc`` switched off) trips
    the dialog handler, the window flag and the DOM scan; the same page escaped trips none of them."""
    from purposecase.messages import Translator
    from purposecase.model import PurposeCase
    from purposecase.ui import canvas

    firing = [p.text for p in PAYLOADS if p.fires]
    pieces = {k: [] for k in PIECE_KEYS}
    pieces["impact"] = [Item(text=t) for t in firing]
    case = PurposeCase(slug="x", title="x", pieces=pieces)
    safe_html = canvas.canvas_html(case, Translator())
    monkeypatch.setattr(canvas, "esc", str)
    unsafe_html = canvas.canvas_html(case, Translator())

    for markup, unsafe in ((unsafe_html, True), (safe_html, False)):
        context, page, dialogs = new_page(browser)
        page.set_content('<body><div class="pc-chapter" id="chapter"></div><button id="b">x</button></body>')
        page.evaluate("(m) => { document.getElementById('chapter').innerHTML = m; }", markup)  # like ipywidgets' HTML
        page.wait_for_timeout(700)
        page.focus("#b")
        result = scan_page(page)
        if unsafe:
            assert result["pwned"] and dialogs and result["found"], result["found"]
            assert "<img src=x" not in result["text"]
        else:
            assert not result["pwned"] and not dialogs and result["found"] == []
            assert all(t in result["text"] for t in firing)
        context.close()

    # every payload that fires on its own, one at a time: each trips the flag by itself
    context, page, dialogs = new_page(browser)
    page.set_content('<body><div class="pc-chapter" id="chapter"></div></body>')
    for p in PAYLOADS:
        if not p.fires:
            continue
        page.evaluate("(m) => { window.__pwned = undefined; document.getElementById('chapter').innerHTML = m; }",
                      p.text)
        page.wait_for_function("() => window.__pwned !== undefined", timeout=5_000)
    context.close()


_LEFT_OF = """(args) => {
  const [selector, needle] = args;
  const el = document.querySelector(selector);
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const i = node.data.indexOf(needle);
    if (i >= 0) { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                  return r.getBoundingClientRect().left; }
  }
  return null;
}"""


def test_a_right_to_left_override_stays_inside_its_element(browser):
    """Regression: an RLO (U+202E) in a workspace or partner name mirrored the labels after it ("jouw rol",
    "vraag: …"), so a name could disguise what follows; the chapter's inline elements now isolate their text."""
    from purposecase.messages import Translator
    from purposecase.ui.common import theme_css
    from purposecase.ui.nav import nav_html, werkboek_css
    from purposecase.ui.puzzelen import reactions_html

    t = Translator()
    nav = nav_html("00_welkom.ipynb", t, available=set(), workspace_name="Factuur\u202egnp.exe", role_text="meekijker")
    comment = {"p1": {"i1": {"soort": "vraag", "opmerking": "wat bedoelen we"}}}
    reactions = reactions_html("i1", comment, {"p1": "Ans\u202e"}, t)
    context, page, _ = new_page(browser)
    for css, mirrored in (("", True), (theme_css(), False)):
        page.set_content(f"<style>{werkboek_css()}</style><style>{css}</style>"
                         f"<div class='pc-chapter'>{nav}{reactions}</div>")
        dot, role = (page.evaluate(_LEFT_OF, [".pc-nav-workspace", c]) for c in ("·", "j"))
        first, last = (page.evaluate(_LEFT_OF, [".pc-reaction", c]) for c in ("v", "g"))
        assert (dot > role, first > last) == (mirrored, mirrored), (css[:20], dot, role, first, last)
    context.close()


# ------------------------------------------------------------------ typed by one, seen by the others
def test_hostile_text_typed_in_every_chapter_is_text_for_everyone(browser, voila_server, artifacts, tmp_path):
    store = open_store(f"sqlite:///{voila_server.home / 'werkboek.sqlite3'}")
    workspace_name = by_id("img-onerror")
    partner_name, partner_org, partner_role = by_id("svg-onload"), by_id("script-plain"), by_id("details-ontoggle")

    # ---- 04, no link: the trekker starts the workspace and invites a partner, all names hostile
    context, page, _ = new_page(browser)
    page.goto(voila_server.url("04_zelf_invullen.ipynb"))
    page.locator(".pc-workspace-name input").fill(workspace_name)
    page.locator(".pc-start-button").click()
    page.locator(".pc-fresh-trekker-link input").wait_for()
    trekker_link = page.locator(".pc-fresh-trekker-link input").input_value()
    token = re.search(r"sleutel=([^&]+)", trekker_link).group(1)
    for cls, value in (("name", partner_name), ("organisation", partner_org), ("role", partner_role)):
        page.locator(f".pc-partner-{cls} input").fill(value)
    page.locator(".pc-add-partner").click()
    page.locator(".pc-new-links .pc-link").first.wait_for()
    ans_link = page.locator(".pc-new-links .pc-link input").first.input_value()
    check_page(page, "04 trekker after inviting", [partner_name, partner_org])
    close(page, context)

    trekker = open_workspace(token, store=store)
    assert trekker.workspace().name == workspace_name
    ans = next(p for p in trekker.partners() if p.name == partner_name)
    assert (ans.organisation, ans.role) == (partner_org, partner_role)
    bas, bas_token = trekker.add_partner(by_id("close-style"), by_id("entity-in-handler"), "")

    # ---- 04, Ans: the whole corpus typed into her draft (packed into items of several pieces)
    context, page, _ = new_page(browser)
    page.goto(ans_link)
    page.locator(".pc-draft-editor").wait_for()
    chunks = pack(TEXTS, 1900)
    pieces = ["Intenties", "Inbreng", "Impact", "Waarde", "Opbrengsten", "Partners", "Middelen"]
    for piece, chunk in zip(pieces, chunks, strict=False):
        page.locator(".pc-piece-buttons button", has_text=re.compile(f"^{piece}$")).click()
        page.locator(".pc-piece-help h3", has_text=piece).wait_for()
        page.locator(".pc-add-item").click()
        box = page.locator(".pc-item-text textarea").last
        box.wait_for()
        box.fill(chunk)
    assert len(chunks) <= len(pieces)
    page.locator(".pc-save-state", has_text="Alles opgeslagen").wait_for(timeout=30_000)
    page.locator(".pc-share input").check()
    page.locator(".pc-msg", has_text="gedeeld").wait_for()
    check_page(page, "04 Ans's own canvas", SAMPLE)
    full_screenshot(page, artifacts / "xss-04-partner.png")
    close(page, context)
    ans_session = open_workspace(re.search(r"sleutel=([^&]+)", ans_link).group(1), store=store)
    typed = "\n".join(i.text for items in ans_session.my_draft().draft.pieces.values() for i in items)
    assert all(t in typed for t in TEXTS), "a payload typed into the draft was not stored literally"

    # ---- the rest straight into the store: Bas's draft holds every payload in every piece
    bas_session = open_workspace(bas_token, store=store)
    bas_session.save_my_draft(PartnerDraft(pieces={k: [Item(text=t) for t in TEXTS] for k in PIECE_KEYS}), base=0)
    bas_session.set_my_draft_shared(True)

    def seed(shared):
        for n, text in enumerate(TEXTS):
            shared = puzzle.adopt("partners", text, [bas.id], [bas.name], item_id=f"p{n}")(shared)
        shared = puzzle.adopt("inbreng", by_id("script-plain"), [bas.id], [bas.organisation], item_id="ib1")(shared)
        return puzzle.adopt("doelgroepen", by_id("iframe-srcdoc"), [ans.id], [ans.name], item_id="dg1")(shared)

    trekker.update_shared(seed)

    # ---- 05, trekker: new items (the whole corpus, packed), an edit, a set-aside reason
    context, page, _ = new_page(browser)
    page.goto(voila_server.url("05_samen_puzzelen.ipynb", f"sleutel={token}"))
    page.locator(".pc-board").wait_for()
    for n, chunk in enumerate(pack(LINE, 1900, sep=" ")):
        page.locator(".pc-new-item input").fill(chunk)
        page.locator(".pc-new-item-button").click()
        page.locator(".pc-shared-row").nth(n).wait_for()
    fill(page.locator(".pc-shared-text textarea").first, by_id("close-textarea") + " " + by_id("template-mustache"))
    page.locator(".pc-canvas", has_text=by_id("template-mustache")).wait_for()
    page.get_by_role("tab", name="Gezondheidscheck").click()
    page.get_by_placeholder("waarom dit nu niet nodig is").fill(by_id("svg-animate-onbegin"))
    page.get_by_role("button", name="Zet opzij").click()
    page.locator(".pc-checks", has_text=by_id("svg-animate-onbegin")).wait_for()
    check_page(page, "05 trekker", SAMPLE)
    close(page, context)

    # ---- 05, Bas reacts with a hostile comment (and sees what the trekker typed)
    comment = by_id("video-source-onerror")
    context, page, _ = new_page(browser)
    page.goto(voila_server.url("05_samen_puzzelen.ipynb", f"sleutel={bas_token}"))
    page.locator(".pc-shared-item").first.wait_for()
    check_page(page, "05 Bas", SAMPLE + [by_id("close-textarea")])
    page.locator(".pc-react button", has_text="vraag").first.click()
    page.locator(".pc-react-comment input").first.fill(comment)
    page.locator(".pc-react-save").first.click()
    page.locator(".pc-reactions", has_text=comment).wait_for()
    check_page(page, "05 Bas after reacting", [comment])
    close(page, context)

    # ---- 06, trekker: a hostile target group, the whole corpus into the pains (packed)
    group = by_id("math-mxss")
    context, page, _ = new_page(browser)
    page.goto(voila_server.url("06_waardepropositie.ipynb", f"sleutel={token}"))
    page.locator(".pc-vp-tabs").wait_for()
    page.locator(".pc-vp-new-group input").fill(group)
    page.locator(".pc-vp-new-group-button").click()
    page.locator(".pc-vp-name input").wait_for()
    page.wait_for_function(
        "(g) => document.querySelector('.pc-vp-name input').value === g", arg=group, timeout=30_000
    )
    for n, chunk in enumerate(pack(LINE, 1900, sep=" ")):
        page.locator(".pc-vp-section-pijnen .pc-vp-add-text input").fill(chunk)
        page.locator(".pc-vp-section-pijnen .pc-vp-add").click()
        page.locator(".pc-vp-row-pijnen").nth(n).wait_for()
    for section, pid in (("taken", "css-import"), ("voordelen", "a-javascript"),
                         ("pijnverzachters", "md-image-onerror"), ("voordeelverschaffers", "close-comment")):
        page.locator(f".pc-vp-section-{section} .pc-vp-add-text input").fill(by_id(pid))
        page.locator(f".pc-vp-section-{section} .pc-vp-add").click()
        page.locator(f".pc-vp-row-{section}").first.wait_for()
    page.get_by_role("tab", name="Fit").click()
    page.locator(".pc-vp-fit-table", has_text=group).wait_for()
    check_page(page, "06 trekker fit", [group])
    close(page, context)

    # ---- 07, trekker: one step, the whole corpus packed into its text fields
    line_chunks = pack(LINE, 1900, sep=" ")
    long_chunks = pack(TEXTS, 1900)
    context, page, _ = new_page(browser)
    page.goto(voila_server.url("07_impact_roadmap.ipynb", f"sleutel={token}"))
    page.locator(".pc-rm-overview").wait_for()
    page.locator(".pc-rm-add").click()
    editor = page.locator(".pc-rm-editor")
    editor.wait_for()
    fill(editor.locator(".pc-rm-wat-input textarea"), by_id("script-plain") + " " + by_id("template-dollar"))
    assert len(long_chunks) <= 3
    for cls, chunk in zip(("skills", "middelen", "opbrengst"), long_chunks, strict=False):
        fill(editor.locator(f".pc-rm-{cls} textarea"), chunk)
    fill(editor.locator(".pc-rm-start input"), "2027-01")
    for n, chunk in enumerate(line_chunks[:2]):
        page.locator(".pc-rm-add-belemmering").click()
        page.locator(".pc-rm-belemmering input").nth(n).wait_for()
        fill(page.locator(".pc-rm-belemmering input").nth(n), chunk)
        fill(page.locator(".pc-rm-oplossing input").nth(n), line_chunks[(n + 2) % len(line_chunks)])
    page.locator(".pc-rm-save").click()
    page.locator(".pc-state-saved", has_text="versie").wait_for()
    check_page(page, "07 trekker", [by_id("script-plain")])
    close(page, context)
    step = rm.load_roadmap(trekker).roadmap.steps[0]
    stored = "\n".join([step.wat, step.skills, step.middelen, step.opbrengst]
                       + [b.belemmering + "\n" + b.oplossing for b in step.belemmeringen])
    assert [t for t in TEXTS if t not in stored] == [], "a payload typed into the roadmap was not stored literally"

    # ---- 06 and 07, Bas reads and reacts (hostile comments)
    for notebook, ready, react, comment_cls, save_cls, literal in (
        ("06_waardepropositie.ipynb", ".pc-vp-tabs", ".pc-react button", ".pc-react-comment input",
         ".pc-react-save", [group, by_id("css-import")]),
        ("07_impact_roadmap.ipynb", ".pc-rm-card", ".pc-rm-react button", ".pc-rm-react-comment input",
         ".pc-rm-react-save", [by_id("script-plain")]),
    ):
        context, page, _ = new_page(browser)
        page.goto(voila_server.url(notebook, f"sleutel={bas_token}"))
        page.locator(ready).wait_for()
        if notebook.startswith("06"):  # the hostile target group is the last one
            selector = page.locator(".pc-vp-selector select")
            selector.select_option(index=selector.locator("option").count() - 1)
            page.locator(".pc-vp-title", has_text=group).wait_for()
        check_page(page, f"{notebook} Bas", literal)
        page.locator(react, has_text="vraag").first.click()
        page.locator(comment_cls).fill(by_id("iframe-javascript"))
        page.locator(save_cls).click()
        page.locator(".pc-reactions", has_text=by_id("iframe-javascript")).first.wait_for()
        check_page(page, f"{notebook} Bas after reacting", [by_id("iframe-javascript")])
        close(page, context)

    # ---- 08, no link: a hostile file (name, title, items) imported under a hostile name
    context, page, _ = new_page(browser)
    page.goto(voila_server.url("08_delen.ipynb"))
    page.locator(".pc-upload").wait_for()
    case = {"slug": "xss", "title": by_id("body-onload"), "pieces": {k: [] for k in PIECE_KEYS}}
    case["pieces"]["impact"] = [{"text": t} for t in TEXTS]
    file_name = by_id("img-onerror-bare") + ".yaml"
    with page.expect_file_chooser() as info:
        page.locator(".pc-upload").click()
    info.value.set_files(files=[{"name": file_name, "mimeType": "application/yaml",
                                 "buffer": yaml.safe_dump(case, allow_unicode=True).encode()}])
    page.locator(".pc-import-info", has_text="in orde").wait_for()
    check_page(page, "08 upload", [file_name, by_id("body-onload")])
    page.locator(".pc-import-name input").fill(by_id("input-autofocus"))
    page.locator(".pc-import-button").click()
    page.locator(".pc-import-result .pc-link").first.wait_for()
    check_page(page, "08 imported", [by_id("input-autofocus")])
    close(page, context)

    # ---- everyone else looks: the viewer every chapter, the trekker the shared drafts (Bas saw 05-07 above)
    viewer = trekker.new_viewer_link()
    views = [
        ("00_welkom.ipynb", viewer, ".pc-steps", [workspace_name], None),
        ("01_waardecreatie.ipynb", viewer, ".pc-sdg-grid", [workspace_name], None),
        ("04_zelf_invullen.ipynb", viewer, ".pc-canvas", SAMPLE + [partner_name, partner_org], None),
        ("05_samen_puzzelen.ipynb", viewer, ".pc-shared-item", SAMPLE + [comment, by_id("svg-animate-onbegin")],
         "Geven en nemen"),
        ("06_waardepropositie.ipynb", viewer, ".pc-vp-tabs", SAMPLE + [group, by_id("iframe-javascript")], None),
        ("07_impact_roadmap.ipynb", viewer, ".pc-rm-card", SAMPLE + [by_id("iframe-javascript")], "Tijdlijn en inzet"),
        ("08_delen.ipynb", viewer, ".pc-export-panel", [workspace_name], None),
        ("04_zelf_invullen.ipynb", token, ".pc-canvas", SAMPLE + [bas.name], None),
    ]
    for notebook, key, ready, literal, tab in views:
        context, page, _ = new_page(browser)
        page.goto(voila_server.url(notebook, f"sleutel={key}"))
        page.locator(ready).first.wait_for()
        if notebook.startswith("06"):  # the trekker's hostile target group is the last one
            selector = page.locator(".pc-vp-selector select")
            selector.select_option(index=selector.locator("option").count() - 1)
            page.locator(".pc-vp-title", has_text=group).wait_for()
        where = f"{notebook} as {'viewer' if key == viewer else 'trekker'}"
        check_page(page, where, literal)
        if tab:
            page.get_by_role("tab", name=tab).click()
            if tab == "Geven en nemen":
                page.locator(".pc-figure-button").click()
            plot = page.locator(".js-plotly-plot").first
            plot.wait_for()
            page.wait_for_timeout(500)
            shown = plot.inner_text() + " ".join(plot.locator("text").all_text_contents())
            check_page(page, f"{where}, figure", [])
            # plotly shows the escaped names as the literal text (give and take names organisations)
            expected = bas.organisation if notebook.startswith("05") else by_id("script-plain")[:20]
            assert expected[:20] in shown or expected[:20] in " ".join(shown.split()), (where, shown[:300])
            plot.screenshot(path=str(artifacts / f"xss-{notebook[:2]}-figuur.png"))
        full_screenshot(page, artifacts / f"xss-{notebook[:2]}-{where.split()[-1]}.png")
        close(page, context)


def test_the_app_words_after_user_text_stay_in_order_in_fit_lines_rows_tables_and_labels(browser):
    """Regression (issue 20): an RLO in a pain made "(belang 3)" read "(3 gnaleb)" in the fit lines of 06,
    and the origin line of a board row in 05 reversed too. Measured on the page: in each place the app's
    own words after the user text keep their left-to-right order; without the isolation they do not."""
    from purposecase.bidi import isolate
    from purposecase.messages import Translator
    from purposecase.ui.common import theme_css
    from purposecase.ui.nav import werkboek_css

    t = Translator()
    evil = "Ans\u202e"
    places = {
        # 06 fit line: user text inside a translated sentence
        ".pc-fit": (f'<ul><li class="pc-fit">{t("vp.fit.met_belang", tekst=isolate(evil), belang=3)}</li></ul>',
                    f'<ul><li class="pc-fit">{t("vp.fit.met_belang", tekst=evil, belang=3)}</li></ul>', "(b", "g"),
        # 05 board row: the origin line lists partner names
        ".pc-origin": (f'<span class="pc-origin">{t("bord.herkomst", wie=isolate(evil))} · akkoord</span>',
                       f'<span class="pc-origin">{t("bord.herkomst", wie=evil)} · akkoord</span>', "·", "d"),
        # a table cell (05 give-and-take, 07 roadmap) followed by the app's text in the same cell
        ".pc-cell": (f'<table><tr><td class="pc-cell"><ul><li>{evil} <small>(Intenties)</small></li></ul></td>'
                     "</tr></table>", None, "(", ")"),
        # a figure-style label: plotly draws one text run per label, the user part isolated (figures._plain)
        ".pc-label": (f'<p class="pc-label">{isolate(evil)} geeft</p>', f'<p class="pc-label">{evil} geeft</p>',
                      "g", "t"),
    }
    context, page, _ = new_page(browser)
    for selector, (fixed, broken, first, last) in places.items():
        for markup, css, mirrored in ((fixed, theme_css(), False), (broken or fixed, "", True)):
            page.set_content(f"<style>{werkboek_css()}</style><style>{css}</style>"
                             f"<div class='pc-chapter'>{markup}</div>")
            a, b = (page.evaluate(_LEFT_OF, [selector, c]) for c in (first, last))
            assert a is not None and b is not None, selector
            assert (a > b) == mirrored, (selector, "fixed" if not mirrored else "unprotected", a, b)
    context.close()
