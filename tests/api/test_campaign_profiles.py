"""campaign profiles: creators in the partner's CAMPAIGN collections, largest first, with the
collections holding them; plan-gated fields; other partners' campaigns invisible."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from .conftest import Tenants

pytestmark = pytest.mark.service
URL = "/campaign-profile-service/api/profiles/instagram"
COLLECTIONS = "/profile-collection-service/api/collection"


async def _collection(
    client: httpx.AsyncClient, headers: dict[str, str], source: str, ids: list[str]
) -> int:
    created = await client.post(
        COLLECTIONS, json={"name": source, "source": source}, headers=headers
    )
    collection_id: int = created.json()["data"]["id"]
    items = [{"platform": "instagram", "platform_profile_id": i} for i in ids]
    await client.post(
        f"{COLLECTIONS}/{collection_id}/items", json={"items": items}, headers=headers
    )
    return collection_id


async def test_campaign_creators_largest_first(
    client: httpx.AsyncClient, tenants: Tenants, add_instagram: Callable[..., Any]
) -> None:
    await add_instagram("small", followers=10)
    await add_instagram("big", followers=10_000)
    await add_instagram("saas.only", followers=99_999)
    pro = tenants.headers(tenants.pro, "PRO")
    first = await _collection(client, pro, "CAMPAIGN", ["ig-small", "ig-big", "ig-unscraped"])
    second = await _collection(client, pro, "CAMPAIGN", ["ig-big"])
    await _collection(client, pro, "SAAS", ["ig-saas.only"])
    await _collection(client, tenants.headers(tenants.other, "PRO"), "CAMPAIGN", ["ig-small"])

    response = await client.get(URL, headers=pro)
    assert response.status_code == 200, response.text
    results = response.json()["data"]["results"]
    assert [(r["platform_profile_id"], r["collection_ids"]) for r in results] == [
        ("ig-big", [first, second]),
        ("ig-small", [first]),
        ("ig-unscraped", [first]),
    ]
    assert results[0]["profile"]["audience_gender"] == {"female": 0.6, "male": 0.4}
    assert results[2]["profile"] is None

    free = await client.get(URL, headers=tenants.headers(tenants.free, "FREE"))
    assert free.json()["data"]["results"] == []
    await _collection(client, tenants.headers(tenants.free, "FREE"), "CAMPAIGN", ["ig-big"])
    gated = await client.get(URL, headers=tenants.headers(tenants.free, "FREE"))
    profile = gated.json()["data"]["results"][0]["profile"]
    assert profile["followers"] == 10_000 and profile["audience_gender"] is None
    bad = await client.get(URL.replace("instagram", "tiktok"), headers=pro)
    assert bad.json()["error"]["fields"][0]["field"] == "path.platform"
