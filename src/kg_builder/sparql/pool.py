"""Run queries in worker processes so that a time limit really stops the work.

Each worker is a separate process holding its own Oxigraph store of the dataset. A query that runs
past the time limit is stopped by killing its worker (a thread cannot be interrupted, a process can);
a fresh worker takes its place, and the other workers keep answering in the meantime.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from rdflib.term import Node

from ..errors import KgError, QueryError, QueryTimeout
from .engine import Answer

__all__ = ["QueryPool", "QueryRequest"]


@dataclass(frozen=True)
class QueryRequest:
    """One query, as the pool runs it."""

    text: str
    inferred: bool = True
    bindings: tuple[tuple[str, Node], ...] = ()
    media_type: str | None = None
    dataset_clause: bool = False
    update: bool = False
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


def _serve(conn: Connection, dataset: str, max_rows: int) -> None:  # pragma: no cover - runs in a child
    from ..errors import QuerySyntaxError
    from .engine import load_store, run_query

    store = load_store(Path(dataset).read_bytes())
    conn.send(("ready", None))
    while True:
        try:
            req = conn.recv()
        except EOFError:
            return
        if req is None:
            return
        try:
            if req.update:
                store.update(req.text)
                conn.send(("ok", None))
                continue
            answer = run_query(store, req.text, inferred=req.inferred, bindings=dict(req.bindings),
                               media_type=req.media_type, max_rows=max_rows, dataset_clause=req.dataset_clause,
                               default_graphs=list(req.default_graphs) or None,
                               named_graphs=list(req.named_graphs) or None)
            conn.send(("ok", answer))
        except KgError as e:
            conn.send(("error", (type(e).__name__, e.message, e.hint)))
        except (RuntimeError, ValueError, SyntaxError) as e:  # Oxigraph's evaluation errors
            conn.send(("error", (QuerySyntaxError.__name__ if isinstance(e, SyntaxError) else "QueryError",
                                 str(e), None)))


class _Worker:
    def __init__(self, ctx: Any, dataset: Path, max_rows: int) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, str(dataset), max_rows), daemon=True)
        self.process.start()
        child.close()
        status, _ = self.conn.recv()  # wait until its store is loaded
        if status != "ready":  # pragma: no cover
            raise RuntimeError("query worker failed to start")

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, BrokenPipeError):
            pass
        self.process.join(2)
        if self.process.is_alive():
            self.kill()


class QueryPool:
    """A fixed number of query workers, with a per-query time limit."""

    def __init__(self, dataset: Path, *, workers: int = 2, timeout: float = 10.0, max_rows: int = 10_000) -> None:
        self.dataset = dataset
        self.size = max(1, workers)
        self.timeout = timeout
        self.max_rows = max_rows
        self._ctx = mp.get_context("spawn")
        self._executor = ThreadPoolExecutor(max_workers=self.size * 2 + 2, thread_name_prefix="kg-query")
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()

    def _spawn(self) -> _Worker:
        worker = _Worker(self._ctx, self.dataset, self.max_rows)
        with self._lock:
            self._all.add(worker)
        return worker

    async def start(self) -> None:
        """Start the workers (each loads the dataset) and wait until they are ready."""
        loop = asyncio.get_running_loop()
        self._idle = asyncio.Queue()
        workers = await asyncio.gather(*(loop.run_in_executor(self._executor, self._spawn) for _ in range(self.size)))
        for w in workers:
            self._idle.put_nowait(w)

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            workers, self._all = list(self._all), set()
        for w in workers:
            w.stop()
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _replace(self, worker: _Worker, loop: asyncio.AbstractEventLoop) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)

        def done(fut: Any) -> None:
            if fut.exception() is None and self._idle is not None:
                self._idle.put_nowait(fut.result())

        fut = loop.run_in_executor(self._executor, self._spawn)
        fut.add_done_callback(done)

    async def run(self, request: QueryRequest) -> Answer | None:
        """Run one request on a free worker; raise QueryTimeout past the limit."""
        if self._idle is None:
            await self.start()
        assert self._idle is not None
        loop = asyncio.get_running_loop()
        worker = await self._idle.get()
        try:
            worker.conn.send(request)
            ready = await loop.run_in_executor(self._executor, worker.conn.poll, self.timeout)
            if not ready:
                self._replace(worker, loop)
                raise QueryTimeout(f"the query ran longer than the limit of {self.timeout:g} s and was stopped",
                                   hint="narrow it (LIMIT, more specific patterns) or ask for a longer limit "
                                        "(kg serve --timeout)")
            status, payload = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError) as e:
            self._replace(worker, loop)
            raise QueryError(f"the query worker stopped: {e}") from e
        self._idle.put_nowait(worker)
        if status == "ok":
            return payload  # type: ignore[no-any-return]
        name, message, hint = payload
        from .. import errors

        cls = getattr(errors, name, QueryError)
        raise cls(message, hint=hint)

    async def broadcast_update(self, text: str) -> None:
        """Apply an update to every worker's store (updates are off unless the server turns them on)."""
        assert self._idle is not None
        workers = [await self._idle.get() for _ in range(self.size)]
        try:
            for w in workers:
                w.conn.send(QueryRequest(text=text, update=True))
            for w in workers:
                status, payload = w.conn.recv()
                if status != "ok":
                    name, message, hint = payload
                    raise QueryError(message, hint=hint)
        finally:
            for w in workers:
                self._idle.put_nowait(w)
