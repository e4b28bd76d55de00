"""No traceback ever reaches a page, also not from callbacks (issue 10, item 3), without a browser.

Every chapter is built for every role, then its data layer is broken: the store fails every
read and write, only every write, or the case records themselves fail. Then every control of
the page is used once: every button clicked, every checkbox, choice, text and tab changed. After
each action that hit the failure, the page must show a message in the user's language, and no
widget may hold a traceback, a file path or an exception name. ipywidgets' own safety net (which
prints the traceback into the page inside Voilà) is switched off here, so a callback that is not
wrapped in :func:`purposecase.ui.common.safe_callback` fails the test instead of being logged.
``tests/test_browser_faults_callbacks.py`` does the same through Voilà in Chromium.
"""

from __future__ import annotations

import ast
from pathlib import Path

import ipywidgets as ipw
import pytest
from ipywidgets.widgets.widget import CallbackDispatcher
from xss_corpus import walk_widgets

import purposecase
from purposecase import puzzle
from purposecase import roadmap as rm
from purposecase.messages import Translator
from purposecase.model import Item, PartnerDraft, PurposeCase
from purposecase.pieces import PIECE_KEYS
from purposecase.store import Store
from purposecase.ui.common import PageContext, StatusLine

UI = Path(purposecase.__file__).parent / "ui"
SECRET = 'Traceback (most recent call last):\n  File "/geheim/werkboek.sqlite3", line 1\nRuntimeError: kapot'
LEAKS = ("Traceback", 'File "', "/geheim", "RuntimeError", "kapot")
T = Translator("nl")


class Fault:
    """Counts how often the broken part was hit."""

    def __init__(self) -> None:
        self.calls = 0
        self.on = False

    def boom(self, *_args, **_kwargs):
        self.calls += 1
        raise RuntimeError(SECRET)


@pytest.fixture(autouse=True)
def _strict_callbacks(monkeypatch):
    """Let an exception out of an on_click handler (ipywidgets would print its traceback into the page)."""

    def strict(self, *args, **kwargs):
        value = None
        for callback in self.callbacks:
            local = callback(*args, **kwargs)
            value = local if local is not None else value
        return value

    monkeypatch.setattr(CallbackDispatcher, "__call__", strict)
    for target in (
        "purposecase.ui.editor.AUTOSAVE_SECONDS",
    ):
        monkeypatch.setattr(target, 3600)
    # the slides' figures need kaleido and Chromium; what matters here is the callback, not the picture
    monkeypatch.setattr("purposecase.export.parts.workspace_figures", lambda *a, **k: ())


def draft(**pieces) -> PartnerDraft:
    data = {k: [] for k in PIECE_KEYS}
    data.update({k: [Item(text=v) for v in vs] for k, vs in pieces.items()})
    return PartnerDraft(pieces=data)


@pytest.fixture()
def workspace():
    """A small workspace in every step: two partners with shared drafts, a shared case, a roadmap."""
    trekker, ttoken = purposecase.create_workspace("Techniekpact")
    tokens = {"trekker": ttoken}
    for name in ("Ans", "Bas"):
        _, token = trekker.add_partner(name, f"{name} bv")
        session = purposecase.open_workspace(token)
        session.save_my_draft(draft(intenties=[f"{name} wil"], inbreng=[f"{name} geeft"], impact=["Samen"]), base=0)
        session.set_my_draft_shared(True)
        tokens.setdefault("partner", token)
    trekker.update_shared(puzzle.adopt("impact", "Iedereen doet mee", [], [], item_id="i1"))
    trekker.update_shared(puzzle.adopt("doelgroepen", "Studenten", [], [], item_id="d1"))
    trekker.update_shared(puzzle.adopt("waarde", "Stageplekken", [], [], item_id="w1"))
    rm.save_roadmap(trekker, rm.ImpactRoadmap(steps=[rm.RoadmapStep(id="s1", wat="Verkennen")]), base=0)
    tokens["viewer"] = trekker.new_viewer_link()
    return tokens


def break_data(monkeypatch, fault: Fault, how: str) -> None:
    if how in ("store", "write"):
        monkeypatch.setattr(Store, "_write", fault.boom)
    if how == "store":
        monkeypatch.setattr(Store, "_read", fault.boom)
    if how == "data":
        monkeypatch.setattr(PurposeCase, "items", fault.boom)


def leaks(root) -> list[str]:
    out = []
    for w in walk_widgets(root):
        for attr in ("value", "description", "placeholder", "tooltip"):
            value = getattr(w, attr, None)
            if isinstance(value, str) and any(bad in value for bad in LEAKS):
                out.append(f"{type(w).__name__}.{attr}: {value[:120]!r}")
        labels = getattr(w, "_options_labels", None) or ()
        out += [f"{type(w).__name__} option {x!r}" for x in labels if any(bad in x for bad in LEAKS)]
    return out


def shown_messages(root) -> list[str]:
    return [w.value for w in walk_widgets(root) if isinstance(w, StatusLine | ipw.HTML) and "pc-msg-" in w.value]


def act(widget) -> str | None:
    """Use one control the way a person would; return what was done, or None when there is nothing to do."""
    if getattr(widget, "disabled", False):
        return None
    if isinstance(widget, ipw.Button):
        widget.click()
        return f"click {widget.description or widget.tooltip or widget.icon!r}"
    if isinstance(widget, ipw.Checkbox | ipw.ToggleButton):
        widget.value = not widget.value
        return f"toggle {widget.description!r}"
    if isinstance(widget, ipw.Text | ipw.Textarea):
        widget.value = (widget.value or "") + " en meer"
        return f"type into {widget.description or widget.placeholder!r}"
    if isinstance(widget, ipw.SelectMultiple):
        values = [v for _, v in widget.options] if widget.options and isinstance(widget.options[0], tuple) else []
        if not values:
            return None
        widget.value = tuple(values[:1]) if tuple(widget.value) != tuple(values[:1]) else ()
        return f"select {widget.description!r}"
    if isinstance(widget, ipw.Dropdown | ipw.ToggleButtons | ipw.RadioButtons | ipw.Select):
        labels = list(widget._options_labels)
        if len(labels) < 2:
            return None
        widget.index = (widget.index + 1) % len(labels) if widget.index is not None else 0
        return f"choose {labels[widget.index]!r} in {widget.description!r}"
    if isinstance(widget, ipw.FloatText | ipw.BoundedFloatText | ipw.IntText):
        widget.value = widget.value + 1
        return f"number {widget.description!r}"
    if isinstance(widget, ipw.Tab | ipw.Accordion):
        count = len(widget.children)
        if count < 2:
            return None
        widget.selected_index = ((widget.selected_index or 0) + 1) % count
        return "switch tab"
    return None


def poke_everything(root, fault: Fault) -> tuple[int, int, list[str]]:
    """Use every control once with the fault on; return (actions, actions that hit the fault, their messages)."""
    actions = hits = 0
    seen: list[str] = []
    # twice: a save button is enabled only after the first pass changed something
    for widget in list(walk_widgets(root)) + list(walk_widgets(root)):
        for status in walk_widgets(root):
            if isinstance(status, StatusLine):
                status.clear()
        before = fault.calls
        done = act(widget)
        if done is None:
            continue
        actions += 1
        assert leaks(root) == [], f"after {done}: {leaks(root)[:3]}"
        if fault.calls > before:
            hits += 1
            messages = [m for m in shown_messages(root) if "pc-msg-error" in m or "pc-msg-warning" in m]
            assert messages, f"after {done}: the failure was swallowed without a message"
            seen += messages
    return actions, hits, seen


def build(chapter: str, token: str | None):
    from purposecase.ui.delen import DelenChapter
    from purposecase.ui.examples import ExamplesChapter
    from purposecase.ui.instrument import InstrumentChapter
    from purposecase.ui.puzzelen import SamenPuzzelenChapter
    from purposecase.ui.roadmap import ImpactRoadmapChapter
    from purposecase.ui.waardecreatie import WaardecreatieChapter
    from purposecase.ui.waardepropositie import WaardepropositieChapter
    from purposecase.ui.welkom import WelkomChapter
    from purposecase.ui.zelf_invullen import ZelfInvullenChapter

    classes = {
        "00": WelkomChapter, "01": WaardecreatieChapter, "02": InstrumentChapter, "03": ExamplesChapter,
        "04": ZelfInvullenChapter, "05": SamenPuzzelenChapter, "06": WaardepropositieChapter,
        "07": ImpactRoadmapChapter, "08": DelenChapter,
    }
    context = PageContext(sleutel=token or "")
    if chapter == "03":
        return ExamplesChapter(context=context, quiz_seed=1)
    return classes[chapter](context)


STORE_CHAPTERS = ["00", "01", "04", "05", "06", "07", "08"]
CASES = (
    [
        (c, role, how)
        for c in STORE_CHAPTERS
        for role in ("trekker", "partner", "viewer")
        for how in ("store", "write")
        if not (c == "01" and role != "trekker")  # partners and viewers see the SDG's without a control
    ]
    + [(c, None, "write") for c in ("04", "08")]  # no link: start a workspace; import a file
    + [(c, None, "data") for c in ("02", "03")]
    + [(c, "trekker", "data") for c in ("04", "05", "07")]
)


@pytest.mark.parametrize(("chapter", "role", "how"), CASES)
def test_every_control_fails_politely(workspace, monkeypatch, chapter, role, how):
    page = build(chapter, workspace[role] if role else None)
    assert leaks(page) == []
    fault = Fault()
    break_data(monkeypatch, fault, how)
    actions, hits, seen = poke_everything(page, fault)
    assert actions > 0
    if how == "store" or (how == "data" and chapter in ("02", "03")):
        assert hits > 0, "no control reached the broken part: the test proves nothing"
    if hits:
        assert any(T("fout.onverwacht") in m for m in seen), seen[:3]


def test_the_poke_harness_catches_an_unguarded_callback(monkeypatch):
    """The harness is not blind: an on_click without safe_callback fails it, and so does a swallowed error."""
    fault = Fault()
    box = ipw.VBox([ipw.Button(description="kaal")])
    box.children[0].on_click(fault.boom)
    with pytest.raises(RuntimeError):
        poke_everything(box, fault)
    silent = ipw.VBox([ipw.Button(description="stil"), StatusLine()])

    def swallow(_b):
        try:
            fault.boom()
        except RuntimeError:
            pass

    silent.children[0].on_click(swallow)
    with pytest.raises(AssertionError, match="swallowed"):
        poke_everything(silent, fault)
    leaky = ipw.VBox([ipw.Button(description="lek"), StatusLine()])
    leaky.children[0].on_click(lambda _b: leaky.children[1].show(SECRET, "error"))
    with pytest.raises(AssertionError, match="Traceback"):
        poke_everything(leaky, fault)


def test_a_search_that_breaks_the_canvas_shows_the_message(monkeypatch):
    """Regression: the examples' search field reaches the canvas through a widget link, not a callback of ours;
    the canvas re-rendered in a traitlets observer without safe_callback, so its error went up into the page."""
    from purposecase.ui.examples import ExamplesChapter

    chapter = ExamplesChapter(context=PageContext(), quiz_seed=1)
    fault = Fault()
    with monkeypatch.context() as broken:
        broken.setattr(PurposeCase, "items", fault.boom)
        chapter.search_text.value = "mbo"  # model.query → canvas.query (ipw.dlink), no handler in between
    assert fault.calls
    assert T("fout.onverwacht") in chapter.canvas.value and "pc-msg-error" in chapter.canvas.value
    assert leaks(chapter) == []
    chapter.search_text.value = "stage"
    assert "pc-canvas" in chapter.canvas.value and "pc-msg-error" not in chapter.canvas.value


def test_background_saves_fail_politely(workspace, monkeypatch):
    """Autosave runs in a timer thread, outside any callback: it catches its own errors."""
    from purposecase.ui.roadmap import ImpactRoadmapChapter
    from purposecase.ui.zelf_invullen import ZelfInvullenChapter

    fault = Fault()
    partner = ZelfInvullenChapter(PageContext(sleutel=workspace["partner"]))
    editor = partner.body
    editor.rows[0].text.value = "nieuwe tekst"
    trekker = ImpactRoadmapChapter(PageContext(sleutel=workspace["trekker"]))
    trekker.board.editor.wat.value = "Anders verkennen"
    break_data(monkeypatch, fault, "store")
    editor.model.autosave()
    trekker.board.model.autosave()
    assert fault.calls >= 2
    for status in (editor.status, trekker.status):
        assert T("fout.onverwacht") in status.value
    assert leaks(partner) == [] and leaks(trekker) == []


def test_opening_a_chapter_with_a_broken_store_shows_a_message(workspace, monkeypatch):
    """The page itself (not a callback) meets the broken store while it is built."""
    fault = Fault()
    break_data(monkeypatch, fault, "store")
    for chapter in STORE_CHAPTERS:
        for role in ("trekker", "partner", "viewer"):
            page = build(chapter, workspace[role])
            assert leaks(page) == [], (chapter, role)
            assert any("pc-msg-error" in m or "pc-msg-warning" in m for m in shown_messages(page)), (chapter, role)


# ------------------------------------------------------------------ every handler is wrapped
GUARDS = {"guard", "_guard", "setter"}
"""Names that wrap a handler in safe_callback (``setter`` in the roadmap editor returns a guarded function)."""


def _wrapped(node: ast.AST, guarded_attrs: set[str]) -> bool:
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name in GUARDS:
            return True
        if name == "after_typing" and node.args:  # runs its (guarded) handler a moment later
            return _wrapped(node.args[0], guarded_attrs)
        if isinstance(func, ast.Call) and getattr(func.func, "id", None) == "safe_callback":
            return True
    if isinstance(node, ast.Attribute) and node.attr in guarded_attrs:
        return True
    return False


def test_every_widget_handler_in_the_ui_is_wrapped_in_safe_callback():
    """Static check: ``on_click(h)`` and ``widget.observe(h, …)`` only ever get a safe_callback-wrapped ``h``."""
    unwrapped = []
    for path in sorted(UI.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        guarded_attrs = {
            target.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign) and _wrapped(node.value, set())
            for target in node.targets
            if isinstance(target, ast.Attribute)
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in ("on_click", "observe", "on_submit") or not node.args:
                continue
            if isinstance(node.args[0], ast.Constant):  # @traitlets.observe("name") on a model: no widget handler
                continue
            if not _wrapped(node.args[0], guarded_attrs):
                unwrapped.append(f"{path.name}:{node.lineno}: {ast.unparse(node)[:100]}")
    assert not unwrapped, "handlers without safe_callback:\n" + "\n".join(unwrapped)


def test_the_static_check_sees_an_unwrapped_handler(tmp_path, monkeypatch):
    (tmp_path / "bad.py").write_text("b.on_click(self._on_go)\nm.observe(lambda c: 1, 'value')\n")
    monkeypatch.setattr(f"{__name__}.UI", tmp_path)
    with pytest.raises(AssertionError) as info:
        test_every_widget_handler_in_the_ui_is_wrapped_in_safe_callback()
    assert "bad.py:1" in str(info.value) and "bad.py:2" in str(info.value)
