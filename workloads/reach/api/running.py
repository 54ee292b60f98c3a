"""`reach api serve`: opens the stores, starts the profile-update consumer and the usage
flusher, and serves the API until shutdown; everything opened is closed on the way out."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import httpx

from reach.api.app import build_services, create_app
from reach.api.events import CollectionEvents, consume_profile_updates
from reach.api.repositories.analytics import ClickHouse
from reach.api.settings import ApiSettings
from reach.common import amqp
from reach.common.clickhouse import get_client
from reach.common.lifecycle import Shutdown
from reach.common.postgres import create_pool
from reach.common.probes import Readiness
from reach.common.redis import create_redis
from reach.common.webserver import serve_http

log = logging.getLogger(__name__)


async def serve(settings: ApiSettings, shutdown: Shutdown, *, port: int | None = None) -> None:
    pool = await create_pool(settings, "reach-api", min_size=2, max_size=20, stateless=True)
    redis = create_redis(settings)
    connection = await amqp.connect(settings, "reach-api")
    scraper = httpx.AsyncClient(base_url=str(settings.scraper_api_url), timeout=10)
    marts = ClickHouse(lambda: get_client(settings), settings.analytics_database)
    try:
        publish_channel = await amqp.open_channel(connection)
        consume_channel = await amqp.open_channel(connection, prefetch=100)
        events = await CollectionEvents.declare(publish_channel)
        services = build_services(settings, pool, redis, scraper, events, marts)
        await consume_profile_updates(consume_channel, services.profiles.cache.invalidate)
        readiness = Readiness(shutdown)
        readiness.add("postgres", lambda: pool.fetchval("SELECT 1"))
        readiness.add("redis", redis.ping)
        metering = asyncio.create_task(services.usage.run(settings.usage_flush_seconds))
        try:
            await serve_http(
                create_app(services, readiness, settings.signing),
                host=settings.api_host,
                port=settings.api_port if port is None else port,
                shutdown=shutdown,
            )
        finally:
            # Its last flush writes the counts of the requests just served.
            metering.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await metering
    finally:
        marts.close()
        await scraper.aclose()
        await connection.close()
        await redis.aclose()
        await pool.close()
