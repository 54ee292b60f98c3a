"""The fallback chain: a flow's sources in order, each behind its own rate limits.

`first` calls the capability on each source that has it until one answers, and says which did.
A source whose rate limit is full is skipped (that is what the others are for); one that fails
retryably is skipped too. The chain gives up with `ChainFailed`, which tells the flow whether to
retry the task (some source may answer later), defer it (only rate limits stood in the way) or
fail it (every source said the thing does not exist or the request is wrong).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from reach.scraper import metrics
from reach.scraper.ratelimiting import RateLimit, StackedLimiter
from reach.scraper.sources.capabilities import Source
from reach.scraper.sources.errors import SourceError

log = logging.getLogger(__name__)

S = TypeVar("S", bound=Source)
T = TypeVar("T")


@dataclass(frozen=True)
class Answer(Generic[T]):
    value: T
    source: str


@dataclass
class ChainFailed(Exception):
    capability: str
    errors: list[SourceError] = field(default_factory=list)
    limited_until: float | None = None

    @property
    def retryable(self) -> bool:
        return any(e.retryable for e in self.errors)

    @property
    def only_rate_limited(self) -> bool:
        return not self.errors and self.limited_until is not None

    @property
    def last_source(self) -> str | None:
        return self.errors[-1].source if self.errors else None

    def __str__(self) -> str:
        if not self.errors and self.limited_until is None:
            return f"no source can {self.capability}"
        tried = "; ".join(str(e) for e in self.errors)
        limited = " (some sources rate-limited)" if self.limited_until is not None else ""
        return f"every source failed to {self.capability}: {tried}{limited}"


class Chain:
    def __init__(
        self,
        sources: Sequence[Source],
        limiter: StackedLimiter,
        source_limits: Mapping[str, Sequence[RateLimit]],
    ) -> None:
        self.sources = list(sources)
        self.limiter = limiter
        self.source_limits = source_limits

    def able(self, capability: type[S]) -> list[S]:
        return [s for s in self.sources if isinstance(s, capability)]

    async def first(
        self,
        capability: type[S],
        call: Callable[[S], Awaitable[T]],
        *,
        handle: str | None = None,
    ) -> Answer[T]:
        failed = ChainFailed(capability.__name__)
        for source in self.able(capability):
            full = await self.limiter.acquire(
                f"source:{source.name}", self.source_limits.get(source.name, ()), handle
            )
            if full is not None:
                metrics.RATE_LIMITED.labels(f"source:{source.name}", "skip").inc()
                until = failed.limited_until
                failed.limited_until = full.until if until is None else min(until, full.until)
                continue
            try:
                return Answer(await call(source), source.name)
            except SourceError as exc:
                log.info("source failed: %s", exc, extra={"source": source.name})
                failed.errors.append(exc)
        raise failed
