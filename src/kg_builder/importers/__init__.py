"""`kg add`: documents as researchers have them, turned into corpus documents and sidecars.

A pure stage: bytes and a file name in, the corpus text and the sidecar's fields out (``Imported``);
:mod:`kg_builder.storage` writes them, with the original kept byte for byte. The format is detected
from the content, not only from the name. Formats read: Wikipedia wikitext (a page, or the XML of
Special:Export) and a saved Wikipedia article page (HTML), other web pages such as news articles
(HTML), PDF with a text layer, plain text and Markdown.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from ..errors import InputError
from ..models import LinkHint
from ..namespaces import wiki_article, wiki_articles_base
from .pdf import read_pdf
from .webpage import read_web_page
from .wikipedia_html import is_wikipedia_html, read_wikipedia_html
from .wikitext import WikiPage, WikitextRules, redirect_target, to_corpus_text

__all__ = ["Imported", "WikitextRules", "detect_format", "import_documents"]

# The sidecar fields an import tries to fill; those it cannot are reported.
SIDECAR_FIELDS = ("title", "kind", "publisher", "author", "published", "language", "licence", "url")


@dataclass(frozen=True)
class Imported:
    """One imported document: the corpus text, and the sidecar's fields from what the source states."""

    text: str
    fields: dict[str, Any]
    format: str
    sha256: str
    unfilled: tuple[str, ...] = field(default=())
    links: tuple[LinkHint, ...] = ()
    pages: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class _Read:
    """What a format's reader gives: the text, its fields, and its annex (links, pages)."""

    text: str
    fields: dict[str, Any]
    links: tuple[LinkHint, ...] = ()
    pages: tuple[tuple[int, str], ...] = ()


_WIKI_MARKS = re.compile(r"(?m)(\{\{[^{}\n]*(?:\||\}\})|^==+[^=\n]+==+\s*$|\[\[[^\]\n]+\]\]|'''[^'\n]+''')")


_HTML = re.compile(r"<!doctype html|<html[\s>]|<head[\s>]|<body[\s>]", re.IGNORECASE)


def detect_format(data: bytes, name: str) -> str:
    """"pdf", "mediawiki-xml", "wikipedia-html", "web-page", "wikitext", "markdown" or "text", from the
    content (the name only breaks a tie between text and Markdown); InputError for a binary file that
    is none of these."""
    head = data[:4096]
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if b"\x00" in head:
        raise InputError("this is a binary file of no format kg add reads", path=name,
                         hint="kg add reads Wikipedia wikitext or its XML export, web pages (HTML), PDF, plain "
                              "text and Markdown")
    # A MediaWiki page says so in its head or in the classes of its body, which may come late.
    sniff = data[:300000].decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if sniff.startswith("<") and re.search(r"<mediawiki[\s>]", sniff[:2000]):
        return "mediawiki-xml"
    if sniff.startswith("<") and is_wikipedia_html(sniff):
        return "wikipedia-html"
    if sniff.startswith("<") and _HTML.search(sniff[:4000]):
        return "web-page"
    text = _decode(data, name)
    stripped = text.lstrip("\ufeff \t\r\n")
    if redirect_target(stripped) or len(_WIKI_MARKS.findall(stripped[:20000])) >= 3:
        return "wikitext"
    if PurePath(name).suffix.lower() in (".md", ".markdown") or re.search(r"(?m)^#{1,6} \S", stripped[:2000]):
        return "markdown"
    return "text"


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"not valid UTF-8 (byte {e.start})", path=name,
                         hint="convert the file to UTF-8, e.g. iconv -f latin1 -t utf-8") from e


def _xml_pages(text: str, name: str) -> tuple[list[WikiPage], dict[str, str]]:
    """The pages of a Special:Export file, and what its siteinfo says of the wiki."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        raise InputError(f"not well-formed XML: {e}", path=name, line=e.position[0]) from e
    ns = {"m": root.tag[1:].split("}")[0]} if root.tag.startswith("{") else {"m": ""}
    q = (lambda tag: f"m:{tag}") if ns["m"] else (lambda tag: tag)
    site = {"language": root.get("{http://www.w3.org/XML/1998/namespace}lang") or "",
            "sitename": root.findtext(f"{q('siteinfo')}/{q('sitename')}", "", ns),
            "base": root.findtext(f"{q('siteinfo')}/{q('base')}", "", ns)}
    pages = []
    for page in root.findall(q("page"), ns):
        rev = page.find(q("revision"), ns)
        pages.append(WikiPage(
            title=page.findtext(q("title"), "", ns).strip(),
            wikitext=rev.findtext(q("text"), "", ns) if rev is not None else "",
            revision=rev.findtext(q("id"), None, ns) if rev is not None else None,
            timestamp=rev.findtext(q("timestamp"), None, ns) if rev is not None else None))
    if not pages:
        raise InputError("the XML export holds no page", path=name)
    return pages, site


def _wiki_import(page: WikiPage, site: dict[str, str], rules: WikitextRules, name: str) -> _Read:
    target = redirect_target(page.wikitext)
    if target is not None:
        raise InputError(f"the page {page.title!r} is only a redirect to {target!r}; export that page instead",
                         path=name)
    if not page.wikitext.strip():
        raise InputError(f"the page {page.title!r} has no text", path=name)
    fields: dict[str, Any] = {
        "title": page.title, "kind": "encyclopedia", "publisher": site.get("sitename") or None,
        "author": None,
        "published": page.timestamp[:10] if page.timestamp else None,
        "language": site.get("language") or None, "licence": None,
        # The page's address, from the wiki's main page address in the export's siteinfo.
        "url": wiki_article(base, page.title) if (base := wiki_articles_base(site.get("base"))) else None,
    }
    if page.revision:
        fields["revision"] = page.revision
    if page.timestamp:
        fields["revision_timestamp"] = page.timestamp
    text, links = to_corpus_text(page, rules)
    return _Read(text, fields, links)


def _plain_import(text: str, fmt: str, name: str) -> _Read:
    """Plain text or Markdown as it is; the title from the first heading (Markdown's "# Title")."""
    body = text.replace("\r\n", "\n").lstrip("\ufeff")
    if not body.strip():
        raise InputError("the document is empty", path=name)
    title = None
    heading = r"\s*#\s+(?P<title>[^\n]+)\n" if fmt == "markdown" else r"\s*=\s*(?P<title>[^=\n]+?)\s*=\s*\n"
    m = re.match(heading, body)
    if m:
        title = m.group("title").strip()
        body = body[m.end():]
        body = f"= {title} =\n\n" + body.lstrip("\n")
    if fmt == "markdown":
        body = re.sub(r"(?m)^#{2,6}\s+(?P<h>.+?)\s*#*\s*$", lambda h: f"== {h.group('h')} ==", body)
        body = re.sub(r"(?m)^[*+]\s+", "- ", body)
    return _Read(body.rstrip() + "\n", {"title": title, "kind": None, "publisher": None, "author": None,
                                        "published": None, "language": None, "licence": None, "url": None})


def _read(data: bytes, name: str, fmt: str, rules: WikitextRules) -> list[_Read]:
    """The documents of ``data`` read as format ``fmt``."""
    if fmt == "pdf":
        pdf = read_pdf(data, name)
        return [_Read(pdf.text, pdf.fields, pages=pdf.pages)]
    if fmt == "wikipedia-html":
        page = read_wikipedia_html(data, name, rules)
        return [_Read(page.text, page.fields, page.links)]
    if fmt == "web-page":
        web = read_web_page(data, name)
        return [_Read(web.text, web.fields)]
    text = _decode(data, name)
    if fmt == "mediawiki-xml":
        pages, site = _xml_pages(text, name)
        return [_wiki_import(page, site, rules, name) for page in pages]
    if fmt == "wikitext":
        title = re.sub(r"[_]+", " ", PurePath(name).stem)
        return [_wiki_import(WikiPage(title, text), {}, rules, name)]
    return [_plain_import(text, fmt, name)]


def import_documents(data: bytes, name: str, rules: WikitextRules, kind: str | None = None) -> list[Imported]:
    """The documents of ``data`` in the corpus format: every page of an export, else the one document."""
    fmt = detect_format(data, name)
    sha256 = hashlib.sha256(data).hexdigest()
    out = []
    for read in _read(data, name, fmt, rules):
        fields = dict(read.fields)
        if kind is not None:
            fields["kind"] = kind
        out.append(Imported(read.text, fields, fmt, sha256, tuple(k for k in SIDECAR_FIELDS if fields.get(k) is None),
                            read.links, read.pages))
    return out
