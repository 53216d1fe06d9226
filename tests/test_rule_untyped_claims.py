"""Figures and dates whose meaning no rule is sure of are kept as untyped claims (kgo:statedFigure,
kgo:statedDate) with the words that made the rule unsure: a figure of one day or phase of a battle, the
dates of one phase of an operation, a figure of an unnamed smaller event ("a last attack by 300
soldiers"). They are kgo:UntypedClaim in the graph and are never compared. Texts about other wars and
eras than the seeds' (1812, 1916, 1943), read with the real ontology, registry and lexicon; each rule also
has texts where it must not fire, because a wrong fact is worse than a missing one."""

from __future__ import annotations

from decimal import Decimal

import ruletext
from rdflib import RDF

from kg_builder.config import Settings
from kg_builder.conflicts import judge_claims
from kg_builder.extract import DocumentExtraction
from kg_builder.models import Claim, DateValue, Document, Quantity
from kg_builder.namespaces import KGO
from kg_builder.pipeline import build_graph
from kg_builder.resolve import resolve_entities
from kg_builder.serialize import merge

SOMME = "The Battle of the Somme began on 1 July 1916. "


def _document(text: str, doc_id: str = "wire") -> Document:
    return ruletext.document(text, doc_id=doc_id)


def extract(settings: Settings, text: str, doc_id: str = "wire") -> DocumentExtraction:
    return ruletext.extract(settings, text, doc_id=doc_id)


def _of(result: DocumentExtraction, *props: str) -> list[Claim]:
    return sorted((c for c in result.claims if c.property in props), key=lambda c: c.start)


def _amounts(claims: list[Claim]) -> list[Decimal | None]:
    return [c.value.amount for c in claims if isinstance(c.value, Quantity)]


def _dates(claims: list[Claim]) -> list[str]:
    return [c.value.lexical for c in claims if isinstance(c.value, DateValue)]


# -- a figure of a part of the event ------------------------------------------------------------------

def test_a_figure_of_the_first_day_is_an_untyped_figure(settings: Settings) -> None:
    result = extract(settings, SOMME + "British forces suffered 57,470 casualties on the first day of the battle.")
    [figure] = _of(result, "statedFigure")
    assert (figure.rule, figure.scope, figure.typed) == ("text-figure-of-a-part", "first day", False)
    assert _amounts([figure]) == [Decimal(57470)]
    assert not _of(result, "numberOfCasualties", "numberOfDeaths")
    # The date of the sentence before is the battle's own, and stays typed.
    assert [(c.property, c.typed) for c in _of(result, "startTime")] == [("startTime", True)]


def test_an_opening_day_or_a_stage_makes_a_figure_a_parts_too(settings: Settings) -> None:
    result = extract(settings, "The Battle of Borodino was fought in 1812. On the opening day of the battle the "
                               "French lost 6,000 men killed.")
    assert [(c.scope, c.rule) for c in _of(result, "statedFigure")] == [("opening day", "text-figure-of-a-part")]
    assert not _of(result, "numberOfDeaths")
    result = extract(settings, "The Battle of Borodino was fought in 1812. In the second stage of the battle, "
                               "10,000 Russian soldiers were wounded.")
    assert [c.scope for c in _of(result, "statedFigure")] == ["stage"]
    assert not _of(result, "numberOfInjured")


def test_the_same_figure_without_a_part_word_is_the_battles(settings: Settings) -> None:
    result = extract(settings, SOMME + "British forces suffered 57,470 casualties in the battle.")
    [casualties] = _of(result, "numberOfCasualties")
    assert casualties.typed and casualties.scope is None and _amounts([casualties]) == [Decimal(57470)]
    assert not _of(result, "statedFigure")
    result = extract(settings, "The Battle of Borodino was fought in 1812. The French lost 6,000 men killed in "
                               "the battle.")
    assert _amounts(_of(result, "numberOfDeaths")) == [Decimal(6000)] and not _of(result, "statedFigure")


# -- the dates of a phase --------------------------------------------------------------------------------

def test_the_dates_of_a_phase_are_untyped_dates(settings: Settings) -> None:
    text = ("Operation Ring began on 10 January 1943. The first phase of Operation Ring lasted from 10 to 15 "
            "January 1943. The operation ended on 2 February 1943.")
    result = extract(settings, text)
    phase = _of(result, "statedDate")
    assert _dates(phase) == ["1943-01-10", "1943-01-15"]
    assert {(c.rule, c.scope, c.typed) for c in phase} == {("text-date-of-a-phase", "phase", False)}
    # The operation's own start and end come from the sentences that are about the whole of it.
    assert _dates(_of(result, "startTime")) == ["1943-01-10"]
    assert _dates(_of(result, "endTime")) == ["1943-02-02"]


def test_a_stage_that_began_on_a_day_gives_the_operation_no_start(settings: Settings) -> None:
    result = extract(settings, "Operation Ring began on 10 January 1943. The second stage of Operation Ring "
                               "began on 22 January 1943.")
    assert [(c.scope, c.value) for c in _of(result, "statedDate")] == [("stage", DateValue("1943-01-22", 11))]
    assert _dates(_of(result, "startTime")) == ["1943-01-10"]


def test_the_same_dates_without_a_phase_word_bound_the_operation(settings: Settings) -> None:
    result = extract(settings, "Operation Ring lasted from 10 to 15 January 1943.")
    assert _dates(_of(result, "startTime")) == ["1943-01-10"]
    assert _dates(_of(result, "endTime")) == ["1943-01-15"]
    assert not _of(result, "statedDate")


# -- a figure of an unnamed smaller event ------------------------------------------------------------

def test_a_figure_after_an_indefinite_event_noun_is_that_events(settings: Settings) -> None:
    result = extract(settings, "The Battle of Tarawa began on 20 November 1943. The battle ended after a last "
                               "attack by about 300 Japanese soldiers.")
    [figure] = _of(result, "statedFigure")
    assert (figure.rule, figure.scope, figure.typed) == ("text-figure-of-a-part", "a last attack", False)
    assert figure.value == Quantity(Decimal(300), approximate=True, qualifier="about")
    assert not _of(result, "numberOfParticipants")
    result = extract(settings, "The Battle of Balaclava was fought in 1854. The Turkish redoubts fell to an "
                               "attack by some 5,000 Russian soldiers.")
    assert [c.scope for c in _of(result, "statedFigure")] == ["an attack"]
    assert not _of(result, "numberOfParticipants")


def test_a_figure_of_the_battles_fighters_is_its_strength(settings: Settings) -> None:
    result = extract(settings, "The Battle of Tarawa began on 20 November 1943. The battle was fought by about "
                               "300 Japanese soldiers.")
    assert _amounts(_of(result, "numberOfParticipants")) == [Decimal(300)]
    assert not _of(result, "statedFigure")


# -- untyped claims in the graph and in the comparisons --------------------------------------------------

FIRST_DAY = SOMME + "British forces suffered {} casualties on the first day of the battle."
WHOLE = SOMME + "British forces suffered {} casualties in the battle."


def _resolved_claims(settings: Settings, template: str) -> list[Claim]:
    results = [extract(settings, template.format(figure), doc_id)
               for doc_id, figure in (("wire_a", "57,470"), ("wire_b", "60,000"))]
    return list(resolve_entities(results, settings.registry).claims)


def test_untyped_claims_are_never_compared(settings: Settings) -> None:
    untyped = _resolved_claims(settings, FIRST_DAY)
    assert len([c for c in untyped if c.property == "statedFigure"]) == 2
    compared = {c.property for cmp in judge_claims(untyped).comparisons for c in cmp.compared}
    assert "statedFigure" not in compared
    assert compared == {"startTime"}  # both sources give the same start, and that is compared
    # The same two figures, typed, disagree.
    typed = _resolved_claims(settings, WHOLE)
    [conflict] = [cmp for cmp in judge_claims(typed).comparisons if cmp.first.property == "numberOfCasualties"]
    assert not conflict.agree


def test_an_untyped_claim_is_an_untyped_claim_in_the_graph(settings: Settings) -> None:
    documents = [_document(FIRST_DAY.format("57,470"), "wire_a"), _document(FIRST_DAY.format("60,000"), "wire_b")]
    built = build_graph(settings, documents)
    assert built.report.conflicts == 0  # 57,470 and 60,000 casualties of a day are not the battle's
    graph = merge(built.graphs)
    untyped = set(graph.subjects(KGO.property, KGO.statedFigure))
    assert len(untyped) == 2
    assert set(graph.subjects(RDF.type, KGO.UntypedClaim)) == untyped
    for node in untyped:
        assert (node, RDF.type, KGO.QuantityClaim) in graph
        assert str(graph.value(node, KGO.scope)) == "first day"
    typed = set(graph.subjects(KGO.property, KGO.startTime))
    assert len(typed) == 2 and all((node, RDF.type, KGO.UntypedClaim) not in graph for node in typed)
