"""The saved queries (queries/*.rq) on the seed graph.

Each query must carry a title and a description, have an entry in tests/saved_queries_expected.yaml
(and each entry a query), run on graph/dataset.trig with its parameter defaults, and return at least
``min_rows`` rows including every partial row of ``must_contain``. The expectations were checked
against the documents in corpus/, so a failure means the graph or the query lost something a reader
of the sources can see.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
import yaml

from kg_builder.errors import ParameterError
from kg_builder.saved import VIEWS, SavedQuery, bind_parameters
from kg_builder.sparql.engine import load_store, run_query
from kg_builder.storage import read_saved_queries

ROOT = Path(__file__).resolve().parents[1]
QUERIES_DIR = ROOT / "queries"
EXPECTED_FILE = ROOT / "tests" / "saved_queries_expected.yaml"
SOURCE_BASE = "https://w3id.org/kg-builder/id/source/"
ENTITY_BASE = "https://w3id.org/kg-builder/id/entity/"
SOURCE_002 = SOURCE_BASE + "002_f0947ec770c9bed6"

Row = dict[str, str]


@cache
def saved_queries() -> dict[str, SavedQuery]:
    return {q.name: q for q in read_saved_queries(QUERIES_DIR)}


@cache
def expectations() -> dict[str, dict]:
    data = yaml.safe_load(EXPECTED_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{EXPECTED_FILE} must map query names to expectations"
    return data


@cache
def corpus_text(source_iri: str) -> str:
    stem = source_iri.removeprefix(SOURCE_BASE)
    return (ROOT / "corpus" / f"{stem}.txt").read_bytes().decode("utf-8")


@pytest.fixture(scope="module")
def store():
    return load_store((ROOT / "graph" / "dataset.trig").read_bytes())


def run(store, query: SavedQuery, given: dict[str, str] | None = None) -> tuple[list[str], list[Row]]:
    """The query's columns and rows (each cell an IRI or a literal's lexical form)."""
    bindings = bind_parameters(query, given or {})
    answer = run_query(store, query.text, inferred=True, bindings=bindings,
                       media_type="application/sparql-results+json")
    assert answer.form == "select", f"{query.name} is not a SELECT query"
    assert not answer.truncated, f"{query.name} was cut at the row limit"
    result = json.loads(answer.body)
    columns = result["head"]["vars"]
    rows = [{name: cell["value"] for name, cell in binding.items()} for binding in result["results"]["bindings"]]
    return columns, rows


def body(query: SavedQuery) -> str:
    """The query text without its comment lines (the metadata and notes)."""
    return "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))


# --- metadata ---------------------------------------------------------------------------------------


def test_there_are_enough_saved_queries() -> None:
    assert len(saved_queries()) >= 12


def test_every_query_has_a_title_a_description_and_a_view() -> None:
    for name, query in saved_queries().items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name), f"{name}: lower-case words joined by hyphens"
        assert len(query.title) >= 10, f"{name}: the title is too short"
        assert len(query.description) >= 40, f"{name}: the description is too short"
        assert query.view in VIEWS


def test_every_query_has_an_expectation_and_every_expectation_a_query() -> None:
    names, expected = set(saved_queries()), set(expectations())
    assert names - expected == set(), f"queries without an entry in {EXPECTED_FILE.name}"
    assert expected - names == set(), f"entries in {EXPECTED_FILE.name} without a queries/NAME.rq"
    for name, entry in expectations().items():
        assert set(entry) <= {"min_rows", "must_contain"}, name
        assert isinstance(entry.get("min_rows"), int) and entry["min_rows"] >= 1, name
        assert isinstance(entry.get("must_contain", []), list), name


def test_queries_are_generic() -> None:
    """No fact of the seed corpus in a query body: seed entities and sources only as parameter defaults."""
    for name, query in saved_queries().items():
        text = body(query)
        for base in (ENTITY_BASE, SOURCE_BASE, "https://w3id.org/kg-builder/id/claim/",
                     "https://w3id.org/kg-builder/id/mention/", "https://w3id.org/kg-builder/id/comparison/"):
            assert base not in text, f"{name} names a particular resource ({base}…) in its body"
        for word in ("khorramshahr", "iran", "iraq", "khuzestan", "beit", "saddam", "khamenei", "1980", "1982"):
            assert word not in text.lower(), f"{name} mentions {word!r} in its body"


def test_parameters_are_projected() -> None:
    """Oxigraph substitutes a parameter only if the SELECT projects it (SEP-0007)."""
    for name, query in saved_queries().items():
        select = re.search(r"SELECT\s+(DISTINCT\s+)?(?P<vars>.*?)\s+WHERE", body(query), re.S | re.I)
        assert select, name
        for p in query.parameters:
            assert re.search(rf"\?{re.escape(p.name)}\b", select.group("vars")), f"{name}: ?{p.name} is not projected"


# --- results on the seed graph ----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(expectations()))
def test_query_returns_what_the_sources_say(store, name: str) -> None:
    query = saved_queries()[name]
    entry = expectations()[name]
    columns, rows = run(store, query)
    assert len(rows) >= entry["min_rows"], f"{name}: {len(rows)} rows, expected at least {entry['min_rows']}"
    for partial in entry.get("must_contain", []):
        partial = {k: str(v) for k, v in partial.items()}
        unknown = set(partial) - set(columns)
        assert not unknown, f"{name} has no column {sorted(unknown)} (columns: {columns})"
        if not any(all(row.get(k) == v for k, v in partial.items()) for row in rows):
            near = max(rows, key=lambda row: sum(row.get(k) == v for k, v in partial.items()), default={})
            diff = {k: (v, near.get(k)) for k, v in partial.items() if near.get(k) != v}
            pytest.fail(f"{name}: no row matches {partial}\nclosest row differs in (expected, found): {diff}")


@pytest.mark.parametrize("name", sorted(expectations()))
def test_quoted_words_are_the_sources_words(store, name: str) -> None:
    """Wherever a row gives a source, offsets and words, the source's text at those offsets is those words."""
    _, rows = run(store, saved_queries()[name])
    for row in rows:
        words = row.get("quote") or row.get("exact")
        if words is None and "quotation" in row:
            words = row["quotation"]
        if not words or not {"source", "start", "end"} <= set(row):
            continue
        text = corpus_text(row["source"])
        assert text[int(row["start"]):int(row["end"])] == words, (name, row)


def test_timeline_is_in_date_order(store) -> None:
    for name, query in saved_queries().items():
        if query.view != "timeline":
            continue
        columns, rows = run(store, query)
        assert "date" in columns, f"{name}: a timeline needs a ?date column"
        dates = [row["date"] for row in rows]
        assert dates == sorted(dates), name


def test_disagreements_and_agreements_are_not_mixed(store) -> None:
    _, disagreements = run(store, saved_queries()["disagreements"])
    _, agreements = run(store, saved_queries()["agreements"])
    assert not {r["comparison"] for r in disagreements} & {r["comparison"] for r in agreements}
    for row in disagreements + agreements:
        assert row["sourceA"] <= row["sourceB"], row


# --- parameters -------------------------------------------------------------------------------------


def test_a_source_parameter_limits_the_claims_to_that_source(store) -> None:
    query = saved_queries()["source-claims"]
    _, default_rows = run(store, query)
    _, rows = run(store, query, {"source": SOURCE_002})
    assert rows and len(rows) < len(default_rows)
    text = corpus_text(SOURCE_002)
    for row in rows:
        assert row["source"] == SOURCE_002
        assert row["quote"] in text
    assert {row["quote"] for row in rows} >= {"September 1980", "575 days", "nearly 24,000 others injured"}
    assert not {row["quote"] for row in rows} & {"Mohsen Rezaee", "12,000–15,000 killed"}


def test_an_entity_parameter_selects_that_entity(store) -> None:
    _, rows = run(store, saved_queries()["entity-mentions"], {"entity": "iraq"})
    assert rows and {row["entity"] for row in rows} == {ENTITY_BASE + "iraq"}
    _, rows = run(store, saved_queries()["casualties-by-source"], {"subject": "operation-beit-ol-moqaddas"})
    assert len(rows) == 4 and {row["subject"] for row in rows} == {ENTITY_BASE + "operation-beit-ol-moqaddas"}
    _, rows = run(store, saved_queries()["commanders-by-side"], {"battle": "operation-beit-ol-moqaddas"})
    assert rows == []  # no source names a commander of the operation as a whole


def test_an_integer_parameter_filters(store) -> None:
    query = saved_queries()["timeline"]
    _, everything = run(store, query)
    _, days = run(store, query, {"min_precision": "11"})
    assert days and len(days) < len(everything)
    assert {row["precision"] for row in days} == {"11"}
    assert {row["precision"] for row in everything} == {"9", "10", "11"}


def test_bind_parameters_rejects_an_unknown_name() -> None:
    with pytest.raises(ParameterError, match="no parameter 'sourc'"):
        bind_parameters(saved_queries()["source-claims"], {"sourc": SOURCE_002})
    with pytest.raises(ParameterError):
        bind_parameters(saved_queries()["disagreements"], {"subject": "iran"})


def test_bind_parameters_rejects_a_bad_value() -> None:
    with pytest.raises(ParameterError, match="min_precision"):
        bind_parameters(saved_queries()["timeline"], {"min_precision": "day"})
    with pytest.raises(ParameterError):
        bind_parameters(saved_queries()["timeline"], {"min_precision": "10.5"})
    with pytest.raises(ParameterError):
        bind_parameters(saved_queries()["source-claims"], {"source": "not an iri"})
