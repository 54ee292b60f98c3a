"""Posts from `instagram_post` and `youtube_post` under the one `Post` shape, filtered by
creator, genre, recency, keywords or the place they are tagged at: what the content,
genre-insight and keyword-collection modules list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal

import asyncpg

from reach.api.models import Post
from reach.api.repositories.arguments import Arguments
from reach.api.repositories.assets import served_url
from reach.common.networks import SocialNetwork

PostSort = Literal["publish_time", "likes", "comments", "views", "engagement"]


@dataclass(frozen=True)
class _PostTable:
    name: str
    select: str
    author: str
    # The account table and its key, for the author's genre.
    accounts: str
    account_key: str
    texts: tuple[str, ...]
    tags: str
    key: str
    # The column of the place a post is tagged at, where the platform says one.
    location: str | None = None


_TABLES: Final[dict[str, _PostTable]] = {
    "instagram": _PostTable(
        "instagram_post",
        """'instagram' AS platform, p.post_id, p.shortcode, p.profile_id, p.post_type,
        p.caption AS text, p.likes, p.comments, COALESCE(p.views, p.plays) AS views, """
        + served_url("instagram", "post", "p.post_id", "thumbnail", "p.thumbnail_url")
        + """ AS thumbnail_url, p.publish_time""",
        "profile_id",
        "instagram_account",
        "profile_id",
        ("caption",),
        "hashtags",
        "shortcode",
        "location_id",
    ),
    "youtube": _PostTable(
        "youtube_post",
        """'youtube' AS platform, p.video_id AS post_id, p.video_id AS shortcode,
        p.channel_id AS profile_id, CASE WHEN p.is_short THEN 'short' ELSE 'video' END AS
        post_type, p.title AS text, p.likes, p.comments, p.views, """
        + served_url("youtube", "post", "p.video_id", "thumbnail", "p.thumbnail_url")
        + """ AS thumbnail_url, p.publish_time""",
        "channel_id",
        "youtube_account",
        "channel_id",
        ("title", "description"),
        "tags",
        "video_id",
    ),
}
_SORTS: Final = {
    "publish_time": "p.publish_time",
    "likes": "p.likes",
    "comments": "p.comments",
    "views": "COALESCE(p.views, 0)",
    "engagement": "COALESCE(p.likes, 0) + COALESCE(p.comments, 0)",
}


@dataclass(frozen=True)
class PostFilter:
    profile_id: str | None = None
    category: str | None = None
    since: datetime | None = None
    keywords: tuple[str, ...] = ()
    location_id: str | None = None


def _like(keyword: str) -> str:
    escaped = keyword.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def posts_query(platform: SocialNetwork, where: PostFilter) -> tuple[str, str, list[Any]]:
    """The FROM/WHERE of the posts `where` selects, and its arguments."""
    table = _TABLES[platform]
    args = Arguments()
    conditions: list[str] = []

    if where.profile_id is not None:
        conditions.append(f"p.{table.author} = {args(where.profile_id)}")
    if where.category is not None:
        conditions.append(
            f"p.{table.author} IN (SELECT {table.account_key} FROM {table.accounts}"
            f" WHERE lower(category) = lower({args(where.category)}))"
        )
    if where.location_id is not None:
        # A platform without places has no post at one.
        located = f"p.{table.location}" if table.location else "NULL"
        conditions.append(f"{located} = {args(where.location_id)}")
    if where.since is not None:
        conditions.append(f"p.publish_time >= {args(where.since)}")
    if where.keywords:
        likes = args([_like(k) for k in where.keywords])
        tags = args([k.lower().lstrip("#") for k in where.keywords])
        texts = [f"p.{column} ILIKE ANY({likes}::text[])" for column in table.texts]
        texts.append(
            f"EXISTS (SELECT 1 FROM unnest(p.{table.tags}) tag"
            f" WHERE lower(tag) = ANY({tags}::text[]))"
        )
        conditions.append(f"({' OR '.join(texts)})")
    condition = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return table.select, f"FROM {table.name} p{condition}", args


class PostRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def page(
        self,
        platform: SocialNetwork,
        where: PostFilter,
        sort: PostSort,
        order: Literal["asc", "desc"],
        offset: int,
        size: int,
    ) -> tuple[list[Post], int]:
        select, source, args = posts_query(platform, where)
        direction = "DESC" if order == "desc" else "ASC"
        n = len(args)
        rows = await self.pool.fetch(
            f"SELECT {select} {source} ORDER BY {_SORTS[sort]} {direction} NULLS LAST,"
            f" p.id {direction} OFFSET ${n + 1} LIMIT ${n + 2}",
            *args,
            offset,
            size,
        )
        total = await self.pool.fetchval(f"SELECT count(*) {source}", *args)
        return [Post.model_validate(dict(r)) for r in rows], int(total)

    async def by_shortcode(self, platform: SocialNetwork, shortcode: str) -> Post | None:
        table = _TABLES[platform]
        row = await self.pool.fetchrow(
            f"SELECT {table.select} FROM {table.name} p WHERE p.{table.key} = $1", shortcode
        )
        return None if row is None else Post.model_validate(dict(row))
