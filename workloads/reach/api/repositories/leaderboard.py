"""The `leaderboard` serving table (replaced as a whole by `reach pipelines sync leaderboard`) and
`leaderboard_ranking`, each Leaderboard resource's ranking (its rows replaced by
`reach pipelines sync leaderboard_ranking --partition NAME`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

import asyncpg
from cachetools import TTLCache

from reach.api.models import LeaderboardEntry, RankingEntry
from reach.api.repositories.arguments import Arguments

# (metric, by category, by language) -> the rank column the mart computed for that slice.
RANK_COLUMNS: Final[dict[tuple[str, bool, bool], str]] = {
    ("followers", False, False): "followers_rank",
    ("followers", True, False): "followers_rank_by_cat",
    ("followers", False, True): "followers_rank_by_lang",
    ("followers", True, True): "followers_rank_by_cat_lang",
    ("engagement_rate", False, False): "engagement_rate_rank",
    ("engagement_rate", True, False): "engagement_rate_rank_by_cat",
    ("engagement_rate", False, True): "engagement_rate_rank_by_lang",
}
CHANGE_COLUMNS: Final = {
    "followers": "followers_rank_change",
    "engagement_rate": "engagement_rate_rank_change",
}


# The dimensions a ranking's page may be narrowed to (a Leaderboard ranks within them).
RANKING_FILTERS: Final = ("category", "language", "country")


@dataclass(frozen=True)
class RankingHead:
    """What a Leaderboard resource's synced ranking ranks, and its latest month."""

    network: str
    metric: str
    dimensions: list[str]
    latest_month: date


class LeaderboardRepository:
    """Pages of the table, with its latest month and each slice's size kept for `ttl_seconds`:
    the table changes only when the sync swaps in a new one, while counting a category's rows
    costs more than reading its page."""

    def __init__(self, pool: asyncpg.Pool, ttl_seconds: float = 60) -> None:
        self.pool = pool
        self._months: TTLCache[str, date | None] = TTLCache(maxsize=16, ttl=ttl_seconds)
        self._totals: TTLCache[tuple[object, ...], int] = TTLCache(maxsize=10_000, ttl=ttl_seconds)
        self._heads: TTLCache[str, RankingHead] = TTLCache(maxsize=1_000, ttl=ttl_seconds)

    async def latest_month(self, platform: str) -> date | None:
        if platform not in self._months:
            self._months[platform] = await self.pool.fetchval(
                "SELECT max(month) FROM leaderboard WHERE platform = $1", platform
            )
        return self._months[platform]

    async def page(
        self,
        platform: str,
        month: date,
        rank_column: str,
        metric: str,
        category: str | None,
        language: str | None,
        offset: int,
        size: int,
        profile_id: str | None = None,
    ) -> tuple[list[LeaderboardEntry], int]:
        args = Arguments()
        where = [
            f"platform = {args(platform)}",
            f"month = {args(month)}",
            f"{rank_column} IS NOT NULL",
        ]
        filters = (("category", category), ("language", language), ("profile_id", profile_id))
        where += [f"{column} = {args(value)}" for column, value in filters if value is not None]
        condition = " AND ".join(where)
        rows = await self.pool.fetch(
            f"SELECT {rank_column} AS rank, {CHANGE_COLUMNS[metric]} AS overall_rank_change,"
            " platform, profile_id, handle, category, language, country, followers,"
            f" engagement_rate FROM leaderboard WHERE {condition}"
            f" ORDER BY {rank_column}, profile_id OFFSET {offset} LIMIT {size}",
            *args,
        )
        # Not cached for a profile: every profile looked up would push the boards' totals out.
        total = await self._count(
            None if profile_id is not None else (rank_column, *args),
            f"SELECT count(*) FROM leaderboard WHERE {condition}",
            args,
        )
        return [LeaderboardEntry.model_validate(dict(r)) for r in rows], total

    async def ranking_head(self, name: str) -> RankingHead | None:
        """None when no ranking of that name has been synced (not cached: the first sync of a
        new leaderboard is served at once)."""
        if name not in self._heads:
            row = await self.pool.fetchrow(
                "SELECT network, metric, dimensions, month AS latest_month"
                " FROM leaderboard_ranking WHERE leaderboard = $1 ORDER BY month DESC LIMIT 1",
                name,
            )
            if row is None:
                return None
            self._heads[name] = RankingHead(**dict(row))
        return self._heads[name]

    async def ranking_page(
        self, name: str, month: date, filters: dict[str, str], offset: int, size: int
    ) -> tuple[list[RankingEntry], int]:
        args = Arguments()
        where = [f"leaderboard = {args(name)}", f"month = {args(month)}"]
        where += [f"{c} = {args(filters[c])}" for c in RANKING_FILTERS if c in filters]
        condition = " AND ".join(where)
        rows = await self.pool.fetch(
            "SELECT rank, rank_change, profile_platform AS platform, profile_id, handle,"
            " category, language, country, value, followers, engagement_rate, views"
            f" FROM leaderboard_ranking WHERE {condition}"
            f" ORDER BY rank, profile_platform, profile_id OFFSET {offset} LIMIT {size}",
            *args,
        )
        total = await self._count(
            ("ranking", *args), f"SELECT count(*) FROM leaderboard_ranking WHERE {condition}", args
        )
        return [RankingEntry.model_validate(dict(r)) for r in rows], total

    async def _count(self, key: tuple[object, ...] | None, sql: str, args: Arguments) -> int:
        """The count `sql` answers, kept a while under `key` (None: asked every time)."""
        if key is None:
            count: int = await self.pool.fetchval(sql, *args)
            return count
        if key not in self._totals:
            self._totals[key] = await self.pool.fetchval(sql, *args)
        return self._totals[key]
