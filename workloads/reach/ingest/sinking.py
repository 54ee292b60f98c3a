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
from typing import Unpack

from aio_pika.abc import AbstractChannel, AbstractIncomingMessage
from google.protobuf.message import DecodeError
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, wait_exponential_jitter

from reach.common.events import events_pb2 as pb
from reach.ingest import metrics
from reach.ingest.consuming import Consuming, QueueConsumer
from reach.ingest.inserting import Inserter, dedup_token, is_data_error
from reach.ingest.routing import Sink

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


class ClickHouseSink(QueueConsumer):
    """One sink: consumes `sink.queue` on `channel`, writes `inserter`'s table."""

    def __init__(
        self,
        sink: Sink,
        inserter: Inserter,
        policy: FlushPolicy,
        **consuming: Unpack[Consuming],
    ) -> None:
        super().__init__(sink, **consuming)
        self._inserter = inserter
        self._buffer = Buffer(policy)
        self._wake = asyncio.Event()
        self._stopping = False
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self, channel: AbstractChannel, probe_channel: AbstractChannel) -> None:
        """Consumes on `channel` (confirming, with a prefetch); `probe_channel` reads the queue
        depth apart, so a failed probe cannot close the consuming channel."""
        await self._declare(channel)
        self._tasks = [
            asyncio.create_task(self._flush_loop(), name=f"flush-{self.sink.name}"),
            asyncio.create_task(self._lag_loop(probe_channel), name=f"lag-{self.sink.name}"),
        ]
        await self._consume()
        log.info("sink consuming", extra={"sink": self.sink.name, "queue": self.sink.queue})

    async def stop(self) -> None:
        """Stops consuming, flushes what is buffered (if ClickHouse takes it), and returns."""
        await self._cancel()
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
