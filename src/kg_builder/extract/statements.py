"""Claims stated in running text: dates of events, quantities, relations and quotations.

The text is read sentence by sentence, keeping what a reader keeps: the last city, operation or battle
named (so that "the city" and "the operation" can be resolved; before any is named, the only one the
document names, never a news dateline's place), and the last event. Events that a verb states without
naming them ("Khorramshahr was captured") are minted from templates in the lexicon ("Occupation of
{place}"). Relations around a role or a command phrase are :mod:`.relations`' rules, and who said what
(with the last speaker) is :mod:`.quotations`'.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

from ..config import Lexicon, type_ancestors
from ..models import Claim, ClaimValue, EntityValue, Mention, ParsedDocument, Sentence, TextValue
from ..parse import quote_spans
from .dates import DateMention, find_dates
from .infobox import EntityHint
from .names import Patterns, norm, word_re
from .quantities import QuantityLexicon, find_quantities, side_before
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
        self.out = StatementResult()
        # Names only an apposition or a command phrase shows to be persons ("Jan X, chief of staff
        # of ..."): typed here for every rule of this document, and for resolution through a hint.
        self.persons = role_persons(self.text, self.mentions, lexicon)
        for key, label in sorted(self.persons.items()):
            self.out.hints.append(EntityHint(doc.doc_id, key, label, "Person", "text-role-person"))
        self.said = Attribution(self.text, self.mentions, set(self.persons), lexicon)
        self.relation_rules = make_rules(lexicon)
        self.dateline = _dateline(doc, self.mentions)
        self.only: dict[str, Ref | None] = {}
        self.events = lexicon.get("events") or {}
        self.anaphora: dict[str, tuple[str, ...]] = {
            t: tuple(ws) for t, ws in (lexicon.get("anaphora") or {}).items()}
        self.start_words = word_re(lexicon.words("start_words") or ("launched",))
        self.anniversary = word_re(lexicon.words("anniversary_words") or ("anniversary",))
        self.life = word_re(lexicon.words("life_words") or ("died",))
        self.occupation = word_re(lexicon.words("occupation_words") or ("occupation",))
        self.roles = word_re(lexicon.words("apposition_roles") or ("commander",))
        self.list_sections = set(lexicon.words("list_sections"))
        self.end_words = word_re(lexicon.words("end_words") or ("ended",))
        self.main_place = self._main_place()
        pronouns = lexicon.words("topic_pronouns")
        self.topic_pronoun = re.compile(rf"(?:{'|'.join(map(re.escape, pronouns))})(?![\w-])") if pronouns else None
        self.prev_about_topic = False
        names = "|".join(re.escape(n) for n in sorted(set(topic_names), key=len, reverse=True) if n)
        # A sentence that opens with the topic's name; and where the infobox says the topic took place.
        self.topic_opening = re.compile(rf"(?i)(?:the\s+)?(?:{names})(?![\w-])") if names else None
        self.topic_places = frozenset(topic_places)

    def _main_place(self) -> Ref | None:
        """The place a document is most about: its most often named place below country level."""
        counts: dict[str, int] = {}
        first: dict[str, Mention] = {}
        for m in self.mentions:
            if m.rule != "single-name" and is_a(m.type, ["Place"]) and not is_a(m.type, ["Country", "Province"]) \
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
            prev = self._antecedent(type_)
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

    def _antecedent(self, type_: str) -> Ref | None:
        """What "the city" (of this class) refers back to: the last one named; before any is named, the
        topic if it is a battle, else the only one of its class the document names (a dateline aside)."""
        prev = self.last.get(type_)
        if prev is None and type_ == "Battle" and self.topic and self.topic_type == "Battle":
            prev = Ref(0, 0, self.topic, "Battle", self.topic, "anaphor")
        return prev if prev is not None else self._only_of_class(type_)

    def _only_of_class(self, type_: str) -> Ref | None:
        """The one entity of this class the document's running text names, if it names one."""
        if type_ not in self.only:
            running = [(s.start, s.end) for s in self.doc.sentences if s.section not in self.list_sections]
            only = {m.key: m for m in self.mentions if m.rule != "single-name" and m.type == type_
                    and (m.start, m.end) != self.dateline and any(a <= m.start < b for a, b in running)}
            m = next(iter(only.values())) if len(only) == 1 else None
            self.only[type_] = Ref(m.start, m.end, m.key, m.type, m.text, "mention") if m else None
        return self.only[type_]

    def _label(self, ref: Ref) -> str:
        return self.labels.get(ref.key, ref.label)

    def _event_refs(self, s: Sentence, refs: list[Ref], quotes: list[tuple[int, int]]) -> list[tuple[Ref, str, bool]]:
        """Events stated by a verb or noun and the place nearest to it: (event, event kind, is verb)."""
        places = [r for r in refs if is_a(r.type, ["Place"]) and r.kind != "demonym"]
        found: list[tuple[Ref, str, bool]] = []
        for kind, spec in self.events.items():
            for is_verb, words in ((True, spec.get("verbs") or []), (False, spec.get("nouns") or [])):
                if not words:
                    continue
                for m in word_re(tuple(words)).finditer(self.text, s.start, s.end):
                    if any(a <= m.start() < b for a, b in quotes) or self._inside_name(m):
                        continue
                    ref = self._event_ref(s, refs, m, kind, spec, is_verb, places)
                    if ref is not None:
                        found.append((ref, kind, is_verb))
        return found

    def _event_ref(self, s: Sentence, refs: list[Ref], m: re.Match[str], kind: str, spec: dict[str, Any],
                   is_verb: bool, places: list[Ref]) -> Ref | None:
        """The event a verb or noun of the lexicon's patterns states, named after its place; or the
        article's own event where the words describe it; None where no place names it."""
        place = self._place_for(self.text, m.start(), m.end(), places)
        definite = place is None and not is_verb and \
            re.search(r"(?i)\bthe\s+$", self.text[max(s.start, m.start() - 4):m.start()]) is not None
        if definite and self.main_place is not None:
            # "the siege": a definite description of the event the document is about.
            place = self.main_place
        if place is not None and is_a(place.type, list(spec.get("not_places") or [])):
            return None  # a place the event is never named after (a country)
        label = str(spec.get("label", "{place}")).format(place=self._label(place)) if place else None
        topic_here = definite and place is not None and place.key in self.topic_places
        if self.topic and is_a(self.topic_type or "", ["Event"]) and not is_verb and (
                topic_here or self._describes_topic(s, refs, m.start())):
            # "Operation X was a Soviet offensive near Y", or "the offensive" in an article about an
            # operation fought there: the article's own event, not a second one. (The label is kept for
            # the events it ends: "the recapture of X" still ends the occupation of X.)
            return Ref(m.start(), m.end(), self.topic, self.topic_type or "Event", label or self.topic, "event")
        if place is None or label is None:
            return None
        key = "~" + norm(label)
        type_ = str(spec.get("type", "Event"))
        self.out.hints.append(EntityHint(self.doc.doc_id, key, label, type_, f"event-{kind}"))
        return Ref(m.start(), m.end(), key, type_, label, "event")

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
            # "Khorramshahr was captured": a place named before the verb; never a whole country.
            non_country = [p for p in before if not is_a(p.type, ["Country"])]
            return max(non_country, key=lambda p: p.end) if non_country else None
        return after[0] if after else None

    # -- claims -----------------------------------------------------------------------------
    def _claim(self, subject: str, prop: str, value: ClaimValue | None, a: int, b: int, rule: str, *,
               side: str | None = None, side_label: str | None = None) -> None:
        self.out.claims.append(Claim(doc_id=self.doc.doc_id, subject=subject, property=prop,
                                     value=value, start=a, end=b, rule=rule, side=side, side_label=side_label))

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
        sentence = self.text[s.start:s.end]
        if self.anniversary.search(sentence) or self.life.search(sentence):
            self.out.unattached_dates += len(dates)
            return dates
        named = self._named_events(refs)
        starts = list(self.start_words.finditer(self.text, s.start, s.end))
        for d in dates:
            def near(r: Ref, d: DateMention = d) -> int:
                return min(abs(r.start - d.end), abs(d.start - r.end))
            subject: Ref | None = None
            prop = "pointInTime"
            kind = None
            if starts and named:
                sw = min(starts, key=lambda m: abs(m.start() - d.start))
                after = [r for r in named if r.start >= sw.end()] or named
                subject = min(after, key=lambda r: abs(r.start - sw.end()))
                prop = "startTime"
            else:
                for want_verb in (True, False):
                    cands = [e for e in events if e[2] == want_verb]
                    if cands:
                        ev, kind, _ = min(cands, key=lambda e: near(e[0]))
                        subject = ev
                        prop = str(self.events[kind].get("property", "pointInTime"))
                        if prop == "pointInTime" and starts:
                            prop = "startTime"
                        elif not starts and self.end_words.search(sentence):
                            prop = "endTime"  # "ended the offensive on D": an end, whatever the event's usual date
                        break
            if subject is None and d.is_range and named:
                subject = min(named, key=near)
            if subject is None:
                subject, prop = self._opener_date(s, refs, d) or (None, prop)
            if subject is None:
                self.out.unattached_dates += 1
                continue
            rule = "text-date" + (f"-{kind}" if kind else "")
            if d.last is not None:
                self._claim(subject.key, "startTime", d.first, d.start, d.end, rule + "-range")
                self._claim(subject.key, "endTime", d.last, d.start, d.end, rule + "-range")
            else:
                self._claim(subject.key, prop, d.first, d.start, d.end, rule)
            ends = self.events.get(kind, {}).get("ends") if kind else None
            if ends and subject.kind == "event":
                spec = self.events[ends]
                place_label = subject.label
                template = str(self.events[kind].get("label", "{place}"))
                prefix, _, suffix = template.partition("{place}")
                place_label = place_label[len(prefix):len(place_label) - len(suffix) or None]
                label = str(spec.get("label", "{place}")).format(place=place_label)
                key = "~" + norm(label)
                self.out.hints.append(EntityHint(self.doc.doc_id, key, label, str(spec.get("type", "Event")),
                                                 f"event-{ends}"))
                self._claim(key, "endTime", d.last or d.first, d.start, d.end, rule + "-ends-" + ends)
        return dates

    def _subject_for_quantity(
        self, pos: int, end: int, refs: list[Ref], events: list[tuple[Ref, str, bool]]
    ) -> str | None:
        named = self._named_events(refs)
        if named:
            return min(named, key=lambda r: abs(r.start - pos)).key
        # "captured 19,000 soldiers", "thousands killed, wounded, or captured": a verb that counts the
        # number does not name its event.
        events = [e for e in events if not (pos - 15 <= e[0].start <= end + 25)]
        if events:
            return min(events, key=lambda e: abs(e[0].start - pos))[0].key
        if self.last_event is not None:
            return self.last_event.key
        return self.topic

    def _quantities(self, s: Sentence, refs: list[Ref], events: list[tuple[Ref, str, bool]],
                    skip: list[tuple[int, int]]) -> None:
        countries = [(r.start, r.key, r.label) for r in refs
                     if is_a(r.type, ["Country"]) or (r.kind == "mention" and is_a(r.type, ["Organization"]))]
        sentence = self.text[s.start:s.end]
        for q in find_quantities(self.text, s.start, s.end, self.ql, self.p, skip):
            if q.property == "duration":
                if not self.occupation.search(sentence):
                    continue
                places = [r for r in refs if is_a(r.type, ["City", "Region", "Island"])]
                if not places:
                    continue
                place = min(places, key=lambda r: abs(r.start - q.start))
                spec = self.events.get("capture", {})
                label = str(spec.get("label", "{place}")).format(place=self._label(place))
                key = "~" + norm(label)
                self.out.hints.append(EntityHint(self.doc.doc_id, key, label, str(spec.get("type", "Event")),
                                                 "event-capture"))
                self._claim(key, "duration", q.quantity, q.start, q.end, "text-duration-occupation")
                continue
            subject = self._subject_for_quantity(q.start, q.end, refs, events)
            if subject is None:
                continue
            side, side_label = q.side, q.side_label
            if side is None and side_label is None and q.property != "proportion":
                side, side_label = side_before(self.text, s.start, q.start, self.p, countries)
            self._claim(subject, q.property, q.quantity, q.start, q.end, f"text-{q.property}",
                        side=side, side_label=side_label)
            if q.property == "numberOfParticipants":
                # "70,000 Iranian Army troops and Revolutionary Guards": the forces counted took part.
                for r in refs:
                    if r.kind == "mention" and q.start <= r.start < q.end and is_a(r.type, ["Organization"]) \
                            and r.key != subject:
                        self._claim(subject, "participant", EntityValue(r.key), q.start, q.end,
                                    "text-participants-counted")

    def _relations(self, s: Sentence, refs: list[Ref], events: list[tuple[Ref, str, bool]],
                   quotes: list[tuple[int, int]]) -> None:
        all_refs = sorted(refs + [e[0] for e in events], key=lambda r: r.start)
        for prop, spec in (self.lex.get("relations") or {}).items():
            phrases = tuple(spec.get("phrases") or ())
            if not phrases:
                continue
            gap = int(spec.get("max_gap", 12))
            stypes = spec.get("subject_types") or ["Entity"]
            otypes = spec.get("object_types") or ["Entity"]
            for m in word_re(phrases).finditer(self.text, s.start, s.end):
                # "commanded by X", "joined by X": the passive states the reverse (see relations.py).
                if any(a <= m.start() < b for a, b in quotes) or re.match(r"\s+by\b", self.text[m.end():m.end() + 4]):
                    continue
                before = [r for r in all_refs if r.end <= m.start() and is_a(r.type, stypes)
                          and not any(a <= r.start < b for a, b in quotes)]
                # Events minted from a verb are never objects: "launched an assault on X" does not
                # say which assault on X it was.
                after = [r for r in all_refs if r.start >= m.end() and is_a(r.type, otypes) and r.kind != "event"
                         and not any(a <= r.start < b for a, b in quotes)]
                if not before or not after:
                    continue
                a = before[0] if spec.get("subject") == "first" else before[-1]
                b = after[0]
                if spec.get("subject") != "first" and _words_between(self.text, a.end, m.start()) > gap:
                    continue
                if _words_between(self.text, m.end(), b.start) > gap + (1 if gap == 0 else 0):
                    continue
                if gap == 0 and not re.fullmatch(r"\s*(?:the\s+)?", self.text[m.end():b.start]):
                    continue
                for o in self._coordinated(b, after):
                    if a.key == o.key:
                        continue
                    subj, obj = (o, a) if spec.get("reverse") else (a, o)
                    self._claim(subj.key, prop, EntityValue(obj.key), min(a.start, m.start()),
                                max(o.end, m.end()), f"text-relation-{prop}")
        self._apposition_roles(s, refs)
        for rule in self.relation_rules:
            for f in rule.find(self.text, s.start, s.end, refs):
                self._claim(f.subject, f.property, EntityValue(f.object), f.start, f.end, f.rule)

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

    def _quotations(self, s: Sentence, refs: list[Ref], quotes: list[tuple[int, int]]) -> None:
        for said in self.said.read(s, refs, self._mentions_in(s), quotes):
            self._claim(said.speaker, "quotation", TextValue(self.text[said.start:said.end]), said.start, said.end,
                        said.rule)

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
                skip = [(d.start, d.end) for d in dates] + quotes
                self._quantities(s, refs, events, skip)
                self._relations(s, refs, events, quotes)
                self._quotations(s, refs, quotes)
                # A named event outranks one minted from a verb as what later sentences are about.
                evs = self._named_events(refs) or [e[0] for e in events]
                if evs:
                    self.last_event = max(evs, key=lambda r: r.start)
            for r in refs:
                if r.kind in ("mention", "anaphor"):
                    for t in type_ancestors(r.type):
                        self.last[t] = r
        return self.out


def extract_statements(doc: ParsedDocument, mentions: list[Mention], patterns: Patterns, ql: QuantityLexicon,
                       lexicon: Lexicon, topic: str | None, topic_type: str | None,
                       topic_names: tuple[str, ...] = (), topic_places: tuple[str, ...] = ()) -> StatementResult:
    """Claims stated by the running text of one document (``topic_names``: the names the infobox gives
    the topic, by which a sentence may open with it; ``topic_places``: where the infobox says it was)."""
    return _Walker(doc, mentions, patterns, ql, lexicon, topic, topic_type, topic_names, topic_places).walk()
