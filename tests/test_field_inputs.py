"""Bad input for text fields (issue 10, items 4 and 6): stored literally, or refused with a clear message.

``tests/corpora/field_inputs.yaml`` holds what a person can paste, or a crafted widget message can
carry: NUL bytes, control characters, right-to-left marks and overrides, zero-width and
non-characters, a 100 000-character line, emoji, combining characters, lone surrogates, only
spaces. Each goes into every text field of the workbook through its page component
(``tests/field_drivers.py``: the control a person uses, the code path of the page) with something
already stored there. Every field must store the input literally (trimmed, as every field trims)
or refuse it with a message in the user's language that is not the generic "er ging iets mis";
nothing may be cut off or changed silently, and what was stored before must still be there.
The store itself keeps every valid input byte for byte, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest
import yaml
from field_drivers import BEFORE, DRIVERS, world
from xss_corpus import CORPORA

from purposecase.messages import Translator
from purposecase.store import InvalidInput, open_store

T = Translator("nl")
GENERIC = T("fout.onverwacht")


def load_inputs() -> list[dict]:
    entries = yaml.safe_load((CORPORA / "field_inputs.yaml").read_text(encoding="utf-8"))
    for e in entries:
        if "repeat" in e:
            piece, times = e["repeat"]
            e["text"] = piece * times
    return entries


INPUTS = load_inputs()


@pytest.fixture(autouse=True)
def _quiet(monkeypatch):
    for target in (
        "purposecase.ui.editor.AUTOSAVE_SECONDS",
    ):
        monkeypatch.setattr(target, 3600)


def test_the_corpus_has_what_the_issue_asks_for():
    ids = {e["id"] for e in INPUTS}
    assert len(ids) == len(INPUTS)
    joined = "".join(e["text"] for e in INPUTS)
    for needle in ("\x00", "\u200f", "\u202e", "\u200b", "\ud800", "\u0301", "👩🏽\u200d🔧", "\r\n"):
        assert needle in joined, repr(needle)
    assert max(len(e["text"]) for e in INPUTS) >= 100_000
    assert any("\n" not in e["text"] and len(e["text"]) >= 100_000 for e in INPUTS)  # one single line


def judge(driver, entry, outcome) -> list[str]:
    """Return what is wrong with one field's handling of one input ([] when it is right)."""
    expected = entry["text"].strip()
    refusals = [text for kind, text in outcome.messages if kind in ("error", "warning")]
    where = f"{driver.__name__} ← {entry['id']}"
    problems = [f"{where}: the generic message instead of a clear one" for m in refusals if GENERIC in m]
    if expected in outcome.stored:
        return problems
    if outcome.stored:
        problems.append(f"{where}: stored changed: {outcome.stored[0][:40]!r} (len {len(outcome.stored[0])})")
    if not outcome.before_kept:
        problems.append(f"{where}: what was stored before is lost")
    if expected and not refusals:
        problems.append(f"{where}: neither stored nor refused with a message")
    if entry.get("lone_surrogate") and refusals and not any(
        T("fout.tekens") in m or "naam" in m.lower() or "gegevens" in m.lower() or "invoer" in m.lower()
        for m in refusals
    ):
        problems.append(f"{where}: a broken character without saying so: {refusals}")
    return problems


@pytest.mark.parametrize("entry", INPUTS, ids=[e["id"] for e in INPUTS])
def test_every_field_stores_the_input_literally_or_says_why(entry, tmp_path, monkeypatch):
    problems = []
    outcomes = {}
    for driver in DRIVERS:
        monkeypatch.setenv("PURPOSECASE_HOME", str(tmp_path / driver.__name__))
        outcome = driver(world(), entry["text"])
        outcomes[driver.__name__] = outcome
        problems += judge(driver, entry, outcome)
    assert not problems, "\n".join(problems)
    stored = [name for name, o in outcomes.items() if entry["text"].strip() in o.stored]
    if entry.get("lone_surrogate") or entry["id"] in ("long-line", "just-over-limit"):
        assert stored == [], f"{entry['id']} cannot be stored, yet {stored} did"
    if entry["id"] in ("emoji", "combining", "zalgo", "astral", "rtl-marks", "rtl-override", "bom"):
        assert len(stored) == len(DRIVERS), f"{entry['id']}: refused by {set(outcomes) - set(stored)}"


def test_the_judge_is_not_blind():
    """Each kind of wrong handling is reported: changed, lost, silent, generic."""
    from field_drivers import Outcome

    entry = {"id": "x", "text": "abc"}
    assert judge(test_the_judge_is_not_blind, entry, Outcome(["ab"], [], True))
    assert judge(test_the_judge_is_not_blind, entry, Outcome([], [("warning", "Te lang.")], False))
    assert judge(test_the_judge_is_not_blind, entry, Outcome([], [], True))
    assert judge(test_the_judge_is_not_blind, entry, Outcome([], [("error", GENERIC)], True))
    assert judge(test_the_judge_is_not_blind, entry, Outcome(["abc"], [], True)) == []
    assert judge(test_the_judge_is_not_blind, entry, Outcome([], [("warning", "Te lang.")], True)) == []


def test_a_refused_input_keeps_everything_before(tmp_path, monkeypatch):
    """Spot check of the whole draft, not only the field: a refused 100 000-character item loses nothing."""
    from field_drivers import draft_item

    import purposecase

    monkeypatch.setenv("PURPOSECASE_HOME", str(tmp_path))
    w = world()
    before = purposecase.open_workspace(w.partner).my_draft()
    outcome = draft_item(w, "x" * 100_000)
    after = purposecase.open_workspace(w.partner).my_draft()
    assert outcome.messages and after.base == before.base and after.draft == before.draft
    assert BEFORE in [i.text for i in after.draft.items("impact")]


@pytest.mark.parametrize("entry", INPUTS, ids=[e["id"] for e in INPUTS])
def test_the_store_keeps_every_valid_input_byte_for_byte(entry, db_url):
    """The save path under every field: content in, the same content out (SQLite and PostgreSQL)."""
    from purposecase.model import Item, PartnerDraft
    from purposecase.pieces import PIECE_KEYS

    store = open_store(db_url)
    workspace, _ = store.create_workspace("Opslag")
    doc = store.document(workspace.id, "draft", store.add_partner(workspace.id, "Ans", "")[0].id)
    text = entry["text"]
    content = {"text": text, "items": [text, text[:10]]}
    if entry.get("lone_surrogate"):
        with pytest.raises(InvalidInput) as info:
            store.save(doc.id, content, base=0, author="trekker")
        assert info.value.code == "invalid_unicode"
        assert store.load(doc.id) is None
        return
    store.save(doc.id, content, base=0, author="trekker")
    assert store.load(doc.id).content == content
    # and as an item of a draft, where the model trims it and limits its length
    if text.strip() and len(text.strip()) <= 2000:
        draft = PartnerDraft(pieces={k: [Item(text=text)] if k == "impact" else [] for k in PIECE_KEYS})
        store.save(doc.id, draft.to_content(), base=1, author="trekker")
        assert PartnerDraft.from_content(store.load(doc.id).content).items("impact")[0].text == text.strip()


def test_autosave_says_so_when_a_broken_character_cannot_be_saved(tmp_path, monkeypatch):
    """Regression: the draft's autosave (a timer thread, no safe_callback) showed the generic message."""
    from purposecase.ui.common import PageContext
    from purposecase.ui.zelf_invullen import ZelfInvullenChapter

    monkeypatch.setenv("PURPOSECASE_HOME", str(tmp_path))
    w = world()
    editor = ZelfInvullenChapter(PageContext(sleutel=w.partner)).body
    editor.rows[0].text.value = "kapot \ud800 teken"
    editor.model.autosave()
    assert T("fout.tekens") in editor.status.value
    assert editor.rows[0].text.value == "kapot \ud800 teken"  # the text stays on screen
    editor.close()
