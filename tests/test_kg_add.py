"""`kg add` through the real command: a Wikipedia page as wikitext and as its Special:Export XML, and
Markdown, become corpus documents with sidecars and originals, which `kg build` then reads; bad input
names the file and writes nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path
from xml.sax.saxutils import escape

import yaml
from conftest import RunKg

FIXTURE = Path(__file__).parent / "fixtures" / "import" / "wikitext" / "Battle_of_Gazala.wiki"


def _export(wikitext: str, title: str) -> str:
    return (f'<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" xml:lang="en"><siteinfo>'
            f"<sitename>Wikipedia</sitename><base>https://en.wikipedia.org/wiki/Main_Page</base></siteinfo>"
            f"<page><title>{escape(title)}</title><revision><id>42</id><timestamp>2026-10-01T12:00:00Z</timestamp>"
            f'<text xml:space="preserve">{escape(wikitext)}</text></revision></page></mediawiki>')


def _infobox(text: str) -> list[str]:
    block = text.split("\nInfobox\n", 1)[1].split("\n\n", 1)[0]
    return block.splitlines()


def test_an_export_becomes_a_document_a_sidecar_and_its_original(tmp_project: Path, run_kg: RunKg) -> None:
    export = tmp_project / "Battle_of_Gazala.xml"
    export.write_text(_export(FIXTURE.read_text(encoding="utf-8"), "Battle of Gazala"), encoding="utf-8")
    r = run_kg("add", str(export), cwd=tmp_project)
    assert r.returncode == 0, r.stderr
    corpus = tmp_project / "corpus"
    meta = yaml.safe_load((corpus / "battle_of_gazala.meta.yaml").read_text(encoding="utf-8"))
    assert meta["title"] == "Battle of Gazala" and meta["kind"] == "encyclopedia" and meta["language"] == "en"
    assert meta["publisher"] == "Wikipedia" and meta["url"] == "https://en.wikipedia.org/wiki/Battle_of_Gazala"
    assert meta["revision"] == "42" and meta["published"] == "2026-10-01"
    original = corpus / meta["original"]
    assert original.read_bytes() == export.read_bytes()
    assert meta["sha256"] == hashlib.sha256(export.read_bytes()).hexdigest()
    assert "author" in r.stderr  # the fields the source does not state are named
    text = (corpus / "battle_of_gazala.txt").read_text(encoding="utf-8")
    lines = _infobox(text)
    assert "- Combatant1: United Kingdom, India" in lines
    assert "- Commander2: Erwin Rommel, Ugo Cavallero (KIA)" in lines
    assert "- Strength1: 175,000 men, 843 tanks" in lines
    assert not any(mark in text for mark in ("{{", "}}", "[[", "<ref", "px", "'''", "<!--", "Category:"))
    assert "== References ==" not in text and "- Siege of Tobruk" in text
    # kg build reads it like any other document.
    r = run_kg("build", cwd=tmp_project)
    assert r.returncode == 0, r.stderr
    dataset = (tmp_project / "graph" / "dataset.trig").read_text(encoding="utf-8")
    assert "battle_of_gazala" in dataset and "erwin-rommel" in dataset


def test_wikitext_and_its_export_give_the_same_document(tmp_project: Path, run_kg: RunKg) -> None:
    export = tmp_project / "export.xml"
    export.write_text(_export(FIXTURE.read_text(encoding="utf-8"), "Battle of Gazala"), encoding="utf-8")
    assert run_kg("add", str(FIXTURE), "--stem", "from_wiki", "--language", "en", cwd=tmp_project).returncode == 0
    assert run_kg("add", str(export), "--stem", "from_xml", cwd=tmp_project).returncode == 0
    corpus = tmp_project / "corpus"
    from_wiki, from_xml = (corpus / "from_wiki.txt").read_text(encoding="utf-8"), (corpus / "from_xml.txt").read_text(
        encoding="utf-8")
    assert from_wiki == from_xml


def test_nothing_is_overwritten_and_bad_input_writes_nothing(tmp_project: Path, run_kg: RunKg) -> None:
    corpus = tmp_project / "corpus"
    before = sorted(p.name for p in corpus.rglob("*"))
    redirect = tmp_project / "Gazala.wiki"
    redirect.write_text("#REDIRECT [[Battle of Gazala]]\n", encoding="utf-8")
    binary = tmp_project / "scan.bin"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    for path, message in ((redirect, "only a redirect"), (binary, "binary file")):
        r = run_kg("add", str(path), cwd=tmp_project)
        assert r.returncode != 0 and str(path.name) in r.stderr and message in r.stderr, r.stderr
    assert sorted(p.name for p in corpus.rglob("*")) == before
    assert run_kg("add", str(FIXTURE), "--stem", "gazala", cwd=tmp_project).returncode == 0
    text = (corpus / "gazala.txt").read_bytes()
    again = run_kg("add", str(FIXTURE), "--stem", "gazala", cwd=tmp_project)
    assert again.returncode != 0 and "exists already" in again.stderr
    assert (corpus / "gazala.txt").read_bytes() == text


def test_markdown_takes_its_title_from_the_first_heading(tmp_project: Path, run_kg: RunKg) -> None:
    note = tmp_project / "notes.md"
    note.write_text("# Notes on the Battle of Gazala\n\nThe battle began on 26 May 1942.\n\n## Sources\n\n* Playfair\n",
                    encoding="utf-8")
    r = run_kg("add", str(note), "--kind", "news", "--language", "en", cwd=tmp_project)
    assert r.returncode == 0, r.stderr
    corpus = tmp_project / "corpus"
    text = (corpus / "notes_on_the_battle_of_gazala.txt").read_text(encoding="utf-8")
    assert text.startswith("= Notes on the Battle of Gazala =\n") and "== Sources ==" in text and "- Playfair" in text
    meta = yaml.safe_load((corpus / "notes_on_the_battle_of_gazala.meta.yaml").read_text(encoding="utf-8"))
    assert meta["format"] == "markdown" and meta["kind"] == "news"


def test_a_broken_annex_stops_the_build_naming_it(tmp_project: Path, run_kg: RunKg) -> None:
    """The annex (links and pages) must fit its document's text; a hand-edited one that does not is
    named, and graph/ stays as it was."""
    assert run_kg("add", str(FIXTURE), "--stem", "gazala", "--language", "en", cwd=tmp_project).returncode == 0
    annex = tmp_project / "corpus" / "gazala.annex.json"
    graph = {p.name: p.read_bytes() for p in (tmp_project / "graph").iterdir()}
    for broken, message in (('{"links": [[5, 999999, "Tobruk"]], "pages": []}', "link 1 is not"),
                            ('{"links": [], "pages": [[10, "2"], [0, "1"]]}', "page 2 is not"),
                            ("{not json", "not readable JSON")):
        annex.write_text(broken, encoding="utf-8")
        r = run_kg("build", cwd=tmp_project)
        assert r.returncode == 3 and "gazala.annex.json" in r.stderr and message in r.stderr, r.stderr
        assert {p.name: p.read_bytes() for p in (tmp_project / "graph").iterdir()} == graph


def test_an_export_whose_pages_would_share_a_name_writes_nothing(tmp_project: Path, run_kg: RunKg) -> None:
    page = escape(FIXTURE.read_text(encoding="utf-8"))
    two = _export(FIXTURE.read_text(encoding="utf-8"), "Battle of Gazala").replace(
        "</page>", f"</page><page><title>Battle of  Gazala</title><revision><text>{page}</text></revision></page>")
    export = tmp_project / "two.xml"
    export.write_text(two, encoding="utf-8")
    corpus = tmp_project / "corpus"
    before = sorted(p.name for p in corpus.rglob("*"))
    r = run_kg("add", str(export), cwd=tmp_project)
    assert r.returncode != 0 and "two documents would be named 'battle_of_gazala'" in r.stderr, r.stderr
    assert sorted(p.name for p in corpus.rglob("*")) == before
