"""Stage 3: resolve names across documents to one entity per real-world thing.

Two names are the same entity when:

* they are names of the same registry entry (label, alias or other-language label, compared in
  their normalised form, so "Bani-Sadr" finds "Banisadr");
* they normalise to the same form ("Khorramshahr" in two documents);
* a text says so: an acronym in parentheses, "also known as", "(known as the X in ...)";
* a lone word or short name equals the surname (or the first name) of exactly one person named in
  full somewhere in the corpus ("Saddam", "Banisadr", "Zhukov");
* the source linked the words to an article ("[[Mostafa Chamran|Chamran]]", kept by kg add): in that
  document, the name is the one the article's title gives;
* a text names an event by its place only ("the fall of Tobruk in June 1942"), and the corpus has one
  named event of that place whose dates overlap the text's.

Two registry entries are never merged. Lone words that tie to nothing are dropped.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace

from . import gazetteer
from .config import type_ancestors
from .extract import DocumentExtraction, EntityHint, NameFact, norm
from .extract.refs import is_a
from .models import Claim, ClaimValue, DateValue, Entity, EntityValue, Mention, Registry, RegistryEntry
from .namespaces import short_hash, slugify, wiki_article

__all__ = ["ResolvedCorpus", "resolve_entities"]


@dataclass(frozen=True)
class ResolvedCorpus:
    """Entities, and every mention and claim rewritten to entity keys."""

    entities: tuple[Entity, ...]
    mentions: tuple[Mention, ...]
    claims: tuple[Claim, ...]
    name_facts: tuple[NameFact, ...]


class _Groups:
    """Union-find over resolution keys that refuses to merge two registry entries."""

    def __init__(self, registry_ids: set[str]) -> None:
        self.parent: dict[str, str] = {}
        self.registry_ids = registry_ids
        self.curated: dict[str, str | None] = {}

    def add(self, key: str) -> None:
        if key not in self.parent:
            self.parent[key] = key
            self.curated[key] = key if key in self.registry_ids else None

    def find(self, key: str) -> str:
        self.add(key)
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:
            self.parent[key], key = root, self.parent[key]
        return root

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        ca, cb = self.curated[ra], self.curated[rb]
        if ca is not None and cb is not None and ca != cb:
            return False
        # The smaller key becomes the root, so the result does not depend on the order of unions.
        root, child = (ra, rb) if ra < rb else (rb, ra)
        self.parent[child] = root
        self.curated[root] = ca or cb
        return True


def _most_specific(types: Counter[str]) -> str:
    if not types:
        return "Entity"
    return max(
        types,
        key=lambda t: (types[t] + 0.5 * len(type_ancestors(t)) * (t != "Entity"), len(type_ancestors(t)), t),
    )


# A regnal number after a ruler's name ("Henry V", "Louis XIV").
_REGNAL = re.compile(r"[IVXL]+")


def _name_tokens(name: str, first: bool) -> set[str]:
    """The surname (and with ``first`` the first name) that a full name lends to shorter mentions of it:
    "Erich von Manstein" lends Manstein and Erich, "Khalid ibn al-Walid" al-Walid, Walid and Khalid. What
    follows "of" says where a person ruled or came from, and a regnal number counts rulers of one name;
    neither is a surname: "Henry V of England" lends Henry only. A single word lends nothing."""
    if sum(1 for w in name.replace("-", " ").split() if w[:1].isupper()) < 2:
        return set()
    head = [w for w in re.split(r"\s+of\s+", name, maxsplit=1)[0].split() if not _REGNAL.fullmatch(w)]
    words = [w for w in " ".join(head).replace("-", " ").split() if w[:1].isupper()]
    if not words:
        return set()
    tokens = {norm(words[-1]), norm(head[-1])}
    return tokens | {norm(words[0]), norm(head[0])} if first else tokens


def _short_name_owners(mentions: list[Mention], groups: _Groups, types: dict[str, Counter[str]],
                       registry: Registry) -> tuple[dict[str, set[str]], dict[tuple[str, str], set[str]]]:
    """Whom each surname or first name may stand for: the persons named in full in the whole corpus
    (and the registry's), and those of each document."""
    corpus: dict[str, set[str]] = defaultdict(set)
    local: dict[tuple[str, str], set[str]] = defaultdict(set)
    for m in mentions:
        root = groups.find(m.key)
        if m.rule == "single-name" or _most_specific(types.get(root, Counter())) != "Person":
            continue
        for token in _name_tokens(m.text, first=True):
            corpus[token].add(root)
            local[(m.doc_id, token)].add(root)
    for e in registry.entries:
        if e.type == "Person":
            for token in _name_tokens(e.label, first=False):
                corpus[token].add(groups.find(e.id))
    return corpus, local


def _tie_short_names(mentions: list[Mention], groups: _Groups, types: dict[str, Counter[str]],
                     registry: Registry) -> dict[tuple[str, str], str]:
    """A lone word, or a name of two words, that is the surname or first name of one person named in
    full is that person: the person its own document names by it, if the document names just one
    ("Col. X Y", "X Y", then "Y"), else the only one of the whole corpus; a name two persons of its
    document share stays unresolved. A name is one key in every document, so a key that stands for the
    same person wherever it is used is tied to that person here; one that stands for different persons
    in different documents is returned as (document, key) -> the key of that document's person."""
    corpus, local = _short_name_owners(mentions, groups, types, registry)
    owner_in: dict[str, dict[str, str | None]] = defaultdict(dict)  # key -> document -> owner, if one
    for m in sorted(mentions, key=lambda m: (m.key, m.doc_id)):
        root = groups.find(m.key)
        if groups.curated[root] is not None or not (m.rule == "single-name" or (
                len(m.text.split()) <= 2 and _most_specific(types.get(root, Counter())) in ("Entity", "Person"))):
            continue
        token = norm(m.text)
        owners = {groups.find(o) for o in local.get((m.doc_id, token)) or corpus.get(token, set())}
        owner_in[m.key][m.doc_id] = owners.pop() if len(owners) == 1 else None
    per_document: dict[tuple[str, str], str] = {}
    for key, by_doc in sorted(owner_in.items()):
        if len(set(by_doc.values())) == 1 and (owner := next(iter(by_doc.values()))) is not None:
            groups.union(key, owner)
        else:
            per_document.update({(doc, key): o for doc, o in by_doc.items() if o is not None})
    return per_document


def _tie_in_documents(ties: dict[tuple[str, str], str], mentions: list[Mention], claims: list[Claim],
                      hints: list[EntityHint], facts: list[NameFact]) -> tuple[
                          list[Mention], list[Claim], list[EntityHint], list[NameFact]]:
    """Rewrite the keys of names that stand for a person in their own document only."""
    def key(doc: str, k: str) -> str:
        return ties.get((doc, k), k)

    def value(c: Claim) -> ClaimValue | None:
        return EntityValue(key(c.doc_id, c.value.key)) if isinstance(c.value, EntityValue) else c.value

    return (
        [replace(m, key=key(m.doc_id, m.key)) for m in mentions],
        [replace(c, subject=key(c.doc_id, c.subject), value=value(c), side=c.side and key(c.doc_id, c.side),
                 side_members=tuple(key(c.doc_id, k) for k in c.side_members))
         for c in claims],
        [replace(h, key=key(h.doc_id, h.key)) for h in hints],
        [replace(f, key=key(f.doc_id, f.key)) for f in facts],
    )


_LINKED = "linked-article"  # the rule of a hint that a link to an article gave
_PLACE_TYPES = frozenset({"Place", "City", "Province", "Country", "River", "Island", "Region"})


def _persons_before_places(mentions: list[Mention]) -> list[Mention]:
    """Phase 0, people before places: a name a gazetteer made a place ("to Moore") is no place in a
    document that names a person by it ("Major General Jeremy Moore"); it goes back to being a bare
    name, which the person-name phase may tie to that person."""
    people: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        if m.type == "Person" and m.rule != "single-name":
            people[m.doc_id] |= {norm(m.text)} | _name_tokens(m.text, first=True)
    demoted = {(m.doc_id, m.key) for m in mentions if m.rule == "gazetteer-place" and norm(m.text) in people[m.doc_id]}
    if not demoted:
        return mentions

    def bare(m: Mention) -> Mention:
        rule = "single-name" if len(m.text.split()) == 1 else "capitalised-name"
        return replace(m, type="Entity", rule=rule)

    return [bare(m) if (m.doc_id, m.key) in demoted and m.type in _PLACE_TYPES and
            m.rule in ("gazetteer-place", "single-name") else m for m in mentions]


def _geonames(entity: Entity) -> Entity:
    """Phase 4, gazetteers: the GeoNames id of a city or country nobody curated, when the gazetteer has
    one place of that class by the entity's name (it has two Parises, so Paris gets none)."""
    if entity.curated or entity.types[0] not in ("City", "Country"):
        return entity
    return replace(entity, geonames=gazetteer.geonames_id(entity.label, entity.types[0]))


@dataclass(frozen=True)
class _Link:
    """A name of a document that the source linked to an article."""

    doc_id: str
    key: str  # the name's key, and the key it is tied to (the title's; the same for a curated name)
    tied: str
    title: str
    type: str
    article: str | None  # the article's address, where the document's own address gives the wiki's


_DISAMBIGUATOR = re.compile(r"\s*\([^()]*\)$")  # "Battle of X (1980)": the article title's disambiguation


def _linked_articles(extractions: list[DocumentExtraction], mentions: list[Mention],
                     reg_norm: dict[str, str]) -> list[_Link]:
    """Phase 0b, links: a name whose words the source linked to an article is, in that document, the
    name that the article's title gives ("Chamran" linked to "Mostafa Chamran"). A curated name keeps
    its registry entry (the article is recorded only if it is one of the entry's names), and a name its
    document links to two articles is left alone."""
    titles: dict[tuple[str, str], set[str]] = defaultdict(set)
    types: dict[tuple[str, str], str] = {}
    base = {x.doc_id: x.article_base for x in extractions}
    spans = {(x.doc_id, h.start, h.end): h.target for x in extractions for h in x.links}
    for m in mentions:
        title = spans.get((m.doc_id, m.start, m.end))
        if title is not None:
            titles[(m.doc_id, m.key)].add(title)
            types.setdefault((m.doc_id, m.key), m.type)
    out = []
    for (doc, key), found in sorted(titles.items()):
        title = next(iter(found))
        curated = not key.startswith("~")
        # A curated name whose article is not one of its entry's names is left alone: the link and
        # the registry disagree, and the registry is curated.
        if len(found) != 1 or (curated and reg_norm.get(norm(_DISAMBIGUATOR.sub("", title))) != key):
            continue
        where = base.get(doc)
        out.append(_Link(doc, key, key if curated else "~" + norm(title), title, types[(doc, key)],
                         wiki_article(where, title) if where else None))
    return out


def _registry_norms(registry: Registry) -> dict[str, str]:
    """Every registry name in its resolution form -> the entry's id (the first entry that gives it)."""
    reg_norm: dict[str, str] = {}
    for e in registry.entries:
        for name in (e.label, *e.aliases, *(label for _, label in e.labels)):
            reg_norm.setdefault(norm(name), e.id)
    return reg_norm


def _all_keys(mentions: list[Mention], hints: list[EntityHint], claims: list[Claim]) -> set[str]:
    """Every resolution key a mention, a hint or a claim uses."""
    keys = {m.key for m in mentions} | {h.key for h in hints}
    for c in claims:
        keys.add(c.subject)
        if isinstance(c.value, EntityValue):
            keys.add(c.value.key)
    return keys


def _registry_name_links(keys: set[str], reg_norm: dict[str, str]) -> list[tuple[str, str]]:
    """Phase 1, registry names: an uncurated name whose resolution form is a registry name is that entry."""
    return [(k, reg_norm[k[1:]]) for k in sorted(keys) if k.startswith("~") and k[1:] in reg_norm]


def _stated_alias_links(facts: list[NameFact]) -> list[tuple[str, str]]:
    """Phase 2, text-stated aliases: an acronym, "also known as", a label in another script."""
    return [(f.key, "~" + norm(f.name)) for f in sorted(facts, key=lambda f: (f.key, f.name))]


def _typed_groups(groups: _Groups, mentions: list[Mention], hints: list[EntityHint],
                  reg: dict[str, RegistryEntry]) -> dict[str, Counter[str]]:
    """What each group is, so far: the types its typed names were given (a registry type weighs most)."""
    t: dict[str, Counter[str]] = defaultdict(Counter)
    for m in mentions:
        if m.rule != "single-name":
            t[groups.find(m.key)][m.type] += 1
    for h in hints:
        t[groups.find(h.key)][h.type] += 1
    for root, ident in groups.curated.items():
        if ident is not None and groups.find(root) == root:
            t[root][reg[ident].type] += 10
    return t


@dataclass(frozen=True)
class _Names:
    """The names each group goes by: its mentions' surface forms and its infobox hints' labels."""

    surfaces: dict[str, Counter[str]]
    hint_labels: dict[str, Counter[str]]
    facts: dict[str, list[NameFact]]
    titles: dict[str, Counter[str]]  # the titles of the articles its names were linked to

    def label(self, root: str) -> str:
        """The title of the article the sources link it to, else the most used, then the longest, form
        of a name nobody has curated."""
        forms = (self.titles.get(root) or self.surfaces.get(root) or self.hint_labels.get(root)
                 or Counter({root.lstrip("~"): 1}))
        return max(forms, key=lambda f: (forms[f] + len(f.split()), len(f), f))


def _group_names(groups: _Groups, mentions: list[Mention], hints: list[EntityHint], facts: list[NameFact],
                 types: dict[str, Counter[str]]) -> _Names:
    """Surface forms count for a group unless they are lone words that tie to nothing."""
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    for m in mentions:
        root = groups.find(m.key)
        if m.rule != "single-name" or groups.curated[root] is not None or types.get(root):
            surfaces[root][m.text] += 1
    hint_labels: dict[str, Counter[str]] = defaultdict(Counter)
    titles: dict[str, Counter[str]] = defaultdict(Counter)
    for h in hints:
        (titles if h.rule == _LINKED else hint_labels)[groups.find(h.key)][h.label] += 1
    by_root: dict[str, list[NameFact]] = defaultdict(list)
    for f in facts:
        by_root[groups.find(f.key)].append(f)
    return _Names(surfaces, hint_labels, by_root, titles)


def _referenced(groups: _Groups, mentions: list[Mention], claims: list[Claim],
                types: dict[str, Counter[str]]) -> set[str]:
    """The groups that become entities: those a claim uses, and those named by more than a lone word."""
    referenced: set[str] = set()
    for c in claims:
        referenced.add(groups.find(c.subject))
        if isinstance(c.value, EntityValue):
            referenced.add(groups.find(c.value.key))
        if c.side:
            referenced.add(groups.find(c.side))
        referenced.update(groups.find(k) for k in c.side_members)
    for m in mentions:
        root = groups.find(m.key)
        if m.rule != "single-name" or groups.curated[root] is not None or types.get(root):
            referenced.add(root)
    return referenced


_DATE_PROPERTIES = ("startTime", "endTime", "pointInTime")


def _bounds(lexical: str) -> tuple[str, str] | None:
    """The first and last day a date of year, month or day precision covers, as ISO text that sorts
    (a last day of "-31" for every month still sorts right); None for years before the common era."""
    if lexical.startswith("-"):
        return None
    parts = lexical.split("-")
    low = "-".join(parts + ["01"] * (3 - len(parts)))
    high = "-".join(parts + ["12", "31"][len(parts) - 1:])
    return low, high


def _spans(groups: _Groups, claims: list[Claim]) -> dict[str, tuple[str, str]]:
    """Each group's time: from the first day of its earliest typed date to the last day of its latest."""
    spans: dict[str, tuple[str, str]] = {}
    for c in claims:
        if c.property in _DATE_PROPERTIES and isinstance(c.value, DateValue) and (b := _bounds(c.value.lexical)):
            root = groups.find(c.subject)
            low, high = spans.get(root, b)
            spans[root] = (min(low, b[0]), max(high, b[1]))
    return spans


def _places_of(groups: _Groups, claims: list[Claim], reg: dict[str, RegistryEntry]) -> dict[str, set[str]]:
    """Where each group took place: its location claims, and the registry's located-in."""
    places: dict[str, set[str]] = defaultdict(set)
    for c in claims:
        if c.property == "location" and isinstance(c.value, EntityValue):
            places[groups.find(c.subject)].add(groups.find(c.value.key))
    for ident, entry in reg.items():
        if entry.located_in and ident in groups.parent:
            places[groups.find(ident)].add(groups.find(entry.located_in))
    return places


def _named_by_place(groups: _Groups, mentions: list[Mention], hints: list[EntityHint]) -> dict[str, str]:
    """The groups that the text names only by their place ("the fall of X"), and that place's group:
    no mention, registry entry or other rule names them, and the one place is the same in every hint."""
    named = {groups.find(m.key) for m in mentions} | {groups.find(h.key) for h in hints
                                                       if h.place is None and not h.rule.endswith("-verb")}
    places: dict[str, set[str]] = defaultdict(set)
    for h in hints:
        if h.place is not None:
            places[groups.find(h.key)].add(groups.find(h.place))
    return {root: next(iter(ps)) for root, ps in sorted(places.items())
            if len(ps) == 1 and root not in named and groups.curated.get(root) is None}


def _events_by_place_and_time(groups: _Groups, mentions: list[Mention], hints: list[EntityHint],
                              claims: list[Claim], reg: dict[str, RegistryEntry],
                              types: dict[str, Counter[str]]) -> dict[str, str]:
    """Phase 5, events by place and time: an event the text names by its place only ("the fall of
    Tobruk in June 1942") is the one named event of that place whose dates overlap every date the text
    gives it ("Battle of Gazala", fought there from May to June 1942). Without a date, or with two such
    events, it stays its own. Returns each joined group -> the named event's group."""
    by_place = _named_by_place(groups, mentions, hints)
    if not by_place:
        return {}
    spans, places = _spans(groups, claims), _places_of(groups, claims, reg)
    events = [root for root in sorted(spans) if root not in by_place
              and is_a(_most_specific(types.get(root, Counter())), ["Event"])]
    dates_of: dict[str, list[tuple[str, str]]] = defaultdict(list)  # one pass: a corpus has many such events
    for c in claims:
        if c.property in _DATE_PROPERTIES and isinstance(c.value, DateValue) and (b := _bounds(c.value.lexical)):
            dates_of[groups.find(c.subject)].append(b)
    joined: dict[str, str] = {}
    for root, place in by_place.items():
        dates = dates_of.get(root, [])
        if not dates:
            continue
        found = [e for e in events if place in places.get(e, set())
                 and all(low <= spans[e][1] and spans[e][0] <= high for low, high in dates)]
        if len(found) == 1:
            joined[root] = found[0]
    return joined


def _as_stated(claims: list[Claim], joined: dict[str, str], groups: _Groups,
               labels: dict[str, str]) -> list[Claim]:
    """The dates and lengths of time the text gave an event it named by its place ("the fall of X on
    D") are its words about that moment, not the start or length of the named event it is part of:
    untyped claims scoped by the words' event."""
    out: list[Claim] = []
    for c in claims:
        root = groups.find(c.subject)
        if root in joined and c.property in (*_DATE_PROPERTIES, "duration"):
            prop = "statedDate" if c.property != "duration" else "statedFigure"
            c = replace(c, property=prop, scope=labels.get(root), rule=c.rule + "-by-place-and-time")
        out.append(c)
    return out


def _stated_only(groups: _Groups, mentions: list[Mention], hints: list[EntityHint]) -> set[str]:
    """Events that only a verb of the lexicon's event patterns stated ("X was recaptured", "the town
    fell"), that no document names (by a name or an event noun: "the siege of Y") and the registry does
    not know: not minted as entities, since a verb names no event; their claims go with them (what the
    verb said of the place stays, as the place's claims)."""
    named = {groups.find(m.key) for m in mentions}
    by_verb = {groups.find(h.key) for h in hints if h.rule.endswith("-verb")}
    other = {groups.find(h.key) for h in hints if not h.rule.endswith("-verb")}
    return {root for root in by_verb - named - other if groups.curated.get(root) is None}


def _curated_closure(referenced: set[str], groups: _Groups, reg: dict[str, RegistryEntry]) -> set[str]:
    """Registry places and events that referenced entities sit in, so "located in" chains are whole."""
    needed: set[str] = {cid for r in referenced if (cid := groups.curated[r])}
    stack = list(needed)
    while stack:
        e = reg[stack.pop()]
        for target in (e.located_in, *e.part_of, *e.member_of, e.country):
            if target and target not in needed:
                needed.add(target)
                stack.append(target)
    return needed


def _entity_keys(roots: list[str], groups: _Groups, reg: dict[str, RegistryEntry], names: _Names,
                 members: dict[str, list[str]]) -> dict[str, str]:
    """Each group's entity key: the registry id, else the slug of its label (made unique by a hash)."""
    entity_key: dict[str, str] = {}
    used: set[str] = set(reg)
    for root in roots:
        ident = groups.curated[root]
        if ident is not None:
            key = reg[ident].id
        else:
            key = slugify(names.label(root))
            if key in used:
                key = f"{key}-{short_hash(*members[root], length=6)}"
        used.add(key)
        entity_key[root] = key
    return entity_key


def _entity(root: str, entry: RegistryEntry | None, key: str, names: _Names, type_: str,
            relations: list[tuple[str, str]]) -> Entity:
    """One entity: its label, type and every name it goes by; a registry entry's curated facts."""
    aliases = (set(names.surfaces.get(root, Counter())) | set(names.hint_labels.get(root, Counter()))
               | set(names.titles.get(root, Counter())))
    labels: set[tuple[str, str]] = set()
    if entry is not None:
        aliases |= set(entry.aliases)
        labels |= set(entry.labels)
    for f in names.facts.get(root, []):
        if f.language:
            labels.add((f.language, f.name))
        else:
            aliases.add(f.name)
    label = entry.label if entry is not None else names.label(root)
    return Entity(
        key=key,
        label=label,
        types=(type_,),
        aliases=tuple(sorted(a for a in aliases if a != label)),
        labels=tuple(sorted(labels)),
        curated=entry is not None,
        wikidata=entry.wikidata if entry else None,
        wikidata_evidence=entry.wikidata_evidence if entry else None,
        coordinates=entry.coordinates if entry else None,
        coordinates_evidence=entry.coordinates_evidence if entry else None,
        relations=tuple(sorted(set(relations))),
    )


def _curated_relations(entry: RegistryEntry, groups: _Groups, entity_key: dict[str, str]) -> list[tuple[str, str]]:
    """The registry's located-in, part-of, member-of and country links of an entry, to entity keys."""
    out: list[tuple[str, str]] = []
    for prop, targets in (("locatedIn", (entry.located_in,) if entry.located_in else ()),
                          ("partOf", entry.part_of), ("memberOf", entry.member_of),
                          ("country", (entry.country,) if entry.country else ())):
        out.extend((prop, entity_key[groups.find(t)]) for t in targets)
    return out


def _rewrite(entity_of: Callable[[str], str | None], mentions: list[Mention], claims: list[Claim],
             facts: list[NameFact]) -> tuple[list[Mention], list[Claim], list[NameFact]]:
    """Mentions, claims and name facts with entity keys; what refers to no entity is dropped."""
    out_claims: list[Claim] = []
    for c in claims:
        subject = entity_of(c.subject)
        value = c.value
        if isinstance(value, EntityValue):
            vk = entity_of(value.key)
            if vk is None:
                continue
            value = EntityValue(vk)
        if subject is None:
            continue
        members = tuple(k for k in (entity_of(m) for m in c.side_members) if k is not None)
        out_claims.append(replace(c, subject=subject, value=value, side=entity_of(c.side) if c.side else None,
                                  side_members=members))
    out_mentions = [replace(m, key=k) for m in mentions if (k := entity_of(m.key)) is not None]
    out_facts = [replace(f, key=k) for f in facts if (k := entity_of(f.key)) is not None]
    return out_mentions, out_claims, out_facts


def _tie_links(links: list[_Link], mentions: list[Mention], claims: list[Claim], hints: list[EntityHint],
               facts: list[NameFact]) -> tuple[list[Mention], list[Claim], list[EntityHint], list[NameFact]]:
    """Phase 0b applied: linked names rewritten to their articles' keys in their documents, and each
    article's title given as the name its entity goes by (see _Names.label)."""
    if not links:
        return mentions, claims, hints, facts
    ties = {(link.doc_id, link.key): link.tied for link in links if link.tied != link.key}
    mentions, claims, hints, facts = _tie_in_documents(ties, mentions, claims, hints, facts)
    return mentions, claims, [*hints, *(EntityHint(link.doc_id, link.tied, link.title, link.type, _LINKED)
                                        for link in links)], facts


def _root_entity(root: str, groups: _Groups, reg: dict[str, RegistryEntry], entity_key: dict[str, str],
                 names: _Names, types: dict[str, Counter[str]], links: list[_Link]) -> Entity:
    """The entity of one group, with the articles the sources link its names to."""
    ident = groups.curated[root]
    entry = reg[ident] if ident else None
    type_ = entry.type if entry else _most_specific(types.get(root, Counter()))
    relations = _curated_relations(entry, groups, entity_key) if entry else []
    entity = _geonames(_entity(root, entry, entity_key[root], names, type_, relations))
    return replace(entity, articles=tuple(sorted(
        {link.article for link in links if link.article and groups.find(link.tied) == root})))


def resolve_entities(extractions: list[DocumentExtraction], registry: Registry) -> ResolvedCorpus:
    """Merge the names of all documents into entities; rewrite mentions and claims to entity keys.

    The phases, in order: people before places (a gazetteer's place that the document names a person
    by is none), registry names, text-stated aliases, person-name parts (short names tied to full
    names), events by place and time (an event a text names by its place only, "the fall of X", is the
    one named event of that place and time); then each group becomes an entity, except events only a
    verb stated that nothing names (`_stated_only`), and gazetteers give uncurated places their
    GeoNames id."""
    reg = registry.by_id()
    groups = _Groups(set(reg))
    mentions = _persons_before_places([m for x in extractions for m in x.mentions])
    hints = [h for x in extractions for h in x.hints]
    facts = [f for x in extractions for f in x.names]
    claims = [c for x in extractions for c in x.claims]
    links = _linked_articles(extractions, mentions, _registry_norms(registry))
    mentions, claims, hints, facts = _tie_links(links, mentions, claims, hints, facts)

    keys = _all_keys(mentions, hints, claims)
    for k in sorted(keys):
        groups.add(k)
    for a, b in _registry_name_links(keys, _registry_norms(registry)):
        groups.union(a, b)
    for a, b in _stated_alias_links(facts):
        groups.union(a, b)
    ties = _tie_short_names(mentions, groups, _typed_groups(groups, mentions, hints, reg), registry)
    if ties:
        mentions, claims, hints, facts = _tie_in_documents(ties, mentions, claims, hints, facts)

    types = _typed_groups(groups, mentions, hints, reg)
    joined = _events_by_place_and_time(groups, mentions, hints, claims, reg, types)
    if joined:
        labels = {groups.find(h.key): h.label for h in hints if h.place is not None}
        claims = _as_stated(claims, joined, groups, labels)
        # The words' own label ("Occupation of X") is no name of the named event, nor is its kind a type.
        hints = [h for h in hints if groups.find(h.key) not in joined]
        for a, b in joined.items():
            groups.union(a, b)
        types = _typed_groups(groups, mentions, hints, reg)
    members: dict[str, list[str]] = defaultdict(list)
    for k in sorted(groups.parent):
        members[groups.find(k)].append(k)
    names = _group_names(groups, mentions, hints, facts, types)
    referenced = _referenced(groups, mentions, claims, types) - _stated_only(groups, mentions, hints)
    for needed in _curated_closure(referenced, groups, reg):
        groups.add(needed)
        referenced.add(groups.find(needed))

    roots = sorted(referenced)
    entity_key = _entity_keys(roots, groups, reg, names, members)
    entities = [_root_entity(root, groups, reg, entity_key, names, types, links) for root in roots]

    def entity_of(raw: str) -> str | None:
        return entity_key.get(groups.find(raw))

    out_mentions, out_claims, out_facts = _rewrite(entity_of, mentions, claims, facts)
    return ResolvedCorpus(
        entities=tuple(sorted(entities, key=lambda e: e.key)),
        mentions=tuple(sorted(out_mentions, key=lambda m: (m.doc_id, m.start, m.end))),
        claims=tuple(out_claims),
        name_facts=tuple(out_facts),
    )
