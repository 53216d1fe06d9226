"""Stage 5: where sources agree and where they disagree.

Claims of different sources about the same subject, property and side are compared as intervals,
honestly: a range contains a value; "approximately" widens a number by 10 %; "more than 500 days"
is consistent with 575 days; "nearly 24,000" means at most 24,000; a month or a year is every day in
it, so "September 1980" and "26 October 1980" conflict while "1980" and "26 October 1980" agree.

A stated duration is also checked against the start and end dates a source gives for the same
event ("575 days" against 26 October 1980 to 24 May 1982).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from itertools import combinations

from .extract.dates import date_bounds
from .models import Claim, Comparison, DateValue, Quantity

__all__ = ["compare_claims", "quantity_interval", "APPROXIMATION"]

APPROXIMATION = Decimal("0.1")
_DAYS = {"day": Decimal(1), "week": Decimal(7), "month": Decimal("30.44"), "year": Decimal("365.25")}
_INF = Decimal("Infinity")
_STRICT = ("more than", "over", "fewer than", "less than")


def quantity_interval(q: Quantity) -> tuple[Decimal, Decimal]:
    """The values a stated quantity allows, in its unit (durations in days)."""
    scale = _DAYS.get(q.unit or "", Decimal(1))
    lo = q.lower if q.lower is not None else q.amount
    hi = q.upper if q.upper is not None else q.amount
    if q.amount is None and q.lower is not None and q.upper is None:
        hi = _INF
    if q.amount is None and q.upper is not None and q.lower is None:
        lo = Decimal(0)
    lo = lo if lo is not None else Decimal(0)
    hi = hi if hi is not None else _INF
    if q.approximate:
        lo, hi = lo * (1 - APPROXIMATION), (hi * (1 + APPROXIMATION) if hi != _INF else hi)
    if q.qualifier in _STRICT and q.lower is not None:
        lo = lo + Decimal("0.000001")
    if q.unit in _DAYS and q.unit != "day" and not q.approximate:
        # "19 months" is a count of whole months: allow half a unit either way.
        lo, hi = lo - Decimal("0.5"), (hi + Decimal("0.5") if hi != _INF else hi)
    if q.upper is not None and q.amount is not None and q.approximate:
        hi = q.upper  # "nearly N": at most N
    return lo * scale, (hi * scale if hi != _INF else hi)


def _fmt(c: Claim) -> str:
    v = c.value
    if isinstance(v, DateValue):
        return v.lexical
    if isinstance(v, Quantity):
        if v.amount is not None:
            text = f"{v.amount:,}"
        elif v.lower is not None and v.upper is not None:
            text = f"{v.lower:,}–{v.upper:,}"
        elif v.lower is not None:
            text = f">{v.lower:,}"
        else:
            text = f"<{v.upper:,}"
        if v.qualifier:
            text = f"{v.qualifier} {text.lstrip('<>')}"
        return text + (f" {v.unit}s" if v.unit in _DAYS else "")
    return repr(v)


def _side_key(c: Claim) -> str | None:
    if c.side:
        return c.side
    if c.side_label:
        return "~" + c.side_label.lower()
    if c.side_number is not None:
        return f"#{c.doc_id}#{c.side_number}"  # a numbered side whose combatant is not known
    return None


def _unit_family(q: Quantity) -> str | None:
    return "duration" if q.unit in _DAYS else q.unit


def _overlap(a: tuple[Decimal, Decimal], b: tuple[Decimal, Decimal]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _compare(a: Claim, b: Claim) -> Comparison:
    if isinstance(a.value, DateValue) and isinstance(b.value, DateValue):
        ra, rb = date_bounds(a.value), date_bounds(b.value)
        agree = ra[0] <= rb[1] and rb[0] <= ra[1]
        if agree and a.value.precision != b.value.precision:
            note = f"{_fmt(a)} and {_fmt(b)} are consistent: the more precise date lies within the other"
        elif agree:
            note = f"both give {_fmt(a)}"
        else:
            note = f"{_fmt(a)} and {_fmt(b)} cannot both be right: the dates do not overlap"
        return Comparison(a, b, agree, note)
    assert isinstance(a.value, Quantity) and isinstance(b.value, Quantity)
    ia, ib = quantity_interval(a.value), quantity_interval(b.value)
    agree = _overlap(ia, ib)
    verb = "are consistent" if agree else "cannot both be right"
    note = f"{_fmt(a)} and {_fmt(b)} {verb}"
    if a.scope != b.scope:
        note += f" (scopes differ: {a.scope or 'none stated'} / {b.scope or 'none stated'})"
    return Comparison(a, b, agree, note)


def _duration_checks(claims: list[Claim]) -> list[Comparison]:
    """Stated durations against the span between a source's start and end dates for the same event."""
    out: list[Comparison] = []
    by_subject: dict[str, dict[str, dict[str, dict[str, Claim]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(dict)))
    for c in sorted(claims, key=lambda c: (c.doc_id, c.start, c.end)):
        if c.property in ("startTime", "endTime") and isinstance(c.value, DateValue):
            # one claim per source and date: a source that repeats a date is heard once
            by_subject[c.subject][c.doc_id][c.property].setdefault(c.value.lexical, c)
    for d in claims:
        if d.property != "duration" or not isinstance(d.value, Quantity) or d.subject not in by_subject:
            continue
        lo, hi = quantity_interval(d.value)
        per_source = by_subject[d.subject]
        pairs: list[tuple[Claim, Claim]] = []
        for _, props in sorted(per_source.items()):
            pairs += [(s, e) for s in props["startTime"].values() for e in props["endTime"].values()]
        # A source that gives a start and a duration but no end is checked against the ends others give:
        # its own two statements must fit together with them.
        own = per_source.get(d.doc_id, {})
        if own.get("startTime") and not own.get("endTime"):
            pairs += [(s, e) for s in own["startTime"].values() for other, props in sorted(per_source.items())
                      if other != d.doc_id for e in props["endTime"].values()]
        for start, end in pairs:
            s0, s1 = date_bounds(start.value)  # type: ignore[arg-type]
            e0, e1 = date_bounds(end.value)  # type: ignore[arg-type]
            span = (Decimal((e0 - s1).days), Decimal((e1 - s0).days))
            if span[1] < 0:
                continue
            agree = _overlap((lo, hi), span)
            days = f"{span[0]}" if span[0] == span[1] else f"{span[0]}–{span[1]}"
            where = start.doc_id if start.doc_id == end.doc_id else f"{start.doc_id} and {end.doc_id}"
            note = (f"{_fmt(d)} {'agrees' if agree else 'does not agree'} with the dates "
                    f"{_fmt(start)} to {_fmt(end)} stated in {where} ({days} days)")
            out.append(Comparison(d, start, agree, note, also=(end,)))
    return out


def compare_claims(claims: list[Claim]) -> list[Comparison]:
    """Every pair of claims from different sources about the same quantity or date, with a verdict."""
    groups: dict[tuple[object, ...], list[Claim]] = defaultdict(list)
    for c in claims:
        if isinstance(c.value, DateValue):
            groups[(c.subject, c.property, "date")].append(c)
        elif isinstance(c.value, Quantity) and c.property != "proportion":
            groups[(c.subject, c.property, _side_key(c), _unit_family(c.value))].append(c)
    out: list[Comparison] = []
    for key in sorted(groups, key=repr):
        # A source that repeats a value is heard once per value: its first statement of it.
        first: dict[tuple[str, str], Claim] = {}
        for c in sorted(groups[key], key=lambda c: (c.doc_id, c.start, c.end)):
            first.setdefault((c.doc_id, repr(c.value)), c)
        for a, b in combinations(list(first.values()), 2):
            if a.doc_id != b.doc_id:
                out.append(_compare(a, b))
    out.extend(_duration_checks(claims))
    return out
