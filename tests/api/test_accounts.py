"""An Instagram profile's summary and monthly stats (discovery): the daily marts, shaped as dbt
builds them in ClickHouse, synced into PostgreSQL by their declared syncs into the tables the
migrations create, and served, gated by plan; an unknown profile, or any before the first sync,
is a 404 naming it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from reach.pipelines.definitions import INSTA_ACCOUNT_MONTHLY, INSTA_ACCOUNT_SUMMARY

from .conftest import BuiltMart, Tenants, answered, refused

pytestmark = pytest.mark.service
URL = "/discovery-service/api/profile/instagram"

# The marts' ClickHouse columns as dbt builds them, with rows for two profiles; `ig-new` has
# a summary but has not been observed in any month yet.
MARTS: dict[str, BuiltMart] = {
    "mart_insta_account_summary": (
        "profile_id String, handle Nullable(String), category Nullable(String),"
        " language Nullable(String), country Nullable(String), followers Nullable(Int64),"
        " engagement_rate Nullable(Float64), engagement_grade Nullable(String),"
        " followers_rank UInt64, engagement_rate_rank Nullable(UInt64), recent_posts UInt64,"
        " recent_reels UInt64, reach_rate Nullable(Float64), latest_month Nullable(Date),"
        " latest_month_followers_gained Nullable(Int64),"
        " latest_month_followers_growth Nullable(Float64)",
        "('ig-asha', 'asha.cooks', 'food', 'en', 'IN', 12000, 3.5, 'A', 7, 3, 9, 4, 21.5,"
        " '2026-11-01', 2000, 0.2),"
        " ('ig-new', 'new.one', NULL, NULL, NULL, 50, NULL, NULL, 900, NULL, 0, 0, NULL, NULL,"
        " NULL, NULL)",
    ),
    "mart_insta_account_monthly": (
        "profile_id String, month Date, followers Nullable(Int64), following Nullable(Int64),"
        " media_count Nullable(Int64), previous_month_followers Nullable(Int64),"
        " posts_published UInt64, avg_likes Nullable(Float64), avg_comments Nullable(Float64),"
        " followers_gained Nullable(Int64), followers_growth Nullable(Float64),"
        " engagement_rate Nullable(Float64)",
        "('ig-asha', '2026-09-01', 9000, 300, 80, NULL, 0, NULL, NULL, NULL, NULL, NULL),"
        " ('ig-asha', '2026-10-01', 10000, 310, 85, 9000, 5, 300, 50, 1000, 0.1111, 3.5),"
        " ('ig-asha', '2026-11-01', 12000, 320, 90, 10000, 5, 360, 60, 2000, 0.2, 3.5)",
    ),
}


@pytest.fixture
async def synced(sync_marts: Callable[..., Any]) -> None:
    await sync_marts(MARTS, INSTA_ACCOUNT_SUMMARY, INSTA_ACCOUNT_MONTHLY)


@pytest.mark.usefixtures("synced")
async def test_the_summary_is_served_with_reach_for_pro_plans(
    client: httpx.AsyncClient, tenants: Tenants
) -> None:
    pro = await client.get(f"{URL}/ig-asha/summary", headers=tenants.headers(tenants.pro, "PRO"))
    assert pro.status_code == 200, pro.text
    assert pro.json()["data"] == {
        "profile_id": "ig-asha",
        "handle": "asha.cooks",
        "category": "food",
        "language": "en",
        "country": "IN",
        "followers": 12000,
        "engagement_rate": 3.5,
        "engagement_grade": "A",
        "followers_rank": 7,
        "engagement_rate_rank": 3,
        "recent_posts": 9,
        "recent_reels": 4,
        "reach_rate": 21.5,
        "latest_month": "2026-11-01",
        "latest_month_followers_gained": 2000,
        "latest_month_followers_growth": 0.2,
    }
    free = await client.get(f"{URL}/ig-asha/summary", headers=tenants.headers(tenants.free, "FREE"))
    assert free.status_code == 200, free.text
    assert free.json()["data"] == {**pro.json()["data"], "reach_rate": None}
    new = await client.get(f"{URL}/ig-new/summary", headers=tenants.headers(tenants.pro, "PRO"))
    assert new.json()["data"]["latest_month"] is None


@pytest.mark.usefixtures("synced")
async def test_monthly_stats_are_the_latest_months_oldest_first(
    client: httpx.AsyncClient, tenants: Tenants
) -> None:
    headers = tenants.headers(tenants.free, "FREE")
    months = await answered(client, f"{URL}/ig-asha/monthly-stats", headers)
    assert [(m["month"], m["followers"], m["followers_gained"]) for m in months] == [
        ("2026-09-01", 9000, None),
        ("2026-10-01", 10000, 1000),
        ("2026-11-01", 12000, 2000),
    ]
    assert months[2] == {
        "month": "2026-11-01",
        "followers": 12000,
        "following": 320,
        "media_count": 90,
        "previous_month_followers": 10000,
        "followers_gained": 2000,
        "followers_growth": 0.2,
        "posts_published": 5,
        "avg_likes": 360.0,
        "avg_comments": 60.0,
        "engagement_rate": 3.5,
    }
    latest = await client.get(f"{URL}/ig-asha/monthly-stats", params={"months": 2}, headers=headers)
    assert [m["month"] for m in latest.json()["data"]] == ["2026-10-01", "2026-11-01"]
    unobserved = await client.get(f"{URL}/ig-new/monthly-stats", headers=headers)
    assert (unobserved.status_code, unobserved.json()["data"]) == (200, [])
    for path in ("summary", "monthly-stats"):
        await refused(client, f"{URL}/ig-nobody/{path}", headers, 404)


async def test_before_the_first_sync_every_profile_is_404_and_a_bad_month_count_422(
    client: httpx.AsyncClient, tenants: Tenants
) -> None:
    headers = tenants.headers(tenants.pro, "PRO")
    for path in ("summary", "monthly-stats"):
        unknown = await refused(client, f"{URL}/ig-nobody/{path}", headers, 404)
        assert unknown["message"] == "account stats of instagram profile ig-nobody not found"
    too_many = await refused(client, f"{URL}/ig-nobody/monthly-stats", headers, 422, months=0)
    assert too_many["fields"][0]["field"] == "query.months"
