"""Relations stated by the fixed phrases of the lexicon's `relations:` ("A <phrase> B"): a battle fought
during a war is part of it, "A Island was the site of the B" puts B in A, "X, in the southern province of
Y" puts the city in the province, and a name that closes an apposition is not the subject of the phrase
after it. Texts about the Crimean War, the Korean War and 1940s, read with the real ontology, registry and
lexicon; each rule also has texts where it must not fire, because a wrong fact is worse than a missing
one."""

from __future__ import annotations

from ruletext import Fact, extract

from kg_builder.config import Settings
from kg_builder.extract import DocumentExtraction
from kg_builder.models import EntityValue


def relations(result: DocumentExtraction, prop: str, rule: str | None = None) -> set[Fact]:
    """(subject, property, value key) of the relation claims of this property (and rule)."""
    return {(c.subject, c.property, c.value.key) for c in result.claims
            if c.property == prop and isinstance(c.value, EntityValue) and rule in (None, c.rule)}


# -- partOfWar: a battle fought during a war ----------------------------------------------------------

def test_a_battle_fought_during_a_war_is_part_of_it(settings: Settings) -> None:
    result = extract(settings, "The Battle of Inkerman was fought during the Crimean War.")
    assert relations(result, "partOf", "text-relation-partOfWar") == {
        ("~battleofinkerman", "partOf", "~crimeanwar")}
    result = extract(settings, "The Battle of Inchon was a major battle of the Korean War.")
    assert relations(result, "partOf", "text-relation-partOfWar") == {("~battleofinchon", "partOf", "~koreanwar")}


def test_a_battle_fought_during_what_is_no_war_is_part_of_nothing(settings: Settings) -> None:
    for text in ("The Battle of Inkerman was fought during Operation Thunder.",  # an operation, not a war
                 "The Battle of Inkerman was fought during the siege of Sevastopol.",
                 "The Battle of Inkerman was fought during the winter of 1854."):
        assert not relations(extract(settings, text), "partOf"), text


# -- siteOf: "A Island was the site of the B" ------------------------------------------------------------

def test_an_island_that_was_the_site_of_a_fortress_holds_it(settings: Settings) -> None:
    result = extract(settings, "Corregidor Island was the site of the Fort Mills Fortress.")
    assert relations(result, "locatedIn", "text-relation-siteOf") == {
        ("~fortmillsfortress", "locatedIn", "~corregidorisland")}
    result = extract(settings, "Malta Island was home to the Grand Harbour Fortress.")
    assert relations(result, "locatedIn", "text-relation-siteOf") == {
        ("~grandharbourfortress", "locatedIn", "~maltaisland")}


def test_what_is_no_place_is_the_site_of_nothing(settings: Settings) -> None:
    for text in ("The 4th Marine Regiment was home to the Fort Mills Fortress.",  # a unit, not a place
                 "General Jonathan Wainwright was the site of the Fort Mills Fortress.",
                 # the name next to the phrase is the unit; the island is further from it than `max_gap`
                 "Corregidor Island, defended by the 4th Marine Regiment, was the site of the Fort Mills Fortress.",
                 "Corregidor Island was the site of heavy fighting near the Fort Mills Fortress."):
        assert not relations(extract(settings, text), "locatedIn"), text


# -- locatedIn: "X, in the southern province of Y" -------------------------------------------------------

def test_a_city_in_the_province_of_an_apposition_is_located_in_it(settings: Settings) -> None:
    result = extract(settings, "The city of Sevastopol, in the southern province of Crimea, was besieged in 1854.")
    assert relations(result, "locatedIn", "text-relation-locatedIn") == {("~sevastopol", "locatedIn", "~crimea")}
    result = extract(settings, "Bonn, in the western province of Rhineland, fell.")  # Bonn: a city of the registry
    assert relations(result, "locatedIn", "text-relation-locatedIn") == {("bonn", "locatedIn", "~rhineland")}


def test_what_is_no_city_or_no_province_is_located_in_nothing(settings: Settings) -> None:
    for text in ("The 101st Airborne Division, in the southern province of Luxembourg, held out for a week.",
                 "The town of Bastogne, in the southern sector of the Ardennes Forest, held out."):
        assert not relations(extract(settings, text), "locatedIn"), text


# -- a name that closes an apposition is not the subject of the phrase after it ----------------------------

def test_a_name_inside_an_apposition_did_not_launch_the_operation(settings: Settings) -> None:
    text = ("In 1944 the Polish Home Army, led by Tadeusz Komorowski and based in Poland, launched "
            "Operation Tempest.")
    result = extract(settings, text)
    assert not {v for _, _, v in relations(result, "combatant")} & {"~poland", "poland"}
    text = "In 1950 the Chinese army, led by Peng Dehuai and based in China, launched Operation Thunderbolt."
    assert "china" not in {v for _, _, v in relations(extract(settings, text), "combatant")}


def test_the_subject_of_launched_is_its_combatant(settings: Settings) -> None:
    result = extract(settings, "In 1950 China launched Operation Thunderbolt.")
    assert relations(result, "combatant", "text-relation-combatant") == {
        ("~operationthunderbolt", "combatant", "china")}
    result = extract(settings, "In 1944 the Polish Home Army launched Operation Tempest.")
    assert relations(result, "combatant") == {("~operationtempest", "combatant", "~polishhomearmy")}
