"""The operator's ClickHouse statements: embedded-engine requests run in batched child
processes, and one failing request leaves the others of its batch alone."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from reach.operator.clickhousing import ClickHouse, ClickHouseError

pytestmark = pytest.mark.service


async def test_concurrent_requests_share_child_processes(tmp_path: Path) -> None:
    url = f"chdb://{tmp_path / 'clickhouse'}"
    runner = ClickHouse()
    good = [
        runner.run(
            url,
            [f"CREATE TABLE IF NOT EXISTS default.t{i} (x UInt8) ENGINE = Memory", f"SELECT {i}"],
        )
        for i in range(5)
    ]
    bad = runner.run(url, ["SELECT * FROM no_such_table"])
    *results, failure = await asyncio.gather(*good, bad, return_exceptions=True)
    assert [r[1] for r in results] == [[[i]] for i in range(5)]  # type: ignore[index]
    assert isinstance(failure, ClickHouseError)
    assert "no_such_table" in str(failure)
    tables = await runner.run(url, ["SELECT count() FROM system.tables WHERE database = 'default'"])
    assert tables == [[[5]]]
