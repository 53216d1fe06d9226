"""Stage 5: where sources agree and where they disagree.

Claims of different sources about the same subject, property and side are compared as intervals,
honestly: a range contains a value; "approximately" widens a number by 10 %; "more than 500 days"
is consistent with 575 days; "nearly 24,000" means at most 24,000; a month or a year is every day in
it, so "September 1980" and "26 October 1980" conflict while "1980" and "26 October 1980" agree.

A stated duration is also checked against the start and end dates a source gives for the same
event ("575 days" against 26 October 1980 to 24 May 1982).

Claims are compared by value, not pair by pair, so that the verdicts grow with the number of claims
and not with its square (300 sources repeating one figure would otherwise be 44,850 pairs):

* the claims of different sources that state the same value (same subject, property, side and
  value) form a group, and one ``Comparison`` records their agreement, naming every claim of it;
* two groups of different values are compared once, through one claim of each (of two different
  sources), which stands for its group; the note says how many sources give each value;
* a key with more than ``ALL_PAIRS_UP_TO`` different values compares each value with its neighbours
  in order and with the value most sources give, not with every other, and says so in a warning;
* a stated duration is checked once per value against each distinct start and end date pair.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import combinations, pairwise

from .extract.dates import date_bounds
from .models import Claim, Comparison, DateValue, Quantity

__all__ = ["ALL_PAIRS_UP_TO", "APPROXIMATION", "Judgement", "compare_claims", "judge_claims", "quantity_interval"]

APPROXIMATION = Decimal("0.1")
# Up to this many different values of one subject, property and side are compared all against all
# (at most 190 comparisons); beyond, each with its neighbours and with the most stated one.
ALL_PAIRS_UP_TO = 20
_DAYS = {"day": Decimal(1), "week": Decimal(7), "month": Decimal("30.44"), "year": Decimal("365.25")}
_INF = Decimal("Infinity")
_STRICT = ("more than", "over", "fewer than", "less than")

Group = tuple[Claim, ...]  # claims of different sources stating one value, in source order


@dataclass(frozen=True)
class Judgement:
    """The comparisons of a corpus, and what the reader should know about how they were made."""

    comparisons: tuple[Comparison, ...]
    warnings: tuple[str, ...] = ()


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
    if c.side_members:
        return "+".join(sorted(c.side_members))  # a side several combatants form, as the source lists it
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


def _order(c: Claim) -> tuple[str, int, int]:
    return (c.doc_id, c.start, c.end)


def _value_groups(claims: Iterable[Claim]) -> list[Group]:
    """Claims grouped by value, in source order; a source that repeats a value is heard once (its first)."""
    groups: dict[str, list[Claim]] = {}
    seen: set[tuple[str, str]] = set()
    for c in sorted(claims, key=_order):
        value = repr(c.value)
        if (c.doc_id, value) not in seen:
            seen.add((c.doc_id, value))
            groups.setdefault(value, []).append(c)
    return [tuple(g) for g in groups.values()]


def _interval(c: Claim) -> tuple[object, object]:
    if isinstance(c.value, DateValue):
        return date_bounds(c.value)
    assert isinstance(c.value, Quantity)
    return quantity_interval(c.value)


def _pairs_to_compare(groups: Sequence[Group]) -> tuple[list[tuple[int, int]], bool]:
    """Which groups to compare (by index), and whether that is fewer than all pairs."""
    if len(groups) <= ALL_PAIRS_UP_TO:
        return list(combinations(range(len(groups)), 2)), False
    # Many different values: each is compared with the next in order (a conflict or an agreement with
    # its nearest rival) and with the value most sources give, so the verdicts stay linear in number.
    ordered = sorted(range(len(groups)), key=lambda i: (_interval(groups[i][0]), i))
    hub = max(range(len(groups)), key=lambda i: (len(groups[i]), -i))
    pairs = {tuple(sorted(p)) for p in pairwise(ordered)}
    pairs |= {tuple(sorted((hub, i))) for i in range(len(groups)) if i != hub}
    return sorted((a, b) for a, b in pairs), True


def _representatives(ga: Group, gb: Group) -> tuple[Claim, Claim] | None:
    """One claim of each group, from two different sources (the earliest such), in source order."""
    for a in ga[:2]:  # within a group every claim is of another source, so two of each suffice
        for b in gb[:2]:
            if a.doc_id != b.doc_id:
                return (a, b) if _order(a) <= _order(b) else (b, a)
    return None


def _sources_note(groups: Iterable[Group]) -> str:
    """How many sources stand behind each value, when any value has more than one."""
    return "".join(f"; {len(g)} sources give {_fmt(g[0])}" for g in groups if len(g) > 1)


def _others(group: Group, claim: Claim) -> tuple[Claim, ...]:
    return tuple(c for c in group if c is not claim)


def _agreement(group: Group) -> Comparison:
    """The agreement of the sources that state one value."""
    if len(group) == 2:
        return _compare(group[0], group[1])
    note = f"{len(group)} sources give {_fmt(group[0])}"
    scopes = sorted({c.scope or "none stated" for c in group})
    if len(scopes) > 1:
        note += f" (scopes differ: {' / '.join(scopes)})"
    return Comparison(group[0], group[1], True, note, also_compared=group[2:])


def _compare_key(claims: list[Claim]) -> tuple[list[Comparison], bool]:
    """The comparisons of the claims of one subject, property, side and kind of value."""
    groups = _value_groups(claims)
    out = [_agreement(g) for g in groups if len(g) > 1]
    pairs, capped = _pairs_to_compare(groups)
    for i, j in pairs:
        chosen = _representatives(groups[i], groups[j])
        if chosen is not None:
            cmp = _compare(*chosen)
            ga, gb = (groups[i], groups[j]) if cmp.first in groups[i] else (groups[j], groups[i])
            out.append(replace(cmp, note=cmp.note + _sources_note((ga, gb)), with_first=_others(ga, cmp.first),
                               with_second=_others(gb, cmp.second)))
    return out, capped


_Dates = dict[str, dict[str, dict[str, Claim]]]  # source -> startTime/endTime -> lexical -> claim
# The duration, the start and the end date it is checked against, and whether the verdict holds for
# every source of the duration's value (false for a source's own start with the end of another).
_Check = tuple[Claim, Claim, Claim, bool]


def _dates_by_subject(claims: list[Claim]) -> dict[str, _Dates]:
    by_subject: dict[str, _Dates] = defaultdict(lambda: defaultdict(lambda: defaultdict(dict)))
    for c in sorted(claims, key=_order):
        if c.property in ("startTime", "endTime") and isinstance(c.value, DateValue):
            # one claim per source and date: a source that repeats a date is heard once
            by_subject[c.subject][c.doc_id][c.property].setdefault(c.value.lexical, c)
    return by_subject


def _own_spans(dates: dict[str, dict[str, Claim]]) -> list[tuple[Claim, Claim]]:
    """Every (start, end) pair of dates one source gives."""
    return [(s, e) for s in dates.get("startTime", {}).values() for e in dates.get("endTime", {}).values()]


def _ranked(found: dict[tuple[str, ...], list[tuple[Claim, ...]]]) -> list[tuple[Claim, ...]]:
    """The first of each distinct value, those most sources give first."""
    ranked = sorted(found.values(), key=lambda claims: (-len(claims), _order(claims[0][0])))
    return [claims[0] for claims in ranked]


def _spans(per_source: _Dates) -> tuple[list[tuple[Claim, ...]], list[Claim]]:
    """The distinct (start, end) pairs that sources state and the distinct end dates, most stated first."""
    spans: dict[tuple[str, ...], list[tuple[Claim, ...]]] = defaultdict(list)
    ends: dict[tuple[str, ...], list[tuple[Claim, ...]]] = defaultdict(list)
    for _, dates in sorted(per_source.items()):
        for s, e in _own_spans(dates):
            spans[(repr(s.value), repr(e.value))].append((s, e))
        for e in dates.get("endTime", {}).values():
            ends[(repr(e.value),)].append((e,))
    return _ranked(spans), [e for (e,) in _ranked(ends)]


def _checks_for(group: Group, spans: list[tuple[Claim, ...]], ends: list[Claim],
                per_source: _Dates) -> list[_Check]:
    """What one duration value is checked against: the given spans, the spans of its own sources, and,
    for a source that gives a start but no end, its start with the end dates others give."""
    checks: dict[tuple[str, str], _Check] = {}
    by_source = {d.doc_id: d for d in group}
    # The claim that speaks for the value against another source's dates: one of a source that gives
    # no dates of its own to check it against, if there is one, else the first.
    stand_in = next((d for d in group if not _own_spans(per_source.get(d.doc_id, {}))), group[0])
    for s, e in spans:
        d = by_source.get(s.doc_id, stand_in)  # a source's own dates are checked against its own duration
        checks.setdefault((repr(s.value), repr(e.value)), (d, s, e, True))
    for d in group:
        own = per_source.get(d.doc_id, {})
        for s, e in _own_spans(own):
            checks.setdefault((repr(s.value), repr(e.value)), (d, s, e, True))
        if own.get("startTime") and not own.get("endTime"):
            # its own two statements must fit together with the end others give
            for s in own["startTime"].values():
                for e in ends:
                    checks.setdefault((repr(s.value), repr(e.value)), (d, s, e, False))
    return list(checks.values())


def _duration_check(d: Claim, start: Claim, end: Claim, group: Group, for_all: bool) -> Comparison | None:
    s0, s1 = date_bounds(start.value)  # type: ignore[arg-type]
    e0, e1 = date_bounds(end.value)  # type: ignore[arg-type]
    span = (Decimal((e0 - s1).days), Decimal((e1 - s0).days))
    if span[1] < 0:
        return None
    agree = _overlap(quantity_interval(d.value), span)  # type: ignore[arg-type]
    days = f"{span[0]}" if span[0] == span[1] else f"{span[0]}–{span[1]}"
    where = start.doc_id if start.doc_id == end.doc_id else f"{start.doc_id} and {end.doc_id}"
    note = (f"{_fmt(d)} {'agrees' if agree else 'does not agree'} with the dates "
            f"{_fmt(start)} to {_fmt(end)} stated in {where} ({days} days)" + _sources_note((group,)))
    return Comparison(d, start, agree, note, also=(end,), with_first=_others(group, d) if for_all else ())


def _duration_checks(claims: list[Claim]) -> tuple[list[Comparison], list[str]]:
    """Stated durations against the span between a source's start and end dates for the same event.

    Each duration value (its group stands for every source that gives it) is checked once against
    each distinct pair of start and end dates. With more than ``ALL_PAIRS_UP_TO`` durations, pairs
    or end dates, it is checked against the pair and the end most sources give and against those of
    its own sources only, so that the checks stay linear in the claims.
    """
    by_subject = _dates_by_subject(claims)
    durations: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        if c.property == "duration" and isinstance(c.value, Quantity) and c.subject in by_subject:
            durations[c.subject].append(c)
    out: list[Comparison] = []
    warnings: list[str] = []
    for subject in sorted(durations):
        per_source = by_subject[subject]
        groups = _value_groups(durations[subject])
        spans, ends = _spans(per_source)
        if max(len(groups), len(spans), len(ends)) > ALL_PAIRS_UP_TO:
            warnings.append(f"{subject} duration: {len(groups)} different durations and {len(spans)} different "
                            "start and end date pairs; each duration was checked against the dates of its own "
                            "sources and those most sources give, not against every pair")
            spans, ends = spans[:1], ends[:1]
        for group in groups:
            for d, s, e, for_all in _checks_for(group, spans, ends, per_source):
                found = _duration_check(d, s, e, group, for_all)
                if found is not None:
                    out.append(found)
    return out, warnings


def _key_label(key: tuple[object, ...]) -> str:
    subject, prop, side = key[0], key[1], key[2] if len(key) > 3 else None
    return f"{subject} {prop}" + (f" (side {side})" if side else "")


def judge_claims(claims: list[Claim]) -> Judgement:
    """Every agreement and conflict between claims of different sources about the same quantity or date."""
    keys: dict[tuple[object, ...], list[Claim]] = defaultdict(list)
    for c in claims:
        if not c.typed:
            continue  # the words of an unsure figure or date: no rule said what they are, so nothing to compare
        if isinstance(c.value, DateValue):
            keys[(c.subject, c.property, "date")].append(c)
        elif isinstance(c.value, Quantity) and c.property != "proportion":
            keys[(c.subject, c.property, _side_key(c), _unit_family(c.value))].append(c)
    out: list[Comparison] = []
    warnings: list[str] = []
    for key in sorted(keys, key=repr):
        found, capped = _compare_key(keys[key])
        out.extend(found)
        if capped:
            values = len({repr(c.value) for c in keys[key]})
            warnings.append(f"{_key_label(key)}: {values} different values; each was compared with the values "
                            "next to it and with the one most sources give, not with every other")
    durations, duration_warnings = _duration_checks(claims)
    return Judgement(tuple(out + durations), tuple(warnings + duration_warnings))


def compare_claims(claims: list[Claim]) -> list[Comparison]:
    """The comparisons of ``judge_claims``, without its warnings."""
    return list(judge_claims(claims).comparisons)
