"""`reach db table-sizes` (what the table_sizes pipeline runs): rows and bytes of the
PostgreSQL and ClickHouse tables, from the real stores."""

from __future__ import annotations

import asyncio
import json

import pytest
from clickhouse_connect.driver.client import Client
from typer.testing import CliRunner

from reach.cli.main import app
from reach.testing.postgres import admin

pytestmark = pytest.mark.service


def test_table_sizes_count_the_rows_of_both_stores(
    postgres_dsn: str, clickhouse_dsn: str, clickhouse_client: Client, clickhouse_database: str
) -> None:
    asyncio.run(
        admin(
            postgres_dsn,
            "INSERT INTO credential (source, name) VALUES ('youtube', 'a'), ('youtube', 'b')",
        )
    )
    table = f"{clickhouse_database}.sized"
    clickhouse_client.command(f"CREATE TABLE {table} (n Int64) ENGINE = MergeTree ORDER BY n")
    clickhouse_client.insert(table, [[n] for n in range(5)], column_names=["n"])
    clickhouse_client.command(f"CREATE VIEW {clickhouse_database}.no_rows AS SELECT 1")

    result = CliRunner().invoke(
        app,
        ["db", "table-sizes"],
        env={"REACH_POSTGRES_DSN": postgres_dsn, "REACH_CLICKHOUSE_URL": clickhouse_dsn},
    )

    assert result.exit_code == 0, result.output
    sizes = {(s["store"], s["table"]): s for s in json.loads(result.stdout)}
    assert sizes["postgres", "public.credential"]["rows"] == 2
    assert sizes["postgres", "public.credential"]["bytes"] > 0
    assert sizes["postgres", "public.scrape_request_log"]["rows"] == 0
    assert (sizes["clickhouse", table]["rows"], sizes["clickhouse", table]["bytes"] > 0) == (
        5,
        True,
    )
    # A view stores nothing: it is not listed.
    assert ("clickhouse", f"{clickhouse_database}.no_rows") not in sizes
