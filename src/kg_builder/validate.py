"""Stage 7: check the built graph against the SHACL shapes in ``ontology/shapes.ttl``.

Two validators give the same verdicts (a parity test holds them to identical sets of focus node,
path and constraint component):

* pySHACL, the reference: the default for graphs below ``FAST_ABOVE`` triples, and always available
  with ``--validator pyshacl``;
* the Rust engine of the ``shacl`` package, many times faster on large graphs. It is used only for
  shapes made of the constraint parameters it is known to check (``FAST_PARAMETERS``): shapes with any
  other are refused when the build starts, never silently checked in part.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from .errors import ConfigError
from .serialize import NTriples

__all__ = ["FAST_ABOVE", "VALIDATORS", "ShapeReport", "check_shapes", "check_shapes_text", "choose_validator"]

VALIDATORS = ("auto", "pyshacl", "shacl")
# From this many triples on, "auto" uses the Rust engine; below it, pySHACL (the reference) is fast enough.
FAST_ABOVE = 100_000
# The SHACL parameters the shapes may use for the Rust engine to check them: those of SHACL Core that
# the parity test exercises with planted violations (tests/test_validators.py).
FAST_PARAMETERS = frozenset(SH[name] for name in (
    "property", "path", "message", "targetClass", "minCount", "maxCount", "datatype", "nodeKind", "or",
    "node", "minInclusive", "minLength", "in", "uniqueLang", "qualifiedValueShape", "qualifiedMinCount",
    "alternativePath", "name", "description", "severity", "deactivated"))
_SHAPE_TERMS = frozenset({SH.NodeShape, SH.PropertyShape, SH.IRI, SH.Literal, SH.BlankNode, SH.BlankNodeOrIRI,
                          SH.IRIOrLiteral, SH.BlankNodeOrLiteral, SH.Violation, SH.Warning, SH.Info})

Result = tuple[str, str | None, str]  # (focus node, path, constraint component), in N-Triples and SPARQL syntax


@dataclass(frozen=True)
class ShapeReport:
    """The outcome of a SHACL validation."""

    conforms: bool
    text: str
    violations: int
    results: frozenset[Result] = field(default=frozenset())
    validator: str = "pyshacl"


def unsupported(shapes: Graph) -> list[str]:
    """The SHACL terms of ``shapes`` that the Rust engine is not known to check."""
    used = {p for p in shapes.predicates() if str(p).startswith(str(SH))}
    used |= {o for o in shapes.objects() if isinstance(o, URIRef) and str(o).startswith(str(SH))}
    return sorted(str(t) for t in used - FAST_PARAMETERS - _SHAPE_TERMS)


def choose_validator(requested: str, triples: int, shapes: Graph, path: str) -> str:
    """The validator to run: the one asked for, or for "auto" the Rust engine on large graphs; a
    ConfigError if the Rust engine is asked for shapes it cannot check in full."""
    if requested not in VALIDATORS:
        raise ConfigError(f"unknown validator {requested!r}", hint="choose one of " + ", ".join(VALIDATORS))
    chosen = requested if requested != "auto" else ("shacl" if triples >= FAST_ABOVE else "pyshacl")
    missing = unsupported(shapes) if chosen == "shacl" else []
    if missing and requested == "shacl":
        raise ConfigError("the shapes use SHACL terms the fast validator is not known to check: " + ", ".join(missing),
                          path=path, hint="validate with --validator pyshacl")
    return "pyshacl" if missing else chosen


def _path_text(shapes: Graph, path: Node) -> str:
    """A SHACL path in SPARQL property-path syntax, as the Rust engine reports it."""
    if isinstance(path, URIRef):
        return f"<{path}>"
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path_text(shapes, p) for p in Collection(shapes, alternatives)) + ")"
    return str(path)


def _pyshacl(data: Graph, shapes: Graph) -> ShapeReport:
    import pyshacl  # imported lazily: only validation needs it

    conforms, report_graph, text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", abort_on_first=False, allow_warnings=True, inplace=True,
    )
    results = set()
    # The report's own results: the nested ones a failed sh:node carries (sh:detail) say why, not what.
    top = {r for report in report_graph.subjects(RDF.type, SH.ValidationReport)
           for r in report_graph.objects(report, SH.result)}
    violations = top & set(report_graph.subjects(SH.resultSeverity, SH.Violation))
    for r in violations:
        focus, path = report_graph.value(r, SH.focusNode), report_graph.value(r, SH.resultPath)
        component = str(report_graph.value(r, SH.sourceConstraintComponent)).rsplit("#", 1)[-1]
        # The report holds a copy of each result's path, an alternative path's list included.
        path_text = _path_text(report_graph, path) if path is not None else None
        results.add((focus.n3() if focus is not None else "", path_text, component))
    return ShapeReport(bool(conforms), str(text), len(violations), frozenset(results), "pyshacl")


def check_shapes_text(ntriples: str, shapes: Graph) -> ShapeReport:
    """Validate a graph given as N-Triples with the Rust engine (see :func:`check_shapes`)."""
    import shacl  # the Rust engine

    compiled = shacl.Shapes.from_text(NTriples().stream([shapes]), format="ntriples")
    report = compiled.validate_text(ntriples, format="ntriples", allow_warnings=True)
    violations = [r for r in report.results if r.severity == "Violation"]
    results = frozenset((r.focus_node, r.path, r.component) for r in violations)
    lines = [f"{r.component} at {r.focus_node} {r.path or ''}: {r.message or ''}".rstrip() for r in violations]
    text = "Validation Report\nConforms: " + str(not violations) + "\n" + "\n".join(sorted(lines))
    return ShapeReport(not violations, text, len(violations), results, "shacl")


def check_shapes(data: Graph, shapes: Graph, validator: str = "pyshacl") -> ShapeReport:
    """Validate ``data`` (asserted plus inferred triples) against ``shapes``, with no further
    inference, by ``validator`` ("pyshacl" or "shacl"; see :func:`choose_validator`)."""
    if validator == "shacl":
        return check_shapes_text(NTriples().stream([data]), shapes)
    return _pyshacl(data, shapes)
