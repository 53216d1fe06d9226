"""The browsing pages: home, search, Linked Data for every IRI of ours (entity, claim, source document,
mention...), the source reader, and the graph, timeline and map views with the JSON they draw from.

Every ``/id/...`` IRI answers HTML to browsers and Turtle, JSON-LD or N-Triples by ``Accept`` or
``?format=`` (ttl, jsonld, nt), as LodView and Pubby do.

Pages are computed off the event loop, in a small pool of threads, and kept for the build in a
``PageCache`` (bounded by count and by bytes): the graph does not change while it is served, so the
second request for a page costs a dictionary lookup, and the loop keeps answering other routes while a
page is computed. Only what a request cannot multiply is kept: answers for IRIs that exist in the graph,
and the pages that do not depend on the query string.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import urllib.parse
from collections.abc import Awaitable, Callable, Hashable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import mimeparse
import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from rdflib import Graph, Literal, URIRef

from .. import storage
from ..browse import (
    ENTITY_BASE,
    BadIri,
    Catalogue,
    QuadTerms,
    SearchTooLong,
    anchor_id,
    check_iri,
    iri_of_path,
    local_path,
    segments,
    value_of,
)
from ..errors import KgError, NotFound, OptionError
from ..export import to_jsonld, to_ntriples
from ..namespaces import short_hash
from ..saved import SavedQuery
from ..serialize import to_turtle
from .cache import BoundedCache
from .security import content_security_policy, inline_script_hashes

__all__ = ["PageCache", "Rendered", "add_api_docs", "add_pages", "environment"]

RDF_MEDIA = {"text/turtle": "ttl", "application/ld+json": "jsonld", "application/n-triples": "nt"}
FORMAT_MEDIA = {"ttl": "text/turtle", "turtle": "text/turtle", "jsonld": "application/ld+json",
                "nt": "application/n-triples", "ntriples": "application/n-triples", "html": "text/html"}
RDF_CONTENT_TYPES = {"ttl": "text/turtle; charset=utf-8", "jsonld": "application/ld+json",
                     "nt": "application/n-triples; charset=utf-8"}

# Pages are mostly Python (SPARQL result handling, Jinja), so more threads than this only queue on the GIL.
PAGE_THREADS = 4
PAGE_CACHE_ENTRIES = 4096
PAGE_CACHE_BYTES = 64 * 1024 * 1024

T = TypeVar("T")


def environment(title: str, build_id: str) -> Environment:
    """The templates of every page, with the site's title and the build id."""
    folder = resources.files("kg_builder.web").joinpath("templates")
    env = Environment(loader=FileSystemLoader(str(folder)), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(anchor_id=anchor_id, site_title=title, build_id=build_id)
    return env


@dataclass(frozen=True)
class Rendered:
    """A computed answer (what a Response is made of), and whether it may be kept for the build."""

    body: bytes
    media_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    keep: bool = True

    def response(self) -> Response:
        return Response(self.body, status_code=self.status, media_type=self.media_type, headers=dict(self.headers))


class PageCache:
    """Answers by key for the lifetime of one build, each computed once in ``executor``.

    Bounded by count and by total bytes (least recently used go first). Concurrent requests for a key
    that is being computed wait for that one computation instead of starting their own. Only the event
    loop's thread touches the dictionaries, so they need no lock.
    """

    def __init__(self, executor: Executor, max_entries: int = PAGE_CACHE_ENTRIES,
                 max_bytes: int = PAGE_CACHE_BYTES) -> None:
        self.executor = executor
        self.kept: BoundedCache[Hashable, Rendered] = BoundedCache(max_entries, max_bytes)
        self.running: dict[Hashable, asyncio.Future[Rendered]] = {}

    async def run(self, compute: Callable[[], T]) -> T:
        """``compute()`` in a worker thread, not kept."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, compute)

    async def get(self, key: Hashable, compute: Callable[[], Rendered]) -> Rendered:
        """The answer for ``key``: kept, being computed, or computed now by ``compute()`` in a worker thread."""
        kept = self.kept.get(key)
        if kept is not None:
            return kept
        running = self.running.get(key)
        if running is None:
            running = asyncio.get_running_loop().run_in_executor(self.executor, compute)
            self.running[key] = running
            running.add_done_callback(functools.partial(self._done, key))
        # A client that goes away cancels its own wait, never the computation the others wait for.
        return await asyncio.shield(running)

    def _done(self, key: Hashable, future: asyncio.Future[Rendered]) -> None:
        del self.running[key]
        if not future.cancelled() and future.exception() is None and future.result().keep:
            page = future.result()
            self.kept.keep(key, page, len(page.body))


def _rdf_bytes(quads: list[QuadTerms], fmt: str) -> bytes:
    g = Graph()
    for s, p, o, _ in quads:
        g.add((_rdflib(s), _rdflib(p), _rdflib(o)))
    return {"ttl": to_turtle, "nt": to_ntriples, "jsonld": to_jsonld}[fmt]([g])


def _rdflib(term: object) -> URIRef | Literal:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value) if term.datatype else None)
    raise TypeError(f"cannot convert {term!r}")


def _wants(request: Request) -> str:
    """html, ttl, jsonld or nt, from ?format= or the Accept header (browsers get HTML)."""
    fmt = request.query_params.get("format")
    if fmt:
        if fmt not in FORMAT_MEDIA:
            raise OptionError(f"unknown format {fmt[:100]!r}", hint="use html, ttl, jsonld or nt")
        media = FORMAT_MEDIA[fmt]
        return "html" if media == "text/html" else RDF_MEDIA[media]
    accept = request.headers.get("accept") or "text/html"
    try:
        best = mimeparse.best_match([*RDF_MEDIA, "text/html"], accept)  # ties (*/*) go to the last: HTML
    except ValueError:
        best = ""
    return RDF_MEDIA.get(best, "html")


def _as_uri(iri: str) -> str:
    """An IRI percent-encoded to ASCII, for an HTTP header (whose values Starlette writes as Latin-1)."""
    return urllib.parse.quote(iri, safe=":/?#[]@!$&'()*+,;=%~")


class _Pages:
    """The browsing routes over one build: its catalogue, templates, saved queries and computed pages."""

    def __init__(self, *, env: Environment, catalogue: Catalogue, corpus_dir: Path, saved: dict[str, SavedQuery],
                 build_id: str, run_saved: Callable[[SavedQuery, dict[str, str]], Awaitable[dict[str, Any]]],
                 cache: PageCache) -> None:
        self.env, self.catalogue, self.corpus_dir, self.saved = env, catalogue, corpus_dir, saved
        self.build_id, self.run_saved, self.cache = build_id, run_saved, cache
        self.renderers: dict[str, Callable[[str, str, dict[str, str], str | None], Rendered | None]] = {
            "entity": self._entity, "claim": self._claim, "source": self._source, "mention": self._mention}

    # --- helpers -------------------------------------------------------------------------------------

    def html(self, template: str, status: int = 200, *, keep: bool = True,
             headers: tuple[tuple[str, str], ...] = (), **context: Any) -> Rendered:
        body = self.env.get_template(template).render(**context).encode("utf-8")
        return Rendered(body, status=status, headers=headers, keep=keep)

    def page(self, template: str, status: int = 200, **context: Any) -> Response:
        return self.html(template, status, **context).response()

    def error_page(self, status: int, message: str, heading: str = "Not found") -> Response:
        return self.page("error.html", status, heading=heading, message=message)

    async def kept(self, key: Hashable, compute: Callable[[], Rendered]) -> Response:
        return (await self.cache.get(key, compute)).response()

    def entity_iri(self, iri: str) -> str:
        """``iri`` checked as the IRI of an entity of the graph: BadIri (400) or NotFound (404) if not."""
        check_iri(iri, within=ENTITY_BASE, what="an entity IRI")
        if not self.catalogue.exists(iri):
            raise NotFound(f"no entity {iri!r} in the graph", hint="give the full IRI of an entity")
        return iri

    # --- home, search, lists, views ----------------------------------------------------------------

    async def home(self) -> Response:
        def compute() -> Rendered:
            queries = [{"name": q.name, "title": q.title, "description": q.description, "view": q.view}
                       for q in sorted(self.saved.values(), key=lambda q: q.title)]
            return self.html("home.html", queries=queries, sources=self.catalogue.sources())
        return await self.kept("home", compute)

    async def search(self, q: str = "") -> Response:
        try:
            hits = self.catalogue.search(q) if q.strip() else []
        except SearchTooLong as e:
            return self.error_page(e.http_status, e.message, heading="Search")
        return self.page("search.html", query=q, hits=hits)

    async def search_api(self, q: str = "") -> JSONResponse:
        hits = self.catalogue.search(q) if q.strip() else []
        return JSONResponse({"query": q, "results": [
            {"iri": t.value, "label": t.label, "url": t.url, "matched": name, "lang": lang} for t, name, lang in hits]})

    async def sources(self) -> Response:
        return await self.kept("sources", lambda: self.html("sources.html", sources=self.catalogue.sources()))

    async def timeline(self) -> Response:
        return self.page("timeline.html")

    async def timeline_api(self) -> Response:
        return await self.kept("api/timeline", lambda: _json({"events": self.catalogue.timeline()}))

    async def map_page(self) -> Response:
        return await self.kept("map", lambda: self.html("map.html", places=self.catalogue.places()))

    async def places_api(self) -> Response:
        return await self.kept("api/places", lambda: _json({"places": self.catalogue.places()}))

    async def neighbourhood(self, iri: str) -> Response:
        iri = self.entity_iri(iri)
        return await self.kept(("neighbourhood", iri), lambda: _json(self.catalogue.neighbourhood(iri)))

    # --- saved queries --------------------------------------------------------------------------------

    async def saved_page(self, name: str, request: Request) -> Response:
        q = self.saved.get(name)
        if q is None:
            return self.error_page(404, f"There is no saved query named {name!r}.")
        try:
            result = await self.run_saved(q, dict(request.query_params))
        except KgError as e:
            return self.error_page(e.http_status, str(e), heading=f"{q.title}: the query could not run")
        return await self.cache.run(functools.partial(self._saved_page, q, result, dict(request.query_params)))

    def _saved_page(self, q: SavedQuery, result: dict[str, Any], params: dict[str, str]) -> Response:
        columns = result["head"]["vars"]
        rows = [[_cell(b.get(c)) for c in columns] for b in result["results"]["bindings"]]
        first = next((b[c]["value"] for b in result["results"]["bindings"] for c in columns
                      if b.get(c, {}).get("type") == "uri" and b[c]["value"].startswith(ENTITY_BASE)), None)
        return self.page("saved.html", query=q, columns=columns, rows=rows, params=params, first_entity=first,
                         truncated=result.get("truncated", False))

    async def saved_graph(self, name: str, request: Request, iri: str = "") -> Response:
        q = self.saved.get(name)
        if q is None:
            raise NotFound(f"no saved query named {name!r}", hint="GET /api/queries lists them")
        around = self.entity_iri(iri) if iri else None  # checked before the query runs
        result = await self.run_saved(q, {k: v for k, v in request.query_params.items() if k != "iri"})
        columns = result["head"]["vars"]
        rows = []
        for b in result["results"]["bindings"]:
            iris = [c["value"] for c in (b.get(col) for col in columns) if c and c.get("type") == "uri"]
            if len(iris) >= 3:
                rows.append((iris[0], iris[1], iris[2]))
        # Up to --max-rows rows, each looked up in the store: too long to hold the loop for.
        return await self.cache.run(lambda: JSONResponse(self.catalogue.result_graph(rows, around)))

    # --- Linked Data: /id/... -------------------------------------------------------------------------

    async def resource(self, path: str, request: Request) -> Response:
        fmt = _wants(request)
        iri = iri_of_path(path)
        try:
            check_iri(iri, what="an IRI of this graph")
        except BadIri as e:
            if fmt == "html":
                return self.error_page(e.http_status, e.message, heading="Not an IRI")
            raise
        if not path or not self.catalogue.exists(iri):
            if fmt == "html":
                return self.error_page(404, f"Nothing in the graph is called {iri}.")
            raise NotFound(f"nothing in the graph is called {iri}")
        params = request.query_params
        # Only the source reader reads the query string (which highlight to select); for every other IRI
        # the key stays one per IRI and format, so requests cannot grow the cache.
        selected = None
        if self.catalogue.kind(iri) == "source":
            selected = ("claim-" + params["claim"] if params.get("claim")
                        else "mention-" + params["mention"] if params.get("mention") else None)
        return await self.kept((iri, fmt, selected), functools.partial(self._resource, iri, path, fmt, selected))

    def _resource(self, iri: str, path: str, fmt: str, selected: str | None) -> Rendered:
        """The answer for an IRI that exists, in a worker thread."""
        headers = (("Vary", "Accept"), ("X-Build", self.build_id), ("Link", f'<{_as_uri(iri)}>; rel="canonical"'))
        if fmt != "html":
            return Rendered(_rdf_bytes(self.catalogue.triples_about(iri), fmt), RDF_CONTENT_TYPES[fmt],
                            headers=headers)
        alternates = {f: f"/id/{path}?format={f}" for f in ("ttl", "jsonld", "nt")}
        render = self.renderers.get(self.catalogue.kind(iri))
        page = render(iri, path, alternates, selected) if render else None
        if page is None:
            page = self.html("resource.html", subject=self.catalogue.term(ox.NamedNode(iri)), alternates=alternates,
                             rows=_rows(self.catalogue, self.catalogue.triples_about(iri), iri), links=[])
        return replace(page, headers=headers)

    def _entity(self, iri: str, path: str, alternates: dict[str, str], selected: str | None) -> Rendered:
        return self.html("entity.html", view=self.catalogue.entity(iri), alternates=alternates)

    def _claim(self, iri: str, path: str, alternates: dict[str, str], selected: str | None) -> Rendered | None:
        view = self.catalogue.claim(iri)
        return self.html("claim.html", view=view, alternates=alternates) if view is not None else None

    def _mention(self, iri: str, path: str, alternates: dict[str, str], selected: str | None) -> Rendered | None:
        cat = self.catalogue
        quads = cat.triples_about(iri)
        body = next((o for s, p, o, _ in quads if str(p.value).endswith("#hasBody")), None)
        src = next((o for s, p, o, _ in quads if str(p.value).endswith("#hasSource")), None)
        if src is None:
            return None
        local = iri.rsplit("/", 1)[-1]
        named = cat.term(body).label if body is not None else "an entity"
        subject = replace(cat.term(ox.NamedNode(iri)), label=f"Mention of {named} in {cat.term(src).label}")
        links = [("Read it in its source", f"{local_path(value_of(src))}?mention={local}#mention-{local}")]
        if body is not None:
            links.append(("The entity it names", local_path(value_of(body)) or value_of(body)))
        return self.html("resource.html", subject=subject, alternates=alternates, rows=_rows(cat, quads, iri),
                         links=links)

    def _source(self, iri: str, path: str, alternates: dict[str, str], selected: str | None) -> Rendered:
        text, pages, problem = self._source_text(iri)
        view = self.catalogue.source(iri, text, problem)
        parts = segments(text, view.spans, selected, pages) if text is not None else []
        counts = {"claim": sum(1 for s in view.spans if s.kind == "claim"),
                  "mention": sum(1 for s in view.spans if s.kind == "mention")}
        # Kept only when it is the build's own text and the selection names one of its highlights: a
        # problem may be fixed while the server runs, and any other ?claim= value is a request's own.
        keep = problem is None and (selected is None or any(anchor_id(s) == selected for s in view.spans))
        return self.html("source.html", keep=keep, view=view, segments=parts, selected=selected,
                         alternates=alternates, counts=counts)

    async def original(self, name: str) -> Response:
        """``/originals/{name}``: the file a source was imported from, as it was imported (its SHA-256
        checked). Shown inline only where the browser runs nothing of it (PDF, plain text); any other
        type is a download, and a sandbox policy keeps a saved page's scripts from running here."""
        found = self.catalogue.original_named(name)
        if found is None:
            return self.error_page(404, f"No source was imported from an original named {name!r}.")
        try:
            data = storage.read_original(self.corpus_dir, name)
        except KgError as e:
            return self.error_page(404, f"The original {name} cannot be read: {e}")
        if hashlib.sha256(data).hexdigest() != found.sha256:
            return self.error_page(409, f"The original {name} has changed since the graph was built; run kg build.",
                                   heading="Changed")
        inline = found.media_type in ("application/pdf", "text/plain")
        disposition = "inline" if inline else "attachment"
        return Response(data, media_type=found.media_type, headers={
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}",
            "Content-Security-Policy": "sandbox", "X-Content-Type-Options": "nosniff"})

    def _source_text(self, iri: str) -> tuple[str | None, tuple[tuple[int, str], ...], str | None]:
        """The corpus text of a source document and where the pages of its original begin, or None and
        why it cannot be shown."""
        name, sha = self.catalogue.source_file(iri)
        if name is None or "/" in name or name.startswith("."):
            return None, (), "The build recorded no corpus file for this source."
        try:
            text = storage.read_corpus_text(self.corpus_dir, name)
        except KgError as e:  # shown to the reader, the page still renders
            return None, (), f"The corpus file {name} cannot be read: {e}"
        if sha and short_hash(text, length=64) != sha:
            return None, (), (f"The corpus file {name} has changed since the graph was built, so the highlights "
                              "would not match its words; run kg build.")
        try:
            pages = storage.read_corpus_pages(self.corpus_dir, name, text)
        except KgError:  # an annex that cannot be read: the text is still shown, without page breaks
            pages = ()
        return text, pages, None


def add_pages(app: FastAPI, *, env: Environment, catalogue: Catalogue, corpus_dir: Path,
              saved: dict[str, SavedQuery], build_id: str,
              run_saved: Callable[[SavedQuery, dict[str, str]], Awaitable[dict[str, Any]]]) -> None:
    """Register the browsing routes on ``app``."""
    catalogue.prepare()
    cache = PageCache(ThreadPoolExecutor(max_workers=PAGE_THREADS, thread_name_prefix="kg-pages"))
    p = _Pages(env=env, catalogue=catalogue, corpus_dir=corpus_dir, saved=saved, build_id=build_id,
               run_saved=run_saved, cache=cache)
    app.get("/", include_in_schema=False)(p.home)
    app.get("/search", include_in_schema=False)(p.search)
    app.get("/api/search", summary="Find entities by name or alias, in any language")(p.search_api)
    app.get("/sources", include_in_schema=False)(p.sources)
    app.get("/originals/{name}", include_in_schema=False)(p.original)
    app.get("/timeline", include_in_schema=False)(p.timeline)
    app.get("/api/timeline", summary="Dated events: the earliest start and latest end any source gives")(p.timeline_api)
    app.get("/map", include_in_schema=False)(p.map_page)
    app.get("/api/places", summary="Places with coordinates")(p.places_api)
    app.get("/api/neighbourhood",
            summary="An entity and the entities it is related to, for the graph view")(p.neighbourhood)
    app.get("/queries/{name}", include_in_schema=False)(p.saved_page)
    app.get("/api/queries/{name}/graph", summary="A saved query's results as a graph (its view: graph)",
            description="Each result row's first three columns (subject, predicate, object) are an edge; "
                        "`iri` adds that entity's neighbourhood, so the graph view can expand a node.")(p.saved_graph)
    app.get("/id/{path:path}", include_in_schema=False)(p.resource)


SWAGGER = "/static/vendor/swagger-ui/"


def add_api_docs(app: FastAPI) -> None:
    """``/docs``: Swagger UI from the copy vendored under ``/static/vendor/swagger-ui/``.

    FastAPI's own page loads it from a CDN. The page carries its own Content-Security-Policy: the site's,
    plus the hash of the inline script that starts Swagger UI. (ReDoc is left out: its sidebar always
    loads a logo from its vendor's CDN.)
    """
    swagger = get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} · API",
                                  swagger_js_url=SWAGGER + "swagger-ui-bundle.js",
                                  swagger_css_url=SWAGGER + "swagger-ui.css",
                                  swagger_favicon_url=SWAGGER + "favicon-32x32.png",
                                  swagger_ui_parameters={"validatorUrl": None})  # its badge asks swagger.io
    csp = content_security_policy(script_src=inline_script_hashes(bytes(swagger.body).decode("utf-8")))

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(swagger.body, headers={"Content-Security-Policy": csp})


def _json(content: object) -> Rendered:
    return Rendered(bytes(JSONResponse(content).body), media_type="application/json")


def _cell(cell: dict[str, str] | None) -> dict[str, str | None]:
    if cell is None:
        return {"text": "", "url": None}
    value = cell.get("value", "")
    if cell.get("type") == "uri":
        local = local_path(value)
        text = value.rsplit("/", 1)[-1] if local else value
        return {"text": text, "url": local or value}
    return {"text": value, "url": None}


def _rows(catalogue: Catalogue, quads: list[QuadTerms], iri: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for s, p, o, g in quads:
        rows.append({"s": catalogue.term(s), "p": catalogue.term(p), "o": catalogue.term(o),
                     "g": catalogue.term(g) if isinstance(g, ox.NamedNode) else None,
                     "incoming": value_of(s) != iri and not value_of(s).startswith(iri + "#")})
    rows.sort(key=lambda r: (r["incoming"], r["s"].value, r["p"].label, r["o"].label))
    return rows

