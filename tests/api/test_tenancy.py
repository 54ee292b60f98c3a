"""Tenancy: the gateway's headers are required, unknown or suspended partners are refused, and
one partner never sees another's data."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx
import pytest

from .conftest import Tenants

pytestmark = pytest.mark.service


async def test_requests_without_the_gateway_headers_are_unauthenticated(
    client: httpx.AsyncClient, tenants: Tenants
) -> None:
    url = "/profile-collection-service/api/collection"
    none = await client.get(url)
    no_plan = await client.get(url, headers={"x-bb-partner-id": str(tenants.pro)})
    empty = await client.get(url, headers={**tenants.headers(tenants.pro, "PRO"),
                                           "x-bb-plan-type": ""})  # fmt: skip
    for response in (none, no_plan, empty):
        assert (response.status_code, response.json()["error"]["code"]) == (401, "UNAUTHENTICATED")
    assert "x-bb-partner-id, x-bb-plan-type" in none.json()["error"]["message"]
    assert "x-bb-plan-type" in no_plan.json()["error"]["message"]


@pytest.mark.parametrize(
    "url",
    [
        "/content-service/api/post/instagram/abcdef",
        "/genre-insights-service/api/genre/youtube",
        "/social-profile-service/api/profile/instagram/ig0001/time-series",
    ],
)
async def test_routes_that_read_nothing_of_the_tenant_still_require_one(
    client: httpx.AsyncClient, url: str
) -> None:
    response = await client.get(url)
    assert (response.status_code, response.json()["error"]["code"]) == (401, "UNAUTHENTICATED")


@pytest.mark.parametrize(
    ("partner_id", "plan", "problem"),
    [
        ("abc", "PRO", "x-bb-partner-id"),
        ("0", "PRO", "x-bb-partner-id"),
        ("-4", "PRO", "x-bb-partner-id"),
        ("007", "PRO", "x-bb-partner-id"),
        ("9" * 5000, "PRO", "x-bb-partner-id"),
        (str(2**63), "PRO", "x-bb-partner-id"),
        ("\u0661", "PRO", "x-bb-partner-id"),  # a digit, but not one the gateway writes
        (None, "ENTERPRISE", "x-bb-plan-type"),
        (None, "pro", "x-bb-plan-type"),
    ],
)
async def test_headers_the_gateway_never_sets_are_forbidden(
    client: httpx.AsyncClient, tenants: Tenants, partner_id: str | None, plan: str, problem: str
) -> None:
    headers = {"x-bb-partner-id": partner_id or str(tenants.pro), "x-bb-plan-type": plan}
    response = await client.get(
        "/profile-collection-service/api/collection",
        headers={k: v.encode() for k, v in headers.items()},
    )
    assert (response.status_code, response.json()["error"]["code"]) == (403, "INVALID_TENANT")
    assert problem in response.json()["error"]["message"]


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
