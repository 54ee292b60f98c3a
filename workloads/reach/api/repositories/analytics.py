"""Analytics reads: the dbt marts in ClickHouse (genre overview, a collection's daily post
series) and the serving tables the pipelines sync into PostgreSQL (a collection's post metrics,
creators' daily time series).

ClickHouse calls block (the embedded engine has no async client), so they run in a thread, one
at a time per client: the embedded engine serializes them anyway, and an HTTP client shares
one session that must not run two queries at once.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from datetime import date
from typing import Any, Final, Literal

import asyncpg
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import ClickHouseError

from reach.api.envelope import ApiError
from reach.api.models import CollectionDay, CollectionSummary, Genre, TimeSeriesPoint
from reach.common.networks import SocialNetwork

GenreSort = Literal["creators", "total_followers", "avg_engagement_rate"]
_GENRE_COLUMNS: Final = (
    "platform, category, creators, total_followers, avg_engagement_rate,"
    " median_engagement_rate, top_profile_ids"
)


class ClickHouse:
    """The marts' client, opened on first use: the rest of the API serves while ClickHouse is
    away (or, embedded, while another process holds its folder)."""

    def __init__(self, connect: Callable[[], Client], database: str) -> None:
        self._connect = connect
        self._client: Client | None = None
        self.database = database
        self._lock = asyncio.Lock()

    async def rows(self, sql: str, parameters: dict[str, Any]) -> list[dict[str, Any]]:
        """Rows of `sql` (`{db}` names the marts' database); NaN (an average of nothing)
        comes back as None, which JSON can carry."""
        async with self._lock:
            try:
                if self._client is None:
                    self._client = await asyncio.to_thread(self._connect)
                result = await asyncio.to_thread(
                    self._client.query, sql.replace("{db}", self.database), parameters=parameters
                )
            except (ClickHouseError, OSError, RuntimeError) as exc:
                # No marts yet (`reach pipelines dbt` builds them) or no server: the store's
                # state, not the request's fault.
                raise ApiError(
                    503, f"analytics are not available: {exc}", code="ANALYTICS_UNAVAILABLE"
                ) from None
        return [
            {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in row.items()}
            for row in result.named_results()
        ]

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


class GenreRepository:
    def __init__(self, clickhouse: ClickHouse) -> None:
        self.clickhouse = clickhouse

    async def page(
        self, platform: SocialNetwork, sort: GenreSort, order: str, offset: int, size: int
    ) -> tuple[list[Genre], int]:
        direction = "DESC" if order == "desc" else "ASC"
        rows = await self.clickhouse.rows(
            f"SELECT {_GENRE_COLUMNS} FROM {{db}}.mart_genre_overview"
            " WHERE platform = {platform:String}"
            f" ORDER BY {sort} {direction}, category"
            " LIMIT {size:UInt32} OFFSET {offset:UInt32}",
            {"platform": platform, "size": size, "offset": offset},
        )
        total = await self.clickhouse.rows(
            "SELECT count() AS n FROM {db}.mart_genre_overview WHERE platform = {platform:String}",
            {"platform": platform},
        )
        return [Genre.model_validate(r) for r in rows], int(total[0]["n"])

    async def get(self, platform: SocialNetwork, category: str) -> Genre | None:
        rows = await self.clickhouse.rows(
            f"SELECT {_GENRE_COLUMNS} FROM {{db}}.mart_genre_overview"
            " WHERE platform = {platform:String} AND lower(category) = lower({category:String})"
            " LIMIT 1",
            {"platform": platform, "category": category},
        )
        return Genre.model_validate(rows[0]) if rows else None


_DAY_SUMS: Final = ", ".join(
    f"toInt64(ifNull(sum({c}), 0)) AS {c}"
    for c in ("likes", "comments", "views", "plays", "reach", "shares", "saved")
)
_SUMMARY: Final = """
SELECT count(*) AS posts,
       COALESCE(sum(m.likes), 0)::bigint AS likes,
       COALESCE(sum(m.comments), 0)::bigint AS comments,
       COALESCE(sum(m.views), 0)::bigint AS views,
       COALESCE(sum(m.reach), 0)::bigint AS reach,
       avg(m.engagement_rate) AS avg_engagement_rate,
       min(m.publish_time) AS first_post_at,
       max(m.publish_time) AS last_post_at
FROM collection_post_metrics m
JOIN post_collection_item i
  ON i.collection_id = m.collection_id AND i.platform = m.platform
 AND i.post_shortcode = m.post_shortcode AND i.show_in_report
WHERE m.collection_id = $1
"""


class CollectionAnalyticsRepository:
    """A post collection's figures; the caller has checked the collection is the partner's."""

    def __init__(self, pool: asyncpg.Pool, clickhouse: ClickHouse) -> None:
        self.pool = pool
        self.clickhouse = clickhouse

    async def summary(self, collection_id: int) -> CollectionSummary:
        row = await self.pool.fetchrow(_SUMMARY, collection_id)
        return CollectionSummary.model_validate(dict(row))

    async def days(self, collection_id: int, since: date, until: date) -> list[CollectionDay]:
        rows = await self.clickhouse.rows(
            f"SELECT date, toInt64(count()) AS posts, {_DAY_SUMS}"
            " FROM {db}.mart_collection_post_time_series"
            " WHERE collection_id = {collection:Int64}"
            " AND date >= {since:Date} AND date <= {until:Date}"
            " GROUP BY date ORDER BY date",
            {"collection": collection_id, "since": since, "until": until},
        )
        return [CollectionDay.model_validate(r) for r in rows]


class TimeSeriesRepository:
    """`social_profile_time_series`, synced daily from the `mart_time_series` model."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def points(
        self, platform: SocialNetwork, profile_id: str, since: date, until: date
    ) -> list[TimeSeriesPoint] | None:
        """The profile's days in the range; None if the profile has no series at all."""
        rows = await self.pool.fetch(
            "SELECT date, followers, following, posts, engagement_rate, avg_likes,"
            " avg_comments, followers_growth FROM social_profile_time_series"
            " WHERE platform = $1 AND profile_id = $2 AND date BETWEEN $3 AND $4 ORDER BY date",
            platform,
            profile_id,
            since,
            until,
        )
        if not rows and not await self.pool.fetchval(
            "SELECT EXISTS (SELECT 1 FROM social_profile_time_series"
            " WHERE platform = $1 AND profile_id = $2)",
            platform,
            profile_id,
        ):
            return None
        return [TimeSeriesPoint.model_validate(dict(r)) for r in rows]
