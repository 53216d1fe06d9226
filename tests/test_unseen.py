"""Documents of the same two kinds about other battles and people than the seeds: the builder must
read them with the same ontology, registry and lexicon, and no code that knows the seeds."""

from __future__ import annotations

import re

from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS, XSD

from kg_builder.namespaces import KG, KGO

from conftest import FIXTURES

E = lambda key: KG[f"entity/{key}"]  # noqa: E731
PREFIXES = """
PREFIX kgo: <https://w3id.org/kg-builder/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
"""


def rows(g: Graph, query: str) -> list[tuple[object, ...]]:
    query = re.sub(r"kg:entity/([\w-]+)", lambda m: f"<{KG}entity/{m.group(1)}>", query)
    return [tuple(r) for r in g.query(PREFIXES + query)]


def test_names_nobody_curated_are_found_and_typed_from_context(unseen_graph: Graph) -> None:
    expected = {
        "erich-von-manstein": KGO.Person,  # infobox commander list
        "georgy-zhukov": KGO.Person,  # "Marshal Georgy Zhukov"
        "vo-nguyen-giap": KGO.Person,  # "General Vo Nguyen Giap"
        "ho-chi-minh": KGO.Person,  # "Ho Chi Minh wrote"
        "operation-citadel": KGO.MilitaryOperation,
        "4th-panzer-army": KGO.MilitaryUnit,
        "ii-ss-panzer-corps": KGO.MilitaryUnit,
        "5th-guards-tank-army": KGO.MilitaryUnit,
        "kursk-oblast": KGO.Province,
        "psel-river": KGO.River,
        "battle-of-kursk": KGO.Battle,
        "battle-of-prokhorovka": KGO.Battle,
    }
    for key, cls in expected.items():
        assert (E(key), RDF.type, cls) in unseen_graph, key
    assert (E("kursk"), RDF.type, KGO.City) in unseen_graph  # "the city of Kursk"


def test_short_forms_resolve_to_the_full_name(unseen_graph: Graph) -> None:
    def forms(key: str) -> set[str]:
        return {str(x) for (x,) in rows(unseen_graph, f"""
            SELECT ?x WHERE {{ ?m oa:hasBody kg:entity/{key} ; oa:hasTarget/oa:hasSelector/oa:exact ?x }}""")}

    assert {"Manstein", "Erich von Manstein"} <= forms("erich-von-manstein")
    assert {"Citadel", "Operation Citadel"} <= forms("operation-citadel")  # "code-named Citadel", "the Citadel operation"
    assert {"RKKA", "Red Army"} <= forms("red-army")  # acronym defined in parentheses
    assert {"Giap", "Vo Nguyen Giap"} <= forms("vo-nguyen-giap")


def test_label_in_another_script(unseen_graph: Graph) -> None:
    assert (E("battle-of-kursk"), RDFS.label, Literal("Курская битва", lang="ru")) in unseen_graph


def test_infobox_of_an_unseen_article(unseen_graph: Graph) -> None:
    found = {(str(q), str(p)): side for q, p, side in rows(unseen_graph, """
        SELECT ?q ?p ?side WHERE { ?c kgo:subject kg:entity/battle-of-kursk ; kgo:quote ?q ; kgo:property ?p .
                                   OPTIONAL { ?c kgo:claimSide ?side } }""")}
    assert found[("9,036 killed", str(KGO.numberOfDeaths))] == E("germany")
    assert found[("608,833 wounded", str(KGO.numberOfInjured))] == E("soviet-union")
    assert ("252–323 tanks", str(KGO.equipmentLosses)) in found
    assert ("Walther von HünersdorffKIA", str(KGO.commander)) in found  # the quote keeps the marker...
    assert (E("walther-von-hunersdorff"), RDFS.label, Literal("Walther von Hünersdorff", lang="en")) in unseen_graph
    missing = rows(unseen_graph, """SELECT ?f WHERE { ?c a kgo:MissingValue ; kgo:missingField ?f }""")
    assert [str(f) for (f,) in missing] == ["Strength2"]
    dates = rows(unseen_graph, """
        SELECT ?p ?v WHERE { ?c kgo:subject kg:entity/battle-of-kursk ; kgo:quote "5 July – 23 August 1943" ;
                             kgo:property ?p ; kgo:value ?v }""")
    assert set(dates) == {(KGO.startTime, Literal("1943-07-05", datatype=XSD.date)),
                          (KGO.endTime, Literal("1943-08-23", datatype=XSD.date))}


def test_news_article_claims_with_sides_and_hedges(unseen_graph: Graph) -> None:
    found = {str(q): (side, str(label) if label else None, approx)
             for q, side, label, approx in rows(unseen_graph, """
        SELECT ?q ?side ?label ?approx WHERE { ?c a kgo:QuantityClaim ; kgo:quote ?q ; kgo:approximate ?approx ;
            kgo:statedIn ?src . ?src schema:identifier "news_dienbienphu.txt" .
            OPTIONAL { ?c kgo:claimSide ?side } OPTIONAL { ?c kgo:sideLabel ?label } }""")}
    french_dead = next(q for q in found if q.startswith("Some 2,200 French soldiers were killed"))
    assert found[french_dead][0] == E("france")
    assert found[french_dead][2].toPython() is True
    viet_minh = next(q for q in found if q.startswith("more than 20,000 killed"))
    assert found[viet_minh][1] == "Viet Minh"


def test_quotation_attributed_through_a_pronoun(unseen_graph: Graph) -> None:
    said = [str(t) for (t,) in rows(unseen_graph, """
        SELECT ?t WHERE { ?c a kgo:QuotationClaim ; kgo:subject kg:entity/ho-chi-minh ; kgo:value ?t }""")]
    assert any(t.startswith("You can kill ten of my men") for t in said)  # "... ," he told
    assert any(t.startswith("The victory is great") for t in said)


def test_news_metadata_from_the_sidecar(unseen_graph: Graph) -> None:
    found = rows(unseen_graph, """
        SELECT ?author ?date ?publisher WHERE { ?s schema:identifier "news_dienbienphu.txt" ;
            schema:author ?author ; schema:datePublished ?date ; schema:publisher ?publisher }""")
    assert found == [(Literal("Daniel Okafor"), Literal("2024-05-07", datatype=XSD.date), Literal("Example News"))]


def test_nothing_of_the_seeds_leaks_into_another_corpus(unseen_result) -> None:  # type: ignore[no-untyped-def]
    data = unseen_result.graphs[1:] + [unseen_result.inferred]  # everything but the ontology's own text
    text = " ".join(str(t) for g in data for triple in g for t in triple).lower()
    for word in ("khorramshahr", "banisadr", "khamenei", "beit ol-moqaddas", "19,000"):
        assert word not in text, word


def test_offsets_of_the_unseen_corpus(unseen_graph: Graph) -> None:
    found = rows(unseen_graph, """
        SELECT ?file ?start ?end ?exact WHERE {
          ?node oa:hasTarget ?t . ?t oa:hasSource ?src ; oa:hasSelector ?pos, ?qs .
          ?pos oa:start ?start ; oa:end ?end . ?qs oa:exact ?exact . ?src schema:identifier ?file }""")
    assert len(found) > 100
    for file, start, end, exact in found:
        text = (FIXTURES / "corpus" / str(file)).read_text(encoding="utf-8")
        assert text[int(start):int(end)] == str(exact)
