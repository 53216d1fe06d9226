"""Relations that prose states around a name with a role or a command phrase (news style).

Three rules, each a small class with the lexicon section it reads, listed by :func:`make_rules`:

- :class:`RoleApposition`: "Jan Kowalski, chief of staff of the Home Army," / "said Jan Z, a spokesman for
  the ministry". The name is a person (only the words around it say so, hence :func:`role_persons`),
  a member of the organisation the apposition names, and the commander of an operation it names
  ("X, commander of Operation Y").
- :class:`CommandedBy`: "the 5th Army, commanded by General X", "Operation Y, under the command of X",
  "the brigade was led by X": the force or operation named just before the phrase has commander X.
- :class:`ForceOfPerson`: "the Fourth Army of General X", "Marshal X's Army of the Rhine": the force
  has commander X.

None guesses: the subject must end right before the phrase (or its comma), the object must start
right after it (titles aside), and both must be of the classes the lexicon allows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ..config import Lexicon
from ..models import Mention
from .names import alternation, word_re
from .refs import Ref, is_a

__all__ = ["CommandedBy", "ForceOfPerson", "Found", "RelationRule", "RoleApposition", "make_rules", "role_persons"]


@dataclass(frozen=True)
class Found:
    """A relation a rule found: subject, property, object (entity keys) and the words that state it."""

    subject: str
    property: str
    object: str
    start: int
    end: int
    rule: str



def _untyped_name(ref: Ref) -> bool:
    """A name of two or more capitalised words that no rule has typed ("Jan Novak", not "Novak")."""
    return ref.kind == "mention" and ref.type == "Entity" and len(ref.label.split()) >= 2


class RelationRule(Protocol):
    """One rule: its name, the lexicon section it reads, and what it finds in one sentence."""

    name: str
    section: str

    def find(self, text: str, start: int, end: int, refs: Sequence[Ref]) -> list[Found]: ...


class RoleApposition:
    """ "NAME, [a|the] [modifiers] ROLE [of|for|in|at [the] ORGANISATION|OPERATION]"."""

    name = "text-apposition-role-of"
    section = "role_appositions"

    def __init__(self, lexicon: Lexicon, commander_subjects: Sequence[str]) -> None:
        spec = lexicon.get(self.section) or {}
        roles = tuple(spec.get("roles") or ())
        links = tuple(spec.get("links") or ("of",))
        self.commander_roles = frozenset(spec.get("commander_roles") or ())
        self.deputy_words = frozenset(spec.get("deputy_words") or ())
        self.commander_subjects = tuple(commander_subjects)
        # Lower-case modifiers only ("deputy", "senior military"): a capitalised word after the comma
        # may start another name ("X, Commander Y said").
        self.pattern = re.compile(
            rf",\s+(?:(?:a|an|the)\s+)?(?P<mods>(?:[a-z][\w’'-]*\s+){{0,3}}?)(?P<role>{alternation(roles)})"
            rf"(?:\s+(?:{alternation(links)})\s+(?P<object>)(?:the\s+)?(?=\S)|(?=[\s,.;:]|$))"
        ) if roles else None

    def match(self, text: str, ref: Ref, end: int) -> re.Match[str] | None:
        """The role apposition right after a name, if there is one."""
        if self.pattern is None or ref.kind != "mention" or not (is_a(ref.type, ["Person"]) or _untyped_name(ref)):
            return None
        return self.pattern.match(text, ref.end, end)

    def find(self, text: str, start: int, end: int, refs: Sequence[Ref]) -> list[Found]:
        out: list[Found] = []
        by_start = {r.start: r for r in refs if r.kind in ("mention", "anaphor")}
        for ref in refs:
            m = self.match(text, ref, end)
            if m is None or m.group("object") is None:
                continue
            # The object starts after "of the" ("of the 3rd Brigade"), or at "the" when it is "the operation".
            obj = by_start.get(m.end()) or by_start.get(m.start("object"))
            if obj is None or obj.key == ref.key:
                continue
            deputy = bool(set(m.group("mods").split()) & self.deputy_words)
            if is_a(obj.type, ["Organization"]):
                out.append(Found(ref.key, "memberOf", obj.key, ref.start, obj.end, self.name))
            if m.group("role") in self.commander_roles and not deputy and obj.type != "War" \
                    and is_a(obj.type, self.commander_subjects):
                out.append(Found(obj.key, "commander", ref.key, ref.start, obj.end, self.name))
        return out


class CommandedBy:
    """ "SUBJECT[,] [which was] commanded by | under the command of | led by [TITLE] PERSON"."""

    name = "text-commanded-by"
    section = "commanded_by"

    def __init__(self, lexicon: Lexicon) -> None:
        spec = lexicon.get(self.section) or {}
        self.phrases = word_re(tuple(spec.get("phrases") or ())) if spec.get("phrases") else None
        self.person_phrases = frozenset(p.casefold() for p in spec.get("person_phrases") or ())
        self.subject_types = tuple(spec.get("subject_types") or ())
        self.force_types = tuple(spec.get("force_types") or ())
        # Titles before the name ("led by Lt. Gen. X"): the name rules leave them out of the mention, so
        # capitalised words between the phrase and a person's mention are taken for them.
        self.titles = re.compile(r"\s+(?:[A-Z][\w’'-]*\.?\s+){0,4}")
        # What may stand between the subject and the phrase: a comma, a relative pronoun, a passive.
        self.gap = re.compile(r"\s*,?\s*(?:(?:which|that|who)\s+)?(?:(?:was|were|is|are|had been|has been)\s+)?")

    def commander_after(self, text: str, m: re.Match[str], refs: Sequence[Ref]) -> Ref | None:
        """The person a command phrase names right after it (titles aside), if it names one.

        "led by X" may be led by a country or a party: only a person's name, or after a phrase only a
        person can follow ("commanded by"), a name nobody has typed (the name rules would have put a
        title before it into the mention, so such a name stands right after the phrase)."""
        obj = next((r for r in refs if m.end() <= r.start <= m.end() + 60 and r.kind == "mention"
                    and self.titles.fullmatch(text, m.end(), r.start)), None)
        if obj is None:
            return None
        if is_a(obj.type, ["Person"]):
            return obj
        untyped_ok = m.group(0).casefold() in self.person_phrases and not text[m.end():obj.start].strip()
        return obj if untyped_ok and _untyped_name(obj) else None

    def find(self, text: str, start: int, end: int, refs: Sequence[Ref]) -> list[Found]:
        out: list[Found] = []
        if self.phrases is None:
            return out
        for m in self.phrases.finditer(text, start, end):
            subject = next((r for r in reversed(refs) if r.end <= m.start() and r.kind in ("mention", "anaphor")
                            and self.gap.fullmatch(text, r.end, m.start())), None)
            if subject is None:
                continue
            # An event's commander, or a force's: the ontology keeps them apart (a force is no event).
            if is_a(subject.type, self.subject_types):
                prop = "commander"
            elif self.force_types and is_a(subject.type, self.force_types):
                prop = "forceCommander"
            else:
                continue
            obj = self.commander_after(text, m, refs)
            if obj is not None and obj.key != subject.key:
                out.append(Found(subject.key, prop, obj.key, subject.start, obj.end, self.name))
        return out


class ForceOfPerson:
    """ "the Fourth Army of General X", "Marshal X's Army of the Rhine": a force named as a person's is
    under that person's command (kgo:forceCommander). Only a named force and a person's name, next to
    each other, titles aside."""

    name = "text-force-of-person"
    section = "commanded_by"

    def __init__(self, lexicon: Lexicon) -> None:
        self.force_types = tuple((lexicon.get(self.section) or {}).get("force_types") or ())
        self.of_titles = re.compile(r"\s+of\s+(?:[A-Z][\w’'-]*\.?\s+){0,4}")
        self.possessive = re.compile(r"['’]s\s+")

    def find(self, text: str, start: int, end: int, refs: Sequence[Ref]) -> list[Found]:
        names = [r for r in refs if r.kind == "mention"]
        out: list[Found] = []
        for i, force in enumerate(names):
            if not self.force_types or not is_a(force.type, self.force_types):
                continue
            after = names[i + 1] if i + 1 < len(names) else None
            if after is not None and is_a(after.type, ["Person"]) and self.of_titles.fullmatch(
                    text, force.end, after.start):
                out.append(Found(force.key, "forceCommander", after.key, force.start, after.end, self.name))
            before = names[i - 1] if i > 0 else None
            if before is not None and is_a(before.type, ["Person"]) and self.possessive.fullmatch(
                    text, before.end, force.start):
                out.append(Found(force.key, "forceCommander", before.key, before.start, force.end, self.name))
        return out


def make_rules(lexicon: Lexicon) -> tuple[RelationRule, ...]:
    """The table of relation rules: what the builder knows of relations around a role or a command
    phrase, in the order they run. (Relations stated by a fixed phrase between two names are
    `relations:` of the lexicon, read by :mod:`.statements`.)"""
    commanded = CommandedBy(lexicon)
    return (RoleApposition(lexicon, commanded.subject_types), commanded, ForceOfPerson(lexicon))


def role_persons(text: str, mentions: Sequence[Mention], lexicon: Lexicon) -> dict[str, str]:
    """Names that a role apposition or a command phrase shows to be persons: key -> label.

    Run over the whole document first, so that every rule reading it (quotations too) knows that
    "Jan X" of "Jan X, chief of staff of ..." is a person, wherever the document names him.
    """
    refs = [Ref(m.start, m.end, m.key, m.type, m.text, "mention") for m in mentions if m.rule != "single-name"]
    appos = RoleApposition(lexicon, ())
    commanded = CommandedBy(lexicon)
    found: dict[str, str] = {}
    for r in refs:
        if _untyped_name(r) and appos.match(text, r, len(text)):
            found.setdefault(r.key, r.label)
    if commanded.phrases is not None:
        for m in commanded.phrases.finditer(text):
            obj = commanded.commander_after(text, m, refs)
            if obj is not None and _untyped_name(obj):
                found.setdefault(obj.key, obj.label)
    return found
