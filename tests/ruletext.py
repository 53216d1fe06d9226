"""What the rule tests share: a short text made into a document and read by the real extractor (the
real ontology, registry and lexicon of the `settings` fixture), resolution keys, and the claims of some
properties as (subject, property, value) facts."""

from __future__ import annotations

from kg_builder.config import Settings
from kg_builder.extract import DocumentExtraction, extract_document, make_extractor, norm
from kg_builder.models import DateValue, Document, DocumentKind, DocumentMeta, EntityValue, TextValue
from kg_builder.parse import parse_document

Fact = tuple[str, str, str]


def document(text: str, kind: DocumentKind = "news", title: str = "Wire report", doc_id: str = "wire") -> Document:
    return Document(doc_id, f"{doc_id}.txt", text, DocumentMeta(title=title, kind=kind, language="en"))


def extract(settings: Settings, text: str, kind: DocumentKind = "news", title: str = "Wire report",
            doc_id: str = "wire") -> DocumentExtraction:
    return extract_document(parse_document(document(text, kind, title, doc_id)), make_extractor(settings))


def key(name: str) -> str:
    """The resolution key of a name the registry does not know."""
    return "~" + norm(name)


def facts(result: DocumentExtraction, *props: str) -> set[Fact]:
    """(subject, property, value) of the claims of these properties; values are entity keys, quoted
    words or ISO dates (other values as their repr)."""
    out: set[Fact] = set()
    for c in result.claims:
        if c.property in props:
            v = c.value
            out.add((c.subject, c.property, v.key if isinstance(v, EntityValue) else
                     v.text if isinstance(v, TextValue) else v.lexical if isinstance(v, DateValue) else repr(v)))
    return out
