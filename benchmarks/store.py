"""Store latency under concurrent writers, on SQLite and PostgreSQL, with a lost-update count.

For each backend and each writer count (default 1, 8, 32), W processes each
make N rounds; a round = one save to the writer's own draft document (no
contention) and one save to a shared document (load head, save with that base,
on ConflictError pause for :func:`purposecase.store.conflict_backoff`, reload and
retry). Afterwards every document's revisions are
checked: numbers 1..n without gaps, and every writer's every payload present.
A lost update is a payload that a writer was told was saved but that no
revision holds. It must be zero.

Prints p50/p95/p99 in milliseconds for: own-document saves, shared-document
saves (from first attempt to success, retries included), single attempts,
and loads; writes JSON to ``benchmarks/results/store-<timestamp>.json``.

    .venv/bin/python benchmarks/store.py [--writers 1 8 32] [--rounds 25] [--postgres URL | --no-postgres]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def percentile(values: list[float], p: float) -> float | None:
    """Return the ``p``-th percentile (0–100, nearest-rank) of ``values``, or None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary(values: list[float]) -> dict:
    """Return count and p50/p95/p99 (ms) of latencies given in seconds."""
    ms = [v * 1000 for v in values]
    return {
        "n": len(ms),
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "mean": statistics.fmean(ms) if ms else None,
    }


def _writer(
    url: str, workspace_id: str, own_doc: int, shared_doc: int, writer: int, rounds: int, out, backoff: bool = True
) -> None:
    from purposecase.store import ConflictError, conflict_backoff, open_store

    store = open_store(url)
    own, shared, attempts, loads, saved = [], [], [], [], []
    base_own = 0
    for r in range(rounds):
        payload = f"w{writer}-r{r}"
        t0 = time.perf_counter()
        rev = store.save(own_doc, {"payload": payload}, base=base_own, author=f"w{writer}")
        own.append(time.perf_counter() - t0)
        base_own = rev.number
        t_start = time.perf_counter()
        conflicts = 0
        while True:
            t_load = time.perf_counter()
            head = store.load(shared_doc)
            loads.append(time.perf_counter() - t_load)
            seen = list(head.content.get("payloads", [])) if head else []
            t_try = time.perf_counter()
            try:
                base = head.number if head else 0
                store.save(shared_doc, {"payloads": [*seen, payload]}, base=base, author=f"w{writer}")
                attempts.append(time.perf_counter() - t_try)
                break
            except ConflictError:
                attempts.append(time.perf_counter() - t_try)
                # as the workbook's own re-apply loops do (WorkspaceSession.update_shared & co.)
                if backoff:
                    time.sleep(conflict_backoff(conflicts))
                conflicts += 1
                continue
        shared.append(time.perf_counter() - t_start)
        saved.append(payload)
    out.put({"writer": writer, "own": own, "shared": shared, "attempts": attempts, "loads": loads, "saved": saved})


def run(url: str, writers: int, rounds: int, backoff: bool = True) -> dict:
    """Run one backend × writer-count measurement and verify that nothing was lost."""
    from purposecase.store import open_store

    store = open_store(url)
    ws, _ = store.create_workspace(f"bench {writers}")
    own_docs = []
    for w in range(writers):
        partner, _ = store.add_partner(ws.id, f"schrijver {w}", "bench")
        own_docs.append(store.document(ws.id, "draft", partner.id).id)
    shared_doc = store.document(ws.id, "shared_case").id
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=_writer, args=(url, ws.id, own_docs[w], shared_doc, w, rounds, queue, backoff))
        for w in range(writers)
    ]
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    results = [queue.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(60)
    wall = time.perf_counter() - t0
    # verification: revisions without gaps, every acknowledged payload present
    lost = 0
    history = store.history(shared_doc)
    numbers = sorted(i.number for i in history)
    gaps = numbers != list(range(1, len(numbers) + 1))
    final = set(store.load(shared_doc).content["payloads"])
    for r in results:
        lost += sum(1 for p in r["saved"] if p not in final)
        own_history = store.history(own_docs[r["writer"]])
        gaps |= sorted(i.number for i in own_history) != list(range(1, rounds + 1))
    combined = {k: [v for r in results for v in r[k]] for k in ("own", "shared", "attempts", "loads")}
    return {
        "backend": url.split(":", 1)[0].split("+", 1)[0],
        "backoff": backoff,
        "writers": writers,
        "rounds": rounds,
        "wall_s": wall,
        "saves": 2 * writers * rounds,
        "conflicts": len(combined["attempts"]) - writers * rounds,
        "lost_updates": lost,
        "revision_gaps": gaps,
        "own_save_ms": summary(combined["own"]),
        "shared_save_ms": summary(combined["shared"]),
        "attempt_ms": summary(combined["attempts"]),
        "load_ms": summary(combined["loads"]),
    }


def format_table(rows: list[dict]) -> str:
    """Return the results as a text table (ms)."""
    head = (
        f"{'backend':10} {'W':>3} {'saves':>6} {'confl':>6} {'lost':>4} "
        f"{'own p50':>8} {'p95':>7} {'p99':>7} {'shared p50':>10} {'p95':>7} {'p99':>8} {'load p50':>8} {'p95':>6}"
    )
    lines = [head, "-" * len(head)]

    def f(v, spec="7.1f"):
        return format(v, spec) if v is not None else "-"

    for r in rows:
        o, s, ld = r["own_save_ms"], r["shared_save_ms"], r["load_ms"]
        lines.append(
            f"{r['backend']:10} {r['writers']:>3} {r['saves']:>6} {r['conflicts']:>6} {r['lost_updates']:>4} "
            f"{f(o['p50'], '8.1f')} {f(o['p95'])} {f(o['p99'])} {f(s['p50'], '10.1f')} {f(s['p95'])} "
            f"{f(s['p99'], '8.1f')} {f(ld['p50'], '8.1f')} {f(ld['p95'], '6.1f')}"
        )
    return "\n".join(lines)


def _pg_schema_url(url: str) -> tuple[str, callable]:
    """Return a URL that uses a fresh schema, and a cleanup function dropping it."""
    import secrets

    import sqlalchemy as sa

    schema = f"bench_{secrets.token_hex(4)}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    scoped = f"{url}{sep}options=-csearch_path%3D{schema}"

    def cleanup() -> None:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()

    return scoped, cleanup


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--writers", type=int, nargs="+", default=[1, 8, 32])
    ap.add_argument("--rounds", type=int, default=25)
    ap.add_argument("--postgres", default=os.environ.get("PURPOSECASE_TEST_POSTGRES_URL", DEFAULT_PG))
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--no-backoff", action="store_true", help="retry conflicts at once (to see what the pause buys)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="pc-store-bench-") as tmp:
        os.environ["PURPOSECASE_HOME"] = tmp
        for w in args.writers:
            rows.append(run(f"sqlite:///{tmp}/bench-{w}.sqlite3", w, args.rounds, not args.no_backoff))
        if not args.no_postgres:
            for w in args.writers:
                url, cleanup = _pg_schema_url(args.postgres)
                try:
                    rows.append(run(url, w, args.rounds, not args.no_backoff))
                finally:
                    cleanup()
    print(format_table(rows))
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"store-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(rows, indent=2))
    print(f"\nwritten: {path.relative_to(ROOT)}")
    bad = [r for r in rows if r["lost_updates"] or r["revision_gaps"]]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
