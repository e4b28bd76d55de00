"""Capacity of the workbook on JupyterHub: N simulated users at once, through the hub, on this machine.

For each N (default 5, 10 and 20) a fresh local JupyterHub (``deploy/jupyterhub/jupyterhub_config.py``
with the dummy login and local-process spawner, as in ``tests/test_hub.py``) serves the chapters plus
the bare ipywidgets notebook, with the store in a fresh PostgreSQL schema holding one workspace with N
partners. N Playwright browser contexts (one Chromium) then, all at the same moment:

1. log in and land on the bare notebook: login → own server started → widgets visible (``spawn``);
2. open the bare notebook again on the running servers (``bare``, the baseline of the same run);
3. open their own partner link of step 1-2 (``04_zelf_invullen.ipynb?sleutel=…``) through the hub's
   ``/hub/user-redirect/`` → the draft editor visible (``page``).

With the N chapter pages open it measures each user's memory (single-user server plus kernels: RSS,
and PSS which shares library pages fairly on one machine) and the CPU seconds the servers and kernels
spent per page open. Prints p50/p95 per phase, the ratio page/bare, MB per user, and a capacity
estimate (users per GiB, page opens per core-minute); writes JSON to
``benchmarks/results/hub_load-<timestamp>.json``. The browser runs on the same 2 cores, so times are
pessimistic for a real cluster, where the browsers are elsewhere.

    PURPOSECASE_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python benchmarks/hub_load.py --users 5 10 20
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
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

PG_ENV = "PURPOSECASE_TEST_POSTGRES_URL"
TIMEOUT_MS = 600_000
BARE = ("bare.ipynb", ".widget-button")
CHAPTER = ("04_zelf_invullen.ipynb", ".pc-draft-editor")


@dataclass
class Run:
    """Measurements for one N (seconds, MB, CPU seconds)."""

    users: int
    spawn_s: list[float] = field(default_factory=list)
    bare_s: list[float] = field(default_factory=list)
    page_s: list[float] = field(default_factory=list)
    user_rss_mb: list[float] = field(default_factory=list)
    user_pss_mb: list[float] = field(default_factory=list)
    kernels_per_user: list[int] = field(default_factory=list)
    hub_rss_mb: float = 0.0
    cpu_s_page_phase: float = 0.0
    cpu_s_spawn_phase: float = 0.0
    wall_s_page_phase: float = 0.0
    failures: list[str] = field(default_factory=list)


def percentile(values: list[float], q: float) -> float | None:
    """Return the nearest-rank ``q``-percentile (0 < q ≤ 100) of ``values``, or None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def summarise(run: Run) -> dict:
    """Return one row of p50/p95 per phase, the page/bare ratio, memory and CPU per user."""
    p50_page, p50_bare = percentile(run.page_s, 50), percentile(run.bare_s, 50)
    mb = statistics.mean(run.user_rss_mb) if run.user_rss_mb else None
    pss = statistics.mean(run.user_pss_mb) if run.user_pss_mb else None
    cpu_open = run.cpu_s_page_phase / len(run.page_s) if run.page_s else None
    return {
        "users": run.users,
        "spawn_p50_s": percentile(run.spawn_s, 50),
        "spawn_p95_s": percentile(run.spawn_s, 95),
        "bare_p50_s": p50_bare,
        "bare_p95_s": percentile(run.bare_s, 95),
        "page_p50_s": p50_page,
        "page_p95_s": percentile(run.page_s, 95),
        "page_over_bare": p50_page / p50_bare if p50_page and p50_bare else None,
        "rss_mb_per_user": mb,
        "pss_mb_per_user": pss,
        "hub_and_proxy_rss_mb": run.hub_rss_mb,
        "cpu_s_per_page_open": cpu_open,
        "cpu_s_per_spawn": run.cpu_s_spawn_phase / len(run.spawn_s) if run.spawn_s else None,
        "users_per_gib": 1024 / mb if mb else None,
        "page_opens_per_core_minute": 60 / cpu_open if cpu_open else None,
        "failures": len(run.failures),
    }


def format_table(rows: list[dict]) -> str:
    """Return the rows as a fixed-width text table."""
    cols = [
        ("users", "users", ">5"), ("spawn p50", "spawn_p50_s", ">9.1f"), ("p95", "spawn_p95_s", ">5.1f"),
        ("bare p50", "bare_p50_s", ">8.1f"), ("p95", "bare_p95_s", ">5.1f"),
        ("page p50", "page_p50_s", ">8.1f"), ("p95", "page_p95_s", ">5.1f"), ("ratio", "page_over_bare", ">5.2f"),
        ("RSS MB/user", "rss_mb_per_user", ">11.0f"), ("PSS MB/user", "pss_mb_per_user", ">11.0f"),
        ("CPU s/open", "cpu_s_per_page_open", ">10.2f"), ("CPU s/spawn", "cpu_s_per_spawn", ">11.2f"),
        ("fail", "failures", ">4"),
    ]
    widths = [max(len(name), int(spec.lstrip(">").split(".")[0])) for name, _, spec in cols]
    head = " ".join(name.rjust(w) for (name, _, _), w in zip(cols, widths, strict=True))
    lines = [head, "-" * len(head)]
    for r in rows:
        cells = []
        for (_, key, spec), width in zip(cols, widths, strict=True):
            value = r.get(key)
            cells.append((format(value, spec) if value is not None else "-").rjust(width))
        lines.append(" ".join(cells))
    return "\n".join(lines)


def process_cpu(procs) -> float:
    """Return the summed user+system CPU seconds of ``procs`` themselves (gone processes count 0)."""
    import psutil

    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            continue
    return total


async def _login(browser, hub, user: str, next_path: str, selector: str) -> tuple:
    from hub_harness import PASSWORD

    context = await browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    await page.goto(f"{hub.base}/hub/login?next={quote(next_path, safe='')}")
    await page.fill("input[name=username]", user)
    await page.fill("input[name=password]", PASSWORD)
    t0 = time.perf_counter()
    await page.click("#login_submit")
    await page.locator(selector).first.wait_for(state="visible")
    return context, page, time.perf_counter() - t0


async def _open(page, url: str, selector: str) -> float:
    t0 = time.perf_counter()
    await page.goto(url, wait_until="commit")
    await page.locator(selector).first.wait_for(state="visible")
    return time.perf_counter() - t0


async def _close_pages(pages, hub, users, timeout: float = 60) -> None:
    """Navigate away (the page-close beacon stops each kernel) and wait until the users have no kernels."""
    await asyncio.gather(*(p.goto("about:blank") for p in pages), return_exceptions=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(hub.kernels(u) for u in users):
            return
        await asyncio.sleep(0.5)


async def measure_n(n: int, base_url: str, chromium: str, chromium_args: list[str]) -> Run:
    """Run the three phases for ``n`` users on a fresh hub and database schema."""
    import psutil
    from hub_harness import LocalHub, postgres_schema, redirect_path
    from playwright.async_api import async_playwright

    from purposecase.store import open_store
    from purposecase.workspace import create_workspace

    run = Run(n)
    tmp = Path(tempfile.mkdtemp(prefix="pc-hubload-"))
    served = tmp / "notebooks"
    shutil.copytree(ROOT / "notebooks", served)
    shutil.copy(ROOT / "benchmarks" / "bare.ipynb", served / "bare.ipynb")
    users = [f"deelnemer{i:02d}" for i in range(n)]
    with postgres_schema(base_url) as (db_url, _):
        store = open_store(db_url)
        trekker, _ = create_workspace(f"Capaciteitstest {n}", store=store)
        tokens = [trekker.add_partner(f"Partner {i}", f"Organisatie {i}")[1] for i in range(n)]
        (tmp / "hub").mkdir()
        hub = LocalHub(tmp / "hub", db_url, notebooks=served)
        try:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=chromium, args=chromium_args)
                cpu0 = process_cpu(hub.processes())
                results = await asyncio.gather(
                    *(_login(browser, hub, u, redirect_path(BARE[0]), BARE[1]) for u in users), return_exceptions=True
                )
                pages = []
                for u, r in zip(users, results, strict=True):
                    if isinstance(r, BaseException):
                        run.failures.append(f"spawn {u}: {r!r}"[:300])
                        continue
                    pages.append((u, r[1]))
                    run.spawn_s.append(r[2])
                run.cpu_s_spawn_phase = process_cpu(hub.processes()) - cpu0
                await _close_pages([pg for _, pg in pages], hub, users)

                for phase, (notebook, selector) in (("bare", BARE), ("page", CHAPTER)):
                    procs = hub.processes()
                    cpu0, t0 = process_cpu(procs), time.perf_counter()
                    urls = {
                        u: f"{hub.base}{redirect_path(notebook, tokens[users.index(u)] if phase == 'page' else None)}"
                        for u, _ in pages
                    }
                    got = await asyncio.gather(*(_open(pg, urls[u], selector) for u, pg in pages),
                                               return_exceptions=True)
                    for (u, _), r in zip(pages, got, strict=True):
                        if isinstance(r, BaseException):
                            run.failures.append(f"{phase} {u}: {r!r}"[:300])
                        else:
                            getattr(run, f"{phase}_s").append(r)
                    if phase == "page":
                        run.wall_s_page_phase = time.perf_counter() - t0
                        run.cpu_s_page_phase = process_cpu(hub.processes()) - cpu0
                        await asyncio.sleep(2)  # let the kernels settle after rendering
                        for u, _ in pages:
                            procs = hub.user_processes(u)
                            rss = pss = 0.0
                            for proc in procs:
                                try:
                                    info = proc.memory_full_info()
                                    rss, pss = rss + info.rss, pss + info.pss
                                except psutil.Error:
                                    continue
                            run.user_rss_mb.append(rss / 2**20)
                            run.user_pss_mb.append(pss / 2**20)
                            run.kernels_per_user.append(len(hub.kernels(u)))
                        singleuser = {proc.pid for u in users for proc in hub.user_processes(u)}
                        run.hub_rss_mb = sum(
                            proc.memory_info().rss for proc in hub.processes() if proc.pid not in singleuser
                        ) / 2**20
                    await _close_pages([pg for _, pg in pages], hub, users)
                await browser.close()
        finally:
            killed = hub.stop()
            if killed:
                run.failures.append(f"killed after the hub stopped: {killed}")
            store.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return run


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark for each N and print the table and the capacity estimate."""
    from conftest import CHROMIUM, CHROMIUM_ARGS
    from hub_harness import proxy_command

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, nargs="+", default=[5, 10, 20])
    ap.add_argument("--database-url", default=os.environ.get(PG_ENV, ""),
                    help=f"PostgreSQL base URL (default ${PG_ENV}); a fresh schema is made per N")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args(argv)
    if not args.database_url:
        ap.error(f"set {PG_ENV} or --database-url (PostgreSQL)")
    if proxy_command() is None:
        ap.error("configurable-http-proxy is missing: make chp")
    runs = []
    for n in args.users:
        t0 = time.perf_counter()
        run = asyncio.run(measure_n(n, args.database_url, CHROMIUM, CHROMIUM_ARGS))
        runs.append(run)
        print(f"N={n}: {time.perf_counter() - t0:.0f} s, {len(run.failures)} failures", flush=True)
        for failure in run.failures:
            print("  ", failure, flush=True)
    rows = [summarise(r) for r in runs]
    print(format_table(rows))
    for r in rows:
        if r["users_per_gib"] and r["page_opens_per_core_minute"]:
            print(f"N={r['users']}: {r['users_per_gib']:.1f} users per GiB (RSS), "
                  f"{r['page_opens_per_core_minute']:.0f} page opens per core-minute")
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"hub_load-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"rows": rows, "raw": [asdict(r) for r in runs], "cores": os.cpu_count()}, indent=2))
    print(f"\nwritten: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
