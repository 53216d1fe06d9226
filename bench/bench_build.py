#!/usr/bin/env python3
"""Benchmark ``kg_builder.pipeline.build_graph`` on growing synthetic corpora.

Size N means N *events*, each told by 3 documents (one encyclopedia article and two news articles),
so a size-N corpus holds 3*N documents. Size 1 is the 3 real seed documents of ``corpus/``; size
N > 1 is those 3 seed documents plus N-1 synthetic event triples generated from templates modelled
on them (see bench/README.md). The generator is seeded, so corpora are reproducible and the corpus
of size N is a prefix of the corpus of any larger size.

Every (size, reasoner) build runs in a fresh Python subprocess, so peak memory (the child's own
``ru_maxrss``) is per run, and times are taken inside the child around ``build_graph`` only
(interpreter start-up, imports of kg_builder, loading the settings and reading the corpus are
excluded; imports that the pipeline does lazily inside a stage, e.g. owlrl or pyshacl, are included
in that stage, as in a real ``kg build``).

    .venv/bin/python bench/bench_build.py               # sizes 1,10,100,1000, both reasoners
    .venv/bin/python bench/bench_build.py --quick       # sizes 1,10
    .venv/bin/python bench/bench_build.py --sizes 1,334 --reasoner reasonable
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("extract", "resolve", "compare", "rdf", "reason", "validate", "serialise")
REASONERS = ("owlrl", "reasonable")
SEED = 20250523

# Targets.
SEED_TARGET_S = 2.0
THOUSAND_DOCS_TARGET_S = 60.0
PEAK_RSS_TARGET_MB = 2048.0
LINEAR_MAX_EXPONENT = 1.10  # time ~ docs^k between the two largest sizes; k <= 1.10 counts as linear
STAGE_SUPERLINEAR = 1.20  # a stage of >= 1 s growing with k above this is called super-linear


# --------------------------------------------------------------------------------------------------
# Synthetic corpus
# --------------------------------------------------------------------------------------------------

ONSETS = ["k", "t", "d", "m", "n", "r", "s", "v", "z", "b", "g", "h", "l", "p", "sh", "kh", "dr", "br", "st", "tr"]
VOWELS = ["a", "e", "i", "o", "u", "ai", "ou", "ia"]
CODAS = ["", "", "n", "r", "l", "s", "m", "sk", "v", "z", "rd", "nt", "sh"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
ORDINAL_SUFFIX = {1: "st", 2: "nd", 3: "rd"}
UNIT_KINDS = ["Armoured Division", "Infantry Division", "Mechanised Brigade", "Mountain Brigade",
              "Airborne Brigade", "Rifle Corps", "Tank Corps", "Guards Army"]
SENIOR_TITLES = ["General", "Lieutenant General", "Major General", "Field Marshal", "Marshal"]
JUNIOR_TITLES = ["Colonel", "Brigadier General", "Lieutenant Colonel", "Major"]
OUTLETS = ["Example News", "Northern Herald", "Evening Dispatch", "Frontline Review", "Daily Courier",
           "Coastal Times", "Continental Post", "Morning Ledger"]
QUOTES_SPEAKER = [
    "The city was taken back street by street, and every street cost us dearly",
    "We did not fight for territory, we fought so that our families could return home",
    "Nobody believed the river could be crossed under fire, yet the men crossed it in one night",
    "The victory belongs to the soldiers and to the people who fed and sheltered them",
    "They held the city for months, but they never held the hearts of its people",
]
QUOTES_LEADER = [
    "When the city was liberated it was a huge event, politically important and militarily very complex",
    "The first factor was the courage of our youth and the second factor was the strength of their faith",
    "This day will be remembered as the turning point of the whole war by every generation",
]


def _word(rng: random.Random, syllables: tuple[int, int]) -> str:
    n = rng.randint(*syllables)
    parts = []
    for i in range(n):
        parts.append(rng.choice(ONSETS) + rng.choice(VOWELS) + (rng.choice(CODAS) if i == n - 1 else ""))
    return "".join(parts).capitalize()


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else ORDINAL_SUFFIX.get(n % 10, "th")
    return f"{n}{suffix}"


def _num(n: int) -> str:
    return f"{n:,}"


def _round(rng: random.Random, lo: int, hi: int, step: int) -> int:
    return rng.randrange(lo // step, hi // step + 1) * step


class Names:
    """Unique names drawn from syllables: every event gets new towns, people and operations."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.people: list[tuple[str, str]] = []  # (full name, country label)
        self.earlier = 0  # people[:earlier] were named by earlier events

    def next_event(self) -> None:
        self.earlier = len(self.people)

    def fresh(self, syllables: tuple[int, int] = (2, 3)) -> str:
        for _ in range(1000):
            w = _word(self.rng, syllables)
            if w not in self.used and len(w) >= 4:
                self.used.add(w)
                return w
        raise RuntimeError("name space exhausted")

    def person(self, country: str, reuse: float = 0.15) -> str:
        """A person of a country; sometimes one who fought before (people recur across events)."""
        earlier = [p for p, c in self.people[:self.earlier] if c == country]
        if earlier and self.rng.random() < reuse:
            return self.rng.choice(earlier)
        given = self.fresh((2, 2))
        family = self.fresh((2, 3))
        r = self.rng.random()
        if r < 0.12:
            name = f"{given} von {family}"
        elif r < 0.24:
            name = f"{given} al-{family}"
        else:
            name = f"{given} {family}"
        self.people.append((name, country))
        return name


def _countries() -> list[tuple[str, str]]:
    """(label, demonym) of the registry's countries, so that demonyms resolve as in the real corpus."""
    sys.path.insert(0, str(ROOT / "src"))
    from kg_builder.config import load_settings

    reg = load_settings(ROOT).registry
    return [(e.label, e.demonyms[0]) for e in reg.entries if e.type == "Country" and e.demonyms]


def _date(rng: random.Random, year: int) -> dt.date:
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))


def _dmy(d: dt.date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def _mdy(d: dt.date) -> str:
    return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"


def make_event(k: int, rng: random.Random, names: Names, countries: list[tuple[str, str]]
               ) -> list[tuple[str, str, dict[str, object]]]:
    """One event told by three documents: [(file stem, text, sidecar fields)]."""
    names.next_event()
    (c1, adj1), (c2, adj2) = rng.sample(countries, 2)  # side 1 holds the town, side 2 retakes it
    town, prov, river, op, other_town = (names.fresh() for _ in range(5))
    war = f"{c2}–{c1} War"
    year = rng.randint(1941, 1995)
    captured = _date(rng, year - 1)
    start = captured + dt.timedelta(days=rng.randint(120, 400))
    liberated = start + dt.timedelta(days=rng.randint(12, 40))
    mid = start + (liberated - start) // 2
    occupied_days = (liberated - captured).days
    fight_days = rng.randint(2, 6)
    cmd1: list[str] = []
    cmd2: list[str] = []
    for side, country in ((cmd1, c1), (cmd2, c2)):
        want = rng.randint(3, 5)
        while len(side) < want:  # an earlier person may be drawn twice: keep the list distinct
            p = names.person(country)
            if p not in side:
                side.append(p)
    t2 = [rng.choice(SENIOR_TITLES) for _ in cmd2]
    t1 = [rng.choice(SENIOR_TITLES + JUNIOR_TITLES) for _ in cmd1]
    units = [f"{_ordinal(rng.randint(1, 40))} {rng.choice(UNIT_KINDS)}" for _ in range(3)]
    str1 = _round(rng, 20_000, 120_000, 1_000)
    str2 = _round(rng, 40_000, 200_000, 1_000)
    tanks1, tanks2 = _round(rng, 50, 600, 10), _round(rng, 100, 900, 10)
    killed1 = _round(rng, 2_000, 15_000, 100)
    wounded1 = _round(rng, 5_000, 30_000, 100)
    captured1 = _round(rng, 3_000, 25_000, 100)
    killed2_lo = _round(rng, 4_000, 14_000, 500)
    killed2_hi = killed2_lo + _round(rng, 1_000, 5_000, 500)
    wounded2 = _round(rng, 8_000, 40_000, 1_000)
    lost_tanks1, lost_apcs1, lost_guns1 = _round(rng, 50, 400, 10), _round(rng, 50, 400, 10), _round(rng, 20, 200, 10)
    lost_tanks2 = _round(rng, 50, 500, 10)
    kia = rng.randrange(len(cmd1))
    reporter = names.person("press", reuse=0.0)
    outlet = rng.choice(OUTLETS)
    pub1 = dt.date(rng.randint(2000, 2024), liberated.month, min(liberated.day, 28))
    pub2 = dt.date(rng.randint(2000, 2024), liberated.month, min(liberated.day, 28))
    surname2 = cmd2[0].split()[-1]

    def listed(people: list[str], glued: int | None = None) -> str:
        return ", ".join(p + ("KIA" if i == glued else "") for i, p in enumerate(people))

    enc = f"""= Battle of {town} ({year}) =

Infobox
- Conflict: Battle of {town}
- Partof: the {war} and Operation {op}
- Date: {start.day} {MONTHS[start.month - 1]} – {_dmy(liberated)}, ()
- Place: {town}, {prov}, {c1}
- Territory: {c2} retakes the river port of {town} and pushes {adj1} forces back across the {river} River
- Result: {adj2} victory
- Combatant1: {c1}
- Combatant2: {c2}
- Commander1: {listed(cmd1, kia)}
- Commander2: {listed(cmd2)}
- Strength1: {_num(str1)} troops, {_num(tanks1)} tanks
- Strength2: {_num(str2)} troops, {_num(tanks2)} tanks
- Casualties1: {_num(killed1)} killed, {_num(wounded1)} wounded, {_num(captured1)} captured ---- {lost_tanks1} tanks, {lost_apcs1} APCs, {lost_guns1} artillery pieces destroyed or captured (In all sectors)
- Casualties2: {_num(killed2_lo)}–{_num(killed2_hi)} killed, {_num(wounded2)} wounded ---- {lost_tanks2} tanks destroyed (In all sectors)
- Map Type: {c1}
- Map Mark: red_pog.svg
- Map Label: {town}

The Battle of {town}, also known in {c2} as the Liberation of {town}, was the {adj2} recapture of the city of {town} on {_dmy(liberated)}, during the {war}. The city had been captured by {adj1} forces earlier in the war, on {_dmy(captured)}. The successful retaking of the city was part of {c2}'s Operation {op}. It is perceived as a turning point in the war.

== Battle ==

Following its capture, the city of {town} remained under {adj1} control until {MONTHS[start.month - 1]} {year}, when {c2} launched Operation {op} to recapture the occupied parts of the province of {prov}. The initial phase of the operation took place from {start.day} {MONTHS[start.month - 1]} to {_dmy(mid)} and consisted of approximately {_num(_round(rng, 30_000, 90_000, 5_000))} {adj2} troops. {t2[0]} {cmd2[0]} commanded the {units[0]}, while {t2[1]} {cmd2[1]} led the {units[1]} along the {river} River. The {adj1} forces withdrew to {town} and launched an unsuccessful counterattack on {_dmy(mid + dt.timedelta(days=2))}. {adj2} forces then crossed the {river} River, besieged {town}, and recaptured the city on {_dmy(liberated)}, after {fight_days} days of intense and bloody fighting.

The {adj1} defence of the town was led by {t1[0]} {cmd1[0]}, commander of the {units[2]}. Some {_num(_round(rng, 10_000, 40_000, 1_000))} {adj1} soldiers held positions on the eastern bank of the {river} River.

== Aftermath and legacy ==
In retaking {town}, the {adj2} forces captured approximately {_num(captured1)} soldiers from a now-demoralized {adj1} army. {t1[kia]} {cmd1[kia]} was killed in the final assault. More than {_num(wounded1 - 1_000)} {adj1} soldiers were wounded during the operation.

The anniversary of the liberation of {town} is annually observed in {c2} on {liberated.day} {MONTHS[liberated.month - 1]}.

== See also ==

- {river} River
- Operation {op}
- Battle of {other_town}
- History of {prov} province
"""
    quote1 = rng.choice(QUOTES_SPEAKER)
    quote2 = rng.choice(QUOTES_LEADER)
    news1 = f""" date {pub1.isoformat()} Located on the banks of the {river} River in the province of {prov}, {town} was captured by {adj1} forces in {captured.year}, and remained under occupation for {occupied_days} days.
Once known as the pearl of {prov}, {town} became a powerful symbol of resistance for the people of {c2}.
How did the city fall?
The enemy's attack on {town} began on {_mdy(captured)}, the very day the {adj1} army launched its invasion, targeting border cities and airfields across the country.
Despite having only a few thousand armed defenders, {town} resisted tens of thousands of {adj1} invaders for a full month.
On {_mdy(liberated)}, {adj2} forces reclaimed the strategic port city of {town} after more than {occupied_days - 20} days of {adj1} occupation. The {op} operation secured a decisive victory but came at a steep price—{_num(_round(rng, 3_000, 12_000, 500))} {adj2} lives lost and thousands wounded.
How was the city liberated?
In {MONTHS[start.month - 1]} {year}, {c2} launched a large-scale operation, code-named {op}, to retake {town} and other occupied territories in {prov} Province.
{adj1} forces had fortified the city with approximately {_num(_round(rng, 8_000, 15_000, 1_000))}–{_num(_round(rng, 16_000, 25_000, 1_000))} troops, supported by tanks, artillery, and defensive positions.
{t2[0]} {cmd2[0]}, who commanded the {units[0]}, described the final assault in these words:
"{quote1}."
"{quote2}," {surname2} added.
The victory at {town} is commemorated annually as a decisive turning point in the {war}.
*** By By {reporter}
(The article was originally published on {outlet} Website )"""
    news2 = f""" date {pub2.isoformat()} {town} was occupied by the {adj1} army in {MONTHS[captured.month - 1]} {captured.year}. The city remained under the occupation of the enemy for {occupied_days + rng.choice([0, 0, 3, -5])} days ({round(occupied_days / 30.4)} months.)

The enemy attack on {town} began on {_mdy(captured)}, the very day that the {adj1} aggression against {c2} began.

In {MONTHS[start.month - 1]} {year}, {c2} launched Operation {op}, recapturing all the occupied territories, including {town}, which was liberated after a fierce battle.

During the weeks-long operation, some {_num(_round(rng, 3_000, 12_000, 500))} {adj2} soldiers were martyred and nearly {_num(_round(rng, 10_000, 30_000, 1_000))} others injured.

In retaking the city, the {adj2} forces captured some {_num(captured1 + rng.choice([0, 0, 1_000, -500]))} troops from the {adj1} army. Some estimates suggested the {adj1} army lost half of its troops in the battle for {town}.

“{quote2},” {cmd2[1]} said, years after the war.

The victory in {town} is commemorated every year as a turning point of the war and a symbol of national unity.
*** By By {reporter}
(The article was originally published on {outlet} Website )
"""
    base = f"e{k:05d}"
    return [
        (f"{base}_a_enc", enc, {"title": f"Battle of {town} ({year})", "kind": "encyclopedia",
                                "publisher": "Wikipedia", "author": None, "published": None, "language": "en",
                                "licence": "CC BY-SA 4.0", "url": None}),
        (f"{base}_b_news", news1, {"title": f"[Article on the liberation of {town}, {outlet}]", "title_supplied": True,
                                   "kind": "news", "publisher": outlet, "author": reporter,
                                   "published": pub1.isoformat(), "language": "en", "licence": None, "url": None}),
        (f"{base}_c_news", news2, {"title": f"[Article on the anniversary of the liberation of {town}]",
                                   "title_supplied": True, "kind": "news", "publisher": outlet, "author": reporter,
                                   "published": pub2.isoformat(), "language": "en", "licence": None, "url": None}),
    ]


def write_corpus(folder: Path, size: int) -> tuple[int, int]:
    """Size N: the 3 seed documents plus N-1 synthetic events (3 documents each). Returns (docs, bytes)."""
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    seeds = sorted((ROOT / "corpus").glob("*.txt"))
    for p in seeds:
        shutil.copy2(p, folder / p.name)
        shutil.copy2(p.with_suffix(".meta.yaml"), folder / p.with_suffix(".meta.yaml").name)
    rng = random.Random(SEED)
    names = Names(rng)
    countries = _countries()
    for k in range(1, size):
        for stem, text, meta in make_event(k, rng, names, countries):
            (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
            (folder / f"{stem}.meta.yaml").write_text(
                yaml.safe_dump(meta, sort_keys=False, allow_unicode=True), encoding="utf-8")
    docs = sorted(folder.glob("*.txt"))
    return len(docs), sum(p.stat().st_size for p in docs)


# --------------------------------------------------------------------------------------------------
# Child: one build, timed from the inside
# --------------------------------------------------------------------------------------------------

def code_version() -> str:
    """A short hash of the kg_builder sources (others may edit them while the benchmark runs)."""
    import hashlib

    h = hashlib.sha256()
    for f in sorted((ROOT / "src" / "kg_builder").rglob("*.py")):
        h.update(str(f.relative_to(ROOT)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:8]


def git_head() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=ROOT, capture_output=True,
                               text=True, timeout=10).stdout.strip()
        return f"{head}{' + uncommitted changes in src/' if dirty else ''}"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def child(corpus: Path, reasoner: str) -> None:
    import resource

    code = code_version()  # before the import, so it names the code that runs
    sys.path.insert(0, str(ROOT / "src"))
    from kg_builder import storage
    from kg_builder.config import load_settings
    from kg_builder.pipeline import build_graph

    settings = load_settings(ROOT)
    t = time.perf_counter()
    documents = storage.read_corpus(corpus)
    read_s = time.perf_counter() - t
    extracted = 0
    marks: list[tuple[str, float]] = []  # (stage, CPU seconds when it started)

    def progress(stage: str, item: str | None) -> None:  # streamed so a killed run still says where it was
        nonlocal extracted
        if not marks or marks[-1][0] != stage:
            marks.append((stage, time.process_time()))
        if stage == "extract":
            extracted += 1
            if extracted != 1 and extracted % 250:
                return
        print(f"P {time.time():.3f} {time.process_time():.3f} {stage} {extracted}", file=sys.stderr, flush=True)

    print(f"C {code} -", file=sys.stderr, flush=True)
    print(f"P {time.time():.3f} {time.process_time():.3f} start 0", file=sys.stderr, flush=True)
    t0, c0 = time.perf_counter(), time.process_time()
    result = build_graph(settings, documents, reasoner=reasoner, progress=progress)
    total, cpu = time.perf_counter() - t0, time.process_time() - c0
    marks.append(("end", c0 + cpu))
    stage_cpu = {name: nxt[1] - c for (name, c), nxt in zip(marks, marks[1:])}
    rep = result.report
    print(json.dumps({
        "documents": rep.documents,
        "read_s": read_s,
        "stages": dict(rep.seconds_by_stage),
        "total": total,
        "cpu": cpu,
        "stage_cpu": stage_cpu,
        "code": code,
        "asserted": rep.asserted_triples,
        "inferred": rep.inferred_triples,
        "entities": sum(n for _, n in rep.entities_by_type),
        "claims": rep.claims,
        "mentions": rep.mentions,
        "conflicts": rep.conflicts,
        "corroborations": rep.corroborations,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # KiB on Linux
    }))


def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    except (OSError, IndexError, ValueError):
        return None


def _vm_hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run_best(corpus: Path, reasoner: str, timeout: float, repeat: int) -> dict[str, object]:
    """Best (least wall time) of up to ``repeat`` fresh-process runs; runs over 30 s are not repeated."""
    runs: list[dict[str, object]] = []
    while len(runs) < max(1, repeat):
        load = os.getloadavg()[0]
        r = run_child(corpus, reasoner, timeout)
        r["load"] = load
        r["load_end"] = os.getloadavg()[0]
        runs.append(r)
        if "error" in r or r.get("timeout") or r["total"] > 30:
            break
    best = min(runs, key=lambda r: 1e9 if "error" in r or r.get("timeout") else r["total"])
    best["runs"] = len(runs)
    best["all_totals"] = [r.get("total") for r in runs]
    return best


def run_child(corpus: Path, reasoner: str, timeout: float) -> dict[str, object]:
    """Run one build in a fresh interpreter. On timeout, kill it and reconstruct the stages it went through."""
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child", str(corpus),
                                 "--reasoner", reasoner], stdout=subprocess.PIPE, stderr=err, text=True, cwd=ROOT)
        try:
            out, _ = proc.communicate(timeout=timeout)
        except BaseException as e:
            if not isinstance(e, subprocess.TimeoutExpired):  # interrupted: do not leave the child running
                proc.kill()
                proc.wait()
                raise
            peak, cpu_at_kill = _vm_hwm_mb(proc.pid), _cpu_seconds(proc.pid)
            killed_at = time.time()
            proc.kill()
            proc.communicate()
            err.seek(0)
            return {"timeout": True, "peak_mb": peak, **_partial(err.read(), killed_at, cpu_at_kill)}
        err.seek(0)
        if proc.returncode != 0:
            return {"error": err.read().strip().splitlines()[-5:]}
        return json.loads(out.strip().splitlines()[-1])


def _partial(log: str, killed_at: float, cpu_at_kill: float | None) -> dict[str, object]:
    """Stage wall times of a killed build, from its progress log; the last stage is a lower bound."""
    starts: list[tuple[str, float, float, int]] = []
    code = None
    for line in log.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "C":
            code = parts[1]
        if len(parts) == 5 and parts[0] == "P":
            starts.append((parts[3], float(parts[1]), float(parts[2]), int(parts[4])))
    stages: dict[str, float] = {}
    stage_cpu: dict[str, float] = {}
    order = [s for s in starts if s[0] != "extract" or s[3] == 1]
    for (name, t, c, _), nxt in zip(order, order[1:] + [("killed", killed_at, cpu_at_kill, 0)]):
        if name != "start":
            stages[name] = nxt[1] - t
            if nxt[2] is not None:
                stage_cpu[name] = nxt[2] - c
    running = order[-1][0] if order else "?"
    extracted = max((n for name, _, _, n in starts if name == "extract"), default=0)
    total = killed_at - starts[0][1] if starts else None
    cpu = cpu_at_kill - starts[0][2] if starts and cpu_at_kill is not None else None
    return {"stages": stages, "stage_cpu": stage_cpu, "running": running, "total": total, "cpu": cpu,
            "extracted": extracted, "code": code}


# --------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------

def _f(x: object, width: int = 8, digits: int = 2) -> str:
    if x is None:
        return "-".rjust(width)
    if isinstance(x, float):
        return f"{x:{width}.{digits}f}"
    return str(x).rjust(width)


def print_row(size: int, docs: int, reasoner: str, r: dict[str, object]) -> None:
    if "error" in r:
        print(f"{size:>5} {docs:>5} {reasoner:<10} FAILED: {' | '.join(r['error'])}", flush=True)
        return
    stages = r["stages"]
    cells = []
    for s in STAGES:
        v = stages.get(s)
        if r.get("timeout") and s == r.get("running"):
            cells.append((f">{v:.1f}" if v is not None else "?").rjust(8))
        else:
            cells.append(_f(v))
    total = r.get("total")
    if r.get("timeout"):
        tot = f">{total:.1f}".rjust(8)
        cpu = (f">{r['cpu']:.1f}" if r.get("cpu") is not None else "-").rjust(8)
        per = "-".rjust(8)
        asserted = inferred = "-"
    else:
        tot = _f(total)
        cpu = _f(r.get("cpu"))
        per = f"{1000 * total / docs:8.1f}"
        asserted, inferred = r["asserted"], r["inferred"]
    peak = r.get("peak_mb")
    runs = f"{r.get('runs', 1)}"
    print(f"{size:>5} {docs:>5} {reasoner:<10} {' '.join(cells)} {tot} {cpu} {per} {asserted:>10} {inferred:>9} "
          f"{_f(peak, 8, 0)} {r.get('load', 0.0):4.1f}/{r.get('load_end', 0.0):<4.1f} {runs:>4}", flush=True)
    if r.get("timeout"):
        where = f" (at document {r['extracted']})" if r["running"] == "extract" else ""
        print(f"{'':>5} {'':>5} {'':<10} TIMEOUT: killed after {total:.0f} s while in stage "
              f"'{r['running']}'{where}; stage seconds above are wall time from the child's progress log, "
              f"the last one a lower bound; peak RSS is VmHWM at the kill", flush=True)


HEADER = (f"{'N':>5} {'docs':>5} {'reasoner':<10} " + " ".join(f"{s:>8}" for s in STAGES)
          + f" {'total':>8} {'cpu':>8} {'ms/doc':>8} {'asserted':>10} {'inferred':>9} {'peakMB':>8} {'load':>9} {'runs':>4}")


def exponent(t_a: float, t_b: float, d_a: int, d_b: int) -> float | None:
    if t_a <= 0 or t_b <= 0 or d_a == d_b:
        return None
    return math.log(t_b / t_a) / math.log(d_b / d_a)


def summary(results: dict[tuple[int, str], dict[str, object]], docs_of: dict[int, int], sizes: list[int],
            reasoners: list[str]) -> None:
    ok = {k: v for k, v in results.items() if "error" not in v and not v.get("timeout")}

    if len(reasoners) == 2:
        print("\nReasoning time, owlrl vs reasonable (the 'reason' stage; and the whole build):")
        print(f"{'N':>5} {'docs':>5} {'owlrl':>9} {'reasonable':>11} {'speed-up':>9} | {'total owlrl':>12} "
              f"{'total reas.':>12} {'speed-up':>9}")
        for n in sizes:
            a, b = results.get((n, "owlrl")), results.get((n, "reasonable"))
            if not a or not b or "error" in a or "error" in b:
                continue
            ra, rb = a["stages"].get("reason"), b["stages"].get("reason")
            done = not a.get("timeout") and not b.get("timeout")
            sp = f"{ra / rb:8.1f}x" if ra and rb and "reason" not in (a.get("running"), b.get("running")) else "       -"
            ta, tb = a.get("total"), b.get("total")
            tsp = f"{ta / tb:8.2f}x" if done else "       -"
            print(f"{n:>5} {docs_of[n]:>5} {_f(ra, 9)} {_f(rb, 11)} {sp} | {_f(ta, 12)} {_f(tb, 12)} {tsp}")

    print("\nGrowth exponent k per stage between consecutive sizes, from each stage's CPU time (less "
          "sensitive to other load than wall time): time ~ docs^k; 1.0 = linear, > ~1.2 = super-linear;\n"
          "'-' = under 0.05 s, too small to judge; '>k' = the larger run was killed in that stage, so k is a "
          "lower bound ('?' if that bound is under 1); stages it never reached are left out.\n"
          "total = wall, cpu = CPU of the whole build:")
    usable = {k: v for k, v in results.items() if "error" not in v}
    superlinear: dict[str, list[str]] = {r: [] for r in reasoners}
    for r in reasoners:
        done = [n for n in sizes if (n, r) in usable]
        for a, b in zip(done, done[1:]):
            ra, rb = usable[(a, r)], usable[(b, r)]
            if ra.get("timeout"):
                break
            cells = []
            for s in STAGES + ("total", "cpu"):
                killed_here = rb.get("timeout") and (s in ("total", "cpu") or s == rb.get("running"))
                if s in ("total", "cpu"):
                    ta, tb = ra.get(s), rb.get(s)
                elif "stage_cpu" in ra and "stage_cpu" in rb:
                    ta, tb = ra["stage_cpu"].get(s), rb["stage_cpu"].get(s)
                else:
                    ta, tb = ra["stages"].get(s), rb["stages"].get(s)
                if ta is None or tb is None:
                    continue
                k = exponent(ta, tb, docs_of[a], docs_of[b]) if max(ta, tb) >= 0.05 else None
                if k is None:
                    cells.append(f"{s}=-")
                    continue
                if killed_here and k <= 1.0:  # a lower bound under 1 says nothing
                    cells.append(f"{s}=?")
                    continue
                cells.append(f"{s}={'>' if killed_here else ''}{k:.2f}")
                # A stage that takes at least 1 s and grows clearly faster than linear.
                if s not in ("total", "cpu") and tb >= 1.0 and k > STAGE_SUPERLINEAR:
                    superlinear[r].append(f"{s} k={'>' if killed_here else ''}{k:.2f} ({docs_of[a]}->{docs_of[b]} docs)")
            print(f"  {r:<10} {docs_of[a]:>4} -> {docs_of[b]:>4} docs: " + "  ".join(cells))

    print("\nTargets (N counts events; each event is 3 documents, so N=1000 is 3,000 documents):")
    for r in reasoners:
        print(f"  reasoner {r}:")
        seed = results.get((1, r))
        if seed and "error" not in seed and not seed.get("timeout"):
            v = "PASS" if seed["total"] <= SEED_TARGET_S else "MISS"
            print(f"    seed build (3 real documents) <= {SEED_TARGET_S:.0f} s: {seed['total']:.2f} s wall "
                  f"(best of {seed.get('runs', 1)}: {', '.join(f'{t:.2f}' for t in seed.get('all_totals', []))}; "
                  f"cpu {seed['cpu']:.2f} s) -> {v}")
        else:
            print("    seed build <= 2 s: not measured")

        complete = sorted((docs_of[n], n) for n in sizes if (n, r) in ok)
        killed = sorted((docs_of[n], n) for n in sizes if (n, r) in results and results[(n, r)].get("timeout"))
        label = f"    1,000 documents <= {THOUSAND_DOCS_TARGET_S:.0f} s:"
        exact = [(d, n) for d, n in complete if 1000 <= d <= 1100]
        # The corpora are prefixes of each other, so a build of more documents takes at least as long.
        over_below = [(d, n) for d, n in complete if d <= 1000 and ok[(n, r)]["total"] > THOUSAND_DOCS_TARGET_S]
        below = [(d, n) for d, n in complete if d < 1000]
        above = [(d, n) for d, n in complete if d > 1000]
        if exact:
            d, n = exact[0]
            t = ok[(n, r)]["total"]
            print(f"{label} measured {d} documents (N={n}): {t:.1f} s -> "
                  f"{'PASS' if t <= THOUSAND_DOCS_TARGET_S else 'MISS'}")
        elif over_below:
            d, n = over_below[0]
            t = ok[(n, r)]["total"]
            dl, nl = below[-1]
            rate = ok[(nl, r)]["total"] / dl
            print(f"{label} already {d} documents (N={n}) take {t:.1f} s; the 1,000-document corpus contains "
                  f"them, so it cannot be faster. At the {1000 * rate:.0f} ms/doc of the {dl}-document run, "
                  f"1,000 documents would take ~{1000 * rate:.0f} s (more if growth is super-linear) -> MISS")
        elif below and above:
            (d0, n0), (d1, n1) = below[-1], above[0]
            t0, t1 = ok[(n0, r)]["total"], ok[(n1, r)]["total"]
            est = t0 + (t1 - t0) * (1000 - d0) / (d1 - d0)
            print(f"{label} not measured directly; linear interpolation between {d0} docs ({t0:.1f} s) and "
                  f"{d1} docs ({t1:.1f} s) gives ~{est:.1f} s (an over-estimate if growth is convex) -> "
                  f"{'PASS' if est <= THOUSAND_DOCS_TARGET_S else 'MISS'}")
        elif killed and killed[0][0] <= 1100 and results[killed[0][1], r]["total"] > THOUSAND_DOCS_TARGET_S:
            d, n = killed[0]
            print(f"{label} {d} documents (N={n}) did not finish in {results[(n, r)]['total']:.0f} s -> MISS")
        else:
            print(f"{label} not measured (use sizes on both sides of 1,000 documents, e.g. --sizes 100,1000, "
                  f"or --sizes 334)")

        lin = (f"    linear growth (total k <= {LINEAR_MAX_EXPONENT} between the two largest completed sizes, "
               f"no stage of >= 1 s with k > {STAGE_SUPERLINEAR}):")
        done = [n for n in sizes if (n, r) in ok and n > 1]
        parts = []
        total_ok = True
        if len(done) >= 2:
            a, b = done[-2], done[-1]
            k = exponent(ok[(a, r)]["total"], ok[(b, r)]["total"], docs_of[a], docs_of[b])
            pa = 1000 * ok[(a, r)]["total"] / docs_of[a]
            pb = 1000 * ok[(b, r)]["total"] / docs_of[b]
            total_ok = k is not None and k <= LINEAR_MAX_EXPONENT
            parts.append(f"total {docs_of[a]}->{docs_of[b]} docs: {pa:.0f} -> {pb:.0f} ms/doc, k = {k:.2f}")
        if superlinear[r]:
            parts.append("super-linear stages: " + "; ".join(superlinear[r]))
        if len(done) < 2 and not superlinear[r]:
            print(f"{lin} not judged (fewer than two completed synthetic sizes)")
        else:
            v = "PASS" if total_ok and not superlinear[r] else "MISS"
            print(f"{lin} " + "; ".join(parts) + f" -> {v}")

        peaks = [(results[(n, r)].get("peak_mb"), n) for n in sizes
                 if (n, r) in results and "error" not in results[(n, r)] and results[(n, r)].get("peak_mb")]
        if peaks:
            p, n = max(peaks)
            incomplete = results[(n, r)].get("timeout")
            v = "PASS" if p <= PEAK_RSS_TARGET_MB and not incomplete else "MISS" if p > PEAK_RSS_TARGET_MB else "UNKNOWN"
            print(f"    peak memory <= 2 GB: largest {p:.0f} MB at N={n} ({docs_of[n]} documents)"
                  + (" (run killed before the end: the true peak is at least this)" if incomplete else "")
                  + f" -> {v}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1,10,100,1000",
                    help="comma-separated numbers of events N; each event is 3 documents (default 1,10,100,1000)")
    ap.add_argument("--reasoner", choices=("owlrl", "reasonable", "both"), default="both")
    ap.add_argument("--quick", action="store_true", help="sizes 1,10 only")
    ap.add_argument("--timeout", type=float, default=480.0,
                    help="seconds before one build is killed and reported as unfinished (default 480)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="fresh-process runs per build, the fastest is reported; builds over 30 s run once (default 3)")
    ap.add_argument("--keep", type=Path, help="write the corpora under this folder and keep them")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.reasoner)
        return

    sizes = [1, 10] if args.quick else sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    if not sizes or min(sizes) < 1:
        ap.error("sizes must be positive integers")
    reasoners = list(REASONERS) if args.reasoner == "both" else [args.reasoner]

    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the temporary corpora are removed
    base = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    print(f"kg_builder build benchmark  (python {sys.version.split()[0]}, {os.cpu_count()} CPUs, project {ROOT}, "
          f"git {git_head()}, sources {code_version()})")
    print("N = events; each event is 3 documents (1 encyclopedia + 2 news). N=1: the 3 real seed documents; "
          "N>1: the seeds + N-1 synthetic events.")
    print("Times in seconds inside a fresh child process, around build_graph only (no interpreter start, "
          "no corpus read, no graph/ write); stage columns and total are wall time, cpu = the child's CPU time "
          "for the build.\npeakMB = the child's ru_maxrss. load = 1-minute load average when the run started/ended "
          f"(this machine has {os.cpu_count()} CPUs; other work running at the same time inflates wall times). "
          "runs = fresh-process runs, fastest shown.\n")
    results: dict[tuple[int, str], dict[str, object]] = {}
    docs_of: dict[int, int] = {}
    gave_up: set[str] = set()
    try:
        corpora = {}
        for n in sizes:
            t = time.perf_counter()
            corpora[n] = base / f"corpus-{n}"
            docs_of[n], nbytes = write_corpus(corpora[n], n)
            print(f"corpus N={n}: {docs_of[n]} documents, {nbytes / 1024:.0f} KiB "
                  f"({nbytes / docs_of[n] / 1024:.1f} KiB/doc), generated in {time.perf_counter() - t:.1f} s")
        print()
        print(HEADER)
        for n in sizes:
            for r in reasoners:
                if r in gave_up:
                    print(f"{n:>5} {docs_of[n]:>5} {r:<10} skipped (a smaller size timed out)", flush=True)
                    continue
                results[(n, r)] = res = run_best(corpora[n], r, args.timeout, args.repeat)
                print_row(n, docs_of[n], r, res)
                if res.get("timeout"):
                    gave_up.add(r)
        extra = [(n, r, v) for (n, r), v in results.items() if "error" not in v and not v.get("timeout")]
        if extra:
            print("\nCounts per run (entities, claims, mentions, conflicts/corroborations, corpus read seconds):")
            for n, r, v in extra:
                print(f"  N={n:<5} {r:<10} entities={v['entities']:<7} claims={v['claims']:<7} "
                      f"mentions={v['mentions']:<7} conflicts={v['conflicts']:<6} "
                      f"corroborations={v['corroborations']:<6} read={v['read_s']:.2f}s")
        summary(results, docs_of, sizes, reasoners)
        codes: dict[str, list[str]] = {}
        for (n, r), v in results.items():
            codes.setdefault(str(v.get("code")), []).append(f"N={n} {r}")
        if len(codes) > 1:
            print("\nWARNING: the kg_builder sources changed while the benchmark ran; runs used different code:")
            for c, runs in codes.items():
                print(f"  sources {c}: {', '.join(runs)}")
        else:
            print(f"\nAll runs used the same kg_builder sources ({next(iter(codes))}).")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
