from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aio_pika
import httpx
import pytest
from aio_pika.abc import AbstractRobustConnection

from reach.common.events import events_pb2 as pb
from reach.common.lifecycle import Shutdown
from reach.common.webserver import serve_http
from reach.ingest.forwarding import webengage_body
from reach.ingest.routing import WEBENGAGE_API
from reach.ingest.settings import IngestSettings
from reach.ingest.sinking import FlushPolicy
from reach.sandbox.webengage import WebengageState, create_app

LICENSE = "lic-1"


def _event(user: str) -> pb.Event:
    event = pb.Event(event_id=uuid.uuid4().hex, timestamp_ms=1_700_000_000_000)
    event.webengage.user_id = user
    event.webengage.event_name = "Product Viewed"
    event.webengage.event_data["sku"] = "a-1"
    return event


@pytest.mark.unit
def test_webengage_body_is_the_rest_api_shape() -> None:
    assert webengage_body(_event("u1")) == {
        "userId": "u1",
        "eventName": "Product Viewed",
        "eventTime": "2023-11-14T22:13:20+0000",
        "eventData": {"sku": "a-1"},
    }


@pytest.fixture
async def webengage(
    ingest_settings: IngestSettings, unused_port: Any
) -> AsyncIterator[tuple[WebengageState, str]]:
    """The sandbox WebEngage API on a free port; it refuses its first two calls."""
    state = WebengageState(api_key="key-1", fail_first=2)
    port = unused_port()
    shutdown = Shutdown()
    task = asyncio.create_task(
        serve_http(create_app(state), host="127.0.0.1", port=port, shutdown=shutdown)
    )
    url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient() as http:
        for _ in range(200):
            try:
                await http.get(f"{url}/v1/accounts/x/events")
                break
            except httpx.TransportError:
                await asyncio.sleep(0.05)
    yield state, url
    shutdown.request("test over")
    await task


@pytest.mark.service
async def test_webengage_events_are_forwarded_with_retries(
    ingest_settings: IngestSettings,
    amqp: AbstractRobustConnection,
    sinks: Any,
    webengage: tuple[WebengageState, str],
) -> None:
    state, url = webengage
    settings = IngestSettings(
        **{
            **ingest_settings.model_dump(),
            "webengage_url": url,
            "webengage_license_code": LICENSE,
            "webengage_api_key": "key-1",
        }
    )
    await sinks([WEBENGAGE_API.name], FlushPolicy(batch_rows=1, flush_seconds=1), settings)
    channel = await amqp.channel(publisher_confirms=True)
    exchange = await channel.get_exchange(WEBENGAGE_API.exchange.name)
    body = pb.Events(events=[_event("u1"), _event("u2")]).SerializeToString()
    await exchange.publish(aio_pika.Message(body), routing_key=WEBENGAGE_API.routing_keys[0])

    for _ in range(600):
        if len(state.events.get(LICENSE, [])) == 2:
            break
        await asyncio.sleep(0.05)

    assert [e["userId"] for e in state.events[LICENSE]] == ["u1", "u2"]
    assert state.calls == 4  # two refused with 503, then one per event
