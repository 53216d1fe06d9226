#!/usr/bin/env python3
"""SHACL validation of built graphs: the Rust engine of `shacl` next to pySHACL, in the same run.

For each size N (the synthetic corpora of bench_build.py: N events, 3 documents each), the graph is
built once without validation; then each validator checks the same data graph (asserted plus
inferred triples, as `kg build` validates it) and the figures are printed side by side, with
whether both gave the same set of (focus node, path, constraint component).

    .venv/bin/python bench/bench_validate.py                 # sizes 1,10,100,334
    .venv/bin/python bench/bench_validate.py --sizes 1,34
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_build import write_corpus  # noqa: E402 - the benchmark's own corpus generator

from kg_builder import storage  # noqa: E402
from kg_builder.config import load_settings  # noqa: E402
from kg_builder.pipeline import build_graph  # noqa: E402
from kg_builder.serialize import merge  # noqa: E402
from kg_builder.validate import check_shapes  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1,10,100,334", help="numbers of events N (each is 3 documents)")
    args = ap.parse_args()
    settings = load_settings(ROOT)
    from rdflib import Graph

    shapes = Graph().parse(settings.shapes_file)
    print(f"{'N':>5} {'docs':>6} {'triples':>9} {'pyshacl s':>10} {'shacl s':>9} {'speed-up':>9}  same verdicts")
    with tempfile.TemporaryDirectory(prefix="kg-bench-validate-") as tmp:
        for n in sorted(int(s) for s in args.sizes.split(",")):
            corpus = Path(tmp) / f"corpus-{n}"
            docs, _ = write_corpus(corpus, n)
            result = build_graph(settings, storage.read_corpus(corpus), validate=False)
            data = merge([*result.graphs[1:], result.inferred])
            seconds, reports = {}, {}
            for validator in ("pyshacl", "shacl"):
                t = time.perf_counter()
                reports[validator] = check_shapes(data, shapes, validator)
                seconds[validator] = time.perf_counter() - t
            same = reports["pyshacl"].results == reports["shacl"].results and \
                reports["pyshacl"].conforms == reports["shacl"].conforms
            print(f"{n:>5} {docs:>6} {len(data):>9} {seconds['pyshacl']:>10.2f} {seconds['shacl']:>9.2f} "
                  f"{seconds['pyshacl'] / seconds['shacl']:>8.1f}x  {'yes' if same else 'NO'}", flush=True)


if __name__ == "__main__":
    main()
