"""Saved queries: one ``queries/NAME.rq`` file each; the file name is the query's name everywhere
(URL, CLI, query page). Metadata sits in leading comment lines::

    # title: Casualties according to each source
    # description: Every casualty figure, side by side with its source and the words it quotes.
    # param: subject entity battle-of-khorramshahr-1982   (name, type, optional default)
    # view: table                                         (table | timeline | graph)

Parameters are bound as RDF terms (SPARQL ``substitutions``), never pasted into the query text. Types:
``entity`` (an entity key or IRI), ``iri``, ``string``, ``integer``, ``decimal``, ``date``, ``boolean``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .errors import ConfigError, ParameterError
from .namespaces import entity_iri

__all__ = ["PARAM_TYPES", "VIEWS", "Parameter", "SavedQuery", "bind_parameters", "parse_saved_query"]

PARAM_TYPES = ("entity", "iri", "string", "integer", "decimal", "date", "boolean")
VIEWS = ("table", "timeline", "graph")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_META = re.compile(r"^#\s*(?P<key>title|description|param|view)\s*:\s*(?P<value>.*?)\s*$")


@dataclass(frozen=True)
class Parameter:
    """A query parameter: a variable of the query that callers may bind."""

    name: str
    type: str
    default: str | None = None


@dataclass(frozen=True)
class SavedQuery:
    """A saved query and its metadata."""

    name: str
    title: str
    description: str
    text: str
    parameters: tuple[Parameter, ...] = ()
    view: str = "table"


def parse_saved_query(name: str, text: str, path: str) -> SavedQuery:
    """Read a saved query's metadata from its leading comment lines."""
    if not _NAME.match(name):
        raise ConfigError(f"saved query name {name!r} must be lower-case letters, digits, - and _", path=path)
    title = description = None
    view = "table"
    params: list[Parameter] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _META.match(line)
        if not m:
            continue
        key, value = m.group("key"), m.group("value")
        if key == "title":
            title = value
        elif key == "description":
            description = (description + " " + value) if description else value
        elif key == "view":
            if value not in VIEWS:
                raise ConfigError(f"view must be one of {', '.join(VIEWS)}", path=path, line=number)
            view = value
        else:
            parts = value.split(None, 2)
            if len(parts) < 2 or parts[1] not in PARAM_TYPES:
                raise ConfigError("a parameter line reads `# param: NAME TYPE [DEFAULT]` with TYPE one of "
                                  + ", ".join(PARAM_TYPES), path=path, line=number)
            if not re.search(rf"[?$]{re.escape(parts[0])}\b", text):
                raise ConfigError(f"parameter {parts[0]!r} is not a variable of the query", path=path, line=number)
            params.append(Parameter(parts[0], parts[1], parts[2] if len(parts) > 2 else None))
    if not title or not description:
        raise ConfigError("a saved query needs `# title:` and `# description:` lines", path=path, line=1)
    return SavedQuery(name, title, description, text, tuple(params), view)


def _term(p: Parameter, raw: str) -> URIRef | Literal:
    try:
        if p.type == "entity":
            if re.match(r"^https?://\S+$", raw):
                return URIRef(raw)
            if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", raw):
                raise ValueError("an entity is its id (lowercase letters, digits and hyphens) or its full IRI")
            return entity_iri(raw)
        if p.type == "iri":
            if not re.match(r"^[a-z][a-z0-9+.-]*:\S+$", raw):
                raise ValueError("not an absolute IRI")
            return URIRef(raw)
        if p.type == "integer":
            return Literal(int(raw), datatype=XSD.integer)
        if p.type == "decimal":
            return Literal(Decimal(raw), datatype=XSD.decimal)
        if p.type == "date":
            return Literal(date.fromisoformat(raw).isoformat(), datatype=XSD.date)
        if p.type == "boolean":
            if raw.lower() not in ("true", "false"):
                raise ValueError("not true or false")
            return Literal(raw.lower() == "true", datatype=XSD.boolean)
        return Literal(raw)
    except (ValueError, InvalidOperation) as e:
        raise ParameterError(f"parameter {p.name!r} must be a {p.type}: {raw!r} ({e})") from e


def bind_parameters(query: SavedQuery, given: dict[str, str]) -> dict[str, URIRef | Literal]:
    """RDF terms for the parameters: the given values, else the defaults. Unknown names are errors."""
    known = {p.name: p for p in query.parameters}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ParameterError(f"{query.name} has no parameter {unknown[0]!r}",
                             hint="parameters: " + (", ".join(known) or "none"))
    out: dict[str, URIRef | Literal] = {}
    for p in query.parameters:
        raw = given.get(p.name, p.default)
        if raw is not None:
            out[p.name] = _term(p, raw)
    return out
