"""``kg eval``: gold facts are matched strictly (subject, property, value, side, the row's own document),
inferred triples never count, exhaustive documents get precision, and a malformed gold file is an input
error naming its file and line."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import FIXTURES, ROOT
from typer.testing import CliRunner

from kg_builder import storage
from kg_builder.cli import app
from kg_builder.config import Settings
from kg_builder.errors import ConfigError, InputError
from kg_builder.evaluate import (
    GOLD_KINDS,
    EvalReport,
    GoldQuantity,
    GraphFacts,
    PropertySpec,
    evaluate,
    load_property_table,
    parse_gold,
    read_graph_facts,
)
from kg_builder.models import Document, DocumentMeta
from kg_builder.namespaces import GRAPH_INFERRED, entity_iri, source_graph
from kg_builder.pipeline import build_graph

EXIT_INPUT = 3

# Two small documents about a battle that is in no corpus: an article with an infobox, and a news text
# that gives another figure for the Iraqi dead (the builder records the disagreement).
ARTICLE = """= Battle of Kestrel Ford =

Infobox
- Conflict: Battle of Kestrel Ford
- Partof: the Iran–Iraq War
- Date: 3–9 March 1984
- Place: Kestrel Ford
- Result: Iraqi victory
- Combatant1: Iraq
- Combatant2: Iran
- Commander1: Saddam Hussein
- Commander2: Ali Sayad Shirazi
- Strength1: 12,000 troops
- Strength2: 8,000–9,000 troops
- Casualties1: 700 killed
- Casualties2: 1,200 killed

The Battle of Kestrel Ford was the encirclement of the ford by Iraqi forces beginning in February 1984.
"""
NEWS = """date 2024-03-09 Forty years ago Iraqi forces won the Battle of Kestrel Ford. About 900 Iraqi soldiers were \
killed in the battle.

Army commander Ali Sayyad Shirazi told an open session of the Majlis on Monday: "The victory at Kestrel Ford \
marks a turning point in the history of the nation."
"""
SIDECARS = {
    "enc_kestrel": "title: Battle of Kestrel Ford\nkind: encyclopedia\nlanguage: en\n",
    "news_kestrel": 'title: "[Anniversary]"\ntitle_supplied: true\nkind: news\nlanguage: en\npublished: "2024-03-09"\n',
}


@pytest.fixture(scope="module")
def table() -> dict[str, PropertySpec]:
    path = ROOT / "ontology" / "eval.yaml"
    return load_property_table(path.read_text(encoding="utf-8"), str(path))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for stem, text in (("enc_kestrel", ARTICLE), ("news_kestrel", NEWS)):
        (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
        (folder / f"{stem}.meta.yaml").write_text(SIDECARS[stem], encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def dataset(settings: Settings, corpus: Path) -> bytes:
    return build_graph(settings, storage.read_corpus(corpus)).files["dataset.trig"]


def _demonyms(settings: Settings) -> dict[str, tuple[str, ...]]:
    return {str(entity_iri(e.id)): e.demonyms for e in settings.registry.entries}


@pytest.fixture(scope="module")
def facts(settings: Settings, dataset: bytes) -> GraphFacts:
    return read_graph_facts(dataset, _demonyms(settings))


def _gold(*rows: str, header: str = "") -> str:
    """A gold file: rows written with ' | ' between the columns, turned into tabs."""
    return header + "".join("\t".join(cell.strip() for cell in row.split("|")) + "\n" for row in rows)


def _score(table: dict[str, PropertySpec], facts: GraphFacts, *rows: str, header: str = "") -> EvalReport:
    return evaluate(parse_gold(_gold(*rows, header=header), "gold.tsv", table), facts)


def _matched(report: EvalReport) -> dict[str, bool]:
    return {o.fact.id: o.matched for o in report.outcomes}


def test_a_fact_stated_in_its_document_counts(table: dict[str, PropertySpec], facts: GraphFacts) -> None:
    report = _score(
        table, facts,
        "R1 | enc | rel | Battle of Kestrel Ford | commander | Iraq: Saddam Hussein | Commander1: Saddam Hussein",
        "R2 | enc | num | Battle of Kestrel Ford | strength | 12000 (Iraqi side) | Strength1: 12,000 troops",
        "R3 | enc | rel | battle of kestrel ford | partOf | Iran-Iraq war | Partof: the Iran–Iraq War",
        "R4 | enc | rel | Battle of Kestrel Ford | result | Iraqi victory | Result: Iraqi victory",
        "R5 | enc | entity | Battle of Kestrel Ford | type | Event | = Battle of Kestrel Ford =",
        "R6 | news | alias | Ali Sayad Shirazi | alias | Ali Sayyad Shirazi | Army commander Ali Sayyad Shirazi",
        "R7 | news | said | Ali Sayad Shirazi | said | The victory at Kestrel Ford marks | The victory at Kestrel Ford",
        "R8 | news | date | source news | published | 2024-03 | date 2024-03-09",
    )
    assert _matched(report) == dict.fromkeys(("R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8"), True), report.misses
    assert report.overall.matched == report.overall.total == 8
    assert all(o.claims for o in report.outcomes if o.fact.kind in ("rel", "num", "said"))


def test_a_wrong_side_value_or_document_does_not_count(table: dict[str, PropertySpec], facts: GraphFacts) -> None:
    report = _score(
        table, facts,
        "W1 | enc | num | Battle of Kestrel Ford | strength | Iran: 12000 | Strength1: 12,000 troops",
        "W2 | enc | num | Battle of Kestrel Ford | strength | Iraq: 12001 | Strength1: 12,000 troops",
        "W3 | news | num | Battle of Kestrel Ford | killed | Iraq: 700 | Casualties1: 700 killed",
        "W4 | enc | num | Battle of Kestrel Ford | strength | 12000 | Strength1: 12,000 troops",
        "W5 | enc | rel | Battle of Kestrel Ford | commander | Iraq: Ali Sayad Shirazi | Commander2: Ali Sayad Shirazi",
        "W6 | enc | entity | Battle of Kestrel Ford | type | Person | = Battle of Kestrel Ford =",
        "W7 | nowhere | num | Battle of Kestrel Ford | killed | Iraq: 700 | Casualties1: 700 killed",
        "OK | enc | num | Battle of Kestrel Ford | killed | Iraq: 700 | Casualties1: 700 killed",
    )
    assert _matched(report) == {"W1": False, "W2": False, "W3": False, "W4": True, "W5": False, "W6": False,
                                "W7": False, "OK": True}
    reasons = {o.fact.id: o.reason or "" for o in report.outcomes}
    assert "Iran" in reasons["W1"] and "Iraq" in reasons["W1"]
    assert "12000" in reasons["W2"]
    assert "900" in reasons["W3"]  # the news text's own figure, not the article's
    # W4 gives no side: the side is left open (a reader's gold often leaves out what a column implies).
    assert "no document 'nowhere'" in reasons["W7"]


def test_a_row_whose_subject_is_a_side_matches_that_sides_figure(table: dict[str, PropertySpec],
                                                                 facts: GraphFacts) -> None:
    report = _score(
        table, facts,
        "S1 | enc | num | Iraq | killed | 700 | Casualties1: 700 killed",
        "S2 | enc | num | Iran | killed | 700 | Casualties1: 700 killed",
    )
    assert _matched(report) == {"S1": True, "S2": False}


def test_dates_match_at_the_same_or_a_finer_precision(table: dict[str, PropertySpec], facts: GraphFacts) -> None:
    # The article gives the start as a day (3 March 1984), and its first sentence ("the Battle ... was the
    # encirclement ... beginning in February 1984") a month: the encirclement is the battle itself.
    report = _score(
        table, facts,
        "D1 | enc | date | Battle of Kestrel Ford | startDate | 1984-03-03 | Date: 3–9 March 1984",
        "D2 | enc | date | Battle of Kestrel Ford | startDate | 1984-03 | Date: 3–9 March 1984",
        "D3 | enc | date | Battle of Kestrel Ford | startDate | 1984 | Date: 3–9 March 1984",
        "D4 | enc | date | Battle of Kestrel Ford | startDate | 1984-03-04 | Date: 3–9 March 1984",
        "D5 | enc | date | Battle of Kestrel Ford | endDate | 1984-04 | Date: 3–9 March 1984",
        "D6 | enc | date | Battle of Kestrel Ford | date | 1984-02 | beginning in February 1984",
        "D7 | enc | date | Battle of Kestrel Ford | date | 1984-02-01 | beginning in February 1984",
    )
    assert _matched(report) == {"D1": True, "D2": True, "D3": True, "D4": False, "D5": False, "D6": True,
                                "D7": False}


def test_ranges_match_by_both_bounds(table: dict[str, PropertySpec], facts: GraphFacts) -> None:
    report = _score(
        table, facts,
        "Q1 | enc | num | Battle of Kestrel Ford | strength | Iran: 8000-9000 | Strength2: 8,000–9,000 troops",
        "Q2 | enc | num | Battle of Kestrel Ford | strength | Iran: 8,000–9,000 | Strength2: 8,000–9,000 troops",
        "Q3 | enc | num | Battle of Kestrel Ford | strength | Iran: 8000-9500 | Strength2: 8,000–9,000 troops",
        "Q4 | enc | num | Battle of Kestrel Ford | strength | Iran: 8000 | Strength2: 8,000–9,000 troops",
        "Q5 | enc | num | Battle of Kestrel Ford | strength | Iraq: 12000-12000 | Strength1: 12,000 troops",
    )
    assert _matched(report) == {"Q1": True, "Q2": True, "Q3": False, "Q4": False, "Q5": False}


# A news text about another war whose figures are open-ended ("more than", "up to"), next to an exact
# figure and a range of the same numbers: an open bound is matched by that bound alone.
OPEN_NEWS = ("date 2017-11-10 A century ago the Battle of Passchendaele ended. More than 72,000 British soldiers "
             "were killed in the battle. In all, 72,000 French soldiers were killed in the battle. Up to 500 German "
             "soldiers were captured in the battle. Some 400–500 Turkish soldiers were captured in the battle.\n")


@pytest.fixture(scope="module")
def open_facts(settings: Settings) -> GraphFacts:
    doc = Document("wire_passchendaele", "wire_passchendaele.txt", OPEN_NEWS,
                   DocumentMeta(title="Passchendaele", kind="news", language="en", published="2017-11-10"))
    dataset = build_graph(settings, [doc]).files["dataset.trig"]
    return read_graph_facts(dataset, _demonyms(settings))


def test_an_open_bound_is_parsed_as_one_bound(table: dict[str, PropertySpec]) -> None:
    gold = parse_gold(_gold("O1 | wire | num | Battle of Passchendaele | killed | United Kingdom: >72,000 | q",
                            "O2 | wire | num | Battle of Passchendaele | captured | Germany: < 500 | q"),
                      "gold.tsv", table)
    assert [(f.parsed, f.side) for f in gold.facts] == [
        (GoldQuantity(amount=None, lower=Decimal(72000), upper=None), "United Kingdom"),
        (GoldQuantity(amount=None, lower=None, upper=Decimal(500)), "Germany")]
    assert [str(f.parsed) for f in gold.facts] == [">72000", "<500"]


def test_a_lower_bound_matches_a_claim_of_that_lower_bound_only(table: dict[str, PropertySpec],
                                                                 open_facts: GraphFacts) -> None:
    report = _score(
        table, open_facts,
        "L1 | wire | num | Battle of Passchendaele | killed | United Kingdom: >72000 | More than 72,000 British",
        "L2 | wire | num | Battle of Passchendaele | killed | >72000 | More than 72,000 British",
        # "more than 72,000" states no amount, and "72,000" no lower bound
        "L3 | wire | num | Battle of Passchendaele | killed | United Kingdom: 72000 | More than 72,000 British",
        "L4 | wire | num | Battle of Passchendaele | killed | France: >72000 | 72,000 French soldiers",
        "L5 | wire | num | Battle of Passchendaele | killed | United Kingdom: <72000 | More than 72,000 British",
        "L6 | wire | num | Battle of Passchendaele | killed | United Kingdom: >70000 | More than 72,000 British",
        "OK | wire | num | Battle of Passchendaele | killed | France: 72000 | 72,000 French soldiers",
    )
    assert _matched(report) == {"L1": True, "L2": True, "L3": False, "L4": False, "L5": False, "L6": False,
                                "OK": True}


def test_an_upper_bound_matches_a_claim_of_that_upper_bound_only(table: dict[str, PropertySpec],
                                                                 open_facts: GraphFacts) -> None:
    report = _score(
        table, open_facts,
        "U1 | wire | num | Battle of Passchendaele | captured | Germany: <500 | Up to 500 German soldiers",
        # "some 400–500" has a lower bound too: it is a range, not "up to 500"
        "U2 | wire | num | Battle of Passchendaele | captured | Turkey: <500 | Some 400–500 Turkish soldiers",
        "U3 | wire | num | Battle of Passchendaele | captured | Germany: >500 | Up to 500 German soldiers",
        "U4 | wire | num | Battle of Passchendaele | captured | Germany: 500 | Up to 500 German soldiers",
        "OK | wire | num | Battle of Passchendaele | captured | Turkey: 400-500 | Some 400–500 Turkish soldiers",
    )
    assert _matched(report) == {"U1": True, "U2": False, "U3": False, "U4": False, "OK": True}


def _moved_to_inferred(dataset: bytes, claim: str, doc: str) -> bytes:
    """The dataset with one claim's triples (and its annotation target) moved from its source graph
    into the inferred graph."""
    source = str(source_graph(doc))
    quads = []
    for q in ox.parse(dataset, format=ox.RdfFormat.TRIG):
        subject = q.subject.value if isinstance(q.subject, ox.NamedNode) else ""
        in_source = isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == source
        if in_source and (subject == claim or subject.startswith(claim + "#")):
            q = ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(str(GRAPH_INFERRED)))
        quads.append(q)
    data = ox.serialize(quads, format=ox.RdfFormat.TRIG)
    assert isinstance(data, bytes)
    return data


def test_an_inferred_only_claim_does_not_count(settings: Settings, table: dict[str, PropertySpec],
                                               dataset: bytes, facts: GraphFacts) -> None:
    row = "I1 | enc | rel | Battle of Kestrel Ford | commander | Iraq: Saddam Hussein | Commander1: Saddam Hussein"
    stated = _score(table, facts, row).outcomes[0]
    assert stated.matched and len(stated.claims) == 1
    moved = read_graph_facts(_moved_to_inferred(dataset, stated.claims[0], "enc_kestrel"), _demonyms(settings))
    assert all(c.iri != stated.claims[0] for c in moved.claims["enc_kestrel"])
    assert not _score(table, moved, row).outcomes[0].matched


def test_conflict_rows_match_the_recorded_disagreement(table: dict[str, PropertySpec], facts: GraphFacts) -> None:
    report = _score(
        table, facts,
        "A | enc | num | Battle of Kestrel Ford | killed | Iraq: 700 | Casualties1: 700 killed",
        "B | news | num | Battle of Kestrel Ford | killed | Iraq: 900 | About 900 Iraqi soldiers were killed",
        "C1 | - | conflict | Iraq | killed | A B | 700 (enc) vs 900 (news)",
        "C2 | - | agree | Iraq | killed | A B | they do not agree",
    )
    assert _matched(report) == {"A": True, "B": True, "C1": True, "C2": False}
    assert "conflicting" in (report.misses[0].reason or "")


def test_precision_lists_the_false_positives_of_exhaustive_documents(
        table: dict[str, PropertySpec], facts: GraphFacts) -> None:
    report = _score(
        table, facts,
        "P1 | enc | num | Battle of Kestrel Ford | killed | Iraq: 700 | Casualties1: 700 killed",
        "P2 | news | num | Battle of Kestrel Ford | killed | Iraq: 900 | About 900 Iraqi soldiers were killed",
        header="# exhaustive: news\n",
    )
    (news,) = report.precision  # the article is not marked exhaustive: no precision for it
    assert news.doc_id == "news_kestrel"
    stated = [c for c in facts.claims["news_kestrel"] if c.has_value()]
    assert news.total == len(stated) and news.matched == 1
    assert {c.property for c in news.false_positives} == {c.property for c in stated} - {"numberOfDeaths"}
    assert any(c.property == "quotation" for c in news.false_positives)


@pytest.mark.parametrize(("line", "problem"), [
    ("X1\tenc\trel\tBattle of Kestrel Ford\tcommander\tSaddam Hussein", "7 tab-separated columns"),
    ("X1\tenc\tfact\tBattle of Kestrel Ford\tcommander\tSaddam Hussein\tq", "unknown kind 'fact'"),
    ("X1\tenc\trel\tBattle of Kestrel Ford\tcommandr\tSaddam Hussein\tq", "property 'commandr'"),
    ("X1\tenc\tnum\tBattle of Kestrel Ford\tstrength\tmany\tq",
     "is not a number, a range or an open bound (4500, 6000-15000, >1000)"),
    ("X1\tenc\tnum\tBattle of Kestrel Ford\tstrength\t>\tq", "an open bound"),
    ("X1\tenc\tnum\tBattle of Kestrel Ford\tstrength\t<>500\tq", "an open bound"),
    ("X1\tenc\tdate\tBattle of Kestrel Ford\tstartDate\t1984-02-30\tq", "not a real date"),
    ("X1\tenc\trel\t\tcommander\tSaddam Hussein\tq", "subject column is empty"),
    ("X1\t-\tconflict\tIraq\tkilled\tOK NOPE\tq", "'NOPE'"),
    ("OK\tenc\tnum\tBattle of Kestrel Ford\tkilled\tIraq: 700\tq", "used twice"),
])
def test_a_malformed_gold_file_names_its_file_and_line(table: dict[str, PropertySpec], line: str,
                                                       problem: str) -> None:
    text = "# a comment\nOK\tenc\tnum\tBattle of Kestrel Ford\tkilled\tIraq: 700\tq\n" + line + "\n"
    with pytest.raises(InputError) as caught:
        parse_gold(text, "bad.tsv", table)
    assert caught.value.path == "bad.tsv" and caught.value.line == 3, str(caught.value)
    assert problem in str(caught.value)
    assert caught.value.exit_code == EXIT_INPUT


@pytest.mark.parametrize(("entry", "problem"), [
    ("killed: {kinds: [num], match: quantity, claims: [numberOfDead]}", "kgo: property names"),
    ("killed: {kinds: [number], match: quantity, claims: [numberOfDeaths]}", "kinds must be"),
    ("killed: {kinds: [num], match: amount, claims: [numberOfDeaths]}", "match must be one of"),
    ("killed: {kinds: [num], match: quantity, claim: [numberOfDeaths]}", "expected a mapping"),
])
def test_a_malformed_property_table_names_its_line(entry: str, problem: str) -> None:
    text = "# gold properties\nproperties:\n  type: {kinds: [entity], match: type}\n  " + entry + "\n"
    with pytest.raises(ConfigError) as caught:
        load_property_table(text, "eval.yaml")
    assert caught.value.line == 4 and problem in str(caught.value), str(caught.value)


def test_kg_eval_exits_3_on_a_malformed_gold_file(tmp_path: Path, corpus: Path) -> None:
    gold = tmp_path / "bad.tsv"
    gold.write_text("# exhaustive: enc\nX1\tenc\tnum\tBattle of Kestrel Ford\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", str(gold), "--corpus", str(corpus), "--root", str(ROOT)])
    assert result.exit_code == EXIT_INPUT, result.output
    assert f"{gold}:2:" in result.output and "columns" in result.output


def test_kg_eval_reports_on_the_devset(tmp_path: Path) -> None:
    """The development set, built with the seeds its conflict rows refer to: the report's shape, not its score."""
    devset = FIXTURES / "devset"
    result = CliRunner().invoke(app, ["eval", str(devset / "gold.tsv"), "--corpus", str(ROOT / "corpus"),
                                      "--corpus", str(devset), "--json", "--root", str(ROOT)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    ids = [f["id"] for f in report["facts"]]
    rows = [line for line in (devset / "gold.tsv").read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    assert len(ids) == len(set(ids)) == len(rows)
    for table in ("by_kind", "by_document", "by_document_kind"):
        assert sum(s["total"] for s in report[table]) == report["overall"]["total"] == len(ids)
        assert sum(s["matched"] for s in report[table]) == report["overall"]["matched"]
    assert {s["group"] for s in report["by_kind"]} <= set(GOLD_KINDS)
    assert {"encyclopedia", "news"} <= {s["group"] for s in report["by_document_kind"]}
    assert {s["group"] for s in report["by_document"]} >= {p.stem for p in devset.glob("*.txt")}
    misses = [f for f in report["facts"] if not f["matched"]]
    assert [f["id"] for f in misses] == report["misses"]
    assert all(f["reason"] and f["quote"] for f in misses)
    assert report["precision"] == []  # the devset's gold is not exhaustive
    text = CliRunner().invoke(app, ["eval", str(devset / "gold.tsv"), "--corpus", str(devset), "--root", str(ROOT)])
    assert text.exit_code == 0 and "Recall by kind" in text.stdout and "Misses" in text.stdout
