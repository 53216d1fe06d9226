"""The browsing pages over HTTP, against the real server: home, search, Linked Data for every IRI, the
entity page, the claim page, the source reader, and the JSON behind the graph, timeline and map views."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from kg_builder.browse import Span, segments
from kg_builder.namespaces import DATA_BASE

from conftest import ROOT
from server import Server, running_server

E = DATA_BASE + "entity/"


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with running_server(ROOT) as s:
        yield s


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30, headers={"Accept": "text/html"}) as c:
        yield c


@pytest.fixture(scope="module")
def dataset() -> Graph:
    g = Graph()
    g.parse(ROOT / "graph" / "asserted.ttl", format="turtle")
    return g


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_home_leads_everywhere(client: httpx.Client) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    for href in ("/search", "/sources", "/timeline", "/map", "/editor", "/api/export?format=turtle",
                 "/queries/commanders-by-side", "/id/source/"):
        assert href in page, href
    assert 'role="search"' in page and "<h1>" in page
    assert "Every casualty claim" in page or "casualt" in page.lower()


def test_every_page_type_has_the_search_form(client: httpx.Client) -> None:
    for path in ("/", "/search?q=iran", f"/id/entity/khorramshahr", "/sources", "/timeline", "/map",
                 "/queries/timeline", "/id/source/000_3db1e93812c13289"):
        page = client.get(path).text
        assert '<form role="search" action="/search"' in page, path
        assert '<label for="q">' in page, path


@pytest.mark.parametrize(("query", "expected"), [
    ("khorramshahr", "/id/entity/khorramshahr"),
    ("خرمشهر", "/id/entity/khorramshahr"),       # Persian
    ("IRGC", "/id/entity/irgc"),                   # an acronym
    ("bani sadr", "/id/entity/abolhassan-banisadr"),  # a spelling variant, any case
])
def test_search_by_name_or_alias_in_any_language(client: httpx.Client, query: str, expected: str) -> None:
    page = client.get("/search", params={"q": query}).text
    assert f'href="{expected}"' in page, page
    api = client.get("/api/search", params={"q": query}).json()
    assert api["results"] and any(hit["url"] == expected for hit in api["results"])


def test_a_search_without_results_says_so(client: httpx.Client) -> None:
    page = client.get("/search", params={"q": "Stalingrad"}).text
    assert "No entity has a name or alias containing" in page


def test_entity_page(client: httpx.Client) -> None:
    page = client.get("/id/entity/operation-beit-ol-moqaddas").text
    text = _text(page)
    assert "<h1>Operation Beit ol-Moqaddas</h1>" in page
    assert 'lang="fa"' in page                                   # Persian labels
    assert "http://www.wikidata.org/entity/Q3267731" in page     # the Wikidata link, with its evidence
    assert "Latitude" not in page
    assert "Confirmed from:" in text
    assert 'class="inferred"' in page and "cax-sco" in page      # inferred types, with why
    assert "Number of deaths" in text and "Number of injured" in text
    assert 'class="disagree"' in page                             # disagreeing claims side by side
    assert "nearly 24,000" in text and "thousands" in text
    assert 'id="graph"' in page and "/static/vendor/cytoscape/cytoscape.min.js" in page


def test_inferred_relations_say_why(client: httpx.Client) -> None:
    text = _text(client.get("/id/entity/khorramshahr").text)
    assert re.search(r"Latitude 30\.\d+, longitude 48\.\d+", text) and "Confirmed from:" in text
    # Khorramshahr is located in Iran because it is in Khuzestan, which is in Iran (transitivity)
    assert "prp-trp" in text
    assert re.search(r"Khorramshahr\s+—\s+located in\s+—\s+Khuzestan", text)
    assert re.search(r"Khuzestan\s+—\s+located in\s+—\s+Iran", text)


@pytest.mark.parametrize(("accept", "fmt", "parse_as"), [
    ("text/turtle", "ttl", "turtle"), ("application/ld+json", "jsonld", "json-ld"),
    ("application/n-triples", "nt", "nt")])
def test_every_kind_of_iri_resolves_as_data(client: httpx.Client, accept: str, fmt: str, parse_as: str) -> None:
    for path in ("entity/khorramshahr", "source/000_3db1e93812c13289", "claim/000_3db1e93812c13289-265ba0f077"):
        iri = URIRef(DATA_BASE + path)
        for r in (client.get(f"/id/{path}", headers={"Accept": accept}), client.get(f"/id/{path}?format={fmt}")):
            assert r.status_code == 200, (path, r.text)
            assert r.headers["content-type"].startswith(accept)
            g = Graph().parse(data=r.content, format=parse_as)
            assert len(list(g.predicate_objects(iri))) > 3, path


def test_every_entity_and_source_iri_of_the_graph_resolves(client: httpx.Client, dataset: Graph) -> None:
    iris = {str(s) for s in dataset.subjects() if str(s).startswith((E, DATA_BASE + "source/"))}
    assert len(iris) > 50
    for iri in sorted(iris):
        r = client.get("/id/" + iri[len(DATA_BASE):])
        assert r.status_code == 200, iri
        label = dataset.value(URIRef(iri), RDFS.label)
        assert label is None or str(label) in html.unescape(r.text), iri


def test_unknown_iri_is_404_in_html_and_json(client: httpx.Client) -> None:
    r = client.get("/id/entity/no-such-thing")
    assert r.status_code == 404 and "Nothing in the graph" in r.text
    r = client.get("/id/entity/no-such-thing", headers={"Accept": "text/turtle"})
    assert r.status_code == 404 and r.json()["error"]["status"] == 404


def test_claim_page_quotes_its_source_and_links_to_the_highlight(client: httpx.Client, dataset: Graph) -> None:
    kgo = "https://w3id.org/kg-builder/ontology#"
    claim = next(c for c in dataset.subjects(URIRef(kgo + "property"), URIRef(kgo + "numberOfInjured"))
                 if (c, URIRef(kgo + "conflictsWith"), None) in dataset)
    quote = str(dataset.value(claim, URIRef(kgo + "quote")))
    page = client.get("/id/" + str(claim)[len(DATA_BASE):]).text
    local = str(claim).rsplit("/", 1)[-1]
    assert html.escape(quote, quote=False) in page
    assert f"?claim={local}#claim-{local}" in page
    assert "disagrees" in page


def test_source_reader_highlights_every_mention_and_claim_at_its_offsets(client: httpx.Client, dataset: Graph) -> None:
    kgo, oa = "https://w3id.org/kg-builder/ontology#", "http://www.w3.org/ns/oa#"
    source = URIRef(DATA_BASE + "source/000_3db1e93812c13289")
    text = (ROOT / "corpus" / "000_3db1e93812c13289.txt").read_text(encoding="utf-8")
    claims = [c for c in dataset.subjects(URIRef(kgo + "statedIn"), source)]
    claim = next(c for c in claims if dataset.value(c, URIRef(kgo + "property")) == URIRef(kgo + "numberOfDeaths"))
    local = str(claim).rsplit("/", 1)[-1]
    page = client.get(f"/id/source/000_3db1e93812c13289?claim={local}").text
    assert f'id="claim-{local}"' in page
    selected = "".join(re.findall(r'<mark class="[^"]*selected[^"]*"[^>]*><a [^>]*>(.*?)</a></mark>', page, re.S))
    position = dataset.value(dataset.value(claim, URIRef(oa + "hasTarget")), URIRef(oa + "hasSelector"))
    if dataset.value(position, URIRef(oa + "start")) is None:  # the other selector came first
        position = next(s for s in dataset.objects(dataset.value(claim, URIRef(oa + "hasTarget")),
                                                   URIRef(oa + "hasSelector"))
                        if dataset.value(s, URIRef(oa + "start")) is not None)
    start, end = int(dataset.value(position, URIRef(oa + "start"))), int(dataset.value(position, URIRef(oa + "end")))
    assert html.unescape(selected) == text[start:end]
    # the whole document is there, in order, once, word for word
    body = page.split('<div class="text" lang="en">', 1)[1].split("</div>", 1)[0]
    assert html.unescape(re.sub(r"<[^>]+>", "", body)) == text
    assert page.count('<mark class="claim') >= 1 and page.count('<mark class="mention') >= 10


def test_source_reader_refuses_to_misplace_highlights_when_the_file_changed(tmp_project, run_kg) -> None:  # type: ignore[no-untyped-def]
    doc = tmp_project / "corpus" / "000_3db1e93812c13289.txt"
    doc.write_text(doc.read_text(encoding="utf-8").replace("Khorramshahr", "Khoramshahr", 1), encoding="utf-8")
    (tmp_project / "queries").symlink_to(ROOT / "queries")
    with running_server(tmp_project) as s:
        page = httpx.get(s.url + "/id/source/000_3db1e93812c13289", headers={"Accept": "text/html"}).text
    assert "has changed since the graph was built" in page and "<mark" not in page.split("</p>", 3)[-1]


def test_graph_timeline_and_map_data(client: httpx.Client) -> None:
    n = client.get("/api/neighbourhood", params={"iri": E + "khorramshahr"}).json()
    ids = {node["id"] for node in n["nodes"]}
    assert E + "khorramshahr" in ids and E + "khuzestan" in ids
    assert all(e["source"] in ids and e["target"] in ids for e in n["edges"])
    assert any(e["inferred"] for e in n["edges"]) and any(not e["inferred"] for e in n["edges"])
    assert client.get("/api/neighbourhood", params={"iri": E + "nope"}).status_code == 404
    events = client.get("/api/timeline").json()["events"]
    assert any(ev["url"] == "/id/entity/battle-of-khorramshahr-1982" for ev in events)
    assert all(ev["start"] is None or re.fullmatch(r"\d{4}(-\d\d){0,2}", ev["start"]) for ev in events)
    places = client.get("/api/places").json()["places"]
    assert all(-90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180 for p in places)


def test_saved_query_page_runs_with_a_click(client: httpx.Client) -> None:
    page = client.get("/queries/commanders-by-side").text
    assert "<table" in page and "/id/entity/" in page
    bad = client.get("/queries/commanders-by-side", params={"battle": "not a valid entity id"})
    assert bad.status_code == 400 and "could not run" in bad.text


def test_segments_cut_overlapping_spans() -> None:
    text = "Iraqi forces killed 8,000 in Khorramshahr."
    spans = [Span(0, 12, "mention", DATA_BASE + "mention/a", "/a", "a"),
             Span(6, 25, "claim", DATA_BASE + "claim/c", "/c", "c"),
             Span(29, 41, "mention", DATA_BASE + "mention/k", "/k", "k")]
    segs = segments(text, spans, selected="claim-c")
    assert "".join(s.text for s in segs) == text
    assert [s.text for s in segs if s.selected] == ["forces", " killed 8,000"]
    assert segs[0].anchors == ("mention-a",) and any(s.anchors == ("claim-c",) for s in segs)
    assert [s.spans[0].kind for s in segs if s.text == "forces"] == ["mention"]  # innermost first
    assert segments("abc", [Span(2, 9, "claim", "x", "/x", "x")]) == segments("abc", [])
