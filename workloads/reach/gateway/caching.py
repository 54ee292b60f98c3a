"""The gateway's two-layer cache: a bounded in-process L1 with a TTL over an optional Redis L2
shared by the replicas, over the loader that asks the source (Redis sessions, PostgreSQL
partners). Used by `reach.gateway.auth` for session and partner lookups.

"Not found" is cached like a value, so a burst of requests for a missing key asks the source
once per TTL; concurrent misses of one key share one load (single flight).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar, cast

from cachetools import TTLCache
from redis.asyncio import Redis

from reach.gateway import metrics

V = TypeVar("V")

# Stands for "the source has no such key" in L2, where None means "not cached".
_ABSENT = b"\x00"


class Layered(Generic[V]):
    def __init__(
        self,
        name: str,
        load: Callable[[str], Awaitable[V | None]],
        *,
        l1_size: int,
        l1_seconds: float,
        l2: tuple[Redis, str, int] | None = None,
        encode: Callable[[V], bytes] | None = None,
        decode: Callable[[bytes], V] | None = None,
    ) -> None:
        """`l2` is (client, key prefix, TTL seconds); `encode`/`decode` go with it."""
        self._load = load
        self._l1: TTLCache[str, V | None] = TTLCache(maxsize=l1_size, ttl=l1_seconds)
        self._l2 = l2
        self._encode, self._decode = encode, decode
        self._inflight: dict[str, asyncio.Future[V | None]] = {}
        self._hit_l1 = metrics.CACHE_LOOKUPS.labels(name, "l1")
        self._hit_l2 = metrics.CACHE_LOOKUPS.labels(name, "l2")
        self._miss = metrics.CACHE_LOOKUPS.labels(name, "source")

    async def get(self, key: str) -> V | None:
        try:
            value = self._l1[key]
        except KeyError:
            pass
        else:
            self._hit_l1.inc()
            return value
        pending = self._inflight.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[V | None] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            value = await self._fill(key)
        except BaseException as exc:
            future.set_exception(exc)
            # Nobody else may be waiting; retrieve it so asyncio does not log it as lost.
            future.exception()
            raise
        else:
            future.set_result(value)
            self._l1[key] = value
            return value
        finally:
            del self._inflight[key]

    async def _fill(self, key: str) -> V | None:
        if self._l2 is not None:
            redis, prefix, ttl = self._l2
            assert self._encode is not None and self._decode is not None
            # The client never decodes (create_redis), so values are bytes.
            cached = cast(bytes | None, await redis.get(f"{prefix}:{key}"))
            if cached is not None:
                self._hit_l2.inc()
                return None if cached == _ABSENT else self._decode(cached)
            self._miss.inc()
            value = await self._load(key)
            await redis.set(
                f"{prefix}:{key}", _ABSENT if value is None else self._encode(value), ex=ttl
            )
            return value
        self._miss.inc()
        return await self._load(key)

    def forget(self, key: str) -> None:
        self._l1.pop(key, None)
