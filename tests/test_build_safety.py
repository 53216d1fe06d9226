"""What an outside tester found a build would do with hostile or unlucky input, each now refused or
handled, on throwaway copies of the project (the real corpus/ and graph/ are never touched):

* file names with spaces, non-ASCII and ``"<>`` mint valid IRIs: the graph loads in pyoxigraph and rdflib;
* a sidecar URL that is not RFC 3986/3987 (``<``, ``>``, spaces...) is an input error (exit 3);
* a document or sidecar that is a symbolic link out of corpus/ is refused (exit 3);
* a copy of a document is reported and never corroborates the document it copies;
* comparisons of many documents about one subject grow with the claims, not with their square;
* a bad language tag is an input error (exit 3), an unwritable graph/ a storage error (exit 5);
* every error class has the exit code the README documents.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest
from conftest import ROOT, RunKg
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF

from kg_builder import errors, storage
from kg_builder.config import Settings
from kg_builder.conflicts import ALL_PAIRS_UP_TO
from kg_builder.errors import SidecarError
from kg_builder.models import Document, DocumentMeta
from kg_builder.serialize import merge
from kg_builder.namespaces import (
    GRAPH_ANALYSIS,
    KG,
    KGO,
    claim_iri,
    iri_segment,
    mention_iri,
    source_graph,
    source_iri,
)
from kg_builder.pipeline import BuildResult, build_graph, find_duplicates

EXIT_CONFIG, EXIT_INPUT, EXIT_STORAGE = 2, 3, 5
SEED = "001_403a1b3586fb42dd"
SIDECAR = "title: A test document\nkind: news\nlanguage: en\n"
TEXT = "Iran recaptured Khorramshahr on 24 May 1982, after two days of fighting.\n"


def snapshot(project: Path) -> dict[str, str]:
    """sha256 of every file under graph/ (or of graph itself when it is a file)."""
    graph = project / "graph"
    if graph.is_file():
        return {"graph": hashlib.sha256(graph.read_bytes()).hexdigest()}
    return {str(p.relative_to(graph)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(graph.rglob("*")) if p.is_file()}


def add_document(project: Path, name: str, text: str = TEXT, sidecar: str = SIDECAR) -> Path:
    doc = project / "corpus" / f"{name}.txt"
    doc.write_text(text, encoding="utf-8")
    doc.with_suffix(".meta.yaml").write_text(sidecar, encoding="utf-8")
    return doc


def refused(project: Path, run_kg: RunKg, code: int, *args: str) -> str:
    """Run kg build, require ``code``, a one-line error, no traceback and graph/ as it was; give stderr."""
    before = snapshot(project)
    result = run_kg("build", "-q", *args, cwd=project)
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("error: "), result.stderr
    assert snapshot(project) == before, "a refused build changed graph/"
    return result.stderr


def load_everywhere(trig: bytes) -> tuple[pyoxigraph.Store, Dataset]:
    """The dataset as kg serve loads it (pyoxigraph) and as the tests and exports read it (rdflib)."""
    store = pyoxigraph.Store()
    store.load(trig, format=pyoxigraph.RdfFormat.TRIG)
    dataset = Dataset()
    dataset.parse(data=trig.decode("utf-8"), format="trig")
    return store, dataset


# --- file names mint valid IRIs --------------------------------------------------------------------

ODD_NAME = 'Khorramshahr خرمشهر "<liberated>" & {24 May}'


def test_a_file_named_with_spaces_non_ascii_and_markup_builds_a_graph_that_loads(tmp_project: Path,
                                                                                  run_kg: RunKg) -> None:
    sidecar = SIDECAR.replace("language: en", "language: fa-IR") + "url: https://fa.wikipedia.org/wiki/خرمشهر\n"
    add_document(tmp_project, ODD_NAME, sidecar=sidecar)
    result = run_kg("build", "-q", cwd=tmp_project)
    assert result.returncode == 0, result.stderr
    trig = (tmp_project / "graph" / "dataset.trig").read_bytes()
    store, dataset = load_everywhere(trig)  # either raises on an invalid IRI

    odd = source_iri(ODD_NAME)
    assert str(odd) == ("https://w3id.org/kg-builder/id/source/Khorramshahr%20%D8%AE%D8%B1%D9%85%D8%B4%D9%87%D8%B1"
                        "%20%22%3Cliberated%3E%22%20&%20%7B24%20May%7D")
    assert list(store.quads_for_pattern(pyoxigraph.NamedNode(str(odd)), None, None))
    assert any(g.identifier == source_graph(ODD_NAME) for g in dataset.graphs())
    stated = pyoxigraph.NamedNode(str(KGO.statedIn))
    claims = [q.subject.value for q in store.quads_for_pattern(None, stated, pyoxigraph.NamedNode(str(odd)))]
    assert claims and all(c.startswith(f"{KG}claim/Khorramshahr%20%D8%AE") for c in claims), claims
    mentions = {str(s) for g in dataset.graphs() for s in g.subjects() if "/mention/" in str(s) and "%3C" in str(s)}
    assert mentions and all(m.startswith(f"{KG}mention/Khorramshahr%20") for m in mentions)
    # An ordinary name keeps the IRI it always had, so the committed graph/ does not change.
    assert list(store.quads_for_pattern(pyoxigraph.NamedNode(f"{KG}source/{SEED}"), None, None))

    again = run_kg("build", "--check", "-q", cwd=tmp_project)
    assert again.returncode == 0, again.stderr  # and the build stays deterministic


def test_iri_segment_keeps_ordinary_names_and_encodes_the_rest() -> None:
    for stem in (SEED, "000_3db1e93812c13289", "enc_kursk", "news-1.v2", "a~b_c"):
        assert iri_segment(stem) == stem
        assert str(source_iri(stem)) == f"{KG}source/{stem}"
        assert str(mention_iri(stem, 1, 5)) == f"{KG}mention/{stem}-1-5"
        assert str(claim_iri(stem, "x")).startswith(f"{KG}claim/{stem}-")
    assert iri_segment("a b") == "a%20b"
    assert iri_segment("a%20b") == "a%2520b", "a literal '%' is encoded, so two names never mint one IRI"
    assert iri_segment("#?/<>\"{}|\\^`") == "%23%3F%2F%3C%3E%22%7B%7D%7C%5C%5E%60"
    assert iri_segment("é") == "%C3%A9"


def test_a_file_name_that_is_not_utf8_is_refused(tmp_project: Path, run_kg: RunKg) -> None:
    corpus = os.fsencode(tmp_project / "corpus")
    for suffix in (b".txt", b".meta.yaml"):
        with open(corpus + b"/caf\xe9" + suffix, "wb") as fh:
            fh.write((TEXT if suffix == b".txt" else SIDECAR).encode())
    stderr = refused(tmp_project, run_kg, EXIT_INPUT)
    assert "the file name is not valid UTF-8" in stderr and "rename" in stderr


# --- sidecar URLs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "https://example.org/a<b", "https://example.org/a>b", 'https://example.org/"quoted"', "https://example.org/a b",
    "https://example.org/{x}", "https://example.org/100%", "https://example.org:99999/", "https://exa mple.org/",
    "https://example.org/\u202eevil", "mailto:editor@example.org",
], ids=["lt", "gt", "quote", "space", "braces", "bare-percent", "port", "host", "bidi", "not-http"])
def test_a_sidecar_url_that_is_not_rfc3987_is_refused_with_its_line(tmp_project: Path, run_kg: RunKg,
                                                                    url: str) -> None:
    doc = add_document(tmp_project, "bad_url", sidecar=SIDECAR + f"url: {json.dumps(url)}\n")
    stderr = refused(tmp_project, run_kg, EXIT_INPUT)
    assert f"error: {doc.with_suffix('.meta.yaml')}:4: url must be an http(s) URL (RFC 3986/3987)" in stderr
    assert repr(url) in stderr or json.dumps(url)[1:-1] in stderr


@pytest.mark.parametrize("url", [
    "https://en.wikipedia.org/wiki/Liberation_of_Khorramshahr_(1982)", "https://fa.wikipedia.org/wiki/خرمشهر",
    "http://例え.jp/パス?q=1#top", "https://example.org/a%3Cb%3E", "HTTPS://EXAMPLE.ORG/", "http://[2001:db8::1]:8080/x",
])
def test_a_valid_iri_in_a_sidecar_is_accepted(tmp_path: Path, url: str) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text(TEXT, encoding="utf-8")
    doc.with_suffix(".meta.yaml").write_text(SIDECAR + f"url: {json.dumps(url)}\n", encoding="utf-8")
    assert storage.read_document(doc).meta.url == url


# --- symbolic links --------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["document-to-etc-passwd", "document-to-another-folder", "sidecar"])
def test_a_symlink_out_of_the_corpus_is_refused(tmp_path: Path, tmp_project: Path, run_kg: RunKg,
                                                which: str) -> None:
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("title: secret\nkind: news\nlanguage: en\n" if which == "sidecar" else TEXT, encoding="utf-8")
    corpus = tmp_project / "corpus"
    if which == "sidecar":
        (corpus / "linked.txt").write_text(TEXT, encoding="utf-8")
        link = corpus / "linked.meta.yaml"
        link.symlink_to(outside)
    else:
        link = corpus / "linked.txt"
        link.symlink_to("/etc/passwd" if which == "document-to-etc-passwd" else outside)
        (corpus / "linked.meta.yaml").write_text(SIDECAR, encoding="utf-8")
    stderr = refused(tmp_project, run_kg, EXIT_INPUT)
    assert f"error: {link}: this is a symbolic link to {link.resolve()}, outside the corpus folder" in stderr
    assert "root:" not in stderr


def test_a_symlink_that_stays_inside_the_corpus_is_followed(tmp_project: Path) -> None:
    corpus = tmp_project / "corpus"
    (corpus / "archive").mkdir()
    (corpus / "archive" / "kept.txt").write_text(TEXT, encoding="utf-8")
    (corpus / "linked.txt").symlink_to(Path("archive") / "kept.txt")
    (corpus / "linked.meta.yaml").write_text(SIDECAR, encoding="utf-8")
    docs = {d.doc_id: d for d in storage.read_corpus(corpus)}
    assert docs["linked"].text == TEXT


def test_the_source_reader_s_file_access_follows_the_same_rules(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / f"{ODD_NAME}.txt").write_text(TEXT, encoding="utf-8")
    (corpus / "linked.txt").symlink_to("/etc/passwd")
    assert storage.read_corpus_text(corpus, f"{ODD_NAME}.txt") == TEXT
    for name in ("linked.txt", "../corpus/linked.txt", ".hidden.txt"):
        with pytest.raises(errors.InputError):
            storage.read_corpus_text(corpus, name)


# --- copies of a document --------------------------------------------------------------------------


def test_a_copy_of_a_document_is_reported_and_never_corroborates(tmp_project: Path, run_kg: RunKg,
                                                                 seed_result: BuildResult) -> None:
    corpus = tmp_project / "corpus"
    original = corpus / f"{SEED}.txt"
    copy = corpus / "zz_copy.txt"
    shutil.copy(original, copy)
    (corpus / "zz_copy.meta.yaml").write_text(SIDECAR.replace("A test document", "The same piece, syndicated"),
                                              encoding="utf-8")
    crlf = corpus / "zz_crlf.txt"  # the same text saved with other line endings is a copy too
    crlf.write_bytes(original.read_bytes().replace(b"\n", b"\r\n"))
    (corpus / "zz_crlf.meta.yaml").write_text(SIDECAR, encoding="utf-8")

    result = run_kg("build", cwd=tmp_project)
    assert result.returncode == 0, result.stderr
    for dup in (copy, crlf):
        assert f"warning: {dup}: the same text as {original}; left out of the build" in result.stderr
    manifest = json.loads((tmp_project / "graph" / "build.json").read_text(encoding="utf-8"))
    assert manifest["duplicates"] == {"zz_copy": SEED, "zz_crlf": SEED}
    report = seed_result.report
    assert manifest["counts"]["documents"] == report.documents == 3
    assert (manifest["counts"]["corroborations"], manifest["counts"]["conflicts"]) == (
        report.corroborations, report.conflicts), "a copy must not add agreements or conflicts"

    _, dataset = load_everywhere((tmp_project / "graph" / "dataset.trig").read_bytes())
    text = (tmp_project / "graph" / "dataset.trig").read_text(encoding="utf-8")
    assert "zz_copy" not in text and "zz_crlf" not in text
    analysis = dataset.graph(GRAPH_ANALYSIS)
    assert len(analysis) == len(next(g for g in seed_result.graphs if g.identifier == GRAPH_ANALYSIS))


def test_find_duplicates_keeps_the_first_by_id(tmp_path: Path) -> None:
    meta = DocumentMeta(title="t", kind="news", language="en")
    docs = [Document(doc_id=i, path=f"{i}.txt", text=t, meta=meta)
            for i, t in (("c", "Same  text.\n"), ("a", "Same text."), ("b", "Other text."))]
    kept, copies = find_duplicates(docs)
    assert [d.doc_id for d in kept] == ["a", "b"]
    assert [(c.doc_id, o.doc_id) for c, o in copies] == [("c", "a")]


# --- comparisons grow with the claims, not with their square ---------------------------------------

DOCUMENTS = 300


def synthetic_account(i: int) -> str:
    """Account ``i`` of one battle: casualty figures repeat one of three values, strengths and dates
    are its own, so one build has keys compared all against all and keys with too many values."""
    killed, wounded, captured = (8_000, 7_000, 10_000)[i % 3], (15_000, 12_000)[i % 2], (19_000, 18_000, 20_000)[i % 3]
    return (
        "= Battle of Khorramshahr (1982) =\n\nInfobox\n- Conflict: Second Battle of Khorramshahr\n"
        f"- Date: {1 + i % 28} April – 24 May {1982 if i % 2 else 1983}\n"
        "- Place: Khorramshahr, Khuzestan, Iran\n- Combatant1: Iraq\n- Combatant2: Iran\n"
        f"- Strength1: {50_000 + 10 * i:,} troops, {100 + i} tanks\n"
        f"- Casualties1: {killed:,} killed, {wounded:,} wounded, {captured:,} captured\n"
        f"- Casualties2: {12_000 + (i % 2) * 3_000:,} killed\n\n"
        f"This is account number {i} of the Second Battle of Khorramshahr, which ended on 24 May 1982.\n"
    )


def test_comparisons_of_300_documents_about_one_subject_are_linear_in_the_claims(tmp_path: Path,
                                                                                  settings: Settings) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(DOCUMENTS):
        (corpus / f"account_{i:03d}.txt").write_text(synthetic_account(i), encoding="utf-8")
        (corpus / f"account_{i:03d}.meta.yaml").write_text(SIDECAR.replace("news", "encyclopedia"), encoding="utf-8")
    # Validation is left out: it is not what this measures, and pySHACL alone would triple the time.
    result = build_graph(settings, storage.read_corpus(corpus), validate=False)
    r = result.report
    comparisons = r.corroborations + r.conflicts
    assert r.documents == DOCUMENTS and r.claims >= 10 * DOCUMENTS
    # All pairs of claims of different sources would be about 45,000 per compared figure.
    assert comparisons <= 2 * r.claims, (comparisons, r.claims)

    analysis = merge([next(g for g in result.graphs if g.identifier == GRAPH_ANALYSIS)])
    nodes = set(analysis.subjects(RDF.type, KGO.Comparison))
    assert len(nodes) == comparisons
    direct = sum(1 for _ in analysis.triples((None, KGO.corroborates, None))) + sum(
        1 for _ in analysis.triples((None, KGO.conflictsWith, None)))
    assert direct <= 10 * r.claims, (direct, r.claims)
    assert len(analysis) <= 40 * r.claims, (len(analysis), r.claims)

    # A figure that 300 sources give in three values: three agreements and three comparisons.
    deaths = _comparisons_about(analysis, result, "numberOfDeaths", "iraq")
    assert sorted(deaths.values()) == ["Agreement"] * 3 + ["Disagreement"] * 3, deaths
    # Each source's own figure: compared with its neighbours and the most stated one, and said so.
    assert any(f"numberOfParticipants (side iraq): {DOCUMENTS} different values" in w for w in r.warnings), r.warnings
    _every_conflict_names_two_claims_of_two_sources(analysis, result)


def _claims(result: BuildResult) -> Graph:
    merged = Graph()
    for g in result.graphs:
        if str(g.identifier).startswith(str(KG) + "graph/source/"):
            for t in g:
                merged.add(t)
    return merged


def _comparisons_about(analysis: Graph, result: BuildResult, prop: str, side: str) -> dict[URIRef, str]:
    claims = _claims(result)
    wanted = {c for c in claims.subjects(KGO.property, KGO[prop])
              if (c, KGO.claimSide, KG[f"entity/{side}"]) in claims}
    found = {}
    for node in analysis.subjects(RDF.type, KGO.Comparison):
        if set(analysis.objects(node, KGO.comparedClaim)) <= wanted:
            kind = "Agreement" if (node, RDF.type, KGO.Agreement) in analysis else "Disagreement"
            found[node] = kind
    return found


def _every_conflict_names_two_claims_of_two_sources(analysis: Graph, result: BuildResult) -> None:
    claims = _claims(result)
    for node in analysis.subjects(RDF.type, KGO.Disagreement):
        compared = list(analysis.objects(node, KGO.comparedClaim))
        assert len(compared) == 2, node
        sources = {claims.value(c, KGO.statedIn) for c in compared}
        assert len(sources) == 2 and None not in sources, (node, sources)


def test_all_pairs_limit_is_small_enough_to_stay_linear() -> None:
    # Up to the limit every pair of values is compared: ALL_PAIRS_UP_TO squared over 2 per key at most.
    assert ALL_PAIRS_UP_TO * (ALL_PAIRS_UP_TO - 1) // 2 <= 200


# --- language tags ---------------------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["en_US", "english language", "e", "fa-", "123", "en-US-x", "abcdefghi"])
def test_a_bad_language_tag_is_refused_with_its_line(tmp_project: Path, run_kg: RunKg, tag: str) -> None:
    doc = add_document(tmp_project, "bad_language",
                       sidecar=SIDECAR.replace("language: en", f"language: {json.dumps(tag)}"))
    stderr = refused(tmp_project, run_kg, EXIT_INPUT)
    assert f"error: {doc.with_suffix('.meta.yaml')}:3: language must be a BCP 47 language tag" in stderr
    assert repr(tag) in stderr


@pytest.mark.parametrize("tag", ["en", "fa", "fa-IR", "zh-Hant-TW", "de-CH-1901", "sgn-BE-FR", "x-private", "EN-gb"])
def test_a_well_formed_language_tag_is_accepted(tmp_path: Path, tag: str) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text(TEXT, encoding="utf-8")
    doc.with_suffix(".meta.yaml").write_text(SIDECAR.replace("language: en", f"language: {tag}"), encoding="utf-8")
    assert storage.read_document(doc).meta.language == tag


def test_a_bad_language_of_a_registry_label_is_a_configuration_error(tmp_project: Path, run_kg: RunKg) -> None:
    registry = tmp_project / "ontology" / "entities.yaml"
    text = registry.read_text(encoding="utf-8")
    assert "labels: {fa: " in text
    registry.write_text(text.replace("labels: {fa: ", "labels: {fa_IR: ", 1), encoding="utf-8")
    stderr = refused(tmp_project, run_kg, EXIT_CONFIG)
    assert "label language 'fa_IR' is not a BCP 47 language tag" in stderr


def test_a_sidecar_error_is_an_input_error() -> None:
    assert issubclass(SidecarError, errors.InputError) and SidecarError.exit_code == EXIT_INPUT


# --- graph/ that cannot be written -----------------------------------------------------------------
# The tests run as root, whom file modes do not stop: each case below fails for root as well.


def _limit_file_size() -> None:
    """In the child: no file may grow past 64 KiB (the graph's files are larger), as on a full disk."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


@pytest.mark.parametrize("how", ["graph-is-a-file", "lock-is-a-folder", "disk-full", "read-only-mount"])
def test_a_graph_dir_that_cannot_be_written_is_a_storage_error(tmp_project: Path, run_kg: RunKg, how: str) -> None:
    graph = tmp_project / "graph"
    env = {k: v for k, v in os.environ.items() if k != "KG_ROOT"}
    command = [sys.executable, "-m", "kg_builder", "build", "-q"]
    preexec = None
    if how == "graph-is-a-file":
        shutil.rmtree(graph)
        graph.write_text("not a folder\n", encoding="utf-8")
    elif how == "lock-is-a-folder":
        (tmp_project / ".graph.lock").mkdir()
    elif how == "disk-full":
        preexec = _limit_file_size
    else:
        if shutil.which("unshare") is None:
            pytest.skip("unshare (util-linux) is not installed")
        # A mount namespace of its own (private: nothing leaks out) where the project is read-only.
        script = ('mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" "$1" || exit 99; '
                  'cd "$1" && exec "$0" -m kg_builder build -q')
        command = ["unshare", "-m", "--propagation", "private", "sh", "-c", script, sys.executable, str(tmp_project)]
    before = snapshot(tmp_project)
    done = subprocess.run(command, cwd=tmp_project, env=env, capture_output=True, text=True, timeout=300,
                          preexec_fn=preexec)
    if how == "read-only-mount" and done.returncode in (1, 99) and "kg_builder" not in done.stderr:
        pytest.skip(f"no read-only bind mount here (needs CAP_SYS_ADMIN): {done.stderr.strip()}")
    assert done.returncode == EXIT_STORAGE, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    assert re.match(r"error: \S+: (cannot write the graph|this is not a folder)", done.stderr), done.stderr
    assert "hint: " in done.stderr
    assert snapshot(tmp_project) == before, "what was at graph/ must be left as it was"
    assert not [p.name for p in tmp_project.iterdir() if p.name.startswith(".graph-tmp-")]


# --- every error has its documented exit code ------------------------------------------------------


def test_every_error_class_has_the_exit_code_the_readme_documents() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("Exit codes:"):readme.index("Whatever fails")]
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", table, re.MULTILINE)}
    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.KgError)]
    assert len(classes) == len(errors.__all__)
    assert {c.exit_code for c in classes} <= documented, {c.__name__: c.exit_code for c in classes}
    expected = {"ConfigError": 2, "OptionError": 2, "InputError": 3, "SidecarError": 3, "InfoboxError": 3,
                "ValidationError": 4, "StorageError": 5, "QueryError": 7, "NotFound": 8, "NetworkError": 9,
                "WorkerError": 10}
    assert {name: getattr(errors, name).exit_code for name in expected} == expected


@pytest.mark.parametrize("broken", ["kg.ttl", "shapes.ttl"])
def test_a_malformed_ontology_file_is_a_configuration_error_with_its_line(tmp_project: Path, run_kg: RunKg,
                                                                          broken: str) -> None:
    path = tmp_project / "ontology" / broken
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if not line.startswith(("@prefix", "#")) and line.strip()) + 1
    lines.insert(at, "kgo:broken kgo:x kgo:y kgo:z .\n")
    path.write_text("".join(lines), encoding="utf-8")
    stderr = refused(tmp_project, run_kg, EXIT_CONFIG)
    assert re.search(rf"error: {re.escape(str(path))}:\d+: invalid Turtle", stderr), stderr


def test_a_missing_ontology_file_is_a_configuration_error(tmp_project: Path, run_kg: RunKg) -> None:
    (tmp_project / "ontology" / "shapes.ttl").unlink()
    stderr = refused(tmp_project, run_kg, EXIT_CONFIG)
    assert "shapes.ttl" in stderr
