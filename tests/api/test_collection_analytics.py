"""collection analytics: a post collection's totals from the synced post metrics (posts hidden
from reports left out) and its daily series from the ClickHouse mart; only the partner's own."""

from __future__ import annotations

from datetime import UTC, date, datetime

import asyncpg
import httpx
import pytest
from clickhouse_connect.driver.client import Client

from reach.api.envelope import ApiError
from reach.api.repositories.analytics import ClickHouse
from reach.api.settings import ApiSettings

from .conftest import Tenants

pytestmark = pytest.mark.service
URL = "/collection-analytics-service/api/collection"


async def _collection(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    created = await client.post(
        "/post-collection-service/api/collection", json={"name": "launch"}, headers=headers
    )
    collection_id: int = created.json()["data"]["id"]
    items = [
        {"platform": "instagram", "post_shortcode": "Cshown1"},
        {"platform": "instagram", "post_shortcode": "Cshown2"},
        {"platform": "instagram", "post_shortcode": "Chidden", "show_in_report": False},
    ]
    added = await client.post(
        f"/post-collection-service/api/collection/{collection_id}/items",
        json={"items": items},
        headers=headers,
    )
    assert added.status_code == 201, added.text
    return collection_id


async def test_summary_counts_the_reported_posts(
    client: httpx.AsyncClient, tenants: Tenants, pool: asyncpg.Pool
) -> None:
    headers = tenants.headers(tenants.pro, "PRO")
    collection_id = await _collection(client, headers)
    await pool.executemany(
        "INSERT INTO collection_post_metrics (collection_id, platform, post_shortcode, likes,"
        " comments, views, reach, engagement_rate, publish_time)"
        " VALUES ($1, 'instagram', $2, $3, 10, 1000, $4, $5, $6)",
        [
            (collection_id, "Cshown1", 100, 500, 0.02, datetime(2026, 10, 1, tzinfo=UTC)),
            (collection_id, "Cshown2", 300, 700, 0.04, datetime(2026, 10, 3, tzinfo=UTC)),
            (collection_id, "Chidden", 9999, 9999, 0.9, datetime(2026, 10, 2, tzinfo=UTC)),
        ],
    )
    response = await client.get(f"{URL}/{collection_id}/summary", headers=headers)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert (data["posts"], data["likes"], data["comments"], data["reach"]) == (2, 400, 20, 1200)
    assert data["avg_engagement_rate"] == pytest.approx(0.03)
    assert data["first_post_at"].startswith("2026-10-01")

    theirs = await client.get(
        f"{URL}/{collection_id}/summary", headers=tenants.headers(tenants.other, "PRO")
    )
    assert theirs.status_code == 404


async def test_daily_series_from_clickhouse(
    client: httpx.AsyncClient,
    tenants: Tenants,
    marts: Client,
    api_settings: ApiSettings,
) -> None:
    headers = tenants.headers(tenants.pro, "PRO")
    collection_id = await _collection(client, headers)
    marts.insert(
        f"{api_settings.analytics_database}.mart_collection_post_time_series",
        [
            [collection_id, "instagram", "Cshown1", date(2026, 10, 1), 10, 1, None, 0, 5, 0, 0],
            [collection_id, "instagram", "Cshown2", date(2026, 10, 1), 20, 2, 7, 0, 5, 0, 0],
            [collection_id, "instagram", "Cshown1", date(2026, 10, 2), 15, 1, 3, 0, 6, 1, 1],
            [collection_id + 1, "instagram", "Cx", date(2026, 10, 2), 99, 9, 9, 9, 9, 9, 9],
        ],
    )
    response = await client.get(
        f"{URL}/{collection_id}/time-series",
        params={"since": "2026-09-01", "until": "2026-10-31"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    days = response.json()["data"]
    assert [(d["date"], d["posts"], d["likes"], d["views"]) for d in days] == [
        ("2026-10-01", 2, 30, 7),
        ("2026-10-02", 1, 15, 3),
    ]


async def test_missing_marts_are_503_not_a_crash(
    client: httpx.AsyncClient, tenants: Tenants
) -> None:
    headers = tenants.headers(tenants.pro, "PRO")
    collection_id = await _collection(client, headers)
    response = await client.get(f"{URL}/{collection_id}/time-series", headers=headers)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "ANALYTICS_UNAVAILABLE"


async def test_an_unreachable_clickhouse_is_503_not_a_crash() -> None:
    def refuse() -> Client:
        raise RuntimeError("Cannot lock file: another process holds the folder")

    with pytest.raises(ApiError) as refused:
        await ClickHouse(refuse, "dbt").rows("SELECT 1", {})
    assert (refused.value.status, refused.value.code) == (503, "ANALYTICS_UNAVAILABLE")
