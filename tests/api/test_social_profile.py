"""social profile time series: a creator's days in a range, from the synced table."""

from __future__ import annotations

from datetime import date, timedelta

import asyncpg
import httpx
import pytest

from .conftest import Tenants

pytestmark = pytest.mark.service
URL = "/social-profile-service/api/profile/instagram/ig-asha/time-series"


async def test_days_in_the_range(
    client: httpx.AsyncClient, tenants: Tenants, pool: asyncpg.Pool
) -> None:
    start = date(2026, 10, 1)
    await pool.executemany(
        "INSERT INTO social_profile_time_series (platform, profile_id, date, followers,"
        " engagement_rate) VALUES ('instagram', 'ig-asha', $1, $2, 2.5)",
        [(start + timedelta(days=i), 1000 + 10 * i) for i in range(10)],
    )
    headers = tenants.headers(tenants.free, "FREE")
    response = await client.get(
        URL, params={"since": "2026-10-03", "until": "2026-10-05"}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert [(p["date"], p["followers"]) for p in response.json()["data"]] == [
        ("2026-10-03", 1020),
        ("2026-10-04", 1030),
        ("2026-10-05", 1040),
    ]
    outside = await client.get(URL, params={"until": "2025-01-01"}, headers=headers)
    assert outside.status_code == 200 and outside.json()["data"] == []


async def test_unknown_profile_and_bad_ranges(client: httpx.AsyncClient, tenants: Tenants) -> None:
    headers = tenants.headers(tenants.free, "FREE")
    unknown = await client.get(URL.replace("ig-asha", "ig-nobody"), headers=headers)
    assert unknown.status_code == 404
    backwards = await client.get(
        URL, params={"since": "2026-10-05", "until": "2026-10-01"}, headers=headers
    )
    assert backwards.status_code == 422
    assert backwards.json()["error"]["fields"][0]["field"] == "query.since"
    too_long = await client.get(
        URL, params={"since": "2020-01-01", "until": "2026-01-01"}, headers=headers
    )
    assert too_long.status_code == 422
