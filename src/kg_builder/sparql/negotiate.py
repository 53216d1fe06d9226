"""Which result format a request gets: from its ``format`` name or its Accept header, for the form of
the query (SELECT and ASK give result sets, CONSTRUCT and DESCRIBE give graphs)."""

from __future__ import annotations

import mimeparse

from ..errors import NotAcceptable

__all__ = ["FORMAT_NAMES", "GRAPH_TYPES", "SELECT_TYPES", "negotiate"]

SELECT_TYPES = {
    "application/sparql-results+json": "application/sparql-results+json",
    "application/json": "application/sparql-results+json",
    "application/sparql-results+xml": "application/sparql-results+xml",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "text/csv": "text/csv",
    "text/tab-separated-values": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "text/turtle": "text/turtle",
    "application/x-turtle": "text/turtle",
    "application/n-triples": "application/n-triples",
    "text/plain": "application/n-triples",
    "application/ld+json": "application/ld+json",
    "application/json": "application/ld+json",
    "application/rdf+xml": "application/rdf+xml",
    "application/xml": "application/rdf+xml",
}
FORMAT_NAMES = {
    "json": "application/json", "xml": "application/xml", "csv": "text/csv", "tsv": "text/tab-separated-values",
    "ttl": "text/turtle", "turtle": "text/turtle", "nt": "application/n-triples", "ntriples": "application/n-triples",
    "jsonld": "application/ld+json", "rdf": "application/rdf+xml", "rdfxml": "application/rdf+xml",
}


def _not_acceptable(form: str, types: dict[str, str]) -> NotAcceptable:
    return NotAcceptable(f"no acceptable format for a {form.upper()} result",
                         hint="accepted: " + ", ".join(sorted(set(types.values()))))


def negotiate(form: str, accept: str | None, fmt: str | None) -> str:
    """The media type to answer a query of ``form`` with; NotAcceptable (406) when none fits."""
    types = GRAPH_TYPES if form in ("construct", "describe") else SELECT_TYPES
    if fmt:
        wanted = FORMAT_NAMES.get(fmt.lower().lstrip("."))
        if wanted is None or wanted not in types:
            raise _not_acceptable(form, types)
        return types[wanted]
    accept = (accept or "").strip() or "*/*"
    try:
        # mimeparse resolves ties in favour of the last candidate: list the preferred formats last.
        best = mimeparse.best_match(list(reversed(types)), accept)
    except (ValueError, IndexError, mimeparse.MimeTypeParseException):
        best = ""
    if not best:
        raise _not_acceptable(form, types)
    return types[best]
