from __future__ import annotations

from decimal import Decimal as D

from kg_builder.conflicts import compare_claims
from kg_builder.models import Claim, DateValue, Quantity


def claim(doc: str, value: object, prop: str = "numberOfDeaths", subject: str = "e", side: str | None = "s") -> Claim:
    return Claim(doc_id=doc, subject=subject, property=prop, value=value, start=0, end=1, rule="r", side=side)  # type: ignore[arg-type]


def verdict(a: object, b: object, prop: str = "numberOfDeaths") -> bool:
    (cmp,) = compare_claims([claim("a", a, prop), claim("b", b, prop)])
    return cmp.agree


def test_a_range_contains_a_value() -> None:
    assert verdict(Quantity(None, D(12000), D(15000)), Quantity(D(13000)))
    assert not verdict(Quantity(None, D(12000), D(15000)), Quantity(D(6000)))


def test_hedges() -> None:
    assert verdict(Quantity(D(19000), approximate=True, qualifier="approximately"), Quantity(D(19500)))
    assert not verdict(Quantity(D(24000), None, D(24000), True, "nearly"), Quantity(D(25000)))
    days = dict(prop="duration")
    assert verdict(Quantity(None, D(500), None, False, "more than", "day"), Quantity(D(575), unit="day"), **days)
    assert not verdict(Quantity(None, D(500), None, False, "more than", "day"), Quantity(D(500), unit="day"), **days)
    assert verdict(Quantity(D(575), unit="day"), Quantity(D(19), unit="month"), **days)


def test_dates_by_precision() -> None:
    assert not verdict(DateValue("1980-09", 10), DateValue("1980-10-26", 11), "startTime")
    assert verdict(DateValue("1980", 9), DateValue("1980-10-26", 11), "startTime")


def test_only_same_subject_side_and_different_sources_are_compared() -> None:
    a = claim("a", Quantity(D(1)))
    assert compare_claims([a, claim("a", Quantity(D(2)))]) == []
    assert compare_claims([a, claim("b", Quantity(D(2)), side="other")]) == []
    assert compare_claims([a, claim("b", Quantity(D(2)), subject="f")]) == []


def test_duration_against_the_dates_of_a_source() -> None:
    claims = [
        claim("a", Quantity(D(575), unit="day"), "duration", side=None),
        claim("b", DateValue("1980-10-26", 11), "startTime", side=None),
        claim("b", DateValue("1982-05-24", 11), "endTime", side=None),
    ]
    checks = [c for c in compare_claims(claims) if c.first.property == "duration"]
    assert len(checks) == 1 and checks[0].agree and "(575 days)" in checks[0].note
