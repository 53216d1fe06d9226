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
