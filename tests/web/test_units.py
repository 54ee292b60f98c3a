"""The dashboard's pure TypeScript (number and time formatting, problems from error answers,
the search request) and its palette's contrast, under Node's test runner: `npm test` in web/,
which `make web` set up."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit


def test_the_dashboards_unit_tests_pass(repo_root: Path) -> None:
    web = repo_root / "web"
    assert (web / "node_modules" / ".installed").exists(), "run `make web` first"
    run = subprocess.run(
        ["node", "test/run.mjs"], cwd=web, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "# fail 0" in run.stdout and "# pass 7" in run.stdout
