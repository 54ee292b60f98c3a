"""Served marts without dbt: the API tests of routes over synced marts create each mart in
ClickHouse with the columns dbt builds it with, fill it with their own rows and run its declared
sync into the PostgreSQL table the migrations created, as the daily schedule would."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from clickhouse_connect.driver.client import Client

from reach.common.settings import StoreSettings
from reach.pipelines.settings import PipelinesSettings
from reach.pipelines.syncing import sync
from reach.pipelines.tables import SyncSpec


async def sync_marts(
    marts: Mapping[str, tuple[str, str]],
    specs: Iterable[SyncSpec],
    settings: StoreSettings,
    client: Client,
    database: str,
    data_dir: Path,
) -> None:
    """`marts`: per mart, its ClickHouse columns and the VALUES of its rows; created in
    `database` (the dbt schema), then each of `specs` synced."""
    for table, (columns, rows) in marts.items():
        client.command(
            f"CREATE TABLE {database}.{table} ({columns}) ENGINE = MergeTree ORDER BY tuple()"
        )
        client.command(f"INSERT INTO {database}.{table} VALUES {rows}")
    pipelines = PipelinesSettings(
        postgres_dsn=settings.postgres_dsn,
        clickhouse_url=settings.clickhouse_url,
        data_dir=data_dir,
        dbt_schema=database,
    )
    for spec in specs:
        await sync(spec, pipelines, client=client)
