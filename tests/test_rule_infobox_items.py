"""Labels inside infobox values are notes or sides, never parts of names ("Overall commander: X",
"Prussia: X"), and "A of the B" in a Partof field, where B is a war the registry knows, makes A a part of
the topic's whole. Texts about other wars and eras than the seeds'."""

from __future__ import annotations

from dataclasses import replace

from kg_builder.config import Settings
from kg_builder.extract import DocumentExtraction, extract_document, make_extractor
from kg_builder.models import Document, DocumentMeta, EntityValue, Registry, RegistryEntry
from kg_builder.parse import parse_document

REGISTRY = Registry((
    RegistryEntry(id="napoleonic-wars", label="Napoleonic Wars", type="War"),
    RegistryEntry(id="prussia", label="Prussia", type="Country"),
    RegistryEntry(id="gebhard-von-blucher", label="Gebhard von Blücher", type="Person"),
    RegistryEntry(id="duke-of-wellington", label="Arthur Wellesley", type="Person"),
))


def _extract(settings: Settings, fields: str) -> DocumentExtraction:
    text = (f"= Battle of Somewhere =\n\nInfobox\n- Conflict: Battle of Somewhere\n{fields}\n\n"
            "The battle was fought in 1815.\n")
    doc = Document("i", "i.txt", text, DocumentMeta(title="Battle of Somewhere", kind="encyclopedia", language="en"))
    return extract_document(parse_document(doc), make_extractor(replace(settings, registry=REGISTRY)))


def _value(result: DocumentExtraction, prop: str) -> list[tuple[str, str, str | None, str | None]]:
    return [(c.subject, c.value.key, c.side, c.qualifier) for c in result.claims
            if c.property == prop and isinstance(c.value, EntityValue)]


def test_a_label_before_a_name_is_a_note(settings: Settings) -> None:
    result = _extract(settings, "- Commander1: Overall commander: Arthur Wellesley")
    [(_, person, _, note)] = _value(result, "commander")
    assert person == "duke-of-wellington" and note == "Overall commander"


def test_a_label_the_registry_knows_as_a_country_is_the_side(settings: Settings) -> None:
    result = _extract(settings, "- Commander2: Prussia: Gebhard von Blücher")
    [(_, person, side, note)] = _value(result, "commander")
    assert (person, side, note) == ("gebhard-von-blucher", "prussia", None)


def test_a_part_of_a_known_war_is_split(settings: Settings) -> None:
    result = _extract(settings, "- Partof: the Hundred Days of the Napoleonic Wars")
    parts = _value(result, "partOf")
    topic = next(c.subject for c in result.claims if c.property == "partOf" and c.rule == "infobox-events")
    part = next(v for s, v, _, _ in parts if s == topic)
    assert part != "napoleonic-wars" and (part, "napoleonic-wars", None, None) in parts


def test_of_inside_a_name_the_registry_does_not_know_as_a_war_is_kept(settings: Settings) -> None:
    result = _extract(settings, "- Partof: the War of the Seventh Coalition")
    assert [v for _, v, _, _ in _value(result, "partOf")] == ["~waroftheseventhcoalition"]
