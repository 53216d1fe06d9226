"""graph/ is replaced atomically: a killed build leaves the previous graph, a half-done swap is repaired,
and ``kg build --check`` tells a stale graph/ from a fresh one without touching it."""

from __future__ import annotations

import hashlib
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import RunKg
from kg_builder.pipeline import GRAPH_FILES
from kg_builder.storage import recover_graph_dir, write_graph_dir

EXIT_OUT_OF_DATE = 6


LOCK = ".graph.lock"  # the writers' lock file stays beside graph/, empty


def snapshot(graph: Path) -> dict[str, str]:
    """sha256 of every file under a graph folder, by relative path."""
    return {str(p.relative_to(graph)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(graph.rglob("*")) if p.is_file()}


def leftovers(parent: Path) -> list[str]:
    """What a swap may leave beside graph/: graph.previous/ and .graph-tmp-* folders."""
    return sorted(p.name for p in parent.iterdir() if p.name == "graph.previous" or p.name.startswith(".graph-tmp-"))


def read_stage_lines(proc: subprocess.Popen[bytes], until: str, timeout: float = 120) -> list[str]:
    """Read the build's stderr line by line until a line equal to ``until``; fail on exit or timeout."""
    assert proc.stderr is not None
    fd = proc.stderr.fileno()
    seen: list[str] = []
    buffer = b""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                pytest.fail(f"no {until!r} stage line within {timeout}s; saw {seen}")
            if not sel.select(remaining):
                continue
            chunk = os.read(fd, 4096)
            if not chunk:
                pytest.fail(f"the build ended before the {until!r} stage; saw {seen}")
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for raw in lines:
                line = raw.decode("utf-8", "replace").strip()
                seen.append(line)
                if line == until:
                    return seen


# --- (a) a killed build ----------------------------------------------------------------------------


def test_build_killed_while_reasoning_leaves_graph_intact(tmp_project: Path, run_kg: RunKg) -> None:
    graph = tmp_project / "graph"
    before = snapshot(graph)
    assert set(before) == set(GRAPH_FILES)

    env = {k: v for k, v in os.environ.items() if k != "KG_ROOT"}
    proc = subprocess.Popen([sys.executable, "-m", "kg_builder", "build"], cwd=tmp_project, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        seen = read_stage_lines(proc, "reason")
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=60)
        assert proc.stderr is not None
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL, "the build finished before it could be killed"
    assert seen[0] == "read" and "resolve" in seen and "write" not in seen, seen

    assert snapshot(graph) == before, "a killed build changed graph/"

    # Whatever the killed build left beside graph/ must not break the next build...
    rebuilt = run_kg("build", cwd=tmp_project)
    assert rebuilt.returncode == 0, rebuilt.stderr
    # ...and since the corpus did not change, the rebuild is byte-for-byte the committed graph/.
    assert snapshot(graph) == before, "the committed graph/ differs from a fresh build of the corpus"
    assert leftovers(tmp_project) == []


def test_leftovers_of_a_build_killed_mid_swap_do_not_break_the_next_build(tmp_project: Path,
                                                                          run_kg: RunKg) -> None:
    """The state a kill between the two renames leaves: graph.previous/ and a half-written temp folder,
    no graph/. Any command repairs it; kg build then writes the graph as usual."""
    graph = tmp_project / "graph"
    before = snapshot(graph)
    graph.rename(tmp_project / "graph.previous")
    half = tmp_project / ".graph-tmp-killed"
    half.mkdir()
    (half / "asserted.ttl").write_bytes(b"@prefix kgo: <https://w3id.org/kg-builder/ontology#> .\nkgo:x kgo:y ")

    stats = run_kg("stats", "--json", cwd=tmp_project)
    assert stats.returncode == 0, stats.stderr
    assert snapshot(graph) == before, "the previous graph/ should be restored from graph.previous/"
    assert leftovers(tmp_project) == []

    half.mkdir()
    (half / "asserted.ttl").write_bytes(b"partial")
    rebuilt = run_kg("build", cwd=tmp_project)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert snapshot(graph) == before
    assert leftovers(tmp_project) == []


# --- (b) recover_graph_dir -------------------------------------------------------------------------


def _fill(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)


def test_recover_restores_the_backup_when_graph_is_missing(tmp_path: Path) -> None:
    graph = tmp_path / "graph"
    old = {"asserted.ttl": b"old asserted\n", "build.json": b"{}\n"}
    _fill(tmp_path / "graph.previous", old)

    recover_graph_dir(graph)

    assert {p.name: p.read_bytes() for p in graph.iterdir()} == old
    assert leftovers(tmp_path) == []


def test_recover_removes_a_stale_backup_when_graph_is_present(tmp_path: Path) -> None:
    graph = tmp_path / "graph"
    new = {"asserted.ttl": b"new asserted\n"}
    _fill(graph, new)
    _fill(tmp_path / "graph.previous", {"asserted.ttl": b"old asserted\n", "extra.ttl": b"x\n"})
    _fill(tmp_path / ".graph-tmp-abc123", {"asserted.ttl": b"half"})

    recover_graph_dir(graph)

    assert {p.name: p.read_bytes() for p in graph.iterdir()} == new
    assert leftovers(tmp_path) == []


def test_recover_leaves_a_clean_folder_alone(tmp_path: Path) -> None:
    graph = tmp_path / "graph"
    _fill(graph, {"asserted.ttl": b"data\n"})
    (tmp_path / "corpus").mkdir()

    recover_graph_dir(graph)

    assert {p.name: p.read_bytes() for p in graph.iterdir()} == {"asserted.ttl": b"data\n"}
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != LOCK) == ["corpus", "graph"]


# --- (c) write_graph_dir ---------------------------------------------------------------------------


def test_write_graph_dir_replaces_the_folder_exactly(tmp_path: Path) -> None:
    graph = tmp_path / "graph"
    _fill(graph, {"asserted.ttl": b"old\n", "stale-extra.ttl": b"should disappear\n"})
    (graph / "sub").mkdir()
    (graph / "sub" / "nested.txt").write_bytes(b"should disappear too\n")
    files = {"asserted.ttl": b"new asserted\n", "inferred.ttl": b"new inferred\n", "build.json": b"{}\n"}

    write_graph_dir(graph, files)

    assert snapshot(graph) == {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != LOCK) == ["graph"]
    assert (graph.stat().st_mode & 0o777) == 0o755


def test_write_graph_dir_creates_a_missing_folder(tmp_path: Path) -> None:
    graph = tmp_path / "out" / "graph"
    write_graph_dir(graph, {"asserted.ttl": b"x\n"})
    assert (graph / "asserted.ttl").read_bytes() == b"x\n"
    assert sorted(p.name for p in graph.parent.iterdir() if p.name != LOCK) == ["graph"]


def test_write_graph_dir_finishes_an_interrupted_swap_first(tmp_path: Path) -> None:
    graph = tmp_path / "graph"
    _fill(tmp_path / "graph.previous", {"asserted.ttl": b"old\n"})
    _fill(tmp_path / ".graph-tmp-dead", {"asserted.ttl": b"half"})

    write_graph_dir(graph, {"asserted.ttl": b"new\n"})

    assert {p.name: p.read_bytes() for p in graph.iterdir()} == {"asserted.ttl": b"new\n"}
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != LOCK) == ["graph"]


# --- (d) kg build --check --------------------------------------------------------------------------


def test_check_passes_on_an_unchanged_project(tmp_project: Path, run_kg: RunKg) -> None:
    graph = tmp_project / "graph"
    before = snapshot(graph)
    result = run_kg("build", "--check", cwd=tmp_project)
    assert result.returncode == 0, result.stderr
    assert "matches a fresh build" in result.stdout
    assert snapshot(graph) == before


def test_check_fails_and_names_a_stale_file(tmp_project: Path, run_kg: RunKg) -> None:
    graph = tmp_project / "graph"
    with open(graph / "inferred.ttl", "a", encoding="utf-8") as fh:
        fh.write("# edited by hand\n")
    before = snapshot(graph)

    result = run_kg("build", "--check", cwd=tmp_project)

    assert result.returncode == EXIT_OUT_OF_DATE, (result.stdout, result.stderr)
    stale_line = next((line for line in result.stderr.splitlines() if "out of date" in line), "")
    assert "inferred.ttl" in stale_line, result.stderr
    for other in ("asserted.ttl", "dataset.trig", "build.json"):
        assert other not in stale_line, f"{other} is not stale: {result.stderr}"
    assert "kg build" in stale_line
    assert snapshot(graph) == before, "kg build --check must not modify graph/"
    assert leftovers(tmp_project) == []
