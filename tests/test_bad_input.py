"""A corpus with a bad document or sidecar is refused: exit code 3, a message naming the file (and the
line, where there is one), and graph/ left exactly as it was."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import RunKg
from kg_builder.storage import DEFAULT_MAX_BYTES

EXIT_INPUT = 3
SEED = "000_3db1e93812c13289"
GOOD_SIDECAR = "title: A test document\nkind: news\nlanguage: en\n"
GOOD_TEXT = "The battle was fought near the river in 1982.\n"


def snapshot(project: Path) -> dict[str, str]:
    """sha256 of every file in graph/, plus the names beside it (no graph.previous or temp folder)."""
    graph = project / "graph"
    files = {str(p.relative_to(graph)): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(graph.rglob("*")) if p.is_file()}
    assert files, "graph/ should hold the committed graph before the test breaks anything"
    files["<project>"] = ",".join(sorted(p.name for p in project.iterdir()))
    return files


def build_fails(project: Path, run_kg: RunKg, *args: str) -> str:
    """Run kg build, require exit 3 and an untouched graph/, return stderr."""
    before = snapshot(project)
    result = run_kg("build", *args, cwd=project)
    assert result.returncode == EXIT_INPUT, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert "\nerror: " in "\n" + result.stderr, result.stderr
    assert snapshot(project) == before, "a refused build changed graph/"
    return result.stderr


def add_document(project: Path, name: str, text: bytes | None, sidecar: str | None = GOOD_SIDECAR) -> Path:
    doc = project / "corpus" / f"{name}.txt"
    if text is not None:
        doc.write_bytes(text)
    if sidecar is not None:
        (project / "corpus" / f"{name}.meta.yaml").write_text(sidecar, encoding="utf-8")
    return doc


# --- documents -------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"  \n\t\n   \r\n\n"], ids=["zero-bytes", "whitespace-only"])
def test_empty_document_is_refused(tmp_project: Path, run_kg: RunKg, content: bytes) -> None:
    doc = add_document(tmp_project, "empty", content)
    stderr = build_fails(tmp_project, run_kg)
    assert f"{doc}: the document is empty" in stderr


def test_binary_file_named_txt_is_refused(tmp_project: Path, run_kg: RunKg) -> None:
    doc = add_document(tmp_project, "picture", b"GIF89a\nsecond line\nthird\x00\x01\x02\xff\n")
    stderr = build_fails(tmp_project, run_kg)
    assert f"{doc}:3: " in stderr, "the line holding the first NUL byte should be named"
    assert "binary" in stderr and "NUL" in stderr


def test_latin1_document_is_refused_at_the_line_of_the_bad_byte(tmp_project: Path, run_kg: RunKg) -> None:
    text = "Line one is plain.\nLine two is plain too.\n\nOn line four, a caf\u00e9 in latin-1.\nLast line.\n"
    doc = add_document(tmp_project, "latin", text.encode("latin-1"))
    stderr = build_fails(tmp_project, run_kg)
    assert f"{doc}:4: not valid UTF-8" in stderr
    assert "\\xe9" in stderr, "the offending byte should be shown"
    assert "iconv" in stderr, "the hint should say how to convert the file"


def test_document_without_sidecar_says_how_to_draft_one(tmp_project: Path, run_kg: RunKg) -> None:
    doc = add_document(tmp_project, "orphan_doc", GOOD_TEXT.encode(), sidecar=None)
    stderr = build_fails(tmp_project, run_kg)
    assert str(doc.with_suffix(".meta.yaml")) in stderr
    assert "no metadata sidecar for orphan_doc.txt" in stderr
    assert f"kg sidecar {doc}" in stderr, "the hint should give the command that drafts the sidecar"


def test_malformed_infobox_line_is_refused_with_its_line_number(tmp_project: Path, run_kg: RunKg) -> None:
    doc = tmp_project / "corpus" / f"{SEED}.txt"
    lines = doc.read_text(encoding="utf-8").splitlines(keepends=True)
    number = lines.index("- Result: Iranian victory\n") + 1
    lines[number - 1] = "Result Iranian victory\n"
    doc.write_text("".join(lines), encoding="utf-8")
    stderr = build_fails(tmp_project, run_kg)
    assert f"{doc}:{number}: malformed infobox line 'Result Iranian victory'" in stderr
    assert "- Key: value" in stderr


# --- sidecars --------------------------------------------------------------------------------------


SIDECAR_CASES: dict[str, tuple[str, int, Callable[[str], bool]]] = {
    # name: (sidecar text, line the error must name, what the message must say)
    "invalid-yaml": ("title: x\nkind: news\nlanguage: en: fr\nauthor: y\n", 3,
                     lambda s: "invalid YAML" in s),
    "kind-blog": ("title: x\nkind: blog\nlanguage: en\n", 2,
                  lambda s: "kind must be encyclopedia or news" in s and "'blog'" in s),
    "unknown-field": ("title: x\nkind: news\nlanguage: en\nlicence: null\ncolour: red\n", 5,
                      lambda s: "unknown field 'colour'" in s and "title_supplied" in s),
    "published-not-iso": ('title: x\nkind: news\npublished: "24 May 1982"\nlanguage: en\n', 3,
                          lambda s: "ISO date" in s and "'24 May 1982'" in s),
    "url-not-http": ("title: x\nkind: news\nlanguage: en\nurl: ftp://example.org/article\n", 4,
                     lambda s: "http(s)" in s and "ftp://example.org/article" in s),
    "url-no-scheme": ("title: x\nkind: news\nlanguage: en\nurl: www.example.org/article\n", 4,
                      lambda s: "http(s)" in s),
}


@pytest.mark.parametrize("case", sorted(SIDECAR_CASES))
def test_bad_sidecar_is_refused_with_its_line(tmp_project: Path, run_kg: RunKg, case: str) -> None:
    text, line, says = SIDECAR_CASES[case]
    doc = add_document(tmp_project, "bad_meta", GOOD_TEXT.encode(), sidecar=text)
    stderr = build_fails(tmp_project, run_kg)
    assert f"{doc.with_suffix('.meta.yaml')}:{line}: " in stderr
    assert says(stderr), stderr


def test_sidecar_without_document_is_refused(tmp_project: Path, run_kg: RunKg) -> None:
    sidecar = tmp_project / "corpus" / "gone.meta.yaml"
    sidecar.write_text(GOOD_SIDECAR, encoding="utf-8")
    stderr = build_fails(tmp_project, run_kg)
    assert f"{sidecar}: sidecar without a document" in stderr


# --- size limit ------------------------------------------------------------------------------------


def _run_measured(args: list[str], cwd: Path) -> tuple[int, str, int]:
    """Run ``python -m kg_builder`` and return (exit code, stderr, peak RSS of that process in KiB)."""
    env = {k: v for k, v in os.environ.items() if k != "KG_ROOT"}
    env["COLUMNS"] = "200"
    err_file = cwd.parent / "stderr.txt"
    with open(err_file, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "kg_builder", *args], cwd=cwd, env=env,
                                stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, err_file.read_text(encoding="utf-8"), usage.ru_maxrss


def test_huge_document_is_refused_before_it_is_read(tmp_project: Path, run_kg: RunKg) -> None:
    size = 50 * 1024 * 1024
    line = b"The battle was fought near the river and the city was taken after two days of fighting.\n"
    chunk = line * (1024 * 1024 // len(line))
    doc = add_document(tmp_project, "huge", None)
    with open(doc, "wb") as fh:
        written = 0
        while written < size:
            written += fh.write(chunk[: size - written])
    assert doc.stat().st_size == size

    before = snapshot(tmp_project)
    code, stderr, rss_huge = _run_measured(["build"], tmp_project)
    assert code == EXIT_INPUT, stderr
    assert f"{doc}: document is too large ({size:,} bytes; the limit is {DEFAULT_MAX_BYTES:,})" in stderr
    assert "--max-bytes" in stderr
    assert snapshot(tmp_project) == before

    # The same command refused at once on a 5 kB document: the 50 MB one must not cost ~50 MB more.
    code, stderr, rss_small = _run_measured(["build", "--max-bytes", "100"], tmp_project)
    assert code == EXIT_INPUT and "too large" in stderr, stderr
    assert rss_huge - rss_small < 20 * 1024, f"peak RSS {rss_huge} KiB vs {rss_small} KiB: the document was read"


def test_max_bytes_sets_the_limit(tmp_project: Path, run_kg: RunKg) -> None:
    docs = sorted((tmp_project / "corpus").glob("*.txt"))
    largest = max(docs, key=lambda p: p.stat().st_size)
    limit = largest.stat().st_size

    stderr = build_fails(tmp_project, run_kg, "--max-bytes", "100")
    assert "too large" in stderr and "the limit is 100)" in stderr
    assert f"{docs[0]}: " in stderr

    stderr = build_fails(tmp_project, run_kg, "--max-bytes", str(limit - 1))
    assert f"{largest}: document is too large ({limit:,} bytes; the limit is {limit - 1:,})" in stderr

    # At exactly the size of the largest document, the corpus is accepted (--check: graph/ is not written).
    result = run_kg("build", "--check", "--max-bytes", str(limit), cwd=tmp_project)
    assert result.returncode == 0, result.stderr


# --- the message itself ----------------------------------------------------------------------------


def test_error_line_is_not_wrapped_on_a_narrow_non_terminal(tmp_path: Path, tmp_project: Path) -> None:
    """CI logs and editors parse ``path:line: message``; a long path must stay on one line."""
    deep = tmp_path / ("a_rather_long_folder_name_" * 4) / "project"
    deep.parent.mkdir()
    tmp_project.rename(deep)
    doc = add_document(deep, "latin", b"first\ncaf\xe9\n")
    env = {k: v for k, v in os.environ.items() if k != "KG_ROOT"}
    env["COLUMNS"] = "60"
    result = subprocess.run([sys.executable, "-m", "kg_builder", "build"], cwd=deep, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == EXIT_INPUT, result.stderr
    first = next(line for line in result.stderr.splitlines() if line.startswith("error: "))
    assert first.startswith(f"error: {doc}:2: not valid UTF-8"), result.stderr
