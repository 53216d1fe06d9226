"""Where the per-document stages run: in this process, in a pool of processes over the machine's
cores (``kg build --jobs N``), or on a Dask cluster (``--executor dask --scheduler tcp://HOST:8786``:
a laptop, a cluster or Kubernetes), with finished documents taken from the extraction cache.

The stage (parse, then extract) is a pure function of the document and the settings, so the result
is the same whichever way it runs, and in the order of the documents.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from .cache import ExtractionCache
from .config import Settings
from .errors import NetworkError, WorkerError
from .extract import DocumentExtraction, Extractor, extract_document, make_extractor
from .models import Document
from .parse import parse_document

__all__ = ["default_jobs", "extract_all", "extract_one"]

# Below this many documents to extract per worker, starting the workers costs more than it saves
# (each compiles the registry, the lexicon and the gazetteers).
MIN_PER_WORKER = 8

_worker: tuple[Extractor, tuple[str, ...]] | None = None


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _short_titles(settings: Settings) -> tuple[str, ...]:
    # Short titles end in a full stop that ends no sentence ("Brig. Gen. X"): the lexicon lists them.
    return tuple(str(k) for k in settings.lexicon.get("title_abbreviations") or {} if str(k).endswith("."))


def extract_one(doc: Document, extractor: Extractor, short: tuple[str, ...]) -> DocumentExtraction:
    """The per-document stage: the document parsed, then its mentions, claims and names."""
    return extract_document(parse_document(doc, short), extractor)


def _start_worker(settings: Settings) -> None:
    global _worker
    _worker = (make_extractor(settings), _short_titles(settings))


def _in_worker(doc: Document) -> DocumentExtraction:
    assert _worker is not None, "the worker was started without its settings"
    return extract_one(doc, *_worker)


def _pooled(settings: Settings, docs: list[Document], jobs: int) -> list[DocumentExtraction]:
    try:
        with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(settings,)) as pool:
            return list(pool.map(_in_worker, docs, chunksize=max(1, len(docs) // (jobs * 4))))
    except BrokenProcessPool as e:
        raise WorkerError("a worker process of the build died (killed, or out of memory); graph/ was left "
                      "unchanged", hint="run kg build again, or with --jobs 1") from e


def _dask_task(doc: Document, settings: Settings) -> DocumentExtraction:
    """One document on a Dask worker, whose extractor is compiled once and kept for its next tasks."""
    if _worker is None:
        _start_worker(settings)
    return _in_worker(doc)


def _on_dask(settings: Settings, docs: list[Document], scheduler: str) -> list[DocumentExtraction]:
    from distributed import Client
    from distributed.scheduler import KilledWorker

    try:
        client = Client(scheduler, timeout="15s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as e:
        raise NetworkError(f"cannot reach the Dask scheduler at {scheduler}: {e}; graph/ was left unchanged",
                           hint="start one (dask scheduler, then dask worker tcp://HOST:8786), or build without "
                                "--executor dask") from e
    with client:
        shared = client.scatter(settings, broadcast=True)
        futures = client.map(_dask_task, docs, settings=shared, pure=False)
        try:
            return list(client.gather(futures))
        except KilledWorker as e:
            raise WorkerError(f"a Dask worker died while extracting a document ({e}); graph/ was left unchanged",
                          hint="run kg build again, or build without --executor dask") from e


def extract_all(settings: Settings, documents: list[Document], *, jobs: int = 1,
                cache: ExtractionCache | None = None,
                progress: Callable[[str, str | None], None] = lambda stage, item: None,
                scheduler: str | None = None) -> list[DocumentExtraction]:
    """Every document's extraction, in order: from the cache where it holds one, else computed (on
    the Dask cluster of ``scheduler`` if one is given, in ``jobs`` processes when there are enough
    documents for it, else here) and put in the cache."""
    found: list[DocumentExtraction | None] = [cache.get(doc) if cache else None for doc in documents]
    todo = [doc for doc, x in zip(documents, found, strict=True) if x is None]
    if scheduler is not None and todo:
        progress("extract", f"{len(todo)} documents on the Dask cluster at {scheduler}")
        computed = _on_dask(settings, todo, scheduler)
    elif jobs > 1 and len(todo) >= MIN_PER_WORKER * 2:
        progress("extract", f"{len(todo)} documents in {min(jobs, len(todo))} processes")
        computed = _pooled(settings, todo, jobs)
    else:
        extractor, short = make_extractor(settings), _short_titles(settings)
        computed = []
        for doc in todo:
            progress("extract", doc.doc_id)
            computed.append(extract_one(doc, extractor, short))
    fresh = iter(computed)
    out = []
    for doc, x in zip(documents, found, strict=True):
        if x is None:
            x = next(fresh)
            if cache is not None:
                cache.put(doc, x)
        out.append(x)
    return out
