"""Wikipedia wikitext to the corpus format, with mwparserfromhell.

The infobox template becomes ``- Key: value`` lines: flag templates give the country's name, status
templates ({{KIA}}) the mark the extractor reads, list templates and ``<br>`` separate items, and
references, comments, images and formatting are dropped. The body keeps its headings (``== X ==``),
its paragraphs and its list items (``- item``); a link gives its shown text. Which templates mean
what is data (``ontology/wikitext.yaml``), read into :class:`WikitextRules`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import mwparserfromhell
import pycountry
from mwparserfromhell.nodes import ExternalLink, Heading, HTMLEntity, Tag, Template, Text, Wikilink
from mwparserfromhell.wikicode import Wikicode

from ..models import LinkHint
from .layout import corpus_text, infobox_key, infobox_value, sections
from .marks import link, strip_marks, unmark

__all__ = ["WikiPage", "WikitextRules", "redirect_target", "to_corpus_text"]


@dataclass(frozen=True)
class WikitextRules:
    """What the templates of ``ontology/wikitext.yaml`` mean."""

    infobox_prefix: str = "infobox"
    flags: frozenset[str] = frozenset()
    flag_icons: frozenset[str] = frozenset()
    statuses: dict[str, str] = field(default_factory=dict)
    lists: frozenset[str] = frozenset()
    unwrap: dict[str, int] = field(default_factory=dict)
    measures: frozenset[str] = frozenset()
    dropped_links: frozenset[str] = frozenset()
    foreign_links: frozenset[str] = frozenset()
    layout_fields: frozenset[str] = frozenset()
    dates: frozenset[str] = frozenset()
    html: dict[str, Any] = field(default_factory=dict)
    dropped_sections: frozenset[str] = frozenset()

    def is_foreign(self, namespace: str) -> bool:
        """A link prefix that leads out of the wiki's articles: a namespace, another project, or a
        language ("fr:")."""
        return bool(namespace) and (namespace in self.foreign_links or re.fullmatch(r"[a-z]{2,3}(-[a-z]+)?", namespace)
                                    is not None)

    @classmethod
    def read(cls, data: dict[str, Any]) -> WikitextRules:
        def names(key: str) -> frozenset[str]:
            return frozenset(_name(str(w)) for w in data.get(key) or ())

        return cls(
            infobox_prefix=_name(str(data["infobox_prefix"])),
            flags=names("flags"), flag_icons=names("flag_icons"),
            statuses={_name(str(k)): str(v) for k, v in (data.get("statuses") or {}).items()},
            lists=names("lists"),
            unwrap={_name(str(k)): int(v) for k, v in (data.get("unwrap") or {}).items()},
            measures=names("measures"), dropped_links=names("dropped_links"),
            foreign_links=names("foreign_links"), layout_fields=names("layout_fields"), dates=names("dates"),
            html=_html_rules(data.get("html") or {}),
            dropped_sections=frozenset(str(s).strip().lower() for s in data.get("dropped_sections") or ()),
        )


def _html_rules(data: dict[str, Any]) -> dict[str, Any]:
    """The ``html:`` rules, with the header and label names in lower case (as they are compared)."""
    lowered = {k: {str(name).strip().lower(): v for name, v in (data.get(k) or {}).items()}
               for k in ("headers", "labels", "statuses")}
    return {**data, **lowered}


@dataclass(frozen=True)
class WikiPage:
    """One page of wikitext, and what its export says of it."""

    title: str
    wikitext: str
    revision: str | None = None
    timestamp: str | None = None  # ISO 8601, as the export gives it


def _name(text: str) -> str:
    return re.sub(r"[\s_]+", " ", text).strip().lower()


_REDIRECT = re.compile(r"^\s*#REDIRECT\s*:?\s*\[\[(?P<target>[^\]|#]+)", re.IGNORECASE)


def redirect_target(wikitext: str) -> str | None:
    """The page a redirect page points to; None for a page with content."""
    m = _REDIRECT.match(wikitext)
    return m.group("target").strip() if m else None


def _country(code: str) -> str:
    """A flag template's value: a country's name, or an ISO 3166 code of one ({{flagicon|IRQ}})."""
    value = code.strip()
    if re.fullmatch(r"[A-Z]{2,3}", value):
        found = pycountry.countries.get(alpha_3=value) if len(value) == 3 else pycountry.countries.get(alpha_2=value)
        if found is not None:
            return str(getattr(found, "common_name", None) or found.name)
    return value


class _Renderer:
    """Wikicode to plain text by the rules; ``infobox`` marks an infobox value (lists are items)."""

    def __init__(self, rules: WikitextRules) -> None:
        self.rules = rules

    def text(self, code: Wikicode | None) -> str:
        return "".join(self.node(n) for n in code.nodes) if code is not None else ""

    def node(self, n: object) -> str:
        if isinstance(n, Text):
            return str(n.value)
        if isinstance(n, HTMLEntity):
            return str(n.normalize())
        if isinstance(n, Wikilink):
            return self.link(n)
        if isinstance(n, ExternalLink):
            return self.text(n.title) if n.title is not None else ""
        if isinstance(n, Template):
            return self.template(n)
        if isinstance(n, Tag):
            return self.tag(n)
        return ""  # comments, and headings (written by `_sections`)

    def link(self, n: Wikilink) -> str:
        target = str(n.title).strip()
        namespace = target.split(":", 1)[0].strip().lower() if ":" in target else ""
        if namespace in self.rules.dropped_links:
            return ""
        shown = self.text(n.text) if n.text is not None else target.split("#", 1)[0]
        if target.startswith(("#", ":")) or self.rules.is_foreign(namespace):
            return shown  # a section of this page, or a page of another wiki or namespace
        return link(target, shown)

    def tag(self, n: Tag) -> str:
        name = str(n.tag).strip().lower()
        if name in ("ref", "references", "gallery", "math", "table", "timeline", "imagemap", "score"):
            return ""
        if name == "br":
            return "\n"
        if n.wiki_markup in ("*", "#"):
            return "\n- "
        if n.wiki_markup in (";", ":"):
            return "\n"
        return self.text(n.contents)

    def template(self, n: Template) -> str:
        name = _name(str(n.name))
        values = [p for p in n.params if not p.showkey]
        first = self.text(values[0].value).strip() if values else ""
        if name in self.rules.flags:
            return _country(first)
        if name in self.rules.flag_icons:
            return f"\x00{_country(first)}\x00"  # kept only where the item names no country otherwise
        if name in self.rules.statuses:
            return f" ({self.rules.statuses[name]})"
        if name in self.rules.lists:
            return "\n" + "\n".join(self.text(p.value).strip() for p in values) + "\n"
        if name in self.rules.unwrap:
            k = self.rules.unwrap[name]
            return self.text(values[k - 1].value) if len(values) >= k else ""
        if name in self.rules.measures and len(values) >= 2:
            return f"{first} {self.text(values[1].value).strip()}"
        if name in self.rules.dates:
            parts = [self.text(p.value).strip() for p in values]
            day_first = n.has("df") and str(n.get("df").value).strip().lower() in ("y", "yes")
            if len(parts) >= 4:  # a start and an end date ({{Start and end dates}})
                return f"{_date(parts[:3], day_first)} – {_date(parts[3:6], day_first)}"
            return _date(parts, day_first)
        return ""


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _date(parts: list[str], day_first: bool) -> str:
    """A date template's year, month and day as the wiki shows them ("6 November 1980", or
    "November 6, 1980" unless the template says df=y); other values as they are."""
    if not parts or not re.fullmatch(r"\d{1,4}", parts[0]):
        return " ".join(parts)
    year = parts[0]
    month = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() and 1 <= int(parts[1]) <= 12 else None
    if month is None:
        return year
    day = str(int(parts[2])) if len(parts) > 2 and parts[2].isdigit() else None
    if day is None:
        return f"{_MONTHS[month - 1]} {year}"
    return f"{day} {_MONTHS[month - 1]} {year}" if day_first else f"{_MONTHS[month - 1]} {day}, {year}"


def _infobox(code: Wikicode, renderer: _Renderer) -> tuple[Template | None, list[str]]:
    """The page's infobox template and its lines."""
    for t in code.filter_templates(recursive=False):
        if _name(str(t.name)).startswith(renderer.rules.infobox_prefix):
            fields = [(infobox_key(str(p.name)), infobox_value(renderer.text(p.value))) for p in t.params
                      if p.showkey and str(p.name).strip() and _name(str(p.name)) not in renderer.rules.layout_fields]
            return t, [f"- {key}: {value}" for key, value in fields if value]  # an empty field states nothing
    return None, []


def _parts(code: Wikicode, renderer: _Renderer, skip: Template | None) -> Iterator[tuple[int, str] | str]:
    """The page's nodes as headings (level, title) and rendered text, the infobox left out."""
    for n in code.nodes:
        if n is skip:
            continue
        if isinstance(n, Heading):
            yield max(2, n.level), re.sub(r"\s+", " ", renderer.text(n.title)).strip()
        else:
            yield renderer.node(n)


def to_corpus_text(page: WikiPage, rules: WikitextRules) -> tuple[str, tuple[LinkHint, ...]]:
    """The page in the corpus format: ``= Title =``, the ``Infobox`` block, then the body; and the
    links of its infobox and body, by their spans in that text."""
    code = mwparserfromhell.parse(strip_marks(page.wikitext))
    renderer = _Renderer(rules)
    template, infobox = _infobox(code, renderer)
    return unmark(corpus_text(page.title, infobox, sections(_parts(code, renderer, template), rules.dropped_sections)))
