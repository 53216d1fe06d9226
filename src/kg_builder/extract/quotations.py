"""Who said what: quotations and reported speech, sentence by sentence, with the speakers a reader keeps.

A quotation is attributed to its speaker in the ways news and histories write it:

- attached to a speech verb, after the quotation (`"…," Bradley said`, `"…," said the ministry`,
  `"…," he told reporters`) or before it (`X told the assembly on Monday: "…"`, `X said, "…"`);
  the speaker is a person or an organisation named there, a surname of a person the document named
  in full, "he"/"she" for the speaker or the one person of the sentences before, or "the council"
  for the one organisation of the document with that head word. Whatever else stands there ("the
  commander said", "Iran's ministry said") is a speaker we cannot name, and the quotation is left out
  rather than given to another name of the sentence;
- not attached, as before: the one person of a sentence with a speech verb, or for a quotation that
  is a sentence of its own, the speaker of the sentence before (or the person it introduced, "X
  said:"). Two candidates are never decided between.

Reported speech in a news lead, "<clause>, a senior army spokesman X told reporters on Friday." or
"<clause>, said X, a spokesman.", gives the clause as what X said (rule ``text-reported-speech``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..config import Lexicon
from ..models import Mention, Sentence
from .names import norm, word_re
from .refs import Ref, is_a

__all__ = ["Attribution", "Said"]

_PRONOUN = re.compile(r"(?i)(?:he|she)\b")
# "the council", "the defence ministry": an organisation named by its head word.
_DEFINITE = re.compile(r"(?i:the)\s+(?:[a-z][\w-]*\s+){0,2}(?P<head>[a-z][\w-]*)")
# What may stand before a speaker's name after "said": "the", and titles the name rules leave out of it.
_LEADING = re.compile(r"(?:the\s+)?(?:[A-Z][\w’'-]*\.?\s+){0,4}")
_APPOSITION = re.compile(r",[^,\"“”]{1,90},")
# A speaker attached after a quotation stands within this many characters of it, before its verb.
_AFTER_REACH = 90
# Between a speech verb and the quotation it introduces ("told the assembly on Monday: ").
_BEFORE_REACH = 80


@dataclass(frozen=True)
class Said:
    """A quotation (or reported clause) and who said it."""

    speaker: str
    start: int
    end: int
    rule: str


@dataclass(frozen=True)
class _Sentence:
    """One sentence as later sentences see it."""

    persons: tuple[str, ...]  # distinct person keys named outside quotations, in order
    speech: bool
    colon: bool
    speaker: str | None


@dataclass(frozen=True)
class _Attached:
    """A speech verb next to a quotation: its speaker (None: one we cannot name) and whether the
    quotation opens its clause (`"…," X said` / `X said: "…"`), which makes short quotations count."""

    speaker: str | None
    leads: bool


def _distinct(keys: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(keys))


class Attribution:
    """Attribute the quotations of one document, reading its sentences in order."""

    def __init__(self, text: str, mentions: Sequence[Mention], persons: set[str], lexicon: Lexicon) -> None:
        self.text = text
        self.speech = word_re(lexicon.words("speech_verbs") or ("said",))
        self.min_words = int(lexicon.get("quotation_min_words"))
        self.min_attached = int(lexicon.get("quotation_min_words_attributed"))
        spec = lexicon.get("reported_speech") or {}
        verbs = tuple(spec.get("verbs") or ())
        self.reported = word_re(verbs) if verbs else None
        self.openers = frozenset(w.casefold() for w in spec.get("not_openers") or ())
        self.not_in_tail = frozenset(w.casefold() for w in spec.get("not_in_tail") or ())
        self.max_tail = int(spec["max_tail_words"])
        self.history: list[_Sentence] = []
        self.names: list[Ref] = []
        # Surnames of persons named in full ("Omar Bradley" ... "Bradley said"), with where each is first named.
        self.surnames: dict[str, dict[str, int]] = {}
        # Head words of organisations ("the council" for "the Supreme Defence Council").
        self.heads: dict[str, dict[str, int]] = {}
        for m in mentions:
            if m.rule == "single-name":
                continue
            words = [w for w in m.text.replace("-", " ").split() if w[:1].isupper()]
            if (m.key in persons or is_a(m.type, ["Person"])) and len(words) >= 2:
                self.surnames.setdefault(norm(words[-1]), {}).setdefault(m.key, m.start)
            elif is_a(m.type, ["Organization"]):
                all_words = m.text.split()
                heads = {all_words[-1].casefold()} | ({all_words[0].casefold()} if " of " in m.text else set())
                for h in heads:
                    self.heads.setdefault(h, {}).setdefault(m.key, m.start)

    # -- speakers -------------------------------------------------------------------------------
    @staticmethod
    def _unique(table: dict[str, int] | None, before: int) -> str | None:
        keys = [k for k, first in (table or {}).items() if first < before]
        return keys[0] if len(keys) == 1 else None

    def candidates(self, refs: Sequence[Ref], mentions: Sequence[Mention],
                   quotes: Sequence[tuple[int, int]]) -> list[Ref]:
        """Who may speak in a sentence: persons and organisations named in it, and known surnames."""
        out = [r for r in refs if r.kind == "mention" and is_a(r.type, ["Person", "Organization"])]
        for m in mentions:
            if m.rule != "single-name" or any(a <= m.start < b for a, b in quotes):
                continue
            key = self._unique(self.surnames.get(norm(m.text)), m.start)
            if key is not None:
                out.append(Ref(m.start, m.end, key, "Person", m.text, "surname"))
        return sorted(out, key=lambda r: r.start)

    def _pronoun(self) -> str | None:
        """Whom "he" or "she" names: the last speaker, or the one person of the sentences before."""
        for said in reversed(self.history[-3:]):
            if said.speaker:
                return said.speaker
            if said.persons:
                return said.persons[0] if len(said.persons) == 1 else None
        return None

    def _head(self, words: str, at: int) -> tuple[bool, str | None] | None:
        """A pronoun or "the <noun>" standing for the speaker, if the words are one."""
        if _PRONOUN.fullmatch(words):
            return True, self._pronoun()
        definite = _DEFINITE.fullmatch(words)
        if definite:
            return True, self._unique(self.heads.get(definite.group("head")), at)
        return None

    def _ending_at(self, a: int, b: int, cands: Sequence[Ref], strict: bool) -> tuple[bool, str | None]:
        """The speaker that text[a:b] ends with, as in "senior commander X, head of Y," before "said".

        Returns whether the words name a speaker at all, and its key if we can tell which: another
        name before it ("Smith and Jones said", "with Smith, Jones said") leaves it undecided. With
        `strict`, only a few words without a comma may stand before the name ("senior commander")."""
        b = a + len(self.text[a:b].rstrip())
        if b <= a:
            return False, None
        named = [r for r in cands if a <= r.start and (r.end == b or _APPOSITION.fullmatch(self.text, r.end, b))]
        if named:
            r = min(named, key=lambda r: r.start)
            before = self.text[a:r.start]
            if any(a <= o.start < r.start for o in self.names) or \
                    (strict and ("," in before or len(before.split()) > 5)):
                return True, None
            return True, r.key
        tail = re.search(rf"(?:^|(?<=[\s,]))(?:(?i:he|she)|{_DEFINITE.pattern})$", self.text[a:b])
        if tail and strict and self.text[a:a + tail.start()].strip():
            tail = None
        head = self._head(tail.group(0), a) if tail else None
        return head if head is not None else (True, None)

    def _starting_at(self, a: int, b: int, cands: Sequence[Ref]) -> tuple[bool, str | None]:
        """The speaker that text[a:b] is, as in "said X" or "said the ministry"."""
        words = self.text[a:b].strip()
        if not words:
            return False, None
        lead = a + len(self.text[a:b]) - len(self.text[a:b].lstrip())
        end = lead + len(words)
        for r in cands:
            if r.end == end and lead <= r.start and _LEADING.fullmatch(self.text, lead, r.start):
                return True, r.key
        head = self._head(words, a)
        return head if head is not None else (True, None)

    def _after(self, s: Sentence, a: int, b: int, cands: Sequence[Ref]) -> _Attached | None:
        """`"…," X said` or `"…," said X`: a quotation ending in a comma (or ! ?), then a speech verb
        and its speaker, and nothing else, between it and the verb."""
        p = b + len(self.text[b:s.end]) - len(self.text[b:s.end].lstrip(" ,"))
        if not re.search(r"[,!?–—]\s*[\"”]$|[\"”],$", self.text[a:p].rstrip()):
            return None
        v = self.speech.search(self.text, p, min(s.end, p + _AFTER_REACH))
        if v is None or re.search(r"[.;:!?\"“”]", self.text[p:v.start()]):
            return None
        leads = not self.text[s.start:a].strip()
        if v.start() == p:
            stop = re.search(r"[,.;:!?]", self.text[v.end():s.end])
            found, key = self._starting_at(v.end(), (v.end() + stop.start()) if stop else s.end, cands)
        else:
            found, key = self._ending_at(p, v.start(), cands, strict=True)
        return _Attached(key, leads) if found else None

    def _before(self, s: Sentence, a: int, cands: Sequence[Ref]) -> _Attached | None:
        """`X said: "…"`, `X told the assembly on Monday: "…"`, `according to X, "…"`."""
        verbs = list(self.speech.finditer(self.text, s.start, a))
        if not verbs:
            return None
        v = verbs[-1]
        mid = self.text[v.end():a]
        if len(mid) > _BEFORE_REACH or re.search(r"[\"“”.;!?]", mid) or not re.fullmatch(r"(?:.*[:,])?\s*", mid):
            return None
        found, key = self._ending_at(s.start, v.start(), cands, strict=False)
        if not found:  # the verb opens the sentence: "According to X, "…""
            stop = re.search(r"[,:]", mid)
            found, key = self._starting_at(v.end(), v.end() + (stop.start() if stop else len(mid)), cands)
        return _Attached(key, True) if found else None

    # -- quotations -----------------------------------------------------------------------------
    def _unattached(self, s: Sentence, a: int, b: int, persons: tuple[str, ...], outside: str) -> str | None:
        """The speaker of a quotation no speech verb stands next to: the one person of a sentence that
        has a speech verb, "he" in one, or for a quotation that is most of its sentence, the speaker
        (or the one person introducing it) of the sentence before."""
        speech = bool(self.speech.search(outside))
        if speech and persons:
            return persons[0] if len(persons) == 1 else None
        if speech and re.search(r"(?i)\b(?:he|she)\b", outside):
            return self._pronoun()
        if (b - a) <= 0.6 * max(1, len(self.text[s.start:s.end].strip())):
            return None
        for said in reversed(self.history[-2:]):
            if said.speaker:
                return said.speaker
            if said.persons and (said.speech or said.colon):
                return said.persons[0] if len(said.persons) == 1 else None
        return None

    def _quotation(self, s: Sentence, a: int, b: int, cands: Sequence[Ref], persons: tuple[str, ...],
                   outside: str) -> Said | None:
        content_a, content_b = a + 1, b - 1
        while content_b > content_a and self.text[content_b - 1] in " ,":
            content_b -= 1
        content = self.text[content_a:content_b]
        attached = self._after(s, a, b, cands) or self._before(s, a, cands)
        if attached is not None and attached.leads:
            enough = len(re.findall(r"[\w’'-]+", content)) >= self.min_attached
        else:
            enough = len(re.findall(r"\w+", content)) >= self.min_words
        if not enough:
            return None
        speaker = attached.speaker if attached is not None else self._unattached(s, a, b, persons, outside)
        return Said(speaker, content_a, content_b, "text-quotation") if speaker else None

    # -- reported speech ------------------------------------------------------------------------
    def _reported_speaker(self, c: int, s: Sentence, cands: Sequence[Ref]) -> str | None:
        """The speaker of ", army spokesman X told reporters on Friday." or ", said X, a spokesman."
        after the comma at c, if that is all the rest of the sentence says."""
        assert self.reported is not None
        end = s.end - (1 if self.text[s.end - 1] in ".!?" else 0)
        v = self.reported.search(self.text, c + 1, end)
        if v is None:
            return None
        if not self.text[c + 1:v.start()].strip():  # ", said X, a spokesman."
            appos = re.search(r",\s+(?:a|an|the)\s+[^,;:]+$", self.text[v.end():end])
            found, key = self._starting_at(v.end(), (v.end() + appos.start()) if appos else end, cands)
            return key if found else None
        tail = re.findall(r"[\w’'-]+", self.text[v.end():end])
        if len(tail) > self.max_tail or {w.casefold() for w in tail} & self.not_in_tail or \
                re.search(r"[,;:]", self.text[v.end():end]):
            return None
        return self._ending_at(c + 1, v.start(), cands, strict=True)[1]

    def _reported(self, s: Sentence, cands: Sequence[Ref]) -> Said | None:
        """A news lead's "<clause>, X said.": the clause is what X said."""
        if self.reported is None:
            return None
        for i in reversed([m.start() for m in re.finditer(",", self.text[s.start:s.end])]):
            c = s.start + i
            clause = self.text[s.start:c]
            words = re.findall(r"\w+", clause)
            if len(words) < self.min_words or words[0].casefold() in self.openers or self.speech.search(clause):
                continue
            speaker = self._reported_speaker(c, s, [r for r in cands if r.start > c])
            if speaker:
                return Said(speaker, s.start, c, "text-reported-speech")
        return None

    def read(self, s: Sentence, refs: Sequence[Ref], mentions: Sequence[Mention],
             quotes: Sequence[tuple[int, int]]) -> list[Said]:
        """What is said in one sentence, and by whom; remembers the sentence for the ones after it."""
        sentence = self.text[s.start:s.end]
        outside = sentence
        for a, b in quotes:
            outside = outside[:a - s.start] + " " * (b - a) + outside[b - s.start:]
        cands = self.candidates(refs, mentions, quotes)
        # Every name that could be a speaker, typed or not: one before the speaker's leaves it undecided.
        self.names = cands + [r for r in refs if r.kind == "mention" and r.type == "Entity"]
        persons = _distinct([r.key for r in cands if is_a(r.type, ["Person"])])
        found = [q for a, b in quotes if (q := self._quotation(s, a, b, cands, persons, outside))]
        if not quotes and (reported := self._reported(s, cands)):
            found.append(reported)
        self.history.append(_Sentence(persons, bool(self.speech.search(sentence)),
                                      sentence.rstrip().endswith(":"), found[-1].speaker if found else None))
        return found
