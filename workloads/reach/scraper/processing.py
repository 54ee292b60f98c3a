"""The processing stage: writes what a flow parsed to PostgreSQL (upserts of accounts and posts,
the audit logs, sentiments, assets) in one transaction per call, and returns the events that
tell the rest of the platform. The flows publish those events after the commit, so an event
never announces a row that is not there."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg

from reach.common.events import events_pb2 as pb
from reach.scraper import events
from reach.scraper.models import (
    Comment,
    Enrichment,
    InstagramPost,
    InstagramProfile,
    Sentiment,
    YouTubeChannel,
    YouTubeVideo,
    engagement,
)
from reach.scraper.sql import load_queries

P = load_queries("reach.scraper", "processing.sql")
INSTAGRAM = "instagram"
YOUTUBE = "youtube"


async def save_instagram_profile(
    pool: asyncpg.Pool,
    task_id: int,
    profile: InstagramProfile,
    recent: Sequence[InstagramPost],
    source: str,
) -> list[pb.Event]:
    avg_likes, avg_comments, rate = engagement(
        profile.followers, [p.likes for p in recent], [p.comments for p in recent]
    )
    dims = events.instagram_profile_dimensions(profile)
    mets = events.instagram_profile_metrics(profile, avg_likes, avg_comments, rate)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(P["free_instagram_handle"], profile.profile_id, profile.handle)
        await conn.execute(
            P["upsert_instagram_account"],
            profile.profile_id,
            profile.handle,
            profile.full_name,
            profile.biography,
            profile.category,
            profile.followers,
            profile.following,
            profile.media_count,
            avg_likes,
            avg_comments,
            rate,
            profile.is_verified,
            profile.is_business,
            profile.is_private,
            profile.profile_pic_url,
            profile.external_url,
            source,
        )
        await conn.execute(
            P["insert_profile_log"], INSTAGRAM, profile.profile_id, dims, mets, source
        )
    return [
        events.profile_log(
            task_id,
            platform=INSTAGRAM,
            profile_id=profile.profile_id,
            handle=profile.handle,
            dimensions=dims,
            metrics=mets,
            source=source,
        )
    ]


async def save_instagram_posts(
    pool: asyncpg.Pool, task_id: int, posts: Sequence[InstagramPost], source: str
) -> list[pb.Event]:
    if not posts:
        return []
    dims = [events.instagram_post_dimensions(p) for p in posts]
    mets = [events.instagram_post_metrics(p) for p in posts]
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            P["upsert_instagram_posts"],
            [p.post_id for p in posts],
            [p.shortcode for p in posts],
            [p.profile_id for p in posts],
            [p.post_type for p in posts],
            [p.caption for p in posts],
            [json.dumps(p.hashtags) for p in posts],
            [p.likes for p in posts],
            [p.comments for p in posts],
            [p.plays for p in posts],
            [p.views for p in posts],
            [p.thumbnail_url for p in posts],
            [p.display_url for p in posts],
            [p.publish_time for p in posts],
            source,
        )
        await conn.execute(
            P["insert_post_logs"],
            INSTAGRAM,
            source,
            [p.post_id for p in posts],
            [p.profile_id for p in posts],
            dims,
            mets,
        )
    return [
        events.post_log(
            task_id,
            platform=INSTAGRAM,
            post_id=p.post_id,
            profile_id=p.profile_id,
            shortcode=p.shortcode,
            dimensions=d,
            metrics=m,
            source=source,
        )
        for p, d, m in zip(posts, dims, mets, strict=True)
    ]


async def save_youtube_channel(
    pool: asyncpg.Pool, task_id: int, channel: YouTubeChannel, source: str
) -> list[pb.Event]:
    dims = events.youtube_channel_dimensions(channel)
    mets = events.youtube_channel_metrics(channel)
    async with pool.acquire() as conn, conn.transaction():
        if channel.handle:
            await conn.execute(P["free_youtube_handle"], channel.channel_id, channel.handle)
        await conn.execute(
            P["upsert_youtube_account"],
            channel.channel_id,
            channel.handle,
            channel.title,
            channel.description,
            channel.country,
            channel.subscribers,
            channel.total_views,
            channel.video_count,
            channel.uploads_playlist_id,
            channel.thumbnail_url,
            source,
        )
        await conn.execute(P["insert_profile_log"], YOUTUBE, channel.channel_id, dims, mets, source)
    return [
        events.profile_log(
            task_id,
            platform=YOUTUBE,
            profile_id=channel.channel_id,
            handle=channel.handle or "",
            dimensions=dims,
            metrics=mets,
            source=source,
        )
    ]


async def save_youtube_videos(
    pool: asyncpg.Pool, task_id: int, videos: Sequence[YouTubeVideo], source: str
) -> list[pb.Event]:
    if not videos:
        return []
    dims = [events.youtube_video_dimensions(v) for v in videos]
    mets = [events.youtube_video_metrics(v) for v in videos]
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            P["upsert_youtube_posts"],
            [v.video_id for v in videos],
            [v.channel_id for v in videos],
            [v.title for v in videos],
            [v.description for v in videos],
            [json.dumps(v.tags) for v in videos],
            [v.category_id for v in videos],
            [v.duration_s for v in videos],
            [v.is_short for v in videos],
            [v.views for v in videos],
            [v.likes for v in videos],
            [v.comments for v in videos],
            [v.thumbnail_url for v in videos],
            [v.publish_time for v in videos],
            source,
        )
        await conn.execute(
            P["insert_post_logs"],
            YOUTUBE,
            source,
            [v.video_id for v in videos],
            [v.channel_id for v in videos],
            dims,
            mets,
        )
        for channel_id in sorted({v.channel_id for v in videos}):
            await conn.execute(P["update_youtube_averages"], channel_id)
    return [
        events.post_log(
            task_id,
            platform=YOUTUBE,
            post_id=v.video_id,
            profile_id=v.channel_id,
            shortcode=v.video_id,
            dimensions=d,
            metrics=m,
            source=source,
        )
        for v, d, m in zip(videos, dims, mets, strict=True)
    ]


async def save_sentiments(
    pool: asyncpg.Pool,
    task_id: int,
    platform: str,
    post_id: str,
    comments: Sequence[Comment],
    sentiments: Sequence[Sentiment],
) -> list[pb.Event]:
    texts = {c.comment_id: c.text for c in comments}
    rows = [s for s in sentiments if s.comment_id in texts]
    if not rows:
        return []
    await pool.execute(
        P["upsert_sentiments"],
        platform,
        post_id,
        [s.comment_id for s in rows],
        [texts[s.comment_id] for s in rows],
        [s.score for s in rows],
        [s.positive for s in rows],
        [s.negative for s in rows],
        [s.neutral for s in rows],
    )
    return [
        events.sentiment_log(
            task_id, platform=platform, post_id=post_id, text=texts[s.comment_id], sentiment=s
        )
        for s in rows
    ]


@dataclass(frozen=True)
class StoredAsset:
    platform: str
    entity_type: str
    entity_id: str
    asset_type: str
    source_url: str
    storage_url: str
    cdn_url: str | None
    content_type: str
    size_bytes: int
    sha256: str


def asset_key(
    platform: str, entity_id: str, asset_type: str, data: bytes, content_type: str
) -> str:
    """The seed's layout, `media/{platform}/{entity}/{asset_type}/{sha256}.{ext}`: content
    addressed, so the same bytes always land on the same key."""
    digest = hashlib.sha256(data).hexdigest()
    ext = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "video/mp4": "mp4"}
    safe_id = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in entity_id)
    return f"media/{platform}/{safe_id}/{asset_type}/{digest}.{ext.get(content_type, 'bin')}"


async def save_asset(pool: asyncpg.Pool, task_id: int, asset: StoredAsset) -> list[pb.Event]:
    await pool.execute(
        P["upsert_asset"],
        asset.platform,
        asset.entity_type,
        asset.entity_id,
        asset.asset_type,
        asset.source_url,
        asset.storage_url,
        asset.cdn_url,
        asset.content_type,
        asset.size_bytes,
        asset.sha256,
    )
    return [
        events.asset_log(
            task_id,
            platform=asset.platform,
            entity_type=asset.entity_type,
            entity_id=asset.entity_id,
            asset_type=asset.asset_type,
            source_url=asset.source_url,
            storage_url=asset.cdn_url or asset.storage_url,
            content_type=asset.content_type,
            size_bytes=asset.size_bytes,
            sha256=asset.sha256,
        )
    ]


def enrichment_dimensions(e: Enrichment) -> dict[str, str]:
    dims = {"gender": e.gender, "category": e.category, "topics": ",".join(e.topics)}
    for key, value in (("country", e.country), ("city", e.city), ("language", e.language)):
        if value:
            dims[key] = value
    return dims


async def save_enrichment(
    pool: asyncpg.Pool, task_id: int, platform: str, profile_id: str, e: Enrichment, source: str
) -> list[pb.Event]:
    """Stores what the LLM inferred; returns a profile_log carrying it, or nothing when the
    account is gone."""
    dims = enrichment_dimensions(e)
    if platform == INSTAGRAM:
        row = await pool.fetchrow(
            P["enrich_instagram_account"],
            profile_id,
            e.gender,
            e.country,
            e.city,
            e.category,
            e.topics,
            e.language,
        )
        if row is None:
            return []
        handle = row["handle"]
        dims |= {
            "full_name": row["full_name"] or "",
            "is_verified": "1" if row["is_verified"] else "0",
        }
        keys = ("followers", "following", "media_count")
    else:
        row = await pool.fetchrow(
            P["enrich_youtube_account"], profile_id, e.country, e.category, e.language
        )
        if row is None:
            return []
        handle = row["handle"] or ""
        dims |= {"full_name": row["title"] or ""}
        keys = ("subscribers", "total_views", "video_count")
    # The account's current counts ride along, so a reader of the latest snapshot sees them.
    mets = {k: float(row[k]) for k in keys if row[k] is not None}
    await pool.execute(P["insert_profile_log"], platform, profile_id, dims, mets, source)
    return [
        events.profile_log(
            task_id,
            platform=platform,
            profile_id=profile_id,
            handle=handle,
            dimensions=dims,
            metrics=mets,
            source=source,
        )
    ]
