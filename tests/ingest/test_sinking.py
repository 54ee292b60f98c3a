from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aio_pika
import pytest
from aio_pika.abc import AbstractChannel, AbstractRobustConnection
from clickhouse_connect.driver.client import Client

from reach.common import clickhouse
from reach.common.events import events_pb2 as pb
from reach.ingest import metrics
from reach.ingest.inserting import Inserter
from reach.ingest.redelivery import ERROR_HEADER, QUEUE_HEADER, RETRIES_HEADER
from reach.ingest.routing import SINKS
from reach.ingest.sinking import Buffer, ClickHouseSink, Delivery, FlushPolicy
from reach.ingest.tables import TABLES

SINK = SINKS["profile_log"]


def _delivery(rows: int) -> Delivery:
    return Delivery(message=None, rows=rows)  # type: ignore[arg-type]


@pytest.mark.unit
def test_buffer_is_due_at_batch_rows() -> None:
    buffer = Buffer(FlushPolicy(batch_rows=100, flush_seconds=5))
    assert buffer.due_in(0) is None
    buffer.add(_delivery(60), now=10)
    assert buffer.due_in(11) == 4
    buffer.add(_delivery(40), now=12)
    assert buffer.due_in(12) == 0
    assert [d.rows for d in buffer.take()] == [60, 40]
    assert (buffer.rows, buffer.due_in(12)) == (0, None)


@pytest.mark.unit
def test_buffer_is_due_when_the_oldest_row_is_old_enough() -> None:
    buffer = Buffer(FlushPolicy(batch_rows=100, flush_seconds=5))
    buffer.add(_delivery(1), now=10)
    buffer.add(_delivery(1), now=14)
    assert buffer.due_in(14.5) == 0.5
    assert buffer.due_in(15) == 0
    assert buffer.due_in(20) == 0


@pytest.mark.unit
def test_buffer_is_due_when_it_holds_the_prefetch() -> None:
    buffer = Buffer(FlushPolicy(batch_rows=1000, flush_seconds=5, max_messages=2))
    buffer.add(_delivery(1), now=0)
    assert buffer.due_in(0) == 5
    buffer.add(_delivery(1), now=0)
    assert buffer.due_in(0) == 0


@pytest.mark.unit
def test_direct_buffer_hands_out_one_message_at_a_time() -> None:
    buffer = Buffer(FlushPolicy(batch_rows=1000, flush_seconds=5, direct=True))
    for rows in (3, 4):
        buffer.add(_delivery(rows), now=0)
    assert buffer.due_in(0) == 0
    assert [d.rows for d in buffer.take()] == [3]
    assert [d.rows for d in buffer.take()] == [4]
    assert buffer.rows == 0


@dataclass
class Harness:
    database: str
    client: Client
    channel: AbstractChannel
    start: Callable[[FlushPolicy], Awaitable[ClickHouseSink]]

    async def publish(self, body: bytes) -> None:
        exchange = await self.channel.get_exchange(SINK.exchange.name)
        message = aio_pika.Message(body, message_id=uuid.uuid4().hex)
        await exchange.publish(message, routing_key=SINK.routing_keys[0])

    async def publish_events(self, messages: int, rows: int) -> list[str]:
        """Publishes `messages` messages of `rows` new profile_log events each; their ids."""
        ids: list[str] = []
        for _ in range(messages):
            events = [
                pb.Event(event_id=uuid.uuid4().hex, timestamp_ms=1_800_000_000_000)
                for _ in range(rows)
            ]
            for event in events:
                event.profile_log.platform = "instagram"
                event.profile_log.metrics["followers"] = 10.0
            await self.publish(pb.Events(events=events).SerializeToString())
            ids += [e.event_id for e in events]
        return ids

    def count(self, ids: list[str]) -> int:
        return int(
            self.client.query(
                f"SELECT count() FROM {self.database}.profile_log FINAL "
                "WHERE event_id IN {ids:Array(String)}",
                parameters={"ids": ids},
            ).result_rows[0][0]
        )

    async def landed(self, ids: list[str]) -> None:
        for _ in range(600):
            if await asyncio.to_thread(self.count, ids) == len(ids):
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"only {self.count(ids)} of {len(ids)} rows landed")


@pytest.fixture
async def harness(
    amqp: AbstractRobustConnection,
    clickhouse_dsn: str,
    clickhouse_database: str,
    tmp_path: Path,
) -> AsyncIterator[Harness]:
    """A profile_log sink on the test vhost writing a table in a fresh ClickHouse database."""
    client = clickhouse.get_client(dsn=clickhouse_dsn)
    client.command(TABLES["profile_log"].create_sql(clickhouse_database))
    channel = await amqp.channel(publisher_confirms=True)
    started: list[ClickHouseSink] = []

    async def start(policy: FlushPolicy) -> ClickHouseSink:
        inserter = Inserter(
            client,
            TABLES["profile_log"],
            embedded=True,
            spool_dir=tmp_path,
            database=clickhouse_database,
        )
        sink = ClickHouseSink(SINK, inserter, policy, retries=2, max_backoff=0.2)
        await sink.start(await amqp.channel(publisher_confirms=True), await amqp.channel())
        started.append(sink)
        return sink

    yield Harness(clickhouse_database, client, channel, start)
    for sink in started:
        await sink.stop()
    client.close()


def _flushes() -> float:
    return metrics.FLUSHES.labels(SINK.name)._value.get()


@pytest.mark.service
async def test_flush_by_size(harness: Harness) -> None:
    await harness.start(FlushPolicy(batch_rows=300, flush_seconds=3600))
    ids = await harness.publish_events(3, 100)
    # With an hour to wait, only reaching 300 rows can have flushed them.
    await harness.landed(ids)


@pytest.mark.service
async def test_flush_by_time(harness: Harness) -> None:
    await harness.start(FlushPolicy(batch_rows=10**9, flush_seconds=0.2))
    ids = await harness.publish_events(1, 10)
    # A billion rows is never reached: only the timer can have flushed these.
    await harness.landed(ids)


@pytest.mark.service
async def test_direct_mode_inserts_each_message_on_its_own(harness: Harness) -> None:
    await harness.start(FlushPolicy(batch_rows=10**9, flush_seconds=3600, direct=True))
    before = _flushes()
    ids = await harness.publish_events(3, 5)
    await harness.landed(ids)
    assert _flushes() - before == 3


@pytest.mark.service
async def test_poison_message_is_dead_lettered_with_the_error_and_others_land(
    harness: Harness, amqp: AbstractRobustConnection
) -> None:
    await harness.start(FlushPolicy(batch_rows=10**9, flush_seconds=0.1))
    await harness.publish(b"\x0a\xff\xff\xff\xff\x0f not protobuf")
    ids = await harness.publish_events(1, 20)
    await harness.landed(ids)

    channel = await amqp.channel()
    dead = await channel.get_queue(SINK.dead_letter_queue)
    message = None
    for _ in range(600):
        message = await dead.get(fail=False)
        if message is not None:
            break
        await asyncio.sleep(0.05)
    assert message is not None, "nothing reached the dead-letter queue"
    await message.ack()
    headers: dict[str, Any] = dict(message.headers)
    assert headers[RETRIES_HEADER] == 2
    assert headers[QUEUE_HEADER] == SINK.queue
    assert "not an Events message" in str(headers[ERROR_HEADER])
    assert message.body.endswith(b"not protobuf")


@pytest.mark.service
async def test_clickhouse_unavailable_for_a_while_loses_nothing(harness: Harness) -> None:
    table = f"{harness.database}.profile_log"
    harness.client.command(f"DETACH TABLE {table}")
    await harness.start(FlushPolicy(batch_rows=100, flush_seconds=0.1))
    failures = metrics.INSERT_FAILURES.labels(SINK.name, "transient")
    before = failures._value.get()
    ids = await harness.publish_events(5, 50)
    for _ in range(600):
        if failures._value.get() > before + 1:
            break
        await asyncio.sleep(0.05)
    assert failures._value.get() > before + 1, "the sink never tried the missing table"

    harness.client.command(f"ATTACH TABLE {table}")

    await harness.landed(ids)
    assert await asyncio.to_thread(harness.count, ids) == len(ids)
