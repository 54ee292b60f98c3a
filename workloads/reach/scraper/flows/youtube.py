"""YouTube flows: refresh a channel, its latest videos (through the uploads playlist), the
Shorts among them with its Shorts metrics, a video by id, a video's comments with sentiment, a
keyword search that enqueues channel refreshes (what a keyword collection asks for), a channel's
playlists and a playlist's entries, its home page's sections, and the video categories of a
region."""

# Capabilities are Protocols handed to the chain as tokens it checks with isinstance, never
# instantiates; mypy's type-abstract check is about instantiation.
# mypy: disable-error-code="type-abstract"

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from pydantic import BaseModel

from reach.scraper import processing
from reach.scraper.contract import (
    FlowName,
    FlowParams,
    YouTubeChannelIdParams,
    YouTubeChannelParams,
    YouTubeChannelVideosParams,
    YouTubeCommentsParams,
    YouTubePlaylistItemsParams,
    YouTubePlaylistsParams,
    YouTubeRegionParams,
    YouTubeSearchParams,
    YouTubeShortsParams,
    YouTubeVideoParams,
)
from reach.scraper.flows.base import Flow, FlowContext, collect_pages, flow
from reach.scraper.flows.sentiment import fetch_and_score
from reach.scraper.models import (
    YouTubeChannel,
    YouTubeChannelSection,
    YouTubePlaylist,
    YouTubeVideo,
    YouTubeVideoCategory,
)
from reach.scraper.networks import (
    YOUTUBE,
    YOUTUBE_CHANNEL_SECTIONS,
    YOUTUBE_PLAYLIST_ITEMS,
    YOUTUBE_PLAYLISTS,
    YOUTUBE_VIDEO_CATEGORIES,
    Account,
    Table,
)
from reach.scraper.queue.models import Complete, NewTask
from reach.scraper.ratelimiting import RateLimit
from reach.scraper.sources.capabilities import (
    Source,
    YouTubeCategories,
    YouTubeChannels,
    YouTubeComments,
    YouTubePlaylists,
    YouTubeSearch,
    YouTubeSections,
    YouTubeVideos,
)
from reach.scraper.sources.chain import Answer
from reach.scraper.sources.errors import NotFound

S = TypeVar("S", bound=Source)
M = TypeVar("M", bound=BaseModel)
P = TypeVar("P", bound=FlowParams)

# The Data API first; the chain asks the fallback only what it can do (a channel by id, a
# channel's playlists, a playlist's entries).
SOURCES = ("youtube", "invidious")


async def _channel(ctx: FlowContext, channel_id: str) -> YouTubeChannel:
    """A channel whose uploads playlist we need, from PostgreSQL or else from the API."""
    row = await ctx.pool.fetchrow(YOUTUBE.brief_sql, channel_id)
    if row is not None and row["uploads_playlist_id"]:
        return YouTubeChannel(channel_id=channel_id, uploads_playlist_id=row["uploads_playlist_id"])
    answer = await ctx.chain.first(
        YouTubeChannels, lambda s: s.youtube_channel(channel_id=channel_id)
    )
    await ctx.publish(
        await processing.save_account(
            ctx.pool, ctx.task_id, YOUTUBE, Account(answer.value), answer.source
        )
    )
    return answer.value


@flow(
    FlowName.REFRESH_YOUTUBE_CHANNEL,
    sources=SOURCES,
    rate_limits=(RateLimit(60, "minute"), RateLimit(1, "second", "handle")),
)
async def refresh_channel(ctx: FlowContext, p: YouTubeChannelParams) -> Complete:
    """Refresh a YouTube channel by id or @handle."""
    answer = await ctx.chain.first(
        YouTubeChannels,
        lambda s: s.youtube_channel(channel_id=p.channel_id, handle=p.handle),
        handle=p.rate_key(),
    )
    await ctx.publish(
        await processing.save_account(
            ctx.pool, ctx.task_id, YOUTUBE, Account(answer.value), answer.source
        )
    )
    c = answer.value
    return Complete(
        source=answer.source, result={"channel_id": c.channel_id, "subscribers": c.subscribers}
    )


async def _latest_videos(source: YouTubeVideos, playlist: str, limit: int) -> list[YouTubeVideo]:
    ids = await collect_pages(lambda c: source.youtube_playlist(playlist, c), limit)
    return await source.youtube_videos(ids)


async def _latest_uploads(
    ctx: FlowContext, p: YouTubeChannelVideosParams
) -> Answer[list[YouTubeVideo]]:
    """The channel's latest `p.limit` uploads, through its uploads playlist."""
    channel = await _channel(ctx, p.channel_id)
    if not channel.uploads_playlist_id:
        raise NotFound("youtube", f"channel {p.channel_id} has no uploads playlist")
    playlist = channel.uploads_playlist_id
    return await ctx.chain.first(
        YouTubeVideos, lambda s: _latest_videos(s, playlist, p.limit), handle=p.rate_key()
    )


@flow(
    FlowName.REFRESH_YOUTUBE_CHANNEL_VIDEOS, sources=SOURCES, rate_limits=(RateLimit(60, "minute"),)
)
async def refresh_channel_videos(ctx: FlowContext, p: YouTubeChannelVideosParams) -> Complete:
    """Refresh a channel's latest uploads (and its averages)."""
    answer = await _latest_uploads(ctx, p)
    await ctx.publish(
        await processing.save_posts(ctx.pool, ctx.task_id, YOUTUBE, answer.value, answer.source)
    )
    return Complete(source=answer.source, result={"videos": len(answer.value)})


@flow(
    FlowName.REFRESH_YOUTUBE_CHANNEL_SHORTS, sources=SOURCES, rate_limits=(RateLimit(60, "minute"),)
)
async def refresh_channel_shorts(ctx: FlowContext, p: YouTubeShortsParams) -> Complete:
    """Refresh the Shorts among a channel's latest uploads, and its Shorts metrics: their views
    together (`plays`) and per Short (`shorts_reach`), over its stored Shorts."""
    answer = await _latest_uploads(ctx, p)
    shorts = [v for v in answer.value if v.is_short]
    posted = await processing.save_posts(ctx.pool, ctx.task_id, YOUTUBE, shorts, answer.source)
    logged = await processing.log_stored_account(
        ctx.pool, ctx.task_id, YOUTUBE, p.channel_id, answer.source
    )
    await ctx.publish(posted, logged)
    metrics = logged[0].profile_log.metrics if logged else {}
    return Complete(
        source=answer.source,
        result={
            "uploads": len(answer.value),
            "shorts": len(shorts),
            **{key: metrics[key] for key in ("plays", "shorts_reach") if key in metrics},
        },
    )


async def _one_video(source: YouTubeVideos, video_id: str) -> YouTubeVideo:
    found = await source.youtube_videos([video_id])
    if not found:
        raise NotFound(source.name, f"no video {video_id}")
    return found[0]


@flow(FlowName.REFRESH_YOUTUBE_VIDEO, sources=SOURCES, rate_limits=(RateLimit(120, "minute"),))
async def refresh_video(ctx: FlowContext, p: YouTubeVideoParams) -> Complete:
    """Refresh one YouTube video by id."""
    answer = await ctx.chain.first(
        YouTubeVideos, lambda s: _one_video(s, p.video_id), handle=p.rate_key()
    )
    await ctx.publish(
        await processing.save_posts(ctx.pool, ctx.task_id, YOUTUBE, [answer.value], answer.source)
    )
    return Complete(source=answer.source, result={"video_id": p.video_id})


@flow(
    FlowName.FETCH_YOUTUBE_VIDEO_COMMENTS,
    sources=(*SOURCES, "openai"),
    rate_limits=(RateLimit(30, "minute"),),
)
async def fetch_video_comments(ctx: FlowContext, p: YouTubeCommentsParams) -> Complete:
    """Fetch a video's comments and score their sentiment."""
    return await fetch_and_score(
        ctx,
        "youtube",
        p.video_id,
        YouTubeComments,
        lambda s, cursor: s.youtube_comments(p.video_id, cursor),
        p,
    )


# search.list costs 100 quota units of a key's 10,000 a day.
@flow(FlowName.SEARCH_YOUTUBE_KEYWORD, sources=SOURCES, rate_limits=(RateLimit(100, "day"),))
async def search_keyword(ctx: FlowContext, p: YouTubeSearchParams) -> Complete:
    """Search channels by keyword and enqueue their refresh (keyword collections)."""
    answer = await ctx.chain.first(
        YouTubeSearch,
        lambda s: collect_pages(lambda c: s.youtube_search(p.keyword, p.kind, c), p.limit),
        handle=p.rate_key(),
    )
    tasks = [
        NewTask(
            flow=refresh_channel.name,
            params={"channel_id": channel_id},
            dedup_key=channel_id,
            priority=p.priority,
        )
        for channel_id in dict.fromkeys(answer.value)
    ]
    created = await ctx.manager.enqueue_many(tasks)
    return Complete(source=answer.source, result={"found": len(tasks), "enqueued": len(created)})


def _rows_flow(
    name: FlowName,
    table: Table[M],
    capability: type[S],
    fetch: Callable[[S, P], Awaitable[list[M]]],
    per_minute: int,
) -> Flow[P]:
    """The flow `name` that upserts into `table` the rows the first able source's `fetch`
    answers, and publishes their logs; `fetch`'s docstring and parameters are the flow's."""

    async def run(ctx: FlowContext, p: P) -> Complete:
        answer = await ctx.chain.first(capability, lambda s: fetch(s, p), handle=p.rate_key())
        await ctx.publish(
            await processing.save_rows(ctx.pool, ctx.task_id, table, answer.value, answer.source)
        )
        return Complete(source=answer.source, result={table.name: len(answer.value)})

    run.__doc__ = fetch.__doc__
    run.__annotations__ = {**run.__annotations__, "p": fetch.__annotations__["p"]}
    return flow(name, sources=SOURCES, rate_limits=(RateLimit(per_minute, "minute"),))(run)


async def _playlists(s: YouTubePlaylists, p: YouTubePlaylistsParams) -> list[YouTubePlaylist]:
    """Refresh a channel's public playlists (titles, sizes, privacy)."""
    return await collect_pages(lambda c: s.youtube_playlists(p.channel_id, c), p.limit)


async def _categories(s: YouTubeCategories, p: YouTubeRegionParams) -> list[YouTubeVideoCategory]:
    """Refresh the video categories a region lists (what videos' category ids name)."""
    return await s.youtube_video_categories(p.region)


async def _sections(s: YouTubeSections, p: YouTubeChannelIdParams) -> list[YouTubeChannelSection]:
    """Refresh the sections of a channel's home page (what playlists and channels it shows)."""
    return await s.youtube_channel_sections(p.channel_id)


refresh_channel_playlists = _rows_flow(
    FlowName.REFRESH_YOUTUBE_CHANNEL_PLAYLISTS, YOUTUBE_PLAYLISTS, YouTubePlaylists, _playlists, 60
)
refresh_video_categories = _rows_flow(
    FlowName.REFRESH_YOUTUBE_VIDEO_CATEGORIES,
    YOUTUBE_VIDEO_CATEGORIES,
    YouTubeCategories,
    _categories,
    10,
)
refresh_channel_sections = _rows_flow(
    FlowName.REFRESH_YOUTUBE_CHANNEL_SECTIONS,
    YOUTUBE_CHANNEL_SECTIONS,
    YouTubeSections,
    _sections,
    60,
)


@flow(
    FlowName.REFRESH_YOUTUBE_PLAYLIST_ITEMS,
    sources=SOURCES,
    rate_limits=(RateLimit(60, "minute"),),
)
async def refresh_playlist_items(ctx: FlowContext, p: YouTubePlaylistItemsParams) -> Complete:
    """Refresh a playlist's entries and the videos they are.

    Everything is fetched before anything is written, so a failing page leaves no playlist
    half-refreshed; an entry whose video is private or gone stays without a video row."""
    items = await ctx.chain.first(
        YouTubePlaylists,
        lambda s: collect_pages(lambda c: s.youtube_playlist_items(p.playlist_id, c), p.limit),
        handle=p.rate_key(),
    )
    ids = list(dict.fromkeys(i.video_id for i in items.value))
    videos = await ctx.chain.first(
        YouTubeVideos, lambda s: s.youtube_videos(ids), handle=p.rate_key()
    )
    saved = await processing.save_posts(ctx.pool, ctx.task_id, YOUTUBE, videos.value, videos.source)
    listed = await processing.save_rows(
        ctx.pool, ctx.task_id, YOUTUBE_PLAYLIST_ITEMS, items.value, items.source
    )
    await ctx.publish(saved, listed)
    return Complete(
        source=items.source, result={"items": len(items.value), "videos": len(videos.value)}
    )
