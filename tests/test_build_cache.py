"""Incremental and parallel builds through the real command: each document's extraction is kept in
.kg-cache/ and reused while the document, the rules and the code are the same; a warm build, a cold
one (--no-cache) and one in several processes (--jobs) give byte-identical graph/ files; a broken
cache entry is detected, rebuilt and never trusted."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import FIXTURES, RunKg
from server import free_port


def _graph(project: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((project / "graph").iterdir()) if p.is_file()}


def _entries(project: Path) -> list[Path]:
    """The extraction entries (one per document); the stages' results are in stages/."""
    return sorted(p for p in (project / ".kg-cache").rglob("*.pickle") if p.parent.name != "stages")


def _stage_entries(project: Path) -> list[Path]:
    return sorted((project / ".kg-cache" / "stages").glob("*.pickle"))


def test_a_warm_build_reuses_every_extraction_and_gives_the_same_files(tmp_project: Path, run_kg: RunKg) -> None:
    cold = run_kg("build", cwd=tmp_project)
    assert cold.returncode == 0, cold.stderr
    assert _row(cold.stdout, "documents from .kg-cache/") == "0"
    files = _graph(tmp_project)
    assert len(_entries(tmp_project)) == 3  # one entry per document of the seed corpus
    warm = run_kg("build", cwd=tmp_project)
    assert warm.returncode == 0, warm.stderr
    assert _row(warm.stdout, "documents from .kg-cache/") == "3"
    assert _graph(tmp_project) == files
    again = run_kg("build", "--no-cache", cwd=tmp_project)
    assert again.returncode == 0 and "documents from .kg-cache/" not in again.stdout
    assert _graph(tmp_project) == files


def test_reasoning_and_validation_are_reused_only_for_the_same_input(tmp_project: Path, run_kg: RunKg) -> None:
    cold = run_kg("build", cwd=tmp_project)
    assert cold.returncode == 0 and _row(cold.stdout, "stages from .kg-cache/") == "none", cold.stdout
    files = _graph(tmp_project)
    assert [p.name.split("-")[1] for p in _stage_entries(tmp_project)] == ["reason", "validate"]
    warm = run_kg("build", cwd=tmp_project)
    assert warm.returncode == 0 and _row(warm.stdout, "stages from .kg-cache/") == "reason, validate", warm.stdout
    assert _graph(tmp_project) == files
    # a new sentence changes the data, so the verdict on it is not the old one; the reasoner's input
    # (entity types and relations) is the same, so its closure is
    doc = tmp_project / "corpus" / "002_f0947ec770c9bed6.txt"
    doc.write_text(doc.read_text(encoding="utf-8") + "\nThe city was rebuilt in the years after the war.\n",
                   encoding="utf-8")
    changed = run_kg("build", cwd=tmp_project)
    assert changed.returncode == 0 and _row(changed.stdout, "stages from .kg-cache/") == "reason", changed.stdout
    assert len(_stage_entries(tmp_project)) == 2  # the verdict on the old data is pruned
    # a broken result is rebuilt, never trusted
    for entry in _stage_entries(tmp_project):
        entry.write_bytes(entry.read_bytes()[:-10])
    healed = run_kg("build", cwd=tmp_project)
    assert healed.returncode == 0 and healed.stderr.count("a broken cache entry, rebuilt") == 2, healed.stderr
    assert _row(healed.stdout, "stages from .kg-cache/") == "none"
    healed_files = _graph(tmp_project)
    fresh = run_kg("build", "--no-cache", cwd=tmp_project)
    assert fresh.returncode == 0 and _graph(tmp_project) == healed_files
    assert "stages from .kg-cache/" not in fresh.stdout


def _row(table: str, what: str) -> str:
    line = next(line for line in table.splitlines() if what in line)
    return line.split("│")[-2].strip()


def test_a_changed_document_or_rule_is_extracted_again(tmp_project: Path, run_kg: RunKg) -> None:
    assert run_kg("build", cwd=tmp_project).returncode == 0
    doc = tmp_project / "corpus" / "002_f0947ec770c9bed6.txt"
    doc.write_text(doc.read_text(encoding="utf-8") + "\nThe city was rebuilt in the years after the war.\n",
                   encoding="utf-8")
    one = run_kg("build", cwd=tmp_project)
    assert one.returncode == 0 and _row(one.stdout, "documents from .kg-cache/") == "2", one.stdout
    lexicon = tmp_project / "ontology" / "extraction.yaml"
    lexicon.write_text(lexicon.read_text(encoding="utf-8") + "\n# a changed rule file\n", encoding="utf-8")
    rules = run_kg("build", cwd=tmp_project)
    assert rules.returncode == 0 and _row(rules.stdout, "documents from .kg-cache/") == "0", rules.stdout
    assert len(_entries(tmp_project)) == 3  # the entries of older rules are removed


def test_a_broken_entry_is_rebuilt_never_trusted(tmp_project: Path, run_kg: RunKg) -> None:
    assert run_kg("build", cwd=tmp_project).returncode == 0
    files = _graph(tmp_project)
    truncated, flipped, foreign = _entries(tmp_project)
    truncated.write_bytes(truncated.read_bytes()[:100])
    data = bytearray(flipped.read_bytes())
    data[-20] ^= 0xFF
    flipped.write_bytes(bytes(data))
    foreign.write_bytes(b"not an entry at all")
    r = run_kg("build", cwd=tmp_project)
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("a broken cache entry, rebuilt") == 3, r.stderr
    assert _row(r.stdout, "documents from .kg-cache/") == "0"
    assert _graph(tmp_project) == files
    healed = run_kg("build", cwd=tmp_project)
    assert "broken cache entry" not in healed.stderr and _row(healed.stdout, "documents from .kg-cache/") == "3"


def _many_documents(tmp_path: Path) -> Path:
    """A project with enough documents for a pool: the seeds and both development sets (19)."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURES.parent.parent / "ontology", project / "ontology")
    shutil.copytree(FIXTURES.parent.parent / "corpus", project / "corpus")
    for folder in ("devset", "owndev"):
        for path in (FIXTURES / folder).iterdir():
            if path.suffix in (".txt", ".yaml") and not path.name.startswith("gold"):
                shutil.copy(path, project / "corpus" / path.name)
    return project


def test_several_processes_give_the_same_graph_as_one(tmp_path: Path, run_kg: RunKg) -> None:
    """Enough documents for a pool (the seeds and both development sets): --jobs 2 builds the same files
    as --jobs 1, cold and warm."""
    project = _many_documents(tmp_path)
    serial = run_kg("build", "--jobs", "1", "--no-cache", cwd=project, timeout=600)
    assert serial.returncode == 0, serial.stderr
    files = _graph(project)
    pooled = run_kg("build", "--jobs", "2", cwd=project, timeout=600)
    assert pooled.returncode == 0, pooled.stderr
    assert "in 2 processes" in pooled.stderr and _graph(project) == files
    warm = run_kg("build", "--jobs", "2", cwd=project, timeout=600)
    assert warm.returncode == 0 and _graph(project) == files


def test_a_worker_that_dies_fails_the_build_clearly_and_leaves_graph_alone(tmp_path: Path) -> None:
    """A worker of the pool killed mid-build (as the kernel's OOM killer would): a clear message, a
    non-zero exit, graph/ untouched."""
    project = _many_documents(tmp_path)
    assert subprocess.run([sys.executable, "-m", "kg_builder", "build", "--jobs", "1"], cwd=project,
                          capture_output=True, timeout=600).returncode == 0
    before = _graph(project)
    build = subprocess.Popen([sys.executable, "-m", "kg_builder", "build", "--jobs", "2", "--no-cache"], cwd=project,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed = False
    deadline = time.monotonic() + 120
    while not killed and build.poll() is None and time.monotonic() < deadline:
        children = Path(f"/proc/{build.pid}/task/{build.pid}/children").read_text().split()
        if children:
            os.kill(int(children[0]), signal.SIGKILL)
            killed = True
        time.sleep(0.02)
    _, err = build.communicate(timeout=300)
    assert killed, "the build started no worker"
    assert build.returncode == 10 and "a worker process of the build died" in err, err
    assert _graph(project) == before


def test_a_dask_cluster_builds_the_same_graph_as_one_process(tmp_path: Path, run_kg: RunKg) -> None:
    """The per-document stages on a real Dask cluster (distributed.LocalCluster, two worker processes on
    loopback) give byte-identical files; a scheduler that cannot be reached fails clearly, graph/ untouched."""
    from distributed import LocalCluster

    project = _many_documents(tmp_path)
    serial = run_kg("build", "--jobs", "1", "--no-cache", cwd=project, timeout=600)
    assert serial.returncode == 0, serial.stderr
    files = _graph(project)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        built = run_kg("build", "--no-cache", "--executor", "dask", "--scheduler", address, cwd=project, timeout=600)
    assert built.returncode == 0, built.stderr
    assert "on the Dask cluster at" in built.stderr and _graph(project) == files
    (project / "corpus" / "002_f0947ec770c9bed6.txt").write_text("A changed text of the Press TV article.\n",
                                                                 encoding="utf-8")
    unreachable = run_kg("build", "--no-cache", "--executor", "dask", "--scheduler",
                         f"tcp://127.0.0.1:{free_port()}", cwd=project, timeout=120)
    assert unreachable.returncode == 9 and "cannot reach the Dask scheduler" in unreachable.stderr, unreachable.stderr
    assert _graph(project) == files
