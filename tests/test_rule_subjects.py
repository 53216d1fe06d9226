"""What a figure in an article's running text is about: an event named in passing in one paragraph
does not carry into the next, which goes back to the article's topic; "battle-hardened" is no
reference to a battle. Texts about other wars and eras than the seeds'."""

from __future__ import annotations

from kg_builder.config import Settings
from kg_builder.extract import extract_document, make_extractor
from kg_builder.models import Document, DocumentMeta
from kg_builder.parse import parse_document

ARTICLE = ("= Second Battle of the Marne =\n\nInfobox\n- Conflict: Second Battle of the Marne\n"
           "- Date: 15 July 1918 – 6 August 1918\n\n"
           "The Second Battle of the Marne was fought in 1918. After their defeat at the First Battle of the "
           "Marne four years earlier, the German Army prepared a last offensive.\n\n"
           "The Germans concentrated 52 divisions and over 900,000 troops from the battle-hardened reserves.\n")


def _subjects(settings: Settings, prop: str) -> set[str]:
    doc = Document("m", "m.txt", ARTICLE, DocumentMeta(title="Second Battle of the Marne", kind="encyclopedia",
                                                       language="en"))
    result = extract_document(parse_document(doc), make_extractor(settings))
    return {c.subject for c in result.claims if c.property == prop}


def test_a_new_paragraph_goes_back_to_the_topic(settings: Settings) -> None:
    assert _subjects(settings, "numberOfParticipants") == {"~secondbattleofthemarne"}
