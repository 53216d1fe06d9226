"""The only module that chains the stages: read -> parse -> extract -> resolve -> compare -> to RDF
-> reason -> validate -> serialise -> write."""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from rdflib import Graph

from . import storage
from .config import Settings
from .conflicts import compare_claims
from .errors import ValidationError
from .extract import DocumentExtraction, extract_document, make_extractor
from .models import BuildReport, Claim, Document, Mention, Quantity
from .namespaces import GRAPH_ANALYSIS, GRAPH_ENTITIES, GRAPH_INFERRED, GRAPH_ONTOLOGY, source_graph
from .parse import parse_document
from .reason import apply_owl_rl, reasoning_input
from .resolve import resolve_entities
from .serialize import merge, to_trig, to_turtle, turtle_and_count
from .to_rdf import analysis_graph, entities_graph, new_graph, source_graph_for
from .validate import check_shapes

__all__ = ["Progress", "BuildResult", "build_graph", "run_build", "GRAPH_FILES"]

Progress = Callable[[str, str | None], None]
GRAPH_FILES = ("asserted.ttl", "inferred.ttl", "dataset.trig", "build.json")


def _silent(stage: str, item: str | None) -> None:
    return None


@dataclass
class BuildResult:
    """The built graphs, their serialisations and a report."""

    graphs: list[Graph]
    inferred: Graph
    files: dict[str, bytes]
    report: BuildReport
    extractions: list[DocumentExtraction] = field(default_factory=list)


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


def build_graph(settings: Settings, documents: list[Document], *, reasoner: str = "owlrl",
                progress: Progress = _silent, validate: bool = True) -> BuildResult:
    """Build every graph from documents already read. Pure apart from the clock."""
    timer = _Timer()
    documents = sorted(documents, key=lambda d: d.doc_id)
    with timer.stage("extract"):
        extractor = make_extractor(settings)
        extractions = []
        for doc in documents:
            progress("extract", doc.doc_id)
            extractions.append(extract_document(parse_document(doc), extractor))
    with timer.stage("resolve"):
        progress("resolve", None)
        corpus = resolve_entities(extractions, settings.registry)
    with timer.stage("compare"):
        progress("compare", None)
        comparisons = compare_claims(list(corpus.claims))
    with timer.stage("rdf"):
        progress("rdf", None)
        ontology = new_graph(GRAPH_ONTOLOGY)
        ontology.parse(data=storage.read_text(settings.ontology_file), format="turtle")
        rules = sorted({c.rule for c in corpus.claims} | {m.rule for m in corpus.mentions})
        units = sorted({c.value.unit for c in corpus.claims if isinstance(c.value, Quantity) and c.value.unit})
        graphs = [ontology, entities_graph(corpus.entities, documents, rules, units, GRAPH_ENTITIES)]
        claims_of: dict[str, list[Claim]] = defaultdict(list)
        mentions_of: dict[str, list[Mention]] = defaultdict(list)
        for c in corpus.claims:
            claims_of[c.doc_id].append(c)
        for m in corpus.mentions:
            mentions_of[m.doc_id].append(m)
        for doc in documents:
            graphs.append(source_graph_for(doc, claims_of[doc.doc_id], mentions_of[doc.doc_id],
                                           source_graph(doc.doc_id)))
        graphs.append(analysis_graph(comparisons, GRAPH_ANALYSIS))
    with timer.stage("reason"):
        progress("reason", None)
        inferred = new_graph(GRAPH_INFERRED)
        for t in apply_owl_rl(reasoning_input(ontology, graphs[1:]), reasoner):
            inferred.add(t)
    if validate:
        with timer.stage("validate"):
            progress("validate", None)
            shapes = Graph().parse(data=storage.read_text(settings.shapes_file), format="turtle")
            # The ontology is left out: the inferred graph already holds every superclass the shapes target.
            report = check_shapes(merge(graphs[1:] + [inferred]), shapes)
            if not report.conforms:
                raise ValidationError(
                    f"the built graph breaks {report.violations} SHACL constraint(s):\n{report.text}",
                    path=settings.shapes_file,
                    hint="fix the rule or data that produced these resources; graph/ was left unchanged",
                )
    with timer.stage("serialise"):
        progress("serialise", None)
        asserted_ttl, asserted_count = turtle_and_count(graphs)
        files: dict[str, bytes] = {
            "asserted.ttl": asserted_ttl,
            "inferred.ttl": to_turtle(inferred),
            "dataset.trig": to_trig(graphs + [inferred]),
        }
    types = Counter(t for e in corpus.entities for t in e.types)
    report_ = BuildReport(
        documents=len(documents),
        entities_by_type=tuple(sorted(types.items())),
        claims=len(corpus.claims),
        mentions=len(corpus.mentions),
        conflicts=sum(1 for c in comparisons if not c.agree),
        corroborations=sum(1 for c in comparisons if c.agree),
        asserted_triples=asserted_count,
        inferred_triples=len(inferred),
        seconds_by_stage=tuple(timer.seconds.items()),
        warnings=tuple(w for x in extractions for w in x.warnings),
    )
    manifest = {
        "documents": {d.doc_id: hashlib.sha256(d.text.encode("utf-8")).hexdigest() for d in documents},
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
        "counts": {
            "documents": report_.documents,
            "entities": dict(report_.entities_by_type),
            "claims": report_.claims,
            "mentions": report_.mentions,
            "conflicts": report_.conflicts,
            "corroborations": report_.corroborations,
            "asserted_triples": report_.asserted_triples,
            "inferred_triples": report_.inferred_triples,
        },
        "reasoner": reasoner,
    }
    manifest["build_id"] = hashlib.sha256(json.dumps(manifest["files"], sort_keys=True).encode()).hexdigest()[:16]
    files["build.json"] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")
    return BuildResult(graphs=graphs, inferred=inferred, files=files, report=report_, extractions=extractions)


def run_build(settings: Settings, *, reasoner: str = "owlrl", max_bytes: int = storage.DEFAULT_MAX_BYTES,
              progress: Progress = _silent, write: bool = True) -> BuildResult:
    """Read the corpus, build, and (unless ``write`` is false) replace graph/ atomically."""
    t0 = time.perf_counter()
    progress("read", None)
    documents = storage.read_corpus(settings.corpus_dir, max_bytes)
    read_seconds = time.perf_counter() - t0
    result = build_graph(settings, documents, reasoner=reasoner, progress=progress)
    if write:
        t1 = time.perf_counter()
        progress("write", None)
        storage.write_graph_dir(settings.graph_dir, result.files)
        write_seconds = time.perf_counter() - t1
        result.report = BuildReport(**{**result.report.__dict__, "seconds_by_stage": (
            ("read", read_seconds), *result.report.seconds_by_stage, ("write", write_seconds))})
    return result
