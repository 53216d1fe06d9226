"""Frozen records passed between pipeline stages.

Offsets are indexes into the document's text as Python ``str`` (Unicode code points), which is
what W3C Web Annotation's TextPositionSelector counts.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

__all__ = [
    "ENTITY_TYPES",
    "UNTYPED_PROPERTIES",
    "BuildReport",
    "Claim",
    "ClaimValue",
    "Comparison",
    "DateValue",
    "Document",
    "DocumentMeta",
    "Entity",
    "EntityValue",
    "InfoboxField",
    "LinkHint",
    "Mention",
    "Original",
    "ParsedDocument",
    "Quantity",
    "Registry",
    "RegistryEntry",
    "Sentence",
    "TextValue",
]

# Classes a registry entry or an extraction rule may give an entity, with their parent class.
ENTITY_TYPES: dict[str, str | None] = {
    "Entity": None,
    "Person": "Entity",
    "Organization": "Entity",
    "MilitaryUnit": "Organization",
    "Government": "Organization",
    "Event": "Entity",
    "War": "Event",
    "MilitaryOperation": "Event",
    "Battle": "Event",
    "Occupation": "Event",
    "Attack": "Event",
    "Place": "Entity",
    "City": "Place",
    "Province": "Place",
    "Country": "Place",
    "River": "Place",
    "Island": "Place",
    "Region": "Place",
    "CreativeWork": "Entity",
    "Equipment": "Entity",
}

DocumentKind = Literal["encyclopedia", "news"]


@dataclass(frozen=True)
class DocumentMeta:
    """What a document's sidecar says about it (only what the document itself states)."""

    title: str
    kind: DocumentKind
    language: str
    publisher: str | None = None
    author: str | None = None
    published: str | None = None  # ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD
    licence: str | None = None
    url: str | None = None
    title_supplied: bool = False  # the title was supplied by a cataloguer, not the document
    original: Original | None = None  # the file it was imported from (kg add)
    wikidata: str | None = None  # the Wikidata item the document is about, as the page states it


@dataclass(frozen=True)
class Original:
    """The file a document was imported from, kept under ``corpus/originals/``."""

    file: str  # its path inside the corpus folder
    format: str  # the format kg add read it as: "wikitext", "wikipedia-html", "web-page", "pdf", ...
    sha256: str
    revision: str | None = None  # a wiki page's revision id, and its time
    revision_timestamp: str | None = None


@dataclass(frozen=True)
class LinkHint:
    """Words of the text that the source linked to an article: the article's title, by the span."""

    start: int
    end: int
    target: str


@dataclass(frozen=True)
class Document:
    """A corpus document: its id (file stem), where it came from, its text and metadata, and what the
    original said beyond its text (the annex): its links, and where each of its pages starts."""

    doc_id: str
    path: str
    text: str
    meta: DocumentMeta
    links: tuple[LinkHint, ...] = ()
    pages: tuple[tuple[int, str], ...] = ()  # (offset where the page starts, its label), in order

    def page_of(self, start: int, end: int) -> str | None:
        """The page (or "first–last" pages) a span lies on; None for a document without pages."""
        if not self.pages:
            return None
        labels = [label for offset, label in self.pages if offset < max(end, start + 1)]
        first = next((label for offset, label in reversed(self.pages) if offset <= start), self.pages[0][1])
        last = labels[-1] if labels else first
        return first if first == last else f"{first}–{last}"


@dataclass(frozen=True)
class InfoboxField:
    """One ``- Key: value`` line of an infobox."""

    key: str
    value: str
    line: int  # 1-based line number in the document
    start: int  # offset of the value
    end: int


@dataclass(frozen=True)
class Sentence:
    """A sentence of running text, by its span in the document."""

    start: int
    end: int
    section: str  # the heading it stands under ("" before the first heading)


@dataclass(frozen=True)
class ParsedDocument:
    """A document split into its parts: title, infobox, sentences."""

    document: Document
    title: str | None
    infobox: tuple[InfoboxField, ...]
    sentences: tuple[Sentence, ...]
    stated_date: str | None = None  # a date line at the top of a news text ("date 2025-05-23")

    @property
    def text(self) -> str:
        return self.document.text

    @property
    def doc_id(self) -> str:
        return self.document.doc_id


@dataclass(frozen=True)
class RegistryEntry:
    """A curated entity from ``ontology/entities.yaml``."""

    id: str
    label: str
    type: str
    aliases: tuple[str, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()  # (language, label)
    demonyms: tuple[str, ...] = ()
    located_in: str | None = None
    part_of: tuple[str, ...] = ()
    member_of: tuple[str, ...] = ()
    country: str | None = None  # forces and organisations: the state they belong to (Wikidata P17)
    wikidata: str | None = None
    wikidata_evidence: str | None = None
    coordinates: tuple[float, float] | None = None  # (latitude, longitude), WGS84
    coordinates_evidence: str | None = None


@dataclass(frozen=True)
class Registry:
    """All curated entities, with lookup tables."""

    entries: tuple[RegistryEntry, ...]

    def by_id(self) -> dict[str, RegistryEntry]:
        return {e.id: e for e in self.entries}


@dataclass(frozen=True)
class Mention:
    """A span of a document that names an entity, before or after resolution.

    ``key`` is the resolution key: a registry id for curated entities, else a normalised name.
    """

    doc_id: str
    start: int
    end: int
    text: str
    type: str  # kgo class name
    key: str
    rule: str
    curated: bool = False


@dataclass(frozen=True)
class Entity:
    """One real-world entity after cross-document resolution."""

    key: str  # slug; the IRI is minted from it
    label: str
    types: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()  # (language, label) beyond English
    curated: bool = False
    wikidata: str | None = None
    wikidata_evidence: str | None = None
    coordinates: tuple[float, float] | None = None
    coordinates_evidence: str | None = None
    relations: tuple[tuple[str, str], ...] = ()  # curated (property, entity key) from the registry
    geonames: int | None = None  # the GeoNames id of the one gazetteer place of this name and class
    articles: tuple[str, ...] = ()  # addresses of the wiki articles the sources link its names to


@dataclass(frozen=True)
class Quantity:
    """A number as a source states it: exact, a range, or hedged."""

    amount: Decimal | None
    lower: Decimal | None = None
    upper: Decimal | None = None
    approximate: bool = False
    qualifier: str | None = None
    unit: str | None = None


@dataclass(frozen=True)
class DateValue:
    """A date with its precision (Wikibase: 9 year, 10 month, 11 day)."""

    lexical: str  # 1982-05-24, 1982-05 or 1982
    precision: int

    @property
    def datatype(self) -> str:
        return {11: "date", 10: "gYearMonth", 9: "gYear"}[self.precision]


@dataclass(frozen=True)
class EntityValue:
    """A claim value that is an entity (by resolution key until resolved, then entity key)."""

    key: str


@dataclass(frozen=True)
class TextValue:
    """A claim value that is text (a quotation, a result as stated)."""

    text: str


ClaimValue = Quantity | DateValue | EntityValue | TextValue


# Claims that keep the words of a figure or date whose meaning no rule is sure of (what it counts, which
# part of the event it is of): queryable, but never a typed property, a comparison or a Wikidata statement.
UNTYPED_PROPERTIES = frozenset({"statedFigure", "statedDate"})


@dataclass(frozen=True)
class Claim:
    """One sourced statement: subject, property, value, qualifiers and the exact span it comes from."""

    doc_id: str
    subject: str  # entity key
    property: str  # kgo property local name
    value: ClaimValue | None  # None when the source leaves the field empty
    start: int
    end: int
    rule: str
    side: str | None = None  # entity key of the side the value concerns
    side_label: str | None = None
    side_number: int | None = None
    scope: str | None = None
    missing_field: str | None = None
    qualifier: str | None = None  # a note the source attaches to the value ("KIA: killed in action")
    # The combatants of a side that several form ("Combatant1: A, B"): the value is of them together.
    side_members: tuple[str, ...] = ()
    side_evidence: str | None = None  # why the side is the one given, when the source does not state it

    @builtins.property
    def typed(self) -> bool:
        """Whether the claim states a property of the ontology, not only the words of an unsure figure."""
        return self.property not in UNTYPED_PROPERTIES

    @builtins.property  # the field ``property`` above shadows the builtin within this class
    def kind(self) -> str:
        if isinstance(self.value, Quantity):
            return "QuantityClaim"
        if isinstance(self.value, DateValue):
            return "DateClaim"
        if self.property == "quotation":
            return "QuotationClaim"
        if isinstance(self.value, EntityValue):
            return "RelationClaim"
        return "Claim"


@dataclass(frozen=True)
class Comparison:
    """The verdict on claims about the same subject, property and side.

    Two claims of different values (each standing for every source that gives its value), or an
    agreement group: ``first``, ``second`` and ``also_compared`` are claims of different sources
    stating one value.
    """

    first: Claim
    second: Claim
    agree: bool
    note: str
    also: tuple[Claim, ...] = ()  # further claims the verdict rests on (the end date of a duration check)
    also_compared: tuple[Claim, ...] = ()  # the third and further claims of an agreement group
    # Claims of other sources stating first's (second's) value: a group of equal values is compared
    # once, through one claim that stands for it, and the verdict holds for these as well.
    with_first: tuple[Claim, ...] = ()
    with_second: tuple[Claim, ...] = ()

    @property
    def compared(self) -> tuple[Claim, ...]:
        """Every claim the verdict is about, ``first`` (the representative of a group) first."""
        return (self.first, self.second, *self.also_compared)


@dataclass(frozen=True)
class BuildReport:
    """What a build did: counts and time per stage."""

    documents: int
    entities_by_type: tuple[tuple[str, int], ...]
    claims: int
    mentions: int
    conflicts: int
    corroborations: int
    asserted_triples: int
    inferred_triples: int
    seconds_by_stage: tuple[tuple[str, float], ...]
    warnings: tuple[str, ...] = field(default=())
    duplicates: tuple[tuple[str, str], ...] = field(default=())  # (copy left out, the document it repeats)
