from __future__ import annotations

import pytest

from kg_builder.errors import InfoboxError, InputError
from kg_builder.models import Document, DocumentMeta
from kg_builder.parse import parse_document, quote_spans

META = DocumentMeta(title="t", kind="encyclopedia", language="en")


def doc(text: str) -> Document:
    return Document("d", "corpus/d.txt", text, META)


def test_title_infobox_sections_and_sentences() -> None:
    text = ("= Battle of Somewhere =\n\nInfobox\n- Conflict: Battle of Somewhere\n- Commander1: A B, C D\n- Combatant2:\n\n"
            "The battle began on 1 May 1900. General A B led it.\n\n== Aftermath ==\nIt ended.\n\n"
            "== See also ==\n\n- Other battle\n")
    p = parse_document(doc(text))
    assert p.title == "Battle of Somewhere"
    assert [(f.key, f.value, f.line) for f in p.infobox] == [
        ("Conflict", "Battle of Somewhere", 4), ("Commander1", "A B, C D", 5), ("Combatant2", "", 6)]
    f = p.infobox[1]
    assert text[f.start:f.end] == "A B, C D"
    sentences = [(text[s.start:s.end], s.section) for s in p.sentences]
    assert sentences == [("The battle began on 1 May 1900.", ""), ("General A B led it.", ""),
                         ("It ended.", "Aftermath"), ("Other battle", "See also")]


def test_news_date_stamp_byline_and_note_are_metadata() -> None:
    text = " date 2025-05-23 The city fell. It was retaken.\n\n*** By By Some Writer\n(The article was originally published on X Website )"
    p = parse_document(doc(text))
    assert p.stated_date == "2025-05-23"
    assert [text[s.start:s.end] for s in p.sentences] == ["The city fell.", "It was retaken."]


def test_sentences_are_not_split_inside_quotations() -> None:
    text = 'He said "It was huge... It was everything." Then he left.'
    p = parse_document(doc(text))
    assert [text[s.start:s.end] for s in p.sentences] == ['He said "It was huge... It was everything."', "Then he left."]


def test_quotes_with_mixed_curly_and_straight_marks() -> None:
    text = 'said the operation “were a huge, complex task." And “Bride of the East,” too.'
    spans = [text[a:b] for a, b in quote_spans(text)]
    assert spans == ['“were a huge, complex task."', "“Bride of the East,”"]


def test_malformed_infobox_line_names_the_line() -> None:
    text = "= T =\n\nInfobox\n- Conflict: X\nResult X won\n\nText."
    with pytest.raises(InfoboxError) as e:
        parse_document(doc(text))
    assert e.value.line == 5 and "corpus/d.txt:5" in str(e.value)


def test_empty_document() -> None:
    with pytest.raises(InputError, match="empty"):
        parse_document(doc("  \n\n"))


def test_no_sentence_ends_after_an_abbreviation_the_lexicon_lists() -> None:
    text = "The charge was led by Bvt. Brig. Gen. Wesley Merritt. It failed."
    split = parse_document(doc(text))
    assert [text[s.start:s.end] for s in split.sentences][0] == "The charge was led by Bvt."
    taught = parse_document(doc(text), ("Bvt.", "Brig."))
    assert [text[s.start:s.end] for s in taught.sentences] == [
        "The charge was led by Bvt. Brig. Gen. Wesley Merritt.", "It failed."]
