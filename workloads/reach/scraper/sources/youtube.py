"""YouTube Data API v3 (`youtube`): channels, videos, a channel's playlists and a playlist's
items (its uploads among them), a channel's sections, comment threads, search and a region's
video categories.

A credential is `{"key": ...}` (an API key); each key has a daily quota of units, and an
exhausted one rests until it resets. Counts come as strings, durations as ISO 8601 (`PT4M13S`),
errors in Google's shape `{"error": {"code", "message", "errors": [{"domain", "reason"}]}}`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

from reach.scraper import models
from reach.scraper.models import Comment, Page
from reach.scraper.sources.errors import (
    AuthFailed,
    NotFound,
    QuotaExceeded,
    Refused,
    SourceError,
)
from reach.scraper.sources.http import CredentialedSource, Wire, parse, pick

NAME = "youtube"
M = TypeVar("M", bound=BaseModel)
# videos.list takes at most 50 ids.
MAX_IDS = 50
_QUOTA = {"quotaExceeded", "rateLimitExceeded", "dailyLimitExceeded", "userRateLimitExceeded"}
_AUTH = {"keyInvalid", "keyExpired", "forbidden", "accessNotConfigured", "ipRefererBlocked"}
_MISSING = {"videoNotFound", "channelNotFound", "playlistNotFound", "notFound"}
_DURATION = re.compile(r"^P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?$")


def duration_seconds(iso: str | None) -> int | None:
    """Seconds of an ISO 8601 duration as YouTube writes them (`P1DT2H3M4S`)."""
    match = _DURATION.match(iso or "")
    if not iso or not match:
        return None
    d, h, m, s = (int(match.group(k) or 0) for k in "dhms")
    return ((d * 24 + h) * 60 + m) * 60 + s


def classify(source: str, status: int, body: Any) -> SourceError | None:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None
    reasons = {e.get("reason") for e in error.get("errors", []) if isinstance(e, dict)}
    message = str(error.get("message", ""))
    detail = f"{status} {','.join(sorted(r for r in reasons if r))}: {message}"
    if reasons & _QUOTA:
        return QuotaExceeded(source, detail)
    if reasons & _AUTH or "API key not valid" in message:
        return AuthFailed(source, detail)
    if reasons & _MISSING:
        return NotFound(source, detail)
    if reasons & {"commentsDisabled"}:
        return Refused(source, detail)
    return None


# Field names are the API's own (camelCase), so bodies validate without aliases.
class _Thumb(BaseModel):
    url: str


class _Thumbs(BaseModel):
    default: _Thumb | None = None
    high: _Thumb | None = None

    @property
    def best(self) -> str | None:
        chosen = self.high or self.default
        return chosen.url if chosen else None


class _Snippet(BaseModel):
    """What a channel's or video's fields are computed from rather than copied."""

    customUrl: str | None = None
    thumbnails: _Thumbs | None = None


class _ChannelSnippet(_Snippet):
    title: str


class _VideoSnippet(_Snippet):
    channelId: str


class _Channel(BaseModel):
    id: str
    snippet: _ChannelSnippet


class _VideoDetails(BaseModel):
    duration: str | None = None


class _Video(BaseModel):
    id: str
    snippet: _VideoSnippet
    contentDetails: _VideoDetails | None = None


# Our models as the API writes them. Counts are apart: they come as strings, and an unknown one
# as an empty string.
_CHANNEL = Wire(
    models.YouTubeChannel,
    {
        "channel_id": "id",
        "title": "snippet.title",
        "description": "snippet.description",
        "country": "snippet.country",
        "uploads_playlist_id": "contentDetails.relatedPlaylists.uploads",
    },
)
_CHANNEL_COUNTS = {
    "subscribers": "statistics.subscriberCount",
    "total_views": "statistics.viewCount",
    "video_count": "statistics.videoCount",
}
_VIDEO = Wire(
    models.YouTubeVideo,
    {
        "video_id": "id",
        "channel_id": "snippet.channelId",
        "title": "snippet.title",
        "description": "snippet.description",
        "tags": "snippet.tags",
        "category_id": "snippet.categoryId",
        "publish_time": "snippet.publishedAt",
    },
)
_VIDEO_COUNTS = {
    "views": "statistics.viewCount",
    "likes": "statistics.likeCount",
    "comments": "statistics.commentCount",
}
_COMMENT = Wire(
    Comment,
    {
        "comment_id": "snippet.topLevelComment.id",
        "post_id": "snippet.videoId",
        "text": "snippet.topLevelComment.snippet.textOriginal",
        "author": "snippet.topLevelComment.snippet.authorDisplayName",
        "published_at": "snippet.topLevelComment.snippet.publishedAt",
    },
)


_PLAYLIST = Wire(
    models.YouTubePlaylist,
    {
        "playlist_id": "id",
        "channel_id": "snippet.channelId",
        "title": "snippet.title",
        "description": "snippet.description",
        "item_count": "contentDetails.itemCount",
        "privacy_status": "status.privacyStatus",
        "publish_time": "snippet.publishedAt",
    },
)
_PLAYLIST_ITEM = Wire(
    models.YouTubePlaylistItem,
    {
        "item_id": "id",
        "video_id": "contentDetails.videoId",
        "position": "snippet.position",
        "video_published_at": "contentDetails.videoPublishedAt",
    },
)

_CATEGORY = Wire(
    models.YouTubeVideoCategory,
    {"category_id": "id", "title": "snippet.title", "assignable": "snippet.assignable"},
)

_SECTION = Wire(
    models.YouTubeChannelSection,
    {
        "section_id": "id",
        "channel_id": "snippet.channelId",
        "section_type": "snippet.type",
        "title": "snippet.title",
        "position": "snippet.position",
        "playlist_ids": "contentDetails.playlists",
        "channel_ids": "contentDetails.channels",
    },
)


class _Listing(BaseModel):
    # Every list response names its kind (`youtube#playlistListResponse`); a body without one is
    # not a listing, whatever else it holds.
    kind: str
    items: list[dict[str, Any]] = []
    nextPageToken: str | None = None


class _Playlist(BaseModel):
    id: str
    snippet: _Snippet


class _SearchId(BaseModel):
    kind: str
    channelId: str | None = None
    videoId: str | None = None


class _SearchResult(BaseModel):
    id: _SearchId


def counts(item: dict[str, Any], declared: Mapping[str, str]) -> dict[str, Any]:
    """The declared counts of an item, None where it has none or an empty string."""
    found = {ours: pick(item, theirs) for ours, theirs in declared.items()}
    return {ours: None if value == "" else value for ours, value in found.items()}


def to_channel(item: dict[str, Any]) -> models.YouTubeChannel:
    snippet = parse(NAME, _Channel, item).snippet
    handle = (snippet.customUrl or "").lstrip("@") or None
    return _read(_CHANNEL, item, _CHANNEL_COUNTS, snippet, handle=handle)


def to_video(item: dict[str, Any]) -> models.YouTubeVideo:
    v = parse(NAME, _Video, item)
    duration_s = duration_seconds(v.contentDetails.duration if v.contentDetails else None)
    return _read(_VIDEO, item, _VIDEO_COUNTS, v.snippet, duration_s=duration_s)


def to_playlist(item: dict[str, Any]) -> models.YouTubePlaylist:
    return _read(_PLAYLIST, item, {}, parse(NAME, _Playlist, item).snippet)


def _read(
    wire: Wire[M],
    item: dict[str, Any],
    declared_counts: Mapping[str, str],
    snippet: _Snippet,
    **known: Any,
) -> M:
    """A channel or video: its named fields, its counts and its best thumbnail."""
    thumbnail_url = snippet.thumbnails.best if snippet.thumbnails else None
    counted = counts(item, declared_counts)
    return wire.read(NAME, item, thumbnail_url=thumbnail_url, **counted, **known)


class YouTubeDataApi(CredentialedSource):
    name = NAME
    classify = staticmethod(classify)

    async def _call(self, resource: str, params: dict[str, str | int], key: str) -> Any:
        return await self.request("GET", f"/{resource}", params={**params, "key": key})

    async def _get(self, resource: str, params: dict[str, str | int]) -> _Listing:
        body = await self.with_credential(lambda c: self._call(resource, params, c.secret("key")))
        return parse(NAME, _Listing, body)

    async def youtube_channel(
        self, *, channel_id: str | None = None, handle: str | None = None
    ) -> models.YouTubeChannel:
        params: dict[str, str | int] = {"part": "snippet,statistics,contentDetails"}
        if channel_id:
            params["id"] = channel_id
        else:
            params["forHandle"] = f"@{(handle or '').lstrip('@')}"
        listing = await self._get("channels", params)
        if not listing.items:
            raise NotFound(NAME, f"no channel {channel_id or handle}")
        return to_channel(listing.items[0])

    async def youtube_videos(self, video_ids: list[str]) -> list[models.YouTubeVideo]:
        videos: list[models.YouTubeVideo] = []
        for start in range(0, len(video_ids), MAX_IDS):
            batch = ",".join(video_ids[start : start + MAX_IDS])
            listing = await self._get(
                "videos", {"part": "snippet,statistics,contentDetails", "id": batch}
            )
            videos.extend(to_video(item) for item in listing.items)
        return videos

    async def _page(
        self, resource: str, params: dict[str, str | int], cursor: str | None
    ) -> _Listing:
        """One page of a listing of at most MAX_IDS items, from `cursor` on."""
        paged: dict[str, str | int] = {**params, "maxResults": MAX_IDS}
        if cursor:
            paged["pageToken"] = cursor
        return await self._get(resource, paged)

    async def youtube_playlist(self, playlist_id: str, cursor: str | None) -> Page[str]:
        page = await self.youtube_playlist_items(playlist_id, cursor)
        return Page[str](items=[i.video_id for i in page.items], next_cursor=page.next_cursor)

    async def youtube_playlist_items(
        self, playlist_id: str, cursor: str | None
    ) -> Page[models.YouTubePlaylistItem]:
        params: dict[str, str | int] = {"part": "snippet,contentDetails", "playlistId": playlist_id}
        listing = await self._page("playlistItems", params, cursor)
        items = [_PLAYLIST_ITEM.read(NAME, i, playlist_id=playlist_id) for i in listing.items]
        return Page[models.YouTubePlaylistItem](items=items, next_cursor=listing.nextPageToken)

    async def youtube_playlists(
        self, channel_id: str, cursor: str | None
    ) -> Page[models.YouTubePlaylist]:
        params: dict[str, str | int] = {
            "part": "snippet,contentDetails,status",
            "channelId": channel_id,
        }
        listing = await self._page("playlists", params, cursor)
        playlists = [to_playlist(item) for item in listing.items]
        return Page[models.YouTubePlaylist](items=playlists, next_cursor=listing.nextPageToken)

    async def youtube_comments(self, video_id: str, cursor: str | None) -> Page[Comment]:
        params: dict[str, str | int] = {
            "part": "snippet",
            "videoId": video_id,
            "maxResults": 100,
            "textFormat": "plainText",
        }
        if cursor:
            params["pageToken"] = cursor
        listing = await self._get("commentThreads", params)
        comments = [_COMMENT.read(NAME, item) for item in listing.items]
        return Page[Comment](items=comments, next_cursor=listing.nextPageToken)

    async def youtube_search(self, query: str, kind: str, cursor: str | None) -> Page[str]:
        params: dict[str, str | int] = {"part": "snippet", "q": query, "type": kind}
        listing = await self._page("search", params, cursor)
        ids = []
        for item in listing.items:
            found = parse(NAME, _SearchResult, item).id
            ident = found.channelId if kind == "channel" else found.videoId
            if ident:
                ids.append(ident)
        return Page[str](items=ids, next_cursor=listing.nextPageToken)

    async def youtube_video_categories(self, region: str) -> list[models.YouTubeVideoCategory]:
        params: dict[str, str | int] = {"part": "snippet", "regionCode": region, "hl": "en_US"}
        listing = await self._get("videoCategories", params)
        return [_CATEGORY.read(NAME, item, region=region) for item in listing.items]

    async def youtube_channel_sections(self, channel_id: str) -> list[models.YouTubeChannelSection]:
        params: dict[str, str | int] = {"part": "snippet,contentDetails", "channelId": channel_id}
        listing = await self._get("channelSections", params)
        return [_SECTION.read(NAME, item) for item in listing.items]

    async def check_credential(self, secrets: dict[str, Any]) -> None:
        await self._call("i18nLanguages", {"part": "snippet"}, str(secrets.get("key", "")))
