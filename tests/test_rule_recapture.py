"""A place taken back states its own date and event: "X was freed on D" gives X kgo:recapturedOn D, "took
the city back during Operation Y" gives X kgo:recapturedDuring Y. A semicolon ends what a start verb
governs, and in "X, in the southern province of Y, was captured" the event is X's, not Y's. Texts about
1944–45 in western Europe and the Crimean War, read with the real ontology, registry and lexicon; each rule
also has texts where it must not fire, because a wrong fact is worse than a missing one."""

from __future__ import annotations

from ruletext import extract, facts

from kg_builder.config import Settings
from kg_builder.extract import DocumentExtraction


def rules(result: DocumentExtraction, prop: str) -> set[str]:
    return {c.rule for c in result.claims if c.property == prop}


# -- the date a place was taken back ----------------------------------------------------------------

def test_a_place_freed_on_a_day_was_recaptured_on_it(settings: Settings) -> None:
    result = extract(settings, "Bonn was freed on 9 March 1945.")  # a city of the registry
    assert facts(result, "recapturedOn") == {("bonn", "recapturedOn", "1945-03-09")}
    assert rules(result, "recapturedOn") == {"text-recapturedOn"}


def test_the_town_liberated_on_a_day_is_the_town_named_before(settings: Settings) -> None:
    text = "German troops captured the town of Bastogne in December 1944. The town was liberated on 26 December 1944."
    result = extract(settings, text)
    assert facts(result, "recapturedOn") == {("~bastogne", "recapturedOn", "1944-12-26")}


def test_a_place_taken_back_from_an_enemy_on_a_day(settings: Settings) -> None:
    result = extract(settings, "Bonn was taken back from the German army on 9 March 1945.")
    assert facts(result, "recapturedOn") == {("bonn", "recapturedOn", "1945-03-09")}
    result = extract(settings, "American troops took Bonn back on 9 March 1945.")
    assert facts(result, "recapturedOn") == {("bonn", "recapturedOn", "1945-03-09")}


def test_a_place_that_was_not_taken_back_has_no_recapture_date(settings: Settings) -> None:
    assert not facts(extract(settings, "Bonn was bombed on 9 March 1945."), "recapturedOn")
    # A country is no place an event is named after ("the liberation of France" is no battle).
    assert not facts(extract(settings, "France was liberated on 25 August 1944."), "recapturedOn")


# -- the event a place was taken back in ----------------------------------------------------------------

def test_a_place_taken_back_during_an_operation(settings: Settings) -> None:
    result = extract(settings, "American troops took Bonn back during Operation Lumberjack.")
    assert facts(result, "recapturedDuring") == {("bonn", "recapturedDuring", "~operationlumberjack")}
    assert rules(result, "recapturedDuring") == {"text-recapturedDuring"}
    text = ("German troops captured the town of Bastogne in December 1944. American troops took the town back "
            "during Operation Nordwind.")
    assert facts(extract(settings, text), "recapturedDuring") == {
        ("~bastogne", "recapturedDuring", "~operationnordwind")}


def test_a_place_reached_during_an_operation_was_not_taken_back_in_it(settings: Settings) -> None:
    result = extract(settings, "American troops reached Bonn during Operation Lumberjack.")
    assert not facts(result, "recapturedDuring", "recapturedOn")


# -- what a start verb governs ----------------------------------------------------------------------------

def test_a_semicolon_ends_what_began_governs(settings: Settings) -> None:
    text = ("Soviet forces launched Operation Bagration, which began in June 1944; the city of Minsk was freed on "
            "3 July 1944.")
    result = extract(settings, text)
    assert facts(result, "startTime") == {("~operationbagration", "startTime", "1944-06")}
    # The date after the semicolon is the city's.
    assert facts(result, "recapturedOn") == {("~minsk", "recapturedOn", "1944-07-03")}


# -- the place of the event in "X, in the province of Y, was captured" -------------------------------------

def test_the_place_before_an_apposition_is_the_events(settings: Settings) -> None:
    text = "The city of Sevastopol, in the southern province of Crimea, was captured on 9 September 1855."
    result = extract(settings, text)
    assert facts(result, "startTime") == {("~occupationofsevastopol", "startTime", "1855-09-09")}
    assert not any("crimea" in c.subject for c in result.claims if c.property != "locatedIn")
    result = extract(settings, "Bonn, in the western province of Rhineland, was freed on 9 March 1945.")
    assert facts(result, "recapturedOn") == {("bonn", "recapturedOn", "1945-03-09")}
