"""Page speed of every chapter against a bare ipywidgets notebook, in one run.

Starts Voilà with the settings ``purposecase serve`` uses (on a temporary
folder holding the chapter notebooks plus ``bare.ipynb``), opens each page N
times in headless Chromium (a fresh browser context each time, pages closed
properly) and measures:

- request → widgets visible (the page's main widget is in the DOM and visible),
- request → interactive (a known control is enabled),
- the kernel's resident memory (RSS, MB) once the page is interactive.

Prints a table of medians with the ratio page / bare and writes JSON to
``benchmarks/results/pages-<timestamp>.json``.

    .venv/bin/python benchmarks/pages.py --runs 5 [--preheat] [--only 03_voorbeelden]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

# notebook → (selector of "widgets visible", selector of "interactive")
PAGES: dict[str, tuple[str, str]] = {
    "bare.ipynb": (".widget-button", ".widget-button:enabled"),
    "00_welkom.ipynb": (".pc-steps", ".pc-nav-next"),
    "01_waardecreatie.ipynb": (".pc-sdg-grid", ".pc-sdg-4 input:enabled"),
    "02_purpose_case.ipynb": (".pc-instrument-canvas", ".pc-piece-picker button:enabled"),
    "03_voorbeelden.ipynb": (".pc-canvas", ".pc-case-dropdown select:enabled"),
}


@dataclass
class PageResult:
    """Measurements of one page over N runs (seconds and MB)."""

    notebook: str
    visible_s: list[float] = field(default_factory=list)
    interactive_s: list[float] = field(default_factory=list)
    kernel_rss_mb: list[float] = field(default_factory=list)


def median(values: list[float]) -> float | None:
    """Return the median of ``values`` or None for an empty list."""
    return statistics.median(values) if values else None


def summarise(results: list[PageResult], baseline: str = "bare.ipynb") -> list[dict]:
    """Return one row per page: medians and ratios against ``baseline`` (same run).

    Raises:
        KeyError: if the baseline page was not measured.
    """
    base = next(r for r in results if r.notebook == baseline)
    b_vis, b_int, b_rss = median(base.visible_s), median(base.interactive_s), median(base.kernel_rss_mb)
    rows = []
    for r in results:
        vis, inter, rss = median(r.visible_s), median(r.interactive_s), median(r.kernel_rss_mb)
        rows.append(
            {
                "page": r.notebook,
                "runs": len(r.visible_s),
                "visible_s": vis,
                "interactive_s": inter,
                "kernel_rss_mb": rss,
                "visible_ratio": vis / b_vis if vis and b_vis else None,
                "interactive_ratio": inter / b_int if inter and b_int else None,
                "rss_over_bare_mb": rss - b_rss if rss is not None and b_rss is not None else None,
            }
        )
    return rows


def format_table(rows: list[dict]) -> str:
    """Return the rows as a fixed-width text table."""
    head = (
        f"{'page':28} {'runs':>4} {'visible s':>10} {'ratio':>6} "
        f"{'interact s':>10} {'ratio':>6} {'RSS MB':>7} {'+bare':>6}"
    )
    lines = [head, "-" * len(head)]

    def f(v, spec):
        return format(v, spec) if v is not None else "-"

    for r in rows:
        lines.append(
            f"{r['page']:28} {r['runs']:>4} {f(r['visible_s'], '10.2f')} {f(r['visible_ratio'], '6.2f')} "
            f"{f(r['interactive_s'], '10.2f')} {f(r['interactive_ratio'], '6.2f')} "
            f"{f(r['kernel_rss_mb'], '7.0f')} {f(r['rss_over_bare_mb'], '6.0f')}"
        )
    return "\n".join(lines)


def newest_kernel_rss_mb(server) -> float | None:
    """Return the RSS (MB) of the most recently started kernel of ``server``."""
    kernels = server.kernels()
    if not kernels:
        return None
    newest = max(kernels, key=lambda p: p.create_time())
    return newest.memory_info().rss / 2**20


def measure(runs: int, preheat: bool, only: list[str] | None) -> list[PageResult]:
    """Serve the pages and measure each ``runs`` times; bare first, then the others interleaved."""
    from conftest import CHROMIUM, CHROMIUM_ARGS, VoilaServer
    from playwright.sync_api import sync_playwright

    pages = {k: v for k, v in PAGES.items() if k == "bare.ipynb" or not only or any(o in k for o in only)}
    tmp = Path(tempfile.mkdtemp(prefix="pc-bench-"))
    served = tmp / "notebooks"
    shutil.copytree(ROOT / "notebooks", served)
    shutil.copy(ROOT / "benchmarks" / "bare.ipynb", served / "bare.ipynb")
    server = VoilaServer(tmp / "home", notebooks=served, preheat=preheat)
    results = {name: PageResult(name) for name in pages}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # warm-up: first load compiles caches for everyone
            for name in pages:
                _load(browser, server, name, pages[name])
            for _ in range(runs):
                for name, selectors in pages.items():
                    vis, inter, rss = _load(browser, server, name, selectors)
                    results[name].visible_s.append(vis)
                    results[name].interactive_s.append(inter)
                    if rss is not None:
                        results[name].kernel_rss_mb.append(rss)
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return list(results.values())


def _load(browser, server, name, selectors):
    visible_sel, interactive_sel = selectors
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(server.url(name), wait_until="commit")
    page.wait_for_selector(visible_sel, state="visible", timeout=120_000)
    t_vis = time.perf_counter() - t0
    page.wait_for_selector(interactive_sel, timeout=120_000)
    t_int = time.perf_counter() - t0
    rss = newest_kernel_rss_mb(server)
    page.close(run_before_unload=True)
    context.close()
    # let the kernel shut down so pages do not compete for the 2 cores
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(server.kernels()) > (2 if server_preheated(server) else 0):
        time.sleep(0.2)
    return t_vis, t_int, rss


def server_preheated(server) -> bool:
    """Return whether the server keeps a pool of preheated kernels."""
    return getattr(server, "preheat", False)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--preheat", action="store_true")
    ap.add_argument("--only", nargs="*", help="substring(s) of the notebooks to measure besides bare")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args(argv)
    results = measure(args.runs, args.preheat, args.only)
    rows = summarise(results)
    print(format_table(rows))
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = args.out / f"pages-{'preheat-' if args.preheat else ''}{stamp}.json"
    path.write_text(
        json.dumps(
            {"preheat": args.preheat, "runs": args.runs, "rows": rows, "raw": [asdict(r) for r in results]}, indent=2
        )
    )
    print(f"\nwritten: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
