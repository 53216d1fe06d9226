"""The query worker: a separate process that holds its own Oxigraph store of the dataset.

It reads requests from a pipe and answers each with ``(status, payload)``: ``("ok", Answer)``,
``("error", (error class name, message, hint))``, or ``("retire", ...)`` for an error after which
the process should not be trusted (it then exits, and the pool starts a new one). Everything that
can take time or memory happens here, under the pool's time limit: reading the query's terminals
(the guard), content negotiation by the query's form, Oxigraph's parse, evaluation and serialising.
The process runs without network access and under a memory limit (``sandbox.py``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib.term import Node

from ..errors import KgError, QueryError, QueryOverMemory, QuerySyntaxError
from .engine import Answer, run_query
from .guard import check_query, check_update, unescape
from .negotiate import negotiate

if TYPE_CHECKING:
    import pyoxigraph as ox

__all__ = ["QueryRequest", "WorkerConfig", "handle", "serve"]


@dataclass(frozen=True)
class QueryRequest:
    """One query or update, as a worker runs it. The result format is ``media_type`` when the caller
    knows it, else it is negotiated from ``accept`` and ``fmt`` once the query's form is known."""

    text: str
    inferred: bool = True
    bindings: tuple[tuple[str, Node], ...] = ()
    media_type: str | None = None
    accept: str | None = None
    fmt: str | None = None
    update: bool = False
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class WorkerConfig:
    """What every worker is started with."""

    dataset: str
    max_rows: int
    own_graphs: frozenset[str]
    memory_bytes: int  # how much a worker may map beyond its loaded store; 0 for no limit


Reply = tuple[str, object]


def _error(e: BaseException, status: str = "error") -> Reply:
    if isinstance(e, KgError):
        return status, (type(e).__name__, e.message, e.hint)
    name = QuerySyntaxError.__name__ if isinstance(e, SyntaxError) else QueryError.__name__
    return status, (name, str(e), None)


def handle(store: ox.Store, req: QueryRequest, config: WorkerConfig) -> Reply:
    """Answer one request on ``store``."""
    try:
        text = unescape(req.text)
        if req.update:
            check_update(text)
            store.update(text)
            return "ok", None
        info = check_query(text, config.own_graphs)
        media = req.media_type or negotiate(info.form, req.accept, req.fmt)
        answer: Answer = run_query(store, text, inferred=req.inferred, bindings=dict(req.bindings),
                                   media_type=media, max_rows=config.max_rows, dataset_clause=info.dataset_clause,
                                   default_graphs=list(req.default_graphs) or None,
                                   named_graphs=list(req.named_graphs) or None)
        return "ok", answer
    except (KgError, RuntimeError, ValueError, SyntaxError, TypeError) as e:  # Oxigraph's evaluation errors
        return _error(e)
    except MemoryError:
        return _error(QueryOverMemory("the query needed more memory than a worker may use, and was stopped",
                                      hint="narrow it (LIMIT, more specific patterns, no ORDER BY over a large "
                                           "product)"), "retire")
    except OSError as e:  # Oxigraph's I/O errors: answer, then let the pool start a fresh worker
        return _error(QueryError(f"the query failed: {e}"), "retire")


def _loop(conn: Connection, store: ox.Store, config: WorkerConfig, problem: str | None) -> None:
    from .sandbox import limit_memory

    if config.memory_bytes:
        limit_memory(config.memory_bytes)
    conn.send(("ready", problem))
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        if req is None:
            return
        status, payload = handle(store, req, config)
        conn.send((status, payload))
        if status == "retire":
            return


def serve(conn: Connection, config: WorkerConfig) -> None:  # pragma: no cover - runs in a child process
    """The worker's main function: confine the process, load the store, answer until told to stop."""
    from .engine import load_store
    from .sandbox import QUERY_STACK_BYTES, isolate_network

    problem = isolate_network()
    store = load_store(Path(config.dataset).read_bytes())
    # Queries run on a thread with a deep stack: Oxigraph's parser recurses per nesting level.
    threading.stack_size(QUERY_STACK_BYTES)
    thread = threading.Thread(target=_loop, args=(conn, store, config, problem), name="kg-query")
    thread.start()
    thread.join()
