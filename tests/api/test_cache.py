"""The profile cache with its Redis killed (a private redis-server, never the shared one):
lookups degrade to PostgreSQL instead of failing, an invalidation still drops L1 and fails so
its message is retried, and once Redis is back the cache fills again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg
import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from reach.api.app import Services
from reach.api.cache import profile_key
from reach.testing.redis import PrivateRedis

from .conftest import ProfileLookup

pytestmark = pytest.mark.service


@pytest.fixture
def redis(private_redis_client: Redis) -> Redis:
    """The API's services on the private Redis (overrides the conftest's shared one)."""
    return private_redis_client


async def test_lookups_degrade_to_postgresql_while_redis_is_down(
    lookup: ProfileLookup,
    add_instagram: Callable[..., Any],
    pool: asyncpg.Pool,
    services: Services,
    private_redis: PrivateRedis,
) -> None:
    await add_instagram("down.cooks", followers=10)
    key = profile_key("instagram", "down.cooks")
    cache = services.profiles.cache
    assert (await lookup("down.cooks")).json()["data"]["profile"]["followers"] == 10
    assert key in cache

    private_redis.stop()
    await pool.execute("UPDATE instagram_account SET followers = 20 WHERE handle = 'down.cooks'")
    with pytest.raises(RedisError):  # so the profile_log message is requeued, not acked
        await cache.invalidate(key)
    assert key not in cache
    answers = [await lookup("down.cooks") for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 200], answers[-1].text
    assert {a.json()["data"]["profile"]["followers"] for a in answers} == {20}
    assert key not in cache  # nothing entered L1 without its generation checked

    private_redis.start()  # a fresh, empty Redis on the same port
    assert (await lookup("down.cooks")).json()["data"]["profile"]["followers"] == 20
    assert key in cache
