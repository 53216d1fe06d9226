"""Claims stated in running text: dates of events, quantities, relations and quotations.

The text is read sentence by sentence, keeping what a reader keeps: the last city, operation or battle
named (so that "the city" and "the operation" can be resolved; before any is named, the only one the
document names, never a news dateline's place), and the last event. Events that a verb or a noun
states ("Sevastopol was captured", "the siege of X") are named from templates in the lexicon
("Occupation of {place}"); resolution keeps one a verb alone stated only when a name or the registry
knows it. Once a sentence's dates are read, a table of rules (``sentence_rules``) reads it, each for
claims of its own kind, from one shared :class:`SentenceContext`. Relations around a role or a command
phrase are :mod:`.relations`' rules, and who said what (with the last speaker) is :mod:`.quotations`'.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..config import Lexicon, type_ancestors
from ..models import Claim, ClaimValue, EntityValue, Mention, ParsedDocument, Sentence, TextValue
from ..parse import quote_spans
from .dates import DateMention, find_dates
from .infobox import EntityHint
from .names import Patterns, alternation, norm, word_re
from .quantities import QuantityLexicon, QuantityMention, find_quantities, side_before
from .quotations import Attribution
from .refs import Ref, is_a
from .relations import make_rules, role_persons

__all__ = ["StatementResult", "extract_statements"]


@dataclass
class StatementResult:
    """Claims and minted events from a document's running text."""

    claims: list[Claim] = field(default_factory=list)
    hints: list[EntityHint] = field(default_factory=list)
    unattached_dates: int = 0



def _words_between(text: str, a: int, b: int) -> int:
    return len(re.findall(r"[\w’'-]+", text[a:b])) if b > a else 0


def _dateline(doc: ParsedDocument, mentions: list[Mention]) -> tuple[int, int] | None:
    """The span of a news dateline's place ("ZAGREB - Veterans marched ...", "BAGHDAD, May 3 (Reuters) - "):
    where the report was filed, not what "the city" of the text refers to."""
    if not doc.sentences or doc.document.meta.kind != "news":
        return None
    first = doc.sentences[0].start
    m = next((m for m in mentions if m.start == first and m.rule != "single-name"), None)
    if m is None or not is_a(m.type, ["Place"]):
        return None
    # The report's first word follows the dash: "Kursk – a city on the Seym – ..." is no dateline.
    if re.match(r"(?:,[^\n\-–—]{0,40})?\s+[-–—]\s+[A-Z\"“]", doc.text[m.end:m.end + 48]):
        return (m.start, m.end)
    return None


# What ends a clause: a semicolon, or ", and" followed by a new subject (an article or a capital).
_CLAUSE_BREAK = re.compile(r";|,\s+(?:and|but|while)\s+(?=(?:the|a|an|The)\s|[A-Z])")

# An auxiliary between a name and its verb ("X, in the south of Y, was taken").
_AUXILIARY = r"(?:(?:was|were|is|are|had been|has been)\s+)?"
# A place inside an apposition right before the verb: ", in the south of Y, was".
_CLOSES_APPOSITION = re.compile(rf"\s*,\s*{_AUXILIARY}")
_OPENS_APPOSITION = re.compile(r",\s+(?:in|of|near|on|north of|south of|east of|west of)\s[^,;]*$")

# A number right after a verb (a hedge word aside) and a common noun after it: what the verb counts
# ("captured some 9,000 troops"; not "freed on 9 March", nor the year of "captured in 1944 by").
_COUNTED_OBJECT = re.compile(r"\s+(?:[a-z]+\s+)?\d{1,3}(?:,\d{3})*(?![\d,])\s+[a-z]")


# Between an event's name and its date: "on", "in", a comma ("the Battle of X, on 30 August").
_DATE_AFTER_NAME = re.compile(r",?\s+(?:on|in)\s+|\s*\(\s*")


def _is_singular(m: re.Match[str]) -> bool:
    """Whether an event noun was found as the lexicon writes it, not with a plural -s ("attacks")."""
    return m.groupdict().get("plural") is None


def _in_parentheses(text: str, lo: int, at: int) -> bool:
    """Whether a position of a sentence stands inside a parenthesis that closes later: the last "(" before
    it is not closed before it (sources leave some unclosed: then it is not inside)."""
    opening = text.rfind("(", lo, at)
    return opening >= 0 and text.find(")", opening, at) < 0 and text.find(")", at) >= 0


def _in_apposition(text: str, p: Ref, verb: int) -> bool:
    """Whether a place stands inside ", in ... P," right before a verb: it is not the verb's subject."""
    return bool(_CLOSES_APPOSITION.fullmatch(text, p.end, verb)
                and _OPENS_APPOSITION.search(text, max(0, p.start - 60), p.start))


# After a name, another name of the same list: ", Iran and Iraq", " and Syria".
_LIST_GOES_ON = re.compile(r"\s*(?:,\s*|\s+and\s+|\s+or\s+)(?:the\s+)?[A-Z]")

# Between a force and its verb: an auxiliary or an adverb or two ("VII Corps then attacked").
_VERB_GAP = re.compile(r"\s+(?:[a-z]+ly\s+|(?:then|also|later|first|again|had|have|has|were|was)\s+){0,2}")

# Where the words of an outcome end: the clause ends at a semicolon, a comma, or "which"/"when".
_CLAUSE_END = re.compile(r"[;,:]|\s(?:which|when|while|after|before)\s|\s[-–—]\s")

# Between a name and its verb: an apposition in commas and an auxiliary ("X, in the south of Y, was").
_APPOSITION_BEFORE_VERB = re.compile(rf"\s*,[^,;.]{{1,80}},\s*{_AUXILIARY}")


@dataclass(frozen=True)
class SentenceContext:
    """What every rule that reads one sentence shares: its names and references (mentions, anaphora,
    demonyms, the topic's pronoun), the events its verbs and nouns state, its quotations, and the spans no
    figure is read in (its dates and quotations)."""

    sentence: Sentence
    refs: list[Ref]
    events: list[tuple[Ref, str, bool]]  # (event, event kind, stated by a verb)
    quotes: list[tuple[int, int]]
    skip: list[tuple[int, int]]


@dataclass(frozen=True)
class _PhraseRule:
    """One rule of the lexicon's `relations:`: "A <phrase> B" states A property B (or B property A)."""

    name: str
    property: str
    phrases: re.Pattern[str]
    subject_types: tuple[str, ...]
    object_types: tuple[str, ...]
    object_not: tuple[str, ...]
    first: bool  # A is the sentence's first name (its grammatical subject), not the nearest before
    reverse: bool
    gap: int
    filler: re.Pattern[str] | None  # class nouns that may stand before B ("the province of")
    not_in_list: bool = False  # B may not be followed by another name: "X, Y and Z" is a list

    @classmethod
    def read(cls, name: str, spec: dict[str, Any]) -> _PhraseRule:
        nouns = [str(w) for w in spec.get("object_of") or ()]
        filler = re.compile(rf"\s*(?:the\s+)?(?:[a-z][\w-]*\s+)?(?:{alternation(nouns)})\s+of\s+(?:the\s+)?") \
            if nouns else None
        phrases = tuple(str(p) for p in spec["phrases"])
        # A phrase of punctuation only (","): no word boundaries around it.
        pattern = word_re(phrases) if any(re.search(r"\w", p) for p in phrases) else re.compile(alternation(phrases))
        # The defaults of a rule's keys are the schema's (lexicon_schema.EXTRACTION), filled in on load.
        return cls(name, str(spec["property"]), pattern, tuple(spec["subject_types"]), tuple(spec["object_types"]),
                   tuple(spec.get("object_not") or ()), spec["subject"] == "first", bool(spec["reverse"]),
                   int(spec["max_gap"]), filler, bool(spec["not_in_list"]))


class _Walker:
    def __init__(self, doc: ParsedDocument, mentions: list[Mention], patterns: Patterns,
                 ql: QuantityLexicon, lexicon: Lexicon, topic: str | None, topic_type: str | None,
                 topic_names: tuple[str, ...] = (), topic_places: tuple[str, ...] = ()) -> None:
        self.doc = doc
        self.text = doc.text
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        self.p = patterns
        self.ql = ql
        self.lex = lexicon
        self.topic = topic
        self.topic_type = topic_type
        self.labels = {m.key: m.text for m in self.mentions if m.curated}
        self.last: dict[str, Ref] = {}
        self.last_event: Ref | None = None
        self.last_named: Ref | None = None  # the last event the text named (not one a verb states)
        self.context_war: Ref | None = None  # the war the document's registry events are part of
        self.combatants: frozenset[str] = frozenset()  # the infobox's combatants, on every side
        self.last_of_kind: dict[str, Ref] = {}  # event kind -> the last event of that kind a verb or noun stated
        self.event_places: dict[tuple[int, int], Ref] = {}  # span of an event's verb or noun -> its place
        self.out = StatementResult()
        # Names only an apposition or a command phrase shows to be persons ("Jan X, chief of staff
        # of ..."): typed here for every rule of this document, and for resolution through a hint.
        self.persons = role_persons(self.text, self.mentions, lexicon)
        for key, label in sorted(self.persons.items()):
            self.out.hints.append(EntityHint(doc.doc_id, key, label, "Person", "text-role-person"))
        self.said = Attribution(self.text, self.mentions, set(self.persons), lexicon)
        self.relation_rules = make_rules(lexicon)
        # The rules run on each sentence once its dates are read, in this order: each states claims of
        # its own kind from the shared context.
        self.sentence_rules: tuple[Callable[[SentenceContext], None], ...] = (
            self._quantities, self._relations, self._place_events, self._results, self._combatants,
            self._quotations)
        self.phrase_rules = [_PhraseRule.read(name, spec) for name, spec in (lexicon.get("relations") or {}).items()
                             if spec.get("phrases")]
        self.dateline = _dateline(doc, self.mentions)
        self.only: dict[str, Ref | None] = {}
        self._read_lexicon(lexicon)
        self.main_place = self._main_place()
        pronouns = lexicon.words("topic_pronouns")
        self.topic_pronoun = re.compile(rf"(?:{'|'.join(map(re.escape, pronouns))})(?![\w-])") if pronouns else None
        self.prev_about_topic = False
        names = "|".join(re.escape(n) for n in sorted(set(topic_names), key=len, reverse=True) if n)
        # A sentence that opens with the topic's name; and where the infobox says the topic took place.
        self.topic_opening = re.compile(rf"(?i)(?:the\s+)?(?:{names})(?![\w-])") if names else None
        self.topic_places = frozenset(topic_places)

    def _read_lexicon(self, lexicon: Lexicon) -> None:
        """The words of the lexicon the sentence rules read, compiled once for the document."""
        self.events = lexicon.get("events") or {}
        self.phrasal = {kind: p for kind, spec in self.events.items() if (p := self._phrasal_re(spec)) is not None}
        # The event nouns of each kind, singular or with a plural -s ("the gas attacks"): several events.
        self.noun_res = {
            kind: re.compile(rf"(?i)(?<![\w-])(?:{alternation(str(w) for w in nouns)})(?P<plural>s)?(?![\w-])")
            for kind, spec in self.events.items() if (nouns := spec.get("nouns"))}
        self.anaphora: dict[str, tuple[str, ...]] = {
            t: tuple(ws) for t, ws in (lexicon.get("anaphora") or {}).items()}
        self.start_words = word_re(lexicon.words("start_words") or ("launched",))
        self.anniversary = word_re(lexicon.words("anniversary_words") or ("anniversary",))
        self.life = word_re(lexicon.words("life_words") or ("died",))
        self.durations: dict[str, dict[str, Any]] = lexicon.get("durations") or {}
        self.roles = word_re(lexicon.words("apposition_roles") or ("commander",))
        self.list_sections = set(lexicon.words("list_sections"))
        self.end_words = word_re(lexicon.words("end_words") or ("ended",))
        nouns = [str(n) for spec in self.events.values() for n in spec.get("nouns") or ()]
        self.event_nouns = re.compile(
            rf"(?i)\b(?P<event>(?:a|an)\s+(?:[a-z][\w-]*\s+){{0,2}}(?:{alternation(nouns)}))\s+(?:by|of)\s+"
            rf"(?:[a-z]+\s+){{0,2}}$") if nouns else None  # a hedge may stand before the number ("about")
        self.indefinite_event = re.compile(
            rf"(?<![\w-])(?:[Aa]|[Aa]n)\s+(?:[a-z][\w-]*\s+){{0,2}}(?:{alternation(nouns)})(?![\w-])"
        ) if nouns else None
        part, phase = lexicon.words("part_words"), lexicon.words("phase_words")
        self.phase_words = word_re(phase) if phase else None
        self.part_words = word_re(part + phase) if part or phase else None
        distance = lexicon.words("time_distance_words")
        # The number, its unit of time, then the word: "twenty years after", "two days later".
        self.time_distance = re.compile(rf"\S+\s+\S+\s+(?:{alternation(distance)})(?![\w-])") if distance else None
        results = lexicon.words("result_phrases")
        self.result_words = word_re(results) if results else None
        combat = lexicon.words("combat", "verbs")
        self.combat = word_re(combat) if combat else None
        forces = lexicon.words("combat", "force_nouns")
        self.force_nouns = re.compile(rf"\s+(?:{alternation(list(forces))})(?![\w-])") if forces else None
        during = lexicon.words("during_words")
        self.during = word_re(during) if during else None

    def _main_place(self) -> Ref | None:
        """The place a document is most about: its most often named town, region or island (a street or a
        memorial is no place a siege or an occupation is named after)."""
        counts: dict[str, int] = {}
        first: dict[str, Mention] = {}
        for m in self.mentions:
            if m.rule != "single-name" and is_a(m.type, ["City", "Region", "Island"]) \
                    and (m.start, m.end) != self.dateline:
                counts[m.key] = counts.get(m.key, 0) + 1
                first.setdefault(m.key, m)
        if not counts:
            return None
        key = max(counts, key=lambda k: (counts[k], -first[k].start))
        m = first[key]
        return Ref(m.start, m.end, m.key, m.type, m.text, "mention")

    # -- references -------------------------------------------------------------------------
    def _mentions_in(self, s: Sentence) -> list[Mention]:
        i = bisect_left(self.starts, s.start)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < s.end:
            out.append(self.mentions[i])
            i += 1
        return out

    def _refs(self, s: Sentence, quotes: list[tuple[int, int]]) -> list[Ref]:
        refs = [
            Ref(m.start, m.end, m.key, "Person" if m.key in self.persons and m.type == "Entity" else m.type,
                m.text, "mention")
            for m in self._mentions_in(s)
            if m.rule != "single-name" and not any(a <= m.start < b for a, b in quotes)
            and (m.start, m.end) != self.dateline
        ]
        for type_, phrases in self.anaphora.items():
            prev = self._antecedent(type_, s.end)
            if prev is None:
                continue
            # Whole words only, hyphens included: "the battle-hardened Guard" refers to no battle.
            alternation = "|".join(re.escape(p) for p in phrases)
            for m in re.finditer(rf"(?i)(?<![\w-])(?:{alternation})(?![\w-])", self.text[s.start:s.end]):
                a, b = s.start + m.start(), s.start + m.end()
                if any(r.start <= a < r.end for r in refs):
                    continue
                # "the city of X" names the city itself: not an anaphor.
                if re.match(r"\s+of\s+[A-Z]", self.text[b:b + 5]):
                    continue
                refs.append(Ref(a, b, prev.key, prev.type, prev.label, "anaphor"))
        if self.p.demonym_re is not None:
            for d in self.p.demonym_re.finditer(self.text, s.start, s.end):
                if not any(r.start <= d.start() < r.end for r in refs):
                    key = self.p.demonyms[d.group(0)]
                    refs.append(Ref(d.start(), d.end(), key, self.p.registry_types.get(key, "Country"),
                                     d.group(0), "demonym"))
        return sorted(refs, key=lambda r: r.start)

    def _topic_pronoun(self, s: Sentence) -> Ref | None:
        """A sentence that opens with "It" right after a sentence that opens with the article's topic is
        about the topic too ("Operation X was ... . It was fought from ..."); anywhere else "It" is left
        alone, since it may mean anything named before."""
        if self.topic is None or self.topic_pronoun is None or not self.prev_about_topic:
            return None
        m = self.topic_pronoun.match(self.text, s.start, s.end)
        if m is None:
            return None
        return Ref(m.start(), m.end(), self.topic, self.topic_type or "Event", self.topic, "anaphor")

    def _opens_with_topic(self, s: Sentence, refs: list[Ref]) -> bool:
        if self.topic_opening is not None and self.topic_opening.match(self.text, s.start, s.end):
            return True
        first = min(refs, key=lambda r: r.start) if refs else None
        return first is not None and first.key == self.topic and not self.text[s.start:first.start].strip(" \"'(")

    def _antecedent(self, type_: str, until: int) -> Ref | None:
        """What "the city" (of this class) refers back to: the last one named; before any is named, the
        topic if it is a battle, else the only one of its class the document names up to the end of this
        sentence (a dateline aside): "the city" never means a city only named later."""
        prev = self.last.get(type_)
        if prev is None and type_ == "Battle" and self.topic and self.topic_type == "Battle":
            prev = Ref(0, 0, self.topic, "Battle", self.topic, "anaphor")
        if prev is None:
            prev = self._only_of_class(type_, until)
        return prev if prev is not None or type_ != "War" else self.context_war

    def _only_of_class(self, type_: str, until: int) -> Ref | None:
        """The one entity of this class the document's running text names before ``until``, if it names one."""
        if type_ not in self.only:
            running = [(s.start, s.end) for s in self.doc.sentences if s.section not in self.list_sections]
            only = {m.key: m for m in self.mentions if m.rule != "single-name" and m.type == type_
                    and (m.start, m.end) != self.dateline and any(a <= m.start < b for a, b in running)}
            m = next(iter(only.values())) if len(only) == 1 else None
            self.only[type_] = Ref(m.start, m.end, m.key, m.type, m.text, "mention") if m else None
        only_one = self.only[type_]
        return only_one if only_one is not None and only_one.start < until else None

    def _label(self, ref: Ref) -> str:
        return self.labels.get(ref.key, ref.label)

    def _event_refs(self, s: Sentence, refs: list[Ref], quotes: list[tuple[int, int]]) -> list[tuple[Ref, str, bool]]:
        """Events stated by a verb or noun and the place nearest to it: (event, event kind, is verb)."""
        places = [r for r in refs if is_a(r.type, ["Place"]) and r.kind != "demonym"]
        found: list[tuple[Ref, str, bool]] = []
        # "took the city back": the verb of a phrasal verb is not also the plain verb ("taken" = captured).
        phrasal = {m.start() for kind in self.events for m in self._phrasal(kind, s)}
        for kind, spec in self.events.items():
            for is_verb, matches in ((True, self._verbs(kind, s, phrasal)), (False, self._nouns(kind, s))):
                for m in matches:
                    if any(a <= m.start() < b for a, b in quotes) or self._inside_name(m):
                        continue
                    ref = self._event_ref(s, refs, m, kind, spec, is_verb, places)
                    if ref is not None:
                        found.append((ref, kind, is_verb))
        return found

    def _verbs(self, kind: str, s: Sentence, phrasal: set[int]) -> list[re.Match[str]]:
        words = tuple(self.events[kind].get("verbs") or ())
        plain = [m for m in word_re(words).finditer(self.text, s.start, s.end) if m.start() not in phrasal] \
            if words else []
        return plain + self._phrasal(kind, s)

    def _nouns(self, kind: str, s: Sentence) -> list[re.Match[str]]:
        pattern = self.noun_res.get(kind)
        return list(pattern.finditer(self.text, s.start, s.end)) if pattern is not None else []

    @staticmethod
    def _phrasal_re(spec: dict[str, Any]) -> re.Pattern[str] | None:
        """"took … back": the verb, matched alone, when its particle follows within three words (the
        place may stand between: "took the city back")."""
        alts = []
        for phrase in spec.get("phrasal_verbs") or ():
            verb, _, particle = str(phrase).partition(" … ")
            alts.append(rf"{re.escape(verb)}(?=\s+(?:[\w’'-]+\s+){{0,3}}?{re.escape(particle)}\b)")
        return re.compile(rf"(?<![\w-])(?:{'|'.join(alts)})") if alts else None

    def _phrasal(self, kind: str, s: Sentence) -> list[re.Match[str]]:
        pattern = self.phrasal.get(kind)
        return list(pattern.finditer(self.text, s.start, s.end)) if pattern is not None else []

    def _duration(self, s: Sentence, refs: list[Ref], events: list[tuple[Ref, str, bool]],
                  q: QuantityMention) -> None:
        """"The siege lasted 872 days", "remained under occupation for 1,000 days": a length of time in a
        sentence with the words of one of the lexicon's `durations` is how long that kind of event lasted:
        the one the sentence states, else the one named after the place nearest to the figure. With a
        `place_property`, the length is stated of the place too (how long it was occupied)."""
        # The words must stand near the figure: "two days of fighting" in a sentence that also says
        # "besieged" is no length of the siege.
        near = self.text[max(s.start, q.start - 60):min(s.end, q.end + 40)]
        if self.time_distance is not None and self.time_distance.match(self.text, q.start):
            return  # "twenty years after the war began": a distance in time, no length of anything
        for name, spec in self.durations.items():
            if not word_re(tuple(spec.get("words") or ())).search(near):
                continue
            kind = str(spec["event"])
            places = [r for r in refs if is_a(r.type, ["City", "Region", "Island"])]
            place = min(places, key=lambda r: abs(r.start - q.start)) if places else None
            stated = [e[0] for e in events if e[1] == kind]
            if stated:
                subject = min(stated, key=lambda r: abs(r.start - q.start)).key
            elif place is not None:
                event = self.events.get(kind, {})
                label = str(event.get("label", "{place}")).format(place=self._label(place))
                subject = "~" + norm(label)
                self.out.hints.append(EntityHint(self.doc.doc_id, subject, label, str(event.get("type", "Event")),
                                                 f"event-{kind}-duration"))
            else:
                continue
            self._claim(subject, "duration", q.quantity, q.start, q.end, f"text-duration-{name}")
            if spec.get("place_property") and place is not None:
                self._claim(place.key, str(spec["place_property"]), q.quantity, q.start, q.end,
                            f"text-{spec['place_property']}")
            return

    def _combatants(self, c: SentenceContext) -> None:
        """"Bavarian troops attacked the village of X", "VII Corps attacked the line", "was caught by the
        Army of Y": a force (a unit or organisation named, or a people's forces) that is the subject or
        the agent of one of `combat.verbs` took part in the event: the one the verb itself states, else the
        event the sentence names, else the article's own event when the sentence names no other."""
        if self.combat is None:
            return
        for m in self.combat.finditer(self.text, c.sentence.start, c.sentence.end):
            force = self._force_before(c.refs, m.start()) or self._agent_after(c.refs, m.end())
            event = self._combat_event(c, m)
            if force is not None and event is not None and force.key != event.key:
                self._claim(event.key, "participant", EntityValue(force.key), min(force.start, m.start()),
                            max(force.end, m.end()), "text-combatant-verb")

    def _force_before(self, refs: list[Ref], at: int) -> Ref | None:
        """The force right before a combat verb: a unit or organisation, or "<demonym> <force noun>"."""
        for r in reversed(refs):
            if r.end > at:
                continue
            gap = self.text[r.end:at]
            if r.kind == "mention" and is_a(r.type, ["Organization"]) and _VERB_GAP.fullmatch(gap):
                return r
            # "German artillery" in an article whose sides are other states: the demonym names no combatant.
            if r.kind == "demonym" and self.force_nouns is not None and (
                    not self.combatants or r.key in self.combatants):
                noun = self.force_nouns.match(self.text, r.end)
                if noun and _VERB_GAP.fullmatch(self.text, noun.end(), at):
                    return r
            return None
        return None

    def _agent_after(self, refs: list[Ref], at: int) -> Ref | None:
        """"was caught by the Army of Y": the unit or organisation after "by" is the verb's subject."""
        by = re.match(r"\s+by\s+(?:the\s+)?", self.text[at:at + 12])
        if by is None:
            return None
        return next((r for r in refs if r.start == at + by.end() and r.kind == "mention"
                     and is_a(r.type, ["Organization"])), None)

    def _combat_event(self, c: SentenceContext, m: re.Match[str]) -> Ref | None:
        stated = [e[0] for e in c.events if e[2] and e[0].start == m.start()]
        if stated:
            return stated[0]
        # Events the sentence names, not "the battle": an anaphor may point to a battle the story has left.
        named = [r for r in self._named_events(c.refs) if r.kind == "mention"]
        if named:
            return min(named, key=lambda r: abs(r.start - m.start()))
        if self.topic and is_a(self.topic_type or "", ["Event"]) and not c.events and self.doc.infobox \
                and not self._named_events(c.refs):
            return Ref(m.start(), m.end(), self.topic, self.topic_type or "Event", self.topic, "anaphor")
        return None

    def _results(self, c: SentenceContext) -> None:
        """"The operation resulted in the liberation of X and 70 villages": what an event named (or
        referred to) before one of `result_phrases` had as its outcome, in the words of the text, up to the
        end of the clause. A value that opens with a number or a date is no outcome ("ended in 1988")."""
        if self.result_words is None:
            return
        s = c.sentence
        # Named events and references to them, and events a noun states ("The offensive resulted in").
        refs = sorted([r for r in c.refs if r.kind in ("mention", "anaphor")] + [e[0] for e in c.events if not e[2]],
                      key=lambda r: r.start)
        for m in self.result_words.finditer(self.text, s.start, s.end):
            subject = next((r for r in reversed(refs) if r.end <= m.start() and is_a(r.type, ["Event"])
                            and r.type != "War" and not self.text[r.end:m.start()].strip(" ,")), None)
            if subject is None:
                continue
            end = _CLAUSE_END.search(self.text, m.end(), s.end)
            stop = end.start() if end else s.end
            value = re.sub(r"^\s*(?:the\s+)?", "", self.text[m.end():stop]).rstrip(" .")
            if len(value.split()) >= 2 and not re.match(r"[\d(]", value):
                self._claim(subject.key, "result", TextValue(value), subject.start, stop, "text-result")

    def _place_events(self, c: SentenceContext) -> None:
        """"Iranian troops took the city back during Operation X": the place of a verb-stated event is
        stated to have had it during the named event that follows `during_words` in the same clause."""
        if self.during is None:
            return
        s, refs = c.sentence, c.refs
        for ev, kind, _ in c.events:
            prop = self.events.get(kind, {}).get("place_during")
            place = self.event_places.get((ev.start, ev.end))
            if not prop or place is None or place.kind not in ("mention", "anaphor"):
                continue
            _, b = self._clause(s, ev.start, ev.end)
            for m in self.during.finditer(self.text, ev.end, b):
                target = next((r for r in self._named_events(refs) if r.start >= m.end()
                               and re.fullmatch(r"\s*(?:the\s+)?", self.text[m.end():r.start])), None)
                if target is not None and target.key != place.key:
                    self._claim(place.key, str(prop), EntityValue(target.key), ev.start, target.end,
                                f"text-{prop}")
                    break

    def _event_ref(self, s: Sentence, refs: list[Ref], m: re.Match[str], kind: str, spec: dict[str, Any],
                   is_verb: bool, places: list[Ref]) -> Ref | None:
        """The event a verb or noun of the lexicon's patterns states, named after its place; or the
        article's own event where the words describe it; None where no place names it."""
        if is_verb and _COUNTED_OBJECT.match(self.text, m.end()):
            return None  # "captured some 9,000 troops": the verb counts prisoners, it takes no place
        place = self._place_for(self.text, m.start(), m.end(), places)
        # "the siege", "the gas attacks": the article and at most two lower-case modifiers.
        before = self.text[max(s.start, m.start() - 30):m.start()]
        definite = place is None and not is_verb and re.search(
            r"(?<![\w-])[Tt]he\s+(?:[a-z][\w-]*\s+){0,2}$", before) is not None
        same_kind = self.last_of_kind.get(kind)
        if definite and same_kind is not None and _is_singular(m):
            # "The siege lasted 1,425 days": the siege the text has stated before ("the siege of X").
            return Ref(m.start(), m.end(), same_kind.key, same_kind.type, same_kind.label, "anaphor")
        named_before = [r for r in self._named_events(refs) if r.end <= m.start()] or \
            ([self.last_named] if self.last_named is not None else [])
        if definite and named_before and not (self.topic and is_a(self.topic_type or "", ["Event"])):
            # "When the offensive was halted ...": a definite description of an event the text has named.
            last = named_before[-1]
            return Ref(m.start(), m.end(), last.key, last.type, last.label, "anaphor")
        if definite and self.main_place is not None and self.main_place.start < m.start():
            # "the siege": a definite description of the event the document is about (at a place the text
            # has named by then: "the siege" of a first sentence is not of a city named at the end).
            place = self.main_place
        if place is not None and is_a(place.type, list(spec["not_places"])):
            return None  # a place the event is never named after (a country)
        label = str(spec["label"]).format(place=self._label(place)) if place else None
        topic_here = definite and (place is None or place.key in self.topic_places)
        if self.topic and is_a(self.topic_type or "", ["Event"]) and not is_verb and (
                topic_here or self._describes_topic(s, refs, m.start())):
            # "Operation X was a Soviet offensive near Y", or "the offensive" in an article about an
            # operation fought there: the article's own event, not a second one. (The label is kept for
            # the events it ends: "the recapture of X" still ends the occupation of X.)
            return Ref(m.start(), m.end(), self.topic, self.topic_type or "Event", label or self.topic, "event")
        # "Two of the deadliest attacks": several events are no one event of a place.
        if place is None or label is None or (not is_verb and not _is_singular(m)):
            return None
        if self.topic and place.key in self.topic_places and is_a(self.topic_type or "", [str(spec.get("type"))]):
            # "this assault to X" in an article about an attack on X: the article's own event.
            return Ref(m.start(), m.end(), self.topic, self.topic_type or "Event", label, "event")
        key = "~" + norm(label)
        type_ = str(spec["type"])
        # A verb states that something happened ("X was recaptured"), a noun names it ("the siege of X"):
        # resolution mints an event a verb alone stated only when a name or the registry knows it.
        by_place = not is_verb and m.group(0).lower() in {str(w).lower() for w in spec.get("named_by_place") or ()}
        self.out.hints.append(EntityHint(self.doc.doc_id, key, label, type_, f"event-{kind}" + (
            "-verb" if is_verb else ""), place.key if by_place else None))
        self.event_places[(m.start(), m.end())] = place
        ref = Ref(m.start(), m.end(), key, type_, label, "event")
        self.last_of_kind[kind] = ref
        return ref

    def _describes_topic(self, s: Sentence, refs: list[Ref], at: int) -> bool:
        """"Operation X was a Soviet offensive near Y": in a sentence that opens with the article's event,
        "a/an ... <event noun>" says what the topic was, not a second event."""
        if self.topic is None or not is_a(self.topic_type or "", ["Event"]) or not self._opens_with_topic(s, refs):
            return False
        return re.search(r"(?i)\b(?:was|is|were)\s+(?:an?|the)\s+(?:[\w-]+\s+){0,3}$",
                         self.text[max(s.start, at - 50):at]) is not None

    def _inside_name(self, m: re.Match[str]) -> bool:
        """A capitalised event word followed by another capitalised word is part of a name, not an
        event the sentence states: "Liberation Day", "Victory Square", "Siege Museum"."""
        return m.group(0)[:1].isupper() and re.match(r"\s+[A-Z]", self.text[m.end():m.end() + 2]) is not None

    @staticmethod
    def _place_for(text: str, a: int, b: int, places: list[Ref]) -> Ref | None:
        after = [p for p in places if 0 <= p.start - b <= 60 and len(text[b:p.start].split()) <= 6]
        if after:
            best = min(after, key=lambda p: (p.start - b, is_a(p.type, ["Country", "Province"])))
            if not is_a(best.type, ["Country"]) or len(after) == 1:
                return best
        before = [p for p in places if 0 <= a - p.end <= 80]
        if before:
            # "Sevastopol was captured": a place named before the verb; never a whole country.
            non_country = [p for p in before if not is_a(p.type, ["Country"])]
            # "X, in the province of Y, was taken": the place before the apposition is the subject, and
            # Y, inside it, is not (whether or not X is known to be a place).
            subject = [p for p in non_country if _APPOSITION_BEFORE_VERB.fullmatch(text, p.end, a)]
            outside = [p for p in non_country if not _in_apposition(text, p, a)]
            return subject[0] if subject else max(outside, key=lambda p: p.end) if outside else None
        return after[0] if after else None

    # -- claims -----------------------------------------------------------------------------
    def _claim(self, subject: str, prop: str, value: ClaimValue | None, a: int, b: int, rule: str, *,
               side: str | None = None, side_label: str | None = None, scope: str | None = None) -> None:
        self.out.claims.append(Claim(doc_id=self.doc.doc_id, subject=subject, property=prop, value=value,
                                     start=a, end=b, rule=rule, side=side, side_label=side_label, scope=scope))

    def _unnamed_event_before(self, s: Sentence, at: int) -> str | None:
        """"a last attack by about 300 soldiers": a figure counted for an event the text does not name (an
        indefinite event noun of the lexicon right before it) is that event's, not the whole battle's."""
        if self.event_nouns is None:
            return None
        m = self.event_nouns.search(self.text, max(s.start, at - 60), at)
        if m:
            return m.group("event")
        # "a second attack on 28 August 1995 killed 43": the figure of the unnamed event its clause opens with.
        lo, _ = self._clause(s, at, at)
        m = self.indefinite_event.search(self.text, lo, at) if self.indefinite_event is not None else None
        return m.group(0) if m else None

    def _part_of_event(self, s: Sentence, a: int, b: int, words: re.Pattern[str] | None) -> str | None:
        """The words of the clause that make a figure or date one of a part of the event ("on the first
        day of the battle", "the first phase"), if any: such a value is not the whole event's."""
        if words is None:
            return None
        lo, hi = self._clause(s, a, b)
        m = words.search(self.text, lo, hi)
        return m.group(0) if m else None

    def _opener_date(self, s: Sentence, refs: list[Ref], d: DateMention) -> tuple[Ref, str] | None:
        """"The war ended in August 1988", "It began on 4 May": a sentence that opens with an event (a war
        too), then a start or end word, then the date, gives that event's start or end."""
        first = min(refs, key=lambda r: r.start) if refs else None
        if first is None or not is_a(first.type, ["Event"]) or first.kind not in ("mention", "anaphor"):
            return None
        if self.text[s.start:first.start].strip() not in ("", "The", "the"):
            return None
        between = self.text[first.end:d.start]
        if len(between.split()) > 4:
            return None
        if self.end_words.search(between):
            return first, "endTime"
        if self.start_words.search(between):
            return first, "startTime"
        return None

    def _named_events(self, refs: list[Ref]) -> list[Ref]:
        return [r for r in refs if is_a(r.type, ["Event"]) and r.type != "War" and r.kind in ("mention", "anaphor")]

    def _dates(self, s: Sentence, refs: list[Ref], events: list[tuple[Ref, str, bool]],
               quotes: list[tuple[int, int]]) -> list[DateMention]:
        para = self.text.rfind("\n", 0, s.start) + 1
        dates = [d for d in find_dates(self.text, s.start, s.end, para)
                 if not any(a <= d.start < b for a, b in quotes)]
        if not dates:
            return dates
        if self.anniversary.search(self.text, s.start, s.end):
            self.out.unattached_dates += len(dates)
            return dates
        for d in dates:
            # "X was killed on 5 May": a date next to a word of a life is a person's, not an event's.
            near_life = self.life.search(self.text, max(s.start, d.start - 40), min(s.end, d.end + 40))
            found = None if near_life else self._date_subject(s, refs, events, d)
            if found is None:
                self.out.unattached_dates += 1
                continue
            subject, prop, kind = found
            phase = self._part_of_event(s, d.start, d.end, self.phase_words)
            if phase is not None:
                # "The first phase lasted from X to Y": the dates of a phase do not bound the operation.
                for value in (d.first, d.last) if d.last is not None else (d.first,):
                    self._claim(subject.key, "statedDate", value, d.start, d.end, "text-date-of-a-phase",
                                scope=phase)
                continue
            rule = "text-date" + (f"-{kind}" if kind else "")
            if d.last is not None:
                self._claim(subject.key, "startTime", d.first, d.start, d.end, rule + "-range")
                self._claim(subject.key, "endTime", d.last, d.start, d.end, rule + "-range")
            else:
                self._claim(subject.key, prop, d.first, d.start, d.end, rule)
            if kind and subject.kind == "event":
                self._ended_event(subject, kind, d, rule)
                self._place_date(subject, kind, d)
        return dates

    def _clause(self, s: Sentence, a: int, b: int) -> tuple[int, int]:
        """The clause of a sentence that holds a span: a semicolon, or ", and" before a new subject, ends
        what a verb governs ("X began in April; the city was freed on 24 May", "X, which began in June,
        and the city was freed on 3 July": the second date is not the start of X)."""
        bounds = [m for m in _CLAUSE_BREAK.finditer(self.text, s.start, s.end)]
        before = max((m.end() for m in bounds if m.end() <= a), default=s.start)
        after = min((m.start() for m in bounds if m.start() >= b), default=s.end)
        return before, after

    def _date_subject(self, s: Sentence, refs: list[Ref], events: list[tuple[Ref, str, bool]],
                      d: DateMention) -> tuple[Ref, str, str | None] | None:
        """What a date is the date of, the property, and the kind of verb-stated event if it is one."""
        a, b = self._clause(s, d.start, d.end)
        whole = (a, b) == (s.start, s.end)
        named = [r for r in self._named_events(refs) if a <= r.start < b]
        starts = [m for m in self.start_words.finditer(self.text, a, b)]
        here = [e for e in events if a <= e[0].start < b] or (events if whole else [])

        def near(r: Ref) -> int:
            return min(abs(r.start - d.end), abs(d.start - r.end))

        sw = min(starts, key=lambda m: abs(m.start() - d.start)) if starts else None
        verbs = [e[0] for e in here if e[2]]
        # "X was freed on D, a week after the Battle of Y began": the verb next to the date governs it.
        closer_verb = sw is not None and any(near(v) < abs(sw.start() - d.start) for v in verbs)
        if sw is not None and named and not closer_verb:
            after = [r for r in named if r.start >= sw.end()] or named
            return min(after, key=lambda r: abs(r.start - sw.end())), "startTime", None
        # "defeated at the Battle of Beaumont on 30 August 1870": a named event right before its date.
        adjacent = [r for r in named if r.kind == "mention" and _DATE_AFTER_NAME.fullmatch(self.text, r.end, d.start)]
        if adjacent and not d.is_range:
            return adjacent[-1], "pointInTime", None
        for want_verb in (True, False):
            cands = [e for e in here if e[2] == want_verb]
            if cands:
                ev, kind, _ = min(cands, key=lambda e: near(e[0]))
                prop = str(self.events[kind]["property"])
                if prop == "pointInTime" and sw is not None and not closer_verb:
                    prop = "startTime"
                elif not starts and self.end_words.search(self.text, a, b):
                    prop = "endTime"  # "ended the offensive on D": an end, whatever the event's usual date
                return ev, prop, kind
        if d.is_range and named:
            return min(named, key=near), "startTime", None
        opener = self._opener_date(s, refs, d)
        return (opener[0], opener[1], None) if opener else None

    def _ended_event(self, subject: Ref, kind: str, d: DateMention, rule: str) -> None:
        """"The liberation of X on D" also ends the occupation of X: the event kind the lexicon says it ends."""
        ends = self.events.get(kind, {}).get("ends")
        if not ends:
            return
        spec = self.events[ends]
        template = str(self.events[kind].get("label", "{place}"))
        prefix, _, suffix = template.partition("{place}")
        place_label = subject.label[len(prefix):len(subject.label) - len(suffix) or None]
        label = str(spec["label"]).format(place=place_label)
        key = "~" + norm(label)
        self.out.hints.append(EntityHint(self.doc.doc_id, key, label, str(spec["type"]),
                                         f"event-{ends}-ended"))
        self._claim(key, "endTime", d.last or d.first, d.start, d.end, rule + "-ends-" + ends)

    def _place_date(self, subject: Ref, kind: str, d: DateMention) -> None:
        """"Bonn was freed on 9 March 1945": the date is also stated of the place itself, by the
        property the lexicon gives the event kind (`place_date`), for one day, month or year only."""
        prop = self.events.get(kind, {}).get("place_date")
        place = self.event_places.get((subject.start, subject.end))
        if prop and place is not None and d.last is None and place.kind in ("mention", "anaphor"):
            self._claim(place.key, str(prop), d.first, d.start, d.end, f"text-{prop}")

    def _subject_for_quantity(
        self, pos: int, end: int, refs: list[Ref], events: list[tuple[Ref, str, bool]]
    ) -> str | None:
        named = self._named_events(refs)
        if named:
            return min(named, key=lambda r: abs(r.start - pos)).key
        # "captured 9,000 soldiers", "thousands killed, wounded, or captured": a verb that counts the
        # number does not name its event.
        events = [e for e in events if not (pos - 15 <= e[0].start <= end + 25)]
        if events:
            return min(events, key=lambda e: abs(e[0].start - pos))[0].key
        if self.last_event is not None:
            return self.last_event.key
        return self.topic

    def _quantities(self, c: SentenceContext) -> None:
        s, refs, events, skip = c.sentence, c.refs, c.events, c.skip
        countries = [(r.start, r.key, r.label) for r in refs
                     if is_a(r.type, ["Country"]) or (r.kind == "mention" and is_a(r.type, ["Organization"]))]
        for q in find_quantities(self.text, s.start, s.end, self.ql, self.p, skip):
            if q.property == "duration":
                self._duration(s, refs, events, q)
                continue
            subject = self._subject_for_quantity(q.start, q.end, refs, events)
            if subject is None:
                continue
            side, side_label = q.side, q.side_label
            if side is None and side_label is None and q.property != "proportion":
                side, side_label = side_before(self.text, s.start, q.start, self.p, countries)
            part = self._part_of_event(s, q.start, q.end, self.part_words) or self._unnamed_event_before(s, q.start)
            if part is not None:
                # A figure of one day or phase, in a sentence about the whole event: kept as words only.
                self._claim(subject, "statedFigure", q.quantity, q.start, q.end, "text-figure-of-a-part",
                            side=side, side_label=side_label, scope=part)
            else:
                self._claim(subject, q.property, q.quantity, q.start, q.end, f"text-{q.property}",
                            side=side, side_label=side_label)
            if q.property == "numberOfParticipants":
                # "70,000 Iranian Army troops and Revolutionary Guards": the forces counted took part (in the
                # whole event too, when the figure is of one of its phases).
                for r in refs:
                    if r.kind == "mention" and q.start <= r.start < q.end and is_a(r.type, ["Organization"]) \
                            and r.key != subject:
                        self._claim(subject, "participant", EntityValue(r.key), q.start, q.end,
                                    "text-participants-counted")

    def _relations(self, c: SentenceContext) -> None:
        s, refs, events, quotes = c.sentence, c.refs, c.events, c.quotes
        outside = [r for r in sorted(refs + [e[0] for e in events], key=lambda r: r.start)
                   if not any(a <= r.start < b for a, b in quotes)]
        for rule in self.phrase_rules:
            for m in rule.phrases.finditer(self.text, s.start, s.end):
                # "commanded by X", "joined by X": the passive states the reverse (see relations.py).
                if any(a <= m.start() < b for a, b in quotes) or re.match(r"\s+by\b", self.text[m.end():m.end() + 4]):
                    continue
                self._phrase_relation(rule, m, outside, s)
        self._apposition_roles(s, refs)
        for relation_rule in self.relation_rules:
            for f in relation_rule.find(self.text, s.start, s.end, refs):
                self._claim(f.subject, f.property, EntityValue(f.object), f.start, f.end, f.rule)

    def _phrase_relation(self, rule: _PhraseRule, m: re.Match[str], refs: list[Ref], s: Sentence) -> None:
        """"A <phrase> B": A the name before the phrase (or the sentence's first), B the name after it."""
        before = [r for r in refs if r.end <= m.start() and is_a(r.type, rule.subject_types)]
        # Events minted from a verb are never objects: "launched an assault on X" does not say which.
        # Events minted from a verb are never objects, nor is a people ("Sevastopol, the Russians").
        after = [r for r in refs if r.start >= m.end() and is_a(r.type, rule.object_types)
                 and r.kind not in ("event", "demonym") and not is_a(r.type, rule.object_not)]
        if not before or not after or _in_parentheses(self.text, s.start, m.start()):
            return  # "the Rhine (the Rijn in the Netherlands)": a parenthesis names, it states nothing
        a = before[0] if rule.first else self._head_of_apposition(before[-1], refs, m.start(), s.start)
        b = after[0]
        if a is None or not is_a(a.type, rule.subject_types) or not self._phrase_gaps(rule, a, m, b):
            return
        if rule.not_in_list and _LIST_GOES_ON.match(self.text, b.end):
            return
        for o in self._coordinated(b, after):
            if a.key != o.key:
                subj, obj = (o, a) if rule.reverse else (a, o)
                self._claim(subj.key, rule.property, EntityValue(obj.key), min(a.start, m.start()),
                            max(o.end, m.end()), f"text-relation-{rule.name}")

    def _phrase_gaps(self, rule: _PhraseRule, a: Ref, m: re.Match[str], b: Ref) -> bool:
        """Whether few enough words stand between A and the phrase, and between the phrase and B (or a
        class noun of `object_of`: "in the southwestern province of X")."""
        if not rule.first and _words_between(self.text, a.end, m.start()) > rule.gap:
            return False
        between = self.text[m.end():b.start]
        if rule.filler is not None and rule.filler.fullmatch(between):
            return True
        if _words_between(self.text, m.end(), b.start) > rule.gap + (1 if rule.gap == 0 else 0):
            return False
        return rule.gap != 0 or re.fullmatch(r"\s*(?:the\s+)?", between) is not None

    def _head_of_apposition(self, ref: Ref, refs: list[Ref], at: int, lo: int) -> Ref | None:
        """"The X Organisation, led by Y and based in Z, launched ...": a name that closes an apposition
        in commas right before the phrase is not its subject; the name before the opening comma is."""
        if not re.fullmatch(r"\s*,\s*", self.text[ref.end:at]):
            return ref
        opening = self.text.rfind(",", lo, ref.start)
        if opening < 0:
            return ref
        head = [r for r in refs if r.end <= opening and not self.text[r.end:opening].strip()]
        return head[-1] if head else None

    def _coordinated(self, first: Ref, candidates: list[Ref]) -> list[Ref]:
        """``first`` and the refs joined to it by "and" or a comma ("the X Army and the Y Corps")."""
        chain = [first]
        for r in candidates:
            if r.start > chain[-1].end and re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:the\s+)?",
                                                        self.text[chain[-1].end:r.start]):
                chain.append(r)
        return chain

    def _apposition_roles(self, s: Sentence, refs: list[Ref]) -> None:
        """ "A, the B commander": a person named with a role word after an organisation is a member of it."""
        for r in refs:
            if r.kind != "mention" or not is_a(r.type, ["Person"]):
                continue
            comma = re.match(r",\s+(?:a|an|the)\s+", self.text[r.end:r.end + 10])
            if not comma:
                continue
            org = next((o for o in refs if o.start == r.end + comma.end() and is_a(o.type, ["Organization"])), None)
            if org is None:
                continue
            role = self.roles.match(self.text, org.end + 1, min(org.end + 30, s.end))
            if role and self.text[org.end] == " ":
                self._claim(r.key, "memberOf", EntityValue(org.key), r.start, role.end(), "text-apposition-role")

    def _quotations(self, c: SentenceContext) -> None:
        for said in self.said.read(c.sentence, c.refs, self._mentions_in(c.sentence), c.quotes):
            self._claim(said.speaker, "quotation", TextValue(self.text[said.start:said.end]), said.start, said.end,
                        said.rule)

    def _remember(self, r: Ref) -> None:
        """The last name of each class, for "the city" and the like; a registry event's name also names
        its place ("the liberation of X ... The city was freed": the city is X)."""
        if r.kind == "mention" and is_a(r.type, ["Event"]):
            for ident in places_in_name(r.label, self.p):
                place_type = self.p.registry_types[ident]
                for t in type_ancestors(place_type):
                    self.last[t] = Ref(r.start, r.end, ident, place_type, ident, "anaphor")
        for t in type_ancestors(r.type):
            self.last[t] = r

    def walk(self) -> StatementResult:
        previous_end = 0
        for s in self.doc.sentences:
            if self.topic is not None and "\n" in self.text[previous_end:s.start]:
                # A new paragraph of an article goes back to what the article is about: an event named in
                # passing before ("after their defeat at the First Battle of X") is not what it counts.
                self.last_event = None
            previous_end = s.end
            quotes = quote_spans(self.text, s.start, s.end)
            refs = self._refs(s, quotes)
            pronoun = self._topic_pronoun(s)
            if pronoun is not None:
                refs = sorted([*refs, pronoun], key=lambda r: r.start)
            self.prev_about_topic = self._opens_with_topic(s, refs)
            if s.section not in self.list_sections:
                events = self._event_refs(s, refs, quotes)
                dates = self._dates(s, refs, events, quotes)
                context = SentenceContext(s, refs, events, quotes, [(d.start, d.end) for d in dates] + quotes)
                for rule in self.sentence_rules:
                    rule(context)
                # A named event outranks one minted from a verb as what later sentences are about.
                evs = self._named_events(refs) or [e[0] for e in events]
                if evs:
                    self.last_event = max(evs, key=lambda r: r.start)
                if self._named_events(refs):
                    self.last_named = max(self._named_events(refs), key=lambda r: r.start)
            for r in refs:
                if r.kind in ("mention", "anaphor"):
                    self._remember(r)
        return self.out


def extract_statements(doc: ParsedDocument, mentions: list[Mention], patterns: Patterns, ql: QuantityLexicon,
                       lexicon: Lexicon, topic: str | None, topic_type: str | None,
                       topic_names: tuple[str, ...] = (), topic_places: tuple[str, ...] = (),
                       context_war: tuple[str, str] | None = None,
                       combatants: frozenset[str] = frozenset()) -> StatementResult:
    """Claims stated by the running text of one document (``topic_names``: the names the infobox gives
    the topic, by which a sentence may open with it; ``topic_places``: where the infobox says it was)."""
    walker = _Walker(doc, mentions, patterns, ql, lexicon, topic, topic_type, topic_names, topic_places)
    if context_war is not None:
        walker.context_war = Ref(0, 0, context_war[0], "War", context_war[1], "anaphor")
    walker.combatants = combatants
    return walker.walk()


def place_named_topic(doc: ParsedDocument, mentions: list[Mention], lexicon: Lexicon, topic: str | None,
                      topic_type: str | None, topic_places: tuple[str, ...]) -> list[Mention]:
    """"the X gas attack" in an article about an attack on X: the article's event, named by its place and
    an event noun of its own kind. Such a name is a mention of the topic (and so one of its names)."""
    if topic is None or not topic_places or topic_type is None:
        return []
    events = lexicon.get("events") or {}
    nouns = [str(n) for spec in events.values() if is_a(topic_type, [str(spec.get("type"))])
             for n in spec.get("nouns") or ()]
    if not nouns:
        return []
    tail = re.compile(rf"(?:\s+[a-z][\w-]*){{0,2}}?\s+(?:{alternation(nouns)})s?(?![\w-])")
    out = []
    for m in mentions:
        if m.key in topic_places and re.search(r"(?i)\bthe\s+$", doc.text[max(0, m.start - 4):m.start]):
            t = tail.match(doc.text, m.end)
            if t:
                text = doc.text[m.start:t.end()]
                out.append(Mention(doc.doc_id, m.start, t.end(), text, topic_type, topic, "place-named-event"))
    return out


def places_in_name(name: str, patterns: Patterns) -> tuple[str, ...]:
    """The registry places a name holds ("Chemical bombing of X", "the liberation of Y"): at every word
    start, since the name as a whole may be the registry's name of the event itself."""
    if patterns.registry is None:
        return ()
    starts = [m.start() for m in re.finditer(r"(?<!\w)\w", name)]
    found = [patterns.registry_names.get(m.group(0)) for i in starts if (m := patterns.registry.match(name, i))]
    return tuple(dict.fromkeys(i for i in found if i is not None and is_a(patterns.registry_types[i], ["Place"])))
