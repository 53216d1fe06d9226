"""A PDF with a text layer to the corpus format, with pypdf; the page of every character is kept.

The text of each page is taken from the PDF's text layer. Lines that a page shares with most other
pages (running heads and footers) and lines that are only a page number are left out; the lines of
a paragraph are joined (a word broken by a hyphen at a line's end is joined again), and a paragraph
may go on across a page break. Where each page starts in the final text is returned, so that a
claim's provenance can cite the page as well as the offset. A PDF without a text layer (a scan)
needs OCR first; an encrypted one cannot be read without its password.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError
from pypdf.generic import DictionaryObject

from ..errors import InputError
from .layout import corpus_text
from .marks import strip_marks

__all__ = ["PdfText", "read_pdf"]

# Mark characters for the start of a page, kept through the layout and taken out at the end.
_PAGE, _PAGE_END = "\x04", "\x05"
_PAGE_MARK = re.compile(f"{_PAGE}([^{_PAGE_END}]*){_PAGE_END}")


@dataclass(frozen=True)
class PdfText:
    text: str
    pages: tuple[tuple[int, str], ...]
    fields: dict[str, Any]


def _open(data: bytes, name: str) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError("this PDF is encrypted; kg add cannot read it without its password", path=name,
                             hint="save a copy without it (qpdf --decrypt --password=... in.pdf out.pdf)")
        len(reader.pages)
    except (FileNotDecryptedError, DependencyError) as e:
        raise InputError(f"this PDF is encrypted and cannot be read: {e}", path=name,
                         hint="save a copy without the password (e.g. qpdf --decrypt in.pdf out.pdf)") from e
    except (PdfReadError, ValueError, KeyError, TypeError) as e:
        raise InputError(f"not a readable PDF: {e}", path=name) from e
    return reader


def _page_texts(reader: PdfReader, name: str) -> list[str]:
    texts = []
    for number, page in enumerate(reader.pages, 1):
        try:
            texts.append(strip_marks(page.extract_text() or "").replace("\x00", ""))
        except (PdfReadError, ValueError, KeyError, TypeError) as e:
            raise InputError(f"the text of page {number} cannot be read: {e}", path=name) from e
    found = sum(len(t.strip()) for t in texts)
    if found < 20 * len(texts) and found < 200:
        raise InputError("this PDF has no text layer (a scan?): it needs OCR before kg add can read it", path=name,
                         hint="run it through OCR first, e.g. ocrmypdf in.pdf out.pdf")
    return texts


def _furniture(pages: list[list[str]]) -> set[str]:
    """Lines that stand at the top or bottom of most pages: running heads and footers."""
    if len(pages) < 3:
        return set()
    ends = Counter(re.sub(r"\d+", "#", line) for lines in pages for line in {*lines[:2], *lines[-2:]})
    return {shape for shape, n in ends.items() if n >= max(3, len(pages) * 0.6)}


def _lines(texts: list[str], labels: list[str]) -> list[str]:
    """Every page's lines, with a page mark at its start, without running heads and page numbers."""
    pages = [[line.strip() for line in t.splitlines() if line.strip()] for t in texts]
    furniture = _furniture(pages)
    out: list[str] = []
    for label, lines in zip(labels, pages, strict=True):
        kept = [line for line in lines
                if re.sub(r"\d+", "#", line) not in furniture and not re.fullmatch(r"(page\s*)?\d{1,4}", line, re.I)]
        out.append(f"{_PAGE}{strip_marks(label).replace(_PAGE_END, '')}{_PAGE_END}")
        out += kept
    return out


def _labels(reader: PdfReader, count: int) -> list[str]:
    """The pages' labels as the PDF numbers them ("iii", "12"), else their numbers from 1."""
    try:
        labels = [str(label) for label in reader.page_labels]
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError):
        labels = []
    return labels if len(labels) == count and all(labels) else [str(n) for n in range(1, count + 1)]


def _ends_paragraph(line: str, typical: int) -> bool:
    """A short line that ends a sentence ends its paragraph (a justified line runs to the margin)."""
    return bool(re.search(r"[.!?:;\"”’)]$", line)) and len(line) < typical * 0.8


def _paragraphs(lines: list[str]) -> list[str]:
    """Lines joined into paragraphs; a hyphen that broke a word at a line's end is taken out."""
    plain = [line for line in lines if not line.startswith(_PAGE)]
    lengths = sorted(len(line) for line in plain) or [0]
    typical = lengths[len(lengths) * 3 // 4]
    out: list[str] = []
    para = ""
    pending = ""  # page marks met inside a paragraph are kept where its next words start
    for line in lines:
        if line.startswith(_PAGE):
            pending += line
            continue
        if para and re.search(r"[a-z]-$", para) and line[:1].islower():
            para = para[:-1] + pending + line
        else:
            para = f"{para} {pending}{line}" if para else pending + line
        pending = ""
        if _ends_paragraph(line, typical):
            out += [para, ""]
            para = ""
    if para:
        out.append(para)
    return out + ([pending] if pending else [])


def _unmark_pages(text: str) -> tuple[str, tuple[tuple[int, str], ...]]:
    out: list[str] = []
    pages: list[tuple[int, str]] = []
    pos = length = 0
    for m in _PAGE_MARK.finditer(text):
        out.append(text[pos:m.start()])
        length += m.start() - pos
        pages.append((length, m.group(1)))
        pos = m.end()
    out.append(text[pos:])
    if pages:  # the title line above the first page's text is on that page too
        pages[0] = (0, pages[0][1])
    return "".join(out), tuple(pages)


def _date(value: datetime | None) -> str | None:
    return value.date().isoformat() if value is not None else None


def _info(reader: PdfReader) -> dict[str, Any]:
    """What the document's info dictionary states."""
    info = reader.metadata
    if info is None:
        return {}
    try:
        created = info.creation_date
    except ValueError:  # a date that is not in the PDF date syntax says nothing
        created = None
    catalog = reader.trailer["/Root"].get_object()
    lang = catalog.get("/Lang") if isinstance(catalog, DictionaryObject) else None
    return {"title": (info.title or "").strip() or None, "author": (info.author or "").strip() or None,
            "published": _date(created), "language": str(lang).strip() if lang else None}


def read_pdf(data: bytes, name: str) -> PdfText:
    """The PDF's text in the corpus format, where each page starts in it, and its sidecar fields."""
    reader = _open(data, name)
    texts = _page_texts(reader, name)
    info = _info(reader)
    body = _paragraphs(_lines(texts, _labels(reader, len(texts))))
    title = info.get("title")
    marked = corpus_text(title, [], body) if title else "\n".join(body).strip() + "\n"
    text, pages = _unmark_pages(marked)
    fields: dict[str, Any] = {"title": title, "kind": None, "publisher": None, "author": info.get("author"),
                              "published": info.get("published"), "language": info.get("language"),
                              "licence": None, "url": None}
    return PdfText(text, pages, fields)
