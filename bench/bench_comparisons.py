#!/usr/bin/env python3
"""Benchmark the comparison of claims when many documents are about one subject.

Every document is a short account of the Second Battle of Khorramshahr (an infobox with dates,
strengths and casualties of both sides, and a sentence with the length of the occupation), so every
figure of every document is compared with the same figure of every other document. Two corpora:

* ``repeated``: each figure is one of three values, as sources that mostly repeat each other;
* ``distinct``: each document gives figures and dates of its own, the worst case for comparing.

Each size is built by ``kg_builder.pipeline.run_build`` (what ``kg build`` does: read, extract,
resolve, compare, RDF, reason, validate, serialise, write) in a fresh Python process, in a temporary
project with a copy of ``ontology/``; the real project is only read. Per size it prints the claims,
the comparison records (agreements and conflicts), comparisons per claim, wall and CPU seconds of
the whole build, seconds of the compare stage, CPU milliseconds per claim, the child's peak memory
(``ru_maxrss``), how many keys had too many values to compare all against all, and the load average.

    .venv/bin/python bench/bench_comparisons.py                    # 33, 63 and 303 documents, both corpora
    .venv/bin/python bench/bench_comparisons.py --sizes 33,63 --corpus repeated

Targets: peak memory under 2 GB at 303 documents, and time and comparisons linear in the claims
(comparisons per claim and seconds per claim not growing with the size).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEAK_TARGET_MB = 2048.0
GROWTH_TOLERANCE = 1.5  # per-claim figures may rise this much from the smallest to the largest size
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
# figure -> (its three values in the "repeated" corpus, its step per document in the "distinct" one)
FIGURES = {
    "strength1": ([80_000, 70_000, 90_000], 10),
    "tanks1": ([100, 120, 150], 1),
    "strength2": ([100_000, 120_000, 95_000], 10),
    "tanks2": ([400, 350, 300], 1),
    "killed1": ([8_000, 7_000, 10_000], 5),
    "wounded1": ([15_000, 12_000, 16_000], 5),
    "captured1": ([19_000, 18_000, 20_000], 5),
    "killed2": ([12_000, 15_000, 6_000], 5),
    "wounded2": ([25_000, 20_000, 30_000], 5),
    "days": ([575, 574, 580], 1),
}


def _day(d: dt.date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def document(i: int, corpus: str) -> str:
    """Account number ``i`` of the battle; its figures repeat others' (``repeated``) or are its own."""
    rng = random.Random(i)
    if corpus == "repeated":
        f = {key: rng.choice(choices) for key, (choices, _) in FIGURES.items()}
        start = dt.date(1982, 4, rng.choice([24, 25, 30]))
        end = dt.date(1982, 5, rng.choice([24, 24, 25]))
    else:
        f = {key: choices[0] + i * step for key, (choices, step) in FIGURES.items()}
        start = dt.date(1982, 4, 24) - dt.timedelta(days=i)
        end = dt.date(1982, 5, 24) + dt.timedelta(days=i)
    return (
        "= Battle of Khorramshahr (1982) =\n\n"
        "Infobox\n"
        "- Conflict: Second Battle of Khorramshahr\n"
        f"- Date: {_day(start)} – {_day(end)}\n"
        "- Place: Khorramshahr, Khuzestan, Iran\n"
        "- Result: Iranian victory\n"
        "- Combatant1: Iraq\n"
        "- Combatant2: Iran\n"
        f"- Strength1: {f['strength1']:,} troops, {f['tanks1']} tanks\n"
        f"- Strength2: {f['strength2']:,} troops, {f['tanks2']} tanks\n"
        f"- Casualties1: {f['killed1']:,} killed, {f['wounded1']:,} wounded, {f['captured1']:,} captured\n"
        f"- Casualties2: {f['killed2']:,} killed, {f['wounded2']:,} wounded\n\n"
        f"This is account number {i} of the Second Battle of Khorramshahr. Khorramshahr was occupied for "
        f"{f['days']} days before the Iranian forces recaptured the city on {_day(end)}.\n"
    )


def make_project(folder: Path, documents: int, corpus: str) -> Path:
    """A project with a copy of ontology/ and ``documents`` accounts in corpus/."""
    shutil.copytree(ROOT / "ontology", folder / "ontology")
    (folder / "corpus").mkdir()
    for i in range(documents):
        stem = folder / "corpus" / f"account_{i:04d}"
        stem.with_suffix(".txt").write_text(document(i, corpus), encoding="utf-8")
        stem.with_suffix(".meta.yaml").write_text(
            f"title: Account {i} of the Second Battle of Khorramshahr\nkind: encyclopedia\nlanguage: en\n",
            encoding="utf-8")
    return folder


def child(project: Path, reasoner: str) -> None:
    """Build one project and print its figures as one JSON line."""
    sys.path.insert(0, str(ROOT / "src"))
    from kg_builder.config import load_settings
    from kg_builder.pipeline import run_build

    settings = load_settings(project)
    t0, cpu0 = time.perf_counter(), time.process_time()
    result = run_build(settings, reasoner=reasoner)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    r = result.report
    print(json.dumps({
        "documents": r.documents, "claims": r.claims, "agreements": r.corroborations, "conflicts": r.conflicts,
        "seconds": seconds, "cpu": cpu, "compare": dict(r.seconds_by_stage).get("compare", 0.0),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "warnings": sum(1 for w in r.warnings if "different values" in w or "start and end dates" in w),
    }))


def run_size(documents: int, corpus: str, reasoner: str, timeout: float) -> dict[str, float] | None:
    with tempfile.TemporaryDirectory(prefix="kg-bench-cmp-") as tmp:
        project = make_project(Path(tmp), documents, corpus)
        try:
            done = subprocess.run([sys.executable, __file__, "--child", str(project), "--reasoner", reasoner],
                                  capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return None
        if done.returncode != 0:
            sys.exit(f"the build of {documents} documents failed:\n{done.stderr}")
        figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
        figures["load"] = os.getloadavg()[0]
        return figures


def report(corpus: str, rows: list[dict[str, float]]) -> None:
    print(f"\ncorpus: {corpus}")
    print(f"{'docs':>5} {'claims':>7} {'agree':>7} {'conflict':>8} {'cmp/claim':>9} {'seconds':>8} {'cpu s':>7} "
          f"{'compare s':>9} {'cpu ms/claim':>12} {'peak MB':>8} {'capped':>6} {'load':>5}")
    for r in rows:
        comparisons = r["agreements"] + r["conflicts"]
        print(f"{r['documents']:>5.0f} {r['claims']:>7,.0f} {r['agreements']:>7,.0f} {r['conflicts']:>8,.0f} "
              f"{comparisons / r['claims']:>9.2f} {r['seconds']:>8.1f} {r['cpu']:>7.1f} {r['compare']:>9.3f} "
              f"{1000 * r['cpu'] / r['claims']:>12.2f} {r['peak_mb']:>8.0f} {r['warnings']:>6.0f} {r['load']:>5.1f}")
    if len(rows) < 2:
        return
    small, large = rows[0], rows[-1]
    per_claim = [(r["agreements"] + r["conflicts"]) / r["claims"] for r in (small, large)]
    # CPU time, not wall time: other work on the machine disturbs it less (the load column shows how much).
    time_per_claim = [r["cpu"] / r["claims"] for r in (small, large)]
    verdict = {
        "comparisons linear in claims": per_claim[1] <= GROWTH_TOLERANCE * per_claim[0],
        "time linear in claims": time_per_claim[1] <= GROWTH_TOLERANCE * time_per_claim[0],
        f"peak under {PEAK_TARGET_MB:.0f} MB": large["peak_mb"] < PEAK_TARGET_MB,
    }
    for what, ok in verdict.items():
        print(f"  {'PASS' if ok else 'MISS'}  {what}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="33,63,303", help="numbers of documents, comma-separated")
    parser.add_argument("--corpus", choices=("repeated", "distinct", "both"), default="both")
    parser.add_argument("--reasoner", choices=("owlrl", "reasonable"), default="owlrl")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before one build is given up")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.reasoner)
        return
    sizes = [int(n) for n in args.sizes.split(",")]
    for corpus in (("repeated", "distinct") if args.corpus == "both" else (args.corpus,)):
        rows = []
        for n in sizes:
            figures = run_size(n, corpus, args.reasoner, args.timeout)
            if figures is None:
                print(f"  {n} documents: not finished within {args.timeout:.0f} s")
                break
            rows.append(figures)
        report(corpus, rows)


if __name__ == "__main__":
    main()
