"""discovery: profile lookups through the caches, the 202 + enqueue path, invalidation by
profile_log events, plan gating, and search with filters, sorting and cursors, ranging over
every figure of the accounts marts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from aio_pika.abc import AbstractRobustConnection

from reach.api.app import Services
from reach.api.cache import profile_key
from reach.api.models import SEARCH_METRICS
from reach.api.repositories.profiles import TABLES
from reach.pipelines.definitions import INSTAGRAM_ACCOUNTS, YOUTUBE_ACCOUNTS
from reach.pipelines.tables import SyncSpec
from reach.testing.polling import eventually

from .conftest import BuiltMart, ProfileLookup, Tenants, publish_profile_log

pytestmark = pytest.mark.service
Add = Callable[..., Any]


async def test_lookup_is_cached_until_a_profile_log_event_invalidates_it(
    lookup: ProfileLookup,
    add_instagram: Add,
    pool: asyncpg.Pool,
    services: Services,
    amqp: AbstractRobustConnection,
) -> None:
    await add_instagram("asha.cooks", followers=1000)

    first = await lookup("Asha.Cooks")
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "SUCCESS"
    assert first.json()["data"]["profile"]["followers"] == 1000
    assert profile_key("instagram", "asha.cooks") in services.profiles.cache

    # The scraper updates the row; until its event arrives the cache answers (a hit).
    await pool.execute("UPDATE instagram_account SET followers = 2000 WHERE handle = 'asha.cooks'")
    cached = await lookup("Asha.Cooks")
    assert cached.json()["data"]["profile"]["followers"] == 1000

    await publish_profile_log(amqp, "asha.cooks")

    async def invalidated() -> bool:
        return profile_key("instagram", "asha.cooks") not in services.profiles.cache

    await eventually(invalidated, "the cached profile invalidated", seconds=10)
    fresh = await lookup("Asha.Cooks")
    assert fresh.json()["data"]["profile"]["followers"] == 2000


async def test_redis_serves_a_process_that_has_not_seen_the_profile(
    lookup: ProfileLookup, add_instagram: Add, services: Services
) -> None:
    await add_instagram("l2.only")
    await lookup("l2.only")
    cache = services.profiles.cache
    key = profile_key("instagram", "l2.only")
    cache._l1.clear()
    profile, _ = await cache.get(key)
    assert profile is not None and profile.handle == "l2.only"


async def test_a_fill_that_read_before_an_update_never_enters_the_cache(
    services: Services, add_instagram: Add
) -> None:
    await add_instagram("racer")
    cache = services.profiles.cache
    key = profile_key("instagram", "racer")
    _, generation = await cache.get(key)
    stale = await services.profiles.repository.by_handle("instagram", "racer")
    assert stale is not None
    await cache.invalidate(key)
    await cache.fill(key, generation, stale)
    assert key not in cache
    assert (await cache.get(key))[0] is None


async def test_a_missing_profile_is_scraped_once_and_answered_202(
    lookup: ProfileLookup, pool: asyncpg.Pool
) -> None:
    first = await lookup("new.creator", "FREE")
    again = await lookup("new.creator", "FREE")
    assert first.status_code == again.status_code == 202
    assert first.headers["retry-after"] == "30"
    body = first.json()
    assert body["status"] == "ACCEPTED"
    assert body["data"]["profile"] is None
    assert body["data"]["refresh"]["flow"] == "refresh_instagram_profile"
    assert again.json()["data"]["refresh"]["task_id"] == body["data"]["refresh"]["task_id"]
    tasks = await pool.fetch("SELECT flow, params, status FROM scrape_request_log")
    assert [(t["flow"], t["params"]["handle"], t["status"]) for t in tasks] == [
        ("refresh_instagram_profile", "new.creator", "PENDING")
    ]


async def test_a_stale_profile_is_served_and_refreshed(
    lookup: ProfileLookup, add_instagram: Add, pool: asyncpg.Pool
) -> None:
    await add_instagram("old.news", refreshed_at=datetime.now(UTC) - timedelta(days=30))
    response = await lookup("old.news")
    assert response.status_code == 202
    assert response.json()["data"]["profile"]["handle"] == "old.news"
    assert await pool.fetchval("SELECT count(*) FROM scrape_request_log") == 1


async def test_refresh_now_enqueues_a_fresh_profile_and_answers_202_with_it(
    client: httpx.AsyncClient, tenants: Tenants, add_instagram: Add, pool: asyncpg.Pool
) -> None:
    await add_instagram("just.seen", followers=1234)
    headers = tenants.headers(tenants.free, "FREE")
    url = "/discovery-service/api/profile/instagram/just.seen"
    assert (await client.get(url, headers=headers)).status_code == 200
    assert await pool.fetchval("SELECT count(*) FROM scrape_request_log") == 0

    first = await client.post(f"{url}/refresh", headers=headers)
    again = await client.post(f"{url}/refresh", headers=headers)
    assert first.status_code == again.status_code == 202, first.text
    body = first.json()
    assert body["status"] == "ACCEPTED"
    assert body["data"]["profile"]["followers"] == 1234
    assert body["data"]["profile"]["audience_gender"] is None  # FREE, as for a lookup
    assert body["data"]["refresh"]["flow"] == "refresh_instagram_profile"
    assert first.headers["retry-after"] == str(body["data"]["refresh"]["retry_after_seconds"])
    # The scraper API keeps one task per handle while it works.
    assert again.json()["data"]["refresh"]["task_id"] == body["data"]["refresh"]["task_id"]
    tasks = await pool.fetch("SELECT flow, params FROM scrape_request_log")
    assert [(t["flow"], t["params"]["handle"]) for t in tasks] == [
        ("refresh_instagram_profile", "just.seen")
    ]


async def test_refresh_now_of_a_creator_reach_lacks_fetches_it(
    client: httpx.AsyncClient, tenants: Tenants
) -> None:
    response = await client.post(
        "/discovery-service/api/profile/youtube/@newchannel/refresh",
        headers=tenants.headers(tenants.pro, "PRO"),
    )
    assert response.status_code == 202, response.text
    assert response.json()["data"]["profile"] is None
    assert response.json()["data"]["refresh"]["flow"] == "refresh_youtube_channel"
    bad = await client.post(
        "/discovery-service/api/profile/youtube/ab/refresh",
        headers=tenants.headers(tenants.pro, "PRO"),
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"][0]["field"] == "path.handle"


async def test_free_plans_do_not_see_audience_demographics(
    lookup: ProfileLookup, add_instagram: Add
) -> None:
    await add_instagram("gated")
    pro = (await lookup("gated", "PRO")).json()
    free = (await lookup("gated", "FREE")).json()
    assert pro["data"]["profile"]["audience_gender"] == {"female": 0.6, "male": 0.4}
    assert free["data"]["profile"]["audience_gender"] is None
    assert free["data"]["profile"]["followers"] == pro["data"]["profile"]["followers"]


async def test_bad_input_is_422_with_the_field(client: httpx.AsyncClient, tenants: Tenants) -> None:
    headers = tenants.headers(tenants.pro, "PRO")
    bad_platform = await client.post(
        "/discovery-service/api/profile/tiktok/search", json={}, headers=headers
    )
    assert bad_platform.status_code == 422
    assert bad_platform.json()["error"]["fields"][0]["field"] == "path.platform"
    bad_handle = await client.get("/discovery-service/api/profile/youtube/ab", headers=headers)
    assert bad_handle.status_code == 422
    assert bad_handle.json()["error"]["fields"][0]["field"] == "path.handle"
    bad_filter = await client.post(
        "/discovery-service/api/profile/instagram/search",
        json={"followers_min": -1},
        headers=headers,
    )
    assert bad_filter.status_code == 422
    assert bad_filter.json()["error"]["code"] == "VALIDATION_FAILED"
    assert [f["field"] for f in bad_filter.json()["error"]["fields"]] == ["body.followers_min"]


async def test_search_filters_sorts_and_pages_through_every_match_once(
    client: httpx.AsyncClient, tenants: Tenants, add_instagram: Add
) -> None:
    for i in range(25):
        await add_instagram(
            f"food{i:02d}",
            followers=1000 + (i % 7) * 100,
            category="Food" if i % 5 else "Travel",
            is_verified=i % 2 == 0,
        )
    headers = tenants.headers(tenants.free, "FREE")
    query: dict[str, Any] = {"category": "food", "followers_min": 1100, "size": 4}
    seen: list[dict[str, Any]] = []
    while True:
        page = await client.post(
            "/discovery-service/api/profile/instagram/search", json=query, headers=headers
        )
        assert page.status_code == 200, page.text
        seen += page.json()["data"]["profiles"]
        cursor = page.json()["data"]["next_cursor"]
        if cursor is None:
            break
        query["cursor"] = cursor
    expected = [i for i in range(25) if i % 5 and 1000 + (i % 7) * 100 >= 1100]
    assert sorted(p["handle"] for p in seen) == sorted(f"food{i:02d}" for i in expected)
    followers = [p["followers"] for p in seen]
    assert followers == sorted(followers, reverse=True)
    assert all(p["audience_gender"] is None for p in seen)

    await add_instagram("pune.eats", city="Pune", is_business=True)
    located = await client.post(
        "/discovery-service/api/profile/instagram/search",
        json={"city": "pune", "business": True},
        headers=headers,
    )
    assert [p["handle"] for p in located.json()["data"]["profiles"]] == ["pune.eats"]
    # YouTube has no cities: the filter matches no channel rather than being ignored.
    youtube = await client.post(
        "/discovery-service/api/profile/youtube/search", json={"city": "pune"}, headers=headers
    )
    assert youtube.status_code == 200 and youtube.json()["data"]["profiles"] == []

    bad = await client.post(
        "/discovery-service/api/profile/instagram/search",
        json={"cursor": "garbage"},
        headers=headers,
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "BAD_CURSOR"


# The ClickHouse type of each PostgreSQL type the accounts marts' syncs declare: the marts are
# made here with the synced columns, as dbt builds them.
_CLICKHOUSE_TYPES = {
    "text": "Nullable(String)",
    "bigint": "Nullable(Int64)",
    "integer": "Int32",
    "double precision": "Nullable(Float64)",
    "boolean": "Bool",
    "timestamptz": "DateTime64(6, 'UTC')",
}
_NUMERIC = ("bigint", "integer", "double precision")


def _mart(spec: SyncSpec, rows: list[dict[str, Any]]) -> BuiltMart:
    """`spec`'s mart with `rows` (unnamed columns: false, the epoch or null)."""
    columns = spec.columns or ()
    defaults = {"integer": "0", "boolean": "false", "timestamptz": "'2026-12-01 00:00:00'"}
    values = [
        "("
        + ", ".join(
            repr(row[c.name]) if c.name in row else defaults.get(c.pg_type, "NULL") for c in columns
        )
        + ")"
        for row in rows
    ]
    schema = ", ".join(f"{c.name} {_CLICKHOUSE_TYPES[c.pg_type]}" for c in columns)
    return schema, ", ".join(values)


def _figures(spec: SyncSpec, value: int) -> dict[str, int]:
    return {c.name: value for c in spec.columns or () if c.pg_type in _NUMERIC}


@pytest.mark.unit
def test_every_figure_of_the_accounts_marts_is_a_search_metric() -> None:
    for platform, spec in (("instagram", INSTAGRAM_ACCOUNTS), ("youtube", YOUTUBE_ACCOUNTS)):
        table = TABLES[platform]
        assert set(table.metrics) | set(table.mart_metrics) <= set(SEARCH_METRICS)
        columns = set(table.metrics.values()) | set(table.mart_metrics.values())
        assert set(_figures(spec, 0)) <= columns, platform


async def test_search_ranges_over_every_metric_and_refuses_an_unknown_one_by_name(
    client: httpx.AsyncClient,
    tenants: Tenants,
    pool: asyncpg.Pool,
    sync_marts: Callable[..., Any],
) -> None:
    # Two accounts per platform, every figure 10 for `low` and 20 for `high`.
    for table, key, spec in (
        ("instagram_account", "profile_id", INSTAGRAM_ACCOUNTS),
        ("youtube_account", "channel_id", YOUTUBE_ACCOUNTS),
    ):
        raw = [c for c in await _columns(pool, table) if c in _figures(spec, 0)]
        for name, value in (("low", 10), ("high", 20)):
            await pool.execute(
                f"INSERT INTO {table} ({key}, handle, {', '.join(raw)})"
                f" VALUES ($1, $1, {', '.join(str(value) for _ in raw)})",
                name,
            )
    headers = tenants.headers(tenants.free, "FREE")

    async def found(platform: str, query: dict[str, Any]) -> list[str]:
        answer = await client.post(
            f"/discovery-service/api/profile/{platform}/search", json=query, headers=headers
        )
        assert answer.status_code == 200, (query, answer.text)
        return sorted(p["profile_id"] for p in answer.json()["data"]["profiles"])

    # Before the accounts marts are synced their figures are unknown: no range matches.
    assert await found("instagram", {"recent_posts_min": 0}) == []
    assert await found("instagram", {"followers_min": 0}) == ["high", "low"]

    marts = {
        spec.source_table or "": _mart(
            spec,
            [{key: name} | _figures(spec, value) for name, value in (("low", 10), ("high", 20))],
        )
        for spec, key in ((INSTAGRAM_ACCOUNTS, "profile_id"), (YOUTUBE_ACCOUNTS, "channel_id"))
    }
    await sync_marts(marts, INSTAGRAM_ACCOUNTS, YOUTUBE_ACCOUNTS)
    for platform, table in TABLES.items():
        for metric in SEARCH_METRICS:
            if metric not in table.metrics | table.mart_metrics:
                assert await found(platform, {f"{metric}_min": 1}) == [], (platform, metric)
                continue
            assert await found(platform, {f"{metric}_min": 15}) == ["high"], (platform, metric)
            assert await found(platform, {f"{metric}_max": 15}) == ["low"], (platform, metric)
            both = {f"{metric}_min": 10, f"{metric}_max": 10}
            assert await found(platform, both) == ["low"], (platform, metric)

    for query, field in (({"avg_lieks_min": 1}, "body.avg_lieks_min"),
                         ({"followers_rank_max": 0}, "body.followers_rank_max")):  # fmt: skip
        refused = await client.post(
            "/discovery-service/api/profile/instagram/search", json=query, headers=headers
        )
        assert refused.status_code == 422
        assert [f["field"] for f in refused.json()["error"]["fields"]] == [field]


async def _columns(pool: asyncpg.Pool, table: str) -> list[str]:
    rows = await pool.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_name = $1", table
    )
    return [r["column_name"] for r in rows]
