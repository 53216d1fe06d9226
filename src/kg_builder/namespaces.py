"""Namespaces, named-graph IRIs and IRI minting.

Every IRI the builder writes is minted here from a stable key (a readable slug, plus a short hash of
source and span for claims and mentions), so the same corpus always gives the same IRIs. A key that
comes from outside (a corpus file name) goes into the IRI through ``iri_segment``, which
percent-encodes whatever an IRI path segment may not hold, so every minted IRI is valid.

The same goes for what a sidecar gives verbatim: ``iri_problem`` checks a URL against RFC 3986/3987
and ``is_language_tag`` a language tag against BCP 47 before either reaches the graph.

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
from functools import lru_cache
from urllib.parse import quote

import rfc3986  # type: ignore[import-untyped]  # no type hints in 2.0.0; only iri_problem uses it
from rdflib import Namespace, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD, ClosedNamespace, DefinedNamespace

__all__ = [
    "GRAPH_ANALYSIS",
    "GRAPH_ENTITIES",
    "GRAPH_INFERRED",
    "GRAPH_ONTOLOGY",
    "GRAPH_WIKIDATA",
    "KG",
    "KGO",
    "OA",
    "PQ",
    "PR",
    "PREFIXES",
    "PS",
    "PSV",
    "SCHEMA",
    "WD",
    "WDP",
    "WDT",
    "WIKIBASE",
    "claim_iri",
    "entity_iri",
    "iri_problem",
    "iri_segment",
    "is_language_tag",
    "mention_iri",
    "rule_iri",
    "short_hash",
    "slugify",
    "source_graph",
    "source_iri",
    "span_iri",
    "unit_iri",
    "wiki_article",
    "wiki_articles_base",
]

ONTOLOGY_BASE = "https://w3id.org/kg-builder/ontology#"
DATA_BASE = "https://w3id.org/kg-builder/id/"


class _Vocabulary(Namespace):
    """A namespace of a vocabulary's few terms, each made once and then kept as an attribute: rdflib's
    Namespace makes (and checks) a new URIRef on every access, and a large build asks for
    oa:hasTarget a hundred thousand times."""

    def __getattr__(self, name: str) -> URIRef:
        term = super().__getattr__(name)
        object.__setattr__(self, name, term)  # found by the next lookup before __getattr__ is asked
        return term


class _ClosedVocabulary(ClosedNamespace):
    """A closed namespace whose terms, once looked up, are attributes (see _Vocabulary)."""

    def __getattr__(self, name: str) -> URIRef:
        term = super().__getattr__(name)
        object.__setattr__(self, name, term)
        return term


KG = Namespace(DATA_BASE)  # data IRIs: each is new, none is worth keeping
OA = _Vocabulary("http://www.w3.org/ns/oa#")
SCHEMA = _Vocabulary("https://schema.org/")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
# The Wikidata statement model (as in Wikidata's RDF dumps and its query service).
WDP = Namespace("http://www.wikidata.org/prop/")
PS = Namespace("http://www.wikidata.org/prop/statement/")
PSV = Namespace("http://www.wikidata.org/prop/statement/value/")
PQ = Namespace("http://www.wikidata.org/prop/qualifier/")
PR = Namespace("http://www.wikidata.org/prop/reference/")
WIKIBASE = Namespace("http://wikiba.se/ontology#")

KGO = _ClosedVocabulary(
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
        "UntypedClaim",
        "Mention",
        "ExtractionRule",
        "UnitOfCount",
        "MissingValue",
        # entity relations (direct, "truthy" triples)
        "participant",
        "participatedIn",
        "combatant",
        "commander",
        "forceCommander",
        "commanded",
        "partOf",
        "hasPart",
        "location",
        "locatedIn",
        "memberOf",
        "country",
        "hasMember",
        "namedAfter",
        "winner",
        "recapturedDuring",
        "sideNumber",
        "mentionedIn",
        # dates and quantities (values of claims)
        "startTime",
        "endTime",
        "pointInTime",
        "recapturedOn",
        "numberOfDeaths",
        "numberOfInjured",
        "numberCaptured",
        "numberOfCasualties",
        "numberMissing",
        "numberOfParticipants",
        "equipmentStrength",
        "equipmentLosses",
        "duration",
        "occupiedFor",
        "proportion",
        "statedFigure",
        "statedDate",
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
        "sideMember",
        "sideEvidence",
        "importFormat",
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

# rdflib's own vocabularies (PROV, OWL, RDF, ...) are DefinedNamespace classes, not Namespace objects.
PREFIXES: dict[str, Namespace | type[DefinedNamespace]] = {
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
    return KG[f"graph/source/{iri_segment(doc_id)}"]


def wiki_articles_base(url: str | None) -> str | None:
    """Where a wiki's articles are ("https://en.wikipedia.org/wiki/"), from the address of one of its
    pages; None for an address that is not a wiki page's."""
    m = re.match(r"https?://[^/]+/wiki/", url or "")
    return m.group(0) if m else None


def wiki_article(base: str, title: str) -> str:
    """An article's address as MediaWiki and Wikidata's sitelinks write it: spaces as '_', the rest
    percent-encoded but for the characters MediaWiki leaves as they are."""
    return base + quote(title.replace(" ", "_"), safe="/:;@$!*(),~")


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


@lru_cache(maxsize=65_536)  # a build names each entity, source and rule in many triples
def entity_iri(key: str) -> URIRef:
    """IRI of an entity from its stable key (a slug)."""
    return KG[f"entity/{iri_segment(key)}"]


@lru_cache(maxsize=65_536)  # a build names each entity, source and rule in many triples
def source_iri(doc_id: str) -> URIRef:
    """IRI of a source document from its corpus file stem."""
    return KG[f"source/{iri_segment(doc_id)}"]


def claim_iri(doc_id: str, *key: object) -> URIRef:
    """IRI of a claim: the source, plus a hash of what identifies the claim within it."""
    # The hash is of the file stem as it is, so an ordinary name keeps the IRI it always had.
    return KG[f"claim/{iri_segment(doc_id)}-{short_hash(doc_id, *key)}"]


def mention_iri(doc_id: str, start: int, end: int) -> URIRef:
    """IRI of a mention: the source and its character span."""
    return KG[f"mention/{iri_segment(doc_id)}-{start}-{end}"]


def span_iri(doc_id: str, start: int, end: int) -> URIRef:
    """IRI of a span of a source: the Web Annotation target that every claim and mention of exactly
    those characters shares (its selectors are ``#quote`` and ``#position`` of it)."""
    return KG[f"span/{iri_segment(doc_id)}-{start}-{end}"]


@lru_cache(maxsize=65_536)  # a build names each entity, source and rule in many triples
def rule_iri(name: str) -> URIRef:
    """IRI of an extraction rule (a ``prov:Plan``)."""
    return KG[f"rule/{iri_segment(name)}"]


@lru_cache(maxsize=65_536)  # a build names each entity, source and rule in many triples
def unit_iri(name: str) -> URIRef:
    """IRI of a unit of count (troops, tanks, ...)."""
    return KG[f"unit/{slugify(name)}"]


# What a path segment of an IRI may hold as it is: RFC 3986 unreserved, sub-delims, ":" and "@".
# Everything else is percent-encoded as UTF-8, "%" included, so that two file names never mint one
# IRI, and non-ASCII too: RFC 3987 would allow most of it raw, but not all (bidi controls,
# noncharacters), and a file system may hand us NFD where a reader types NFC; ASCII is unambiguous.
_SEGMENT_SAFE = "-._~!$&'()*+,;=:@"


@lru_cache(maxsize=65_536)  # a build asks for each document's and entity's segment once per triple
def iri_segment(text: str) -> str:
    """``text`` as one valid IRI path segment: unchanged when it is already one (``001_a-b``),
    else percent-encoded (``"a b<c>"`` -> ``a%20b%3Cc%3E``). Raises ``UnicodeEncodeError`` on lone
    surrogates (a file name that is not UTF-8); storage refuses those first."""
    return quote(text, safe=_SEGMENT_SAFE, errors="strict")


# ASCII that no IRI may hold anywhere (RFC 3987 section 2.2): controls, space, and the characters
# RFC 3986 section 2 leaves out of every production.
_FORBIDDEN_ASCII = re.compile(r'[\x00-\x20\x7f"<>\\^`{|}]')
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# RFC 3987 section 4.1: bidirectional formatting characters must not appear in an IRI.
_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e")


def _ucschar(code: int) -> bool:
    """RFC 3987 ``ucschar``: the non-ASCII characters an IRI may hold outside its query."""
    if 0xA0 <= code <= 0xD7FF or 0xF900 <= code <= 0xFDCF or 0xFDF0 <= code <= 0xFFEF:
        return True
    if 0x10000 <= code < 0xE0000:
        return (code & 0xFFFF) <= 0xFFFD  # planes 1 to 13, less each plane's two noncharacters
    return 0xE1000 <= code <= 0xEFFFD


def _iprivate(code: int) -> bool:
    """RFC 3987 ``iprivate``: private-use characters, allowed in the query only."""
    return 0xE000 <= code <= 0xF8FF or 0xF0000 <= code <= 0xFFFFD or 0x100000 <= code <= 0x10FFFD


def _character_problem(iri: str) -> str | None:
    bad = _FORBIDDEN_ASCII.search(iri)
    if bad:
        return f"it contains {bad.group()!r} at position {bad.start() + 1}, which no URL may hold " \
               f"(write it percent-encoded: %{ord(bad.group()):02X})"
    if _BAD_PERCENT.search(iri):
        return "it has a '%' that is not followed by two hexadecimal digits"
    query = (iri.find("?"), iri.find("#") if "#" in iri else len(iri))
    for at, c in enumerate(iri):
        code = ord(c)
        if code < 0x80:
            continue
        in_query = 0 <= query[0] < at < query[1]
        if c in _BIDI_CONTROLS or not (_ucschar(code) or (in_query and _iprivate(code))):
            return f"it contains the character U+{code:04X} at position {at + 1}, which an IRI may not hold"
    return None


_URL_VALIDATOR = (rfc3986.validators.Validator()
                  .require_presence_of("scheme", "host")
                  .allow_schemes("http", "https")
                  .check_validity_of("scheme", "userinfo", "host", "port", "path", "query", "fragment"))


def iri_problem(url: str) -> str | None:
    """Why ``url`` is not an absolute http(s) IRI by RFC 3987 (so also RFC 3986), or None if it is.

    rfc3986 percent-encodes what it is given rather than refusing it, so the characters RFC 3987
    forbids are refused here first; the IRI is then mapped to its URI (RFC 3987 section 3.1: non-ASCII
    percent-encoded as UTF-8), and rfc3986 checks scheme, host, port, path, query and fragment.
    """
    problem = _character_problem(url)
    if problem:
        return problem
    uri = "".join(c if ord(c) < 0x80 else quote(c, safe="") for c in url)
    ref = rfc3986.uri_reference(uri)
    if ref.scheme:
        ref = ref.copy_with(scheme=ref.scheme.lower())  # schemes are case-insensitive (RFC 3986 3.1)
    try:
        _URL_VALIDATOR.validate(ref)
    except rfc3986.exceptions.UnpermittedComponentError:
        return f"its scheme is {ref.scheme!r}"
    except rfc3986.exceptions.MissingComponentError:
        return "it is not an absolute URL with a scheme and a host"
    except rfc3986.exceptions.InvalidComponentsError as e:
        return f"its {' and '.join(map(str, e.components))} {'are' if len(e.components) > 1 else 'is'} not valid"
    except rfc3986.exceptions.ValidationError as e:  # any other verdict of the validator
        return f"it is not valid ({e})"
    return None


# BCP 47 (RFC 5646 section 2.1), the syntax of a well-formed language tag, case-insensitive.
_BCP47 = re.compile(
    r"""
    (?:
      (?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})    # language, with up to three extlang
      (?:-[a-z]{4})?                                 # script
      (?:-(?:[a-z]{2}|[0-9]{3}))?                    # region
      (?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*       # variants
      (?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*            # extensions
      (?:-x(?:-[a-z0-9]{1,8})+)?                     # private use
    | x(?:-[a-z0-9]{1,8})+                           # a private-use tag alone
    | en-gb-oed | i-(?:ami|bnn|default|enochian|hak|klingon|lux|mingo|navajo|pwn|tao|tay|tsu)
    | sgn-(?:be-fr|be-nl|ch-de)                      # irregular grandfathered tags
    | art-lojban | cel-gaulish | no-bok | no-nyn | zh-(?:guoyu|hakka|min|min-nan|xiang)
    )
    """,
    re.IGNORECASE | re.VERBOSE | re.ASCII,
)


def is_language_tag(tag: str) -> bool:
    """Whether ``tag`` is a well-formed BCP 47 language tag (``en``, ``fa-IR``, ``zh-Hant-TW``)."""
    return _BCP47.fullmatch(tag) is not None
