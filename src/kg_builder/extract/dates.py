"""Dates in every form the corpus uses, as values with their precision.

"24 May 1982", "May 24, 1982", "September 1980", "2025-05-23", "in 1980", ranges such as
"24 April – 24 May 1982" or "from 24 April to 12 May 1982", and "on 20 May" with the year taken
from the nearest earlier year in the same paragraph.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from ..models import DateValue

__all__ = ["DateMention", "date_bounds", "find_dates"]

_MONTHS = {name: i for i, name in enumerate(calendar.month_name) if name}
_MONTH = "(?:" + "|".join(_MONTHS) + ")"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_DASH = r"\s*(?:–|—|-|to|until|till)\s*"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(rf"(?<![\d-])(?P<y>{_YEAR})-(?P<m>0[1-9]|1[0-2])-(?P<d>[0-3]\d)(?![\d-])")),
    # 24 April – 24 May 1982 / 24 April to 12 May 1982
    ("dm-dmy", re.compile(
        rf"\b(?P<d1>{_DAY})\s+(?P<m1>{_MONTH}){_DASH}"
        rf"(?P<d2>{_DAY})\s+(?P<m2>{_MONTH}),?\s+(?P<y>{_YEAR})\b"
    )),
    # 5–23 July 1943
    ("d-dmy", re.compile(rf"\b(?P<d1>{_DAY}){_DASH}(?P<d2>{_DAY})\s+(?P<m>{_MONTH}),?\s+(?P<y>{_YEAR})\b")),
    # April – May 1982
    ("m-my", re.compile(rf"\b(?P<m1>{_MONTH}){_DASH}(?P<m2>{_MONTH}),?\s+(?P<y>{_YEAR})\b")),
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


def find_dates(text: str, start: int, end: int, paragraph_start: int) -> list[DateMention]:
    """Dates in text[start:end]. A day and month without year take the last year stated earlier in the
    paragraph (from ``paragraph_start``); with none, they are left out rather than guessed."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for kind, rx in _PATTERNS:
        for m in rx.finditer(text, start, end):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            g = m.groupdict()
            mention: DateMention | None = None
            if kind == "iso":
                v = _day(int(g["y"]), int(g["m"]), int(g["d"]))
                mention = DateMention(m.start(), m.end(), v) if v else None
            elif kind == "dm-dmy":
                y = int(g["y"])
                a = _day(y, _MONTHS[g["m1"]], int(g["d1"]))
                b = _day(y, _MONTHS[g["m2"]], int(g["d2"]))
                mention = DateMention(m.start(), m.end(), a, b) if a and b else None
            elif kind == "d-dmy":
                y, mo = int(g["y"]), _MONTHS[g["m"]]
                a, b = _day(y, mo, int(g["d1"])), _day(y, mo, int(g["d2"]))
                mention = DateMention(m.start(), m.end(), a, b) if a and b else None
            elif kind == "m-my":
                y = int(g["y"])
                mention = DateMention(m.start(), m.end(), _month(y, _MONTHS[g["m1"]]), _month(y, _MONTHS[g["m2"]]))
            elif kind in ("dmy", "mdy"):
                v = _day(int(g["y"]), _MONTHS[g["m"]], int(g["d"]))
                mention = DateMention(m.start(), m.end(), v) if v else None
            elif kind == "my":
                mention = DateMention(m.start(), m.end(), _month(int(g["y"]), _MONTHS[g["m"]]))
            elif kind in ("dm", "md"):
                years = _ANY_YEAR.findall(text, paragraph_start, m.start())
                if years:
                    v = _day(int(years[-1]), _MONTHS[g["m"]], int(g["d"]))
                    mention = DateMention(m.start(), m.end(), v, year_from_context=True) if v else None
            elif kind == "y":
                mention = DateMention(m.start(), m.end(), DateValue(g["y"], 9))
            if mention is not None:
                found.append(mention)
                taken.append((m.start(), m.end()))
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
