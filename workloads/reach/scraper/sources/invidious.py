"""The YouTube fallback (`invidious`): an Invidious instance's API (`/api/v1`), which reads
YouTube's public pages. It serves a channel by id, a channel's playlists and a playlist's
entries (its uploads, `UU...`, among them); no handles, videos' counts, categories or sections,
so the chain never asks it for those.

No credential. Counts come as numbers, a playlist's entries 100 a page (`page=1..`), a
channel's playlists by `continuation`; errors as `{"error": "..."}` (404 for what does not
exist); an instance throttles by address, answering 429.
"""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import BaseModel

from reach.scraper.models import Page, YouTubeChannel, YouTubePlaylist, YouTubePlaylistItem
from reach.scraper.sources.errors import Refused
from reach.scraper.sources.http import Wire, parse, request_json

NAME = "invidious"
# Entries of a playlist a page holds.
PAGE_SIZE = 100

_CHANNEL = Wire(
    YouTubeChannel,
    {
        "channel_id": "authorId",
        "title": "author",
        "subscribers": "subCount",
        "total_views": "totalViews",
    },
)
_PLAYLIST = Wire(
    YouTubePlaylist,
    {
        "playlist_id": "playlistId",
        "channel_id": "authorId",
        "item_count": "videoCount",
        "thumbnail_url": "playlistThumbnail",
    },
)
_ENTRY = Wire(YouTubePlaylistItem, {"video_id": "videoId", "position": "index"})


class _Image(BaseModel):
    url: str


class _Channel(BaseModel):
    authorId: str
    authorThumbnails: list[_Image] = []


class _Playlists(BaseModel):
    playlists: list[dict[str, Any]]
    continuation: str | None = None


class _Entries(BaseModel):
    playlistId: str
    videos: list[dict[str, Any]]
    videoCount: int


class Invidious:
    name = NAME

    def __init__(self, client: httpx.AsyncClient, base_url: str) -> None:
        self.client = client
        self.base_url = base_url.rstrip("/")

    async def _get(self, path: str, params: dict[str, str | int] | None = None) -> Any:
        return await request_json(self.client, NAME, "GET", f"{self.base_url}{path}", params=params)

    async def youtube_channel(
        self, *, channel_id: str | None = None, handle: str | None = None
    ) -> YouTubeChannel:
        if channel_id is None:
            raise Refused(NAME, f"looks channels up by id only, not by handle {handle}")
        body = await self._get(f"/api/v1/channels/{channel_id}")
        found = parse(NAME, _Channel, body)
        # The largest of its avatars comes last; a channel's uploads playlist is YouTube's
        # `UU` + the tail of its id.
        thumbnail = found.authorThumbnails[-1].url if found.authorThumbnails else None
        return _CHANNEL.read(
            NAME,
            body,
            thumbnail_url=thumbnail,
            uploads_playlist_id="UU" + found.authorId[2:],
        )

    async def youtube_playlists(self, channel_id: str, cursor: str | None) -> Page[YouTubePlaylist]:
        params: dict[str, str | int] = {"continuation": cursor} if cursor else {}
        listing = parse(
            NAME, _Playlists, await self._get(f"/api/v1/channels/{channel_id}/playlists", params)
        )
        playlists = [_PLAYLIST.read(NAME, item) for item in listing.playlists]
        return Page[YouTubePlaylist](items=playlists, next_cursor=listing.continuation)

    async def youtube_playlist_items(
        self, playlist_id: str, cursor: str | None
    ) -> Page[YouTubePlaylistItem]:
        page = int(cursor) if cursor and cursor.isdigit() else 1
        body = await self._get(f"/api/v1/playlists/{playlist_id}", {"page": page})
        listing = parse(NAME, _Entries, body)
        items = [_ENTRY.read(NAME, v, playlist_id=listing.playlistId) for v in listing.videos]
        more = listing.videos and page * PAGE_SIZE < listing.videoCount
        return Page[YouTubePlaylistItem](items=items, next_cursor=str(page + 1) if more else None)
