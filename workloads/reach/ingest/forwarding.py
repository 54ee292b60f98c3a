"""The forwarding sink: posts WebEngage events to WebEngage's REST API (the seed's
SinkWebengageToAPI), one call per event as that API takes them.

A message is acked once every event in it was accepted. A call is retried with backoff on
network errors, 429 and 5xx; when the attempts run out, or WebEngage refuses an event (other
4xx), the message goes back through `redelivery` and, after the bounded retries, to the
dead-letter queue with the error. A retried message re-posts its events (at-least-once).
Run by `reach ingest sink --sink webengage_api`.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any, Unpack

import httpx
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage
from google.protobuf.message import DecodeError
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from reach.common.events import events_pb2 as pb
from reach.ingest import metrics
from reach.ingest.consuming import Consuming, QueueConsumer
from reach.ingest.routing import Sink

log = logging.getLogger(__name__)


def webengage_body(event: pb.Event) -> dict[str, Any]:
    """The JSON WebEngage's `POST /v1/accounts/{license}/events` takes for one event."""
    payload = event.webengage
    when = datetime.fromtimestamp(event.timestamp_ms / 1000, UTC)
    return {
        "userId": payload.user_id,
        "eventName": payload.event_name,
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "eventData": dict(payload.event_data),
    }


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, httpx.HTTPStatusError):
        status = exc.response.status_code
        return status == 429 or status >= 500
    return isinstance(exc, httpx.TransportError)


class WebengageForwarder(QueueConsumer):
    max_backoff = 5.0

    def __init__(
        self,
        sink: Sink,
        client: httpx.AsyncClient,
        *,
        license_code: str,
        attempts: int,
        **consuming: Unpack[Consuming],
    ) -> None:
        super().__init__(sink, **consuming)
        self._client = client
        self._path = f"/v1/accounts/{license_code}/events"
        self._attempts = attempts
        self._idle = asyncio.Event()
        self._idle.set()
        self._inflight = 0

    async def start(self, channel: AbstractChannel, probe_channel: AbstractChannel) -> None:
        await self._declare(channel)
        await self._consume()

    async def stop(self) -> None:
        """Stops consuming and waits for the messages being forwarded."""
        await self._cancel()
        await self._idle.wait()

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        self._inflight += 1
        self._idle.clear()
        try:
            await self._forward(message)
        finally:
            self._inflight -= 1
            if self._inflight == 0:
                self._idle.set()

    async def _forward(self, message: AbstractIncomingMessage) -> None:
        try:
            batch = pb.Events.FromString(message.body)
        except DecodeError as exc:
            error = f"body is not an Events message: {exc}"
            await self._give_back(message, error)
            return
        try:
            for event in batch.events:
                if event.WhichOneof("payload") == "webengage":
                    await self._post(event)
        except Exception as exc:  # whatever stopped the forward, the message is retried
            await self._give_back(message, str(exc))
            return
        await message.ack()

    async def _post(self, event: pb.Event) -> None:
        retrying = AsyncRetrying(
            retry=retry_if_exception(_retryable),
            stop=stop_after_attempt(self._attempts),
            wait=wait_exponential_jitter(multiplier=0.05, max=self._max_backoff, jitter=0.05),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                response = await self._client.post(self._path, json=webengage_body(event))
                response.raise_for_status()
        metrics.FORWARDED.labels(self.sink.name).inc()
