"""Stage 7: check the built graph against the SHACL shapes in ``ontology/shapes.ttl``."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph

__all__ = ["ShapeReport", "check_shapes"]


@dataclass(frozen=True)
class ShapeReport:
    """The outcome of a SHACL validation."""

    conforms: bool
    text: str
    violations: int


def check_shapes(data: Graph, shapes: Graph) -> ShapeReport:
    """Validate ``data`` (asserted plus inferred triples) against ``shapes``, with no further inference."""
    import pyshacl  # imported lazily: only validation needs it

    conforms, report_graph, text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", abort_on_first=False, allow_warnings=True, inplace=True,
    )
    from rdflib.namespace import SH

    violations = len(set(report_graph.subjects(predicate=SH.resultSeverity, object=SH.Violation)))
    return ShapeReport(conforms=bool(conforms), text=str(text), violations=violations)
