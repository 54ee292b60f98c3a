"""A real gateway process (`reach gateway serve`) in front of a real upstream process, over
real Redis and a PostgreSQL database of its own, shared by a test module: starting the gateway
is the slow part. Partners are made per test, so tests don't see each other's."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from unittest import mock

import asyncpg
import httpx
import pytest
import redis

from reach.common.settings import StoreSettings
from reach.gateway.sessions import open_session
from reach.gateway.settings import GatewaySettings
from reach.testing.ports import free_port
from reach.testing.postgres import new_database
from reach.testing.processes import REACH, served

from .keys import SECRET

SIGNING = "gateway-signing-secret"


@dataclass(frozen=True)
class Gateway:
    url: str
    env: dict[str, str]
    dsn: str

    def settings(self) -> GatewaySettings:
        """What the gateway process reads, read the same way (from its environment)."""
        with mock.patch.dict(os.environ, self.env):
            return GatewaySettings()

    def partner(self, plan: str = "PRO", status: str = "ACTIVE") -> int:
        async def insert() -> int:
            conn = await asyncpg.connect(self.dsn)
            try:
                found: int = await conn.fetchval(
                    "INSERT INTO partner (name, plan_type, status) VALUES ($1, $2, $3) "
                    "RETURNING id",
                    f"brand-{uuid.uuid4().hex[:6]}",
                    plan,
                    status,
                )
                return found
            finally:
                await conn.close()

        return asyncio.run(insert())

    def token(self, partner_id: int, plan: str | None = None, ttl: int | None = None) -> str:
        _, token = asyncio.run(open_session(self.settings(), partner_id, "user-1", plan, ttl))
        return token

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)


@pytest.fixture(scope="module")
def gateway_database(base_settings: StoreSettings, postgres_template: str) -> Iterator[str]:
    with new_database(str(base_settings.postgres_dsn), postgres_template, "reach_gateway") as dsn:
        yield dsn


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    port = free_port()
    with served(
        [sys.executable, "-m", "reach.testing.upstream", "--port", str(port)],
        {},
        f"http://127.0.0.1:{port}/content-service/ready",
    ):
        yield f"http://127.0.0.1:{port}"


def gateway_env(dsn: str, redis_url: str, upstream_url: str, **overrides: str) -> dict[str, str]:
    return {
        "REACH_POSTGRES_DSN": dsn,
        "REACH_REDIS_URL": redis_url,
        "REACH_GATEWAY_UPSTREAM_URL": upstream_url,
        "REACH_GATEWAY_JWT_SECRET": SECRET,
        "REACH_GATEWAY_SIGNING_SECRET": SIGNING,
        "REACH_GATEWAY_KEY_PREFIX": f"reach-test:gateway:{uuid.uuid4().hex[:10]}",
        # Short TTLs so revocation and suspension show within a test.
        "REACH_GATEWAY_L1_SECONDS": "0.3",
        "REACH_GATEWAY_L2_SECONDS": "1",
        "REACH_GATEWAY_UPSTREAM_RESPONSE_SECONDS": "1",
        "REACH_GATEWAY_CORS_ORIGINS": '["https://app.reach.io", "https://*.brands.example"]',
        "REACH_GATEWAY_ASSETS_DIR": tempfile.mkdtemp(prefix="reach-gateway-assets-"),
        "REACH_GATEWAY_DASHBOARD_DIR": tempfile.mkdtemp(prefix="reach-gateway-dashboard-"),
        **overrides,
    }


@contextmanager
def running_gateway(env: dict[str, str]) -> Iterator[Gateway]:
    port = free_port()
    try:
        with served(
            [REACH, "gateway", "serve", "--port", str(port)],
            env,
            f"http://127.0.0.1:{port}/readyz",
        ):
            yield Gateway(f"http://127.0.0.1:{port}", env, env["REACH_POSTGRES_DSN"])
    finally:
        with redis.Redis.from_url(env["REACH_REDIS_URL"]) as client:
            keys = list(client.scan_iter(f"{env['REACH_GATEWAY_KEY_PREFIX']}:*", count=10_000))
            if keys:
                client.delete(*keys)


@pytest.fixture(scope="module")
def gateway(
    base_settings: StoreSettings, gateway_database: str, upstream: str
) -> Iterator[Gateway]:
    env = gateway_env(gateway_database, str(base_settings.redis_url), upstream)
    with running_gateway(env) as running:
        yield running


@pytest.fixture
def pro_token(gateway: Gateway) -> str:
    return gateway.token(gateway.partner("PRO"))
