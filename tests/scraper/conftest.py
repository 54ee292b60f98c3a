"""Fixtures for the scraper tests: a pool on the test's own PostgreSQL database, the queue
manager over it, a Redis key prefix of the test's own, the sandbox served on a free port, and
a RabbitMQ vhost of the session's own (made with rabbitmqctl) so events published to `beat.dx`
here meet no other package's queues."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aio_pika
import asyncpg
import pytest
from aio_pika.abc import AbstractIncomingMessage

from reach.common.events import events_pb2 as pb
from reach.common.lifecycle import Shutdown
from reach.common.postgres import create_pool
from reach.common.settings import StoreSettings
from reach.common.webserver import serve_http
from reach.sandbox.app import create_app
from reach.sandbox.state import SandboxState
from reach.sandbox.universe import Universe
from reach.sandbox.upstreams import SANDBOX_CREDENTIALS, scraper_urls
from reach.scraper import events
from reach.scraper.enqueueing import new_task
from reach.scraper.flowconfig import resolve
from reach.scraper.flows import get_flow
from reach.scraper.flows.base import handle_task
from reach.scraper.publishing import EXCHANGE
from reach.scraper.queue.manager import TaskManager
from reach.scraper.queue.models import Fail, Outcome, Retry
from reach.scraper.ratelimiting import RateLimit
from reach.scraper.running import Runtime, open_runtime
from reach.scraper.settings import ScraperSettings
from reach.testing.ports import free_port


@pytest.fixture
async def pool(postgres_dsn: str, base_settings: StoreSettings) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(base_settings, "reach-scraper-test", dsn=postgres_dsn, max_size=12)
    yield pool
    await pool.close()


@pytest.fixture
def manager(pool: asyncpg.Pool) -> TaskManager:
    return TaskManager(pool)


@pytest.fixture
def redis_prefix() -> str:
    return f"reach-test:{uuid.uuid4().hex[:12]}"


@pytest.fixture
def universe() -> Universe:
    return Universe(seed=7, creators=40)


def business_handle(universe: Universe, n: int = 0) -> str:
    """The handle of the universe's `n`-th business account."""
    return [c.handle for i in range(universe.size) if (c := universe.creator(i)) and c.is_business][
        n
    ]


@pytest.fixture
async def sandbox(universe: Universe) -> AsyncIterator[tuple[str, SandboxState]]:
    """The sandbox upstreams on a free port: (base URL, its state for faults and counts)."""
    state = SandboxState(universe=universe, timeout_seconds=3.0)
    port = free_port()
    shutdown = Shutdown()
    server = asyncio.create_task(
        serve_http(create_app(state), host="127.0.0.1", port=port, shutdown=shutdown)
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            break
        await asyncio.sleep(0.02)
    yield base, state
    shutdown.request()
    await server


@pytest.fixture
def scraper_settings(
    settings: StoreSettings,
    sandbox: tuple[str, SandboxState],
    amqp_url: str,
    redis_prefix: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> ScraperSettings:
    """Settings with every upstream pointed at the sandbox and quick queue timings."""
    base, _ = sandbox
    return ScraperSettings(
        postgres_dsn=settings.postgres_dsn,
        clickhouse_url=settings.clickhouse_url,
        amqp_url=amqp_url,
        data_dir=tmp_path_factory.mktemp("scraper"),
        scraper_rate_limit_prefix=redis_prefix,
        scraper_http_timeout_seconds=2.0,
        scraper_poll_seconds=0.5,
        scraper_retry_backoff_seconds=0.0,
        **scraper_urls(base),
    )


@pytest.fixture
async def runtime(
    scraper_settings: ScraperSettings, beat_events: EventTap
) -> AsyncIterator[Runtime]:
    """A scraper process's runtime against the sandbox, with working credentials stored and
    a queue taking every event it publishes (without one, publishes are refused)."""
    async with open_runtime(scraper_settings, "reach-scraper-test") as rt:
        for source, secrets in SANDBOX_CREDENTIALS.items():
            await rt.credentials.put(source, "sandbox", dict(secrets))
        yield rt


class EventTap:
    """Everything published to `beat.dx` while the test runs, decoded."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, pb.Events]] = []
        self._arrived = asyncio.Event()

    def events(self, payload: str) -> list[pb.Event]:
        return [e for key, batch in self.messages if key == payload for e in batch.events]

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        batch = pb.Events()
        batch.ParseFromString(message.body)
        self.messages.append((message.routing_key or "", batch))
        self._arrived.set()
        await message.ack()

    async def wait_for(self, payload: str, count: int, seconds: float = 30.0) -> list[pb.Event]:
        async def enough() -> None:
            while len(self.events(payload)) < count:
                self._arrived.clear()
                await self._arrived.wait()

        await asyncio.wait_for(enough(), seconds)
        return self.events(payload)


@pytest.fixture
async def beat_events(amqp_url: str) -> AsyncIterator[EventTap]:
    """A temporary queue bound to `beat.dx` for every payload the scraper publishes."""
    connection = await aio_pika.connect(amqp_url)
    tap = EventTap()
    try:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(
            EXCHANGE, aio_pika.ExchangeType.DIRECT, durable=True
        )
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        for payload in events.PAYLOADS:
            await queue.bind(exchange, routing_key=payload)
        await queue.consume(tap.on_message)
        yield tap
    finally:
        await connection.close()


async def run_task(
    rt: Runtime,
    flow_name: str,
    params: dict[str, Any],
    *,
    sources: list[str] | None = None,
    source_limits: dict[str, list[RateLimit]] | None = None,
    flow_limits: list[RateLimit] | None = None,
) -> tuple[int, Outcome]:
    """Enqueues one task of `flow_name`, claims it and runs it as a worker would."""
    enqueued = await rt.manager.enqueue(new_task(flow_name, params))
    ran = await run_queued(
        rt,
        flow_name,
        1,
        sources=sources,
        source_limits=source_limits,
        flow_limits=flow_limits,
    )
    assert [task_id for task_id, _ in ran] == [enqueued.id]
    return ran[0]


async def run_queued(
    rt: Runtime,
    flow_name: str,
    limit: int,
    *,
    sources: list[str] | None = None,
    source_limits: dict[str, list[RateLimit]] | None = None,
    flow_limits: list[RateLimit] | None = None,
) -> list[tuple[int, Outcome]]:
    """Claims up to `limit` queued tasks of `flow_name` and runs each as a worker would."""
    flow = get_flow(flow_name)
    tasks, _ = await rt.manager.claim(flow_name, "test-worker", limit, 60)
    resolved = resolve(flow, None, list(rt.sources))
    ctx = rt.context(
        resolved.sources if sources is None else sources,
        resolved.source_limits if source_limits is None else source_limits,
    )
    limits = resolved.flow_limits if flow_limits is None else flow_limits
    return [(task.id, await handle_task(flow, ctx, task, limits)) for task in tasks]


async def run_until_settled(rt: Runtime, flow_name: str, params: dict[str, Any]) -> Any:
    """Runs one task of `flow_name` as workers would, retried at once after each retryable
    failure, until it fails for good; returns its scrape_request_log row."""
    enqueued = await rt.manager.enqueue(new_task(flow_name, params))
    while True:
        ((task_id, outcome),) = await run_queued(rt, flow_name, 1)
        assert task_id == enqueued.id
        if isinstance(outcome, Retry):
            await rt.manager.retry(task_id, "test-worker", outcome.error, outcome.source, 0.0)
        else:
            assert isinstance(outcome, Fail), outcome
            await rt.manager.fail(task_id, "test-worker", outcome.error, outcome.source)
        row = await rt.manager.pool.fetchrow(
            "SELECT * FROM scrape_request_log WHERE id = $1", task_id
        )
        if row["status"] != "PENDING":
            return row
