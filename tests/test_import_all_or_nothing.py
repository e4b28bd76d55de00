"""Imports are all or nothing (issue 20): a malformed backup is refused before anything is stored, through
the library, chapter 08 and the CLI; a failure half-way through the store leaves nothing behind; limits by count."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime

import pytest
import yaml
from sqlalchemy import text

from purposecase import valueprop
from purposecase.backup import (
    MAX_PARTNERS,
    UploadError,
    backup_bytes,
    backup_workspace,
    read_upload,
    restore_workspace,
)
from purposecase.cli import EXIT_BAD_INPUT, main
from purposecase.messages import Translator
from purposecase.model import Item, PartnerDraft
from purposecase.pieces import PIECE_KEYS
from purposecase.roadmap import ImpactRoadmap, Inzet, RoadmapStep, save_roadmap
from purposecase.store import open_store
from purposecase.ui.common import PageContext
from purposecase.ui.delen import DelenChapter
from purposecase.workspace import create_workspace, open_workspace


def row_counts(store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()  # noqa: S608 - fixed table names
            for t in ("workspaces", "partners", "tokens", "documents", "revisions")
        }


@pytest.fixture()
def full_backup():
    """A workspace with every kind of document, backed up by the trekker (private drafts included)."""
    store = open_store()  # PURPOSECASE_HOME is a fresh folder per test (conftest)
    trekker, _ = create_workspace("Techniekpact", store=store)
    ans, atoken = trekker.add_partner("Ans", "ROC Twente")
    a = open_workspace(atoken, store=store)
    pieces = {k: [] for k in PIECE_KEYS}
    pieces.update(intenties=[Item(text="Leren")], inbreng=[Item(text="Docenten")])
    a.save_my_draft(PartnerDraft(pieces=pieces), base=0)
    a.set_my_draft_shared(True)
    trekker.set_sdgs([4], base=0)
    valueprop.update_propositions(trekker, valueprop.add_proposition(valueprop.new_proposition("Studenten")), base=0)
    step = RoadmapStep(id="s1", wat="Pilot", eigenaren=[ans.id], inzet=[Inzet(partner=ans.id, uren=10, euro=500)])
    save_roadmap(trekker, ImpactRoadmap(steps=[step]), base=0)
    a.document("roadmap").react("s1", "akkoord")
    a.react("x1", "eens")
    a.document("value_propositions").react("p1", "vraag")
    return store, backup_workspace(trekker, include_private=True)


def broken_variants(backup: dict) -> dict[str, bytes]:
    """The malformed backups of the issue, each as the file a user would upload."""
    out = {}
    nan = json.loads(json.dumps(backup))
    roadmap = next(d for d in nan["documents"] if d["kind"] == "roadmap")
    roadmap["revisions"][-1]["content"]["steps"][0]["inzet"][0]["uren"] = float("nan")
    out["roadmap-nan.yaml"] = yaml.safe_dump(nan, allow_unicode=True).encode()  # `.nan` in YAML
    for kind, content in {
        "reactions": {"items": ["x"]},
        "value_propositions": {"propositions": [{"id": 1, "doelgroep": None, "taken": "x"}]},
        "roadmap": {"steps": [{"id": "x", "wat": 5, "inzet": "veel"}]},
    }.items():
        broken = json.loads(json.dumps(backup))
        next(d for d in broken["documents"] if d["kind"] == kind)["revisions"][-1]["content"] = content
        out[f"{kind}.json"] = backup_bytes(broken, "json")
    return out


def test_the_nan_file_holds_nan():
    assert ".nan" in yaml.safe_dump({"x": float("nan")})


@pytest.mark.parametrize("name", ["roadmap-nan.yaml", "reactions.json", "value_propositions.json", "roadmap.json"])
def test_a_malformed_backup_is_refused_everywhere_and_stores_nothing(full_backup, name, tmp_path, capsys):
    store, backup = full_backup
    data = broken_variants(backup)[name]
    kind = name.split(".")[0].replace("-nan", "")
    before = row_counts(store)
    # the library: refused at reading, with the document and the field named
    with pytest.raises(UploadError) as info:
        read_upload(data, name)
    lines = info.value.messages(Translator("nl"), name)
    assert info.value.code == "schema" and any(f"({kind})" in line for line in lines), lines
    with pytest.raises(UploadError):
        restore_workspace(yaml.safe_load(data), store=store)
    # chapter 08: the check says what is wrong, Importeren stays off
    panel = DelenChapter(context=PageContext()).import_panel
    panel.uploader.value = (
        {"name": name, "type": "", "size": len(data), "content": memoryview(data), "last_modified": datetime.now(UTC)},
    )
    shown = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", panel.file_info.value)).split())
    assert "in orde" not in shown and f"({kind})" in shown, shown
    assert panel.import_button.disabled
    # the CLI: a clear message, no traceback, exit 2
    path = tmp_path / name
    path.write_bytes(data)
    assert main(["import", str(path)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "Traceback" not in err and f"({kind})" in err, err
    assert row_counts(store) == before


def test_a_failure_half_way_through_the_store_leaves_nothing(full_backup, monkeypatch):
    store, backup = full_backup
    upload = read_upload(backup_bytes(backup, "json"), "b.json")
    before = row_counts(store)
    seen = []

    def failing_remap(value, mapping):
        seen.append(1)
        if len(seen) == 4:  # the fourth revision: partners and earlier documents are already written
            raise RuntimeError("the disk is full")
        from purposecase.backup import remap_ids

        return remap_ids(value, mapping)

    monkeypatch.setattr("purposecase.backup.remap_ids", failing_remap)
    with pytest.raises(RuntimeError):
        restore_workspace(upload.backup, store=store)
    assert len(seen) == 4
    assert row_counts(store) == before
    monkeypatch.undo()
    restored = restore_workspace(upload.backup, store=store)  # and the same file imports cleanly afterwards
    assert row_counts(store)["workspaces"] == before["workspaces"] + 1
    assert restored.session.document("roadmap").load().record.steps[0].wat == "Pilot"


def test_revisions_keep_their_original_times(full_backup):
    store, backup = full_backup
    old = "2024-03-01T09:30:00+00:00"
    for doc in backup["documents"]:
        for rev in doc["revisions"]:
            rev["created_at"] = old
    restored = restore_workspace(read_upload(backup_bytes(backup, "json"), "b.json").backup, store=store)
    history = restored.session.document("roadmap").history()
    assert history and all(r.created_at == datetime(2024, 3, 1, 9, 30, tzinfo=UTC) for r in history)
    assert restored.session.workspace().created_at > datetime(2025, 1, 1, tzinfo=UTC)  # the import's own time


def test_too_many_partners_is_refused_by_count(full_backup):
    store, backup = full_backup
    many = json.loads(json.dumps(backup))
    many["partners"] = [
        {"id": f"p{i}", "name": f"Partner {i}", "organisation": "", "role": ""} for i in range(MAX_PARTNERS + 1)
    ]
    many["documents"] = []
    before = row_counts(store)
    with pytest.raises(UploadError) as info:
        read_upload(backup_bytes(many, "json"), "veel.json")
    assert info.value.code == "te_veel"
    (line,) = info.value.messages(Translator("nl"), "veel.json")
    assert "te veel partners" in line and str(MAX_PARTNERS) in line
    assert row_counts(store) == before


def test_a_reaction_word_outside_the_kinds_vocabulary_is_refused():
    from purposecase.workspace import InvalidInput

    store = open_store()
    trekker, _ = create_workspace("Woorden", store=store)
    _, token = trekker.add_partner("Ans", "ROC")
    a = open_workspace(token, store=store)
    before = row_counts(store)
    # roadmap steps take "akkoord", shared items "eens": the words are each kind's own
    with pytest.raises(InvalidInput):
        a.document("roadmap").react("s1", "eens")
    with pytest.raises(InvalidInput):
        a.react("i1", "akkoord")
    assert row_counts(store) == before
    a.document("roadmap").react("s1", "akkoord")
    expected = {a.access.partner_id: {"s1": {"soort": "akkoord", "opmerking": ""}}}
    assert trekker.document("roadmap").reactions() == expected


@pytest.mark.parametrize("fmt", ["md", "pdf", "pptx", "xlsx", "json", "yaml"])
def test_cli_export_of_an_unreadable_document_prints_no_traceback_and_names_what_it_left_out(
    tmp_path, capsys, monkeypatch, fmt
):
    """A database written before validation (or by hand) may hold a broken roadmap: the export goes on and says so."""
    store = open_store()
    trekker, token = create_workspace("Kapot", store=store)
    doc = store.document(trekker.workspace_id, "roadmap")
    store.save(doc.id, {"steps": [{"id": "x", "wat": 5, "inzet": "veel"}]}, base=0, author="trekker")
    monkeypatch.setenv("PURPOSECASE_SLEUTEL", token)
    out = tmp_path / f"kapot.{fmt}"
    assert main(["export", "--format", fmt, "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    if fmt == "md":
        text = out.read_text(encoding="utf-8")
        assert "Impact Roadmap: niet te lezen" in text and "| stap 1 · wat |" in text
    if fmt == "xlsx":
        import openpyxl

        rows = [[c.value for c in r] for r in openpyxl.load_workbook(out)["Impact Roadmap"].iter_rows()]
        assert ["Impact Roadmap: niet te lezen", "stap 1 · inzet", "Input should be a valid list"] in rows
    if fmt == "pdf":
        from pypdf import PdfReader

        assert "niet te lezen" in " ".join(p.extract_text() for p in PdfReader(out).pages)
