"""External objects the operator manages outside Kubernetes, and the depth of work queues.

EventSink: the RabbitMQ route (exchange, durable queue with dead-letter exchange and queue,
bounded redeliveries, bindings) and the ClickHouse table. ScrapeFlow: the pending tasks of its
flow in the PostgreSQL task queue. Connections are cached per URL for the operator's lifetime.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import aio_pika
import aiormq
import asyncpg
from aio_pika.abc import AbstractRobustConnection

from reach.operator.api.eventsink import EventSinkSpec
from reach.operator.builders.eventsink import drop_table_ddl, table_ddl
from reach.operator.clickhousing import ClickHouse, ClickHouseError


class TopologyError(RuntimeError):
    """The broker or database refused what the spec asks for; the message says why."""


@dataclass(frozen=True)
class QueueState:
    depth: int
    consumers: int


def dead_letter_names(queue: str) -> tuple[str, str]:
    """The dead-letter exchange and queue of `queue`."""
    return f"{queue}.dlx", f"{queue}.dead"


def queue_arguments(spec: EventSinkSpec, replicated: bool) -> dict[str, Any]:
    dlx, _ = dead_letter_names(spec.queue.name)
    args: dict[str, Any] = {
        "x-dead-letter-exchange": dlx,
        "x-dead-letter-routing-key": spec.queue.name,
    }
    if replicated:
        # Quorum queues count redeliveries themselves and dead-letter past the limit.
        args["x-queue-type"] = "quorum"
        args["x-delivery-limit"] = spec.queue.max_retries
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


async def declare_route(
    conns: Connections, url: str, spec: EventSinkSpec, replicated: bool, unbind: list[str]
) -> None:
    """Declares exchange, dead-letter exchange and queue, the queue and its bindings (adding the
    spec's routing keys, removing `unbind`). Idempotent."""
    connection = await conns.amqp(url)
    channel = await connection.channel()
    try:
        exchange = await channel.declare_exchange(
            spec.exchange.name, aio_pika.ExchangeType(spec.exchange.type), durable=True
        )
        dlx_name, dead_name = dead_letter_names(spec.queue.name)
        dlx = await channel.declare_exchange(dlx_name, aio_pika.ExchangeType.DIRECT, durable=True)
        dead = await channel.declare_queue(
            dead_name,
            durable=True,
            arguments={"x-queue-type": "quorum"} if replicated else None,
        )
        await dead.bind(dlx, routing_key=spec.queue.name)
        queue = await channel.declare_queue(
            spec.queue.name, durable=True, arguments=queue_arguments(spec, replicated)
        )
        for key in spec.routing_keys:
            await queue.bind(exchange, routing_key=key)
        for key in unbind:
            if key not in spec.routing_keys:
                await queue.unbind(exchange, routing_key=key)
    except aiormq.exceptions.ChannelPreconditionFailed as exc:
        raise TopologyError(
            f"queue {spec.queue.name!r} exists with other arguments ({exc}); "
            "delete it or keep maxRetries and replication as they were"
        ) from exc
    finally:
        if not channel.is_closed:
            await channel.close()


async def delete_route(conns: Connections, url: str, spec: EventSinkSpec) -> None:
    connection = await conns.amqp(url)
    channel = await connection.channel()
    try:
        dlx_name, dead_name = dead_letter_names(spec.queue.name)
        await channel.queue_delete(spec.queue.name)
        await channel.queue_delete(dead_name)
        await channel.exchange_delete(dlx_name)
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
    on_cluster = f" ON CLUSTER `{cluster}`" if cluster else ""
    statements = [
        f"CREATE DATABASE IF NOT EXISTS `{spec.table.database}`{on_cluster}",
        table_ddl(spec.table, cluster),
    ]
    try:
        await conns.clickhouse.run(url, statements)
    except ClickHouseError as exc:
        raise TopologyError(f"ClickHouse refused table {spec.table.name!r}: {exc}") from exc


async def drop_table(
    conns: Connections, url: str, spec: EventSinkSpec, cluster: str | None
) -> None:
    await conns.clickhouse.run(url, [drop_table_ddl(spec.table, cluster)])


async def pending_tasks(conns: Connections, dsn: str, flow: str) -> int:
    pool = await conns.postgres(dsn)
    value = await pool.fetchval(
        "SELECT count(*) FROM scrape_request_log"
        " WHERE flow = $1 AND status = 'PENDING' AND run_after <= now()",
        flow,
    )
    return int(value or 0)
