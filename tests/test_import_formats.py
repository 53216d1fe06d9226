"""`kg add` on real documents of every format it reads (tests/fixtures/import/, see its README): a
saved Wikipedia page and a body-only render, wikitext, two news pages of different sites, a PDF. Each
gives its document, sidecar and original, with the metadata the source states and clean infobox
lines; the build reads them all, every quote is found at its offsets, and a PDF's quotes cite their
page. Bad input names the file and writes nothing."""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import yaml
from conftest import ROOT, RunKg
from rdflib import Dataset, Namespace, URIRef

IMPORT = Path(__file__).parent / "fixtures" / "import"
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")
# What flattening by hand used to leave in infobox lines: templates, links, markup, image sizes.
RESIDUE = re.compile(r"\{\{|\}\}|\[\[|\]\]|<[a-z/]|\d+px|'''|&[a-z]+;|\*|\x00|\x01|\x02|\x03")

DOCUMENTS = {  # corpus name -> (fixture, options)
    "rolica": ("wikitext/Battle_of_Roliça.wiki", ("--language", "en")),
    "mount_elba": ("wikitext/Battle_of_Mount_Elba.wiki", ("--language", "en")),
    "ons5": ("html/Convoy_ONS_5.html", ("--language", "en")),
    "tsne": ("html/T-distributed_stochastic_neighbor_embedding.html", ()),
    "globalvoices": ("news/de.globalvoices.org.nicaragua.html", ()),
    "wmf": ("news/wikimediafoundation.org.turkey.html", ()),
    "dmca": ("pdf/dmca_summary.pdf", ("--kind", "news", "--language", "en")),
}


def _kg(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**{k: v for k, v in os.environ.items() if k != "KG_ROOT"}, "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "kg_builder", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=env)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose corpus is the seeds and every fixture document, imported and built."""
    project = tmp_path_factory.mktemp("import") / "project"
    for name in ("ontology", "corpus"):
        shutil.copytree(ROOT / name, project / name)
    for stem, (fixture, options) in DOCUMENTS.items():
        r = _kg("add", str(IMPORT / fixture), "--stem", stem, *options, cwd=project)
        assert r.returncode == 0, r.stderr
    # The two formats no fixture file has: an article's wikitext in Special:Export XML, and Markdown.
    wikitext = (IMPORT / "wikitext" / "Battle_of_Gazala.wiki").read_text(encoding="utf-8")
    (project / "gazala.xml").write_text(
        '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" xml:lang="en"><siteinfo><sitename>Wikipedia'
        "</sitename><base>https://en.wikipedia.org/wiki/Main_Page</base></siteinfo><page><title>Battle of Gazala"
        f"</title><revision><id>1</id><text>{escape(wikitext)}</text></revision></page></mediawiki>", encoding="utf-8")
    (project / "notes.md").write_text("# Notes on Mount Elba\n\nColonel Powell Clayton led the raid on 30 March "
                                      "1864.\n\n## Sources\n\n* Official Records\n", encoding="utf-8")
    for stem, path, options in (("gazala_export", "gazala.xml", ()), ("notes", "notes.md", ("--kind", "news",
                                                                                         "--language", "en"))):
        r = _kg("add", str(project / path), "--stem", stem, *options, cwd=project)
        assert r.returncode == 0, r.stderr
    r = _kg("build", cwd=project)
    assert r.returncode == 0, r.stderr
    return project


def _meta(project: Path, stem: str) -> dict[str, object]:
    data = yaml.safe_load((project / "corpus" / f"{stem}.meta.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _text(project: Path, stem: str) -> str:
    return (project / "corpus" / f"{stem}.txt").read_text(encoding="utf-8")


def _infobox(text: str) -> list[str]:
    return text.split("\nInfobox\n", 1)[1].split("\n\n", 1)[0].splitlines()


def _annex(project: Path, stem: str) -> dict[str, list[list[object]]]:
    data = json.loads((project / "corpus" / f"{stem}.annex.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_every_document_keeps_its_original_byte_for_byte(imported: Path) -> None:
    for stem, (fixture, _) in DOCUMENTS.items():
        meta = _meta(imported, stem)
        original = imported / "corpus" / str(meta["original"])
        assert original.read_bytes() == (IMPORT / fixture).read_bytes(), stem
        assert meta["sha256"] == hashlib.sha256(original.read_bytes()).hexdigest()


def test_a_saved_wikipedia_page_gives_its_metadata_text_and_links(imported: Path) -> None:
    meta = _meta(imported, "tsne")
    assert meta["format"] == "wikipedia-html" and meta["kind"] == "encyclopedia"
    assert meta["title"] == "t-distributed stochastic neighbor embedding"
    assert meta["url"] == "https://en.wikipedia.org/wiki/T-distributed_stochastic_neighbor_embedding"
    assert (meta["language"], meta["licence"], meta["publisher"]) == ("en", "CC BY-SA 3.0", "Wikipedia")
    assert (meta["revision"], meta["published"], meta["wikidata"]) == ("922985267", "2019-10-25", "Q18387205")
    text = _text(imported, "tsne")
    assert "developed by Laurens van der Maaten and Geoffrey Hinton" in text
    assert "[edit]" not in text and not re.search(r"\[\d+\]", text) and "== References ==" not in text
    links = {(text[s:e], target) for s, e, target in _annex(imported, "tsne")["links"]}  # type: ignore[misc]
    assert ("Geoffrey Hinton", "Geoffrey Hinton") in links


def test_a_rendered_battle_article_gives_clean_infobox_lines(imported: Path) -> None:
    lines = _infobox(_text(imported, "ons5"))
    assert not [line for line in lines if RESIDUE.search(line)], lines
    for expected in ("- Conflict: Convoy ONS 5", "- Partof: World War II", "- Place: North Atlantic",
                     "- Combatant1: Germany", "- Commander1: Admiral Karl Dönitz", "- Strength2: 42 ships, 7 escorts"):
        assert expected in lines, lines
    assert _meta(imported, "ons5")["title"] == "Convoy ONS 5"  # a body-only render: the title from the file


def test_wikitext_articles_give_clean_infobox_lines(imported: Path) -> None:
    for stem in ("rolica", "mount_elba"):
        lines = _infobox(_text(imported, stem))
        assert len(lines) >= 8 and not [line for line in lines if RESIDUE.search(line)], lines
    rolica = _infobox(_text(imported, "rolica"))
    assert "- Combatant1: United Kingdom, Portugal" in rolica
    assert "- Combatant2: French Empire, Swiss Confederation" in rolica
    assert "- Date: 17 August 1808" in rolica and not any(line.startswith("- Image") for line in rolica)


def test_news_pages_of_two_sites_give_main_text_and_metadata(imported: Path) -> None:
    gv = _meta(imported, "globalvoices")
    assert gv["format"] == "web-page" and gv["kind"] == "news"
    assert gv["title"] == ("Ein Jahr voller Proteste: Nicaraguaner wollen nicht mehr nur den Rücktritt Ortegas, "
                           "sondern einen Neuanfang")  # without the site's name that the page title adds
    assert (gv["author"], gv["published"], gv["publisher"]) == ("Elisa Marvena", "2019-04-30",
                                                               "Global Voices auf Deutsch")
    assert (gv["language"], gv["licence"]) == ("de", "CC BY 3.0")
    assert str(gv["url"]).startswith("https://de.globalvoices.org/2019/04/30/")
    wmf = _meta(imported, "wmf")
    assert (wmf["published"], wmf["licence"], wmf["publisher"]) == ("2020-01-15", "CC BY-SA 3.0",
                                                                    "Wikimedia Foundation")
    text = _text(imported, "wmf")
    assert text.startswith("= Access to Wikipedia restored in Turkey after more than two and a half years =\n")
    assert "Constitutional Court of Turkey" in text
    # Navigation, the page's footer and its comment form are left out.
    for boilerplate in ("Skip to content", "Privacy Policy", "Leave a Reply"):
        assert boilerplate not in text and boilerplate not in _text(imported, "globalvoices")


def test_a_pdf_keeps_the_page_of_every_character(imported: Path) -> None:
    meta = _meta(imported, "dmca")
    assert meta["format"] == "pdf" and meta["title"] == "The Digital Millennium Copyright Act of 1998"
    assert meta["author"] == "United States Copyright Office - jmf"
    text = _text(imported, "dmca")
    pages = _annex(imported, "dmca")["pages"]
    assert [label for _, label in pages] == [str(n) for n in range(1, 19)]
    starts = [int(str(s)) for s, _ in pages]
    assert starts[0] == 0 and starts == sorted(starts) and starts[-1] < len(text)
    # The words that open page 2 of the PDF start where the annex says page 2 starts.
    assert text[starts[1]:].startswith("TITLE I:")


def test_every_quote_of_the_imported_documents_is_found_at_its_offsets(imported: Path) -> None:
    ds = Dataset(default_union=True)
    ds.parse(imported / "graph" / "dataset.trig", format="trig")
    texts = {stem: _text(imported, stem) for stem in (*DOCUMENTS, "gazala_export", "notes")}
    pages = [(int(str(s)), str(label)) for s, label in _annex(imported, "dmca")["pages"]]
    checked = paged = 0
    for target in set(ds.subjects(OA.hasSource, None)):
        source = str(ds.value(target, OA.hasSource))
        stem = source.rsplit("/", 1)[-1]
        if stem not in texts:
            continue
        selectors = list(ds.objects(target, OA.hasSelector))
        exact = next(str(ds.value(s, OA.exact)) for s in selectors if ds.value(s, OA.exact) is not None)
        position = next(s for s in selectors if ds.value(s, OA.start) is not None)
        start, end = int(ds.value(position, OA.start)), int(ds.value(position, OA.end))  # type: ignore[arg-type]
        assert texts[stem][start:end] == exact, (stem, start, end, exact)
        checked += 1
        page = ds.value(target, SCHEMA.pagination)
        assert (page is not None) == (stem == "dmca"), (stem, start)
        if page is not None:
            first = [label for s, label in pages if s <= start][-1]
            assert str(page).split("–")[0] == first
            paged += 1
    assert checked > 100 and paged > 0
    assert {stem for stem in texts if f"/source/{stem}" in " ".join(str(s) for s in ds.objects(None, OA.hasSource))} \
        == set(texts)  # every format gave claims or mentions


def test_the_graph_records_each_original(imported: Path) -> None:
    ds = Dataset(default_union=True)
    ds.parse(imported / "graph" / "dataset.trig", format="trig")
    source = URIRef("https://w3id.org/kg-builder/id/source/dmca")
    original = ds.value(source, PROV.wasDerivedFrom)
    assert original is not None
    assert str(ds.value(original, SCHEMA.encodingFormat)) == "application/pdf"
    assert str(ds.value(original, SCHEMA.name)) == "dmca.pdf"
    assert str(ds.value(original, SCHEMA.sha256)) == hashlib.sha256(
        (IMPORT / DOCUMENTS["dmca"][0]).read_bytes()).hexdigest()
    tsne = URIRef("https://w3id.org/kg-builder/id/source/tsne")
    assert ds.value(tsne, SCHEMA.about) == URIRef("http://www.wikidata.org/entity/Q18387205")
    assert str(ds.value(ds.value(tsne, PROV.wasDerivedFrom), SCHEMA.contentUrl)) == (
        "https://en.wikipedia.org/wiki/T-distributed_stochastic_neighbor_embedding")
    # A linked article is written as Wikidata writes a sitelink: the article is about the entity.
    article = URIRef("https://en.wikipedia.org/wiki/Geoffrey_Hinton")
    assert ds.value(article, SCHEMA.about) is not None


@pytest.mark.parametrize(("make", "message"), [
    (lambda d: (IMPORT / "pdf" / "scan_without_text_layer.pdf").read_bytes(), "needs OCR"),
    (lambda d: (IMPORT / "pdf" / "password_protected.pdf").read_bytes(), "encrypted"),
    (lambda d: b"<!DOCTYPE html><html><head><title>Menu</title></head><body><nav><a href='/'>Home</a>"
               b"<a href='/news'>News</a></nav><footer>(c) 2026</footer></body></html>", "no main text"),
], ids=["scan", "password", "no-main-text"])
def test_bad_documents_name_the_file_and_write_nothing(tmp_project: Path, run_kg: RunKg, make, message) -> None:  # type: ignore[no-untyped-def]
    corpus = tmp_project / "corpus"
    before = sorted(p.name for p in corpus.rglob("*"))
    bad = tmp_project / ("page.html" if message == "no main text" else "document.pdf")
    bad.write_bytes(make(tmp_project))
    r = run_kg("add", str(bad), "--language", "en", cwd=tmp_project)
    assert r.returncode != 0 and bad.name in r.stderr and message in r.stderr, r.stderr
    assert sorted(p.name for p in corpus.rglob("*")) == before


FLATTENED = IMPORT / "flattened"


def _eval(corpus: Path, cwd: Path) -> dict[str, object]:
    r = _kg("eval", str(FLATTENED / "gold.tsv"), "--corpus", str(corpus), "--json", cwd=cwd)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert isinstance(report, dict)
    return report


def test_imported_articles_give_as_many_and_as_right_claims_as_hand_flattened(tmp_path: Path) -> None:
    """The same articles, imported by kg add from their wikitext and HTML, and flattened by hand (the
    gold of tests/fixtures/import/flattened/ quotes the hand-flattened text): kg eval finds at least as
    many gold facts in the imported ones, and their typed claims are at least as often right."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "ontology", project / "ontology")
    (project / "corpus").mkdir()
    for stem, fixture in (("r1_battle_of_rolica", "wikitext/Battle_of_Roliça.wiki"),
                          ("r2_battle_of_mount_elba", "wikitext/Battle_of_Mount_Elba.wiki"),
                          ("r3_convoy_ons_5", "html/Convoy_ONS_5.html")):
        r = _kg("add", str(IMPORT / fixture), "--stem", stem, "--language", "en", cwd=project)
        assert r.returncode == 0, r.stderr
    for stem in ("r1_battle_of_rolica", "r2_battle_of_mount_elba", "r3_convoy_ons_5"):
        mine, hand = _text(project, stem), (FLATTENED / f"{stem}.txt").read_text(encoding="utf-8")
        assert _infobox(mine) == _infobox(hand), stem  # the same lines a person wrote, from wikitext and HTML
        if stem != "r3_convoy_ons_5":  # r3 was flattened by hand to its lead only
            assert difflib.SequenceMatcher(None, mine, hand, autojunk=False).ratio() > 0.97, stem
    imported, by_hand = _eval(project / "corpus", project), _eval(FLATTENED, project)
    overall_i, overall_h = imported["overall"], by_hand["overall"]
    assert isinstance(overall_i, dict) and isinstance(overall_h, dict)
    assert overall_i["total"] == overall_h["total"] and overall_i["matched"] >= overall_h["matched"] > 0
    precision_i = {p["doc"]: p for p in imported["precision"]}  # type: ignore[attr-defined]
    precision_h = {p["doc"]: p for p in by_hand["precision"]}  # type: ignore[attr-defined]
    assert set(precision_i) == set(precision_h) == {"r1", "r2"}
    for doc, hand in precision_h.items():
        mine = precision_i[doc]
        # As right: no more false claims than the hand-flattened text gives, and as many right ones.
        assert mine["matched"] >= hand["matched"] and mine["total"] - mine["matched"] <= hand["total"] - hand["matched"]
