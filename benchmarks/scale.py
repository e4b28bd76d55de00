"""How cost grows with the work: the puzzle board, search, and exports.

- Puzzle board with 5, 20 and 50 shared partner drafts (each drawn from the
  ten publication cases, so the texts are realistic): building the board
  (grouping near-duplicates), opening the step-3 chapter headless, and one
  click ("Neem over": save + reload + redraw) — the click must stay under 0.5 s
  for 50 drafts (issue 9's target).
- Search for a word across the 10 cases and across 1,000 generated cases.
- Every export format for the largest case (when ``purposecase.export`` is installed).

Medians of N repetitions, in milliseconds; JSON into ``benchmarks/results/``.

    .venv/bin/python benchmarks/scale.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(fn, runs: int) -> float:
    """Return the median wall time of ``fn()`` over ``runs`` calls, in ms."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def generated_cases(n: int):
    """Return ``n`` cases made by recombining the ten publication cases' items (deterministic)."""
    from purposecase.examples import list_cases
    from purposecase.model import PurposeCase
    from purposecase.pieces import PIECE_KEYS

    source = list_cases()
    out = []
    for i in range(n):
        pieces = {k: list(source[(i + j) % len(source)].items(k)) for j, k in enumerate(PIECE_KEYS)}
        out.append(PurposeCase(slug=f"gegenereerd-{i}", title=f"Gegenereerd {i}", pieces=pieces))
    return out


def board_workspace(n_drafts: int):
    """Create a workspace with ``n_drafts`` shared drafts; return the trekker token."""
    import purposecase
    from purposecase.examples import list_cases
    from purposecase.model import PartnerDraft

    cases = list_cases()
    trekker, token = purposecase.create_workspace(f"Schaal {n_drafts}")
    for i in range(n_drafts):
        case = cases[i % len(cases)]
        _, ptoken = trekker.add_partner(f"Partner {i}", case.title)
        session = purposecase.open_workspace(ptoken)
        session.save_my_draft(PartnerDraft(pieces=case.pieces), base=0)
        session.set_my_draft_shared(True)
    return token


def measure(runs: int) -> dict:
    """Run every measurement; return the results as a dict."""
    from purposecase import puzzle
    from purposecase.examples import list_cases, search
    from purposecase.model import PartnerDraft, SharedCase

    results: dict = {"board": [], "search": [], "exports": []}
    cases = list_cases()
    import purposecase.ui.puzzelen as puzzelen
    from purposecase.ui.common import PageContext

    puzzelen.REFRESH_SECONDS = 3600
    for n in (5, 20, 50):
        drafts = [
            (puzzle.PartnerRef(f"p{i}", f"Partner {i}"), PartnerDraft(pieces=cases[i % len(cases)].pieces))
            for i in range(n)
        ]
        build_ms = timed(lambda drafts=drafts: puzzle.build_board(drafts, SharedCase()), runs)
        token = board_workspace(n)
        t0 = time.perf_counter()
        chapter = puzzelen.SamenPuzzelenChapter(context=PageContext(sleutel=token))
        open_ms = (time.perf_counter() - t0) * 1000
        board = chapter.board
        clicks = []
        for piece in ("impact", "partners", "doelgroepen", "opbrengsten", "middelen")[:runs]:
            board.piece_buttons.value = piece
            button = next(b for g, b in board.groups if not g.adopted)
            t0 = time.perf_counter()
            button.click()
            clicks.append((time.perf_counter() - t0) * 1000)
        widgets = sum(len(g.entries) for groups in board.board.values() for g in groups)
        results["board"].append(
            {
                "drafts": n,
                "entries": widgets,
                "build_ms": build_ms,
                "open_chapter_ms": open_ms,
                "click_adopt_ms": statistics.median(clicks),
            }
        )
    many = generated_cases(1000)
    for label, corpus in (("10 cases", cases), ("1000 generated", many)):
        for word in ("mbo", "leefbaarheid", "zzqq"):
            results["search"].append(
                {
                    "corpus": label,
                    "query": word,
                    "hits": len(search(word, corpus)),
                    "ms": timed(lambda corpus=corpus, word=word: search(word, corpus), runs),
                }
            )
    try:
        from purposecase.export import FORMATS, bundle_for_case, export_bytes
    except ImportError:
        FORMATS = ()
    if FORMATS:
        largest = max(cases, key=lambda c: sum(len(c.items(k)) for k in c.pieces))
        bundle = bundle_for_case(largest)
        for fmt in FORMATS:
            size = len(export_bytes(bundle, fmt))
            results["exports"].append(
                {
                    "case": largest.slug,
                    "format": fmt,
                    "bytes": size,
                    "ms": timed(lambda fmt=fmt: export_bytes(bundle, fmt), max(1, min(runs, 3))),
                }
            )
    return results


def main(argv: list[str] | None = None) -> int:
    """Run and print the tables."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pc-scale-") as tmp:
        os.environ["PURPOSECASE_HOME"] = tmp
        os.environ.pop("PURPOSECASE_DATABASE_URL", None)
        results = measure(args.runs)
    print(f"{'drafts':>6} {'entries':>7} {'build board ms':>15} {'open chapter ms':>16} {'click adopt ms':>15}")
    for r in results["board"]:
        print(
            f"{r['drafts']:>6} {r['entries']:>7} {r['build_ms']:>15.1f} {r['open_chapter_ms']:>16.0f} "
            f"{r['click_adopt_ms']:>15.0f}"
        )
    print(f"\n{'corpus':16} {'query':14} {'hits':>6} {'ms':>8}")
    for r in results["search"]:
        print(f"{r['corpus']:16} {r['query']:14} {r['hits']:>6} {r['ms']:>8.1f}")
    if results["exports"]:
        print(f"\n{'format':7} {'bytes':>9} {'ms':>8}   ({results['exports'][0]['case']})")
        for r in results["exports"]:
            print(f"{r['format']:7} {r['bytes']:>9} {r['ms']:>8.0f}")
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"scale-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"\nwritten: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
