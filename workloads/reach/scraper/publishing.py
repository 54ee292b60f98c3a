"""Publishes the scraper's events to `beat.dx` (direct, durable), routing key = payload name,
each message one serialized `Events` carrying every event of that payload a task produced.

Publishes wait for the broker's confirm, and are mandatory on a channel that raises on returns:
an event nobody's queue takes is an error the task retries, not a silent loss. Declaring the
exchange is idempotent; the queues bound to it belong to the ingestion side.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping, Sequence

import aio_pika
from aio_pika.abc import AbstractConnection, AbstractExchange

from reach.common.events import events_pb2 as pb
from reach.scraper import metrics

EXCHANGE = "beat.dx"
CONTENT_TYPE = "application/x-protobuf"
MESSAGE_TYPE = "reach.events.v1.Events"
# ~1 MB bodies at most; a followers page or a channel's videos stay far below.
MAX_EVENTS_PER_MESSAGE = 5000


def messages_for(events: Sequence[pb.Event]) -> list[aio_pika.Message]:
    out = []
    for start in range(0, len(events), MAX_EVENTS_PER_MESSAGE):
        batch = pb.Events(events=events[start : start + MAX_EVENTS_PER_MESSAGE])
        out.append(
            aio_pika.Message(
                batch.SerializeToString(),
                content_type=CONTENT_TYPE,
                type=MESSAGE_TYPE,
                message_id=uuid.uuid4().hex,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            )
        )
    return out


class EventPublisher:
    def __init__(self, exchange: AbstractExchange) -> None:
        self.exchange = exchange

    @classmethod
    async def declare(cls, connection: AbstractConnection) -> EventPublisher:
        channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
        exchange = await channel.declare_exchange(
            EXCHANGE, aio_pika.ExchangeType.DIRECT, durable=True
        )
        return cls(exchange)

    async def publish(self, groups: Mapping[str, Sequence[pb.Event]]) -> None:
        """Returns once the broker confirmed every message; raises if any was refused."""
        sends = []
        for payload, events in groups.items():
            for message in messages_for(events):
                sends.append(self.exchange.publish(message, routing_key=payload, mandatory=True))
        await asyncio.gather(*sends)
        for payload, events in groups.items():
            if events:
                metrics.EVENTS_PUBLISHED.labels(payload).inc(len(events))
