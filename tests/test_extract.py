"""Stage tests of the extractors on short texts written for them."""

from __future__ import annotations

from decimal import Decimal

from kg_builder.config import Settings
from kg_builder.extract import extract_document, make_extractor
from kg_builder.extract.dates import find_dates
from kg_builder.extract.names import norm
from kg_builder.extract.quantities import compile_quantities, find_quantities
from kg_builder.extract.names import compile_patterns
from kg_builder.models import Document, DocumentMeta, Quantity
from kg_builder.parse import parse_document


def dates_in(text: str) -> list[tuple[str, str, str | None]]:
    return [(text[d.start:d.end], d.first.lexical, d.last.lexical if d.last else None)
            for d in find_dates(text, 0, len(text), 0)]


def test_every_date_form_of_the_corpus() -> None:
    assert dates_in("on 24 May 1982") == [("24 May 1982", "1982-05-24", None)]
    assert dates_in("on May 24, 1982") == [("May 24, 1982", "1982-05-24", None)]
    assert dates_in("in September 1980") == [("September 1980", "1980-09", None)]
    assert dates_in(" date 2025-05-23 text") == [("2025-05-23", "2025-05-23", None)]
    assert dates_in("captured in 1980, with") == [("1980", "1980", None)]
    assert dates_in("24 April – 24 May 1982") == [("24 April – 24 May 1982", "1982-04-24", "1982-05-24")]
    assert dates_in("from 24 April to 12 May 1982") == [("24 April to 12 May 1982", "1982-04-24", "1982-05-12")]
    assert dates_in("5–23 July 1943") == [("5–23 July 1943", "1943-07-05", "1943-07-23")]


def test_day_and_month_take_the_year_of_the_paragraph_or_nothing() -> None:
    text = "It lasted until 12 May 1982. The Iraqis, on 20 May, attacked."
    found = find_dates(text, 28, len(text), 0)
    assert [(d.first.lexical, d.year_from_context) for d in found] == [("1982-05-20", True)]
    assert find_dates("He died on 24 May, in a crash.", 0, 30, 0) == []
    assert [d.first.precision for d in find_dates("in 1980", 0, 7, 0)] == [9]


def quantities(settings: Settings, text: str) -> list[tuple[str, str, Quantity, str | None]]:
    patterns = compile_patterns(settings.registry, settings.lexicon)
    ql = compile_quantities(settings.lexicon)
    return [(text[q.start:q.end], q.property, q.quantity, q.side_label)
            for q in find_quantities(text, 0, len(text), ql, patterns, [])]


def test_quantities_with_hedges_units_and_sides(settings: Settings) -> None:
    found = quantities(settings, "some 6,000 Iranian soldiers were martyred and nearly 24,000 others injured.")
    assert [(p, q.amount, q.upper, q.approximate, side) for _, p, q, side in found] == [
        ("numberOfDeaths", Decimal(6000), None, True, "Iranian"),
        ("numberOfInjured", Decimal(24000), Decimal(24000), True, "Iranian"),  # "others": same side
    ]
    (_, prop, q, _), = quantities(settings, "the Iranians captured approximately 19,000 soldiers from the army.")
    assert prop == "numberCaptured" and q.amount == 19000
    (_, prop, q, _), = quantities(settings, "with approximately 15,000–20,000 troops, supported by tanks.")
    assert prop == "numberOfParticipants" and (q.lower, q.upper) == (15000, 20000)
    (_, prop, q, _), = quantities(settings, "after more than 500 days of occupation")
    assert prop == "duration" and q.lower == 500 and q.amount is None and q.unit == "day"
    (_, prop, q, _), = quantities(settings, "for 575 days (19 months.)")[1:]
    assert prop == "duration" and q.unit == "month" and q.amount == 19
    (_, prop, q, _), = quantities(settings, "women made up a quarter of the defenders")
    assert prop == "proportion" and q.amount == Decimal("0.25") and q.unit == "defenders"
    (_, prop, q, _), = quantities(settings, "Despite having only a few thousand armed defenders,")
    assert prop == "numberOfParticipants" and (q.lower, q.upper) == (2000, 9999)
    assert quantities(settings, "in 1982, 9th Armoured Division") == []


def test_infobox_side_parts_and_scope(settings: Settings) -> None:
    text = ("= Battle of Xyz =\n\nInfobox\n- Conflict: Battle of Xyz\n- Combatant1: Ruritania\n- Combatant2:\n"
            "- Commander1: Jan NovakKIA, Petr Holy\n"
            "- Casualties1: 1,000 killed, 2,000 wounded ---- 30 tanks destroyed (Whole campaign)\n\nText.\n")
    doc = Document("x", "x.txt", text, DocumentMeta(title="Battle of Xyz", kind="encyclopedia", language="en"))
    result = extract_document(parse_document(doc), make_extractor(settings))
    assert result.topic == "~" + norm("Battle of Xyz")
    claims = {(text[c.start:c.end], c.property): c for c in result.claims}
    assert claims[("Jan NovakKIA", "commander")].qualifier == "KIA: killed in action"
    assert claims[("Jan NovakKIA", "commander")].value.key == "~jannovak"  # type: ignore[union-attr]
    assert claims[("Jan NovakKIA", "commander")].side == "~ruritania"
    assert claims[("30 tanks destroyed", "equipmentLosses")].scope == "Whole campaign"
    assert claims[("1,000 killed", "numberOfDeaths")].side_number == 1
    missing = [c for c in result.claims if c.missing_field]
    assert [(c.missing_field, c.value, text[c.start:c.end]) for c in missing] == [("Combatant2", None, "Combatant2:")]
