from pathlib import Path

from conftest import RunKg


def test_build_in_a_copy_of_the_project_writes_graph(tmp_project: Path, run_kg: RunKg) -> None:
    (tmp_project / "graph" / "asserted.ttl").unlink()
    result = run_kg("build", cwd=tmp_project)
    assert result.returncode == 0, result.stderr
    assert (tmp_project / "graph" / "asserted.ttl").stat().st_size > 1000
