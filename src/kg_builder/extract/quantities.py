"""Numbers with what they count: killed, wounded, captured, troops, tanks, durations, shares.

A number is read with its hedge ("approximately", "nearly", "more than", "thousands of"), the noun or
verb that says what it counts, and the side it concerns (a demonym or a country named near it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..config import Lexicon
from ..models import Quantity
from .names import Patterns, alternation, word_re

__all__ = ["QuantityLexicon", "QuantityMention", "compile_quantities", "find_quantities"]

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_LEADING_JOIN = re.compile(r"\s+(?:and|or|but|while|whereas)\b", re.IGNORECASE)
# "Iranian casualties at 65,000", "losses of 3,000", "the dead numbered 5,000": the counted noun stands
# before the figure, joined to it by one of these words (a hedge, if any, is part of the figure).
_NOUN_BEFORE = re.compile(
    r"(?:(?P<side>[A-Z][\w-]+)\s+)?(?P<noun>[a-z][\w-]*)\s+(?:at|of|numbered|totalled|totaled|reached|"
    r"were|was|stood\s+at|estimated\s+at)\s*$")
_YEAR = r"1[5-9]\d\d|20\d\d"
_STOP = re.compile(r"[;.()\[\]—:!?\n]|,|\s-{2,}")


@dataclass(frozen=True)
class QuantityMention:
    """A number found in text, classified."""

    start: int
    end: int
    quantity: Quantity
    property: str
    side: str | None  # registry id of the side, when a demonym or curated name says it
    side_label: str | None


@dataclass(frozen=True)
class QuantityLexicon:
    """Compiled quantity words."""

    number: re.Pattern[str]
    scales: dict[str, int]  # "2 million": the word after a figure that multiplies it
    share: re.Pattern[str]
    qualifiers: dict[str, dict[str, object]]
    vague: dict[str, tuple[int, int]]
    number_words: dict[str, int]
    properties: tuple[tuple[str, re.Pattern[str]], ...]
    equipment: re.Pattern[str]
    loss_words: re.Pattern[str]
    durations: dict[str, str]
    duration_re: re.Pattern[str]
    shares: dict[str, float]
    carry_words: re.Pattern[str]
    combined: re.Pattern[str]  # "killed, wounded or captured" right after a figure
    not_people: re.Pattern[str]
    role_sides: frozenset[str] = frozenset()  # "500 defenders": a side named by its role, kept as a label



def compile_quantities(lexicon: Lexicon) -> QuantityLexicon:
    """Compile the ``quantities`` section of the lexicon."""
    q = lexicon.get("quantities") or {}
    qualifiers = {k.lower(): dict(v or {}) for k, v in (q.get("qualifiers") or {}).items()}
    vague = {k.lower(): (int(v[0]), int(v[1])) for k, v in (q.get("vague") or {}).items()}
    number_words = {k.lower(): int(v) for k, v in (q.get("number_words") or {}).items()}
    durations = {k.lower(): str(v) for k, v in (q.get("duration_units") or {}).items()}
    shares = {k.lower(): float(v) for k, v in (q.get("shares") or {}).items()}
    scales = {k.lower(): int(v) for k, v in (q.get("scales") or {}).items()}
    scale = rf"(?:\s+(?i:(?P<{{name}}>{alternation(scales)})))?" if scales else ""
    # A range is written "400–500", "400 to 500" or "between 400 and 500": grammar, like the figures
    # themselves (the words that hedge a figure are the lexicon's). "between" asks for its "and".
    number = re.compile(
        rf"(?i:(?P<qual>{alternation(qualifiers)})\s+)?"
        rf"(?:(?:(?i:(?P<between>between))\s+)?(?P<num>{_NUM})"
        rf"(?(between)\s+(?i:and)\s+(?P<num3>{_NUM})|(?:\s*(?:–|-|to)\s*(?P<num2>{_NUM}))?)"
        rf"{scale.format(name='scale')}"
        rf"(?P<pct>\s*%|\s+per\s?cent)?"
        rf"|(?i:(?P<vague>{alternation(vague)}))(?:\s+of)?"
        rf"|(?i:(?P<word>{alternation(number_words)})){scale.format(name='wscale')})(?![\w])"
    )
    share = re.compile(
        rf"(?i:(?P<share>{alternation(shares)}))\s+of\s+(?:the\s+|its\s+|their\s+|his\s+|her\s+)?(?P<noun>[a-z][\w-]*)"
    )
    props = tuple((name, word_re(tuple(words))) for name, words in (q.get("properties") or {}).items())
    return QuantityLexicon(
        number=number,
        scales=scales,
        share=share,
        qualifiers=qualifiers,
        vague=vague,
        number_words=number_words,
        properties=props,
        equipment=word_re(tuple(q.get("equipment") or ("tanks",))),
        loss_words=word_re(tuple(q.get("equipment_loss_words") or ("destroyed",))),
        durations=durations,
        duration_re=re.compile(rf"(?i)\s*(?P<unit>{alternation(durations)})\b"),
        shares=shares,
        carry_words=word_re(tuple(q.get("carry_side_words") or ("others",))),
        role_sides=frozenset(str(w).casefold() for w in q.get("role_sides") or ()),
        combined=_combined(tuple(q.get("combined_terms") or ())),
        not_people=word_re(tuple(q.get("not_people") or ("brigades",))),
    )


def _combined(terms: tuple[str, ...]) -> re.Pattern[str]:
    """Two or more terms joined by a comma, "and" or "or", right after a figure and up to three words."""
    term = rf"(?:{alternation(terms)})" if terms else r"(?!)"
    join = r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)"
    # Up to three words may stand between ("1 million men had been killed or wounded").
    return re.compile(rf"(?i)\s+(?:[\w-]+\s+){{0,3}}?{term}(?:{join}{term})+\b")


def _whole(n: Decimal) -> Decimal:
    """2.5 million is 2500000, not 2500000.0: a count is written as a whole number when it is one."""
    return n.quantize(Decimal(1)) if n == n.to_integral_value() else n


def _dec(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _singular(word: str) -> str:
    word = word.strip()
    if word.lower().endswith("pieces"):
        return word[:-1]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _value(m: re.Match[str], ql: QuantityLexicon) -> Quantity | None:
    qual = (m.group("qual") or "").lower() or None
    spec = ql.qualifiers.get(qual or "", {})
    approx = bool(spec.get("approximate"))
    bound = spec.get("bound")
    if m.group("vague"):
        lo, hi = ql.vague[m.group("vague").lower()]
        label = m.group("vague").lower() if qual is None else f"{qual} {m.group('vague').lower()}"
        return Quantity(None, Decimal(lo), Decimal(hi), True, label)
    groups = m.groupdict()
    scale = Decimal(ql.scales.get((groups.get("scale") or groups.get("wscale") or "").lower(), 1))
    if m.group("word"):
        n = _whole(Decimal(ql.number_words[m.group("word").lower()]) * scale)
    else:
        n = _whole(_dec(m.group("num")) * scale)
    if m.group("num2") or m.group("num3"):
        upper = _whole(_dec(m.group("num2") or m.group("num3")) * scale)
        return Quantity(None, n, upper, approx, qual)
    if bound == "lower":
        return Quantity(None, n, None, approx, qual)
    if bound == "upper":
        return Quantity(n if approx else None, None, n, approx, qual)
    return Quantity(n, None, None, approx, qual)


def _is_year(m: re.Match[str]) -> bool:
    """Whether the figure is a year, or a span of years written "between 1914 and 1918" (written
    "1914–1918", the span is a date, which the date rule has taken out of the scan)."""
    num, num3 = m.group("num"), m.group("num3")
    if not num or not re.fullmatch(_YEAR, num) or m.group("num2"):
        return False
    return num3 is None or bool(re.fullmatch(_YEAR, num3))


@dataclass(frozen=True)
class _Scan:
    """The text under scan and what reading every figure in it shares."""

    text: str
    start: int
    end: int
    ql: QuantityLexicon
    patterns: Patterns
    default_property: str | None
    losses: bool


@dataclass(frozen=True)
class _Figure:
    """A number and the words around it that say what it counts."""

    m: re.Match[str]
    head: str  # up to 40 characters before it, from the last comma, semicolon or dash
    tail: str  # the words after it, up to the next stop or figure
    tail_end: int
    noun_phrase: str  # the first two words of the tail
    duration: re.Match[str] | None  # a unit of time right after it ("3 years")
    combined: re.Match[str] | None  # "killed, wounded or captured" right after it (not for shares, durations)


@dataclass(frozen=True)
class _Choice:
    """What a figure counts, in what unit, and whether a verb before it said so."""

    property: str
    unit: str | None = None
    by_verb: bool = False
    head_side: tuple[str | None, str | None] = (None, None)  # a demonym before the counted noun


def find_quantities(
    text: str,
    start: int,
    end: int,
    ql: QuantityLexicon,
    patterns: Patterns,
    skip: list[tuple[int, int]],
    *,
    default_property: str | None = None,
    losses: bool = False,
) -> list[QuantityMention]:
    """Classified numbers in text[start:end], leaving out the spans in ``skip`` (dates, quotations).

    ``default_property`` is used where nothing near a number says what it counts (infobox fields);
    ``losses`` makes counted equipment a loss rather than a strength.
    """
    scan = _Scan(text, start, end, ql, patterns, default_property, losses)
    found: list[QuantityMention] = []
    verb_props: set[int] = set()  # starts of figures whose property a verb before them gave
    matches = _candidates(scan, skip)
    for i, m in enumerate(matches):
        nxt = matches[i + 1].start() if i + 1 < len(matches) else end
        q = _read_figure(scan, m, nxt, found, verb_props)
        if q is not None:
            found.append(q)
    found.extend(_shares(scan, skip))
    return sorted(found, key=lambda q: q.start)


# A reference marker left by a copied article ("died.[6][7]"): a number in square brackets, no count.
_CITATION = re.compile(r"\[\s*\d+\s*\]")


def _candidates(scan: _Scan, skip: list[tuple[int, int]]) -> list[re.Match[str]]:
    """Every number the lexicon reads in the text, outside the skipped spans."""
    return [m for m in scan.ql.number.finditer(scan.text, scan.start, scan.end)
            if not any(a <= m.start() < b for a, b in skip) and m.group(0).strip()
            and not _CITATION.match(scan.text, max(0, m.start() - 1))]


def _is_count(scan: _Scan, m: re.Match[str]) -> bool:
    """Whether a number counts something: not a year; "one" or "a" only with a scale ("one million") or
    a unit of time ("one year"): alone it is an article or a pronoun ("one of the", "a dozen" aside)."""
    scaled = bool(m.groupdict().get("wscale"))
    bare_word = m.group("word") and not scaled and not scan.ql.duration_re.match(scan.text, m.end(), scan.end)
    if bare_word:
        value = _value(m, scan.ql)
        return value is not None and value.amount is not None and value.amount >= 2
    return not _is_year(m)


def _read_figure(scan: _Scan, m: re.Match[str], nxt: int, found: list[QuantityMention],
                 verb_props: set[int]) -> QuantityMention | None:
    """The quantity a number states, or None when it counts nothing the builder knows. ``nxt`` is where
    the next number starts; ``found`` are the figures read before it."""
    if not _is_count(scan, m):
        return None
    value = _figure_value(m, scan.ql)
    if value is None:
        return None
    fig = _figure(scan, m, nxt)
    choice = _choose_property(scan, fig, found, verb_props)
    if choice is None:
        return None
    if choice.by_verb:
        verb_props.add(m.start())
    qend = _quote_end(fig)
    side, side_label = _choose_side(scan, fig, qend, choice, found)
    return QuantityMention(
        start=m.start(), end=qend,
        quantity=Quantity(value.amount, value.lower, value.upper, value.approximate, value.qualifier, choice.unit),
        property=choice.property, side=side, side_label=side_label,
    )


def _figure_value(m: re.Match[str], ql: QuantityLexicon) -> Quantity | None:
    """The value with its bounds and hedge; a percentage as a fraction."""
    value = _value(m, ql)
    if value is None or not m.group("pct"):
        return value
    return Quantity(value.amount / 100 if value.amount is not None else None,
                    value.lower / 100 if value.lower is not None else None,
                    value.upper / 100 if value.upper is not None else None,
                    value.approximate, value.qualifier)


def _figure(scan: _Scan, m: re.Match[str], nxt: int) -> _Figure:
    """The number with the text before and after it that belongs to it."""
    text, ql = scan.text, scan.ql
    stop = _STOP.search(text, m.end(), min(nxt, scan.end))
    tail_end = stop.start() if stop else min(nxt, scan.end)
    tail = text[m.end():tail_end]
    # "65,000 and Iraqi casualties at 20,000": what follows "and" belongs to the next figure.
    tail = "" if _LEADING_JOIN.match(tail) else tail
    head = text[max(scan.start, m.start() - 40):m.start()]
    head = head[max(head.rfind(","), head.rfind(";"), head.rfind("—")) + 1:]
    duration = ql.duration_re.match(text, m.end(), scan.end)
    combined = None if m.group("pct") or duration else ql.combined.match(text, m.end(), scan.end)
    return _Figure(m, head, tail, tail_end, " ".join(tail.split()[:2]), duration, combined)


def _choose_property(scan: _Scan, fig: _Figure, found: list[QuantityMention],
                     verb_props: set[int]) -> _Choice | None:
    """What the figure counts; None when it counts no people and no equipment ("4 brigades"), or when
    nothing says what it counts and there is no default."""
    choice = _form_property(scan, fig)
    if choice is None and _counts_no_people(fig.noun_phrase, scan.ql):
        return None  # what it counts has no property of its own, and no person is counted
    return choice or _equipment_property(scan, fig) or _word_property(scan, fig, found, verb_props)


def _form_property(scan: _Scan, fig: _Figure) -> _Choice | None:
    """The property the figure's own form gives: a percentage, a duration, combined casualty terms."""
    if fig.m.group("pct"):
        return _Choice("proportion")
    if fig.duration:
        return _Choice("duration", scan.ql.durations[fig.duration.group("unit").lower()])
    if fig.combined:
        return _Choice("numberOfCasualties")
    return None


def _equipment_property(scan: _Scan, fig: _Figure) -> _Choice | None:
    """Counted equipment ("40 tanks"): a loss when the field counts losses or a loss word follows."""
    em = scan.ql.equipment.search(fig.noun_phrase)
    if em is None:
        return None
    ql, m = scan.ql, fig.m
    lost = scan.losses or bool(ql.loss_words.search(scan.text, m.end(), scan.end if scan.losses else fig.tail_end))
    return _Choice("equipmentLosses" if lost else "equipmentStrength", _singular(em.group(0)))


def _word_property(scan: _Scan, fig: _Figure, found: list[QuantityMention],
                   verb_props: set[int]) -> _Choice | None:
    """The property the words around the figure give: a verb before it, the figure it is listed after,
    a counted noun before it, a word after it; else the default."""
    ql = scan.ql
    prop = _verb_before(fig.head, ql) or _listed_after(scan.text, fig.m.start(), found, verb_props)
    if prop is not None:
        return _Choice(prop, by_verb=True)
    prop, head_side = _noun_before(fig.head, ql, scan.patterns)
    if prop is not None:
        return _Choice(prop, head_side=head_side)
    prop = next((name for name, rx in ql.properties if rx.search(fig.tail)), None)
    if prop is None:
        prop = scan.default_property
    return _Choice(prop) if prop is not None else None


def _quote_end(fig: _Figure) -> int:
    """The quote ends at the last word that belongs to the figure ("6,000 Iranian lives lost", not
    "... and"), or after the combined terms or the unit of time."""
    kept = re.sub(r"(?:\s+(?:and|or|but|with|of|the|from|to|for|during|by|in|at|others?))+\s*$", "",
                  fig.tail.rstrip(), flags=re.IGNORECASE)
    qend = fig.m.end() + len(kept)
    if fig.combined:
        qend = max(qend, fig.combined.end())
    if fig.duration:
        qend = max(qend, fig.m.end() + fig.duration.end() - fig.duration.start())
    return qend


def _choose_side(scan: _Scan, fig: _Figure, qend: int, choice: _Choice,
                 found: list[QuantityMention]) -> tuple[str | None, str | None]:
    """The side a figure concerns: named just after it, by a demonym before its noun, carried over
    from the figure before it, or the defenders or invaders it counts."""
    none: tuple[str | None, str | None] = (None, None)
    side = _side(scan.text, fig.m.end(), qend, fig.tail, scan.patterns)
    if side == none:
        side = choice.head_side
    if side == none and _carries_side(scan, fig, choice.property, found):
        side = found[-1].side, found[-1].side_label
    if side == none and choice.property == "numberOfParticipants":
        ql = scan.ql
        pm = ql.properties[[n for n, _ in ql.properties].index("numberOfParticipants")][1].search(fig.tail)
        if pm and pm.group(0).casefold() in ql.role_sides:
            side = None, pm.group(0).lower()
    return side


def _carries_side(scan: _Scan, fig: _Figure, prop: str, found: list[QuantityMention]) -> bool:
    """Whether the figure takes the side of the one just before it ("6,000 Iranian dead and 4,000
    others", "20,000 Iraqi troops, 3,000 killed")."""
    if not found or not found[-1].side_label or found[-1].end < fig.m.start() - 80:
        return False
    return bool(scan.ql.carry_words.search(fig.tail)) or found[-1].property != prop


def _shares(scan: _Scan, skip: list[tuple[int, int]]) -> list[QuantityMention]:
    """Shares written as words ("half of the garrison"), outside the skipped spans."""
    out: list[QuantityMention] = []
    for s in scan.ql.share.finditer(scan.text, scan.start, scan.end):
        if any(a <= s.start() < b for a, b in skip):
            continue
        frac = Decimal(str(scan.ql.shares[s.group("share").lower()]))
        out.append(QuantityMention(s.start(), s.end(), Quantity(frac, None, None, False, None, s.group("noun")),
                                   "proportion", None, None))
    return out


def _verb_before(head: str, ql: QuantityLexicon) -> str | None:
    """The property a verb right before the figure gives ("killed 255 servicemen")."""
    words = head.split()
    for name, rx in ql.properties:
        if name != "numberOfParticipants" and words and rx.search(words[-1]):
            return name
    return None


def _noun_before(head: str, ql: QuantityLexicon,
                 patterns: Patterns) -> tuple[str | None, tuple[str | None, str | None]]:
    """The property (and the side, from a demonym) a counted noun before the figure gives:
    "Iranian casualties at about 65,000" is 65,000 Iranian casualties."""
    m = _NOUN_BEFORE.search(head)
    if m is None:
        return None, (None, None)
    prop = next((name for name, rx in ql.properties if name != "numberOfParticipants"
                 and rx.fullmatch(m.group("noun"))), None)
    if prop is None:
        return None, (None, None)
    word = m.group("side")
    if word and word in patterns.demonyms:
        return prop, (patterns.demonyms[word], word)
    return prop, (None, None)


def _listed_after(text: str, at: int, found: list[QuantityMention], verb_props: set[int]) -> str | None:
    """"The war killed 255 British servicemen, 649 Argentine personnel and three islanders": a figure
    listed right after one whose property the verb gave takes the same property."""
    if not found or found[-1].start not in verb_props:
        return None
    if re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)", text[found[-1].end:at]):
        return found[-1].property
    return None


def _counts_no_people(noun_phrase: str, ql: QuantityLexicon) -> bool:
    """Whether the words after a figure count things that are not people, and no equipment."""
    return bool(ql.not_people.search(noun_phrase)) and not ql.equipment.search(noun_phrase)


# A second capitalised people after a demonym: " and South African", ", Australian and New Zealand".
_JOINT_PEOPLES = re.compile(r"(?:(?:,\s*|\s+and\s+|\s+or\s+)[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?)+")


def _side(text: str, lo: int, hi: int, tail: str, patterns: Patterns) -> tuple[str | None, str | None]:
    """The side a number concerns, from a demonym just after it ("6,000 Iranian lives")."""
    if patterns.demonym_re is not None:
        d = patterns.demonym_re.search(text, lo, hi)
        if d:
            # "72,000 British and South African soldiers": two peoples counted together are no one side.
            joint = _JOINT_PEOPLES.match(text, d.end())
            if joint:
                return None, d.group(0) + joint.group(0)
            return patterns.demonyms[d.group(0)], d.group(0)
    # Capitalised words right after the number, before a common noun: "60,000 Viet Minh troops".
    m = re.match(r"\s*((?:[A-Z][\w-]+\s+){0,2}[A-Z][\w-]+)\s+[a-z]", tail)
    if m and m.group(1).split()[0] not in patterns.not_names:
        return None, m.group(1)
    return None, None


def side_before(
    text: str, lo: int, hi: int, patterns: Patterns, mentions: list[tuple[int, str, str]]
) -> tuple[str | None, str | None]:
    """The last country or demonym named in text[lo:hi] ("Baathist Iraq had fortified ... troops")."""
    best: tuple[int, str, str] | None = None
    if patterns.demonym_re is not None:
        for d in patterns.demonym_re.finditer(text, lo, hi):
            best = (d.start(), patterns.demonyms[d.group(0)], d.group(0))
    for pos, key, name in mentions:
        if lo <= pos < hi and (best is None or pos > best[0]):
            best = (pos, key, name)
    if best:
        return best[1], best[2]
    # A capitalised adjective before a common noun ("the Soviet side", "German losses") names the side
    # even when no registry entry knows it.
    label: str | None = None
    for m in re.finditer(r"(?<=[a-z,] )((?:[A-Z][\w-]+\s+){0,2}[A-Z][\w-]+)(?=\s+[a-z])", text[lo:hi]):
        if m.group(1).split()[0] not in patterns.not_names:
            label = m.group(1)
    return None, label
