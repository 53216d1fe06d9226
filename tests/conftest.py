"""Shared fixtures: the real project, a built seed graph, and throwaway copies of the project."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph

from kg_builder import storage
from kg_builder.config import Settings, load_settings
from kg_builder.pipeline import BuildResult, build_graph
from kg_builder.serialize import merge

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"

RunKg = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings(ROOT)


@pytest.fixture(scope="session")
def seed_result(settings: Settings) -> BuildResult:
    """The seed corpus built in memory (graph/ is not touched)."""
    return build_graph(settings, storage.read_corpus(settings.corpus_dir))


@pytest.fixture(scope="session")
def seed_graph(seed_result: BuildResult) -> Graph:
    """Asserted plus inferred triples of the seed corpus, as one graph for SPARQL checks."""
    return merge(seed_result.graphs + [seed_result.inferred])


@pytest.fixture(scope="session")
def unseen_result(settings: Settings) -> BuildResult:
    """The test documents (other battles, other people) built with the same ontology and registry."""
    return build_graph(settings, storage.read_corpus(FIXTURES / "corpus"))


@pytest.fixture(scope="session")
def unseen_graph(unseen_result: BuildResult) -> Graph:
    return merge(unseen_result.graphs + [unseen_result.inferred])


@pytest.fixture
def tmp_project(tmp_path: Path) -> Path:
    """A copy of the project's data (ontology/, corpus/, graph/) to build and break freely."""
    project = tmp_path / "project"
    for name in ("ontology", "corpus", "graph"):
        shutil.copytree(ROOT / name, project / name)
    return project


@pytest.fixture
def run_kg() -> RunKg:
    """Run the real ``kg`` command in a subprocess: ``run_kg("build", cwd=project)``."""

    def run(*args: str, cwd: Path, timeout: float = 120,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        env = {**{k: v for k, v in os.environ.items() if k != "KG_ROOT"}, **(env or {})}
        env["COLUMNS"] = "200"
        return subprocess.run([sys.executable, "-m", "kg_builder", *args], cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=timeout)

    return run
