"""Time to produce each export format for the largest of the ten publication cases.

Measures, in one process, the median of N runs (after one warm-up run that
pays for imports and font loading) of:

- every format of :data:`purposecase.export.FORMATS` for the largest case
  (most item text), with one partner and one shared draft in the bundle;
- ``pdf+vp``, ``pptx+vp``, ``xlsx+vp``, ``md+vp``: the same bundle plus a value
  proposition (step 4) for every target group of the case, each with 5 jobs, 8 pains,
  8 gains, the case's waarde as products, 6 pain relievers and 6 gain creators (two
  links each);
- ``pptx+figure``: the same deck with one plotly figure rendered by kaleido
  (starts the system Chromium; skipped with ``--no-figure``);
- ``backup`` and ``restore``: a workspace holding that case as its shared case,
  three partners and 30 draft revisions, to JSON and back into a new workspace.

Prints a table (seconds, file size) and writes JSON to
``benchmarks/results/exports-<timestamp>.json``.

    .venv/bin/python benchmarks/exports.py --runs 5 [--no-figure]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(fn, runs: int) -> tuple[list[float], object]:
    """Return the wall-clock seconds of ``runs`` calls of ``fn`` (after one warm-up) and the last result."""
    result = fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def value_proposition_parts(case) -> tuple:
    """Return a filled-in value proposition for every target group of ``case`` (texts taken from the case)."""
    from purposecase.export.parts import ValuePropositionPart
    from purposecase.valueprop import (
        Pijn,
        Pijnverzachter,
        Product,
        Taak,
        ValueProposition,
        Voordeel,
        Voordeelverschaffer,
    )

    texts = [i.text for _, i in case.all_items()]

    def text(n: int) -> str:
        return texts[n % len(texts)]

    parts = []
    for g, group in enumerate(case.items("doelgroepen")):
        pains = [Pijn(id=f"p{n}", text=text(g + n), belang=1 + n % 5) for n in range(8)]
        gains = [Voordeel(id=f"g{n}", text=text(g + 20 + n), belang=1 + (n + 2) % 5) for n in range(8)]
        vp = ValueProposition(
            id=f"vp{g}",
            doelgroep=group.text[:200],
            taken=[Taak(id=f"t{n}", text=text(g + 40 + n), belang=1 + n % 5) for n in range(5)],
            pijnen=pains,
            voordelen=gains,
            producten=[Product(id=f"w{n}", text=w.text) for n, w in enumerate(case.items("waarde")[:40])],
            pijnverzachters=[
                Pijnverzachter(id=f"r{n}", text=text(g + 60 + n), verzacht=[f"p{n}", f"p{n + 1}"]) for n in range(6)
            ],
            voordeelverschaffers=[
                Voordeelverschaffer(id=f"c{n}", text=text(g + 80 + n), creeert=[f"g{n}", f"g{n + 2}"])
                for n in range(6)
            ],
        )
        parts.append(ValuePropositionPart(vp))
    return tuple(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-figure", action="store_true", help="skip the kaleido figure (no Chromium)")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    args = parser.parse_args(argv)

    os.environ.setdefault("PURPOSECASE_HOME", tempfile.mkdtemp(prefix="pc-bench-"))
    from purposecase.backup import backup_bytes, read_upload, restore_workspace
    from purposecase.examples import list_cases
    from purposecase.export import FORMATS, DraftLine, ExportBundle, ExportFigure, PartnerLine, export_bytes
    from purposecase.model import PartnerDraft
    from purposecase.store import open_store
    from purposecase.workspace import create_workspace, open_workspace

    cases = list_cases()
    case = max(cases, key=lambda c: sum(len(i.text) for _, i in c.all_items()))
    chars = sum(len(i.text) for _, i in case.all_items())
    partner = PartnerLine("Ans de Vries", "ROC Noord")
    bundle = ExportBundle(
        case=case, label="Voorbeeld uit de publicatie", partners=(partner,),
        drafts=(DraftLine(partner, PartnerDraft(pieces=case.pieces), "gedeeld"),), date=date.today(),
    )
    rows = []

    def record(name: str, times: list[float], size: int | None) -> None:
        rows.append({"what": name, "runs": len(times), "median_s": statistics.median(times), "min_s": min(times),
                     "max_s": max(times), "bytes": size})

    for fmt in FORMATS:
        times, data = timed(lambda fmt=fmt: export_bytes(bundle, fmt), args.runs)
        record(fmt, times, len(data))
    with_vp = dataclasses.replace(bundle, value_propositions=value_proposition_parts(case))
    sections = with_vp.value_proposition_sections()
    for fmt in ("pdf", "pptx", "xlsx", "md"):
        times, data = timed(lambda fmt=fmt: export_bytes(with_vp, fmt), args.runs)
        record(f"{fmt}+vp ({len(sections) // 2} groups)", times, len(data))
    if not args.no_figure:
        import plotly.graph_objects as go

        counts = [(key, len(items)) for key, items in case.pieces.items()]
        fig = go.Figure(go.Bar(x=[k for k, _ in counts], y=[n for _, n in counts]))
        with_figure = ExportBundle(case=case, figures=(ExportFigure("Items per puzzelstuk", fig),))
        times, data = timed(lambda: export_bytes(with_figure, "pptx"), args.runs)
        record("pptx+figure", times, len(data))

    store = open_store()
    trekker, _ = create_workspace(case.title, store=store)
    tokens = [trekker.add_partner(f"Partner {n}", f"Organisatie {n}")[1] for n in range(3)]
    for token in tokens:
        session = open_workspace(token, store=store)
        for n in range(10):
            session.save_my_draft(PartnerDraft(pieces=case.pieces), base=n, note=f"versie {n + 1}")
        session.set_my_draft_shared(True)
    from purposecase.backup import shared_case_from

    trekker.import_as_shared_case(shared_case_from(dict(case.pieces)))
    times, data = timed(lambda: backup_bytes(trekker.backup(), "json"), args.runs)
    revisions = sum(len(d["revisions"]) for d in json.loads(data)["documents"])
    record(f"backup (json, {revisions} revisions)", times, len(data))
    upload = read_upload(data, "backup.json")
    times, _ = timed(lambda: restore_workspace(upload.backup, store=store), args.runs)
    record("restore (new workspace)", times, None)

    print(f"Largest case: {case.title} ({len(case.all_items())} items, {chars} characters); median of {args.runs}")
    print(f"| {'what':<28} | {'median s':>8} | {'min s':>6} | {'max s':>6} | {'size kB':>7} |")
    print(f"|{'-' * 30}|{'-' * 10}|{'-' * 8}|{'-' * 8}|{'-' * 9}|")
    for r in rows:
        size = f"{r['bytes'] / 1024:.0f}" if r["bytes"] is not None else "—"
        print(f"| {r['what']:<28} | {r['median_s']:>8.3f} | {r['min_s']:>6.3f} | {r['max_s']:>6.3f} | {size:>7} |")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    result = {
        "benchmark": "exports", "when": stamp, "case": case.slug, "items": len(case.all_items()), "characters": chars,
        "runs": args.runs, "python": platform.python_version(), "machine": platform.machine(),
        "cores": os.cpu_count(), "rows": rows,
    }
    path = out / f"exports-{stamp}.json"
    path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"written {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
