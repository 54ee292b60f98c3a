"""The queue's operations over an asyncpg pool: each one runs one named query of
`queries.sql`. Used by the worker (claim, heartbeat, finish), the API and listeners (enqueue,
get, stats) and flows that fan out (enqueue_many).

Returning a task to PENDING can collide with a duplicate enqueued in the same instant (the
partial unique index on flow + dedup key); the statement then fails and runs once more, when
it sees the duplicate and closes the task in its favour.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import asyncpg

from reach.scraper.queue.models import (
    Complete,
    Enqueued,
    Finished,
    FlowStats,
    NewTask,
    Task,
    TaskStatus,
)
from reach.scraper.sql import load_queries

Q = load_queries("reach.scraper.queue", "queries.sql")
NOTIFY_CHANNEL = "scrape_request_log"
# Error texts are for people; a whole stack of upstream bodies is not.
MAX_ERROR_CHARS = 2000

T = TypeVar("T")


def _error(text: str) -> str:
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"


def _finished(row: asyncpg.Record, source: str | None, error: str | None) -> Finished:
    return Finished(
        id=row["id"],
        flow=row["flow"],
        status=TaskStatus(row["status"]),
        retry_count=row["retry_count"],
        seconds=row["seconds"] or 0.0,
        source=source,
        error=error,
    )


async def _once_more_on_duplicate(run: Callable[[], Awaitable[T]]) -> T:
    try:
        return await run()
    except asyncpg.UniqueViolationError:
        return await run()


class TaskManager:
    """Over a pool from `reach.common.postgres.create_pool`, whose jsonb codec the params and
    results rely on."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def enqueue(self, task: NewTask) -> Enqueued:
        row = await self.pool.fetchrow(
            Q["enqueue"],
            task.flow,
            task.params,
            task.dedup_key,
            task.priority,
            task.max_retries,
            task.run_after,
            task.expires_at,
        )
        assert row is not None  # INSERT .. ON CONFLICT DO UPDATE always returns the row
        return Enqueued(id=row["id"], created=row["created"])

    async def enqueue_many(self, tasks: Sequence[NewTask]) -> list[int]:
        """Creates `tasks` in one statement; returns the ids of those that were not duplicates."""
        if not tasks:
            return []
        rows = await self.pool.fetch(
            Q["enqueue_many"],
            [t.flow for t in tasks],
            [t.params for t in tasks],
            [t.dedup_key for t in tasks],
            [t.priority for t in tasks],
            [t.max_retries for t in tasks],
            [t.run_after for t in tasks],
            [t.expires_at for t in tasks],
        )
        return [r["id"] for r in rows]

    async def claim(
        self, flow: str, worker_id: str, limit: int, lease_seconds: float
    ) -> tuple[list[Task], list[int]]:
        """Due tasks for `worker_id` (highest priority, then oldest), and the ids of those found
        expired on the way (already closed as EXPIRED)."""
        rows = await self.pool.fetch(Q["claim"], flow, limit, worker_id, lease_seconds)
        tasks, expired = [], []
        for r in rows:
            if r["status"] == TaskStatus.EXPIRED:
                expired.append(r["id"])
                continue
            tasks.append(
                Task(
                    id=r["id"],
                    flow=r["flow"],
                    params=r["params"],
                    priority=r["priority"],
                    retry_count=r["retry_count"],
                    max_retries=r["max_retries"],
                    dedup_key=r["dedup_key"],
                    created_at=r["created_at"],
                )
            )
        tasks.sort(key=lambda t: (-t.priority, t.created_at))
        return tasks, expired

    async def heartbeat(self, ids: Sequence[int], worker_id: str, lease_seconds: float) -> set[int]:
        """Extends the leases; returns the ids `worker_id` still holds."""
        if not ids:
            return set()
        rows = await self.pool.fetch(Q["heartbeat"], list(ids), worker_id, lease_seconds)
        return {r["id"] for r in rows}

    async def complete_many(
        self, done: Sequence[tuple[int, Complete]], worker_id: str
    ) -> list[Finished]:
        if not done:
            return []
        rows = await self.pool.fetch(
            Q["complete_many"],
            [task_id for task_id, _ in done],
            worker_id,
            [c.source for _, c in done],
            [c.result for _, c in done],
        )
        sources = {task_id: c.source for task_id, c in done}
        return [
            Finished(
                id=r["id"],
                flow=r["flow"],
                status=TaskStatus.COMPLETE,
                retry_count=r["retry_count"],
                seconds=r["seconds"] or 0.0,
                source=sources[r["id"]],
            )
            for r in rows
        ]

    async def fail(
        self, task_id: int, worker_id: str, error: str, source: str | None
    ) -> Finished | None:
        row = await self.pool.fetchrow(Q["fail"], task_id, worker_id, _error(error), source)
        return None if row is None else _finished(row, source, error)

    async def retry(
        self, task_id: int, worker_id: str, error: str, source: str | None, delay_s: float
    ) -> Finished | None:
        async def run() -> asyncpg.Record | None:
            return await self.pool.fetchrow(
                Q["retry"], task_id, worker_id, _error(error), source, delay_s
            )

        row = await _once_more_on_duplicate(run)
        return None if row is None else _finished(row, source, error)

    async def defer(
        self, task_id: int, worker_id: str, until: datetime, reason: str
    ) -> Finished | None:
        async def run() -> asyncpg.Record | None:
            return await self.pool.fetchrow(Q["defer"], task_id, worker_id, until, reason)

        row = await _once_more_on_duplicate(run)
        return None if row is None else _finished(row, None, reason)

    async def release(self, ids: Sequence[int], worker_id: str) -> list[int]:
        """Hands unfinished tasks back as PENDING (no retry spent); returns those released."""
        if not ids:
            return []

        async def run() -> list[asyncpg.Record]:
            rows: list[asyncpg.Record] = await self.pool.fetch(Q["release"], list(ids), worker_id)
            return rows

        rows = await _once_more_on_duplicate(run)
        return [r["id"] for r in rows if r["status"] == TaskStatus.PENDING]

    async def reclaim(self, flow: str, limit: int = 500) -> list[Finished]:
        """Tasks of `flow` whose lease ran out, back to PENDING (or FAILED without retries)."""

        async def run() -> list[asyncpg.Record]:
            rows: list[asyncpg.Record] = await self.pool.fetch(Q["reclaim"], flow, limit)
            return rows

        return [_finished(r, None, "lease expired") for r in await _once_more_on_duplicate(run)]

    async def expire(self, flow: str) -> list[int]:
        return [r["id"] for r in await self.pool.fetch(Q["expire"], flow)]

    async def get(self, task_id: int) -> dict[str, Any] | None:
        row = await self.pool.fetchrow(Q["get"], task_id)
        return None if row is None else dict(row)

    async def stats(self) -> list[FlowStats]:
        return [
            FlowStats(
                flow=r["flow"],
                status=TaskStatus(r["status"]),
                tasks=r["tasks"],
                oldest_pending_s=r["oldest_pending_s"],
            )
            for r in await self.pool.fetch(Q["stats"])
        ]
