from __future__ import annotations

import asyncpg
import pytest
from clickhouse_connect.driver.client import Client

from reach.common.migrations import (
    LEDGER,
    Migration,
    MigrationError,
    discover,
    migrate_clickhouse,
    migrate_postgres,
)
from reach.ingest.tables import DATABASE, TABLES

# Every table the PostgreSQL migrations create, plus the migration ledger.
POSTGRES_TABLES = {
    "instagram_account", "instagram_post", "youtube_account", "youtube_post",
    "scrape_request_log", "credential", "profile_log", "post_log", "asset_log", "sentiment_log",
    "profile_collection", "profile_collection_item", "post_collection", "post_collection_item",
    "leaderboard", "social_profile_time_series", "collection_post_metrics", "partner_usage",
    "activity_tracker", "collection_group", "partner", "account", "account_user",
    "partner_profile_page_track", "keyword_collection", "follower_authenticity",
    "leaderboard_ranking", "sentiment_report", "youtube_playlist", "youtube_playlist_item",
    "youtube_video_category", "youtube_channel_section", "audience_info_gpt",
    "mart_insta_account_summary", "mart_insta_account_monthly", "profile_insights",
    "mart_post_location", "mart_genre_trending_content", "mart_linked_socials",
    "mart_audience_info_gpt", "mart_instagram_account", "mart_youtube_account",
    "mart_gcc_orders", LEDGER,
}  # fmt: skip


async def _tables(conn: asyncpg.Connection) -> set[str]:
    rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return {r["tablename"] for r in rows}


@pytest.mark.unit
def test_migrations_are_numbered_in_order() -> None:
    for store in ("postgres", "clickhouse"):
        versions = [m.version for m in discover(store)]
        assert versions == list(range(1, len(versions) + 1)), store


@pytest.mark.unit
def test_statements_split_at_line_ending_semicolons_and_skip_comments() -> None:
    migration = Migration(1, "x", "-- a comment;\nCREATE A;\n\nCREATE B (x String DEFAULT ';');\n")
    assert migration.statements() == ["CREATE A", "CREATE B (x String DEFAULT ';')"]


@pytest.mark.service
async def test_postgres_migrate_creates_every_table_then_applies_nothing(
    empty_postgres_dsn: str,
) -> None:
    conn = await asyncpg.connect(empty_postgres_dsn)
    try:
        applied = await migrate_postgres(conn)
        assert [m.label for m in applied] == [m.label for m in discover("postgres")]
        assert await _tables(conn) == POSTGRES_TABLES
        assert await migrate_postgres(conn) == []
    finally:
        await conn.close()


@pytest.mark.service
async def test_postgres_migration_failing_halfway_leaves_database_as_it_was(
    empty_postgres_dsn: str,
) -> None:
    good = discover("postgres")
    broken = Migration(
        len(good) + 1, "broken", "CREATE TABLE half_done (id int);\nSELECT * FROM missing_table;"
    )
    conn = await asyncpg.connect(empty_postgres_dsn)
    try:
        with pytest.raises(MigrationError, match=broken.label):
            await migrate_postgres(conn, [*good, broken])
        assert await _tables(conn) == set()
        await migrate_postgres(conn, good)
        with pytest.raises(MigrationError, match="missing_table"):
            await migrate_postgres(conn, [*good, broken])
        assert "half_done" not in await _tables(conn)
        assert await conn.fetchval(f"SELECT count(*) FROM {LEDGER}") == len(good)
    finally:
        await conn.close()


@pytest.mark.service
async def test_postgres_refuses_an_applied_migration_that_changed(empty_postgres_dsn: str) -> None:
    conn = await asyncpg.connect(empty_postgres_dsn)
    try:
        await migrate_postgres(conn, [Migration(1, "one", "CREATE TABLE one (id int);")])
        with pytest.raises(MigrationError, match="changed after it was applied"):
            await migrate_postgres(conn, [Migration(1, "one", "CREATE TABLE one (id bigint);")])
    finally:
        await conn.close()


@pytest.mark.service
def test_clickhouse_migrate_is_idempotent_and_finishes_a_half_applied_migration(
    clickhouse_client: Client, clickhouse_database: str
) -> None:
    db = clickhouse_database
    # The fixture's engine is already migrated: base migrations are not applied twice.
    assert migrate_clickhouse(clickhouse_client) == []
    databases = {r[0] for r in clickhouse_client.query("SHOW DATABASES").result_rows}
    assert {"_e", "dbt"} <= databases

    extra = Migration(
        9000,
        "test_tables",
        f"CREATE TABLE IF NOT EXISTS {db}.a (x UInt8) ENGINE = MergeTree ORDER BY x;\n"
        f"CREATE TABLE IF NOT EXISTS {db}.b (x UInt8) ENGINE = MergeTree ORDER BY y;\n",
    )
    with pytest.raises(MigrationError, match="test_tables"):
        migrate_clickhouse(clickhouse_client, [extra])
    fixed = Migration(9000, "test_tables", extra.sql.replace("ORDER BY y", "ORDER BY x"))
    try:
        assert migrate_clickhouse(clickhouse_client, [fixed]) == [fixed]
        tables = {r[0] for r in clickhouse_client.query(f"SHOW TABLES FROM {db}").result_rows}
        assert tables == {"a", "b"}
        assert migrate_clickhouse(clickhouse_client, [fixed]) == []
    finally:
        clickhouse_client.command(f"DELETE FROM default.{LEDGER} WHERE version = 9000")


@pytest.mark.service
def test_clickhouse_migrations_give_every_event_table_its_declared_columns(
    clickhouse_client: Client, clickhouse_database: str
) -> None:
    """The fixture's engine ran every migration in turn; each event table has the columns a
    fresh one made from its declaration has, in order."""

    def columns(database: str, table: str) -> list[tuple[str, str]]:
        rows = clickhouse_client.query(f"DESCRIBE TABLE {database}.`{table}`").result_rows
        return [(row[0], row[1]) for row in rows]

    for table in TABLES.values():
        clickhouse_client.command(table.create_sql(clickhouse_database))
        migrated = columns(DATABASE, table.name)
        assert migrated == columns(clickhouse_database, table.name), table.name
        assert [name for name, _ in migrated] == [c.name for c in table.columns], table.name
