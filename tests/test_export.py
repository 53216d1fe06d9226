"""The export for Wikidata users: formats others can read, the Wikidata-shaped layer, QuickStatements,
the download from the server, and proof that a second engine answers every saved query the same."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import httpx
import pyoxigraph
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS

from kg_builder import storage
from kg_builder.export import FORMATS, ExportOptions, export_bytes, export_graphs, read_dataset, wikidata_properties
from kg_builder.namespaces import (
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    GRAPH_WIKIDATA,
    KGO,
    PQ,
    PR,
    PS,
    PSV,
    WD,
    WDP,
    WDT,
    WIKIBASE,
)
from kg_builder.saved import bind_parameters
from kg_builder.validate import check_shapes

from conftest import ROOT, RunKg
from server import running_server
from test_engines import _norm

QUERIES = storage.read_saved_queries(ROOT / "queries")
PARSE_AS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld"}


@pytest.fixture(scope="module")
def graphs() -> dict[URIRef, Graph]:
    return read_dataset((ROOT / "graph" / "dataset.trig").read_bytes())


def _union(parts: list[Graph]) -> set[tuple]:
    return {t for g in parts for t in g}


def _canon(triples) -> set[tuple]:  # type: ignore[no-untyped-def]
    """Triples with literals in rdflib's normal form (a parser normalises "...Z" to "...+00:00")."""
    def norm(term):  # type: ignore[no-untyped-def]
        if isinstance(term, Literal):
            return Literal(str(term), lang=term.language, datatype=term.datatype)
        return term
    return {tuple(norm(x) for x in t) for t in triples}


@pytest.fixture(scope="module")
def full(graphs) -> list[Graph]:  # type: ignore[no-untyped-def]
    return export_graphs(graphs, ExportOptions(inferred=True, provenance=True))


@pytest.fixture(scope="module")
def wikidata_layer(full: list[Graph]) -> Graph:
    (layer,) = [g for g in full if g.identifier == GRAPH_WIKIDATA]
    return layer


# --- formats ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld"])
@pytest.mark.parametrize("provenance", [True, False], ids=["provenance", "entities-only"])
def test_each_format_parses_back_to_the_exported_triples(graphs, fmt: str, provenance: bool) -> None:  # type: ignore[no-untyped-def]
    opts = ExportOptions(fmt=fmt, provenance=provenance)
    expected = _canon(_union(export_graphs(graphs, opts)))
    parsed = Graph().parse(data=export_bytes(graphs, opts), format=PARSE_AS[fmt])
    assert _canon(parsed) == expected


def test_trig_keeps_the_named_graphs(graphs) -> None:  # type: ignore[no-untyped-def]
    opts = ExportOptions(fmt="trig", inferred=True)
    ds = Dataset()
    ds.parse(data=export_bytes(graphs, opts), format="trig")
    names = {c.identifier for c in ds.graphs() if len(c)}
    assert GRAPH_WIKIDATA in names and GRAPH_INFERRED in names and GRAPH_ONTOLOGY in names
    assert sum(len(c) for c in ds.graphs()) == sum(len(g) for g in export_graphs(graphs, opts))


@pytest.mark.parametrize(("fmt", "syntax"), [("turtle", "turtle"), ("ntriples", "ntriples"), ("trig", "trig")])
def test_an_independent_parser_counts_the_same_triples(graphs, tmp_path: Path, fmt: str, syntax: str) -> None:  # type: ignore[no-untyped-def]
    if shutil.which("rapper") is None:
        pytest.skip("rapper is not installed (apt-get install raptor2-utils; .ci/run installs it)")
    opts = ExportOptions(fmt=fmt, inferred=True)
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(export_bytes(graphs, opts))
    done = subprocess.run(["rapper", "-i", syntax, "-c", str(path)], capture_output=True, text=True, check=True)
    count = int(done.stderr.split("returned")[1].split()[0])
    parts = export_graphs(graphs, opts)
    expected = sum(len(g) for g in parts) if fmt == "trig" else len(_union(parts))
    assert count == expected


def test_the_export_is_byte_identical_across_processes(tmp_path: Path, run_kg: RunKg) -> None:
    outputs = {}
    for seed in ("1", "2"):
        for fmt in ("turtle", "jsonld", "ntriples", "quickstatements"):
            target = tmp_path / f"{seed}.{fmt}"
            done = run_kg("export", "--format", fmt, "--inferred", "-o", str(target), cwd=ROOT,
                          env={"PYTHONHASHSEED": seed})
            assert done.returncode == 0, done.stderr
            outputs[seed, fmt] = target.read_bytes()
    for fmt in ("turtle", "jsonld", "ntriples", "quickstatements"):
        assert outputs["1", fmt] == outputs["2", fmt], fmt


def test_unknown_format_is_a_usage_error(run_kg: RunKg, tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    done = run_kg("export", "--format", "rdfa", "-o", str(target), cwd=ROOT)
    assert done.returncode == 2
    assert "unknown export format 'rdfa'" in done.stderr and "turtle" in done.stderr
    assert not target.exists()


# --- what it holds ----------------------------------------------------------------------------------


def test_links_are_skos_exact_match_and_stay_out_of_reasoning(graphs) -> None:  # type: ignore[no-untyped-def]
    every = _union(list(graphs.values()))
    assert not [t for t in every if t[1] == OWL.sameAs and str(t[2]).startswith(str(WD))]
    inferred = graphs[GRAPH_INFERRED]
    assert not [t for t in inferred if str(t[0]).startswith(str(WD))], "reasoning copied triples onto Wikidata IRIs"
    links = [(s, o) for s, p, o in every if p == SKOS.exactMatch and str(o).startswith(str(WD) + "Q")]
    assert links, "no entity carries a Wikidata link"
    for entity, _ in links:
        assert (entity, KGO.reconciliation, Literal("confirmed")) in every
        evidence = [o for s, p, o in every if s == entity and p == KGO.wikidataEvidence]
        assert evidence and all(len(str(e)) > 20 for e in evidence), f"{entity}: a link without its evidence"


def test_wdt_triples_stand_beside_every_mapped_direct_triple(graphs, full, wikidata_layer: Graph) -> None:  # type: ignore[no-untyped-def]
    mapping = wikidata_properties(graphs[GRAPH_ONTOLOGY])
    qids = {s: o for s, p, o in _union(full) if p == SKOS.exactMatch and str(o).startswith(str(WD))}
    direct = [(s, p, o) for g in full if g.identifier != GRAPH_WIKIDATA for s, p, o in g
              if p in mapping and str(s).startswith("https://w3id.org/kg-builder/id/entity/")]
    assert len(direct) > 50
    for s, p, o in direct:
        assert (s, WDT[mapping[p]], qids.get(o, o)) in wikidata_layer, (s, p, o)
    commanders = list(wikidata_layer.triples((None, WDT.P4791, None)))
    assert commanders, "no commanded-by (P4791) triple"
    points = {str(s).rsplit("/", 1)[-1]: str(o) for s, o in wikidata_layer.subject_objects(WDT.P625)}
    assert points.get("khorramshahr", "").startswith("Point(48.") and "geosparql#wktLiteral" in str(
        next(wikidata_layer.objects(None, WDT.P625)).datatype)


def test_a_query_joins_our_entities_with_wikidata_items(full) -> None:  # type: ignore[no-untyped-def]
    store = pyoxigraph.Store()
    store.bulk_extend(pyoxigraph.Quad(*(_ox(t) for t in triple)) for triple in _union(full))
    rows = list(store.query("""
        PREFIX wdt: <http://www.wikidata.org/prop/direct/>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?event ?item WHERE { ?event wdt:P710 ?item . FILTER(STRSTARTS(STR(?item), "http://www.wikidata.org/entity/Q")) }
    """))
    assert rows, "no participant of an event is written as its Wikidata item"


def _graph(triples) -> Graph:  # type: ignore[no-untyped-def]
    g = Graph()
    for t in triples:
        g.add(t)
    return g


def _ox(term):  # type: ignore[no-untyped-def]
    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return pyoxigraph.Literal(str(term), language=term.language)
        if term.datatype:
            return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
        return pyoxigraph.Literal(str(term))
    raise TypeError(term)


def test_claims_become_wikidata_statements_with_references(graphs, full, wikidata_layer: Graph) -> None:  # type: ignore[no-untyped-def]
    mapping = wikidata_properties(graphs[GRAPH_ONTOLOGY])
    every = Graph()
    for t in _union(full):
        every.add(t)
    claims = [c for c in every.subjects(RDF.type, KGO.Claim)
              if every.value(c, KGO.property) in mapping
              and any(every.value(c, p) is not None for p in (KGO.value, KGO.lowerBound, KGO.upperBound))]
    assert len(claims) > 30
    for claim in claims:
        pid = mapping[every.value(claim, KGO.property)]
        statement = URIRef(f"{claim}#statement")
        assert (every.value(claim, KGO.subject), WDP[pid], statement) in wikidata_layer
        assert (statement, RDF.type, WIKIBASE.Statement) in wikidata_layer
        assert (statement, RDFS.seeAlso, claim) in wikidata_layer
        reference = wikidata_layer.value(statement, PROV.wasDerivedFrom)
        assert (reference, PR.P248, every.value(claim, KGO.statedIn)) in wikidata_layer
        quote = wikidata_layer.value(reference, PR.P1683)
        assert str(quote) == str(every.value(claim, KGO.quote)) and quote.language
        lower, upper = every.value(claim, KGO.lowerBound), every.value(claim, KGO.upperBound)
        if lower is not None or upper is not None:
            node = wikidata_layer.value(statement, PSV[pid])
            assert wikidata_layer.value(node, WIKIBASE.quantityLowerBound) == lower
            assert wikidata_layer.value(node, WIKIBASE.quantityUpperBound) == upper
        side = every.value(claim, KGO.claimSide)
        if side is not None:
            assert wikidata_layer.value(statement, PQ.P710) is not None
    # a range (such as 12,000-15,000 killed) keeps its bounds, and dates keep their precision
    assert list(wikidata_layer.triples((None, WIKIBASE.quantityLowerBound, None)))
    precisions = {int(o) for o in wikidata_layer.objects(None, WIKIBASE.timePrecision)}
    assert precisions and precisions <= {9, 10, 11}
    assert all(str(o).endswith("T00:00:00Z") for s, p, o in wikidata_layer if str(p).startswith(str(PS))
               and isinstance(o, Literal) and "dateTime" in str(o.datatype))


def test_without_provenance_only_the_entity_layer_is_left(graphs) -> None:  # type: ignore[no-untyped-def]
    parts = export_graphs(graphs, ExportOptions(provenance=False))
    triples = _union(parts)
    types = {o for _, p, o in triples if p == RDF.type}
    assert KGO.Claim not in types and KGO.Mention not in types and KGO.SourceDocument not in types
    assert (None, RDF.type, WIKIBASE.Statement) not in _graph(triples)
    assert not [t for t in triples if str(t[1]).startswith((str(PS), str(PSV), str(PQ), str(PR)))]
    assert [t for t in triples if str(t[1]).startswith(str(WDT))], "the wdt: triples stay without provenance"
    assert [t for t in triples if t[1] == SKOS.exactMatch]
    assert [t for t in triples if t[1] == KGO.commander]
    assert not any(g.identifier == GRAPH_INFERRED for g in parts)
    assert any(g.identifier == GRAPH_INFERRED for g in export_graphs(graphs, ExportOptions(inferred=True)))


def test_shapes_pass_on_the_export(graphs, full) -> None:  # type: ignore[no-untyped-def]
    shapes = Graph().parse(ROOT / "ontology" / "shapes.ttl", format="turtle")
    for parts in (full, export_graphs(graphs, ExportOptions(inferred=True, provenance=False))):
        data = Graph()
        for t in _union([g for g in parts if g.identifier != GRAPH_ONTOLOGY]):
            data.add(t)
        report = check_shapes(data, shapes)
        assert report.conforms, report.text


# --- QuickStatements --------------------------------------------------------------------------------


def test_quickstatements_carry_sourced_values_of_reconciled_entities(graphs) -> None:  # type: ignore[no-untyped-def]
    text = export_bytes(graphs, ExportOptions(fmt="quickstatements")).decode("utf-8")
    lines = text.splitlines()
    assert lines, "no QuickStatements line: no reconciled entity has a sourced value"
    assert any("\tP1120\t" in line and "\tP710\tQ794\t" in line for line in lines), "no casualty count with its side"
    for line in lines:
        cols = line.split("\t")
        assert cols[0].startswith("Q") and cols[0][1:].isdigit(), line
        assert cols[1].startswith("P") and cols[1][1:].isdigit(), line
        value = cols[2]
        assert (value.startswith("Q") and value[1:].isdigit()) or value.lstrip("-").replace(".", "").isdigit() \
            or (value.startswith("+") and value[-3:] in ("/9", "/10", "/11") or value[-2:] == "/9"), line
        assert "S1683" in cols, f"no quotation in the reference: {line}"
        if "P710" in cols[3:]:
            side = cols[cols.index("P710", 3) + 1]
            assert side.startswith("Q") and cols.index("P710", 3) < cols.index("S1683")
        quote = cols[cols.index("S1683") + 1]
        assert quote.startswith(("en:\"", "fa:\"")) and quote.endswith('"'), line


# --- served for download ----------------------------------------------------------------------------


def test_the_server_serves_the_export_and_the_saved_queries_match_a_second_engine(run_kg: RunKg, tmp_path: Path) -> None:
    cli = tmp_path / "cli.trig"
    assert run_kg("export", "--format", "trig", "--inferred", "-o", str(cli), cwd=ROOT).returncode == 0
    with running_server(ROOT) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        r = client.get("/api/export", params={"format": "trig", "inferred": "true"})
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("application/trig")
        assert 'filename="kg-export-inferred.trig"' in r.headers["content-disposition"]
        assert r.content == cli.read_bytes()
        again = client.get("/api/export", params={"format": "trig", "inferred": "true"},
                           headers={"If-None-Match": r.headers["etag"]})
        assert again.status_code == 304
        for fmt in FORMATS:
            assert client.get("/api/export", params={"format": fmt}).status_code == 200, fmt
        bad = client.get("/api/export", params={"format": "rdfa"})
        assert bad.status_code == 400 and "unknown export format" in bad.json()["error"]["message"]

        store = pyoxigraph.Store()
        store.load(r.content, format=pyoxigraph.RdfFormat.TRIG)
        for q in QUERIES:
            ours = client.get(f"/api/queries/{q.name}", headers={"Accept": "application/sparql-results+json"})
            assert ours.status_code == 200, (q.name, ours.text)
            expected = Counter(tuple(_norm(_cell(b.get(v))) for v in ours.json()["head"]["vars"])
                               for b in ours.json()["results"]["bindings"])
            bindings = {k: _ox(v) for k, v in bind_parameters(q, {}).items()}
            result = store.query(q.text, substitutions={pyoxigraph.Variable(k): v for k, v in bindings.items()},
                                 use_default_graph_as_union=True)
            variables = [v.value for v in result.variables]
            assert variables == ours.json()["head"]["vars"], q.name
            got = Counter(tuple(_norm(_cell_from_ox(row[v])) for v in variables) for row in result)
            assert got == expected, q.name


def _cell(cell):  # type: ignore[no-untyped-def]
    if cell is None:
        return None
    if cell["type"] == "uri":
        return URIRef(cell["value"])
    return Literal(cell["value"], lang=cell.get("xml:lang"), datatype=cell.get("datatype"))


def _cell_from_ox(term):  # type: ignore[no-untyped-def]
    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)  # the JSON results leave xsd:string implicit
        return Literal(term.value, datatype=term.datatype.value)
    raise TypeError(term)


def test_export_json_ld_uses_wikidata_prefixes(graphs) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(export_bytes(graphs, ExportOptions(fmt="jsonld")))
    for prefix in ("wd", "wdt", "p", "ps", "pq", "pr", "prov"):
        assert prefix in data["@context"], prefix
