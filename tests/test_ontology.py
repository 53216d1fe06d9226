"""The ontology (ontology/kg.ttl) and the SHACL shapes (ontology/shapes.ttl).

* kg.ttl defines exactly the terms of the ``KGO`` closed namespace, each with an English label and
  comment;
* shapes.ttl is valid SHACL: a small well-formed graph conforms, broken ones do not;
* OWL-RL over the ontology gives the inferences the builder relies on, and never writes triples
  with a Wikidata (wdt:) predicate.
"""

from __future__ import annotations

from pathlib import Path

import owlrl
import pyshacl
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg_builder.namespaces import KGO, SCHEMA, WD, WDT

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_TTL = ROOT / "ontology" / "kg.ttl"
SHAPES_TTL = ROOT / "ontology" / "shapes.ttl"
ONTOLOGY_IRI = URIRef("https://w3id.org/kg-builder/ontology")

EX = Namespace("http://example.org/")
ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")  # where owlrl writes inconsistencies

PREFIXES = """
@prefix kgo:    <https://w3id.org/kg-builder/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix oa:     <http://www.w3.org/ns/oa#> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix ex:     <http://example.org/> .
"""

# A small graph that satisfies every shape: a source, an entity, a mention, a quantity claim, a date
# claim and a claim recording a missing field.
CONFORMING = (
    PREFIXES
    + """
ex:doc a kgo:EncyclopediaArticle ;
    schema:name "Battle of Khorramshahr (1982)" ;
    schema:inLanguage "en" ;
    schema:url <https://en.wikipedia.org/wiki/Battle_of_Khorramshahr_(1982)> .

ex:battle a kgo:Battle ;
    rdfs:label "Second Battle of Khorramshahr"@en , "آزادسازی خرمشهر"@fa .
ex:iraq a kgo:Country ; rdfs:label "Iraq"@en .
ex:rule a kgo:ExtractionRule .
ex:casualties-rule a kgo:ExtractionRule .
ex:troops a kgo:UnitOfCount .

ex:mention a kgo:Mention ;
    oa:hasBody ex:battle ;
    oa:hasTarget [ oa:hasSource ex:doc ;
                   oa:hasSelector ex:m-pos , ex:m-quote ] .
ex:m-pos a oa:TextPositionSelector ; oa:start "2"^^xsd:integer ; oa:end "30"^^xsd:integer .
ex:m-quote a oa:TextQuoteSelector ; oa:exact "Battle of Khorramshahr" ; oa:prefix "= " ; oa:suffix " (1982)" .

ex:strength a kgo:QuantityClaim ;
    kgo:subject ex:battle ;
    kgo:property kgo:numberOfParticipants ;
    kgo:value 80000 ;
    kgo:amount 80000 ;
    kgo:approximate false ;
    kgo:unit ex:troops ;
    kgo:claimSide ex:iraq ;
    kgo:statedIn ex:doc ;
    kgo:quote "Strength1: 80,000 troops, 100 tanks" ;
    kgo:extractionRule ex:rule ;
    oa:hasTarget [ oa:hasSource ex:doc ;
                   oa:hasSelector ex:s-pos , ex:s-quote ] .
ex:s-pos a oa:TextPositionSelector ; oa:start "700"^^xsd:integer ; oa:end "735"^^xsd:integer .
ex:s-quote a oa:TextQuoteSelector ; oa:exact "Strength1: 80,000 troops, 100 tanks" .

ex:killed a kgo:QuantityClaim ;
    kgo:subject ex:battle ;
    kgo:property kgo:numberOfDeaths ;
    kgo:value 13500.0 ;
    kgo:lowerBound 12000 ;
    kgo:upperBound "15000"^^xsd:decimal ;
    kgo:statedIn ex:doc ;
    kgo:quote "12,000–15,000 killed" ;
    kgo:extractionRule ex:casualties-rule ;
    oa:hasTarget [ oa:hasSource ex:doc ;
                   oa:hasSelector ex:k-pos , ex:k-quote ] .
ex:k-pos a oa:TextPositionSelector ; oa:start "900"^^xsd:integer ; oa:end "920"^^xsd:integer .
ex:k-quote a oa:TextQuoteSelector ; oa:exact "12,000–15,000 killed" .

ex:end a kgo:DateClaim ;
    kgo:subject ex:battle ;
    kgo:property kgo:endTime ;
    kgo:value "1982-05-24"^^xsd:date ;
    kgo:datePrecision 11 ;
    kgo:statedIn ex:doc ;
    kgo:quote "24 May 1982" ;
    kgo:extractionRule ex:rule ;
    oa:hasTarget [ oa:hasSource ex:doc ;
                   oa:hasSelector ex:e-pos , ex:e-quote ] .
ex:e-pos a oa:TextPositionSelector ; oa:start "200"^^xsd:integer ; oa:end "211"^^xsd:integer .
ex:e-quote a oa:TextQuoteSelector ; oa:exact "24 May 1982" .

ex:combatant2 a kgo:RelationClaim ;
    kgo:subject ex:battle ;
    kgo:property kgo:combatant ;
    kgo:missingField "Combatant2" ;
    kgo:statedIn ex:doc ;
    kgo:quote "Combatant2:" ;
    kgo:extractionRule ex:rule ;
    oa:hasTarget [ oa:hasSource ex:doc ;
                   oa:hasSelector ex:c-pos , ex:c-quote ] .
ex:c-pos a oa:TextPositionSelector ; oa:start "400"^^xsd:integer ; oa:end "411"^^xsd:integer .
ex:c-quote a oa:TextQuoteSelector ; oa:exact "Combatant2:" .
"""
)

# A claim with everything but its quote.
CLAIM_WITHOUT_QUOTE = (
    PREFIXES
    + """
ex:claim a kgo:RelationClaim ;
    kgo:subject ex:battle ;
    kgo:property kgo:location ;
    kgo:value ex:city ;
    kgo:statedIn ex:doc ;
    kgo:extractionRule ex:rule ;
    oa:hasTarget [ oa:hasSource ex:doc ;
                   oa:hasSelector ex:pos , ex:quote ] .
ex:pos a oa:TextPositionSelector ; oa:start "1"^^xsd:integer ; oa:end "5"^^xsd:integer .
ex:quote a oa:TextQuoteSelector ; oa:exact "city" .
"""
)


def kgo_terms() -> set[URIRef]:
    """Every term of the KGO closed namespace (``dir()`` lists a ClosedNamespace's term names)."""
    return {KGO[name] for name in dir(KGO)}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_TTL, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_TTL, format="turtle")


def validate(data_ttl: str, shapes: Graph, ontology: Graph) -> tuple[bool, Graph, str]:
    data = Graph().parse(data=data_ttl, format="turtle")
    conforms, report_graph, report_text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=False
    )
    return conforms, report_graph, report_text


def closure(ontology: Graph, instance_ttl: str) -> Graph:
    g = Graph()
    g += ontology
    g.parse(data=PREFIXES + instance_ttl, format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    return g


# --- the ontology ---------------------------------------------------------------------------------


def test_kgo_namespace_is_iterable_and_non_trivial():
    terms = kgo_terms()
    assert len(terms) > 50
    assert KGO.Claim in terms and KGO.statedIn in terms


def test_ontology_header(ontology: Graph):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    assert ontology.value(ONTOLOGY_IRI, RDFS.label) is not None
    assert ontology.value(ONTOLOGY_IRI, RDFS.comment) is not None


def test_every_kgo_term_is_defined_with_english_label_and_comment(ontology: Graph):
    declaration_types = {
        OWL.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        RDF.Property,
    }
    problems = []
    for term in sorted(kgo_terms()):
        if not set(ontology.objects(term, RDF.type)) & declaration_types:
            problems.append(f"{term}: not declared as a class or property")
        for prop in (RDFS.label, RDFS.comment):
            english = [o for o in ontology.objects(term, prop) if isinstance(o, Literal) and o.language == "en"]
            if len(english) != 1:
                problems.append(f"{term}: {len(english)} English {prop.fragment}s, expected 1")
    assert not problems, "\n".join(problems)


def test_every_kgo_subject_of_the_ontology_is_in_the_namespace(ontology: Graph):
    defined = {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(str(KGO))}
    assert defined - kgo_terms() == set(), "terms defined in kg.ttl but missing from KGO"
    assert kgo_terms() - defined == set(), "terms of KGO missing from kg.ttl"


def test_no_kgo_term_is_used_without_being_in_the_namespace(ontology: Graph):
    used = {
        node
        for triple in ontology
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(str(KGO))
    }
    assert used <= kgo_terms()


def test_wikidata_mappings_are_documentation_not_axioms(ontology: Graph):
    wd_props = {p: wd for p, wd in ontology.subject_objects(KGO.wikidataProperty)}
    assert wd_props[KGO.participant] == WD.P710
    assert wd_props[KGO.commander] == WD.P4791
    assert wd_props[KGO.statedIn] == WD.P248
    for prop, wd_iri in wd_props.items():
        local = str(wd_iri).removeprefix(str(WD))
        assert (prop, SKOS.exactMatch, WDT[local]) in ontology, prop
    for s, p, o in ontology:
        for node in (s, o):
            if str(node).startswith((str(WD), str(WDT))):
                assert p in (SKOS.exactMatch, KGO.wikidataProperty), (s, p, o)


# --- the shapes -----------------------------------------------------------------------------------


def test_shapes_parse(shapes: Graph):
    assert len(shapes) > 0


def test_conforming_graph_conforms(shapes: Graph, ontology: Graph):
    conforms, _, text = validate(CONFORMING, shapes, ontology)
    assert conforms, text


def test_claim_without_quote_fails_with_readable_message(shapes: Graph, ontology: Graph):
    conforms, _, text = validate(CLAIM_WITHOUT_QUOTE, shapes, ontology)
    assert not conforms
    assert "quote" in text.lower()
    assert "Claim has no quote" in text


@pytest.mark.parametrize(
    ("original", "broken", "expected"),
    [
        pytest.param("kgo:value 80000 ;", "", "neither a value, a bound nor a missing field", id="no-value"),
        pytest.param("kgo:datePrecision 11 ;", "kgo:datePrecision 12 ;", "kgo:datePrecision", id="precision"),
        pytest.param(
            'kgo:value "1982-05-24"^^xsd:date ;',
            'kgo:value "24 May 1982" ;',
            "Date claim without a missing field",
            id="date-value-not-a-date",
        ),
        pytest.param(
            'rdfs:label "Second Battle of Khorramshahr"@en',
            'rdfs:label "Second Battle of Khorramshahr"@en , "Liberation of Khorramshahr"@en',
            "one rdfs:label per language",
            id="two-english-labels",
        ),
        pytest.param('rdfs:label "Iraq"@en', 'rdfs:label "Iraq"', "label with a language tag", id="untagged-label"),
        pytest.param("kgo:amount 80000 ;", 'kgo:amount "80,000" ;', "kgo:amount", id="amount-string"),
        pytest.param("kgo:amount 80000 ;", "kgo:amount 8.0e4 ;", "kgo:amount", id="amount-double"),
        pytest.param('oa:end "735"^^xsd:integer .', ".", "oa:end", id="selector-without-end"),
        pytest.param('oa:end "735"^^xsd:integer .', 'oa:end "735"^^xsd:nonNegativeInteger .', "oa:end",
                     id="end-in-a-type-the-store-would-rewrite"),
        pytest.param('oa:end "735"^^xsd:integer .', "oa:end 735.0 .", "oa:end", id="end-not-an-integer"),
        pytest.param('oa:start "700"^^xsd:integer ;', 'oa:start "-1"^^xsd:integer ;', "oa:start", id="negative-start"),
        pytest.param("oa:exact \"24 May 1982\" .", ".", "oa:exact", id="quote-selector-without-exact"),
        pytest.param('schema:inLanguage "en" ;', "", "schema:inLanguage", id="source-without-language"),
        pytest.param("oa:hasBody ex:battle ;", "", "oa:hasBody", id="mention-without-body"),
        pytest.param(
            "oa:hasSelector ex:e-pos , ex:e-quote ]",
            "oa:hasSelector ex:e-pos ]",
            "at least two oa:hasSelector",
            id="one-selector",
        ),
        pytest.param("kgo:extractionRule ex:casualties-rule ;", "", "kgo:extractionRule", id="no-rule"),
        pytest.param('kgo:quote "24 May 1982" ;', 'kgo:quote "24 May 1982"@en ;', "Claim has no quote", id="tagged-quote"),
    ],
)
def test_broken_graphs_fail(shapes: Graph, ontology: Graph, original: str, broken: str, expected: str):
    assert CONFORMING.count(original) == 1, original
    conforms, _, text = validate(CONFORMING.replace(original, broken), shapes, ontology)
    assert not conforms
    assert expected in text, text


# --- OWL-RL ---------------------------------------------------------------------------------------

INSTANCES = """
ex:battle kgo:commander ex:general .
ex:city a kgo:City ;
    kgo:locatedIn ex:province .
ex:province kgo:locatedIn ex:country .
ex:a kgo:partOf ex:b .
ex:b kgo:partOf ex:c .
ex:battle kgo:combatant ex:iraq .
ex:claim1 kgo:conflictsWith ex:claim2 .
ex:claim1 kgo:statedIn ex:doc .
"""


@pytest.fixture(scope="module")
def inferred(ontology: Graph) -> Graph:
    return closure(ontology, INSTANCES)


def test_owlrl_commander_is_a_participant(inferred: Graph):
    assert (EX.battle, KGO.participant, EX.general) in inferred
    assert (EX.general, KGO.participatedIn, EX.battle) in inferred
    assert (EX.battle, RDF.type, KGO.Event) in inferred
    assert (EX.battle, RDF.type, SCHEMA.Event) in inferred


def test_owlrl_commander_is_a_person(inferred: Graph):
    assert (EX.general, RDF.type, KGO.Person) in inferred
    assert (EX.general, RDF.type, SCHEMA.Person) in inferred
    assert (EX.general, KGO.commanded, EX.battle) in inferred


def test_owlrl_located_in_is_transitive(inferred: Graph):
    assert (EX.city, KGO.locatedIn, EX.country) in inferred
    assert (EX.city, RDF.type, SCHEMA.Place) in inferred
    assert (EX.city, RDF.type, SCHEMA.City) in inferred
    assert (EX.country, RDF.type, KGO.Place) in inferred


def test_owlrl_part_of_is_transitive_with_inverse(inferred: Graph):
    assert (EX.a, KGO.partOf, EX.c) in inferred
    assert (EX.c, KGO.hasPart, EX.a) in inferred


def test_owlrl_claims(inferred: Graph):
    assert (EX.claim2, KGO.conflictsWith, EX.claim1) in inferred
    assert (EX.claim2, RDF.type, KGO.Claim) in inferred
    assert (EX.doc, RDF.type, KGO.SourceDocument) in inferred


def test_owlrl_country_as_combatant_is_consistent(inferred: Graph):
    assert not list(inferred.subjects(RDF.type, ERR.ErrorMessage))


def test_owlrl_writes_no_wikidata_predicate(ontology: Graph):
    g = closure(ontology, "ex:battle kgo:commander ex:general .")
    wikidata_predicates = {p for p in g.predicates() if str(p).startswith((str(WDT), str(WD)))}
    assert wikidata_predicates == set()


def test_owlrl_person_and_place_are_disjoint(ontology: Graph):
    g = closure(ontology, "ex:x a kgo:Person , kgo:City .")
    assert list(g.subjects(RDF.type, ERR.ErrorMessage))


def test_owlrl_country_can_be_a_combatant_and_winner(ontology: Graph):
    g = closure(
        ontology,
        """
        ex:iran a kgo:Country ; kgo:demonym "Iranian" .
        ex:battle kgo:combatant ex:iran ; kgo:winner ex:iran .
        ex:iran kgo:memberOf ex:opec .
        """,
    )
    assert not list(g.subjects(RDF.type, ERR.ErrorMessage))
    assert (EX.iran, RDF.type, KGO.Place) in g
    assert (EX.battle, KGO.participant, EX.iran) in g



@pytest.mark.parametrize("replacement", ["kgo:lowerBound 80000 ;", "kgo:upperBound 80000 ;", 'kgo:missingField "Casualties2" ;'])
def test_a_bound_or_a_missing_field_stands_in_for_a_value(shapes: Graph, ontology: Graph, replacement: str):
    conforms, _, text = validate(CONFORMING.replace("kgo:value 80000 ;", replacement), shapes, ontology)
    assert conforms, text
