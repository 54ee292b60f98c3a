"""`reach pipelines sync leaderboard` of `--rows` rows from embedded ClickHouse into PostgreSQL,
replacing a table that already holds as many rows: stream, COPY, indexes, swap, drop.

The leaderboard is the widest serving table with the most index work (18 columns, a three-column
text primary key and a four-column index). A temporary chdb folder gets `dbt.mart_leaderboard`
filled by INSERT ... SELECT FROM numbers(); a temporary PostgreSQL database (on
REACH_POSTGRES_DSN's server) gets the migrated schema. One sync fills the table, then `--runs`
syncs replace it and are timed; the figure is the median run.

Prints one JSON line last: `rows`, `rows_per_s`, `seconds` (median), `runs`, `table`.
Run: .venv/bin/python bench/sync.py [--rows N] [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
import uuid

import asyncpg

from reach.common.clickhouse import get_client
from reach.common.migrations import migrate_postgres
from reach.pipelines.definitions import LEADERBOARD
from reach.pipelines.settings import PipelinesSettings
from reach.pipelines.syncing import sync
from reach.testing import benchmarks
from reach.testing.clickhouse import LEADERBOARD_COLUMNS, MART_LEADERBOARD

# Twelve months of profiles, 80% Instagram; ranks and changes shaped like the real mart's.
FILL = """
INSERT INTO dbt.mart_leaderboard ({columns})
SELECT
    if(number % 5 = 0, 'youtube', 'instagram'),
    toString(cityHash64(intDiv(number, 12)) % 100000000000),
    toDate('2025-01-01') + toIntervalMonth(number % 12),
    concat('creator_', toString(intDiv(number, 12))),
    ['fashion', 'food', 'travel', 'tech', 'beauty', 'fitness', 'music', NULL][number % 8 + 1],
    ['hi', 'en', 'ta', 'te', 'bn', NULL][number % 6 + 1],
    ['IN', 'US', 'AE', 'GB'][number % 4 + 1],
    toInt64(cityHash64(number) % 10000000),
    (cityHash64(number, 1) % 100000) / 1000000,
    intDiv(number, 12) + 1, cityHash64(number, 2) % 100000 + 1,
    intDiv(number, 96) + 1, cityHash64(number, 3) % 10000 + 1,
    intDiv(number, 72) + 1, cityHash64(number, 4) % 10000 + 1,
    intDiv(number, 576) + 1,
    if(number % 12 = 0, NULL, toInt64(cityHash64(number, 5) % 200) - 100),
    if(number % 12 = 0, NULL, toInt64(cityHash64(number, 6) % 200) - 100)
FROM numbers({rows})
"""


async def _admin(dsn: str, statement: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


async def main(args: argparse.Namespace) -> dict[str, object]:
    rows, runs = args.rows, args.runs
    admin = str(PipelinesSettings().postgres_dsn)
    database = f"bench_sync_{uuid.uuid4().hex[:8]}"
    folder = tempfile.mkdtemp(prefix="bench-sync-")
    await _admin(admin, f"CREATE DATABASE {database}")
    try:
        dsn = f"{admin.rpartition('/')[0]}/{database}"
        conn = await asyncpg.connect(dsn)
        try:
            await migrate_postgres(conn)
        finally:
            await conn.close()
        settings = PipelinesSettings(postgres_dsn=dsn, clickhouse_url=f"chdb://{folder}")
        client = get_client(settings)
        try:
            client.command("CREATE DATABASE IF NOT EXISTS dbt")
            client.command(MART_LEADERBOARD.format(db="dbt"))
            client.command(FILL.format(columns=LEADERBOARD_COLUMNS, rows=rows))
            await sync(LEADERBOARD, settings, client=client)
            seconds = []
            for _ in range(runs):
                started = time.perf_counter()
                result = await sync(LEADERBOARD, settings, client=client)
                seconds.append(time.perf_counter() - started)
                assert result.rows == rows, result
        finally:
            client.close()
    finally:
        await _admin(admin, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        shutil.rmtree(folder, ignore_errors=True)
    median = statistics.median(seconds)
    return {
        "rows": rows,
        "rows_per_s": round(rows / median),
        "seconds": round(median, 3),
        "runs": [round(s, 3) for s in seconds],
        "table": LEADERBOARD.target,
    }


if __name__ == "__main__":
    benchmarks.run(main, __doc__, rows=1_000_000, runs=3)
