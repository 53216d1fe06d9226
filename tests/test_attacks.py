"""Attacks on the endpoint, each as a regression test against the real server on loopback.

A loopback listener stands in for any server an attacker would want the endpoint to reach: it must
receive no connection. Clients that must count as different clients for the fair share send from
different loopback addresses (all of 127.0.0.0/8 is loopback on Linux).
"""

from __future__ import annotations

import multiprocessing as mp
import socket
import threading
from collections.abc import Iterator

import httpx
import pytest

from conftest import ROOT
from kg_builder.sparql.sandbox import isolate_network
from server import Listener, Server, running_server

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with running_server(ROOT, "--timeout", "3", "--workers", "2", "--queue-limit", "4") as s:
        yield s


@pytest.fixture
def listener() -> Iterator[Listener]:
    target = Listener()
    try:
        yield target
    finally:
        target.close()
    assert target.connections == 0, "the endpoint opened a connection"


def client(address: str = "127.0.0.1", timeout: float = 30) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=timeout)


def get(server: Server, query: str, *, address: str = "127.0.0.1", timeout: float = 30,
        **headers: str) -> httpx.Response:
    with client(address, timeout) as c:
        return c.get(server.url + "/sparql", params={"query": query}, headers=headers)


def test_service_after_a_comment_ended_by_carriage_return(server: Server, listener: Listener) -> None:
    target = f"http://127.0.0.1:{listener.port}/"
    query = f"SELECT * WHERE {{\n# x\rSERVICE <{target}> {{ ?s ?p ?o }} }}"
    assert get(server, query).status_code == 400
    raw = httpx.post(server.url + "/sparql", content=query.encode(), timeout=30,
                     headers={"Content-Type": "application/sparql-query"})
    assert raw.status_code == 400 and raw.json()["error"]["type"] == "query_rejected"
    escaped = "SELECT * WHERE {\n# x\\u000DSERVICE <" + target + "> { ?s ?p ?o } }"
    assert get(server, escaped).status_code == 400


def test_service_inside_deeply_nested_groups(server: Server, listener: Listener) -> None:
    target = f"http://127.0.0.1:{listener.port}/"
    for depth in (600, 5000):
        query = "SELECT * WHERE " + "{" * depth + f"SERVICE <{target}> {{ ?s ?p ?o }}" + "}" * depth
        r = httpx.post(server.url + "/sparql", content=query, timeout=30,
                       headers={"Content-Type": "application/sparql-query"})
        assert r.status_code == 400 and r.json()["error"]["type"] == "query_rejected", depth


def test_service_in_strings_iris_and_prefixed_names_is_not_a_keyword(server: Server) -> None:
    for query in ["SELECT * WHERE { ?s ?p 'SERVICE <http://127.0.0.1:9/> {}' } LIMIT 1",
                  "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:load ?o } LIMIT 1",
                  "SELECT * WHERE { ?s ?p ?o FILTER(?o != <http://example.org/service>) } LIMIT 1"]:
        assert get(server, query).status_code == 200, query


def test_workers_cannot_open_connections_even_past_the_guard(listener: Listener) -> None:
    ctx = mp.get_context("spawn")
    result = ctx.Queue()
    child = ctx.Process(target=_try_to_connect, args=(listener.port, result))
    child.start()
    child.join(30)
    problem, connected = result.get(timeout=5)
    assert problem is None, problem
    assert connected is False


def _try_to_connect(port: int, out: mp.Queue) -> None:  # type: ignore[type-arg]
    problem = isolate_network()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            out.put((problem, True))
    except OSError:
        out.put((problem, False))


def test_the_server_says_its_workers_are_isolated(server: Server) -> None:
    workers = httpx.get(server.url + "/api/build", timeout=10).json()["query_workers"]
    assert workers["network_isolated"] is True, workers["isolation_problem"]


def test_a_large_query_with_from_freezes_nothing(server: Server) -> None:
    heavy = "SELECT * FROM <urn:x> WHERE { FILTER(" + "+".join(["1"] * 20_000) + ") }"
    done: dict[str, httpx.Response] = {}
    t = threading.Thread(target=lambda: done.setdefault("r", httpx.post(
        server.url + "/sparql", content=heavy, headers={"Content-Type": "application/sparql-query"}, timeout=30)))
    t.start()
    try:
        probe = httpx.get(server.url + "/api/build", timeout=5)
        assert probe.status_code == 200
    finally:
        t.join(30)
    assert done["r"].status_code == 400 and done["r"].json()["error"]["type"] == "query_rejected"


def test_deep_queries_are_answered_not_crashed(server: Server) -> None:
    def post(query: str) -> httpx.Response:
        return httpx.post(server.url + "/sparql", content=query, timeout=30,
                          headers={"Content-Type": "application/sparql-query"})

    # These overflowed the worker's stack (SIGSEGV) before queries ran on a deep stack.
    braces = "SELECT * WHERE " + "{" * 10_000 + "}" * 10_000
    assert post(braces).status_code == 200
    terms = "SELECT ?x WHERE { BIND(1 AS ?x) FILTER(" + "+".join(["1"] * 3000) + ") }"
    assert post(terms).status_code == 200
    # Oxigraph's planning grows faster than linearly with the terms: 8,000 may take past the limit,
    # which is a timeout, never a crash.
    r = post(terms.replace("+".join(["1"] * 3000), "+".join(["1"] * 8000)))
    assert r.status_code == 200 or r.json()["error"]["type"] == "timeout", r.text[:300]


def test_the_query_form_comes_from_the_query_not_a_comment(server: Server) -> None:
    r = get(server, "# Describe the commanders\nSELECT * WHERE { ?s ?p ?o } LIMIT 1",
            Accept="application/sparql-results+json")
    assert r.status_code == 200 and r.json()["results"]["bindings"]
    r = get(server, "# select\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1", Accept="text/turtle")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")


def test_from_named_our_own_graph_is_allowed(server: Server) -> None:
    graphs = httpx.get(server.url + "/api/build", timeout=10).json()["graphs"]
    entities = next(g for g in graphs if g.endswith("/entities"))
    r = get(server, f"SELECT ?s WHERE {{ GRAPH <{entities}> {{ ?s ?p ?o }} }} LIMIT 1".replace(
        "WHERE", f"FROM NAMED <{entities}> WHERE"))
    assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 1
    prefixed = f"PREFIX g: <{entities.rsplit('/', 1)[0]}/> SELECT ?s FROM g:entities WHERE {{ ?s ?p ?o }} LIMIT 1"
    assert get(server, prefixed).status_code == 200


@pytest.mark.parametrize(("body", "ctype", "status"), [
    (b"SELECT * WHERE { ?s ?p '\xff\xfe' }", "application/sparql-query", 400),
    (b"INSERT DATA { <urn:a> <urn:b> '\xff' }", "application/sparql-update", 400),
    (b"query=SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%22%FF%22%20%7D", "application/x-www-form-urlencoded", 400),
    (b"query=" + b"a" * 1_100_000, "application/x-www-form-urlencoded", 413),
    (b"--xx\r\nContent-Disposition: form-data; name=\"query\"\r\n\r\nASK {}", "multipart/form-data; boundary=xx", 400),
    (b"garbage without a boundary", "multipart/form-data", 400),
    (b"--xx\r\nContent-Disposition: form-data; name=\"query\"\r\n\r\n" + b"a" * 1_100_000 + b"\r\n--xx--\r\n",
     "multipart/form-data; boundary=xx", 413),
])
def test_bad_bodies_get_a_4xx_in_the_error_shape(server: Server, body: bytes, ctype: str, status: int) -> None:
    r = httpx.post(server.url + "/sparql", content=body, headers={"Content-Type": ctype}, timeout=30)
    assert r.status_code == status, r.text[:300]
    error = r.json()["error"]
    assert error["status"] == status and error["message"]


def test_a_full_queue_answers_503_with_retry_after(server: Server) -> None:
    results: list[httpx.Response] = []
    lock = threading.Lock()

    def send(i: int) -> None:
        r = get(server, RUNAWAY + f" # {i}", address=f"127.0.1.{i + 1}")
        with lock:
            results.append(r)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    overloaded = [r for r in results if r.status_code == 503 and r.json()["error"]["type"] == "overloaded"]
    assert overloaded, [r.status_code for r in results]
    assert all(int(r.headers["retry-after"]) >= 1 for r in overloaded)
    assert {r.status_code for r in results} <= {503}
    assert get(server, "ASK { ?s ?p ?o } # after the flood").status_code == 200


def test_a_burst_of_one_query_is_answered_once_for_all(server: Server) -> None:
    # 40 identical requests at once from one client, where the queue holds 4: they share one answer.
    results: list[httpx.Response] = []

    def send() -> None:
        results.append(get(server, "ASK { ?s ?p 'one burst' }"))

    threads = [threading.Thread(target=send) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert [r.status_code for r in results] == [200] * 40


def test_abandoned_queries_do_not_run(server: Server) -> None:
    # Each would hold a worker for the full 3 s limit; abandoned, they must not delay the next query.
    for i in range(6):
        with pytest.raises(httpx.ReadTimeout):
            get(server, RUNAWAY + f" # abandoned {i}", address="127.0.2.1", timeout=0.3)
    r = get(server, "ASK { ?s ?p ?o } # after the abandoned ones", address="127.0.2.2", timeout=5)
    assert r.status_code == 200


def test_runaway_clients_do_not_starve_the_others(server: Server) -> None:
    stop = threading.Event()

    def attack(address: str) -> None:
        while not stop.is_set():
            get(server, RUNAWAY + f" # {address}", address=address)

    attackers = [threading.Thread(target=attack, args=(f"127.0.3.{i}",)) for i in (1, 2)]
    for t in attackers:
        t.start()
    try:
        for i in range(5):
            # A 5 s read timeout, where the attackers' queries each hold a worker for 3 s.
            r = get(server, f"ASK {{ ?s ?p ?o }} # probe {i}", address="127.0.3.9", timeout=5)
            assert r.status_code == 200
    finally:
        stop.set()
        for t in attackers:
            t.join(30)


def test_a_query_over_the_memory_limit_is_stopped_and_the_worker_replaced() -> None:
    sort = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
    with running_server(ROOT, "--timeout", "60", "--workers", "1", "--max-memory", "200") as s:
        r = get(s, sort, timeout=90)
        assert r.status_code == 503, r.text[:300]
        assert r.json()["error"]["type"] in ("over_memory", "worker_stopped")
        assert get(s, "ASK { ?s ?p ?o }", timeout=60).status_code == 200


def test_the_answer_cache_is_bounded_in_bytes() -> None:
    from kg_builder.sparql.engine import Answer
    from kg_builder.web.app import _Cache

    cache = _Cache(size=1000, max_bytes=1_000_000)
    for i in range(50):
        cache.put((i,), Answer(b"x" * 100_000, "text/csv", "select", 1, False))
    assert cache.bytes <= 1_000_000 and len(cache.items) <= 10
    cache.put(("huge",), Answer(b"x" * 900_000, "text/csv", "select", 1, False))
    assert cache.get(("huge",)) is None  # larger than an eighth of the budget: never kept
