"""Large graphs are written one triple a line (``--layout lines``, the default above 200,000 triples a
file): the files must hold exactly the triples of the pretty layout, stay byte-identical from build to
build, and be served and checked like any other graph/."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from conftest import ROOT, RunKg
from kg_builder import storage
from kg_builder.config import Settings
from kg_builder.pipeline import BuildResult, build_graph
from server import running_server

FORMATS = {"asserted.ttl": ox.RdfFormat.TURTLE, "inferred.ttl": ox.RdfFormat.TURTLE, "dataset.trig": ox.RdfFormat.TRIG}


@pytest.fixture(scope="module")
def lines_result(settings: Settings) -> BuildResult:
    return build_graph(settings, storage.read_corpus(settings.corpus_dir), layout="lines")


def _quads(data: bytes, name: str) -> set[ox.Quad]:
    return set(ox.parse(data, format=FORMATS[name]))


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_each_file_holds_the_same_triples_in_either_layout(name: str, lines_result: BuildResult,
                                                           seed_result: BuildResult) -> None:
    lines, pretty = lines_result.files[name], seed_result.files[name]
    assert lines != pretty  # a different layout ...
    assert _quads(lines, name) == _quads(pretty, name)  # ... of the same triples, in the same named graphs


def test_a_file_of_lines_is_n_triples_graph_by_graph_each_triple_once(lines_result: BuildResult) -> None:
    text = lines_result.files["asserted.ttl"].decode("utf-8").splitlines()
    assert len(text) == len(set(text)) == lines_result.report.asserted_triples
    assert all(line.startswith("<") and line.endswith(" .") for line in text)
    # N-Triples, so any N-Triples reader takes it too
    assert len(list(ox.parse(lines_result.files["asserted.ttl"], format=ox.RdfFormat.N_TRIPLES))) == len(text)


def test_the_lines_layout_is_byte_identical_from_build_to_build(settings: Settings, lines_result: BuildResult) -> None:
    again = build_graph(settings, list(reversed(storage.read_corpus(settings.corpus_dir))), layout="lines")
    assert again.files == lines_result.files
    assert again.report.asserted_triples == lines_result.report.asserted_triples


def test_kg_build_writes_checks_and_serves_the_lines_layout(tmp_project: Path, run_kg: RunKg,
                                                              lines_result: BuildResult) -> None:
    shutil.copytree(ROOT / "queries", tmp_project / "queries")
    built = run_kg("build", "-q", "--layout", "lines", cwd=tmp_project)
    assert built.returncode == 0, built.stderr
    for name in FORMATS:
        assert (tmp_project / "graph" / name).read_bytes() == lines_result.files[name]
    assert run_kg("build", "--check", "-q", "--layout", "lines", cwd=tmp_project).returncode == 0
    assert run_kg("build", "--check", "-q", cwd=tmp_project).returncode == 6  # pretty is another file
    count = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}
    answers = []
    for root in (tmp_project, ROOT):  # the lines layout, and the project's pretty graph/ of the same corpus
        with running_server(root, "--workers", "1") as server:
            saved = httpx.get(server.url + "/api/queries/commanders-by-side", timeout=30)
            assert saved.status_code == 200, saved.text
            n = httpx.get(server.url + "/sparql", params=count, timeout=30).json()["results"]["bindings"][0]["n"]
            answers.append((saved.json()["results"]["bindings"], n["value"]))
    assert answers[0] == answers[1] and len(answers[0][0]) == 9


def test_an_unknown_layout_is_refused_before_any_work(tmp_project: Path, run_kg: RunKg) -> None:
    before = {p.name: p.read_bytes() for p in (tmp_project / "graph").iterdir()}
    refused = run_kg("build", "--layout", "compact", cwd=tmp_project)
    assert refused.returncode == 2 and "--layout must be one of auto, pretty, lines" in refused.stderr
    assert before == {p.name: p.read_bytes() for p in (tmp_project / "graph").iterdir()}
