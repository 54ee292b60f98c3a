"""`reach pipelines sync`: ClickHouse -> PostgreSQL copies with an atomic swap, against the real
PostgreSQL and the session's embedded ClickHouse."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import decimal
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import asyncpg
import pytest
import yaml
from clickhouse_connect.driver.client import Client

from reach.pipelines import syncing
from reach.pipelines.definitions import (
    FOLLOWER_AUTHENTICITY,
    LEADERBOARD,
    LEADERBOARD_RANKING,
    SYNCS,
)
from reach.pipelines.settings import PipelinesSettings
from reach.pipelines.syncing import SyncError, SyncResult, sync, whole_rows
from reach.pipelines.tables import SpecError, SyncSpec, spec_from_config
from reach.testing.clickhouse import (
    LEADERBOARD_COLUMNS,
    MART_LEADERBOARD,
    connected,
    drop_database,
)

pytestmark = pytest.mark.service

ROWS = 5_000

# `offset` shifts the follower counts, so each generation of the source is recognizable.
FILL_LEADERBOARD = """
INSERT INTO {db}.mart_leaderboard ({columns})
SELECT if(number % 2 = 0, 'instagram', 'youtube'), concat('p', toString(number)),
       toDate('2026-01-01') + toIntervalMonth(number % 3),
       if(number % 10 = 0, NULL, concat('handle\\t', toString(number))),
       ['beauty', 'food', NULL][number % 3 + 1], 'en', 'IN',
       number * 10 + {offset}, number / 1000, number + 1, number + 1, number + 1, number + 1,
       number + 1, number + 1, number + 1, if(number % 5 = 0, NULL, toInt64(number % 7) - 3), 0
FROM numbers({rows})
"""


def _fill(client: Client, db: str, rows: int = ROWS, offset: int = 0) -> None:
    client.command(f"TRUNCATE TABLE IF EXISTS {db}.mart_leaderboard")
    client.command(
        FILL_LEADERBOARD.format(db=db, columns=LEADERBOARD_COLUMNS, rows=rows, offset=offset)
    )


@pytest.fixture
def pipelines_settings(postgres_dsn: str, clickhouse_dsn: str) -> PipelinesSettings:
    return PipelinesSettings(postgres_dsn=postgres_dsn, clickhouse_url=clickhouse_dsn)


@dataclasses.dataclass(frozen=True)
class Leaderboard:
    """The declared leaderboard sync (`spec`), reading a mart in database `db` of `client`."""

    spec: SyncSpec
    settings: PipelinesSettings
    client: Client
    db: str

    def fill(self, rows: int = ROWS, offset: int = 0) -> None:
        _fill(self.client, self.db, rows, offset)

    async def sync(self, spec: SyncSpec | None = None) -> SyncResult:
        """Runs `spec` (the leaderboard's own by default) with the test's settings and client."""
        return await sync(spec or self.spec, self.settings, client=self.client)


@pytest.fixture
def leaderboard(
    pipelines_settings: PipelinesSettings, clickhouse_client: Client, clickhouse_database: str
) -> Leaderboard:
    """The leaderboard sync, its mart filled with ROWS rows in its own database."""
    clickhouse_client.command(MART_LEADERBOARD.format(db=clickhouse_database))
    _fill(clickhouse_client, clickhouse_database)
    spec = dataclasses.replace(LEADERBOARD, source_table=f"{clickhouse_database}.mart_leaderboard")
    return Leaderboard(spec, pipelines_settings, clickhouse_client, clickhouse_database)


async def _fetch(dsn: str, sql: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn)
    try:
        return list(await conn.fetch(sql))
    finally:
        await conn.close()


async def _leftovers(dsn: str) -> list[str]:
    rows = await _fetch(dsn, "SELECT relname FROM pg_class WHERE relname LIKE '%\\_\\_sync\\_%'")
    return [r["relname"] for r in rows]


def test_whole_rows_recuts_chunks_at_row_ends() -> None:
    chunks = [b"a\tb\nc", b"\td", b"\ne\\nf\n", b"g\th"]

    assert list(whole_rows(iter(chunks))) == [b"a\tb\n", b"c\td\ne\\nf\n", b"g\th"]


async def test_sync_copies_rows_with_their_types_and_indexes(
    leaderboard: Leaderboard, postgres_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small chunks, so rows are cut between chunks and both COPY connections get some.
    monkeypatch.setattr(syncing, "_CHUNK_BYTES", 4096)

    result = await leaderboard.sync()

    assert result.rows == ROWS
    rows = await _fetch(postgres_dsn, "SELECT * FROM leaderboard ORDER BY followers")
    assert len(rows) == ROWS
    first, second = rows[0], rows[1]
    assert dict(first) == {
        "platform": "instagram",
        "profile_id": "p0",
        "month": dt.date(2026, 1, 1),
        "handle": None,
        "category": "beauty",
        "language": "en",
        "country": "IN",
        "followers": 0,
        "engagement_rate": 0.0,
        "followers_rank": 1,
        "engagement_rate_rank": 1,
        "followers_rank_by_cat": 1,
        "engagement_rate_rank_by_cat": 1,
        "followers_rank_by_lang": 1,
        "engagement_rate_rank_by_lang": 1,
        "followers_rank_by_cat_lang": 1,
        "followers_rank_change": None,
        "engagement_rate_rank_change": 0,
    }
    assert (second["handle"], second["category"], second["followers_rank_change"]) == (
        "handle\t1",
        "food",
        -2,
    )
    assert second["month"] == dt.date(2026, 2, 1)
    assert second["engagement_rate"] == 0.001
    indexes = await _fetch(
        postgres_dsn,
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'leaderboard' "
        "ORDER BY indexname",
    )
    assert [r["indexname"] for r in indexes] == ["leaderboard_category_idx", "leaderboard_pkey"]
    assert "(platform, month, category, followers_rank_by_cat)" in indexes[0]["indexdef"]
    assert "UNIQUE" in indexes[1]["indexdef"]
    # The migration's column types survive the replacement, so the API's queries keep working.
    types = await _fetch(
        postgres_dsn,
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_name = 'leaderboard' ORDER BY ordinal_position",
    )
    assert [(r["column_name"], r["data_type"]) for r in types][:4] == [
        ("platform", "text"),
        ("profile_id", "text"),
        ("month", "date"),
        ("handle", "text"),
    ]
    assert {r["column_name"] for r in types if r["is_nullable"] == "NO"} == {
        "platform",
        "profile_id",
        "month",
    }
    assert await _leftovers(postgres_dsn) == []


async def test_inferred_types_round_trip_through_text_copy(
    pipelines_settings: PipelinesSettings, clickhouse_client: Client, postgres_dsn: str
) -> None:
    query = r"""
        SELECT toUInt32(1) AS id,
               'quote " backslash \\ tab	end' AS text_value,
               CAST(NULL, 'Nullable(String)') AS missing,
               ['a"b', 'c\\d', '', 'x,y'] AS tags,
               [CAST(1, 'Nullable(Int32)'), NULL, 3] AS numbers,
               CAST([], 'Array(String)') AS no_tags,
               toDateTime('2026-03-04 05:06:07', 'Asia/Kolkata') AS seen_at,
               toDateTime64('2026-03-04 05:06:07.125', 3, 'UTC') AS precise_at,
               map('k', 1) AS attributes,
               true AS flag,
               toDecimal64(12.345, 3) AS amount,
               toUUID('8a7c1f6e-1b2a-4c3d-9e8f-0a1b2c3d4e5f') AS ref,
               toFloat64(inf) AS ratio
    """
    spec = spec_from_config(
        "probe", {"source": {"query": query}, "target": {"table": "probe", "primaryKey": ["id"]}}
    )

    result = await sync(spec, pipelines_settings, client=clickhouse_client)

    assert result.rows == 1
    (row,) = await _fetch(postgres_dsn, "SELECT * FROM probe")
    assert json.loads(row["attributes"]) == {"k": 1}
    assert dict(row) | {"attributes": None} == {
        "id": 1,
        "text_value": 'quote " backslash \\ tab\tend',
        "missing": None,
        "tags": ['a"b', "c\\d", "", "x,y"],
        "numbers": [1, None, 3],
        "no_tags": [],
        "seen_at": dt.datetime(2026, 3, 3, 23, 36, 7, tzinfo=dt.UTC),
        "precise_at": dt.datetime(2026, 3, 4, 5, 6, 7, 125000, tzinfo=dt.UTC),
        "attributes": None,
        "flag": True,
        "amount": decimal.Decimal("12.345"),
        "ref": uuid.UUID("8a7c1f6e-1b2a-4c3d-9e8f-0a1b2c3d4e5f"),
        "ratio": float("inf"),
    }


async def test_readers_never_see_an_error_a_missing_or_an_empty_table_during_ten_syncs(
    leaderboard: Leaderboard, postgres_dsn: str
) -> None:
    await leaderboard.sync()
    done = asyncio.Event()
    failures: list[str] = []
    seen_offsets: set[int] = set()
    reads = 0

    async def reader() -> None:
        nonlocal reads
        conn = await asyncpg.connect(postgres_dsn)
        try:
            while not done.is_set():
                try:
                    # One statement, so each read sees a single version of the table; the
                    # second query goes through the secondary index.
                    count, offset = await conn.fetchrow(
                        "SELECT count(*), min(followers) FROM leaderboard"
                    )
                    top = await conn.fetchval(
                        "SELECT profile_id FROM leaderboard WHERE platform = 'instagram' "
                        "AND month = '2026-01-01' AND category = 'beauty' "
                        "ORDER BY followers_rank_by_cat LIMIT 1"
                    )
                except asyncpg.PostgresError as exc:
                    failures.append(f"{type(exc).__name__}: {exc}")
                    continue
                reads += 1
                if count != ROWS or top != "p0":
                    failures.append(f"saw {count} rows, top {top!r}")
                seen_offsets.add(offset)
                await asyncio.sleep(0)
        finally:
            await conn.close()

    readers = [asyncio.create_task(reader()) for _ in range(4)]
    try:
        for generation in range(1, 11):
            await asyncio.to_thread(leaderboard.fill, ROWS, generation)
            result = await leaderboard.sync()
            assert result.rows == ROWS
    finally:
        done.set()
        await asyncio.gather(*readers)

    assert failures == []
    assert reads > 0
    # Readers saw more than one generation, so they really overlapped with swaps.
    assert len(seen_offsets) > 1
    (final,) = await _fetch(postgres_dsn, "SELECT min(followers) AS offset FROM leaderboard")
    assert final["offset"] == 10
    assert await _leftovers(postgres_dsn) == []


async def test_failed_syncs_leave_the_old_table_serving(
    leaderboard: Leaderboard, postgres_dsn: str
) -> None:
    await leaderboard.sync()
    before = await _fetch(postgres_dsn, "SELECT * FROM leaderboard ORDER BY profile_id")
    db = leaderboard.db

    bad_query = dataclasses.replace(
        leaderboard.spec, source_table=None, source_query="SELECT nope FROM no_such_table"
    )
    # Row 3,000 of 5,000 overflows bigint, so COPY fails after streaming most of the rows.
    overflow = dataclasses.replace(
        leaderboard.spec,
        source_table=None,
        source_query=f"SELECT * REPLACE (if(profile_id = 'p3000', toUInt64(18446744073709551615), "
        f"toUInt64(followers)) AS followers) FROM {db}.mart_leaderboard",
    )
    # Every row is copied and the failure comes from building the primary key.
    duplicates = dataclasses.replace(
        leaderboard.spec,
        source_table=None,
        source_query=f"SELECT * REPLACE ('same' AS profile_id) FROM {db}.mart_leaderboard",
    )
    for failing in (bad_query, overflow, duplicates):
        with pytest.raises(SyncError, match="old table still serves"):
            await leaderboard.sync(failing)
        assert await _fetch(postgres_dsn, "SELECT * FROM leaderboard ORDER BY profile_id") == (
            before
        )
        assert await _leftovers(postgres_dsn) == []

    # An empty source does not wipe a filled table unless asked to.
    leaderboard.client.command(f"TRUNCATE TABLE {db}.mart_leaderboard")
    with pytest.raises(SyncError, match="returned no rows"):
        await leaderboard.sync()
    assert len(await _fetch(postgres_dsn, "SELECT 1 FROM leaderboard")) == ROWS


def test_cli_syncs_a_tablesync_config_and_a_declared_sync_into_another_target(
    clickhouse_dsn: str, postgres_dsn: str, tmp_path: Path
) -> None:
    database = f"test_{uuid.uuid4().hex[:12]}"
    # The command runs in its own process, which can only open the embedded engine once this
    # process has closed every client on it.
    with connected(clickhouse_dsn) as client:
        client.command(f"CREATE DATABASE {database}")
        client.command(MART_LEADERBOARD.format(db=database))
        _fill(client, database, rows=300)
    config = tmp_path / "sync.yaml"
    # What the operator mounts for a TableSync (builders.scheduled.sync_config).
    config.write_text(
        yaml.safe_dump(
            {
                "source": {
                    "query": f"SELECT profile_id, platform, followers, category "
                    f"FROM {database}.mart_leaderboard WHERE platform = 'instagram'"
                },
                "target": {
                    "table": "instagram_followers",
                    "primaryKey": ["profile_id"],
                    "indexes": [["category", "followers"]],
                },
            }
        )
    )
    env = {
        **os.environ,
        "REACH_POSTGRES_DSN": postgres_dsn,
        "REACH_CLICKHOUSE_URL": clickhouse_dsn,
        "REACH_DBT_SCHEMA": database,
    }
    reach = [str(Path(sys.executable).parent / "reach"), "pipelines", "sync"]

    def reach_sync(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*reach, *args], env=env, capture_output=True, text=True, timeout=120)

    try:
        by_config = reach_sync("followers-of-instagram", "--config", str(config))
        declared = reach_sync("leaderboard", "--target", "leaderboard_tenant_a")
        unknown = reach_sync("no_such_sync")
        bad_config = tmp_path / "bad.yaml"
        bad_config.write_text(
            yaml.safe_dump(
                {
                    "source": {"table": f"{database}.mart_leaderboard"},
                    "target": {"table": "leaderboard_b", "primaryKey": ["no_such_column"]},
                }
            )
        )
        bad_key = reach_sync("bad-key", "--config", str(bad_config))
    finally:
        drop_database(clickhouse_dsn, database)

    assert by_config.returncode == 0, by_config.stderr
    assert json.loads(by_config.stdout.splitlines()[-1]) | {"seconds": 0} == {
        "sync": "followers-of-instagram",
        "target": "instagram_followers",
        "rows": 150,
        "seconds": 0,
    }
    assert declared.returncode == 0, declared.stderr
    assert json.loads(declared.stdout.splitlines()[-1])["rows"] == 300
    assert unknown.returncode == 2
    assert "no sync named 'no_such_sync'" in unknown.stderr
    assert bad_key.returncode == 2
    assert "key or index columns not in the source: ['no_such_column']" in bad_key.stderr

    async def check() -> None:
        conn = await asyncpg.connect(postgres_dsn)
        try:
            assert await conn.fetchval("SELECT count(*) FROM instagram_followers") == 150
            assert await conn.fetchval("SELECT count(*) FROM leaderboard_tenant_a") == 300
            # The declared target itself was not touched.
            assert await conn.fetchval("SELECT count(*) FROM leaderboard") == 0
            indexes = await conn.fetch(
                "SELECT indexname FROM pg_indexes WHERE tablename = $1 ORDER BY indexname",
                "instagram_followers",
            )
            assert [r[0] for r in indexes] == [
                "instagram_followers_category_followers_idx",
                "instagram_followers_pkey",
            ]
        finally:
            await conn.close()

    asyncio.run(check())


async def test_follower_authenticity_syncs_reasons_as_a_text_array(
    pipelines_settings: PipelinesSettings,
    clickhouse_client: Client,
    clickhouse_database: str,
    postgres_dsn: str,
) -> None:
    clickhouse_client.command(
        f"CREATE TABLE {clickhouse_database}.mart_follower_authenticity (platform String,"
        " profile_id String, followers_scored UInt64, real_share Float64,"
        " weak_fake_share Float64, fake_share Float64, top_fake_reasons Array(String),"
        " analysed_at DateTime64(3)) ENGINE = MergeTree ORDER BY profile_id"
    )
    clickhouse_client.command(
        f"INSERT INTO {clickhouse_database}.mart_follower_authenticity VALUES"
        " ('instagram', 'ig-1', 10, 0.5, 0.3, 0.2, ['many_digits', 'a \"quoted\" reason'],"
        " '2026-11-30 10:00:00')"
    )
    spec = dataclasses.replace(
        FOLLOWER_AUTHENTICITY, source_table=f"{clickhouse_database}.mart_follower_authenticity"
    )

    await sync(spec, pipelines_settings, client=clickhouse_client)

    (row,) = await _fetch(postgres_dsn, "SELECT * FROM follower_authenticity")
    assert row["top_fake_reasons"] == ["many_digits", 'a "quoted" reason']
    assert (row["followers_scored"], row["fake_share"]) == (10, 0.2)


MART_RANKING = """
CREATE TABLE {db}.mart_leaderboard_ranking (
    leaderboard String, network String, metric String, dimensions Array(String), month Date,
    profile_platform String, profile_id String, handle Nullable(String),
    category Nullable(String), language Nullable(String), country Nullable(String),
    value Nullable(Float64), rank UInt64, rank_change Nullable(Int64),
    followers Nullable(Int64), engagement_rate Nullable(Float64), views Nullable(Int64)
) ENGINE = MergeTree PARTITION BY leaderboard
ORDER BY (leaderboard, month, profile_platform, profile_id)
"""


def _fill_ranking(client: Client, db: str, name: str, rows: int, value: int) -> None:
    """`rows` ranked profiles of leaderboard `name`, each with `value` as its metric."""
    client.command(
        f"ALTER TABLE {db}.mart_leaderboard_ranking DELETE WHERE leaderboard = '{name}'"
        " SETTINGS mutations_sync = 1"
    )
    client.command(
        f"INSERT INTO {db}.mart_leaderboard_ranking SELECT '{name}', 'instagram', 'followers',"
        " ['category'], toDate('2026-10-01'), 'instagram', concat('p', toString(number)), NULL,"
        f" 'food', NULL, NULL, {value}, number + 1, NULL, {value}, NULL, NULL"
        f" FROM numbers({rows})"
    )


async def _ranking(
    dsn: str, target: str = "leaderboard_ranking"
) -> dict[str, list[tuple[str, float]]]:
    rows = await _fetch(
        dsn, f"SELECT leaderboard, profile_id, value FROM {target} ORDER BY leaderboard, rank"
    )
    board: dict[str, list[tuple[str, float]]] = {}
    for row in rows:
        board.setdefault(row["leaderboard"], []).append((row["profile_id"], row["value"]))
    return board


async def test_partitioned_syncs_replace_only_their_own_rows(
    pipelines_settings: PipelinesSettings,
    clickhouse_client: Client,
    clickhouse_database: str,
    postgres_dsn: str,
) -> None:
    clickhouse_client.command(MART_RANKING.format(db=clickhouse_database))
    _fill_ranking(clickhouse_client, clickhouse_database, "a", 300, 1)
    _fill_ranking(clickhouse_client, clickhouse_database, "b", 200, 2)
    spec = dataclasses.replace(
        LEADERBOARD_RANKING, source_table=f"{clickhouse_database}.mart_leaderboard_ranking"
    )

    # Two leaderboards at once, into the table the migration made and into a new one.
    results = await asyncio.gather(
        sync(spec.with_partition("a"), pipelines_settings),
        sync(spec.with_partition("b"), pipelines_settings),
        sync(spec.with_target("team_board").with_partition("b"), pipelines_settings),
    )

    assert [r.rows for r in results] == [300, 200, 200]
    board = await _ranking(postgres_dsn)
    assert board.keys() == {"a", "b"}
    assert board["a"] == [(f"p{i}", 1.0) for i in range(300)]
    assert (await _ranking(postgres_dsn, "team_board")) == {"b": board["b"]}
    keys = await _fetch(
        postgres_dsn,
        "SELECT indexname FROM pg_indexes WHERE tablename = 'team_board' ORDER BY indexname",
    )
    assert [r["indexname"] for r in keys] == [
        "team_board_leaderboard_month_rank_idx",
        "team_board_pkey",
    ]

    # A rebuilt leaderboard with fewer profiles: its old rows go, the other's stay.
    _fill_ranking(clickhouse_client, clickhouse_database, "a", 10, 3)
    await sync(spec.with_partition("a"), pipelines_settings)
    after = await _ranking(postgres_dsn)
    assert after["a"] == [(f"p{i}", 3.0) for i in range(10)]
    assert after["b"] == board["b"]
    assert await _leftovers(postgres_dsn) == []

    # A leaderboard whose source has no rows keeps the rows it had (one that had none has
    # nothing to keep).
    assert (await sync(spec.with_partition("new"), pipelines_settings)).rows == 0
    _fill_ranking(clickhouse_client, clickhouse_database, "a", 0, 0)
    with pytest.raises(SyncError, match=r"leaderboard_ranking \(leaderboard = a\) keeps its rows"):
        await sync(spec.with_partition("a"), pipelines_settings)
    assert (await _ranking(postgres_dsn))["a"] == after["a"]


def test_a_partitioned_sync_needs_its_partition_and_others_take_none(
    pipelines_settings: PipelinesSettings,
) -> None:
    with pytest.raises(SpecError, match="--partition"):
        asyncio.run(sync(LEADERBOARD_RANKING, pipelines_settings))
    with pytest.raises(SpecError, match="takes no partition"):
        LEADERBOARD.with_partition("a")
    with pytest.raises(SpecError, match="must lead the primary key"):
        dataclasses.replace(LEADERBOARD_RANKING, primary_key=("month", "leaderboard"))


async def test_the_migrations_create_every_declared_target_as_its_sync_declares_it(
    postgres_dsn: str,
) -> None:
    # The API reads these tables before their first sync; a migration written by hand beside
    # the declaration must not drift from it (columns in order, types, primary key).
    conn = await asyncpg.connect(postgres_dsn)
    try:
        for spec in SYNCS.values():
            assert spec.columns is not None, spec.name
            columns = await conn.fetch(
                "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = to_regclass($1)"
                " AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                spec.target,
            )
            declared = [
                (c.name, await conn.fetchval("SELECT to_regtype($1)::oid", c.pg_type))
                for c in spec.columns
            ]
            assert [(r["attname"], r["atttypid"]) for r in columns] == declared, spec.name
            key = await conn.fetch(
                "SELECT a.attname FROM pg_index i, unnest(i.indkey) WITH ORDINALITY k(attnum, n)"
                " JOIN pg_attribute a ON a.attnum = k.attnum"
                " WHERE i.indrelid = to_regclass($1) AND i.indisprimary"
                " AND a.attrelid = i.indrelid ORDER BY k.n",
                spec.target,
            )
            assert tuple(r["attname"] for r in key) == spec.primary_key, spec.name
    finally:
        await conn.close()
