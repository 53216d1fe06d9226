"""The ``kg`` command: thin adapters over the library. Each command calls one library function and
turns a ``KgError`` into a message and its exit code."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import storage
from .config import load_settings
from .errors import KgError
from .models import BuildReport

if TYPE_CHECKING:  # kg eval loads its module when it runs; these are for type hints only
    from .config import Settings
    from .evaluate import EvalReport, Score

app = typer.Typer(
    name="kg",
    help="Build a knowledge graph with provenance from documents, reason over it, and query it.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
)
err = Console(stderr=True)
out = Console()
T = TypeVar("T")

EXIT_OUT_OF_DATE = 6

RootOption = Annotated[
    Path | None, typer.Option("--root", help="Project folder (default: found from the current folder, or $KG_ROOT).")
]


@contextmanager
def _errors() -> Iterator[None]:
    """Turn domain errors into a clean message and their documented exit code."""
    try:
        yield
    except KgError as e:
        err.print(f"error: {e}", style="red", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(e.exit_code) from None


def _run(fn: Callable[[], T]) -> T:
    with _errors():
        return fn()


def _report_table(report: BuildReport,
                  cache: tuple[int, int, tuple[str, ...], tuple[str, ...]] | None = None) -> Table:
    table = Table(title="Build summary", show_header=True, header_style="bold")
    table.add_column("what")
    table.add_column("count / seconds", justify="right")
    table.add_row("documents", str(report.documents))
    if cache is not None:
        table.add_row("documents from .kg-cache/", str(cache[0]))
        # reasoning and validation are taken as they were when their whole input is unchanged
        table.add_row("stages from .kg-cache/", ", ".join(cache[3]) or "none")
    for type_, n in report.entities_by_type:
        table.add_row(f"entities: {type_}", str(n))
    table.add_row("claims", str(report.claims))
    table.add_row("mentions", str(report.mentions))
    table.add_row("conflicts", str(report.conflicts))
    table.add_row("corroborations", str(report.corroborations))
    table.add_row("asserted triples", str(report.asserted_triples))
    table.add_row("inferred triples", str(report.inferred_triples))
    for stage, seconds in report.seconds_by_stage:
        table.add_row(f"time: {stage}", f"{seconds:.3f}")
    return table


def _stale_files(graph_dir: Path, names: tuple[str, ...], built: dict[str, bytes]) -> list[str]:
    """The files of graph/ that differ from a fresh build (missing or unreadable ones included)."""
    storage.recover_graph_dir(graph_dir)
    stale = []
    for name in names:
        try:
            same = (graph_dir / name).read_bytes() == built[name]
        except OSError:  # missing, or graph/ is not a folder: either way it is not what a build gives
            same = False
        if not same:
            stale.append(name)
    return stale


@app.command()
def build(
    root: RootOption = None,
    reasoner: Annotated[str, typer.Option(help="OWL-RL backend: owlrl (default) or reasonable (faster).")] = "owlrl",
    max_bytes: Annotated[int, typer.Option(help="Largest document accepted, in bytes.")] = storage.DEFAULT_MAX_BYTES,
    check: Annotated[bool, typer.Option("--check",
                                        help="Build in memory and fail (exit 6) if graph/ differs.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display or summary.")] = False,
    jobs: Annotated[int | None, typer.Option(help="Processes for the per-document stages (default: all cores; "
                                                  "small corpora run in one).")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Extract every document again, without "
                                                              ".kg-cache/ (a cold build).")] = False,
    executor: Annotated[str, typer.Option(help="Where the per-document stages run: local (this machine's "
                                               "processes) or dask (the cluster of --scheduler).")] = "local",
    scheduler: Annotated[str | None, typer.Option(help="The Dask scheduler's address, tcp://HOST:8786 "
                                                       "(with --executor dask).")] = None,
    validator: Annotated[str, typer.Option(help="SHACL validator: auto (pySHACL, the reference, below 100,000 "
                                                "triples; the Rust engine of `shacl` above), pyshacl or "
                                                "shacl.")] = "auto",
    layout: Annotated[str, typer.Option(help="Layout of the graph files: auto (pretty Turtle up to 200,000 "
                                             "triples a file, one triple a line above), pretty or lines.")] = "auto",
) -> None:
    """Build graph/ from the documents in corpus/.

    Each document's extraction is kept in .kg-cache/ (keyed by the document, the rules and the code),
    so a build after a change extracts only what changed; the result is the same as a cold build.

    Example: `kg build`, or `kg build --check` in CI to prove graph/ is what the corpus gives.
    """
    from .executor import default_jobs
    from .pipeline import GRAPH_FILES, LAYOUTS, run_build
    from .validate import VALIDATORS

    if jobs is not None and jobs < 1:
        raise typer.BadParameter("--jobs must be 1 or more")
    if validator not in VALIDATORS:
        raise typer.BadParameter(f"--validator must be one of {', '.join(VALIDATORS)}")
    if layout not in LAYOUTS:
        raise typer.BadParameter(f"--layout must be one of {', '.join(LAYOUTS)}")
    if executor not in ("local", "dask") or (executor == "dask") != (scheduler is not None):
        raise typer.BadParameter("--executor is local or dask, and dask needs --scheduler tcp://HOST:8786")

    settings = _run(lambda: load_settings(root))
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err,
                  disable=quiet or not err.is_terminal) as progress:
        task = progress.add_task("reading corpus", total=None)

        def show(stage: str, item: str | None) -> None:
            progress.update(task, description=f"{stage} {item or ''}".strip())
            if not err.is_terminal and not quiet:
                err.print(f"{stage} {item or ''}".strip(), highlight=False)

        result = _run(lambda: run_build(settings, reasoner=reasoner, max_bytes=max_bytes, progress=show,
                                        write=not check, jobs=jobs or default_jobs(), use_cache=not no_cache,
                                        validator=validator, scheduler=scheduler, layout=layout))
    for broken in result.cache[2] if result.cache else ():
        err.print(f"warning: {broken}: a broken cache entry, rebuilt", style="yellow", highlight=False, markup=False,
                  soft_wrap=True)
    for warning in result.report.warnings:
        err.print(f"warning: {warning}", style="yellow", highlight=False, markup=False, soft_wrap=True)
    if check:
        stale = _run(lambda: _stale_files(settings.graph_dir, GRAPH_FILES, result.files))
        if stale:
            err.print(f"graph/ is out of date: {', '.join(stale)} differ from a fresh build; run kg build",
                      style="red", highlight=False)
            raise typer.Exit(EXIT_OUT_OF_DATE)
        if not quiet:
            out.print("graph/ matches a fresh build of the corpus")
        return
    if not quiet:
        out.print(_report_table(result.report, result.cache))


@app.command()
def stats(root: RootOption = None,
          as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False) -> None:
    """Show what graph/ holds: documents, entities by type, claims, conflicts, triples.

    Example: `kg stats`, or `kg stats --json | jq .counts.claims`.
    """
    settings = _run(lambda: load_settings(root))
    manifest = json.loads(_run(lambda: storage.read_graph_file(settings.graph_dir, "build.json")))
    if as_json:
        out.print_json(data=manifest)
        return
    table = Table(title=f"Graph {manifest['build_id']}", header_style="bold")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in manifest["counts"].items():
        if isinstance(value, dict):
            for sub, n in value.items():
                table.add_row(f"{key}: {sub}", str(n))
        else:
            table.add_row(key, str(value))
    out.print(table)


@app.command()
def validate(root: RootOption = None) -> None:
    """Check graph/ (asserted and inferred triples) against ontology/shapes.ttl.

    Example: `kg validate` (exit code 4 and a report when a shape is violated).
    """
    from rdflib import Graph

    from .validate import check_shapes

    settings = _run(lambda: load_settings(root))

    def check() -> None:
        data = Graph()
        for name in ("asserted.ttl", "inferred.ttl"):
            data.parse(data=storage.read_graph_file(settings.graph_dir, name).decode("utf-8"), format="turtle")
        shapes = Graph().parse(data=storage.read_text(settings.shapes_file), format="turtle")
        report = check_shapes(data, shapes)
        if not report.conforms:
            err.print(report.text, highlight=False, markup=False, soft_wrap=True)
            raise typer.Exit(4)
        out.print(f"graph/ conforms to {settings.shapes_file.name} ({len(data)} triples checked)")

    _run(check)


@app.command()
def sidecar(
    document: Annotated[Path, typer.Argument(help="A text document (in corpus/ or elsewhere).")],
    write: Annotated[bool, typer.Option("--write",
                                        help="Write it next to the document instead of printing it.")] = False,
) -> None:
    """Draft the metadata sidecar of a document from what the document itself states.

    Example: `kg sidecar corpus/new_article.txt --write`, then check the fields by hand.
    """
    if write:
        out.print(f"wrote {_run(lambda: storage.write_sidecar(document))}")
    else:
        sys.stdout.write(_run(lambda: storage.draft_sidecar(document)))


@app.command()
def add(
    paths: Annotated[list[str], typer.Argument(help="Documents to import, files or http(s) addresses: Wikipedia "
                                                    "wikitext (.wiki) or its Special:Export XML, a saved Wikipedia "
                                                    "page or other web page (HTML), PDF, plain text, Markdown.")],
    kind: Annotated[str | None, typer.Option(help="encyclopedia or news (a wiki page is an encyclopedia "
                                                  "article unless this says otherwise).")] = None,
    stem: Annotated[str | None, typer.Option(help="The document's name in corpus/ (one document only).")] = None,
    language: Annotated[str | None, typer.Option(help="BCP 47 language tag, where the source states none.")] = None,
    title: Annotated[str | None, typer.Option(help="A title for a document that states none (one document "
                                                   "only; recorded as the cataloguer's).")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for a web address to answer.")] = 30.0,
    root: RootOption = None,
) -> None:
    """Import documents into corpus/: the text in the corpus format, a sidecar filled from what the
    source states, and the original byte for byte under corpus/originals/ (its SHA-256 in the sidecar).

    Example: `kg add ~/Downloads/Battle_of_Gazala.xml`, then `kg build`. Nothing is ever overwritten.
    A web address is fetched (http and https only, within a size limit); offline, nothing is written.
    """
    from .importers.add import add_documents

    if kind is not None and kind not in ("encyclopedia", "news"):
        raise typer.BadParameter("--kind must be encyclopedia or news")
    settings = _run(lambda: load_settings(root))
    for report in _run(lambda: add_documents(settings, paths, kind=kind, stem=stem, language=language,
                                             timeout=timeout, title=title)):
        for path in report.written:
            out.print(f"wrote {path}", highlight=False)
        needed = [k for k in report.unfilled if k in ("title", "kind", "language")]
        if report.unfilled:
            err.print(f"{report.document}: the source does not state {', '.join(report.unfilled)}; "
                      + (f"kg build needs {', '.join(needed)}: fill them in its sidecar" if needed else
                         "fill them in its sidecar if you know them"), style="yellow", highlight=False)


@app.command()
def serve(
    root: RootOption = None,
    host: Annotated[str, typer.Option(help="Address to bind. Loopback by default; 0.0.0.0 exposes it.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    timeout: Annotated[float, typer.Option(help="Seconds a query may run before it is stopped.")] = 10.0,
    max_rows: Annotated[int, typer.Option(help="Most result rows returned (the response says when it cut).")] = 10_000,
    workers: Annotated[int, typer.Option(help="Query worker processes (a runaway query holds one until its "
                                               "time limit; one client may hold at most half).")] = 4,
    queue_limit: Annotated[int, typer.Option(help="Queries that may wait for a worker; past that the answer is "
                                                  "503 with Retry-After.")] = 64,
    max_memory: Annotated[int, typer.Option(help="Megabytes a query may use in its worker, beyond the loaded "
                                                 "graph; past that it is stopped with 503.")] = 1024,
    cors: Annotated[list[str] | None, typer.Option(help="Origins allowed to read cross-origin (default: any, "
                                                         "without credentials). Repeat for several.")] = None,
    allow_updates: Annotated[bool, typer.Option("--allow-updates", help="Accept SPARQL updates with the token "
                                                "in $KG_UPDATE_TOKEN (off by default).")] = False,
) -> None:
    """Serve graph/ as a SPARQL 1.1 endpoint with the saved queries of queries/.

    Example: `kg serve`, then open http://127.0.0.1:8000/ or
    `curl -H 'Accept: text/csv' http://127.0.0.1:8000/api/queries/commanders-by-side`.
    """
    import os

    import uvicorn

    from .web.app import ServerOptions, create_app

    settings = _run(lambda: load_settings(root))
    token = os.environ.get("KG_UPDATE_TOKEN") or None
    if allow_updates and not token:
        err.print("error: --allow-updates needs a token in $KG_UPDATE_TOKEN", style="red", highlight=False)
        raise typer.Exit(2)
    options = ServerOptions(host=host, port=port, timeout=timeout, max_rows=max_rows, workers=workers,
                            queue_limit=queue_limit, memory_mb=max_memory,
                            cors_origins=tuple(cors or ("*",)), allow_updates=allow_updates, update_token=token)
    application = _run(lambda: create_app(settings, options))
    err.print(f"serving http://{host}:{port}/  (SPARQL at /sparql, saved queries at /api/queries)", highlight=False)
    uvicorn.run(application, host=host, port=port, log_level="warning")


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def query(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(
        help="A saved query's name (queries/NAME.rq), or - to read a query from stdin.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json, csv or tsv.")] = "table",
    inferred: Annotated[bool, typer.Option("--inferred/--asserted", help="Include inferred triples.")] = True,
    root: RootOption = None,
) -> None:
    """Run a saved query (or one from stdin) on graph/ and print the result. Parameters: -p NAME VALUE.

    Example: `kg query commanders-by-side -p battle battle-of-khorramshahr-1982 --format csv`,
    or `echo 'SELECT * WHERE { ?s ?p ?o } LIMIT 3' | kg query -`.
    """
    from .query import run_named_query

    settings = _run(lambda: load_settings(root))
    params: dict[str, str] = {}
    extra = list(ctx.args)
    while extra:
        flag = extra.pop(0)
        if flag not in ("-p", "--param") or len(extra) < 2:
            err.print(f"error: unexpected {flag!r}: parameters are given as -p NAME VALUE", style="red",
                      highlight=False)
            raise typer.Exit(2)
        key, value = extra.pop(0), extra.pop(0)
        params[key] = value
    text = sys.stdin.read() if name == "-" else None
    result = _run(lambda: run_named_query(settings, name, params, fmt=fmt, inferred=inferred, text=text))
    if fmt == "table":
        table = Table(header_style="bold", title=result.title)
        for column in result.columns:
            table.add_column(column, overflow="fold")
        for row in result.rows:
            table.add_row(*row)
        out.print(table)
    else:
        sys.stdout.write(result.body)


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f",
                                     help="turtle, ntriples, jsonld, trig or quickstatements.")] = "turtle",
    inferred: Annotated[bool, typer.Option("--inferred/--asserted",
                                           help="Include the triples OWL-RL inferred.")] = False,
    provenance: Annotated[bool, typer.Option(
        "--with-provenance/--no-provenance",
        help="Include sources, claims with quotes and offsets, and the claims as Wikidata statements.")] = True,
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Write to this file (default: standard output).")] = None,
    root: RootOption = None,
) -> None:
    """Export graph/ for linking with Wikidata.

    Our triples with `wdt:` properties and `wd:` items beside them; with provenance, the claims also as
    `p:`/`ps:`/`pq:` statements with references; or QuickStatements for the sourced values.

    Example: `kg export --format turtle --no-provenance -o export.ttl`,
    or `kg export --format quickstatements -o claims.qs.tsv`.
    """
    from .export import ExportOptions, export_bytes, read_dataset

    settings = _run(lambda: load_settings(root))
    options = _run(lambda: ExportOptions(fmt=fmt, inferred=inferred, provenance=provenance))
    graphs = _run(lambda: read_dataset(storage.read_graph_file(settings.graph_dir, "dataset.trig")))
    data = export_bytes(graphs, options)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        _run(lambda: storage.write_file_atomic(output, data))
        err.print(f"wrote {output} ({len(data):,} bytes)", highlight=False)


@app.command()
def link(
    only: Annotated[list[str] | None, typer.Option("--only", help="Only this entity id (repeatable).")] = None,
    api: Annotated[str | None, typer.Option(
        help="Wikidata API address (default: from ontology/wikidata.yaml).")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Where to write the proposals (default: ontology/wikidata-proposals.yaml).")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for each answer of Wikidata.")] = 20.0,
    root: RootOption = None,
) -> None:
    """Propose Wikidata items for entities not yet reconciled.

    The proposals are for a person to confirm. Needs the internet; changes nothing if Wikidata cannot be
    reached.

    Example: `kg link --only khorramshahr -o /tmp/proposals.yaml`, then review the file and copy a
    confirmed QID with its evidence into ontology/entities.yaml.
    """
    from .link import WikidataClient, linked_articles, load_link_settings, proposals_yaml, propose

    settings = _run(lambda: load_settings(root))
    spec = _run(lambda: load_link_settings(settings.ontology_dir / "wikidata.yaml"))
    entries = [e for e in settings.registry.entries if not only or e.id in only]
    unknown = sorted(set(only or ()) - {e.id for e in entries})
    if unknown:
        err.print(f"error: no entity with id {', '.join(unknown)} in the registry", style="red", highlight=False)
        raise typer.Exit(2)
    client = WikidataClient(api or spec.api_url, spec.user_agent, timeout=timeout)
    try:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err,
                      disable=not err.is_terminal) as bar:
            task = bar.add_task("search", total=sum(1 for e in entries if not e.wikidata))
            def advance(name: str) -> None:
                bar.update(task, advance=1, description=f"search {name}")

            articles = _run(lambda: linked_articles(settings.graph_dir, {e.id for e in entries}))
            proposals = _run(lambda: propose(entries, client, spec, progress=advance, articles=articles))
    finally:
        client.close()
    target = output or settings.ontology_dir / "wikidata-proposals.yaml"
    _run(lambda: storage.write_file_atomic(target, proposals_yaml(proposals, client.api_url).encode("utf-8")))
    found = sum(1 for p in proposals if p.candidates)
    err.print(f"wrote {target}: {len(proposals)} entities searched, {found} with candidates", highlight=False)


def _eval_dataset(settings: Settings, graph: Path | None, corpora: list[Path]) -> tuple[bytes, str]:
    """The dataset kg eval scores: graph/ (or --graph), or the --corpus folders built together in memory."""
    from .errors import InputError, OptionError

    if graph is not None and corpora:
        raise OptionError("give --graph or --corpus, not both", hint="--corpus builds the folders in memory instead")
    if not corpora:
        graph_dir = graph or settings.graph_dir
        return storage.read_graph_file(graph_dir, "dataset.trig"), str(graph_dir / "dataset.trig")
    from .pipeline import build_graph

    documents = [d for folder in corpora for d in storage.read_corpus(folder)]
    stems = [d.doc_id for d in documents]
    twice = sorted({s for s in stems if stems.count(s) > 1})
    if twice:
        raise InputError(f"two --corpus folders hold a document named {twice[0]}", path=corpora[-1],
                         hint="a document's file stem names its source in the graph: rename one")
    result = build_graph(settings, documents)
    for warning in result.report.warnings:
        err.print(f"warning: {warning}", style="yellow", highlight=False, markup=False, soft_wrap=True)
    return result.files["dataset.trig"], "the dataset built from " + ", ".join(map(str, corpora))


def _evaluation(settings: Settings, gold: Path, graph: Path | None, corpora: list[Path]) -> EvalReport:
    from .errors import ConfigError, StorageError
    from .evaluate import evaluate, load_property_table, parse_gold, read_graph_facts
    from .namespaces import entity_iri

    table_path = settings.ontology_dir / "eval.yaml"
    try:
        table = load_property_table(storage.read_text(table_path), str(table_path))
    except StorageError as e:
        raise ConfigError(e.message, path=table_path, hint="ontology/ is part of the project: restore the file") from e
    facts = parse_gold(storage.read_input_text(gold), str(gold), table)
    dataset, where = _eval_dataset(settings, graph, corpora)
    demonyms = {str(entity_iri(e.id)): e.demonyms for e in settings.registry.entries}
    return evaluate(facts, read_graph_facts(dataset, demonyms, path=where))


def _percent(value: float | None) -> str:
    return f"{value:.1%}" if value is not None else "-"


def _score_table(title: str, scores: tuple[Score, ...], overall: Score) -> Table:
    table = Table(title=title, header_style="bold")
    table.add_column("group")
    for column in ("matched", "facts", "recall"):
        table.add_column(column, justify="right")
    for s in scores:
        table.add_row(s.group, str(s.matched), str(s.total), _percent(s.recall))
    table.add_section()
    table.add_row(overall.group, str(overall.matched), str(overall.total), _percent(overall.recall), style="bold")
    return table


def _print_evaluation(report: EvalReport) -> None:
    def say(text: str) -> None:
        out.print(text, highlight=False, markup=False, soft_wrap=True)

    o = report.overall
    say(f"{report.gold}: {o.matched} of {o.total} gold facts found, strictly ({_percent(o.recall)} recall)")
    for title, scores in (("Recall by kind", report.by_kind), ("Recall by kind of document", report.by_document_kind),
                          ("Recall by document", report.by_document)):
        out.print(_score_table(title, scores, o))
    say(f"\nMisses ({len(report.misses)}):")
    for m in report.misses:
        f = m.fact
        say(f"  {f.id} [{f.doc} {f.kind}] {f.subject} | {f.property} | {f.value} | \u201c{f.quote}\u201d")
        say(f"      {m.reason}")
    if not report.precision:
        say("\nPrecision: no document is marked exhaustive (a '# exhaustive: DOC ...' line of the gold file)")
    if report.precision:
        right, made = sum(p.matched for p in report.precision), sum(p.total for p in report.precision)
        say(f"\nPrecision over the {len(report.precision)} exhaustive documents: {right} of {made} claims match a "
            f"gold fact ({_percent(right / made if made else None)})")
    for p in report.precision:
        say(f"\nPrecision of {p.doc_id or p.doc}: {p.matched} of {p.total} claims match a gold fact "
            f"({_percent(p.precision)}); false positives ({len(p.false_positives)}):")
        for c in p.false_positives:
            side = f" (side {report.label(c.side)})" if c.side else ""
            value = c.value_text(report.label)
            say(f"  {report.label(c.subject)} | {c.property} | {value}{side} | \u201c{c.quote}\u201d")


@app.command(name="eval")
def eval_(
    gold: Annotated[Path, typer.Argument(help="Gold facts, one a line, tab-separated (see the README, "
                                              "\"Measuring extraction\").")],
    graph: Annotated[Path | None, typer.Option("--graph", help="A built graph folder (default: the project's "
                                                               "graph/).")] = None,
    corpus: Annotated[list[Path] | None, typer.Option(
        "--corpus", help="Score these corpus folders instead, built together in memory (repeatable).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    root: RootOption = None,
) -> None:
    """Score a built graph against gold facts, strictly: recall by kind and document, each miss, precision.

    A fact counts only as its own document states it (inferred triples never do); precision is given for
    the documents the gold file marks exhaustive. It reports and exits 0; a malformed gold file exits 3.

    Example: `kg eval gold.tsv --graph graph/`, or what `make eval` runs:
    `kg eval tests/fixtures/devset/gold.tsv --corpus corpus --corpus tests/fixtures/devset`.
    """
    from .evaluate import report_to_dict

    settings = _run(lambda: load_settings(root))
    report = _run(lambda: _evaluation(settings, gold, graph, corpus or []))
    if as_json:
        sys.stdout.write(json.dumps(report_to_dict(report), indent=2, ensure_ascii=False) + "\n")
    else:
        _print_evaluation(report)


def main() -> None:
    """Entry point of the ``kg`` console script."""
    try:
        app()
    except KgError as e:  # pragma: no cover - every command handles its own; this is the last edge
        err.print(f"error: {e}", style="red", highlight=False, markup=False, soft_wrap=True)
        raise SystemExit(e.exit_code) from None
