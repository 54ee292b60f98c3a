"""leaderboard: the synced `leaderboard` table by platform, category and language, for the
latest or a given month, with rank changes and paging."""

from __future__ import annotations

from datetime import date

import asyncpg
import httpx
import pytest

from .conftest import Tenants

pytestmark = pytest.mark.service
URL = "/leaderboard-service/api/leaderboard"


@pytest.fixture
async def board(pool: asyncpg.Pool) -> None:
    rows = []
    for month, shift in ((date(2026, 9, 1), 1), (date(2026, 10, 1), 0)):
        for i in range(6):
            category = "Food" if i % 2 else "Travel"
            rows.append(
                (
                    "instagram", f"p{i}", month, f"h{i}", category, "hi" if i < 3 else "ta",
                    1000 * (10 - i), 0.01 * i, i + 1, 6 - i, i // 2 + 1, None, None, None,
                    None, shift, None,
                )
            )  # fmt: skip
    await pool.executemany(
        "INSERT INTO leaderboard (platform, profile_id, month, handle, category, language,"
        " followers, engagement_rate, followers_rank, engagement_rate_rank,"
        " followers_rank_by_cat, engagement_rate_rank_by_cat, followers_rank_by_lang,"
        " engagement_rate_rank_by_lang, followers_rank_by_cat_lang, followers_rank_change,"
        " engagement_rate_rank_change) VALUES"
        " ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        rows,
    )


@pytest.mark.usefixtures("board")
async def test_latest_month_by_category(client: httpx.AsyncClient, tenants: Tenants) -> None:
    response = await client.get(
        f"{URL}/instagram",
        params={"category": "Food", "size": 2},
        headers=tenants.headers(tenants.free, "FREE"),
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["month"] == "2026-10-01"
    assert [(e["profile_id"], e["rank"]) for e in data["entries"]] == [("p1", 1), ("p3", 2)]
    assert data["page"]["total"] == 3


@pytest.mark.usefixtures("board")
async def test_a_given_month_overall_with_rank_change(
    client: httpx.AsyncClient, tenants: Tenants
) -> None:
    response = await client.get(
        f"{URL}/instagram",
        params={"month": "2026-09-01", "metric": "engagement_rate"},
        headers=tenants.headers(tenants.pro, "PRO"),
    )
    entries = response.json()["data"]["entries"]
    assert [e["profile_id"] for e in entries] == ["p5", "p4", "p3", "p2", "p1", "p0"]
    assert [e["rank"] for e in entries] == [1, 2, 3, 4, 5, 6]
    followers = await client.get(
        f"{URL}/instagram",
        params={"month": "2026-09-01"},
        headers=tenants.headers(tenants.pro, "PRO"),
    )
    assert {e["overall_rank_change"] for e in followers.json()["data"]["entries"]} == {1}


async def test_empty_and_unsupported_slices(client: httpx.AsyncClient, tenants: Tenants) -> None:
    headers = tenants.headers(tenants.pro, "PRO")
    empty = await client.get(f"{URL}/youtube", headers=headers)
    assert empty.status_code == 200
    assert empty.json()["data"]["entries"] == [] and empty.json()["data"]["month"] is None
    unsupported = await client.get(
        f"{URL}/instagram",
        params={"metric": "engagement_rate", "category": "Food", "language": "hi"},
        headers=headers,
    )
    assert unsupported.status_code == 400
    bad = await client.get(f"{URL}/instagram", params={"month": "Octember"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "query.month"


async def test_cross_platform(
    client: httpx.AsyncClient, tenants: Tenants, pool: asyncpg.Pool
) -> None:
    await pool.executemany(
        "INSERT INTO leaderboard (platform, profile_id, month, followers, followers_rank,"
        " followers_rank_change) VALUES ('cross_platform', $1, '2026-10-01', $2, $3, $4)",
        [("ig-a", 900, 2, -1), ("UCb", 1000, 1, 1)],
    )
    response = await client.get(
        f"{URL}/cross_platform", headers=tenants.headers(tenants.pro, "PRO")
    )
    entries = response.json()["data"]["entries"]
    assert [(e["profile_id"], e["rank"], e["overall_rank_change"]) for e in entries] == [
        ("UCb", 1, 1),
        ("ig-a", 2, -1),
    ]
