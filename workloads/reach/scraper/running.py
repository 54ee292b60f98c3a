"""Wires a worker process (`reach scraper worker`): the pools and clients it shares, every
source adapter, the flow's chain and limits, the queue worker (`flow_worker`, which
bench/scrape_flow.py also runs, one per flow in one process), LISTEN/NOTIFY and the probes.
Everything opened here is closed here, after the worker drained."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import httpx
from aio_pika.abc import AbstractRobustConnection

from reach.common import amqp
from reach.common.lifecycle import Shutdown
from reach.common.postgres import create_pool
from reach.common.probes import Check, Readiness, probe_app
from reach.common.redis import create_redis
from reach.common.webserver import serve_http
from reach.scraper import events, flowconfig
from reach.scraper.contract import FlowConfig
from reach.scraper.credentials import CredentialStore
from reach.scraper.flows import get_flow
from reach.scraper.flows.base import Flow, FlowContext, Resources, handle_task
from reach.scraper.publishing import EventPublisher
from reach.scraper.queue.manager import TaskManager
from reach.scraper.queue.models import Finished, Outcome, Task
from reach.scraper.queue.waking import Waker
from reach.scraper.queue.worker import Handler, OnFinished, Worker, WorkerConfig
from reach.scraper.ratelimiting import RateLimit, StackedLimiter
from reach.scraper.settings import ScraperSettings
from reach.scraper.sources.bulkprofile import BulkProfileInstagram
from reach.scraper.sources.capabilities import Source
from reach.scraper.sources.cdn import Cdn
from reach.scraper.sources.chain import Chain
from reach.scraper.sources.graphapi import GraphApi
from reach.scraper.sources.http import create_client
from reach.scraper.sources.igstats import InstagramStatistics
from reach.scraper.sources.instagram28 import Instagram28
from reach.scraper.sources.instagram_web import InstagramWeb
from reach.scraper.sources.invidious import Invidious
from reach.scraper.sources.llm import OpenAiChat
from reach.scraper.sources.looter import LooterInstagram
from reach.scraper.sources.rapidapi import RapidApiInstagram
from reach.scraper.sources.rocketapi import RocketApiInstagram
from reach.scraper.sources.shopify import ShopifyAdmin
from reach.scraper.sources.youtube import YouTubeDataApi
from reach.scraper.storage import open_store

log = logging.getLogger(__name__)


def build_sources(
    settings: ScraperSettings, client: httpx.AsyncClient, credentials: CredentialStore
) -> dict[str, Source]:
    sources: list[Source] = [
        GraphApi(client, settings.instagram_graph_url, credentials),
        RapidApiInstagram(
            client, settings.rapidapi_instagram_url, credentials, settings.rapidapi_instagram_host
        ),
        RocketApiInstagram(client, settings.rocketapi_instagram_url, credentials),
        LooterInstagram(client, settings.instagram_looter_url, credentials),
        Instagram28(client, settings.instagram28_url, credentials),
        BulkProfileInstagram(client, settings.instagram_bulk_profile_url, credentials),
        InstagramStatistics(client, settings.instagram_statistics_url, credentials),
        InstagramWeb(client, settings.instagram_web_url),
        YouTubeDataApi(client, settings.youtube_api_url, credentials),
        Invidious(client, settings.invidious_url),
        OpenAiChat(client, settings, credentials),
        ShopifyAdmin(client, settings.shopify_admin_url, credentials),
        Cdn(client),
    ]
    return {s.name: s for s in sources}


@dataclass
class Runtime(Resources):
    """What one scraper process holds open."""

    amqp: AbstractRobustConnection

    def context(
        self, sources: Sequence[str], source_limits: dict[str, list[RateLimit]]
    ) -> FlowContext:
        chain = Chain([self.sources[n] for n in sources], self.limiter, source_limits)
        return FlowContext(**self.shared(), chain=chain)


@contextlib.asynccontextmanager
async def open_runtime(
    settings: ScraperSettings, name: str, *, pool_size: int = 10
) -> AsyncIterator[Runtime]:
    async with contextlib.AsyncExitStack() as stack:
        pool = await create_pool(settings, name, min_size=2, max_size=pool_size)
        stack.push_async_callback(pool.close)
        redis = create_redis(settings)
        stack.push_async_callback(redis.aclose)
        client = create_client(settings.scraper_http_timeout_seconds)
        stack.push_async_callback(client.aclose)
        connection = await amqp.connect(settings, name)
        stack.push_async_callback(connection.close)
        store = await open_store(settings)
        stack.push_async_callback(store.close)
        credentials = CredentialStore(
            pool,
            quota_cooldown_s=settings.credential_quota_cooldown_seconds,
            auth_cooldown_s=settings.credential_auth_cooldown_seconds,
        )
        yield Runtime(
            settings=settings,
            pool=pool,
            manager=TaskManager(pool),
            credentials=credentials,
            limiter=StackedLimiter.over(
                redis,
                settings.scraper_rate_limit_prefix,
                enabled=settings.scraper_rate_limits_enabled,
            ),
            publisher=await EventPublisher.declare(connection),
            amqp=connection,
            store=store,
            sources=build_sources(settings, client, credentials),
        )


def task_handler(flow: Flow[Any], ctx: FlowContext, limits: Sequence[RateLimit]) -> Handler:
    async def handle(task: Task) -> Outcome:
        return await handle_task(flow, ctx, task, limits)

    return handle


def reporter(publisher: EventPublisher) -> OnFinished:
    """Publishes what became of finished tasks (scrape_request_log), many per message."""

    async def report(finished: Sequence[Finished]) -> None:
        await publisher.publish(
            {"scrape_request_log": [events.scrape_request_log(f) for f in finished]}
        )

    return report


def flow_worker(
    rt: Runtime,
    flow: Flow[Any],
    concurrency: int,
    *,
    config: FlowConfig | None = None,
    waker: Waker | None = None,
) -> Worker:
    """The queue worker of `flow` in `rt`, with the sources and limits `config` resolves to;
    without a `waker` it finds new tasks by polling."""
    resolved = flowconfig.resolve(flow, config, list(rt.sources))
    ctx = rt.context(resolved.sources, resolved.source_limits)
    # Every queue timing is the setting of the same name with the scraper's prefix.
    timings = {
        f.name: getattr(rt.settings, f"scraper_{f.name}")
        for f in fields(WorkerConfig)
        if f.name not in ("flow", "concurrency")
    }
    worker = Worker(
        rt.manager,
        WorkerConfig(flow=flow.name, concurrency=concurrency, **timings),
        task_handler(flow, ctx, resolved.flow_limits),
        waker=waker,
        on_finished=reporter(rt.publisher),
    )
    log.info(
        "worker starting",
        extra={"flow": flow.name, "worker_id": worker.worker_id, "sources": resolved.sources},
    )
    return worker


async def run_worker(
    settings: ScraperSettings,
    flow_names: Sequence[str],
    shutdown: Shutdown,
    *,
    concurrency: int | None = None,
    config_path: Path | None = None,
    probe_port: int | None = None,
    probe_host: str = "0.0.0.0",
) -> None:
    """Runs a worker per flow of `flow_names` in this process until `shutdown`, then drains and
    closes everything. A ScrapeFlow's pod runs one flow with its config; standalone mode runs
    every flow in one process, since a process per flow costs a laptop a Python each."""
    flows = [get_flow(name) for name in flow_names]
    if config_path and len(flows) != 1:
        raise flowconfig.FlowConfigError("a flow config file configures exactly one flow")
    config = flowconfig.load(config_path) if config_path else None
    concurrency = concurrency or settings.scraper_concurrency
    name = flows[0].name if len(flows) == 1 else "flows"
    async with open_runtime(settings, f"reach-scraper-{name}", pool_size=4) as rt:
        waker = Waker(str(settings.postgres_dsn))
        workers = [flow_worker(rt, flow, concurrency, config=config, waker=waker) for flow in flows]
        readiness = Readiness(shutdown)
        readiness.add("postgres", lambda: rt.pool.fetchval("SELECT 1"))
        readiness.add("listening", _is_set(waker.listening, "not listening for NOTIFY"))
        readiness.add("rabbitmq", _is_open(rt.amqp))
        async with asyncio.TaskGroup() as group:
            group.create_task(waker.run(shutdown))
            if probe_port:
                group.create_task(
                    serve_http(
                        probe_app(readiness), host=probe_host, port=probe_port, shutdown=shutdown
                    )
                )
            await asyncio.gather(*(worker.run(shutdown) for worker in workers))
            shutdown.request("workers stopped")


def _is_set(event: asyncio.Event, failure: str) -> Check:
    async def check() -> None:
        if not event.is_set():
            raise RuntimeError(failure)

    return check


def _is_open(connection: AbstractRobustConnection) -> Check:
    async def check() -> None:
        if connection.is_closed:
            raise RuntimeError("RabbitMQ connection closed")

    return check


async def serve_api(
    settings: ScraperSettings,
    shutdown: Shutdown,
    *,
    host: str | None = None,
    port: int | None = None,
) -> None:
    """Serves the scraper API until `shutdown`."""
    from reach.scraper.api import create_app

    pool = await create_pool(settings, "reach-scraper-api", min_size=1, max_size=10)
    try:
        readiness = Readiness(shutdown)
        readiness.add("postgres", lambda: pool.fetchval("SELECT 1"))
        await serve_http(
            create_app(TaskManager(pool), readiness),
            host=host or settings.scraper_api_host,
            port=settings.scraper_api_port if port is None else port,
            shutdown=shutdown,
        )
    finally:
        await pool.close()


async def run_listeners(
    settings: ScraperSettings, shutdown: Shutdown, *, probe_port: int | None = None
) -> None:
    """Consumes the listeners' queues until `shutdown`; messages in hand finish first."""
    from reach.scraper.listeners import consume

    pool = await create_pool(settings, "reach-scraper-listen", min_size=1, max_size=4)
    connection = await amqp.connect(settings, "reach-scraper-listen")
    try:
        channel = await amqp.open_channel(connection, prefetch=settings.amqp_prefetch)
        tags = await consume(channel, TaskManager(pool))
        readiness = Readiness(shutdown)
        readiness.add("postgres", lambda: pool.fetchval("SELECT 1"))
        readiness.add("rabbitmq", _is_open(connection))
        if probe_port:
            await serve_http(
                probe_app(readiness), host="0.0.0.0", port=probe_port, shutdown=shutdown
            )
        else:
            await shutdown.wait()
        log.info("listeners stopping", extra={"consumers": len(tags)})
        await channel.close()
    finally:
        await connection.close()
        await pool.close()
