"""Find names in text: curated names from the registry, and names nobody has curated, typed by the
words around them ("General X", "Operation X", "X Division", "city of X", "X province", "X River").

Also finds what a text says about names: acronyms ("Islamic Revolution Guard Corps (IRGC)"),
"also known as" aliases, and labels in other scripts ("Liberation of Khorramshahr (آزادسازی خرمشهر)").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from ..config import Lexicon
from ..models import Mention, ParsedDocument, Registry

__all__ = ["NameFact", "Patterns", "PersonTitles", "compile_patterns", "find_mentions", "find_name_facts", "norm",
           "script_of"]

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


def _alternation(words: list[str] | tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _compile_person_titles(lexicon: Lexicon, name_particles: list[str]) -> PersonTitles:
    """The title grammar of a lexicon: titles and abbreviations chain with a space or a hyphen."""
    abbreviations: dict[str, str] = {str(k): str(v) for k, v in (lexicon.get("title_abbreviations") or {}).items()}
    titles = [*lexicon.words("person_titles"), *abbreviations]
    words = {w.rstrip(".") for t in [*titles, *abbreviations.values()] for w in t.split()}
    # An empty alternation would match everywhere; "(?!)" matches nowhere.
    title = _alternation(titles).replace(r"\ ", r"[\s-]") or "(?!)"
    before = {str(k).lower(): str(v) for k, v in (lexicon.get("person_status", "before") or {}).items()}
    status = _alternation(list(before)) or "(?!)"
    return PersonTitles(
        title=title,
        full_forms=abbreviations,
        words=frozenset(words),
        before=before,
        after={str(k): str(v) for k, v in (lexicon.get("person_status", "after") or {}).items()},
        chain=re.compile(rf"(?:(?P<status>(?i:{status}))|(?P<title>{title}))(?:\s+|-(?=\S))"),
        name_start=re.compile(rf"(?:(?:{_alternation(name_particles) or '(?!)'})(?:\s+|-))*{_CAP}"),
        ending=re.compile(rf"(?<![\w])(?:(?:{title})(?:\s+|-))*(?:{title})\s+$"),
    )


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
    person = _compile_person_titles(lexicon, hyphen_particles)
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
        titled=re.compile(person.introducing(name)),
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
        titles=person,
        name_ends={str(k): str(v) for k, v in (lexicon.get("name_ends") or {}).items()},
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
    for m in p.titled.finditer(text, p.titles.start_before(text, lo), hi):
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
            # "Korean War", "Tet Offensive": the last word of a name may say what it names.
            out.append(_unknown(s, e, text, p.name_ends.get(words[-1], "Entity"), "capitalised-name", 10))
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
        # A rank or title alone ("the General", "Lt. Gen.") names no one in particular.
        cands = [c for c in cands if c.curated or not patterns.titles.is_title_only(c.label)]
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
