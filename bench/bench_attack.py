"""Load under attack: 32 clients for a while, alone and then while two clients send runaway queries.

Every client sends from its own loopback address (all of 127.0.0.0/8 is loopback on Linux), so the
server sees 35 different clients: 32 ordinary ones, 2 attackers and a probe. The ordinary clients
alternate a repeated query (answered from the cache) and a fresh cheap one (which needs a worker);
the attackers send a four-way cartesian product each time their previous one is stopped; the probe
sends a fresh ASK four times a second and records how long each takes.

Targets (issue "close the holes"): under attack, the ordinary clients keep at least 70% of their
throughput with zero errors, and the probe answers in under 1 s. The same run is made against stock
rdflib-endpoint on the same graph, side by side (``--no-stock`` leaves it out).

    .venv/bin/python bench/bench_attack.py                 # 60 s per phase, ours and stock
    .venv/bin/python bench/bench_attack.py --duration 20 --no-stock

Only loopback addresses are ever contacted, every loop is bounded in time, and the servers started
here are stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from bench_serve import Server, start_ours, start_stock  # noqa: E402

CLIENTS = 32
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
REPEATED = ("PREFIX kgo: <https://w3id.org/kg-builder/ontology#> "
            "SELECT ?b ?p WHERE { ?b kgo:commander ?p } ORDER BY ?p")
JSON = "application/sparql-results+json"


@dataclass
class Tally:
    ok: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=dict)

    def add(self, seconds: float, status: int | str) -> None:
        if status == 200:
            self.ok += 1
            self.latencies.append(seconds)
        else:
            self.errors += 1
            self.kinds[str(status)] = self.kinds.get(str(status), 0) + 1


def _client(address: str, timeout: float) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.AsyncHTTPTransport(local_address=address), timeout=timeout,
                             trust_env=False, headers={"Accept": JSON})


async def _timed(c: httpx.AsyncClient, url: str, query: str, tally: Tally) -> None:
    start = time.perf_counter()
    try:
        status: int | str = (await c.get(url, params={"query": query})).status_code
    except httpx.HTTPError as e:
        status = type(e).__name__
    tally.add(time.perf_counter() - start, status)


async def ordinary(n: int, url: str, until: float, tally: Tally) -> None:
    async with _client(f"127.0.1.{n + 1}", 30) as c:
        i = 0
        while time.monotonic() < until:
            query = REPEATED if i % 2 == 0 else f'ASK {{ ?s ?p "fresh {n} {i}" }}'
            await _timed(c, url, query, tally)
            i += 1


async def attacker(n: int, url: str, until: float, sent: Tally) -> None:
    async with _client(f"127.0.2.{n + 1}", 15) as c:
        i = 0
        while time.monotonic() < until:
            await _timed(c, url, f"{RUNAWAY} # attack {n} {i}", sent)
            i += 1


async def probe(url: str, until: float, tally: Tally) -> None:
    async with _client("127.0.3.1", 10) as c:
        i = 0
        while time.monotonic() < until:
            await _timed(c, url, f'ASK {{ ?s ?p "probe {i}" }}', tally)
            i += 1
            await asyncio.sleep(0.25)


@dataclass
class Phase:
    label: str
    seconds: float
    others: Tally
    probe: Tally
    attacks: Tally | None

    @property
    def rps(self) -> float:
        return self.others.ok / self.seconds


async def phase(label: str, url: str, seconds: float, attack: bool) -> Phase:
    until = time.monotonic() + seconds
    others, probes, attacks = Tally(), Tally(), Tally()
    tasks = [ordinary(n, url, until, others) for n in range(CLIENTS)] + [probe(url, until, probes)]
    if attack:
        tasks += [attacker(n, url, until, attacks) for n in range(2)]
    start = time.monotonic()
    await asyncio.gather(*tasks)
    return Phase(label, time.monotonic() - start, others, probes, attacks if attack else None)


def _ms(values: list[float], q: float) -> str:
    if not values:
        return "—"
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000:,.0f}"


def report(server: str, quiet: Phase, loud: Phase) -> bool:
    kept = loud.rps / quiet.rps if quiet.rps else 0.0
    probe_max = max(loud.probe.latencies, default=float("inf")) if not loud.probe.errors else float("inf")
    print(f"\n{server}")
    print(f"  {'phase':<16}{'req/s':>9}{'errors':>8}{'p50 ms':>9}{'p99 ms':>9}{'probe p50':>11}{'probe max':>11}"
          f"{'probe errors':>14}")
    for p in (quiet, loud):
        probe_top = f"{max(p.probe.latencies) * 1000:,.0f}" if p.probe.latencies else "—"
        print(f"  {p.label:<16}{p.rps:>9,.1f}{p.others.errors:>8}{_ms(p.others.latencies, .5):>9}"
              f"{_ms(p.others.latencies, .99):>9}{_ms(p.probe.latencies, .5):>11}{probe_top:>11}"
              f"{p.probe.errors:>14}")
    if loud.attacks is not None:
        print(f"  attackers' queries: {loud.attacks.ok + loud.attacks.errors} sent, answers {loud.attacks.kinds}")
    errors = {**loud.others.kinds, **{"probe " + k: v for k, v in loud.probe.kinds.items()}}
    if errors:
        print(f"  errors under attack: {errors}")
    ok = kept >= 0.7 and loud.others.errors == 0 and probe_max < 1.0
    print(f"  throughput kept under attack: {kept:.0%} (target ≥ 70%); probe max "
          f"{probe_max * 1000:,.0f} ms (target < 1,000 ms) -> {'MET' if ok else 'NOT MET'}")
    return ok


def run(server: Server, url: str, seconds: float) -> tuple[Phase, Phase]:
    quiet = asyncio.run(phase("alone", url, seconds, attack=False))
    loud = asyncio.run(phase("under attack", url, seconds, attack=True))
    return quiet, loud


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds per phase (default 60)")
    ap.add_argument("--no-stock", action="store_true", help="leave out stock rdflib-endpoint")
    args = ap.parse_args()
    print(f"{CLIENTS} ordinary clients, 2 attackers, 1 probe; {args.duration:g} s per phase; graph: seed corpus")
    results = {}
    ours = start_ours(ROOT)
    try:
        results["ours (kg serve, defaults)"] = run(ours, ours.base + "/sparql", args.duration)
    finally:
        ours.cleanup()
    if not args.no_stock:
        stock = start_stock(ROOT)
        try:
            results["stock rdflib-endpoint"] = run(stock, stock.base + "/", args.duration)
        finally:
            stock.cleanup()
    verdicts = [report(name, *phases) for name, phases in results.items()]
    sys.exit(0 if verdicts[0] else 1)


if __name__ == "__main__":
    main()
