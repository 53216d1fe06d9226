"""Run SPARQL on the built graph with Oxigraph (pyoxigraph), and serialise the results.

The store holds every named graph of ``graph/dataset.trig``. The default graph of a query is the union
of the asserted graphs, or of the asserted and the inferred graphs when the caller asks for inferred
triples (as GraphDB's "include inferred" does). ``FROM`` / ``FROM NAMED`` may name our own graphs.
Parameters are bound with SPARQL substitutions (SEP-0007), never pasted into the text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypedDict

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ..errors import QuerySyntaxError
from ..namespaces import GRAPH_INFERRED

__all__ = ["Answer", "graph_names", "load_store", "run_query", "to_ox"]

# Result formats by media type.
RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


_Substitutions = dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]


class _QueryOptions(TypedDict, total=False):
    """The keyword arguments of ``pyoxigraph.Store.query`` that ``run_query`` sets."""

    substitutions: _Substitutions
    default_graph: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]
    named_graphs: list[ox.NamedNode | ox.BlankNode]
    use_default_graph_as_union: bool


@dataclass(frozen=True)
class Answer:
    """A serialised query result."""

    body: bytes
    media_type: str
    form: str  # select | ask | graph
    rows: int
    truncated: bool


def load_store(trig: bytes) -> ox.Store:
    """An in-memory Oxigraph store holding the dataset."""
    store = ox.Store()
    store.load(trig, format=ox.RdfFormat.TRIG)
    return store


def graph_names(store: ox.Store) -> list[str]:
    """The named graphs of the store."""
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))


def to_ox(term: Node) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """An rdflib term as an Oxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot bind {term!r}")


def run_query(store: ox.Store, text: str, *, inferred: bool = False, bindings: Mapping[str, Node] | None = None,
              media_type: str | None = None, max_rows: int = 10_000, dataset_clause: bool = False,
              default_graphs: list[str] | None = None, named_graphs: list[str] | None = None) -> Answer:
    """Run a query and serialise its result in ``media_type`` (or the default for its form).

    SELECT results are cut at ``max_rows``; ``truncated`` says so.
    """
    names = graph_names(store)
    # The store's own default graph is part of it too (empty unless updates are allowed and used).
    default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [ox.DefaultGraph()]
    default += [ox.NamedNode(n) for n in names if inferred or n != str(GRAPH_INFERRED)]
    substitutions: _Substitutions = {ox.Variable(k): to_ox(v) for k, v in (bindings or {}).items()}
    kwargs: _QueryOptions = {"substitutions": substitutions}
    if default_graphs or named_graphs:
        # The protocol's default-graph-uri / named-graph-uri (already checked to be our graphs).
        kwargs["default_graph"] = [ox.NamedNode(n) for n in default_graphs or []]
        kwargs["named_graphs"] = [ox.NamedNode(n) for n in named_graphs or []]
    elif not dataset_clause and inferred:
        # Every graph: Oxigraph's own union is many times faster than an explicit list of graphs
        # (one per source document) on large datasets.
        kwargs["use_default_graph_as_union"] = True
    elif not dataset_clause:
        kwargs["default_graph"] = default
        kwargs["named_graphs"] = [ox.NamedNode(n) for n in names]
    try:
        result = store.query(text, **kwargs)
    except SyntaxError as e:
        message = re.sub(r"^error at (\d+):(\d+):", r"at line \1, column \2:", str(e))
        raise QuerySyntaxError(f"the query does not parse {message}",
                               hint="check the SPARQL 1.1 syntax near that place") from e
    if isinstance(result, ox.QueryBoolean):
        fmt = RESULT_FORMATS.get(media_type or "", ox.QueryResultsFormat.JSON)
        return Answer(result.serialize(format=fmt) or b"", fmt.media_type, "ask", 1, False)
    if isinstance(result, ox.QuerySolutions):
        fmt = RESULT_FORMATS.get(media_type or "", ox.QueryResultsFormat.JSON)
        variables = result.variables
        rows = []
        truncated = False
        for i, solution in enumerate(result):
            if i >= max_rows:
                truncated = True
                break
            rows.append(solution)
        return Answer(_serialize_solutions(variables, rows, fmt), fmt.media_type, "select", len(rows), truncated)
    fmt_g = GRAPH_FORMATS.get(media_type or "", ox.RdfFormat.TURTLE)
    triples = list(result)
    truncated = len(triples) > max_rows
    triples = triples[:max_rows]
    body = ox.serialize(triples, format=fmt_g) if triples else b""
    return Answer(body or b"", fmt_g.media_type, "graph", len(triples), truncated)


def _serialize_solutions(
    variables: list[ox.Variable], rows: list[ox.QuerySolution], fmt: ox.QueryResultsFormat
) -> bytes:
    """Serialise kept rows with Oxigraph's own writer (it takes an iterable of solutions)."""
    store = ox.Store()
    # Oxigraph serialises QuerySolutions objects only; re-run a VALUES query over the kept rows.
    names = [v.value for v in variables]
    if not rows:
        values = "VALUES (" + " ".join("?" + n for n in names) + ") {}" if names else ""
    else:
        lines = []
        for r in rows:
            cells = []
            for n in names:
                t = r[n]
                cells.append("UNDEF" if t is None else str(t))
            lines.append("(" + " ".join(cells) + ")")
        values = "VALUES (" + " ".join("?" + n for n in names) + ") {\n" + "\n".join(lines) + "\n}"
    projection = " ".join("?" + n for n in names) or "*"
    solutions = store.query(f"SELECT {projection} WHERE {{ {values} }}")
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions.serialize(format=fmt) or b""
