"""The queue's SQL against a real PostgreSQL: dedup on enqueue, claim order and locking,
bounded retries, expiry, leases, release, monitoring."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from reach.scraper.queue.manager import TaskManager
from reach.scraper.queue.models import Complete, NewTask, TaskStatus

pytestmark = pytest.mark.service


async def status(pool: asyncpg.Pool, task_id: int) -> tuple[str, int, str | None]:
    row = await pool.fetchrow(
        "SELECT status, retry_count, error FROM scrape_request_log WHERE id = $1", task_id
    )
    assert row is not None
    return row["status"], row["retry_count"], row["error"]


async def test_one_pending_task_per_flow_and_key(manager: TaskManager) -> None:
    first = await manager.enqueue(NewTask("f", {"handle": "a"}, dedup_key="a"))
    again = await manager.enqueue(NewTask("f", {"handle": "a"}, dedup_key="a", priority=7))
    other_flow = await manager.enqueue(NewTask("g", {"handle": "a"}, dedup_key="a"))
    assert first.created and not again.created and again.id == first.id
    assert other_flow.created and other_flow.id != first.id
    # The absorbed request's urgency is kept.
    tasks, _ = await manager.claim("f", "w", 10, 30)
    assert [(t.id, t.priority) for t in tasks] == [(first.id, 7)]
    # Once the first is being processed, the same key may be pending again.
    assert (await manager.enqueue(NewTask("f", {"handle": "a"}, dedup_key="a"))).created


async def test_enqueue_many_drops_duplicates(manager: TaskManager) -> None:
    ids = await manager.enqueue_many(
        [NewTask("f", {"i": i}, dedup_key=str(i % 3)) for i in range(7)]
    )
    assert len(ids) == 3
    assert await manager.enqueue_many([NewTask("f", {}, dedup_key="1"), NewTask("f", {})]) != []


async def test_claims_by_priority_then_age_and_skips_locked(
    manager: TaskManager, pool: asyncpg.Pool
) -> None:
    low = await manager.enqueue(NewTask("f", {"n": "low"}))
    high = await manager.enqueue(NewTask("f", {"n": "high"}, priority=5))
    later = await manager.enqueue(
        NewTask("f", {"n": "later"}, run_after=datetime.now(UTC) + timedelta(hours=1))
    )
    async with pool.acquire() as conn, conn.transaction():
        # Another claimer holds the high-priority row: it is skipped, not waited for.
        await conn.execute("SELECT 1 FROM scrape_request_log WHERE id = $1 FOR UPDATE", high.id)
        tasks, _ = await manager.claim("f", "w1", 10, 30)
        assert [t.id for t in tasks] == [low.id]
    tasks, _ = await manager.claim("f", "w2", 10, 30)
    assert [t.id for t in tasks] == [high.id]
    assert later.id not in [t.id for t in tasks]


async def test_concurrent_claims_never_share_a_task(manager: TaskManager) -> None:
    await manager.enqueue_many([NewTask("f", {"i": i}) for i in range(200)])
    batches = await asyncio.gather(*(manager.claim("f", f"w{i}", 30, 30) for i in range(8)))
    ids = [t.id for tasks, _ in batches for t in tasks]
    assert len(ids) == len(set(ids)) == 200


async def test_retries_are_bounded_then_failed_with_the_reason(
    manager: TaskManager, pool: asyncpg.Pool
) -> None:
    task = await manager.enqueue(NewTask("f", {}, max_retries=2))
    outcomes = []
    for _ in range(3):
        (claimed,), _ = await manager.claim("f", "w", 1, 30)
        finished = await manager.retry(claimed.id, "w", "upstream 503", "graphapi", 0)
        assert finished is not None
        outcomes.append(finished.status)
    assert outcomes == [TaskStatus.PENDING, TaskStatus.PENDING, TaskStatus.FAILED]
    state, retries, error = await status(pool, task.id)
    assert (state, retries) == ("FAILED", 3)
    assert error == "gave up after 2 retries: upstream 503"


async def test_permanent_failure_and_completion(manager: TaskManager, pool: asyncpg.Pool) -> None:
    a = await manager.enqueue(NewTask("f", {"n": 1}))
    b = await manager.enqueue(NewTask("f", {"n": 2}))
    await manager.claim("f", "w", 2, 30)
    assert await manager.fail(a.id, "w", "no such profile", "rapidapi-instagram") is not None
    done = await manager.complete_many([(b.id, Complete("graphapi", {"followers": 3}))], "w")
    assert [(f.id, f.status, f.source) for f in done] == [(b.id, TaskStatus.COMPLETE, "graphapi")]
    assert (await status(pool, a.id))[:2] == ("FAILED", 0)
    row = await manager.get(b.id)
    assert row is not None and row["result"] == {"followers": 3} and row["source"] == "graphapi"


async def test_expired_tasks_are_skipped_and_marked(
    manager: TaskManager, pool: asyncpg.Pool
) -> None:
    past = datetime.now(UTC) - timedelta(seconds=1)
    stale = await manager.enqueue(NewTask("f", {"n": 1}, expires_at=past))
    fresh = await manager.enqueue(NewTask("f", {"n": 2}, expires_at=past + timedelta(hours=1)))
    tasks, expired = await manager.claim("f", "w", 10, 30)
    assert [t.id for t in tasks] == [fresh.id] and expired == [stale.id]
    assert (await status(pool, stale.id))[0] == "EXPIRED"
    unpicked = await manager.enqueue(NewTask("g", {}, expires_at=past))
    assert await manager.expire("g") == [unpicked.id]


async def test_a_late_worker_cannot_finish_a_task_it_lost(manager: TaskManager) -> None:
    task = await manager.enqueue(NewTask("f", {}))
    await manager.claim("f", "dead", 1, 0.01)
    await asyncio.sleep(0.05)
    reclaimed = await manager.reclaim("f")
    assert [(f.id, f.status) for f in reclaimed] == [(task.id, TaskStatus.PENDING)]
    (again,), _ = await manager.claim("f", "alive", 1, 30)
    assert again.retry_count == 1
    assert await manager.heartbeat([task.id], "dead", 30) == set()
    assert await manager.complete_many([(task.id, Complete())], "dead") == []
    assert await manager.heartbeat([task.id], "alive", 30) == {task.id}
    assert len(await manager.complete_many([(task.id, Complete())], "alive")) == 1


async def test_release_and_defer_spend_no_retry(manager: TaskManager, pool: asyncpg.Pool) -> None:
    a = await manager.enqueue(NewTask("f", {"n": 1}))
    b = await manager.enqueue(NewTask("f", {"n": 2}))
    await manager.claim("f", "w", 2, 30)
    assert await manager.release([a.id], "w") == [a.id]
    until = datetime.now(UTC) + timedelta(minutes=5)
    deferred = await manager.defer(b.id, "w", until, "rate limit 60/minute")
    assert deferred is not None and deferred.status == TaskStatus.PENDING
    assert (await status(pool, a.id))[:2] == ("PENDING", 0)
    assert (await status(pool, b.id)) == ("PENDING", 0, "rate limit 60/minute")
    tasks, _ = await manager.claim("f", "w", 10, 30)
    assert [t.id for t in tasks] == [a.id]


# Each way a task goes back to PENDING, with the reason it leaves when a duplicate supersedes it.
RETURNS: dict[str, tuple[Callable[[TaskManager, int], Awaitable[object]], str]] = {
    "retry": (lambda m, task: m.retry(task, "w", "timeout", None, 0), ": timeout"),
    "defer": (lambda m, task: m.defer(task, "w", datetime.now(UTC), "rate limit"), ""),
    "release": (lambda m, task: m.release([task], "w"), ""),
    "reclaim": (lambda m, task: m.reclaim("f"), ""),
}


@pytest.mark.parametrize("way", RETURNS)
async def test_returning_a_task_yields_to_a_pending_duplicate(
    manager: TaskManager, pool: asyncpg.Pool, way: str
) -> None:
    give_back, reason = RETURNS[way]
    first = await manager.enqueue(NewTask("f", {"handle": "a"}, dedup_key="a"))
    # A lease of 0 has run out by the next statement: reclaim takes the task back.
    await manager.claim("f", "w", 1, 0 if way == "reclaim" else 30)
    second = await manager.enqueue(NewTask("f", {"handle": "a"}, dedup_key="a"))
    await give_back(manager, first.id)
    state, _, error = await status(pool, first.id)
    assert (state, error) == ("FAILED", f"superseded by pending task {second.id}{reason}")
    assert (await status(pool, second.id))[0] == "PENDING"


async def test_stats_count_by_flow_and_status(manager: TaskManager) -> None:
    await manager.enqueue_many([NewTask("f", {"i": i}) for i in range(3)])
    await manager.enqueue(NewTask("g", {}))
    await manager.claim("f", "w", 1, 30)
    stats = {(s.flow, s.status): s for s in await manager.stats()}
    assert stats["f", TaskStatus.PENDING].tasks == 2
    assert stats["f", TaskStatus.PROCESSING].tasks == 1
    assert stats["g", TaskStatus.PENDING].tasks == 1
    oldest = stats["f", TaskStatus.PENDING].oldest_pending_s
    assert oldest is not None and oldest >= 0
    assert stats["f", TaskStatus.PROCESSING].oldest_pending_s is None
