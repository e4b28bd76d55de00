"""The script-injection corpus (tests/corpora/xss.yaml) and the checks that prove user text stayed text.

Three kinds of helpers:

- :func:`load_xss` and :func:`pack`: the payloads, and packing several into one field of limited length;
- :func:`fill_workspace`: write the corpus into every text field of a workspace through
  :class:`~purposecase.workspace.WorkspaceSession` and the step modules (the code path the pages use);
- :func:`html_findings`, :func:`figure_findings` and :data:`DOM_SCAN_JS`: detectors for markup that came
  from user text (in HTML strings, plotly figures, a live page).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import yaml

CORPORA = Path(__file__).resolve().parent / "corpora"
MARKER = "__pwned"
"""Every executable payload mentions this window flag."""


@dataclass(frozen=True)
class Payload:
    """One corpus entry."""

    id: str
    kind: str
    text: str
    fires: bool = False
    never: str | None = None


def load_xss() -> list[Payload]:
    """Return the corpus in file order (the long payload gets its prefix)."""
    raw = yaml.safe_load((CORPORA / "xss.yaml").read_text(encoding="utf-8"))
    out = []
    for entry in raw:
        text = entry["payload"]
        if entry.get("long_prefix"):
            filler = "Lange tekst zonder einde. " * (entry["long_prefix"] // 26 + 1)
            text = filler[: entry["long_prefix"]] + text
        out.append(Payload(entry["id"], entry["kind"], text, bool(entry.get("fires")), entry.get("never")))
    return out


def pack(texts: list[str], limit: int, sep: str = "\n") -> list[str]:
    """Return ``texts`` packed into strings of at most ``limit`` characters (each text whole, in one string).

    A text longer than ``limit`` is left out (the caller picks fields long enough for it).
    """
    chunks: list[str] = []
    current = ""
    for text in texts:
        if len(text) > limit:
            continue
        candidate = f"{current}{sep}{text}" if current else text
        if len(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = text
    if current:
        chunks.append(current)
    return chunks


def slots(texts: list[str], count: int, limit: int) -> list[str]:
    """Return at most ``count`` strings of at most ``limit`` characters holding every text that fits.

    As many texts as possible stay alone; the rest are packed together at the end.
    """
    for k in range(min(count, len(texts)), -1, -1):
        out = texts[:k] + pack(texts[k:], limit)
        if len(out) <= count:
            return out
    raise ValueError("the texts do not fit")


def fits(payloads: list[Payload], limit: int) -> list[str]:
    """Return the payload texts of at most ``limit`` characters (stripped like the models strip)."""
    return [p.text.strip() for p in payloads if len(p.text.strip()) <= limit]


# ------------------------------------------------------------------ fill a workspace
@dataclass
class Filled:
    """A workspace holding the corpus: tokens per role and what was written where."""

    trekker_token: str
    partner_tokens: dict[str, str]
    viewer_token: str
    written: dict[str, list[str]]
    """field name → the texts written there"""


def single_line(texts: list[str]) -> list[str]:
    """Return the texts without control characters (names, roles and notes refuse them, with a message)."""
    import unicodedata

    return [t for t in texts if not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in t)]


def fill_workspace(store, payloads: list[Payload], *, name: str | None = None, partners: int | None = None) -> Filled:
    """Create a workspace and write every payload into every text field a user can fill.

    Fields: workspace name; partner name, organisation, role; every piece of two partners' drafts
    (each payload one item); a revision note; the shared case's items (adopted, one edited);
    set-aside reasons; reactions to shared items, value propositions and roadmap steps; value
    propositions (target groups and all six sections); the Impact Roadmap (what, skills,
    resources, obstacles, remedies, yield). Both partners share their drafts. Where a field has
    fewer slots than there are payloads, payloads are packed several to a field.

    Args:
        store: the store to write to.
        payloads: the corpus.
        name: the workspace name (default: the first payload that fits).
        partners: how many partners to add (default: enough to carry every short payload as a
            name, organisation and role).
    """
    from purposecase import puzzle
    from purposecase import roadmap as rm
    from purposecase import valueprop as vp
    from purposecase.checks import SOURCES
    from purposecase.model import Item, PartnerDraft
    from purposecase.pieces import PIECE_KEYS
    from purposecase.workspace import create_workspace, open_workspace

    texts = [p.text.strip() for p in payloads]
    short = single_line(fits(payloads, 200))
    written: dict[str, list[str]] = {}

    def note(field: str, values: list[str]) -> None:
        written.setdefault(field, []).extend(values)

    workspace_name = name or short[0]
    trekker, ttoken = create_workspace(workspace_name, store=store)
    note("workspace.name", [workspace_name])
    # partners: names, organisations and roles are payloads (the first two draft and react)
    partner_tokens: dict[str, str] = {}
    people = []
    count = partners or len(short)
    for n in range(count):
        name_, org, role = short[n % len(short)], short[(n + 1) % len(short)], short[(n + 2) % len(short)]
        partner, token = trekker.add_partner(name_, org, role)
        people.append(partner)
        partner_tokens[partner.id] = token
        note("partner.name", [name_])
        note("partner.organisation", [org])
        note("partner.role", [role])
    first, second = people[0], people[1]

    # drafts: every payload is an item of every piece
    draft_note = short[3][:500]
    for partner in (first, second):
        session = open_workspace(partner_tokens[partner.id], store=store)
        session.save_my_draft(PartnerDraft(pieces={k: [Item(text=t) for t in texts] for k in PIECE_KEYS}), base=0,
                              note=draft_note)
        session.set_my_draft_shared(True)
    note("draft.items", texts)
    note("revision.note", [draft_note])

    # shared case: every payload adopted into every piece (origin: the two partners), one edited; set-aside
    # reasons packed several to a reason
    reasons = pack(texts, 1000)
    rules = list(SOURCES)

    # doelgroepen and waarde seed the value propositions (at most 40 each): there the payloads are packed
    grouped = slots(texts, vp.MAX_PROPOSITIONS, 2000)

    def compose(shared):
        for key in PIECE_KEYS:
            values = grouped if key in ("doelgroepen", "waarde") else texts
            for n, text in enumerate(values):
                shared = puzzle.adopt(
                    key, text, [first.id, second.id], [first.name, second.name], item_id=f"{key}-{n}"
                )(shared)
        shared = puzzle.edit("impact", "impact-0", texts[1])(shared)
        shared = puzzle.set_beneficiaries("waarde", "waarde-0", [first.id, second.id])(shared)
        for n, rule in enumerate(rules):
            shared = puzzle.set_aside(rule, reasons[n % len(reasons)])(shared)
        return shared

    trekker.update_shared(compose)
    note("shared.items", texts)
    note("shared.set_aside", [t for r in reasons[: len(rules)] for t in texts if t in r])

    # reactions to shared items: every comment-sized payload, one per item, from both partners
    comments = fits(payloads, 500)
    for partner in (first, second):
        session = open_workspace(partner_tokens[partner.id], store=store)
        for n, text in enumerate(comments):
            session.react(f"impact-{n}", "vraag", text)
    note("reaction.shared", comments)

    # value propositions: one per shared doelgroep (the page makes them), products from the shared waarde;
    # every other section of the first one holds the whole corpus (packed), linked to everything
    chunks = pack(texts, 2000)
    ids = [p.id for p in vp.load_propositions(trekker).propositions.propositions]

    def propositions(doc):
        for section in vp.SECTIONS:
            if section == "producten":
                continue
            for n, text in enumerate(chunks):
                doc = vp.add_item(ids[0], section, text, item_id=f"{section}{n}")(doc)
        for section, targets in (("pijnverzachters", "pijnen"), ("voordeelverschaffers", "voordelen")):
            doc = vp.set_links(ids[0], section, f"{section}0", [f"{targets}{n}" for n in range(len(chunks))])(doc)
        return doc

    vp.update_propositions(trekker, propositions, base=vp.load_propositions(trekker).base)
    note("vp.doelgroep", texts)
    for section in vp.SECTIONS:
        note(f"vp.{section}", texts)
    for partner in (first, second):
        session = open_workspace(partner_tokens[partner.id], store=store)
        for pid, text in zip(ids, comments, strict=False):
            vp.react_to_proposition(session, pid, "vraag", text)
    note("reaction.vp", comments[: len(ids)])

    # the Impact Roadmap: the most steps allowed, every text field holding packed payloads
    wat = pack(texts, rm.MAX_WAT)
    long = pack(texts, rm.MAX_TEXT)
    steps = []
    for n in range(rm.MAX_STEPS):
        steps.append(
            rm.RoadmapStep(
                id=f"s{n}",
                wat=wat[n % len(wat)],
                skills=long[n % len(long)],
                middelen=long[(n + 1) % len(long)],
                opbrengst=long[(n + 2) % len(long)],
                eigenaren=[first.id] if n % 2 else [second.id],
                inzet=[rm.Inzet(partner=first.id, euro=100.0 * (n + 1), uren=n + 1)],
                belemmeringen=[
                    rm.Belemmering(belemmering=long[(n + k) % len(long)], oplossing=long[(n + k + 1) % len(long)])
                    for k in range(2)
                ],
                start=f"2027-{n % 12 + 1:02d}",
                eind=f"2027-{n % 12 + 1:02d}",
            )
        )
    rm.save_roadmap(trekker, rm.ImpactRoadmap(steps=steps), base=0, note=short[4][:500])
    note("roadmap.wat", [t for t in texts if len(t) <= rm.MAX_WAT])
    for field in ("skills", "middelen", "opbrengst", "belemmering", "oplossing"):
        note(f"roadmap.{field}", texts)
    for partner in (first, second):
        session = open_workspace(partner_tokens[partner.id], store=store)
        for n, text in enumerate(comments[: rm.MAX_STEPS]):
            rm.react_to_step(session, f"s{n}", "vraag", text)
    note("reaction.roadmap", comments[: rm.MAX_STEPS])

    viewer = trekker.new_viewer_link()
    return Filled(ttoken, partner_tokens, viewer, written)


# ------------------------------------------------------------------ detectors
SAFE_HANDLERS = {
    # constant handlers the workbook itself writes (no user data in them)
    ("input", "onfocus"): {"this.select()"},
}
"""(tag, attribute) → allowed values of event-handler attributes besides the workbook's own constants."""


def _constant_handlers() -> set[str]:
    from purposecase.ui import delen, export_button, links, puzzelen

    return {
        links._COPY_JS,
        puzzelen._PRESENT_JS,
        export_button._BLOB_JS,
        "(function(){" + delen._GUARD_JS + "})()",
        "this.select()",
    }


def _constant_styles() -> set[str]:
    """Return the contents of the workbook's own ``<style>`` elements (any other one came from text)."""
    from purposecase.ui import export_button, nav
    from purposecase.ui.common import theme_css

    own = {theme_css(), nav.werkboek_css()}
    own |= set(re.findall(r"<style>(.*?)</style>", export_button._STYLE, re.S))
    return own


DANGEROUS_TAGS = {
    "script", "iframe", "object", "embed", "svg", "math", "link", "meta", "form", "video", "audio", "source",
    "body", "marquee", "base", "textarea", "title", "noscript", "animate", "frameset", "frame", "applet",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "srcdoc", "background", "poster"}


class _Scanner(HTMLParser):
    def __init__(self, handlers: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.handlers = handlers
        self.findings: list[str] = []
        self.text: list[str] = []
        self._raw: str | None = None

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)
        if tag in ("style", "script"):
            self._raw = tag

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_endtag(self, tag):
        if tag == self._raw:
            self._raw = None

    def handle_data(self, data):
        if self._raw == "style" and data not in _constant_styles():
            self.findings.append(f"<style> that is not the workbook's own: {data[:80]!r}")
        elif self._raw is None:
            self.text.append(data)

    def _check(self, tag: str, attrs) -> None:
        if tag in DANGEROUS_TAGS:
            self.findings.append(f"<{tag}> element")
        if tag == "img" and dict(attrs).get("src") != "data:,":
            self.findings.append("<img> element with a source")
        if tag == "input" and "readonly" not in dict(attrs):
            self.findings.append("<input> element that is not a read-only link field")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and value not in self.handlers:
                self.findings.append(f"<{tag} {name}={value[:60]!r}>")
            if name in URL_ATTRIBUTES:
                squashed = re.sub(r"[\s\x00-\x20]+", "", html.unescape(value)).lower()
                if squashed.startswith(("javascript:", "vbscript:")):
                    self.findings.append(f"<{tag} {name}={value[:60]!r}>")
                if squashed.startswith("data:") and not (tag == "img" and value == "data:,") and not (
                    tag == "a" and name == "href" and re.match(r"data:[\w.+/-]+;base64,", value)
                ):
                    self.findings.append(f"<{tag} {name}={value[:60]!r}>")
            if name == "style" and re.search(r"expression\(|url\(|javascript|@import|" + MARKER, value, re.I):
                self.findings.append(f"<{tag} style={value[:60]!r}>")
            if name in ("id", "class", "name") and MARKER in value:
                self.findings.append(f"<{tag} {name}={value[:60]!r}>")


def html_findings(markup: str) -> tuple[list[str], str]:
    """Return what in ``markup`` could only come from unescaped user text, and the markup's text.

    A finding is an element that runs script or loads something (script, iframe, svg, an image
    with a source …), an event-handler attribute other than the workbook's own constant ones, a
    ``javascript:``/``data:`` address, a style with ``url()``/``expression()``, or the payload flag in
    a ``<style>``. The text is the markup's text content, entities decoded, raw-text elements left out.
    """
    scanner = _Scanner(_constant_handlers())
    scanner.feed(markup)
    scanner.close()
    return scanner.findings, "".join(scanner.text)


_ALLOWED_PLOTLY_TAGS = re.compile(r"</?(?:br|extra|b|i)\s*/?>", re.I)


def figure_findings(figure) -> list[str]:
    """Return every string of a plotly figure that carries a tag other than plotly's own ``<br>``/``<extra>``.

    plotly reads ``<b>``, ``<a href>``, ``<br>`` … in labels, hover texts and titles, so user
    text must reach it escaped (``&lt;``), never as a tag.
    """
    findings = []

    def walk(value, path):
        if isinstance(value, str):
            rest = _ALLOWED_PLOTLY_TAGS.sub("", value)
            if re.search(r"<[A-Za-z/!?]", rest):
                findings.append(f"{path}: {value[:80]!r}")
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{path}.{k}")
        elif isinstance(value, list | tuple):
            for n, v in enumerate(value):
                walk(v, f"{path}[{n}]")
        elif hasattr(value, "tolist"):
            walk(value.tolist(), path)

    walk(figure.to_plotly_json(), "figure")
    return findings


def figure_text(figure) -> str:
    """Return every string of a plotly figure, joined, with entities decoded and bidi isolates dropped (what plotly
    shows, in reading order)."""
    parts: list[str] = []

    def walk(value):
        if isinstance(value, str):
            parts.append(html.unescape(value).replace("\u2068", "").replace("\u2069", ""))
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)
        elif hasattr(value, "tolist"):
            walk(value.tolist())

    walk(figure.to_plotly_json())
    return "\n".join(parts)


# ------------------------------------------------------------------ widgets
def walk_widgets(root):
    """Yield ``root`` and every widget below it (children, tab and accordion pages)."""
    seen = set()
    stack = [root]
    while stack:
        widget = stack.pop()
        if id(widget) in seen:
            continue
        seen.add(id(widget))
        yield widget
        stack.extend(getattr(widget, "children", ()) or ())


def widget_surface(root) -> tuple[list[str], str]:
    """Return findings and the visible text of every widget under ``root``.

    HTML widgets are scanned with :func:`html_findings`; a description that allows HTML is a
    finding in itself when it holds user text; option labels, values, descriptions and tooltips
    are plain text in ipywidgets 8 and count as visible text.
    """
    import ipywidgets as ipw

    findings: list[str] = []
    text: list[str] = []
    for widget in walk_widgets(root):
        if isinstance(widget, ipw.HTML | ipw.HTMLMath):
            found, shown = html_findings(widget.value)
            findings += [f"{type(widget).__name__}: {f}" for f in found]
            text.append(shown)
        if getattr(widget, "description_allow_html", False) and MARKER in (widget.description or ""):
            findings.append(f"{type(widget).__name__} description allows HTML and holds user text")
        if isinstance(widget, ipw.Label | ipw.HTMLMath) and "$" in str(widget.value):
            findings.append(f"{type(widget).__name__} value would be typeset as LaTeX: {widget.value[:60]!r}")
        for attr in ("_options_labels", ):
            labels = getattr(widget, attr, None)
            if labels:
                text.extend(labels)
        if isinstance(widget, ipw.Text | ipw.Textarea):
            text.append(widget.value)
        for attr in ("description", "tooltip", "placeholder"):
            value = getattr(widget, attr, None)
            if isinstance(value, str):
                text.append(value)
    return findings, "\n".join(text)


# ------------------------------------------------------------------ browser
DOM_SCAN_JS = r"""
([allowed, allowedStyles]) => {
  // the chapters (Voilà's own template scripts sit outside them); a page without one: its body
  const roots = Array.from(document.querySelectorAll('.pc-chapter'));
  if (!roots.length) roots.push(document.body);
  const all = (selector) => roots.flatMap((r) => Array.from(r.querySelectorAll(selector)));
  const found = [];
  const bad = 'script,iframe,object,embed,math,link,meta,form,video,audio,source,marquee,base,noscript,frame,'
    + 'applet,body';
  for (const el of all(bad)) found.push('<' + el.tagName.toLowerCase() + '>');
  for (const el of all('svg')) {
    if (!el.closest('.js-plotly-plot')) found.push('<svg> outside a plotly figure');
  }
  for (const el of all('img')) {
    // the upload guard's constant image, and the plotly renderer's own (hidden, no source) image
    const plotly = el.classList.contains('plot-img') && el.closest('.jp-RenderedPlotly') && !el.getAttribute('src');
    if (el.getAttribute('src') !== 'data:,' && !plotly) found.push('<img src=' + el.getAttribute('src') + '>');
  }
  for (const el of all('style')) {
    if (!allowedStyles.includes(el.textContent)) found.push('<style> that is not the workbook\'s own');
  }
  for (const el of all('*')) {
    const tag = el.tagName.toLowerCase();
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      if (name.startsWith('on') && !allowed.includes(a.value)) found.push('<' + tag + ' ' + name + '>');
      if (['href', 'src', 'action', 'data', 'xlink:href', 'formaction'].includes(name)) {
        const v = a.value.replace(/[\s\u0000-\u0020]+/g, '').toLowerCase();
        if (v.startsWith('javascript:') || v.startsWith('vbscript:')) found.push('<' + tag + ' ' + name + '=script>');
      }
      if (name === 'style' && /expression\(|javascript|__pwned/i.test(a.value)) found.push('style from user text');
    }
  }
  // textContent: also the tabs not shown right now (their text is still text, not markup)
  const text = roots.map((r) => r.textContent).join('\n');
  return {found: found, pwned: typeof window.__pwned !== 'undefined', text: text};
}
"""
"""Run in a page with the workbook's constant handlers and styles: returns findings, the flag and the text."""


def scan_page(page) -> dict:
    """Return ``{"found": [...], "pwned": bool, "text": str}`` for a live page (see :data:`DOM_SCAN_JS`)."""
    return page.evaluate(DOM_SCAN_JS, [sorted(_constant_handlers()), sorted(_constant_styles())])
