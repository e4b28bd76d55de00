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
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

# notebook → (selector of "widgets visible", selector of "interactive", whose link opens it)
# Chapters 04–08 open a seeded workspace (:func:`seed_workspace`) with a partner's or the
# trekker's link, the way people arrive there; 00–03 need no link.
PAGES: dict[str, tuple[str, str, str | None]] = {
    "bare.ipynb": (".widget-button", ".widget-button:enabled", None),
    "00_welkom.ipynb": (".pc-steps", ".pc-nav-next", None),
    "01_waardecreatie.ipynb": (".pc-sdg-grid", ".pc-sdg-4 input:enabled", None),
    "02_purpose_case.ipynb": (".pc-instrument-canvas", ".pc-piece-picker button:enabled", None),
    "03_voorbeelden.ipynb": (".pc-canvas", ".pc-case-dropdown select:enabled", None),
    "04_zelf_invullen.ipynb": (".pc-draft-editor", ".pc-add-item:enabled", "partner"),
    "05_samen_puzzelen.ipynb": (".pc-board", ".pc-adopt:enabled", "trekker"),
    "06_waardepropositie.ipynb": (".pc-vp", ".pc-vp-add:enabled", "trekker"),
    "07_impact_roadmap.ipynb": (".pc-rm-overview", ".pc-rm-add:enabled", "trekker"),
    "08_delen.ipynb": (".pc-export-panel", ".pc-export button:enabled", "trekker"),
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


def seed_workspace(home: Path) -> dict[str, str]:
    """Create a realistic workspace in ``home``'s store for the chapters that need a link.

    The largest publication case (most items) is the shared case; five partners
    each share a draft drawn from another case (board with five drafts); two target
    groups get a value proposition with profile and value map; the roadmap has six
    steps with owners, effort and obstacles.

    Returns:
        ``{"trekker": token, "partner": token, "viewer": token}``.
    """
    from purposecase import puzzle, valueprop
    from purposecase.examples import list_cases
    from purposecase.model import PartnerDraft
    from purposecase.pieces import PIECE_KEYS
    from purposecase.roadmap import Belemmering, ImpactRoadmap, Inzet, RoadmapStep, save_roadmap
    from purposecase.store import open_store
    from purposecase.workspace import create_workspace, open_workspace

    home.mkdir(parents=True, exist_ok=True)
    store = open_store(f"sqlite:///{home / 'werkboek.sqlite3'}")
    cases = sorted(list_cases(), key=lambda c: -sum(len(c.items(k)) for k in PIECE_KEYS))
    largest = cases[0]
    trekker, ttoken = create_workspace(f"Benchmark – {largest.title}", inspiration=largest.slug, store=store)
    partners, ptokens = [], []
    for i, case in enumerate(cases[1:6]):
        partner, ptoken = trekker.add_partner(f"Partner {i + 1}", case.title)
        session = open_workspace(ptoken, store=store)
        session.save_my_draft(PartnerDraft(pieces=case.pieces), base=0)
        session.set_my_draft_shared(True)
        partners.append(partner)
        ptokens.append(ptoken)
    for key in PIECE_KEYS:
        for n, item in enumerate(largest.items(key)):
            trekker.update_shared(
                puzzle.adopt(key, item.text, [partners[0].id], [partners[0].name], kind=item.kind,
                             item_id=f"{key[:6]}{n}")
            )
    shared = trekker.shared_case().shared
    groups = shared.items("doelgroepen")[:2]
    loaded = valueprop.load_propositions(trekker)
    for g in groups:
        vp = valueprop.new_proposition(g.text, shared, doelgroep_item_id=g.id)
        ops = [valueprop.add_proposition(vp)]
        for section, texts in (
            ("taken", ["Een baan vinden die past", "Zich blijven ontwikkelen"]),
            ("pijnen", ["Te weinig begeleiding", "Lange reistijd", "Onzekerheid over de toekomst"]),
            ("voordelen", ["Erkenning", "Een vast contract"]),
            ("pijnverzachters", ["Een vaste begeleider per leerling"]),
            ("voordeelverschaffers", ["Certificaat dat werkgevers kennen"]),
        ):
            ops += [valueprop.add_item(vp.id, section, text) for text in texts]
        for op in ops:
            loaded = valueprop.update_propositions(trekker, op, base=loaded.base)
    steps, inbreng = [], largest.items("inbreng")
    for n in range(6):
        owner = partners[n % len(partners)]
        steps.append(
            RoadmapStep(
                id=f"s{n}", wat=f"Stap {n + 1}: {inbreng[n % len(inbreng)].text[:80]}" if inbreng else f"Stap {n + 1}",
                eigenaren=[owner.id], skills="Projectleiding", middelen="Subsidie",
                inzet=[Inzet(partner=owner.id, uren=40 * (n + 1), euro=1000 * (n + 1))],
                belemmeringen=[Belemmering(belemmering="Te weinig tijd", oplossing="Samen plannen")],
                opbrengst="Resultaat", start=f"2027-{n + 1:02d}", eind=f"2027-{n + 4:02d}",
            )
        )
    save_roadmap(trekker, ImpactRoadmap(steps=steps), base=0)
    return {"trekker": ttoken, "partner": ptokens[0], "viewer": trekker.new_viewer_link()}


def kernel_rss_mb(server, kernel_id: str | None) -> float | None:
    """Return the RSS (MB) of the kernel ``kernel_id`` of ``server`` (its connection file names it).

    Without an id (or if it is not found) the most recently started kernel is measured.
    """
    kernels = server.kernels()
    if not kernels:
        return None
    if kernel_id:
        for proc in kernels:
            try:
                if kernel_id in " ".join(proc.cmdline()):
                    return proc.memory_info().rss / 2**20
            except Exception:  # noqa: BLE001 - the process may just have ended
                continue
    newest = max(kernels, key=lambda p: p.create_time())
    return newest.memory_info().rss / 2**20


def page_kernel_id(html: str) -> str | None:
    """Return the kernel id Voilà wrote into the page (``"kernelId": "…"``), or None."""
    match = re.search(r'kernelId"?\s*:\s*"([0-9a-f-]{36})"', html)
    return match.group(1) if match else None


def wait_until_settled(server, kernels_expected: int, timeout: float = 120.0) -> None:
    """Wait until ``server`` runs ``kernels_expected`` kernels and they are idle (< 5 % CPU).

    Between loads the previous page's kernel shuts down; with preheating, the pool
    starts and pre-renders a replacement. Both must be done before the next load, or
    the pages compete for the two cores and the measurement shows our own noise.
    """
    import psutil

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(server.kernels()) != kernels_expected:
        time.sleep(0.2)
    while time.monotonic() < deadline:
        procs = [psutil.Process(server.proc.pid), *server.kernels()]
        for proc in procs:
            proc.cpu_percent(None)
        time.sleep(0.5)
        busy = 0.0
        for proc in procs:
            try:
                busy += proc.cpu_percent(None)
            except psutil.Error:
                continue
        if busy < 5.0:
            return


def measure(runs: int, preheat: bool, only: list[str] | None) -> list[PageResult]:
    """Serve the pages and measure each ``runs`` times; bare first, then the others interleaved.

    With ``preheat`` Voilà keeps ``PREHEAT_POOL_SIZE`` pre-rendered kernels per notebook in the
    served folder; the measurement starts once every pool is filled.
    """
    from conftest import CHROMIUM, CHROMIUM_ARGS, VoilaServer
    from playwright.sync_api import sync_playwright

    from purposecase.cli import PREHEAT_POOL_SIZE

    pages = {k: v for k, v in PAGES.items() if k == "bare.ipynb" or not only or any(o in k for o in only)}
    tmp = Path(tempfile.mkdtemp(prefix="pc-bench-"))
    served = tmp / "notebooks"
    served.mkdir()
    missing = [name for name in pages if name != "bare.ipynb" and not (ROOT / "notebooks" / name).exists()]
    if missing:
        raise SystemExit(f"not in notebooks/: {', '.join(missing)}")
    # serve only the measured pages: with preheating every served notebook gets a kernel pool
    for name in pages:
        shutil.copy(ROOT / ("benchmarks" if name == "bare.ipynb" else "notebooks") / name, served / name)
    tokens = seed_workspace(tmp / "home") if any(role for *_, role in pages.values()) else {}
    server = VoilaServer(tmp / "home", notebooks=served, preheat=preheat)
    idle_kernels = PREHEAT_POOL_SIZE * len(pages) if preheat else 0
    results = {name: PageResult(name) for name in pages}
    try:
        wait_until_settled(server, idle_kernels, timeout=600)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # warm-up: first load compiles caches for everyone
            for name, (vis_sel, int_sel, role) in pages.items():
                _load(browser, server, name, (vis_sel, int_sel), query_for(role, tokens), idle_kernels)
            for _ in range(runs):
                for name, (vis_sel, int_sel, role) in pages.items():
                    vis, inter, rss = _load(
                        browser, server, name, (vis_sel, int_sel), query_for(role, tokens), idle_kernels
                    )
                    results[name].visible_s.append(vis)
                    results[name].interactive_s.append(inter)
                    if rss is not None:
                        results[name].kernel_rss_mb.append(rss)
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return list(results.values())


def query_for(role: str | None, tokens: dict[str, str]) -> str:
    """Return the query string that opens a page with ``role``'s link ("" for none)."""
    return f"sleutel={tokens[role]}" if role else ""


def _load(browser, server, name, selectors, query="", idle_kernels=0):
    visible_sel, interactive_sel = selectors
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(server.url(name, query), wait_until="commit", timeout=120_000)
    page.wait_for_selector(visible_sel, state="visible", timeout=120_000)
    t_vis = time.perf_counter() - t0
    page.wait_for_selector(interactive_sel, timeout=120_000)
    t_int = time.perf_counter() - t0
    rss = kernel_rss_mb(server, page_kernel_id(page.content()))
    page.close(run_before_unload=True)
    context.close()
    wait_until_settled(server, idle_kernels)
    return t_vis, t_int, rss


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
