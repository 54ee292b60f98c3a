"""activity tracker: records per partner, filtered and paged back; unknown fields refused."""

from __future__ import annotations

import httpx
import pytest

from .conftest import Tenants

pytestmark = pytest.mark.service
URL = "/activity-service/api/activity"


async def test_records_are_per_partner(client: httpx.AsyncClient, tenants: Tenants) -> None:
    mine = tenants.headers(tenants.pro, "PRO")
    for kind in ("search", "export", "search"):
        created = await client.post(
            URL, json={"activity_type": kind, "entity_id": "ig-1", "user_id": 7}, headers=mine
        )
        assert created.status_code == 201, created.text
    searches = await client.get(URL, params={"activity_type": "search"}, headers=mine)
    assert [a["activity_type"] for a in searches.json()["data"]["results"]] == [
        "search",
        "search",
    ]
    theirs = await client.get(URL, headers=tenants.headers(tenants.other, "PRO"))
    assert theirs.json()["data"]["page"]["total"] == 0
    bad = await client.post(URL, json={"activity_type": "x", "role": "admin"}, headers=mine)
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "body.role"
