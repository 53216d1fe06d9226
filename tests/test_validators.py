"""The fast validator (the Rust engine of the `shacl` package) gives the same verdicts as pySHACL, the
reference: on the seed and fixture graphs, and on graphs with planted violations, at least one of
every constraint of every shape, both report identical sets of (focus node, path, constraint
component). Shapes it is not known to check in full are refused, never checked in part."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from conftest import ROOT
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from kg_builder.errors import ConfigError
from kg_builder.pipeline import BuildResult
from kg_builder.serialize import merge
from kg_builder.validate import FAST_ABOVE, check_shapes, choose_validator

SHAPES = Graph().parse(ROOT / "ontology" / "shapes.ttl")
# The component each constraint parameter of a shape is checked by.
COMPONENTS = {SH.minCount: "MinCount", SH.maxCount: "MaxCount", SH.datatype: "Datatype", SH.nodeKind: "NodeKind",
              SH["or"]: "Or", SH.node: "Node", SH.minInclusive: "MinInclusive", SH.minLength: "MinLength",
              SH["in"]: "In", SH.uniqueLang: "UniqueLang", SH.qualifiedMinCount: "QualifiedMinCount"}


def _data(result: BuildResult) -> Graph:
    return merge([*result.graphs[1:], result.inferred])  # what the build validates: no ontology


def _predicates(path: Node) -> list[Node]:
    """The predicates a shape's path may take (one, or each of an alternative path)."""
    alternatives = SHAPES.value(path, SH.alternativePath) if isinstance(path, BNode) else None
    return list(Collection(SHAPES, alternatives)) if alternatives is not None else [path]


# Which faults to plant for each constraint parameter a property shape has (a shape's type is changed
# once, for its node-level constraints).
FAULTS = {SH.minCount: ("remove",), SH.qualifiedMinCount: ("remove",), SH.maxCount: ("extra-iri",),
          SH.nodeKind: ("string",), SH.datatype: ("string", "extra-iri"), SH["or"]: ("string", "remove"),
          SH.node: ("extra-iri",), SH.minInclusive: ("negative",), SH.minLength: ("empty",), SH["in"]: ("string",),
          SH.uniqueLang: ("same-language",)}


@contextmanager
def _planted(data: Graph, focus: Node, path: Node | None, how: str) -> Iterator[Graph]:
    """``data`` with one fault planted at ``focus`` (its values of ``path`` removed, or replaced by an IRI,
    a string, a negative number or an empty string, or a second label of one language; or its type
    changed), and restored afterwards."""
    removed: list[tuple[Node, Node, Node]] = []
    added: list[tuple[Node, Node, Node]] = []
    new = {"extra-iri": URIRef("urn:planted:value"), "string": Literal("planted"),
           "negative": Literal(-1, datatype=XSD.integer), "empty": Literal(""),
           "same-language": Literal("planted", lang="en")}.get(how)
    for p in _predicates(path) if path is not None else []:
        if how in ("remove", "string", "negative", "empty"):
            removed += list(data.triples((focus, p, None)))
        if new is not None:
            added.append((focus, p, new))
        if how == "same-language":
            added.append((focus, p, Literal("planted twice", lang="en")))
    if how == "retype":
        removed += list(data.triples((focus, RDF.type, None)))
        added.append((focus, RDF.type, URIRef("urn:planted:Class")))
    for t in removed:
        data.remove(t)
    for t in added:
        data.add(t)
    try:
        yield data
    finally:
        for t in added:
            data.remove(t)
        for t in removed:
            data.add(t)


def _cases(data: Graph) -> Iterator[tuple[str, Node, Node, Node | None, str]]:
    """Each targeted shape's property shapes with the faults their constraints call for, and a changed
    type, at one focus node of the shape."""
    for shape in sorted(set(SHAPES.subjects(SH.targetClass, None)), key=str):
        target = SHAPES.value(shape, SH.targetClass)
        focus = min(data.subjects(RDF.type, target), key=str, default=None)
        assert focus is not None, f"the test graph has no {target} to plant a violation at"
        yield str(shape), target, focus, None, "retype"
        for prop in sorted(SHAPES.objects(shape, SH.property), key=str):
            faults = sorted({f for p in SHAPES.predicates(prop) for f in FAULTS.get(p, ())})
            for how in faults:
                yield str(shape), target, focus, SHAPES.value(prop, SH.path), how


def test_both_validators_agree_on_the_built_graphs(seed_result: BuildResult, unseen_result: BuildResult) -> None:
    for result in (seed_result, unseen_result):
        reference, fast = check_shapes(_data(result), SHAPES, "pyshacl"), check_shapes(_data(result), SHAPES, "shacl")
        assert reference.conforms and fast.conforms and reference.results == fast.results == frozenset()


def test_both_validators_report_the_same_planted_violations(seed_result: BuildResult) -> None:
    data = _data(seed_result)
    found: dict[Node, set[str]] = {}
    for shape, target, focus, path, how in _cases(data):
        with _planted(data, focus, path, how) as broken:
            reference, fast = check_shapes(broken, SHAPES, "pyshacl"), check_shapes(broken, SHAPES, "shacl")
        assert reference.results == fast.results, (shape, sorted(reference.results ^ fast.results)[:4])
        assert reference.conforms == fast.conforms
        found.setdefault(target, set()).update(c.removesuffix("ConstraintComponent") for f, _, c in reference.results
                                               if f == focus.n3())
    # Every constraint of every shape was planted at least once (and both reported it).
    for shape in SHAPES.subjects(SH.targetClass, None):
        target = SHAPES.value(shape, SH.targetClass)
        nodes = [shape, *SHAPES.objects(shape, SH.property)]
        wanted = {COMPONENTS[p] for n in nodes for p in SHAPES.predicates(n) if p in COMPONENTS}
        assert wanted <= found.get(target, set()), (shape, sorted(wanted - found.get(target, set())))


def test_the_fast_validator_refuses_shapes_it_cannot_check_in_full() -> None:
    sparql = Graph().parse(data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true ;
            sh:sparql [ sh:select "SELECT $this WHERE { $this ex:p ?o }" ] .""", format="turtle")
    with pytest.raises(ConfigError, match=r"closed.*sparql|sparql.*closed"):
        choose_validator("shacl", 10, sparql, "shapes.ttl")
    assert choose_validator("auto", FAST_ABOVE * 2, sparql, "shapes.ttl") == "pyshacl"  # never checked in part
    assert choose_validator("auto", FAST_ABOVE * 2, SHAPES, "shapes.ttl") == "shacl"
    assert choose_validator("auto", 10, SHAPES, "shapes.ttl") == "pyshacl"  # the reference below the threshold
    with pytest.raises(ConfigError, match="unknown validator"):
        choose_validator("fast", 10, SHAPES, "shapes.ttl")
