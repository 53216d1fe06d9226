"""A news or other web page (its saved HTML) to the corpus format, with trafilatura.

trafilatura finds the main text and drops navigation, comments and boilerplate; its tree of the main
text (``head``, ``p``, ``list``/``item``, ``quote``) is laid out here as ``== Subheading ==`` lines,
paragraphs, ``- item`` lines and quotations as their own paragraphs. The metadata (title, author,
date, site name, address, licence, language) is what the page states in its head and body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import trafilatura

from ..errors import InputError
from .layout import clean_lines, corpus_text
from .marks import strip_marks
from .wikipedia_html import licence_name

__all__ = ["WebPage", "read_web_page"]

# A page whose main text is shorter than this holds no article (a menu, a login wall, a gallery).
MIN_TEXT = 200


@dataclass(frozen=True)
class WebPage:
    text: str
    fields: dict[str, Any]


def _words(element: Any) -> str:
    """An element's text, its children's included (``<hi>`` formatting, ``<ref>`` links)."""
    return re.sub(r"\s+", " ", strip_marks("".join(element.itertext()))).strip()


def _layout(body: Any) -> list[str]:
    """The main text's tree as corpus lines."""
    chunk: list[str] = []
    for element in body:
        tag = element.tag
        if tag == "head":
            chunk += ["", f"== {_words(element)} ==", ""]
        elif tag == "list":
            chunk += [f"- {_words(item)}" for item in element.iter("item") if _words(item)]
            chunk.append("")
        elif tag not in ("table", "graphic", "figure"):  # paragraphs and quotations, each its own
            chunk += [_words(element), ""]
    return clean_lines("\n".join(chunk))


def _licence(found: str | None) -> str | None:
    if not found:
        return None
    return licence_name(found) or found


def _language(tree: Any) -> str | None:
    """The page's language as its ``<html lang>`` (or ``og:locale``) states it, as a BCP 47 tag."""
    locale = tree.xpath('//meta[@property="og:locale"]/@content') if tree is not None else []
    found = (tree.get("lang") if tree is not None else None) or (locale[0] if locale else None)
    tag = (found or "").strip().replace("_", "-")
    return tag if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", tag) else None


def _title(title: str | None, site: str | None) -> str | None:
    """The headline without the site's name that the page title adds ("Headline · Global Voices")."""
    if not title:
        return None
    if site:
        title = re.sub(rf"\s+[|·•\-–—:]\s+{re.escape(site)}\s*$", "", title)
    return title.strip() or None


def read_web_page(data: bytes, name: str) -> WebPage:
    """The page's main text in the corpus format, and its sidecar fields; InputError for a page with
    no main text."""
    tree = trafilatura.load_html(data)  # parsed once: its language read here, its text by trafilatura
    language = _language(tree)
    doc = trafilatura.bare_extraction(
        tree if tree is not None else data, with_metadata=True, include_comments=False, include_tables=False,
        include_formatting=False, favor_precision=True,
        # a date only from what the page states of itself, never guessed from its text
        date_extraction_params={"extensive_search": False, "original_date": True})
    body = getattr(doc, "body", None)
    lines = _layout(body) if body is not None else []
    if sum(len(line) for line in lines) < MIN_TEXT:
        raise InputError("this web page has no main text that kg add can find (a menu, a gallery or a page "
                         "that needs a script to show its text)", path=name,
                         hint="save the article's own page, after it has shown its text")
    site = getattr(doc, "sitename", None) or None
    title = _title(str(getattr(doc, "title", "") or "").strip(), site)
    date = str(getattr(doc, "date", "") or "") or None
    fields: dict[str, Any] = {
        "title": title, "kind": "news", "publisher": site,
        "author": getattr(doc, "author", None) or None,
        "published": date[:10] if date and re.match(r"\d{4}-\d{2}-\d{2}", date) else None,
        "language": getattr(doc, "language", None) or language,
        "licence": _licence(getattr(doc, "license", None)),
        "url": getattr(doc, "url", None) or None,
    }
    return WebPage(corpus_text(title or "", [], lines) if title else "\n".join(lines).strip() + "\n", fields)
