from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg_builder import storage
from kg_builder.config import Settings
from kg_builder.pipeline import build_graph
from kg_builder.serialize import merge

from conftest import RunKg


def test_two_builds_are_byte_identical(settings: Settings, seed_result) -> None:  # type: ignore[no-untyped-def]
    again = build_graph(settings, list(reversed(storage.read_corpus(settings.corpus_dir))))
    assert again.files == seed_result.files


def test_cli_builds_are_byte_identical(tmp_project: Path, run_kg: RunKg) -> None:
    first = run_kg("build", "-q", cwd=tmp_project)
    assert first.returncode == 0, first.stderr
    files = {p.name: p.read_bytes() for p in (tmp_project / "graph").iterdir()}
    second = run_kg("build", "-q", cwd=tmp_project)
    assert second.returncode == 0, second.stderr
    assert files == {p.name: p.read_bytes() for p in (tmp_project / "graph").iterdir()}


def test_written_turtle_and_trig_parse_back_to_the_same_graphs(seed_result) -> None:  # type: ignore[no-untyped-def]
    asserted = Graph().parse(data=seed_result.files["asserted.ttl"].decode("utf-8"), format="turtle")
    assert isomorphic(asserted, merge(seed_result.graphs))
    inferred = Graph().parse(data=seed_result.files["inferred.ttl"].decode("utf-8"), format="turtle")
    assert isomorphic(inferred, seed_result.inferred)
    ds = Dataset()
    ds.parse(data=seed_result.files["dataset.trig"].decode("utf-8"), format="trig")
    for g in seed_result.graphs + [seed_result.inferred]:
        assert isomorphic(ds.graph(g.identifier), g), g.identifier


def test_no_blank_nodes(seed_result) -> None:  # type: ignore[no-untyped-def]
    text = seed_result.files["asserted.ttl"].decode("utf-8")
    assert "_:" not in text and "[" not in "".join(line for line in text.splitlines() if not line.startswith('"'))[:0]
    from rdflib import BNode
    assert not any(isinstance(t, BNode) for g in seed_result.graphs for triple in g for t in triple)


def test_an_independent_parser_reads_graph_dir(seed_result) -> None:  # type: ignore[no-untyped-def]
    """rapper (Raptor, from Debian's raptor2-utils) must read our Turtle and TriG with the same counts."""
    import shutil
    import subprocess

    import pytest

    from conftest import ROOT

    if shutil.which("rapper") is None:
        pytest.skip("rapper is not installed (apt-get install raptor2-utils; .ci/run installs it)")
    expected = {
        "asserted.ttl": ("turtle", len(merge(seed_result.graphs))),
        "inferred.ttl": ("turtle", len(seed_result.inferred)),
        "dataset.trig": ("trig", sum(len(g) for g in seed_result.graphs + [seed_result.inferred])),
    }
    for name, (syntax, count) in expected.items():
        done = subprocess.run(["rapper", "-i", syntax, "-c", str(ROOT / "graph" / name)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert f"returned {count} triples" in done.stderr, (name, done.stderr)
