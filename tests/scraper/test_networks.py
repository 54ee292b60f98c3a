"""The networks' declarations against the migrated PostgreSQL schema: every declared column
exists with the declared type, the generated upserts merge as declared, and the migrations
rendered from declarations (the YouTube catalogue, the Instagram insights) are what they
render."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
import pytest

from reach.scraper.models import YouTubeChannel
from reach.scraper.networks import (
    INSTAGRAM,
    INSTAGRAM_POST_INSIGHTS,
    PROFILE_INSIGHTS,
    RENDERED_MIGRATIONS,
    YOUTUBE,
    YOUTUBE_CATALOGUE,
    Account,
    Table,
)

# information_schema's names of the declared types.
TYPES = {
    "text": "text",
    "bigint": "bigint",
    "integer": "integer",
    "boolean": "boolean",
    "float8": "double precision",
    "timestamptz": "timestamp with time zone",
    "date": "date",
    "text[]": "ARRAY",
}


TABLES = [
    *(table for schema in (INSTAGRAM, YOUTUBE) for table in (schema.account, schema.post)),
    *YOUTUBE_CATALOGUE,
    PROFILE_INSIGHTS,
    INSTAGRAM_POST_INSIGHTS,
]


@pytest.mark.service
@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
async def test_declared_columns_are_the_tables(pool: asyncpg.Pool, table: Table[Any]) -> None:
    rows = await pool.fetch(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1",
        table.name,
    )
    stored = {r["column_name"]: r["data_type"] for r in rows}
    declared = {c.name: TYPES[c.pg_type] for c in table.columns}
    assert {name: stored.get(name) for name in declared} == declared
    assert {"source", "updated_at"} <= set(stored)


@pytest.mark.service
async def test_a_poorer_source_keeps_what_a_richer_one_found(pool: asyncpg.Pool) -> None:
    table = YOUTUBE.account
    rich = YouTubeChannel(channel_id="UC" + "a" * 22, handle="@rich", title="Rich", subscribers=9)
    poor = YouTubeChannel(channel_id=rich.channel_id, subscribers=10)
    await pool.execute(table.upsert_sql, *table.parameters([Account(rich)], "youtube"))
    await pool.execute(table.upsert_sql, *table.parameters([Account(poor)], "other"))
    row = await pool.fetchrow(
        "SELECT handle, title, subscribers, source, refreshed_at FROM youtube_account"
        " WHERE channel_id = $1",
        rich.channel_id,
    )
    assert row is not None
    assert (row["handle"], row["title"], row["subscribers"], row["source"]) == (
        "@rich",
        "Rich",
        10,
        "other",
    )
    assert row["refreshed_at"] is not None


@pytest.mark.parametrize("migration", sorted(RENDERED_MIGRATIONS))
def test_rendered_migrations_are_what_the_declarations_render(
    repo_root: Path, migration: str
) -> None:
    path = repo_root / "workloads/reach/common/schema/postgres" / migration
    assert path.read_text() == RENDERED_MIGRATIONS[migration]()
