"""A profile's answer carries its latest follower analysis (synced into
`follower_authenticity`), gated like the other audience fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg
import httpx
import pytest

from .conftest import Tenants

pytestmark = pytest.mark.service
URL = "/discovery-service/api/profile/instagram"


async def test_the_latest_analysis_is_served_to_pro_plans(
    client: httpx.AsyncClient,
    tenants: Tenants,
    pool: asyncpg.Pool,
    add_instagram: Callable[..., Any],
) -> None:
    await add_instagram("analysed")
    await add_instagram("not.analysed")
    await pool.execute(
        "INSERT INTO follower_authenticity VALUES ('instagram', 'ig-analysed', 900, 0.7, 0.2,"
        " 0.1, ARRAY['digits_in_handle', 'no_name_match'], '2026-11-30T10:00:00Z')"
    )
    pro = tenants.headers(tenants.pro, "PRO")
    seen = (await client.get(f"{URL}/analysed", headers=pro)).json()["data"]["profile"]
    assert seen["authenticity"] == {
        "followers_scored": 900,
        "real_share": 0.7,
        "weak_fake_share": 0.2,
        "fake_share": 0.1,
        "top_fake_reasons": ["digits_in_handle", "no_name_match"],
        "analysed_at": "2026-11-30T10:00:00Z",
    }
    free = tenants.headers(tenants.free, "FREE")
    gated = (await client.get(f"{URL}/analysed", headers=free)).json()["data"]["profile"]
    assert gated["authenticity"] is None
    none = (await client.get(f"{URL}/not.analysed", headers=pro)).json()["data"]["profile"]
    assert none["authenticity"] is None
