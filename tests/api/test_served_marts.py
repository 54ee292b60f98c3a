"""The daily marts served as they are: a genre's trending content, a profile's linked socials,
its GPT-inferred audience and the store orders attributed to a profile collection. Each mart,
shaped as dbt builds it in ClickHouse, is synced by its declared sync into the table migration
0013 creates and served, gated by plan and metered; an unknown profile or collection is a 404
naming it, bad input a 422 naming the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from reach.pipelines.definitions import (
    AUDIENCE_INFO_GPT,
    GCC_ORDERS,
    GENRE_TRENDING_CONTENT,
    LINKED_SOCIALS,
)

from .conftest import BuiltMart, Tenants, answered

pytestmark = pytest.mark.service
GENRES = "/genre-insights-service/api/genre/instagram"
PROFILES = "/discovery-service/api/profile"

MARTS: dict[str, BuiltMart] = {
    "mart_genre_trending_content": (
        "category String, post_id String, shortcode String, profile_id String,"
        " post_type Nullable(String), likes Nullable(Int64), comments Nullable(Int64),"
        " published_at DateTime64(6, 'UTC'), handle Nullable(String), engagement_rate Float64,"
        " trend_rank UInt64",
        "('food', 'p1', 'sc1', 'ig-asha', 'reel', 900, 100, '2026-12-01 10:00:00', 'asha.cooks',"
        " 10.0, 1),"
        " ('food', 'p2', 'sc2', 'ig-ravi', 'post', 400, 100, '2026-12-02 10:00:00', 'ravi', 5.0,"
        " 2),"
        " ('food', 'p3', 'sc3', 'ig-meera', NULL, 45, 5, '2026-12-03 10:00:00', NULL, 5.0, 2),"
        " ('travel', 'p4', 'sc4', 'ig-tara', 'post', 10, 0, '2026-12-03 11:00:00', 'tara', 1.0,"
        " 1)",
    ),
    "mart_linked_socials": (
        "instagram_profile_id String, youtube_channel_id String, linked_by Array(String),"
        " instagram_handle String, youtube_handle String, instagram_followers Nullable(Int64),"
        " youtube_subscribers Nullable(Int64), combined_followers Nullable(Int64)",
        "('ig-asha', 'UCasha', ['instagram', 'youtube'], 'asha.cooks', 'ashacooks', 12000,"
        " 30000, 42000),"
        " ('ig-asha', 'UCashaclips', ['instagram'], 'asha.cooks', 'ashaclips', 12000, 500,"
        " 12500)",
    ),
    "mart_audience_info_gpt": (
        "platform String, profile_id String, male_share Nullable(Float64),"
        " female_share Nullable(Float64), age_split Map(String, Float64),"
        " country_split Map(String, Float64), top_age_group Nullable(String),"
        " top_country Nullable(String), interests Array(String),"
        " inferred_at DateTime64(6, 'UTC')",
        "('instagram', 'ig-asha', 0.3, 0.7, {'18-24': 0.25, '25-34': 0.75},"
        " {'IN': 0.9, 'AE': 0.1}, '25-34', 'IN', ['cooking', 'travel'],"
        " '2026-12-01 08:00:00'),"
        " ('youtube', 'UCempty', NULL, NULL, {}, {}, NULL, NULL, [], '2026-12-01 09:00:00')",
    ),
}


@pytest.fixture
async def synced(sync_marts: Callable[..., Any], add_instagram: Callable[..., Any]) -> None:
    await add_instagram("asha.cooks", profile_id="ig-asha")
    await add_instagram("solo", profile_id="ig-solo")
    await sync_marts(MARTS, GENRE_TRENDING_CONTENT, LINKED_SOCIALS, AUDIENCE_INFO_GPT)


async def seen(
    client: httpx.AsyncClient,
    tenants: Tenants,
    url: str,
    plan: str,
    partner: int | None = None,
    **params: Any,
) -> Any:
    """What a partner on `plan` (by default the test's partner on that plan) is served at
    `url`."""
    asking = partner or (tenants.free if plan == "FREE" else tenants.pro)
    return await answered(client, url, tenants.headers(asking, plan), **params)


@pytest.mark.usefixtures("synced")
async def test_trending_content_is_ranked_paged_and_its_rate_for_saas_and_up(
    client: httpx.AsyncClient, tenants: Tenants
) -> None:
    page = await seen(client, tenants, f"{GENRES}/Food/trending-content", "PRO")
    assert page["page"] == {"offset": 0, "size": 20, "total": 3}
    assert [(p["trend_rank"], p["post_id"]) for p in page["results"]] == [
        (1, "p1"),
        (2, "p2"),
        (2, "p3"),
    ]
    assert page["results"][0] == {
        "trend_rank": 1,
        "post_id": "p1",
        "shortcode": "sc1",
        "profile_id": "ig-asha",
        "handle": "asha.cooks",
        "post_type": "reel",
        "likes": 900,
        "comments": 100,
        "published_at": "2026-12-01T10:00:00Z",
        "engagement_rate": 10.0,
    }
    free = await seen(client, tenants, f"{GENRES}/food/trending-content", "FREE", offset=1, size=1)
    assert free["page"] == {"offset": 1, "size": 1, "total": 3}
    assert free["results"] == [{**page["results"][1], "engagement_rate": None}]
    unknown = await seen(client, tenants, f"{GENRES}/knitting/trending-content", "FREE")
    assert unknown == {"results": [], "page": {"offset": 0, "size": 20, "total": 0}}
    usage = await seen(client, tenants, "/usage-service/api/usage", "FREE")
    assert [(u["module"], u["used"]) for u in usage] == [("discovery", 2)]


@pytest.mark.usefixtures("synced")
async def test_linked_socials_from_either_side_with_the_combined_audience_for_saas_and_up(
    client: httpx.AsyncClient, tenants: Tenants
) -> None:
    channel = {"platform": "youtube", "linked_by": ["instagram", "youtube"]}
    assert await seen(client, tenants, f"{PROFILES}/instagram/ig-asha/linked-socials", "SAAS") == [
        channel | {"profile_id": "UCasha", "handle": "ashacooks", "followers": 30000}
        | {"combined_followers": 42000},
        channel | {"profile_id": "UCashaclips", "handle": "ashaclips", "followers": 500}
        | {"linked_by": ["instagram"], "combined_followers": 12500},
    ]  # fmt: skip
    assert await seen(client, tenants, f"{PROFILES}/youtube/UCasha/linked-socials", "FREE") == [
        {"platform": "instagram", "profile_id": "ig-asha", "handle": "asha.cooks"}
        | {"followers": 12000, "linked_by": ["instagram", "youtube"], "combined_followers": None}
    ]
    assert await seen(client, tenants, f"{PROFILES}/instagram/ig-solo/linked-socials", "FREE") == []
    unknown = await client.get(
        f"{PROFILES}/youtube/UCnobody/linked-socials", headers=tenants.headers(tenants.pro, "PRO")
    )
    assert unknown.status_code == 404
    assert unknown.json()["error"]["message"] == "youtube profile UCnobody not found"


@pytest.mark.usefixtures("synced")
async def test_audience_insight_tops_for_saas_and_shares_for_pro(
    client: httpx.AsyncClient, tenants: Tenants
) -> None:
    url = f"{PROFILES}/instagram/ig-asha/audience-insight"
    insight = await seen(client, tenants, url, "PRO")
    assert insight == {
        "interests": ["cooking", "travel"],
        "inferred_at": "2026-12-01T08:00:00Z",
        "top_age_group": "25-34",
        "top_country": "IN",
        "male_share": 0.3,
        "female_share": 0.7,
        "age_split": {"18-24": 0.25, "25-34": 0.75},
        "country_split": {"IN": 0.9, "AE": 0.1},
    }
    hidden = dict.fromkeys(("male_share", "female_share", "age_split", "country_split"))
    assert await seen(client, tenants, url, "SAAS") == {**insight, **hidden}
    tops = dict.fromkeys(("top_age_group", "top_country"))
    assert await seen(client, tenants, url, "FREE") == {**insight, **hidden, **tops}
    empty = await seen(client, tenants, f"{PROFILES}/youtube/UCempty/audience-insight", "PRO")
    assert (empty["age_split"], empty["top_country"]) == ({}, None)


async def test_before_the_first_sync_profiles_are_404_and_bad_input_422_naming_the_field(
    client: httpx.AsyncClient, tenants: Tenants
) -> None:
    headers = tenants.headers(tenants.pro, "PRO")
    asha = "instagram profile ig-asha not found"
    for url, status, said in (
        (f"{PROFILES}/instagram/ig-asha/audience-insight", 404, f"audience insight of {asha}"),
        (f"{PROFILES}/instagram/ig-asha/linked-socials", 404, asha),
        (f"{PROFILES}/tiktok/x/linked-socials", 422, "path.platform"),
        (f"{PROFILES}/instagram/a b/audience-insight", 422, "path.profile_id"),
        (f"{GENRES}/food/trending-content?size=0", 422, "query.size"),
    ):
        answer = await client.get(url, headers=headers)
        error = answer.json()["error"]
        named = error["fields"][0]["field"] if status == 422 else error["message"]
        assert (answer.status_code, named) == (status, said), url
    trending = await seen(client, tenants, f"{GENRES}/food/trending-content", "PRO")
    assert trending["page"]["total"] == 0
    # The two 404s and the last request are charged; the 422s never reached their route.
    usage = await seen(client, tenants, "/usage-service/api/usage", "PRO")
    assert [(u["module"], u["used"]) for u in usage] == [("discovery", 3)]


ORDERS = (
    "collection_id Int64, partner_id Int64, platform String, profile_id String,"
    " handle Nullable(String), currency String, orders UInt64, refunded_orders UInt64,"
    " revenue Float64, items Int64, first_order_at DateTime64(6, 'UTC'),"
    " last_order_at DateTime64(6, 'UTC'), avg_order_value Nullable(Float64),"
    " revenue_share Nullable(Float64)"
)


async def test_orders_of_a_profile_collection_are_its_owners_and_gated_by_plan(
    client: httpx.AsyncClient, tenants: Tenants, sync_marts: Callable[..., Any]
) -> None:
    headers = tenants.headers(tenants.pro, "PRO")
    created = [
        await client.post(
            "/profile-collection-service/api/collection", json={"name": name}, headers=headers
        )
        for name in ("shortlist", "no sales")
    ]
    shortlist, quiet = (answer.json()["data"]["id"] for answer in created)
    url = f"/collection-analytics-service/api/profile-collection/{shortlist}/orders"
    before = await seen(client, tenants, url, "PRO")
    rows = (
        f"({shortlist}, {tenants.pro}, 'instagram', 'ig-asha', 'asha.cooks', 'INR', 2, 0, 1500.5,"
        " 3, '2026-12-01 09:00:00', '2026-12-02 09:00:00', 750.25, 0.9378125),"
        f" ({shortlist}, {tenants.pro}, 'instagram', 'ig-ravi', 'ravi', 'INR', 1, 1, 0, 0,"
        " '2026-12-01 10:00:00', '2026-12-01 10:00:00', NULL, 0.0),"
        f" ({shortlist}, {tenants.pro}, 'youtube', 'UCasha', 'ashacooks', 'USD', 1, 0, 40, 3,"
        " '2026-12-03 09:00:00', '2026-12-03 09:00:00', 40, 1.0),"
        f" ({shortlist + quiet}, {tenants.other}, 'instagram', 'ig-x', 'x', 'INR', 1, 0, 5, 1,"
        " '2026-12-01 09:00:00', '2026-12-01 09:00:00', 5, 1.0)"
    )
    await sync_marts({"mart_gcc_orders": (ORDERS, rows)}, GCC_ORDERS)

    pro = await seen(client, tenants, url, "PRO")
    assert before == []
    assert [(o["currency"], o["profile_id"]) for o in pro] == [
        ("INR", "ig-asha"),
        ("INR", "ig-ravi"),
        ("USD", "UCasha"),
    ]
    assert pro[0] == {
        "platform": "instagram",
        "profile_id": "ig-asha",
        "handle": "asha.cooks",
        "currency": "INR",
        "orders": 2,
        "refunded_orders": 0,
        "first_order_at": "2026-12-01T09:00:00Z",
        "last_order_at": "2026-12-02T09:00:00Z",
        "revenue": 1500.5,
        "items": 3,
        "avg_order_value": 750.25,
        "revenue_share": 0.9378125,
    }
    assert pro[1]["avg_order_value"] is None
    saas = await seen(client, tenants, url, "SAAS")
    assert saas == [{**order, "revenue_share": None} for order in pro]
    earned = dict.fromkeys(("revenue", "items", "avg_order_value", "revenue_share"))
    free = await seen(client, tenants, url, "FREE", tenants.pro)
    assert free == [{**order, **earned} for order in pro]
    quiet_url = f"/collection-analytics-service/api/profile-collection/{quiet}/orders"
    assert await seen(client, tenants, quiet_url, "PRO") == []
    usage = await seen(client, tenants, "/usage-service/api/usage", "PRO")
    assert [(u["module"], u["used"]) for u in usage] == [("collection_analytics", 5)]

    for other_url, status, said in (
        (url, 404, f"profile collection {shortlist} not found"),
        ("/collection-analytics-service/api/profile-collection/0/orders", 422,
         "path.collection_id"),
    ):  # fmt: skip
        answer = await client.get(other_url, headers=tenants.headers(tenants.other, "PRO"))
        error = answer.json()["error"]
        named = error["fields"][0]["field"] if status == 422 else error["message"]
        assert (answer.status_code, named) == (status, said)
