"""Several processes write into one workspace at once: no lost or duplicated revisions.

Runs on SQLite always and on PostgreSQL when PURPOSECASE_TEST_POSTGRES_URL is set.
Latencies are printed (``pytest -s``), never asserted (DESIGN.md §6).
"""

from __future__ import annotations

import json
import multiprocessing as mp
import statistics
import time
import traceback

from sqlalchemy import select

from purposecase import store as store_mod
from purposecase.store import MIGRATIONS, ConflictError, open_store

PG_ENV = "PURPOSECASE_TEST_POSTGRES_URL"
N_PROCS = 8
N_SAVES = 50
TIMEOUT_S = 120


def run_processes(target, args_per_proc: list[tuple]) -> list[dict]:
    """Start one spawned process per args tuple; return their result dicts (fail on any error)."""
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(len(args_per_proc))
    queue = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, barrier, queue)) for args in args_per_proc]
    for p in procs:
        p.start()
    results = []
    try:
        for _ in procs:
            results.append(queue.get(timeout=TIMEOUT_S))
    finally:
        for p in procs:
            p.join(10)
            if p.is_alive():
                p.kill()
    errors = [r["error"] for r in results if r.get("error")]
    assert not errors, "\n".join(errors)
    return results


# ----------------------------------------------------- worker processes
def _open_worker(url, index, barrier, queue):
    try:
        barrier.wait(TIMEOUT_S)
        store = open_store(url)
        queue.put({"index": index, "version": store.schema_version()})
    except BaseException:  # report everything to the parent
        queue.put({"index": index, "error": traceback.format_exc()})


def _save_worker(url, workspace_id, partner_id, index, barrier, queue):
    try:
        store = open_store(url)
        own = store.document(workspace_id, "draft", partner_id)
        barrier.wait(TIMEOUT_S)
        shared = store.document(workspace_id, "shared_case")  # all create it at once: one document
        latencies, conflict_latencies, own_numbers, shared_numbers = [], [], [], []
        own_base = 0
        for i in range(N_SAVES):
            t0 = time.perf_counter()
            rev = store.save(own.id, {"proc": index, "i": i}, base=own_base, author=partner_id)
            latencies.append(time.perf_counter() - t0)
            own_base = rev.number
            own_numbers.append(rev.number)
            while True:
                head = store.load(shared.id)
                base = head.number if head else 0
                payload = {"proc": index, "i": i, "tekst": f"bijdrage {i} van partner {index} – ĳ😀"}
                t0 = time.perf_counter()
                try:
                    rev = store.save(shared.id, payload, base=base, author=partner_id)
                except ConflictError as exc:
                    conflict_latencies.append(time.perf_counter() - t0)
                    assert exc.theirs.number > base
                    continue
                latencies.append(time.perf_counter() - t0)
                shared_numbers.append(rev.number)
                break
        queue.put(
            {
                "index": index,
                "own": own.id,
                "shared": shared.id,
                "own_numbers": own_numbers,
                "shared_numbers": shared_numbers,
                "latencies": latencies,
                "conflict_latencies": conflict_latencies,
            }
        )
    except BaseException:  # report everything to the parent
        queue.put({"index": index, "error": traceback.format_exc()})


# ----------------------------------------------------------------- tests
def test_fresh_database_opened_by_many_processes_at_once(db_url):
    results = run_processes(_open_worker, [(db_url, i) for i in range(4)])
    assert {r["version"] for r in results} == {MIGRATIONS[-1].version}
    store = open_store(db_url)
    with store.engine.connect() as conn:
        versions = conn.execute(select(store_mod.schema_version.c.version)).scalars().all()
    assert versions == [m.version for m in MIGRATIONS]


def test_parallel_saves_lose_nothing(db_url):
    store = open_store(db_url)
    workspace, _ = store.create_workspace("Drukte")
    partners = [store.add_partner(workspace.id, f"Partner {i}", f"Organisatie {i}")[0] for i in range(N_PROCS)]

    t0 = time.perf_counter()
    results = run_processes(_save_worker, [(db_url, workspace.id, p.id, i) for i, p in enumerate(partners)])
    elapsed = time.perf_counter() - t0

    shared_ids = {r["shared"] for r in results}
    assert len(shared_ids) == 1, "every process must get the same shared document"
    shared_id = shared_ids.pop()
    assert [d.id for d in store.documents(workspace.id, "shared_case")] == [shared_id]

    with store.engine.connect() as conn:
        rows = conn.execute(
            select(
                store_mod.revisions.c.document_id,
                store_mod.revisions.c.number,
                store_mod.revisions.c.parent,
                store_mod.revisions.c.author,
                store_mod.revisions.c.content,
            )
        ).all()
    by_doc: dict[int, list] = {}
    for row in rows:
        by_doc.setdefault(row.document_id, []).append(row)

    # own documents: exactly 1..N_SAVES, each the process's own payload in order
    for r in results:
        revs = sorted(by_doc[r["own"]], key=lambda row: row.number)
        assert [row.number for row in revs] == list(range(1, N_SAVES + 1))
        assert r["own_numbers"] == list(range(1, N_SAVES + 1))
        assert [json.loads(row.content) for row in revs] == [{"proc": r["index"], "i": i} for i in range(N_SAVES)]

    # shared document: numbers 1..total without gaps or duplicates, every payload exactly once
    total = N_PROCS * N_SAVES
    shared = sorted(by_doc[shared_id], key=lambda row: row.number)
    assert [row.number for row in shared] == list(range(1, total + 1))
    assert all(row.parent == row.number - 1 for row in shared)
    assert store.get_document(shared_id).head == total
    assert sorted(n for r in results for n in r["shared_numbers"]) == list(range(1, total + 1))
    payloads = sorted((json.loads(row.content)["proc"], json.loads(row.content)["i"]) for row in shared)
    assert payloads == [(p, i) for p in range(N_PROCS) for i in range(N_SAVES)]
    assert len(rows) == total + N_PROCS * N_SAVES

    latencies = sorted(x * 1000 for r in results for x in r["latencies"])
    conflicts = [x * 1000 for r in results for x in r["conflict_latencies"]]
    q = statistics.quantiles(latencies, n=100)
    print(
        f"\n[{store.dialect}] {N_PROCS} processes x {N_SAVES} rounds (own + shared save): "
        f"{len(latencies)} saves in {elapsed:.1f} s; save latency p50 {q[49]:.1f} ms, p95 {q[94]:.1f} ms; "
        f"{len(conflicts)} conflicts on the shared document "
        f"(conflict p50 {statistics.median(conflicts) if conflicts else 0:.1f} ms)"
    )
