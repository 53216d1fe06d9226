"""Find names in text: curated names from the registry, and names nobody has curated, typed by the
words around them ("General X", "Operation X", "X Division", "city of X", "X province", "X River").

Also finds what a text says about names: acronyms ("Islamic Revolution Guard Corps (IRGC)"),
"also known as" aliases, and labels in other scripts ("Liberation of Khorramshahr (آزادسازی خرمشهر)").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import gazetteer
from ..config import Lexicon, find_root
from ..models import Mention, ParsedDocument, Registry
from ..parse import quote_spans

__all__ = ["NameFact", "Patterns", "PersonTitles", "alternation", "compile_patterns", "find_mentions",
           "find_name_facts", "norm", "script_of"]

_CAP = r"[A-ZÀ-ÖØ-Þ]"
_WORD = r"[\wÀ-ÿ]"
# A capitalised word, possibly hyphenated or with an apostrophe inside: "Pol-e", "Karbala-5", "O'Neill".
_CAPWORD = rf"{_CAP}{_WORD}*(?:-{_WORD}+|['’](?!s\b){_WORD}+)*"


def norm(name: str) -> str:
    """The resolution form of a name: no accents, no case, no spaces or punctuation, no leading 'the'."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold().strip()
    folded = re.sub(r"^the\s+", "", folded)
    folded = re.sub(r"['’]s$", "", folded)
    return re.sub(r"[\W_]+", "", folded)


def script_of(text: str) -> str | None:
    """The Unicode script of the first letter that is not Latin (ARABIC, CYRILLIC, ...), if any."""
    for ch in text:
        if ch.isalpha() and ord(ch) > 0x24F:
            name = unicodedata.name(ch, "")
            return name.split(" ")[0] if name else None
    return None


@dataclass(frozen=True)
class NameFact:
    """Something a text says about a name: an alias, or a label in another language."""

    doc_id: str
    key: str
    name: str
    language: str | None  # None for an English alias
    start: int
    end: int


# What closes a list item in parentheses: "(POW)", "(President of Z)".
_TRAILING_PAREN = re.compile(r"\s*\((?P<inner>[^()]*)\)\s*$")


@dataclass(frozen=True)
class PersonTitles:
    """Ranks, titles and status marks around a person's name (``person_titles``, ``title_abbreviations``
    and ``person_status`` in extraction.yaml). None of them is part of the name: "Lt. Gen. X Y (POW)"
    names X Y; an infobox keeps the rest as notes on the person's claim."""

    title: str  # the pattern of one title, a space in it also written as a hyphen ("Lieutenant-General")
    full_forms: dict[str, str]  # "Gen." -> "General"
    words: frozenset[str]  # the words titles are made of, without a final dot ("Lieutenant", "Gen")
    before: dict[str, str]  # status words before a name, lower case -> meaning ("late" -> "deceased")
    after: dict[str, str]  # status marks after a name -> meaning ("KIA" -> "killed in action")
    chain: re.Pattern[str]  # one title or status word, and the space or hyphen that follows it
    name_start: re.Pattern[str]  # how a name begins: a capital, maybe after particles ("al-Z", "von Z")
    ending: re.Pattern[str]  # titles that end a stretch of text, just before a name

    def start_before(self, text: str, lo: int) -> int:
        """Where titles start that end just before ``lo``: a sentence split after an abbreviation that
        the sentence splitter does not know ("... Adm." | "Chester Nimitz moved") keeps its title."""
        m = self.ending.search(text, max(0, lo - 80), lo)
        return m.start() if m else lo

    def introducing(self, name: str) -> str:
        """The pattern of titles before a name, the name in group ``name``: "Lt. Gen. X", "Colonel-General X"."""
        return rf"(?<![\w])(?:(?:{self.title})(?:\s+|-))*(?:{self.title})\s+(?P<name>{name})"

    def is_title_only(self, label: str) -> bool:
        """Whether a label is titles and nothing else: "General", "the Colonel", "Lt. Gen."."""
        capitalised = [w.rstrip(".") for w in re.split(r"[\s-]+", label) if w[:1].isupper()]
        return bool(capitalised) and all(w in self.words for w in capitalised)

    def peel_before(self, text: str, a: int, b: int) -> tuple[int, list[str]]:
        """Where the name starts in text[a:b] after the titles and status words that open it, and a note
        for each ("Lt. Gen.: Lieutenant General", "late: deceased"). A title with no name after it stays:
        "King of France" names an office, not a king."""
        notes: list[str] = []
        rank: list[re.Match[str]] = []
        pos = a
        while (m := self.chain.match(text, pos, b)) and (
                self.name_start.match(text, m.end(), b) or self.chain.match(text, m.end(), b)):
            if m.group("status"):
                notes += self._rank_note(rank)
                rank = []
                notes.append(f"{m.group('status')}: {self.before[m.group('status').lower()]}")
            else:
                rank.append(m)
            pos = m.end()
        return pos, notes + self._rank_note(rank)

    def _rank_note(self, rank: list[re.Match[str]]) -> list[str]:
        """One note for consecutive titles: the rank as written, and its full form when it is abbreviated."""
        if not rank:
            return []
        written = rank[0].string[rank[0].start("title"):rank[-1].end("title")]
        if not any(m.group("title") in self.full_forms for m in rank):
            return [written]
        return [f"{written}: {' '.join(self.full_forms.get(m.group('title'), m.group('title')) for m in rank)}"]

    def peel_after(self, text: str, a: int, b: int, marks: dict[str, str], offices: bool) -> tuple[int, list[str]]:
        """Where the name ends in text[a:b] before the status marks that close it, glued ("X YKIA"), after a
        space or in parentheses ("X Y (POW)"), and a note for each ("KIA: killed in action"). With
        ``offices``, other Latin words in parentheses are the office the source gives ("President of Z"),
        the note as written; a name in another script there is cut off but left to the label rule."""
        notes: list[str] = []
        end = b
        while True:
            while end > a and text[end - 1].isspace():
                end -= 1
            p = _TRAILING_PAREN.search(text, a, end)
            if p and p.start() > a and (offices or p.group("inner").strip() in marks):
                inner = p.group("inner").strip()
                if inner in marks:
                    notes.append(f"{inner}: {marks[inner]}")
                elif inner and script_of(inner) is None:
                    notes.append(inner)
                end = p.start()
                continue
            mark = next((k for k in sorted(marks, key=lambda k: (-len(k), k)) if _closes_with(text, a, end, k)), None)
            if mark is None:
                return end, notes[::-1]
            notes.append(f"{mark}: {marks[mark]}")
            end -= len(mark)


def _closes_with(text: str, a: int, end: int, mark: str) -> bool:
    """Whether text[a:end] is a name with ``mark`` glued or added at its end: "ZeidanKIA", "X Y †", but
    not an acronym that merely ends with the same capitals."""
    start = end - len(mark)
    return start > a and text.startswith(mark, start) and not text[start - 1].isupper()


@dataclass(frozen=True)
class Patterns:
    """The compiled patterns of one lexicon and registry."""

    registry: re.Pattern[str] | None
    registry_names: dict[str, str]  # surface name -> registry id
    registry_types: dict[str, str]
    demonyms: dict[str, str]  # demonym -> registry id
    demonym_re: re.Pattern[str] | None
    name: re.Pattern[str]
    titled: re.Pattern[str]
    unit: re.Pattern[str]
    operation: tuple[re.Pattern[str], ...]
    operation_marker: str  # the word that opens an operation's label ("Operation X")
    event_head: re.Pattern[str]
    places: tuple[tuple[str, re.Pattern[str]], ...]
    apposition: re.Pattern[str]
    apposition_types: dict[str, str]
    speaker: re.Pattern[str] | None
    not_names: frozenset[str]
    particles: frozenset[str]
    event_heads: dict[str, str]
    titles: PersonTitles
    name_ends: dict[str, str] = field(default_factory=dict)  # last word of a name -> its class ("War")
    styles: frozenset[str] = frozenset()  # titles a one-word name is known by ("Prince William")
    names: NameTypes = field(default_factory=lambda: NameTypes())  # ontology/types.yaml
    # registry id -> the one country its memberships and parts lead to (a commander of the IRGC: Iran)
    affiliations: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class NameTypes:
    """What a name's own words and the words before it say it names (``ontology/types.yaml``)."""

    heads: dict[str, str] = field(default_factory=dict)  # head word -> class ("Memorial" -> Place)
    numbered: frozenset[str] = frozenset()  # heads a number follows ("Resolution 598")
    openers: dict[str, str] = field(default_factory=dict)  # first word -> class ("HMS" -> Equipment)
    class_noun: re.Pattern[str] | None = None  # "the destroyer X": the noun in group noun, X in name
    class_nouns: dict[str, str] = field(default_factory=dict)  # class noun -> class
    given: frozenset[str] = frozenset()  # given names of people
    not_person_heads: frozenset[str] = frozenset()
    place_context: re.Pattern[str] | None = None  # "in", "south of": a name follows at its end
    not_place_names: frozenset[str] = frozenset()  # "East", "Central": no place after a place word
    modifier_nouns: re.Pattern[str] | None = None  # "South African soldiers": the words before are no name

    def head_type(self, label: str) -> str | None:
        """The class the first word or the head word of a name of two words or more gives: "Mount X",
        "X Memorial", "Army of X" (the head of "X of Y" is the last word before "of")."""
        words = label.split()
        if len(words) < 2:
            return None
        if words[0] in self.openers:
            return self.openers[words[0]]
        head = re.split(r"\s+of\s+", label, maxsplit=1)[0].split()[-1]
        return self.heads.get(head)


def _given_names(given: dict[str, Any], ontology_dir: Path | None) -> frozenset[str]:
    """The given names of ``ontology/given_names.txt`` less the ``not_given_names`` of types.yaml; none
    when types.yaml has no ``given_names`` section."""
    if not given:
        return frozenset()
    # The settings' ontology folder; without one, the project's, found as load_settings() finds it.
    folder = ontology_dir if ontology_dir is not None else find_root() / "ontology"
    excluded = given.get("not_given_names") or ()
    return gazetteer.given_names(folder / gazetteer.GIVEN_NAMES_FILE) - {str(w) for w in excluded}


def _compile_name_types(lexicon: Lexicon, name: str, ontology_dir: Path | None = None) -> NameTypes:
    """The rules of ``ontology/types.yaml`` (the lexicon's ``types`` section), compiled; the given names
    are read from ``ontology_dir``."""
    nouns = {str(w): str(t) for t, ws in (lexicon.get("types", "class_nouns") or {}).items() for w in ws or []}
    class_noun = re.compile(
        rf"(?:(?<![\w-])(?:[Tt]he|[Aa]n?)\s+(?:[\w’'-]+\s+){{0,2}}?|(?<=\w)[’']s\s+)(?P<noun>{alternation(list(nouns))})"
        rf"\s+(?P<name>{name})") if nouns else None
    given = lexicon.get("types", "given_names") or {}
    context = lexicon.words("types", "place_context", "words")
    modifiers = [*lexicon.words("types", "place_context", "modifiers"), "the"]
    suffixes = lexicon.words("types", "place_context", "modifier_suffixes")
    modifier = rf"(?:{alternation(modifiers)}|{_CAPWORD}(?:{alternation(suffixes) or '(?!)'}))"
    return NameTypes(
        heads={str(k): str(v) for k, v in (lexicon.get("types", "name_heads") or {}).items()},
        numbered=frozenset(lexicon.words("types", "numbered_heads")),
        openers={str(k): str(v) for k, v in (lexicon.get("types", "name_openers") or {}).items()},
        class_noun=class_noun,
        class_nouns=nouns,
        given=_given_names(given, ontology_dir),
        not_person_heads=frozenset(given.get("not_person_heads") or ()),
        not_place_names=frozenset(lexicon.words("types", "place_context", "not_place_names")),
        modifier_nouns=re.compile(rf"\s+(?:{alternation(list(adjectival))})(?![\w-])") if (
            adjectival := lexicon.words("types", "modifier_nouns")) else None,
        place_context=re.compile(rf"(?<![\w-])(?i:{alternation(context)})\s+(?:{modifier}\s+)?(?={_CAP})")
        if context else None,
    )


def alternation(words: Iterable[str]) -> str:
    """A regular-expression alternation of words or phrases, longest first (so "Lt. Gen." wins over
    "Lt."), each once and escaped."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _compile_person_titles(lexicon: Lexicon, name_particles: list[str]) -> PersonTitles:
    """The title grammar of a lexicon: titles and abbreviations chain with a space or a hyphen."""
    abbreviations: dict[str, str] = {str(k): str(v) for k, v in (lexicon.get("title_abbreviations") or {}).items()}
    titles = [*lexicon.words("person_titles"), *abbreviations]
    words = {w.rstrip(".") for t in [*titles, *abbreviations.values()] for w in t.split()}
    # An empty alternation would match everywhere; "(?!)" matches nowhere.
    title = alternation(titles).replace(r"\ ", r"[\s-]") or "(?!)"
    before = {str(k).lower(): str(v) for k, v in (lexicon.get("person_status", "before") or {}).items()}
    status = alternation(list(before)) or "(?!)"
    return PersonTitles(
        title=title,
        full_forms=abbreviations,
        words=frozenset(words),
        before=before,
        after={str(k): str(v) for k, v in (lexicon.get("person_status", "after") or {}).items()},
        chain=re.compile(rf"(?:(?P<status>(?i:{status}))|(?P<title>{title}))(?:\s+|-(?=\S))"),
        name_start=re.compile(rf"(?:(?:{alternation(name_particles) or '(?!)'})(?:\s+|-))*{_CAP}"),
        ending=re.compile(rf"(?<![\w])(?:(?:{title})(?:\s+|-))*(?:{title})\s+$"),
    )


def _possessive_joiner(lexicon: Lexicon) -> str:
    """A possessive inside a name, before the word of ``name_ends`` that ends it: "the Thirty Years'
    War", "Queen Anne's War". Nowhere else: "Bazaine's Army of the Rhine" names a person and an army,
    and "Britain's War Cabinet" a country and a cabinet (the word ends no name there)."""
    ends = lexicon.words("name_ends")
    if not ends:
        return "(?!)"
    return rf"['’]s?\s+(?=(?:{alternation(ends)})(?![\w'’-])(?!\s+{_CAP}))"


def _registry_tables(registry: Registry) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Surface name -> id, id -> class, demonym -> id."""
    names: dict[str, str] = {}
    types: dict[str, str] = {}
    demonyms: dict[str, str] = {}
    for e in registry.entries:
        types[e.id] = e.type
        for n in (e.label, *e.aliases):
            names[n] = e.id
        for d in e.demonyms:
            demonyms[d] = e.id
    return names, types, demonyms


@dataclass(frozen=True)
class _Grammar:
    """The regular expressions of a capitalised name, built from the lexicon's name particles."""

    particles: list[str]
    hyphen_particles: list[str]
    token: str
    joiner: str
    name: str
    place_name: str  # place names do not run across "of"/"the" ("History of Kursk Oblast" names a topic)
    op_name: str

    @classmethod
    def read(cls, lexicon: Lexicon) -> _Grammar:
        particles = [p for p in lexicon.words("name_particles")]
        hyphen_particles = [p for p in particles if p not in ("of", "the", "y", "e")]
        ph = rf"(?:{alternation(hyphen_particles)})-{_CAPWORD}"
        token = rf"(?:{ph}|{_CAPWORD})"
        joiner = rf"(?:\s+(?:(?:{alternation(particles)})\s+)*)"
        name = rf"{token}(?:(?:{joiner}|{_possessive_joiner(lexicon)}){token})*"
        place_joiner = rf"(?:\s+(?:(?:{alternation([q for q in particles if q not in ('of', 'the')])})\s+)*)"
        op_name = rf"{token}(?:(?:{joiner}|-)(?:{token}|\d+))*"
        return cls(particles, hyphen_particles, token, joiner, name, rf"{token}(?:{place_joiner}{token})*", op_name)


def _operation_patterns(lexicon: Lexicon, g: _Grammar) -> tuple[re.Pattern[str], ...]:
    """Operations by the words of the lexicon's `operations:` around their code name: "Operation X"
    (the marker; first, since the infobox reads a name by it), "the X operation" and "the operation of
    X" (the nouns), "code-named X"."""
    spec = lexicon.get("operations") or {}
    marker, nouns, code = str(spec.get("marker") or ""), [str(w) for w in spec.get("nouns") or ()], \
        [str(w) for w in spec.get("code_words") or ()]
    out: list[re.Pattern[str]] = []
    if marker:
        out.append(re.compile(rf"(?<![\w]){re.escape(marker)}\s+(?P<name>{g.op_name})"))
    if nouns:
        out.append(re.compile(rf"(?<![\w])(?:[Tt]he\s+)(?P<name>{g.name})\s+(?i:{alternation(nouns)})\b"))
        out.append(re.compile(rf"(?<![\w-])(?i:{alternation(nouns)})\s+of\s+(?P<name>{g.name})"))
    if code:
        out.append(re.compile(rf"(?<![\w-])(?:{alternation(code)})\s+(?P<name>{g.op_name})"))
    return tuple(out)


def _place_patterns(lexicon: Lexicon, g: _Grammar) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Names of places by the words before or after them (`places:` of the lexicon)."""
    places: list[tuple[str, re.Pattern[str]]] = []
    for ptype, spec in (lexicon.get("places") or {}).items():
        before = spec.get("before") or []
        after = spec.get("after") or []
        if before:
            places.append((ptype, re.compile(
                rf"\b(?:{alternation(before)})\s+(?:the\s+)?(?P<name>{g.place_name}(?:\s*(?:,|and)\s+{g.place_name})*)")))
        if after:
            places.append((ptype, re.compile(
                rf"(?<![\w])(?P<name>{g.place_name}\s+(?:{alternation(after)}))(?![\w])")))
    return tuple(places)


def _apposition_pattern(lexicon: Lexicon, g: _Grammar) -> tuple[re.Pattern[str], dict[str, str]]:
    appos = {w: atype for atype, words in (lexicon.get("apposition_types") or {}).items() for w in words}
    return re.compile(
        rf"(?P<name>{g.name}),\s+(?:a|an|the)\s+(?:[\w’'-]+\s+){{0,4}}?(?P<word>{alternation(list(appos))})\b"
    ), appos


def _speaker_pattern(lexicon: Lexicon, g: _Grammar) -> re.Pattern[str] | None:
    verbs = lexicon.words("speaker_verbs")
    return re.compile(
        rf"(?<![\w-])(?P<name>{g.name})[’\"”,]?\s+(?:{alternation(verbs)})\b"
        rf"|\b(?:{alternation(verbs)})\s+(?P<name2>{g.name})"
    ) if verbs else None


def registry_affiliations(registry: Registry) -> dict[str, str]:
    """Each registry entry's country through its curated links: its own `country`, else that of what
    it is a member or a part of, followed to the end. An entry whose links lead to two countries, or to
    none, has none."""
    by_id = registry.by_id()

    def countries(ident: str, seen: frozenset[str]) -> set[str]:
        e = by_id[ident]
        if e.country:
            return {e.country}
        out: set[str] = set()
        for up in (*e.member_of, *e.part_of):
            if up not in seen:
                out |= countries(up, seen | {up})
        return out

    found = {e.id: countries(e.id, frozenset({e.id})) for e in registry.entries}
    return {ident: next(iter(cs)) for ident, cs in sorted(found.items()) if len(cs) == 1}


def compile_patterns(registry: Registry, lexicon: Lexicon, ontology_dir: Path | None = None) -> Patterns:
    """Compile the registry and the lexicon into regular expressions (once per build). ``ontology_dir``
    holds the lists the lexicon names (the given names); by default the project's."""
    names, types, demonyms = _registry_tables(registry)
    g = _Grammar.read(lexicon)
    person = _compile_person_titles(lexicon, g.hyphen_particles)
    unit = (
        rf"(?<![\w])(?P<name>(?:(?:\d+(?:st|nd|rd|th)|[IVXL]+|{_CAPWORD})\s+){{1,5}}"
        rf"(?:{alternation(lexicon.words('unit_nouns'))}))(?![\w])"
    )
    heads: dict[str, str] = dict(lexicon.get("event_heads") or {})
    # "Operation of X" is an operation's name of its own (see `_operation_patterns`), not an event head's.
    operation_marker = str((lexicon.get("operations") or {}).get("marker") or "")
    # "Second Battle of X": an ordinal of the lexicon's before the head belongs to the name.
    ordinals = lexicon.words("ordinals")
    ordinal = rf"(?:(?:{alternation(list(ordinals))})\s+)?" if ordinals else ""
    event_head = re.compile(
        rf"(?<![\w])(?P<name>{ordinal}"
        rf"(?P<head>{alternation([h for h in heads if h != operation_marker])})\s+of\s+(?:the\s+)?{g.name})"
    )
    apposition, appos = _apposition_pattern(lexicon, g)
    return Patterns(
        registry=re.compile(rf"(?<![\w-])(?:{alternation(list(names))})(?![\w])") if names else None,
        registry_names=names,
        registry_types=types,
        demonyms=demonyms,
        demonym_re=re.compile(rf"(?<![\w-])(?:{alternation(list(demonyms))})(?![\w-])") if demonyms else None,
        name=re.compile(rf"(?<![\w-]){g.name}"),
        titled=re.compile(person.introducing(g.name)),
        unit=re.compile(unit),
        operation=_operation_patterns(lexicon, g),
        operation_marker=operation_marker,
        event_head=event_head,
        places=_place_patterns(lexicon, g),
        apposition=apposition,
        apposition_types=appos,
        speaker=_speaker_pattern(lexicon, g),
        not_names=frozenset(lexicon.words("not_names")),
        particles=frozenset(g.particles),
        event_heads=heads,
        titles=person,
        name_ends={str(k): str(v) for k, v in (lexicon.get("name_ends") or {}).items()},
        styles=frozenset(lexicon.words("styles")),
        names=_compile_name_types(lexicon, g.name, ontology_dir),
        affiliations=registry_affiliations(registry),
    )


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    type: str
    key: str
    label: str
    rule: str
    priority: int
    curated: bool = False


def _strip_name(text: str, start: int, end: int, p: Patterns) -> tuple[int, int]:
    """Trim words that are not part of a name: leading sentence words, particles, possessive 's."""
    while True:
        chunk = text[start:end]
        m = re.match(r"(\S+)\s+", chunk)
        if m and (m.group(1) in p.not_names or m.group(1) in p.particles):
            start += m.end()
            continue
        break
    chunk = text[start:end]
    pm = re.search(r"['’]s?$", chunk)
    if pm:
        end = start + pm.start()
    while end > start and text[end - 1] in ".,;:":
        end -= 1
    return start, end


def _cap_words(label: str, p: Patterns) -> int:
    return sum(1 for w in re.split(r"\s+", label) if w and w[0].isupper() and w not in p.particles)


def _unknown(start: int, end: int, text: str, type_: str, rule: str, priority: int,
             label: str | None = None) -> _Candidate:
    label = label or text[start:end]
    return _Candidate(start, end, type_, "~" + norm(label), label, rule, priority)


def _registry_candidates(text: str, lo: int, hi: int, p: Patterns) -> list[_Candidate]:
    out: list[_Candidate] = []
    if p.registry is None:
        return out
    for m in p.registry.finditer(text, lo, hi):
        ident = p.registry_names[m.group(0)]
        out.append(_Candidate(m.start(), m.end(), p.registry_types[ident], ident, m.group(0), "registry",
                              100, curated=True))
    return out


def _titled_people(text: str, lo: int, hi: int, p: Patterns) -> list[_Candidate]:
    """"General X", "Lt. Gen. X Y": a person, whatever the titles before them."""
    out: list[_Candidate] = []
    for m in p.titled.finditer(text, p.titles.start_before(text, lo), hi):
        s, e = _strip_name(text, m.start("name"), m.end("name"), p)
        # "Queen Anne's War", "King Philip's War": named after the person, not the person.
        if e > s and not _possessive_name_end(text[s:e], p):
            out.append(_unknown(_styled_start(text, m.start(), s, e, p), e, text, "Person", "titled-person", 80))
    return out


def _styled_start(text: str, title_start: int, s: int, e: int, p: Patterns) -> int:
    """Where the name starts: "Prince William", "King Hussein" (a one-word name after a style of the
    lexicon's `styles`) is known by the style with it, since a lone given name names nobody; other
    titles stay out of the name ("General X Y" is X Y)."""
    m = re.search(r"(\S+)\s+$", text[title_start:s])
    if len(text[s:e].split()) == 1 and m and m.group(1) in p.styles:
        return title_start + m.start(1)
    return s


def _possessive_name_end(label: str, p: Patterns) -> bool:
    """Whether a name ends in a possessive and a word of ``name_ends``: "Anne's War", "Thirty Years' War"."""
    m = re.search(r"['’]s?\s+(\S+)$", label)
    return m is not None and m.group(1) in p.name_ends


def _operations(text: str, lo: int, hi: int, p: Patterns) -> list[_Candidate]:
    """"Operation X", "the X operation", "code-named X": a military operation labelled "Operation X"."""
    out: list[_Candidate] = []
    for i, rx in enumerate(p.operation):
        for m in rx.finditer(text, lo, hi):
            s, e = _strip_name(text, m.start("name"), m.end("name"), p)
            if e <= s:
                continue
            label = f"{p.operation_marker} {text[s:e]}".strip()
            if i == 0 and p.operation_marker:
                s = m.start()
            out.append(_unknown(s, e, text, "MilitaryOperation", "operation-name", 75, label))
    return out


def _events(text: str, lo: int, hi: int, p: Patterns) -> list[_Candidate]:
    """"Battle of X", "Siege of X": the head word gives the class."""
    out: list[_Candidate] = []
    for m in p.event_head.finditer(text, lo, hi):
        s, e = _strip_name(text, m.start("name"), m.end("name"), p)
        out.append(_unknown(s, e, text, p.event_heads.get(m.group("head"), "Event"), "event-name", 70))
    return out


def _units(text: str, lo: int, hi: int, p: Patterns) -> list[_Candidate]:
    """"3rd Armoured Division", "Sixth Army": words ending in a unit noun."""
    out: list[_Candidate] = []
    for m in p.unit.finditer(text, lo, hi):
        s, e = _strip_name(text, m.start("name"), m.end("name"), p)
        if _cap_words(text[s:e], p) >= 1 and " " in text[s:e]:
            out.append(_unknown(s, e, text, "MilitaryUnit", "unit-name", 60))
    return out


def _places(text: str, lo: int, hi: int, p: Patterns) -> list[_Candidate]:
    """"city of X", "X Province", "islands of X and Y": the place word gives the class."""
    out: list[_Candidate] = []
    for ptype, rx in p.places:
        for m in rx.finditer(text, lo, hi):
            group = text[m.start("name"):m.end("name")]
            if ptype in ("City", "Island", "Region") and re.search(r",|\band\b", group) and \
                    not re.search(r"\s(?:Islands?|region)$", group):
                # "islands of Bowarin and Umm Rasas": each name is a place.
                parts = [(m.start("name") + q.start(), m.start("name") + q.end())
                         for q in re.finditer(rf"{p.name.pattern}", group)]
            else:
                parts = [(m.start("name"), m.end("name"))]
            for ps, pe in parts:
                s, e = _strip_name(text, ps, pe, p)
                if e > s:
                    out.append(_province_not_city(_unknown(s, e, text, ptype, "place-word", 60), m.start() < ps, p))
    return out


def _province_not_city(c: _Candidate, before: bool, p: Patterns) -> _Candidate:
    """"the province of X" is the province, though the registry knows X as another place (its capital
    city): the name's key is the province's ("X Province"), and it wins over the registry's X."""
    ident = p.registry_names.get(c.label)
    if c.type != "Province" or not before or ident is None or p.registry_types[ident] == "Province":
        return c
    return replace(c, key="~" + norm(f"{c.label} Province"), priority=101)


def _appositions(text: str, lo: int, hi: int, p: Patterns) -> list[_Candidate]:
    """"X, a French general": the class noun of the apposition."""
    out: list[_Candidate] = []
    for m in p.apposition.finditer(text, lo, hi):
        s, e = _strip_name(text, m.start("name"), m.end("name"), p)
        if e > s:
            out.append(_unknown(s, e, text, p.apposition_types[m.group("word")], "apposition", 50))
    return out


def _speakers(text: str, lo: int, hi: int, p: Patterns) -> list[_Candidate]:
    """"X Y said", "said X Y": a person of two words or more."""
    out: list[_Candidate] = []
    if p.speaker is None:
        return out
    for m in p.speaker.finditer(text, lo, hi):
        group = "name" if m.group("name") else "name2"
        s, e = _strip_name(text, m.start(group), m.end(group), p)
        if e > s and _cap_words(text[s:e], p) >= 2:
            out.append(_unknown(s, e, text, "Person", "speaker", 40))
    return out


def _not_a_name(text: str, s: int, e: int, lo: int, hi: int, p: Patterns) -> bool:
    """Capitalised words that nothing types and that are no name: an adjective before a people's noun
    ("South African soldiers", "Bosnian Serb forces"), or words inside a quotation ("God Save the
    Queen"), which a speaker says rather than names."""
    if p.names.modifier_nouns is not None and p.names.modifier_nouns.match(text, e):
        return True
    return any(a <= s < b for a, b in quote_spans(text, lo, hi))


def _capitalised(text: str, lo: int, hi: int, p: Patterns) -> list[_Candidate]:
    """Any run of capitalised words; a lone word only if resolution later ties it to a known name."""
    out: list[_Candidate] = []
    for m in p.name.finditer(text, lo, hi):
        s, e = _strip_name(text, m.start(), m.end(), p)
        if e <= s:
            continue
        label = text[s:e]
        words = label.split()
        if _cap_words(label, p) >= 2 and words[0] not in p.demonyms and words[-1] not in p.demonyms:
            # "Korean War", "Tet Offensive": the last word of a name may say what it names.
            # "World War II": a numeral after the word that says what the name names.
            end = words[-2] if len(words) > 2 and re.fullmatch(r"[IVX]+|\d+", words[-1]) else words[-1]
            type_ = p.name_ends.get(end) or ("Person" if _is_person_name(label, p) else "Entity")
            if type_ == "Entity" and _not_a_name(text, s, e, lo, hi, p):
                continue
            out.append(_unknown(s, e, text, type_, "capitalised-name", 10))
        elif label not in p.not_names and re.fullmatch(_CAPWORD, label):
            # A single word: kept only if resolution ties it to a known name (a surname, an acronym).
            out.append(_unknown(s, e, text, "Entity", "single-name", 5))
    return out


def _is_person_name(label: str, p: Patterns) -> bool:
    """A name of capitalised words whose first word is a given name ("Joe Rosenthal"), unless its
    head word or first word says it is something else, or its first word names a country or a
    registry entity ("Jordan Valley", "Georgia Street")."""
    # A ruler's name and number ("Henry V") is left to the registry and to the person-name phase.
    words = [w for w in label.split() if not re.fullmatch(r"[IVXL]+", w)]
    nt = p.names
    if len(words) < 2 or words[0] not in nt.given or words[0] in p.registry_names or nt.head_type(label) is not None:
        return False
    if re.split(r"\s+of\s+", label, maxsplit=1)[0].split()[-1] in nt.not_person_heads or label.isupper():
        return False
    # "Viet Minh", "Jordan Valley": the first word of a country's name is no given name here.
    return words[0] not in gazetteer.country_words()


def _registry_inside(text: str, s: int, e: int, p: Patterns) -> tuple[bool, bool]:
    """Whether a registry name lies inside text[s:e], and whether one ends where it ends."""
    if p.registry is None:
        return False, False
    found = [m for m in p.registry.finditer(text, s, e)]
    return bool(found), any(m.end() == e for m in found)


def _headed_names(text: str, lo: int, hi: int, p: Patterns) -> list[_Candidate]:
    """"Thiepval Memorial", "Army of the Rhine", "HMS Sheffield", "Resolution 598": a name whose head
    word or first word gives its class. It is what the whole name names, not a place or person named
    inside it ("Tehran Public Court", "United States Marine Corps"), so it wins over a registry name
    within it; a registry name that ends it is the name itself, with words that belong to the sentence."""
    out: list[_Candidate] = []
    for m in p.name.finditer(text, lo, hi):
        s, e = _strip_name(text, m.start(), m.end(), p)
        # "Under the Treaty of Troyes": a sentence's first word before "the" is not part of the name.
        if (lead := re.match(r"\S+\s+the\s+", text[s:e])) and p.names.head_type(text[s + lead.end():e]):
            s += lead.end()
        label = text[s:e]
        type_ = p.names.head_type(label)
        # "the Third Army of Crown Prince X": what follows "of" is the unit's commander, not its name.
        if type_ is None or _titled_after_of(label, p):
            continue
        if label.split()[-1] in p.names.numbered and (n := re.match(r"\s+\d+\b", text[e:hi])):
            e += n.end()
        inside, at_end = _registry_inside(text, s, e, p)
        if at_end:
            continue
        # The unit rule knows "3rd Marine Division" better; a unit here wins over no rule but that one.
        priority = 101 if inside else 59 if type_ == "MilitaryUnit" else 85
        out.append(_unknown(s, e, text, type_, "name-head", priority))
    return out


def _titled_after_of(label: str, p: Patterns) -> bool:
    """Whether a title follows "of" in a name ("Army of General X")."""
    parts = re.split(r"\s+of\s+", label, maxsplit=1)
    return len(parts) == 2 and any(w.rstrip(".") in p.titles.words for w in parts[1].split())


def _class_noun_names(text: str, lo: int, hi: int, p: Patterns) -> list[_Candidate]:
    """"the destroyer X", "the British submarine X", "The BBC correspondent X Y", "X's play Y": the
    class noun before a name gives its class. A ship or a work is not the person or place it is named
    after ("the cruiser General Belgrano", "the play Henry V"): unless its own words type it, it gets
    a key of its own."""
    out: list[_Candidate] = []
    if p.names.class_noun is None:
        return out
    for m in p.names.class_noun.finditer(text, lo, hi):
        s, e = _strip_name(text, m.start("name"), m.end("name"), p)
        if e <= s:
            continue
        type_ = p.names.class_nouns[m.group("noun")]
        c = _unknown(s, e, text, type_, "class-noun", 90)
        if type_ in ("Equipment", "CreativeWork") and p.names.head_type(c.label) is None:
            c = replace(c, key=f"{c.key}#{type_.lower()}")
        out.append(c)
    return out


def _gazetteer_places(text: str, lo: int, hi: int, p: Patterns) -> list[_Candidate]:
    """"in Paris", "south of Tokyo", "the war in Bosnia and Herzegovina": a name the gazetteers know,
    whole, right after words that say a place follows. The registry's names are left to the registry."""
    out: list[_Candidate] = []
    if p.names.place_context is None:
        return out
    for m in p.names.place_context.finditer(text, lo, hi):
        run = p.name.match(text, m.end(), hi)
        if run is None:
            continue
        s, e = _strip_name(text, run.start(), run.end(), p)
        # A country of two names ("Bosnia and Herzegovina", "Trinidad and Tobago").
        more = re.compile(rf"\s+and\s+{p.name.pattern}").match(text, e, hi)
        for end in ((more.end(), e) if more else (e,)):
            label = text[s:end]
            # "Flers–Courcelette" is not Flers.
            if label in p.not_names or label in p.names.not_place_names or re.match(r"[-–—]\w", text[end:end + 2]):
                continue
            type_ = gazetteer.place_type(label)
            if type_ is not None and label not in p.registry_names:
                out.append(_unknown(s, end, text, type_, "gazetteer-place", 55))
                break
    return out


# The rules that find names nobody has curated, each typed by the words around the name. Their order
# is the order of candidates; which of overlapping candidates wins is decided by priority in _select.
_PATTERN_RULES: tuple[Callable[[str, int, int, Patterns], list[_Candidate]], ...] = (
    _titled_people, _operations, _events, _units, _places, _appositions, _speakers, _capitalised,
    _headed_names, _class_noun_names, _gazetteer_places,
)


def _pattern_candidates(text: str, lo: int, hi: int, p: Patterns) -> list[_Candidate]:
    return [c for rule in _PATTERN_RULES for c in rule(text, lo, hi, p)]


def _select(cands: list[_Candidate]) -> list[_Candidate]:
    """Keep the best candidates that do not overlap: priority, then length, then position."""
    chosen: list[_Candidate] = []
    taken: list[tuple[int, int]] = []
    for c in sorted(cands, key=lambda c: (-c.priority, -(c.end - c.start), c.start, c.key)):
        if any(c.start < b and a < c.end for a, b in taken):
            continue
        chosen.append(c)
        taken.append((c.start, c.end))
    return sorted(chosen, key=lambda c: (c.start, c.end))


def _typed_by_overlap(chosen: list[_Candidate], cands: list[_Candidate]) -> list[_Candidate]:
    """A generic name whose exact span a typed rule also matched takes that type."""
    typed: dict[tuple[int, int], _Candidate] = {}
    for c in cands:
        if c.type != "Entity" and not c.curated:
            prev = typed.get((c.start, c.end))
            if prev is None or c.priority > prev.priority:
                typed[(c.start, c.end)] = c
    out = []
    for c in chosen:
        t = typed.get((c.start, c.end))
        if t is not None and c.type == "Entity":
            c = t
        out.append(c)
    return out


def find_mentions(doc: ParsedDocument, spans: list[tuple[int, int]], patterns: Patterns) -> list[Mention]:
    """Every name in the given spans of a document, curated or typed by its context."""
    text = doc.text
    mentions: list[Mention] = []
    for lo, hi in spans:
        cands = _registry_candidates(text, lo, hi, patterns) + _pattern_candidates(text, lo, hi, patterns)
        # A rank or title alone ("the General", "Lt. Gen.") names no one in particular.
        cands = [c for c in cands if c.curated or not patterns.titles.is_title_only(c.label)]
        for c in _typed_by_overlap(_select(cands), cands):
            mentions.append(Mention(doc_id=doc.doc_id, start=c.start, end=c.end, text=text[c.start:c.end],
                                    type=c.type, key=c.key, rule=c.rule, curated=c.curated))
    return mentions


_ACRONYM = re.compile(r"\s*\((?P<name>[A-Z][A-Z0-9]{1,7})\)")
_NON_LATIN = re.compile(r"\s*[\"”’]?\s*\((?P<name>[^\x00-\x7F(][^,;)]*?)\s*[,;)]")
# "an offensive it called X, or Y": a name given as a name, then its other name after "or".
_CALLED = re.compile(r"(?:called|code-?named|named|known\s+as)\s+$")
_OR_NAME = re.compile(r",?\s+or\s+(?:the\s+)?(?P<name>[A-ZÀ-Þ][^,;()]*?)\s*(?=[,;.)(]|\s+(?:and|was|is|were)\b)")
_KNOWN_AS = re.compile(
    r"\s*(?:,\s*also\s+known|\(\s*(?:also\s+)?known)(?:\s+in\s+[A-Z]\w+)?\s+as\s+(?:the\s+)?"
    r"(?P<name>[A-ZÀ-Þ][^,;()]*?)(?:\s+in\s+[A-Z]\w+)?\s*(?=[,;)(]|\s+(?:was|is|were)\b)"
)


def find_name_facts(doc: ParsedDocument, mentions: list[Mention], lexicon: Lexicon) -> list[NameFact]:
    """Aliases and other-language labels that the text gives right after a name."""
    text = doc.text
    languages: dict[str, str] = dict(lexicon.get("script_languages") or {})
    status_marks = set(lexicon.get("person_status", "after") or {})
    facts: list[NameFact] = []
    for m in mentions:
        if m.rule == "single-name":
            continue
        tail = text[m.end:m.end + 200]
        a = _ACRONYM.match(tail)
        # "X Y (POW)" is a status, and after a person in an infobox the parentheses give an office or a
        # force ("(NKVD)"): neither is another name of the person.
        if a and a.group("name") not in status_marks and not (m.rule == "infobox" and m.type == "Person"):
            facts.append(NameFact(doc.doc_id, m.key, a.group("name"), None, m.end + a.start("name"),
                                  m.end + a.end("name")))
        k = _KNOWN_AS.match(tail) or (_OR_NAME.match(tail) if _CALLED.search(text, max(0, m.start - 16), m.start)
                                       else None)
        if k:
            facts.append(NameFact(doc.doc_id, m.key, k.group("name").strip(), None, m.end + k.start("name"),
                                  m.end + k.end("name")))
        n = _NON_LATIN.match(tail)
        if n:
            script = script_of(n.group("name"))
            lang = languages.get(script or "")
            if lang:
                facts.append(NameFact(doc.doc_id, m.key, n.group("name"), lang, m.end + n.start("name"),
                                      m.end + n.end("name")))
    return facts


@lru_cache(maxsize=64)
def word_re(words: tuple[str, ...]) -> re.Pattern[str]:
    """A case-insensitive whole-word pattern for a list of words or phrases."""
    return re.compile(rf"(?i)(?<![\w-])(?:{alternation(words)})(?![\w-])")
