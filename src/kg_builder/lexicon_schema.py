"""The shape of the curated word lists: every key the rules read, and what its value must be.

``ontology/extraction.yaml`` and ``ontology/infobox.yaml`` are checked against these schemas before a
build reads them. A key that no rule reads is a bug (a misspelt key would silently do nothing), so an
unknown key, or a value of the wrong kind, fails with the file and line and the keys that are known.
The checks read YAML's own node tree, so the line is where the key is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError
from .models import ENTITY_TYPES

__all__ = ["EXTRACTION", "INFOBOX", "INFOBOX_PROPERTY_KINDS", "THE_KEY", "TYPES_FILE", "WIKITEXT", "ListOf", "MapOf",
           "OneOf", "Record", "Scalar", "Spec", "check_yaml", "with_defaults"]

_TAGS = {
    "str": "tag:yaml.org,2002:str",
    "int": "tag:yaml.org,2002:int",
    "float": "tag:yaml.org,2002:float",
    "bool": "tag:yaml.org,2002:bool",
}


class Spec:
    """What a YAML value must be."""

    def describe(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Scalar(Spec):
    """A scalar of one of the YAML kinds: str, int, float (an int is a float too), bool."""

    kind: str

    def describe(self) -> str:
        return {"str": "text", "int": "a whole number", "float": "a number", "bool": "true or false"}[self.kind]


@dataclass(frozen=True)
class OneOf(Spec):
    """Text that is one of a closed list."""

    values: tuple[str, ...]

    def describe(self) -> str:
        return "one of " + ", ".join(self.values)


@dataclass(frozen=True)
class ListOf(Spec):
    item: Spec
    length: int | None = None

    def describe(self) -> str:
        return (f"a list of {self.length} " if self.length else "a list of ") + self.item.describe()


@dataclass(frozen=True)
class MapOf(Spec):
    """A mapping whose keys the user chooses (words, class names), each with a value of one shape."""

    value: Spec

    def describe(self) -> str:
        return "a mapping of words to " + self.value.describe()


# A default that is the key the record stands under in its mapping (a relation named "commander" states
# the property commander unless it says otherwise).
THE_KEY = "<the key>"


@dataclass(frozen=True)
class Record(Spec):
    """A mapping with a fixed set of keys. ``defaults`` are the values of keys the file leaves out: the
    rules read every key from the loaded data and hold no defaults of their own."""

    fields: Mapping[str, Spec]
    required: frozenset[str] = field(default_factory=frozenset)
    defaults: Mapping[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        return "a mapping with the keys " + ", ".join(self.fields)


def with_defaults(spec: Spec, data: Any, key: str | None = None) -> Any:
    """The loaded data with every default of the schema filled in where the file leaves a key out
    (in records inside records and inside mappings too). Lists, and values the file gives, are kept."""
    if isinstance(spec, MapOf) and isinstance(data, dict):
        return {k: with_defaults(spec.value, v, str(k)) for k, v in data.items()}
    if isinstance(spec, Record) and isinstance(data, dict | None):
        data = dict(data or {})
        for name, value in spec.defaults.items():
            if data.get(name) is None:
                data[name] = key if value == THE_KEY else value
        for name, inner in spec.fields.items():
            if data.get(name) is None and isinstance(inner, Record) and inner.defaults:
                data[name] = {}  # a record the file leaves out still has its defaults
        return {k: with_defaults(spec.fields[k], v, k) if k in spec.fields else v for k, v in data.items()}
    return data


TEXT = Scalar("str")
WORDS = ListOf(TEXT)

# Classes a rule may give an entity: the one list of them (models.ENTITY_TYPES).
TYPES = OneOf(tuple(ENTITY_TYPES))

_QUANTITIES = Record({
    "qualifiers": MapOf(Record({"approximate": Scalar("bool"), "bound": OneOf(("lower", "upper"))})),
    "vague": MapOf(ListOf(Scalar("int"), length=2)),
    "number_words": MapOf(Scalar("int")),
    "scales": MapOf(Scalar("int")),
    "properties": MapOf(WORDS),
    "combined_terms": WORDS,
    "not_people": WORDS,
    "equipment": WORDS,
    "equipment_loss_words": WORDS,
    "duration_units": MapOf(TEXT),
    "shares": MapOf(Scalar("float")),
    "carry_side_words": WORDS,
    "role_sides": WORDS,
})

EXTRACTION = Record({
    "person_titles": WORDS,
    "styles": WORDS,
    "title_abbreviations": MapOf(TEXT),
    "person_status": Record({"after": MapOf(TEXT), "before": MapOf(TEXT)}),
    "name_particles": WORDS,
    "not_names": WORDS,
    "unit_nouns": WORDS,
    "event_heads": MapOf(TYPES),
    "ordinals": WORDS,
    "name_ends": MapOf(TYPES),
    "places": MapOf(Record({"before": WORDS, "after": WORDS})),
    "apposition_types": MapOf(WORDS),
    "speech_verbs": WORDS,
    "speaker_verbs": WORDS,
    "quotation_min_words": Scalar("int"),
    "quotation_min_words_attributed": Scalar("int"),
    "reported_speech": Record({"verbs": WORDS, "not_openers": WORDS, "not_in_tail": WORDS,
                               "max_tail_words": Scalar("int")}, defaults={"max_tail_words": 8}),
    "quantities": _QUANTITIES,
    "operations": Record({"marker": TEXT, "nouns": WORDS, "code_words": WORDS}),
    "events": MapOf(Record({"verbs": WORDS, "phrasal_verbs": WORDS, "nouns": WORDS, "label": TEXT, "type": TYPES,
                            "property": TEXT, "ends": TEXT, "not_places": ListOf(TYPES), "place_date": TEXT,
                            "place_during": TEXT, "named_by_place": WORDS},
                           required=frozenset({"label", "type"}),
                           defaults={"property": "pointInTime", "not_places": []})),
    "anaphora": MapOf(WORDS),
    "topic_pronouns": WORDS,
    "life_words": WORDS,
    "script_languages": MapOf(TEXT),
    "list_sections": WORDS,
    "durations": MapOf(Record({"words": WORDS, "event": TEXT, "place_property": TEXT}, required=frozenset({"words"}),
                              defaults={"event": THE_KEY})),
    "start_words": WORDS,
    "end_words": WORDS,
    "during_words": WORDS,
    "result_phrases": WORDS,
    "time_distance_words": WORDS,
    "combat": Record({"verbs": WORDS, "force_nouns": WORDS}),
    "part_words": WORDS,
    "phase_words": WORDS,
    "anniversary_words": WORDS,
    "relations": MapOf(Record({"phrases": WORDS, "property": TEXT, "object_of": WORDS,
                               "subject": OneOf(("first", "nearest")),
                               "subject_types": ListOf(TYPES), "object_types": ListOf(TYPES),
                               "object_not": ListOf(TYPES), "not_in_list": Scalar("bool"),
                               "reverse": Scalar("bool"), "max_gap": Scalar("int")},
                              required=frozenset({"phrases"}),
                              defaults={"property": THE_KEY, "subject": "nearest", "subject_types": ["Entity"],
                                        "object_types": ["Entity"], "not_in_list": False, "reverse": False,
                                        "max_gap": 12})),
    "apposition_roles": WORDS,
    "role_appositions": Record({"roles": WORDS, "links": WORDS, "commander_roles": WORDS, "deputy_words": WORDS}),
    "commanded_by": Record({"phrases": WORDS, "person_phrases": WORDS, "subject_types": ListOf(TYPES),
                            "force_types": ListOf(TYPES)}),
}, defaults={"quotation_min_words": 6, "quotation_min_words_attributed": 3})

INFOBOX = Record({
    "fields": MapOf(Record({
        "kind": OneOf(("topic", "events", "entities", "dates", "places", "text", "quantities", "ignore")),
        "property": TEXT,
        "type": TYPES,
        "equipment": OneOf(("strength", "losses")),
    }, required=frozenset({"kind"}), defaults={"type": "Event"})),
    "name_markers": MapOf(TEXT),
    "list_separators": WORDS,
    "alias_markers": WORDS,
    "victory_words": WORDS,
}, required=frozenset({"fields"}))


# ``ontology/wikitext.yaml``: how `kg add` reads Wikipedia wikitext (src/kg_builder/importers/wikitext.py).
WIKITEXT = Record({
    "infobox_prefix": TEXT,
    "flags": WORDS,
    "flag_icons": WORDS,
    "statuses": MapOf(TEXT),
    "lists": WORDS,
    "unwrap": MapOf(Scalar("int")),
    "measures": WORDS,
    "dropped_links": WORDS,
    "foreign_links": WORDS,
    "layout_fields": WORDS,
    "dates": WORDS,
    "dropped_sections": WORDS,
    "html": Record({
        "infobox": TEXT,
        "dropped": WORDS,
        "above": TEXT,
        "subheader": MapOf(TEXT),
        "headers": MapOf(TEXT),
        "labels": MapOf(TEXT),
        "statuses": MapOf(TEXT),
    }, required=frozenset({"infobox", "headers", "labels"})),
}, required=frozenset({"infobox_prefix"}))

# The kinds of infobox field that state a property, which their mapping must then name.
INFOBOX_PROPERTY_KINDS = frozenset({"events", "entities", "places", "text", "quantities"})

# ``ontology/types.yaml``: what a name's own words and the words before it say it names, and how the
# gazetteers and the given-name list (ontology/given_names.txt) are used (src/kg_builder/extract/names.py,
# gazetteer.py).
TYPES_FILE = Record({
    "name_heads": MapOf(TYPES),
    "numbered_heads": WORDS,
    "name_openers": MapOf(TYPES),
    "class_nouns": Record({t: WORDS for t in ENTITY_TYPES}),
    "given_names": Record({"not_given_names": WORDS, "not_person_heads": WORDS}),
    "modifier_nouns": WORDS,
    "place_context": Record({"words": WORDS, "modifiers": WORDS, "modifier_suffixes": WORDS,
                             "not_place_names": WORDS}),
})


def _fail(path: Path, node: yaml.Node, where: str, message: str, hint: str | None = None) -> ConfigError:
    return ConfigError(f"{where}: {message}", path=path, line=node.start_mark.line + 1, hint=hint)


def _check_scalar(spec: Scalar | OneOf, node: yaml.Node, path: Path, where: str) -> None:
    if not isinstance(node, yaml.ScalarNode):
        raise _fail(path, node, where, f"expected {spec.describe()}")
    if isinstance(spec, OneOf):
        if node.tag != _TAGS["str"] or node.value not in spec.values:
            raise _fail(path, node, where, f"{node.value!r} is not {spec.describe()}")
        return
    tags = {_TAGS[spec.kind]} | ({_TAGS["int"]} if spec.kind == "float" else set())
    if node.tag not in tags:
        hint = "quote it (\"on\", \"yes\" and \"no\" are read as true or false)" if node.tag == _TAGS["bool"] else None
        raise _fail(path, node, where, f"{node.value!r} is not {spec.describe()}", hint)


def _check_mapping(spec: MapOf | Record, node: yaml.Node, path: Path, where: str) -> None:
    if not isinstance(node, yaml.MappingNode):
        raise _fail(path, node, where, f"expected {spec.describe()}")
    seen: set[str] = set()
    for key, value in node.value:
        name = str(key.value)
        seen.add(name)
        if isinstance(spec, MapOf):
            _check(spec.value, value, path, f"{where}.{name}")
        elif name not in spec.fields:
            raise _fail(path, key, where, f"unknown key {name!r}: no rule reads it",
                        hint="known keys: " + ", ".join(spec.fields))
        else:
            _check(spec.fields[name], value, path, f"{where}.{name}")
    missing = sorted(spec.required - seen) if isinstance(spec, Record) else []
    if missing:
        raise _fail(path, node, where, f"the key {missing[0]!r} is required")


def _check(spec: Spec, node: yaml.Node, path: Path, where: str) -> None:
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null" and not isinstance(spec, Scalar):
        return  # an empty section (`after:` with nothing under it) is an empty list or mapping
    if isinstance(spec, (Scalar, OneOf)):
        _check_scalar(spec, node, path, where)
    elif isinstance(spec, ListOf):
        if not isinstance(node, yaml.SequenceNode):
            raise _fail(path, node, where, f"expected {spec.describe()}")
        if spec.length is not None and len(node.value) != spec.length:
            raise _fail(path, node, where, f"expected {spec.describe()}, not {len(node.value)}")
        for i, item in enumerate(node.value):
            _check(spec.item, item, path, f"{where}[{i}]")
    elif isinstance(spec, (MapOf, Record)):
        _check_mapping(spec, node, path, where)


def check_yaml(text: str, spec: Spec, path: Path) -> None:
    """Check a YAML document against a schema; ConfigError naming the file, the line and the key."""
    try:
        node = yaml.compose(text)
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        raise ConfigError(f"invalid YAML: {e.problem}", path=path, line=line) from e
    if node is None:
        raise ConfigError("the file is empty", path=path)
    _check(spec, node, path, path.name)
