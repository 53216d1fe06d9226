"""Propose Wikidata items for the registry entities that are not yet reconciled (``kg link``).

An entity whose name a source linked to a Wikipedia article (kg add keeps a page's links) is looked
up by that article: the item whose sitelink it is. For each other one, Wikidata's public search API
(``wbsearchentities``) is asked for its label (then its aliases, until something is found); the
candidates' "instance of" (P31) values are fetched (``wbgetentities``) and checked against the
Wikidata classes that ``ontology/wikidata.yaml`` lists for our type. The result is a list of
proposals that a person reviews: nothing is linked until someone copies a QID and the evidence for it
into ``ontology/entities.yaml``.

The network is only touched by ``WikidataClient``; everything else is pure. Its API address is a
setting, so tests point it at a loopback server that answers with recorded responses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from .config import load_yaml
from .errors import ConfigError, NetworkError
from .models import RegistryEntry

__all__ = [
    "Candidate",
    "LinkSettings",
    "Proposal",
    "WikidataClient",
    "check_type",
    "instance_of",
    "linked_articles",
    "load_link_settings",
    "parse_search",
    "proposals_yaml",
    "propose",
    "sitelink",
]

FITS, DOES_NOT_FIT, UNKNOWN = "fits our type", "does not fit our type", "type unknown"


@dataclass(frozen=True)
class LinkSettings:
    api_url: str
    language: str
    candidates: int
    user_agent: str
    types: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Candidate:
    qid: str
    label: str
    description: str
    instance_of: tuple[str, ...]
    type_check: str
    linked_article: str | None = None  # the article a source links the entity's name to, whose item this is


@dataclass(frozen=True)
class Proposal:
    entity: str
    label: str
    type: str
    searched: tuple[str, ...]
    candidates: tuple[Candidate, ...]


def load_link_settings(path: Path) -> LinkSettings:
    """Read ``ontology/wikidata.yaml``: the API address and the Wikidata classes of each of our types."""
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping with api, language, candidates, user_agent and types", path=path)
    types = data.get("types") or {}
    if not isinstance(types, dict):
        raise ConfigError("types must map each of our types to a list of Wikidata class ids", path=path)
    parsed: dict[str, tuple[str, ...]] = {}
    for ours, classes in types.items():
        if not isinstance(classes, list) or not all(isinstance(c, str) and c.startswith("Q") for c in classes):
            raise ConfigError(f"types.{ours} must be a list of Wikidata class ids such as Q5", path=path)
        parsed[str(ours)] = tuple(classes)
    try:
        return LinkSettings(api_url=str(data["api"]), language=str(data.get("language", "en")),
                            candidates=int(data.get("candidates", 5)),
                            user_agent=str(data.get("user_agent", "kg-builder")), types=parsed)
    except (KeyError, TypeError, ValueError) as e:
        raise ConfigError(f"missing or malformed setting: {e}", path=path) from e


# --- the network edge -------------------------------------------------------------------------------


class WikidataClient:
    """The two calls of the Wikidata API that ``kg link`` makes, read-only."""

    def __init__(self, api_url: str, user_agent: str, timeout: float = 20.0) -> None:
        import httpx

        self._httpx = httpx
        self.api_url = api_url
        self._client = httpx.Client(timeout=timeout, headers={"User-Agent": user_agent}, follow_redirects=False)

    def close(self) -> None:
        self._client.close()

    def _get(self, params: dict[str, str]) -> dict[str, Any]:
        httpx = self._httpx
        try:
            r = self._client.get(self.api_url, params={**params, "format": "json"})
            r.raise_for_status()
            answer = r.json()
        except httpx.HTTPStatusError as e:
            raise NetworkError(f"Wikidata answered {e.response.status_code} at {self.api_url}",
                               hint="try again later; nothing was changed") from e
        except httpx.HTTPError as e:
            raise NetworkError(f"cannot reach Wikidata at {self.api_url}: {type(e).__name__}",
                               hint="kg link needs the internet (or --api pointing at a reachable copy of the "
                                    "API); nothing was changed") from e
        except ValueError as e:
            raise NetworkError(f"Wikidata's answer at {self.api_url} is not JSON", hint="nothing was changed") from e
        if not isinstance(answer, dict) or "error" in answer:
            detail = answer.get("error", {}).get("info", "") if isinstance(answer, dict) else ""
            raise NetworkError(f"Wikidata refused the request: {detail}".rstrip(": "), hint="nothing was changed")
        return answer

    def search(self, name: str, language: str, limit: int) -> dict[str, Any]:
        return self._get({"action": "wbsearchentities", "search": name, "language": language, "uselang": language,
                          "type": "item", "limit": str(limit)})

    def by_sitelink(self, site: str, titles: Iterable[str], language: str) -> dict[str, Any]:
        """The items whose article on ``site`` (a wiki's id, "enwiki") has one of these titles."""
        return self._get({"action": "wbgetentities", "sites": site, "titles": "|".join(titles),
                          "props": "claims|labels|descriptions", "languages": language})

    def entities(self, ids: Iterable[str], language: str) -> dict[str, Any]:
        return self._get({"action": "wbgetentities", "ids": "|".join(ids), "props": "claims|labels|descriptions",
                          "languages": language})


def linked_articles(graph_dir: Path, ids: set[str]) -> dict[str, tuple[str, ...]]:
    """The articles the built graph says are about each of these registry entities (the sources'
    links, as ``<article> schema:about <entity>``); none where graph/ has not been built."""
    import pyoxigraph as ox

    from . import storage
    from .namespaces import SCHEMA, entity_iri

    path = graph_dir / "asserted.ttl"
    if not path.is_file():
        return {}
    wanted = {str(entity_iri(i)): i for i in ids}
    about = ox.NamedNode(str(SCHEMA.about))
    found: dict[str, set[str]] = {}
    for triple in ox.parse(storage.read_graph_file(graph_dir, "asserted.ttl"), format=ox.RdfFormat.TURTLE):
        if triple.predicate == about and triple.object.value in wanted and isinstance(triple.subject, ox.NamedNode):
            found.setdefault(wanted[triple.object.value], set()).add(triple.subject.value)
    return {k: tuple(sorted(v)) for k, v in found.items()}


# --- pure parts -------------------------------------------------------------------------------------


def parse_search(answer: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(QID, label, description) of each item in a ``wbsearchentities`` answer, in its order."""
    found = []
    for hit in answer.get("search", []):
        qid = hit.get("id", "")
        if isinstance(qid, str) and qid.startswith("Q") and qid[1:].isdigit():
            found.append((qid, str(hit.get("label", "")), str(hit.get("description", ""))))
    return found


def instance_of(entity: dict[str, Any]) -> tuple[str, ...]:
    """The QIDs an entity of a ``wbgetentities`` answer is an instance of (P31)."""
    ids = []
    for statement in entity.get("claims", {}).get("P31", []):
        value = statement.get("mainsnak", {}).get("datavalue", {}).get("value", {})
        if isinstance(value, dict) and isinstance(value.get("id"), str):
            ids.append(value["id"])
    return tuple(sorted(set(ids)))


def check_type(our_type: str, classes: tuple[str, ...], types: dict[str, tuple[str, ...]]) -> str:
    wanted = types.get(our_type)
    if not wanted or not classes:
        return UNKNOWN
    return FITS if set(classes) & set(wanted) else DOES_NOT_FIT


_RANK = {FITS: 0, UNKNOWN: 1, DOES_NOT_FIT: 2}


def sitelink(article: str) -> tuple[str, str] | None:
    """(wiki id, title) of a Wikipedia article's address: ``https://en.wikipedia.org/wiki/Iran%E2%80%93Iraq_War``
    -> ("enwiki", "Iran–Iraq War"); None for other addresses."""
    m = re.match(r"https?://([a-z][a-z-]*)\.wikipedia\.org/wiki/(.+)$", article)
    if m is None:
        return None
    return f"{m.group(1).replace('-', '_')}wiki", unquote(m.group(2)).replace("_", " ")


def _label(entity: dict[str, Any], language: str, field: str) -> str:
    value = entity.get(field, {}).get(language, {})
    return str(value.get("value", "")) if isinstance(value, dict) else ""


def _linked(entry: RegistryEntry, articles: tuple[str, ...], client: WikidataClient,
            settings: LinkSettings) -> list[Candidate]:
    """The items of the articles the sources link the entry's names to (by their sitelinks)."""
    found: list[Candidate] = []
    for article in articles:
        link = sitelink(article)
        if link is None:
            continue
        answer = client.by_sitelink(link[0], [link[1]], settings.language)
        for qid, entity in sorted(answer.get("entities", {}).items()):
            if not (isinstance(entity, dict) and qid.startswith("Q") and "missing" not in entity):
                continue
            classes = instance_of(entity)
            found.append(Candidate(qid, _label(entity, settings.language, "labels"),
                                   _label(entity, settings.language, "descriptions"), classes,
                                   check_type(entry.type, classes, settings.types), article))
    return found


def propose(entries: Iterable[RegistryEntry], client: WikidataClient, settings: LinkSettings,
            progress: Callable[[str], None] = lambda _: None, max_names: int = 3,
            articles: Mapping[str, tuple[str, ...]] | None = None) -> list[Proposal]:
    """Candidates for every entry without a QID. Makes network calls through ``client``.

    ``articles`` (entry id -> addresses of the articles the sources link its names to, from the built
    graph) come first: the item whose sitelink is that article is the strongest candidate there is,
    and the search by name is made only for entries without one."""
    proposals = []
    for entry in entries:
        if entry.wikidata:
            continue
        progress(entry.id)
        looked_up = (articles or {}).get(entry.id, ())
        linked = _linked(entry, looked_up, client, settings)
        if linked:
            linked.sort(key=lambda c: (_RANK[c.type_check], c.qid))
            proposals.append(Proposal(entry.id, entry.label, entry.type, looked_up, tuple(linked)))
            continue
        searched: list[str] = []
        hits: list[tuple[str, str, str]] = []
        for name in (entry.label, *entry.aliases)[:max_names]:
            searched.append(name)
            hits = parse_search(client.search(name, settings.language, settings.candidates))
            if hits:
                break
        classes: dict[str, tuple[str, ...]] = {}
        if hits:
            answer = client.entities([q for q, _, _ in hits], settings.language)
            for qid, entity in answer.get("entities", {}).items():
                classes[qid] = instance_of(entity)
        candidates = [Candidate(qid, label, description, classes.get(qid, ()),
                                check_type(entry.type, classes.get(qid, ()), settings.types))
                      for qid, label, description in hits]
        order = {c.qid: i for i, c in enumerate(candidates)}
        candidates.sort(key=lambda c: (_RANK[c.type_check], order[c.qid]))
        proposals.append(Proposal(entry.id, entry.label, entry.type, tuple(searched), tuple(candidates)))
    return proposals


def proposals_yaml(proposals: list[Proposal], api_url: str) -> str:
    """The proposals as YAML for a person to review."""
    header = (
        "# Wikidata candidates proposed by `kg link` for entities not yet reconciled. Nothing here is a link.\n"
        f"# Searched: {api_url}\n"
        "# To confirm one, check the item on wikidata.org, then add to the entity in ontology/entities.yaml:\n"
        "#   wikidata: Q...\n"
        "#   wikidata_evidence: \"<where you confirmed it>\"\n"
        "# Candidates whose 'instance of' does not fit our type are listed last; they are rarely right.\n"
    )
    body = {"proposals": [
        {"id": p.entity, "label": p.label, "type": p.type, "searched": list(p.searched),
         "candidates": [{"qid": c.qid, "label": c.label, "description": c.description,
                         "instance_of": list(c.instance_of), "type_check": c.type_check,
                         "url": f"https://www.wikidata.org/wiki/{c.qid}",
                         **({"evidence": f"a source links the name to the article {c.linked_article}, whose "
                                         "item this is"} if c.linked_article else {})} for c in p.candidates]}
        for p in proposals]}
    return header + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=110)
