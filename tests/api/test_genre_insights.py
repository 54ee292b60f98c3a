"""genre insights: the genre overview mart in ClickHouse, sorted and paged, and a genre's
trending posts (its creators' most engaging recent posts)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from clickhouse_connect.driver.client import Client

from reach.api.settings import ApiSettings

from .conftest import Tenants

pytestmark = pytest.mark.service
URL = "/genre-insights-service/api/genre"


async def test_overview_sorted_paged_and_one_genre(
    client: httpx.AsyncClient, tenants: Tenants, marts: Client, api_settings: ApiSettings
) -> None:
    marts.insert(
        f"{api_settings.analytics_database}.mart_genre_overview",
        [
            ["instagram", "Food", 30, 9000, 2.5, 2.0, ["ig-1", "ig-2"]],
            ["instagram", "Travel", 10, 50000, None, None, ["ig-3"]],
            ["instagram", "Tech", 20, 100, float("nan"), 1.0, []],
            ["youtube", "Food", 99, 1, 1.0, 1.0, []],
        ],
    )
    headers = tenants.headers(tenants.free, "FREE")
    by_creators = await client.get(URL + "/instagram", params={"size": 2}, headers=headers)
    assert by_creators.status_code == 200, by_creators.text
    data = by_creators.json()["data"]
    assert [g["category"] for g in data["results"]] == ["Food", "Tech"]
    assert data["page"]["total"] == 3
    assert data["results"][1]["avg_engagement_rate"] is None
    by_followers = await client.get(
        URL + "/instagram", params={"sort": "total_followers", "order": "asc"}, headers=headers
    )
    assert [g["category"] for g in by_followers.json()["data"]["results"]] == [
        "Tech",
        "Food",
        "Travel",
    ]
    food = await client.get(URL + "/instagram/food", headers=headers)
    assert food.json()["data"]["top_profile_ids"] == ["ig-1", "ig-2"]
    assert (await client.get(URL + "/instagram/Opera", headers=headers)).status_code == 404


async def test_trending_posts_of_a_genre(
    client: httpx.AsyncClient,
    tenants: Tenants,
    add_instagram: Callable[..., Any],
    add_post: Callable[..., Any],
) -> None:
    await add_instagram("chef", category="Food")
    await add_instagram("nomad", category="Travel")
    old = datetime.now(UTC) - timedelta(days=30)
    await add_post("Cfood01", "ig-chef", likes=10, comments=5)
    await add_post("Cfood02", "ig-chef", likes=100, comments=0)
    await add_post("Cfoodold", "ig-chef", likes=10_000, publish_time=old)
    await add_post("Ctravel1", "ig-nomad", likes=5_000)
    response = await client.get(
        URL + "/instagram/food/trending", headers=tenants.headers(tenants.free, "FREE")
    )
    assert response.status_code == 200, response.text
    assert [p["shortcode"] for p in response.json()["data"]["results"]] == ["Cfood02", "Cfood01"]
    bad = await client.get(
        URL + "/instagram/food/trending",
        params={"days": 0},
        headers=tenants.headers(tenants.free, "FREE"),
    )
    assert bad.json()["error"]["fields"][0]["field"] == "query.days"
