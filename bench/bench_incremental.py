#!/usr/bin/env python3
"""Incremental and parallel builds next to today's cold, one-process build, in the same run.

For a synthetic corpus of N events (bench_build.py's generator, 3 documents each), `run_build` (the
whole of `kg build` but the write of graph/) is timed:

* cold, in one process, without the cache: what every build cost before;
* cold, with the per-document stages in a pool of all cores;
* warm: every extraction from .kg-cache/;
* one document added to the warm corpus.

Every variant must give the same files as the cold one-process build (checked and printed).

    .venv/bin/python bench/bench_incremental.py              # N = 34 (102 documents)
    .venv/bin/python bench/bench_incremental.py --size 334   # 1,002 documents
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_build import write_corpus  # noqa: E402 - the benchmark's own corpus generator

from kg_builder.config import load_settings  # noqa: E402
from kg_builder.executor import default_jobs  # noqa: E402
from kg_builder.pipeline import run_build  # noqa: E402


def _timed(project: Path, **options: object) -> tuple[float, dict[str, bytes], str]:
    settings = load_settings(project)
    t = time.perf_counter()
    result = run_build(settings, write=False, **options)  # type: ignore[arg-type]
    seconds = time.perf_counter() - t
    files = {k: v for k, v in result.files.items() if k != "build.json"}  # its timings differ by run
    extract = dict(result.report.seconds_by_stage).get("extract", 0.0)
    return seconds, files, f"extract {extract:.1f} s"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=34, help="number of events N (each is 3 documents)")
    args = ap.parse_args()
    jobs = default_jobs()
    with tempfile.TemporaryDirectory(prefix="kg-bench-incremental-") as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(ROOT / "ontology", project / "ontology")
        docs, _ = write_corpus(project / "corpus", args.size)
        extra = Path(tmp) / "extra"
        write_corpus(extra, args.size + 1)
        print(f"N={args.size}: {docs} documents, {jobs} cores; seconds of run_build (kg build without the write)")
        base, reference, note = _timed(project, jobs=1, use_cache=False)
        print(f"{'cold, one process, no cache (before)':<44} {base:>7.1f} s  {note}")
        rows = [("cold, " + f"{jobs} processes, no cache", {"jobs": jobs, "use_cache": False}),
                ("cold, one process, filling the cache", {"jobs": 1}),
                ("warm: every extraction from the cache", {"jobs": jobs})]
        for label, options in rows:
            seconds, files, note = _timed(project, **options)
            print(f"{label:<44} {seconds:>7.1f} s  {note}  {base / seconds:.1f}x  "
                  f"{'same files' if files == reference else 'DIFFERENT FILES'}")
        added = sorted(p for p in extra.iterdir() if not (project / "corpus" / p.name).exists())
        for path in added:
            shutil.copy(path, project / "corpus" / path.name)
        cold_added, reference_added, _ = _timed(project, jobs=1, use_cache=False)
        seconds, files, note = _timed(project, jobs=jobs)
        print(f"{f'one event ({len(added) // 2} documents) added, warm':<44} {seconds:>7.1f} s  {note}  "
              f"(cold: {cold_added:.1f} s)  {'same files' if files == reference_added else 'DIFFERENT FILES'}")


if __name__ == "__main__":
    main()
