"""Check a query before it runs: it must not make the server reach the network or read files.

Rejected: ``SERVICE`` (federation), ``LOAD`` (it fetches a URL), and ``FROM`` / ``FROM NAMED`` with an
IRI that is not one of our own graphs. Updates arrive by the protocol's ``update`` operation and are
refused unless turned on; even then LOAD and SERVICE are refused.

The check reads the query with the terminals of the SPARQL 1.1 grammar (section 19.8), in one
iterative pass, so that what it sees is what Oxigraph parses:

- codepoint escapes (``\\uXXXX``, ``\\UXXXXXXXX``) are applied first, as the grammar says (19.2);
- comments run to the end of the line, which ends at CR or LF;
- strings (all four forms, with their escapes) and IRIs are skipped whole, so a keyword inside one is
  not a keyword, and a keyword outside one is never hidden;
- nesting has no depth limit: the pass keeps no stack.

It is not a parser: Oxigraph parses the query right after, in the same worker and under the same time
limit, and reports syntax errors with their line and column. Where the text cannot be read as tokens
(an unterminated string, a stray quote), the check refuses it rather than guess.

This is one layer of two: query workers also run without network access (``sparql/sandbox.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin

from ..errors import QueryRejected, QuerySyntaxError

__all__ = ["QueryInfo", "Token", "check_query", "check_update", "tokens", "unescape"]

_FORMS = ("select", "ask", "construct", "describe")


@dataclass(frozen=True)
class QueryInfo:
    """What a checked query is."""

    form: str  # select | ask | construct | describe
    dataset_clause: bool  # it names its own FROM / FROM NAMED graphs


@dataclass(frozen=True)
class Token:
    """One terminal of the query text: its kind, its text and where it starts."""

    kind: str  # iri | pname | string | var | lang | word | number | punct
    text: str
    offset: int


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

# PN_CHARS_BASE and PN_CHARS of the grammar, with \w standing for its letter and digit ranges.
_PN_START = r"[^\W\d_]"
_PN_CHARS = r"[\w\-\u00B7\u0300-\u036F\u203F\u2040]"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_PREFIX = rf"(?:{_PN_START}(?:(?:{_PN_CHARS}|\.)*{_PN_CHARS})?)"
_PN_LOCAL = rf"(?:(?:[\w:]|{_PLX})(?:(?:{_PN_CHARS}|[.:]|{_PLX})*(?:{_PN_CHARS}|:|{_PLX}))?)"
_ECHAR = r"\\[tbnrf\\\"']"

# One alternative per terminal; the first that matches at a position wins, so longer forms come first.
_TERMINALS = re.compile(
    "|".join(
        [
            r"(?P<ws>[ \t\r\n]+)",
            r"(?P<comment>#[^\r\n]*)",
            (rf"(?P<string>'''(?:(?:''|')?(?:[^'\\]|{_ECHAR}))*'''"
             rf'|"""(?:(?:""|")?(?:[^"\\]|{_ECHAR}))*"""'
             rf"|'(?:[^'\\\r\n]|{_ECHAR})*'"
             rf'|"(?:[^"\\\r\n]|{_ECHAR})*")'),
            r'(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)',
            rf"(?P<pname>{_PN_PREFIX}?:{_PN_LOCAL}?)",
            r"(?P<var>[?$][\w\u00B7\u0300-\u036F\u203F\u2040]+)",
            r"(?P<lang>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)",
            rf"(?P<bnode>_:(?:[\w]|{_PN_CHARS})(?:(?:{_PN_CHARS}|\.)*{_PN_CHARS})?)",
            r"(?P<word>[A-Za-z_][A-Za-z0-9_]*)",
            r"(?P<number>[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+\.)",
            r"(?P<punct>\^\^|&&|\|\||!=|<=|>=|[^'\"])",
        ]
    )
)


def unescape(text: str) -> str:
    """Apply SPARQL's codepoint escapes (\\uXXXX, \\UXXXXXXXX), which the grammar says come before parsing,
    so that what is checked is what runs."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def _position(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + text.count("\r", 0, offset) - text.count("\r\n", 0, offset) + 1
    start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    return f"line {line}, column {offset - start + 1}"


def tokens(text: str) -> Iterator[Token]:
    """The terminals of ``text`` (escapes already applied), leaving out white space and comments.

    Raises QuerySyntaxError where no terminal matches, e.g. at an unterminated string."""
    pos, end = 0, len(text)
    while pos < end:
        m = _TERMINALS.match(text, pos)
        if m is None or m.end() == pos:
            what = "an unterminated string" if text[pos] in "'\"" else f"the character {text[pos]!r}"
            raise QuerySyntaxError(f"the query cannot be read at {_position(text, pos)}: {what}",
                                   hint="check the SPARQL 1.1 syntax near that place")
        kind = m.lastgroup or "punct"
        if kind not in ("ws", "comment"):
            yield Token(kind, m.group(), pos)
        pos = m.end()


@dataclass
class _Scan:
    """What one pass over the tokens collects."""

    own_graphs: frozenset[str]
    base: str = ""
    form: str | None = None
    dataset_clause: bool = False


def _keyword(token: Token) -> str:
    return token.text.lower() if token.kind == "word" else ""


def _resolve(token: Token, prefixes: dict[str, str], base: str) -> str | None:
    """The absolute IRI a token names, or None when it names none we can tell."""
    if token.kind == "iri":
        return urljoin(base, token.text[1:-1]) if base else token.text[1:-1]
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None


def _refuse(word: str, what: str, offset: int, text: str) -> QueryRejected:
    hints = {
        "service": "query this endpoint and the other one separately, then join the results",
        "load": "this endpoint never fetches URLs or reads files",
    }
    return QueryRejected(f"{word.upper()} is not allowed ({what}), at {_position(text, offset)}",
                         hint=hints.get(word))


def _scan(text: str, scan: _Scan) -> None:
    """One pass: refuse SERVICE and LOAD, check FROM graphs, note the form (its first keyword)."""
    prefixes: dict[str, str] = {}
    toks = list(tokens(text))
    for i, tok in enumerate(toks):
        word = _keyword(tok)
        if word == "service":
            raise _refuse(word, "this endpoint never sends requests to other servers", tok.offset, text)
        if word == "load":
            raise _refuse(word, "it fetches a URL", tok.offset, text)
        if word == "prefix" and i + 2 < len(toks) and toks[i + 1].kind == "pname" and toks[i + 2].kind == "iri":
            prefixes[toks[i + 1].text.rstrip(":")] = _resolve(toks[i + 2], prefixes, scan.base) or ""
        elif word == "base" and i + 1 < len(toks) and toks[i + 1].kind == "iri":
            scan.base = _resolve(toks[i + 1], prefixes, scan.base) or ""
        elif word in _FORMS and scan.form is None:
            scan.form = word
        elif word == "from":
            _check_from(toks, i, prefixes, scan, text)


def _check_from(toks: list[Token], i: int, prefixes: dict[str, str], scan: _Scan, text: str) -> None:
    j = i + 1
    if j < len(toks) and _keyword(toks[j]) == "named":
        j += 1
    iri = _resolve(toks[j], prefixes, scan.base) if j < len(toks) else None
    if iri is None or iri not in scan.own_graphs:
        shown = f"<{iri}>" if iri else (toks[j].text if j < len(toks) else "nothing")
        raise QueryRejected(
            f"FROM {shown} is not allowed at {_position(text, toks[i].offset)}: only this dataset's own graphs "
            "can be named",
            hint="graphs: " + ", ".join(sorted(scan.own_graphs)),
        )
    scan.dataset_clause = True


# Words whose absence anywhere in the text proves a query cannot name a service, load a document or
# pick graphs: such a query (most saved queries) is only read up to its form keyword.
_DANGER = re.compile(r"service|load|from", re.IGNORECASE)


@lru_cache(maxsize=128)
def check_query(text: str, own_graphs: frozenset[str]) -> QueryInfo:
    """Check a query (its codepoint escapes already applied) and say what form it has; raise
    QueryRejected with a message that says why it cannot run, or QuerySyntaxError where it cannot be
    read as SPARQL's terminals."""
    if not _DANGER.search(text):
        form = next((w for w in map(_keyword, tokens(text)) if w in _FORMS), "select")
        return QueryInfo(form=form, dataset_clause=False)
    scan = _Scan(own_graphs)
    _scan(text, scan)
    return QueryInfo(form=scan.form or "select", dataset_clause=scan.dataset_clause)


def check_update(text: str) -> None:
    """Refuse LOAD (it fetches a URL) and SERVICE in an update, even when updates are allowed."""
    for tok in tokens(text):
        word = _keyword(tok)
        if word == "service":
            raise _refuse(word, "this endpoint never sends requests to other servers", tok.offset, text)
        if word == "load":
            raise _refuse(word, "it fetches a URL", tok.offset, text)
