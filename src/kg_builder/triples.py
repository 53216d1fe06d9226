"""A named graph as the build makes it: a set of triples and its name.

The build only adds triples, iterates over them and counts them; it never asks a pattern of the
graphs it is making. An rdflib ``Graph`` indexes every triple three ways for such questions, and its
``add`` cost about 45 µs a triple (a million-triple build spent 100 s adding). A set of term tuples
holds the same triples, with the same equality, for a fraction of that. Whoever wants to ask
patterns merges the triples into an rdflib graph (``serialize.merge``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from rdflib import URIRef
from rdflib.term import Node

__all__ = ["NamedTriples", "Triple", "Triples"]

Triple = tuple[Node, Node, Node]


class NamedTriples(Protocol):
    """What the writers and the validator need of a graph: its name and its triples. An rdflib
    ``Graph`` (the ontology, parsed) is one, and so is :class:`Triples`."""

    @property
    def identifier(self) -> Node: ...

    def __iter__(self) -> Iterator[Triple]: ...

    def __len__(self) -> int: ...


class Triples:
    """The triples of one named graph, without indexes."""

    __slots__ = ("_triples", "identifier")

    def __init__(self, identifier: URIRef, triples: Iterable[Triple] = ()) -> None:
        self.identifier = identifier
        self._triples: set[Triple] = set(triples)

    def add(self, triple: Triple) -> None:
        self._triples.add(triple)

    def __iter__(self) -> Iterator[Triple]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def __contains__(self, triple: object) -> bool:
        return triple in self._triples

    def __repr__(self) -> str:
        return f"<Triples {self.identifier} ({len(self)} triples)>"
