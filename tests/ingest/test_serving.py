"""`reach ingest serve` end to end: gRPC Dispatch -> RabbitMQ -> sinks -> `_e` tables."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aio_pika
import grpc
import pytest
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage
from clickhouse_connect.driver.client import Client
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import DecodeError
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reach.common.events import events_pb2 as pb
from reach.common.lifecycle import Shutdown
from reach.ingest.decoding import decode_events
from reach.ingest.dispatching import NOT_DISPATCHABLE, stamp
from reach.ingest.redelivery import ERROR_HEADER
from reach.ingest.routing import ROUTES, SINKS
from reach.ingest.serving import serve
from reach.ingest.settings import IngestSettings
from reach.ingest.sinking import FlushPolicy
from reach.ingest.tables import TABLES
from reach.testing.polling import eventually
from reach.testing.ports import free_port
from reach.testing.rabbitmq import PrivateRabbitMQ, drain_event_ids, private_rabbitmq

pytestmark = pytest.mark.service

Dispatch = Callable[[bytes], Awaitable[pb.DispatchResponse]]
DIRECT = FlushPolicy(batch_rows=1, flush_seconds=1, direct=True)


def _row(client: Client, table: str, event_id: str) -> dict[str, Any] | None:
    result = client.query(
        f"SELECT * FROM _e.{table} FINAL WHERE event_id = {{id:String}}",
        parameters={"id": event_id},
    )
    if not result.result_rows:
        return None
    return dict(zip(result.column_names, result.result_rows[0], strict=True))


async def _landed(client: Client, table: str, event_id: str) -> dict[str, Any]:
    for _ in range(600):
        row = await asyncio.to_thread(_row, client, table, event_id)
        if row is not None:
            return row
        await asyncio.sleep(0.05)
    raise AssertionError(f"{event_id} never landed in _e.{table}")


async def test_every_typed_event_round_trips_with_every_field_intact(
    dispatch: Dispatch, sinks: Any, clickhouse_client: Client, samples: SimpleNamespace
) -> None:
    routes = [r for r in ROUTES if r.payload not in NOT_DISPATCHABLE]
    await sinks(sorted({r.table for r in routes}), DIRECT)
    timestamp_ms = int(time.time() * 1000) - 60_000
    batch = pb.Events()
    for route in routes:
        batch.events.append(samples.event(route.payload, uuid.uuid4().hex, timestamp_ms))

    response = await dispatch(batch.SerializeToString())

    assert response.accepted == len(routes)
    assert list(response.rejected) == []
    for route, event in zip(routes, batch.events, strict=True):
        stamp(event, route.payload, timestamp_ms)  # what the server does before publishing
        row = await _landed(clickhouse_client, route.table, event.event_id)
        assert samples.mismatches(TABLES[route.table], row, event) == {}, route.payload


async def test_invalid_events_are_rejected_by_index_and_kept_with_the_reason(
    dispatch: Dispatch, sinks: Any, clickhouse_client: Client
) -> None:
    await sinks(["error_event", "event"], DIRECT)
    good = pb.Event(event_id=uuid.uuid4().hex, timestamp_ms=int(time.time() * 1000))
    good.launch.referrer = "push"
    no_payload = pb.Event(event_id=uuid.uuid4().hex, name="mystery")
    webhook_only = pb.Event(event_id=uuid.uuid4().hex)
    webhook_only.shopify.topic = "orders/create"
    batch = pb.Events(events=[no_payload, good, webhook_only])

    response = await dispatch(batch.SerializeToString())

    assert response.accepted == 1
    assert [(r.index, r.event_id) for r in response.rejected] == [
        (0, no_payload.event_id),
        (2, webhook_only.event_id),
    ]
    assert "no payload" in response.rejected[0].reason
    assert "shopify" in response.rejected[1].reason
    await _landed(clickhouse_client, "event", good.event_id)
    error = await _landed(clickhouse_client, "error_event", webhook_only.event_id)
    assert error["payload_type"] == "shopify"
    assert "not accepted over gRPC" in error["reason"]
    original = clickhouse_client.query(
        "SELECT hex(original) FROM _e.error_event FINAL WHERE event_id = {id:String}",
        parameters={"id": webhook_only.event_id},
    ).result_rows[0][0]
    assert pb.Event.FromString(bytes.fromhex(original)) == webhook_only


async def test_future_timestamps_become_now(
    dispatch: Dispatch, sinks: Any, clickhouse_client: Client
) -> None:
    await sinks(["event"], DIRECT)
    event = pb.Event(event_id=uuid.uuid4().hex, timestamp_ms=int(time.time() * 1000) + 86_400_000)
    event.page_opened.page = "home"
    before = time.time()

    await dispatch(pb.Events(events=[event]).SerializeToString())

    row = await _landed(clickhouse_client, "event", event.event_id)
    assert before - 1 <= row["event_timestamp"].timestamp() <= time.time()


async def test_malformed_request_gets_invalid_argument_and_is_kept(
    dispatch: Dispatch, sinks: Any, clickhouse_client: Client
) -> None:
    await sinks(["error_event", "event"], DIRECT)
    garbage = b"\x0a\xff\xff\xff\x0f"

    with pytest.raises(grpc.aio.AioRpcError) as failure:
        await dispatch(garbage)

    assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "malformed Events message" in (failure.value.details() or "")

    def kept() -> bool:
        return bool(
            clickhouse_client.query(
                "SELECT reason FROM _e.error_event FINAL WHERE original = unhex({raw:String})",
                parameters={"raw": garbage.hex()},
            ).result_rows
        )

    # The call after a malformed one is served normally: nothing else is lost.
    good = pb.Event(event_id=uuid.uuid4().hex)
    good.launch.referrer = "after"
    assert (await dispatch(pb.Events(events=[good]).SerializeToString())).accepted == 1
    await _landed(clickhouse_client, "event", good.event_id)
    for _ in range(600):
        if await asyncio.to_thread(kept):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the malformed request never reached _e.error_event")


async def test_oversized_batch_is_refused_whole(
    dispatch: Dispatch, ingest_settings: IngestSettings
) -> None:
    event = pb.Event(event_id="x")
    event.launch.referrer = "r"
    batch = pb.Events(events=[event] * (ingest_settings.ingest_max_batch_events + 1))

    with pytest.raises(grpc.aio.AioRpcError) as failure:
        await dispatch(batch.SerializeToString())

    assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "exceeds the limit" in (failure.value.details() or "")


async def test_health_and_reflection(ingest_settings: IngestSettings, server: None) -> None:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{ingest_settings.ingest_grpc_port}") as ch:
        health = health_pb2_grpc.HealthStub(ch)
        answer = await health.Check(
            health_pb2.HealthCheckRequest(service="reach.events.v1.EventService")
        )
        assert answer.status == health_pb2.HealthCheckResponse.SERVING
        stub = reflection_pb2_grpc.ServerReflectionStub(ch)
        request = reflection_pb2.ServerReflectionRequest(list_services="")
        async for reply in stub.ServerReflectionInfo(iter([request])):
            names = {s.name for s in reply.list_services_response.service}
            break
    assert "reach.events.v1.EventService" in names


async def _dead_letter(channel: AbstractChannel, sink: str) -> AbstractIncomingMessage:
    queue = await channel.get_queue(SINKS[sink].dead_letter_queue)
    message = await eventually(lambda: queue.get(fail=False), f"a dead letter of {sink}")
    await message.ack()
    return message


# What other services publish straight to their exchanges (the scraper to beat.dx, the identity
# service to identity.dx, ...), bypassing the gRPC server.
SERVICE_EXCHANGES = ["beat.dx", "identity.dx", "affiliate.dx", "bigboss"]


@pytest.mark.parametrize("exchange", SERVICE_EXCHANGES)
async def test_events_other_services_publish_land_in_their_tables(
    exchange: str, sinks: Any, amqp: Any, clickhouse_client: Client, samples: SimpleNamespace
) -> None:
    """Bodies are `Events` messages, routing key = payload name. A body that is not one is
    dead-lettered with the reason, and the events next to it land."""
    routes = [r for r in ROUTES if r.exchange.name == exchange]
    assert routes
    await sinks([r.table for r in routes], DIRECT)
    channel = await amqp.channel(publisher_confirms=True)
    target = await channel.get_exchange(exchange)
    events = {}
    for route in routes:
        event = samples.event(route.payload, uuid.uuid4().hex, int(time.time() * 1000))
        events[route.payload] = event
        malformed = aio_pika.Message(b"\x0a\xff\xff\xff\xff\x0f not protobuf")
        await target.publish(malformed, routing_key=route.routing_key)
        body = pb.Events(events=[event]).SerializeToString()
        await target.publish(aio_pika.Message(body), routing_key=route.routing_key)
    for route in routes:
        row = await _landed(clickhouse_client, route.table, events[route.payload].event_id)
        assert samples.mismatches(TABLES[route.table], row, events[route.payload]) == {}
        message = await _dead_letter(channel, route.table)
        assert message.body.endswith(b"not protobuf")
        assert "not an Events message" in str(message.headers[ERROR_HEADER])
    await channel.close()


async def test_an_event_with_invalid_utf8_is_refused_alone_and_the_others_land(
    dispatch: Dispatch, sinks: Any, clickhouse_client: Client
) -> None:
    await sinks(["error_event", "event"], DIRECT)
    events = [pb.Event(event_id=uuid.uuid4().hex) for _ in range(3)]
    for event in events:
        event.launch.referrer = "push"
    events[1].launch.referrer = "MARK"
    request = events_with_invalid_utf8(pb.Events(events=events), "MARK")

    response = await dispatch(request)

    assert response.accepted == 2
    assert [(r.index, r.event_id) for r in response.rejected] == [(1, events[1].event_id)]
    assert response.rejected[0].reason.startswith("launch.referrer is not valid UTF-8")
    await _landed(clickhouse_client, "event", events[0].event_id)
    await _landed(clickhouse_client, "event", events[2].event_id)

    def kept() -> list[Any]:
        return clickhouse_client.query(
            "SELECT reason, hex(original) FROM _e.error_event FINAL"
            " WHERE position(original, unhex('FFFFFFFF')) > 0 AND reason LIKE 'launch.referrer%'"
        ).result_rows

    for _ in range(600):
        rows = await asyncio.to_thread(kept)
        if rows:
            break
        await asyncio.sleep(0.05)
    [(reason, original)] = rows
    assert reason.startswith("launch.referrer is not valid UTF-8")
    assert events[1].event_id.encode().hex().upper() in original


def events_with_invalid_utf8(batch: pb.Events, marker: str) -> bytes:
    """`batch` serialized with `marker`'s bytes overwritten by as many 0xFF bytes (invalid UTF-8
    of the same length, so every length prefix still holds)."""
    data = batch.SerializeToString()
    raw = marker.encode()
    return data.replace(raw, b"\xff" * len(raw))


# Properties: whatever bytes a client sends, Dispatch answers OK (every element accepted or
# refused by index) or INVALID_ARGUMENT naming the problem; never INTERNAL or UNKNOWN.

FUZZ = settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
_STRINGS = st.text(max_size=12)  # what a client's protobuf library lets it set


def _repeated(field: FieldDescriptor) -> bool:
    return field.label == FieldDescriptor.LABEL_REPEATED


def _is_map(field: FieldDescriptor) -> bool:
    return field.message_type is not None and field.message_type.GetOptions().map_entry


def _values(field: FieldDescriptor, depth: int) -> st.SearchStrategy[Any] | None:
    one = _value(field, depth)
    if one is None or not _repeated(field) or _is_map(field):
        return one
    return st.lists(one, max_size=3)


def _value(field: FieldDescriptor, depth: int) -> st.SearchStrategy[Any] | None:
    """One value of `field`'s type (a dict for a map)."""
    if _is_map(field):
        key, value = (
            field.message_type.fields_by_name["key"],
            field.message_type.fields_by_name["value"],
        )
        keys, values = _value(key, depth), _value(value, depth)
        assert keys is not None and values is not None
        return st.dictionaries(keys, values, max_size=3)
    if field.message_type is not None:
        return _messages(field.message_type, depth + 1) if depth < 2 else None
    scalars: dict[int, st.SearchStrategy[Any]] = {
        FieldDescriptor.TYPE_STRING: _STRINGS,
        FieldDescriptor.TYPE_BYTES: st.binary(max_size=12),
        FieldDescriptor.TYPE_BOOL: st.booleans(),
        FieldDescriptor.TYPE_DOUBLE: st.floats(),
        FieldDescriptor.TYPE_FLOAT: st.floats(width=32),
        FieldDescriptor.TYPE_INT64: st.integers(-(2**63), 2**63 - 1),
        FieldDescriptor.TYPE_INT32: st.integers(-(2**31), 2**31 - 1),
        FieldDescriptor.TYPE_UINT32: st.integers(0, 2**32 - 1),
        FieldDescriptor.TYPE_UINT64: st.integers(0, 2**64 - 1),
    }
    return scalars.get(field.type)


def _messages(descriptor: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """Any well-typed message of `descriptor`'s type: a random subset of its fields set."""
    strategies = {f.name: s for f in descriptor.fields if (s := _values(f, depth)) is not None}
    payloads = [f.name for f in descriptor.fields if f.containing_oneof is not None]

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        message = descriptor._concrete_class()
        chosen = draw(st.lists(st.sampled_from(sorted(strategies)), max_size=6, unique=True))
        if payloads:  # a set oneof is what routes an event: usually one
            chosen = [n for n in chosen if n not in payloads] + [draw(st.sampled_from(payloads))]
        for name in chosen:
            value = draw(strategies[name])
            target = (
                getattr(message, name)
                if not isinstance(value, (str, bytes, bool, int, float))
                else None
            )
            if isinstance(value, dict):
                getattr(message, name).update(value)
            elif isinstance(value, list):
                getattr(message, name).extend(value)
            elif target is not None:
                target.CopyFrom(value)
            else:
                setattr(message, name, value)
        return message

    return build()


EVENTS = _messages(pb.Event.DESCRIPTOR)


def _check(response: pb.DispatchResponse, elements: int) -> None:
    assert response.accepted + len(response.rejected) == elements
    assert all(r.reason for r in response.rejected)
    indices = [r.index for r in response.rejected]
    assert indices == sorted(set(indices)) and all(0 <= i < elements for i in indices)


@FUZZ
@given(request=st.binary(max_size=300))
async def test_any_bytes_get_ok_or_invalid_argument(dispatch: Dispatch, request: bytes) -> None:
    try:
        response = await dispatch(request)
    except grpc.aio.AioRpcError as failure:
        assert failure.code() == grpc.StatusCode.INVALID_ARGUMENT, failure
        assert failure.details()
    else:
        _check(response, _elements(request))


def _elements(request: bytes) -> int:
    """How many events the server sees in `request`: as protobuf parses it, or cut apart."""
    try:
        return len(pb.Events.FromString(request).events)
    except DecodeError:
        return len(decode_events(request))


@FUZZ
@given(events=st.lists(EVENTS, max_size=6), data=st.data())
async def test_well_typed_batches_with_invalid_utf8_anywhere_are_refused_by_index(
    dispatch: Dispatch, events: list[pb.Event], data: st.DataObject
) -> None:
    # Some events get a string field set to a marker, whose bytes are then made invalid UTF-8.
    corrupted = set()
    for index, event in enumerate(events):
        paths = _string_fields(event)
        if paths and data.draw(st.booleans()):
            message, name = data.draw(st.sampled_from(paths))
            marker = f"\x01MARK{index:02d}\x01"
            if isinstance(getattr(message, name), str):
                setattr(message, name, marker)
            else:  # a map of strings: the marker as a key
                getattr(message, name)[marker] = "" if _map_of_strings(message, name) else 0.0
            corrupted.add(index)
    request = pb.Events(events=events).SerializeToString()
    for index in corrupted:
        request = request.replace(f"\x01MARK{index:02d}\x01".encode(), b"\xff" * 8)

    response = await dispatch(request)

    _check(response, len(events))
    refused = {r.index: r.reason for r in response.rejected}
    for index in corrupted:
        assert "not valid UTF-8" in refused[index], (index, refused)


def _map_of_strings(message: Any, name: str) -> bool:
    entry = message.DESCRIPTOR.fields_by_name[name].message_type
    return entry.fields_by_name["value"].type == FieldDescriptor.TYPE_STRING


def _string_fields(event: pb.Event) -> list[tuple[Any, str]]:
    """(message, field name) of every string or string-keyed map field of `event` and of its
    payload."""
    out = []
    payload = event.WhichOneof("payload")
    for message in [event] + ([getattr(event, payload)] if payload else []):
        for field in message.DESCRIPTOR.fields:
            single_string = field.type == FieldDescriptor.TYPE_STRING and not _repeated(field)
            if single_string or _is_map(field):
                out.append((message, field.name))
    return out


async def test_a_broker_killed_and_restarted_loses_no_confirmed_event(
    tmp_path: Path, clickhouse_dsn: str
) -> None:
    """gRPC clients keep dispatching while a private RabbitMQ node is killed and restarted:
    every event confirmed to a client is in the queue exactly once afterwards, and every event
    not in it was answered UNAVAILABLE (the client knows to retry), never silently dropped."""
    async with private_rabbitmq() as broker:
        await _through_an_outage(broker, tmp_path, clickhouse_dsn)


async def _through_an_outage(broker: PrivateRabbitMQ, tmp_path: Path, clickhouse_dsn: str) -> None:
    settings = IngestSettings(
        amqp_url=broker.url, clickhouse_url=clickhouse_dsn, data_dir=tmp_path,
        ingest_host="127.0.0.1", ingest_grpc_port=free_port(), ingest_http_port=free_port(),
        sink_probe_port=0, ingest_publish_linger_ms=2,
    )  # fmt: skip
    shutdown = Shutdown()
    serving = asyncio.create_task(serve(settings, shutdown))
    confirmed: list[str] = []
    unavailable: list[str] = []
    sent = 0
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{settings.ingest_grpc_port}") as ch:
            await ch.channel_ready()
            call = ch.unary_unary(
                "/reach.events.v1.EventService/Dispatch",
                request_serializer=pb.Events.SerializeToString,
                response_deserializer=pb.DispatchResponse.FromString,
            )

            async def client(stop: asyncio.Event) -> None:
                nonlocal sent
                while not stop.is_set():
                    batch = pb.Events()
                    for _ in range(20):
                        event = batch.events.add(event_id=uuid.uuid4().hex)
                        event.launch.referrer = "outage"
                    ids = [e.event_id for e in batch.events]
                    sent += len(ids)
                    try:
                        response = await call(batch, timeout=30)
                    except grpc.aio.AioRpcError as failure:
                        assert failure.code() == grpc.StatusCode.UNAVAILABLE, failure
                        unavailable.extend(ids)
                        await asyncio.sleep(0.05)
                        continue
                    assert response.accepted == len(ids) and not response.rejected
                    confirmed.extend(ids)

            stop = asyncio.Event()
            clients = [asyncio.create_task(client(stop)) for _ in range(4)]
            await eventually(lambda: _at_least(confirmed, 2_000), "2,000 confirmed events")
            await asyncio.to_thread(broker.kill)
            await asyncio.sleep(1)
            await asyncio.to_thread(broker.start)
            before = len(confirmed)
            await eventually(
                lambda: _at_least(confirmed, before + 2_000),
                "2,000 more confirmed after the restart",
                seconds=120,
            )
            stop.set()
            await asyncio.gather(*clients)
    finally:
        shutdown.request("test over")
        await serving
    landed = await drain_event_ids(broker.url, SINKS["event"].queue)
    counts = Counter(landed)

    assert unavailable, "the outage was never seen by a client"
    assert all(counts[i] == 1 for i in confirmed), "a confirmed event was lost or duplicated"
    assert set(counts) - set(confirmed) <= set(unavailable)
    assert len(confirmed) + len(unavailable) == sent


async def _at_least(items: list[str], count: int) -> bool:
    return len(items) >= count
