"""Stage 1: split a document's text into title, infobox fields and sentences, keeping offsets.

The two document kinds share one grammar:

* an optional ``= Title =`` line;
* an optional ``Infobox`` line followed by ``- Key: value`` lines, ending at a blank line;
* ``== Section ==`` headings, ``- item`` list lines, and paragraphs of running text;
* an optional leading ``date YYYY-MM-DD`` stamp (news texts), ``*** By ...`` bylines and a final
  parenthesised publication note, which are metadata rather than prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .errors import InfoboxError, InputError
from .models import Document, InfoboxField, ParsedDocument, Sentence

__all__ = ["parse_document", "quote_spans", "split_sentences"]

_TITLE = re.compile(r"^=\s*(?P<title>[^=].*?)\s*=\s*$")
_HEADING = re.compile(r"^(?P<eq>={2,})\s*(?P<name>.+?)\s*(?P=eq)\s*$")
_INFOBOX_LINE = re.compile(r"^-\s*(?P<key>[^:\n]+?)\s*:[ \t]?(?P<value>.*?)\s*$")
_DATE_STAMP = re.compile(r"^\s*date\s+(?P<date>\d{4}-\d{2}-\d{2})\b[ \t]*")
_BYLINE = re.compile(r"^\s*\*{2,}")
_NOTE_LINE = re.compile(r"^\s*\(.*\)\s*$")
# A sentence ends at . ! or ? (with closing quotes or brackets) followed by space and a capital,
# a digit or an opening quote.
_SENTENCE_END = re.compile(r"[.!?][\"”’)\]]*\s+(?=[A-Z0-9\"“‘(])")
_ABBREVIATIONS = ("Dr.", "Mr.", "Mrs.", "Ms.", "St.", "Gen.", "Col.", "Lt.", "Maj.", "Capt.", "U.S.",
                  "U.N.", "e.g.", "i.e.", "No.", "vs.", "c.", "ca.", "Jr.", "Sr.")
_OPENERS = " \t\n(—–-[:"
_CLOSERS = " \t\n.,;:!?)—–]"


def _lines(text: str) -> Iterator[tuple[int, int, str]]:
    """(1-based line number, offset of the line, line without its newline)."""
    offset = 0
    for number, raw in enumerate(text.splitlines(keepends=True), 1):
        yield number, offset, raw.rstrip("\r\n")
        offset += len(raw)


def quote_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of quoted passages within text[start:end], quote marks included.

    Texts mix curly and straight quotes, even within one quotation (“..."), so a quotation opens at
    “ or at a " after a space, and closes at the next ” or " that is followed by a space or punctuation.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    i = start
    while i < end:
        ch = text[i]
        if ch == "“" or (ch == '"' and (i == start or text[i - 1] in _OPENERS)):
            j = i + 1
            while j < end:
                if text[j] in "”\"" and (j + 1 >= end or text[j + 1] in _CLOSERS or text[j + 1] in "”\""):
                    break
                if text[j] == "\n":
                    break
                j += 1
            if j < end and text[j] in "”\"":
                spans.append((i, j + 1))
                i = j + 1
                continue
        i += 1
    return spans


def split_sentences(text: str, start: int, end: int, section: str,
                    abbreviations: tuple[str, ...] = ()) -> list[Sentence]:
    """Split text[start:end] into sentences, never inside a quotation nor after an abbreviation (the
    built-in ones and ``abbreviations``, e.g. the lexicon's short titles: "Bvt. Maj. Gen. X")."""
    known = _ABBREVIATIONS + abbreviations
    reach = max(len(a) for a in known)
    quotes = quote_spans(text, start, end)
    sentences: list[Sentence] = []
    begin = start
    chunk = text[start:end]
    for m in _SENTENCE_END.finditer(chunk):
        cut = start + m.start() + len(m.group(0).rstrip())  # after the stop and any closing quote
        if any(a < cut < b for a, b in quotes):
            continue
        before = text[max(begin, start + m.start() + 1 - reach):start + m.start() + 1]
        if any(before.endswith(a) for a in known) or re.search(r"(?:^|\s)[A-Z]\.$", before):
            continue
        stop = start + m.end()
        sentences.append(_trimmed(text, begin, stop, section))
        begin = stop
    if text[begin:end].strip():
        sentences.append(_trimmed(text, begin, end, section))
    return [s for s in sentences if s.end > s.start]


def _trimmed(text: str, start: int, end: int, section: str) -> Sentence:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Sentence(start=start, end=end, section=section)


@dataclass
class _Reader:
    """The state of reading a document line by line: what has been found so far, and where we are."""

    doc: Document
    abbreviations: tuple[str, ...]
    title: str | None = None
    stated_date: str | None = None
    infobox: list[InfoboxField] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    section: str = ""
    in_infobox: bool = False
    seen_content: bool = False

    def infobox_line(self, number: int, offset: int, line: str) -> None:
        """A `- Key: value` line of the infobox block; a blank line ends the block."""
        if not line.strip():
            self.in_infobox = False
            return
        m = _INFOBOX_LINE.match(line)
        if m is None or not m.group("key").strip():
            raise InfoboxError(f"malformed infobox line {line!r}", path=self.doc.path, line=number,
                               hint="infobox lines look like `- Key: value`; end the infobox with a blank line")
        self.infobox.append(InfoboxField(key=m.group("key").strip(), value=m.group("value"), line=number,
                                         start=offset + m.start("value"), end=offset + m.end("value")))

    def first_line(self, offset: int, line: str) -> bool:
        """The first line with content: a `= Title =` line, or a news date stamp before the text.
        Whether it was one of them (and so is read)."""
        self.seen_content = True
        tm = _TITLE.match(line)
        if tm:
            self.title = tm.group("title")
            return True
        dm = _DATE_STAMP.match(line)
        if dm:
            self.stated_date = dm.group("date")
            self.sentences.extend(split_sentences(self.doc.text, offset + dm.end(), offset + len(line),
                                                  self.section, self.abbreviations))
            return True
        return False

    def body_line(self, offset: int, line: str) -> None:
        """A line of the body: the infobox marker, a heading, a list item, or running text."""
        stripped = line.strip()
        hm = _HEADING.match(line)
        if stripped == "Infobox":
            self.in_infobox = True
        elif hm:
            self.section = hm.group("name")
        elif _BYLINE.match(line) or _NOTE_LINE.match(line):
            return
        elif stripped.startswith("- "):
            item_start = offset + line.index("- ") + 2
            self.sentences.append(_trimmed(self.doc.text, item_start, offset + len(line), self.section))
        else:
            self.sentences.extend(split_sentences(self.doc.text, offset, offset + len(line), self.section,
                                                  self.abbreviations))


def parse_document(doc: Document, abbreviations: tuple[str, ...] = ()) -> ParsedDocument:
    """Split a document into its parts (``abbreviations``: more words after which no sentence ends).
    Raises InputError for text that is not a document."""
    if not doc.text.strip():
        raise InputError("the document is empty", path=doc.path, hint="remove it or give it text")
    r = _Reader(doc, abbreviations)
    for number, offset, line in _lines(doc.text):
        if r.in_infobox:
            r.infobox_line(number, offset, line)
        elif line.strip() and not (not r.seen_content and r.first_line(offset, line)):
            r.body_line(offset, line)
    return ParsedDocument(document=doc, title=r.title, infobox=tuple(r.infobox), sentences=tuple(r.sentences),
                          stated_date=r.stated_date)
