"""``kg link``: Wikidata candidates for entities not yet reconciled, from a loopback server that answers
like Wikidata's API (tests/fixtures/wikidata/answers.json); offline, a clear error and nothing changed."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

from kg_builder.link import DOES_NOT_FIT, FITS, UNKNOWN, check_type, instance_of, parse_search

from conftest import FIXTURES, RunKg
from server import free_port

ANSWERS = json.loads((FIXTURES / "wikidata" / "answers.json").read_text(encoding="utf-8"))
TYPES = "types:\n  City: [Q900000101]\n  Battle: [Q900000102]\n  MilitaryUnit: [Q900000103]\n"


class _Wikidata:
    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], dict[str, str]]] = []


@pytest.fixture
def wikidata() -> Iterator[tuple[str, _Wikidata]]:
    state = _Wikidata()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            url = urlparse(self.path)
            params = {k: v[0] for k, v in parse_qs(url.query).items()}
            state.requests.append((params, dict(self.headers)))
            if url.path != "/w/api.php" or params.get("format") != "json":
                self.send_response(404)
                self.end_headers()
                return
            key = params.get("action", "") + "|" + params.get("search", params.get("ids", params.get("titles", "")))
            body = ANSWERS.get(key, {"searchinfo": {"search": params.get("search")}, "search": [], "success": 1})
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/w/api.php", state
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def project(tmp_project: Path) -> Path:
    spec = tmp_project / "ontology" / "wikidata.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text[: text.index("types:")] + TYPES, encoding="utf-8")
    return tmp_project


def test_candidates_are_checked_against_our_type_and_ranked(project: Path, run_kg: RunKg, wikidata) -> None:  # type: ignore[no-untyped-def]
    api, state = wikidata
    out = project / "proposals.yaml"
    done = run_kg("link", "--api", api, "--only", "khorramshahr", "--only", "irgc", "-o", str(out), cwd=project)
    assert done.returncode == 0, done.stderr
    proposals = {p["id"]: p for p in yaml.safe_load(out.read_text(encoding="utf-8"))["proposals"]}
    city = proposals["khorramshahr"]
    assert [c["qid"] for c in city["candidates"]] == ["Q900000001", "Q900000002"]  # the city first
    assert city["candidates"][0]["type_check"] == FITS
    assert city["candidates"][1]["type_check"] == DOES_NOT_FIT
    assert city["candidates"][0]["instance_of"] == ["Q900000101"]
    assert city["candidates"][0]["url"] == "https://www.wikidata.org/wiki/Q900000001"
    # the label finds nothing, so its aliases are tried, in order
    irgc = proposals["irgc"]
    assert irgc["searched"] == ["Islamic Revolutionary Guard Corps", "IRGC"]
    assert irgc["candidates"][0]["qid"] == "Q900000003" and irgc["candidates"][0]["type_check"] == UNKNOWN
    searches = [p for p, _ in state.requests if p.get("action") == "wbsearchentities"]
    assert {p["language"] for p in searches} == {"en"} and {p["type"] for p in searches} == {"item"}
    assert all(h.get("User-Agent", "").startswith("kg-builder/") for _, h in state.requests)
    # nothing is linked: the registry is unchanged, the proposals say how to confirm
    assert "wikidata: Q900000001" not in (project / "ontology" / "entities.yaml").read_text(encoding="utf-8")
    assert "Nothing here is a link" in out.read_text(encoding="utf-8")


def test_reconciled_entities_are_not_searched(project: Path, run_kg: RunKg, wikidata) -> None:  # type: ignore[no-untyped-def]
    api, state = wikidata
    registry = project / "ontology" / "entities.yaml"
    text = registry.read_text(encoding="utf-8")
    anchor = "  - id: khorramshahr\n"
    assert anchor in text
    registry.write_text(text.replace(anchor, anchor + '    wikidata: Q900000001\n    wikidata_evidence: "a test"\n'),
                        encoding="utf-8")
    out = project / "proposals.yaml"
    done = run_kg("link", "--api", api, "--only", "khorramshahr", "-o", str(out), cwd=project)
    assert done.returncode == 0, done.stderr
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["proposals"] == []
    assert state.requests == []


def test_offline_it_fails_clearly_and_changes_nothing(project: Path, run_kg: RunKg) -> None:
    out = project / "proposals.yaml"
    out.write_text("previous proposals\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in (project / "ontology").iterdir()}
    done = run_kg("link", "--api", f"http://127.0.0.1:{free_port()}/w/api.php", "--only", "khorramshahr",
                  "-o", str(out), "--timeout", "5", cwd=project)
    assert done.returncode == 9
    assert "cannot reach Wikidata" in done.stderr and "nothing was changed" in done.stderr
    assert out.read_text(encoding="utf-8") == "previous proposals\n"
    assert {p: p.read_bytes() for p in (project / "ontology").iterdir()} == before


def test_an_api_error_is_reported(project: Path, run_kg: RunKg, wikidata) -> None:  # type: ignore[no-untyped-def]
    api, _ = wikidata
    registry = project / "ontology" / "entities.yaml"
    text = registry.read_text(encoding="utf-8")
    registry.write_text(text.replace("label: Khorramshahr\n", "label: Broken\n", 1), encoding="utf-8")
    done = run_kg("link", "--api", api, "--only", "khorramshahr", "-o", str(project / "p.yaml"), cwd=project)
    assert done.returncode == 9
    assert "Wikidata refused the request" in done.stderr and "Unrecognized value" in done.stderr
    assert not (project / "p.yaml").exists()


def test_an_unknown_entity_id_is_a_usage_error(project: Path, run_kg: RunKg) -> None:
    done = run_kg("link", "--only", "no-such-entity", cwd=project)
    assert done.returncode == 2 and "no-such-entity" in done.stderr


def test_a_qid_without_evidence_is_refused(project: Path, run_kg: RunKg) -> None:
    registry = project / "ontology" / "entities.yaml"
    text = registry.read_text(encoding="utf-8")
    anchor = "  - id: khorramshahr\n"
    registry.write_text(text.replace(anchor, anchor + "    wikidata: Q900000001\n"), encoding="utf-8")
    done = run_kg("build", "--check", cwd=project)
    assert done.returncode == 2
    assert "no wikidata_evidence" in done.stderr and "entities.yaml" in done.stderr


def test_pure_parts() -> None:
    hits = parse_search(ANSWERS["wbsearchentities|Khorramshahr"])
    assert [h[0] for h in hits] == ["Q900000002", "Q900000001"]
    entities = ANSWERS["wbgetentities|Q900000002|Q900000001"]["entities"]
    assert instance_of(entities["Q900000001"]) == ("Q900000101",)
    assert instance_of({"claims": {}}) == ()
    types = {"City": ("Q900000101",)}
    assert check_type("City", ("Q900000101", "Q1"), types) == FITS
    assert check_type("City", ("Q900000102",), types) == DOES_NOT_FIT
    assert check_type("River", ("Q900000102",), types) == UNKNOWN


def test_an_article_the_sources_link_to_gives_its_item_first(project: Path, run_kg: RunKg, wikidata) -> None:  # type: ignore[no-untyped-def]
    """kg add keeps a page's links; the built graph says which article each entity's name was linked
    to, and kg link asks Wikidata for the item whose sitelink that article is, before any search."""
    api, state = wikidata
    page = ("The siege of the port began when [[Khorramshahr]] was surrounded in October 1980. The city was held "
            "for many months by the defenders, who were few.\n")
    export = project / "siege.xml"
    export.write_text(
        '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" xml:lang="en"><siteinfo>'
        "<sitename>Wikipedia</sitename><base>https://en.wikipedia.org/wiki/Main_Page</base></siteinfo>"
        f"<page><title>Siege of the port</title><revision><id>7</id><text>{page}</text></revision></page></mediawiki>",
        encoding="utf-8")
    assert run_kg("add", str(export), "--stem", "siege", cwd=project).returncode == 0
    built = run_kg("build", cwd=project)
    assert built.returncode == 0, built.stderr
    out = project / "proposals.yaml"
    done = run_kg("link", "--api", api, "--only", "khorramshahr", "-o", str(out), cwd=project)
    assert done.returncode == 0, done.stderr
    [proposal] = yaml.safe_load(out.read_text(encoding="utf-8"))["proposals"]
    assert proposal["searched"] == ["https://en.wikipedia.org/wiki/Khorramshahr"]
    [candidate] = proposal["candidates"]
    assert candidate["qid"] == "Q900000001" and candidate["type_check"] == FITS
    assert "links the name to the article https://en.wikipedia.org/wiki/Khorramshahr" in candidate["evidence"]
    asked = [p for p, _ in state.requests]
    assert {"action": "wbgetentities", "sites": "enwiki", "titles": "Khorramshahr"}.items() <= asked[0].items()
    assert not any(p.get("action") == "wbsearchentities" for p in asked)  # no search was needed
