"""Date ranges in every common form give a start and an end, never a lone point in time; a date that is
not one (an end before its start, a figure with a thousands separator) is not read as a date."""

from __future__ import annotations

import pytest
import ruletext

from kg_builder.config import Settings
from kg_builder.extract.dates import find_dates
from kg_builder.models import DateValue


def _read(text: str) -> list[tuple[str, str | None]]:
    return [(d.first.lexical, d.last.lexical if d.last else None) for d in find_dates(text, 0, len(text), 0)]


@pytest.mark.parametrize(("text", "expected"), [
    # both ends with their own year (an infobox Date field of a long siege)
    ("Date: 6 November 1980 – 27 September 1981", ("1980-11-06", "1981-09-27")),
    ("10 February 1986 – 10 March 1986", ("1986-02-10", "1986-03-10")),
    ("from 22 June 1941 to 9 May 1945", ("1941-06-22", "1945-05-09")),
    ("June 22, 1941 – May 9, 1945", ("1941-06-22", "1945-05-09")),
    ("June 1941 – January 1944", ("1941-06", "1944-01")),
    # one year for both ends
    ("24 April – 24 May 1982", ("1982-04-24", "1982-05-24")),
    ("September 28 – October 3, 1950", ("1950-09-28", "1950-10-03")),
    ("September 10–19, 1950", ("1950-09-10", "1950-09-19")),
    ("10–19 September 1950", ("1950-09-10", "1950-09-19")),
    ("5–23 July 1943", ("1943-07-05", "1943-07-23")),
    ("April – May 1982", ("1982-04", "1982-05")),
    ("1914–1918", ("1914", "1918")),
    ("1618 – 1648", ("1618", "1648")),
])
def test_a_range_gives_a_start_and_an_end(text: str, expected: tuple[str, str]) -> None:
    assert _read(text) == [expected]


@pytest.mark.parametrize(("text", "expected"), [
    ("Date: 18 June 1815", [("1815-06-18", None)]),
    ("on July 3, 1863", [("1863-07-03", None)]),
    ("in August 1988", [("1988-08", None)]),
    ("a garrison of 1,500–1,800 men", []),  # figures, not years
    ("1988–1980", []),  # an end before its start is no range
    ("31 February – 3 March 1990", []),  # no such day: not read as a range, nor as a lone day
])
def test_what_is_not_a_range_is_not_read_as_one(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert _read(text) == expected


def test_a_sentence_that_opens_with_an_event_and_an_end_word_gives_its_end(settings: Settings) -> None:
    from kg_builder.extract import extract_document, make_extractor
    from kg_builder.models import Document, DocumentMeta
    from kg_builder.parse import parse_document

    text = ("date 2003-07-27 Fifty years ago an armistice was signed at Panmunjom. The Korean War ended on "
            "27 July 1953, after three years of fighting.\n")
    doc = Document("k", "k.txt", text, DocumentMeta(title="Armistice", kind="news", language="en"))
    result = extract_document(parse_document(doc), make_extractor(settings))
    ends = [(c.property, c.value.lexical) for c in result.claims
            if c.property in ("endTime", "pointInTime") and isinstance(c.value, DateValue)]
    assert ends == [("endTime", "1953-07-27")]


def test_a_sentence_about_a_later_trial_or_anniversary_dates_no_event(settings: Settings) -> None:
    text = ("= Raid on Dieppe =\n\nInfobox\n- Conflict: Raid on Dieppe\n- Place: Dieppe, France\n\n"
            "The attack began on 19 August 1942. In July 1998, the government was found liable for the attacks "
            "and paid compensation for the attacks. In 1950 a tribunal heard the case of the attack. "
            "The attacks are commemorated every year.")
    result = ruletext.extract(settings, text, "encyclopedia", "Raid on Dieppe")
    dates = {(c.subject, c.value.lexical) for c in result.claims if isinstance(c.value, DateValue)}
    assert dates == {(ruletext.key("Raid on Dieppe"), "1942-08-19")}
