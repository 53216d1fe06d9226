"""The article's topic: a second name its infobox field gives ("X (codenamed Y)") is an alias of one
entity, the registry's; a sentence that opens with "It" right after one that opens with the topic is
about the topic; forces "carried out by" an operation, joined by "and", each take part in it. Texts about
other wars and eras than the seeds'."""

from __future__ import annotations

from dataclasses import replace

from kg_builder.config import Settings
from kg_builder.extract import DocumentExtraction, extract_document, make_extractor
from kg_builder.models import Document, DocumentMeta, EntityValue, Registry, RegistryEntry
from kg_builder.parse import parse_document

REGISTRY = Registry((
    RegistryEntry(id="operation-overlord", label="Operation Overlord", type="MilitaryOperation"),
    RegistryEntry(id="first-us-army", label="First United States Army", type="MilitaryUnit"),
    RegistryEntry(id="second-british-army", label="Second British Army", type="MilitaryUnit"),
))
ARTICLE = ("= Battle of Normandy =\n\nInfobox\n- Conflict: Battle of Normandy (codenamed Operation Overlord)\n"
           "- Date: 6 June 1944 – 30 August 1944\n\n"
           "The Battle of Normandy was the Allied invasion of northern France in 1944. It was fought from June "
           "to August 1944 and was carried out by the First United States Army and the Second British Army.\n")


def _extract(settings: Settings, text: str = ARTICLE) -> DocumentExtraction:
    doc = Document("n", "n.txt", text, DocumentMeta(title="Battle of Normandy", kind="encyclopedia", language="en"))
    return extract_document(parse_document(doc), make_extractor(replace(settings, registry=REGISTRY)))


def test_a_codename_in_the_topic_field_is_one_entity_with_an_alias(settings: Settings) -> None:
    result = _extract(settings)
    assert result.topic == "operation-overlord"
    assert any(n.key == "operation-overlord" and n.name == "Battle of Normandy" for n in result.names)


def test_it_after_the_topic_and_coordinated_forces(settings: Settings) -> None:
    result = _extract(settings)
    forces = {c.value.key for c in result.claims
              if c.property == "participant" and c.subject == "operation-overlord" and isinstance(c.value, EntityValue)}
    assert forces == {"first-us-army", "second-british-army"}


def test_it_elsewhere_is_left_alone(settings: Settings) -> None:
    text = ARTICLE.replace("in 1944. It was", "in 1944. The weather was poor. It was")
    result = _extract(settings, text)
    assert not [c for c in result.claims if c.property == "participant"]


def test_the_offensive_in_an_article_about_an_operation_there_is_that_operation(settings: Settings) -> None:
    registry = Registry((*REGISTRY.entries, RegistryEntry(id="leningrad", label="Leningrad", type="City"),
                         RegistryEntry(id="operation-iskra", label="Operation Iskra", type="MilitaryOperation")))
    text = ("= Operation Iskra =\n\nInfobox\n- Conflict: Operation Iskra\n- Place: Leningrad\n\n"
            "Operation Iskra was a Soviet offensive near Leningrad in January 1943. The Soviet command "
            "ended the offensive on 30 January 1943.\n")
    doc = Document("s", "s.txt", text, DocumentMeta(title="Operation Iskra", kind="encyclopedia", language="en"))
    result = extract_document(parse_document(doc), make_extractor(replace(settings, registry=registry)))
    assert {h.label for h in result.hints if h.rule.startswith("event-")} <= {"Attack on Leningrad"}
    ends = [(c.subject, c.property) for c in result.claims if c.property in ("endTime", "startTime", "pointInTime")
            and c.rule.startswith("text-date")]
    assert ("operation-iskra", "endTime") in ends and not any(s != "operation-iskra" for s, _ in ends)
