"""Ranks, titles and status marks are not part of a name, abbreviated or not: "Col. X Y", "X Y" and a
lone "Y" are one person, a rank or title alone is no one, and an infobox keeps the rank, the office or
the status as a note on the person's claim. Texts about other wars and eras than the seeds'."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kg_builder.config import Lexicon, Settings
from kg_builder.extract import DocumentExtraction, extract_document, make_extractor, norm
from kg_builder.models import Claim, Document, DocumentMeta, Registry, RegistryEntry
from kg_builder.parse import parse_document
from kg_builder.resolve import ResolvedCorpus, resolve_entities


def _extract(settings: Settings, text: str, doc_id: str = "x") -> DocumentExtraction:
    kind = "encyclopedia" if text.startswith("=") else "news"
    doc = Document(doc_id, f"{doc_id}.txt", text, DocumentMeta(title="A text", kind=kind, language="en"))
    return extract_document(parse_document(doc), make_extractor(settings))


def _resolve(settings: Settings, *texts: str) -> ResolvedCorpus:
    return resolve_entities([_extract(settings, t, f"d{i}") for i, t in enumerate(texts)], settings.registry)


def _infobox(commanders: str, more: str = "") -> str:
    return (f"= Battle of Somewhere =\n\nInfobox\n- Conflict: Battle of Somewhere\n- Combatant1: Ruritania\n"
            f"- Commander1: {commanders}\n{more}\nThe battle was fought.\n")


def _commanders(settings: Settings, text: str) -> list[tuple[str, str, str | None]]:
    """(quote of the claim, name of the person mentioned, note) for each commander claim."""
    result = _extract(settings, text)
    names = {m.key: m.text for m in result.mentions if m.rule == "infobox"}
    return [(text[c.start:c.end], names[_key(c)], c.qualifier) for c in result.claims if c.property == "commander"]


def _key(c: Claim) -> str:
    return getattr(c.value, "key", "")


@pytest.mark.parametrize(("text", "name"), [
    ("Lt. Gen. Courtney Hodges crossed the river.", "Courtney Hodges"),  # WWII
    ("The division of Bvt. Maj. Gen. Emory Upton attacked at dawn.", "Emory Upton"),  # American Civil War
    ("On the left stood Brig. Gen. John Buford and his cavalry.", "John Buford"),
    ("Lt Col John Frost held the northern end of the bridge.", "John Frost"),  # British, without dots
    ("Lieutenant-General Thomas Picton fell at the head of his division.", "Thomas Picton"),
    ("Marshal Michel Ney led the last charge of the cavalry.", "Michel Ney"),  # Napoleonic
    ("Adm. Chester Nimitz moved his headquarters forward.", "Chester Nimitz"),
])
def test_a_rank_before_a_name_in_prose_types_the_person_and_is_left_out(settings: Settings, text: str,
                                                                        name: str) -> None:
    mentions = _extract(settings, text).mentions
    person = [m for m in mentions if m.key == "~" + norm(name)]
    assert [(m.text, m.type) for m in person] == [(name, "Person")]
    # Nor is what is left of the rank a name of its own ("Gen" of "Gen.", "Bvt" of a sentence cut after it).
    assert all(m.text.rstrip(".") not in {"Lt", "Gen", "Bvt", "Maj", "Brig", "Col", "Adm"} for m in mentions)


def test_a_rank_or_title_alone_is_never_an_entity(settings: Settings) -> None:
    resolved = _resolve(settings, "General Ulysses Grant reached the river. The General slept there. "
                                  "The Colonel refused to move, and no Lieutenant General came.")
    labels = {e.label for e in resolved.entities}
    assert "Ulysses Grant" in labels
    assert not labels & {"General", "Colonel", "Lieutenant General", "Lieutenant"}
    assert {m.text for m in resolved.mentions} == {"Ulysses Grant"}  # "the General" is not tied to him either


def test_ranked_full_and_short_names_are_one_person(settings: Settings) -> None:
    resolved = _resolve(settings,
                        "Col. Joshua Chamberlain held the hill. Joshua Chamberlain was wounded twice. "
                        "Chamberlain survived the war.",
                        "Joshua Chamberlain later taught rhetoric.")
    keys = {m.key for m in resolved.mentions if m.text in ("Joshua Chamberlain", "Chamberlain")}
    assert len(keys) == 1
    (person,) = [e for e in resolved.entities if e.key in keys]
    assert (person.label, person.types) == ("Joshua Chamberlain", ("Person",))
    assert "Col. Joshua Chamberlain" not in person.aliases


def test_a_lone_surname_is_the_person_its_own_document_names(settings: Settings) -> None:
    # Two persons of one surname in the corpus, one in each document: each lone surname is its own
    # document's person; a document naming both leaves its lone surname unresolved.
    resolved = _resolve(settings,
                        "Gen. Arthur Wellesley landed in Portugal. Wellesley marched north.",
                        "Col. Richard Wellesley governed the province. Wellesley wrote home.",
                        "Arthur Wellesley and Richard Wellesley met. Wellesley left.")
    by_doc = {(m.doc_id, m.start): m.key for m in resolved.mentions if m.text == "Wellesley"}
    keys = {m.text + m.doc_id: m.key for m in resolved.mentions if m.text != "Wellesley"}
    assert [k for (doc, _), k in sorted(by_doc.items()) if doc == "d0"] == [keys["Arthur Wellesleyd0"]]
    assert [k for (doc, _), k in sorted(by_doc.items()) if doc == "d1"] == [keys["Richard Wellesleyd1"]]
    assert not [k for (doc, _), k in by_doc.items() if doc == "d2"]


def test_a_king_of_a_realm_is_named_without_the_title(settings: Settings) -> None:
    resolved = _resolve(settings, "King Richard of England besieged the town. Richard fell ill before it.")
    (richard,) = [e for e in resolved.entities if e.label == "Richard of England"]
    assert richard.types == ("Person",)
    assert {m.text for m in resolved.mentions if m.key == richard.key} == {"Richard of England", "Richard"}


@pytest.mark.parametrize(("item", "name", "note"), [
    ("Bvt. Maj. Gen. Emory Upton", "Emory Upton", "Bvt. Maj. Gen.: Brevet Major General"),
    ("Lt. Gen. Walter Krueger", "Walter Krueger", "Lt. Gen.: Lieutenant General"),
    ("Gen. von Moltke", "von Moltke", "Gen.: General"),  # a name may begin with a particle
    ("Marshal Michel Ney", "Michel Ney", "Marshal"),
    ("Lieutenant-General Thomas Picton", "Thomas Picton", "Lieutenant-General"),
    ("Juan Perón (President of Argentina)", "Juan Perón", "President of Argentina"),
    ("Isoroku Yamamoto (Commander of the Combined Fleet)", "Isoroku Yamamoto", "Commander of the Combined Fleet"),
    ("Jonathan Wainwright (POW)", "Jonathan Wainwright", "POW: taken prisoner"),
    ("Gen. John ReynoldsKIA", "John Reynolds", "Gen.: General; KIA: killed in action"),
    ("Horatio Nelson †", "Horatio Nelson", "†: died"),
    ("the late Horatio Nelson", "Horatio Nelson", "late: deceased"),
    ("King Edward of England", "Edward of England", "King"),  # medieval
    ("Sheikh Zayed bin Khalifa", "Zayed bin Khalifa", "Sheikh"),
    ("Lord Raglan", "Raglan", "Lord"),
    ("King of Bohemia", "King of Bohemia", None),  # an office with no name after the title: kept whole
])
def test_an_infobox_commander_is_named_without_rank_office_or_status(settings: Settings, item: str, name: str,
                                                                     note: str | None) -> None:
    quote = item.removeprefix("the ")  # a list item drops its article
    assert _commanders(settings, _infobox(item)) == [(quote, name, note)]


def test_an_infobox_rank_without_a_name_names_no_one(settings: Settings) -> None:
    text = _infobox("Colonel, Bvt. Maj. Gen., Gen. Emory Upton")
    assert _commanders(settings, text) == [("Gen. Emory Upton", "Emory Upton", "Gen.: General")]
    warnings = _extract(settings, text).warnings
    assert any("'Colonel' in Commander1 is a rank or title without a name" in w for w in warnings)
    assert any("'Bvt. Maj. Gen.' in Commander1" in w for w in warnings)


def test_a_title_the_registry_writes_in_the_name_stays_in_it(settings: Settings) -> None:
    registry = Registry((RegistryEntry(id="shah-abbas", label="Shah Abbas", type="Person"),))
    curated = replace(settings, registry=registry)
    assert _commanders(curated, _infobox("Shah Abbas")) == [("Shah Abbas", "Shah Abbas", None)]


def test_status_marks_in_parentheses_are_not_aliases(settings: Settings) -> None:
    prose = ("Jonathan Wainwright (POW) and William Dyess (POW) were marched north. "
             "The Army of Northern Virginia (ANV) surrendered later.")
    infobox = _infobox("Jonathan Wainwright (POW), William Dyess (POW)")
    for text in (prose, infobox):
        extraction = _extract(settings, text)
        assert "POW" not in {f.name for f in extraction.names}
        resolved = resolve_entities([extraction], settings.registry)
        people = {m.key for m in resolved.mentions if m.text in ("Jonathan Wainwright", "William Dyess")}
        assert len(people) == 2  # a shared status does not make them one person
    assert "ANV" in {f.name for f in _extract(settings, prose).names}  # a real acronym still is one


def test_a_title_is_taught_in_the_lexicon_not_in_code(settings: Settings) -> None:
    text = "Hptm. Oberdorf Vielhaber held the village."
    assert "~oberdorfvielhaber" not in {m.key for m in _extract(settings, text).mentions if m.type == "Person"}
    data = dict(settings.lexicon.data)
    data["title_abbreviations"] = {**data["title_abbreviations"], "Hptm.": "Hauptmann"}
    taught = replace(settings, lexicon=Lexicon(data))
    assert ("Oberdorf Vielhaber", "Person") in {(m.text, m.type) for m in _extract(taught, text).mentions}
    assert _commanders(taught, _infobox("Hptm. Oberdorf Vielhaber")) == [
        ("Hptm. Oberdorf Vielhaber", "Oberdorf Vielhaber", "Hptm.: Hauptmann")]
