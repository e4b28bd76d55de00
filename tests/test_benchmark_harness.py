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
