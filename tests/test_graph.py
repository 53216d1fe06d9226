"""The seed graph, checked the way researchers use it: through SPARQL."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, XSD

from kg_builder.namespaces import KG, KGO, SCHEMA

from conftest import ROOT

PREFIXES = """
PREFIX kg: <https://w3id.org/kg-builder/id/>
PREFIX kgo: <https://w3id.org/kg-builder/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX schema: <https://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""

E = lambda key: KG[f"entity/{key}"]  # noqa: E731


def rows(g: Graph, query: str) -> list[tuple[object, ...]]:
    # "kg:entity/x" is not a legal prefixed name in SPARQL; write such IRIs in full.
    query = re.sub(r"kg:entity/([\w-]+)", lambda m: f"<{KG}entity/{m.group(1)}>", query)
    return [tuple(r) for r in g.query(PREFIXES + query)]


def test_commanders_on_each_side(seed_graph: Graph) -> None:
    found = rows(seed_graph, """
        SELECT ?side ?name WHERE {
          ?c a kgo:RelationClaim ; kgo:property kgo:commander ; kgo:value ?p ; kgo:sideNumber ?side .
          ?p rdfs:label ?name . FILTER(lang(?name) = "en")
        }""")
    by_side: dict[int, set[str]] = {}
    for side, name in found:
        by_side.setdefault(int(side), set()).add(str(name))
    assert {"Ahmad Zeidan", "Salah al-Qadhi", "Juwad Shitnah", "Muhsin Abd al-Jalil",
            "Ali Hassan al-Majid"} == by_side[1]
    assert {"Ali Sayad Shirazi", "Ahmad Motavaselian", "Hooshang Samadi", "Mohsen Rezaee"} == by_side[2]


def test_kia_marker_is_cut_from_the_name_and_kept_as_a_note(seed_graph: Graph) -> None:
    found = rows(seed_graph, """
        SELECT ?note ?quote WHERE { ?c kgo:value kg:entity/ahmad-zeidan ; kgo:qualifier ?note ; kgo:quote ?quote }""")
    assert found == [(Literal("KIA: killed in action"), Literal("Ahmad ZeidanKIA"))]
    assert (E("ahmad-zeidan"), RDFS.label, Literal("Ahmad Zeidan", lang="en")) in seed_graph


def test_empty_combatant_is_recorded_as_missing_and_its_side_derived_with_evidence(seed_graph: Graph) -> None:
    found = rows(seed_graph, """
        SELECT ?c ?value WHERE { ?c a kgo:MissingValue ; kgo:missingField "Combatant2" .
                                 OPTIONAL { ?c kgo:value ?value } }""")
    assert len(found) == 1 and found[0][1] is None
    # "Result: Iranian victory" with Combatant1 Iraq: side 2 is Iran, never silently.
    side2 = rows(seed_graph, """
        SELECT DISTINCT ?x ?why WHERE { ?c kgo:sideNumber 2 ; kgo:claimSide ?x . OPTIONAL { ?c kgo:sideEvidence ?why } }""")
    assert [x for x, _ in side2] == [E("iran")]
    assert all(why is not None and "Iranian" in str(why) for _, why in side2)


def test_casualty_claims_carry_source_quote_and_side(seed_graph: Graph) -> None:
    found = rows(seed_graph, """
        SELECT ?quote ?src ?side ?lo ?hi ?amount WHERE {
          ?c kgo:property kgo:numberOfDeaths ; kgo:quote ?quote ; kgo:statedIn ?src .
          OPTIONAL { ?c kgo:claimSide ?side } OPTIONAL { ?c kgo:lowerBound ?lo }
          OPTIONAL { ?c kgo:upperBound ?hi } OPTIONAL { ?c kgo:amount ?amount }
        }""")
    quotes = {str(q): (src, side, lo, hi, amount) for q, src, side, lo, hi, amount in found}
    assert quotes["12,000–15,000 killed"][2:4] == (Literal(12000, datatype=XSD.integer), Literal(15000, datatype=XSD.integer))
    assert quotes["8,000 killed"][1] == E("iraq")
    iranian = [q for q in quotes if "6,000 Iranian" in q]
    assert len(iranian) == 2  # two news sources
    assert {quotes[q][0] for q in iranian} == {KG["source/001_403a1b3586fb42dd"], KG["source/002_f0947ec770c9bed6"]}
    assert all(quotes[q][1] == E("iran") for q in iranian)


def test_hedges_become_bounds(seed_graph: Graph) -> None:
    found = dict(rows(seed_graph, """
        SELECT ?quote ?approx WHERE { ?c a kgo:QuantityClaim ; kgo:quote ?quote ; kgo:approximate ?approx }"""))
    assert found[Literal("approximately 70,000 Iranian Army troops and Revolutionary Guards")].toPython() is True
    more = rows(seed_graph, """
        SELECT ?lo ?hi WHERE { ?c kgo:quote ?q ; kgo:property kgo:duration ; kgo:lowerBound ?lo .
                               OPTIONAL { ?c kgo:upperBound ?hi } FILTER(STRSTARTS(?q, "more than 500 days")) }""")
    assert more == [(Literal(500, datatype=XSD.integer), None)]
    nearly = rows(seed_graph, """
        SELECT ?hi WHERE { ?c kgo:quote ?q ; kgo:upperBound ?hi ; kgo:qualifier "nearly" }""")
    assert nearly == [(Literal(24000, datatype=XSD.integer),)]


def test_names_resolve_across_documents_to_one_entity(seed_graph: Graph) -> None:
    def mentions(key: str) -> set[str]:
        return {str(t) for (t,) in rows(seed_graph, f"""
            SELECT ?text WHERE {{ ?m oa:hasBody kg:entity/{key} ; oa:hasTarget/oa:hasSelector/oa:exact ?text }}""")}

    assert {"Bani Sadr", "Banisadr", "Abolhassan Banisadr"} <= mentions("abolhassan-banisadr")
    assert {"Revolutionary Guards", "IRGC", "Islamic Revolution Guard Corps", "Revolutionary Guard"} <= mentions("irgc")
    assert {"Shatt al-Arab", "Arvand Rud", "Arvand River"} <= mentions("shatt-al-arab")
    assert {"Saddam", "Saddam Hussein"} <= mentions("saddam-hussein")
    assert {"Ayatollah Seyyed Ali Khamenei", "Ayatollah Khamenei"} <= mentions("ali-khamenei")
    sources = {str(s) for (s,) in rows(seed_graph, "SELECT ?s WHERE { kg:entity/khorramshahr kgo:mentionedIn ?s }")}
    assert len(sources) == 3


def test_persian_labels_from_the_text(seed_graph: Graph) -> None:
    fa = rows(seed_graph, """
        SELECT ?l WHERE { kg:entity/battle-of-khorramshahr-1982 rdfs:label ?l FILTER(lang(?l) = "fa") }""")
    assert fa and "خرمشهر" in str(fa[0][0])


def test_dates_are_typed_with_precision(seed_graph: Graph) -> None:
    found = {(str(q), str(p), v.datatype, int(prec)) for q, p, v, prec in rows(seed_graph, """
        SELECT ?q ?p ?v ?prec WHERE { ?c a kgo:DateClaim ; kgo:quote ?q ; kgo:property ?p ; kgo:value ?v ;
                                      kgo:datePrecision ?prec ; kgo:subject kg:entity/occupation-of-khorramshahr }""")}
    assert ("26 October 1980", str(KGO.startTime), XSD.date, 11) in found
    assert ("September 1980", str(KGO.startTime), XSD.gYearMonth, 10) in found
    assert ("1980", str(KGO.startTime), XSD.gYear, 9) in found
    assert ("May 24, 1982", str(KGO.endTime), XSD.date, 11) in found


def test_day_without_year_takes_the_year_of_its_paragraph(seed_graph: Graph) -> None:
    battle_range = rows(seed_graph, """
        SELECT ?v WHERE { ?c kgo:quote "24 April – 24 May 1982" ; kgo:property kgo:startTime ; kgo:value ?v }""")
    assert battle_range == [(Literal("1982-04-24", datatype=XSD.date),)]


def test_sources_disagree_on_when_the_occupation_began(seed_graph: Graph) -> None:
    found = rows(seed_graph, """
        SELECT ?qa ?qb ?note WHERE {
          ?cmp a kgo:Disagreement ; kgo:comparedClaim ?a, ?b ; kgo:comparisonNote ?note .
          ?a kgo:quote ?qa ; kgo:property kgo:startTime . ?b kgo:quote ?qb .
          FILTER(?qa = "26 October 1980" && ?qb = "September 1980")
        }""")
    assert len(found) == 1
    assert "do not overlap" in str(found[0][2])


def test_corroboration_and_duration_checks(seed_graph: Graph) -> None:
    agree = rows(seed_graph, """
        SELECT ?qa ?qb WHERE { ?a kgo:corroborates ?b . ?a kgo:quote ?qa . ?b kgo:quote ?qb .
                               FILTER(STRSTARTS(?qa, "575 days") && STRSTARTS(?qb, "more than 500 days")) }""")
    assert agree
    checked = rows(seed_graph, """
        SELECT ?note WHERE { ?cmp a kgo:Agreement ; kgo:comparisonNote ?note .
                             FILTER(CONTAINS(?note, "575 days agrees with the dates 1980-10-26 to 1982-05-24")) }""")
    assert checked


def test_relations_are_claims_and_direct_triples(seed_graph: Graph) -> None:
    assert (E("battle-of-khorramshahr-1982"), KGO.partOf, E("operation-beit-ol-moqaddas")) in seed_graph
    assert (E("sevom-khordad"), KGO.namedAfter, E("battle-of-khorramshahr-1982")) in seed_graph
    assert (E("mohammad-jahanara"), KGO.memberOf, E("irgc")) in seed_graph
    assert (E("operation-beit-ol-moqaddas"), KGO.combatant, E("iran")) in seed_graph
    claims = rows(seed_graph, """
        SELECT ?q WHERE { ?c kgo:subject kg:entity/sevom-khordad ; kgo:property kgo:namedAfter ; kgo:quote ?q }""")
    assert claims and "named after" in str(claims[0][0])


def test_quotations_with_speaker(seed_graph: Graph) -> None:
    found = rows(seed_graph, """
        SELECT ?text WHERE { ?c a kgo:QuotationClaim ; kgo:subject kg:entity/ali-khamenei ; kgo:value ?text }""")
    texts = [str(t) for (t,) in found]
    assert len(texts) == 5
    assert any(t.startswith("The traitorous officials") for t in texts)
    assert any("he added" not in t and t.startswith("The Islamic Revolution Guard Corps (IRGC)") for t in texts)


def test_owl_rl_inferences(seed_result) -> None:  # type: ignore[no-untyped-def]
    inferred = seed_result.inferred
    # a commander is a participant
    assert (E("battle-of-khorramshahr-1982"), KGO.participant, E("mohsen-rezaee")) in inferred
    assert (E("mohsen-rezaee"), KGO.commanded, E("battle-of-khorramshahr-1982")) in inferred
    # a city is located in its country through its province
    assert (E("khorramshahr"), KGO.locatedIn, E("iran")) in inferred
    # types up to schema.org
    from rdflib.namespace import RDF
    assert (E("khorramshahr"), RDF.type, SCHEMA.Place) in inferred
    assert (E("mohsen-rezaee"), RDF.type, SCHEMA.Person) in inferred
    assert (E("operation-beit-ol-moqaddas"), RDF.type, SCHEMA.Event) in inferred
    # part of is transitive
    assert (E("battle-of-khorramshahr-1982"), KGO.partOf, E("iran-iraq-war")) in inferred or \
        (E("battle-of-khorramshahr-1982"), KGO.partOf, E("iran-iraq-war")) in seed_result.graphs[2]


def test_inferred_graph_has_no_noise(seed_result) -> None:  # type: ignore[no-untyped-def]
    from rdflib.namespace import OWL, RDF
    for s, p, o in seed_result.inferred:
        assert isinstance(s, URIRef) and str(s).startswith(str(KG))
        assert not (p == OWL.sameAs and s == o)
        assert not (p == RDF.type and o == OWL.Thing)
    asserted = set().union(*[set(g) for g in seed_result.graphs])
    assert not (set(seed_result.inferred) & asserted)


def test_every_quote_is_the_exact_text_at_its_offsets(seed_graph: Graph) -> None:
    """Re-read every claim's and mention's offsets from the corpus files."""
    found = rows(seed_graph, """
        SELECT ?node ?file ?start ?end ?exact WHERE {
          ?node oa:hasTarget ?t . ?t oa:hasSource ?src ; oa:hasSelector ?pos, ?qs .
          ?pos oa:start ?start ; oa:end ?end . ?qs oa:exact ?exact . ?src schema:identifier ?file .
        }""")
    assert len(found) > 200
    texts: dict[str, str] = {}
    for node, file, start, end, exact in found:
        text = texts.setdefault(str(file), (ROOT / "corpus" / str(file)).read_bytes().decode("utf-8"))
        assert text[int(start):int(end)] == str(exact), node
    claim_quotes = rows(seed_graph, """
        SELECT ?q ?exact WHERE { ?c kgo:quote ?q ; oa:hasTarget/oa:hasSelector/oa:exact ?exact }""")
    assert all(q == e for q, e in claim_quotes)


def test_source_documents_carry_only_stated_metadata(seed_graph: Graph) -> None:
    found = {str(s).rsplit("/", 1)[-1]: (str(pub) if pub else None, str(author) if author else None)
             for s, pub, author in rows(seed_graph, """
        SELECT ?s ?pub ?author WHERE { ?s a kgo:SourceDocument .
          OPTIONAL { ?s schema:datePublished ?pub } OPTIONAL { ?s schema:author ?author } }""")}
    assert found["000_3db1e93812c13289"] == (None, None)
    assert found["001_403a1b3586fb42dd"] == (None, "Ivan Kesic")
    assert found["002_f0947ec770c9bed6"] == ("2025-05-23", None)
    assert not rows(seed_graph, "SELECT ?u WHERE { ?s a kgo:SourceDocument ; schema:url ?u }")


def test_graph_dir_is_what_the_corpus_gives(seed_result) -> None:  # type: ignore[no-untyped-def]
    for name, data in seed_result.files.items():
        assert (ROOT / "graph" / name).read_bytes() == data, f"graph/{name} is stale: run kg build"


def test_named_graphs_per_source(seed_result) -> None:  # type: ignore[no-untyped-def]
    from rdflib import Dataset
    ds = Dataset()
    ds.parse(data=(ROOT / "graph" / "dataset.trig").read_text(encoding="utf-8"), format="trig")
    names = {str(g.identifier) for g in ds.graphs()}
    for doc in ("000_3db1e93812c13289", "001_403a1b3586fb42dd", "002_f0947ec770c9bed6"):
        assert str(KG[f"graph/source/{doc}"]) in names
    assert {str(KG["graph/inferred"]), str(KG["graph/ontology"]), str(KG["graph/entities"]),
            str(KG["graph/analysis"])} <= names
    one = ds.graph(KG["graph/source/002_f0947ec770c9bed6"])
    sources = set(one.objects(None, KGO.statedIn))
    assert sources == {KG["source/002_f0947ec770c9bed6"]}


_ = Path


def test_a_source_whose_start_and_duration_do_not_fit_the_end_others_give(seed_graph: Graph) -> None:
    """002 says the occupation began in September 1980 and lasted 575 days; every source ends it on
    24 May 1982, 601–630 days later: the builder flags it, with all three claims as evidence."""
    found = rows(seed_graph, """
        SELECT ?note (COUNT(DISTINCT ?evidence) AS ?n) WHERE {
          ?cmp a kgo:Disagreement ; kgo:comparisonNote ?note ; prov:wasDerivedFrom ?evidence .
          FILTER(STRSTARTS(?note, "575 days does not agree with the dates 1980-09 to 1982-05-24"))
        } GROUP BY ?note""")
    assert found and all(int(n) == 3 for _, n in found)


def test_forces_counted_in_a_figure_took_part(seed_graph: Graph) -> None:
    assert (E("operation-beit-ol-moqaddas"), KGO.participant, E("irgc")) in seed_graph
    quote = rows(seed_graph, """
        SELECT ?q WHERE { ?c kgo:property kgo:participant ; kgo:value kg:entity/irgc ; kgo:quote ?q }""")
    assert any("70,000" in str(q) for (q,) in quote)
