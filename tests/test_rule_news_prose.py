"""The news-prose rules on short texts written for them: untitled speakers and their roles, "commanded by"
phrases, quotations attributed by said / told / added / according to, reported speech in a lead, and
"the city" of a text that has a dateline. Texts are wire reports of other wars and eras (1944, the
1990s Balkans, 1973), read with the real ontology, registry and lexicon; each rule also has texts where
it must not fire, because a wrong fact is worse than a missing one."""

from __future__ import annotations

from dataclasses import replace

from ruletext import extract, facts, key

from kg_builder.config import Lexicon, Settings
from kg_builder.extract import DocumentExtraction
from kg_builder.models import TextValue
from kg_builder.resolve import resolve_entities


def said(result: DocumentExtraction) -> dict[str, str]:
    """Quotation -> speaker key."""
    return {c.value.text: c.subject for c in result.claims if isinstance(c.value, TextValue)}


def entity_types(settings: Settings, result: DocumentExtraction) -> dict[str, tuple[str, ...]]:
    return {e.label: e.types for e in resolve_entities([result], settings.registry).entities}


def with_lexicon(settings: Settings, section: str, **changes: object) -> Settings:
    data = dict(settings.lexicon.data)
    data[section] = {**(data.get(section) or {}), **changes}
    return replace(settings, lexicon=Lexicon(data))


# -- untitled speakers and their roles ---------------------------------------------------------------

def test_name_with_a_role_apposition_is_a_person_and_a_member(settings: Settings) -> None:
    text = ("Warsaw - Jan Kowalski, deputy commander of the Polish Home Army, told the crowd that the uprising "
            "would go on. Kowalski spoke for an hour.")
    result = extract(settings, text)
    assert entity_types(settings, result)["Jan Kowalski"] == ("Person",)
    assert (key("Jan Kowalski"), "memberOf", key("Polish Home Army")) in facts(result, "memberOf")
    # A deputy commander is not the commander.
    assert not facts(result, "commander")


def test_said_name_a_spokesman_for_a_unit(settings: Settings) -> None:
    text = "The convoy reached the enclave before dawn, said Milan Petrovic, a spokesman for the 3rd Guards Brigade."
    result = extract(settings, text)
    assert entity_types(settings, result)["Milan Petrovic"] == ("Person",)
    assert facts(result, "memberOf") == {(key("Milan Petrovic"), "memberOf", key("3rd Guards Brigade"))}
    assert said(result) == {"The convoy reached the enclave before dawn": key("Milan Petrovic")}


def test_commander_of_an_operation_in_an_apposition(settings: Settings) -> None:
    result = extract(settings, "Hans Richter, commander of Operation Nordwind, visited the front on Sunday.")
    assert facts(result, "commander") == {(key("Operation Nordwind"), "commander", key("Hans Richter"))}
    result = extract(settings, "Hans Richter, deputy commander of Operation Nordwind, visited the front.")
    assert not facts(result, "commander")


def test_role_words_that_a_party_may_have_type_nobody(settings: Settings) -> None:
    # "leader" and "member" are roles of organisations too: the name stays untyped.
    result = extract(settings, "Free Bosnia Alliance, a member of the coalition, left the talks on Monday.")
    assert entity_types(settings, result).get("Free Bosnia Alliance") != ("Person",)
    assert not facts(result, "memberOf")


# -- "commanded by", "under the command of", "led by" ----------------------------------------------

def test_commanded_by_names_the_commander_of_the_operation(settings: Settings) -> None:
    text = ("Operation Market Garden, commanded by Field Marshal Bernard Montgomery, began on 17 September 1944. "
            "Operation Veritable, under the command of Henry Crerar, followed in February 1945. "
            "Operation Storm was led by General Ante Gotovina.")
    result = extract(settings, text)
    assert facts(result, "commander") == {
        (key("Operation Market Garden"), "commander", key("Bernard Montgomery")),
        (key("Operation Veritable"), "commander", key("Henry Crerar")),
        (key("Operation Storm"), "commander", key("Ante Gotovina")),
    }
    # The passive does not state the active relation ("X commanded Y") the other way round.
    assert all(c.rule != "text-relation-commander" for c in result.claims)
    assert entity_types(settings, result)["Henry Crerar"] == ("Person",)  # "under the command of" a name


def test_led_by_a_country_or_a_delegation_is_no_command(settings: Settings) -> None:
    text = ("Operation Deliberate Force, led by the United States, began on 30 August 1995. "
            "The delegation, led by Foreign Minister Haris Silajdzic, arrived in Geneva. "
            "Operation Deny Flight was led by Allied Forces Southern Europe.")
    result = extract(settings, text)
    assert not facts(result, "commander")
    # "led by" does not make an untyped name a person ("Allied Forces Southern Europe").
    assert entity_types(settings, result).get("Allied Forces Southern Europe") != ("Person",)


def test_a_force_commanded_by_gets_its_own_commander_property(settings: Settings) -> None:
    """kgo:commander inherits kgo:participant's domain kgo:Event: stated of a force, OWL-RL would make the
    force an event. A force "commanded by X" has X as kgo:forceCommander instead, which has no event in it."""
    text = "The 101st Airborne Division, commanded by General Maxwell Taylor, landed near Eindhoven."
    result = extract(settings, text)
    assert not facts(result, "commander")
    assert facts(result, "forceCommander") == {
        (key("101st Airborne Division"), "forceCommander", key("Maxwell Taylor"))}


# -- quotations ---------------------------------------------------------------------------------------

def test_speaker_after_the_quotation_by_surname_and_pronoun(settings: Settings) -> None:
    text = ("London - General Omar Bradley met reporters at his headquarters on Tuesday. "
            "“We have broken through at last,” Bradley said. "
            "He added that supplies were short: \"The men need fuel more than anything else.\"")
    assert said(extract(settings, text)) == {
        "We have broken through at last": key("Omar Bradley"),
        "The men need fuel more than anything else.": key("Omar Bradley"),
    }


def test_speaker_before_the_quotation_and_according_to(settings: Settings) -> None:
    text = ("Lieutenant General Sir Michael Rose told journalists in Sarajevo on Friday: \"The airport will "
            "reopen within days.\" According to General Rupert Smith, \"the talks will resume as soon as the "
            "shelling stops.\"")
    assert said(extract(settings, text)) == {
        "The airport will reopen within days.": key("Michael Rose"),
        "the talks will resume as soon as the shelling stops.": key("Rupert Smith"),
    }


def test_an_organisation_speaks(settings: Settings) -> None:
    text = ("The United Nations Security Council met in New York on Friday. "
            "\"All parties must lift the siege of the capital now,\" the council said. "
            "The 3rd Guards Brigade answered within hours. \"We will not withdraw from the hills,\" said the "
            "brigade.")
    assert said(extract(settings, text)) == {
        "All parties must lift the siege of the capital now": "unsc",
        "We will not withdraw from the hills": key("3rd Guards Brigade"),
    }


def test_two_candidate_speakers_are_never_decided_between(settings: Settings) -> None:
    text = ("Dwight Eisenhower met Bernard Montgomery in Brussels on Sunday. "
            "“We will be across the Rhine before the spring,” he said. "
            "Omar Bradley and George Patton said: “The Third Army is ready to move at once.” "
            "Courtney Hodges said George Patton had been right that “the bridge could be taken by one "
            "company alone.”")
    assert said(extract(settings, text)) == {}


def test_a_speaker_we_cannot_name_is_not_replaced_by_another_name(settings: Settings) -> None:
    text = ("“We were not warned about the shelling at all,” a local official told Ivo Jukic of the Red Cross. "
            "“The line will hold for as long as it is needed,” the commander said.")
    assert said(extract(settings, text)) == {}


def test_short_quotations_count_only_next_to_their_speaker(settings: Settings) -> None:
    text = ("“We will hold,” General Moshe Dayan said on 7 October 1973. "
            "The army called the line a “wall of sand”, General Moshe Dayan said.")
    assert said(extract(settings, text)) == {"We will hold": key("Moshe Dayan")}


# -- reported speech ----------------------------------------------------------------------------------

def test_reported_speech_in_a_lead(settings: Settings) -> None:
    text = ("The bridge at Remagen was taken intact by American troops, General Courtney Hodges told reporters "
            "on Thursday.")
    assert said(extract(settings, text)) == {"The bridge at Remagen was taken intact by American troops":
                                             key("Courtney Hodges")}


def test_a_circumstance_or_a_that_clause_is_not_what_was_said(settings: Settings) -> None:
    text = ("After the talks at the air base in Dayton ended, Richard Holbrooke said the agreement would hold. "
            "The ceasefire in the whole of Bosnia began at midnight, Richard Holbrooke said that the "
            "agreement would hold. "
            "The ceasefire in the whole of Bosnia began at midnight, the official said.")
    assert said(extract(settings, text)) == {}


# -- "the city" of a text with a dateline -------------------------------------------------------------

def test_the_dateline_is_not_the_city_the_text_is_about(settings: Settings) -> None:
    occupied = extract(settings, "Zagreb - The town was freed after 1,500 days of occupation.")
    assert not facts(occupied, "duration")
    only = extract(settings, "Zagreb - Veterans marched on Monday through the town of Knin. The town "
                             "was freed after 1,500 days of occupation.")
    assert {s for s, _, _ in facts(only, "duration")} == {key("Occupation of Knin")}
    # "The town" refers back: a town the text names only afterwards is not it.
    later = extract(settings, "Zagreb - The town was freed after 1,500 days of occupation. Veterans "
                              "marched on Monday through the town of Knin.")
    assert not facts(later, "duration")
