"""Namespaces, named-graph IRIs and IRI minting.

Every IRI the builder writes is minted here from a stable key (a readable slug, plus a short hash of
source and span for claims and mentions), so the same corpus always gives the same IRIs.

Base namespaces:

* ``KGO`` (``https://w3id.org/kg-builder/ontology#``): classes and properties of the ontology
  (``ontology/kg.ttl``). It is a closed namespace: a typo in a term name fails at import.
* ``KG`` (``https://w3id.org/kg-builder/id/``): the data: ``entity/``, ``claim/``, ``source/``,
  ``mention/``, ``rule/``, ``unit/``, ``graph/``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import Namespace, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD, ClosedNamespace

__all__ = [
    "KG",
    "KGO",
    "OA",
    "SCHEMA",
    "WD",
    "WDT",
    "WDP",
    "PS",
    "PSV",
    "PQ",
    "PR",
    "WIKIBASE",
    "PREFIXES",
    "GRAPH_ONTOLOGY",
    "GRAPH_ENTITIES",
    "GRAPH_INFERRED",
    "GRAPH_ANALYSIS",
    "GRAPH_WIKIDATA",
    "source_graph",
    "slugify",
    "entity_iri",
    "source_iri",
    "claim_iri",
    "mention_iri",
    "rule_iri",
    "unit_iri",
    "short_hash",
]

ONTOLOGY_BASE = "https://w3id.org/kg-builder/ontology#"
DATA_BASE = "https://w3id.org/kg-builder/id/"

KG = Namespace(DATA_BASE)
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
# The Wikidata statement model (as in Wikidata's RDF dumps and its query service).
WDP = Namespace("http://www.wikidata.org/prop/")
PS = Namespace("http://www.wikidata.org/prop/statement/")
PSV = Namespace("http://www.wikidata.org/prop/statement/value/")
PQ = Namespace("http://www.wikidata.org/prop/qualifier/")
PR = Namespace("http://www.wikidata.org/prop/reference/")
WIKIBASE = Namespace("http://wikiba.se/ontology#")

KGO = ClosedNamespace(
    ONTOLOGY_BASE,
    [
        # classes: entities
        "Entity",
        "Person",
        "Organization",
        "MilitaryUnit",
        "Government",
        "Event",
        "War",
        "MilitaryOperation",
        "Battle",
        "Occupation",
        "Attack",
        "Place",
        "City",
        "Province",
        "Country",
        "River",
        "Island",
        "Region",
        "CreativeWork",
        "Equipment",
        # classes: sources, claims, provenance
        "SourceDocument",
        "EncyclopediaArticle",
        "NewsArticle",
        "Claim",
        "QuantityClaim",
        "DateClaim",
        "RelationClaim",
        "QuotationClaim",
        "Mention",
        "ExtractionRule",
        "UnitOfCount",
        "MissingValue",
        # entity relations (direct, "truthy" triples)
        "participant",
        "participatedIn",
        "combatant",
        "commander",
        "commanded",
        "partOf",
        "hasPart",
        "location",
        "locatedIn",
        "memberOf",
        "hasMember",
        "namedAfter",
        "winner",
        "sideNumber",
        "mentionedIn",
        # dates and quantities (values of claims)
        "startTime",
        "endTime",
        "pointInTime",
        "numberOfDeaths",
        "numberOfInjured",
        "numberCaptured",
        "numberOfParticipants",
        "equipmentStrength",
        "equipmentLosses",
        "duration",
        "proportion",
        "quotation",
        "result",
        # claim structure
        "subject",
        "property",
        "value",
        "amount",
        "lowerBound",
        "upperBound",
        "approximate",
        "qualifier",
        "unit",
        "claimSide",
        "sideLabel",
        "scope",
        "datePrecision",
        "statedIn",
        "quote",
        "extractionRule",
        "missingField",
        "rawValue",
        # agreement
        "conflictsWith",
        "corroborates",
        "comparisonNote",
        "Comparison",
        "Agreement",
        "Disagreement",
        "comparedClaim",
        # registry
        "wikidataProperty",
        "reconciliation",
        "wikidataEvidence",
        "coordinatesEvidence",
        "demonym",
    ],
)

PREFIXES: dict[str, Namespace | str] = {
    "kg": KG,
    "kgo": Namespace(ONTOLOGY_BASE),
    "schema": SCHEMA,
    "prov": PROV,
    "oa": OA,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "skos": SKOS,
    "xsd": XSD,
    "wd": WD,
    "wdt": WDT,
    "p": WDP,
    "ps": PS,
    "psv": PSV,
    "pq": PQ,
    "pr": PR,
    "wikibase": WIKIBASE,
}

GRAPH_ONTOLOGY = KG["graph/ontology"]
GRAPH_ENTITIES = KG["graph/entities"]
GRAPH_INFERRED = KG["graph/inferred"]
GRAPH_ANALYSIS = KG["graph/analysis"]
GRAPH_WIKIDATA = KG["graph/wikidata"]


def source_graph(doc_id: str) -> URIRef:
    """The named graph that holds what one source document states."""
    return KG[f"graph/source/{doc_id}"]


def slugify(text: str) -> str:
    """A readable, stable, ASCII slug: ``"Ali Sayad Shirazi"`` -> ``"ali-sayad-shirazi"``.

    Non-Latin names (no ASCII letters left after folding) get a hash so they still mint a stable IRI.
    """
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    slug = re.sub(r"[^A-Za-z0-9]+", "-", folded).strip("-").lower()
    if not slug:
        return "x-" + short_hash(text)
    return slug[:80].strip("-")


def short_hash(*parts: object, length: int = 10) -> str:
    """A short, stable hex digest of the parts (for claim and mention IRIs)."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return digest[:length]


def entity_iri(key: str) -> URIRef:
    """IRI of an entity from its stable key (a slug)."""
    return KG[f"entity/{key}"]


def source_iri(doc_id: str) -> URIRef:
    """IRI of a source document from its corpus file stem."""
    return KG[f"source/{doc_id}"]


def claim_iri(doc_id: str, *key: object) -> URIRef:
    """IRI of a claim: the source, plus a hash of what identifies the claim within it."""
    return KG[f"claim/{doc_id}-{short_hash(doc_id, *key)}"]


def mention_iri(doc_id: str, start: int, end: int) -> URIRef:
    """IRI of a mention: the source and its character span."""
    return KG[f"mention/{doc_id}-{start}-{end}"]


def rule_iri(name: str) -> URIRef:
    """IRI of an extraction rule (a ``prov:Plan``)."""
    return KG[f"rule/{name}"]


def unit_iri(name: str) -> URIRef:
    """IRI of a unit of count (troops, tanks, ...)."""
    return KG[f"unit/{slugify(name)}"]
