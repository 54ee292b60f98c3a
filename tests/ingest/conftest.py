"""Fixtures for the ingestion tests: a RabbitMQ vhost of their own, settings on free ports, the
service and sinks running in the test's event loop, and helpers to read what landed.

The vhost keeps these tests' queues apart from anything else using the local broker (standalone
runs, benchmarks, other packages' tests); it is made once per session with rabbitmqctl.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aio_pika
import grpc
import pytest
from aio_pika.abc import AbstractRobustConnection
from clickhouse_connect.driver.client import Client
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from reach.common.events import events_pb2 as pb
from reach.common.lifecycle import Shutdown
from reach.common.settings import StoreSettings
from reach.ingest.routing import SINKS
from reach.ingest.running import run_sinks
from reach.ingest.serving import serve
from reach.ingest.settings import IngestSettings
from reach.ingest.sinking import FlushPolicy
from reach.ingest.tables import Column, Table
from reach.ingest.topology import declare_all
from reach.testing.polling import eventually
from reach.testing.ports import free_port
from reach.testing.rabbitmq import vhost


@pytest.fixture
def unused_port() -> Callable[[], int]:
    return free_port


@pytest.fixture(scope="session")
def amqp_vhost_url(base_settings: StoreSettings) -> Iterator[str]:
    with vhost(str(base_settings.amqp_url)) as url:
        yield url


@pytest.fixture
def ingest_settings(amqp_vhost_url: str, clickhouse_dsn: str, tmp_path: Path) -> IngestSettings:
    return IngestSettings(
        amqp_url=amqp_vhost_url,
        clickhouse_url=clickhouse_dsn,
        data_dir=tmp_path,
        ingest_host="127.0.0.1",
        ingest_grpc_port=free_port(),
        ingest_http_port=free_port(),
        sink_probe_port=0,
        ingest_shopify_secret="shop-secret",
        ingest_publish_linger_ms=2,
    )


@pytest.fixture
async def amqp(ingest_settings: IngestSettings) -> AsyncIterator[AbstractRobustConnection]:
    """A connection to the test vhost, with the whole topology declared and every queue empty."""
    connection = await aio_pika.connect_robust(str(ingest_settings.amqp_url))
    channel = await connection.channel()
    await declare_all(channel)
    for sink in SINKS.values():
        for name in (sink.queue, sink.dead_letter_queue):
            await (await channel.get_queue(name)).purge()
    await channel.close()
    yield connection
    await connection.close()


async def _until_started(task: asyncio.Task[None], port: int) -> None:
    async def listening() -> bool:
        if task.done():
            task.result()
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            await writer.wait_closed()
            return True
        return False

    await eventually(listening, f"port {port}")


@pytest.fixture
async def server(
    ingest_settings: IngestSettings, amqp: AbstractRobustConnection
) -> AsyncIterator[None]:
    """`reach ingest serve` in this event loop, until the test ends."""
    shutdown = Shutdown()
    task = asyncio.create_task(serve(ingest_settings, shutdown))
    await _until_started(task, ingest_settings.ingest_http_port)
    await _until_started(task, ingest_settings.ingest_grpc_port)
    yield
    shutdown.request("test over")
    await task


RunSinks = Callable[..., Awaitable[None]]


@pytest.fixture
async def sinks(
    ingest_settings: IngestSettings, amqp: AbstractRobustConnection
) -> AsyncIterator[RunSinks]:
    """Starts sinks (on the session's embedded ClickHouse, tables in `_e`) in this event loop;
    they are stopped, flushing, when the test ends."""
    running: list[tuple[Shutdown, asyncio.Task[None]]] = []

    async def start(
        names: Sequence[str], policy: FlushPolicy, settings: IngestSettings | None = None
    ) -> None:
        shutdown = Shutdown()
        task = asyncio.create_task(run_sinks(settings or ingest_settings, names, policy, shutdown))
        running.append((shutdown, task))
        # Started once every queue has its consumer.
        channel = await amqp.channel()

        async def consuming() -> bool:
            if task.done():
                task.result()
            # The protocol's own passive declare: a robust channel answers it from cache.
            underlay = await channel.get_underlay_channel()
            for name in names:
                declared = await underlay.queue_declare(SINKS[name].queue, passive=True)
                if not declared.consumer_count:
                    return False
            return True

        await eventually(consuming, f"consumers on {names}")
        await channel.close()

    yield start
    for shutdown, task in running:
        shutdown.request("test over")
        await task


@pytest.fixture
async def dispatch(
    ingest_settings: IngestSettings, server: None
) -> AsyncIterator[Callable[[bytes], Awaitable[pb.DispatchResponse]]]:
    """Calls EventService.Dispatch with raw request bytes."""
    async with grpc.aio.insecure_channel(f"127.0.0.1:{ingest_settings.ingest_grpc_port}") as ch:
        call = ch.unary_unary(
            "/reach.events.v1.EventService/Dispatch",
            request_serializer=None,
            response_deserializer=pb.DispatchResponse.FromString,
        )

        async def send(body: bytes) -> pb.DispatchResponse:
            response: pb.DispatchResponse = await call(body, timeout=30)
            return response

        yield send


async def rows_with_ids(client: Client, table: str, ids: Sequence[str]) -> int:
    """Rows of `_e.table` (deduplicated) whose event_id is one of `ids`."""

    def count() -> int:
        result = client.query(
            f"SELECT count() FROM _e.{table} FINAL WHERE event_id IN {{ids:Array(String)}}",
            parameters={"ids": list(ids)},
        )
        return int(result.result_rows[0][0])

    return await asyncio.to_thread(count)


# Sample events with every field set, and the row each table should hold for them: "every
# field intact" is checked the same way for every table. Tests get them from `samples`.

_SCALARS: dict[int, Any] = {
    FieldDescriptor.TYPE_STRING: "text",
    FieldDescriptor.TYPE_BOOL: True,
    FieldDescriptor.TYPE_UINT32: 4_000_000_000,
    FieldDescriptor.TYPE_INT64: -9_000_000_000_123,
    FieldDescriptor.TYPE_DOUBLE: 1234.5678,
    FieldDescriptor.TYPE_BYTES: b"\x00\x01bytes",
}


def fill(message: Message, tag: str) -> None:
    """Sets every field of `message` to a non-default value (strings carry `tag`)."""
    for field in message.DESCRIPTOR.fields:
        value = _SCALARS.get(field.type)
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            entry = field.message_type.fields_by_name["value"]
            mapped = "värde ✓" if entry.type == FieldDescriptor.TYPE_STRING else 2.25
            getattr(message, field.name).update({f"{field.name}-k": mapped, "second": mapped})
        elif field.label == FieldDescriptor.LABEL_REPEATED:
            getattr(message, field.name).extend([f"{field.name}:{tag} ünïcode", "second ✓"])
        elif field.type == FieldDescriptor.TYPE_STRING:
            setattr(message, field.name, f"{field.name}:{tag} ünïcode")
        elif value is not None:
            setattr(message, field.name, value)


def sample_event(payload: str, event_id: str, timestamp_ms: int) -> pb.Event:
    """An event with every envelope field and every field of `payload` set."""
    event = pb.Event()
    fill(event, payload)
    event.event_id = event_id
    event.timestamp_ms = timestamp_ms
    event.payload_type = ""
    fill(getattr(event, payload), payload)
    return event


def _field(event: Message, path: str) -> Any:
    value: Any = event
    for part in path.split("."):
        value = getattr(value, part)
    return value


def expected(column: Column, event: pb.Event) -> Any:
    """What `column` should hold for `event`, as clickhouse-connect returns it."""
    assert column.source is not None
    value = _field(event, column.source)
    if column.name == "event_timestamp":
        return datetime.fromtimestamp(value / 1000, UTC)
    if isinstance(value, Message):
        return {f.name: getattr(value, f.name) for f in value.DESCRIPTOR.fields}
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if hasattr(value, "items"):
        return dict(value.items())
    if hasattr(value, "extend"):
        return list(value)
    return value


def normalize(value: Any) -> Any:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return value._asdict()
    return value


def mismatches(table: Table, row: dict[str, Any], event: pb.Event) -> dict[str, tuple[Any, Any]]:
    """Columns of `row` that differ from what `event` should have put there."""
    out = {}
    for column in table.read_columns:
        want, got = expected(column, event), normalize(row[column.name])
        if isinstance(want, float) and isinstance(got, float):
            if abs(want - got) > 1e-9:
                out[column.name] = (want, got)
        elif want != got:
            out[column.name] = (want, got)
    return out


@pytest.fixture
def samples() -> SimpleNamespace:
    return SimpleNamespace(event=sample_event, mismatches=mismatches)
