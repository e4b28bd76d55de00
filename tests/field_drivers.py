"""Drive one text field of the workbook through its page component, as a person would (tests/test_field_inputs.py).

Each driver builds the chapter for the role that owns the field, makes sure something is
already stored there (so a refused input can be checked to lose nothing), puts the input into
the field's widget, uses the control that saves it, and reports what happened: what the store
holds afterwards and which message the page shows.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import yaml

import purposecase
from purposecase import puzzle
from purposecase import roadmap as rm
from purposecase import valueprop as vp
from purposecase.model import Item, PartnerDraft
from purposecase.pieces import PIECE_KEYS
from purposecase.ui.common import PageContext, StatusLine

BEFORE = "Wat er al stond"
"""The value stored in the field before the input (must survive a refused input)."""


@dataclass
class Outcome:
    """What a field did with one input."""

    stored: list[str]
    """the field's values in the store afterwards (every item, name …)"""
    messages: list[tuple[str, str]]
    """the message boxes on the page: ``(kind, text)``"""
    before_kept: bool
    """the value stored before is still there"""


_BOX = re.compile(r'<div class="pc-msg pc-msg-(error|warning|info)[^"]*"[^>]*>(.*?)</div>', re.S)


def messages(root) -> list[tuple[str, str]]:
    """Return ``(kind, text)`` of every message a status line or the import shows."""
    import ipywidgets as ipw
    from xss_corpus import walk_widgets

    out = []
    for w in walk_widgets(root):
        # status lines, and the import's own result and file boxes (not the hints inside tables)
        results = isinstance(w, ipw.HTML) and {"pc-import-result", "pc-import-info"} & set(w._dom_classes)
        if isinstance(w, StatusLine) or results:
            for kind, text in _BOX.findall(w.value):
                out.append((kind, html.unescape(re.sub(r"<[^>]+>", " ", text)).strip()))
    return out


def _empty_draft(**pieces) -> PartnerDraft:
    data = {k: [] for k in PIECE_KEYS}
    data.update({k: [Item(text=v) for v in vs] for k, vs in pieces.items()})
    return PartnerDraft(pieces=data)


@dataclass
class World:
    """A workspace in every step, with :data:`BEFORE` in every field."""

    trekker: str
    partner: str
    partner_id: str


def world() -> World:
    trekker, ttoken = purposecase.create_workspace(BEFORE)
    partner, token = trekker.add_partner(BEFORE, BEFORE, BEFORE)
    session = purposecase.open_workspace(token)
    session.save_my_draft(_empty_draft(impact=[BEFORE], intenties=[BEFORE], inbreng=[BEFORE]), base=0)
    session.set_my_draft_shared(True)
    trekker.update_shared(puzzle.adopt("impact", BEFORE, [], [], item_id="i1"))
    trekker.update_shared(puzzle.adopt("doelgroepen", BEFORE, [], [], item_id="d1"))
    trekker.update_shared(puzzle.set_aside("doelgroep_waarde", BEFORE))
    session.react("i1", "vraag", BEFORE)
    loaded = vp.load_propositions(trekker)
    pid = loaded.propositions.propositions[0].id
    vp.update_propositions(trekker, vp.add_item(pid, "pijnen", BEFORE, item_id="p1"), base=loaded.base)
    vp.react_to_proposition(session, pid, "vraag", BEFORE)
    step = rm.RoadmapStep(id="s1", wat=BEFORE, skills=BEFORE, middelen=BEFORE, opbrengst=BEFORE,
                          belemmeringen=[rm.Belemmering(belemmering=BEFORE, oplossing=BEFORE)])
    rm.save_roadmap(trekker, rm.ImpactRoadmap(steps=[step]), base=0)
    rm.react_to_step(session, "s1", "vraag", BEFORE)
    return World(ttoken, token, partner.id)


def _page(cls, token: str = ""):
    return cls(PageContext(sleutel=token))


# ------------------------------------------------------------------ 04
def workspace_name(w: World, text: str) -> Outcome:
    from purposecase.ui.zelf_invullen import ZelfInvullenChapter

    page = _page(ZelfInvullenChapter)
    page.body.name_text.value = text
    page.body.start_button.click()
    stored = [page.session.workspace().name] if page.session else []
    return Outcome(stored, messages(page), purposecase.open_workspace(w.trekker).workspace().name == BEFORE)


def _add_partner(w: World, text: str, field: str) -> Outcome:
    from purposecase.ui.zelf_invullen import ZelfInvullenChapter

    page = _page(ZelfInvullenChapter, w.trekker)
    panel = page.body
    values = {"name": "Nieuwe partner", "organisation": "Org", "role": "Rol"} | {field: text}
    panel.partner_name.value, panel.partner_organisation.value, panel.partner_role.value = (
        values["name"], values["organisation"], values["role"]
    )
    known = {p.id for p in purposecase.open_workspace(w.trekker).partners()}
    panel.add_partner_button.click()
    partners = purposecase.open_workspace(w.trekker).partners()
    new = [getattr(p, field) for p in partners if p.id not in known]
    kept = any(p.name == BEFORE and p.organisation == BEFORE for p in partners)
    panel.close()
    return Outcome(new, messages(page), kept)


def partner_name(w, text):
    return _add_partner(w, text, "name")


def partner_organisation(w, text):
    return _add_partner(w, text, "organisation")


def partner_role(w, text):
    return _add_partner(w, text, "role")


def draft_item(w: World, text: str) -> Outcome:
    from purposecase.ui.zelf_invullen import ZelfInvullenChapter

    page = _page(ZelfInvullenChapter, w.partner)
    editor = page.body
    editor.add_button.click()
    editor.rows[-1].text.value = text
    editor.save_button.click()
    draft = purposecase.open_workspace(w.partner).my_draft().draft
    items = [i.text for i in draft.items("impact")]
    editor.close()
    return Outcome([t for t in items if t != BEFORE], messages(page), BEFORE in items)


# ------------------------------------------------------------------ 05
def _board(token: str):
    from purposecase.ui.puzzelen import SamenPuzzelenChapter

    page = _page(SamenPuzzelenChapter, token)
    return page, page.board


def shared_new_item(w: World, text: str) -> Outcome:
    page, board = _board(w.trekker)
    board.new_item_text.value = text
    board.new_item_button.click()
    items = [i.text for i in purposecase.open_workspace(w.trekker).shared_case().shared.items("impact")]
    board.close()
    return Outcome([t for t in items if t != BEFORE], messages(page), BEFORE in items)


def shared_edit(w: World, text: str) -> Outcome:
    page, board = _board(w.trekker)
    board.rows[0].text.value = text
    board.model.autosave()  # what the timer does once typing stops
    items = [i.text for i in purposecase.open_workspace(w.trekker).shared_case().shared.items("impact")]
    board.close()
    return Outcome([t for t in items if t != BEFORE], messages(page), BEFORE in items)


def set_aside_reason(w: World, text: str) -> Outcome:
    page, board = _board(w.trekker)
    board.aside_dropdown.value = "spreiding" if "spreiding" in [v for _, v in board.aside_dropdown.options] else \
        board.aside_dropdown.options[-1][1]
    board.aside_reason.value = text
    board.aside_button.click()
    aside = purposecase.open_workspace(w.trekker).shared_case().shared.set_aside
    board.close()
    new = [a.reason for k, a in aside.items() if k != "doelgroep_waarde"]
    return Outcome(new, messages(page), aside.get("doelgroep_waarde") is not None
                   and aside["doelgroep_waarde"].reason == BEFORE)


def shared_comment(w: World, text: str) -> Outcome:
    page, board = _board(w.partner)
    row = board.rows[0]
    row.comment.value = text
    row.react_button.click()
    mine = purposecase.open_workspace(w.partner).reactions().get(w.partner_id, {}).get("i1", {})
    board.close()
    comment = mine.get("opmerking", "")
    return Outcome([comment] if comment != BEFORE else [], messages(page), comment == BEFORE)


# ------------------------------------------------------------------ 06
def _panel(token: str):
    from purposecase.ui.waardepropositie import WaardepropositieChapter

    page = _page(WaardepropositieChapter, token)
    return page, page.panel


def _propositions(w: World):
    return vp.load_propositions(purposecase.open_workspace(w.trekker)).propositions.propositions


def target_group(w: World, text: str) -> Outcome:
    page, panel = _panel(w.trekker)
    panel.new_group_text.value = text
    panel.new_group_button.click()
    names = [p.doelgroep for p in _propositions(w)]
    return Outcome([n for n in names if n != BEFORE], messages(page), BEFORE in names)


def target_group_rename(w: World, text: str) -> Outcome:
    page, panel = _panel(w.trekker)
    panel.name_text.value = text
    panel.model.autosave()  # what the timer does once typing stops
    names = [p.doelgroep for p in _propositions(w)]
    return Outcome([n for n in names if n != BEFORE], messages(page), BEFORE in names)


def value_item(w: World, text: str) -> Outcome:
    page, panel = _panel(w.trekker)
    panel.add_texts["pijnen"].value = text
    panel.add_buttons["pijnen"].click()
    items = [i.text for i in _propositions(w)[0].pijnen]
    return Outcome([t for t in items if t != BEFORE], messages(page), BEFORE in items)


def value_item_edit(w: World, text: str) -> Outcome:
    page, panel = _panel(w.trekker)
    panel.rows["pijnen"][0].text.value = text
    panel.model.autosave()  # what the timer does once typing stops
    items = [i.text for i in _propositions(w)[0].pijnen]
    return Outcome([t for t in items if t != BEFORE], messages(page), BEFORE in items)


def value_comment(w: World, text: str) -> Outcome:
    page, panel = _panel(w.partner)
    panel.comment.value = text
    panel.react_button.click()
    pid = _propositions(w)[0].id
    mine = vp.proposition_reactions(purposecase.open_workspace(w.partner)).get(w.partner_id, {}).get(pid, {})
    comment = mine.get("opmerking", "")
    return Outcome([comment] if comment != BEFORE else [], messages(page), comment == BEFORE)


# ------------------------------------------------------------------ 07
def _roadmap(token: str):
    from purposecase.ui.roadmap import ImpactRoadmapChapter

    page = _page(ImpactRoadmapChapter, token)
    return page, page.board


def _step(w: World) -> rm.RoadmapStep:
    return rm.load_roadmap(purposecase.open_workspace(w.trekker)).roadmap.steps[0]


def _roadmap_field(field: str):
    def drive(w: World, text: str) -> Outcome:
        page, board = _roadmap(w.trekker)
        editor = board.editor
        if field in ("belemmering", "oplossing"):
            what, fix, _ = editor.belemmeringen[0]
            (what if field == "belemmering" else fix).value = text
        else:
            getattr(editor, field).value = text
        board.save_button.click()
        step = _step(w)
        value = getattr(step.belemmeringen[0], field) if field in ("belemmering", "oplossing") else getattr(step, field)
        board.close()
        return Outcome([value] if value != BEFORE else [], messages(page), value == BEFORE)

    drive.__name__ = f"roadmap_{field}"
    return drive


def roadmap_comment(w: World, text: str) -> Outcome:
    page, board = _roadmap(w.partner)
    board.comment.value = text
    board.react_button.click()
    mine = rm.roadmap_reactions(purposecase.open_workspace(w.partner)).get(w.partner_id, {}).get("s1", {})
    comment = mine.get("opmerking", "")
    board.close()
    return Outcome([comment] if comment != BEFORE else [], messages(page), comment == BEFORE)


# ------------------------------------------------------------------ 08
def import_name(w: World, text: str) -> Outcome:
    from purposecase.ui.delen import DelenChapter

    page = _page(DelenChapter)
    panel = page.import_panel
    case = {"slug": "import", "title": "Import", "pieces": {k: [] for k in PIECE_KEYS}}
    data = yaml.safe_dump(case).encode()
    panel._on_upload({"new": ({"name": "case.yaml", "type": "", "size": len(data), "content": memoryview(data),
                               "last_modified": datetime.now(UTC)},)})
    panel.name_text.value = text
    panel.import_button.click()
    names = [n for n in _workspace_names() if n not in (BEFORE, "Import")]
    return Outcome(names, messages(page), BEFORE in _workspace_names())


def _workspace_names() -> list[str]:
    from sqlalchemy import text as sql

    from purposecase.store import open_store

    store = open_store()
    with store.engine.connect() as conn:  # a test looks at every workspace
        return [row[0] for row in conn.execute(sql("SELECT name FROM workspaces"))]


DRIVERS = [
    workspace_name, partner_name, partner_organisation, partner_role, draft_item,
    shared_new_item, shared_edit, set_aside_reason, shared_comment,
    target_group, target_group_rename, value_item, value_item_edit, value_comment,
    *(_roadmap_field(f) for f in ("wat", "skills", "middelen", "opbrengst", "belemmering", "oplossing")),
    roadmap_comment, import_name,
]
