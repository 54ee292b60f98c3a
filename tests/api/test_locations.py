"""The posts tagged at an Instagram location (content): the place's engagement from the daily
mart_post_location, shaped as dbt builds it, synced into PostgreSQL by its declared sync into
the table migration 0012 creates, and a page of the posts stored at the place; the engagement
rate is for PRO plans; an unknown place, or any before the first sync, is a 404 naming it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from reach.pipelines.definitions import POST_LOCATION

from .conftest import BuiltMart, Tenants, answered, refused

pytestmark = pytest.mark.service
URL = "/content-service/api/locations"
MUMBAI = "213000000"
MART: BuiltMart = (
    "location_id String, location_name Nullable(String), location_lat Nullable(Float64),"
    " location_lng Nullable(Float64), posts UInt64, creators UInt64, likes Nullable(Int64),"
    " comments Nullable(Int64), avg_likes Nullable(Float64), avg_comments Nullable(Float64),"
    " engagement_rate Nullable(Float64), latest_post_at Nullable(DateTime64(6, 'UTC'))",
    f"('{MUMBAI}', 'Mumbai', 19.07609, 72.877426, 3, 2, 75, 3, 25, 1, 1.95,"
    " '2026-11-30 09:00:00'),"
    " ('213000008', 'London', 51.507351, -0.127758, 1, 1, NULL, NULL, NULL, NULL, NULL, NULL)",
)


@pytest.fixture
async def synced(sync_marts: Callable[..., Any], add_post: Callable[..., Any]) -> None:
    await sync_marts({"mart_post_location": MART}, POST_LOCATION)
    now = datetime.now(UTC)
    for i, (profile_id, likes) in enumerate((("ig-asha", 5), ("ig-asha", 50), ("ig-ravi", 20))):
        await add_post(
            f"Cplace{i}",
            profile_id,
            likes=likes,
            publish_time=now - timedelta(days=i),
            location_id=MUMBAI,
            location_name="Mumbai",
        )
    await add_post("Celsewhere", "ig-asha", location_id="213000008")
    await add_post("Cnowhere", "ig-asha")


@pytest.mark.usefixtures("synced")
async def test_a_place_and_its_posts_with_the_engagement_rate_for_pro_plans(
    client: httpx.AsyncClient, tenants: Tenants
) -> None:
    pro = tenants.headers(tenants.pro, "PRO")
    data = await answered(client, f"{URL}/{MUMBAI}/posts", pro, sort="likes", size=2)
    assert data["location"] == {
        "location_id": MUMBAI,
        "location_name": "Mumbai",
        "location_lat": 19.07609,
        "location_lng": 72.877426,
        "posts": 3,
        "creators": 2,
        "likes": 75,
        "comments": 3,
        "avg_likes": 25.0,
        "avg_comments": 1.0,
        "engagement_rate": 1.95,
        "latest_post_at": "2026-11-30T09:00:00Z",
    }
    assert [(p["shortcode"], p["likes"]) for p in data["posts"]["results"]] == [
        ("Cplace1", 50),
        ("Cplace2", 20),
    ]
    assert data["posts"]["page"] == {"offset": 0, "size": 2, "total": 3}
    free = await answered(client, f"{URL}/{MUMBAI}/posts", tenants.headers(tenants.free, "FREE"))
    assert free["location"] == {**data["location"], "engagement_rate": None}
    assert [p["shortcode"] for p in free["posts"]["results"]] == ["Cplace0", "Cplace1", "Cplace2"]
    quiet = await answered(client, f"{URL}/213000008/posts", pro)
    assert quiet["location"]["likes"] is None
    assert [p["shortcode"] for p in quiet["posts"]["results"]] == ["Celsewhere"]
    await refused(client, f"{URL}/1/posts", pro, 404)


async def test_before_the_first_sync_a_place_is_404_and_a_bad_id_422_naming_it(
    client: httpx.AsyncClient, tenants: Tenants
) -> None:
    headers = tenants.headers(tenants.pro, "PRO")
    unknown = await refused(client, f"{URL}/{MUMBAI}/posts", headers, 404)
    assert unknown["message"] == f"location {MUMBAI} not found"
    for bad in ("mumbai", "1" * 21):
        error = await refused(client, f"{URL}/{bad}/posts", headers, 422)
        assert error["fields"][0]["field"] == "path.location_id"
