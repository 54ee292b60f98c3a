"""The API's RabbitMQ traffic: collection changes out to `coffee.dx` (topic), profile updates in
from `beat.dx` (the scraper's `profile_log` events), which drop the profile from the caches.

Each API process binds its own exclusive queue for profile updates, so every replica's L1
hears every update.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractIncomingMessage
from google.protobuf.message import DecodeError

from reach.api.cache import profile_key
from reach.common.events import events_pb2 as pb

log = logging.getLogger(__name__)

COFFEE_EXCHANGE = "coffee.dx"
BEAT_EXCHANGE = "beat.dx"
PROFILE_LOG = "profile_log"


class CollectionEvents:
    """Publishes `<entity>.<action>` events (e.g. `profile_collection.created`) with confirms."""

    def __init__(self, exchange: AbstractExchange) -> None:
        self._exchange = exchange

    @classmethod
    async def declare(cls, channel: AbstractChannel) -> CollectionEvents:
        exchange = await channel.declare_exchange(
            COFFEE_EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True
        )
        return cls(exchange)

    async def publish(self, routing_key: str, partner_id: int, data: dict[str, Any]) -> None:
        body = json.dumps({"event": routing_key, "partner_id": partner_id, "data": data})
        await self._exchange.publish(
            aio_pika.Message(
                body.encode(),
                content_type="application/json",
                message_id=uuid.uuid4().hex,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            ),
            routing_key=routing_key,
        )


def updated_profiles(body: bytes) -> list[str]:
    """Cache keys of the profiles a `beat.dx` profile_log message updated."""
    events = pb.Events()
    events.ParseFromString(body)
    keys = []
    for event in events.events:
        if event.WhichOneof("payload") == PROFILE_LOG and event.profile_log.handle:
            keys.append(profile_key(event.profile_log.platform, event.profile_log.handle))
    return keys


async def consume_profile_updates(
    channel: AbstractChannel, invalidate: Callable[[str], Awaitable[None]]
) -> str:
    """Starts consuming profile updates; returns the consumer tag."""
    exchange = await channel.declare_exchange(
        BEAT_EXCHANGE, aio_pika.ExchangeType.DIRECT, durable=True
    )
    queue = await channel.declare_queue(
        f"api.profile_updates.{uuid.uuid4().hex[:12]}", exclusive=True, auto_delete=True
    )
    await queue.bind(exchange, routing_key=PROFILE_LOG)

    async def on_message(message: AbstractIncomingMessage) -> None:
        try:
            keys = updated_profiles(message.body)
        except DecodeError as exc:
            log.warning("unreadable profile_log message dropped", extra={"error": str(exc)})
            await message.reject()
            return
        try:
            for key in keys:
                await invalidate(key)
        except Exception:
            # Redis is away: the update must not be lost, so it comes back to be retried.
            log.exception("profile invalidation failed; requeued")
            await message.nack(requeue=True)
            return
        await message.ack()

    return await queue.consume(on_message)
