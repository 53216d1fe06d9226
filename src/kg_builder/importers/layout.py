"""The corpus layout that every importer writes: ``= Title =``, an ``Infobox`` block of
``- Key: value`` lines, then the body with ``== Section ==`` headings, paragraphs on one line each and
list items as ``- item`` on consecutive lines."""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["clean_lines", "corpus_text", "infobox_key", "infobox_value", "sections"]


def clean_lines(text: str) -> list[str]:
    """Paragraph lines with spaces collapsed and formatting marks gone; list items as "- item"."""
    out: list[str] = []
    for raw in text.split("\n"):
        line = re.sub(r"'{2,}", "", raw.replace("\x00", ""))
        line = re.sub(r"[ \t]+", " ", line).strip()
        line = re.sub(r"\s+([.,;:])", r"\1", line)
        if line.startswith("- "):
            line = "- " + line[2:].strip()
            if line == "-":
                continue
        out.append(line)
    return out


def _paragraphs(lines: list[str]) -> list[str]:
    """Lines of one paragraph joined; blank lines between paragraphs, one each."""
    out: list[str] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            out.append(" ".join(para))
            para.clear()

    for line in lines:
        if not line or line.startswith(("- ", "==")):
            flush()
            if line:
                out.append(line)
            if line.startswith("==") or not line:
                out.append("")
            continue
        para.append(line)
    flush()
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n").split("\n")


def _item_text(item: str) -> str:
    """One infobox list item: a flag icon's country (between NUL marks) only where nothing else in
    the item names one; formatting quotes gone, spaces collapsed."""
    rest = re.sub(r"\x00[^\x00]*\x00", "", item)
    text = rest if rest.strip(" ,;-*") else item.replace("\x00", "")
    text = re.sub(r"'{2,}", "", text)
    return re.sub(r"\s+", " ", text).strip(" ,;*-")


def sections(parts: Iterable[tuple[int, str] | str], dropped: frozenset[str]) -> list[str]:
    """The body's lines from its parts in order, each a heading (level, title) or rendered text: a
    ``== Title ==`` line for each heading, then its section's cleaned lines; the sections whose title
    is in ``dropped`` (references, notes) left out with their text."""
    lines: list[str] = []
    chunk: list[str] = []
    dropping = False
    for part in parts:
        if isinstance(part, str):
            if not dropping:
                chunk.append(part)
            continue
        lines += clean_lines("".join(chunk))
        chunk = []
        level, title = part
        dropping = title.lower() in dropped
        if not dropping:
            lines += ["", f"{'=' * level} {title} {'=' * level}", ""]
    return lines + clean_lines("".join(chunk))


def infobox_value(rendered: str) -> str:
    """A field's value on one line: its items (rendered one a line: list templates, "*" lines,
    ``<br>``, list elements) joined by commas."""
    items = [_item_text(line) for line in rendered.split("\n")]
    return ", ".join(i for i in items if i)


def infobox_key(name: str) -> str:
    """"combatant1" -> "Combatant1", "map_type" -> "Map type": the corpus form of a field name."""
    key = re.sub(r"[\s_]+", " ", name).strip()
    return key[:1].upper() + key[1:]


def corpus_text(title: str, infobox: list[str], body: list[str]) -> str:
    """The document: the title, the infobox lines (if any), then the body's cleaned lines."""
    head = [f"= {title} =", ""]
    if infobox:
        head += ["Infobox", *infobox, ""]
    text = "\n".join(_paragraphs(body))
    # Items of one list stand on consecutive lines, as in the corpus format.
    while (joined := re.sub(r"(^- [^\n]*)\n\n(?=- )", r"\1\n", text, flags=re.MULTILINE)) != text:
        text = joined
    return "\n".join(head) + "\n" + text.rstrip() + "\n"
