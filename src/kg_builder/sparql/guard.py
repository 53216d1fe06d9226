"""Check a query before it runs: it must parse, and it must not make the server reach the network or
read files. Rejected: ``SERVICE`` (federation), ``FROM`` / ``FROM NAMED`` with an IRI that is not one of
our own graphs (a store could dereference it), and any update (``LOAD``, ``INSERT``, ...) sent as a
query. Updates arrive by the protocol's ``update`` operation and are refused unless turned on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pyparsing.exceptions import ParseException
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from ..errors import QueryRejected, QuerySyntaxError

__all__ = ["QueryInfo", "check_query", "check_update", "unescape"]

_FORMS = {"SelectQuery": "select", "AskQuery": "ask", "ConstructQuery": "construct", "DescribeQuery": "describe"}


@dataclass(frozen=True)
class QueryInfo:
    """What a checked query is."""

    form: str  # select | ask | construct | describe
    dataset_clause: bool  # it names its own FROM / FROM NAMED graphs


def _names(node: object, out: set[str], depth: int = 0) -> set[str]:
    if depth > 500:
        return out
    if isinstance(node, CompValue):
        out.add(node.name)
        for v in node.values():
            _names(v, out, depth + 1)
    elif isinstance(node, dict):
        for v in node.values():
            _names(v, out, depth + 1)
    elif isinstance(node, (list, tuple, set)) or type(node).__name__ == "ParseResults":
        for v in node:  # type: ignore[attr-defined]
            _names(v, out, depth + 1)
    return out


# Words whose absence proves a query cannot name a service, load a document or pick foreign graphs.
_DANGER = re.compile(r"service|load|from", re.IGNORECASE)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_COMMENT_LINES = re.compile(r"^[ \t]*#.*$", re.MULTILINE)
_FORM = re.compile(r"\b(select|ask|construct|describe)\b", re.IGNORECASE)


def unescape(text: str) -> str:
    """Apply SPARQL's codepoint escapes (\\uXXXX, \\UXXXXXXXX), which the grammar says come before parsing,
    so that what is checked is what runs."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


@lru_cache(maxsize=1024)
def check_query(text: str, own_graphs: frozenset[str]) -> QueryInfo:
    """Check a query (its codepoint escapes already applied); raise QueryRejected with a message that
    says why. A query in which none of the words SERVICE, LOAD or FROM occurs anywhere cannot reach
    outside: it is let through at once and Oxigraph reports its syntax errors. Any other query is
    parsed in full (rdflib's parser, slower) and checked clause by clause."""
    # A line whose first visible character is # is a comment (or text inside a long string, which
    # cannot act either): leaving such lines out of the search is safe and spares saved queries, whose
    # descriptions sit in comments, the slow path.
    if not _DANGER.search(_COMMENT_LINES.sub("", text)):
        m = _FORM.search(text)
        return QueryInfo(form=m.group(1).lower() if m else "select", dataset_clause=False)
    try:
        algebra = translateQuery(parseQuery(text)).algebra
    except ParseException as e:
        raise QuerySyntaxError(f"the query does not parse: {e.msg} at line {e.lineno}, column {e.col}",
                               hint="check the SPARQL 1.1 syntax near that place") from e
    except Exception as e:  # rdflib raises plain exceptions for unknown prefixes and the like
        raise QuerySyntaxError(f"the query does not parse: {e}") from e
    names = _names(algebra, set())
    if "ServiceGraphPattern" in names:
        raise QueryRejected("SERVICE is not allowed: this endpoint never sends requests to other servers",
                            hint="query this endpoint and the other one separately, then join the results")
    clauses = algebra.get("datasetClause") or []
    for clause in clauses:
        iri = clause.get("default") or clause.get("named")
        if str(iri) not in own_graphs:
            raise QueryRejected(
                f"FROM <{iri}> is not allowed: only this dataset's own graphs can be named",
                hint="graphs: " + ", ".join(sorted(own_graphs)),
            )
    return QueryInfo(form=_FORMS.get(algebra.name, "select"), dataset_clause=bool(clauses))


def check_update(text: str) -> None:
    """Parse an update; refuse LOAD (it fetches a URL) and SERVICE even when updates are allowed."""
    try:
        tree = parseUpdate(text)
    except ParseException as e:
        raise QuerySyntaxError(f"the update does not parse: {e.msg} at line {e.lineno}, column {e.col}") from e
    names = _names(tree, set())
    if "Load" in names:
        raise QueryRejected("LOAD is not allowed: this endpoint never fetches URLs or reads files")
    if "ServiceGraphPattern" in names:
        raise QueryRejected("SERVICE is not allowed: this endpoint never sends requests to other servers")
