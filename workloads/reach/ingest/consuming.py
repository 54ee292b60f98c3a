"""The queue side every sink shares: it declares its sink's queue, consumes it, cancels the
consumer when stopping, and gives a message it cannot handle back through `redelivery`.

`sinking.ClickHouseSink` and `forwarding.WebengageForwarder` subclass `QueueConsumer` and say
what to do with a message (`_on_message`).
"""

from __future__ import annotations

import contextlib
from typing import NotRequired, TypedDict, Unpack

from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractQueue

from reach.ingest.redelivery import give_back
from reach.ingest.routing import Sink
from reach.ingest.topology import declare_sink


class Consuming(TypedDict):
    """How a sink consumes its queue, the keyword arguments of every `QueueConsumer`."""

    # Tries before a message given back is dead-lettered.
    retries: int
    # The queue's RabbitMQ type ("classic" unless given).
    queue_type: NotRequired[str]
    # The longest wait, in seconds, between the sink's own retries of one step (its class's
    # `max_backoff` unless given).
    max_backoff: NotRequired[float]


class QueueConsumer:
    """A sink's consumer of its queue; a subclass handles each message (`_on_message`)."""

    # The default of `Consuming.max_backoff` for this kind of sink.
    max_backoff = 10.0

    def __init__(self, sink: Sink, **consuming: Unpack[Consuming]) -> None:
        self.sink = sink
        self._retries = consuming["retries"]
        self._queue_type = consuming.get("queue_type", "classic")
        self._max_backoff = consuming.get("max_backoff", self.max_backoff)
        self._channel: AbstractChannel | None = None
        self._queue: AbstractQueue | None = None
        self._consumer_tag: str | None = None

    async def _declare(self, channel: AbstractChannel) -> None:
        self._channel = channel
        self._queue = await declare_sink(channel, self.sink, self._queue_type)

    async def _consume(self) -> None:
        assert self._queue is not None
        self._consumer_tag = await self._queue.consume(self._on_message)

    async def _cancel(self) -> None:
        if self._queue is not None and self._consumer_tag is not None:
            with contextlib.suppress(Exception):  # a closed channel has no consumer to cancel
                await self._queue.cancel(self._consumer_tag)

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        raise NotImplementedError

    async def _give_back(self, message: AbstractIncomingMessage, error: str) -> None:
        assert self._channel is not None
        await give_back(self._channel, self.sink, message, error, self._retries)
