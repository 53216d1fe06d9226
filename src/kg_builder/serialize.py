"""Deterministic serialisations: the same graphs always give the same bytes.

Turtle and TriG are written here rather than by rdflib's serialiser, which takes most of a build's time
on its own (about 0.6 s for the seed graph against 0.05 s here). The output is plain: subjects sorted,
``rdf:type`` first then predicates sorted, objects sorted; an IRI is abbreviated with a prefix only
when its local part is a safe Turtle name. Terms are rendered by rdflib (``Literal.n3``), so escaping
follows rdflib; tests parse the output back and compare it with the graph.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from .namespaces import PREFIXES

__all__ = ["merge", "to_trig", "to_turtle", "turtle_and_count"]

_SAFE_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_PREFIXES = sorted(((p, str(ns)) for p, ns in PREFIXES.items()), key=lambda x: -len(x[1]))
_SHORT = {XSD.integer: re.compile(r"^[+-]?\d+$"), XSD.boolean: re.compile(r"^(?:true|false)$")}


def merge(graphs: list[Graph]) -> Graph:
    """One graph holding the triples of all the given graphs, with the project's prefixes."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    for part in graphs:
        for t in part:
            g.add(t)
    return g


@lru_cache(maxsize=200_000)
def _iri(term: URIRef) -> str:
    text = str(term)
    for prefix, ns in _PREFIXES:
        if text.startswith(ns):
            local = text[len(ns):]
            if _SAFE_LOCAL.match(local):
                return f"{prefix}:{local}"
    return f"<{text}>"


@lru_cache(maxsize=500_000)
def _term(term: Node) -> str:
    if isinstance(term, URIRef):
        return _iri(term)
    if isinstance(term, Literal):
        if term.datatype in _SHORT and _SHORT[term.datatype].match(str(term)):
            return str(term)
        if term.datatype is not None:
            lexical = Literal(str(term)).n3()
            return f"{lexical}^^{_iri(term.datatype)}"
        return term.n3()
    if isinstance(term, BNode):
        return f"_:{term}"
    raise TypeError(f"cannot write {term!r}")


Grouped = dict[Node, dict[Node, set[Node]]]


def _group(graphs: Iterable[Graph]) -> Grouped:
    """Subject -> predicate -> objects over all the given graphs; a triple in two graphs counts once."""
    by_subject: Grouped = defaultdict(lambda: defaultdict(set))
    for g in graphs:
        for s, p, o in g:
            by_subject[s][p].add(o)
    return by_subject


def _body(by_subject: Grouped, indent: str = "") -> list[str]:
    lines: list[str] = []
    for s in sorted(by_subject, key=lambda t: (isinstance(t, BNode), str(t))):
        preds = by_subject[s]
        order = sorted(preds, key=lambda p: (p != RDF.type, _iri(p)))
        parts = []
        for p in order:
            objects = sorted(_term(o) for o in preds[p])
            verb = "a" if p == RDF.type else _iri(p)
            parts.append(f"{indent}    {verb} " + f" ,\n{indent}        ".join(objects))
        lines.append(f"{indent}{_term(s)}\n" + " ;\n".join(parts) + " .\n")
    return lines


def _header() -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(_PREFIXES)) + "\n"


def turtle_and_count(graphs: Graph | Iterable[Graph]) -> tuple[bytes, int]:
    """Turtle of the union of ``graphs`` (with the project's prefixes), and the number of its triples.

    The graphs are not merged into a new rdflib graph first: grouping their triples directly is several
    times faster on large builds.
    """
    grouped = _group([graphs] if isinstance(graphs, Graph) else graphs)
    count = sum(len(objects) for preds in grouped.values() for objects in preds.values())
    return (_header() + "\n".join(_body(grouped))).encode("utf-8"), count


def to_turtle(graphs: Graph | Iterable[Graph]) -> bytes:
    """Turtle of one graph, or of the union of several, with the project's prefixes."""
    return turtle_and_count(graphs)[0]


def to_trig(graphs: list[Graph]) -> bytes:
    """TriG: each graph as a named graph, in the order given."""
    out = [_header()]
    for g in graphs:
        out.append(f"{_term(g.identifier)} {{\n" + "\n".join(_body(_group([g]), "    ")) + "}\n\n")
    return "".join(out).encode("utf-8")
