"""Publishing grouped events to RabbitMQ with publisher confirms, coalesced across calls.

RabbitMQ's cost is per message, so events of concurrent calls that share a routing key are
gathered for `linger` seconds (or until `max_events`) into one `Events` message. Each call
awaits the confirms of every message that carries one of its events, so a call returns only
once the broker holds all it accepted; if a publish fails, every call with events in that
message fails and its client retries (downstream deduplicates by event_id).
Messages are persistent and mandatory: a routing key with no bound queue is an error, not a
silent drop. Used by the gRPC service and the webhooks of one `reach ingest serve` process.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Mapping, Sequence

import aio_pika
from aio_pika.abc import AbstractExchange

from reach.common.events import events_pb2 as pb
from reach.ingest import metrics
from reach.ingest.routing import BY_PAYLOAD, Route

log = logging.getLogger(__name__)

CONTENT_TYPE = "application/x-protobuf"
MESSAGE_TYPE = "reach.events.v1.Events"


class _Pending:
    __slots__ = ("batch", "done")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.batch = pb.Events()
        self.done: asyncio.Future[None] = loop.create_future()


def message_for(batch: pb.Events) -> aio_pika.Message:
    """A persistent message carrying `batch`; the id lets sinks derive insert tokens."""
    return aio_pika.Message(
        batch.SerializeToString(),
        content_type=CONTENT_TYPE,
        type=MESSAGE_TYPE,
        message_id=uuid.uuid4().hex,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
    )


class Publisher:
    """Coalescing publisher over declared exchanges (by name) on a confirming channel."""

    def __init__(
        self,
        exchanges: Mapping[str, AbstractExchange],
        *,
        linger: float,
        max_events: int,
        publish_timeout: float = 30.0,
    ) -> None:
        self._exchanges = exchanges
        self._linger = linger
        self._max_events = max_events
        self._timeout = publish_timeout
        self._pending: dict[str, _Pending] = {}
        self._sending: set[asyncio.Task[None]] = set()

    async def publish(self, groups: Mapping[str, Sequence[pb.Event]]) -> None:
        """Returns once the broker confirmed every event of `groups` (payload -> events)."""
        waits: list[asyncio.Future[None]] = []
        for payload, events in groups.items():
            self._add(BY_PAYLOAD[payload], events, waits)
        # Shielded: the futures are shared with other calls, which a cancelled call must not
        # cancel with it.
        for wait in waits:
            await asyncio.shield(wait)

    def _add(
        self, route: Route, events: Sequence[pb.Event], waits: list[asyncio.Future[None]]
    ) -> None:
        start = 0
        while start < len(events):
            pending = self._pending.get(route.payload)
            if pending is None:
                loop = asyncio.get_running_loop()
                pending = self._pending[route.payload] = _Pending(loop)
                loop.call_later(self._linger, self._flush, route, pending)
            room = self._max_events - len(pending.batch.events)
            pending.batch.events.extend(events[start : start + room])
            start += room
            if not waits or waits[-1] is not pending.done:
                waits.append(pending.done)
            if len(pending.batch.events) >= self._max_events:
                self._flush(route, pending)

    def _flush(self, route: Route, pending: _Pending) -> None:
        # The linger timer of a batch already sent for being full finds another (or none).
        if self._pending.get(route.payload) is not pending:
            return
        del self._pending[route.payload]
        task = asyncio.get_running_loop().create_task(self._send(route, pending))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _send(self, route: Route, pending: _Pending) -> None:
        count = len(pending.batch.events)
        try:
            exchange = self._exchanges[route.exchange.name]
            await asyncio.wait_for(
                exchange.publish(
                    message_for(pending.batch), routing_key=route.routing_key, mandatory=True
                ),
                self._timeout,
            )
        except Exception as exc:  # every failure of the broker reaches the waiting calls
            log.warning(
                "publish failed: %s", exc, extra={"payload": route.payload, "events": count}
            )
            if not pending.done.done():
                pending.done.set_exception(exc)
            # Callers may all have gone (cancelled); the exception is theirs, not the loop's.
            pending.done.exception()
            return
        metrics.PUBLISHED.labels(route.payload).inc(count)
        metrics.PUBLISHED_MESSAGES.labels(route.payload).inc()
        if not pending.done.done():
            pending.done.set_result(None)

    async def close(self) -> None:
        """Sends what is gathered and waits for every confirm (the drain at shutdown)."""
        for payload, pending in list(self._pending.items()):
            self._flush(BY_PAYLOAD[payload], pending)
        # _send reports its own failures to its callers, so waiting is all there is to do.
        while self._sending:
            await asyncio.wait(set(self._sending))
