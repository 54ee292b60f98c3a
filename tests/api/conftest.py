"""The API in-process over real PostgreSQL, Redis and RabbitMQ, with the scraper's own API
(in-process too) behind the 202 path. Two partners (FREE and PRO) exist in each test's database."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aio_pika
import asyncpg
import httpx
import pytest
from aio_pika.abc import AbstractRobustConnection
from clickhouse_connect.driver.client import Client
from fastapi import FastAPI
from redis.asyncio import Redis

from reach.api.app import Services, build_services, create_app
from reach.api.events import CollectionEvents, consume_profile_updates
from reach.api.repositories.analytics import ClickHouse
from reach.api.settings import ApiSettings
from reach.common.events import events_pb2 as pb
from reach.common.postgres import create_pool
from reach.common.probes import Readiness
from reach.common.settings import StoreSettings
from reach.pipelines.settings import PipelinesSettings
from reach.pipelines.syncing import sync
from reach.pipelines.tables import SyncSpec
from reach.scraper.api import create_app as create_scraper_app
from reach.scraper.queue.manager import TaskManager
from reach.testing.redis import redis_client

from .marts import create_marts


@dataclass(frozen=True)
class Tenants:
    free: int
    pro: int
    other: int

    def headers(self, partner_id: int, plan: str) -> dict[str, str]:
        return {"x-bb-partner-id": str(partner_id), "x-bb-plan-type": plan}


@pytest.fixture
def api_settings(settings: StoreSettings, amqp_url: str, clickhouse_database: str) -> ApiSettings:
    return ApiSettings(
        postgres_dsn=settings.postgres_dsn,
        clickhouse_url=settings.clickhouse_url,
        amqp_url=amqp_url,
        analytics_database=clickhouse_database,
        cache_prefix=f"reach-test:{uuid.uuid4().hex[:12]}",
        plan_limits={"FREE": {"discovery": 1000, "leaderboard": 1000}},
    )


@pytest.fixture
async def pool(api_settings: ApiSettings) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(api_settings, "reach-api-test", max_size=8)
    yield pool
    await pool.close()


@pytest.fixture
async def redis(api_settings: ApiSettings) -> AsyncIterator[Redis]:
    async with redis_client(api_settings) as redis:
        yield redis
        keys = [k async for k in redis.scan_iter(f"{api_settings.cache_prefix}:*", count=10_000)]
        if keys:
            await redis.delete(*keys)


@pytest.fixture
async def amqp(api_settings: ApiSettings) -> AsyncIterator[AbstractRobustConnection]:
    connection = await aio_pika.connect_robust(str(api_settings.amqp_url))
    yield connection
    await connection.close()


@pytest.fixture
async def tenants(pool: asyncpg.Pool) -> Tenants:
    ids = [
        await pool.fetchval(
            "INSERT INTO partner (name, plan_type) VALUES ($1, $2) RETURNING id", name, plan
        )
        for name, plan in (("Free brand", "FREE"), ("Pro brand", "PRO"), ("Rival", "PRO"))
    ]
    return Tenants(*ids)


@pytest.fixture
async def services(
    api_settings: ApiSettings,
    pool: asyncpg.Pool,
    redis: Redis,
    amqp: AbstractRobustConnection,
    clickhouse_client: Client,
) -> AsyncIterator[Services]:
    scraper_app = create_scraper_app(TaskManager(pool), Readiness())
    scraper = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=scraper_app), base_url="http://scraper"
    )
    channel = await amqp.channel(publisher_confirms=True)
    events = await CollectionEvents.declare(channel)
    marts = ClickHouse(lambda: clickhouse_client, api_settings.analytics_database)
    built = build_services(api_settings, pool, redis, scraper, events, marts)
    consumer = await amqp.channel()
    await consume_profile_updates(consumer, built.profiles.cache.invalidate)
    yield built
    await scraper.aclose()


@pytest.fixture
def app(services: Services) -> FastAPI:
    return create_app(services, Readiness())


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://api"
    ) as client:
        yield client


@dataclass(frozen=True)
class ProfileLookup:
    """GET of an Instagram profile by handle, as the FREE or the PRO partner."""

    client: httpx.AsyncClient
    tenants: Tenants

    async def __call__(self, handle: str, plan: str = "PRO") -> httpx.Response:
        partner = self.tenants.pro if plan == "PRO" else self.tenants.free
        return await self.client.get(
            f"/discovery-service/api/profile/instagram/{handle}",
            headers=self.tenants.headers(partner, plan),
        )


@pytest.fixture
def lookup(client: httpx.AsyncClient, tenants: Tenants) -> ProfileLookup:
    return ProfileLookup(client, tenants)


@pytest.fixture
def add_instagram(pool: asyncpg.Pool) -> Callable[..., Any]:
    """Inserts an Instagram account (fresh unless refreshed_at says otherwise)."""

    async def add(handle: str, **columns: Any) -> str:
        values = {
            "profile_id": f"ig-{handle}",
            "handle": handle,
            "full_name": handle.title(),
            "followers": 1000,
            "engagement_rate": 2.5,
            "refreshed_at": datetime.now(UTC),
            "audience_gender": {"female": 0.6, "male": 0.4},
            **columns,
        }
        names = ", ".join(values)
        params = ", ".join(f"${i}" for i in range(1, len(values) + 1))
        await pool.execute(
            f"INSERT INTO instagram_account ({names}) VALUES ({params})", *values.values()
        )
        return str(values["profile_id"])

    return add


async def publish_profile_log(connection: AbstractRobustConnection, handle: str) -> None:
    """What the scraper publishes after it upserted a profile."""
    event = pb.Event(event_id=uuid.uuid4().hex, name="profile_log")
    event.profile_log.platform = "instagram"
    event.profile_log.profile_id = f"ig-{handle}"
    event.profile_log.handle = handle
    channel = await connection.channel(publisher_confirms=True)
    exchange = await channel.get_exchange("beat.dx")
    await exchange.publish(
        aio_pika.Message(pb.Events(events=[event]).SerializeToString()), routing_key="profile_log"
    )
    await channel.close()


@pytest.fixture
def marts(clickhouse_client: Client, clickhouse_database: str) -> Client:
    """The analytics marts, empty, in this test's ClickHouse database."""
    create_marts(clickhouse_client, clickhouse_database)
    return clickhouse_client


async def answered(
    client: httpx.AsyncClient, path: str, headers: Mapping[str, str], **params: Any
) -> Any:
    """The `data` of the 200 answer to GET `path` with the query `params`."""
    response = await client.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def refused(
    client: httpx.AsyncClient, path: str, headers: Mapping[str, str], status: int, **params: Any
) -> Any:
    """The `error` of the answer to GET `path` with the query `params`, which is `status`."""
    response = await client.get(path, params=params, headers=headers)
    assert response.status_code == status, response.text
    return response.json()["error"]


# A daily mart as dbt builds it in ClickHouse: its columns, and the SQL of its rows.
BuiltMart = tuple[str, str]


@pytest.fixture
def sync_marts(
    settings: StoreSettings, clickhouse_client: Client, clickhouse_database: str, tmp_path: Path
) -> Callable[..., Any]:
    """Builds marts (table -> BuiltMart) in this test's ClickHouse database, then runs their
    declared syncs into PostgreSQL, as the daily pipeline does."""

    async def build_and_sync(marts: Mapping[str, BuiltMart], *specs: SyncSpec) -> None:
        for table, (columns, rows) in marts.items():
            clickhouse_client.command(
                f"CREATE TABLE {clickhouse_database}.{table} ({columns})"
                " ENGINE = MergeTree ORDER BY tuple()"
            )
            clickhouse_client.command(f"INSERT INTO {clickhouse_database}.{table} VALUES {rows}")
        pipelines = PipelinesSettings(
            postgres_dsn=settings.postgres_dsn,
            clickhouse_url=settings.clickhouse_url,
            data_dir=tmp_path,
            dbt_schema=clickhouse_database,
        )
        for spec in specs:
            await sync(spec, pipelines, client=clickhouse_client)

    return build_and_sync


@pytest.fixture
def add_post(pool: asyncpg.Pool) -> Callable[..., Any]:
    """Inserts an Instagram post (`shortcode`, by `profile_id`) or, with platform="youtube", a
    video (`shortcode` is its id, `profile_id` its channel)."""

    async def add(
        shortcode: str, profile_id: str, platform: str = "instagram", **columns: Any
    ) -> None:
        values: dict[str, Any] = (
            {"post_id": f"p-{shortcode}", "shortcode": shortcode, "profile_id": profile_id}
            if platform == "instagram"
            else {"video_id": shortcode, "channel_id": profile_id}
        )
        values = {
            "likes": 10,
            "comments": 1,
            "publish_time": datetime.now(UTC),
            **values,
            **columns,
        }
        table = "instagram_post" if platform == "instagram" else "youtube_post"
        params = ", ".join(f"${i}" for i in range(1, len(values) + 1))
        await pool.execute(
            f"INSERT INTO {table} ({', '.join(values)}) VALUES ({params})", *values.values()
        )

    return add
