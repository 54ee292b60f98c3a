"""External objects the operator manages outside Kubernetes, and the depth of work queues.

EventSink: its sink's RabbitMQ route (exchange, durable queue with its dead-letter queue,
bindings) and its ClickHouse table. ScrapeFlow: the pending tasks of its flow in the PostgreSQL
task queue (the scraper contract's query). Connections are cached per URL for the operator's
lifetime.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import aio_pika
import aiormq
import asyncpg
from aio_pika.abc import AbstractRobustConnection

from reach.ingest.routing import DEAD_LETTER, Sink
from reach.operator.api.eventsink import EventSinkSpec
from reach.operator.builders.eventsink import drop_table_statement, table_statements
from reach.operator.clickhousing import ClickHouse, ClickHouseError
from reach.scraper.contract import PENDING_TASKS


class TopologyError(RuntimeError):
    """The broker or database refused what the spec asks for; the message says why."""


@dataclass(frozen=True)
class QueueState:
    depth: int
    consumers: int


def queue_arguments(sink: Sink, replicated: bool) -> dict[str, Any]:
    """The sink's queue arguments, exactly as the ingestion service declares them: messages the
    broker dead-letters go where the sink's own give-ups go."""
    args: dict[str, Any] = {
        "x-dead-letter-exchange": DEAD_LETTER.name,
        "x-dead-letter-routing-key": sink.queue,
    }
    if replicated:
        args["x-queue-type"] = "quorum"
    return args


@dataclass
class Connections:
    """Connections to the stores the resources name, opened on first use."""

    clickhouse: ClickHouse = field(default_factory=ClickHouse)
    _amqp: dict[str, AbstractRobustConnection] = field(default_factory=dict)
    _postgres: dict[str, asyncpg.Pool] = field(default_factory=dict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def amqp(self, url: str) -> AbstractRobustConnection:
        async with self._lock:
            conn = self._amqp.get(url)
            if conn is None or conn.is_closed:
                conn = await aio_pika.connect_robust(
                    url, client_properties={"connection_name": "reach-operator"}
                )
                self._amqp[url] = conn
            return conn

    async def postgres(self, dsn: str) -> asyncpg.Pool:
        async with self._lock:
            pool = self._postgres.get(dsn)
            if pool is None:
                pool = await asyncpg.create_pool(
                    dsn,
                    min_size=0,
                    max_size=2,
                    server_settings={"application_name": "reach-operator"},
                )
                self._postgres[dsn] = pool
            return pool

    async def close(self) -> None:
        for conn in self._amqp.values():
            await conn.close()
        for pool in self._postgres.values():
            await pool.close()


async def declare_route(conns: Connections, url: str, sink: Sink, replicated: bool) -> None:
    """The sink's exchange, dead-letter exchange and queue, its queue and bindings. Idempotent,
    and identical to what the sink itself declares on start."""
    connection = await conns.amqp(url)
    channel = await connection.channel()
    try:
        for exchange in (sink.exchange, DEAD_LETTER):
            await channel.declare_exchange(
                exchange.name, aio_pika.ExchangeType(exchange.type.value), durable=True
            )
        dead = await channel.declare_queue(
            sink.dead_letter_queue,
            durable=True,
            arguments={"x-queue-type": "quorum"} if replicated else None,
        )
        await dead.bind(DEAD_LETTER.name, routing_key=sink.queue)
        queue = await channel.declare_queue(
            sink.queue, durable=True, arguments=queue_arguments(sink, replicated)
        )
        for key in sink.routing_keys:
            await queue.bind(sink.exchange.name, routing_key=key)
    except aiormq.exceptions.ChannelPreconditionFailed as exc:
        raise TopologyError(
            f"queue {sink.queue!r} exists with other arguments ({exc}); "
            "a queue keeps the type it was made with"
        ) from exc
    finally:
        if not channel.is_closed:
            await channel.close()


async def delete_route(conns: Connections, url: str, sink: Sink) -> None:
    connection = await conns.amqp(url)
    channel = await connection.channel()
    try:
        await channel.queue_delete(sink.queue)
        await channel.queue_delete(sink.dead_letter_queue)
    finally:
        if not channel.is_closed:
            await channel.close()


async def queue_state(conns: Connections, url: str, queue: str) -> QueueState | None:
    """Depth and consumers of a queue; None when it doesn't exist."""
    connection = await conns.amqp(url)
    channel = await connection.channel()
    try:
        declared = await channel.declare_queue(queue, passive=True)
    except aiormq.exceptions.ChannelNotFoundEntity:
        return None
    finally:
        if not channel.is_closed:
            await channel.close()
    result = declared.declaration_result
    return QueueState(depth=result.message_count or 0, consumers=result.consumer_count or 0)


async def create_table(
    conns: Connections, url: str, spec: EventSinkSpec, cluster: str | None
) -> None:
    try:
        await conns.clickhouse.run(url, table_statements(spec, cluster))
    except ClickHouseError as exc:
        raise TopologyError(f"ClickHouse refused table {spec.sink!r}: {exc}") from exc


async def drop_table(
    conns: Connections, url: str, spec: EventSinkSpec, cluster: str | None
) -> None:
    await conns.clickhouse.run(url, [drop_table_statement(spec, cluster)])


async def pending_tasks(conns: Connections, dsn: str, flow: str) -> int:
    pool = await conns.postgres(dsn)
    value = await pool.fetchval(PENDING_TASKS, flow)
    return int(value or 0)
