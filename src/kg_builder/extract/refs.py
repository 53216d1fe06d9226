"""What a sentence refers to, as the statement rules see it: names, anaphors, demonyms and minted events.

A leaf of the extract package, shared by :mod:`.statements`, :mod:`.relations` and :mod:`.quotations`
so that none of them imports another.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..config import type_ancestors

__all__ = ["Ref", "is_a"]


@dataclass(frozen=True)
class Ref:
    """A span of a sentence that refers to an entity (by its resolution key)."""

    start: int
    end: int
    key: str
    type: str
    label: str
    kind: str  # mention | anaphor | event | demonym | surname


def is_a(type_: str, targets: Iterable[str]) -> bool:
    """Whether a class is one of the targets or below one of them (``City`` is a ``Place``)."""
    return bool(set(type_ancestors(type_)) & set(targets))
