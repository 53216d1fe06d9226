"""The curated word lists are checked against their schema: a key no rule reads, or a value of the
wrong kind, fails the build with the file and line, through the real ``kg`` command."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import RunKg
from kg_builder.errors import ConfigError
from kg_builder.lexicon_schema import EXTRACTION, INFOBOX, check_yaml, with_defaults


def test_the_shipped_lists_fit_their_schema(tmp_project: Path) -> None:
    for name, spec in (("extraction.yaml", EXTRACTION), ("infobox.yaml", INFOBOX)):
        path = tmp_project / "ontology" / name
        check_yaml(path.read_text(encoding="utf-8"), spec, path)


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(("name", "old", "new", "message"), [
    ("extraction.yaml", "speech_verbs:", "speach_verbs:", "unknown key 'speach_verbs'"),
    ("extraction.yaml", "  equipment_loss_words:", "  equipment_loss_word:", "unknown key 'equipment_loss_word'"),
    ("extraction.yaml", "quotation_min_words: 6", "quotation_min_words: six", "'six' is not a whole number"),
    ("extraction.yaml", "    thousands: [2000, 9999]", "    thousands: [2000]", "a list of 2"),
    ("infobox.yaml", "  date: {kind: dates}", "  date: {kind: dates, per_side: true}", "unknown key 'per_side'"),
    ("infobox.yaml", "  date: {kind: dates}", "  date: {kind: date}", "'date' is not one of topic"),
    ("infobox.yaml", "  date: {kind: dates}", "  date: {property: startTime}", "the key 'kind' is required"),
])
def test_a_wrong_key_or_value_fails_the_build_with_file_and_line(tmp_project: Path, run_kg: RunKg, name: str,
                                                                 old: str, new: str, message: str) -> None:
    path = tmp_project / "ontology" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = _line_of(path.read_text(encoding="utf-8"), new.strip())
    r = run_kg("build", cwd=tmp_project)
    assert r.returncode == 2, r.stderr
    assert f"{name}:{line}:" in r.stderr and message in r.stderr, r.stderr


def test_an_unquoted_on_in_a_word_list_is_caught(tmp_path: Path) -> None:
    path = tmp_path / "extraction.yaml"
    with pytest.raises(ConfigError) as e:
        check_yaml("not_names: [The, A,\n  On, In]\n", EXTRACTION, path)  # YAML reads a bare On as true
    assert e.value.line == 2 and "quote it" in (e.value.hint or "")


def test_the_schema_holds_the_defaults_of_keys_a_list_leaves_out() -> None:
    # A relation that says only its phrases states the property of its own name, with the schema's
    # defaults; a record the file leaves out still has its defaults; values the file gives are kept.
    data = with_defaults(EXTRACTION, {"relations": {"namedAfter": {"phrases": ["named after"]},
                                                    "bornIn": {"phrases": ["born in"], "max_gap": 3}},
                                      "durations": {"siege": {"words": ["siege"]}}})
    assert data["relations"]["namedAfter"]["property"] == "namedAfter"
    assert data["relations"]["namedAfter"]["subject"] == "nearest"
    assert data["relations"]["bornIn"]["max_gap"] == 3
    assert data["durations"]["siege"]["event"] == "siege"
    assert data["reported_speech"]["max_tail_words"] == EXTRACTION.fields["reported_speech"].defaults["max_tail_words"]
    assert "quotation_min_words" in data


def test_an_infobox_field_that_states_a_property_must_name_it(tmp_project: Path, run_kg: RunKg) -> None:
    path = tmp_project / "ontology" / "infobox.yaml"
    text = path.read_text(encoding="utf-8")
    old = "  result: {kind: text, property: result}"
    assert old in text
    path.write_text(text.replace(old, "  result: {kind: text}", 1), encoding="utf-8")
    r = run_kg("build", cwd=tmp_project)
    assert r.returncode == 2, r.stderr
    assert "infobox.yaml" in r.stderr and "'result' of kind text names no property" in r.stderr, r.stderr
