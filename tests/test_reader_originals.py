"""The source reader of an imported document, on the real server: it links the original, which the
server hands out as it was imported (its SHA-256 checked, never run as a page of this site), and it
shows where each page of a PDF begins."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import ROOT
from server import Server, running_server

IMPORT = Path(__file__).parent / "fixtures" / "import"


def _kg(*args: str, cwd: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "kg_builder", *args], cwd=cwd, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr


def _pdf(pages: list[list[str]]) -> bytes:
    """A small PDF whose pages hold these lines in its text layer (Helvetica, one line under another)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for lines in pages:
        ops = "".join(f"BT /F1 11 Tf 72 {720 - 16 * n} Td ({line}) Tj ET\n" for n, line in enumerate(lines))
        objects.append(f"<< /Length {len(ops)} >>\nstream\n{ops}endstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {len(objects)} 0 R "
                       "/Resources << /Font << /F1 3 0 R >> >> >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out, offsets = "%PDF-1.4\n", []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n" + "".join(f"{o:010d} 00000 n \n" for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("latin-1")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reader") / "project"
    for name in ("ontology", "corpus", "queries"):
        shutil.copytree(ROOT / name, root / name)
    _kg("add", str(IMPORT / "pdf" / "dmca_summary.pdf"), "--stem", "dmca", "--kind", "news", "--language", "en",
        cwd=root)
    _kg("add", str(IMPORT / "html" / "T-distributed_stochastic_neighbor_embedding.html"), "--stem", "tsne", cwd=root)
    report = root / "report.pdf"
    report.write_bytes(_pdf([["A report on the campaign of the Western Desert.", "The first page tells of the plans."],
                             ["The Battle of Gazala began on 26 May 1942.", "Erwin Rommel commanded the Axis forces."]]))
    _kg("add", str(report), "--stem", "report", "--kind", "news", "--language", "en", "--title",
        "Report on the Western Desert", cwd=root)
    _kg("build", cwd=root)
    return root


@pytest.fixture(scope="module")
def server(project: Path) -> Iterator[Server]:
    with running_server(project) as s:
        yield s


def test_the_reader_links_the_original_and_shows_page_breaks(server: Server) -> None:
    page = httpx.get(server.url + "/id/source/dmca", timeout=60)
    assert page.status_code == 200
    assert 'href="/originals/dmca.pdf"' in page.text and "(pdf, SHA-256" in page.text
    breaks = re.findall(r'<span class="page-break" id="page-(\d+)" data-page="\1"', page.text)
    assert breaks == [str(n) for n in range(1, 19)]


def test_an_original_is_served_as_imported(server: Server, project: Path) -> None:
    pdf = httpx.get(server.url + "/originals/dmca.pdf", timeout=30)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content == (IMPORT / "pdf" / "dmca_summary.pdf").read_bytes()
    assert pdf.headers["content-disposition"].startswith("inline")
    assert pdf.headers["content-security-policy"] == "sandbox"
    # A saved web page is a download: its scripts never run as a page of this site.
    html = httpx.get(server.url + "/originals/tsne.html", timeout=30)
    assert html.status_code == 200 and html.headers["content-disposition"].startswith("attachment")
    assert hashlib.sha256(html.content).hexdigest() == hashlib.sha256(
        (project / "corpus" / "originals" / "tsne.html").read_bytes()).hexdigest()


def test_only_recorded_unchanged_originals_are_served(server: Server, project: Path) -> None:
    for name in ("unknown.pdf", "..%2Fdmca.txt", "%2E%2E%2F%2E%2E%2Fpyproject.toml", "dmca.txt"):
        assert httpx.get(f"{server.url}/originals/{name}", timeout=30).status_code == 404, name
    original = project / "corpus" / "originals" / "tsne.html"
    kept = original.read_bytes()
    try:
        original.write_bytes(kept + b"<!-- changed -->")
        changed = httpx.get(server.url + "/originals/tsne.html", timeout=30)
        assert changed.status_code == 409 and "kg build" in changed.text
    finally:
        original.write_bytes(kept)


def test_a_claim_of_a_pdf_cites_its_page(server: Server, project: Path) -> None:
    query = """PREFIX kgo: <https://w3id.org/kg-builder/ontology#> PREFIX oa: <http://www.w3.org/ns/oa#>
               PREFIX schema: <https://schema.org/>
               SELECT ?c ?page WHERE { ?c kgo:property ?p ; oa:hasTarget ?t . ?t oa:hasSource ?s ; schema:pagination ?page .
               FILTER(STRENDS(STR(?s), "/source/report")) } ORDER BY ?c LIMIT 1"""
    answer = httpx.post(server.url + "/sparql", data={"query": query},
                        headers={"Accept": "application/sparql-results+json"}, timeout=60).json()
    [row] = answer["results"]["bindings"]
    claim, page = row["c"]["value"], row["page"]["value"]
    assert page == "2"  # the facts are on the report's second page
    html = httpx.get(server.url + "/id/" + claim.split("/id/", 1)[1], timeout=60).text
    assert f"page {page}, characters" in html or f"pages {page}, characters" in html
