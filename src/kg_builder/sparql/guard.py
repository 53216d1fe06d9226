"""Check a query before it runs: it must parse, and it must not make the server reach the network or
read files. Rejected: ``SERVICE`` (federation), ``FROM`` / ``FROM NAMED`` with an IRI that is not one of
our own graphs (a store could dereference it), and any update (``LOAD``, ``INSERT``, ...) sent as a
query. Updates arrive by the protocol's ``update`` operation and are refused unless turned on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pyparsing.exceptions import ParseException
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from ..errors import QueryRejected, QuerySyntaxError

__all__ = ["QueryInfo", "check_query", "check_update"]

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


@lru_cache(maxsize=1024)
def check_query(text: str, own_graphs: frozenset[str]) -> QueryInfo:
    """Parse and check a query; raise QuerySyntaxError or QueryRejected with a message that says why."""
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
