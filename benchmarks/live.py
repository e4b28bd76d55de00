"""Live workspace: how fast a save reaches every open page, and what an idle page costs (issue "live workspace").

Starts Voilà with the settings ``purposecase serve`` uses, on SQLite (the embedded default)
or PostgreSQL (``--postgres URL``), seeds a workspace with a trekker and eight partners,
and opens chapter 05 (samen puzzelen) for the trekker and the eight partners in headless
Chromium (one browser context each). Then:

- **latency**: a ninth partner, in this process (like a partner on another machine), shares
  a draft with a unique text ``--saves`` times; every page records, in the browser, the
  moment the text appears (a ``MutationObserver``); latency = that moment − the save's commit
  (same machine, same clock). p50 and p95 over all pages and saves;
- **idle CPU**: the kernels' CPU time over ``--idle`` seconds with nothing happening, in % of
  one core per page;
- **store queries per second per page** while idle, from the feeds' own counters
  (``PURPOSECASE_LIVE_STATS``).

Goals (issue): p95 ≤ 1 s; idle CPU ≤ 1 % of a core per page.

    .venv/bin/python benchmarks/live.py [--saves 10] [--idle 30] [--postgres postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

CHAPTER = "05_samen_puzzelen.ipynb"
PAGES = 9  # the trekker and eight partners
READY = ".pc-board"

OBSERVER = """
(marker) => {
  window.__seen = window.__seen || {};
  const check = () => {
    const text = document.body.innerText;
    for (const m of window.__wanted || []) {
      if (!(m in window.__seen) && text.includes(m)) window.__seen[m] = performance.timeOrigin + performance.now();
    }
  };
  window.__wanted = (window.__wanted || []).concat([marker]);
  if (!window.__observer) {
    window.__observer = new MutationObserver(check);
    window.__observer.observe(document.body, {subtree: true, childList: true, characterData: true});
  }
  check();
}
"""


def percentile(values: list[float], q: float) -> float:
    """Return the ``q`` quantile (0–1) of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def seed(home: Path, url: str) -> dict:
    """Create the workspace: a trekker, eight partners with a shared draft each, and a ninth who saves."""
    from purposecase.model import Item, PartnerDraft
    from purposecase.pieces import PIECE_KEYS
    from purposecase.store import open_store
    from purposecase.workspace import create_workspace, open_workspace

    store = open_store(url)
    trekker, ttoken = create_workspace("Live benchmark", store=store)
    tokens = []
    for i in range(PAGES - 1):
        _, token = trekker.add_partner(f"Contact {i}", f"Organisatie {i}")
        session = open_workspace(token, store=store)
        pieces = {k: [] for k in PIECE_KEYS}
        pieces.update(intenties=[Item(text=f"Intentie {i}")], inbreng=[Item(text=f"Inbreng {i}")])
        session.save_my_draft(PartnerDraft(pieces=pieces), base=0)
        session.set_my_draft_shared(True)
        tokens.append(token)
    _, writer = trekker.add_partner("Schrijver", "Organisatie S")
    return {"trekker": ttoken, "partners": tokens, "writer": writer}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the summary and write JSON to ``benchmarks/results/``."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--saves", type=int, default=10)
    ap.add_argument("--idle", type=float, default=30.0, help="seconds of idle measurement")
    ap.add_argument("--postgres", help="a PostgreSQL URL (default: SQLite in a temporary folder)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args(argv)

    import psutil
    from conftest import CHROMIUM, CHROMIUM_ARGS, VoilaServer, postgres_schema_url
    from playwright.sync_api import sync_playwright

    from purposecase.model import Item, PartnerDraft
    from purposecase.pieces import PIECE_KEYS
    from purposecase.store import open_store
    from purposecase.workspace import open_workspace

    tmp = Path(tempfile.mkdtemp(prefix="pc-live-"))
    stats = tmp / "stats"
    stats.mkdir()
    os.environ["PURPOSECASE_LIVE_STATS"] = str(stats)
    schema = postgres_schema_url(args.postgres) if args.postgres else None
    url = schema.__enter__() if schema else f"sqlite:///{tmp / 'home' / 'werkboek.sqlite3'}"
    (tmp / "home").mkdir()
    os.environ["PURPOSECASE_DATABASE_URL"] = url
    tokens = seed(tmp / "home", url)
    server = VoilaServer(tmp / "home")
    latencies: list[float] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pages = []
            for token in [tokens["trekker"], *tokens["partners"]]:
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                page = context.new_page()
                page.goto(server.url(CHAPTER, f"sleutel={token}"), timeout=180_000)
                page.wait_for_selector(READY, state="visible", timeout=180_000)
                pages.append(page)
            time.sleep(3.0)  # every feed running
            writer = open_workspace(tokens["writer"], store=open_store(url))
            base = 0
            for n in range(args.saves):
                marker = f"Live{n:03d}x{os.getpid()}"
                for page in pages:
                    page.evaluate(OBSERVER, marker)
                pieces = {k: [] for k in PIECE_KEYS}
                pieces.update(impact=[Item(text=marker)], intenties=[Item(text="Meedoen")], inbreng=[Item(text="Tijd")])
                base = writer.save_my_draft(PartnerDraft(pieces=pieces), base=base).number
                committed = time.time() * 1000
                if n == 0:
                    writer.set_my_draft_shared(True)
                    committed = time.time() * 1000
                for page in pages:
                    page.wait_for_function(f"() => window.__seen && '{marker}' in window.__seen", timeout=60_000)
                    seen = page.evaluate(f"() => window.__seen['{marker}']")
                    latencies.append(max(0.0, (seen - committed) / 1000))
                time.sleep(1.0)
            # idle: nothing happens; measure the kernels' CPU and the feeds' queries
            kernels = server.kernels()
            time.sleep(11.0)  # a fresh stats snapshot from every feed
            before = {f.name: json.loads(f.read_text()) for f in stats.glob("*.json")}
            cpu0 = sum(k.cpu_times().user + k.cpu_times().system for k in kernels)
            t0 = time.monotonic()
            time.sleep(args.idle)
            cpu1 = sum(k.cpu_times().user + k.cpu_times().system for k in kernels if k.is_running())
            elapsed = time.monotonic() - t0
            after = {f.name: json.loads(f.read_text()) for f in stats.glob("*.json")}
            rates = [
                (after[k]["queries"] - before[k]["queries"]) / max(1e-6, after[k]["at"] - before[k]["at"])
                for k in after
                if k in before and after[k]["at"] > before[k]["at"]
            ]
            browser.close()
    finally:
        server.stop()
        if schema:
            schema.__exit__(None, None, None)
        shutil.rmtree(tmp, ignore_errors=True)
    result = {
        "backend": "postgresql" if args.postgres else "sqlite",
        "pages": PAGES,
        "saves": args.saves,
        "latency_s": {"p50": statistics.median(latencies), "p95": percentile(latencies, 0.95), "max": max(latencies)},
        "idle_cpu_percent_per_page": 100 * (cpu1 - cpu0) / elapsed / max(1, len(kernels)),
        "kernels": len(kernels),
        "queries_per_second_per_page": statistics.median(rates) if rates else None,
        "cpu_count": psutil.cpu_count(),
        "load_average": os.getloadavg(),
    }
    print(json.dumps(result, indent=2))
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"live-{result['backend']}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({**result, "raw_latencies_s": latencies}, indent=2))
    print(f"written: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
