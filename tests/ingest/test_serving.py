"""`reach ingest serve` end to end: gRPC Dispatch -> RabbitMQ -> sinks -> `_e` tables."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

import grpc
import pytest
from clickhouse_connect.driver.client import Client
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from reach.common.events import events_pb2 as pb
from reach.ingest.dispatching import NOT_DISPATCHABLE, stamp
from reach.ingest.routing import ROUTES, SINKS
from reach.ingest.settings import IngestSettings
from reach.ingest.sinking import FlushPolicy
from reach.ingest.tables import TABLES

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


async def test_scraper_logs_published_to_beat_land_in_their_tables(
    sinks: Any, amqp: Any, clickhouse_client: Client, samples: SimpleNamespace
) -> None:
    """The scraper publishes `Events` bodies to beat.dx with routing key = payload name."""
    import aio_pika

    beat = [r for r in ROUTES if r.exchange.name == "beat.dx"]
    await sinks([r.table for r in beat], DIRECT)
    channel = await amqp.channel(publisher_confirms=True)
    exchange = await channel.get_exchange("beat.dx")
    events = {}
    for route in beat:
        event = samples.event(route.payload, uuid.uuid4().hex, int(time.time() * 1000))
        events[route.payload] = event
        body = pb.Events(events=[event]).SerializeToString()
        await exchange.publish(aio_pika.Message(body), routing_key=route.routing_key)
    for route in beat:
        row = await _landed(clickhouse_client, route.table, events[route.payload].event_id)
        assert samples.mismatches(TABLES[route.table], row, events[route.payload]) == {}
    assert {r.table for r in beat} <= set(SINKS)
