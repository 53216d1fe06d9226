"""Stage 2: from a parsed document to mentions, name facts and claims (no resolution across documents).

Every rule is generic; what it knows of names and words comes from the curated data under
``ontology/`` (see :mod:`kg_builder.config`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..config import Settings
from ..models import Claim, EntityValue, LinkHint, Mention, ParsedDocument, Registry
from ..namespaces import wiki_articles_base
from .infobox import EntityHint, extract_infobox
from .names import NameFact, Patterns, compile_patterns, find_mentions, find_name_facts, norm
from .quantities import QuantityLexicon, compile_quantities
from .refs import is_a
from .statements import extract_statements, place_named_topic, places_in_name

__all__ = ["DocumentExtraction", "EntityHint", "Extractor", "NameFact", "extract_document", "make_extractor", "norm"]


@dataclass(frozen=True)
class Extractor:
    """The compiled rules of one build."""

    settings: Settings
    patterns: Patterns
    quantities: QuantityLexicon


@dataclass(frozen=True)
class DocumentExtraction:
    """Everything one document states, before cross-document resolution."""

    doc_id: str
    topic: str | None
    mentions: tuple[Mention, ...]
    claims: tuple[Claim, ...]
    names: tuple[NameFact, ...]
    hints: tuple[EntityHint, ...]
    warnings: tuple[str, ...]
    unattached_dates: int
    links: tuple[LinkHint, ...] = ()  # the document's links to articles (kg add kept them)
    article_base: str | None = None  # the address of the wiki's articles, from the document's own


def make_extractor(settings: Settings) -> Extractor:
    """Compile the registry and lexicon once for a build."""
    return Extractor(settings, compile_patterns(settings.registry, settings.lexicon, settings.ontology_dir),
                     compile_quantities(settings.lexicon))


def _propagate_types(mentions: list[Mention]) -> list[Mention]:
    """A name typed by its context once ("General X", "X said") has that type wherever the document
    uses it, so a later bare "X" is known to be a person too."""
    best: dict[str, str] = {}
    for m in mentions:
        if m.type != "Entity" and m.rule != "single-name":
            best.setdefault(m.key, m.type)
    return [replace(m, type=best[m.key]) if m.type == "Entity" and m.key in best else m for m in mentions]


def _context_war(mentions: list[Mention], registry: Registry) -> tuple[str, str] | None:
    """The one war that the registry's events this document names are part of (key, label): what "the war"
    means in a text that never names it ("Operation X ... The war ended in 1988")."""
    by_id = registry.by_id()
    wars: set[str] = set()
    todo = [m.key for m in mentions if m.curated and m.key in by_id]
    seen: set[str] = set()
    while todo:
        ident = todo.pop()
        if ident in seen or ident not in by_id:
            continue
        seen.add(ident)
        entry = by_id[ident]
        if entry.type == "War":
            wars.add(ident)
        elif is_a(entry.type, ["Event"]):
            todo.extend(entry.part_of)
    if len(wars) != 1:
        return None
    war = by_id[next(iter(wars))]
    return war.id, war.label


def extract_document(doc: ParsedDocument, ex: Extractor) -> DocumentExtraction:
    """Mentions, claims and name facts of one parsed document."""
    ib = extract_infobox(doc, ex.settings.infobox, ex.patterns, ex.quantities)
    spans = [(s.start, s.end) for s in doc.sentences]
    mentions = _propagate_types(ib.mentions + find_mentions(doc, spans, ex.patterns))
    names = find_name_facts(doc, mentions, ex.settings.lexicon) + ib.names
    topic_type = next((m.type for m in ib.mentions if m.key == ib.topic), ib.topic_type)
    if doc.title and ib.topic and doc.title != ib.topic_label:
        at = doc.text.find(doc.title)
        names.append(NameFact(doc.doc_id, ib.topic, doc.title, None, at, at + len(doc.title)))
    topic_names = tuple(n.name for n in ib.names if n.key == ib.topic) + ((ib.topic_label,) if ib.topic_label else ())
    topic_places = tuple(c.value.key for c in ib.claims
                         if c.property == "location" and c.subject == ib.topic and isinstance(c.value, EntityValue))
    title = doc.title or doc.document.meta.title
    if not topic_places and ib.topic and title and not doc.infobox:
        topic_places = places_in_name(title, ex.patterns)
    named_topic = place_named_topic(doc, mentions, ex.settings.lexicon, ib.topic, topic_type, topic_places)
    mentions += named_topic
    names += [NameFact(doc.doc_id, m.key, m.text, None, m.start, m.end) for m in named_topic]
    st = extract_statements(doc, mentions, ex.patterns, ex.quantities, ex.settings.lexicon, ib.topic, topic_type,
                            topic_names, topic_places, _context_war(mentions, ex.settings.registry),
                            frozenset(k for keys in ib.side_members.values() for k in keys))
    return DocumentExtraction(
        doc_id=doc.doc_id,
        topic=ib.topic,
        mentions=tuple(mentions),
        claims=tuple(ib.claims + st.claims),
        names=tuple(names),
        hints=tuple(ib.hints + st.hints),
        warnings=tuple(ib.warnings),
        unattached_dates=st.unattached_dates,
        links=doc.document.links,
        article_base=wiki_articles_base(doc.document.meta.url),
    )

