"""YouTube Data API v3 (`youtube`): channels, a channel's uploads playlist, videos, comment
threads and search.

A credential is `{"key": ...}` (an API key); each key has a daily quota of units, and an
exhausted one rests until it resets. Counts come as strings, durations as ISO 8601 (`PT4M13S`),
errors in Google's shape `{"error": {"code", "message", "errors": [{"domain", "reason"}]}}`.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import httpx
from pydantic import BaseModel

from reach.scraper.credentials import CredentialStore
from reach.scraper.models import Comment, Page, YouTubeChannel, YouTubeVideo
from reach.scraper.sources.errors import (
    AuthFailed,
    NotFound,
    QuotaExceeded,
    Refused,
    SourceError,
)
from reach.scraper.sources.http import parse, request_json, rest_on_refusal, take_credential

NAME = "youtube"
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


def _int(value: str | None) -> int | None:
    return int(value) if value else None


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


class _ChannelSnippet(BaseModel):
    title: str
    description: str | None = None
    customUrl: str | None = None
    country: str | None = None
    thumbnails: _Thumbs | None = None


class _ChannelStats(BaseModel):
    viewCount: str | None = None
    subscriberCount: str | None = None
    videoCount: str | None = None


class _Related(BaseModel):
    uploads: str | None = None


class _ChannelDetails(BaseModel):
    relatedPlaylists: _Related


class _Channel(BaseModel):
    id: str
    snippet: _ChannelSnippet
    statistics: _ChannelStats | None = None
    contentDetails: _ChannelDetails | None = None


class _VideoSnippet(BaseModel):
    channelId: str
    title: str | None = None
    description: str | None = None
    tags: list[str] = []
    categoryId: str | None = None
    publishedAt: datetime | None = None
    thumbnails: _Thumbs | None = None


class _VideoStats(BaseModel):
    viewCount: str | None = None
    likeCount: str | None = None
    commentCount: str | None = None


class _VideoDetails(BaseModel):
    duration: str | None = None


class _Video(BaseModel):
    id: str
    snippet: _VideoSnippet
    statistics: _VideoStats | None = None
    contentDetails: _VideoDetails | None = None


class _Listing(BaseModel):
    items: list[dict[str, Any]] = []
    nextPageToken: str | None = None


class _PlaylistDetails(BaseModel):
    videoId: str


class _PlaylistItem(BaseModel):
    contentDetails: _PlaylistDetails


class _CommentSnippet(BaseModel):
    textOriginal: str
    authorDisplayName: str | None = None
    publishedAt: datetime | None = None


class _TopComment(BaseModel):
    id: str
    snippet: _CommentSnippet


class _ThreadSnippet(BaseModel):
    videoId: str
    topLevelComment: _TopComment


class _Thread(BaseModel):
    id: str
    snippet: _ThreadSnippet


class _SearchId(BaseModel):
    kind: str
    channelId: str | None = None
    videoId: str | None = None


class _SearchResult(BaseModel):
    id: _SearchId


def to_channel(c: _Channel) -> YouTubeChannel:
    stats = c.statistics or _ChannelStats()
    return YouTubeChannel(
        channel_id=c.id,
        handle=(c.snippet.customUrl or "").lstrip("@") or None,
        title=c.snippet.title,
        description=c.snippet.description,
        country=c.snippet.country,
        subscribers=_int(stats.subscriberCount),
        total_views=_int(stats.viewCount),
        video_count=_int(stats.videoCount),
        uploads_playlist_id=c.contentDetails.relatedPlaylists.uploads if c.contentDetails else None,
        thumbnail_url=c.snippet.thumbnails.best if c.snippet.thumbnails else None,
    )


def to_video(v: _Video) -> YouTubeVideo:
    stats = v.statistics or _VideoStats()
    return YouTubeVideo(
        video_id=v.id,
        channel_id=v.snippet.channelId,
        title=v.snippet.title,
        description=v.snippet.description,
        tags=v.snippet.tags,
        category_id=v.snippet.categoryId,
        duration_s=duration_seconds(v.contentDetails.duration if v.contentDetails else None),
        views=_int(stats.viewCount),
        likes=_int(stats.likeCount),
        comments=_int(stats.commentCount),
        thumbnail_url=v.snippet.thumbnails.best if v.snippet.thumbnails else None,
        publish_time=v.snippet.publishedAt,
    )


class YouTubeDataApi:
    name = NAME

    def __init__(self, client: httpx.AsyncClient, base_url: str, credentials: CredentialStore):
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials

    async def _call(self, resource: str, params: dict[str, str | int], key: str) -> Any:
        return await request_json(
            self.client,
            NAME,
            "GET",
            f"{self.base_url}/{resource}",
            params={**params, "key": key},
            classify=classify,
        )

    async def _get(self, resource: str, params: dict[str, str | int]) -> _Listing:
        credential = await take_credential(self.credentials, NAME)
        try:
            body = await self._call(resource, params, credential.secret("key"))
        except SourceError as exc:
            await rest_on_refusal(self.credentials, credential, exc)
            raise
        return parse(NAME, _Listing, body)

    async def youtube_channel(
        self, *, channel_id: str | None = None, handle: str | None = None
    ) -> YouTubeChannel:
        params: dict[str, str | int] = {"part": "snippet,statistics,contentDetails"}
        if channel_id:
            params["id"] = channel_id
        else:
            params["forHandle"] = f"@{(handle or '').lstrip('@')}"
        listing = await self._get("channels", params)
        if not listing.items:
            raise NotFound(NAME, f"no channel {channel_id or handle}")
        return to_channel(parse(NAME, _Channel, listing.items[0]))

    async def youtube_videos(self, video_ids: list[str]) -> list[YouTubeVideo]:
        videos: list[YouTubeVideo] = []
        for start in range(0, len(video_ids), MAX_IDS):
            batch = ",".join(video_ids[start : start + MAX_IDS])
            listing = await self._get(
                "videos", {"part": "snippet,statistics,contentDetails", "id": batch}
            )
            videos.extend(to_video(parse(NAME, _Video, item)) for item in listing.items)
        return videos

    async def youtube_playlist(self, playlist_id: str, cursor: str | None) -> Page[str]:
        params: dict[str, str | int] = {
            "part": "contentDetails",
            "playlistId": playlist_id,
            "maxResults": MAX_IDS,
        }
        if cursor:
            params["pageToken"] = cursor
        listing = await self._get("playlistItems", params)
        ids = [parse(NAME, _PlaylistItem, i).contentDetails.videoId for i in listing.items]
        return Page[str](items=ids, next_cursor=listing.nextPageToken)

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
        comments = []
        for item in listing.items:
            thread = parse(NAME, _Thread, item)
            top = thread.snippet.topLevelComment
            comments.append(
                Comment(
                    comment_id=top.id,
                    post_id=thread.snippet.videoId,
                    text=top.snippet.textOriginal,
                    author=top.snippet.authorDisplayName,
                    published_at=top.snippet.publishedAt,
                )
            )
        return Page[Comment](items=comments, next_cursor=listing.nextPageToken)

    async def youtube_search(self, query: str, kind: str, cursor: str | None) -> Page[str]:
        params: dict[str, str | int] = {
            "part": "snippet",
            "q": query,
            "type": kind,
            "maxResults": MAX_IDS,
        }
        if cursor:
            params["pageToken"] = cursor
        listing = await self._get("search", params)
        ids = []
        for item in listing.items:
            found = parse(NAME, _SearchResult, item).id
            ident = found.channelId if kind == "channel" else found.videoId
            if ident:
                ids.append(ident)
        return Page[str](items=ids, next_cursor=listing.nextPageToken)

    async def check_credential(self, secrets: dict[str, Any]) -> None:
        await self._call("i18nLanguages", {"part": "snippet"}, str(secrets.get("key", "")))
