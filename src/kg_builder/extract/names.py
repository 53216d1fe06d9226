"""Find names in text: curated names from the registry, and names nobody has curated, typed by the
words around them ("General X", "Operation X", "X Division", "city of X", "X province", "X River").

Also finds what a text says about names: acronyms ("Islamic Revolution Guard Corps (IRGC)"),
"also known as" aliases, and labels in other scripts ("Liberation of Khorramshahr (آزادسازی خرمشهر)").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ..config import Lexicon
from ..models import Mention, ParsedDocument, Registry

__all__ = ["NameFact", "Patterns", "compile_patterns", "find_mentions", "find_name_facts", "norm", "script_of"]

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
    event_head: re.Pattern[str]
    places: tuple[tuple[str, re.Pattern[str]], ...]
    apposition: re.Pattern[str]
    apposition_types: dict[str, str]
    speaker: re.Pattern[str] | None
    not_names: frozenset[str]
    particles: frozenset[str]
    event_heads: dict[str, str]


def _alternation(words: list[str] | tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def compile_patterns(registry: Registry, lexicon: Lexicon) -> Patterns:
    """Compile the registry and the lexicon into regular expressions (once per build)."""
    names: dict[str, str] = {}
    types: dict[str, str] = {}
    demonyms: dict[str, str] = {}
    for e in registry.entries:
        types[e.id] = e.type
        for n in (e.label, *e.aliases):
            names[n] = e.id
        for d in e.demonyms:
            demonyms[d] = e.id
    registry_re = (
        re.compile(rf"(?<![\w-])(?:{_alternation(list(names))})(?![\w])") if names else None
    )
    demonym_re = re.compile(rf"(?<![\w-])(?:{_alternation(list(demonyms))})(?![\w-])") if demonyms else None
    particles = [p for p in lexicon.words("name_particles")]
    hyphen_particles = [p for p in particles if p not in ("of", "the", "y", "e")]
    ph = rf"(?:{_alternation(hyphen_particles)})-{_CAPWORD}"
    token = rf"(?:{ph}|{_CAPWORD})"
    joiner = rf"(?:\s+(?:(?:{_alternation(particles)})\s+)*)"
    name = rf"{token}(?:{joiner}{token})*"
    # Place names do not run across "of"/"the" ("History of Kursk Oblast" names a topic, not a place).
    place_joiner = rf"(?:\s+(?:(?:{_alternation([q for q in particles if q not in ('of', 'the')])})\s+)*)"
    place_name = rf"{token}(?:{place_joiner}{token})*"
    titles = lexicon.words("person_titles")
    titled = rf"(?<![\w])(?:(?:{_alternation(titles)})\s+)+(?P<name>{name})"
    unit_nouns = lexicon.words("unit_nouns")
    unit = (
        rf"(?<![\w])(?P<name>(?:(?:\d+(?:st|nd|rd|th)|[IVXL]+|{_CAPWORD})\s+){{1,5}}"
        rf"(?:{_alternation(unit_nouns)}))(?![\w])"
    )
    op_token = rf"(?:{token}|\d+)"
    op_name = rf"{token}(?:(?:{joiner}|-){op_token})*"
    operation = (
        re.compile(rf"(?<![\w])Operation\s+(?P<name>{op_name})"),
        re.compile(rf"(?<![\w])(?:[Tt]he\s+)(?P<name>{name})\s+operation\b"),
        re.compile(rf"\b[Oo]peration\s+of\s+(?P<name>{name})"),
        re.compile(rf"\bcode-named\s+(?P<name>{op_name})"),
    )
    heads: dict[str, str] = dict(lexicon.get("event_heads") or {})
    head_words = [h for h in heads if h != "Operation"]
    event_head = re.compile(
        rf"(?<![\w])(?P<name>(?:(?:First|Second|Third|Fourth|Fifth|Sixth)\s+)?"
        rf"(?P<head>{_alternation(head_words)})\s+of\s+(?:the\s+)?{name})"
    )
    places: list[tuple[str, re.Pattern[str]]] = []
    for ptype, spec in (lexicon.get("places") or {}).items():
        before = spec.get("before") or []
        after = spec.get("after") or []
        if before:
            places.append((ptype, re.compile(
                rf"\b(?:{_alternation(before)})\s+(?:the\s+)?(?P<name>{place_name}(?:\s*(?:,|and)\s+{place_name})*)")))
        if after:
            places.append((ptype, re.compile(
                rf"(?<![\w])(?P<name>{place_name}\s+(?:{_alternation(after)}))(?![\w])")))
    appos: dict[str, str] = {}
    for atype, words in (lexicon.get("apposition_types") or {}).items():
        for w in words:
            appos[w] = atype
    apposition = re.compile(
        rf"(?P<name>{name}),\s+(?:a|an|the)\s+(?:[\w’'-]+\s+){{0,4}}?(?P<word>{_alternation(list(appos))})\b"
    )
    speaker_verbs = lexicon.words("speaker_verbs")
    speaker = re.compile(
        rf"(?<![\w-])(?P<name>{name})[’\"”,]?\s+(?:{_alternation(speaker_verbs)})\b"
        rf"|\b(?:{_alternation(speaker_verbs)})\s+(?P<name2>{name})"
    ) if speaker_verbs else None
    return Patterns(
        registry=registry_re,
        registry_names=names,
        registry_types=types,
        demonyms=demonyms,
        demonym_re=demonym_re,
        name=re.compile(rf"(?<![\w-]){name}"),
        titled=re.compile(titled),
        unit=re.compile(unit),
        operation=operation,
        event_head=event_head,
        places=tuple(places),
        apposition=apposition,
        apposition_types=appos,
        speaker=speaker,
        not_names=frozenset(lexicon.words("not_names")),
        particles=frozenset(particles),
        event_heads=heads,
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


def _pattern_candidates(text: str, lo: int, hi: int, p: Patterns) -> list[_Candidate]:
    out: list[_Candidate] = []
    for m in p.titled.finditer(text, lo, hi):
        s, e = _strip_name(text, m.start("name"), m.end("name"), p)
        if e > s:
            out.append(_unknown(s, e, text, "Person", "titled-person", 80))
    for i, rx in enumerate(p.operation):
        for m in rx.finditer(text, lo, hi):
            s, e = _strip_name(text, m.start("name"), m.end("name"), p)
            if e <= s:
                continue
            label = "Operation " + text[s:e]
            if i == 0:
                s = m.start()
            out.append(_unknown(s, e, text, "MilitaryOperation", "operation-name", 75, label))
    for m in p.event_head.finditer(text, lo, hi):
        s, e = _strip_name(text, m.start("name"), m.end("name"), p)
        out.append(_unknown(s, e, text, p.event_heads.get(m.group("head"), "Event"), "event-name", 70))
    for m in p.unit.finditer(text, lo, hi):
        s, e = _strip_name(text, m.start("name"), m.end("name"), p)
        if _cap_words(text[s:e], p) >= 1 and " " in text[s:e]:
            out.append(_unknown(s, e, text, "MilitaryUnit", "unit-name", 60))
    for ptype, rx in p.places:
        for m in rx.finditer(text, lo, hi):
            group = text[m.start("name"):m.end("name")]
            if ptype in ("City", "Island", "Region") and re.search(r",|\band\b", group) and \
                    not re.search(r"\s(?:Islands?|region)$", group):
                # "islands of Bowarin and Umm Rasas": each name is a place.
                for part in re.finditer(rf"{p.name.pattern}", group):
                    s, e = _strip_name(text, m.start("name") + part.start(), m.start("name") + part.end(), p)
                    if e > s:
                        out.append(_unknown(s, e, text, ptype, "place-word", 60))
                continue
            s, e = _strip_name(text, m.start("name"), m.end("name"), p)
            if e > s:
                out.append(_unknown(s, e, text, ptype, "place-word", 60))
    for m in p.apposition.finditer(text, lo, hi):
        s, e = _strip_name(text, m.start("name"), m.end("name"), p)
        if e > s:
            out.append(_unknown(s, e, text, p.apposition_types[m.group("word")], "apposition", 50))
    if p.speaker is not None:
        for m in p.speaker.finditer(text, lo, hi):
            group = "name" if m.group("name") else "name2"
            s, e = _strip_name(text, m.start(group), m.end(group), p)
            if e > s and _cap_words(text[s:e], p) >= 2:
                out.append(_unknown(s, e, text, "Person", "speaker", 40))
    for m in p.name.finditer(text, lo, hi):
        s, e = _strip_name(text, m.start(), m.end(), p)
        if e <= s:
            continue
        label = text[s:e]
        words = label.split()
        if _cap_words(label, p) >= 2 and words[0] not in p.demonyms and words[-1] not in p.demonyms:
            out.append(_unknown(s, e, text, "Entity", "capitalised-name", 10))
        elif label not in p.not_names and re.fullmatch(_CAPWORD, label):
            # A single word: kept only if resolution ties it to a known name (a surname, an acronym).
            out.append(_unknown(s, e, text, "Entity", "single-name", 5))
    return out


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
        for c in _typed_by_overlap(_select(cands), cands):
            mentions.append(Mention(doc_id=doc.doc_id, start=c.start, end=c.end, text=text[c.start:c.end],
                                    type=c.type, key=c.key, rule=c.rule, curated=c.curated))
    return mentions


_ACRONYM = re.compile(r"\s*\((?P<name>[A-Z][A-Z0-9]{1,7})\)")
_NON_LATIN = re.compile(r"\s*[\"”’]?\s*\((?P<name>[^\x00-\x7F(][^,;)]*?)\s*[,;)]")
_KNOWN_AS = re.compile(
    r"\s*(?:,\s*also\s+known|\(\s*(?:also\s+)?known)(?:\s+in\s+[A-Z]\w+)?\s+as\s+(?:the\s+)?"
    r"(?P<name>[A-ZÀ-Þ][^,;()]*?)(?:\s+in\s+[A-Z]\w+)?\s*(?=[,;)(]|\s+(?:was|is|were)\b)"
)


def find_name_facts(doc: ParsedDocument, mentions: list[Mention], lexicon: Lexicon) -> list[NameFact]:
    """Aliases and other-language labels that the text gives right after a name."""
    text = doc.text
    languages: dict[str, str] = dict(lexicon.get("script_languages") or {})
    facts: list[NameFact] = []
    for m in mentions:
        if m.rule == "single-name":
            continue
        tail = text[m.end:m.end + 200]
        a = _ACRONYM.match(tail)
        if a:
            facts.append(NameFact(doc.doc_id, m.key, a.group("name"), None, m.end + a.start("name"),
                                  m.end + a.end("name")))
        k = _KNOWN_AS.match(tail)
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
    return re.compile(rf"(?i)(?<![\w-])(?:{_alternation(words)})(?![\w-])")
