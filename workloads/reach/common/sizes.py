"""How big the stores' tables are, for the `table_sizes` operational pipeline (`reach db
table-sizes`): rows and bytes of every PostgreSQL table of the current database and of every
ClickHouse table that stores rows (views hold none), outside ClickHouse's own databases."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from clickhouse_connect.driver.client import Client


@dataclass(frozen=True)
class TableSize:
    store: str
    table: str
    rows: int
    bytes: int


# Exact counts, not the planner's estimate: the pipeline runs daily, and an estimate lags a
# table that has just been bulk-loaded or swapped by a sync.
_PG_TABLES = """
SELECT format('%I.%I', schemaname, relname) AS name, pg_total_relation_size(relid) AS bytes
FROM pg_stat_user_tables
ORDER BY schemaname, relname
"""


async def postgres_sizes(conn: asyncpg.Connection) -> list[TableSize]:
    tables = await conn.fetch(_PG_TABLES)
    # Every table's count in one statement: one round trip, not one per table.
    counts = ", ".join(f"(SELECT count(*) FROM {t['name']})" for t in tables)
    rows = await conn.fetchval(f"SELECT ARRAY[{counts}]::bigint[]")
    return [
        TableSize("postgres", t["name"], int(n), int(t["bytes"]))
        for t, n in zip(tables, rows, strict=True)
    ]


_CH_TABLES = """
SELECT database || '.' || name, total_rows, total_bytes
FROM system.tables
WHERE database NOT IN ('system', 'INFORMATION_SCHEMA', 'information_schema')
  AND total_rows IS NOT NULL
ORDER BY database, name
"""


def clickhouse_sizes(client: Client) -> list[TableSize]:
    return [
        TableSize("clickhouse", name, int(rows), int(size or 0))
        for name, rows, size in client.query(_CH_TABLES).result_rows
    ]
