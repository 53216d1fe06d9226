"""The SPARQL endpoint, tested against the real server with real clients (httpx, SPARQLWrapper)."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import ROOT
from rdflib import Graph, URIRef
from server import Listener, Server, running_server

KGO = "https://w3id.org/kg-builder/ontology#"
COMMANDERS = f"PREFIX kgo: <{KGO}> SELECT ?b ?p WHERE {{ ?b kgo:commander ?p }} ORDER BY ?p"


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with running_server(ROOT, "--timeout", "2", "--max-rows", "500", "--workers", "2") as s:
        yield s


def get(server: Server, query: str, accept: str | None = None, **params: str) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    return httpx.get(server.url + "/sparql", params={"query": query, **params}, headers=headers, timeout=30)


def test_select_in_every_result_format(server: Server) -> None:
    expected = {
        "application/sparql-results+json": "application/sparql-results+json",
        "application/sparql-results+xml": "application/sparql-results+xml",
        "text/csv": "text/csv",
        "text/tab-separated-values": "text/tab-separated-values",
    }
    bodies = {}
    for accept, ctype in expected.items():
        r = get(server, COMMANDERS, accept)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].split(";")[0] == ctype
        bodies[ctype] = r.text
    rows = json.loads(bodies["application/sparql-results+json"])["results"]["bindings"]
    assert len(rows) == 9
    assert len(list(csv.reader(io.StringIO(bodies["text/csv"])))) == 10
    tsv = bodies["text/tab-separated-values"].splitlines()
    assert tsv[0] == "?b\t?p" and len(tsv) == 10
    assert "<sparql" in bodies["application/sparql-results+xml"]


def test_post_form_and_direct_body(server: Server) -> None:
    form = httpx.post(server.url + "/sparql", data={"query": COMMANDERS}, timeout=30)
    direct = httpx.post(server.url + "/sparql", content=COMMANDERS,
                        headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert form.status_code == direct.status_code == 200
    assert form.json() == direct.json()


def test_ask_construct_describe_formats(server: Server) -> None:
    ask = get(server, "ASK { ?s ?p ?o }")
    assert ask.headers["content-type"].startswith("application/sparql-results+json") and ask.json()["boolean"] is True
    construct = f"PREFIX kgo: <{KGO}> CONSTRUCT {{ ?b kgo:commander ?p }} WHERE {{ ?b kgo:commander ?p }}"
    for accept, fmt in [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                        ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")]:
        r = get(server, construct, accept)
        assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == accept
        assert len(Graph().parse(data=r.text, format=fmt)) == 9
    describe = get(server, "DESCRIBE <https://w3id.org/kg-builder/id/entity/khorramshahr>", "text/turtle")
    assert describe.headers["content-type"].startswith("text/turtle")
    assert len(Graph().parse(data=describe.text, format="turtle")) > 3
    wrong = get(server, construct, "text/csv")
    assert wrong.status_code == 406 and wrong.json()["error"]["type"] == "not_acceptable"


def test_one_error_shape_with_the_parser_message(server: Server) -> None:
    r = get(server, "SELECT * WHERE { ?s ?p }")
    assert r.status_code == 400
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "type", "message", "hint"}
    assert body["error"]["type"] == "syntax_error" and "line 1" in body["error"]["message"]
    missing = httpx.get(server.url + "/api/queries/no-such-query", timeout=10)
    assert missing.status_code == 404 and set(missing.json()["error"]) == {"status", "type", "message", "hint"}


def test_service_description(server: Server) -> None:
    r = httpx.get(server.url + "/sparql", headers={"Accept": "text/turtle"}, timeout=10)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    assert "BasicFederatedQuery" not in r.text
    assert any("sparql-service-description#Service" in str(o) for o in g.objects())


def test_no_query_reaches_the_network(server: Server) -> None:
    listener = Listener()
    try:
        target = f"http://127.0.0.1:{listener.port}/sparql"
        for q in [f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
                  f"SELECT * WHERE {{ OPTIONAL {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }} }}",
                  f"SELECT * FROM <{target}> WHERE {{ ?s ?p ?o }}",
                  f"SELECT * FROM NAMED <{target}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
                  f"LOAD <{target}>"]:
            r = httpx.post(server.url + "/sparql", data={"query": q}, timeout=30)
            assert r.status_code == 400, q
        r = httpx.post(server.url + "/sparql", data={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
                                                     "default-graph-uri": target}, timeout=30)
        assert r.status_code == 400
    finally:
        listener.close()
    assert listener.connections == 0


def test_no_query_reads_a_file(server: Server, tmp_path: Path) -> None:
    secret = tmp_path / "secret.ttl"
    secret.write_text("<urn:x> <urn:y> 'TOP-SECRET-VALUE' .\n")
    for q in [f"SELECT * FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}",
              f"SELECT * FROM NAMED <{secret.as_uri()}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"]:
        r = get(server, q)
        assert r.status_code == 400
        assert "TOP-SECRET-VALUE" not in r.text


def test_updates_are_off(server: Server) -> None:
    insert = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    for r in [httpx.post(server.url + "/sparql", data={"update": insert}, timeout=10),
              httpx.post(server.url + "/sparql", content=insert,
                         headers={"Content-Type": "application/sparql-update"}, timeout=10)]:
        assert r.status_code == 403 and r.json()["error"]["type"] == "update_forbidden"
    assert get(server, "ASK { <urn:a> <urn:b> <urn:c> }").json()["boolean"] is False


def get_from(address: str, server: Server, query: str) -> httpx.Response:
    """A GET from another loopback address: the server shares its workers fairly between addresses."""
    with httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=30) as client:
        return client.get(server.url + "/sparql", params={"query": query})


def test_runaway_query_is_stopped_while_the_server_keeps_answering(server: Server) -> None:
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    result: dict[str, httpx.Response] = {}
    t = threading.Thread(target=lambda: result.setdefault("r", get(server, runaway)))
    t.start()
    probes = []
    try:
        for _ in range(3):
            start = time.monotonic()
            r = get_from("127.0.0.2", server, f"ASK {{ ?s ?p ?o }} # probe {start}")
            probes.append(time.monotonic() - start)
            assert r.status_code == 200
    finally:
        t.join(30)
    assert max(probes) < 1.0, probes
    assert result["r"].status_code == 503 and result["r"].json()["error"]["type"] == "timeout"
    # a fresh worker took the killed one's place
    assert get(server, "ASK { ?s ?p ?o } # after").status_code == 200


def test_results_are_cut_at_the_row_limit(server: Server) -> None:
    r = get(server, "SELECT * WHERE { ?s ?p ?o }")
    assert r.headers["x-result-truncated"] == "true"
    assert len(r.json()["results"]["bindings"]) == 500
    small = get(server, COMMANDERS)
    assert small.headers["x-result-truncated"] == "false"


def test_cors_preflight_without_credentials(server: Server) -> None:
    r = httpx.options(server.url + "/sparql", headers={"Origin": "https://example.org",
                                                       "Access-Control-Request-Method": "POST"}, timeout=10)
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in r.headers
    origin = {"Origin": "https://example.org"}
    for path in ("/sparql?query=ASK%7B%7D", "/api/queries/commanders-by-side", "/id/entity/khorramshahr?format=ttl"):
        simple = httpx.get(server.url + path, headers=origin, timeout=30)
        assert simple.status_code == 200, path
        assert simple.headers.get("access-control-allow-origin") == "*", path
        assert "access-control-allow-credentials" not in simple.headers, path


def test_inferred_toggle(server: Server) -> None:
    # kgo:commanded is never asserted: it is the inverse of kgo:commander, added by OWL-RL.
    q = f"PREFIX kgo: <{KGO}> SELECT (COUNT(*) AS ?n) WHERE {{ ?p kgo:commanded ?e }}"
    def count(inferred: str) -> int:
        return int(get(server, q, inferred=inferred).json()["results"]["bindings"][0]["n"]["value"])
    assert count("false") == 0
    assert count("true") >= 9


def test_named_graph_of_one_source(server: Server) -> None:
    q = """PREFIX kgo: <https://w3id.org/kg-builder/ontology#>
    SELECT DISTINCT ?src WHERE { GRAPH <https://w3id.org/kg-builder/id/graph/source/002_f0947ec770c9bed6> {
      ?c kgo:statedIn ?src } }"""
    rows = get(server, q).json()["results"]["bindings"]
    assert [r["src"]["value"] for r in rows] == ["https://w3id.org/kg-builder/id/source/002_f0947ec770c9bed6"]
    own = "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/kg-builder/id/graph/inferred> WHERE { ?s ?p ?o }"
    assert int(get(server, own).json()["results"]["bindings"][0]["n"]["value"]) > 100


def test_etag_and_not_modified(server: Server) -> None:
    first = get(server, COMMANDERS)
    etag = first.headers["etag"]
    again = httpx.get(server.url + "/sparql", params={"query": COMMANDERS},
                      headers={"If-None-Match": etag}, timeout=10)
    assert again.status_code == 304
    assert "max-age" in first.headers["cache-control"]


def test_sparqlwrapper_client(server: Server) -> None:
    from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

    sw = SPARQLWrapper(server.url + "/sparql")
    sw.setQuery(COMMANDERS)
    sw.setReturnFormat(JSON)
    rows = sw.query().convert()["results"]["bindings"]  # type: ignore[index]
    assert len(rows) == 9
    sw.setMethod(POST)
    sw.setQuery(f"PREFIX kgo: <{KGO}> CONSTRUCT {{ ?b kgo:commander ?p }} WHERE {{ ?b kgo:commander ?p }}")
    sw.setReturnFormat(TURTLE)
    data = sw.query().convert()
    assert len(Graph().parse(data=data, format="turtle")) == 9


def test_service_hidden_behind_escapes_or_comments_is_still_refused(server: Server) -> None:
    for q in ["SELECT * WHERE { SERV\\u0049CE <http://127.0.0.1:9/> { ?s ?p ?o } }",
              "# a comment\nSELECT * WHERE {\n  ?s ?p ?o . # and one after code\n  SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
              "PREFIX a: <http://x#> SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"]:
        r = httpx.post(server.url + "/sparql", data={"query": q}, timeout=30)
        # rdflib's parser reads "#" inside an IRI on the same line as a comment start and reports a
        # syntax error for the last one: refused either way, which is what matters here.
        assert r.status_code == 400 and r.json()["error"]["type"] in ("query_rejected", "syntax_error"), q


def test_saved_queries_rest_routes_and_openapi(server: Server) -> None:
    listing = httpx.get(server.url + "/api/queries", timeout=10).json()
    names = {q["name"] for q in listing}
    assert len(names) >= 12 and "commanders-by-side" in names
    spec = httpx.get(server.url + "/openapi.json", timeout=10).json()
    for name in names:
        assert f"/api/queries/{name}" in spec["paths"], name
    params = {p["name"] for p in spec["paths"]["/api/queries/commanders-by-side"]["get"]["parameters"]}
    assert "battle" in params
    csv_ext = httpx.get(server.url + "/api/queries/commanders-by-side.csv", timeout=30)
    tsv_accept = httpx.get(server.url + "/api/queries/commanders-by-side",
                           headers={"Accept": "text/tab-separated-values"}, timeout=30)
    assert csv_ext.headers["content-type"].startswith("text/csv") and "Mohsen Rezaee" in csv_ext.text
    assert tsv_accept.headers["content-type"].startswith("text/tab-separated-values")
    other = httpx.get(server.url + "/api/queries/source-claims",
                      params={"source": "https://w3id.org/kg-builder/id/source/002_f0947ec770c9bed6"}, timeout=30)
    sources = {b["source"]["value"] for b in other.json()["results"]["bindings"] if "source" in b}
    assert sources == {"https://w3id.org/kg-builder/id/source/002_f0947ec770c9bed6"}
    bad = httpx.get(server.url + "/api/queries/commanders-by-side", params={"nope": "1"}, timeout=10)
    assert bad.status_code == 400 and bad.json()["error"]["type"] == "bad_parameter"


def test_updates_need_the_flag_and_the_token(tmp_project: Path) -> None:
    with running_server(tmp_project, "--allow-updates", env={"KG_UPDATE_TOKEN": "s3cret"}) as s:
        insert = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
        no_token = httpx.post(s.url + "/sparql", data={"update": insert}, timeout=10)
        assert no_token.status_code == 403
        wrong = httpx.post(s.url + "/sparql", data={"update": insert}, headers={"Authorization": "Bearer nope"},
                           timeout=10)
        assert wrong.status_code == 403
        load = httpx.post(s.url + "/sparql", data={"update": "LOAD <http://127.0.0.1:9/x.ttl>"},
                          headers={"Authorization": "Bearer s3cret"}, timeout=10)
        assert load.status_code == 400 and "LOAD is not allowed" in load.json()["error"]["message"]
        ok = httpx.post(s.url + "/sparql", data={"update": insert}, headers={"Authorization": "Bearer s3cret"},
                        timeout=10)
        assert ok.status_code == 204
        ask = httpx.get(s.url + "/sparql", params={"query": "ASK { <urn:a> <urn:b> <urn:c> }"}, timeout=10)
        assert ask.json()["boolean"] is True


def test_offsets_are_answered_in_the_datatype_the_files_hold(server: Server) -> None:
    query = ("PREFIX oa: <http://www.w3.org/ns/oa#> SELECT DISTINCT (DATATYPE(?n) AS ?t) "
             "WHERE { ?p oa:start|oa:end ?n }")
    answered = {b["t"]["value"] for b in get(server, query).json()["results"]["bindings"]}
    written = Graph().parse(ROOT / "graph" / "asserted.ttl", format="turtle")
    in_file = {str(o.datatype) for p in ("start", "end")
               for o in written.objects(None, URIRef(f"http://www.w3.org/ns/oa#{p}"))}
    assert answered == in_file == {"http://www.w3.org/2001/XMLSchema#integer"}
