"""The web app against bad requests, in the browser's defence, and under load, with the real server on a
loopback port: every bad request is a 4xx in the one error shape (or an HTML error page for browsers),
every answer carries the security headers, /docs loads nothing from another host, and entity pages are
computed off the event loop (many at once all succeed while other routes keep answering).

The middleware and the page cache are also tested in-process, where a subprocess adds nothing."""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx
import markupsafe
import pytest
from conftest import ROOT
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from server import Server, running_server

from kg_builder.namespaces import DATA_BASE
from kg_builder.web.pages import PageCache, Rendered
from kg_builder.web.security import VENDOR_STYLES, SecurityHeaders

E = DATA_BASE + "entity/"
SECURITY = ("content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options")


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with running_server(ROOT) as s:
        yield s


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


def _raw(client: httpx.Client, raw_path: bytes, accept: str) -> httpx.Response:
    """GET exactly this path, not normalised or re-encoded by httpx."""
    url = client.base_url.copy_with(raw_path=raw_path)
    return client.send(httpx.Request("GET", url, headers={"Accept": accept}))


def _assert_error_shape(r: httpx.Response, status: int | None = None) -> dict[str, object]:
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/json"), r.headers["content-type"]
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "type", "message", "hint"}, body
    assert body["error"]["status"] == r.status_code and body["error"]["message"], body
    if status is not None:
        assert r.status_code == status, body
    error: dict[str, object] = body["error"]
    return error


# Request paths arrive percent-decoded; each segment is encoded again as the builder encodes minted
# IRIs (a file "a b.txt" is source/a%20b), so these name well-formed IRIs that the graph does not hold.
ENCODED_ID_PATHS = [b"/id/entity/a%3Cb", b"/id/%00", b'/id/entity/"x"', b"/id/entity/%22x%22", b"/id/entity/a%20b",
                    b"/id/entity/a\\b", b"/id/entity/a%5Cb", b"/id/entity/a{b}", b"/id/entity/a|b", b"/id/entity/%7F",
                    b"/id/entity/%ff", b"/id/%ED%A0%80", b"/id/entity/%25", b"/id/entity/a%23b%23c"]


@pytest.mark.parametrize("raw_path", ENCODED_ID_PATHS, ids=lambda p: p.decode("latin-1")[:40])
def test_an_id_path_with_characters_no_iri_holds_is_encoded_and_404(client: httpx.Client, raw_path: bytes) -> None:
    error = _assert_error_shape(_raw(client, raw_path, "text/turtle"), 404)
    assert error["type"] == "not_found"
    page = _raw(client, raw_path, "text/html")  # a browser gets the site's error page, with the same status
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")


def test_an_id_path_longer_than_any_iri_is_400(client: httpx.Client) -> None:
    raw_path = b"/id/entity/" + b"a" * 5000
    error = _assert_error_shape(_raw(client, raw_path, "text/turtle"), 400)
    assert error["type"] == "bad_iri" and error["hint"]
    page = _raw(client, raw_path, "text/html")
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    assert "<h1>Not an IRI</h1>" in page.text


def test_request_paths_name_the_iris_the_builder_mints() -> None:
    from kg_builder.browse import iri_of_path
    from kg_builder.namespaces import DATA_BASE, source_iri

    assert iri_of_path("source/a b<c>") == str(source_iri("a b<c>")) == DATA_BASE + "source/a%20b%3Cc%3E"
    assert iri_of_path("entity/khorramshahr") == DATA_BASE + "entity/khorramshahr"


def test_the_error_page_escapes_what_the_request_sent(client: httpx.Client) -> None:
    page = _raw(client, b"/id/entity/%3Cscript%3Ealert(1)%3C/script%3E", "text/html")
    assert page.status_code == 404 and "<script>alert" not in page.text
    page = client.get("/search", params={"q": "<script>alert(1)</script>"}, headers={"Accept": "text/html"})
    assert "<script>alert" not in page.text and "&lt;script&gt;alert" in page.text


@pytest.mark.parametrize("value", ["<>", "a b", "\x00", "javascript:x", "", "https://example.org/x",
                                   E + "a b", E + "<x>", E + "%zz", "x" * 5000])
def test_an_iri_parameter_that_is_not_an_entity_iri_is_400(client: httpx.Client, value: str) -> None:
    routes = ["/api/neighbourhood"] + ([] if value == "" else ["/api/queries/inferred-relations/graph"])
    for route in routes:
        error = _assert_error_shape(client.get(route, params={"iri": value}), 400)
        assert error["type"] == "bad_iri", (route, error)


def test_an_entity_iri_not_in_the_graph_is_404_and_one_in_it_answers(client: httpx.Client) -> None:
    for route in ("/api/neighbourhood", "/api/queries/inferred-relations/graph"):
        _assert_error_shape(client.get(route, params={"iri": E + "no-such-entity"}), 404)
        graph = client.get(route, params={"iri": E + "khorramshahr"}).json()
        assert E + "khorramshahr" in {n["id"] for n in graph["nodes"]}, route


def test_a_search_longer_than_any_name_is_400(client: httpx.Client) -> None:
    _assert_error_shape(client.get("/api/search", params={"q": "x" * 5000}), 400)
    page = client.get("/search", params={"q": "x" * 5000}, headers={"Accept": "text/html"})
    assert page.status_code == 400 and "longer than any name" in page.text
    for q in ("\x00", "\ufffd\ufffe", "%", "'\"<>&", "\u200f", "-" * 400):
        assert client.get("/api/search", params={"q": q}).status_code == 200, q
        assert client.get("/search", params={"q": q}).status_code == 200, q


ODD_ACCEPT = ["", ";;;", "text/html;q=abc", "*/*;q=", ",", "a", "/", "*/", "text/*;level=", "text/turtle;q=2",
              "application/ld+json;q=0.5, text/turtle;q=0.9", "x" * 2000]
PAGES = ["/", "/search?q=iran", "/sources", "/timeline", "/map", "/id/entity/khorramshahr",
         "/id/source/000_3db1e93812c13289?claim=%00", "/id/source/000_3db1e93812c13289?mention=" + "x" * 3000,
         "/id/entity/no-such-thing", "/id/", "/api/timeline?x=%00", "/api/places", "/queries/%00",
         "/queries/timeline?inferred=%00", "/queries/commanders-by-side?battle=%3C%3E",
         "/api/queries/commanders-by-side/graph?battle=%00", "/api/queries/nope/graph",
         "/id/entity/khorramshahr?format=%00", "/id/entity/khorramshahr?format=", "/static/%00"]


def test_odd_paths_parameters_and_accept_headers_never_get_a_500(client: httpx.Client) -> None:
    for path in PAGES:
        for accept in ODD_ACCEPT:
            r = client.get(path, headers={"Accept": accept})
            assert r.status_code < 500, (path, accept, r.status_code, r.text[:300])
            if r.status_code >= 400 and r.headers["content-type"].startswith("application/json"):
                _assert_error_shape(r)


def _assert_security_headers(r: httpx.Response) -> str:
    for name in SECURITY:
        assert name in r.headers, (str(r.url), name)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] in ("no-referrer", "strict-origin-when-cross-origin")
    csp = r.headers["content-security-policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives["default-src"] == ["'self'"] and directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"] and directives["form-action"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert not re.search(r"https?:|\*", csp), csp  # no host of any kind: only this origin
    return csp


def test_every_kind_of_answer_carries_the_security_headers(client: httpx.Client) -> None:
    answers = {
        "page": client.get("/id/entity/khorramshahr", headers={"Accept": "text/html"}),
        "api": client.get("/api/build"),
        "static": client.get("/static/site.css"),
        "404": client.get("/no-such-route"),
        "400": client.get("/api/neighbourhood", params={"iri": "<>"}),
        "sparql": client.get("/sparql", params={"query": "ASK {}"}),
        "sparql error": client.get("/sparql", params={"query": "SELECT nonsense"}),
        "preflight": client.options("/sparql", headers={"Origin": "http://example.org",
                                                        "Access-Control-Request-Method": "POST"}),
    }
    assert answers["404"].status_code == 404 and answers["sparql"].status_code == 200
    assert answers["sparql error"].status_code == 400
    for name, r in answers.items():
        csp = _assert_security_headers(r)
        assert csp.split("script-src ")[1].split(";")[0] == "'self'", name  # no inline script on any page


def test_pages_have_no_inline_script(client: httpx.Client) -> None:
    for path in ("/", "/id/entity/khorramshahr", "/id/source/000_3db1e93812c13289?claim=x", "/timeline", "/map",
                 "/queries/inferred-relations", "/editor", "/search?q=iran"):
        page = client.get(path, headers={"Accept": "text/html"}).text
        for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", page, re.DOTALL):
            assert "src=" in attrs or 'type="application/json"' in attrs, (path, attrs, body[:200])
        assert not re.search(r"\son[a-z]+=", page), path  # no inline event handler either


def test_docs_load_nothing_from_another_host(client: httpx.Client) -> None:
    r = client.get("/docs")
    assert r.status_code == 200
    csp = _assert_security_headers(r)
    urls = re.findall(r"""(?:src|href)=["']([^"']+)""", r.text)
    assert urls and not re.search(r"https?://", r.text), r.text
    for url in urls:
        assert urlsplit(url).netloc == "" and url.startswith("/"), url
        asset = client.get(url)
        assert asset.status_code == 200 and len(asset.content) > 500, url
        _assert_security_headers(asset)
    # The one inline script (Swagger UI's start) is allowed by its hash, and nothing else is.
    inline = re.findall(r"<script>(.*?)</script>", r.text, re.DOTALL)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0].encode("utf-8")).digest()).decode()
    assert csp.split("script-src ")[1].split(";")[0] == f"'self' 'sha256-{digest}'"
    spec = client.get("/openapi.json").json()
    assert "/api/queries/{name}" in spec["paths"] and "/docs" not in spec["paths"]
    _assert_error_shape(client.get("/redoc"), 404)  # ReDoc's sidebar would load its vendor's logo


def _entity_labels() -> dict[str, str]:
    g = Graph()
    g.parse(ROOT / "graph" / "asserted.ttl", format="turtle")
    labels = {}
    for s in set(g.subjects(RDF.type, None)):
        name = g.value(s, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"))
        if str(s).startswith(E) and name is not None:
            labels[str(s)[len(DATA_BASE):]] = str(name)
    return labels


def test_entity_pages_under_concurrent_load_all_succeed_while_the_api_answers(server: Server) -> None:
    labels = _entity_labels()
    paths = sorted(labels)[:32]
    assert len(paths) == 32

    async def go() -> tuple[list[httpx.Response], list[httpx.Response]]:
        limits = httpx.Limits(max_connections=80, max_keepalive_connections=80)
        async with httpx.AsyncClient(base_url=server.url, timeout=60, limits=limits,
                                     headers={"Accept": "text/html"}) as c:
            pages = [asyncio.ensure_future(c.get("/id/" + paths[i % len(paths)])) for i in range(64)]
            probes = [await c.get("/api/build") for _ in range(3)]  # sent while the pages are in flight
            return list(await asyncio.gather(*pages)), probes

    pages, probes = asyncio.run(go())
    for r in pages:
        path = r.url.path[len("/id/"):]
        assert r.status_code == 200, (path, r.text[:300])
        assert f"<h1>{markupsafe.escape(labels[path])}</h1>" in r.text, path
    for r in probes:
        assert r.status_code == 200 and r.json()["build_id"]
    by_path: dict[str, set[bytes]] = {}
    for r in pages:
        by_path.setdefault(r.url.path, set()).add(r.content)
    assert all(len(bodies) == 1 for bodies in by_path.values())  # the same page, however it was computed


# --- in-process --------------------------------------------------------------------------------------


def _toy_app() -> FastAPI:
    app = FastAPI()

    @app.exception_handler(Exception)
    async def unexpected(_: Request, e: Exception) -> JSONResponse:
        return JSONResponse({"error": {"status": 500, "type": "internal_error", "message": str(e), "hint": None}},
                            status_code=500)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("boom")

    @app.get("/own")
    async def own() -> PlainTextResponse:
        return PlainTextResponse("x", headers={"Content-Security-Policy": "default-src 'none'"})

    app.add_middleware(SecurityHeaders)
    return app


def test_security_headers_go_on_unexpected_errors_and_keep_a_route_s_own_policy() -> None:
    async def go() -> tuple[httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=_toy_app(), raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            return await c.get("/boom"), await c.get("/own")

    boom, own = asyncio.run(go())
    assert boom.status_code == 500 and boom.json()["error"]["message"] == "boom"
    _assert_security_headers(boom)
    assert own.headers["content-security-policy"] == "default-src 'none'"
    assert own.headers["x-frame-options"] == "DENY"


def test_page_cache_computes_a_page_once_and_stays_within_its_bounds() -> None:
    calls: list[str] = []
    release = threading.Event()

    def compute(key: str, size: int, keep: bool = True) -> Rendered:
        release.wait()
        calls.append(key)
        return Rendered(b"x" * size, keep=keep)

    async def go() -> PageCache:
        cache = PageCache(ThreadPoolExecutor(max_workers=2), max_entries=3, max_bytes=1000)
        waits = [asyncio.ensure_future(cache.get("a", lambda: compute("a", 100))) for _ in range(20)]
        await asyncio.sleep(0)  # let every wait start before the one computation may finish
        release.set()
        assert {len(p.body) for p in await asyncio.gather(*waits)} == {100}
        assert calls == ["a"]
        await cache.get("a", lambda: compute("a", 100))
        assert calls == ["a"]  # kept
        for key in "bcd":
            await cache.get(key, functools.partial(compute, key, 100))
        assert list(cache.kept.items) == ["b", "c", "d"] and cache.kept.bytes == 300  # count bound: "a" went first
        await cache.get("big", lambda: compute("big", 900))
        assert cache.kept.bytes <= 1000 and "big" in cache.kept.items
        await cache.get("huge", lambda: compute("huge", 2000))
        await cache.get("once", lambda: compute("once", 10, keep=False))
        assert "huge" not in cache.kept.items and "once" not in cache.kept.items
        return cache

    cache = asyncio.run(go())
    assert cache.running == {} and cache.kept.bytes == sum(len(p.body) for p in cache.kept.items.values())


def test_the_styles_the_policy_allows_are_the_ones_the_vendored_libraries_insert() -> None:
    static = ROOT / "src" / "kg_builder" / "web" / "static"
    cytoscape = (static / "vendor" / "cytoscape" / "cytoscape.min.js").read_text(encoding="utf-8")
    yasgui = (static / "yasgui" / "yasgui.min.js").read_text(encoding="utf-8")
    assert 's="__________cytoscape_container"' in cytoscape and '"."+s+" { position: relative; }"' in cytoscape
    assert VENDOR_STYLES[0] == ".__________cytoscape_container { position: relative; }"
    assert f"createStyle(a,`{VENDOR_STYLES[1]}`" in yasgui
    assert "`*{cursor:`+n.opt.dragCursor+`!important}`" in yasgui and "dragCursor:`col-resize`" in yasgui
    assert VENDOR_STYLES[2] == "*{cursor:col-resize!important}"
