"""The networks' declarations against the migrated PostgreSQL schema: every declared column
exists with the declared type, the generated upserts merge as declared, and the YouTube
catalogue's migration is what its declarations render."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
import pytest

from reach.scraper.models import YouTubeChannel
from reach.scraper.networks import (
    CATALOGUE_MIGRATION,
    INSTAGRAM,
    YOUTUBE,
    YOUTUBE_CATALOGUE,
    Account,
    Table,
    render_catalogue_migration,
)

# information_schema's names of the declared types.
TYPES = {
    "text": "text",
    "bigint": "bigint",
    "integer": "integer",
    "boolean": "boolean",
    "float8": "double precision",
    "timestamptz": "timestamp with time zone",
    "text[]": "ARRAY",
}


TABLES = [
    *(table for schema in (INSTAGRAM, YOUTUBE) for table in (schema.account, schema.post)),
    *YOUTUBE_CATALOGUE,
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


def test_catalogue_migration_is_what_the_declarations_render(repo_root: Path) -> None:
    path = repo_root / "workloads/reach/common/schema/postgres" / CATALOGUE_MIGRATION
    assert path.read_text() == render_catalogue_migration()
