"""Types from a name's own words and the words just before it (ontology/types.yaml): head words
("... Memorial", "Army of ..."), first words ("HMS ...", "Mount ..."), class nouns ("the destroyer
X"), given names ("Joe Rosenthal"), and "the province of X". Short synthetic sentences about other
wars and eras than the seeds'."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from kg_builder.config import Settings
from kg_builder.errors import ConfigError
from kg_builder.extract import DocumentExtraction, extract_document, make_extractor
from kg_builder.lexicon_schema import TYPES_FILE, check_yaml
from kg_builder.models import Document, DocumentMeta
from kg_builder.parse import parse_document


def _extract(settings: Settings, text: str) -> DocumentExtraction:
    doc = Document("t", "t.txt", text, DocumentMeta(title="T", kind="news", language="en"))
    return extract_document(parse_document(doc), make_extractor(settings))


def _types(settings: Settings, text: str) -> dict[str, str]:
    return {m.text: m.type for m in _extract(settings, text).mentions}


def test_a_head_word_gives_the_class(settings: Settings) -> None:
    types = _types(settings, "Wreaths were laid at the Menin Gate Memorial. The Court of Appeal met. "
                             "Crowds gathered in Wenceslas Square near the Vltava Marshes.")
    assert types["Menin Gate Memorial"] == "Place"
    assert types["Court of Appeal"] == "Organization"
    assert types["Wenceslas Square"] == "Place"
    assert types["Vltava Marshes"] == "Region"


def test_the_word_before_of_is_the_head(settings: Settings) -> None:
    types = _types(settings, "The Army of Northern Virginia withdrew. The Treaty of Westphalia ended the war. "
                             "A Government of National Unity was formed.")
    assert types["Army of Northern Virginia"] == "MilitaryUnit"
    assert types["Treaty of Westphalia"] == "CreativeWork"
    assert types["Government of National Unity"] == "Government"


def test_an_organisation_named_after_a_place_is_the_organisation(settings: Settings) -> None:
    # "Tehran" is a registry city: the court named after it is neither the city nor a country.
    mentions = _extract(settings, "The case was heard by the Tehran Military Tribunal in 1990.").mentions
    court = next(m for m in mentions if m.text == "Tehran Military Tribunal")
    assert court.type == "Organization" and not court.curated


def test_a_numbered_resolution_is_a_work(settings: Settings) -> None:
    types = _types(settings, "Both sides accepted Security Council Resolution 242 in 1967.")
    assert types["Security Council Resolution 242"] == "CreativeWork"


def test_a_first_word_gives_the_class(settings: Settings) -> None:
    types = _types(settings, "USS Indianapolis sailed for Tinian. Marines climbed Mount Tapochau.")
    assert types["USS Indianapolis"] == "Equipment"
    assert types["Mount Tapochau"] == "Place"


def test_a_class_noun_before_a_name_gives_the_class(settings: Settings) -> None:
    types = _types(settings, "The German battleship Bismarck sank the British cruiser Hood. "
                             "The Reuters photographer Anna Kowalska filmed the frigate Amethyst.")
    assert types["Bismarck"] == "Equipment"
    assert types["Hood"] == "Equipment"
    assert types["Anna Kowalska"] == "Person"
    assert types["Amethyst"] == "Equipment"


def test_a_ship_named_after_a_general_is_no_general(settings: Settings) -> None:
    mentions = _extract(settings, "The Chilean cruiser General O'Higgins left port.").mentions
    ship = next(m for m in mentions if m.text == "General O'Higgins")
    assert ship.type == "Equipment" and ship.key.endswith("#equipment")


def test_a_work_named_after_a_king_is_an_entity_of_its_own(settings: Settings) -> None:
    mentions = _extract(settings, "Richard III was killed at Bosworth. Later came Christopher Marlowe's "
                                  "play Edward II about another king.").mentions
    play = next(m for m in mentions if m.rule == "class-noun")
    assert (play.text, play.type) == ("Edward II", "CreativeWork")
    assert play.key == "~edwardii#creativework"


def test_a_given_name_first_makes_a_person(settings: Settings) -> None:
    types = _types(settings, "The photographs of Robert Capa were published in 1938. In 1936 Dorothea Lange "
                             "joined them.")
    assert types["Robert Capa"] == "Person"
    assert types["Dorothea Lange"] == "Person"


def test_given_names_of_many_languages_make_people(settings: Settings) -> None:
    # Made-up surnames: the first word alone says a person is named.
    types = _types(settings, "Habibollah Zarvandi met Slobodan Kestrić and Mohsen Daryani in 1991. "
                             "In 1992 Ingeborg Vallander, Hiroshi Tanabeya and Radovan Belčić arrived.")
    assert {types[n] for n in ("Habibollah Zarvandi", "Slobodan Kestrić", "Mohsen Daryani", "Ingeborg Vallander",
                               "Hiroshi Tanabeya", "Radovan Belčić")} == {"Person"}


def test_a_word_that_opens_place_names_is_no_given_name(settings: Settings) -> None:
    types = _types(settings, "Florence Harbour was shelled in 1944. Engineers blew the bridges over the Albert "
                             "Canal. Ships anchored off James Bay.")
    assert types["Florence Harbour"] != "Person"  # not in ontology/given_names.txt
    # A given name first, but the last word says a place (types.yaml, not_person_heads).
    assert types["Albert Canal"] != "Person" and types["James Bay"] != "Person"


def test_a_possessive_inside_a_war_name_keeps_the_name_whole(settings: Settings) -> None:
    types = _types(settings, "The Thirty Years' War ravaged the Palatinate. England lost the Hundred Years’ War. "
                             "Prussia survived the Seven Years' War, and Queen Anne's War began in 1702.")
    for war in ("Thirty Years' War", "Hundred Years’ War", "Seven Years' War", "Queen Anne's War"):
        assert types[war] == "War"
    assert "War" not in types and "Anne" not in types


def test_a_possessive_of_a_person_stays_the_person(settings: Settings) -> None:
    mentions = _extract(settings, "Marshal Bazaine fell back on Metz. Bazaine's Army of the Rhine was trapped "
                                  "there, and Emperor Napoleon's army surrendered at Sedan.").mentions
    found = {(m.text, m.type) for m in mentions}
    assert {("Bazaine", "Person"), ("Army of the Rhine", "MilitaryUnit"), ("Emperor Napoleon", "Person")} <= found
    assert not [m for m in mentions if "'" in m.text]


def test_a_given_name_before_a_head_word_or_a_number_is_no_person(settings: Settings) -> None:
    types = _types(settings, "They met at the Victoria Memorial. Louis XIV was king. The Elizabeth Line opened.")
    assert types["Victoria Memorial"] == "Place"
    assert types.get("Louis XIV") == "Entity"
    assert types.get("Elizabeth Line") == "Entity"


def test_the_province_of_a_registry_city_is_the_province(settings: Settings) -> None:
    # The registry knows Tehran as a city; "the province of Tehran" is not the city.
    mentions = _extract(settings, "Refugees reached the province of Tehran in 1981.").mentions
    province = next(m for m in mentions if m.text == "Tehran")
    assert province.type == "Province" and province.key == "~tehranprovince" and not province.curated


def test_types_yaml_fits_its_schema_and_a_wrong_key_names_file_and_line(tmp_path: Path) -> None:
    path = ROOT / "ontology" / "types.yaml"
    text = path.read_text(encoding="utf-8")
    check_yaml(text, TYPES_FILE, path)
    broken = text.replace("name_openers:", "name_opener:", 1)
    line = next(n for n, row in enumerate(broken.splitlines(), 1) if row.startswith("name_opener:"))
    with pytest.raises(ConfigError) as e:
        check_yaml(broken, TYPES_FILE, tmp_path / "types.yaml")
    assert e.value.line == line and "unknown key 'name_opener'" in str(e.value)


def test_the_given_names_come_from_the_ontology_not_a_frequency(tmp_path: Path) -> None:
    # The list is ontology/given_names.txt; the scale of a name dictionary is gone from types.yaml.
    text = (ROOT / "ontology" / "types.yaml").read_text(encoding="utf-8")
    assert "min_frequency" not in text
    broken = text.replace("given_names:\n", "given_names:\n  min_frequency: 4\n", 1)
    with pytest.raises(ConfigError) as e:
        check_yaml(broken, TYPES_FILE, tmp_path / "types.yaml")
    assert "unknown key 'min_frequency'" in str(e.value)


def test_the_first_word_of_a_country_is_no_given_name(settings: Settings) -> None:
    types = _types(settings, "The Viet Minh held the valley in 1954.")
    assert types["Viet Minh"] == "Entity"


def test_capitalised_words_before_a_peoples_noun_or_inside_a_quotation_are_no_name(settings: Settings) -> None:
    text = ('More than 72,000 South African soldiers died. His signal ended: "We held the line. God Save the '
            'Queen." The Red Cross Society then arrived.')
    names = set(_types(settings, text))
    assert "Red Cross Society" in names
    assert not names & {"South African", "God Save the Queen"}


def test_a_numeral_after_the_word_that_names_a_war(settings: Settings) -> None:
    assert _types(settings, "The Battle of Midway was a major battle of World War II.")["World War II"] == "War"


def test_a_name_given_as_a_name_has_its_other_name_after_or(settings: Settings) -> None:
    text = "In July 1943 the Wehrmacht launched an offensive it called Operation Citadel, or Zitadelle, near Kursk."
    facts = {(f.key, f.name) for f in _extract(settings, text).names}
    assert ("~operationcitadel", "Zitadelle") in facts
