"""Redis clients (redis.asyncio) for rate limits, sessions and the profile cache."""

from __future__ import annotations

from redis.asyncio import Redis

from reach.common.settings import StoreSettings


def create_redis(settings: StoreSettings, *, max_connections: int = 64) -> Redis:
    """A pooled client; `decode_responses` stays off so cached payloads round-trip as bytes."""
    return Redis.from_url(
        str(settings.redis_url),
        max_connections=max_connections,
        health_check_interval=30,
        socket_connect_timeout=5,
    )
