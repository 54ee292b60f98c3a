"""ClickHouse sinks: drain a queue into a table, acking each message only after its rows landed.

A sink buffers messages until they hold `batch_rows` rows or the oldest is `flush_seconds` old
(direct mode: every message on its own), then inserts their bodies in one statement
(`inserting.Inserter`) from a worker thread while the next batch gathers. The unacked messages
are the buffer: the broker's prefetch bounds it, and a sink that dies loses nothing, since all
it held is redelivered (duplicates collapse by event_id in the ReplacingMergeTree tables).

Failures: a body that is not an `Events` message, or rows ClickHouse refuses, is retried and then
dead-lettered on its own (`redelivery`); any other insert failure (server down, table missing)
holds the batch and retries it with backoff until it lands or the sink is stopped, acking
nothing meanwhile. Run by `reach ingest sink` (one process per chdb folder) and standalone mode.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractQueue
from google.protobuf.message import DecodeError
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, wait_exponential_jitter

from reach.common.events import events_pb2 as pb
from reach.ingest import metrics
from reach.ingest.inserting import Inserter, dedup_token, is_data_error
from reach.ingest.redelivery import give_back
from reach.ingest.routing import Sink
from reach.ingest.topology import declare_sink

log = logging.getLogger(__name__)

LAG_INTERVAL_SECONDS = 5.0


@dataclass(frozen=True)
class FlushPolicy:
    """Flush at `batch_rows` rows, when the oldest row is `flush_seconds` old, or when
    `max_messages` are held: the broker delivers no more than its prefetch unacked, so a
    buffer of that many small messages would otherwise wait for the timer alone."""

    batch_rows: int
    flush_seconds: float
    direct: bool = False
    max_messages: int | None = None


@dataclass
class Delivery:
    message: AbstractIncomingMessage
    rows: int

    @property
    def message_id(self) -> str:
        # Publishers set ids; for a message without one its delivery tag still names it.
        return self.message.message_id or f"tag:{self.message.delivery_tag}"


@dataclass
class Buffer:
    """Deliveries waiting for their flush, and when that flush is due. Pure bookkeeping."""

    policy: FlushPolicy
    deliveries: list[Delivery] = field(default_factory=list)
    rows: int = 0
    first_at: float = 0.0

    def add(self, delivery: Delivery, now: float) -> None:
        if not self.deliveries:
            self.first_at = now
        self.deliveries.append(delivery)
        self.rows += delivery.rows

    def due_in(self, now: float) -> float | None:
        """Seconds until a flush is due (0: now), or None when there is nothing to flush."""
        if not self.deliveries:
            return None
        policy = self.policy
        if policy.direct or self.rows >= policy.batch_rows:
            return 0.0
        if policy.max_messages is not None and len(self.deliveries) >= policy.max_messages:
            return 0.0
        return max(0.0, self.first_at + self.policy.flush_seconds - now)

    def take(self) -> list[Delivery]:
        """The next batch: one delivery in direct mode, else everything held."""
        if self.policy.direct:
            taken = self.deliveries[:1]
            self.deliveries = self.deliveries[1:]
        else:
            taken, self.deliveries = self.deliveries, []
        self.rows -= sum(d.rows for d in taken)
        return taken


class _DataRefused(Exception):
    pass


class ClickHouseSink:
    """One sink: consumes `sink.queue` on `channel`, writes `inserter`'s table."""

    def __init__(
        self,
        sink: Sink,
        inserter: Inserter,
        policy: FlushPolicy,
        *,
        retries: int,
        queue_type: str = "classic",
        max_backoff: float = 10.0,
    ) -> None:
        self.sink = sink
        self._inserter = inserter
        self._buffer = Buffer(policy)
        self._retries = retries
        self._queue_type = queue_type
        self._max_backoff = max_backoff
        self._wake = asyncio.Event()
        self._stopping = False
        self._channel: AbstractChannel | None = None
        self._queue: AbstractQueue | None = None
        self._consumer_tag: str | None = None
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self, channel: AbstractChannel, probe_channel: AbstractChannel) -> None:
        """Consumes on `channel` (confirming, with a prefetch); `probe_channel` reads the queue
        depth apart, so a failed probe cannot close the consuming channel."""
        self._channel = channel
        self._queue = await declare_sink(channel, self.sink, self._queue_type)
        self._tasks = [
            asyncio.create_task(self._flush_loop(), name=f"flush-{self.sink.name}"),
            asyncio.create_task(self._lag_loop(probe_channel), name=f"lag-{self.sink.name}"),
        ]
        self._consumer_tag = await self._queue.consume(self._on_message)
        log.info("sink consuming", extra={"sink": self.sink.name, "queue": self.sink.queue})

    async def stop(self) -> None:
        """Stops consuming, flushes what is buffered (if ClickHouse takes it), and returns."""
        if self._queue is not None and self._consumer_tag is not None:
            with contextlib.suppress(Exception):  # a closed channel has no consumer to cancel
                await self._queue.cancel(self._consumer_tag)
        self._stopping = True
        self._wake.set()
        if not self._tasks:  # never started
            return
        flush, lag = self._tasks
        lag.cancel()
        await asyncio.gather(flush, lag, return_exceptions=True)

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        try:
            rows = len(pb.Events.FromString(message.body).events)
        except DecodeError as exc:
            await self._give_back(message, f"body is not an Events message: {exc}")
            return
        was_empty = not self._buffer.deliveries
        self._buffer.add(Delivery(message, rows), time.monotonic())
        self._gauge()
        # The flusher sleeps until the next deadline; a first row sets one, a full batch is due.
        if was_empty or self._buffer.due_in(time.monotonic()) == 0:
            self._wake.set()

    async def _flush_loop(self) -> None:
        while True:
            batch = await self._next_batch()
            if batch is None:
                return
            await self._write(batch)
            self._gauge()

    async def _next_batch(self) -> list[Delivery] | None:
        while True:
            wait = self._buffer.due_in(time.monotonic())
            if wait == 0 or (self._stopping and wait is not None):
                return self._buffer.take()
            if self._stopping:
                return None
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)

    async def _write(self, batch: Sequence[Delivery]) -> None:
        try:
            await self._insert(batch)
        except _DataRefused as exc:
            if len(batch) == 1:
                await self._give_back(batch[0].message, str(exc))
                return
            # One bad message must not hold the others: insert each alone to find it.
            for delivery in batch:
                await self._write([delivery])
            return
        except Exception as exc:  # stopped while ClickHouse was failing: leave it unacked
            log.warning(
                "batch left unacked for redelivery: %s",
                exc,
                extra={"sink": self.sink.name, "messages": len(batch)},
            )
            return
        for delivery in batch:
            try:
                await delivery.message.ack()
            except Exception as exc:  # channel lost: the broker redelivers, rows dedupe
                log.warning("ack failed: %s", exc, extra={"sink": self.sink.name})

    async def _insert(self, batch: Sequence[Delivery]) -> None:
        bodies = [d.message.body for d in batch]
        token = dedup_token([d.message_id for d in batch])
        rows = sum(d.rows for d in batch)
        retrying = AsyncRetrying(
            retry=retry_if_exception(lambda exc: not is_data_error(exc)),
            wait=wait_exponential_jitter(multiplier=0.1, max=self._max_backoff, jitter=0.1),
            stop=lambda _: self._stopping,
            before_sleep=self._log_retry,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    started = time.perf_counter()
                    await asyncio.to_thread(self._inserter.insert, bodies, token)
        except Exception as exc:
            if is_data_error(exc):
                metrics.INSERT_FAILURES.labels(self.sink.name, "data").inc()
                raise _DataRefused(str(exc)) from exc
            raise
        metrics.FLUSH_SECONDS.labels(self.sink.name).observe(time.perf_counter() - started)
        metrics.FLUSHED_ROWS.labels(self.sink.name).inc(rows)
        metrics.FLUSHES.labels(self.sink.name).inc()

    def _log_retry(self, state: RetryCallState) -> None:
        metrics.INSERT_FAILURES.labels(self.sink.name, "transient").inc()
        outcome = state.outcome
        error = outcome.exception() if outcome is not None else None
        log.warning(
            "insert failed, retrying: %s",
            error,
            extra={"sink": self.sink.name, "attempt": state.attempt_number},
        )

    async def _give_back(self, message: AbstractIncomingMessage, error: str) -> None:
        assert self._channel is not None
        await give_back(self._channel, self.sink, message, error, self._retries)

    def _gauge(self) -> None:
        metrics.BUFFER_ROWS.labels(self.sink.name).set(self._buffer.rows)
        metrics.BUFFER_MESSAGES.labels(self.sink.name).set(len(self._buffer.deliveries))

    async def _lag_loop(self, channel: AbstractChannel) -> None:
        while True:
            try:
                # Straight to the protocol: a robust channel answers passive declares from cache.
                underlay = await channel.get_underlay_channel()
                declared = await underlay.queue_declare(self.sink.queue, passive=True)
                metrics.CONSUMER_LAG.labels(self.sink.name).set(declared.message_count or 0)
            except Exception as exc:  # a probe of the broker; the consumer reports real trouble
                log.debug("queue depth unavailable", extra={"error": str(exc)})
            await asyncio.sleep(LAG_INTERVAL_SECONDS)
