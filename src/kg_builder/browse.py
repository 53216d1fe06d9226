"""The read model behind the browsing pages: what an entity, a claim or a source looks like to a reader.

A ``Catalogue`` holds the built dataset in an in-process Oxigraph store (read-only, loaded once) and
answers the fixed questions the pages ask, as plain dataclasses; the web layer only renders them. It
never runs a query text that comes from a request: requests only choose IRIs, which are bound as terms.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypedDict

import pyoxigraph as ox

from .errors import OptionError
from .namespaces import DATA_BASE, GRAPH_ENTITIES, GRAPH_INFERRED, ONTOLOGY_BASE, iri_segment

__all__ = ["ENTITY_BASE", "MAX_IRI_LENGTH", "MAX_SEARCH_LENGTH", "BadIri", "Catalogue", "ClaimView", "EntityView",
           "Explanation", "OxTerm", "Place", "QuadTerms", "SearchTooLong", "Segment", "SourceView", "Span", "Term",
           "TimelineEvent", "anchor_id", "check_iri", "iri_of_path", "local_path", "segments", "value_of"]

INFERRED = ox.NamedNode(str(GRAPH_INFERRED))
ENTITIES = ox.NamedNode(str(GRAPH_ENTITIES))
ENTITY_BASE = DATA_BASE + "entity/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_OA_TARGET = ox.NamedNode("http://www.w3.org/ns/oa#hasTarget")
_OA_SELECTOR = ox.NamedNode("http://www.w3.org/ns/oa#hasSelector")

PREFIXES = """
PREFIX kgo:    <https://w3id.org/kg-builder/ontology#>
PREFIX oa:     <http://www.w3.org/ns/oa#>
PREFIX rdf:    <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs:   <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl:    <http://www.w3.org/2002/07/owl#>
PREFIX skos:   <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX prov:   <http://www.w3.org/ns/prov#>
"""


# A term as Oxigraph gives it: besides IRIs, blank nodes and literals, an RDF-star triple may stand as a term.
OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
# A quad as ``Catalogue.triples_about`` lists it: (subject, predicate, object, graph name).
QuadTerms = tuple[ox.NamedNode | ox.BlankNode | ox.Triple, ox.NamedNode, OxTerm,
                  ox.NamedNode | ox.BlankNode | ox.DefaultGraph]
# A query solution: variable name -> its value, None where an OPTIONAL part left it unbound.
_Row = dict[str, OxTerm | None]


def value_of(term: OxTerm | None) -> str:
    """The value (IRI, blank node id or lexical form) of a term a query or pattern always binds."""
    if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
        return term.value
    raise TypeError(f"expected an IRI, a blank node or a literal, not {term!r}")


def _literal(term: OxTerm | None) -> ox.Literal:
    if isinstance(term, ox.Literal):
        return term
    raise TypeError(f"expected a literal, not {term!r}")


def _iri(term: OxTerm | None) -> ox.NamedNode:
    if isinstance(term, ox.NamedNode):
        return term
    raise TypeError(f"expected an IRI, not {term!r}")


def _subject(term: OxTerm | None) -> ox.NamedNode | ox.BlankNode | ox.Triple:
    if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Triple):
        return term
    raise TypeError(f"expected a subject (an IRI, a blank node or a triple), not {term!r}")


def _object(term: OxTerm | None) -> OxTerm:
    if term is not None:
        return term
    raise TypeError("expected a term, not an unbound variable")


def local_path(iri: str) -> str | None:
    """The path on our server where an IRI of our data resolves (``/id/...``), or None for others."""
    if iri.startswith(DATA_BASE):
        return "/id/" + iri[len(DATA_BASE):].split("#", 1)[0]
    return None


def iri_of_path(path: str) -> str:
    """The IRI a request path under /id/ names. The path arrives percent-decoded; minted IRIs are
    percent-encoded (``source/a%20b``), so each segment is encoded again as the builder encodes it."""
    # A lone surrogate (an undecodable request) names nothing: it becomes U+FFFD, which no IRI holds.
    path = path.encode("utf-8", "replace").decode("utf-8")
    return DATA_BASE + "/".join(iri_segment(segment) for segment in path.split("/"))


# Every IRI the builder mints is far shorter; a longer one can only come from a crafted request.
MAX_IRI_LENGTH = 2048


class BadIri(OptionError):
    """A request names something that is not an IRI (RFC 3987), or not one of the kind it needs."""

    kind = "bad_iri"


def check_iri(iri: str, *, within: str | None = None, what: str = "an IRI") -> ox.NamedNode:
    """``iri`` as a term, after the checks Oxigraph would otherwise fail on with a bare ValueError.

    ``within`` is a namespace the IRI must start with (``ENTITY_BASE`` for parameters that name an entity).
    """
    hint = f"give the full IRI of {what}" + (f", starting with {within}" if within else "")
    if len(iri) > MAX_IRI_LENGTH:
        raise BadIri(f"{what} of {len(iri):,} characters is longer than any in the graph ({MAX_IRI_LENGTH:,} at most)",
                     hint=hint)
    try:
        node = ox.NamedNode(iri)
    except ValueError as e:
        raise BadIri(f"{iri[:200]!r} is not {what}: {e}", hint=hint) from e
    if within is not None and not iri.startswith(within):
        raise BadIri(f"{iri[:200]!r} is not {what}", hint=hint)
    return node


@dataclass(frozen=True)
class Term:
    """An IRI or a literal as a page shows it: text, where it links to, and language or datatype."""

    value: str
    label: str
    url: str | None = None
    lang: str | None = None
    datatype: str | None = None
    is_iri: bool = False


@dataclass(frozen=True)
class Explanation:
    """Why an inferred triple holds: the OWL 2 RL rule and the facts it was derived from."""

    rule: str
    rule_text: str
    premises: tuple[tuple[Term, Term, Term, bool], ...]  # (s, p, o, inferred itself)


@dataclass(frozen=True)
class Relation:
    subject: Term
    prop: Term
    target: Term
    inferred: bool
    curated: bool
    claims: tuple[ClaimRow, ...]
    explanation: Explanation | None


@dataclass(frozen=True)
class ClaimRow:
    iri: str
    url: str
    prop: Term
    value: str
    side: Term | None
    scope: str | None
    source: Term
    quote: str
    reader_url: str
    conflicts: tuple[str, ...]
    agrees: tuple[str, ...]


@dataclass
class EntityView:
    entity: Term
    labels: list[tuple[str, str, str]] = field(default_factory=list)  # (lang, text, kind)
    types: list[tuple[Term, bool, Explanation | None]] = field(default_factory=list)
    wikidata: str | None = None
    wikidata_evidence: str | None = None
    reconciliation: str | None = None
    coordinates: tuple[str, str, str | None] | None = None  # latitude, longitude, evidence
    outgoing: list[Relation] = field(default_factory=list)
    incoming: list[Relation] = field(default_factory=list)
    claim_groups: list[tuple[str, list[ClaimRow]]] = field(default_factory=list)
    mentions: list[tuple[Term, int, str]] = field(default_factory=list)  # (source, count, reader url)


@dataclass
class ClaimView:
    claim: Term
    kind: str
    subject: Term
    prop: Term
    value: str
    details: list[tuple[str, str]]
    source: Term
    quote: str
    start: int
    end: int
    reader_url: str
    rule: Term | None
    comparisons: list[tuple[str, str, list[Term]]]  # (verdict, note, other claims)
    page: str | None = None  # the page of the original (a PDF) the quote is on


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # "claim" | "mention"
    iri: str
    url: str
    title: str


@dataclass
class SourceView:
    source: Term
    metadata: list[tuple[str, str]]
    text: str | None
    spans: list[Span]
    problem: str | None = None
    original: OriginalFile | None = None


@dataclass(frozen=True)
class OriginalFile:
    """The file a source was imported from (``corpus/originals/``), as the build recorded it."""

    name: str
    format: str  # the format kg add read it as
    media_type: str
    sha256: str


class TimelineEvent(TypedDict):
    """A dated event as the timeline draws it (``/api/timeline``)."""

    iri: str
    label: str
    url: str | None
    start: str | None  # the earliest start (or point in time) any source gives
    end: str | None  # the latest end any source gives
    sources: int  # how many sources date it


class Place(TypedDict):
    """A place with coordinates as the map draws it (``/api/places``)."""

    iri: str
    label: str
    url: str | None
    type: str
    lat: float
    lon: float


# No name or alias is anywhere near this long; a longer search can only be a crafted request.
MAX_SEARCH_LENGTH = 500


class SearchTooLong(OptionError):
    """A search is longer than any name could be."""

    kind = "search_too_long"


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\s\-‐-―'’]+", " ", text).strip().casefold()


class Catalogue:
    """The built dataset, loaded once, and the questions the pages ask of it."""

    def __init__(self, trig: bytes) -> None:
        self.store = ox.Store()
        self.store.bulk_load(trig, format=ox.RdfFormat.TRIG)

    def prepare(self) -> None:
        """Compute the lookups that every page shares now, so that threads computing pages only read them.

        The store is safe to read from many threads (Oxigraph's Store is Sync, and pyoxigraph releases the
        GIL while it evaluates a query); these cached properties are not guarded: from Python 3.12 on,
        ``cached_property`` has no lock, and two threads could each compute one.
        """
        _ = self.labels, self._names, self._verdicts

    # --- basic lookups -----------------------------------------------------------------------------

    def _select(self, query: str, **bindings: ox.NamedNode | ox.Literal) -> list[_Row]:
        # Oxigraph binds only projected variables (SEP-0007): add the bound ones to the projection.
        head = re.match(r"\s*SELECT\s+(DISTINCT\s+)?(\*)?", query)
        if bindings and head and not head.group(2):
            query = query[:head.end()] + " ".join(f"?{k}" for k in bindings) + " " + query[head.end():]
        result = self.store.query(PREFIXES + query, use_default_graph_as_union=True,
                                  substitutions={ox.Variable(k): v for k, v in bindings.items()})
        # A SELECT query answers solutions (this never runs an ASK or CONSTRUCT).
        assert isinstance(result, ox.QuerySolutions)
        names = [v.value for v in result.variables]
        return [{n: row[n] for n in names} for row in result]

    @cached_property
    def labels(self) -> dict[str, str]:
        """Every resource's display label: skos:prefLabel, else an English rdfs:label, else any label."""
        best: dict[str, tuple[int, str]] = {}
        for row in self._select("""SELECT ?s ?p ?l WHERE { VALUES ?p { skos:prefLabel rdfs:label schema:name }
                                   ?s ?p ?l }"""):
            s, p, lit = row["s"], row["p"], row["l"]
            if not isinstance(s, ox.NamedNode) or not isinstance(lit, ox.Literal):
                continue
            rank = 0 if value_of(p).endswith("prefLabel") else 1 if lit.language in ("en", None) else 2
            if s.value not in best or rank < best[s.value][0]:
                best[s.value] = (rank, lit.value)
        return {k: v for k, (_, v) in best.items()}

    def term(self, node: object) -> Term:
        if isinstance(node, ox.NamedNode):
            iri = node.value
            label = self.labels.get(iri)
            if label is None:
                label = iri.rsplit("#", 1)[-1] if iri.startswith(ONTOLOGY_BASE) else iri.rsplit("/", 1)[-1]
            url = local_path(iri) or iri
            return Term(iri, label, url, is_iri=True)
        if isinstance(node, ox.Literal):
            dt = node.datatype.value if node.datatype else None
            return Term(node.value, node.value, lang=node.language, datatype=dt)
        return Term(str(node), str(node))

    def exists(self, iri: str) -> bool:
        node = ox.NamedNode(iri)
        return any(True for _ in self.store.quads_for_pattern(node, None, None)) or any(
            True for _ in self.store.quads_for_pattern(None, None, node))

    def kind(self, iri: str) -> str:
        rest = iri[len(DATA_BASE):] if iri.startswith(DATA_BASE) else ""
        return rest.split("/", 1)[0] if "/" in rest else "other"

    def triples_about(self, iri: str) -> list[QuadTerms]:
        """Every quad with the IRI as subject or as object, and those of its annotation target and the
        target's selectors (a span's target is shared by every claim and mention of that span)."""
        node = ox.NamedNode(iri)
        quads = list(self.store.quads_for_pattern(node, None, None))
        targets = [q.object for q in quads if q.predicate == _OA_TARGET and isinstance(q.object, ox.NamedNode)]
        for target in dict.fromkeys(targets):
            about_target = list(self.store.quads_for_pattern(target, None, None))
            selectors = dict.fromkeys(q.object for q in about_target
                                      if q.predicate == _OA_SELECTOR and isinstance(q.object, ox.NamedNode))
            quads += about_target + [q for s in selectors for q in self.store.quads_for_pattern(s, None, None)]
        quads += list(self.store.quads_for_pattern(None, None, node))
        return [(q.subject, q.predicate, q.object, q.graph_name) for q in quads]

    # --- search ------------------------------------------------------------------------------------

    @cached_property
    def _names(self) -> list[tuple[str, str, str, str]]:
        """(folded name, name, language, entity) for every label and alias of every entity."""
        names = []
        for row in self._select("""SELECT DISTINCT ?e ?l WHERE {
                VALUES ?p { skos:prefLabel skos:altLabel rdfs:label } ?e ?p ?l .
                FILTER(STRSTARTS(STR(?e), "https://w3id.org/kg-builder/id/entity/")) }"""):
            lit = _literal(row["l"])
            names.append((_fold(lit.value), lit.value, lit.language or "", value_of(row["e"])))
        return names

    def search(self, query: str, limit: int = 50) -> list[tuple[Term, str, str]]:
        """Entities whose label or alias (any language) contains the query: (entity, matched name, lang)."""
        if len(query) > MAX_SEARCH_LENGTH:
            raise SearchTooLong(f"a search of {len(query):,} characters is longer than any name "
                                f"({MAX_SEARCH_LENGTH} at most)", hint="search for a name or a part of one")
        q = _fold(query)
        if not q:
            return []
        best: dict[str, tuple[int, str, str]] = {}
        for folded, name, lang, entity in self._names:
            if q not in folded:
                continue
            rank = 0 if folded == q else 1 if folded.startswith(q) else 2
            if entity not in best or (rank, name) < best[entity][:2]:
                best[entity] = (rank, name, lang)
        ordered = sorted(best.items(), key=lambda kv: (kv[1][0], self.labels.get(kv[0], kv[0]).casefold()))
        return [(self.term(ox.NamedNode(e)), name, lang) for e, (_, name, lang) in ordered[:limit]]

    # --- explanations of inferred triples ---------------------------------------------------------

    def _asserted(self, s: ox.NamedNode | ox.BlankNode | ox.Triple, p: ox.NamedNode, o: OxTerm) -> bool:
        return any(q.graph_name != INFERRED for q in self.store.quads_for_pattern(s, p, o))

    def _holds(self, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode) -> bool:
        return any(True for _ in self.store.quads_for_pattern(s, p, o))

    def explain(self, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode) -> Explanation | None:
        """One derivation of an inferred triple under the OWL 2 RL rules the ontology uses."""
        sel = self._select
        t = self.term

        def premise(a: OxTerm | None, b: OxTerm | None, c: OxTerm | None) -> tuple[Term, Term, Term, bool]:
            # a, b, c come from the triple and from variables its query always binds.
            return (t(a), t(b), t(c), not self._asserted(_subject(a), _iri(b), _object(c)))

        if p.value == RDF_TYPE:
            for row in sel("SELECT ?d WHERE { ?s a ?d . ?d rdfs:subClassOf ?c . FILTER(?d != ?c) } LIMIT 1", s=s, c=o):
                sub = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
                return Explanation("cax-sco", "an instance of a class is an instance of its superclasses",
                                   (premise(s, p, row["d"]), premise(row["d"], sub, o)))
            for row in sel("SELECT ?q ?x WHERE { ?q rdfs:domain ?c . ?s ?q ?x } LIMIT 1", s=s, c=o):
                dom = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#domain")
                return Explanation("prp-dom", "the subject of a property is in the property's domain",
                                   (premise(s, row["q"], row["x"]), premise(row["q"], dom, o)))
            for row in sel("SELECT ?q ?x WHERE { ?q rdfs:range ?c . ?x ?q ?s } LIMIT 1", s=s, c=o):
                rng = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#range")
                return Explanation("prp-rng", "the object of a property is in the property's range",
                                   (premise(row["x"], row["q"], s), premise(row["q"], rng, o)))
            return None
        for row in sel("SELECT ?q WHERE { ?q rdfs:subPropertyOf ?p . ?s ?q ?o . FILTER(?q != ?p) } LIMIT 1",
                       s=s, p=p, o=o):
            spo = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subPropertyOf")
            return Explanation("prp-spo1", "a statement with a sub-property also holds with its super-property",
                               (premise(s, row["q"], o), premise(row["q"], spo, p)))
        for row in sel("""SELECT ?q WHERE { { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p } ?o ?q ?s } LIMIT 1""",
                       s=s, p=p, o=o):
            inv = ox.NamedNode("http://www.w3.org/2002/07/owl#inverseOf")
            return Explanation("prp-inv", "a statement holds in reverse with the inverse property",
                               (premise(o, row["q"], s), premise(p, inv, row["q"])))
        for row in sel("""SELECT ?m WHERE { ?p a owl:TransitiveProperty . ?s ?p ?m . ?m ?p ?o .
                                             FILTER(?m != ?s && ?m != ?o) } LIMIT 1""", s=s, p=p, o=o):
            return Explanation("prp-trp", "the property is transitive",
                               (premise(s, p, row["m"]), premise(row["m"], p, o)))
        if self._holds(o, p, s) and self._holds(p, ox.NamedNode(RDF_TYPE),
                                                ox.NamedNode("http://www.w3.org/2002/07/owl#SymmetricProperty")):
            return Explanation("prp-symp", "the property is symmetric", (premise(o, p, s),))
        return None

    # --- claims ------------------------------------------------------------------------------------

    def _value_text(self, row: _Row) -> str:
        """A claim's value as a reader says it: "nearly 24,000", "12,000–15,000", "thousands (2,000–9,999)"."""
        value, lower, upper = row.get("value"), row.get("lower"), row.get("upper")
        approx_term, qualifier_term = row.get("approx"), row.get("qualifier")
        approx = isinstance(approx_term, ox.Literal) and approx_term.value == "true"
        qualifier = qualifier_term.value if isinstance(qualifier_term, ox.Literal) else None
        span = None
        if lower is not None and upper is not None:
            span = f"{_num(value_of(lower))}–{_num(value_of(upper))}"
        elif lower is not None:
            span = f"at least {_num(value_of(lower))}"
        elif upper is not None:
            span = f"at most {_num(value_of(upper))}"
        if value is None and span is None:
            text = "(left empty by the source)"
        elif isinstance(value, ox.NamedNode):
            text = self.term(value).label
        elif value is not None:
            text = _num(value_of(value)) if _is_number(value) else value_of(value)
            if qualifier:
                text = f"{qualifier} {text}"
            elif approx:
                text = f"about {text}"
            elif span and span != text:
                text = f"{text} ({span})"
        elif qualifier:
            text = f"{qualifier} ({span})"
        else:
            text = f"about {span}" if approx else str(span)
        unit = row.get("unit")
        if isinstance(unit, ox.NamedNode):
            text += " " + self.term(unit).label
        return text

    _CLAIM_FIELDS = """
        ?claim kgo:property ?prop ; kgo:statedIn ?source ; kgo:quote ?quote ; kgo:subject ?subject ;
               oa:hasTarget/oa:hasSelector ?pos .
        ?pos oa:start ?start ; oa:end ?end .
        OPTIONAL { ?claim kgo:value ?value }
        OPTIONAL { ?claim kgo:lowerBound ?lower }
        OPTIONAL { ?claim kgo:upperBound ?upper }
        OPTIONAL { ?claim kgo:approximate ?approx }
        OPTIONAL { ?claim kgo:qualifier ?qualifier }
        OPTIONAL { ?claim kgo:unit ?unit }
        OPTIONAL { ?claim kgo:claimSide ?side }
        OPTIONAL { ?claim kgo:scope ?scope }
    """

    @cached_property
    def _verdicts(self) -> dict[str, dict[str, list[str]]]:
        """Claim -> "Agreement" / "Disagreement" -> the claims it was compared with."""
        verdicts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for r in self._select("""SELECT ?a ?b ?kind WHERE { ?c kgo:comparedClaim ?a , ?b . FILTER(?a != ?b)
                                  ?c a ?kind . VALUES ?kind { kgo:Agreement kgo:Disagreement } }"""):
            verdicts[value_of(r["a"])][value_of(r["kind"]).rsplit("#", 1)[-1]].append(value_of(r["b"]))
        return verdicts

    def _claim_rows(self, where: str, **bindings: ox.NamedNode) -> list[ClaimRow]:
        rows = self._select(f"SELECT * WHERE {{ {where} {self._CLAIM_FIELDS} }}", **bindings)
        verdicts = self._verdicts
        out = []
        seen = set()
        for r in rows:
            iri = value_of(r["claim"])
            if iri in seen:
                continue
            seen.add(iri)
            src = self.term(r["source"])
            out.append(ClaimRow(
                iri=iri, url=local_path(iri) or iri, prop=self.term(r["prop"]), value=self._value_text(r),
                side=self.term(r["side"]) if r.get("side") is not None else None,
                scope=value_of(r["scope"]) if r.get("scope") is not None else None,
                source=src, quote=value_of(r["quote"]),
                reader_url=f"{src.url}?claim={iri.rsplit('/', 1)[-1]}#claim-{iri.rsplit('/', 1)[-1]}",
                conflicts=tuple(sorted(verdicts.get(iri, {}).get("Disagreement", ()))),
                agrees=tuple(sorted(verdicts.get(iri, {}).get("Agreement", ()))),
            ))
        return out

    # --- pages -------------------------------------------------------------------------------------

    def entity(self, iri: str) -> EntityView:
        node = ox.NamedNode(iri)
        view = EntityView(self.term(node))
        for r in self._select("""SELECT ?p ?l WHERE {
                                   VALUES ?p { skos:prefLabel rdfs:label skos:altLabel } ?e ?p ?l }""", e=node):
            label_prop = value_of(r["p"]).rsplit("#", 1)[-1]
            kind = {"prefLabel": "preferred", "label": "label", "altLabel": "alias"}[label_prop]
            lit = _literal(r["l"])
            view.labels.append((lit.language or "", lit.value, kind))
        by_text: dict[tuple[str, str], str] = {}
        for lang, text, kind in view.labels:  # one row per name: preferred > label > alias
            order = {"preferred": 0, "label": 1, "alias": 2}
            key = (lang, text)
            if key not in by_text or order[kind] < order[by_text[key]]:
                by_text[key] = kind
        view.labels = sorted(((lang, text, kind) for (lang, text), kind in by_text.items()),
                             key=lambda x: (x[0] != "en", x[0], {"preferred": 0, "label": 1, "alias": 2}[x[2]], x[1]))
        types: dict[str, bool] = {}
        for q in self.store.quads_for_pattern(node, ox.NamedNode(RDF_TYPE), None):
            inferred = q.graph_name == INFERRED
            types[value_of(q.object)] = types.get(value_of(q.object), True) and inferred
        for t_iri, inferred in sorted(types.items(), key=lambda kv: (kv[1], self.labels.get(kv[0], kv[0]))):
            t_node = ox.NamedNode(t_iri)
            view.types.append((self.term(t_node), inferred,
                               self.explain(node, ox.NamedNode(RDF_TYPE), t_node) if inferred else None))
        for r in self._select("""SELECT ?w ?ev ?st WHERE { OPTIONAL { ?e skos:exactMatch ?w
                                   FILTER(STRSTARTS(STR(?w), "http://www.wikidata.org/entity/")) }
                                   OPTIONAL { ?e kgo:wikidataEvidence ?ev } OPTIONAL { ?e kgo:reconciliation ?st } }""",
                              e=node):
            view.wikidata = value_of(r["w"]) if r.get("w") is not None else None
            view.wikidata_evidence = value_of(r["ev"]) if r.get("ev") is not None else None
            view.reconciliation = value_of(r["st"]) if r.get("st") is not None else None
        for r in self._select("""SELECT ?lat ?lon ?ev WHERE { ?e schema:latitude ?lat ; schema:longitude ?lon .
                                   OPTIONAL { ?e kgo:coordinatesEvidence ?ev } }""", e=node):
            view.coordinates = (value_of(r["lat"]), value_of(r["lon"]),
                                value_of(r["ev"]) if r.get("ev") is not None else None)
        view.outgoing = self._relations(node, outgoing=True)
        view.incoming = self._relations(node, outgoing=False)
        rows = self._claim_rows(
            "?claim kgo:subject ?e . FILTER NOT EXISTS { ?claim kgo:value ?v . FILTER(isIRI(?v)) }", e=node)
        groups: dict[str, list[ClaimRow]] = defaultdict(list)
        for row in rows:
            groups[row.prop.label].append(row)
        view.claim_groups = [
            (name, sorted(items, key=lambda r: ((r.side.label if r.side else ""), r.value, r.source.label)))
            for name, items in sorted(groups.items())
        ]
        for r in self._select("""SELECT ?src (COUNT(?m) AS ?n) (MIN(STR(?m)) AS ?first) WHERE {
                                   ?m a kgo:Mention ; oa:hasBody ?e ; oa:hasTarget/oa:hasSource ?src }
                                 GROUP BY ?e ?src ORDER BY ?src""", e=node):
            src = self.term(r["src"])
            first = value_of(r["first"]).rsplit("/", 1)[-1]
            view.mentions.append((src, int(value_of(r["n"])), f"{src.url}?mention={first}#mention-{first}"))
        return view

    def _relations(self, node: ox.NamedNode, *, outgoing: bool) -> list[Relation]:
        quads = (self.store.quads_for_pattern(node, None, None) if outgoing
                 else self.store.quads_for_pattern(None, None, node))
        found: dict[tuple[str, str, str], dict[str, bool]] = {}
        for q in quads:
            other = q.object if outgoing else q.subject
            if not isinstance(other, ox.NamedNode) or not other.value.startswith(ENTITY_BASE):
                continue
            if q.predicate.value == RDF_TYPE or not q.predicate.value.startswith(ONTOLOGY_BASE):
                continue
            key = (value_of(q.subject), q.predicate.value, value_of(q.object))
            flags = found.setdefault(key, {"inferred": True, "curated": False})
            if q.graph_name != INFERRED:
                flags["inferred"] = False
            if q.graph_name == ENTITIES:
                flags["curated"] = True
        relations = []
        for (s, p, o), flags in found.items():
            s_node, p_node, o_node = ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o)
            claims = tuple(self._claim_rows("?claim kgo:subject ?s ; kgo:property ?p ; kgo:value ?o .",
                                            s=s_node, p=p_node, o=o_node))
            relations.append(Relation(self.term(s_node), self.term(p_node), self.term(o_node if outgoing else s_node),
                                      flags["inferred"], flags["curated"], claims,
                                      self.explain(s_node, p_node, o_node) if flags["inferred"] else None))
        relations.sort(key=lambda r: (r.inferred, r.prop.label, r.target.label))
        return relations

    def claim(self, iri: str) -> ClaimView | None:
        node = ox.NamedNode(iri)
        rows = self._claim_rows("", claim=node)
        if not rows:
            return None
        row = rows[0]
        r = self._select("""SELECT ?kind ?rule ?start ?end ?subject ?page WHERE { ?c a ?kind ; kgo:subject ?subject ;
                 oa:hasTarget ?t . ?t oa:hasSelector ?pos . ?pos oa:start ?start ; oa:end ?end .
                 OPTIONAL { ?c kgo:extractionRule ?rule } OPTIONAL { ?t schema:pagination ?page }
                 FILTER(?kind IN (kgo:QuantityClaim, kgo:DateClaim, kgo:RelationClaim, kgo:TextClaim)) }""", c=node)
        kind = value_of(r[0]["kind"]).rsplit("#", 1)[-1] if r else "Claim"
        details = []
        if row.side:
            details.append(("side", row.side.label))
        if row.scope:
            details.append(("scope", row.scope))
        for d in self._select("""SELECT ?p ?v WHERE { VALUES ?p { kgo:sideLabel kgo:missingField kgo:datePrecision }
                                  ?c ?p ?v }""", c=node):
            details.append((self.term(d["p"]).label, value_of(d["v"])))
        comparisons = []
        for c in self._select("""SELECT ?cmp ?kind ?note WHERE { ?cmp kgo:comparedClaim ?c ; a ?kind ;
                                   kgo:comparisonNote ?note . VALUES ?kind { kgo:Agreement kgo:Disagreement } }""",
                              c=node):
            others = []
            for o in self._select("SELECT ?o WHERE { ?cmp kgo:comparedClaim ?o FILTER(?o != ?c) }",
                                  cmp=_iri(c["cmp"]), c=node):
                other = self._claim_rows("", claim=_iri(o["o"]))
                others.append(Term(value_of(o["o"]), f"{other[0].value} ({other[0].source.label})" if other
                                   else self.term(o["o"]).label, local_path(value_of(o["o"]))))
            comparisons.append(("agrees" if value_of(c["kind"]).endswith("Agreement") else "disagrees",
                                value_of(c["note"]), others))
        start = int(value_of(r[0]["start"])) if r else 0
        end = int(value_of(r[0]["end"])) if r else 0
        return ClaimView(
            claim=self.term(node), kind=kind, subject=self.term(r[0]["subject"]) if r else Term("", ""),
            prop=row.prop, value=row.value, details=details, source=row.source, quote=row.quote,
            start=start, end=end, reader_url=row.reader_url,
            rule=self.term(r[0]["rule"]) if r and r[0].get("rule") is not None else None,
            comparisons=sorted(comparisons, key=lambda c: (c[0], c[1])),
            page=value_of(r[0]["page"]) if r and r[0].get("page") is not None else None,
        )

    def sources(self) -> list[tuple[Term, list[tuple[str, str]]]]:
        out = []
        for r in self._select("SELECT ?s WHERE { ?s a kgo:SourceDocument } ORDER BY ?s"):
            out.append((self.term(r["s"]), self._metadata(_iri(r["s"]))))
        return out

    def _metadata(self, node: ox.NamedNode) -> list[tuple[str, str]]:
        meta = []
        for r in self._select("""SELECT ?p ?v WHERE { VALUES ?p { schema:genre schema:publisher schema:author
                                   schema:datePublished schema:inLanguage schema:license schema:url schema:identifier
                                   schema:description } ?s ?p ?v } ORDER BY ?p ?v""", s=node):
            meta.append((value_of(r["p"]).rsplit("/", 1)[-1], value_of(r["v"])))
        return meta

    def source(self, iri: str, text: str | None, problem: str | None = None) -> SourceView:
        node = ox.NamedNode(iri)
        spans = []
        for r in self._select("""SELECT ?x ?kind ?start ?end ?body ?prop WHERE {
                 ?x oa:hasTarget ?t . ?t oa:hasSource ?src ; oa:hasSelector ?pos . ?pos oa:start ?start ; oa:end ?end .
                 { ?x a kgo:Mention ; oa:hasBody ?body . BIND("mention" AS ?kind) }
                 UNION { ?x a kgo:Claim ; kgo:property ?prop . BIND("claim" AS ?kind) } }""", src=node):
            x = value_of(r["x"])
            start, end = int(value_of(r["start"])), int(value_of(r["end"]))
            if value_of(r["kind"]) == "mention":
                body = self.term(r["body"])
                spans.append(Span(start, end, "mention", x, body.url or "", f"mention of {body.label}"))
            else:
                spans.append(Span(start, end, "claim", x, local_path(x) or x, f"claim: {self.term(r['prop']).label}"))
        spans.sort(key=lambda s: (s.start, -s.end, s.kind, s.iri))
        return SourceView(self.term(node), self._metadata(node), text, spans, problem, self.original(iri))

    # The bound variable (?src or ?name) is added to the projection by _select.
    _ORIGINAL = """SELECT ?fmt ?media ?sha {} WHERE {{ ?src prov:wasDerivedFrom ?o . ?o schema:name ?name ;
                   kgo:importFormat ?fmt ; schema:encodingFormat ?media ; schema:sha256 ?sha }}"""

    def original(self, iri: str) -> OriginalFile | None:
        """The original a source was imported from; None for a document written in the corpus format."""
        rows = self._select(self._ORIGINAL.format("?name"), src=ox.NamedNode(iri))
        return _original_file(rows[0]) if rows else None

    def original_named(self, name: str) -> OriginalFile | None:
        """The recorded original of this file name, if a source was imported from it."""
        rows = self._select(self._ORIGINAL.format(""), name=ox.Literal(name))
        return _original_file(rows[0]) if rows else None

    def source_file(self, iri: str) -> tuple[str | None, str | None]:
        """(file name, sha256) of a source document, as the build recorded them."""
        r = self._select("SELECT ?id ?sha WHERE { ?s schema:identifier ?id . OPTIONAL { ?s schema:sha256 ?sha } }",
                         s=ox.NamedNode(iri))
        if not r:
            return None, None
        return value_of(r[0]["id"]), value_of(r[0]["sha"]) if r[0].get("sha") is not None else None

    # --- views ------------------------------------------------------------------------------------

    def neighbourhood(self, iri: str) -> dict[str, list[dict[str, object]]]:
        node = ox.NamedNode(iri)
        nodes = {iri: self._node(node)}
        edges: dict[tuple[str, str, str], bool] = {}
        for q in [*self.store.quads_for_pattern(node, None, None), *self.store.quads_for_pattern(None, None, node)]:
            s, p, o = q.subject, q.predicate, q.object
            # Only IRIs start with ENTITY_BASE: a blank node's id never does.
            if not (isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode)
                    and s.value.startswith(ENTITY_BASE) and o.value.startswith(ENTITY_BASE)):
                continue
            if not p.value.startswith(ONTOLOGY_BASE) or s == o:
                continue
            key = (s.value, p.value, o.value)
            edges[key] = edges.get(key, True) and q.graph_name == INFERRED
            for n in (s, o):
                nodes.setdefault(n.value, self._node(n))
        return {"nodes": sorted(nodes.values(), key=lambda n: str(n["id"])),
                "edges": [{"source": s, "target": o, "label": self.term(ox.NamedNode(p)).label, "inferred": inf}
                          for (s, p, o), inf in sorted(edges.items())]}

    def _node(self, node: ox.NamedNode) -> dict[str, object]:
        kinds = [value_of(q.object) for q in self.store.quads_for_pattern(node, ox.NamedNode(RDF_TYPE), None, ENTITIES)]
        kind = self.term(ox.NamedNode(min(kinds))).label if kinds else "entity"
        term = self.term(node)
        return {"id": node.value, "label": term.label, "type": kind, "url": term.url}

    def result_graph(self, rows: list[tuple[str, str, str]], around: str | None) -> dict[str, list[dict[str, object]]]:
        """Nodes and edges of (subject, predicate, object) result rows, plus the neighbourhood of ``around``."""
        graph = self.neighbourhood(around) if around and self.exists(around) else {"nodes": [], "edges": []}
        nodes = {str(n["id"]): n for n in graph["nodes"]}
        edges = {(e["source"], e["label"], e["target"]): e for e in graph["edges"]}
        for s, p, o in rows:
            if not (s.startswith(ENTITY_BASE) and o.startswith(ENTITY_BASE)):
                continue
            for n in (s, o):
                nodes.setdefault(n, self._node(ox.NamedNode(n)))
            label = self.term(ox.NamedNode(p)).label
            inferred = not self._asserted(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o))
            edges.setdefault((s, label, o), {"source": s, "target": o, "label": label, "inferred": inferred})
        return {"nodes": sorted(nodes.values(), key=lambda n: str(n["id"])),
                "edges": [edges[k] for k in sorted(edges)]}

    def timeline(self) -> list[TimelineEvent]:
        """Events with the dates the sources give: earliest start and latest end over all claims."""
        events: dict[str, TimelineEvent] = {}
        sources: dict[str, set[str]] = defaultdict(set)
        for r in self._select("""SELECT ?e ?p ?date ?src WHERE { ?c a kgo:DateClaim ; kgo:subject ?e ; kgo:property ?p ;
                                   kgo:value ?date ; kgo:statedIn ?src }"""):
            e = value_of(r["e"])
            # "sources" is counted from the set below once every claim is read.
            ev = events.setdefault(e, {"iri": e, "label": self.term(r["e"]).label, "url": local_path(e),
                                       "start": None, "end": None, "sources": 0})
            date, prop = value_of(r["date"]), value_of(r["p"]).rsplit("#", 1)[-1]
            sources[e].add(value_of(r["src"]))
            if prop in ("startTime", "pointInTime") and (ev["start"] is None or date < ev["start"]):
                ev["start"] = date
            if prop in ("endTime",) and (ev["end"] is None or date > ev["end"]):
                ev["end"] = date
        out = []
        for e, ev in events.items():
            ev["sources"] = len(sources[e])
            out.append(ev)
        return sorted(out, key=lambda e: (e["start"] or e["end"] or "9999", e["label"]))

    def places(self) -> list[Place]:
        out: list[Place] = []
        for r in self._select("""SELECT ?p ?lat ?lon ?type WHERE { ?p schema:latitude ?lat ; schema:longitude ?lon .
                                   OPTIONAL { GRAPH ?g { ?p a ?type } FILTER(?g = ?entities) } } ORDER BY ?p""",
                              entities=ENTITIES):
            term = self.term(r["p"])
            out.append({"iri": term.value, "label": term.label, "url": term.url,
                        "type": self.term(r["type"]).label if r.get("type") is not None else "place",
                        "lat": float(value_of(r["lat"])), "lon": float(value_of(r["lon"]))})
        return out


def _is_number(lit: object) -> bool:
    return isinstance(lit, ox.Literal) and lit.datatype is not None and lit.datatype.value.endswith(
        ("#integer", "#decimal", "#double"))


def _num(text: str) -> str:
    try:
        if "." in text:
            value = float(text)
            return f"{value:,.2f}".rstrip("0").rstrip(".")
        return f"{int(text):,}"
    except ValueError:
        return text




@dataclass(frozen=True)
class Segment:
    """A run of a source's text covered by the same spans, ready to be rendered."""

    text: str
    spans: tuple[Span, ...]  # innermost first
    anchors: tuple[str, ...]  # ids of the spans that begin here
    selected: bool
    page: str | None = None  # the page of the original (a PDF) that begins here


def _original_file(row: _Row) -> OriginalFile:
    return OriginalFile(value_of(row["name"]), value_of(row["fmt"]), value_of(row["media"]), value_of(row["sha"]))


def anchor_id(span: Span) -> str:
    return f"{span.kind}-{span.iri.rsplit('/', 1)[-1]}"


def segments(text: str, spans: list[Span], selected: str | None = None,
             pages: tuple[tuple[int, str], ...] = ()) -> list[Segment]:
    """Cut ``text`` at every span boundary, so overlapping and nested spans can all be highlighted, and
    where each page of the original begins."""
    valid = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    page_at = {start: label for start, label in pages if 0 <= start < len(text)}
    cuts = sorted({0, len(text), *(s.start for s in valid), *(s.end for s in valid), *page_at})
    starts: dict[int, list[Span]] = defaultdict(list)
    for s in valid:
        starts[s.start].append(s)
    out = []
    for a, b in itertools.pairwise(cuts):
        covering = sorted((s for s in valid if s.start <= a and b <= s.end), key=lambda s: (s.end - s.start, s.kind))
        out.append(Segment(text[a:b], tuple(covering), tuple(anchor_id(s) for s in starts.get(a, [])),
                           any(anchor_id(s) == selected for s in covering), page_at.get(a)))
    return out
