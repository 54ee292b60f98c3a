"""Tenancy: the gateway's headers are required, unknown or suspended partners are refused, and
one partner never sees another's data."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx
import pytest

from .conftest import Tenants

pytestmark = pytest.mark.service


async def test_requests_without_the_gateway_headers_are_refused(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/profile-collection-service/api/collection")
    assert response.status_code == 422
    fields = {f["field"] for f in response.json()["error"]["fields"]}
    assert fields == {"header.x-bb-partner-id", "header.x-bb-plan-type"}


async def test_unknown_and_suspended_partners_are_forbidden(
    client: httpx.AsyncClient, tenants: Tenants, pool: asyncpg.Pool
) -> None:
    unknown = await client.get(
        "/profile-collection-service/api/collection", headers=tenants.headers(999_999, "PRO")
    )
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (403, "UNKNOWN_PARTNER")
    await pool.execute("UPDATE partner SET status = 'SUSPENDED' WHERE id = $1", tenants.other)
    suspended = await client.get(
        "/profile-collection-service/api/collection",
        headers=tenants.headers(tenants.other, "PRO"),
    )
    assert (suspended.status_code, suspended.json()["error"]["code"]) == (
        403,
        "PARTNER_SUSPENDED",
    )


# Each partner-owned resource, a body creating one, and the item routes it has.
OWNED = [
    ("/profile-collection-service/api/collection", {"name": "Q4"}, True),
    ("/post-collection-service/api/collection", {"name": "Q4"}, True),
    ("/collection-group-service/api/group", {"name": "Q4"}, False),
    (
        "/keyword-collection-service/api/collection",
        {"name": "Q4", "platform": "youtube", "keywords": ["diwali"]},
        False,
    ),
]


@pytest.mark.parametrize(("prefix", "body", "has_items"), OWNED, ids=[o[0] for o in OWNED])
async def test_another_partners_resource_is_invisible(
    client: httpx.AsyncClient,
    tenants: Tenants,
    prefix: str,
    body: dict[str, Any],
    has_items: bool,
) -> None:
    mine = tenants.headers(tenants.pro, "PRO")
    theirs = tenants.headers(tenants.other, "PRO")
    created = await client.post(prefix, json=body, headers=mine)
    assert created.status_code == 201, created.text
    base = f"{prefix}/{created.json()['data']['id']}"
    attempts: list[tuple[str, str, Any]] = [
        ("GET", base, None),
        ("PATCH", base, {"name": "stolen"}),
        ("DELETE", base, None),
    ]
    if has_items:
        item = {"platform": "youtube", "post_shortcode": "abcdef", "platform_profile_id": "x"}
        if "post-collection" in prefix:
            del item["platform_profile_id"]
        else:
            del item["post_shortcode"]
        attempts += [("GET", f"{base}/items", None), ("POST", f"{base}/items", {"items": [item]})]
    for method, url, payload in attempts:
        response = await client.request(method, url, json=payload, headers=theirs)
        assert response.status_code == 404, (method, url, response.text)
        assert response.json()["error"]["code"] == "NOT_FOUND"
    listed = await client.get(prefix, headers=theirs)
    assert listed.json()["data"]["results"] == []
    still = await client.get(base, headers=mine)
    assert still.json()["data"]["name"] == "Q4"
    if has_items:
        mine_items = await client.post(f"{base}/items", json={"items": [item]}, headers=mine)
        assert mine_items.status_code == 201, mine_items.text
