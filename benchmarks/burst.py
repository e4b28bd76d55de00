"""A group opens the same chapter at the same moment: N = 1, 10, 30 (issue 19).

For each server mode (``cold``: ``purposecase serve``; ``preheat``: ``--preheat``, Voilà's pool of 2 per
notebook; ``workshop``: ``--workshop`` sized for the largest N) a fresh Voilà serves the chapter and
``bare.ipynb``. For each N, N Playwright browser contexts in one headless Chromium open the bare notebook
all at once, then (after the server settled) the chapter all at once. Measured per page: request → widgets
visible (the selectors of ``pages.py``) and → interactive; per burst: p50 and p95, the server's CPU seconds
(server process and its kernels, reaped ones included) per page open while the pages loaded and again once
the pool refilled, each page kernel's RSS and PSS, and the browser's CPU seconds. Ratios are against one
bare page opened the same way in the same mode (N = 1), and against one bare page on the cold server.

    .venv/bin/python benchmarks/burst.py [--sizes 1 10 30] [--modes cold workshop] [--chapter 03_voorbeelden]

JSON goes to ``benchmarks/results/burst-<timestamp>.json``. Helpers (pages, selectors, seeding, settling,
kernel ids) are shared with ``pages.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import PAGES, ROOT, page_kernel_id, query_for, seed_workspace, wait_until_settled  # noqa: E402

MODES = ("cold", "preheat", "workshop")
BARE = "bare.ipynb"


def percentile(values: list[float], q: float) -> float | None:
    """Return the nearest-rank ``q`` percentile (0–100) of ``values``, or None for none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def tree_cpu_seconds(pid: int) -> float:
    """Return the CPU seconds (user + system) of process ``pid``, its children, and its reaped children."""
    try:
        root = psutil.Process(pid)
        times = root.cpu_times()
        total = times.user + times.system + times.children_user + times.children_system
        for child in root.children(recursive=True):
            try:
                t = child.cpu_times()
                total += t.user + t.system
            except psutil.Error:
                continue
        return total
    except psutil.Error:
        return 0.0


def browser_cpu_seconds(server_pid: int) -> float:
    """Return the CPU seconds of this process's children other than the Voilà server (Chromium, driver)."""
    total = 0.0
    for child in psutil.Process().children(recursive=False):
        if child.pid == server_pid:
            continue
        total += tree_cpu_seconds(child.pid)
    return total


def kernel_memory(server, kernel_id: str | None) -> tuple[float, float] | None:
    """Return ``(RSS, PSS)`` in MB of the kernel ``kernel_id`` of ``server``, or None."""
    if not kernel_id:
        return None
    for proc in server.kernels():
        try:
            if kernel_id in " ".join(proc.cmdline()):
                info = proc.memory_full_info()
                return info.rss / 2**20, getattr(info, "pss", info.rss) / 2**20
        except psutil.Error:
            continue
    return None


def server_status(server) -> dict:
    """Return the server's ``voila/api/werkboek`` answer."""
    with urllib.request.urlopen(server.base + "/voila/api/werkboek", timeout=10) as answer:  # noqa: S310
        return json.loads(answer.read())


def wait_for_pools(server, timeout: float = 900) -> int:
    """Wait until every pool is full of warm kernels and the server is idle; return the pool's kernels."""
    deadline = time.monotonic() + timeout
    while True:
        status = server_status(server)
        if status["ready"] >= status["target"] or time.monotonic() > deadline:
            break
        time.sleep(1)
    wait_until_settled(server, status["target"], timeout=max(30, deadline - time.monotonic()))
    return status["target"]


async def _open(browser, url: str, selectors: tuple[str, str]) -> dict:
    context = await browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
    page = await context.new_page()
    return {"context": context, "page": page, "url": url, "selectors": selectors}


async def _load(slot: dict) -> None:
    page = slot["page"]
    visible, interactive = slot["selectors"]
    t0 = time.perf_counter()
    try:
        await page.goto(slot["url"], wait_until="commit", timeout=300_000)
        await page.wait_for_selector(visible, state="visible", timeout=300_000)
        slot["visible_s"] = time.perf_counter() - t0
        await page.wait_for_selector(interactive, timeout=300_000)
        slot["interactive_s"] = time.perf_counter() - t0
        slot["kernel_id"] = page_kernel_id(await page.content())
    except Exception as exc:  # noqa: BLE001 - a page that never shows is a result, not a crash
        slot["error"] = f"{type(exc).__name__}: {str(exc)[:200]}"


async def burst(browser, server, name: str, n: int, query: str, idle_kernels: int) -> dict:
    """Open ``name`` in ``n`` fresh contexts at once; return the burst's measurements."""
    visible, interactive = PAGES[name][:2]
    slots = [await _open(browser, server.url(name, query), (visible, interactive)) for _ in range(n)]
    died_before = server.log_path.read_text(errors="replace").count("died, removing from map")
    cpu0, browser0 = tree_cpu_seconds(server.proc.pid), browser_cpu_seconds(server.proc.pid)
    t0 = time.perf_counter()
    await asyncio.gather(*(_load(s) for s in slots))
    wall = time.perf_counter() - t0
    cpu_loaded = tree_cpu_seconds(server.proc.pid) - cpu0
    browser_cpu = browser_cpu_seconds(server.proc.pid) - browser0
    memory = [m for m in (kernel_memory(server, s.get("kernel_id")) for s in slots) if m]
    died = server.log_path.read_text(errors="replace").count("died, removing from map") - died_before
    # the pool refills (workshop, preheat) while the pages that have a kernel stay open
    await asyncio.to_thread(wait_until_settled, server, idle_kernels + len(memory), 300)
    cpu_settled = tree_cpu_seconds(server.proc.pid) - cpu0
    for s in slots:
        await s["page"].close(run_before_unload=True)
        await s["context"].close()
    await asyncio.to_thread(wait_until_settled, server, idle_kernels, 300)
    vis = [s["visible_s"] for s in slots if "visible_s" in s]
    inter = [s["interactive_s"] for s in slots if "interactive_s" in s]
    return {
        "page": name,
        "n": n,
        "errors": [s["error"] for s in slots if "error" in s],
        "kernels_died": died,
        "pages_with_kernel": len(memory),
        "visible_s": vis,
        "interactive_s": inter,
        "visible_p50": percentile(vis, 50),
        "visible_p95": percentile(vis, 95),
        "interactive_p50": percentile(inter, 50),
        "interactive_p95": percentile(inter, 95),
        "wall_s": wall,
        "server_cpu_s_per_open": cpu_loaded / n,
        "server_cpu_s_per_open_incl_refill": cpu_settled / n,
        "browser_cpu_s_per_open": browser_cpu / n,
        "kernel_rss_mb": statistics.median([m[0] for m in memory]) if memory else None,
        "kernel_pss_mb": statistics.median([m[1] for m in memory]) if memory else None,
        "load_avg_1m": os.getloadavg()[0],
    }


async def run_mode(mode: str, sizes: list[int], chapter: str, tmp: Path, unconnected: int = 0) -> dict:
    """Serve bare + ``chapter`` in ``mode`` and run every burst size; return the mode's results."""
    from conftest import CHROMIUM, CHROMIUM_ARGS, VoilaServer
    from playwright.async_api import async_playwright

    from purposecase.voila_config import guard, workshop

    served = tmp / f"notebooks-{mode}"
    served.mkdir()
    for name in (BARE, chapter):
        shutil.copy(ROOT / ("benchmarks" if name == BARE else "notebooks") / name, served / name)
    role = PAGES[chapter][2]
    home = tmp / f"home-{mode}"
    tokens = seed_workspace(home) if role else {}
    people = max(sizes) if mode == "workshop" else 0
    # every browser is on 127.0.0.1: the per-address start limit would turn a classroom away
    env = {guard.STARTS_ENV: "1000", guard.MAX_KERNELS_ENV: str(4 * max(sizes) + 10),
           workshop.CHAPTERS_ENV: f"{BARE},{chapter}"}
    if unconnected:
        env[guard.UNCONNECTED_ENV] = str(unconnected)
    t_start = time.monotonic()
    server = VoilaServer(home, notebooks=served, preheat=mode == "preheat", workshop=people, env=env)
    rows = []
    try:
        idle = wait_for_pools(server) if mode != "cold" else 0
        filled_s = time.monotonic() - t_start
        pool_rss = [p.memory_info().rss / 2**20 for p in server.kernels()]
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name in (BARE, chapter):  # warm-up: caches of the server and the browser
                await burst(browser, server, name, 1, query_for(PAGES[name][2], tokens), idle)
            for n in sizes:
                for name in (BARE, chapter):
                    row = await burst(browser, server, name, n, query_for(PAGES[name][2], tokens), idle)
                    rows.append(row)
                    print(f"{mode:9} {name:26} N={n:3} visible p50 {row['visible_p50'] or 0:6.2f} "
                          f"p95 {row['visible_p95'] or 0:6.2f} s  server CPU/open "
                          f"{row['server_cpu_s_per_open']:.2f} s  errors {len(row['errors'])}  "
                          f"died {row['kernels_died']}  "
                          f"load {row['load_avg_1m']:.1f}", flush=True)
            await browser.close()
    finally:
        server.stop()
    return {
        "mode": mode,
        "workshop": people,
        "pool_kernels": idle,
        "pool_fill_s": filled_s if mode != "cold" else 0,
        "pool_kernel_rss_mb": statistics.median(pool_rss) if pool_rss else None,
        "rows": rows,
    }


def add_ratios(results: list[dict]) -> None:
    """Add ratios against a single bare page (same mode, and the cold server when it was measured)."""
    cold = next((r for r in results if r["mode"] == "cold"), None)

    def single_bare(result: dict) -> float | None:
        row = next((x for x in result["rows"] if x["page"] == BARE and x["n"] == 1), None)
        return row["visible_p50"] if row else None

    cold_bare = single_bare(cold) if cold else None
    for result in results:
        base = single_bare(result)
        for row in result["rows"]:
            p95 = row["visible_p95"]
            row["p95_over_single_bare"] = p95 / base if p95 and base else None
            row["p95_over_single_cold_bare"] = p95 / cold_bare if p95 and cold_bare else None


def format_table(results: list[dict]) -> str:
    """Return a Markdown table of every burst."""
    lines = [
        "| mode | page | N | visible p50 / p95 s | p95 / single bare (same mode) | p95 / single bare (cold) "
        "| server CPU s per open (+ refill) | browser CPU s per open | kernel RSS / PSS MB | errors / kernels died "
        "| load 1 min |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]

    def f(v, spec="{:.2f}"):
        return spec.format(v) if v is not None else "–"

    for result in results:
        for r in result["rows"]:
            lines.append(
                f"| {result['mode']} | {r['page'].removesuffix('.ipynb')} | {r['n']} | {f(r['visible_p50'])} / "
                f"{f(r['visible_p95'])} | {f(r['p95_over_single_bare'])} | {f(r['p95_over_single_cold_bare'])} | "
                f"{f(r['server_cpu_s_per_open'])} ({f(r['server_cpu_s_per_open_incl_refill'])}) | "
                f"{f(r['browser_cpu_s_per_open'])} | {f(r['kernel_rss_mb'], '{:.0f}')} / "
                f"{f(r['kernel_pss_mb'], '{:.0f}')} | {len(r['errors'])} / {r['kernels_died']} | "
                f"{r['load_avg_1m']:.1f} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the bursts, print the table, write JSON."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 30])
    ap.add_argument("--modes", nargs="+", choices=MODES, default=["cold", "workshop"])
    ap.add_argument("--chapter", default="03_voorbeelden", help="notebook (prefix) the group opens")
    ap.add_argument("--unconnected", type=int, default=0, metavar="S",
                    help="seconds a page may take to connect before its kernel is shut down "
                    "(default: the server's, 25 s; 90 s in workshop mode)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args(argv)
    matches = [name for name in PAGES if name.startswith(args.chapter) and name != BARE]
    if len(matches) != 1:
        raise SystemExit(f"--chapter {args.chapter!r}: choose one of {', '.join(PAGES)}")
    sizes = sorted(set(args.sizes))
    if sizes[0] != 1:
        sizes.insert(0, 1)  # the single bare page is the baseline
    tmp = Path(tempfile.mkdtemp(prefix="pc-burst-"))
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    load_before = os.getloadavg()
    try:
        results = [asyncio.run(run_mode(mode, sizes, matches[0], tmp, args.unconnected)) for mode in args.modes]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    add_ratios(results)
    print(format_table(results))
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"burst-{time.strftime('%Y%m%d-%H%M%S')}.json"
    machine = {"cores": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
               "load_avg_before": load_before, "load_avg_after": os.getloadavg(), "started": started}
    path.write_text(json.dumps({"machine": machine, "chapter": matches[0], "sizes": sizes,
                                "unconnected_s": args.unconnected, "results": results},
                               indent=2))
    print(f"\nwritten: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
