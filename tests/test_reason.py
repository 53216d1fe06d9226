from __future__ import annotations

import pytest

from kg_builder.reason import apply_owl_rl, reasoning_input


def test_both_backends_infer_the_same(seed_result) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("reasonable")
    g = reasoning_input(seed_result.graphs[0], seed_result.graphs[1:])
    owlrl = apply_owl_rl(g, "owlrl")
    fast = apply_owl_rl(g, "reasonable")
    assert len(owlrl) > 100
    assert set(owlrl) == set(fast)


def test_reasoning_input_is_axioms_and_the_entity_layer(seed_result) -> None:  # type: ignore[no-untyped-def]
    from rdflib.namespace import RDFS
    g = reasoning_input(seed_result.graphs[0], seed_result.graphs[1:])
    assert not list(g.triples((None, RDFS.label, None)))
    assert all("/claim/" not in str(s) and "/mention/" not in str(s) for s in g.subjects())
