"""Whatever the engine, the results must be the same: every saved query on Oxigraph (what the server
runs) and on rdflib's own SPARQL engine, over the same dataset."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from rdflib import Dataset, Literal
from rdflib.namespace import XSD
from rdflib.term import Node

from kg_builder import storage
from kg_builder.saved import SavedQuery, bind_parameters
from kg_builder.sparql.engine import load_store, run_query

from conftest import ROOT

QUERIES = storage.read_saved_queries(ROOT / "queries")


@pytest.fixture(scope="module")
def rdflib_dataset() -> Dataset:
    ds = Dataset(default_union=True)
    ds.parse(data=(ROOT / "graph" / "dataset.trig").read_text(encoding="utf-8"), format="trig")
    return ds


@pytest.fixture(scope="module")
def store():  # type: ignore[no-untyped-def]
    return load_store((ROOT / "graph" / "dataset.trig").read_bytes())


_INTEGERS = {XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.int, XSD.long}


def _norm(term: object) -> str:
    if isinstance(term, Literal):
        # engines may write equal numbers differently ("1.0" vs "1"): compare numbers by value.
        value = term.toPython()
        datatype = XSD.integer if term.datatype in _INTEGERS else term.datatype
        return f"{value!r}^^{datatype}" if datatype else term.n3()
    return term.n3() if hasattr(term, "n3") else str(term)  # type: ignore[union-attr]


def _from_json(cell: dict[str, str] | None) -> object:
    from rdflib import URIRef

    if cell is None:
        return None
    if cell["type"] == "uri":
        return URIRef(cell["value"])
    return Literal(cell["value"], lang=cell.get("xml:lang"), datatype=cell.get("datatype"))


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_oxigraph_and_rdflib_agree(query: SavedQuery, store, rdflib_dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    bindings: dict[str, Node] = dict(bind_parameters(query, {}))
    answer = run_query(store, query.text, inferred=True, bindings=bindings, max_rows=100_000)
    data = json.loads(answer.body)
    variables = data["head"]["vars"]
    ox_rows = Counter(tuple(_norm(_from_json(b.get(v))) if b.get(v) else None for v in variables)
                      for b in data["results"]["bindings"])
    result = rdflib_dataset.query(query.text, initBindings=bindings)
    rdf_rows = Counter(tuple(_norm(row[v]) if row[v] is not None else None for v in variables) for row in result)
    assert ox_rows == rdf_rows


def test_the_store_holds_every_quad_exactly_as_the_file_writes_it(store) -> None:  # type: ignore[no-untyped-def]
    """The server answers from an Oxigraph store, which keeps some literals by value (a
    "5"^^xsd:nonNegativeInteger comes back as xsd:integer): graph/ must already be written that way,
    or an answer would not be the triple the file holds."""
    import pyoxigraph as ox

    written = set(ox.parse((ROOT / "graph" / "dataset.trig").read_bytes(), format=ox.RdfFormat.TRIG))
    assert set(store) == written
