"""Score a built graph against gold facts, strictly (``kg eval``).

Pure functions: the text of a gold file, the property table (``ontology/eval.yaml``) and the bytes of a
built dataset (``graph/dataset.trig``) go in, a report record comes out. ``cli.py`` reads the files.

A gold row is matched when the graph states the same fact **in the row's own document**:

* only what that document's named graph (``kg:graph/source/<doc>``) holds counts, plus the entity layer
  for names and types; the inferred graph is never read, and curated relations of the registry are not
  claims of any document;
* subjects and entity values are matched by the entity's labels and aliases (case, punctuation and
  accents aside); a side also by the side entity's demonyms ("Iranian side" is Iran);
* a quantity by its amount, or a range by both bounds; a date at the row's precision or finer, within
  the row's date ("1982-04" is matched by 1982-04-17, "1982-04-17" is not matched by 1982-04);
* a row that states a side is matched only by a claim of that side; a row that states none leaves the
  side open (gold written by readers often leaves out what an infobox column implies), and a row whose
  subject is a side ("Iraq | killed | 8000") is matched by a claim counting that side;
* a conflict or agree row by the analysis graph's disagreement or agreement between a claim matching
  each of the two facts it names.

For the documents a gold file marks exhaustive (``# exhaustive: 01 02``) every claim of the document
that no row matches is a false positive.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import unquote

import pyoxigraph as ox
import yaml

from .errors import ConfigError, InputError, StorageError
from .namespaces import (
    GRAPH_ANALYSIS,
    GRAPH_ENTITIES,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    KG,
    KGO,
    OA,
    ONTOLOGY_BASE,
    SCHEMA,
)

__all__ = [
    "GOLD_KINDS",
    "EvalReport",
    "Gold",
    "GoldDate",
    "GoldFact",
    "GoldQuantity",
    "GraphClaim",
    "GraphFacts",
    "Outcome",
    "Precision",
    "PropertySpec",
    "Score",
    "SourceInfo",
    "evaluate",
    "fold",
    "load_property_table",
    "parse_gold",
    "read_graph_facts",
    "report_to_dict",
]

GOLD_KINDS = ("entity", "alias", "rel", "date", "num", "said", "conflict", "agree")
_COMPARISON_KINDS = frozenset({"conflict", "agree"})
_MATCHES = frozenset({"type", "alias", "entity", "text", "date", "quantity", "quotation", "published"})
_SPEC_KEYS = frozenset({"kinds", "match", "claims", "unit"})
_COLUMNS = ("id", "doc", "kind", "subject", "property", "value", "quote")
_NO_DOC = "-"  # the doc column of conflict and agree rows, which span two documents
ACROSS_DOCUMENTS = "across documents"
NOT_IN_GRAPH = "not in the graph"

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
_LABELS = ("http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label",
           "http://www.w3.org/2004/02/skos/core#altLabel")
_KGO = ONTOLOGY_BASE
_ENTITY = str(KG["entity/"])
_SOURCE = str(KG["source/"])
_SOURCE_GRAPH = str(KG["graph/source/"])
_UNIT = str(KG["unit/"])


# --- gold facts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PropertySpec:
    """What a gold property means: the rows it may appear in, how it is matched, the claims that state it."""

    name: str
    kinds: frozenset[str]
    match: str
    claims: tuple[str, ...] = ()
    unit: str | None = None


@dataclass(frozen=True)
class GoldQuantity:
    """A number of a gold row: an amount, a range by both bounds, or one bound of an open-ended figure."""

    amount: Decimal | None
    lower: Decimal | None = None
    upper: Decimal | None = None

    def __str__(self) -> str:
        if self.amount is not None:
            return str(self.amount)
        if self.upper is None:
            return f">{self.lower}"
        return f"<{self.upper}" if self.lower is None else f"{self.lower}-{self.upper}"


@dataclass(frozen=True)
class GoldDate:
    """A date of a gold row, as precise as the row gives it (YYYY, YYYY-MM or YYYY-MM-DD)."""

    lexical: str

    @property
    def precision(self) -> int:
        return _precision_of(self.lexical)


GoldValue = str | GoldQuantity | GoldDate | tuple[str, str]


@dataclass(frozen=True)
class GoldFact:
    """One row of a gold file, its value parsed by what its property is."""

    id: str
    doc: str
    kind: str
    subject: str
    property: str
    value: str  # as written, side included
    quote: str
    line: int
    spec: PropertySpec
    parsed: GoldValue
    side: str | None = None


@dataclass(frozen=True)
class Gold:
    """A gold file: its rows and the documents it annotates exhaustively."""

    path: str
    facts: tuple[GoldFact, ...]
    exhaustive: frozenset[str]


def fold(text: str) -> str:
    """A name as names are compared: accents, case and punctuation aside ("Iran–Iraq War" = "iran iraq war")."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(kept.casefold().split())


def _line_of(text: str, key: str) -> int | None:
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*:")
    return next((n for n, line in enumerate(text.split("\n"), 1) if pattern.match(line)), None)


def _is_term(name: str) -> bool:
    try:
        KGO[name]  # a closed namespace: a name it does not define raises
    except KeyError:
        return False
    return True


def _spec(name: str, entry: Any, text: str, path: str) -> PropertySpec:
    def bad(problem: str) -> ConfigError:
        return ConfigError(f"property {name!r}: {problem}", path=path, line=_line_of(text, name),
                           hint="see the comment at the top of the file for the fields")

    if not isinstance(entry, dict) or set(map(str, entry)) - _SPEC_KEYS or "match" not in entry:
        raise bad(f"expected a mapping with match: and the optional {', '.join(sorted(_SPEC_KEYS - {'match'}))}")
    kinds = entry.get("kinds", [])
    claims = entry.get("claims", [])
    if not isinstance(kinds, list) or not kinds or set(kinds) - set(GOLD_KINDS):
        raise bad(f"kinds must be a list of {', '.join(GOLD_KINDS)}")
    if entry["match"] not in _MATCHES:
        raise bad(f"match must be one of {', '.join(sorted(_MATCHES))}, not {entry['match']!r}")
    if not isinstance(claims, list) or not all(isinstance(c, str) and _is_term(c) for c in claims):
        raise bad("claims must be a list of kgo: property names of ontology/kg.ttl")
    unit = entry.get("unit")
    if unit is not None and not isinstance(unit, str):
        raise bad("unit must be text")
    return PropertySpec(name=name, kinds=frozenset(kinds), match=entry["match"], claims=tuple(claims), unit=unit)


def load_property_table(text: str, path: str) -> dict[str, PropertySpec]:
    """The gold properties of ``ontology/eval.yaml``; a malformed entry is a ``ConfigError`` naming its line."""
    try:
        data: Any = yaml.safe_load(text)
    except yaml.MarkedYAMLError as e:
        raise ConfigError(f"invalid YAML: {e.problem}", path=path,
                          line=e.problem_mark.line + 1 if e.problem_mark else None) from e
    properties = data.get("properties") if isinstance(data, dict) else None
    if not isinstance(properties, dict) or not properties:
        raise ConfigError("expected a mapping 'properties:' of gold property names", path=path)
    return {str(name): _spec(str(name), entry, text, path) for name, entry in properties.items()}


_SIDE_BEFORE = re.compile(r"^(?P<side>[^:]+?):\s+(?P<value>.+)$")
_SIDE_AFTER = re.compile(r"^(?P<value>.+?)\s*\((?P<side>[^()]+?)\s+side\)$", re.IGNORECASE)
_NUMBER = r"\d[\d,]*(?:\.\d+)?"
_QUANTITY = re.compile(rf"^(?P<a>{_NUMBER})(?:\s*[-–—]\s*(?P<b>{_NUMBER}))?$")
# An open-ended figure: ">72000" ("more than", "at least": a lower bound only), "<500" ("up to": an upper).
_OPEN_QUANTITY = re.compile(rf"^(?P<op>[<>])\s*(?P<a>{_NUMBER})$")
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_EXHAUSTIVE = re.compile(r"^#\s*exhaustive\s*:(?P<docs>.*)$", re.IGNORECASE)


def _split_side(value: str) -> tuple[str, str | None]:
    """The value without its side, and the side: "Iran: 4500" and "4500 (Iranian side)" both give one."""
    for pattern in (_SIDE_AFTER, _SIDE_BEFORE):
        m = pattern.match(value)
        if m:
            return m.group("value").strip(), m.group("side").strip()
    return value, None


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _quantity(value: str) -> tuple[GoldValue, str | None]:
    bare, side = _split_side(value)
    o = _OPEN_QUANTITY.match(bare)
    if o:
        bound = _number(o.group("a"))
        return GoldQuantity(amount=None, lower=bound if o.group("op") == ">" else None,
                            upper=bound if o.group("op") == "<" else None), side
    m = _QUANTITY.match(bare)
    if not m:
        raise ValueError(f"{bare!r} is not a number, a range or an open bound (4500, 6000-15000, >1000)")
    if m.group("b") is None:
        return GoldQuantity(amount=_number(m.group("a"))), side
    lower, upper = _number(m.group("a")), _number(m.group("b"))
    if lower > upper:
        raise ValueError(f"the range {bare!r} has its bounds the wrong way round")
    return GoldQuantity(amount=None, lower=lower, upper=upper), side


def _date(value: str) -> tuple[GoldValue, str | None]:
    bare, side = _split_side(value)
    if not _DATE.match(bare):
        raise ValueError(f"{bare!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    parts = [int(p) for p in bare.split("-")] + [1, 1]
    try:
        datetime.date(parts[0], parts[1], parts[2])
    except ValueError as e:
        raise ValueError(f"{bare!r} is not a real date ({e})") from e
    return GoldDate(bare), side


def _entity(value: str) -> tuple[GoldValue, str | None]:
    return _split_side(value)


def _text(value: str) -> tuple[GoldValue, str | None]:
    return value, None  # free text may hold a colon of its own: no side is read out of it


def _pair(value: str) -> tuple[GoldValue, str | None]:
    ids = value.split()
    if len(ids) != 2:
        raise ValueError(f"a conflict or agree row names the ids of two facts (N14 H08-08), not {value!r}")
    return (ids[0], ids[1]), None


# How a row's value is read, by how its property is matched.
_VALUE_PARSERS: dict[str, Callable[[str], tuple[GoldValue, str | None]]] = {
    "quantity": _quantity,
    "date": _date,
    "published": _date,
    "entity": _entity,
    "type": _text,
    "alias": _text,
    "text": _text,
    "quotation": _text,
}


def _gold_row(line: str, number: int, path: str, table: Mapping[str, PropertySpec]) -> GoldFact | None:
    def bad(problem: str, hint: str | None = None) -> InputError:
        return InputError(problem, path=path, line=number, hint=hint)

    cells = [c.strip() for c in line.split("\t")]
    if len(cells) != len(_COLUMNS):
        raise bad(f"expected {len(_COLUMNS)} tab-separated columns ({', '.join(_COLUMNS)}), found {len(cells)}",
                  "separate the columns with one tab each; a quote holds no tab")
    id_, doc, kind, subject, prop, value, quote = cells
    if (id_, kind) == ("id", "kind"):
        return None  # a header row naming the columns
    empty = [name for name, cell in zip(_COLUMNS[:6], cells[:6], strict=True) if not cell]
    if empty:
        raise bad(f"the {empty[0]} column is empty")
    if kind not in GOLD_KINDS:
        raise bad(f"unknown kind {kind!r}", "kinds are " + ", ".join(GOLD_KINDS))
    spec = table.get(prop)
    if spec is None or kind not in spec.kinds:
        known = sorted(name for name, s in table.items() if kind in s.kinds)
        raise bad(f"property {prop!r} is not one a {kind} row may have",
                  f"{kind} rows take {', '.join(known)}; teach a new one in ontology/eval.yaml")
    if (doc == _NO_DOC) != (kind in _COMPARISON_KINDS):
        raise bad(f"the doc column is {doc!r}: conflict and agree rows give '-', every other row its document")
    parser = _pair if kind in _COMPARISON_KINDS else _VALUE_PARSERS[spec.match]
    try:
        parsed, side = parser(value)
    except ValueError as e:
        raise bad(f"value of {id_}: {e}") from e
    return GoldFact(id=id_, doc=doc, kind=kind, subject=subject, property=prop, value=value, quote=quote,
                    line=number, spec=spec, parsed=parsed, side=side)


def _check_pairs(facts: Sequence[GoldFact], path: str) -> None:
    """Every conflict or agree row names two facts of the file that state values."""
    by_id = {f.id: f for f in facts}
    for f in facts:
        if f.kind not in _COMPARISON_KINDS or not isinstance(f.parsed, tuple):
            continue
        for other in f.parsed:
            target = by_id.get(other)
            if target is None or target.kind in _COMPARISON_KINDS or other == f.id:
                raise InputError(f"{f.id} compares {other!r}, which is not the id of a fact in this file",
                                 path=path, line=f.line)


def parse_gold(text: str, path: str, table: Mapping[str, PropertySpec]) -> Gold:
    """The rows of a gold file (see the README, "Measuring extraction"); a malformed one is an
    ``InputError`` naming the file and line."""
    facts: list[GoldFact] = []
    seen: dict[str, int] = {}
    exhaustive: set[str] = set()
    for number, line in enumerate(text.removeprefix("\ufeff").split("\n"), 1):
        line = line.rstrip("\r")
        if line.startswith("#"):
            m = _EXHAUSTIVE.match(line)
            exhaustive.update(re.split(r"[\s,]+", m.group("docs").strip()) if m else ())
            continue
        if not line.strip():
            continue
        fact = _gold_row(line, number, path, table)
        if fact is None:
            continue
        if fact.id in seen:
            raise InputError(f"id {fact.id} is used twice (first on line {seen[fact.id]})", path=path, line=number)
        seen[fact.id] = number
        facts.append(fact)
    _check_pairs(facts, path)
    return Gold(path=path, facts=tuple(facts), exhaustive=frozenset(exhaustive - {""}))


# --- the graph -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GraphClaim:
    """A claim of one source, with what the matcher compares."""

    iri: str
    doc: str
    subject: str
    property: str
    quote: str
    entity: str | None = None
    text: str | None = None
    amount: Decimal | None = None
    lower: Decimal | None = None
    upper: Decimal | None = None
    date: str | None = None
    precision: int | None = None
    side: str | None = None
    unit: str | None = None
    typed: bool = True  # False for a kgo:UntypedClaim: the words of a figure or date, no typed fact
    members: frozenset[str] = frozenset()  # kgo:sideMember: the combatants of a side several form

    def has_value(self) -> bool:
        """False for a recorded empty field (kgo:MissingValue), which states no fact."""
        values = (self.entity, self.text, self.amount, self.lower, self.upper, self.date)
        return any(v is not None for v in values)

    def value_text(self, label: Callable[[str], str]) -> str:
        if self.entity is not None:
            return label(self.entity)
        if self.date is not None:
            return self.date
        if self.amount is not None:
            return str(self.amount)
        if self.lower is not None or self.upper is not None:
            return f"{self.lower if self.lower is not None else ''}-{self.upper if self.upper is not None else ''}"
        return self.text or "(no value)"


@dataclass(frozen=True)
class SourceInfo:
    """A source document of the graph, as its catalogue entry gives it."""

    doc: str
    kind: str
    published: str | None = None


@dataclass(frozen=True)
class GraphFacts:
    """What the asserted graphs state, indexed for matching. Nothing of the inferred graph is in it."""

    claims: Mapping[str, tuple[GraphClaim, ...]]  # by document
    names: Mapping[str, frozenset[str]]  # folded name -> entity IRIs
    side_names: Mapping[str, frozenset[str]]  # the same, plus demonyms
    labels: Mapping[str, str]  # entity IRI -> preferred label
    types: Mapping[str, frozenset[str]]  # entity IRI -> asserted kgo: classes
    superclasses: Mapping[str, frozenset[str]]  # kgo: class -> itself and its ancestors
    mentions: Mapping[str, Mapping[str, frozenset[str]]]  # document -> entity IRI -> folded mention words
    sources: Mapping[str, SourceInfo]
    links: frozenset[tuple[str, str, bool]]  # (claim, claim, agree), both ways round

    def named(self, name: str) -> frozenset[str]:
        return self.names.get(fold(name), frozenset())

    def sides_named(self, name: str) -> frozenset[str]:
        return self.side_names.get(fold(re.sub(r"\s+side$", "", name.strip(), flags=re.IGNORECASE)), frozenset())

    def label(self, iri: str) -> str:
        return _label(self.labels, iri)


def _label(labels: Mapping[str, str], iri: str) -> str:
    """An entity's preferred label, else the last segment of its IRI (its key)."""
    return labels.get(iri) or unquote(iri.rsplit("/", 1)[-1])


Node = dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]]
Nodes = dict[str, Node]


def _nodes_by_graph(dataset: bytes, path: str) -> dict[str, Nodes]:
    """graph -> subject -> predicate -> objects, for every asserted named graph."""
    graphs: dict[str, Nodes] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    inferred = str(GRAPH_INFERRED)
    try:
        for quad in ox.parse(dataset, format=ox.RdfFormat.TRIG):
            graph = quad.graph_name
            if isinstance(graph, ox.NamedNode) and graph.value != inferred:
                graphs[graph.value][_term_key(quad.subject)][quad.predicate.value].append(quad.object)
    except SyntaxError as e:
        raise StorageError(f"the dataset does not parse: {e}", path=path, hint="rebuild it with kg build") from e
    return graphs


def _term_key(term: object) -> str:
    return term.value if isinstance(term, (ox.NamedNode, ox.BlankNode)) else str(term)


def _iris(node: Node, predicate: str) -> list[str]:
    return [o.value for o in node.get(predicate, ()) if isinstance(o, ox.NamedNode)]


def _literal(node: Node, predicate: str) -> ox.Literal | None:
    return next((o for o in node.get(predicate, ()) if isinstance(o, ox.Literal)), None)


def _decimal(node: Node, predicate: str) -> Decimal | None:
    lit = _literal(node, predicate)
    try:
        return Decimal(lit.value) if lit is not None else None
    except InvalidOperation:
        return None


def _precision_of(lexical: str) -> int:
    return {1: 9, 2: 10, 3: 11}[len(lexical.split("-"))]


def _claim(iri: str, node: Node, doc: str) -> GraphClaim:
    types = set(_iris(node, _RDF_TYPE))
    value = next(iter(node.get(str(KGO.value), ())), None)
    entity = value.value if isinstance(value, ox.NamedNode) else None
    lexical = value.value if isinstance(value, ox.Literal) else None
    is_number = str(KGO.QuantityClaim) in types
    date_ = lexical if str(KGO.DateClaim) in types else None
    stated_precision = _decimal(node, str(KGO.datePrecision))
    precision = int(stated_precision) if stated_precision is not None else None
    if date_ is not None and precision is None:
        precision = _precision_of(date_)
    unit = next(iter(_iris(node, str(KGO.unit))), None)
    quote = _literal(node, str(KGO.quote))
    return GraphClaim(
        iri=iri, doc=doc, subject=next(iter(_iris(node, str(KGO.subject))), ""),
        property=next(iter(_iris(node, str(KGO.property))), "").removeprefix(_KGO),
        quote=quote.value if quote is not None else "", entity=entity,
        text=lexical if date_ is None and not is_number else None,
        amount=_decimal(node, str(KGO.amount)), lower=_decimal(node, str(KGO.lowerBound)),
        upper=_decimal(node, str(KGO.upperBound)), date=date_,
        precision=precision,
        side=next(iter(_iris(node, str(KGO.claimSide))), None),
        unit=unit.removeprefix(_UNIT) if unit else None,
        typed=str(KGO.UntypedClaim) not in types,
        members=frozenset(_iris(node, str(KGO.sideMember))),
    )


def _mention_words(nodes: Nodes, node: Node) -> Iterable[str]:
    """The words of a mention: the exact text of its target's quote selector."""
    for target in _iris(node, str(OA.hasTarget)):
        for selector in _iris(nodes.get(target, {}), str(OA.hasSelector)):
            exact = _literal(nodes.get(selector, {}), str(OA.exact))
            if exact is not None:
                yield fold(exact.value)


def _source_layer(doc: str, nodes: Nodes) -> tuple[tuple[GraphClaim, ...], dict[str, frozenset[str]]]:
    """A source graph's claims, and the words it names each entity by."""
    claims = []
    words: dict[str, set[str]] = defaultdict(set)
    for iri, node in sorted(nodes.items()):
        types = set(_iris(node, _RDF_TYPE))
        if str(KGO.Claim) in types:
            claims.append(_claim(iri, node, doc))
        elif str(KGO.Mention) in types:
            for body in _iris(node, str(OA.hasBody)):
                words[body].update(_mention_words(nodes, node))
    return tuple(claims), {e: frozenset(w) for e, w in words.items()}


def _entity_layer(nodes: Nodes) -> tuple[dict[str, set[str]], dict[str, str], dict[str, frozenset[str]]]:
    """Entities' names (folded name -> IRIs), preferred labels and asserted kgo: classes."""
    names: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, str] = {}
    types: dict[str, frozenset[str]] = {}
    for iri, node in nodes.items():
        if not iri.startswith(_ENTITY):
            continue
        for predicate in _LABELS:
            for lit in node.get(predicate, ()):
                if isinstance(lit, ox.Literal):
                    names[fold(lit.value)].add(iri)
                    labels.setdefault(iri, lit.value)
        types[iri] = frozenset(t.removeprefix(_KGO) for t in _iris(node, _RDF_TYPE) if t.startswith(_KGO))
    return names, labels, types


def _sources(nodes: Nodes) -> dict[str, SourceInfo]:
    found = {}
    for iri, node in nodes.items():
        if iri.startswith(_SOURCE) and "#" not in iri:  # a source's original is "<source>#original"
            doc = unquote(iri.removeprefix(_SOURCE))
            genre = _literal(node, str(SCHEMA.genre))
            published = _literal(node, str(SCHEMA.datePublished))
            found[doc] = SourceInfo(doc=doc, kind=genre.value if genre is not None else "unknown",
                                    published=published.value if published is not None else None)
    return found


def _superclasses(nodes: Nodes) -> dict[str, frozenset[str]]:
    """Each kgo: class with all its ancestors, by the ontology's own rdfs:subClassOf axioms."""
    parents = {iri.removeprefix(_KGO): {p.removeprefix(_KGO) for p in _iris(node, _SUBCLASS) if p.startswith(_KGO)}
               for iri, node in nodes.items() if iri.startswith(_KGO)}
    closure: dict[str, frozenset[str]] = {}
    for cls in parents:
        seen, todo = {cls}, list(parents[cls])
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(parents.get(current, ()))
        closure[cls] = frozenset(seen)
    return closure


def _links(nodes: Nodes) -> frozenset[tuple[str, str, bool]]:
    """Pairs of claims the analysis graph compares: direct links, and claims of one comparison."""
    links: set[tuple[str, str, bool]] = set()
    for iri, node in nodes.items():
        for predicate, agree in ((str(KGO.corroborates), True), (str(KGO.conflictsWith), False)):
            links.update((iri, other, agree) for other in _iris(node, predicate))
        types = set(_iris(node, _RDF_TYPE))
        if str(KGO.Agreement) in types or str(KGO.Disagreement) in types:
            compared = _iris(node, str(KGO.comparedClaim))
            agree = str(KGO.Agreement) in types
            links.update((a, b, agree) for a in compared for b in compared if a != b)
    return frozenset(links | {(b, a, agree) for a, b, agree in links})


def read_graph_facts(dataset: bytes, demonyms: Mapping[str, Iterable[str]] | None = None, *,
                     path: str = "graph/dataset.trig") -> GraphFacts:
    """What a built dataset (TriG) states, without its inferred graph. ``demonyms`` maps entity IRIs to
    the words that name their side in prose (the registry's), which the graph does not hold."""
    graphs = _nodes_by_graph(dataset, path)
    names, labels, types = _entity_layer(graphs.get(str(GRAPH_ENTITIES), {}))
    side_names = {k: set(v) for k, v in names.items()}
    for iri, words in (demonyms or {}).items():
        for word in words:
            side_names.setdefault(fold(word), set()).add(iri)
    claims: dict[str, tuple[GraphClaim, ...]] = {}
    mentions: dict[str, Mapping[str, frozenset[str]]] = {}
    for graph, nodes in graphs.items():
        if graph.startswith(_SOURCE_GRAPH):
            doc = unquote(graph.removeprefix(_SOURCE_GRAPH))
            claims[doc], mentions[doc] = _source_layer(doc, nodes)
    return GraphFacts(
        claims=claims, names={k: frozenset(v) for k, v in names.items()},
        side_names={k: frozenset(v) for k, v in side_names.items()}, labels=labels, types=types,
        superclasses=_superclasses(graphs.get(str(GRAPH_ONTOLOGY), {})), mentions=mentions,
        sources=_sources(graphs.get(str(GRAPH_ENTITIES), {})), links=_links(graphs.get(str(GRAPH_ANALYSIS), {})),
    )


# --- matching -----------------------------------------------------------------------------------------

# What a matcher finds: the IRIs of the claims that state the fact, or why none does.
_Result = tuple[tuple[str, ...], str | None]
_Stage = tuple[Callable[[list[GraphClaim]], str], Callable[[GraphClaim], bool]]


@dataclass(frozen=True)
class Outcome:
    """A gold row and what the graph gives for it."""

    fact: GoldFact
    matched: bool
    doc_id: str | None  # the graph's document the row is about (None for conflict and agree rows)
    reason: str | None = None  # why it is a miss
    claims: tuple[str, ...] = ()  # the claims that state it


def _few(items: Iterable[str], most: int = 6) -> str:
    unique = sorted(set(items))
    shown = ", ".join(unique[:most])
    return shown + (f" and {len(unique) - most} more" if len(unique) > most else "")


def _through(stages: Sequence[_Stage], pool: Sequence[GraphClaim]) -> _Result:
    """Narrow the document's claims stage by stage; the first stage that leaves none says why."""
    current = list(pool)
    for describe, keep in stages:
        kept = [c for c in current if keep(c)]
        if not kept:
            return (), describe(current)
        current = kept
    return tuple(c.iri for c in current), None


def _date_within(gold: GoldDate, lexical: str | None, precision: int | None) -> bool:
    """Same precision or finer, and inside the gold date ("1982-04" holds 1982-04-17)."""
    if lexical is None or precision is None or precision < gold.precision:
        return False
    return lexical == gold.lexical or lexical.startswith(gold.lexical + "-")


def _quantity_equal(gold: GoldQuantity, c: GraphClaim) -> bool:
    if gold.amount is not None:
        # an exact figure written as a range of one number is still that figure
        return c.amount == gold.amount or (c.amount is None and c.lower == c.upper == gold.amount)
    return c.lower == gold.lower and c.upper == gold.upper


def _value_test(fact: GoldFact, facts: GraphFacts) -> Callable[[GraphClaim], bool]:
    value, spec = fact.parsed, fact.spec
    if isinstance(value, GoldQuantity):
        return lambda c: _quantity_equal(value, c) and (spec.unit is None or c.unit == spec.unit)
    if isinstance(value, GoldDate):
        return lambda c: _date_within(value, c.date, c.precision)
    text = fold(str(value))
    tests: dict[str, Callable[[GraphClaim], bool]] = {
        "entity": lambda c: c.entity in facts.named(str(value)),
        "text": lambda c: c.text is not None and fold(c.text) == text,
        "quotation": lambda c: c.text is not None and text in fold(c.text),
    }
    return tests[spec.match]


def _side_test(fact: GoldFact, facts: GraphFacts) -> Callable[[GraphClaim], bool]:
    if fact.side is None:
        return lambda c: True
    sides = facts.sides_named(fact.side)
    # A side several combatants form (kgo:sideMember) is matched by a row that names one of them.
    return lambda c: c.side in sides or bool(c.members & sides)


def _side_label(c: GraphClaim, facts: GraphFacts) -> str:
    if c.side:
        return facts.label(c.side)
    return " and ".join(sorted(facts.label(m) for m in c.members)) if c.members else "none"


def _side_reason(fact: GoldFact, facts: GraphFacts, pool: list[GraphClaim]) -> str:
    given = _few(_side_label(c, facts) for c in pool)
    if fact.side is None:
        return f"the row gives no side; the matching claims give the side {given}"
    return f"the row gives the side {fact.side!r}; the matching claims give {given}"


def _match_claims(fact: GoldFact, doc: str, facts: GraphFacts) -> _Result:
    """A claim of the document with one of the property's kgo: properties, subject, value and side."""
    spec = fact.spec
    if not spec.claims:
        return (), f"the ontology has no property for {fact.property!r} yet (ontology/eval.yaml maps it to none)"
    subjects = facts.named(fact.subject)
    as_side = facts.sides_named(fact.subject) if fact.side is None else frozenset()
    wanted = " or ".join(spec.claims)
    stages: list[_Stage] = [
        (lambda pool: f"{doc} states no {wanted} claim", lambda c: c.property in spec.claims),
        (lambda pool: f"no {wanted} claim is about {fact.subject!r}; they are about "
                      f"{_few(facts.label(c.subject) for c in pool)}",
         lambda c: c.subject in subjects or (c.side is not None and c.side in as_side)),
        (lambda pool: f"the {wanted} claims about it give {_few(c.value_text(facts.label) for c in pool)}"
                      + (f" ({spec.unit} wanted)" if spec.unit else ""), _value_test(fact, facts)),
        (lambda pool: _side_reason(fact, facts, pool), _side_test(fact, facts)),
    ]
    return _through(stages, facts.claims.get(doc, ()))


def _match_type(fact: GoldFact, doc: str, facts: GraphFacts) -> _Result:
    """An entity named by the subject, mentioned in the document, of the class or a subclass of it."""
    named = facts.named(fact.subject)
    mentioned = named & facts.mentions.get(doc, {}).keys()
    wanted = str(fact.parsed)
    if not named:
        return (), f"no entity is named {fact.subject!r}"
    if not mentioned:
        return (), f"{doc} mentions no entity named {fact.subject!r}"
    if wanted not in facts.superclasses:
        return (), f"the ontology has no class {wanted!r}"
    types = {t for e in mentioned for t in facts.types.get(e, ())}
    if not any(wanted in facts.superclasses.get(t, {t}) for t in types):
        return (), f"{_few(facts.label(e) for e in mentioned)} is typed {_few(types) or 'nothing'}, not {wanted}"
    return (), None


def _match_alias(fact: GoldFact, doc: str, facts: GraphFacts) -> _Result:
    """The document names the subject's entity by the alias: a mention of those words resolved to it."""
    named = facts.named(fact.subject)
    words = fold(str(fact.parsed))
    by_alias = {e for e, said in facts.mentions.get(doc, {}).items() if words in said}
    if not named:
        return (), f"no entity is named {fact.subject!r}"
    if not by_alias:
        return (), f"{doc} has no mention of {str(fact.parsed)!r}"
    if not by_alias & named:
        return (), f"{doc} resolves {str(fact.parsed)!r} to {_few(facts.label(e) for e in by_alias)}"
    return (), None


def _match_published(fact: GoldFact, doc: str, facts: GraphFacts) -> _Result:
    published = facts.sources[doc].published
    if isinstance(fact.parsed, GoldDate) and _date_within(fact.parsed, published, _precision_of(published or "x")):
        return (), None
    return (), f"{doc} is published {published or 'on no date the graph gives'}"


_MATCHERS: dict[str, Callable[[GoldFact, str, GraphFacts], _Result]] = {
    "type": _match_type,
    "alias": _match_alias,
    "published": _match_published,
    "entity": _match_claims,
    "text": _match_claims,
    "date": _match_claims,
    "quantity": _match_claims,
    "quotation": _match_claims,
}


def _document(fact: GoldFact, facts: GraphFacts, path: str) -> str | None:
    """The graph's document a row's doc column names: that file stem, or the one it is the prefix of."""
    found = [d for d in facts.sources if d == fact.doc or d.startswith(fact.doc + "_")]
    if len(found) > 1:
        raise InputError(f"doc {fact.doc!r} of {fact.id} names {len(found)} documents of the graph: "
                         f"{_few(found)}", path=path, line=fact.line, hint="write the document's whole file stem")
    return found[0] if found else None


def _match_comparison(fact: GoldFact, outcomes: Mapping[str, Outcome], facts: GraphFacts) -> _Result:
    """The analysis records the disagreement (agreement) between a claim of each of the two facts."""
    assert isinstance(fact.parsed, tuple)
    first, second = (outcomes[i] for i in fact.parsed)
    for o in (first, second):
        if not o.matched:
            return (), f"{o.fact.id} is a miss, so the graph has no claim of it to compare"
        if not o.claims:
            return (), f"{o.fact.id} is not a fact that claims state, so it cannot be compared"
    agree = fact.kind == "agree"
    pairs = [(a, b) for a in first.claims for b in second.claims if (a, b, agree) in facts.links]
    if pairs:
        return tuple(sorted({c for pair in pairs for c in pair})), None
    if any((a, b, not agree) in facts.links for a in first.claims for b in second.claims):
        return (), f"the analysis records their claims as {'conflicting' if agree else 'agreeing'}"
    return (), f"the analysis records no comparison between the claims of {first.fact.id} and {second.fact.id}"


def _outcome(fact: GoldFact, facts: GraphFacts, path: str) -> Outcome:
    doc = _document(fact, facts, path)
    if doc is None:
        return Outcome(fact, matched=False, doc_id=None, reason=f"no document {fact.doc!r} in the graph")
    claims, reason = _MATCHERS[fact.spec.match](fact, doc, facts)
    return Outcome(fact, matched=reason is None, doc_id=doc, reason=reason, claims=claims)


# --- the report ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """Recall of a group of rows."""

    group: str
    matched: int
    total: int

    @property
    def recall(self) -> float | None:
        return self.matched / self.total if self.total else None


@dataclass(frozen=True)
class Precision:
    """Precision of an exhaustively annotated document, with its claims that no row matches."""

    doc: str  # as the gold file names it
    doc_id: str | None
    matched: int
    total: int
    false_positives: tuple[GraphClaim, ...]

    @property
    def precision(self) -> float | None:
        return self.matched / self.total if self.total else None


@dataclass(frozen=True)
class EvalReport:
    """Recall by kind, by document and by kind of document, each miss, and precision where it is known."""

    gold: str
    outcomes: tuple[Outcome, ...]
    overall: Score
    by_kind: tuple[Score, ...]
    by_document: tuple[Score, ...]
    by_document_kind: tuple[Score, ...]
    precision: tuple[Precision, ...]
    labels: Mapping[str, str]  # entity IRI -> label, for showing claims

    @property
    def misses(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not o.matched)

    def label(self, iri: str) -> str:
        return _label(self.labels, iri)


def _scores(outcomes: Sequence[Outcome], group: Callable[[Outcome], str],
            order: Sequence[str] = ()) -> tuple[Score, ...]:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for o in outcomes:
        cell = totals[group(o)]
        cell[0] += o.matched
        cell[1] += 1
    rank = {name: i for i, name in enumerate(order)}
    names = sorted(totals, key=lambda n: (rank.get(n, len(rank)), n))
    return tuple(Score(n, totals[n][0], totals[n][1]) for n in names)


def _document_group(o: Outcome) -> str:
    if o.fact.kind in _COMPARISON_KINDS:
        return ACROSS_DOCUMENTS
    return o.doc_id or f"{o.fact.doc} ({NOT_IN_GRAPH})"


def _kind_group(o: Outcome, facts: GraphFacts) -> str:
    if o.fact.kind in _COMPARISON_KINDS:
        return ACROSS_DOCUMENTS
    return facts.sources[o.doc_id].kind if o.doc_id else NOT_IN_GRAPH


def _precision(gold: Gold, outcomes: Sequence[Outcome], facts: GraphFacts) -> tuple[Precision, ...]:
    matched = {c for o in outcomes if o.fact.kind not in _COMPARISON_KINDS for c in o.claims}
    found = []
    for key in sorted(gold.exhaustive):
        doc = next((d for d in sorted(facts.sources) if d == key or d.startswith(key + "_")), None)
        # Untyped claims state no typed fact (the builder declined to say what the words count): not counted.
        stated = [c for c in facts.claims.get(doc, ()) if c.has_value() and c.typed] if doc else []
        wrong = tuple(c for c in stated if c.iri not in matched)
        found.append(Precision(key, doc, len(stated) - len(wrong), len(stated), wrong))
    return tuple(found)


def evaluate(gold: Gold, facts: GraphFacts) -> EvalReport:
    """Match every gold row against the graph and score the result."""
    outcomes = {f.id: _outcome(f, facts, gold.path) for f in gold.facts if f.kind not in _COMPARISON_KINDS}
    for f in gold.facts:
        if f.kind in _COMPARISON_KINDS:
            claims, reason = _match_comparison(f, outcomes, facts)
            outcomes[f.id] = Outcome(f, matched=reason is None, doc_id=None, reason=reason, claims=claims)
    ordered = tuple(outcomes[f.id] for f in gold.facts)
    return EvalReport(
        gold=gold.path, outcomes=ordered,
        overall=Score("all", sum(o.matched for o in ordered), len(ordered)),
        by_kind=_scores(ordered, lambda o: o.fact.kind, GOLD_KINDS),
        by_document=_scores(ordered, _document_group),
        by_document_kind=_scores(ordered, lambda o: _kind_group(o, facts), ("encyclopedia", "news")),
        precision=_precision(gold, ordered, facts),
        labels=facts.labels,
    )


def _score_dict(s: Score) -> dict[str, Any]:
    return {"group": s.group, "matched": s.matched, "total": s.total, "recall": s.recall}


def _claim_dict(c: GraphClaim, report: EvalReport) -> dict[str, Any]:
    return {"claim": c.iri, "subject": report.label(c.subject), "property": c.property,
            "value": c.value_text(report.label), "side": report.label(c.side) if c.side else None, "quote": c.quote}


def report_to_dict(report: EvalReport) -> dict[str, Any]:
    """The report as plain data (``kg eval --json``)."""
    return {
        "gold": report.gold,
        "overall": _score_dict(report.overall),
        "by_kind": [_score_dict(s) for s in report.by_kind],
        "by_document": [_score_dict(s) for s in report.by_document],
        "by_document_kind": [_score_dict(s) for s in report.by_document_kind],
        "facts": [{"id": o.fact.id, "doc": o.fact.doc, "document": o.doc_id, "kind": o.fact.kind,
                   "subject": o.fact.subject, "property": o.fact.property, "value": o.fact.value,
                   "quote": o.fact.quote, "line": o.fact.line, "matched": o.matched, "reason": o.reason,
                   "claims": list(o.claims)} for o in report.outcomes],
        "misses": [o.fact.id for o in report.misses],
        "precision": [{"doc": p.doc, "document": p.doc_id, "matched": p.matched, "total": p.total,
                       "precision": p.precision,
                       "false_positives": [_claim_dict(c, report) for c in p.false_positives]}
                      for p in report.precision],
    }
