"""The browsing pages: home, search, Linked Data for every IRI of ours (entity, claim, source document,
mention...), the source reader, and the graph, timeline and map views with the JSON they draw from.

Every ``/id/...`` IRI answers HTML to browsers and Turtle, JSON-LD or N-Triples by ``Accept`` or
``?format=`` (ttl, jsonld, nt), as LodView and Pubby do.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import mimeparse
import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from rdflib import Graph, Literal, URIRef

from .. import storage
from ..browse import Catalogue, anchor_id, iri_of_path, local_path, segments
from ..errors import KgError, NotFound, OptionError
from ..export import to_jsonld, to_ntriples
from ..namespaces import short_hash
from ..saved import SavedQuery
from ..serialize import to_turtle

__all__ = ["add_pages", "environment"]

RDF_MEDIA = {"text/turtle": "ttl", "application/ld+json": "jsonld", "application/n-triples": "nt"}
FORMAT_MEDIA = {"ttl": "text/turtle", "turtle": "text/turtle", "jsonld": "application/ld+json",
                "nt": "application/n-triples", "ntriples": "application/n-triples", "html": "text/html"}


def environment(title: str, build_id: str) -> Environment:
    """The templates of every page, with the site's title and the build id."""
    folder = resources.files("kg_builder.web").joinpath("templates")
    env = Environment(loader=FileSystemLoader(str(folder)), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(anchor_id=anchor_id, site_title=title, build_id=build_id)
    return env


def _rdf_bytes(quads: list[tuple[object, object, object, object]], fmt: str) -> bytes:
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
            raise OptionError(f"unknown format {fmt!r}", hint="use html, ttl, jsonld or nt")
        media = FORMAT_MEDIA[fmt]
        return "html" if media == "text/html" else RDF_MEDIA[media]
    accept = request.headers.get("accept") or "text/html"
    try:
        best = mimeparse.best_match([*RDF_MEDIA, "text/html"], accept)  # ties (*/*) go to the last: HTML
    except ValueError:
        best = ""
    return RDF_MEDIA.get(best, "html")


def add_pages(app: FastAPI, *, env: Environment, catalogue: Catalogue, corpus_dir: Path,
              saved: dict[str, SavedQuery], build_id: str,
              run_saved: Callable[[SavedQuery, dict[str, str]], Awaitable[dict[str, Any]]]) -> None:
    """Register the browsing routes on ``app``."""

    def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(template).render(**context), status_code=status)

    def not_found(what: str) -> HTMLResponse:
        return page("error.html", 404, heading="Not found", message=what)

    @app.get("/", include_in_schema=False)
    async def home() -> HTMLResponse:
        queries = [{"name": q.name, "title": q.title, "description": q.description, "view": q.view}
                   for q in sorted(saved.values(), key=lambda q: q.title)]
        return page("home.html", queries=queries, sources=catalogue.sources())

    @app.get("/search", include_in_schema=False)
    async def search(q: str = "") -> HTMLResponse:
        return page("search.html", query=q, hits=catalogue.search(q) if q.strip() else [])

    @app.get("/api/search", summary="Find entities by name or alias, in any language")
    async def search_api(q: str = "") -> JSONResponse:
        hits = catalogue.search(q) if q.strip() else []
        return JSONResponse({"query": q, "results": [
            {"iri": t.value, "label": t.label, "url": t.url, "matched": name, "lang": lang} for t, name, lang in hits]})

    @app.get("/sources", include_in_schema=False)
    async def sources() -> HTMLResponse:
        return page("sources.html", sources=catalogue.sources())

    @app.get("/timeline", include_in_schema=False)
    async def timeline() -> HTMLResponse:
        return page("timeline.html")

    @app.get("/api/timeline", summary="Dated events: the earliest start and latest end any source gives")
    async def timeline_api() -> JSONResponse:
        return JSONResponse({"events": catalogue.timeline()})

    @app.get("/map", include_in_schema=False)
    async def map_page() -> HTMLResponse:
        return page("map.html", places=catalogue.places())

    @app.get("/api/places", summary="Places with coordinates")
    async def places_api() -> JSONResponse:
        return JSONResponse({"places": catalogue.places()})

    @app.get("/api/neighbourhood", summary="An entity and the entities it is related to, for the graph view")
    async def neighbourhood(iri: str) -> JSONResponse:
        if not iri.startswith(iri_of_path("entity/")) or not catalogue.exists(iri):
            raise NotFound(f"no entity {iri!r} in the graph", hint="give the full IRI of an entity")
        return JSONResponse(catalogue.neighbourhood(iri))

    @app.get("/queries/{name}", include_in_schema=False)
    async def saved_page(name: str, request: Request) -> HTMLResponse:
        q = saved.get(name)
        if q is None:
            return not_found(f"There is no saved query named {name!r}.")
        try:
            result = await run_saved(q, dict(request.query_params))
        except KgError as e:
            return page("error.html", e.http_status, heading=f"{q.title}: the query could not run", message=str(e))
        columns = result["head"]["vars"]
        rows = [[_cell(b.get(c)) for c in columns] for b in result["results"]["bindings"]]
        params = {k: v for k, v in request.query_params.items()}
        first = next((b[c]["value"] for b in result["results"]["bindings"] for c in columns
                      if b.get(c, {}).get("type") == "uri" and b[c]["value"].startswith(iri_of_path("entity/"))), None)
        return page("saved.html", query=q, columns=columns, rows=rows, params=params, first_entity=first,
                    truncated=result.get("truncated", False))

    @app.get("/api/queries/{name}/graph", summary="A saved query's results as a graph (its view: graph)",
             description="Each result row's first three columns (subject, predicate, object) are an edge; "
                         "`iri` adds that entity's neighbourhood, so the graph view can expand a node.")
    async def saved_graph(name: str, request: Request, iri: str = "") -> JSONResponse:
        q = saved.get(name)
        if q is None:
            raise NotFound(f"no saved query named {name!r}", hint="GET /api/queries lists them")
        result = await run_saved(q, {k: v for k, v in request.query_params.items() if k != "iri"})
        columns = result["head"]["vars"]
        rows = []
        for b in result["results"]["bindings"]:
            cells = [b.get(c) for c in columns]
            iris = [c["value"] for c in cells if c and c.get("type") == "uri"]
            if len(iris) >= 3:
                rows.append((iris[0], iris[1], iris[2]))
        return JSONResponse(catalogue.result_graph(rows, iri or None))

    @app.get("/id/{path:path}", include_in_schema=False)
    async def resource(path: str, request: Request) -> Response:
        iri = iri_of_path(path)
        fmt = _wants(request)
        if not path or not catalogue.exists(iri):
            if fmt == "html":
                return not_found(f"Nothing in the graph is called {iri}.")
            raise NotFound(f"nothing in the graph is called {iri}")
        headers = {"Vary": "Accept", "X-Build": build_id, "Link": f'<{iri}>; rel="canonical"'}
        if fmt != "html":
            media = {"ttl": "text/turtle; charset=utf-8", "jsonld": "application/ld+json",
                     "nt": "application/n-triples; charset=utf-8"}[fmt]
            return Response(_rdf_bytes(catalogue.triples_about(iri), fmt), media_type=media, headers=headers)
        kind = catalogue.kind(iri)
        alternates = {f: f"/id/{path}?format={f}" for f in ("ttl", "jsonld", "nt")}
        if kind == "entity":
            view = catalogue.entity(iri)
            return page("entity.html", view=view, alternates=alternates, headers=headers)
        if kind == "claim":
            view = catalogue.claim(iri)
            if view is not None:
                return page("claim.html", view=view, alternates=alternates)
        if kind == "source":
            return source_reader(iri, request, alternates)
        if kind == "mention":
            quads = catalogue.triples_about(iri)
            body = next((o for s, p, o, _ in quads if str(p.value).endswith("#hasBody")), None)
            src = next((o for s, p, o, _ in quads if str(p.value).endswith("#hasSource")), None)
            if src is not None:
                local = iri.rsplit("/", 1)[-1]
                named = catalogue.term(body).label if body is not None else "an entity"
                subject = replace(catalogue.term(ox.NamedNode(iri)),
                                  label=f"Mention of {named} in {catalogue.term(src).label}")
                return page("resource.html", subject=subject, alternates=alternates, rows=_rows(catalogue, quads, iri),
                            links=[("Read it in its source", f"{local_path(src.value)}?mention={local}#mention-{local}"),
                                   *([("The entity it names", local_path(body.value) or body.value)] if body else [])])
        return page("resource.html", subject=catalogue.term(ox.NamedNode(iri)), alternates=alternates,
                    rows=_rows(catalogue, catalogue.triples_about(iri), iri), links=[])

    def source_reader(iri: str, request: Request, alternates: dict[str, str]) -> HTMLResponse:
        name, sha = catalogue.source_file(iri)
        text, problem = None, None
        if name is None or "/" in name or name.startswith("."):
            problem = "The build recorded no corpus file for this source."
        else:
            try:
                text = storage.read_text(corpus_dir / name)
            except Exception as e:  # noqa: BLE001 - shown to the reader, the page still renders
                problem = f"The corpus file {name} cannot be read: {e}"
            if text is not None and sha and short_hash(text, length=64) != sha:
                problem = (f"The corpus file {name} has changed since the graph was built, so the highlights "
                           "would not match its words; run kg build.")
                text = None
        view = catalogue.source(iri, text, problem)
        selected = None
        if request.query_params.get("claim"):
            selected = "claim-" + request.query_params["claim"]
        elif request.query_params.get("mention"):
            selected = "mention-" + request.query_params["mention"]
        parts = segments(text, view.spans, selected) if text is not None else []
        counts = {"claim": sum(1 for s in view.spans if s.kind == "claim"),
                  "mention": sum(1 for s in view.spans if s.kind == "mention")}
        return page("source.html", view=view, segments=parts, selected=selected, alternates=alternates, counts=counts)


def _cell(cell: dict[str, str] | None) -> dict[str, str | None]:
    if cell is None:
        return {"text": "", "url": None}
    value = cell.get("value", "")
    if cell.get("type") == "uri":
        local = local_path(value)
        text = value.rsplit("/", 1)[-1] if local else value
        return {"text": text, "url": local or value}
    return {"text": value, "url": None}


def _rows(catalogue: Catalogue, quads: list[tuple[object, object, object, object]], iri: str) -> list[dict[str, Any]]:
    rows = []
    for s, p, o, g in quads:
        rows.append({"s": catalogue.term(s), "p": catalogue.term(p), "o": catalogue.term(o),
                     "g": catalogue.term(g) if isinstance(g, ox.NamedNode) else None,
                     "incoming": s.value != iri and not s.value.startswith(iri + "#")})
    rows.sort(key=lambda r: (r["incoming"], r["s"].value, r["p"].label, r["o"].label))
    return rows

