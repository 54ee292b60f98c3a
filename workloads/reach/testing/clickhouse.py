"""ClickHouse for tests: a client on a DSN, a fresh database per test, a `reach clickhouse
serve` process for tests that need ClickHouse over HTTP, and the mart_leaderboard table that the
sync tests and the sync benchmark fill without running dbt."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from clickhouse_connect.driver.client import Client

from reach.common import clickhouse
from reach.pipelines.definitions import LEADERBOARD

# mart_leaderboard as dbt builds it (dbt/models/marts/leaderboard/mart_leaderboard.sql), in
# database `{db}`: the sync tests and bench/sync.py fill it without running dbt, and the dbt
# tests check that it has the built table's columns and types. The widest serving table, with
# the most index work when synced.
MART_LEADERBOARD = """
CREATE TABLE {db}.mart_leaderboard (
    platform String, profile_platform LowCardinality(String), profile_id String, month Date,
    handle Nullable(String), category Nullable(String), language Nullable(String),
    country Nullable(String), followers Nullable(Int64), engagement_rate Nullable(Float64),
    views Nullable(Int64),
    followers_rank Nullable(UInt64), followers_rank_by_cat Nullable(UInt64),
    followers_rank_by_lang Nullable(UInt64), followers_rank_by_cat_lang Nullable(UInt64),
    engagement_rate_rank Nullable(UInt64), engagement_rate_rank_by_cat Nullable(UInt64),
    engagement_rate_rank_by_lang Nullable(UInt64),
    engagement_rate_rank_by_cat_lang Nullable(UInt64),
    followers_rank_change Nullable(Int64), engagement_rate_rank_change Nullable(Int64)
) ENGINE = MergeTree ORDER BY (platform, month, profile_id)
"""
# The columns the leaderboard sync reads, in its order: what a fill of the stand-in writes.
LEADERBOARD_COLUMNS = ", ".join(column.name for column in LEADERBOARD.columns or ())


@contextmanager
def connected(dsn: str) -> Iterator[Client]:
    """A client on `dsn` (embedded `chdb://` or a server), closed after."""
    client = clickhouse.get_client(dsn=dsn)
    try:
        yield client
    finally:
        client.close()


@contextmanager
def fresh_database(client: Client, prefix: str = "test") -> Iterator[str]:
    """A new, empty database (`<prefix>_<random>`), dropped after."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    client.command(f"CREATE DATABASE {name}")
    try:
        yield name
    finally:
        client.command(f"DROP DATABASE IF EXISTS {name} SYNC")


def drop_database(dsn: str, name: str) -> None:
    """Drops database `name` through a client of its own, closed after (an embedded engine is
    one process's at a time: tests close theirs while a command of theirs runs)."""
    with connected(dsn) as client:
        client.command(f"DROP DATABASE IF EXISTS {name} SYNC")


class ClickHouseServer:
    """`reach clickhouse serve` as its own process on `data_dir`, startable again after a stop
    or a kill, on the same port and folder."""

    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir = data_dir
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("REACH_")}
        env |= {
            "REACH_DATA_DIR": str(self.data_dir),
            "REACH_CLICKHOUSE_SERVER_PORT": str(self.port),
        }
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with (self.data_dir / "server.log").open("ab") as log:
            self._process = subprocess.Popen(
                [str(Path(sys.executable).with_name("reach")), "clickhouse", "serve"],
                env=env,
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"reach clickhouse serve exited: {self.data_dir / 'server.log'}")
            try:
                if httpx.get(f"{self.url}/ping", timeout=1).text == "Ok.\n":
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError("reach clickhouse serve never answered /ping")

    def kill(self) -> None:
        """SIGKILL: the server vanishes mid-whatever, as a crashed pod does."""
        if self._process is not None:
            self._process.kill()
            self._process.wait(30)
            self._process = None

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(60)
            self._process = None
