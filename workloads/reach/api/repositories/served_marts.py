"""The daily marts the API serves as they are, synced into PostgreSQL (tables of migration 0013):
each genre's trending posts, the profiles linking each other across platforms, the
GPT-inferred audiences and the store orders attributed to profile collections. Read by the
discovery, genre-insights and collection analytics routes."""

from __future__ import annotations

from typing import Final

import asyncpg

from reach.api.models import AudienceInsight, CreatorOrders, LinkedSocial, TrendingPost
from reach.api.repositories.profiles import TABLES
from reach.api.repositories.synced import SyncedRows, columns
from reach.common.networks import SocialNetwork

# Each side of a link in `mart_linked_socials`: its profile id, handle and audience columns.
_LINK_SIDES: Final[dict[SocialNetwork, tuple[str, str, str]]] = {
    "instagram": ("instagram_profile_id", "instagram_handle", "instagram_followers"),
    "youtube": ("youtube_channel_id", "youtube_handle", "youtube_subscribers"),
}


def linked_query(platform: SocialNetwork) -> str:
    """The profiles a `platform` profile ($1) is linked with, as `LinkedSocial` rows."""
    (key, _, _), (other,) = _LINK_SIDES[platform], set(_LINK_SIDES) - {platform}
    other_key, other_handle, other_followers = _LINK_SIDES[other]
    return (
        f"SELECT '{other}' AS platform, {other_key} AS profile_id, {other_handle} AS handle,"
        f" {other_followers} AS followers, linked_by, combined_followers"
        f" FROM mart_linked_socials WHERE {key} = $1 ORDER BY followers DESC NULLS LAST, 2"
    )


class ServedMartsRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self._audiences = SyncedRows(
            pool, "mart_audience_info_gpt", AudienceInsight, "platform", "profile_id"
        )

    async def _profile_exists(self, platform: SocialNetwork, profile_id: str) -> bool:
        table = TABLES[platform]
        found: bool = await self.pool.fetchval(
            f"SELECT EXISTS (SELECT 1 FROM {table.name} WHERE {table.key} = $1)", profile_id
        )
        return found

    async def trending(
        self, category: str, offset: int, size: int
    ) -> tuple[list[TrendingPost], int]:
        """A genre's trending posts by rank (the category compared case-blind, as the mart
        lower-cases it)."""
        rows = await self.pool.fetch(
            f"SELECT {columns(TrendingPost)}, count(*) OVER () AS _total"
            " FROM mart_genre_trending_content WHERE category = lower($1)"
            " ORDER BY trend_rank, post_id OFFSET $2 LIMIT $3",
            category,
            offset,
            size,
        )
        if rows:
            total = int(rows[0]["_total"])
        else:
            total = await self.pool.fetchval(
                "SELECT count(*) FROM mart_genre_trending_content WHERE category = lower($1)",
                category,
            )
        return [TrendingPost.model_validate(dict(r)) for r in rows], int(total)

    async def linked_socials(
        self, platform: SocialNetwork, profile_id: str
    ) -> list[LinkedSocial] | None:
        """The profiles linked with this one; None when no such profile was scraped."""
        rows = await self.pool.fetch(linked_query(platform), profile_id)
        if not rows and not await self._profile_exists(platform, profile_id):
            return None
        return [LinkedSocial.model_validate(dict(r)) for r in rows]

    async def audience_insight(
        self, platform: SocialNetwork, profile_id: str
    ) -> AudienceInsight | None:
        return await self._audiences.one(platform, profile_id)

    async def collection_orders(self, collection_id: int) -> list[CreatorOrders]:
        """The orders attributed to the collection's creators, the most earning first."""
        rows = await self.pool.fetch(
            f"SELECT {columns(CreatorOrders)} FROM mart_gcc_orders WHERE collection_id = $1"
            " ORDER BY currency, revenue DESC, platform, profile_id",
            collection_id,
        )
        return [CreatorOrders.model_validate(dict(r)) for r in rows]
