"""No invented events: a verb or noun of the lexicon's event patterns names an event after the place it
happened to, never after a country ("Germany invaded Poland" states no "Occupation of Poland"). Texts
about other wars and eras than the seeds'."""

from __future__ import annotations

from kg_builder.config import Settings
from kg_builder.extract import extract_document, make_extractor
from kg_builder.models import Document, DocumentMeta
from kg_builder.parse import parse_document


def _minted(settings: Settings, text: str) -> set[str]:
    doc = Document("e", "e.txt", text, DocumentMeta(title="A text", kind="news", language="en"))
    result = extract_document(parse_document(doc), make_extractor(settings))
    return {h.label for h in result.hints if h.rule.startswith("event-")}


def test_a_verb_on_a_country_mints_no_event(settings: Settings) -> None:
    minted = _minted(settings, "Germany invaded Poland on 1 September 1939. France was occupied in June 1940.")
    assert not any(label.endswith(("Poland", "France")) for label in minted), minted


def test_a_verb_on_a_city_mints_the_lexicons_event(settings: Settings) -> None:
    minted = _minted(settings, "The city of Vicksburg was captured on 4 July 1863 after a long siege.")
    assert "Occupation of Vicksburg" in minted


def test_an_event_word_inside_a_name_mints_no_event(settings: Settings) -> None:
    minted = _minted(settings, "Veterans gathered in Vicksburg on Liberation Day and at the Siege Museum.")
    assert not minted, minted
