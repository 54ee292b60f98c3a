"""PostgreSQL connection pools (asyncpg) for every workload that reads or writes PostgreSQL."""

from __future__ import annotations

import json

import asyncpg

from reach.common.settings import StoreSettings


async def _init_connection(conn: asyncpg.Connection) -> None:
    # JSONB columns come back as Python objects, not strings, everywhere.
    for typ in ("json", "jsonb"):
        await conn.set_type_codec(typ, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def create_pool(
    settings: StoreSettings,
    application_name: str,
    *,
    min_size: int = 1,
    max_size: int = 10,
    dsn: str | None = None,
    stateless: bool = False,
) -> asyncpg.Pool:
    """A pool whose connections name themselves in pg_stat_activity and time out stuck
    statements after `settings.postgres_statement_timeout_ms`.

    `stateless` is for users that never leave session state on a connection (no SET, LISTEN,
    advisory lock or open cursor outside a transaction): their connections go back to the pool
    without asyncpg's reset query, which saves a round trip per use."""
    return await asyncpg.create_pool(
        dsn or str(settings.postgres_dsn),
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        reset=_keep_connection if stateless else None,
        server_settings={
            "application_name": application_name,
            "statement_timeout": str(settings.postgres_statement_timeout_ms),
        },
    )


async def _keep_connection(_: asyncpg.Connection) -> None:
    return None
