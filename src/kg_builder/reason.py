"""Stage 6: OWL-RL reasoning over the ontology and the entity layer.

The input is the ontology, entity types and the direct relations between entities (claims, labels
and provenance are left out: they carry no axioms and would only slow the closure). The output is
only what is new and useful: triples about our own resources that the input did not state. Dropped
as noise: reflexive ``owl:sameAs``, ``rdf:type owl:Thing``/``rdfs:Resource``, triples with literal
subjects, and the axiomatic triples about RDF, RDFS, OWL and XSD terms.

Two backends: ``owlrl`` (the default, pure Python) and ``reasonable`` (a Rust OWL-RL reasoner on PyPI,
much faster; it returns plain literals as xsd:string, so they are normalised back).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .errors import ConfigError
from .namespaces import DATA_BASE, ONTOLOGY_BASE
from .triples import Triple

__all__ = ["BACKENDS", "apply_owl_rl", "reasoning_input"]

BACKENDS = ("owlrl", "reasonable")
_ENTITY = DATA_BASE + "entity/"
_AXIOMS = {RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.inverseOf, OWL.equivalentClass,
           OWL.equivalentProperty, OWL.disjointWith, OWL.propertyChainAxiom, OWL.propertyDisjointWith}
_DECLARATIONS = {OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.FunctionalProperty,
                 OWL.InverseFunctionalProperty, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.Class,
                 OWL.IrreflexiveProperty, OWL.AsymmetricProperty}
_NOISE_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}



def reasoning_input(ontology: Graph, layers: Iterable[Iterable[Triple]]) -> Graph:
    """The ontology's axioms plus the entity layer: entity types and relations between entities.

    Annotations (labels, comments, mappings) carry no OWL-RL semantics and are left out, and so are
    claims, mentions and selectors: reasoning over them would add only their superclasses.
    """
    g = Graph()
    for s, p, o in ontology:
        if p in _AXIOMS or (p == RDF.type and o in _DECLARATIONS):
            g.add((s, p, o))
    for layer in layers:
        for s, p, o in layer:
            if not (isinstance(s, URIRef) and s.startswith(_ENTITY)):  # an IRI is a str: no copy
                continue
            if p == RDF.type or (isinstance(p, URIRef) and p.startswith(ONTOLOGY_BASE) and isinstance(o, URIRef)
                                 and o.startswith(_ENTITY)):
                g.add((s, p, o))
    return g


def _useful(t: Triple) -> bool:
    s, p, o = t
    if not isinstance(s, URIRef) or not str(s).startswith(DATA_BASE):
        return False
    if p == OWL.sameAs and s == o:
        return False
    if p == RDF.type and o in _NOISE_TYPES:
        return False
    return True


def _closure_owlrl(g: Graph) -> Graph:
    import owlrl  # imported lazily: it is the slowest import of a build

    closed = Graph()
    for t in g:
        closed.add(t)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closed)
    return closed


def _closure_reasonable(g: Graph) -> Iterator[Triple]:
    try:
        import reasonable
    except ImportError as e:  # pragma: no cover - depends on the optional extra
        raise ConfigError("the 'reasonable' backend is not installed", hint="pip install 'kg-builder[fast]'") from e
    r = reasonable.PyReasoner()
    r.from_graph(g)
    for s, p, o in r.reason():
        if isinstance(o, Literal) and o.datatype == XSD.string and o.language is None:
            o = Literal(str(o))
        yield s, p, o


def apply_owl_rl(g: Graph, backend: str = "owlrl") -> set[Triple]:
    """The useful triples that OWL-RL infers from ``g`` and that ``g`` does not already hold. (A set,
    not an rdflib graph: nobody asks it a pattern, and indexing the closure cost more than reasoning.)"""
    if backend == "owlrl":
        closed: Iterable[Triple] = _closure_owlrl(g)
    elif backend == "reasonable":
        closed = _closure_reasonable(g)
    else:
        raise ConfigError(f"unknown reasoner {backend!r}", hint="use one of " + ", ".join(BACKENDS))
    given = set(g)
    return {t for t in closed if t not in given and _useful(t)}
