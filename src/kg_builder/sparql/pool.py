"""Run queries in worker processes, with a time limit that really stops the work and a fair share of
the workers for every client.

Each worker is a separate process holding its own Oxigraph store (``worker.py``). The pool bounds the
work a caller can cause:

- **Time.** A query that runs past the limit is stopped by killing its worker (a thread cannot be
  interrupted, a process can); a fresh worker takes its place.
- **Queue.** At most ``queue_limit`` queries wait in all, and ``client_queue`` per client; past that a
  request is answered at once with 503 and Retry-After rather than left to pile up.
- **Abandoned work.** A caller that stops waiting (its client disconnected) cancels its query: taken out
  of the queue, or its worker killed if it was running.
- **Fair share.** Waiting queries are taken from the clients in turn, a client runs at most
  ``per_client`` queries at once, and a client whose recent query ran slow may not take the last free
  worker, which stays for everyone else. A query running past ``slow_after`` seconds has its worker's
  CPU priority lowered, so that runaway queries yield the processors to the rest.
- **Crashes.** A worker that dies (out of memory, stack overflow, a bug) gives 503 and is replaced.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing as mp
import os
import time
from collections import Counter, OrderedDict, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import errors
from ..errors import (
    Overloaded,
    QueryError,
    QueryOverMemory,
    QueryTimeout,
    WorkerStopped,
)
from .engine import Answer
from .worker import QueryRequest, WorkerConfig, serve

__all__ = ["PoolLimits", "QueryPool", "QueryRequest"]

log = logging.getLogger("kg_builder.pool")

_SIGABRT = 6  # Rust aborts the process when an allocation fails under the memory limit
_HEAVY_FOR = 30.0  # seconds a client counts as heavy after one of its queries ran slow


@dataclass(frozen=True)
class PoolLimits:
    """How much work the pool takes on. Defaults suit a public endpoint on a small machine."""

    workers: int = 4
    timeout: float = 10.0
    max_rows: int = 10_000
    queue_limit: int = 64
    client_queue: int = 16
    per_client: int = 0  # queries one client may run at once; 0: half the workers
    memory_mb: int = 1024
    slow_after: float = 0.5


class _Worker:
    def __init__(self, ctx: Any, config: WorkerConfig) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=serve, args=(child, config), daemon=True)
        self.process.start()
        child.close()
        status, problem = self.conn.recv()  # wait until its store is loaded
        if status != "ready":  # pragma: no cover
            raise RuntimeError("query worker failed to start")
        self.isolation_problem: str | None = problem
        self.demoted = False

    def kill(self) -> None:
        """Stop the process; the pipe is closed by whoever reads it (closing it under a reader hangs)."""
        self.process.kill()

    def close(self) -> None:
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, BrokenPipeError):
            pass
        self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.conn.close()

    def renice(self, value: int) -> bool:
        """Set the CPU priority of every thread of the process; False where that is not allowed."""
        try:
            for tid in os.listdir(f"/proc/{self.process.pid}/task"):
                os.setpriority(os.PRIO_PROCESS, int(tid), value)
        except (OSError, ValueError):
            return False
        return True


@dataclass(eq=False)
class _Job:
    request: QueryRequest
    client: str
    future: asyncio.Future[Answer | None]
    worker: _Worker | None = None


class QueryPool:
    """A set of query workers, shared fairly between clients, with a per-query time limit."""

    def __init__(self, dataset: Path, *, own_graphs: frozenset[str] = frozenset(),
                 limits: PoolLimits | None = None) -> None:
        self.limits = limits or PoolLimits()
        self.size = max(1, self.limits.workers)
        self.timeout = self.limits.timeout
        self._config = WorkerConfig(dataset=str(dataset), max_rows=self.limits.max_rows, own_graphs=own_graphs,
                                    memory_bytes=self.limits.memory_mb * 1024 * 1024)
        self._ctx = mp.get_context("spawn")
        self._executor = ThreadPoolExecutor(max_workers=self.size * 2 + 2, thread_name_prefix="kg-query")
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()
        self._waiting: OrderedDict[str, deque[_Job]] = OrderedDict()
        self._running: Counter[str] = Counter()
        self._heavy_until: dict[str, float] = {}
        self._updates: list[str] = []
        self._quiet = asyncio.Event()  # set when no query runs (updates wait for it)
        self._updating = False
        self._started = False
        self.isolation_problem: str | None = None
        self._tasks: set[asyncio.Task[None]] = set()  # running jobs (the event loop holds tasks only weakly)

    # -- workers -------------------------------------------------------------------------------

    def _spawn(self) -> _Worker:
        worker = _Worker(self._ctx, self._config)
        for text in self._updates:  # a replacement must hold what the others hold
            worker.conn.send(QueryRequest(text=text, update=True))
            worker.conn.recv()
        self._all.add(worker)
        return worker

    async def start(self) -> None:
        """Start the workers (each loads the dataset) and wait until they are ready."""
        if self._started:
            return
        self._started = True
        loop = asyncio.get_running_loop()
        workers = await asyncio.gather(*(loop.run_in_executor(self._executor, self._spawn) for _ in range(self.size)))
        self.isolation_problem = workers[0].isolation_problem
        self._idle.extend(workers)
        self._quiet.set()

    def close(self) -> None:
        """Stop every worker."""
        self._started = False
        workers, self._all = list(self._all), set()
        self._idle.clear()
        for w in workers:
            w.stop()
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and start another in the background; queued work goes on when it is ready."""
        worker.kill()
        self._all.discard(worker)
        asyncio.get_running_loop().run_in_executor(self._executor, worker.close)
        self._grow()

    def _grow(self) -> None:
        loop = asyncio.get_running_loop()

        def ready(fut: asyncio.Future[_Worker]) -> None:
            if fut.cancelled() or not self._started:
                return
            if fut.exception() is not None:
                log.error("a query worker could not be started: %s", fut.exception())
                loop.call_later(1.0, self._grow)
                return
            self._idle.append(fut.result())
            self._dispatch()

        asyncio.ensure_future(loop.run_in_executor(self._executor, self._spawn)).add_done_callback(ready)

    # -- scheduling ----------------------------------------------------------------------------

    def _queued(self) -> int:
        return sum(len(q) for q in self._waiting.values())

    def _eligible(self, client: str) -> bool:
        if self._running[client] >= max(1, self.limits.per_client or self.size // 2):
            return False
        # The last free worker stays for clients whose recent queries were not slow.
        heavy = self._heavy_until.get(client, 0.0) > time.monotonic()
        return not (heavy and len(self._idle) <= 1 and self.size > 1)

    def _next_job(self) -> _Job | None:
        for client in list(self._waiting):
            if self._eligible(client):
                queue = self._waiting.pop(client)
                job = queue.popleft()
                if queue:
                    self._waiting[client] = queue  # to the back of the round
                return job
        return None

    def _dispatch(self) -> None:
        while self._idle and not self._updating:
            job = self._next_job()
            if job is None:
                return
            worker = self._idle.pop()
            job.worker = worker
            self._running[job.client] += 1
            self._quiet.clear()
            task = asyncio.ensure_future(self._execute(job, worker))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _finish(self, job: _Job) -> None:
        self._running[job.client] -= 1
        if self._running[job.client] <= 0:
            del self._running[job.client]
        if not self._running:
            self._quiet.set()
        self._dispatch()

    # -- running -------------------------------------------------------------------------------

    async def run(self, request: QueryRequest, client: str = "") -> Answer | None:
        """Run one request when a worker is free for this client; raise Overloaded when too much
        waits, QueryTimeout past the limit, WorkerStopped or QueryOverMemory when the worker died.
        Cancelling the call drops the request, or stops its worker if it is running."""
        await self.start()
        if self._queued() >= self.limits.queue_limit:
            raise Overloaded(f"{self.limits.queue_limit} queries are already waiting", retry_after=1,
                             hint="retry in a moment")
        if len(self._waiting.get(client, ())) >= self.limits.client_queue:
            raise Overloaded(f"this client already has {self.limits.client_queue} queries waiting", retry_after=2,
                             hint="wait for the answers before sending more")
        job = _Job(request, client, asyncio.get_running_loop().create_future())
        self._waiting.setdefault(client, deque()).append(job)
        self._dispatch()
        try:
            return await job.future
        except asyncio.CancelledError:
            self._abandon(job)
            raise

    def _abandon(self, job: _Job) -> None:
        queue = self._waiting.get(job.client)
        if queue is not None and job in queue:
            queue.remove(job)
            if not queue:
                del self._waiting[job.client]
        elif job.worker is not None:
            job.worker.kill()  # its reader sees the pipe close and replaces it

    async def _execute(self, job: _Job, worker: _Worker) -> None:
        loop = asyncio.get_running_loop()
        demote = loop.call_later(self.limits.slow_after, self._demote, job, worker)
        try:
            reply = await self._exchange(worker, job.request)
        except BaseException as e:  # every way out must settle the job and the worker
            self._replace(worker)
            if not job.future.done():
                job.future.set_exception(e if isinstance(e, QueryError) else WorkerStopped(str(e)))
            return
        finally:
            demote.cancel()
            self._finish(job)
        self._settle(job, worker, reply)
        self._dispatch()

    async def _exchange(self, worker: _Worker, request: QueryRequest) -> tuple[str, Any]:
        loop = asyncio.get_running_loop()
        worker.conn.send(request)
        ready = await loop.run_in_executor(self._executor, worker.conn.poll, self.timeout)
        if not ready:
            raise QueryTimeout(f"the query ran longer than the limit of {self.timeout:g} s and was stopped",
                               hint="narrow it (LIMIT, more specific patterns) or ask for a longer limit "
                                    "(kg serve --timeout)")
        try:
            reply: tuple[str, Any] = await loop.run_in_executor(self._executor, worker.conn.recv)
        except (EOFError, OSError) as e:
            # Its exit status says why it stopped; waiting for it is done off the event loop.
            await loop.run_in_executor(self._executor, worker.process.join, 5)
            raise self._death(worker) from e
        return reply

    def _death(self, worker: _Worker) -> QueryError:
        code = worker.process.exitcode
        if code == -_SIGABRT:
            return QueryOverMemory(f"the query needed more than the {self.limits.memory_mb} MB a worker may use, "
                                   "and was stopped", hint="narrow it (LIMIT, more specific patterns)")
        return WorkerStopped(f"the query's worker stopped (exit status {code}); a new one has been started",
                             hint="if this query always does this, simplify it")

    def _settle(self, job: _Job, worker: _Worker, reply: tuple[str, Any]) -> None:
        status, payload = reply
        if status == "retire" or (worker.demoted and not worker.renice(0)):
            self._replace(worker)  # a worker that cannot be trusted, or regain its priority, is renewed
        else:
            worker.demoted = False
            self._idle.append(worker)
        if job.future.done():
            return
        if status == "ok":
            job.future.set_result(payload)
            return
        job.future.set_exception(_error_of(payload))

    def _demote(self, job: _Job, worker: _Worker) -> None:
        now = time.monotonic()
        # Clients whose slow query is long past are forgotten, so the table holds only recent ones.
        self._heavy_until = {c: t for c, t in self._heavy_until.items() if t > now}
        self._heavy_until[job.client] = now + _HEAVY_FOR
        worker.demoted = worker.renice(10)

    # -- updates -------------------------------------------------------------------------------

    async def broadcast_update(self, text: str) -> None:
        """Apply an update to every worker's store once no query runs (updates are off unless the
        server turns them on); workers started later replay it."""
        await self.start()
        self._updating = True
        try:
            await self._quiet.wait()
            request = QueryRequest(text=text, update=True)
            for w in list(self._idle):
                status, payload = await self._exchange(w, request)
                if status != "ok":
                    raise _error_of(payload)
            self._updates.append(text)
        finally:
            self._updating = False
            self._dispatch()


def _error_of(payload: tuple[str, str, str | None]) -> QueryError:
    """The error a worker reported, as our own class of that name (a worker only reports query errors)."""
    name, message, hint = payload
    cls = getattr(errors, name, QueryError)
    if not (isinstance(cls, type) and issubclass(cls, QueryError)) or cls is errors.Overloaded:
        cls = QueryError
    return cls(message, hint=hint)
