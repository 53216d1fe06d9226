"""A saved Wikipedia article page (its HTML) to the corpus format, with selectolax.

The result is the one the article's wikitext gives (:mod:`.wikitext`): the infobox table's rows
become the template's ``- Key: value`` lines (which header and label is which field is data, the
``html:`` part of ``ontology/wikitext.yaml``), and the body keeps its headings, paragraphs and list
items, without references, navigation boxes, images and edit links. Links to articles are kept as
link hints. The page's metadata comes from its head: the canonical URL, the language, the schema.org
description the wiki adds (dates, Wikidata item) and the licence link.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..errors import InputError
from ..models import LinkHint
from .layout import corpus_text, infobox_value, sections
from .marks import link, strip_marks, unmark
from .wikitext import WikitextRules

__all__ = ["WikipediaHtml", "is_wikipedia_html", "licence_name", "read_wikipedia_html"]

# Elements whose children are laid out as blocks of their own.
_BLOCKS = frozenset({"p", "div", "ul", "ol", "dl", "blockquote", "section", "center", "figure", "pre"})
_ARTICLES = "/wiki/"  # the path of a wiki's articles
_HEADINGS = {"h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


@dataclass(frozen=True)
class WikipediaHtml:
    text: str
    links: tuple[LinkHint, ...]
    fields: dict[str, Any]


def is_wikipedia_html(head: str) -> bool:
    """A page rendered by MediaWiki: its generator tag, or the classes of its article body and section
    headings (a body-only render, ``action=render``, has those)."""
    return bool(re.search(r'content="MediaWiki|class="mw-parser-output|class="mw-headline|class="mw-editsection', head))


def licence_name(url: str) -> str | None:
    """A Creative Commons licence's short name from its address ("CC BY-SA 4.0"); None for others."""
    m = re.search(r"creativecommons\.org/(?:licenses/(?P<kind>[a-z-]+)/(?P<v>[\d.]+)|publicdomain/(?P<pd>zero|mark))",
                  url)
    if m is None:
        return None
    if m.group("pd"):
        return "CC0 1.0" if m.group("pd") == "zero" else "Public Domain Mark 1.0"
    return f"CC {m.group('kind').upper()} {m.group('v')}"


class _Renderer:
    """HTML nodes to the text layout of :mod:`.layout`, with links marked (:mod:`.marks`)."""

    def __init__(self, rules: WikitextRules, host: str) -> None:
        self.rules = rules
        self.host = host  # the wiki's host: links to articles on it (or relative ones) are link hints
        self.statuses: dict[str, str] = rules.html.get("statuses") or {}  # in lower case, as read

    def text(self, node: LexborNode) -> str:
        return "".join(self.node(child) for child in node.iter(include_text=True))

    def node(self, n: LexborNode) -> str:
        if n.is_text_node:
            return strip_marks(n.text_content or "").replace("\xa0", " ")
        tag = n.tag or ""
        if not n.is_element_node or tag in ("script", "style", "img", "table", "sup", "link", "meta"):
            return ""
        if tag == "br":
            return "\n"
        if tag == "li":
            return "\n- " + self.text(n) + "\n"
        if tag == "a":
            return self.anchor(n)
        if "flagicon" in (n.attributes.get("class") or "").split():
            return self.flag_icon(n)
        inner = self.text(n)
        if tag in _BLOCKS or tag in ("dd", "dt"):
            return f"\n\n{inner}\n\n" if tag == "p" else f"\n{inner}\n"
        return inner

    def target(self, href: str) -> str | None:
        """The article a link leads to; None for other pages, namespaces and missing articles."""
        parts = urlsplit(href)
        if parts.query or not parts.path.startswith(_ARTICLES) or parts.netloc not in ("", self.host):
            return None
        title = unquote(parts.path[len(_ARTICLES):])
        namespace = title.split(":", 1)[0].strip().lower() if ":" in title else ""
        if namespace in self.rules.dropped_links or self.rules.is_foreign(namespace):
            return None
        return title

    def anchor(self, n: LexborNode) -> str:
        shown = self.text(n)
        title = (n.attributes.get("title") or "").strip().lower()
        if not shown.strip() and n.css_first("img") is not None and title in self.statuses:
            return f" ({self.statuses[title]})"  # {{KIA}}: an icon linked to "Killed in action"
        target = self.target(n.attributes.get("href") or "")
        return link(target, shown) if target else shown

    def flag_icon(self, n: LexborNode) -> str:
        """A flag alone: its country (the flag's link title), kept only where nothing else names it."""
        a = n.css_first("a[title]")
        country = (a.attributes.get("title") or "").strip() if a is not None else ""
        return f"\x00{country}\x00" if country else ""


def _drop(root: LexborNode, selectors: list[str]) -> None:
    for selector in selectors:
        for n in root.css(selector):
            n.decompose()


def _cells(row: LexborNode) -> list[LexborNode]:
    return [c for c in row.iter() if c.tag in ("th", "td")]


def _classes(n: LexborNode) -> set[str]:
    return set((n.attributes.get("class") or "").split())


@dataclass
class _Rows:
    """Where the infobox's rows are: before its first header (the title and "Part of" rows), or in
    the group of fields a header row began ("Belligerents": Combatant1, Combatant2)."""

    seen_title: bool = False
    group: str | None = None


def _row_lines(renderer: _Renderer, row: LexborNode, at: _Rows) -> list[str]:
    """One infobox row's lines."""
    html = renderer.rules.html
    cells = _cells(row)
    if not cells:
        return []
    first = cells[0]
    label = re.sub(r"\s+", " ", renderer.text(first)).strip()
    if len(cells) == 1 and first.tag == "th":
        if not at.seen_title and at.group is None:
            at.seen_title = True
            return [f"- {html.get('above', 'Conflict')}: {infobox_value(renderer.text(first))}"]
        at.group = html["headers"].get(label.lower(), "")
        return []
    if len(cells) == 2 and first.tag == "th":
        key = html["labels"].get(label.lower()) or label
        return [f"- {key}: {infobox_value(renderer.text(cells[1]))}"]
    if at.group is None:
        for prefix, key in (html.get("subheader") or {}).items():
            if label.lower().startswith(prefix.lower() + " "):
                return [f"- {key}: {infobox_value(renderer.text(first))[len(prefix) + 1:]}"]
        return []
    if at.group:
        # Two or more cells are the sides' fields; one cell across the table is the third field
        # ({{Infobox military conflict}}'s casualties3, the civilians' losses).
        first_number = 1 if len(cells) > 1 else 3
        return [f"- {at.group}{n}: {infobox_value(renderer.text(cell))}" for n, cell in enumerate(cells, first_number)]
    return []


def _infobox(renderer: _Renderer, table: LexborNode | None) -> list[str]:
    """The infobox table's rows as the template's ``- Key: value`` lines (rows of nested tables, such
    as date, place and result, included; the images and their captions left out)."""
    if table is None:
        return []
    lines: list[str] = []
    at = _Rows()
    for row in table.css("tr"):
        if row.css_first("table") is not None or row.css_first(".infobox-image, .infobox-caption") is not None:
            continue
        lines += [line.rstrip() for line in _row_lines(renderer, row, at) if not line.endswith(": ")]
    return lines


def _heading(renderer: _Renderer, n: LexborNode) -> tuple[int, str] | None:
    """A section heading (``<h2>``, or the ``<div class="mw-heading">`` that holds it)."""
    h = n if n.tag in _HEADINGS else n.css_first("h2, h3, h4, h5, h6") if "mw-heading" in _classes(n) else None
    if h is None or h.tag not in _HEADINGS:
        return None
    return _HEADINGS[h.tag or ""], re.sub(r"\s+", " ", renderer.text(h)).strip()


def _parts(renderer: _Renderer, content: LexborNode) -> Iterator[tuple[int, str] | str]:
    """The article body's children as headings (level, title) and rendered text."""
    for n in content.iter(include_text=True):
        heading = _heading(renderer, n) if n.is_element_node else None
        yield heading if heading is not None else renderer.node(n)


def _json_ld(tree: LexborHTMLParser) -> dict[str, Any]:
    for script in tree.css('script[type="application/ld+json"]'):
        try:
            data = json.loads(script.text())
        except ValueError:
            continue
        if isinstance(data, dict):
            return data
    return {}


def _meta(tree: LexborHTMLParser, title: str) -> dict[str, Any]:
    """What the page's head says of it: address, language, dates, revision, licence, Wikidata item."""
    ld = _json_ld(tree)
    canonical = tree.css_first('link[rel="canonical"]')
    # The licence: the head's link, else the footer's (pages saved without their head links).
    licence = (tree.css_first('link[rel="license"]')
               or tree.css_first('#footer-info-copyright a[href*="creativecommons"]'))
    html = tree.css_first("html")
    scripts = " ".join(s.text() for s in tree.css("script") if "wgRevisionId" in s.text())
    revision = re.search(r'"wgRevisionId"\s*:\s*(\d+)', scripts)
    site = re.search(r'"wgSiteName"\s*:\s*"([^"]+)"', scripts)
    search = tree.css_first('link[rel="search"][title]')  # the wiki's search: "Wikipedia (en)"
    site_name = site.group(1) if site else re.sub(r"\s*\([^)]*\)$", "", search.attributes.get("title") or "") \
        if search is not None else None
    modified = str(ld.get("dateModified") or "") or None
    entity = str(ld.get("mainEntity") or ld.get("sameAs") or "")
    fields: dict[str, Any] = {
        "title": title, "kind": "encyclopedia",
        "publisher": site_name or None, "author": None,
        "published": modified[:10] if modified else None,
        "language": (html.attributes.get("lang") if html is not None else None) or None,
        "licence": licence_name(licence.attributes.get("href") or "") if licence is not None else None,
        "url": canonical.attributes.get("href") if canonical is not None else None,
    }
    if revision:
        fields["revision"] = revision.group(1)
    if modified:
        fields["revision_timestamp"] = modified
    if m := re.search(r"/entity/(Q\d+)$", entity):
        fields["wikidata"] = m.group(1)
    return fields


def _host(tree: LexborHTMLParser, canonical: str | None) -> str:
    """The wiki's host: the canonical address's, else the one most links to articles go to (a
    body-only render links to its articles by full address)."""
    if canonical:
        return urlsplit(canonical).netloc
    hosts = Counter(urlsplit(a.attributes.get("href") or "").netloc for a in tree.css('a[href*="/wiki/"]'))
    return max(sorted(hosts), key=lambda h: hosts[h]) if hosts else ""


def _title(tree: LexborHTMLParser, name: str) -> str:
    """The article's title: its heading, else the page title without the wiki's name, else the file's
    name (a body-only render has neither)."""
    heading = tree.css_first("#firstHeading")
    if heading is not None:
        return re.sub(r"\s+", " ", heading.text()).strip()
    title = tree.css_first("title")
    if title is not None and title.text().strip():
        return re.sub(r"\s+[-–—]\s+[^-–—]+$", "", title.text().strip())
    return re.sub(r"[_]+", " ", PurePath(name).stem)


def read_wikipedia_html(data: bytes, name: str, rules: WikitextRules) -> WikipediaHtml:
    """The saved article page ``data`` in the corpus format, its link hints, and its sidecar fields."""
    tree = LexborHTMLParser(data.decode("utf-8", errors="replace"))
    content = tree.css_first(".mw-parser-output") or tree.css_first("#mw-content-text") or tree.body
    if content is None:
        raise InputError("this page has no Wikipedia article body", path=name,
                         hint="save the article's page itself (File > Save Page As, HTML only)")
    title = _title(tree, name)
    fields = _meta(tree, title)
    renderer = _Renderer(rules, _host(tree, fields.get("url")))
    html = rules.html
    table = content.css_first(html["infobox"])
    dropped = [str(d) for d in html.get("dropped") or ()]
    if table is not None:  # what is no text inside it too (coordinates, references), but not its own tables
        _drop(table, [d for d in dropped if d not in ("table", html["infobox"], ".infobox")])
    infobox = _infobox(renderer, table)
    _drop(content, [html["infobox"], *dropped])
    text, links = unmark(corpus_text(title, infobox, sections(_parts(renderer, content), rules.dropped_sections)))
    if len(text) - len(title) < 200 and not infobox:
        raise InputError("the article page holds no text", path=name)
    return WikipediaHtml(text, links, fields)
