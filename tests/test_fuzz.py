"""Fuzz the real server with generated requests: none may get a 5xx (other than a query's documented
503 for the time limit), none may hang, and every error is in the one JSON shape of the API.

The generator is seeded (``KG_FUZZ_SEED``, default 9) and bounded (``KG_FUZZ_REQUESTS``, default
2,400), so a failure can be replayed with the same seed.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from conftest import ROOT
from server import Server, running_server

SEED = int(os.environ.get("KG_FUZZ_SEED", "9"))
REQUESTS = int(os.environ.get("KG_FUZZ_REQUESTS", "2400"))

Request = tuple[str, str, dict[str, str], dict[str, str], bytes | None]  # method, path, params, headers, body

SAVED = sorted(p.read_text(encoding="utf-8") for p in (ROOT / "queries").glob("*.rq"))
NAMES = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
WEIRD = ["", " ", "\x00", "\r", "\n", "\u2028", "\ud800", "\uffff", "<", ">", '"', "'", "\\", "%", "%00", "%ff",
         "{", "}", "#", "?", "&", "=", "+", "/", "..", "../", "//", "javascript:", "file:///etc/passwd",
         "http://127.0.0.1:9/", "SERVICE", "FROM", "LOAD", "\\u0053", "\\U00000053", "é", "𝔘", "\u202e"]
TOKENS = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", "?s", "?p", "?o", "*", ".",
          ";", ",", "FILTER", "OPTIONAL", "UNION", "GRAPH", "LIMIT", "10", "ORDER BY", "GROUP BY", "COUNT",
          "<urn:x>", "'x'", '"""y"""', "a", "kgo:x", "PREFIX", "kgo:", "<https://w3id.org/kg-builder/ontology#>",
          "BIND", "AS", "VALUES", "UNDEF", "FROM", "NAMED", "SERVICE", "#", "\n", "\r", "^^", "@en", "1.5e3"]
ACCEPTS = ["", "*/*", "text/html", "application/json", "text/csv", "text/turtle", "application/sparql-results+xml",
           "garbage", ";;;", "text/*;q=abc", "application/ld+json;q=0", "*/*;q=0", "x/y, */*;q=0.1", "\x7f"]
CTYPES = ["application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=b",
          "application/sparql-query", "application/sparql-update", "text/plain", "", "application/json",
          "application/sparql-query; charset=latin1"]


def _q(text: str, safe: str = "") -> str:
    """Percent-encode, lone surrogates included (as the bytes a careless client would send)."""
    return quote(text.encode("utf-8", "surrogatepass"), safe=safe)


def _text(rng: random.Random, n: int = 12) -> str:
    return "".join(rng.choice(WEIRD + [chr(rng.randrange(32, 0x2FFF))]) for _ in range(rng.randrange(n)))


def _mutate(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randrange(1, 6)):
        i = rng.randrange(len(chars) + 1)
        op = rng.randrange(3)
        if op == 0 and chars:
            del chars[min(i, len(chars) - 1)]
        elif op == 1:
            chars.insert(i, rng.choice(WEIRD + TOKENS))
        elif chars:
            chars[min(i, len(chars) - 1)] = rng.choice(WEIRD)
    return "".join(chars)


def _query(rng: random.Random) -> str:
    kind = rng.randrange(3)
    if kind == 0:
        return _mutate(rng, rng.choice(SAVED))
    if kind == 1:
        return " ".join(rng.choice(TOKENS) for _ in range(rng.randrange(1, 30)))
    return _text(rng, 40)


def _sparql_get(rng: random.Random) -> Request:
    params = {"query": _query(rng)}
    for name in ("format", "inferred", "default-graph-uri", "named-graph-uri"):
        if rng.random() < 0.2:
            params[name] = _text(rng)
    return "GET", "/sparql", params, {"Accept": rng.choice(ACCEPTS)}, None


def _sparql_post(rng: random.Random) -> Request:
    ctype = rng.choice(CTYPES)
    choice = rng.randrange(4)
    if choice == 0:
        body = _query(rng).encode("utf-8", "surrogatepass")
    elif choice == 1:
        body = ("query=" + _q(_query(rng))).encode()
    elif choice == 2:
        body = bytes(rng.randrange(256) for _ in range(rng.randrange(200)))
    else:
        body = b"--b\r\nContent-Disposition: form-data; name=\"query\"\r\n\r\n" + _query(rng).encode(
            "utf-8", "surrogatepass")[: rng.randrange(1, 200)]
    return "POST", "/sparql", {}, {"Content-Type": ctype, "Accept": rng.choice(ACCEPTS)}, body


def _page(rng: random.Random) -> Request:
    name = rng.choice(NAMES + [_text(rng)])
    paths = [f"/id/{_q(_text(rng), safe=rng.choice(['', '/', '/%']))}", f"/id/entity/{_q(_text(rng), '/')}",
             f"/api/queries/{_q(name)}", f"/api/queries/{_q(name)}.{rng.choice(['csv', 'ttl', 'x', ''])}",
             f"/api/queries/{_q(name)}/graph", f"/queries/{_q(name)}", "/search", "/api/search",
             "/api/export", "/api/timeline", "/api/places", f"/api/neighbourhood/{_q(_text(rng))}",
             f"/static/{_q(_text(rng))}", "/", "/sources", "/timeline", "/map", "/editor", "/docs",
             "/openapi.json", f"/{_q(_text(rng))}"]
    params = {k: _text(rng, 30) for k in rng.sample(["q", "iri", "format", "inferred", "battle", "source",
                                                      "provenance", "limit", "side"], rng.randrange(4))}
    return rng.choice(["GET", "GET", "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"]), rng.choice(paths), \
        params, {"Accept": rng.choice(ACCEPTS)}, None


GENERATORS: list[Callable[[random.Random], Request]] = [_sparql_get, _sparql_post, _page, _page]


def requests(seed: int, count: int) -> Iterator[Request]:
    rng = random.Random(seed)
    for _ in range(count):
        yield rng.choice(GENERATORS)(rng)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with running_server(ROOT, "--timeout", "2", "--workers", "2") as s:
        yield s


def _send(client: httpx.Client, req: Request) -> httpx.Response:
    method, path, params, headers, body = req
    safe = {k: v.encode("utf-8", "surrogatepass").decode("latin-1") for k, v in headers.items()}
    query = "&".join(f"{_q(k)}={_q(v)}" for k, v in params.items())
    url = path + ("?" + query if query else "")
    return client.request(method, url, headers=safe, content=body)


def _error_shape(r: httpx.Response) -> bool:
    try:
        error = r.json()["error"]
    except (ValueError, KeyError, TypeError):
        return False
    return isinstance(error, dict) and error.get("status") == r.status_code and bool(error.get("message"))


def test_no_generated_request_gets_a_5xx_or_hangs(server: Server, tmp_path: Path) -> None:
    statuses: Counter[int] = Counter()
    failures, unshaped = [], []
    with httpx.Client(base_url=server.url, timeout=20) as client:
        for n, req in enumerate(requests(SEED, REQUESTS)):
            r = _send(client, req)
            statuses[r.status_code] += 1
            timeout_503 = r.status_code == 503 and r.headers.get("content-type", "").startswith("application/json") \
                and r.json()["error"]["type"] == "timeout"
            if r.status_code >= 500 and not timeout_503:
                failures.append((n, req[:3], r.status_code, r.text[:200]))
            # uvicorn answers requests that are not valid HTTP (control characters in a header)
            # before they reach the app; only the app's own errors must be in its shape.
            invalid_http = r.text == "Invalid HTTP request received."
            if r.status_code >= 400 and req[1].startswith(("/sparql", "/api/")) and req[0] != "HEAD" \
                    and not invalid_http and not _error_shape(r):
                unshaped.append((n, req[:3], r.status_code, r.text[:200]))
    (tmp_path / "statuses.txt").write_text(repr(sorted(statuses.items())))
    assert not failures, f"seed {SEED}: {len(failures)} of {REQUESTS} got a 5xx, first: {failures[:5]}"
    assert not unshaped, f"seed {SEED}: {len(unshaped)} API errors not in the error shape, first: {unshaped[:5]}"
    assert sum(statuses.values()) == REQUESTS
    assert httpx.get(server.url + "/api/build", timeout=5).status_code == 200
