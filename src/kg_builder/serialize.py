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
from functools import lru_cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from .namespaces import PREFIXES

__all__ = ["to_turtle", "to_trig", "merge"]

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


def _body(g: Graph, indent: str = "") -> list[str]:
    by_subject: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in g:
        by_subject[s][p].append(o)
    lines: list[str] = []
    for s in sorted(by_subject, key=lambda t: (isinstance(t, BNode), str(t))):
        preds = by_subject[s]
        order = sorted(preds, key=lambda p: (p != RDF.type, _iri(p)))
        parts = []
        for p in order:
            objects = sorted((_term(o) for o in preds[p]))
            verb = "a" if p == RDF.type else _iri(p)
            parts.append(f"{indent}    {verb} " + " ,\n{0}        ".format(indent).join(objects))
        lines.append(f"{indent}{_term(s)}\n" + " ;\n".join(parts) + " .\n")
    return lines


def _header() -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(_PREFIXES)) + "\n"


def to_turtle(g: Graph) -> bytes:
    """Turtle, with the project's prefixes."""
    return (_header() + "\n".join(_body(g))).encode("utf-8")


def to_trig(graphs: list[Graph]) -> bytes:
    """TriG: each graph as a named graph, in the order given."""
    out = [_header()]
    for g in graphs:
        out.append(f"{_term(g.identifier)} {{\n" + "\n".join(_body(g, "    ")) + "}\n\n")
    return "".join(out).encode("utf-8")

