"""Plan limits: metered requests are counted per partner, module and month; over the limit the
API answers 429 with the limit and when it resets, and counts nothing more."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from reach.api.app import Services, create_app
from reach.api.envelope import ApiError
from reach.api.services.usage import UsageMeter, period
from reach.api.tenancy import Plan, Tenant
from reach.common.probes import Readiness

from .conftest import Tenants

pytestmark = pytest.mark.service


@pytest.fixture
async def limited(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    meter = UsageMeter(services.usage.repository, {"FREE": {"leaderboard": 3}})
    app: FastAPI = create_app(Services(**{**services.__dict__, "usage": meter}), Readiness())
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://api"
    ) as client:
        yield client


async def test_over_the_limit_is_429_with_limit_and_reset(
    limited: httpx.AsyncClient, tenants: Tenants
) -> None:
    free = tenants.headers(tenants.free, "FREE")
    url = "/leaderboard-service/api/leaderboard/instagram"
    # A Leaderboard resource's ranking counts against the same module.
    ranking = "/leaderboard-service/api/leaderboards/not-synced-yet"
    answers = [(await limited.get(url, headers=free)).status_code for _ in range(2)]
    answers += [(await limited.get(ranking, headers=free)).status_code for _ in range(2)]
    answers += [(await limited.get(url, headers=free)).status_code]
    assert answers == [200, 200, 404, 429, 429]
    refused = await limited.get(url, headers=free)
    error = refused.json()["error"]
    _, reset = period(datetime.now(UTC))
    assert error["code"] == "LIMIT_EXCEEDED"
    assert error["details"] == {"module": "leaderboard", "limit": 3, "reset_at": reset.isoformat()}
    assert int(refused.headers["retry-after"]) > 0

    usage = await limited.get("/usage-service/api/usage", headers=free)
    assert [(u["module"], u["used"], u["limit"]) for u in usage.json()["data"]] == [
        ("leaderboard", 3, 3)
    ]
    # Another partner, and a plan without a limit, are not affected.
    pro = tenants.headers(tenants.pro, "PRO")
    assert [(await limited.get(url, headers=pro)).status_code for _ in range(5)] == [200] * 5


def test_periods_are_calendar_months() -> None:
    start, end = period(datetime(2026, 12, 31, 23, 59, tzinfo=UTC))
    assert (start, end) == (datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


async def test_replicas_share_the_count_through_postgresql(
    services: Services, tenants: Tenants
) -> None:
    limits = {"FREE": {"discovery": 3}}
    first = UsageMeter(services.usage.repository, limits)
    second = UsageMeter(services.usage.repository, limits)
    tenant = Tenant(partner_id=tenants.free, plan=Plan.FREE)
    await first.charge(tenant, "discovery")
    await first.charge(tenant, "discovery")
    await first.flush()
    # A replica that starts now reads what the first one wrote before admitting anything.
    await second.charge(tenant, "discovery")
    with pytest.raises(ApiError) as refused:
        await second.charge(tenant, "discovery")
    assert refused.value.status == 429
    # The first replica learns of the second's request at its next flush.
    await second.flush()
    await first.flush()
    with pytest.raises(ApiError):
        await first.charge(tenant, "discovery")
    used = await first.current(tenant)
    assert [(u.module, u.used, u.limit) for u in used] == [("discovery", 3, 3)]


async def test_counts_are_written_when_the_flusher_stops(
    services: Services, tenants: Tenants, pool: asyncpg.Pool
) -> None:
    meter = UsageMeter(services.usage.repository, {})
    flusher = asyncio.create_task(meter.run(interval=3600))
    for _ in range(4):
        await meter.charge(Tenant(partner_id=tenants.pro, plan=Plan.PRO), "leaderboard")
    flusher.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await flusher
    stored = await pool.fetchval(
        "SELECT usage_count FROM partner_usage WHERE partner_id = $1", tenants.pro
    )
    assert stored == 4
