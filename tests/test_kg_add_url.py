"""`kg add URL` through the real command against a web server on loopback: the page is fetched and
imported like a saved file; redirects to another http(s) address are followed and to any other
scheme refused; a type kg add does not read, a document over the size limit, an error status, a
server that does not answer in time and an unreachable address fail with a clear message naming the
address, and nothing is written."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from conftest import RunKg
from server import free_port

PAGE = Path(__file__).parent / "fixtures" / "import" / "html" / "T-distributed_stochastic_neighbor_embedding.html"
EXIT_NETWORK, EXIT_INPUT = 9, 3


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the http.server API
        pass

    def _send(self, status: int, headers: dict[str, str], body: bytes = b"") -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_GET(self) -> None:
        page = PAGE.read_bytes()
        routes = {
            "/wiki/tsne": (200, {"Content-Type": "text/html; charset=UTF-8", "Content-Length": str(len(page))}, page),
            "/moved": (301, {"Location": "/wiki/tsne", "Content-Length": "0"}, b""),
            "/to-ftp": (302, {"Location": "ftp://127.0.0.1/tsne.html", "Content-Length": "0"}, b""),
            "/to-file": (302, {"Location": "file:///etc/passwd", "Content-Length": "0"}, b""),
            "/image": (200, {"Content-Type": "image/png", "Content-Length": "8"}, b"\x89PNG\r\n\x1a\n"),
            "/huge": (200, {"Content-Type": "text/html", "Content-Length": str(30 * 1024 * 1024)}, b"<html>"),
            "/missing": (404, {"Content-Type": "text/plain", "Content-Length": "9"}, b"not found"),
        }
        if self.path == "/slow":
            time.sleep(3)
        status, headers, body = routes.get(self.path, routes["/missing"])
        try:
            self._send(status, headers, body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up, as it should
            pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_web_address_is_fetched_and_imported_like_a_file(tmp_project: Path, run_kg: RunKg, site: str) -> None:
    r = run_kg("add", f"{site}/moved", "--stem", "tsne", cwd=tmp_project)
    assert r.returncode == 0, r.stderr
    corpus = tmp_project / "corpus"
    meta = yaml.safe_load((corpus / "tsne.meta.yaml").read_text(encoding="utf-8"))
    assert meta["format"] == "wikipedia-html" and meta["title"] == "t-distributed stochastic neighbor embedding"
    # The page states its own address; the original is the fetched bytes.
    assert meta["url"] == "https://en.wikipedia.org/wiki/T-distributed_stochastic_neighbor_embedding"
    original = corpus / meta["original"]
    assert original.name == "tsne.html" and original.read_bytes() == PAGE.read_bytes()
    assert meta["sha256"] == hashlib.sha256(PAGE.read_bytes()).hexdigest()


@pytest.mark.parametrize(("path", "code", "message"), [
    ("/to-ftp", EXIT_NETWORK, "not an http(s) address"),
    ("/to-file", EXIT_NETWORK, "not an http(s) address"),
    ("/image", EXIT_INPUT, "'image/png'"),
    ("/huge", EXIT_INPUT, "kg add reads up to"),
    ("/missing", EXIT_NETWORK, "answered 404"),
], ids=["redirect-to-ftp", "redirect-to-file", "wrong-type", "too-large", "not-found"])
def test_a_bad_address_names_itself_and_writes_nothing(tmp_project: Path, run_kg: RunKg, site: str, path: str,
                                                       code: int, message: str) -> None:
    corpus = tmp_project / "corpus"
    before = sorted(p.name for p in corpus.rglob("*"))
    r = run_kg("add", site + path, cwd=tmp_project)
    assert r.returncode == code and message in r.stderr and site + path in r.stderr, r.stderr
    assert sorted(p.name for p in corpus.rglob("*")) == before


def test_no_answer_in_time_or_no_network_fails_clearly(tmp_project: Path, run_kg: RunKg, site: str) -> None:
    corpus = tmp_project / "corpus"
    before = sorted(p.name for p in corpus.rglob("*"))
    slow = run_kg("add", f"{site}/slow", "--timeout", "1", cwd=tmp_project)
    assert slow.returncode == EXIT_NETWORK and "did not answer within 1 s" in slow.stderr, slow.stderr
    offline = run_kg("add", f"http://127.0.0.1:{free_port()}/wiki/Battle_of_Gazala", cwd=tmp_project)
    assert offline.returncode == EXIT_NETWORK and "cannot reach" in offline.stderr and "online" in offline.stderr
    assert sorted(p.name for p in corpus.rglob("*")) == before
