"""Link hints through text cleaning: a link is written into the text being built as marks around its
shown words, and the marks are taken out at the very end, when every offset is final.

The marks are control characters that no document text holds (the importers drop them from the
source) and that the cleaning steps leave alone (they are not whitespace to ``\\s``).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from ..models import LinkHint

__all__ = ["article_title", "link", "strip_marks", "unmark"]

_OPEN, _MID, _CLOSE = "\x01", "\x02", "\x03"
_MARKED = re.compile(f"{_OPEN}([^{_OPEN}{_MID}{_CLOSE}]*){_MID}([^{_OPEN}{_MID}{_CLOSE}]*){_CLOSE}")
_STRAY = re.compile(f"[{_OPEN}{_MID}{_CLOSE}]")


def strip_marks(text: str) -> str:
    """The source's own text with any mark character removed, so that only ours remain."""
    return _STRAY.sub("", text)


def article_title(target: str) -> str:
    """A link's target as the article's title: ``Mostafa_Chamran#Life`` -> ``Mostafa Chamran`` (the
    first letter upper-case, as the wiki shows titles)."""
    title = re.sub(r"[\s_]+", " ", unquote(target.split("#", 1)[0])).strip()
    return title[:1].upper() + title[1:]


def link(target: str, shown: str) -> str:
    """``shown`` marked as the words of a link to the article ``target``."""
    title = strip_marks(article_title(target))
    return f"{_OPEN}{title}{_MID}{shown}{_CLOSE}" if title and shown.strip() else shown


def unmark(text: str) -> tuple[str, tuple[LinkHint, ...]]:
    """The text without marks, and the link hints at their final offsets (links around no words, or
    only spaces, give none)."""
    out: list[str] = []
    hints: list[LinkHint] = []
    pos = 0
    length = 0
    for m in _MARKED.finditer(text):
        before = _STRAY.sub("", text[pos:m.start()])
        out.append(before)
        length += len(before)
        shown = _STRAY.sub("", m.group(2))
        lead = len(shown) - len(shown.lstrip())
        words = shown.strip()
        if words:
            hints.append(LinkHint(length + lead, length + lead + len(words), m.group(1)))
        out.append(shown)
        length += len(shown)
        pos = m.end()
    out.append(_STRAY.sub("", text[pos:]))
    return "".join(out), tuple(hints)
