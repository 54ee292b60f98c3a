"""Profiles from `instagram_account` and `youtube_account`, under the one `Profile` shape."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any, Final

import asyncpg

from reach.api.models import RANKS, SEARCH_METRICS, CampaignProfile, Profile, SearchRequest
from reach.api.repositories.arguments import Arguments
from reach.api.repositories.assets import served_url
from reach.common.networks import SocialNetwork


def _authenticity(platform: str, profile_id: str) -> str:
    """The profile's latest follower analysis as a JSON object, or NULL."""
    return (
        "(SELECT to_jsonb(f) - 'platform' - 'profile_id' FROM follower_authenticity f"
        f" WHERE f.platform = '{platform}' AND f.profile_id = {profile_id}) AS authenticity"
    )


@dataclass(frozen=True)
class _Table:
    name: str
    # The platform's profile id column.
    key: str
    # Columns of a `Profile`, from the table aliased `a`.
    select: str
    # Column of each `SearchRequest` attribute filter and sort key.
    columns: dict[str, str]
    # The column of each `SEARCH_METRICS` metric the platform has: of the account's row, or
    # (`mart_metrics`) of its row in the synced accounts mart `mart`: until a sync has the
    # account, a range over those matches none.
    metrics: dict[str, str]
    mart: str
    mart_metrics: dict[str, str]


_INSTAGRAM: Final = _Table(
    "instagram_account",
    "profile_id",
    """'instagram' AS platform, profile_id, handle, full_name AS name, category, language,
    country, city, followers, following, media_count AS posts, avg_likes, avg_comments,
    NULL::double precision AS avg_views, engagement_rate, is_verified, is_business,
    """
    + served_url("instagram", "profile", "a.profile_id", "profile_pic", "a.profile_pic_url")
    + """ AS picture_url, refreshed_at, audience_gender, audience_age, audience_location, """
    + _authenticity("instagram", "a.profile_id"),
    {
        "followers": "followers",
        "engagement_rate": "engagement_rate",
        "avg_likes": "avg_likes",
        "category": "category",
        "language": "language",
        "country": "country",
        "city": "city",
        "verified": "is_verified",
        "business": "is_business",
    },
    {
        "followers": "followers",
        "following": "following",
        "posts": "media_count",
        "avg_likes": "avg_likes",
        "avg_comments": "avg_comments",
        "engagement": "engagement_rate",
    },
    "mart_instagram_account",
    {"recent_posts": "recent_posts", **{rank: rank for rank in RANKS}},
)
_YOUTUBE: Final = _Table(
    "youtube_account",
    "channel_id",
    """'youtube' AS platform, channel_id AS profile_id, handle, title AS name, category,
    language, country, NULL AS city, subscribers AS followers, NULL::bigint AS following,
    video_count AS posts, avg_likes, avg_comments, avg_views, engagement_rate, is_verified,
    NULL::boolean AS is_business, """
    + served_url("youtube", "profile", "a.channel_id", "profile_pic", "a.thumbnail_url")
    + """ AS picture_url, refreshed_at, NULL::jsonb AS audience_gender, NULL::jsonb AS audience_age,
    NULL::jsonb AS audience_location, """
    + _authenticity("youtube", "a.channel_id"),
    {
        "followers": "subscribers",
        "engagement_rate": "engagement_rate",
        "avg_likes": "avg_likes",
        "category": "category",
        "language": "language",
        "country": "country",
        "verified": "is_verified",
    },
    {
        "followers": "subscribers",
        "posts": "video_count",
        "total_views": "total_views",
        "avg_views": "avg_views",
        "avg_likes": "avg_likes",
        "avg_comments": "avg_comments",
        "engagement": "engagement_rate",
    },
    "mart_youtube_account",
    {"recent_posts": "recent_videos"}
    | {
        rank: rank.replace("followers", "subscribers")
        for rank in RANKS
        if not rank.endswith("_by_cat_lang")
    },
)
TABLES: Final[dict[str, _Table]] = {"instagram": _INSTAGRAM, "youtube": _YOUTUBE}


# The profiles in a partner's campaign collections (source CAMPAIGN) of one platform, each with
# the collections holding it; a profile not scraped yet is listed without its data.
_CAMPAIGN_ITEMS: Final = """
    SELECT i.platform_profile_id, array_agg(DISTINCT c.id ORDER BY c.id) AS collection_ids
    FROM profile_collection c JOIN profile_collection_item i ON i.collection_id = c.id
    WHERE c.partner_id = $1 AND c.source = 'CAMPAIGN' AND i.platform = $2
    GROUP BY i.platform_profile_id"""


class BadCursor(ValueError):
    pass


def encode_cursor(value: float, row_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([value, row_id]).encode()).decode()


def decode_cursor(cursor: str) -> tuple[float, int]:
    try:
        value, row_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        value, row_id = float(value), int(row_id)
    except (ValueError, TypeError, OverflowError) as exc:
        raise BadCursor("not a cursor this API gave out") from exc
    if not 0 < row_id < 2**63:
        raise BadCursor("not a cursor this API gave out")
    return value, row_id


def search_query(platform: SocialNetwork, request: SearchRequest) -> tuple[str, list[Any]]:
    """The keyset-paginated search SQL and its arguments. Rows without the sort value sort as
    -1 (last in descending order), so every row has a place in the order."""
    table = TABLES[platform]
    args = Arguments()
    where: list[str] = []

    in_mart: list[str] = []
    for metric in SEARCH_METRICS:
        for bound, op in (("min", ">="), ("max", "<=")):
            value = getattr(request, f"{metric}_{bound}")
            if value is None:
                continue
            if metric in table.mart_metrics:
                in_mart.append(f"{table.mart_metrics[metric]} {op} {args(value)}")
            elif metric in table.metrics:
                where.append(f"{table.metrics[metric]} {op} {args(value)}")
            else:
                # A range over what the platform does not have (a YouTube following) matches
                # nothing.
                where.append("FALSE")
    if in_mart:
        # All the mart's ranges in one look-up, not one per range and account row; its rank
        # indexes can serve it.
        where.append(
            f"a.{table.key} IN (SELECT {table.key} FROM {table.mart} WHERE {' AND '.join(in_mart)})"
        )
    for key in ("category", "language", "country", "city"):
        value = getattr(request, key)
        if value is not None:
            # A filter on what the platform does not have (a YouTube city) matches nothing.
            column = table.columns.get(key, "NULL::text")
            where.append(f"lower({column}) = lower({args(value)})")
    for key in ("verified", "business"):
        value = getattr(request, key)
        if value is not None:
            where.append(f"{table.columns.get(key, 'NULL::boolean')} = {args(value)}")
    sort = f"COALESCE({table.columns[request.sort]}, -1)::double precision"
    direction, compare = ("DESC", "<") if request.order == "desc" else ("ASC", ">")
    if request.cursor is not None:
        value, row_id = decode_cursor(request.cursor)
        where.append(f"({sort}, id) {compare} ({args(value)}, {args(row_id)})")
    sql = (
        f"SELECT {table.select}, id AS _id, {sort} AS _sort FROM {table.name} a"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + f" ORDER BY {sort} {direction}, id {direction} LIMIT {args(request.size + 1)}"
    )
    return sql, args


def _profile(row: asyncpg.Record) -> Profile:
    return Profile.model_validate({k: v for k, v in dict(row).items() if not k.startswith("_")})


class ProfileRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def by_handle(self, platform: SocialNetwork, handle: str) -> Profile | None:
        table = TABLES[platform]
        row = await self.pool.fetchrow(
            f"SELECT {table.select} FROM {table.name} a WHERE lower(handle) = lower($1)", handle
        )
        return None if row is None else _profile(row)

    async def search(
        self, platform: SocialNetwork, request: SearchRequest
    ) -> tuple[list[Profile], str | None]:
        sql, args = search_query(platform, request)
        rows = await self.pool.fetch(sql, *args)
        more = len(rows) > request.size
        rows = rows[: request.size]
        cursor = encode_cursor(rows[-1]["_sort"], rows[-1]["_id"]) if more else None
        return [_profile(r) for r in rows], cursor

    async def campaign_profiles(
        self, partner_id: int, platform: SocialNetwork, offset: int, size: int
    ) -> tuple[list[CampaignProfile], int]:
        table = TABLES[platform]
        rows = await self.pool.fetch(
            f"WITH items AS ({_CAMPAIGN_ITEMS}) SELECT items.platform_profile_id AS _key,"
            f" items.collection_ids AS _collections, a.id AS _found, {table.select}"
            f" FROM items LEFT JOIN {table.name} a ON a.{table.key} = items.platform_profile_id"
            f" ORDER BY a.{table.columns['followers']} DESC NULLS LAST,"
            " items.platform_profile_id OFFSET $3 LIMIT $4",
            partner_id,
            platform,
            offset,
            size,
        )
        total = await self.pool.fetchval(
            f"WITH items AS ({_CAMPAIGN_ITEMS}) SELECT count(*) FROM items", partner_id, platform
        )
        found = [
            CampaignProfile(
                platform=platform,
                platform_profile_id=r["_key"],
                collection_ids=r["_collections"],
                profile=None if r["_found"] is None else _profile(r),
            )
            for r in rows
        ]
        return found, int(total)
