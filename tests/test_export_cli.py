"""``purposecase export`` and ``purposecase import`` on the command line (in-process)."""

from __future__ import annotations

import io
import json
import re

import pytest

from purposecase.cli import EXIT_BAD_INPUT, EXIT_FORBIDDEN, main
from purposecase.examples import load_case
from purposecase.model import Item, PartnerDraft, PurposeCase
from purposecase.pieces import PIECE_KEYS
from purposecase.store import open_store
from purposecase.workspace import create_workspace, open_workspace


@pytest.fixture()
def store():
    return open_store()  # PURPOSECASE_HOME is a fresh folder per test (conftest)


@pytest.mark.parametrize("fmt", ["pdf", "pptx", "xlsx", "md", "json", "yaml"])
def test_export_a_publication_case(tmp_path, fmt):
    out = tmp_path / f"civ.{fmt}"
    assert main(["export", "civ-water", "--format", fmt, "-o", str(out)]) == 0
    data = out.read_bytes()
    assert data
    if fmt in ("json", "yaml"):
        loader = PurposeCase.from_json if fmt == "json" else PurposeCase.from_yaml
        assert loader(data.decode()) == load_case("civ-water")


def test_format_from_the_file_name_and_stdout(tmp_path, capsysbinary):
    out = tmp_path / "poster.pdf"
    assert main(["export", "house-of-hospitality", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert main(["export", "house-of-hospitality", "-f", "md", "-o", "-"]) == 0
    assert capsysbinary.readouterr().out.startswith(b"# House of Hospitality")


def test_export_a_case_file(tmp_path):
    source = tmp_path / "mijn-case.yaml"
    source.write_text(load_case("ontwikkelfonds").to_yaml(), encoding="utf-8")
    out = tmp_path / "x.xlsx"
    assert main(["export", str(source), "-o", str(out)]) == 0
    from openpyxl import load_workbook

    assert load_workbook(io.BytesIO(out.read_bytes()))["Purpose Case"].max_row > 10


def test_unknown_source_and_format(tmp_path, capsys):
    assert main(["export", "bestaat-niet", "-f", "pdf", "-o", str(tmp_path / "x.pdf")]) == EXIT_BAD_INPUT
    assert "Onbekend" in capsys.readouterr().err
    assert main(["export", "civ-water", "-o", str(tmp_path / "x.docx")]) == EXIT_BAD_INPUT


def test_workspace_export_by_token_never_prints_it(store, tmp_path, capsys, monkeypatch):
    trekker, token = create_workspace("Zorgpact", store=store)
    _, atoken = trekker.add_partner("Ans", "Zorginstelling")
    open_workspace(atoken, store=store).save_my_draft(
        PartnerDraft(pieces={**{k: [] for k in PIECE_KEYS}, "impact": [Item(text="Gezond ouder worden")]}), base=0
    )
    out = tmp_path / "backup.json"
    assert main(["export", token, "-f", "json", "-o", str(out)]) == 0
    backup = json.loads(out.read_text())
    assert backup["purposecase_backup"] == 1 and backup["workspace"]["name"] == "Zorgpact"
    # the partner exports their own draft; the token comes from the environment
    monkeypatch.setenv("PURPOSECASE_SLEUTEL", atoken)
    assert main(["export", "--subject", "draft", "-f", "md", "-o", str(tmp_path / "c.md")]) == 0
    assert "Gezond ouder worden" in (tmp_path / "c.md").read_text()
    assert main(["export", "--subject", "workspace", "-f", "json", "-o", str(tmp_path / "n.json")]) == EXIT_FORBIDDEN
    captured = capsys.readouterr()
    assert token not in captured.out + captured.err and atoken not in captured.out + captured.err
    monkeypatch.delenv("PURPOSECASE_SLEUTEL")
    assert main(["export", "x" * 43, "-f", "pdf", "-o", str(tmp_path / "z.pdf")]) == EXIT_FORBIDDEN
    assert "kennen we niet" in capsys.readouterr().err


def test_import_prints_new_links_once_and_round_trips(store, tmp_path, capsys):
    trekker, token = create_workspace("Techniekpact", store=store)
    trekker.add_partner("Ans", "ROC")
    out = tmp_path / "b.yaml"
    assert main(["export", token, "-f", "yaml", "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["import", str(out), "--name", "Techniekpact (kopie)", "--base-url", "http://werkboek.test/r/"]) == 0
    printed = capsys.readouterr().out
    links = re.findall(r"http://werkboek\.test/r/04_zelf_invullen\.ipynb\?sleutel=([\w-]+)", printed)
    assert len(links) == 2 and token not in printed  # trekker + Ans, never the old token
    copy = open_workspace(links[0], store=store)
    assert copy.role == "trekker" and copy.workspace().name == "Techniekpact (kopie)"
    assert [p.name for p in copy.partners()] == ["Ans"]


def test_import_as_draft_and_refusals(store, tmp_path, capsys):
    trekker, ttoken = create_workspace("Pact", store=store)
    _, atoken = trekker.add_partner("Ans", "ROC")
    viewer = trekker.new_viewer_link()
    case_file = tmp_path / "case.json"
    case_file.write_text(load_case("civ-water").to_json(), encoding="utf-8")
    assert main(["import", str(case_file), "--as-draft", "--token", atoken]) == 0
    assert open_workspace(atoken, store=store).my_draft().draft.pieces == load_case("civ-water").pieces
    assert main(["import", str(case_file), "--as-draft", "--token", viewer]) == EXIT_FORBIDDEN
    assert main(["import", str(case_file), "--as-shared-case", "--token", viewer]) == EXIT_FORBIDDEN
    assert main(["import", str(case_file), "--as-shared-case", "--token", ttoken]) == 0
    bad = tmp_path / "leeg.yaml"
    bad.write_text("")
    assert main(["import", str(bad)]) == EXIT_BAD_INPUT
    assert "leeg.yaml is leeg" in capsys.readouterr().err
