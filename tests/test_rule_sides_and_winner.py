"""Which side a figure is of, and who won. Two peoples counted together ("72,000 British and South African
soldiers") are no one side: the figure keeps their words as its side label and names no side entity. An
infobox's "Decisive X victory" names a winner only when X's country is one of the infobox's combatants.
Texts about the First World War and the Franco-Prussian War, read with the real ontology, registry and
lexicon; each rule also has texts where it must not fire, because a wrong fact is worse than a missing
one."""

from __future__ import annotations

from decimal import Decimal

import ruletext

from kg_builder.config import Settings
from kg_builder.extract import DocumentExtraction
from kg_builder.models import DocumentKind, EntityValue, Quantity

PASSCHENDAELE = "The Battle of Passchendaele ended in November 1917. "


def extract(settings: Settings, text: str, kind: DocumentKind = "news") -> DocumentExtraction:
    return ruletext.extract(settings, text, kind, "Battle of Sedan" if kind == "encyclopedia" else "Wire report")


def _deaths(settings: Settings, sentence: str) -> list[tuple[str | None, str | None, Quantity]]:
    """(side, side label, value) of the deaths claims of a text about the battle."""
    result = extract(settings, PASSCHENDAELE + sentence)
    return [(c.side, c.side_label, c.value) for c in result.claims
            if c.property == "numberOfDeaths" and isinstance(c.value, Quantity)]


MORE_THAN_72000 = Quantity(amount=None, lower=Decimal(72000), qualifier="more than")


# -- two peoples counted together are no one side -------------------------------------------------------

def test_two_peoples_counted_together_are_no_side(settings: Settings) -> None:
    # One people of the registry and one it does not know.
    deaths = _deaths(settings, "The memorial names more than 72,000 British and South African soldiers who died "
                               "in the battle.")
    assert deaths == [(None, "British and South African", MORE_THAN_72000)]
    # Two peoples of the registry: still no one side.
    deaths = _deaths(settings, "More than 72,000 British and French soldiers died in the battle.")
    assert deaths == [(None, "British and French", MORE_THAN_72000)]


def test_one_people_is_the_side_of_its_figure(settings: Settings) -> None:
    deaths = _deaths(settings, "The memorial names more than 72,000 British soldiers who died in the battle.")
    assert deaths == [("united-kingdom", "British", MORE_THAN_72000)]


# -- the infobox's winner ---------------------------------------------------------------------------------

def _infobox(result: str, *combatants: str) -> str:
    fields = "".join(f"- Combatant{n}: {name}\n" for n, name in enumerate(combatants, 1))
    return (f"= Battle of Sedan =\n\nInfobox\n- Conflict: Battle of Sedan\n- Date: 1–2 September 1870\n"
            f"- Result: {result}\n{fields}\nThe Battle of Sedan was fought in 1870.\n")


def _winners(settings: Settings, text: str) -> list[tuple[str, str, str]]:
    result = extract(settings, text, "encyclopedia")
    return [(c.subject, c.value.key, c.rule) for c in result.claims
            if c.property == "winner" and isinstance(c.value, EntityValue)]


def test_a_victory_of_a_combatants_people_names_the_winner(settings: Settings) -> None:
    text = _infobox("Decisive German victory", "Germany", "France")
    assert _winners(settings, text) == [("~battleofsedan", "germany", "infobox-result-winner")]


def test_a_victory_of_a_people_that_is_no_combatant_names_no_winner(settings: Settings) -> None:
    # The sides are entities of their own: "German victory" does not say which of them won.
    assert _winners(settings, _infobox("Decisive German victory", "North German Confederation",
                                       "Second French Empire")) == []
    # France is a country of the registry, but not one of this infobox's combatants.
    assert _winners(settings, _infobox("Decisive French victory", "Germany", "United Kingdom")) == []


def test_a_result_that_is_no_victory_names_no_winner(settings: Settings) -> None:
    assert _winners(settings, _infobox("French defeat", "Germany", "France")) == []
    assert _winners(settings, _infobox("Inconclusive", "Germany", "France")) == []


def _sides(settings: Settings, text: str) -> set[tuple[int | None, str | None, str | None]]:
    result = extract(settings, text, "encyclopedia")
    return {(c.side_number, c.side, c.side_evidence) for c in result.claims if c.property == "numberOfDeaths"}


def test_an_empty_combatant_field_takes_the_victors_people_as_a_derived_side(settings: Settings) -> None:
    base = ("= Battle of Kursk =\n\nInfobox\n- Conflict: Battle of Kursk\n- Result: {result}\n"
            "- Combatant1: Germany\n- Combatant2:\n- Casualties1: 50,000 killed\n- Casualties2: 70,000 killed\n\nText.")
    derived = _sides(settings, base.format(result="Decisive Soviet victory"))
    side2 = next(s for s in derived if s[0] == 2)
    assert side2[1] == "soviet-union" and side2[2] is not None and "Soviet" in side2[2]
    assert next(s for s in derived if s[0] == 1)[1:] == ("germany", None)
    # The victor is the listed side: nothing says who the other was.
    listed = _sides(settings, base.format(result="Decisive German victory"))
    assert next(s for s in listed if s[0] == 2)[1:] == (None, None)


def _side2(settings: Settings, result: str, commanders: str) -> tuple[str | None, str | None]:
    text = ("= Operation Dawn =\n\nInfobox\n- Conflict: Operation Dawn\n- Result: " + result +
            "\n- Combatant1: Iraq\n- Combatant2:\n- Commander2: " + commanders +
            "\n- Casualties1: 5,000 killed\n- Casualties2: 7,000 killed\n\nText.")
    sides = _sides(settings, text)
    return next((s[1], s[2]) for s in sides if s[0] == 2)


def test_an_empty_combatant_field_takes_the_country_of_its_commanders_forces(settings: Settings) -> None:
    # The registry makes both commanders members of forces of one country (an army, a guard corps).
    side, evidence = _side2(settings, "Inconclusive", "Ali Sayad Shirazi, Mohsen Rezaee")
    assert side == "iran" and evidence is not None and "Ali Sayad Shirazi, Mohsen Rezaee" in evidence
    # A victor that another side lists says nothing of side 2; the commanders still do.
    assert _side2(settings, "Iraqi victory", "Ali Sayad Shirazi")[0] == "iran"
    # The result and the commanders agree: both are the evidence.
    side, evidence = _side2(settings, "Iranian victory", "Ali Sayad Shirazi")
    assert side == "iran" and evidence is not None and "victor" in evidence and "commanders" in evidence


def test_commanders_of_no_one_country_name_no_side(settings: Settings) -> None:
    # Commanders of two countries' forces, or one the registry puts in no country's forces: no side.
    assert _side2(settings, "Inconclusive", "Ali Sayad Shirazi, Nizar al-Khazraji") == (None, None)
    assert _side2(settings, "Inconclusive", "Ali Sayad Shirazi, Ruhollah Khomeini") == (None, None)
    # A commander the registry does not know says nothing; nor does a lone unknown one.
    assert _side2(settings, "Inconclusive", "Jean Dupont") == (None, None)
    # The result and the commanders disagree: no side.
    assert _side2(settings, "Kuwaiti victory", "Ali Sayad Shirazi") == (None, None)
