"""Runs one flow's tasks: claims in batches, keeps leases alive, applies each task's outcome.

One `Worker` per process and flow (`reach scraper worker --flow F`), with at most `concurrency`
tasks in flight. Each loop turn writes the outcomes of the tasks that finished (completions in
one statement) and claims as many tasks as there are free slots (one statement), so the
database sees two statements per batch, not per task. A heartbeat renews the leases of held
tasks; a task whose lease another worker took over is cancelled here (its outcome would be
refused anyway). The same tick returns tasks of dead workers (lease over) to the queue.

On shutdown the worker stops claiming, lets running tasks finish for `drain_seconds`, then
cancels the rest and releases them to PENDING for another worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import asyncpg

from reach.common.lifecycle import Shutdown
from reach.common.logs import request_id
from reach.scraper import metrics
from reach.scraper.queue.manager import TaskManager
from reach.scraper.queue.models import (
    Complete,
    Defer,
    Fail,
    Finished,
    Outcome,
    Retry,
    Task,
    TaskStatus,
)
from reach.scraper.queue.waking import Waker

log = logging.getLogger(__name__)

Handler = Callable[[Task], Awaitable[Outcome]]
OnFinished = Callable[[Sequence[Finished]], Awaitable[None]]
# A database outage must not end the worker: it waits and tries again.
_DB_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError)


@dataclass(frozen=True)
class WorkerConfig:
    flow: str
    concurrency: int = 8
    claim_batch: int = 50
    lease_seconds: float = 60.0
    heartbeat_seconds: float = 15.0
    poll_seconds: float = 5.0
    drain_seconds: float = 20.0
    retry_backoff_seconds: float = 10.0


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def retry_delay(base_seconds: float, retry_count: int) -> float:
    """Exponential backoff: base, 2x base, 4x base, ... capped at an hour."""
    return float(min(base_seconds * 2**retry_count, 3600.0))


class Worker:
    def __init__(
        self,
        manager: TaskManager,
        config: WorkerConfig,
        handler: Handler,
        *,
        waker: Waker | None = None,
        worker_id: str | None = None,
        on_finished: OnFinished | None = None,
    ) -> None:
        self.manager = manager
        self.config = config
        self.handler = handler
        self.waker = waker
        self.worker_id = worker_id or new_worker_id()
        self.on_finished = on_finished
        self._running: dict[int, tuple[Task, asyncio.Task[Outcome]]] = {}
        self._unwritten: list[tuple[Task, Outcome]] = []
        self._wake = waker.event(config.flow) if waker else asyncio.Event()

    @property
    def held(self) -> list[int]:
        return list(self._running)

    async def run(self, shutdown: Shutdown) -> None:
        """Works until `shutdown`, then drains."""
        beat = asyncio.create_task(self._heartbeat_loop(shutdown))
        try:
            await self._loop(shutdown)
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat
            await self._drain()

    async def _loop(self, shutdown: Shutdown) -> None:
        flow = self.config.flow
        stop = asyncio.ensure_future(shutdown.wait())
        try:
            while not shutdown.requested:
                self._collect()
                await self._write_outcomes()
                free = self.config.concurrency - len(self._running)
                got = 0
                if free > 0:
                    self._wake.clear()
                    try:
                        tasks, expired = await self.manager.claim(
                            flow,
                            self.worker_id,
                            min(free, self.config.claim_batch),
                            self.config.lease_seconds,
                        )
                    except _DB_ERRORS as exc:
                        log.warning("claim failed: %s", exc, extra={"flow": flow})
                        tasks, expired = [], []
                    if expired:
                        metrics.FINISHED.labels(flow, TaskStatus.EXPIRED).inc(len(expired))
                    got = len(tasks)
                    for task in tasks:
                        self._start(task)
                    if got:
                        metrics.CLAIMED.labels(flow).inc(got)
                # Slots left over mean the queue ran dry: a NOTIFY is worth waking for. Full
                # slots mean more may be waiting, and a finishing task is what to wait for.
                waits: set[asyncio.Future[object]] = set()
                if got < free:
                    waits.add(asyncio.ensure_future(self._wake.wait()))
                running = {t for _, t in self._running.values()}
                await asyncio.wait(
                    running | waits | {stop},
                    timeout=self.config.poll_seconds,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                for w in waits:
                    w.cancel()
        finally:
            stop.cancel()

    def _start(self, task: Task) -> None:
        self._running[task.id] = (task, asyncio.create_task(self._run_one(task)))
        metrics.IN_FLIGHT.labels(task.flow).inc()

    async def _run_one(self, task: Task) -> Outcome:
        request_id.set(f"task-{task.id}")
        started = time.perf_counter()
        try:
            return await self.handler(task)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a flow's bug must cost one task a retry, not the worker
            log.exception("task %s crashed", task.id, extra={"flow": task.flow})
            return Retry(error=f"{type(exc).__name__}: {exc}")
        finally:
            metrics.TASK_SECONDS.labels(task.flow).observe(time.perf_counter() - started)

    def _collect(self) -> None:
        for task_id, (task, running) in list(self._running.items()):
            if running.done():
                del self._running[task_id]
                metrics.IN_FLIGHT.labels(task.flow).dec()
                if not running.cancelled():
                    self._unwritten.append((task, running.result()))

    async def _write_outcomes(self) -> None:
        if not self._unwritten:
            return
        pending, self._unwritten = self._unwritten, []
        try:
            finished = await self._write(pending)
        except _DB_ERRORS as exc:
            # Kept for the next turn; past the lease another worker retries the task anyway,
            # and the worker_id guard refuses a late write.
            log.warning("writing outcomes failed: %s", exc)
            self._unwritten = pending + self._unwritten
            return
        for f in finished:
            metrics.FINISHED.labels(f.flow, f.status).inc()
        await self._report(finished)

    async def _write(self, pending: list[tuple[Task, Outcome]]) -> list[Finished]:
        wid = self.worker_id
        completes = [(t.id, o) for t, o in pending if isinstance(o, Complete)]
        finished = await self.manager.complete_many(completes, wid)
        for task, outcome in pending:
            row: Finished | None = None
            if isinstance(outcome, Retry):
                delay = retry_delay(self.config.retry_backoff_seconds, task.retry_count)
                row = await self.manager.retry(task.id, wid, outcome.error, outcome.source, delay)
            elif isinstance(outcome, Fail):
                row = await self.manager.fail(task.id, wid, outcome.error, outcome.source)
            elif isinstance(outcome, Defer):
                row = await self.manager.defer(task.id, wid, outcome.until, outcome.reason)
            if row is not None:
                finished.append(row)
        return finished

    async def _report(self, finished: Sequence[Finished]) -> None:
        if not finished or self.on_finished is None:
            return
        try:
            await self.on_finished(finished)
        except Exception as exc:  # the queue is the record; a lost report must not stop work
            log.warning("reporting finished tasks failed: %s", exc)

    async def _heartbeat_loop(self, shutdown: Shutdown) -> None:
        flow = self.config.flow
        while not shutdown.requested:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(shutdown.wait(), self.config.heartbeat_seconds)
            if shutdown.requested:
                return
            try:
                await self.beat()
                reclaimed = await self.manager.reclaim(flow)
                expired = await self.manager.expire(flow)
            except _DB_ERRORS as exc:
                log.warning("heartbeat failed: %s", exc, extra={"flow": flow})
                continue
            if reclaimed:
                log.info("returned %d tasks of dead workers", len(reclaimed), extra={"flow": flow})
                self._wake.set()
                await self._report(reclaimed)
            if expired:
                metrics.FINISHED.labels(flow, TaskStatus.EXPIRED).inc(len(expired))

    async def beat(self) -> None:
        """Renews the leases of held tasks and abandons those another worker took."""
        held = self.held
        still = await self.manager.heartbeat(held, self.worker_id, self.config.lease_seconds)
        for task_id in set(held) - still:
            entry = self._running.pop(task_id, None)
            if entry is not None:
                task, running = entry
                running.cancel()
                metrics.IN_FLIGHT.labels(task.flow).dec()
                metrics.LOST_LEASES.labels(task.flow).inc()
                log.warning("lost the lease of task %s", task_id, extra={"flow": task.flow})

    async def _drain(self) -> None:
        running = [t for _, t in self._running.values()]
        if running and self.config.drain_seconds > 0:
            await asyncio.wait(running, timeout=self.config.drain_seconds)
        self._collect()
        leftovers = list(self._running.values())
        for _, t in leftovers:
            t.cancel()
        if leftovers:
            await asyncio.wait([t for _, t in leftovers])
        self._collect()
        try:
            await self._write_outcomes()
            released = await self.manager.release(
                [task.id for task, _ in leftovers], self.worker_id
            )
        except _DB_ERRORS as exc:
            log.warning("drain could not write: %s; leases will expire instead", exc)
            return
        if released:
            log.info("released %d unfinished tasks", len(released))
