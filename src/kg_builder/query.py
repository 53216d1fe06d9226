"""Run a saved query (or a query text) on the built graph in this process: the library side of
``kg query``. The same checks as the endpoint apply."""

from __future__ import annotations

import json
from dataclasses import dataclass

from . import storage
from .config import Settings
from .errors import NotFound, QueryError
from .saved import bind_parameters
from .sparql.engine import graph_names, load_store, run_query
from .sparql.guard import check_query, unescape

__all__ = ["QueryOutput", "run_named_query"]

_MEDIA = {"json": "application/sparql-results+json", "csv": "text/csv", "tsv": "text/tab-separated-values",
          "table": "application/sparql-results+json"}


@dataclass(frozen=True)
class QueryOutput:
    """A result as text (``body``) and, for tables, as columns and rows of display strings."""

    title: str
    body: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _display(cell: dict[str, str] | None) -> str:
    if cell is None:
        return ""
    value = cell.get("value", "")
    if cell.get("type") == "uri":
        for base, prefix in (("https://w3id.org/kg-builder/id/", "kg:"),
                             ("https://w3id.org/kg-builder/ontology#", "kgo:")):
            if value.startswith(base):
                return prefix + value[len(base):]
    return value


def run_named_query(settings: Settings, name: str, params: dict[str, str], *, fmt: str = "table",
                    inferred: bool = True, text: str | None = None) -> QueryOutput:
    """Run ``queries/NAME.rq`` with parameters (or ``text`` when name is ``-``)."""
    if fmt not in _MEDIA:
        raise QueryError(f"unknown format {fmt!r}", hint="use table, json, csv or tsv")
    trig = storage.read_graph_file(settings.graph_dir, "dataset.trig")
    store = load_store(trig)
    if text is not None:
        title, query_text, bindings = "query", text, {}
    else:
        saved = {q.name: q for q in storage.read_saved_queries(settings.queries_dir)}
        if name not in saved:
            raise NotFound(f"no saved query named {name!r}", hint="saved queries: " + ", ".join(sorted(saved)))
        q = saved[name]
        title, query_text, bindings = q.title, q.text, bind_parameters(q, params)
    query_text = unescape(query_text)
    info = check_query(query_text, frozenset(graph_names(store)))
    media = _MEDIA[fmt] if info.form in ("select", "ask") else ("text/turtle" if fmt == "table" else None)
    answer = run_query(store, query_text, inferred=inferred, bindings=bindings, media_type=media,
                       dataset_clause=info.dataset_clause)
    body = answer.body.decode("utf-8")
    if fmt != "table" or info.form not in ("select", "ask"):
        return QueryOutput(title, body, (), ())
    data = json.loads(body)
    if "boolean" in data:
        return QueryOutput(title, body, ("answer",), ((str(data["boolean"]).lower(),),))
    columns = tuple(data["head"]["vars"])
    rows = tuple(tuple(_display(b.get(c)) for c in columns) for b in data["results"]["bindings"])
    return QueryOutput(title, body, columns, rows)

