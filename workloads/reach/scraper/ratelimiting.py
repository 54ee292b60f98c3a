"""Stacked rate limits in Redis, shared by every worker: the seed's 20K/day global, 60/minute,
1/second per handle, and each source's own windows.

Each limit is a moving window kept by `limits` (its Redis storage runs one Lua script per hit,
so a window never lets more calls through than its amount, whatever the concurrency). A stack
is taken narrowest window first; a call is allowed only once every window of the stack took
it. A stack is looked at (`test`) before it is taken, so a full window costs the others
nothing; only a race lost between the look and the take can leave a narrower window charged
for a call that did not happen, which errs on the safe side: capacity is lost, never exceeded.

`acquire` answers when the first full window frees; callers wait for a short time or defer the
task (never drop it): see `reach.scraper.flows.base`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from limits import (
    RateLimitItem,
    RateLimitItemPerDay,
    RateLimitItemPerHour,
    RateLimitItemPerMinute,
    RateLimitItemPerSecond,
)
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import Redis
from redis.exceptions import RedisError

from reach.scraper.contract import Per, Scope

_ITEMS: dict[Per, type[RateLimitItem]] = {
    "second": RateLimitItemPerSecond,
    "minute": RateLimitItemPerMinute,
    "hour": RateLimitItemPerHour,
    "day": RateLimitItemPerDay,
}
_SECONDS: dict[Per, int] = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` calls per `per`, over all workers, or per handle (the task's rate key)."""

    limit: int
    per: Per
    scope: Scope = "global"

    def item(self) -> RateLimitItem:
        return _ITEMS[self.per](self.limit)

    @property
    def label(self) -> str:
        return f"{self.limit}/{self.per}" + ("/handle" if self.scope == "handle" else "")


def narrowest_first(limits: Sequence[RateLimit]) -> list[RateLimit]:
    return sorted(limits, key=lambda lim: (lim.scope != "handle", _SECONDS[lim.per], lim.limit))


# How long a stack counts as full while Redis cannot be asked: limits fail closed (no upstream
# call without its window taken), and the task is deferred by this much, not failed.
STORE_DOWN_SECONDS = 30.0


@dataclass(frozen=True)
class Full:
    """The stack is full: `limit` of `name` frees at `until` (Unix seconds); or Redis, which
    keeps the windows, could not be asked (`store_down`), which counts as full."""

    name: str
    limit: RateLimit
    until: float
    store_down: bool = False

    @property
    def reason(self) -> str:
        if self.store_down:
            return f"{self.name}: rate-limit store unreachable, calls held back"
        return f"{self.name} {self.limit.label}"


class StackedLimiter:
    def __init__(self, storage: RedisStorage, *, enabled: bool = True) -> None:
        self._limiter = MovingWindowRateLimiter(storage)
        self.enabled = enabled

    @classmethod
    def over(cls, redis: Redis, prefix: str, *, enabled: bool = True) -> StackedLimiter:
        """A limiter on the connections of `redis` (the workload's client, which it closes)."""
        pool = cast(Any, redis.connection_pool)  # limits types its options as scalars
        storage = RedisStorage(
            "async+redis://", implementation="redispy", key_prefix=prefix, connection_pool=pool
        )
        return cls(storage, enabled=enabled)

    async def acquire(
        self, name: str, limits: Sequence[RateLimit], handle: str | None = None
    ) -> Full | None:
        """Takes one call from each limit of stack `name`; None when taken, else which window
        is full and when it frees. `handle` keys the per-handle limits."""
        if not self.enabled or not limits:
            return None
        stack = [(lim, self._ids(name, lim, handle)) for lim in narrowest_first(limits)]
        try:
            return await self._take(name, stack)
        except (RedisError, OSError):
            return Full(name, stack[0][0], time.time() + STORE_DOWN_SECONDS, store_down=True)

    async def _take(
        self, name: str, stack: Sequence[tuple[RateLimit, tuple[str, ...]]]
    ) -> Full | None:
        for lim, ids in stack:
            if not await self._limiter.test(lim.item(), *ids):
                return await self._full(name, lim, ids)
        for lim, ids in stack:
            if not await self._limiter.hit(lim.item(), *ids):
                return await self._full(name, lim, ids)
        return None

    async def _full(self, name: str, lim: RateLimit, ids: Sequence[str]) -> Full:
        stats = await self._limiter.get_window_stats(lim.item(), *ids)
        # The window's oldest call may already be leaving it; never answer "now or earlier".
        until = max(float(stats.reset_time), time.time() + 0.05)
        return Full(name=name, limit=lim, until=until)

    @staticmethod
    def _ids(name: str, lim: RateLimit, handle: str | None) -> tuple[str, ...]:
        if lim.scope == "handle":
            return (name, "handle", (handle or "").lower())
        return (name, "global")
