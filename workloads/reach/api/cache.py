"""Hot profiles: an in-process L1 (bounded, TTL) over a Redis L2 shared by the replicas.

Invalidation must never lose to a fill that read PostgreSQL before the update. Each key has a
generation counter in Redis: an update bumps it, an L2 entry records the generation it was read
at and is a miss once they differ, and a fill only enters L1 if the generation it started from
is still current. The bump is awaited before L1 drops the key, so a fill that checks the
generation between the two is dropped too.

Redis away degrades the cache, not the API: a lookup misses (L1 still answers) and reads
PostgreSQL, and nothing enters L1 because no fill can check its generation. An invalidation
that cannot reach Redis still drops L1 and then fails, so its message is retried.
"""

from __future__ import annotations

import json
import logging

from cachetools import TTLCache
from redis.asyncio import Redis
from redis.exceptions import RedisError

from reach.api.models import Profile

log = logging.getLogger(__name__)

# The generation a lookup carries when Redis could not be asked: no fill enters L1 with it.
UNKNOWN_GENERATION = -2


def profile_key(platform: str, handle: str) -> str:
    return f"{platform}:{handle.lower()}"


class ProfileCache:
    def __init__(
        self, redis: Redis, prefix: str, *, l1_size: int, l1_seconds: float, l2_seconds: int
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._l1: TTLCache[str, Profile] = TTLCache(maxsize=l1_size, ttl=l1_seconds)
        self._l2_seconds = l2_seconds

    def _keys(self, key: str) -> tuple[str, str]:
        return f"{self._prefix}:profile:{key}", f"{self._prefix}:profile-gen:{key}"

    async def get(self, key: str) -> tuple[Profile | None, int]:
        """The cached profile (or None) and the generation a fill on a miss must carry."""
        hit = self._l1.get(key)
        if hit is not None:
            return hit, -1
        value_key, gen_key = self._keys(key)
        try:
            raw, gen_raw = await self._redis.mget(value_key, gen_key)
        except (RedisError, OSError) as exc:
            log.warning("profile cache degraded to PostgreSQL: %s", exc)
            return None, UNKNOWN_GENERATION
        generation = int(gen_raw or 0)
        if raw is not None:
            stored = json.loads(raw)
            if stored["gen"] == generation:
                profile = Profile.model_validate(stored["profile"])
                self._l1[key] = profile
                return profile, generation
        return None, generation

    async def fill(self, key: str, generation: int, profile: Profile) -> None:
        if generation == UNKNOWN_GENERATION:
            return
        value_key, gen_key = self._keys(key)
        body = json.dumps({"gen": generation, "profile": profile.model_dump(mode="json")})
        # One round trip: the generation is read after the write, as the ordering needs.
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.set(value_key, body, ex=self._l2_seconds)
                pipe.get(gen_key)
                _, current = await pipe.execute()
        except (RedisError, OSError) as exc:  # went away since the lookup: L1 stays out of it
            log.warning("profile cache fill skipped: %s", exc)
            return
        if int(current or 0) == generation:
            self._l1[key] = profile

    async def invalidate(self, key: str) -> None:
        value_key, gen_key = self._keys(key)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(gen_key)
                pipe.expire(gen_key, max(self._l2_seconds * 2, 3600))
                pipe.delete(value_key)
                await pipe.execute()
        finally:
            self._l1.pop(key, None)

    def __contains__(self, key: str) -> bool:
        return key in self._l1
