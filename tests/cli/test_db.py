"""`reach db migrate` as a user runs it: a subprocess with REACH_* variables."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.service


def _reach(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reach.cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_migrate_on_empty_stores_then_again(empty_postgres_dsn: str, tmp_path: Path) -> None:
    env = {"REACH_POSTGRES_DSN": empty_postgres_dsn, "REACH_DATA_DIR": str(tmp_path)}
    env.pop("REACH_CLICKHOUSE_URL", None)
    os.environ.pop("REACH_CLICKHOUSE_URL", None)
    first = _reach("db", "migrate", env=env)
    assert first.returncode == 0, first.stderr
    assert "PostgreSQL: applied 0001_initial" in first.stdout
    assert "ClickHouse: applied 0001_databases" in first.stdout
    assert (tmp_path / "clickhouse").is_dir()
    second = _reach("db", "migrate", env=env)
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines() == ["PostgreSQL: up to date", "ClickHouse: up to date"]


def test_malformed_dsn_exits_2_naming_the_variable(tmp_path: Path) -> None:
    result = _reach(
        "db", "migrate", env={"REACH_REDIS_URL": "nope", "REACH_DATA_DIR": str(tmp_path)}
    )
    assert result.returncode == 2
    assert "REACH_REDIS_URL" in result.stderr


def test_version() -> None:
    result = _reach("version", env={})
    assert result.returncode == 0
    assert result.stdout.strip() == "0.1.0"
