"""The page benchmark's own logic (statistics, ratio, table) and a smoke run; no time is asserted."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("bench_pages", ROOT / "benchmarks" / "pages.py")
pages = importlib.util.module_from_spec(spec)
sys.modules["bench_pages"] = pages
spec.loader.exec_module(pages)


def test_summarise_gives_medians_and_ratios():
    bare = pages.PageResult("bare.ipynb", [2.0, 1.0, 3.0], [2.0, 2.0, 2.0], [50, 52, 54])
    chapter = pages.PageResult("03_voorbeelden.ipynb", [3.0, 2.0, 4.0], [4.0, 4.0, 5.0], [60, 70, 80])
    rows = {r["page"]: r for r in pages.summarise([bare, chapter])}
    assert rows["bare.ipynb"]["visible_ratio"] == 1.0
    assert rows["03_voorbeelden.ipynb"]["visible_s"] == 3.0
    assert rows["03_voorbeelden.ipynb"]["visible_ratio"] == 1.5
    assert rows["03_voorbeelden.ipynb"]["interactive_ratio"] == 2.0
    assert rows["03_voorbeelden.ipynb"]["rss_over_bare_mb"] == 18


def test_empty_measurements_do_not_crash_the_table():
    bare = pages.PageResult("bare.ipynb", [1.0], [1.0], [])
    other = pages.PageResult("x.ipynb")
    table = pages.format_table(pages.summarise([bare, other]))
    assert "x.ipynb" in table and " - " in table


def test_summarise_needs_the_baseline():
    with pytest.raises(StopIteration):
        pages.summarise([pages.PageResult("x.ipynb", [1.0])])


@pytest.mark.browser
def test_smoke_run_produces_a_complete_table(tmp_path, chromium):
    import subprocess

    # a subprocess: Playwright's sync API cannot nest inside the session's browser fixture
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "pages.py"), "--runs", "1", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    out = run.stdout
    data = json.loads(next(tmp_path.glob("pages-*.json")).read_text())
    names = {r["page"] for r in data["rows"]}
    assert names == set(pages.PAGES)
    for row in data["rows"]:
        assert row["runs"] == 1 and row["visible_s"] > 0 and row["kernel_rss_mb"] > 0
        assert row["page"] in out


def test_the_kernel_id_is_read_from_the_page():
    html = '<script id="jupyter-config-data">{"baseUrl": "/", "kernelId": "bf4fbb9e-50da-44be-a2e8-fd3771a32a36"}'
    assert pages.page_kernel_id(html) == "bf4fbb9e-50da-44be-a2e8-fd3771a32a36"
    assert pages.page_kernel_id("<html></html>") is None


def test_every_chapter_with_a_link_is_measured_with_a_seeded_workspace(tmp_path):
    from purposecase import roadmap, valueprop
    from purposecase.store import open_store
    from purposecase.workspace import open_workspace

    chapters = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert chapters <= set(pages.PAGES), "a chapter is missing from the page benchmark"
    tokens = pages.seed_workspace(tmp_path)
    store = open_store(f"sqlite:///{tmp_path / 'werkboek.sqlite3'}")
    sessions = {role: open_workspace(token, store=store) for role, token in tokens.items()}
    assert {role: s.role for role, s in sessions.items()} == {r: r for r in ("trekker", "partner", "viewer")}
    trekker = sessions["trekker"]
    assert len(trekker.shared_drafts()) == 5
    assert sum(len(trekker.shared_case().shared.items(k)) for k in ("impact", "waarde", "doelgroepen")) >= 3
    propositions = valueprop.load_propositions(trekker).propositions.propositions
    assert len(propositions) == len(trekker.shared_case().shared.items("doelgroepen"))  # one per target group
    assert sum(1 for vp in propositions if vp.pijnen and vp.pijnverzachters) == 2
    assert len(roadmap.load_roadmap(trekker).roadmap.steps) == 6
    for name, (_, _, role) in pages.PAGES.items():
        assert pages.query_for(role, tokens) == (f"sleutel={tokens[role]}" if role else "")


@pytest.mark.browser
def test_smoke_run_with_preheated_kernels_opens_a_link(tmp_path, chromium):
    """A preheated kernel must still get its ?sleutel= (the draft editor shows only with a partner's link)."""
    import subprocess

    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "pages.py"), "--runs", "1", "--preheat", "--only", "04_",
         "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    data = json.loads(next(tmp_path.glob("pages-preheat-*.json")).read_text())
    assert data["preheat"] is True
    assert {r["page"] for r in data["rows"]} == {"bare.ipynb", "04_zelf_invullen.ipynb"}
    assert all(r["visible_s"] > 0 and r["kernel_rss_mb"] > 0 for r in data["rows"])
