"""Declares the RabbitMQ side of the routing table: exchanges, durable queues with their
dead-letter queues, and bindings. Idempotent; the server declares everything before it accepts
traffic (so no published event finds an exchange without its queue), each sink declares its own
queue, and `reach ingest declare` does it for operators.
"""

from __future__ import annotations

from collections.abc import Iterable

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractQueue
from pamqp.common import FieldTable

from reach.ingest.routing import DEAD_LETTER, EXCHANGES, SINKS, Exchange, Sink


async def declare_exchanges(
    channel: AbstractChannel, exchanges: Iterable[Exchange] = EXCHANGES
) -> dict[str, AbstractExchange]:
    declared = {}
    for exchange in exchanges:
        declared[exchange.name] = await channel.declare_exchange(
            exchange.name, aio_pika.ExchangeType(exchange.type.value), durable=True
        )
    return declared


def queue_arguments(sink: Sink, queue_type: str) -> FieldTable:
    """Messages the broker itself dead-letters (rejected, expired) go where the sink's own
    give-ups go; the queue type is only stated for quorum, the broker's default being classic."""
    arguments: FieldTable = {
        "x-dead-letter-exchange": DEAD_LETTER.name,
        "x-dead-letter-routing-key": sink.queue,
    }
    if queue_type != "classic":
        arguments["x-queue-type"] = queue_type
    return arguments


async def declare_sink(
    channel: AbstractChannel, sink: Sink, queue_type: str = "classic"
) -> AbstractQueue:
    """The sink's queue bound to its routing keys, and its dead-letter queue."""
    await declare_exchanges(channel, {sink.exchange, DEAD_LETTER})
    extra: FieldTable = {} if queue_type == "classic" else {"x-queue-type": queue_type}
    dead = await channel.declare_queue(sink.dead_letter_queue, durable=True, arguments=extra)
    await dead.bind(DEAD_LETTER.name, routing_key=sink.queue)
    queue = await channel.declare_queue(
        sink.queue, durable=True, arguments=queue_arguments(sink, queue_type)
    )
    for key in sink.routing_keys:
        await queue.bind(sink.exchange.name, routing_key=key)
    return queue


async def declare_all(
    channel: AbstractChannel, queue_type: str = "classic"
) -> dict[str, AbstractExchange]:
    """Every exchange, queue and binding of the routing table."""
    exchanges = await declare_exchanges(channel)
    for sink in SINKS.values():
        await declare_sink(channel, sink, queue_type)
    return exchanges
