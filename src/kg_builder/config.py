"""Find the project, load the curated knowledge under ``ontology/`` into one frozen object.

Everything the extractor knows about names, words and infobox fields comes from these files, so a
user teaches the builder by editing data, never code.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError
from .importers.wikitext import WikitextRules
from .lexicon_schema import (
    EXTRACTION,
    INFOBOX,
    INFOBOX_PROPERTY_KINDS,
    TYPES_FILE,
    WIKITEXT,
    Spec,
    check_yaml,
    with_defaults,
)
from .models import ENTITY_TYPES, Registry, RegistryEntry
from .namespaces import is_language_tag

__all__ = ["ENTITY_TYPES", "InfoboxSpec", "Lexicon", "Settings", "find_root", "load_settings"]

def type_ancestors(name: str) -> tuple[str, ...]:
    """The class and its parents up to Entity: ``City`` -> (City, Place, Entity)."""
    chain: list[str] = []
    current: str | None = name
    while current is not None:
        chain.append(current)
        current = ENTITY_TYPES.get(current)
    return tuple(chain)


@dataclass(frozen=True)
class InfoboxSpec:
    """How infobox keys map to claims (``ontology/infobox.yaml``)."""

    fields: dict[str, dict[str, Any]]
    name_markers: dict[str, str]
    list_separators: tuple[str, ...]
    alias_markers: tuple[str, ...] = ()  # "X (codenamed Y)": words that give the topic a second name
    victory_words: tuple[str, ...] = ()  # "Iranian victory": a result field that names its winner


@dataclass(frozen=True)
class Lexicon:
    """Trigger words and patterns (``ontology/extraction.yaml``), with the schema's defaults filled in
    (lexicon_schema.EXTRACTION), so that no rule holds a default of its own."""

    data: dict[str, Any]

    def __post_init__(self) -> None:
        object.__setattr__(self, "data", with_defaults(EXTRACTION, self.data))

    def words(self, *path: str) -> tuple[str, ...]:
        node: Any = self.data
        for part in path:
            node = node.get(part, {}) if isinstance(node, dict) else {}
        return tuple(node) if isinstance(node, (list, dict)) else ()

    def get(self, *path: str) -> Any:
        node: Any = self.data
        for part in path:
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node


@dataclass(frozen=True)
class Settings:
    """Where things are, and the curated knowledge. Built once, passed explicitly."""

    root: Path
    corpus_dir: Path
    graph_dir: Path
    ontology_dir: Path
    registry: Registry = field(repr=False)
    lexicon: Lexicon = field(repr=False)
    infobox: InfoboxSpec = field(repr=False)

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def ontology_file(self) -> Path:
        return self.ontology_dir / "kg.ttl"

    @property
    def shapes_file(self) -> Path:
        return self.ontology_dir / "shapes.ttl"


def find_root(start: Path | None = None) -> Path:
    """The project root: ``$KG_ROOT``, else the nearest folder upwards holding ``ontology/kg.ttl``."""
    env = os.environ.get("KG_ROOT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "ontology" / "kg.ttl").is_file():
            return folder
    raise ConfigError(
        f"no project found from {here}",
        hint="run kg inside a project (a folder with ontology/kg.ttl) or set KG_ROOT",
    )


def load_yaml(path: Path, schema: Spec | None = None) -> Any:
    """A YAML file of ``ontology/``, checked against ``schema`` when one is given (unknown keys fail)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise ConfigError("file not found", path=path) from e
    if schema is not None:
        check_yaml(text, schema, path)
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        raise ConfigError(f"invalid YAML: {e.problem}", path=path, line=line) from e


def _str_tuple(value: Any, path: Path, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"{what} must be a string or a list of strings, not {value!r}", path=path)


def _coordinates(item: dict[str, Any], ident: str, path: Path) -> tuple[float, float] | None:
    value = item.get("coordinates")
    if value is None:
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, (int, float)) for v in value)
            and -90 <= value[0] <= 90 and -180 <= value[1] <= 180):
        raise ConfigError(f"entry {ident!r}: coordinates must be [latitude, longitude] in degrees, not {value!r}",
                          path=path)
    evidence = item.get("coordinates_evidence")
    if not (isinstance(evidence, str) and evidence.strip()):
        raise ConfigError(f"entry {ident!r}: coordinates without coordinates_evidence", path=path,
                          hint="say where the coordinates were confirmed")
    return float(value[0]), float(value[1])


def _labels(item: dict[str, Any], ident: str, path: Path) -> tuple[tuple[str, str], ...]:
    """An entry's names in other languages, as (language, name), checked."""
    labels = item.get("labels") or {}
    if not isinstance(labels, dict):
        raise ConfigError(f"entry {ident!r}: labels must map language to name", path=path)
    bad_language = next((str(k) for k in labels if not is_language_tag(str(k))), None)
    if bad_language is not None:
        # The key becomes the label's language tag, which RDF readers refuse when it is not BCP 47.
        raise ConfigError(f"entry {ident!r}: label language {bad_language!r} is not a BCP 47 language tag",
                          path=path, hint="use a tag such as fa, ar or pt-BR")
    return tuple(sorted((str(k), str(v)) for k, v in labels.items()))


def load_registry(path: Path) -> Registry:
    """Read and check the entity registry (``ontology/entities.yaml``)."""
    data = load_yaml(path)
    items = data.get("entities") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ConfigError("expected a top-level `entities:` list", path=path)
    entries: list[RegistryEntry] = []
    seen_alias: dict[str, str] = {}
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict) or not item.get("id") or not item.get("label") or not item.get("type"):
            raise ConfigError(f"entry {n} needs id, label and type: {item!r}", path=path)
        ident = str(item["id"])
        if item["type"] not in ENTITY_TYPES:
            raise ConfigError(
                f"entry {ident!r} has unknown type {item['type']!r}",
                path=path,
                hint="use one of " + ", ".join(ENTITY_TYPES),
            )
        labels = _labels(item, ident, path)
        qid, evidence = item.get("wikidata"), item.get("wikidata_evidence")
        if qid is not None and not (isinstance(qid, str) and re.fullmatch(r"Q[1-9][0-9]*", qid)):
            raise ConfigError(f"entry {ident!r}: wikidata must be an item id such as Q794, not {qid!r}", path=path)
        if qid is not None and not (isinstance(evidence, str) and evidence.strip()):
            raise ConfigError(f"entry {ident!r}: wikidata {qid} has no wikidata_evidence", path=path,
                              hint="say where the link was confirmed; an unconfirmed link is worse than none")
        coordinates = _coordinates(item, ident, path)
        entry = RegistryEntry(
            id=ident,
            label=str(item["label"]),
            type=str(item["type"]),
            aliases=_str_tuple(item.get("aliases"), path, f"{ident}.aliases"),
            labels=labels,
            demonyms=_str_tuple(item.get("demonyms"), path, f"{ident}.demonyms"),
            located_in=item.get("located_in"),
            part_of=_str_tuple(item.get("part_of"), path, f"{ident}.part_of"),
            member_of=_str_tuple(item.get("member_of"), path, f"{ident}.member_of"),
            country=item.get("country"),
            wikidata=item.get("wikidata"),
            wikidata_evidence=item.get("wikidata_evidence"),
            coordinates=coordinates,
            coordinates_evidence=item.get("coordinates_evidence") if coordinates else None,
        )
        for name in (entry.label, *entry.aliases):
            other = seen_alias.get(name)
            if other is not None and other != ident:
                raise ConfigError(f"name {name!r} is given to both {other!r} and {ident!r}", path=path)
            seen_alias[name] = ident
        entries.append(entry)
    ids = {e.id for e in entries}
    if len(ids) != len(entries):
        raise ConfigError("duplicate entity ids", path=path)
    for e in entries:
        for target in (e.located_in, *e.part_of, *e.member_of, e.country):
            if target is not None and target not in ids:
                raise ConfigError(f"entry {e.id!r} refers to unknown id {target!r}", path=path)
    return Registry(entries=tuple(entries))


def load_infobox_spec(path: Path) -> InfoboxSpec:
    """Read the infobox field mapping (``ontology/infobox.yaml``)."""
    data = load_yaml(path, INFOBOX)
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
        raise ConfigError("expected a `fields:` mapping", path=path)
    data = with_defaults(INFOBOX, data)
    for key, fs in data["fields"].items():
        if fs["kind"] in INFOBOX_PROPERTY_KINDS and not fs.get("property"):
            raise ConfigError(f"field {key!r} of kind {fs['kind']} names no property", path=path,
                              hint="add `property:` (a property of ontology/kg.ttl) to its mapping")
    return InfoboxSpec(
        fields={str(k).lower().replace(" ", ""): dict(v) for k, v in data["fields"].items()},
        name_markers=dict(data.get("name_markers") or {}),
        list_separators=_str_tuple(data.get("list_separators"), path, "list_separators") or (",",),
        alias_markers=_str_tuple(data.get("alias_markers"), path, "alias_markers"),
        victory_words=_str_tuple(data.get("victory_words"), path, "victory_words"),
    )


def load_settings(root: Path | None = None) -> Settings:
    """Everything a build needs, from the project root."""
    root = (root or find_root()).resolve()
    ontology = root / "ontology"
    lex = load_yaml(ontology / "extraction.yaml", EXTRACTION)
    if not isinstance(lex, dict):
        raise ConfigError("expected a mapping", path=ontology / "extraction.yaml")
    # ontology/types.yaml: read by the rules as the lexicon's `types` section.
    types = load_yaml(ontology / "types.yaml", TYPES_FILE)
    lex["types"] = types if isinstance(types, dict) else {}
    return Settings(
        root=root,
        corpus_dir=root / "corpus",
        graph_dir=root / "graph",
        ontology_dir=ontology,
        registry=load_registry(ontology / "entities.yaml"),
        lexicon=Lexicon(lex),
        infobox=load_infobox_spec(ontology / "infobox.yaml"),
    )


def load_wikitext_rules(root: Path | None = None) -> WikitextRules:
    """What the templates of Wikipedia wikitext mean to `kg add` (``ontology/wikitext.yaml``)."""
    path = (root or find_root()).resolve() / "ontology" / "wikitext.yaml"
    data = load_yaml(path, WIKITEXT)
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping", path=path)
    return WikitextRules.read(data)

