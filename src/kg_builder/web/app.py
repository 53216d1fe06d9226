"""The web app: a SPARQL 1.1 endpoint over the built graph, saved queries as REST routes, the query page.

rdflib-endpoint's router is mounted at ``/sparql`` and answers the service description; every request
that carries a query or an update is handled here first, because this layer adds what a public
endpoint needs: queries are checked (no SERVICE, no FROM of foreign IRIs, no LOAD), run in Oxigraph in
worker processes under a time limit that really stops them, cut at a row limit, answered in the
negotiated format with the right Content-Type, cached per build (ETag), and every error has one JSON
shape: ``{"error": {"status": 400, "type": "syntax_error", "message": "...", "hint": "..."}}``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.types import ASGIApp, Receive, Scope, Send

from .. import storage
from ..browse import Catalogue
from ..config import Settings
from ..errors import (
    KgError,
    NotFound,
    Overloaded,
    QueryError,
    QueryRejected,
    RequestTooLarge,
    UpdateForbidden,
)
from ..export import MEDIA_TYPES, ExportOptions, export_bytes, read_dataset
from ..saved import SavedQuery, bind_parameters
from ..sparql.engine import Answer
from ..sparql.pool import PoolLimits, QueryPool, QueryRequest
from .cache import BoundedCache
from .pages import add_api_docs, add_pages, environment
from .security import SecurityHeaders

__all__ = ["ServerOptions", "create_app", "error_body"]

MAX_QUERY_BYTES = 100_000
# A POST body, and so any form field, is read up to this size; past it the answer is 413 and the rest
# of the body is never held in memory.
MAX_BODY_BYTES = 1_000_000


@dataclass(frozen=True)
class ServerOptions:
    """How the server runs. Defaults are safe for a network: loopback, read-only, 10 s per query."""

    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = 4  # two may be held by slow clients, two stay for everyone else
    queue_limit: int = 64
    memory_mb: int = 1024  # per worker, beyond its copy of the dataset
    cors_origins: tuple[str, ...] = ("*",)
    allow_updates: bool = False
    update_token: str | None = None
    cache_entries: int = 2048
    cache_bytes: int = 64 * 1024 * 1024
    title: str = "kg-builder SPARQL endpoint"


def error_body(status: int, kind: str, message: str, hint: str | None = None) -> dict[str, Any]:
    """The one JSON shape of every error."""
    return {"error": {"status": status, "type": kind, "message": message, "hint": hint}}


def _error(status: int, kind: str, message: str, hint: str | None = None,
           headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, kind, message, hint), status_code=status, headers=headers)


def _kg_error(e: KgError) -> JSONResponse:
    headers = {"Retry-After": str(e.retry_after)} if isinstance(e, Overloaded) else None
    return _error(e.http_status, getattr(e, "kind", type(e).__name__), e.message, e.hint, headers)


class _Cache(BoundedCache[tuple[object, ...], Answer]):
    """Answers by request, for the lifetime of one build of the graph, bounded in count and in bytes.
    An answer larger than an eighth of the budget is not kept: it would evict everything else."""

    def __init__(self, size: int, max_bytes: int) -> None:
        super().__init__(size, max_bytes, max_item=max_bytes // 8)

    def put(self, key: tuple[object, ...], answer: Answer) -> None:
        self.keep(key, answer, len(answer.body) + len(repr(key)))


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _service_description(router_sd: Graph, own_graphs: list[str], build_id: str) -> None:
    """Add what rdflib-endpoint cannot know to its service description: our graphs, no federation."""
    sd = URIRef("http://www.w3.org/ns/sparql-service-description#")
    service = next(router_sd.subjects(RDF.type, sd + "Service"), None)
    if service is None:
        return
    router_sd.remove((service, sd + "feature", sd + "BasicFederatedQuery"))
    router_sd.add((service, sd + "feature", sd + "UnionDefaultGraph"))
    router_sd.add((service, RDFS.comment, Literal(
        "Read-only. The default graph is the union of the asserted graphs, plus the inferred graph "
        "unless inferred=false. SERVICE, LOAD and FROM of foreign IRIs are refused. Build " + build_id)))
    for name in own_graphs:
        router_sd.add((service, URIRef("https://w3id.org/kg-builder/ontology#servesGraph"), URIRef(name)))


def create_app(settings: Settings, options: ServerOptions | None = None) -> FastAPI:
    """The app for one built graph (``graph/``) and the saved queries of ``queries/``."""
    from rdflib_endpoint import SparqlRouter

    options = options or ServerOptions()
    manifest = json.loads(storage.read_graph_file(settings.graph_dir, "build.json"))
    build_id = str(manifest["build_id"])
    saved = {q.name: q for q in storage.read_saved_queries(settings.queries_dir)}
    own_graphs = sorted(_graph_names(storage.read_graph_file(settings.graph_dir, "dataset.trig")))
    pool = QueryPool(settings.graph_dir / "dataset.trig", own_graphs=frozenset(own_graphs),
                     limits=PoolLimits(workers=options.workers, timeout=options.timeout, max_rows=options.max_rows,
                                       queue_limit=options.queue_limit, memory_mb=options.memory_mb))
    endpoint = _Endpoint(options, build_id=build_id, own_graphs=own_graphs, pool=pool, saved=saved)

    app = FastAPI(title=options.title, version=build_id, lifespan=_lifespan(pool), docs_url=None, redoc_url=None,
                  description="SPARQL 1.1 endpoint and saved queries over a knowledge graph built with provenance.")
    add_api_docs(app)  # /docs from the package's static files (FastAPI's loads a CDN's); no /redoc
    app.state.pool = pool
    app.state.build_id = build_id

    router = SparqlRouter(path="/sparql", title=options.title, public_url=f"http://{options.host}:{options.port}/sparql",
                          description="Read-only SPARQL endpoint over the built knowledge graph.")
    _service_description(router.service_description, own_graphs, build_id)
    _add_error_handlers(app)
    _add_middleware(app, endpoint, options)
    app.include_router(router)
    # The order of the routes below is the order of the API's paths in /openapi.json and /docs.
    app.get("/editor", include_in_schema=False)(endpoint.editor)
    add_pages(app, env=endpoint.templates,
              catalogue=Catalogue(storage.read_graph_file(settings.graph_dir, "dataset.trig")),
              corpus_dir=settings.corpus_dir, saved=saved, build_id=build_id, run_saved=endpoint.run_saved_json)
    _add_saved_query_api(app, endpoint)
    _add_export_api(app, _Exports(settings.graph_dir, build_id))
    _add_build_api(app, build_id=build_id, manifest=manifest, own_graphs=own_graphs, pool=pool, options=options)
    app.mount("/static", StaticFiles(directory=str(resources.files("kg_builder.web").joinpath("static"))),
              name="static")
    _add_openapi(app, saved)
    return app


def _lifespan(pool: QueryPool) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Start the query workers with the app, and stop them with it."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await pool.start()
        if pool.isolation_problem:
            logging.getLogger("uvicorn.error").warning(
                "query workers are NOT cut off from the network: %s. The query guard still refuses "
                "SERVICE and LOAD, but there is no second layer.", pool.isolation_problem)
        try:
            yield
        finally:
            pool.close()

    return lifespan


def _add_error_handlers(app: FastAPI) -> None:
    """Every error, ours or the framework's, in the one JSON shape of ``error_body``."""

    @app.exception_handler(KgError)
    async def on_kg_error(_: Request, e: KgError) -> JSONResponse:
        return _kg_error(e)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(_: Request, e: StarletteHTTPException) -> JSONResponse:
        kind = {404: "not_found", 405: "method_not_allowed"}.get(e.status_code, "http_error")
        return _error(e.status_code, kind, str(e.detail))

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(_: Request, e: RequestValidationError) -> JSONResponse:
        return _error(400, "bad_request", "; ".join(str(x.get("msg")) for x in e.errors()))

    @app.exception_handler(Exception)
    async def on_unexpected(_: Request, e: Exception) -> JSONResponse:  # the web edge: nothing escapes unshaped
        return _error(500, "internal_error", f"{type(e).__name__}: {e}")


def _add_middleware(app: FastAPI, endpoint: _Endpoint, options: ServerOptions) -> None:
    # Each middleware added wraps the ones added before it.
    app.add_middleware(_Intercept, path="/sparql", handler=endpoint.sparql_protocol)
    # Added after _Intercept, so outside it: CORS headers go on every answer, /sparql's included.
    app.add_middleware(CORSMiddleware, allow_origins=list(options.cors_origins), allow_credentials=False,
                       allow_methods=["GET", "POST", "OPTIONS"], allow_headers=["*"],
                       expose_headers=["ETag", "X-Result-Truncated", "X-Result-Rows", "X-Build"])
    # Added after CORS, so outermost of all: security headers on every answer, /sparql's and preflights included.
    app.add_middleware(SecurityHeaders)


def _add_saved_query_api(app: FastAPI, endpoint: _Endpoint) -> None:
    app.get("/api/queries", summary="List the saved queries")(endpoint.list_queries)
    app.get("/api/queries/{name}", summary="Run a saved query",
            description="Parameters of the query go in the query string; `inferred=false` leaves out inferred "
                        "triples. The format follows the Accept header or an extension: .json, .csv, .tsv, .xml "
                        "(.ttl, .nt, .jsonld, .rdf for CONSTRUCT queries).")(endpoint.run_saved)


def _add_export_api(app: FastAPI, exports: _Exports) -> None:
    route = app.get("/api/export", summary="Download the graph for linking with Wikidata",
            description="The same files as `kg export`: `format` is turtle, ntriples, jsonld, trig or "
                        "quickstatements; `inferred=true` adds the inferred triples; `provenance=false` keeps "
                        "only the entities and their relations (no sources, claims or statements).")
    route(exports.download_export)


def _add_build_api(app: FastAPI, *, build_id: str, manifest: dict[str, Any], own_graphs: list[str],
                   pool: QueryPool, options: ServerOptions) -> None:
    @app.get("/api/build", summary="The build the server answers from")
    async def build_info() -> dict[str, Any]:
        return {"build_id": build_id, "counts": manifest.get("counts", {}), "graphs": own_graphs,
                "query_workers": {"network_isolated": pool.isolation_problem is None,
                                  "isolation_problem": pool.isolation_problem,
                                  "workers": pool.size, "memory_mb": options.memory_mb,
                                  "queue_limit": options.queue_limit}}


def _add_openapi(app: FastAPI, saved: Mapping[str, SavedQuery]) -> None:
    """The generated schema, plus a path of its own for each saved query (the route is one, by name)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        for q in saved.values():
            schema["paths"][f"/api/queries/{q.name}"] = {"get": _saved_query_operation(q)}
        app.openapi_schema = schema
        return schema

    # FastAPI's documented way to extend the generated schema is to replace the method on the instance.
    app.openapi = openapi  # type: ignore[method-assign]


def _saved_query_operation(q: SavedQuery) -> dict[str, Any]:
    """The OpenAPI operation of one saved query: its parameters, ``inferred``, and its result formats."""
    return {
        "summary": q.title,
        "description": q.description,
        "operationId": f"saved_{q.name.replace('-', '_')}",
        "tags": ["saved queries"],
        "parameters": [
            {"name": p.name, "in": "query", "required": False,
             "schema": {"type": "string", **({"default": p.default} if p.default else {})},
             "description": f"{p.type}"} for p in q.parameters
        ] + [{"name": "inferred", "in": "query", "required": False,
              "schema": {"type": "boolean", "default": True}}],
        "responses": {"200": {"description": "SPARQL results", "content": {
            t: {} for t in ("application/sparql-results+json", "text/csv", "text/tab-separated-values",
                            "application/sparql-results+xml")}}},
    }


class _Endpoint:
    """The SPARQL side of one build: queries and updates at /sparql, the saved queries, the query page.

    It holds what every answer needs: the pool of query workers, the answers kept for this build, and
    the queries being answered right now (which identical requests share)."""

    def __init__(self, options: ServerOptions, *, build_id: str, own_graphs: list[str], pool: QueryPool,
                 saved: dict[str, SavedQuery]) -> None:
        self.options, self.build_id, self.pool, self.saved = options, build_id, pool, saved
        self.own_graphs, self.own = own_graphs, frozenset(own_graphs)
        self.cache = _Cache(options.cache_entries, options.cache_bytes)
        self.inflight = _InFlight()
        self.templates = environment(options.title, build_id)

    async def answer(self, query: str, *, inferred: bool, bindings: Mapping[str, Node], accept: str | None,
                     fmt: str | None, if_none_match: str | None, request: Request | None = None,
                     default_graphs: list[str] | None = None, named_graphs: list[str] | None = None) -> Response:
        # Only cheap checks here: reading the query's terminals, negotiation by its form, parsing and
        # evaluation all happen in a worker under the time limit, never on the event loop.
        defaults, named = tuple(default_graphs or ()), tuple(named_graphs or ())
        self._check(query, defaults + named)
        key = (query, inferred, tuple(sorted((k, v.n3()) for k, v in bindings.items())), accept or "", fmt or "",
               defaults, named)
        headers = {"ETag": self._etag(key), "Cache-Control": "public, max-age=300", "X-Build": self.build_id,
                   "Vary": "Accept"}
        if _matches(if_none_match, headers["ETag"]):
            return Response(status_code=304, headers=headers)
        result = self.cache.get(key)
        if result is None:
            job = QueryRequest(text=query, inferred=inferred, bindings=tuple(sorted(bindings.items())),
                               accept=accept, fmt=fmt, default_graphs=defaults, named_graphs=named)
            result = await self.inflight.run(key, lambda: self.pool.run(job, client=_client(request)), request)
            if result is None:
                return Response(status_code=499)  # the client has gone: nobody reads this
            self.cache.put(key, result)
        headers["X-Result-Rows"] = str(result.rows)
        headers["X-Result-Truncated"] = "true" if result.truncated else "false"
        return Response(result.body, media_type=result.media_type, headers=headers)

    def _check(self, query: str, graphs: tuple[str, ...]) -> None:
        if len(query.encode("utf-8", "surrogatepass")) > MAX_QUERY_BYTES:
            raise RequestTooLarge(f"the query is longer than {MAX_QUERY_BYTES:,} bytes")
        for g in graphs:
            if g not in self.own:
                raise QueryRejected(f"graph <{g}> is not one of this dataset's graphs",
                                    hint="graphs: " + ", ".join(self.own_graphs))

    def _etag(self, key: tuple[object, ...]) -> str:
        digest = hashlib.sha256(repr(key).encode("utf-8", "surrogatepass")).hexdigest()[:20]
        return '"' + self.build_id + "-" + digest + '"'

    async def update(self, request: Request, text: str) -> Response:
        options = self.options
        if not options.allow_updates or not options.update_token:
            raise UpdateForbidden("updates are turned off on this endpoint",
                                  hint="start the server with kg serve --allow-updates and KG_UPDATE_TOKEN set")
        auth = request.headers.get("authorization", "")
        if auth != f"Bearer {options.update_token}":
            raise UpdateForbidden("an update needs the header Authorization: Bearer <token>")
        if len(text.encode("utf-8", "surrogatepass")) > MAX_QUERY_BYTES:
            raise RequestTooLarge(f"the update is longer than {MAX_QUERY_BYTES:,} bytes")
        await self.pool.broadcast_update(text)  # each worker checks it (no LOAD, no SERVICE) before applying it
        self.cache.clear()
        return Response(status_code=204)

    def query_page(self) -> HTMLResponse:
        items = [{"name": q.name, "title": q.title, "description": q.description, "query": q.text, "view": q.view}
                 for q in self.saved.values()]
        payload = json.dumps(items).replace("<", "\\u003c")  # nothing in it can close the <script>
        return HTMLResponse(self.templates.get_template("query.html").render(saved_queries_json=payload))

    async def editor(self) -> HTMLResponse:
        return self.query_page()

    async def sparql_protocol(self, request: Request) -> Response | None:
        """Queries and updates at /sparql are answered here; None leaves a GET without a query to
        rdflib-endpoint's router, which answers the service description."""
        try:
            asked = await _read_protocol(request)
            if isinstance(asked, Response):
                return asked
            return await self._protocol_answer(request, asked)
        except KgError as e:
            return _kg_error(e)

    async def _protocol_answer(self, request: Request, asked: _Protocol) -> Response | None:
        if request.method != "POST" and asked.update:
            return _error(405, "method_not_allowed", "updates must be sent with POST")
        if asked.query and asked.update:
            return _error(400, "bad_request", "send either a query or an update, not both")
        if asked.update:
            return await self.update(request, asked.update)
        if not asked.query:
            if "text/html" in request.headers.get("accept", ""):
                return self.query_page()
            if request.method == "POST":  # its body is read: it cannot be handed on
                return _error(400, "bad_request", "a POST to /sparql needs a query or an update")
            return None
        return await self.answer(asked.query, inferred=_bool(asked.inferred, True), bindings={},
                                 accept=request.headers.get("accept"), fmt=request.query_params.get("format"),
                                 if_none_match=request.headers.get("if-none-match"), request=request,
                                 default_graphs=asked.default_graphs or None, named_graphs=asked.named_graphs or None)

    async def run_saved_json(self, q: SavedQuery, params: dict[str, str]) -> dict[str, Any]:
        """A saved query's results as SPARQL JSON, for the pages that show them."""
        given = {k: v for k, v in params.items() if k not in ("inferred", "format")}
        response = await self.answer(q.text, inferred=_bool(params.get("inferred"), True),
                                     bindings=bind_parameters(q, given), accept="application/sparql-results+json",
                                     fmt=None, if_none_match=None)
        result: dict[str, Any] = json.loads(bytes(response.body))
        result["truncated"] = response.headers.get("X-Result-Truncated") == "true"
        return result

    async def list_queries(self) -> list[dict[str, Any]]:
        return [_describe(q) for q in self.saved.values()]

    async def run_saved(self, name: str, request: Request) -> Response:
        fmt = None
        if "." in name:
            name, fmt = name.rsplit(".", 1)
        q = self.saved.get(name)
        if q is None:
            raise NotFound(f"no saved query named {name!r}", hint="GET /api/queries lists them")
        given = {k: v for k, v in request.query_params.items() if k not in ("inferred", "format")}
        bindings = bind_parameters(q, given)
        return await self.answer(q.text, inferred=_bool(request.query_params.get("inferred"), True),
                                 bindings=bindings, accept=request.headers.get("accept"),
                                 fmt=fmt or request.query_params.get("format"),
                                 if_none_match=request.headers.get("if-none-match"), request=request)


class _Exports:
    """The downloads of /api/export, each computed once per build from the dataset, read on first use."""

    def __init__(self, graph_dir: Path, build_id: str) -> None:
        self.graph_dir, self.build_id = graph_dir, build_id
        self.done: dict[ExportOptions, bytes] = {}
        self.lock = asyncio.Lock()
        self.dataset: dict[URIRef, Graph] | None = None

    def _make(self, opts: ExportOptions) -> bytes:
        if self.dataset is None:
            self.dataset = read_dataset(storage.read_graph_file(self.graph_dir, "dataset.trig"))
        return export_bytes(self.dataset, opts)

    async def download_export(self, request: Request, format: str = "turtle", inferred: bool = False,
                              provenance: bool = True) -> Response:
        opts = ExportOptions(fmt=format, inferred=inferred, provenance=provenance)
        etag = f'"{self.build_id}-export-{opts.fmt}-{int(opts.inferred)}-{int(opts.provenance)}"'
        headers = {"ETag": etag, "Cache-Control": "public, max-age=300", "X-Build": self.build_id,
                   "Content-Disposition": f'attachment; filename="{opts.filename}"'}
        if _matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        async with self.lock:  # one export at a time; each is computed once per build
            if opts not in self.done:
                self.done[opts] = await asyncio.to_thread(self._make, opts)
        media = MEDIA_TYPES[opts.fmt] + ("; charset=utf-8" if opts.fmt != "jsonld" else "")
        return Response(self.done[opts], media_type=media, headers=headers)


def _matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names ``etag``: the client's copy is still this build's."""
    return etag in [t.strip() for t in (if_none_match or "").split(",")]


class _Intercept:
    """Pure ASGI middleware: GET and POST requests to ``path`` go to ``handler`` first; when it answers
    None they go on to the app. (Starlette's ``@app.middleware("http")`` wraps every request of every
    path in extra tasks and streams, which costs a large share of a cached answer's time.)"""

    def __init__(self, app: ASGIApp, path: str, handler: Callable[[Request], Awaitable[Response | None]]) -> None:
        self.app, self.path, self.handler = app, path, handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "POST") and scope["path"].rstrip("/") == self.path:
            response = await self.handler(Request(scope, receive))
            if response is not None:
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _describe(q: SavedQuery) -> dict[str, Any]:
    return {
        "name": q.name,
        "title": q.title,
        "description": q.description,
        "view": q.view,
        "parameters": [{"name": p.name, "type": p.type, "default": p.default} for p in q.parameters],
        "url": f"/api/queries/{q.name}",
        "query": q.text,
    }


def _graph_names(trig: bytes) -> set[str]:
    from ..sparql.engine import graph_names, load_store

    return set(graph_names(load_store(trig)))


class _InFlight:
    """Identical requests that arrive while one is being answered share that answer: one query, one
    worker, however many clients ask at once (a burst of the same saved query must not fill the queue).
    The query is cancelled only when every request waiting for it has gone."""

    def __init__(self) -> None:
        self.tasks: dict[tuple[object, ...], tuple[asyncio.Task[Answer | None], list[int]]] = {}

    async def run(self, key: tuple[object, ...], start: Callable[[], Awaitable[Answer | None]],
                  request: Request | None) -> Answer | None:
        entry = self.tasks.get(key)
        if entry is None or entry[0].done() or entry[0].cancelling():
            task = asyncio.ensure_future(start())
            entry = self.tasks[key] = (task, [0])
            task.add_done_callback(lambda t: self._done(key, t))
        task, waiting = entry
        waiting[0] += 1
        try:
            return await _unless_gone(asyncio.shield(task), request)
        finally:
            waiting[0] -= 1
            if waiting[0] == 0 and not task.done():
                task.cancel()

    def _done(self, key: tuple[object, ...], task: asyncio.Task[Answer | None]) -> None:
        if self.tasks.get(key, (None,))[0] is task:
            del self.tasks[key]
        if not task.cancelled():
            task.exception()  # retrieved here: the waiters that would have re-raised it may all have gone


def _client(request: Request | None) -> str:
    """Whom a request counts against for the fair share: its peer address."""
    return request.client.host if request is not None and request.client is not None else ""


async def _unless_gone(work: Awaitable[Answer | None], request: Request | None) -> Answer | None:
    """Await ``work`` unless the client disconnects first; then cancel it (the pool drops the queued
    query or stops its worker) and give None."""
    task = asyncio.ensure_future(work)
    if request is None:
        return await task
    watch = asyncio.ensure_future(_disconnect(request))
    try:
        await asyncio.wait({task, watch}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watch.cancel()
        if not task.done():
            task.cancel()
    return task.result() if not task.cancelled() else None


async def _disconnect(request: Request) -> None:
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def _read_body(request: Request) -> bytes:
    """The request body, refused with 413 past MAX_BODY_BYTES without reading the rest."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise RequestTooLarge(f"the request body is {int(declared):,} bytes; the limit is {MAX_BODY_BYTES:,}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise RequestTooLarge(f"the request body is over the limit of {MAX_BODY_BYTES:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _utf8(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise QueryError(f"{what} is not valid UTF-8 (byte {e.start})",
                         hint="send the text encoded as UTF-8") from e


async def _read_form(request: Request, ctype: str) -> dict[str, list[str]]:
    """A form body's fields (form-encoded or multipart), each a list of its values; 400 when it is broken."""
    body = await _read_body(request)
    fields: dict[str, list[str]] = {}
    if ctype == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(_utf8(body, "the form"), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError as e:
            raise QueryError("a form field is not valid UTF-8 once percent-decoded",
                             hint="encode the query as UTF-8 before percent-encoding it") from e
        for name, value in pairs:
            fields.setdefault(name, []).append(value)
        return fields

    async def once() -> AsyncGenerator[bytes, None]:
        yield body

    try:
        form = await MultiPartParser(Headers(scope=request.scope), once(), max_files=0, max_fields=100,
                                     max_part_size=MAX_BODY_BYTES).parse()
    except MultiPartException as e:
        raise QueryError(f"the multipart form cannot be read: {e.message}",
                         hint="send the query form-encoded, or as application/sparql-query") from e
    for name, item in form.multi_items():
        if not isinstance(item, str):
            raise QueryError(f"the form field {name!r} is a file; send the query as text")
        fields.setdefault(name, []).append(item)
    return fields


@dataclass(frozen=True)
class _Protocol:
    """What a request to /sparql asks for, from its query string and, for a POST, its body."""

    query: str | None
    update: str | None
    inferred: str | None
    default_graphs: list[str]
    named_graphs: list[str]


async def _read_protocol(request: Request) -> _Protocol | Response:
    """The query or update a request carries; an error answer (415) when a POST's body is of no kind we read."""
    params = request.query_params
    asked = _Protocol(query=params.get("query"), update=params.get("update"), inferred=params.get("inferred"),
                      default_graphs=params.getlist("default-graph-uri"),
                      named_graphs=params.getlist("named-graph-uri"))
    if request.method != "POST":
        return asked
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await _read_form(request, ctype)
        # A field of the form wins over the same parameter in the query string; graphs add up.
        return _Protocol(query=_first(form, "query") or asked.query, update=_first(form, "update") or asked.update,
                         inferred=_first(form, "inferred") or asked.inferred,
                         default_graphs=asked.default_graphs + form.get("default-graph-uri", []),
                         named_graphs=asked.named_graphs + form.get("named-graph-uri", []))
    if ctype == "application/sparql-query":
        return replace(asked, query=_utf8(await _read_body(request), "the query"))
    if ctype == "application/sparql-update":
        return replace(asked, update=_utf8(await _read_body(request), "the update"))
    return _error(415, "unsupported_media_type",
                  f"a POST must be form-encoded or application/sparql-query, not {ctype or 'empty'}")


def _first(form: dict[str, list[str]], name: str) -> str | None:
    values = form.get(name)
    return values[0] if values else None
