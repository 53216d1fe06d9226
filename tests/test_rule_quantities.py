"""A figure takes its property from what it counts: casualties are their own quantity, never deaths; a
combined "killed, wounded or captured" is casualties; counts of things that are not people are never
deaths or participants. Texts about other wars and eras than the seeds'."""

from __future__ import annotations

from decimal import Decimal

from kg_builder.config import Settings
from kg_builder.extract import extract_document, make_extractor
from kg_builder.models import Document, DocumentMeta, Quantity
from kg_builder.parse import parse_document


def _figures(settings: Settings, text: str) -> list[tuple[str, str]]:
    """(property, quoted words) of each quantity claim, in text order."""
    kind = "encyclopedia" if text.startswith("=") else "news"
    doc = Document("q", "q.txt", text, DocumentMeta(title="A text", kind=kind, language="en"))
    result = extract_document(parse_document(doc), make_extractor(settings))
    claims = sorted((c for c in result.claims if c.kind == "QuantityClaim"), key=lambda c: c.start)
    return [(c.property, text[c.start:c.end]) for c in claims]


def _infobox(field: str, prose: str = "The battle was fought.") -> str:
    return (f"= Battle of Somewhere =\n\nInfobox\n- Conflict: Battle of Somewhere\n- Combatant1: Ruritania\n"
            f"- {field}\n\n{prose}\n")


def _prose(sentence: str) -> str:
    """An article about a battle whose running text holds ``sentence``."""
    return _infobox("Result: Ruritanian victory", "The Battle of Somewhere was fought in 1812. " + sentence)


def test_casualties_are_their_own_quantity(settings: Settings) -> None:
    assert _figures(settings, _infobox("Casualties1: 1,500 casualties")) == [
        ("numberOfCasualties", "1,500 casualties")]
    # A bare number in a Casualties field counts casualties, not deaths.
    assert [p for p, _ in _figures(settings, _infobox("Casualties1: 3,000"))] == ["numberOfCasualties"]
    figures = _figures(settings, _prose("The Union army suffered 23,000 casualties."))
    assert figures == [("numberOfCasualties", "23,000 casualties")]


def test_killed_and_wounded_in_one_figure_are_casualties(settings: Settings) -> None:
    text = _prose("In the battle the French lost some 30,000 killed and wounded, and 1,000 missing.")
    assert _figures(settings, text) == [("numberOfCasualties", "some 30,000 killed and wounded"),
                                        ("numberMissing", "1,000 missing")]
    text = _prose("In the battle the division lost 2,000 men killed, wounded or captured.")
    assert _figures(settings, text) == [("numberOfCasualties", "2,000 men killed, wounded or captured")]


def test_separate_figures_stay_separate(settings: Settings) -> None:
    figures = _figures(settings, _infobox("Casualties1: 8,000 killed, 15,000 wounded, 900 missing"))
    assert figures == [("numberOfDeaths", "8,000 killed"), ("numberOfInjured", "15,000 wounded"),
                       ("numberMissing", "900 missing")]


def test_counts_of_things_that_are_not_people_are_no_deaths_or_strength(settings: Settings) -> None:
    figures = _figures(settings, _infobox("Strength1: 4 brigades, 12,000 men, 7 destroyers"))
    assert figures == [("numberOfParticipants", "12,000 men")]
    figures = _figures(settings, _prose("In the battle the guns destroyed 40 buildings and 12 villages."))
    assert figures == []


def test_a_verb_before_a_list_of_figures_counts_each_of_them(settings: Settings) -> None:
    text = _prose("The battle killed 255 British servicemen, 649 Argentine personnel and 3 islanders.")
    assert [p for p, _ in _figures(settings, text)] == ["numberOfDeaths"] * 3


def test_men_who_went_into_captivity_are_captured_not_strength(settings: Settings) -> None:
    text = _prose("The army capitulated on 2 September, and 104,000 men went into captivity.")
    assert [p for p, _ in _figures(settings, text)] == ["numberCaptured"]


def test_scale_words_multiply_the_figure(settings: Settings) -> None:
    text = _prose("By 1918 more than one million men had been killed or wounded, and 2.5 million taken prisoner.")
    figures = _figures(settings, text)
    assert [p for p, _ in figures] == ["numberOfCasualties", "numberCaptured"]
    result_quotes = [q for _, q in figures]
    assert result_quotes[0].startswith("more than one million") and result_quotes[1].startswith("2.5 million")


def test_a_scaled_figure_is_a_whole_number(settings: Settings) -> None:
    from decimal import Decimal

    from kg_builder.models import Quantity

    text = _prose("In the battle 2.5 million were taken prisoner.")
    doc = Document("q", "q.txt", text, DocumentMeta(title="A text", kind="encyclopedia", language="en"))
    result = extract_document(parse_document(doc), make_extractor(settings))
    [value] = [c.value for c in result.claims if isinstance(c.value, Quantity)]
    assert value.amount == Decimal(2500000) and str(value.amount) == "2500000"


def _values(settings: Settings, sentence: str) -> list[tuple[str, Quantity]]:
    """(property, value) of each quantity claim of an article whose running text holds ``sentence``."""
    text = _prose(sentence)
    doc = Document("q", "q.txt", text, DocumentMeta(title="A text", kind="encyclopedia", language="en"))
    result = extract_document(parse_document(doc), make_extractor(settings))
    return [(c.property, c.value) for c in sorted(result.claims, key=lambda c: c.start)
            if isinstance(c.value, Quantity)]


def test_between_two_figures_is_a_range_like_a_dash(settings: Settings) -> None:
    [(prop, value)] = _values(settings, "Between 400 and 500 Ruritanian soldiers were killed.")
    assert prop == "numberOfDeaths"
    assert value == Quantity(None, Decimal(400), Decimal(500), False, None)
    assert _values(settings, "400–500 Ruritanian soldiers were killed.") == [(prop, value)]
    assert _figures(settings, _prose("The garrison lost between 1,200 and 1,500 men killed.")) == [
        ("numberOfDeaths", "between 1,200 and 1,500 men killed")]


def test_between_two_years_is_no_count(settings: Settings) -> None:
    assert _values(settings, "Between 1914 and 1918 millions died in the trenches.") == []
    # "between" with no "and" after its figure opens no range: the figure is read as it stands.
    values = _values(settings, "Fighting broke out between 300 soldiers and the militia.")
    assert [(p, v.amount, v.lower, v.upper) for p, v in values] == [("numberOfParticipants", 300, None, None)]
