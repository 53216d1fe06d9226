"""The query page in a real browser: Debian's chromium driven by Playwright (playwright-core, from npm),
against the real server. `make test` installs both; without them the test is skipped locally and
fails in CI (CI=true), so CI can never pass without running it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT
from server import Server, running_server

BROWSER_DIR = ROOT / "tests" / "browser"
ARTIFACTS = ROOT / "test-artifacts"


def _prerequisites() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not Path("/usr/bin/chromium").exists():
        return "Debian's chromium is not installed (apt-get install chromium)"
    if not (BROWSER_DIR / "node_modules" / "playwright-core").is_dir():
        return "playwright-core is not installed (cd tests/browser && npm ci)"
    return None


@pytest.fixture(scope="module")
def browser_server() -> Iterator[Server]:
    missing = _prerequisites()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"browser test prerequisites missing in CI: {missing}")
        pytest.skip(missing)
    with running_server(ROOT) as s:
        yield s


def test_query_page_runs_a_saved_query_with_no_request_leaving_localhost(browser_server: Server) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "query-page.png"
    done = subprocess.run(["node", "yasgui_check.mjs"], cwd=BROWSER_DIR, capture_output=True, text=True, timeout=180,
                          env={**os.environ, "BASE_URL": browser_server.url, "SCREENSHOT": str(shot)})
    assert done.returncode == 0, done.stderr + done.stdout
    report = json.loads(done.stdout)
    assert report["rows"] > 0
    urls = [r["url"] if isinstance(r, dict) else r for r in report["requests"]]
    assert urls and all(u.startswith(browser_server.url) or u.split(":", 1)[0] in ("data", "blob", "about")
                        for u in urls), urls
    assert shot.stat().st_size > 10_000


def test_pages_as_a_person_uses_them(browser_server: Server) -> None:
    """Every page type, at desktop and phone width; the reader's paths; screenshots in test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    done = subprocess.run(["node", "pages_check.mjs"], cwd=BROWSER_DIR, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "BASE_URL": browser_server.url, "ARTIFACTS": str(ARTIFACTS)})
    report = json.loads(done.stdout) if done.stdout.strip() else {}
    assert done.returncode == 0 and "error" not in report, done.stderr + done.stdout[-3000:]
    assert report["foreign"] == [], "requests left localhost"
    pages = report["pages"]
    assert {"home", "search", "entity", "claim", "source", "sources", "timeline", "map", "editor"} <= pages.keys()
    for name, page in pages.items():
        expected = 404 if name.startswith("not-found") else 200
        assert page["status"] == expected, (name, page)
        assert page["problems"] == [], (name, page["problems"])
        assert len(page["h1"]) == 1 and page["h1"][0], (name, page["h1"])
        assert page["main"] == 1 and page["lang"] == "en" and page["title"], name
        assert page["search"], f"{name}: no search box"
        assert page["unlabelled"] == [] and page["imagesWithoutAlt"] == [], (name, page)
        if name.endswith("-narrow"):
            assert page["scrollWidth"] <= page["clientWidth"] + 1, f"{name}: wider than a phone screen"
    casualty = report["flows"]["casualty"]
    assert casualty["number"] and any(ch.isdigit() for ch in casualty["number"])
    assert "/id/source/" in casualty["url"] and casualty["highlighted"] == casualty["quote"], casualty
    assert casualty["visible"] and casualty["inView"] and casualty["problems"] == []
    keyboard = report["flows"]["keyboard"]
    assert keyboard["reached"] == "/id/entity/abolhassan-banisadr" and keyboard["url"].endswith(keyboard["reached"])
    assert keyboard["focusOutline"] != "none" and keyboard["problems"] == []
    graph = report["flows"]["graph"]
    assert graph["after"] > graph["before"] > 1 and graph["problems"] == []
    assert report["flows"]["timeline"]["items"] > 3 and report["flows"]["timeline"]["marks"] > 3
    world = report["flows"]["map"]
    assert world["points"] >= 6 and world["listed"] >= 6 and world["outlines"] > 5
    for shot in ("entity.png", "source.png", "graph.png", "timeline.png", "map.png", "source-highlight.png"):
        assert (ARTIFACTS / shot).stat().st_size > 5_000, shot
