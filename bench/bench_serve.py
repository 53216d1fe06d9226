#!/usr/bin/env python3
"""Benchmark ``kg serve`` side by side with STOCK rdflib-endpoint 0.6.3, on the same dataset.

For each graph -- (a) the project's own ``graph/`` (the seed graph) and (b) a synthetic graph of about
100,000 triples built from bench_build's synthetic corpus in a temporary project -- the script starts
two servers on free loopback ports:

* OURS:  ``python -m kg_builder serve --port P`` run in the project folder (default options: 2 query
  workers, 10 s limit per query, 10,000 rows at most, answers cached per build);
* STOCK: ``bench/stock_endpoint.py`` -- ``rdflib_endpoint.SparqlEndpoint`` over
  ``rdflib.Dataset(default_union=True)`` parsed from the same ``graph/dataset.trig``, under uvicorn.

and measures, for every saved query (``queries/*.rq``):

* ours cached:   GET /api/queries/NAME (parameters take their defaults). After the first request the
  answer comes from the server's per-build answer cache;
* ours uncached: POST /sparql with the query text (defaults inlined, as for stock) plus a unique
  ``# n`` comment line, so every request misses the answer cache and the guard's check cache;
* stock:         GET /?query=<the query text with each parameter's default inlined as an RDF term>
  (stock rdflib-endpoint cannot bind parameters; it caches parsed queries but not results);

each N times sequentially after 3 warm-ups (p50 and p99, nearest rank), then the throughput of 32
concurrent clients on the repeated saved query commanders-by-side (hey, else wrk, else a Python
asyncio+httpx load generator), and an in-process breakdown of where an uncached request of ours spends
its time. It prints one table per graph and the targets with PASS/MISS.

    .venv/bin/python bench/bench_serve.py --quick            # seed graph only, N=10, hey -n 2000
    .venv/bin/python bench/bench_serve.py                    # seed + ~100k-triple synthetic, N=50
    .venv/bin/python bench/bench_serve.py --skip-synthetic   # seed graph only, N=50

All traffic goes to 127.0.0.1. Every loop is bounded in count and in time (see --budget, --timeout).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
import bench_build  # noqa: E402  (the synthetic corpus generator, reused as is)

from kg_builder import storage  # noqa: E402
from kg_builder.saved import SavedQuery, bind_parameters  # noqa: E402

JSON = "application/sparql-results+json"
HOST = "127.0.0.1"
WARMUPS = 3
N_FULL, N_QUICK = 50, 10
HEY_N_FULL, HEY_N_QUICK = 20_000, 2_000
CONCURRENCY = 32
THROUGHPUT_QUERY = "commanders-by-side"
SYNTH_TARGET_TRIPLES = 100_000
SYNTH_EVENTS_DEFAULT = 30  # calibrated: ~3,230 triples per synthetic event on top of the seed graph's 6,780

# Targets.
TARGET_P50_MS = 5.0
TARGET_SPEEDUP = 10.0
TARGET_RPS = 1_000.0


# --------------------------------------------------------------------------------------------------
# Servers
# --------------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def child_env(project: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["NO_PROXY"] = env["no_proxy"] = HOST
    if project is not None:
        env["KG_ROOT"] = str(project)
    else:
        env.pop("KG_ROOT", None)
    return env


class Server:
    """A server process we started (stopped by its own pid only), with its log in a temporary file."""

    def __init__(self, label: str, cmd: list[str], cwd: Path, env: dict[str, str], ready_path: str,
                 ready_headers: dict[str, str], ready_timeout: float) -> None:
        self.label, self.cmd, self.cwd, self.env = label, cmd, cwd, env
        self.ready_path, self.ready_headers, self.ready_timeout = ready_path, ready_headers, ready_timeout
        self.port = int(cmd[cmd.index("--port") + 1])
        self.base = f"http://{HOST}:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = tempfile.NamedTemporaryFile(prefix=f"kg-bench-{label}-", suffix=".log", delete=False)
        self.start_s = 0.0
        self.restarts = 0

    def start(self) -> None:
        t = time.perf_counter()
        self.proc = subprocess.Popen(self.cmd, cwd=self.cwd, env=self.env, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + self.ready_timeout
        with httpx.Client(timeout=5.0, trust_env=False) as c:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{self.label} server exited with {self.proc.returncode}:\n{self.tail()}")
                try:
                    if c.get(self.base + self.ready_path, headers=self.ready_headers).status_code == 200:
                        self.start_s = time.perf_counter() - t
                        return
                except httpx.HTTPError:
                    pass
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.label} server not ready after {self.ready_timeout:.0f} s:\n{self.tail()}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:  # e.g. stock busy in a long synchronous query: its loop is blocked
            self.proc.kill()
            self.proc.wait(10)

    def restart(self) -> None:
        self.stop()
        self.restarts += 1
        self.start()

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(Path(self.log.name).read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def cleanup(self) -> None:
        self.stop()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def start_ours(project: Path) -> Server:
    port = free_port()
    s = Server("ours", [sys.executable, "-m", "kg_builder", "serve", "--port", str(port)], project,
               child_env(project), "/api/build", {}, 120)
    s.start()
    return s


def start_stock(project: Path) -> Server:
    port = free_port()
    s = Server("stock", [sys.executable, str(BENCH / "stock_endpoint.py"), str(project / "graph" / "dataset.trig"),
                         "--port", str(port)], project, child_env(), "/", {"Accept": "text/turtle"}, 600)
    s.start()
    return s


# --------------------------------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------------------------------

def inline_defaults(q: SavedQuery) -> str:
    """The query text with each parameter that has a default replaced by that RDF term (for stock
    rdflib-endpoint, which cannot bind parameters, and for our uncached /sparql requests).

    In the outer projection ``?x`` becomes ``(TERM AS ?x)`` so the column stays; after the outer group
    (ORDER BY ...) it becomes ``(TERM)``; everywhere else the bare term. Parameters without a default stay
    unbound variables, as on our saved-query route."""
    text = q.text
    terms = bind_parameters(q, {})
    if not terms:
        return text
    sel = re.search(r"^\s*SELECT\b", text, re.I | re.M)
    if sel is None:
        raise ValueError(f"{q.name}: no SELECT at a line start")
    proj_end = re.compile(r"\bWHERE\b|\{", re.I).search(text, sel.end())
    last_brace = text.rfind("}")
    assert proj_end is not None and last_brace > proj_end.start()
    head, proj = text[:sel.start()], text[sel.start():proj_end.start()]
    body, tail = text[proj_end.start():last_brace + 1], text[last_brace + 1:]
    for name, term in terms.items():
        var = re.compile(r"[?$]" + re.escape(name) + r"(?![A-Za-z0-9_])")
        n3 = term.n3()
        proj = var.sub(lambda _m: f"({n3} AS ?{name})", proj)
        body = var.sub(lambda _m: n3, body)
        tail = var.sub(lambda _m: f"({n3})", tail)
    return head + proj + body + tail


# --------------------------------------------------------------------------------------------------
# Latency series
# --------------------------------------------------------------------------------------------------

@dataclass
class Series:
    status: str = "ok"  # ok | timeout | error
    samples: list[float] = field(default_factory=list)  # ms
    rows: int | None = None
    truncated: bool = False
    detail: str = ""
    warmups: int = 0

    def pct(self, p: float) -> float | None:
        if self.status != "ok" or not self.samples:
            return None
        xs = sorted(self.samples)
        return xs[max(0, math.ceil(p / 100 * len(xs)) - 1)]  # nearest rank


def _rows(r: httpx.Response) -> int | None:
    try:
        return len(r.json()["results"]["bindings"])
    except (ValueError, KeyError, TypeError):
        return None


def measure(send: Callable[[int], httpx.Response], n: int, warmups: int, budget: float) -> Series:
    """Warm-ups then up to n timed sequential requests; stops at the first timeout or error, and once the
    time budget is spent (keeping at least one timed sample)."""
    s = Series()
    start = time.perf_counter()
    counter = itertools.count()

    def one() -> float | None:
        i = next(counter)
        t = time.perf_counter()
        try:
            r = send(i)
        except httpx.TimeoutException as e:
            s.status, s.detail = "timeout", f"no answer within the client timeout ({type(e).__name__})"
            return None
        except httpx.HTTPError as e:
            s.status, s.detail = "error", f"{type(e).__name__}: {e}"
            return None
        ms = (time.perf_counter() - t) * 1000
        if r.status_code != 200:
            s.status, s.detail = "error", f"HTTP {r.status_code}: {r.text[:160]}"
            if "timeout" in r.text[:200]:
                s.status = "timeout"
            return None
        if s.rows is None:
            s.rows = _rows(r)
            s.truncated = r.headers.get("x-result-truncated") == "true"
        return ms

    for _ in range(warmups):
        if s.warmups and time.perf_counter() - start > budget / 2:
            break  # a slow query: the remaining warm-ups would only eat the budget
        if one() is None:
            return s
        s.warmups += 1
    while len(s.samples) < n:
        if s.samples and time.perf_counter() - start > budget:
            s.detail = f"time budget of {budget:.0f} s spent after {len(s.samples)} timed requests"
            break
        ms = one()
        if ms is None:
            return s
        s.samples.append(ms)
    return s


@dataclass
class QueryResult:
    name: str
    cached: Series
    uncached: Series
    stock: Series
    evaluated: Series = field(default_factory=lambda: Series(status="not measured"))  # breakdown's B request


def run_latencies(queries: list[SavedQuery], ours: Server, stock: Server, n: int, budget: float,
                  timeout: float) -> list[QueryResult]:
    nonce = secrets.token_hex(4)
    out: list[QueryResult] = []
    limits = httpx.Timeout(timeout)
    hdr = {"Accept": JSON}
    with httpx.Client(base_url=ours.base, timeout=limits, trust_env=False, headers=hdr) as oc:
        stock_client = httpx.Client(base_url=stock.base, timeout=limits, trust_env=False, headers=hdr)
        try:
            for q in queries:
                inlined = inline_defaults(q)
                cached = measure(lambda _i, q=q: oc.get(f"/api/queries/{q.name}"), n, WARMUPS, budget)
                uncached = measure(
                    lambda i, t=inlined: oc.post("/sparql", content=f"{t}\n# bench-miss {nonce} {q.name} {i}\n",
                                                 headers={"Content-Type": "application/sparql-query"}),
                    n, WARMUPS, budget)
                st = measure(lambda _i, t=inlined: stock_client.get("/", params={"query": t}), n, WARMUPS, budget)
                if st.status == "timeout" or not st.detail.startswith("HTTP ") and st.status != "ok" \
                        or stock.proc is None or stock.proc.poll() is not None:
                    # A stock query past the client timeout keeps running inside the server's event loop and
                    # would block every later request: restart the stock server.
                    stock_client.close()
                    t = time.perf_counter()
                    stock.restart()
                    st.detail += f" (stock server restarted in {time.perf_counter() - t:.1f} s)"
                    stock_client = httpx.Client(base_url=stock.base, timeout=limits, trust_env=False, headers=hdr)
                out.append(QueryResult(q.name, cached, uncached, st))
                print(f"  {q.name:<24} ours cached {cell(cached, 50):>8} ms   uncached {cell(uncached, 50):>8} ms"
                      f"   stock {cell(st, 50):>9} ms  (n={len(st.samples)})", flush=True)
        finally:
            stock_client.close()
    return out


# --------------------------------------------------------------------------------------------------
# Throughput
# --------------------------------------------------------------------------------------------------

@dataclass
class Load:
    tool: str
    rps: float
    ok: int
    errors: int
    seconds: float
    note: str = ""
    error_kinds: list[str] = field(default_factory=list)


def _parse_hey(text: str) -> tuple[float, int, int, float, list[str]]:
    rps = float(m.group(1)) if (m := re.search(r"Requests/sec:\s+([\d.]+)", text)) else 0.0
    total = float(m.group(1)) if (m := re.search(r"Total:\s+([\d.]+) secs", text)) else 0.0
    ok = bad = 0
    for code, count in re.findall(r"\[(\d{3})\]\s+(\d+) responses", text):
        if code == "200":
            ok += int(count)
        else:
            bad += int(count)
    kinds = []
    if "Error distribution:" in text:
        for count, what in re.findall(r"^\s+\[(\d+)\]\s+(.*)$", text.split("Error distribution:", 1)[1], re.M):
            bad += int(count)
            kinds.append(f"{count}x {what[:100]}")
    for code, count in re.findall(r"\[(\d{3})\]\s+(\d+) responses", text):
        if code != "200":
            kinds.append(f"{count}x HTTP {code}")
    return rps, ok, bad, total, kinds


def _run_tool(cmd: list[str], hard_timeout: float) -> str:
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=child_env())
    try:
        out, _ = proc.communicate(timeout=hard_timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        out += f"\n(killed after {hard_timeout:.0f} s)"
    except BaseException:  # interrupted: do not leave the load generator running
        proc.kill()
        proc.wait(5)
        raise
    return out


def load_hey(url: str, n: int) -> Load:
    base = ["hey", "-c", str(CONCURRENCY), "-t", "30", "-H", f"Accept: {JSON}"]
    # A 2 s probe (also a warm-up) decides whether -n N fits in about 20 s; if not, the run is bounded by time.
    rps, *_ = _parse_hey(_run_tool(base + ["-z", "2s", url], 60))
    if rps > 0 and n / rps <= 20:
        args, note = ["-n", str(n)], f"hey -n {n} -c {CONCURRENCY}"
    else:
        args = ["-z", "10s"]
        note = (f"hey -z 10s -c {CONCURRENCY} (time-bounded: at the probe's {rps:,.1f} req/s, -n {n} would take "
                f"~{n / rps:,.0f} s)" if rps > 0 else f"hey -z 10s -c {CONCURRENCY} (the probe got no answer)")
    text = _run_tool(base + args + [url], 90)
    rps, ok, bad, total, kinds = _parse_hey(text)
    return Load("hey", rps, ok, bad, total, note, kinds)


def load_wrk(url: str, n: int) -> Load:
    text = _run_tool(["wrk", "-t", "2", "-c", str(CONCURRENCY), "-d", "10s", "--timeout", "30s",
                      "-H", f"Accept: {JSON}", url], 60)
    rps = float(m.group(1)) if (m := re.search(r"Requests/sec:\s+([\d.]+)", text)) else 0.0
    total = int(m.group(1)) if (m := re.search(r"(\d+) requests in", text)) else 0
    bad = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)) else 0
    sock = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
    return Load("wrk", rps, total - bad, bad + sock, 10.0, f"wrk -c {CONCURRENCY} -d 10s (wrk has no request count)")


def load_python(url: str, n: int, duration: float = 10.0) -> Load:
    async def go() -> Load:
        limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
        ok = bad = 0
        kinds: dict[str, int] = {}
        counter = itertools.count()
        async with httpx.AsyncClient(limits=limits, timeout=30.0, trust_env=False, headers={"Accept": JSON}) as c:
            deadline = time.perf_counter() + duration

            async def worker() -> None:
                nonlocal ok, bad
                while next(counter) < n and time.perf_counter() < deadline:
                    try:
                        r = await c.get(url)
                        if r.status_code == 200:
                            ok += 1
                            continue
                        kind = f"HTTP {r.status_code}"
                    except httpx.HTTPError as e:
                        kind = type(e).__name__
                    bad += 1
                    kinds[kind] = kinds.get(kind, 0) + 1

            t = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
            secs = time.perf_counter() - t
        return Load("python", (ok + bad) / secs, ok, bad, secs,
                    f"Python asyncio+httpx, {CONCURRENCY} clients, at most {n} requests or {duration:.0f} s",
                    [f"{v}x {k}" for k, v in kinds.items()])

    return asyncio.run(go())


def pick_loadgen(choice: str) -> str:
    if choice != "auto":
        return choice
    for tool in ("hey", "wrk"):
        if shutil.which(tool):
            return tool
    return "python"


def throughput(tool: str, url: str, n: int) -> Load:
    return {"hey": load_hey, "wrk": load_wrk, "python": load_python}[tool](url, n)


# --------------------------------------------------------------------------------------------------
# Where an uncached request of ours spends its time (in process, same code the worker runs)
# --------------------------------------------------------------------------------------------------

@dataclass
class Breakdown:
    uncached_ms: float  # D: a fresh text, the whole request
    check_ms: float  # A - C: the guard's check (unescape + check_query) in the server
    worker_ms: float  # B - C: handing the query to a worker process and the answer back
    eval_ms: float  # in process: Oxigraph evaluation alone
    serialise_ms: float  # in process: run_query minus evaluation
    base_ms: float  # C: a cache hit (HTTP, FastAPI, middleware, cache lookup)
    evaluated_ms: float  # B: check cached, answer not: the whole request (what stock does on a repeat)
    rounds: int


def breakdown(project: Path, queries: list[SavedQuery], ours: Server, timeout: float, reps: int = 10,
              budget: float = 20.0) -> dict[str, Breakdown]:
    """Where an uncached request of ours spends its time, measured on the server itself. Each round sends:

    D  a fresh text (unique comment), Accept JSON: the whole uncached request;
    A  another fresh text with an Accept the server cannot satisfy: checked by the guard (check_query: a
       scan of the text, or rdflib's full parse when it mentions SERVICE, LOAD or FROM), then refused with
       406 before it reaches a worker -> HTTP + check;
    B  the same text as A, Accept JSON: the check cache hits, the answer cache misses -> HTTP + worker;
    C  the same again: a full cache hit -> HTTP only.

    so check = A - C and worker round trip = B - C; Oxigraph evaluation and serialisation are timed in this
    process with the server's own run_query on the same dataset. Medians of up to ``reps`` rounds, interleaved
    so that drifting machine load hits every part alike."""

    from kg_builder.sparql.engine import load_store, run_query

    store = load_store((project / "graph" / "dataset.trig").read_bytes())
    # As run_query builds it (inferred=True): the union of the store's graphs as the default graph.
    kwargs = {"use_default_graph_as_union": True}
    nonce = secrets.token_hex(4)
    out = {}
    with httpx.Client(base_url=ours.base, timeout=timeout, trust_env=False,
                      headers={"Content-Type": "application/sparql-query"}) as c:

        def post(body: str, accept: str, want: int) -> float | None:
            t = time.perf_counter()
            try:
                r = c.post("/sparql", content=body, headers={"Accept": accept})
            except httpx.HTTPError:
                return None
            return (time.perf_counter() - t) * 1000 if r.status_code == want else None

        def ms(fn: Callable[[], object]) -> float:
            t = time.perf_counter()
            fn()
            return (time.perf_counter() - t) * 1000

        for q in queries:
            text = inline_defaults(q)
            rounds: list[tuple[float, ...]] = []
            start = time.perf_counter()
            for i in range(reps + 1):  # round 0 is a warm-up
                if rounds and time.perf_counter() - start > budget:
                    break
                d = post(f"{text}\n# bench-breakdown {nonce} {q.name} d{i}\n", JSON, 200)
                body = f"{text}\n# bench-breakdown {nonce} {q.name} a{i}\n"
                a_ = post(body, "image/png", 406)
                b_ = post(body, JSON, 200)
                c_ = post(body, JSON, 200)
                if None in (d, a_, b_, c_):
                    break
                evaluate = ms(lambda: list(store.query(text, **kwargs)))  # type: ignore[arg-type]
                full = ms(lambda: run_query(store, text, inferred=True, media_type=JSON, max_rows=10_000))
                if i:
                    rounds.append((d, a_ - c_, b_ - c_, evaluate, max(0.0, full - evaluate), c_, b_))  # type: ignore[operator]
            if rounds:
                out[q.name] = Breakdown(*(statistics.median(r[k] for r in rounds) for k in range(7)),
                                        rounds=len(rounds))
    return out


# --------------------------------------------------------------------------------------------------
# Synthetic project
# --------------------------------------------------------------------------------------------------

def triples_of(project: Path) -> tuple[int, int]:
    c = json.loads((project / "graph" / "build.json").read_text())["counts"]
    return int(c["asserted_triples"]), int(c["inferred_triples"])


def build_synthetic(base: Path, events: int) -> tuple[Path, int, float]:
    project = base / f"project-{events}"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    shutil.copytree(ROOT / "ontology", project / "ontology")
    shutil.copytree(ROOT / "queries", project / "queries")
    docs, nbytes = bench_build.write_corpus(project / "corpus", events)
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "kg_builder", "build", "--reasoner", "reasonable", "--quiet",
                        "--root", str(project)], cwd=project, env=child_env(project), capture_output=True,
                       text=True, timeout=1800)
    secs = time.perf_counter() - t
    if r.returncode != 0:
        raise RuntimeError(f"kg build of the synthetic corpus failed ({r.returncode}):\n{r.stderr[-2000:]}")
    return project, docs, secs


def synthetic_project(base: Path, events: int | None) -> tuple[Path, int, int, int, int]:
    """Build a synthetic project of about 100k asserted+inferred triples. Returns (project, events, docs,
    asserted, inferred). Without --events: 30 events, corrected once if the count is off by more than 15 %."""
    seed = sum(triples_of(ROOT))
    n = events or SYNTH_EVENTS_DEFAULT
    for attempt in range(2):
        project, docs, secs = build_synthetic(base, n)
        a, i = triples_of(project)
        print(f"  synthetic corpus N={n} events ({docs} documents): kg build --reasoner reasonable in {secs:.1f} s "
              f"-> {a:,} asserted + {i:,} inferred = {a + i:,} triples", flush=True)
        off = abs(a + i - SYNTH_TARGET_TRIPLES) / SYNTH_TARGET_TRIPLES
        if events or off <= 0.15 or attempt == 1 or n < 2:
            return project, n, docs, a, i
        per_event = (a + i - seed) / (n - 1)
        n = max(2, 1 + round((SYNTH_TARGET_TRIPLES - seed) / per_event))
        print(f"  {off:.0%} off 100,000: rebuilding with N={n}", flush=True)
        shutil.rmtree(project, ignore_errors=True)
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------

def fms(x: float | None) -> str:
    if x is None:
        return "-"
    if x < 10:
        return f"{x:.2f}"
    if x < 100:
        return f"{x:.1f}"
    return f"{x:,.0f}"


def cell(s: Series, p: float) -> str:
    return fms(s.pct(p)) if s.status == "ok" else s.status


def speedup(stock: Series, ours: Series, timeout: float) -> tuple[str, float | None, bool]:
    """(text, value, is_lower_bound) of stock p50 / ours p50."""
    o = ours.pct(50)
    if o is None or o <= 0:
        return "-", None, False
    if stock.status == "timeout":
        v = timeout * 1000 / o
        return f">{v:,.0f}x", v, True
    st = stock.pct(50)
    if st is None:
        return "-", None, False
    v = st / o
    return (f"{v:,.0f}x" if v >= 10 else f"{v:.1f}x"), v, False


def table(headers: list[str], rows: list[list[str]], left: int = 1) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return " | ".join(c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    return "\n".join([line(headers), "-+-".join("-" * w for w in widths), *(line(r) for r in rows)])


def print_graph_report(title: str, results: list[QueryResult], loads: dict[str, Load], bd: dict[str, Breakdown],
                       n: int, timeout: float, load: tuple[float, float]) -> None:
    print(f"\n=== {title} ===")
    print(f"(machine load, 1-minute average: {load[0]:.2f} when this graph's measurements began, {load[1]:.2f} at "
          f"the end, on {os.cpu_count()} CPUs, counting this benchmark's own servers and load generator; any other work on the machine inflates every wall time below)")
    rows, notes = [], []
    for r in results:
        rc = [s.rows for s in (r.cached, r.uncached, r.stock) if s.status == "ok"]
        rowtxt = str(r.cached.rows) if r.cached.rows is not None else "-"
        if len(set(rc)) > 1:
            rowtxt = "/".join("-" if s.status != "ok" else str(s.rows) for s in (r.cached, r.uncached, r.stock))
            notes.append(f"{r.name}: row counts differ (ours cached / ours uncached / stock: {rowtxt})")
        if r.cached.truncated:
            rowtxt += " (cut)"
        su_c, *_ = speedup(r.stock, r.cached, timeout)
        su_u, *_ = speedup(r.stock, r.uncached, timeout)
        nst = str(len(r.stock.samples)) if r.stock.status == "ok" else "-"
        rows.append([r.name, rowtxt, cell(r.cached, 50), cell(r.cached, 99), cell(r.uncached, 50),
                     cell(r.uncached, 99), cell(r.stock, 50), cell(r.stock, 99), nst, su_c, su_u])
        for label, s in (("ours cached", r.cached), ("ours uncached", r.uncached), ("stock", r.stock)):
            if s.detail:
                notes.append(f"{r.name}, {label}: {s.status}; {s.detail.strip()}")
    print(table(["query", "rows", "ours cached p50", "ours cached p99", "ours uncached p50", "ours uncached p99",
                 "stock p50", "stock p99", "stock n", "speed-up p50 (cached)", "speed-up p50 (uncached)"], rows))
    print(f"(milliseconds, client side, sequential keep-alive requests after {WARMUPS} warm-ups; N={n} per column "
          f"unless 'stock n' says fewer (time budget); p99 is nearest rank, so with N={n} it is the "
          f"{'slowest' if n <= 100 else '99th-percentile'} sample. speed-up = stock p50 / ours p50; '>' = stock "
          f"timed out at {timeout:.0f} s, a lower bound.)")
    for note in notes:
        print(f"  note: {note}")
    for label, ld in loads.items():
        print(f"throughput {label}: {ld.rps:,.1f} requests/s, {ld.ok:,} OK, {ld.errors:,} errors "
              f"in {ld.seconds:.1f} s  [{ld.note}]" + (f"  errors: {'; '.join(ld.error_kinds[:3])}"
                                                      if ld.error_kinds else ""))
    if bd:
        print("\nWhere an uncached request of ours spends its time (medians in ms; see breakdown() for the method): "
              "uncached = a fresh text, the whole request; check = the guard's query check in the server "
              "(406 probe minus a cache hit); worker = handing the query to a worker process and getting the "
              "answer back (check-cached, answer-uncached request minus a cache hit), of which Oxigraph evaluation "
              "and serialisation (timed in-process with the server's run_query) and the remainder IPC/pool; "
              "cache hit = HTTP + FastAPI + middleware + cache lookup.")
        brows = []
        for r in results:
            b = bd.get(r.name)
            if b is None:
                continue
            brows.append([r.name, fms(b.uncached_ms), fms(b.check_ms), f"{100 * b.check_ms / b.uncached_ms:.0f}%",
                          fms(b.worker_ms), fms(b.eval_ms), fms(b.serialise_ms),
                          f"{b.worker_ms - b.eval_ms - b.serialise_ms:.1f}", fms(b.base_ms), fms(b.evaluated_ms),
                          str(b.rounds)])
        print(table(["query", "uncached", "check", "check share", "worker", "oxigraph eval", "serialise",
                     "IPC/pool", "cache hit", "check-cached eval", "rounds"], brows))
        print("(small negative values are noise between parts timed separately. check-cached eval = the B request: "
              "check cache hit, answer cache miss, i.e. the whole request when "
              "only the answer is new -- the same work stock does on a repeated query, since stock caches parsed "
              "queries)")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def print_targets(seed: list[QueryResult] | None, synth: list[QueryResult] | None, loads: dict[str, Load],
                  timeout: float, why_no_synth: str) -> None:
    print("\n=== Targets ===")
    if seed:
        worst = max(seed, key=lambda r: r.cached.pct(50) or math.inf)
        errs = [r.name for r in seed if r.cached.status != "ok"]
        ok = not errs and all((r.cached.pct(50) or math.inf) <= TARGET_P50_MS for r in seed)
        print(f"1. p50 <= {TARGET_P50_MS:g} ms per saved query, seed graph, ours (GET /api/queries/NAME, repeated "
              f"request = cache hit): slowest p50 {fms(worst.cached.pct(50))} ms ({worst.name})"
              + (f"; errors: {', '.join(errs)}" if errs else "") + f" -> {verdict(ok)}")
        under = [r for r in seed if (r.uncached.pct(50) or math.inf) <= TARGET_P50_MS]
        worst_u = max(seed, key=lambda r: r.uncached.pct(50) or math.inf)
        print(f"   same target, uncached (every request a cache miss, POST /sparql): {len(under)} of {len(seed)} "
              f"queries <= {TARGET_P50_MS:g} ms; slowest p50 {fms(worst_u.uncached.pct(50))} ms ({worst_u.name}) "
              f"-> {verdict(len(under) == len(seed))}")
    if synth:
        for label, attr in (
                ("ours uncached (unique text: guard check + evaluation on every request, while stock "
                 "reuses its parsed query)", "uncached"),
                ("ours check-cached, answer-uncached (both engines evaluate, neither re-checks or re-parses: "
                 "like for like; "
                 "ours = median of the breakdown's B requests)", "evaluated"),
                ("ours cached (our repeated saved-query route, a cache hit, vs stock evaluating)", "cached")):
            vals = [(r.name, *speedup(r.stock, getattr(r, attr), timeout)) for r in synth]
            got = [(name, v, lb) for name, _, v, lb in vals if v is not None]
            missing = [name for name, _, v, _ in vals if v is None]
            if not got:
                print(f"2. >= {TARGET_SPEEDUP:g}x stock on the larger graph ({label}): nothing comparable -> MISS")
                continue
            low = min(got, key=lambda x: x[1])
            geo = math.exp(statistics.fmean(math.log(v) for _, v, _ in got))
            below = [name for name, v, _ in got if v < TARGET_SPEEDUP]
            ok = not below and not missing
            print(f"2. >= {TARGET_SPEEDUP:g}x stock rdflib-endpoint (p50) on the larger graph, {label}: "
                  f"lowest {low[1]:,.1f}x{' (lower bound)' if low[2] else ''} ({low[0]}), geometric mean "
                  f"{geo:,.0f}x over {len(got)} queries; below {TARGET_SPEEDUP:g}x: {', '.join(below) or 'none'}"
                  + (f"; not comparable (error): {', '.join(missing)}" if missing else "") + f" -> {verdict(ok)}")
    else:
        print(f"2. >= {TARGET_SPEEDUP:g}x stock rdflib-endpoint on the larger graph: not measured ({why_no_synth})")
    ours = {k: v for k, v in loads.items() if k.startswith("ours")}
    if not ours:
        print(f"3. >= {TARGET_RPS:,.0f} requests/s on repeated saved queries with 0 errors: not measured")
    for k, ld in ours.items():
        print(f"3. >= {TARGET_RPS:,.0f} requests/s on repeated saved queries with 0 errors, {k}: "
              f"{ld.rps:,.1f} requests/s, {ld.errors} errors -> {verdict(ld.rps >= TARGET_RPS and ld.errors == 0)}")


# --------------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------------

def bench_graph(title: str, key: str, project: Path, n: int, hey_n: int, tool: str, budget: float,
                timeout: float, loads: dict[str, Load]) -> list[QueryResult]:
    queries = storage.read_saved_queries(project / "queries")
    load_start = os.getloadavg()[0]
    ours = stock = None
    try:
        ours = start_ours(project)
        stock = start_stock(project)
        print(f"  servers up: ours on {ours.base} in {ours.start_s:.1f} s, stock on {stock.base} in "
              f"{stock.start_s:.1f} s", flush=True)
        results = run_latencies(queries, ours, stock, n, budget, timeout)
        print("  breakdown of uncached requests ...", flush=True)
        bd = breakdown(project, queries, ours, timeout)
        for r in results:
            if r.name in bd:
                r.evaluated = Series(samples=[bd[r.name].evaluated_ms])
        by_name = {q.name: q for q in queries}
        graph_loads: dict[str, Load] = {}
        ours_url = f"{ours.base}/api/queries/{THROUGHPUT_QUERY}"
        stock_url = f"{stock.base}/?query=" + urllib.parse.quote(inline_defaults(by_name[THROUGHPUT_QUERY]), safe="")
        for label, url in ((f"ours, {key}", ours_url), (f"stock, {key}", stock_url)):
            print(f"  load: {label} ...", flush=True)
            graph_loads[label] = throughput(tool, url, hey_n)
        if stock.restarts:
            print(f"  (stock server restarted {stock.restarts} time(s) after a timeout)")
    finally:
        for s in (ours, stock):
            if s is not None:
                s.cleanup()
    loads.update(graph_loads)
    print_graph_report(title, results, graph_loads, bd, n, timeout, (load_start, os.getloadavg()[0]))
    return results


def code_version() -> tuple[str, str]:
    """(the project's commit for display, a fingerprint of what the servers run: the trees of src/, queries/,
    ontology/ and graph/ at HEAD plus any uncommitted change to them). Commits that touch only documentation
    or bench/ leave the fingerprint as it is."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                              timeout=10).stdout.strip()

    try:
        head = git("rev-parse", "--short", "HEAD") or "unknown"
        trees = git("rev-parse", "HEAD:src", "HEAD:queries", "HEAD:ontology", "HEAD:graph")
        dirty = git("status", "--porcelain", "--", "src", "queries", "ontology", "graph")
    except (OSError, subprocess.TimeoutExpired):
        return "unknown", "unknown"
    return f"{head}{' + uncommitted changes' if dirty else ''}", trees + "\n" + dirty


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")  # so that every server this run started is stopped


def main() -> None:
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)  # also when started in the background, where SIGINT is ignored
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="seed graph only, N=10, hey -n 2000")
    ap.add_argument("--skip-synthetic", action="store_true", help="seed graph only")
    ap.add_argument("-n", type=int, help=f"timed requests per query and column (default {N_FULL}, quick {N_QUICK})")
    ap.add_argument("--events", type=int, help=f"synthetic events (3 documents each); default {SYNTH_EVENTS_DEFAULT}, "
                                               "corrected once to land near 100,000 triples")
    ap.add_argument("--timeout", type=float, default=30.0, help="client timeout per request, seconds (default 30)")
    ap.add_argument("--budget", type=float, default=60.0,
                    help="seconds one (server, query) series may take before it stops early (default 60)")
    ap.add_argument("--loadgen", choices=("auto", "hey", "wrk", "python"), default="auto",
                    help="load generator for the throughput test (auto: hey, else wrk, else Python)")
    ap.add_argument("--keep", type=Path, help="build the synthetic project under this folder and keep it")
    args = ap.parse_args()

    n = args.n or (N_QUICK if args.quick else N_FULL)
    hey_n = HEY_N_QUICK if args.quick else HEY_N_FULL
    tool = pick_loadgen(args.loadgen)
    if tool != "python" and not shutil.which(tool):
        ap.error(f"{tool} is not installed (apt-get install -y {tool}), or use --loadgen python")

    import pyoxigraph
    import rdflib
    import rdflib_endpoint  # noqa: F401
    from importlib.metadata import version

    version_at_start, code_at_start = code_version()
    print(f"kg serve benchmark  (project at commit {version_at_start}; python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs, load "
          f"{os.getloadavg()[0]:.2f}, rdflib {rdflib.__version__}, pyoxigraph {pyoxigraph.__version__}, "
          f"rdflib-endpoint {version('rdflib-endpoint')}, httpx {httpx.__version__})")
    print("ours  = python -m kg_builder serve --port P (defaults: 2 query worker processes running Oxigraph, 10 s "
          "limit per query, 10,000 rows at most)")
    print("stock = bench/stock_endpoint.py: rdflib_endpoint.SparqlEndpoint(graph=Dataset(default_union=True) parsed "
          "from the same graph/dataset.trig) under uvicorn; it evaluates every request with rdflib's SPARQL engine "
          "(it caches parsed queries, not results)")
    print("CACHE: our server caches every answer per build (key: query text, parameters, inferred, format; "
          "2,048 entries), so after the first request GET /api/queries/NAME is a cache hit that never reaches "
          "Oxigraph -- 'ours cached' is HTTP + cache lookup. 'ours uncached' is POST /sparql with the same text "
          "(parameter defaults inlined, as sent to stock) plus a unique '# n' comment line, so every request misses "
          "both the answer cache and the guard's check cache: the check (a scan of the text; rdflib's full parse only "
          "when the query mentions SERVICE, LOAD or FROM) + Oxigraph in a worker process + "
          "serialisation + IPC. Stock has no answer cache, so each stock request is a full evaluation.")
    print(f"Each column: {WARMUPS} warm-ups then N={n} sequential requests (Accept: {JSON}), client timeout "
          f"{args.timeout:.0f} s; a timeout or error ends that series (the stock server is then restarted); a "
          f"series stops early after {args.budget:.0f} s. Throughput: {CONCURRENCY} concurrent clients on "
          f"{THROUGHPUT_QUERY} with {tool}. All traffic to {HOST}.\n", flush=True)

    loads: dict[str, Load] = {}
    print("seed graph (graph/ of this project):", flush=True)
    a, i = triples_of(ROOT)
    seed = bench_graph(f"(a) seed graph: {ROOT / 'graph'}, {a:,} asserted + {i:,} inferred = {a + i:,} triples",
                       "seed graph", ROOT, n, hey_n, tool, args.budget, args.timeout, loads)
    synth = None
    why = "--quick" if args.quick else "--skip-synthetic"
    if not (args.quick or args.skip_synthetic):
        base = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-serve-"))
        try:
            print("\nsynthetic graph:", flush=True)
            project, events, docs, a, i = synthetic_project(base, args.events)
            synth = bench_graph(f"(b) synthetic graph: N={events} events = {docs} documents, {a:,} asserted + "
                                f"{i:,} inferred = {a + i:,} triples", "synthetic graph", project, n, hey_n, tool,
                                args.budget, args.timeout, loads)
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            why = f"failed: {e}"
            print(f"  synthetic graph {why}")
        finally:
            if not args.keep:
                shutil.rmtree(base, ignore_errors=True)
    print_targets(seed, synth, loads, args.timeout, why)
    version_at_end, code_at_end = code_version()
    if code_at_end != code_at_start:
        print(f"WARNING: src/, queries/, ontology/ or graph/ changed during the run ({version_at_start} -> "
              f"{version_at_end}): servers started at different times may have run different code.")
    elif version_at_end != version_at_start:
        print(f"(the project moved from {version_at_start} to {version_at_end} during the run, without changes to "
              f"src/, queries/, ontology/ or graph/)")


if __name__ == "__main__":
    main()
