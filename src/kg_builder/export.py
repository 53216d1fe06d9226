"""Exports for people who link the graph with Wikidata. Pure: the built dataset in, bytes out.

What an export holds:

* the graph itself: the ontology and the entities (labels, types, their ``skos:exactMatch`` link to
  ``wd:Q...`` when reconciled) with the direct relations between them; with provenance, also the
  source documents, the claims with their quotes and text selectors, the mentions and the comparisons;
  with ``inferred``, what OWL-RL reasoning added;
* beside it, in the named graph ``kg:graph/wikidata``, the same facts in Wikidata's own shape, derived
  from the ontology's ``kgo:wikidataProperty`` mappings (data, not code):

  - ``wdt:Pn`` triples next to every mapped direct triple, so that a query can join our entities with
    Wikidata data (an object that is reconciled is written as its ``wd:Q...`` item), and ``wdt:P625``
    (coordinate location, a WKT point) for places with coordinates;
  - with provenance, every claim of a mapped property as a Wikidata statement (``<claim>#statement``,
    linked to the claim by ``rdfs:seeAlso``): ``p:Pn`` from its subject, ``ps:Pn`` (and ``psv:Pn`` for
    quantities with bounds and for dates with their precision), the side it is about as qualifier
    ``pq:P710`` (participant), and a reference reached through ``prov:wasDerivedFrom`` with ``pr:P248``
    (stated in: our source document), ``pr:P854`` (the document's URL, where its sidecar gives one) and
    ``pr:P1683`` (the quote, in the document's language).

``quickstatements`` writes the sourced values of reconciled entities as QuickStatements (V1) commands.

The Wikidata links are ``skos:exactMatch``, never ``owl:sameAs``: OWL-RL would copy every triple of an
entity onto its Wikidata IRI (and back), doubling the graph for no new knowledge.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeGuard

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from .errors import OptionError
from .namespaces import (
    GRAPH_ENTITIES,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    GRAPH_WIKIDATA,
    KG,
    KGO,
    PQ,
    PR,
    PREFIXES,
    PS,
    PSV,
    SCHEMA,
    WD,
    WDP,
    WDT,
    WIKIBASE,
)
from .serialize import to_trig, to_turtle

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "SUFFIXES",
    "ExportOptions",
    "export_bytes",
    "export_graphs",
    "quickstatements",
    "read_dataset",
    "to_jsonld",
    "to_ntriples",
    "wikidata_properties",
]

FORMATS = ("turtle", "ntriples", "jsonld", "trig", "quickstatements")
MEDIA_TYPES = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "trig": "application/trig",
    "quickstatements": "text/tab-separated-values",
}
SUFFIXES = {"turtle": "ttl", "ntriples": "nt", "jsonld": "jsonld", "trig": "trig", "quickstatements": "qs.tsv"}

ENTITY_BASE = str(KG["entity/"])
# Wikidata reference properties: stated in, reference URL, quotation. The qualifier for the side a
# claim is about: participant.
STATED_IN, REFERENCE_URL, QUOTATION, PARTICIPANT = "P248", "P854", "P1683", "P710"
COORDINATES = "P625"
GEO_WKT = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")
DATE_TYPES = (XSD.date, XSD.gYearMonth, XSD.gYear)


@dataclass(frozen=True)
class ExportOptions:
    fmt: str = "turtle"
    inferred: bool = False
    provenance: bool = True

    def __post_init__(self) -> None:
        if self.fmt not in FORMATS:
            raise OptionError(f"unknown export format {self.fmt!r}", hint="use one of: " + ", ".join(FORMATS))

    @property
    def filename(self) -> str:
        parts = ["kg-export", "inferred" if self.inferred else "asserted"]
        if not self.provenance:
            parts.append("no-provenance")
        return "-".join(parts) + "." + SUFFIXES[self.fmt]


def read_dataset(trig: bytes) -> dict[URIRef, Graph]:
    """The named graphs of a built ``dataset.trig``, by name."""
    ds = Dataset()
    ds.parse(data=trig, format="trig")
    graphs: dict[URIRef, Graph] = {}
    for ctx in ds.graphs():
        if isinstance(ctx.identifier, URIRef) and len(ctx) and str(ctx.identifier).startswith(str(KG)):
            g = Graph(identifier=ctx.identifier)
            for t in ctx:
                g.add(t)
            graphs[ctx.identifier] = g
    return graphs


def wikidata_properties(ontology: Graph) -> dict[URIRef, str]:
    """Our property -> Wikidata property id, from the ontology's ``kgo:wikidataProperty``."""
    mapping: dict[URIRef, str] = {}
    for prop, wd in ontology.subject_objects(KGO.wikidataProperty):
        if isinstance(prop, URIRef) and str(wd).startswith(str(WD)):
            mapping[prop] = str(wd)[len(str(WD)):]
    return mapping


def _is_entity(node: object) -> TypeGuard[URIRef]:
    return isinstance(node, URIRef) and str(node).startswith(ENTITY_BASE)


def _qids(entities: Graph) -> dict[URIRef, URIRef]:
    """Entity -> its Wikidata item, for the reconciled ones."""
    return {s: o for s, o in entities.subject_objects(SKOS.exactMatch)
            if _is_entity(s) and isinstance(o, URIRef) and str(o).startswith(str(WD) + "Q")}


def _selected(graphs: dict[URIRef, Graph], opts: ExportOptions) -> list[Graph]:
    """The graphs the export holds, in a stable order; without provenance, only the entity layer."""
    names = sorted(graphs, key=str)
    if not opts.inferred:
        names = [n for n in names if n != GRAPH_INFERRED]
    if opts.provenance:
        return [graphs[n] for n in names]
    kept = []
    for n in names:
        if n == GRAPH_ONTOLOGY:
            kept.append(graphs[n])
            continue
        g = Graph(identifier=n)
        for s, p, o in graphs[n]:
            if _is_entity(s) and (not isinstance(o, URIRef) or _is_entity(o) or p in (RDF.type, SKOS.exactMatch)
                                  or not str(o).startswith(str(KG))):
                g.add((s, p, o))
        if len(g):
            kept.append(g)
    return kept


def _date_time(value: Literal) -> Literal:
    """A date of any precision as the xsd:dateTime Wikidata writes (first day of its month or year)."""
    text = str(value)
    if value.datatype == XSD.gYear:
        text += "-01-01"
    elif value.datatype == XSD.gYearMonth:
        text += "-01"
    return Literal(f"{text}T00:00:00Z", datatype=XSD.dateTime, normalize=False)


def _wikidata_layer(graphs: dict[URIRef, Graph], parts: list[Graph], opts: ExportOptions) -> Graph:
    """The named graph ``kg:graph/wikidata``: the facts of ``parts`` in Wikidata's shape (see above)."""
    entities = graphs.get(GRAPH_ENTITIES, Graph())
    writer = _WikidataWriter(wikidata_properties(graphs.get(GRAPH_ONTOLOGY, Graph())), _qids(entities))
    for g in parts:
        writer.add_direct(g)
    if not opts.provenance:
        return writer.out
    sources = _sources(entities)
    for g in parts:
        for claim in g.subjects(RDF.type, KGO.Claim):
            mapped = _MappedClaim.read(g, claim, writer.mapping)
            if mapped is not None:
                writer.add_statement(mapped, sources)
    return writer.out


def _sources(entities: Graph) -> dict[Node, tuple[str, URIRef | None]]:
    """Source document -> its language (English unless its sidecar says) and its URL, if it has one."""
    sources: dict[Node, tuple[str, URIRef | None]] = {}
    for doc in entities.subjects(RDF.type, KGO.SourceDocument):
        language = entities.value(doc, SCHEMA.inLanguage)
        url = entities.value(doc, SCHEMA.url)
        sources[doc] = (str(language) if language else "en", url if isinstance(url, URIRef) else None)
    return sources


@dataclass(frozen=True)
class _MappedClaim:
    """A claim whose property maps to Wikidata and which has a value or a bound: one statement."""

    iri: Node
    graph: Graph
    subject: Node
    pid: str
    value: Node | None
    lower: Node | None
    upper: Node | None

    @classmethod
    def read(cls, g: Graph, claim: Node, mapping: dict[URIRef, str]) -> _MappedClaim | None:
        prop = g.value(claim, KGO.property)
        subject = g.value(claim, KGO.subject)
        if not isinstance(prop, URIRef) or prop not in mapping or subject is None:
            return None
        value = g.value(claim, KGO.value)
        lower, upper = g.value(claim, KGO.lowerBound), g.value(claim, KGO.upperBound)
        if value is None and lower is None and upper is None:
            return None  # a field the source leaves empty is not a statement
        return cls(claim, g, subject, mapping[prop], value, lower, upper)

    def part(self, name: str) -> URIRef:
        """The node of one part of the claim's statement: ``statement``, ``value`` or ``reference``."""
        return URIRef(f"{self.iri}#{name}")


class _WikidataWriter:
    """Writes triples and claims into ``out`` in Wikidata's shape, reconciled entities as their items."""

    def __init__(self, mapping: dict[URIRef, str], qids: dict[URIRef, URIRef]) -> None:
        self.mapping, self.qids = mapping, qids
        self.out = Graph(identifier=GRAPH_WIKIDATA)

    def item(self, node: Node) -> Node:
        return self.qids.get(node, node) if isinstance(node, URIRef) else node

    def add_direct(self, g: Graph) -> None:
        """``wdt:`` triples beside every mapped direct triple of an entity, and its coordinates."""
        for s, p, o in g:
            if isinstance(p, URIRef) and p in self.mapping and _is_entity(s):
                self.out.add((s, WDT[self.mapping[p]], self.item(o)))
            elif p == SCHEMA.latitude and _is_entity(s):
                lon = g.value(s, SCHEMA.longitude)
                if lon is not None:  # coordinate location, as Wikidata writes it: Point(longitude latitude)
                    self.out.add((s, WDT[COORDINATES], Literal(f"Point({lon} {o})", datatype=GEO_WKT)))

    def add_statement(self, c: _MappedClaim, sources: dict[Node, tuple[str, URIRef | None]]) -> None:
        """The claim as a statement: ``p:``, its value, the side it is about, and its reference."""
        statement = c.part("statement")
        self.out.add((c.subject, WDP[c.pid], statement))
        self.out.add((statement, RDFS.seeAlso, c.iri))
        self.out.add((statement, RDF.type, WIKIBASE.Statement))
        self.out.add((statement, WIKIBASE.rank, WIKIBASE.NormalRank))
        if isinstance(c.value, Literal) and c.value.datatype in DATE_TYPES:
            self._add_time(c, c.value)
        elif (isinstance(c.value, Literal) and c.value.datatype in (XSD.integer, XSD.decimal)) or c.lower or c.upper:
            self._add_quantity(c)
        else:
            # Reached without a value only when a bound is a zero literal (a falsy rdflib Literal),
            # where rdflib's Graph.add has always refused the missing object.
            assert c.value is not None, f"{c.iri} has bounds but no value"
            self.out.add((statement, PS[c.pid], self.item(c.value)))
        side = c.graph.value(c.iri, KGO.claimSide)
        if side is not None:
            self.out.add((statement, PQ[PARTICIPANT], self.item(side)))
        self._add_reference(c, sources)

    def _add_time(self, c: _MappedClaim, value: Literal) -> None:
        """``ps:`` as an xsd:dateTime, and ``psv:`` a time value that keeps the date's precision."""
        statement, node = c.part("statement"), c.part("value")
        self.out.add((statement, PS[c.pid], _date_time(value)))
        self.out.add((statement, PSV[c.pid], node))
        self.out.add((node, RDF.type, WIKIBASE.TimeValue))
        self.out.add((node, WIKIBASE.timeValue, _date_time(value)))
        precision = c.graph.value(c.iri, KGO.datePrecision)
        if precision is not None:
            self.out.add((node, WIKIBASE.timePrecision, precision))

    def _add_quantity(self, c: _MappedClaim) -> None:
        """``ps:`` the amount where there is one, and ``psv:`` a quantity value with its bounds."""
        statement, node = c.part("statement"), c.part("value")
        if c.value is not None:
            self.out.add((statement, PS[c.pid], c.value))
        self.out.add((statement, PSV[c.pid], node))
        self.out.add((node, RDF.type, WIKIBASE.QuantityValue))
        if c.value is not None:
            self.out.add((node, WIKIBASE.quantityAmount, c.value))
        if c.lower is not None:
            self.out.add((node, WIKIBASE.quantityLowerBound, c.lower))
        if c.upper is not None:
            self.out.add((node, WIKIBASE.quantityUpperBound, c.upper))

    def _add_reference(self, c: _MappedClaim, sources: dict[Node, tuple[str, URIRef | None]]) -> None:
        """The reference: stated in (our source document), its URL where known, and the quote."""
        source = c.graph.value(c.iri, KGO.statedIn)
        quote = c.graph.value(c.iri, KGO.quote)
        reference = c.part("reference")
        self.out.add((c.part("statement"), PROV.wasDerivedFrom, reference))
        self.out.add((reference, RDF.type, WIKIBASE.Reference))
        if source is None:
            return
        self.out.add((reference, PR[STATED_IN], source))
        lang, url = sources.get(source, ("en", None))
        if url is not None:
            self.out.add((reference, PR[REFERENCE_URL], url))
        if quote is not None:
            self.out.add((reference, PR[QUOTATION], Literal(str(quote), lang=lang)))


def export_graphs(graphs: dict[URIRef, Graph], opts: ExportOptions) -> list[Graph]:
    """The named graphs of an export: the selected graphs of the dataset, then the Wikidata layer."""
    parts = _selected(graphs, opts)
    return [*parts, _wikidata_layer(graphs, parts, opts)]


def to_ntriples(graphs: Iterable[Graph]) -> bytes:
    """N-Triples of the union of ``graphs``, lines sorted, so the same triples always give the same bytes."""
    union = Graph()
    for t in {t for g in graphs for t in g}:
        union.add(t)
    text = union.serialize(format="nt", encoding="utf-8").decode("utf-8")
    return "".join(sorted(line + "\n" for line in text.splitlines() if line.strip())).encode("utf-8")


def to_jsonld(graphs: list[Graph]) -> bytes:
    """JSON-LD of the union of ``graphs`` with the project's prefixes as context, nodes and values sorted."""
    union = Graph()
    for prefix, ns in PREFIXES.items():
        union.bind(prefix, ns, override=True, replace=True)
    for t in sorted({t for g in graphs for t in g}):
        union.add(t)
    context = {prefix: str(ns) for prefix, ns in sorted(PREFIXES.items())}
    data = json.loads(union.serialize(format="json-ld", context=context, auto_compact=True))
    # rdflib's order follows its indexes; sort the nodes and their values so the bytes are stable.
    nodes = data.get("@graph", [data] if "@id" in data else [])
    for n in nodes:
        for k, v in list(n.items()):
            if isinstance(v, list):
                n[k] = sorted(v, key=lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False))
    nodes.sort(key=lambda n: str(n.get("@id", "")))
    out = {"@context": context, "@graph": nodes}
    return (json.dumps(out, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _qs_string(text: str) -> str:
    return '"' + " ".join(text.split()).replace('"', "'") + '"'


def _qs_value(value: Node | None, qids: dict[URIRef, URIRef], precision: Node | None) -> str | None:
    if isinstance(value, URIRef):
        qid = qids.get(value)
        return str(qid)[len(str(WD)):] if qid is not None else None
    if isinstance(value, Literal):
        if value.datatype in DATE_TYPES:
            p = (int(str(precision)) if precision is not None
                 else {XSD.gYear: 9, XSD.gYearMonth: 10}.get(value.datatype, 11))
            return "+" + str(_date_time(value)) + f"/{p}"
        if value.datatype in (XSD.integer, XSD.decimal):
            return str(value)
    return None


def quickstatements(graphs: dict[URIRef, Graph]) -> bytes:
    """QuickStatements (V1) commands for the sourced values of reconciled entities, one per claim.

    A line is written only when the subject is reconciled, the property maps to Wikidata, and the value
    is a reconciled entity, an exact amount or a date; the side a claim is about, when reconciled, is the
    qualifier P710 (participant); each line carries its reference: S854 (the
    source's URL) where known and S1683 (the quote, in the source's language). Ranges without an amount
    and unreconciled values are left out: QuickStatements would need a value we do not have.
    """
    ontology = graphs.get(GRAPH_ONTOLOGY, Graph())
    entities = graphs.get(GRAPH_ENTITIES, Graph())
    mapping = wikidata_properties(ontology)
    qids = _qids(entities)
    lines: set[str] = set()
    for name, g in graphs.items():
        if name == GRAPH_INFERRED:
            continue
        for claim in g.subjects(RDF.type, KGO.Claim):
            subject, prop = g.value(claim, KGO.subject), g.value(claim, KGO.property)
            if not isinstance(subject, URIRef) or subject not in qids or not isinstance(prop, URIRef) \
                    or prop not in mapping:
                continue
            value = _qs_value(g.value(claim, KGO.value), qids, g.value(claim, KGO.datePrecision))
            if value is None:
                continue
            source = g.value(claim, KGO.statedIn)
            quote = g.value(claim, KGO.quote)
            cols = [str(qids[subject])[len(str(WD)):], mapping[prop], value]
            side = g.value(claim, KGO.claimSide)
            if isinstance(side, URIRef) and side in qids:
                cols += [PARTICIPANT, str(qids[side])[len(str(WD)):]]
            url = entities.value(source, SCHEMA.url) if source is not None else None
            lang = entities.value(source, SCHEMA.inLanguage) if source is not None else None
            if isinstance(url, URIRef):
                cols += ["S" + REFERENCE_URL[1:], _qs_string(str(url))]
            if quote is not None:
                cols += ["S" + QUOTATION[1:], f"{lang or 'en'}:{_qs_string(str(quote))}"]
            lines.add("\t".join(cols))
    return "".join(f"{line}\n" for line in sorted(lines)).encode("utf-8")


def export_bytes(graphs: dict[URIRef, Graph], opts: ExportOptions) -> bytes:
    """The export in the requested format; the same dataset always gives the same bytes."""
    if opts.fmt == "quickstatements":
        return quickstatements(graphs)
    parts = export_graphs(graphs, opts)
    if opts.fmt == "turtle":
        return to_turtle(parts)
    if opts.fmt == "trig":
        return to_trig(parts)
    if opts.fmt == "ntriples":
        return to_ntriples(parts)
    return to_jsonld(parts)
