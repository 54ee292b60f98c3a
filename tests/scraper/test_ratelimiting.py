"""Stacked limits in a real Redis under concurrency: no window lets more calls through than its
amount, a full window says when it frees, keys are per prefix and per handle; with a private
Redis killed, limits fail closed and tasks are deferred, not failed."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections import Counter
from datetime import UTC, datetime

import pytest
from redis.asyncio import Redis

from reach.scraper.flows import get_flow
from reach.scraper.flows.base import FlowContext, handle_task
from reach.scraper.queue.models import Complete, Defer, Task
from reach.scraper.ratelimiting import (
    STORE_DOWN_SECONDS,
    RateLimit,
    StackedLimiter,
    narrowest_first,
)
from reach.scraper.settings import ScraperSettings
from reach.testing.redis import PrivateRedis

pytestmark = pytest.mark.service


async def test_a_stack_holds_under_concurrency(redis: Redis, redis_prefix: str) -> None:
    limiter = StackedLimiter.over(redis, redis_prefix)
    stack = [RateLimit(7, "minute"), RateLimit(1, "minute", "handle")]
    handles = [f"h{i % 10}" for i in range(60)]
    verdicts = await asyncio.gather(*(limiter.acquire("flow", stack, h) for h in handles))
    allowed = Counter(h for h, v in zip(handles, verdicts, strict=True) if v is None)
    assert sum(allowed.values()) == 7
    assert set(allowed.values()) == {1}
    refused = [v for v in verdicts if v is not None]
    assert all(time.time() < v.until <= time.time() + 61 for v in refused)
    assert {v.limit.label for v in refused} <= {"7/minute", "1/minute/handle"}


async def test_prefixes_and_names_keep_counts_apart(redis: Redis, redis_prefix: str) -> None:
    stack = [RateLimit(1, "minute")]
    first = StackedLimiter.over(redis, redis_prefix)
    other = StackedLimiter.over(redis, f"{redis_prefix}-other")
    assert await first.acquire("a", stack) is None
    assert await first.acquire("a", stack) is not None
    assert await first.acquire("b", stack) is None
    assert await other.acquire("a", stack) is None


async def test_disabled_limits_allow_everything(redis: Redis, redis_prefix: str) -> None:
    limiter = StackedLimiter.over(redis, redis_prefix, enabled=False)
    assert all(
        v is None for v in [await limiter.acquire("a", [RateLimit(1, "day")]) for _ in range(5)]
    )


@pytest.mark.unit
def test_narrowest_windows_are_taken_first() -> None:
    day, minute, handle = (
        RateLimit(20_000, "day"),
        RateLimit(60, "minute"),
        RateLimit(1, "second", "handle"),
    )
    assert narrowest_first([day, minute, handle]) == [handle, minute, day]
    assert handle.label == "1/second/handle" and day.label == "20000/day"


async def test_limits_fail_closed_while_redis_is_down_and_tasks_are_deferred(
    private_redis: PrivateRedis, private_redis_client: Redis
) -> None:
    limiter = StackedLimiter.over(private_redis_client, "outage")
    stack = [RateLimit(100, "minute"), RateLimit(5, "second", "handle")]
    ran: list[object] = []

    async def run(ctx: FlowContext, params: object) -> Complete:
        ran.append(params)
        return Complete(source="test")

    flow = dataclasses.replace(get_flow("refresh_instagram_profile"), run=run)
    context = FlowContext(settings=ScraperSettings(), limiter=limiter, pool=None, manager=None,
                          chain=None, publisher=None, credentials=None, store=None, sources={})  # type: ignore[arg-type]  # fmt: skip
    task = Task(id=1, flow=flow.name, params={"handle": "priya"}, priority=0, retry_count=0,
                max_retries=3, dedup_key="priya", created_at=datetime.now(UTC))  # fmt: skip
    assert isinstance(await handle_task(flow, context, task, stack), Complete)
    private_redis.stop()

    down = await limiter.acquire("flow", stack, "priya")
    outcome = await handle_task(flow, context, task, stack)

    assert down is not None and down.store_down
    assert down.until >= time.time() + STORE_DOWN_SECONDS - 5
    assert isinstance(outcome, Defer), outcome  # not Fail, not Retry: no retry spent
    assert "rate-limit store unreachable" in outcome.reason
    assert len(ran) == 1  # no upstream call while the windows could not be taken
    private_redis.start()
    assert isinstance(await handle_task(flow, context, task, stack), Complete)
    assert len(ran) == 2
