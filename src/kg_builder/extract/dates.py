"""Dates in every form the corpus uses, as values with their precision.

"24 May 1982", "May 24, 1982", "September 1980", "2025-05-23", "in 1980", ranges in every common
form ("6 November 1980 – 27 September 1981", "24 April – 24 May 1982", "from 24 April to 12 May
1982", "September 10–19, 1950", "September 28 – October 3, 1950", "5–23 July 1943", "April – May
1982", "1914–1918"), and "on 20 May" with the year taken from the nearest earlier year in the same
paragraph. A range is only read when its end is not before its start.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ..models import DateValue

__all__ = ["DateMention", "date_bounds", "find_dates"]

_MONTHS = {name: i for i, name in enumerate(calendar.month_name) if name}
_MONTH = "(?:" + "|".join(_MONTHS) + ")"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
# A year next to a month, or after "in", may be any of 1000-2099 (Agincourt, 25 October 1415); a year
# range alone ("1914–1918") only 1500-2099, since "1200–1300" is more often a count.
_YEAR = r"(?:1\d\d\d|20\d\d)"
_RANGE_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_DASH = r"\s*(?:–|—|-|to|until|till)\s*"

_DMY = rf"(?P<d{{n}}>{_DAY})\s+(?P<m{{n}}>{_MONTH}),?\s+(?P<y{{n}}>{_YEAR})"
_MDY = rf"(?P<m{{n}}>{_MONTH})\s+(?P<d{{n}}>{_DAY}),\s*(?P<y{{n}}>{_YEAR})"
_MY = rf"(?P<m{{n}}>{_MONTH})\s+(?P<y{{n}}>{_YEAR})"


def _two(form: str) -> str:
    """A range of two dates of one form, each with its own year: "6 November 1980 – 27 September 1981"."""
    return rf"\b{form.format(n=1)}{_DASH}{form.format(n=2)}\b"


# Longer forms first: a span taken by one is not read again by a shorter one.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(rf"(?<![\d-])(?P<y>{_YEAR})-(?P<m>0[1-9]|1[0-2])-(?P<d>[0-3]\d)(?![\d-])")),
    ("dmy-dmy", re.compile(_two(_DMY))),
    ("mdy-mdy", re.compile(_two(_MDY))),
    ("my-my", re.compile(_two(_MY))),
    # 24 April – 24 May 1982 / 24 April to 12 May 1982
    ("dm-dmy", re.compile(
        rf"\b(?P<d1>{_DAY})\s+(?P<m1>{_MONTH}){_DASH}"
        rf"(?P<d2>{_DAY})\s+(?P<m2>{_MONTH}),?\s+(?P<y>{_YEAR})\b"
    )),
    # September 28 – October 3, 1950
    ("md-mdy", re.compile(
        rf"\b(?P<m1>{_MONTH})\s+(?P<d1>{_DAY}){_DASH}(?P<m2>{_MONTH})\s+(?P<d2>{_DAY}),\s*(?P<y>{_YEAR})\b"
    )),
    # 5–23 July 1943
    ("d-dmy", re.compile(rf"\b(?P<d1>{_DAY}){_DASH}(?P<d2>{_DAY})\s+(?P<m>{_MONTH}),?\s+(?P<y>{_YEAR})\b")),
    # September 10–19, 1950
    ("md-dy", re.compile(rf"\b(?P<m>{_MONTH})\s+(?P<d1>{_DAY}){_DASH}(?P<d2>{_DAY}),\s*(?P<y>{_YEAR})\b")),
    # April – May 1982
    ("m-my", re.compile(rf"\b(?P<m1>{_MONTH}){_DASH}(?P<m2>{_MONTH}),?\s+(?P<y>{_YEAR})\b")),
    # 1914–1918 (a dash between two years; "to" is left out: "from 1,914 to 1,918 men" is no range)
    ("y-y", re.compile(rf"(?<![\d,.])(?P<y1>{_RANGE_YEAR})\s*[–—-]\s*(?P<y2>{_RANGE_YEAR})(?![\d,.])")),
    ("dmy", re.compile(rf"\b(?P<d>{_DAY})\s+(?P<m>{_MONTH}),?\s+(?P<y>{_YEAR})\b")),
    ("mdy", re.compile(rf"\b(?P<m>{_MONTH})\s+(?P<d>{_DAY}),\s*(?P<y>{_YEAR})\b")),
    ("my", re.compile(rf"\b(?P<m>{_MONTH})\s+(?:of\s+)?(?P<y>{_YEAR})\b")),
    ("dm", re.compile(rf"\b(?P<d>{_DAY})\s+(?P<m>{_MONTH})\b(?!\s*,?\s*{_YEAR})")),
    ("md", re.compile(rf"\b(?P<m>{_MONTH})\s+(?P<d>{_DAY})\b(?!\s*,?\s*{_YEAR})(?!\d)")),
    ("y", re.compile(
        rf"(?:(?<=\bin\s)|(?<=\bsince\s)|(?<=\bof\s)|(?<=\bby\s)|(?<=\buntil\s))"
        rf"(?P<y>{_YEAR})\b(?![’']s)"
    )),
]
_ANY_YEAR = re.compile(rf"\b{_YEAR}\b")


@dataclass(frozen=True)
class DateMention:
    """A date or a date range found in text."""

    start: int
    end: int
    first: DateValue
    last: DateValue | None = None  # set for ranges
    year_from_context: bool = False

    @property
    def is_range(self) -> bool:
        return self.last is not None


def _day(y: int, m: int, d: int) -> DateValue | None:
    try:
        return DateValue(date(y, m, d).isoformat(), 11)
    except ValueError:
        return None


def _month(y: int, m: int) -> DateValue:
    return DateValue(f"{y:04d}-{m:02d}", 10)


_Groups = dict[str, str]
_Read = tuple[DateValue, DateValue | None] | None


def _range(first: DateValue | None, last: DateValue | None) -> tuple[DateValue, DateValue | None] | None:
    """A range whose two ends are real dates in order; anything else is not read as a range."""
    if first is None or last is None or date_bounds(last)[1] < date_bounds(first)[0]:
        return None
    return first, last


def _dmy(g: _Groups, n: str = "") -> DateValue | None:
    return _day(int(g["y" + n]), _MONTHS[g["m" + n]], int(g["d" + n]))


def _one(v: DateValue | None) -> tuple[DateValue, DateValue | None] | None:
    return (v, None) if v is not None else None


def _day_range(g: _Groups) -> _Read:
    """Two days and months of one year: "24 April – 24 May 1982", "September 28 – October 3, 1950"."""
    y = int(g["y"])
    return _range(_day(y, _MONTHS[g["m1"]], int(g["d1"])), _day(y, _MONTHS[g["m2"]], int(g["d2"])))


def _days_of_month(g: _Groups) -> _Read:
    """Two days of one month: "5–23 July 1943", "September 10–19, 1950"."""
    y, m = int(g["y"]), _MONTHS[g["m"]]
    return _range(_day(y, m, int(g["d1"])), _day(y, m, int(g["d2"])))


# What a match of each pattern kind says: a date, or a first and a last date (None: no real date).
_READERS: dict[str, Callable[[_Groups], _Read]] = {
    "iso": lambda g: _one(_day(int(g["y"]), int(g["m"]), int(g["d"]))),
    "dmy-dmy": lambda g: _range(_dmy(g, "1"), _dmy(g, "2")),
    "mdy-mdy": lambda g: _range(_dmy(g, "1"), _dmy(g, "2")),
    "my-my": lambda g: _range(_month(int(g["y1"]), _MONTHS[g["m1"]]), _month(int(g["y2"]), _MONTHS[g["m2"]])),
    "dm-dmy": _day_range,
    "md-mdy": _day_range,
    "d-dmy": _days_of_month,
    "md-dy": _days_of_month,
    "m-my": lambda g: _range(_month(int(g["y"]), _MONTHS[g["m1"]]), _month(int(g["y"]), _MONTHS[g["m2"]])),
    "y-y": lambda g: _range(DateValue(g["y1"], 9), DateValue(g["y2"], 9)),
    "dmy": lambda g: _one(_dmy(g)),
    "mdy": lambda g: _one(_dmy(g)),
    "my": lambda g: _one(_month(int(g["y"]), _MONTHS[g["m"]])),
    "y": lambda g: _one(DateValue(g["y"], 9)),
}


def _without_year(text: str, m: re.Match[str], paragraph_start: int) -> DateMention | None:
    """A day and month: the year is the last one stated earlier in the paragraph, or none is read."""
    years = _ANY_YEAR.findall(text, paragraph_start, m.start())
    if not years:
        return None
    v = _day(int(years[-1]), _MONTHS[m.group("m")], int(m.group("d")))
    return DateMention(m.start(), m.end(), v, year_from_context=True) if v else None


def find_dates(text: str, start: int, end: int, paragraph_start: int) -> list[DateMention]:
    """Dates in text[start:end]. A day and month without year take the last year stated earlier in the
    paragraph (from ``paragraph_start``); with none, they are left out rather than guessed."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for kind, rx in _PATTERNS:
        for m in rx.finditer(text, start, end):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            mention: DateMention | None
            if kind in ("dm", "md"):
                mention = _without_year(text, m, paragraph_start)
            else:
                value = _READERS[kind](m.groupdict())
                mention = DateMention(m.start(), m.end(), value[0], value[1]) if value else None
            # The span is taken even when it says no real date ("31 February – 3 March"): a shorter
            # form must not read a part of it as a date the text does not state.
            taken.append((m.start(), m.end()))
            if mention is not None:
                found.append(mention)
    return sorted(found, key=lambda d: d.start)


def date_bounds(v: DateValue) -> tuple[date, date]:
    """The first and last day a date of its precision may mean."""
    parts = [int(p) for p in v.lexical.split("-")]
    if v.precision == 11:
        d = date(parts[0], parts[1], parts[2])
        return d, d
    if v.precision == 10:
        last = calendar.monthrange(parts[0], parts[1])[1]
        return date(parts[0], parts[1], 1), date(parts[0], parts[1], last)
    return date(parts[0], 1, 1), date(parts[0], 12, 31)
