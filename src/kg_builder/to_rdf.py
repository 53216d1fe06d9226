"""Stage 4: entities, sources, mentions and claims as RDF, in named graphs.

* ``kg:graph/entities``: entities (types, labels, aliases, curated relations), source documents,
  extraction rules and units.
* ``kg:graph/source/<doc>``: what one source states: its claims (each with its quote, its
  TextQuoteSelector and TextPositionSelector, and its rule), its mentions, and the direct ("truthy")
  triples of its relation claims, so simple queries stay simple.
* ``kg:graph/analysis``: where claims of different sources agree or conflict.

Claims are modelled after Wikidata statements: subject, property, value, qualifiers (side, scope),
and a reference (stated in, quotation).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import lru_cache

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

from .models import (
    Claim,
    Comparison,
    DateValue,
    Document,
    Entity,
    EntityValue,
    Mention,
    Original,
    Quantity,
    TextValue,
)
from .namespaces import (
    KG,
    KGO,
    OA,
    SCHEMA,
    claim_iri,
    entity_iri,
    mention_iri,
    rule_iri,
    short_hash,
    source_iri,
    span_iri,
    unit_iri,
)
from .triples import Triples

__all__ = ["analysis_graph", "claim_id", "comparison_iri", "entities_graph", "new_graph", "source_graph_for"]

# Object properties whose claims also appear as direct triples.
_DIRECT = {"participant", "combatant", "commander", "partOf", "location", "locatedIn", "memberOf",
           "namedAfter", "winner", "result", "recapturedDuring"}
_QUOTE_CONTEXT = 32
_TYPE = RDF.type  # looked up once: rdflib's RDF namespace answers every lookup in Python, 250,000 a large build
# The media type of each format kg add reads (schema:encodingFormat of a source's original).
ORIGINAL_MEDIA_TYPES = {"pdf": "application/pdf", "wikipedia-html": "text/html", "web-page": "text/html",
                        "mediawiki-xml": "application/xml", "wikitext": "text/x-wiki", "markdown": "text/markdown",
                        "text": "text/plain"}


def new_graph(identifier: URIRef) -> Triples:
    """An empty named graph to build."""
    return Triples(identifier)


def claim_id(c: Claim) -> URIRef:
    """The stable IRI of a claim: its source, plus a hash of subject, property, value and span."""
    return claim_iri(c.doc_id, c.subject, c.property, repr(c.value), c.side, c.side_number, c.start, c.end)


def _number(d: Decimal) -> Literal:
    if d == d.to_integral_value():
        return Literal(int(d), datatype=XSD.integer)
    return Literal(d.normalize(), datatype=XSD.decimal)


def _date(v: DateValue) -> Literal:
    return Literal(v.lexical, datatype=XSD[v.datatype])


@lru_cache(maxsize=65_536)
def _offset(n: int) -> Literal:
    """A character offset; made once per value, as a large build writes the same offsets many times."""
    # xsd:integer (not oa:'s xsd:nonNegativeInteger, the same values): an Oxigraph store, which the
    # server runs, keeps a number by its value as xsd:integer, so the files and the answers agree.
    return Literal(n, datatype=XSD.integer)


def _span(g: Triples, node: URIRef, doc: Document, start: int, end: int) -> None:
    """Attach the W3C Web Annotation target of a span: its source and both selectors. The target is
    the span's own resource, shared by every claim and mention of those characters, so a span said
    twice is described once (one target per annotation was 11 more triples each time)."""
    target = span_iri(doc.doc_id, start, end)
    quote = URIRef(f"{target}#quote")
    position = URIRef(f"{target}#position")
    g.add((node, OA.hasTarget, target))
    if (target, _TYPE, OA.SpecificResource) in g:  # described already, for another claim or mention
        return
    g.add((target, _TYPE, OA.SpecificResource))
    g.add((target, OA.hasSource, source_iri(doc.doc_id)))
    g.add((target, OA.hasSelector, quote))
    g.add((target, OA.hasSelector, position))
    g.add((quote, _TYPE, OA.TextQuoteSelector))
    g.add((quote, OA.exact, Literal(doc.text[start:end])))
    prefix = doc.text[max(0, start - _QUOTE_CONTEXT):start]
    suffix = doc.text[end:end + _QUOTE_CONTEXT]
    if prefix:
        g.add((quote, OA.prefix, Literal(prefix)))
    if suffix:
        g.add((quote, OA.suffix, Literal(suffix)))
    g.add((position, _TYPE, OA.TextPositionSelector))
    g.add((position, OA.start, _offset(start)))
    g.add((position, OA.end, _offset(end)))
    page = doc.page_of(start, end)
    if page is not None:  # the page of the original (a PDF) that the words are on
        g.add((target, SCHEMA.pagination, Literal(page)))


def _entity(g: Triples, e: Entity) -> None:
    node = entity_iri(e.key)
    for t in e.types:
        g.add((node, _TYPE, KGO[t]))
    g.add((node, RDFS.label, Literal(e.label, lang="en")))
    g.add((node, SKOS.prefLabel, Literal(e.label, lang="en")))
    for alias in e.aliases:
        g.add((node, SKOS.altLabel, Literal(alias, lang="en")))
    seen_lang: set[str] = set()
    for lang, label in e.labels:
        # the first name in a language is its label, further ones are alternatives
        g.add((node, SKOS.altLabel if lang in seen_lang else RDFS.label, Literal(label, lang=lang)))
        seen_lang.add(lang)
    if e.wikidata:
        g.add((node, SKOS.exactMatch, URIRef(f"http://www.wikidata.org/entity/{e.wikidata}")))
        g.add((node, KGO.reconciliation, Literal("confirmed")))
        if e.wikidata_evidence:
            g.add((node, KGO.wikidataEvidence, Literal(e.wikidata_evidence)))
    else:
        g.add((node, KGO.reconciliation, Literal("not yet reconciled")))
    if e.coordinates:
        lat, lon = e.coordinates
        g.add((node, SCHEMA.latitude, Literal(Decimal(f"{lat:.4f}"), datatype=XSD.decimal)))
        g.add((node, SCHEMA.longitude, Literal(Decimal(f"{lon:.4f}"), datatype=XSD.decimal)))
        if e.coordinates_evidence:
            g.add((node, KGO.coordinatesEvidence, Literal(e.coordinates_evidence)))
    if e.geonames is not None:
        # A gazetteer's place of the same name and class (see the note by kgo:coordinatesEvidence in kg.ttl).
        g.add((node, SKOS.closeMatch, URIRef(f"https://sws.geonames.org/{e.geonames}/")))
    for prop, target in e.relations:
        g.add((node, KGO[prop], entity_iri(target)))
    for address in e.articles:
        # As Wikidata writes a sitelink: the article is about the entity, and part of its wiki.
        article = URIRef(address)
        g.add((article, _TYPE, SCHEMA.Article))
        g.add((article, SCHEMA.about, node))
        g.add((article, SCHEMA.isPartOf, URIRef(address.split("/wiki/", 1)[0] + "/")))


_SUPPLIED_TITLE = "The title was supplied by the cataloguer; the document has none."


def _source_document(g: Triples, d: Document) -> None:
    node = source_iri(d.doc_id)
    m = d.meta
    g.add((node, _TYPE, KGO.SourceDocument))
    g.add((node, _TYPE, KGO.EncyclopediaArticle if m.kind == "encyclopedia" else KGO.NewsArticle))
    g.add((node, SCHEMA.name, Literal(m.title)))
    g.add((node, RDFS.label, Literal(m.title, lang=m.language)))
    g.add((node, SCHEMA.inLanguage, Literal(m.language)))
    g.add((node, SCHEMA.identifier, Literal(d.path.rsplit("/", 1)[-1])))
    g.add((node, SCHEMA.genre, Literal(m.kind)))
    g.add((node, SCHEMA.sha256, Literal(short_hash(d.text, length=64))))
    if m.title_supplied:
        g.add((node, SCHEMA.description, Literal(_SUPPLIED_TITLE)))
    for prop, text in ((SCHEMA.publisher, m.publisher), (SCHEMA.author, m.author), (SCHEMA.license, m.licence)):
        if text:
            g.add((node, prop, Literal(text)))
    if m.published:
        kind = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}[len(m.published)]
        g.add((node, SCHEMA.datePublished, Literal(m.published, datatype=kind)))
    if m.url:
        g.add((node, SCHEMA.url, URIRef(m.url)))  # checked as an RFC 3987 IRI when the sidecar was read
    if m.wikidata:
        g.add((node, SCHEMA.about, URIRef(f"http://www.wikidata.org/entity/{m.wikidata}")))
    if m.original is not None:
        _original(g, node, m.original, m.url)


def _original(g: Triples, node: URIRef, o: Original, url: str | None) -> None:
    """The file the document was imported from: its format, name, hash, address and revision."""
    original = URIRef(f"{node}#original")
    g.add((node, PROV.wasDerivedFrom, original))
    g.add((original, _TYPE, SCHEMA.MediaObject))
    g.add((original, _TYPE, PROV.Entity))
    g.add((original, SCHEMA.name, Literal(o.file.rsplit("/", 1)[-1])))
    g.add((original, SCHEMA.encodingFormat, Literal(ORIGINAL_MEDIA_TYPES.get(o.format, "application/octet-stream"))))
    g.add((original, KGO.importFormat, Literal(o.format)))
    g.add((original, SCHEMA.sha256, Literal(o.sha256)))
    if url:
        g.add((original, SCHEMA.contentUrl, URIRef(url)))
    if o.revision:
        g.add((original, SCHEMA.version, Literal(o.revision)))
    if o.revision_timestamp:
        g.add((original, SCHEMA.dateModified, Literal(o.revision_timestamp)))


def entities_graph(entities: Iterable[Entity], documents: Iterable[Document], rules: Iterable[str],
                   units: Iterable[str], identifier: URIRef) -> Triples:
    """The entity layer and the catalogue of sources, rules and units."""
    g = new_graph(identifier)
    for e in entities:
        _entity(g, e)
    for d in documents:
        _source_document(g, d)
    for r in rules:
        node = rule_iri(r)
        g.add((node, _TYPE, KGO.ExtractionRule))
        g.add((node, _TYPE, PROV.Plan))
        g.add((node, RDFS.label, Literal(r)))
    for u in units:
        node = unit_iri(u)
        g.add((node, _TYPE, KGO.UnitOfCount))
        g.add((node, RDFS.label, Literal(u, lang="en")))
    return g


def _mention(g: Triples, doc: Document, m: Mention) -> None:
    node = mention_iri(doc.doc_id, m.start, m.end)
    g.add((node, _TYPE, KGO.Mention))
    g.add((node, _TYPE, OA.Annotation))
    g.add((node, OA.motivatedBy, OA.identifying))
    g.add((node, OA.hasBody, entity_iri(m.key)))
    g.add((node, KGO.extractionRule, rule_iri(m.rule)))
    _span(g, node, doc, m.start, m.end)
    g.add((entity_iri(m.key), KGO.mentionedIn, source_iri(doc.doc_id)))


def _quantity(g: Triples, node: URIRef, v: Quantity) -> None:
    if v.amount is not None:
        g.add((node, KGO.value, _number(v.amount)))
        g.add((node, KGO.amount, _number(v.amount)))
    if v.lower is not None:
        g.add((node, KGO.lowerBound, _number(v.lower)))
    if v.upper is not None:
        g.add((node, KGO.upperBound, _number(v.upper)))
    g.add((node, KGO.approximate, Literal(v.approximate)))
    if v.qualifier:
        g.add((node, KGO.qualifier, Literal(v.qualifier)))
    if v.unit:
        g.add((node, KGO.unit, unit_iri(v.unit)))


def _claim_value(g: Triples, node: URIRef, c: Claim) -> None:
    """The value of a claim; for a relation, also the direct ("truthy") triple."""
    v = c.value
    if isinstance(v, (EntityValue, TextValue)):
        value = entity_iri(v.key) if isinstance(v, EntityValue) else Literal(v.text)
        g.add((node, KGO.value, value))
        if c.property in _DIRECT:
            g.add((entity_iri(c.subject), KGO[c.property], value))
    elif isinstance(v, DateValue):
        g.add((node, KGO.value, _date(v)))
        g.add((node, KGO.datePrecision, Literal(v.precision, datatype=XSD.integer)))
    elif isinstance(v, Quantity):
        _quantity(g, node, v)
    else:
        g.add((node, _TYPE, KGO.MissingValue))


def _claim(g: Triples, doc: Document, c: Claim) -> None:
    node = claim_id(c)
    src = source_iri(doc.doc_id)
    g.add((node, _TYPE, KGO.Claim))
    g.add((node, _TYPE, KGO[c.kind]))
    if not c.typed:
        g.add((node, _TYPE, KGO.UntypedClaim))
    g.add((node, KGO.subject, entity_iri(c.subject)))
    g.add((node, KGO.property, KGO[c.property]))
    g.add((node, KGO.statedIn, src))
    g.add((node, PROV.wasDerivedFrom, src))
    g.add((node, KGO.quote, Literal(doc.text[c.start:c.end])))
    g.add((node, KGO.extractionRule, rule_iri(c.rule)))
    _span(g, node, doc, c.start, c.end)
    _claim_value(g, node, c)
    if c.side:
        g.add((node, KGO.claimSide, entity_iri(c.side)))
    for member in c.side_members:
        g.add((node, KGO.sideMember, entity_iri(member)))
    if c.side_evidence:
        g.add((node, KGO.sideEvidence, Literal(c.side_evidence)))
    if c.side_number is not None:
        g.add((node, KGO.sideNumber, Literal(c.side_number, datatype=XSD.integer)))
    for prop, text in ((KGO.missingField, c.missing_field), (KGO.sideLabel, c.side_label), (KGO.scope, c.scope),
                       (KGO.qualifier, c.qualifier)):
        if text:
            g.add((node, prop, Literal(text)))


def source_graph_for(doc: Document, claims: Iterable[Claim], mentions: Iterable[Mention],
                     identifier: URIRef) -> Triples:
    """What one source states: claims with provenance, mentions, and direct triples."""
    g = new_graph(identifier)
    for m in mentions:
        _mention(g, doc, m)
    for c in claims:
        _claim(g, doc, c)
    return g


def comparison_iri(cmp: Comparison, ids: Callable[[Claim], URIRef] = claim_id) -> URIRef:
    """The stable IRI of a comparison: a hash of the claims it compares and of those it rests on."""
    compared = sorted({ids(c) for c in cmp.compared})
    return KG[f"comparison/{short_hash(*compared, *(ids(x) for x in cmp.also))}"]


def analysis_graph(comparisons: Iterable[Comparison], identifier: URIRef) -> Triples:
    """Agreements and disagreements between claims of different sources.

    A comparison of two claims links them both ways with ``kgo:corroborates`` or ``kgo:conflictsWith``,
    and links each claim of the same value as one of them (``with_first``, ``with_second``) with the
    other. An agreement group of more than two claims (one value, many sources) names every claim with
    ``kgo:comparedClaim`` but links each only to the group's first claim: linking every pair would
    make 300 sources of one figure 89,700 triples, where the group says the same with 598.
    """
    g = new_graph(identifier)
    known: dict[Claim, URIRef] = {}

    def ids(c: Claim) -> URIRef:
        # a claim's IRI is a hash of all it states; a claim of a large group is named many times
        if c not in known:
            known[c] = claim_id(c)
        return known[c]

    for cmp in comparisons:
        node = comparison_iri(cmp, ids)
        g.add((node, _TYPE, KGO.Comparison))
        g.add((node, _TYPE, KGO.Agreement if cmp.agree else KGO.Disagreement))
        for claim in cmp.compared:
            g.add((node, KGO.comparedClaim, ids(claim)))
        for a_claim in (*cmp.compared, *cmp.also):
            # every claim the verdict rests on, the end date of a duration check included
            g.add((node, PROV.wasDerivedFrom, ids(a_claim)))
        g.add((node, KGO.comparisonNote, Literal(cmp.note)))
        prop = KGO.corroborates if cmp.agree else KGO.conflictsWith
        for a, b in _direct_links(cmp):
            g.add((ids(a), prop, ids(b)))
            g.add((ids(b), prop, ids(a)))
    return g


def _direct_links(cmp: Comparison) -> Iterable[tuple[Claim, Claim]]:
    """The pairs of claims a verdict links directly: the first claim with every other it compares,
    and each claim that shares the value of one compared claim with the other (never within a source)."""
    for other in cmp.compared[1:]:
        yield cmp.first, other
    for same, rival in ((cmp.with_first, cmp.second), (cmp.with_second, cmp.first)):
        yield from ((c, rival) for c in same if c.doc_id != rival.doc_id)
