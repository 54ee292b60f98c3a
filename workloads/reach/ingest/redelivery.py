"""What a sink does with a message it cannot handle: put it back at the tail of its queue with a
retry count, or, after `retries` tries, publish it to the dead-letter exchange with the error in
its headers. Either way the original is acked only after the broker confirmed the copy, so a
crash in between duplicates the message rather than losing it. Used by every sink.
"""

from __future__ import annotations

import logging

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage

from reach.ingest import metrics
from reach.ingest.routing import DEAD_LETTER, Sink

log = logging.getLogger(__name__)

RETRIES_HEADER = "x-reach-retries"
ERROR_HEADER = "x-reach-error"
QUEUE_HEADER = "x-reach-queue"
MAX_ERROR_CHARS = 2000


def retries_of(message: AbstractIncomingMessage) -> int:
    value = (message.headers or {}).get(RETRIES_HEADER, 0)
    return value if isinstance(value, int) else 0


def _copy(message: AbstractIncomingMessage, headers: dict[str, object]) -> aio_pika.Message:
    return aio_pika.Message(
        message.body,
        headers={**(message.headers or {}), **headers},  # type: ignore[dict-item]
        content_type=message.content_type,
        type=message.type,
        message_id=message.message_id,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
    )


async def give_back(
    channel: AbstractChannel,
    sink: Sink,
    message: AbstractIncomingMessage,
    error: str,
    retries: int,
) -> bool:
    """Retries or dead-letters `message`, then acks it; True when it was dead-lettered."""
    done = retries_of(message)
    error = error[:MAX_ERROR_CHARS]
    if done < retries:
        copy = _copy(message, {RETRIES_HEADER: done + 1, ERROR_HEADER: error})
        await channel.default_exchange.publish(copy, routing_key=sink.queue)
        metrics.RETRIED.labels(sink.name).inc()
        dead = False
    else:
        copy = _copy(message, {RETRIES_HEADER: done, ERROR_HEADER: error, QUEUE_HEADER: sink.queue})
        dead_letters = await channel.get_exchange(DEAD_LETTER.name)
        await dead_letters.publish(copy, routing_key=sink.queue)
        metrics.DEAD_LETTERED.labels(sink.name).inc()
        dead = True
    log.warning(
        "message dead-lettered" if dead else "message put back for a retry",
        extra={
            "sink": sink.name,
            "message_id": message.message_id,
            "retries": done,
            "error": error,
        },
    )
    await message.ack()
    return dead
