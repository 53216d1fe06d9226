"""Infobox fields to claims, by the field mapping in ``ontology/infobox.yaml``.

Numbered keys are per side ("Commander2" is side 2). Lists are split; what stands around a name
and is not part of it is cut off and kept as a note on the claim: status marks ("ZeidanKIA", "(POW)")
and, around a person, ranks and titles ("Lt. Gen. X") and offices ("X (President of Z)"). Empty
fields are recorded as missing, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..config import InfoboxSpec
from ..models import Claim, ClaimValue, EntityValue, InfoboxField, Mention, ParsedDocument, TextValue
from .dates import find_dates
from .names import NameFact, Patterns, norm, word_re
from .quantities import QuantityLexicon, find_quantities
from .refs import is_a

__all__ = ["EntityHint", "InfoboxResult", "extract_infobox", "field_spec"]

_SCOPE = re.compile(r"\s*\((?P<scope>[^()]*[A-Za-z][^()]*)\)\s*$")
# "Overall commander: X", "Jordan: X": a label that opens a list item says whose or what the item is;
# it is never part of the name.
_ITEM_LABEL = re.compile(r"(?P<label>[A-Z][\w'’.-]*(?:\s+[\w'’.-]+){0,4}):\s+")
# "A of the B" in a Partof field, where B is a war or an event the registry knows: A is part of B.
_PART_OF = re.compile(r"(?P<part>.+?)\s+of\s+(?:the\s+)?(?P<whole>.+)")
_WHOLES = ("War", "Event", "MilitaryOperation", "Battle")
_SIDE_TYPES = ("Country", "Organization", "Government", "MilitaryUnit")


@dataclass(frozen=True)
class EntityHint:
    """An entity that a rule names without a span of its own (the topic, an event a verb states)."""

    doc_id: str
    key: str
    label: str
    type: str
    rule: str
    # The place an event is named after, where the words ("the fall of X") name the event of that
    # place, which the corpus may know by another name (resolution looks for it by place and time).
    place: str | None = None


@dataclass
class InfoboxResult:
    """What an infobox yields."""

    topic: str | None = None
    topic_label: str | None = None
    topic_type: str | None = None  # where no infobox mention gives it: an article titled by its event
    mentions: list[Mention] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    hints: list[EntityHint] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sides: dict[int, str] = field(default_factory=dict)  # side number -> combatant key
    side_members: dict[int, tuple[str, ...]] = field(default_factory=dict)  # side number -> its combatants
    derived: dict[int, str] = field(default_factory=dict)  # side number -> why its combatant is derived
    names: list[NameFact] = field(default_factory=list)  # second names the topic field gives


@dataclass(frozen=True)
class _FieldContext:
    """What every claim of one infobox field shares (document, topic, side), and the lexicons the field
    rules read."""

    doc: ParsedDocument
    topic: str
    side: str | None  # combatant key of the field's side ("Commander2" -> side 2's combatant)
    side_number: int | None
    spec: InfoboxSpec
    patterns: Patterns
    ql: QuantityLexicon
    combatants: frozenset[str] = frozenset()  # keys of every combatant the infobox lists, on any side
    side_members: tuple[str, ...] = ()  # the side's combatants, when it has several
    open_side: bool = False  # a combatant field of the infobox is empty
    side_evidence: str | None = None  # how the side's combatant was derived, when no field states it

    def claim(self, property: str, value: ClaimValue | None, start: int, end: int, rule: str, *,
              side_label: str | None = None, scope: str | None = None, missing_field: str | None = None,
              qualifier: str | None = None) -> Claim:
        """A claim about the topic, on the field's side."""
        return Claim(doc_id=self.doc.doc_id, subject=self.topic, property=property, value=value, start=start,
                     end=end, rule=rule, side=self.side, side_label=side_label, side_number=self.side_number,
                     scope=scope, missing_field=missing_field, qualifier=qualifier,
                     side_members=self.side_members if self.side is None else (), side_evidence=self.side_evidence)


# Each infobox field with its mapping (None when unmapped) and side number.
_Fields = list[tuple[InfoboxField, dict[str, object] | None, int | None]]


def field_spec(spec: InfoboxSpec, key: str) -> tuple[dict[str, object] | None, int | None]:
    """The mapping for a key, and its side number: ``Commander2`` -> (commander spec, 2)."""
    m = re.fullmatch(r"(?P<base>.*?)\s*(?P<n>\d+)?", key)
    base = (m.group("base") if m else key).lower().replace(" ", "")
    side = int(m.group("n")) if m and m.group("n") else None
    return spec.fields.get(base), side


def _property(fs: dict[str, object]) -> str:
    """The property a field states; fields of the kinds that state none (the topic, dates) have their
    empty value kept as a missing result (the loader makes every other kind name its property)."""
    return str(fs.get("property") or "result")


def _items(f: InfoboxField, spec: InfoboxSpec, text: str) -> list[tuple[int, int]]:
    """Spans of the list items of a field value."""
    seps = "|".join(re.escape(s) for s in sorted(spec.list_separators, key=len, reverse=True))
    spans: list[tuple[int, int]] = []
    pos = f.start
    for m in re.finditer(seps, text[f.start:f.end]):
        spans.append((pos, f.start + m.start()))
        pos = f.start + m.end()
    spans.append((pos, f.end))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1] in " \t,;":
            b -= 1
        if text[a:a + 4].lower() == "the ":
            a += 4
        if b > a:
            out.append((a, b))
    return out


def _entity_at(doc: ParsedDocument, a: int, b: int, type_: str, patterns: Patterns) -> Mention:
    text = doc.text[a:b]
    ident = patterns.registry_names.get(text)
    if ident is not None:
        return Mention(doc.doc_id, a, b, text, patterns.registry_types[ident], ident, "infobox", True)
    if type_ == "Event":
        for rx in patterns.operation[:1]:
            if rx.fullmatch(text):
                type_ = "MilitaryOperation"
        hm = patterns.event_head.fullmatch(text)
        if hm:
            type_ = patterns.event_heads.get(hm.group("head"), "Event")
        if any(patterns.name_ends.get(w) == "War" for w in text.split()):
            type_ = "War"  # "the Franco-Prussian War", "War of the Pacific": a word the lexicon's name_ends make a war
    return Mention(doc.doc_id, a, b, text, type_, "~" + norm(text), "infobox")


def _named_span(doc: ParsedDocument, a: int, b: int, type_: str, spec: InfoboxSpec,
                patterns: Patterns) -> tuple[int, int, str | None] | None:
    """Where the name of list item text[a:b] stands, and the note the source attaches to it. None for a
    rank or title alone ("General"), which names no one."""
    text = doc.text
    person = type_ == "Person"
    end, after = patterns.titles.peel_after(text, a, b, {**spec.name_markers, **patterns.titles.after}, person)
    start, before = patterns.titles.peel_before(text, a, end) if person else (a, [])
    if text[start:end] not in patterns.registry_names and text[a:end] in patterns.registry_names:
        # The registry names the person with the title ("Imam X"): then the title is part of the name.
        start, before = a, []
    if person and patterns.titles.is_title_only(text[start:end]):
        return None
    notes = before + after
    return start, end, "; ".join(notes) if notes else None


def _item_label(doc: ParsedDocument, a: int, b: int, patterns: Patterns) -> tuple[int, str | None, str | None]:
    """Where the item's name starts after a leading label, the label as a note, and the side it names
    when the registry knows the label as a country or an organisation ("Jordan: X")."""
    m = _ITEM_LABEL.match(doc.text, a, b)
    if m is None or m.end() >= b:
        return a, None, None
    label = m.group("label")
    ident = patterns.registry_names.get(label)
    side = ident if ident is not None and patterns.registry_types.get(ident) in _SIDE_TYPES else None
    return m.end(), label, side


def _part_of_whole(doc: ParsedDocument, a: int, b: int, patterns: Patterns) -> tuple[int, int] | None:
    """The span of B when item text[a:b] is "A of the B" and B is a war or event the registry knows."""
    m = _PART_OF.fullmatch(doc.text, a, b)
    if m is None:
        return None
    ident = patterns.registry_names.get(m.group("whole"))
    if ident is None or patterns.registry_types.get(ident) not in _WHOLES:
        return None
    return m.start("whole"), m.end("whole")


def _split_part_of(doc: ParsedDocument, a: int, b: int, patterns: Patterns, out: InfoboxResult) -> int:
    """For "A of the B" (B a known war or event): record B, and that A is part of B; the end of A."""
    whole = _part_of_whole(doc, a, b, patterns)
    if whole is None:
        return b
    part_end = doc.text.rindex(" of ", a, whole[0])
    part = _entity_at(doc, a, part_end, "Event", patterns)
    of = _entity_at(doc, whole[0], whole[1], "Event", patterns)
    out.mentions.append(of)
    out.claims.append(Claim(doc_id=doc.doc_id, subject=part.key, property="partOf", value=EntityValue(of.key),
                            start=a, end=b, rule="infobox-part-of-whole"))
    return part_end


def _list_claims(ctx: _FieldContext, f: InfoboxField, fs: dict[str, object], out: InfoboxResult) -> None:
    """A claim for each entity a list field names ("Commander1: Gen. X Y, Z WKIA")."""
    doc, spec, patterns = ctx.doc, ctx.spec, ctx.patterns
    kind, prop, type_ = str(fs.get("kind")), _property(fs), str(fs["type"])
    for a, b in _items(f, spec, doc.text):
        name_at, label, labelled_side = _item_label(doc, a, b, patterns)
        name_end = _split_part_of(doc, name_at, b, patterns, out) if kind == "events" else b
        named = _named_span(doc, name_at, name_end, type_, spec, patterns)
        if named is None:
            out.warnings.append(f"{doc.document.path}:{f.line}: {doc.text[a:b]!r} in {f.key} is a rank or title "
                                f"without a name; no one was read from it")
            continue
        start, end, note = named
        mention = _entity_at(doc, start, end, type_, patterns)
        out.mentions.append(mention)
        note = "; ".join(n for n in (label if labelled_side is None else None, note) if n) or None
        context = replace(ctx, side=labelled_side) if labelled_side is not None else ctx
        # The claim quotes the whole item ("Gen. X YKIA"); the name alone is the mention.
        out.claims.append(context.claim(prop, EntityValue(mention.key), a, b, f"infobox-{kind}", qualifier=note))


def _topic_spans(doc: ParsedDocument, f: InfoboxField, spec: InfoboxSpec) -> list[tuple[int, int]]:
    """The topic's name, and a second name the field gives it: "X (codenamed Y)", "X, also known as Y"."""
    a, b = f.start, f.end
    while b > a and doc.text[b - 1].isspace():
        b -= 1
    if not spec.alias_markers:
        return [(a, b)]
    markers = "|".join(re.escape(w) for w in sorted(spec.alias_markers, key=len, reverse=True))
    m = re.compile(rf"(?P<a>.+?)(?:\s*\(\s*|\s*,\s*|\s+)(?:{markers})\s+(?P<b>[^()]+?)\s*\)?").fullmatch(doc.text, a, b)
    if m is None:
        return [(a, b)]
    return [(m.start("a"), m.end("a")), (m.start("b"), m.end("b"))]


def _read_topic(doc: ParsedDocument, f: InfoboxField, fs: dict[str, object], spec: InfoboxSpec,
                patterns: Patterns, out: InfoboxResult) -> None:
    """The event the article is about; of two names, the registry's is the entity and the other an alias."""
    spans = _topic_spans(doc, f, spec)
    known = [s for s in spans if doc.text[s[0]:s[1]] in patterns.registry_names]
    main = known[0] if known else spans[0]
    mention = _entity_at(doc, main[0], main[1], str(fs["type"]), patterns)
    out.topic, out.topic_label = mention.key, mention.text
    out.mentions.append(mention)
    for a, b in spans:
        if (a, b) != main:
            out.names.append(NameFact(doc.doc_id, mention.key, doc.text[a:b], None, a, b))


def _place_claims(ctx: _FieldContext, f: InfoboxField, fs: dict[str, object], out: InfoboxResult) -> None:
    """Where the topic took place, and each place of the list within the next ("Town, Region, Country")."""
    items = _items(f, ctx.spec, ctx.doc.text)
    previous: Mention | None = None
    for i, (a, b) in enumerate(items):
        type_ = "Country" if i == len(items) - 1 and len(items) > 1 else "Place"
        mention = _entity_at(ctx.doc, a, b, type_, ctx.patterns)
        out.mentions.append(mention)
        if i == 0:
            out.claims.append(ctx.claim(_property(fs), EntityValue(mention.key), a, b, "infobox-place"))
        if previous is not None:
            out.claims.append(Claim(doc_id=ctx.doc.doc_id, subject=previous.key, property="locatedIn",
                                    value=EntityValue(mention.key), start=previous.start, end=b,
                                    rule="infobox-place-hierarchy"))
        previous = mention


def _date_claims(ctx: _FieldContext, f: InfoboxField, fs: dict[str, object], out: InfoboxResult) -> None:
    """The first date of the field: a point in time, or the start and end of a range."""
    dates = find_dates(ctx.doc.text, f.start, f.end, f.start)
    for d in dates[:1]:
        if d.last is not None:
            out.claims.append(ctx.claim("startTime", d.first, d.start, d.end, "infobox-date-range"))
            out.claims.append(ctx.claim("endTime", d.last, d.start, d.end, "infobox-date-range"))
        else:
            out.claims.append(ctx.claim("pointInTime", d.first, d.start, d.end, "infobox-date"))
    if not dates:
        out.warnings.append(f"{ctx.doc.document.path}:{f.line}: no date found in {f.key}: {f.value!r}")


def _text_claims(ctx: _FieldContext, f: InfoboxField, fs: dict[str, object], out: InfoboxResult) -> None:
    """The field's text as it stands; a "... victory" names the winner by its demonym ("Iranian victory")."""
    out.claims.append(ctx.claim(_property(fs), TextValue(f.value.strip()), f.start, f.end, "infobox-text"))
    if _names_victory(f, ctx.spec, ctx.patterns):
        # The winner must be a listed combatant; or, where one side's field is empty, a people that is not
        # listed on another side (the result then names the empty side's winner: "Iranian victory").
        people = _people_in(ctx.doc, f, ctx.patterns)
        winner = people[0] if people else None
        if winner is not None and (winner in ctx.combatants or ctx.open_side):
            # The winner is no side's claim: it is about the topic as a whole.
            out.claims.append(Claim(doc_id=ctx.doc.doc_id, subject=ctx.topic, property="winner",
                                    value=EntityValue(winner), start=f.start,
                                    end=f.end, rule="infobox-result-winner"))


def _quantity_parts(text: str, f: InfoboxField) -> tuple[str | None, list[tuple[int, int]]]:
    """The scope a trailing parenthesis gives the field ("(estimated)"), and the spans of the parts
    that " -- " separates before it."""
    scope_m = _SCOPE.search(text, f.start, f.end)
    scope = scope_m.group("scope").strip() if scope_m else None
    body_end = scope_m.start() if scope_m else f.end
    parts = [(f.start, body_end)]
    split = [m for m in re.finditer(r"\s-{2,}\s", text[f.start:body_end])]
    if split:
        parts, pos = [], f.start
        for m in split:
            parts.append((pos, f.start + m.start()))
            pos = f.start + m.end()
        parts.append((pos, body_end))
    return scope, parts


def _quantity_claims(ctx: _FieldContext, f: InfoboxField, fs: dict[str, object], out: InfoboxResult) -> None:
    """The figures of a strength or casualties field; a figure's own side counts where the field has none."""
    text = ctx.doc.text
    scope, parts = _quantity_parts(text, f)
    losses = fs.get("equipment") == "losses"
    for a, b in parts:
        for q in find_quantities(text, a, b, ctx.ql, ctx.patterns, [], default_property=_property(fs),
                                 losses=losses):
            out.claims.append(replace(ctx, side=ctx.side or q.side).claim(
                q.property, q.quantity, q.start, q.end, "infobox-quantity", scope=scope, side_label=q.side_label))


_FieldRule = Callable[[_FieldContext, InfoboxField, dict[str, object], InfoboxResult], None]

# The field kinds of ontology/infobox.yaml and the rule that reads each.
_FIELD_RULES: dict[str, _FieldRule] = {
    "entities": _list_claims,
    "events": _list_claims,
    "places": _place_claims,
    "dates": _date_claims,
    "text": _text_claims,
    "quantities": _quantity_claims,
}
_UNREAD_KINDS = ("ignore", "topic")  # "topic" is read first, on its own


def _missing_claim(ctx: _FieldContext, f: InfoboxField, kind: str, prop: str) -> Claim:
    """The claim that a field is empty; its quote is the empty field itself: "Combatant2:"."""
    text = ctx.doc.text
    line_start = text.rfind("\n", 0, f.start) + 1
    key_at = text.index(f.key, line_start)
    return ctx.claim(prop if kind != "dates" else "pointInTime", None, key_at, text.index(":", key_at) + 1,
                     f"infobox-{kind}-missing", missing_field=f.key)


def _read_field(ctx: _FieldContext, f: InfoboxField, fs: dict[str, object], out: InfoboxResult) -> None:
    """The claims of one mapped field, by the rule for its kind."""
    kind = str(fs.get("kind"))
    if not f.value.strip():
        out.claims.append(_missing_claim(ctx, f, kind, _property(fs)))
        return
    rule = _FIELD_RULES.get(kind)
    if rule is None:
        out.warnings.append(f"{ctx.doc.document.path}:{f.line}: unknown field kind {kind!r} for {f.key!r}")
        return
    rule(ctx, f, fs, out)


def _find_topic(doc: ParsedDocument, fields: _Fields, spec: InfoboxSpec, patterns: Patterns,
                out: InfoboxResult) -> None:
    """The topic from the first non-empty topic field, else from the document's title."""
    for f, fs, _side in fields:
        if fs and fs.get("kind") == "topic" and f.value.strip():
            _read_topic(doc, f, fs, spec, patterns, out)
            break
    if out.topic is None and doc.title and doc.infobox:
        out.topic, out.topic_label = "~" + norm(doc.title), doc.title
        out.hints.append(EntityHint(doc.doc_id, out.topic, doc.title, "Event", "infobox-title"))
    title = doc.title or doc.document.meta.title
    if out.topic is None and title and not doc.infobox and doc.document.meta.kind == "encyclopedia":
        _titled_event(doc.doc_id, title, patterns, out)


def _titled_event(doc_id: str, title: str, patterns: Patterns, out: InfoboxResult) -> None:
    """An encyclopedia article without an infobox is about the event its title names, when the registry
    knows the title as an event or the title is an event's name ("Chemical bombing of X", "Siege of Y");
    a title naming a person or a place gives no topic here (a person's article counts no casualties)."""
    ident = patterns.registry_names.get(title)
    if ident is not None:
        if is_a(patterns.registry_types[ident], ["Event"]):
            out.topic, out.topic_label, out.topic_type = ident, title, patterns.registry_types[ident]
        return
    head = patterns.event_head.fullmatch(title)
    if head:
        out.topic, out.topic_label = "~" + norm(title), title
        out.topic_type = patterns.event_heads.get(head.group("head"), "Event")
        out.hints.append(EntityHint(doc_id, out.topic, title, out.topic_type, "title-event"))


def _read_sides(doc: ParsedDocument, fields: _Fields, spec: InfoboxSpec, patterns: Patterns,
                out: InfoboxResult) -> None:
    """Which combatant each side number stands for, from numbered combatant fields naming one; and a
    warning for each field the mapping does not know."""
    for f, fs, side in fields:
        if fs is None:
            out.warnings.append(f"{doc.document.path}:{f.line}: infobox field {f.key!r} is not mapped in "
                                f"ontology/infobox.yaml; its value was not read")
            continue
        if fs.get("kind") == "combatant" or fs.get("property") == "combatant":
            items = _items(f, spec, doc.text)
            if side is not None and not items:
                out.side_members[side] = ()  # an empty combatant field: the side is not named here
            if side is None or not items:
                continue
            keys = tuple(_entity_at(doc, a, b, str(fs["type"]), patterns).key for a, b in items)
            out.side_members[side] = keys
            if len(keys) == 1:
                out.sides[side] = keys[0]


def _names_victory(f: InfoboxField, spec: InfoboxSpec, patterns: Patterns) -> bool:
    """Whether a field's value has a word of the lexicon's `victory_words` (and demonyms can be read)."""
    return patterns.demonym_re is not None and bool(spec.victory_words) and \
        word_re(spec.victory_words).search(f.value) is not None


def _people_in(doc: ParsedDocument, f: InfoboxField, patterns: Patterns) -> tuple[str, str] | None:
    """The first people a field names by its demonym: (the country's key, the demonym)."""
    dm = patterns.demonym_re.search(doc.text, f.start, f.end) if patterns.demonym_re is not None else None
    return (patterns.demonyms[dm.group(0)], dm.group(0)) if dm else None


def _victor(doc: ParsedDocument, fields: _Fields, spec: InfoboxSpec, patterns: Patterns) -> tuple[str, str] | None:
    """The country of the people the result field names the victor ("Iranian victory"), with the words
    that say it."""
    for f, fs, _side in fields:
        if fs is not None and fs.get("property") == "result" and _names_victory(f, spec, patterns):
            people = _people_in(doc, f, patterns)
            return (people[0], f"{f.key} names {people[1]!r} the victor") if people else None
    return None


def _commanders_country(doc: ParsedDocument, fields: _Fields, spec: InfoboxSpec, patterns: Patterns,
                        side: int) -> tuple[str, str] | None:
    """The one country that the registry's commanders of a side belong to through their curated
    memberships, with the words that say it; None when a commander the registry knows belongs to no
    one country, or two commanders to two."""
    countries: set[str] = set()
    names: list[str] = []
    for f, fs, s in fields:
        if s != side or fs is None or fs.get("property") != "commander":
            continue
        for a, b in _items(f, spec, doc.text):
            span = _named_span(doc, a, b, "Person", spec, patterns)
            ident = patterns.registry_names.get(doc.text[span[0]:span[1]]) if span else None
            if span is None or ident is None:
                continue
            if ident not in patterns.affiliations:
                return None
            countries.add(patterns.affiliations[ident])
            names.append(doc.text[span[0]:span[1]])
    if len(countries) != 1:
        return None
    return next(iter(countries)), f"the registry puts its commanders ({', '.join(names)}) in that country's forces"


def _derive_empty_side(doc: ParsedDocument, fields: _Fields, spec: InfoboxSpec, patterns: Patterns,
                       out: InfoboxResult) -> None:
    """One side's combatant field is empty, and the document names that side otherwise: the result
    names a victory by a people no other side lists ("Result: Iranian victory", "Combatant1: Iraq",
    "Combatant2:"), or the registry puts the side's commanders in one country's forces. The empty side
    is that country, unless the two say different things. Its figures then carry that side, with the
    evidence (kgo:sideEvidence): derived, not stated."""
    empty = [n for n, keys in out.side_members.items() if not keys]
    if len(empty) != 1:
        return
    listed = {k for keys in out.side_members.values() for k in keys}
    # A victor another side lists says nothing of the empty side.
    found = [x for x in (_victor(doc, fields, spec, patterns),
                         _commanders_country(doc, fields, spec, patterns, empty[0])) if x is not None]
    found = [x for x in found if x[0] not in listed]
    countries = {country for country, _ in found}
    if len(countries) != 1:
        return
    out.sides[empty[0]] = countries.pop()
    out.derived[empty[0]] = f"side {empty[0]}'s combatant field is empty; " + "; ".join(
        why for _, why in found) + ", and no other side lists them"


def extract_infobox(doc: ParsedDocument, spec: InfoboxSpec, patterns: Patterns,
                    ql: QuantityLexicon) -> InfoboxResult:
    """Claims, mentions and the topic of a document's infobox."""
    out = InfoboxResult()
    fields: _Fields = [(f, *field_spec(spec, f.key)) for f in doc.infobox]
    _find_topic(doc, fields, spec, patterns, out)
    if out.topic is None:
        return out
    # Sides first: "Commander2" is read once the combatant of side 2 is known, wherever it stands.
    _read_sides(doc, fields, spec, patterns, out)
    _derive_empty_side(doc, fields, spec, patterns, out)
    for f, fs, side in fields:
        if fs is None or fs.get("kind") in _UNREAD_KINDS:
            continue
        side_key = out.sides.get(side) if side is not None else None
        combatants = frozenset(k for keys in out.side_members.values() for k in keys)
        members = out.side_members.get(side, ()) if side is not None and side_key is None else ()
        open_side = any(not keys for keys in out.side_members.values())
        context = _FieldContext(doc, out.topic, side_key, side, spec, patterns, ql, combatants,
                                members if len(members) > 1 else (), open_side,
                                out.derived.get(side) if side is not None else None)
        _read_field(context, f, fs, out)
    return out
