"""The ``kg`` command as a user meets it: help, stats, validate, sidecar drafting, and running it in the
wrong place."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, URIRef

from conftest import FIXTURES, ROOT, RunKg
from kg_builder.cli import app

EXIT_CONFIG = 2
EXIT_INPUT = 3
EXIT_INVALID = 4
KGO_QUOTE = URIRef("https://w3id.org/kg-builder/ontology#quote")


def _command_names() -> list[str]:
    names = []
    for info in app.registered_commands:
        assert info.callback is not None
        names.append(info.name or info.callback.__name__.lower().replace("_", "-"))
    return names


COMMANDS = _command_names()


def test_the_cli_has_the_documented_commands() -> None:
    assert {"build", "stats", "validate", "sidecar"} <= set(COMMANDS), COMMANDS


# --- (a) help and README ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str, run_kg: RunKg, tmp_path: Path) -> None:
    result = run_kg(command, "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"kg_builder {command}" in result.stdout, result.stdout
    summary = next(i.callback.__doc__ for i in app.registered_commands
                   if i.callback is not None and command in (i.name, i.callback.__name__)) or ""
    assert summary.strip() and summary.strip().splitlines()[0] in result.stdout, result.stdout
    assert "Example" in result.stdout, f"kg {command} --help gives no example:\n{result.stdout}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented_in_the_readme(command: str) -> None:
    """README.md must mention ``kg <command>`` for every command the CLI registers."""
    readme = ROOT / "README.md"
    assert readme.is_file(), "README.md is missing: it must document every kg command"
    text = readme.read_text(encoding="utf-8")
    assert re.search(rf"\bkg {re.escape(command)}\b", text), (
        f"UNDOCUMENTED COMMAND: README.md never mentions `kg {command}`; add it to the README")


# --- (b) kg stats --json ---------------------------------------------------------------------------


def test_stats_json_matches_build_json(tmp_project: Path, run_kg: RunKg) -> None:
    result = run_kg("stats", "--json", cwd=tmp_project)
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    manifest = json.loads((tmp_project / "graph" / "build.json").read_text(encoding="utf-8"))
    assert stats["counts"] == manifest["counts"]
    assert stats["build_id"] == manifest["build_id"]
    assert stats["counts"]["documents"] == 3
    assert len(stats["documents"]) == 3
    assert stats["counts"]["claims"] > 0 and stats["counts"]["asserted_triples"] > 0


def test_stats_without_a_built_graph_says_to_build(tmp_project: Path, run_kg: RunKg) -> None:
    shutil.rmtree(tmp_project / "graph")
    result = run_kg("stats", "--json", cwd=tmp_project)
    assert result.returncode == 5, (result.stdout, result.stderr)
    assert "build.json" in result.stderr and "kg build" in result.stderr
    assert "Traceback" not in result.stderr


# --- (c) kg validate -------------------------------------------------------------------------------


def test_validate_accepts_the_built_graph(tmp_project: Path, run_kg: RunKg) -> None:
    result = run_kg("validate", cwd=tmp_project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "conforms" in result.stdout


def test_validate_reports_claims_without_quotes(tmp_project: Path, run_kg: RunKg) -> None:
    asserted = tmp_project / "graph" / "asserted.ttl"
    graph = Graph().parse(asserted, format="turtle")
    quotes = list(graph.triples((None, KGO_QUOTE, None)))
    assert quotes, "the seed graph should have claims with kgo:quote"
    graph.remove((None, KGO_QUOTE, None))
    asserted.write_text(graph.serialize(format="turtle"), encoding="utf-8")

    result = run_kg("validate", cwd=tmp_project)

    assert result.returncode == EXIT_INVALID, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "Conforms: False" in result.stderr
    assert "Message: Claim has no quote" in result.stderr, result.stderr[:2000]
    # One violation per claim that lost its quote, each naming the claim.
    claims = {str(s) for s, _, _ in quotes}
    assert f"Results ({len(claims)})" in result.stderr, result.stderr[:2000]
    assert all(claim in result.stderr for claim in claims)


# --- (d) kg sidecar --------------------------------------------------------------------------------


def test_sidecar_drafts_news_metadata(run_kg: RunKg) -> None:
    result = run_kg("sidecar", "tests/fixtures/corpus/news_dienbienphu.txt", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    meta = yaml.safe_load(result.stdout)
    assert meta["author"] == "Daniel Okafor"
    assert meta["published"] == "2024-05-07"
    assert meta["kind"] == "news"
    assert meta["title_supplied"] is True


def test_sidecar_drafts_encyclopedia_metadata(run_kg: RunKg) -> None:
    result = run_kg("sidecar", "tests/fixtures/corpus/enc_kursk.txt", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    meta = yaml.safe_load(result.stdout)
    assert meta["title"] == "Battle of Kursk"
    assert meta["kind"] == "encyclopedia"
    assert meta["title_supplied"] is False


def test_sidecar_write_creates_a_usable_sidecar_and_never_overwrites(tmp_project: Path, run_kg: RunKg) -> None:
    doc = tmp_project / "corpus" / "news_dienbienphu.txt"
    shutil.copy(FIXTURES / "corpus" / "news_dienbienphu.txt", doc)
    sidecar = doc.with_suffix(".meta.yaml")

    result = run_kg("sidecar", str(doc), "--write", cwd=tmp_project)
    assert result.returncode == 0, result.stderr
    assert sidecar.is_file()
    assert "wrote" in result.stdout
    written = sidecar.read_bytes()
    meta = yaml.safe_load(written)
    assert meta["author"] == "Daniel Okafor" and meta["kind"] == "news"
    # What `kg sidecar` prints is what `--write` writes.
    printed = run_kg("sidecar", str(doc), cwd=tmp_project)
    assert printed.stdout.encode("utf-8") == written

    # The drafted sidecar passes the checks of a build (in memory: graph/ is not written).
    checked = run_kg("build", "--check", cwd=tmp_project)
    assert "meta.yaml" not in checked.stderr, checked.stderr
    assert checked.returncode == 6, checked.stderr  # a new document: graph/ is out of date, not invalid

    sidecar.write_text("title: Edited by hand\nkind: news\nlanguage: en\n", encoding="utf-8")
    edited = sidecar.read_bytes()
    again = run_kg("sidecar", str(doc), "--write", cwd=tmp_project)
    assert again.returncode == EXIT_INPUT, again.stdout + again.stderr
    assert str(sidecar) in again.stderr and "not overwritten" in again.stderr
    assert sidecar.read_bytes() == edited


def test_sidecar_of_a_missing_document_is_an_input_error(tmp_path: Path, run_kg: RunKg) -> None:
    missing = tmp_path / "nowhere.txt"
    result = run_kg("sidecar", str(missing), cwd=tmp_path)
    assert result.returncode == EXIT_INPUT, result.stderr
    assert str(missing) in result.stderr and "Traceback" not in result.stderr


# --- (e) outside a project -------------------------------------------------------------------------


@pytest.mark.parametrize("args", [("build",), ("stats",), ("validate",)], ids=lambda a: " ".join(a))
def test_outside_a_project_says_how_to_fix_it(tmp_path: Path, run_kg: RunKg, args: tuple[str, ...]) -> None:
    result = run_kg(*args, cwd=tmp_path)
    assert result.returncode == EXIT_CONFIG, (result.stdout, result.stderr)
    assert "no project found" in result.stderr
    assert "KG_ROOT" in result.stderr, "the message should say how to point kg at a project"
    assert "ontology/kg.ttl" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == [], "kg must not create anything outside a project"


def test_kg_query_runs_a_saved_query_with_a_parameter(run_kg: RunKg) -> None:
    from conftest import ROOT

    done = run_kg("query", "source-claims", "-p", "source", "https://w3id.org/kg-builder/id/source/002_f0947ec770c9bed6",
                  "--format", "json", cwd=ROOT)
    assert done.returncode == 0, done.stderr
    import json as _json

    rows = _json.loads(done.stdout)["results"]["bindings"]
    assert rows and all(r["source"]["value"].endswith("002_f0947ec770c9bed6") for r in rows if "source" in r)
    csv_out = run_kg("query", "commanders-by-side", "--format", "csv", cwd=ROOT)
    assert csv_out.returncode == 0 and "Mohsen Rezaee" in csv_out.stdout
    table = run_kg("query", "commanders-by-side", cwd=ROOT)
    assert table.returncode == 0 and "Rezaee" in table.stdout


def test_kg_query_errors(run_kg: RunKg) -> None:
    from conftest import ROOT

    missing = run_kg("query", "no-such-query", cwd=ROOT)
    assert missing.returncode == 8 and "no saved query" in missing.stderr
    bad = run_kg("query", "commanders-by-side", "-p", "nope", "x", cwd=ROOT)
    assert bad.returncode == 7 and "no parameter" in bad.stderr


def test_kg_query_reads_a_query_from_stdin(tmp_path: Path) -> None:
    import subprocess
    import sys

    from conftest import ROOT

    done = subprocess.run([sys.executable, "-m", "kg_builder", "query", "-", "--format", "csv"], cwd=ROOT,
                          input="SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/kg-builder/ontology#Claim> }",
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.splitlines()[1]) > 50
    service = subprocess.run([sys.executable, "-m", "kg_builder", "query", "-"], cwd=ROOT, capture_output=True,
                             input="SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", text=True, timeout=60)
    assert service.returncode == 7 and "SERVICE is not allowed" in service.stderr
