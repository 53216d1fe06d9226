"""The only module that chains the stages: read -> parse -> extract -> resolve -> compare -> to RDF
-> reason -> validate -> serialise -> write."""

from __future__ import annotations

import hashlib
import json
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from rdflib import Graph

from . import storage
from .cache import CACHE_DIR, ExtractionCache, Remember, compute_always, fingerprint
from .config import Settings
from .conflicts import judge_claims
from .errors import ConfigError, StorageError, ValidationError
from .executor import extract_all
from .extract import DocumentExtraction
from .models import BuildReport, Claim, Comparison, Document, Mention, Quantity
from .namespaces import GRAPH_ANALYSIS, GRAPH_ENTITIES, GRAPH_INFERRED, GRAPH_ONTOLOGY, source_graph
from .reason import apply_owl_rl, reasoning_input
from .resolve import ResolvedCorpus, resolve_entities
from .serialize import PRETTY_UP_TO, NTriples, merge, to_trig, to_turtle, turtle_and_count
from .to_rdf import analysis_graph, entities_graph, source_graph_for
from .triples import NamedTriples, Triples
from .validate import ShapeReport, check_shapes, check_shapes_text, choose_validator

__all__ = ["GRAPH_FILES", "LAYOUTS", "BuildResult", "Progress", "build_graph", "find_duplicates", "run_build"]

Progress = Callable[[str, str | None], None]
GRAPH_FILES = ("asserted.ttl", "inferred.ttl", "dataset.trig", "build.json")
# How the graph files are laid out: pretty Turtle/TriG, one triple a line, or (auto) pretty for a file
# of up to PRETTY_UP_TO triples and one triple a line above.
LAYOUTS = ("auto", "pretty", "lines")


def _silent(stage: str, item: str | None) -> None:
    return None


@dataclass
class BuildResult:
    """The built graphs, their serialisations and a report."""

    graphs: list[NamedTriples]  # the ontology (an rdflib Graph), then the built graphs
    inferred: Triples
    files: dict[str, bytes]
    report: BuildReport
    extractions: list[DocumentExtraction] = field(default_factory=list)
    # extraction cache hits, misses, entries found broken, and the cross-document stages reused
    cache: tuple[int, int, tuple[str, ...], tuple[str, ...]] | None = None


class _Timer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - t0


def _content_key(text: str) -> str:
    """What makes two documents the same text: equal after NFC and with runs of white space made one,
    so that a copy saved with other line endings or a trailing newline is still a copy."""
    return hashlib.sha256(" ".join(unicodedata.normalize("NFC", text).split()).encode("utf-8")).hexdigest()


def find_duplicates(documents: list[Document]) -> tuple[list[Document], list[tuple[Document, Document]]]:
    """The documents to build, and (copy, original) for each whose text an earlier one (by id) has.

    A copy is not a second witness. Built as a source, every figure in it would corroborate the
    original's and count twice against every other source (28 corroborations became 70 with a
    copy of each seed document). It is left out rather than kept and grouped with its original:
    it holds no claim, quote or offset that the original does not, and a source in the graph that
    must stay out of the comparisons would mislead every query that counts sources. The report,
    build.json and ``kg build`` name each copy and the document it repeats.
    """
    first: dict[str, Document] = {}
    kept: list[Document] = []
    copies: list[tuple[Document, Document]] = []
    for doc in sorted(documents, key=lambda d: d.doc_id):
        original = first.setdefault(_content_key(doc.text), doc)
        if original is doc:
            kept.append(doc)
        else:
            copies.append((doc, original))
    return kept, copies


def _turtle_file(path: Path, graph: Graph) -> Graph:
    """Parse an ontology/ file into ``graph``; a missing or malformed one is a configuration error."""
    try:
        text = storage.read_text(path)
    except StorageError as e:
        raise ConfigError(e.message, path=path, hint="ontology/ is part of the project: restore the file") from e
    try:
        return graph.parse(data=text, format="turtle")
    except SyntaxError as e:  # rdflib's BadSyntax, with the 0-based line of the problem
        line = getattr(e, "lines", None)
        raise ConfigError(f"invalid Turtle: {getattr(e, '_why', e)}", path=path,
                          line=line + 1 if isinstance(line, int) else None) from e


def _copy_warnings(copies: list[tuple[Document, Document]]) -> list[str]:
    return [f"{copy.path}: the same text as {original.path}; left out of the build, since a copy is not an "
            "independent source" for copy, original in copies]


def _manifest(report: BuildReport, documents: list[Document], files: dict[str, bytes], reasoner: str) -> bytes:
    """build.json: what was built from what, with ids and file names only, so it is the same anywhere."""
    manifest = {
        "documents": {d.doc_id: hashlib.sha256(d.text.encode("utf-8")).hexdigest() for d in documents},
        "duplicates": dict(report.duplicates),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
        "counts": {
            "documents": report.documents,
            "entities": dict(report.entities_by_type),
            "claims": report.claims,
            "mentions": report.mentions,
            "conflicts": report.conflicts,
            "corroborations": report.corroborations,
            "asserted_triples": report.asserted_triples,
            "inferred_triples": report.inferred_triples,
        },
        "reasoner": reasoner,
    }
    manifest["build_id"] = hashlib.sha256(json.dumps(manifest["files"], sort_keys=True).encode()).hexdigest()[:16]
    return (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _data_graphs(corpus: ResolvedCorpus, documents: list[Document],
                 comparisons: Sequence[Comparison]) -> list[NamedTriples]:
    """The entity graph, one graph per source, and the analysis graph."""
    rules = sorted({c.rule for c in corpus.claims} | {m.rule for m in corpus.mentions})
    units = sorted({c.value.unit for c in corpus.claims if isinstance(c.value, Quantity) and c.value.unit})
    graphs: list[NamedTriples] = [entities_graph(corpus.entities, documents, rules, units, GRAPH_ENTITIES)]
    claims_of: dict[str, list[Claim]] = defaultdict(list)
    mentions_of: dict[str, list[Mention]] = defaultdict(list)
    for c in corpus.claims:
        claims_of[c.doc_id].append(c)
    for m in corpus.mentions:
        mentions_of[m.doc_id].append(m)
    for doc in documents:
        graphs.append(source_graph_for(doc, claims_of[doc.doc_id], mentions_of[doc.doc_id], source_graph(doc.doc_id)))
    graphs.append(analysis_graph(comparisons, GRAPH_ANALYSIS))
    return graphs


def _validate(settings: Settings, graphs: list[NamedTriples], validator: str, progress: Progress,
              lines: NTriples, remember: Remember) -> None:
    """SHACL validation of the data graphs with what reasoning added; ValidationError when it fails.
    The Rust engine reads the graphs as N-Triples (the lines the large files are written from);
    pySHACL needs them merged into one rdflib graph."""
    shapes = _turtle_file(settings.shapes_file, Graph())
    chosen = choose_validator(validator, sum(len(g) for g in graphs), shapes, str(settings.shapes_file))
    progress("validate", f"with {chosen}")

    def check() -> ShapeReport:
        if chosen == "shacl":
            return check_shapes_text(lines.stream(graphs), shapes)
        return check_shapes(merge(graphs), shapes, chosen)

    # The input, whole: each graph's lines are sorted and the graphs come in their order, so one
    # input always gives one key (a part at a time, so the text is not held twice). The shapes are
    # ontology/ files, in every key already (and their blank nodes are new at every parse).
    given = chain([chosen], ("".join(lines.lines(g)) for g in graphs))
    report = remember("validate", given, check, ShapeReport)
    if not report.conforms:
        raise ValidationError(
            f"the built graph breaks {report.violations} SHACL constraint(s):\n{_abridged(report.text)}",
            path=settings.shapes_file,
            hint="fix the rule or data that produced these resources; graph/ was left unchanged",
        )


def _abridged(text: str, keep: int = 60) -> str:
    """The report's first lines: a rule gone wrong on a large corpus breaks a shape 100,000 times,
    and a message of that many lines buries its own first line."""
    lines = text.splitlines()
    more = f"\n... and {len(lines) - keep} more lines of the report" if len(lines) > keep else ""
    return "\n".join(lines[:keep]) + more


def _serialise(graphs: list[NamedTriples], inferred: Triples, lines: NTriples,
               layout: str) -> tuple[dict[str, bytes], int]:
    """asserted.ttl, inferred.ttl and dataset.trig, and the number of asserted triples, in ``layout``
    (see LAYOUTS and serialize)."""
    def pretty(triples: int) -> bool:
        return layout == "pretty" or (layout == "auto" and triples <= PRETTY_UP_TO)

    size = sum(len(g) for g in graphs)  # a triple in two graphs counts twice: an upper bound, cheap
    if pretty(size):
        asserted_ttl, asserted_count = turtle_and_count(graphs)
    else:
        asserted_ttl = lines.document(graphs)
        asserted_count = asserted_ttl.count(b"\n")
    inferred_ttl = to_turtle(inferred) if pretty(len(inferred)) else lines.document([inferred])
    dataset = [*graphs, inferred]
    trig = to_trig(dataset) if pretty(size + len(inferred)) else lines.trig(dataset)
    return {"asserted.ttl": asserted_ttl, "inferred.ttl": inferred_ttl, "dataset.trig": trig}, asserted_count


Extract = Callable[[list[Document]], list[DocumentExtraction]]


def build_graph(settings: Settings, documents: list[Document], *, reasoner: str = "owlrl",
                progress: Progress = _silent, validate: bool = True, extract: Extract | None = None,
                validator: str = "auto", layout: str = "auto", remember: Remember = compute_always) -> BuildResult:
    """Build every graph from documents already read. Pure apart from the clock, and ``extract``, the
    per-document stage (by default in this process; run_build may give one with a cache and a pool,
    which gives the same extractions)."""
    if layout not in LAYOUTS:  # before the work, not after it
        raise ConfigError(f"unknown layout {layout!r}", hint="choose one of " + ", ".join(LAYOUTS))
    timer = _Timer()
    documents, copies = find_duplicates(documents)
    with timer.stage("extract"):
        extractions = (extract or (lambda docs: extract_all(settings, docs, progress=progress)))(documents)
    with timer.stage("resolve"):
        progress("resolve", None)
        corpus = resolve_entities(extractions, settings.registry)
    with timer.stage("compare"):
        progress("compare", None)
        judgement = judge_claims(list(corpus.claims))
        comparisons = judgement.comparisons
    with timer.stage("rdf"):
        progress("rdf", None)
        ontology = _turtle_file(settings.ontology_file, Graph(identifier=GRAPH_ONTOLOGY))
        graphs = [ontology, *_data_graphs(corpus, documents, comparisons)]
    with timer.stage("reason"):
        progress("reason", None)
        given = reasoning_input(ontology, graphs[1:])
        key = [reasoner, *NTriples().lines(given)]
        inferred = Triples(GRAPH_INFERRED, remember("reason", key, lambda: apply_owl_rl(given, reasoner), set))
    lines = NTriples()
    if validate:
        with timer.stage("validate"):
            # The ontology is left out: the inferred graph holds every superclass the shapes target.
            _validate(settings, [*graphs[1:], inferred], validator, progress, lines, remember)
    with timer.stage("serialise"):
        progress("serialise", None)
        files, asserted_count = _serialise(graphs, inferred, lines, layout)
    types = Counter(t for e in corpus.entities for t in e.types)
    report_ = BuildReport(
        documents=len(documents), entities_by_type=tuple(sorted(types.items())), claims=len(corpus.claims),
        mentions=len(corpus.mentions), conflicts=sum(1 for c in comparisons if not c.agree),
        corroborations=sum(1 for c in comparisons if c.agree), asserted_triples=asserted_count,
        inferred_triples=len(inferred), seconds_by_stage=tuple(timer.seconds.items()),
        warnings=(*_copy_warnings(copies), *(w for x in extractions for w in x.warnings), *judgement.warnings),
        duplicates=tuple((copy.doc_id, original.doc_id) for copy, original in copies),
    )
    files["build.json"] = _manifest(report_, documents, files, reasoner)
    return BuildResult(graphs=graphs, inferred=inferred, files=files, report=report_, extractions=extractions)


def run_build(settings: Settings, *, reasoner: str = "owlrl", max_bytes: int = storage.DEFAULT_MAX_BYTES,
              progress: Progress = _silent, write: bool = True, jobs: int = 1, use_cache: bool = True,
              validator: str = "auto", scheduler: str | None = None, layout: str = "auto") -> BuildResult:
    """Read the corpus, build, and (unless ``write`` is false) replace graph/ atomically. Each
    document's extraction is taken from ``.kg-cache/`` where it holds one (unless ``use_cache`` is
    false), and computed in ``jobs`` processes (or on the Dask cluster of ``scheduler``) otherwise."""
    t0 = time.perf_counter()
    progress("read", None)
    documents = storage.read_corpus(settings.corpus_dir, max_bytes)
    cache = ExtractionCache(settings.root / CACHE_DIR, fingerprint(settings.ontology_dir)) if use_cache else None
    read_seconds = time.perf_counter() - t0
    result = build_graph(settings, documents, reasoner=reasoner, progress=progress, validator=validator, layout=layout,
                         remember=cache.remember if cache is not None else compute_always,
                         extract=lambda docs: extract_all(settings, docs, jobs=jobs, cache=cache, progress=progress,
                                                          scheduler=scheduler))
    if cache is not None:
        result.cache = (cache.hits, cache.misses, tuple(cache.broken), tuple(cache.reused))
        if write:
            cache.prune()
    if write:
        t1 = time.perf_counter()
        progress("write", None)
        storage.write_graph_dir(settings.graph_dir, result.files)
        write_seconds = time.perf_counter() - t1
        result.report = BuildReport(**{**result.report.__dict__, "seconds_by_stage": (
            ("read", read_seconds), *result.report.seconds_by_stage, ("write", write_seconds))})
    return result
