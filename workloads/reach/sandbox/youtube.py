"""Sandbox YouTube Data API v3 under `/youtube/v3`: channels (by id or forHandle), playlists (a
channel's own), playlistItems (of those or of a channel's uploads, `UU` + the channel id's
tail), channelSections, videos, commentThreads, search, videoCategories and i18nLanguages, in
the shapes of the
API's reference (developers.google.com/youtube/v3/docs), with counts as strings, ISO 8601
durations, pageToken paging, and errors in Google's shape: a bad key is 400 `badRequest` ("API
key not valid"), a key past its daily units is 403 `quotaExceeded` (search costs 100 units, the
rest 1, as in the real API).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from reach.sandbox.instagram import cdn, cursor, offset_of
from reach.sandbox.routing import Answered, UpstreamRoutes
from reach.sandbox.state import SandboxState
from reach.sandbox.universe import Channel, Playlist, Universe, Video

COSTS = {"search": 100}
# videoCategories.list as the API answers it for the US in English: (id, title, assignable).
# Every region is served this list.
VIDEO_CATEGORIES = (
    ("1", "Film & Animation", True),
    ("2", "Autos & Vehicles", True),
    ("10", "Music", True),
    ("15", "Pets & Animals", True),
    ("17", "Sports", True),
    ("18", "Short Movies", False),
    ("19", "Travel & Events", True),
    ("20", "Gaming", True),
    ("21", "Videoblogging", False),
    ("22", "People & Blogs", True),
    ("23", "Comedy", True),
    ("24", "Entertainment", True),
    ("25", "News & Politics", True),
    ("26", "Howto & Style", True),
    ("27", "Education", True),
    ("28", "Science & Technology", True),
    ("29", "Nonprofits & Activism", True),
    ("30", "Movies", False),
    ("31", "Anime/Animation", False),
    ("32", "Action/Adventure", False),
    ("33", "Classics", False),
    ("34", "Comedy", False),
    ("35", "Documentary", False),
    ("36", "Drama", False),
    ("37", "Family", False),
    ("38", "Foreign", False),
    ("39", "Horror", False),
    ("40", "Sci-Fi/Fantasy", False),
    ("41", "Thriller", False),
    ("42", "Shorts", False),
    ("43", "Shows", False),
    ("44", "Trailers", False),
)
# The channel YouTube's own categories belong to.
YOUTUBE_CHANNEL = "UCBR8-60-B28hp2BmDPdntcQ"
MAX_RESULTS = 50


def google_error(status: int, reason: str, message: str, domain: str = "youtube.api") -> Response:
    return JSONResponse(
        {
            "error": {
                "code": status,
                "message": message,
                "errors": [{"message": message, "domain": domain, "reason": reason}],
                "status": {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND"}.get(
                    status, "UNKNOWN"
                ),
            }
        },
        status,
    )


def iso_duration(seconds: int) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return "PT" + (f"{h}H" if h else "") + (f"{m}M" if m else "") + f"{s}S"


def _resource(kind: str, ident: str, snippet: dict[str, Any], **parts: Any) -> dict[str, Any]:
    """A resource as the API writes one: its kind, etag and id, its snippet, its other parts."""
    return {"kind": f"youtube#{kind}", "etag": ident[-8:], "id": ident, "snippet": snippet, **parts}


def _thumbnails(request: Request, kind: str, ident: str) -> dict[str, Any]:
    thumb = cdn(request, "youtube", kind, ident)
    return {"default": {"url": thumb}, "high": {"url": thumb}}


def channel_resource(request: Request, c: Channel) -> dict[str, Any]:
    return _resource(
        "channel",
        c.channel_id,
        {
            "title": c.title,
            "description": f"{c.category.title()} videos every week.",
            "customUrl": f"@{c.handle}",
            "publishedAt": "2019-01-01T00:00:00Z",
            "country": c.country,
            "thumbnails": _thumbnails(request, "channel", c.channel_id),
        },
        statistics={
            "viewCount": str(c.total_views),
            "subscriberCount": str(c.subscribers),
            "hiddenSubscriberCount": False,
            "videoCount": str(c.video_count),
        },
        contentDetails={"relatedPlaylists": {"likes": "", "uploads": "UU" + c.channel_id[2:]}},
    )


def video_resource(request: Request, v: Video) -> dict[str, Any]:
    return _resource(
        "video",
        v.video_id,
        {
            "publishedAt": _stamp(v.published_at),
            "channelId": v.channel.channel_id,
            "title": v.title,
            "description": f"{v.title}. Subscribe!",
            "tags": v.tags,
            "categoryId": "22",
            "thumbnails": _thumbnails(request, "video", v.video_id),
        },
        statistics={
            "viewCount": str(v.views),
            "likeCount": str(v.likes),
            "favoriteCount": "0",
            "commentCount": str(v.comments),
        },
        contentDetails={"duration": iso_duration(v.duration_s), "definition": "hd"},
    )


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def playlist_resource(request: Request, p: Playlist) -> dict[str, Any]:
    return _resource(
        "playlist",
        p.playlist_id,
        {
            "publishedAt": "2020-03-01T00:00:00Z",
            "channelId": p.channel.channel_id,
            "title": p.title,
            "description": f"The best of {p.channel.title}.",
            "thumbnails": _thumbnails(request, "playlist", p.playlist_id),
            "channelTitle": p.channel.title,
            "localized": {"title": p.title, "description": ""},
        },
        status={"privacyStatus": "public"},
        contentDetails={"itemCount": len(p.video_indexes)},
    )


def playlist_item_resource(
    request: Request, p: Playlist, position: int, v: Video
) -> dict[str, Any]:
    shown = video_resource(request, v)["snippet"]
    return _resource(
        "playlistItem",
        f"{p.playlist_id}.{v.video_id}",
        {
            **{key: shown[key] for key in ("publishedAt", "title", "description", "thumbnails")},
            "channelId": p.channel.channel_id,
            "channelTitle": p.channel.title,
            "videoOwnerChannelTitle": v.channel.title,
            "videoOwnerChannelId": v.channel.channel_id,
            "playlistId": p.playlist_id,
            "position": position,
            "resourceId": {"kind": "youtube#video", "videoId": v.video_id},
        },
        contentDetails={"videoId": v.video_id, "videoPublishedAt": shown["publishedAt"]},
        status={"privacyStatus": "public"},
    )


def channel_sections(u: Universe, c: Channel) -> list[dict[str, Any]]:
    """A channel's home page: its recent and popular uploads, its first playlist, all its
    playlists when it has several, and two channels it features."""
    own = [p.playlist_id for i in range(u.playlist_count(c)) if (p := u.playlist(c, i))]
    friends = [f.channel_id for i in (1, 2) if (f := u.channel((c.index + i) % u.size))]
    shelves: list[tuple[str, str | None, dict[str, list[str]] | None]] = [
        ("recentUploads", None, None),
        ("popularUploads", None, None),
        ("singlePlaylist", None, {"playlists": own[:1]}),
    ]
    if len(own) > 1:
        shelves.append(("multiplePlaylists", "Playlists", {"playlists": own}))
    shelves.append(("multipleChannels", "Friends", {"channels": friends}))
    sections = []
    for position, (kind, title, content) in enumerate(shelves):
        snippet: dict[str, Any] = {"type": kind, "channelId": c.channel_id, "position": position}
        if title:
            snippet["title"] = title
        parts = {"contentDetails": content} if content else {}
        sections.append(
            _resource("channelSection", f"{c.channel_id}.s{position:010d}", snippet, **parts)
        )
    return sections


def _page(kind: str, items: list[dict[str, Any]], start: int, total: int) -> Response:
    body: dict[str, Any] = {
        "kind": kind,
        "pageInfo": {"totalResults": total, "resultsPerPage": len(items)},
    }
    if items:
        body["items"] = items
    if items and start + len(items) < total:
        body["nextPageToken"] = cursor(start + len(items))
    return JSONResponse(body)


T = TypeVar("T")


# Google's 404 of each resource a request names by id: its reason and message.
_NOT_FOUND = {
    "channelId": ("channelNotFound", "The channel cannot be found."),
    "playlistId": ("playlistNotFound", "The playlist cannot be found."),
    "videoId": ("videoNotFound", "The video identified could not be found."),
}


def _named(find: Callable[[str], T | None], request: Request, param: str) -> T:
    """The resource the request names by its id in `param` (a key of `_NOT_FOUND`), or
    Google's 404 for it."""
    found = find(request.query_params.get(param, ""))
    if found is None:
        raise Answered(google_error(404, *_NOT_FOUND[param]))
    return found


def routes(state: SandboxState) -> list[Route]:
    u = state.universe

    async def key_and_quota(request: Request, resource: str) -> Response | None:
        key = request.query_params.get("key", "")
        if key not in state.tokens:
            return google_error(
                400, "badRequest", "API key not valid. Please pass a valid API key.", "global"
            )
        cost = COSTS.get(resource, 1)
        if state.youtube_units[key] + cost > state.youtube_daily_units:
            return google_error(
                403,
                "quotaExceeded",
                "The request cannot be completed because you have exceeded your quota.",
                "youtube.quota",
            )
        state.youtube_units[key] += cost
        return None

    api = UpstreamRoutes(state, "youtube", "/youtube/v3/", key_and_quota)

    def size(request: Request, default: int = 5, top: int = MAX_RESULTS) -> int:
        try:
            return max(1, min(int(request.query_params.get("maxResults", default)), top))
        except ValueError:
            return default

    @api.serve("channels")
    async def channels(request: Request) -> Response:
        ids = request.query_params.get("id")
        handle = request.query_params.get("forHandle")
        if ids:
            found = [c for i in ids.split(",") if (c := u.by_channel_id(i.strip()))]
        elif handle:
            found = [c for c in [u.by_channel_handle(handle)] if c]
        else:
            return google_error(400, "missingRequiredParameter", "No filter selected.")
        items = [channel_resource(request, c) for c in found]
        return _page("youtube#channelListResponse", items, 0, len(items))

    @api.serve("playlists")
    async def playlists(request: Request) -> Response:
        channel = u.by_channel_id(request.query_params.get("channelId", ""))
        ids = request.query_params.get("id")
        if ids:
            found = [p for i in ids.split(",") if (p := u.by_playlist_id(i.strip()))]
        elif channel is not None:
            found = [p for i in range(u.playlist_count(channel)) if (p := u.playlist(channel, i))]
        else:
            return google_error(404, *_NOT_FOUND["channelId"])
        start = offset_of(request.query_params.get("pageToken"))
        chunk = found[start : start + size(request)]
        items = [playlist_resource(request, p) for p in chunk]
        return _page("youtube#playlistListResponse", items, start, len(found))

    @api.serve("playlistItems")
    async def playlist_items(request: Request) -> Response:
        playlist = _named(u.by_playlist_id, request, "playlistId")
        start, total = offset_of(request.query_params.get("pageToken")), len(playlist.video_indexes)
        chunk = range(start, min(start + size(request), total))
        videos = [(i, u.video(playlist.channel, playlist.video_indexes[i])) for i in chunk]
        items = [playlist_item_resource(request, playlist, i, v) for i, v in videos if v]
        return _page("youtube#playlistItemListResponse", items, start, total)

    @api.serve("videos")
    async def videos(request: Request) -> Response:
        ids = [i.strip() for i in request.query_params.get("id", "").split(",") if i.strip()]
        if len(ids) > MAX_RESULTS:
            return google_error(400, "badRequest", "Too many ids.")
        items = [video_resource(request, v) for i in ids if (v := u.by_video_id(i))]
        return _page("youtube#videoListResponse", items, 0, len(items))

    @api.serve("commentThreads")
    async def comment_threads(request: Request) -> Response:
        video = _named(u.by_video_id, request, "videoId")
        start = offset_of(request.query_params.get("pageToken"))
        total = min(video.comments, 500)
        remarks = [
            u.comment(video.video_id, i)
            for i in range(start, min(start + size(request, 20, 100), total))
        ]
        items = [
            {
                "kind": "youtube#commentThread",
                "id": r.comment_id,
                "snippet": {
                    "videoId": video.video_id,
                    "topLevelComment": {
                        "kind": "youtube#comment",
                        "id": r.comment_id,
                        "snippet": {
                            "textDisplay": r.text,
                            "textOriginal": r.text,
                            "authorDisplayName": f"@{r.author.handle}",
                            "likeCount": 0,
                            "publishedAt": _stamp(r.created_at),
                        },
                    },
                    "totalReplyCount": 0,
                },
            }
            for r in remarks
        ]
        return _page("youtube#commentThreadListResponse", items, start, total)

    @api.serve("search")
    async def search(request: Request) -> Response:
        if request.query_params.get("type", "video") != "channel":
            return google_error(400, "invalidSearchFilter", "Only type=channel is served here.")
        found = u.search_channels(request.query_params.get("q", ""))
        start = offset_of(request.query_params.get("pageToken"))
        chunk = found[start : start + size(request)]
        items = [
            {
                "kind": "youtube#searchResult",
                "id": {"kind": "youtube#channel", "channelId": c.channel_id},
                "snippet": {"title": c.title, "channelId": c.channel_id},
            }
            for c in chunk
        ]
        return _page("youtube#searchListResponse", items, start, len(found))

    @api.serve("channelSections")
    async def sections(request: Request) -> Response:
        channel = _named(u.by_channel_id, request, "channelId")
        items = channel_sections(u, channel)
        return _page("youtube#channelSectionListResponse", items, 0, len(items))

    @api.serve("videoCategories")
    async def video_categories(request: Request) -> Response:
        ids = request.query_params.get("id")
        if not ids and not request.query_params.get("regionCode"):
            return google_error(400, "missingRequiredParameter", "No filter selected.")
        wanted = set(ids.split(",")) if ids else None
        items = [
            {
                "kind": "youtube#videoCategory",
                "etag": f"category-{ident}",
                "id": ident,
                "snippet": {"title": title, "assignable": assignable, "channelId": YOUTUBE_CHANNEL},
            }
            for ident, title, assignable in VIDEO_CATEGORIES
            if wanted is None or ident in wanted
        ]
        return _page("youtube#videoCategoryListResponse", items, 0, len(items))

    @api.serve("i18nLanguages")
    async def languages(request: Request) -> Response:
        items = [
            {"kind": "youtube#i18nLanguage", "id": "en", "snippet": {"hl": "en", "name": "English"}}
        ]
        return _page("youtube#i18nLanguageListResponse", items, 0, 1)

    return api.routes
