"""Sandbox Instagram upstreams over the synthetic universe, in their documented shapes:

- `/graph/v15.0/{ig-user-id}?fields=business_discovery.username(H){...}&access_token=`: the
  Graph API's business discovery, honouring the requested fields and media paging
  (`media.after(C).limit(N){...}`), with Graph error bodies (190 bad token, 110 not a
  business account or unknown);
- `/graph/v15.0/{ig-user-id}/insights?metric=...&period=day&since=&until=`: a business
  account's days (`data[].values[]` with `value` and `end_time`, the end of the day, 07:00 UTC
  next morning as Instagram closes a Pacific day), and with
  `metric=follower_demographics&period=lifetime&metric_type=total_value&breakdown=B` its
  followers counted per bucket (`data[].total_value.breakdowns[].results[]`);
  `/graph/v15.0/{ig-media-id}/insights?metric=...`: a post's lifetime counts (error 100 for
  a metric the node does not have, 10 for a personal account's);
- `/rapidapi/instagram/v1/info`, `/v1.2/posts`, `/v1/reels`, `/v1/tagged`, `/v1/post_info`,
  `/v1/followers`, `/v1/following`, `/v1/likes`, `/v1/comments`, `/v1/hashtag?hashtag=`,
  `/v1/location_posts?location_id=` (404 for an unknown place): a RapidAPI-style provider
  (X-RapidAPI-Key), paged by `pagination_token`; a post tagged at a place carries it as
  Instagram's `location` object (`pk`, `name`, `lat`, `lng`...);
  `/v1/stories`: an account's reel of live stories as Instagram lists them (`additional_data`
  naming the account, items with `image_versions2.candidates` and, for videos,
  `video_versions`), unpaged;
- `/instagram-web/api/v1/users/web_profile_info/?username=`: the web profile JSON.
Media URLs point at the sandbox CDN on the same server.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from reach.sandbox.routing import Admit, UpstreamRoutes
from reach.sandbox.state import SandboxState
from reach.sandbox.universe import (
    Creator,
    Person,
    Place,
    Post,
    Remark,
    Story,
    Universe,
    place_by_id,
)

GRAPH_PAGE = 25
RAPID_POSTS_PAGE = 12
RAPID_FOLLOWERS_PAGE = 50
RAPID_COMMENTS_PAGE = 20
WEB_POSTS = 12
_DISCOVERY = re.compile(r"^business_discovery\.username\(([^)]*)\)\{(.*)\}$", re.DOTALL)
_MODIFIER = re.compile(r"\.(after|before|limit)\(([^)]*)\)")
X = TypeVar("X")
Y = TypeVar("Y")


def cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def offset_of(token: str | None) -> int:
    if not token:
        return 0
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        return max(0, int(raw.removeprefix("offset:")))
    except ValueError:
        return 0


# A listing's items from index `start` on, at most `size`, and the next offset's cursor
# (None at the end).
Slice = tuple[list[Any], str | None]


def take(total: int, start: int, size: int, item: Callable[[int], Any | None]) -> Slice:
    """Items `item(i)` (None: no such item) of up to `size` indexes from `start`, below
    `total`, and the cursor of the offset after them (None when none are left)."""
    found = [x for i in range(start, min(start + size, total)) if (x := item(i)) is not None]
    end = start + len(found)
    return found, cursor(end) if found and end < total else None


def split_fields(text: str) -> list[str]:
    """Top-level comma-separated fields of a Graph API `fields` expression."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "{(":
            depth += 1
        elif ch in "})":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def cdn(request: Request, platform: str, kind: str, ident: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/cdn/{platform}/{kind}/{ident}.png"


def _graph_error(code: int, message: str, subcode: int | None = None) -> Response:
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code}
    if subcode:
        error["error_subcode"] = subcode
    error["fbtrace_id"] = "AsandboxTrace"
    return JSONResponse({"error": error}, 400)


def graph_media(request: Request, post: Post, fields: list[str]) -> dict[str, Any]:
    video = post.kind == "video"
    full: dict[str, Any] = {
        "id": post.post_id,
        "caption": post.caption,
        "like_count": post.likes,
        "comments_count": post.comments,
        "media_type": {"video": "VIDEO", "image": "IMAGE", "carousel": "CAROUSEL_ALBUM"}[post.kind],
        "media_product_type": "REELS" if video else "FEED",
        "media_url": cdn(request, "instagram", "post", post.post_id),
        "thumbnail_url": cdn(request, "instagram", "thumb", post.post_id) if video else None,
        "permalink": f"https://www.instagram.com/{'reel' if video else 'p'}/{post.shortcode}/",
        "timestamp": post.taken_at.strftime("%Y-%m-%dT%H:%M:%S+0000"),
    }
    return {k: full[k] for k in fields if k in full and full[k] is not None}


def graph_discovery(
    request: Request, state: SandboxState, user_id: str, c: Creator, fields: list[str]
) -> dict[str, Any]:
    full: dict[str, Any] = {
        "id": c.profile_id,
        "ig_id": c.index,
        "username": c.handle,
        "name": c.full_name,
        "biography": c.biography,
        "website": f"https://{c.handle.replace('.', '')}.example",
        "profile_picture_url": cdn(request, "instagram", "profile", c.profile_id),
        "followers_count": c.followers,
        "follows_count": c.following,
        "media_count": c.media_count,
    }
    out: dict[str, Any] = {}
    for field in fields:
        if not (field == "media" or field.startswith(("media.", "media{"))):
            if field in full:
                out[field] = full[field]
            continue
        sub = field[field.index("{") + 1 : -1] if "{" in field else "id"
        mods = dict(_MODIFIER.findall(field.split("{", 1)[0]))
        limit = min(int(mods.get("limit", GRAPH_PAGE) or GRAPH_PAGE), 100)
        start = offset_of(mods.get("after"))
        total = state.universe.post_count(c)
        posts = [
            p for i in range(start, min(start + limit, total)) if (p := state.universe.post(c, i))
        ]
        page: dict[str, Any] = {"data": [graph_media(request, p, split_fields(sub)) for p in posts]}
        if posts:
            page["paging"] = {
                "cursors": {"before": cursor(start), "after": cursor(start + len(posts))}
            }
            if start + len(posts) < total:
                after = cursor(start + len(posts))
                page["paging"]["next"] = (
                    f"{str(request.base_url).rstrip('/')}{request.url.path}?fields="
                    f"business_discovery.username({c.handle})"
                    f"{{media.after({after}).limit({limit}){{{sub}}}}}"
                )
        out["media"] = page
    return out


# The metrics each insights node answers (what the API version served documents).
USER_DAY_METRICS = ("reach", "impressions", "profile_views", "website_clicks", "follower_count")
MEDIA_METRICS = ("reach", "impressions", "saved", "shares", "total_interactions", "likes")
DEMOGRAPHICS = "follower_demographics"
DEMOGRAPHIC_BREAKDOWNS = ("age", "city", "country", "gender")
# Instagram closes a day at midnight Pacific time: 07:00 UTC (summer time).
_DAY_END = time(7, tzinfo=UTC)
# Days a `period=day` request without since/until answers, as the API does.
DEFAULT_DAYS = 2


def _insight(
    node_id: str, name: str, period: str, answer: dict[str, Any], title: str | None = None
) -> dict[str, Any]:
    """One metric of an insights answer, in its documented envelope."""
    label = title or name.replace("_", " ").capitalize()
    return {
        "name": name,
        "period": period,
        **answer,
        "title": label,
        "description": f"{label} of the {period}",
        "id": f"{node_id}/insights/{name}/{period}",
    }


def _end_time(day: date) -> str:
    closed = datetime.combine(day + timedelta(days=1), _DAY_END)
    return closed.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _day_of(stamp: str | None, default: date) -> date:
    return datetime.fromtimestamp(int(stamp), UTC).date() if stamp else default


def user_days(
    u: Universe, c: Creator, metrics: Sequence[str], since: date, until: date
) -> list[dict[str, Any]]:
    """The account's days from `since` up to `until` (exclusive), one entry per metric."""
    days = [since + timedelta(days=i) for i in range((until - since).days)]
    counts = {day: u.insights_day(c, day) for day in days}
    return [
        _insight(
            c.profile_id,
            name,
            "day",
            {"values": [{"value": counts[d][name], "end_time": _end_time(d)} for d in days]},
        )
        for name in metrics
    ]


def demographics(u: Universe, c: Creator, breakdown: str) -> dict[str, Any]:
    results = [
        {"dimension_values": [bucket], "value": count}
        for bucket, count in u.demographics(c, breakdown)
    ]
    answer = {"total_value": {"breakdowns": [{"dimension_keys": [breakdown], "results": results}]}}
    return _insight(c.profile_id, DEMOGRAPHICS, "lifetime", answer, "Follower demographics")


def _refused_metrics(metrics: Sequence[str], known: Sequence[str]) -> Response | None:
    """The Graph API's refusal of an insights request asking for no metric, or for one the
    node does not have."""
    if metrics and all(m in known for m in metrics):
        return None
    return _graph_error(
        100, f"(#100) metric[0] must be one of the following values: {', '.join(known)}"
    )


def media_insights(u: Universe, node_id: str, post: Post, metrics: Sequence[str]) -> Response:
    """A post's lifetime insights answer."""
    if refused := _refused_metrics(metrics, MEDIA_METRICS):
        return refused
    counts = u.post_insights(post) | {"likes": post.likes}
    data = [_insight(node_id, m, "lifetime", {"values": [{"value": counts[m]}]}) for m in metrics]
    return JSONResponse({"data": data})


def audience_insights(u: Universe, c: Creator, q: Mapping[str, str]) -> Response:
    """A business account's followers counted per bucket of the one breakdown asked for."""
    breakdown = q.get("breakdown", "")
    if q.get("metric_type") != "total_value" or breakdown not in DEMOGRAPHIC_BREAKDOWNS:
        return _graph_error(
            100,
            "(#100) follower_demographics needs metric_type=total_value and one"
            f" breakdown of {', '.join(DEMOGRAPHIC_BREAKDOWNS)}",
        )
    return JSONResponse({"data": [demographics(u, c, breakdown)]})


def day_insights(u: Universe, c: Creator, metrics: Sequence[str], q: Mapping[str, str]) -> Response:
    """A business account's days from `since` to `until` (1 to 30 of them)."""
    if refused := _refused_metrics(metrics, USER_DAY_METRICS):
        return refused
    until = _day_of(q.get("until"), datetime.now(UTC).date())
    since = _day_of(q.get("since"), until - timedelta(days=DEFAULT_DAYS))
    if not timedelta(0) < until - since <= timedelta(days=30):
        return _graph_error(100, "(#100) The since and until range must be 1 to 30 days")
    return JSONResponse({"data": user_days(u, c, metrics, since, until)})


def rapid_user(request: Request, c: Creator) -> dict[str, Any]:
    return {
        "id": c.profile_id,
        "username": c.handle,
        "full_name": c.full_name,
        "biography": c.biography,
        "category": c.category.title(),
        "follower_count": c.followers,
        "following_count": c.following,
        "media_count": c.media_count,
        "is_verified": c.is_verified,
        "is_business": c.is_business,
        "is_private": False,
        "profile_pic_url": cdn(request, "instagram", "profile", c.profile_id),
        "external_url": f"https://{c.handle.replace('.', '')}.example",
    }


def rapid_location(place: Place) -> dict[str, Any]:
    """A place as Instagram's media and location answers write it (`pk` a number)."""
    return {
        "pk": int(place.location_id),
        "short_name": place.name,
        "name": place.name,
        "address": "",
        "city": place.name,
        "lat": place.lat,
        "lng": place.lng,
        "external_source": "facebook_places",
    }


def rapid_post(request: Request, p: Post) -> dict[str, Any]:
    return {
        "id": p.post_id,
        "code": p.shortcode,
        "user": {"id": p.creator.profile_id, "username": p.creator.handle},
        "caption": {"text": p.caption},
        "like_count": p.likes,
        "comment_count": p.comments,
        "play_count": p.plays,
        "media_type": {"image": 1, "video": 2, "carousel": 8}[p.kind],
        "product_type": "clips" if p.kind == "video" else "feed",
        "thumbnail_url": cdn(request, "instagram", "thumb", p.post_id),
        "display_url": cdn(request, "instagram", "post", p.post_id),
        "taken_at": int(p.taken_at.timestamp()),
        **({"location": rapid_location(p.place)} if p.place else {}),
    }


def rapid_story(request: Request, s: Story) -> dict[str, Any]:
    media = cdn(request, "instagram", "story", s.story_id)
    item: dict[str, Any] = {
        "id": f"{s.story_id}_{s.creator.profile_id}",
        "pk": s.story_id,
        "code": s.code,
        "media_type": 2 if s.is_video else 1,
        "taken_at": int(s.taken_at.timestamp()),
        "expiring_at": int(s.expiring_at.timestamp()),
        "original_width": 1080,
        "original_height": 1920,
        "image_versions2": {"candidates": [{"url": media, "width": 640, "height": 1136}]},
    }
    if s.is_video:
        item["video_duration"] = 15.0
        item["video_versions"] = [
            {"url": media.removesuffix(".png") + ".mp4", "width": 720, "height": 1280}
        ]
    return item


def live_stories(request: Request, u: Universe, creator: Creator) -> list[dict[str, Any]]:
    """The account's live stories, as Instagram lists the items of its reel."""
    return [
        rapid_story(request, s) for i in range(u.story_count(creator)) if (s := u.story(creator, i))
    ]


def rapid_account(request: Request, p: Person) -> dict[str, Any]:
    return {"id": p.profile_id, "username": p.handle, "full_name": p.full_name, "is_private": False}


def rapid_comment(r: Remark) -> dict[str, Any]:
    return {
        "id": r.comment_id,
        "text": r.text,
        "created_at": int(r.created_at.timestamp()),
        "user": {"id": r.author.profile_id, "username": r.author.handle},
        "like_count": 0,
    }


def rapid_key(state: SandboxState) -> Admit:
    """RapidAPI's own refusal of a key not subscribed to the provider, whichever it is."""

    async def admit(request: Request, path: str) -> Response | None:
        if request.headers.get("x-rapidapi-key") not in state.tokens:
            return JSONResponse({"message": "You are not subscribed to this API."}, 403)
        return None

    return admit


def mobile_media(request: Request, p: Post) -> dict[str, Any]:
    """A post as the mobile app's media item: its id carries its author's, its picture is
    under `image_versions2`."""
    item = {
        k: v for k, v in rapid_post(request, p).items() if k not in ("thumbnail_url", "display_url")
    }
    image = {"candidates": [{"url": cdn(request, "instagram", "post", p.post_id), "width": 1080}]}
    return {
        **item,
        "id": f"{p.post_id}_{p.creator.profile_id}",
        "pk": p.post_id,
        "image_versions2": image,
    }


def web_node(request: Request, p: Post) -> dict[str, Any]:
    """A post as a node of the web app's timeline."""
    return {
        "id": p.post_id,
        "shortcode": p.shortcode,
        "is_video": p.kind == "video",
        "product_type": "clips" if p.kind == "video" else None,
        "owner": {"id": p.creator.profile_id, "username": p.creator.handle},
        "edge_media_to_caption": {"edges": [{"node": {"text": p.caption}}]},
        "edge_liked_by": {"count": p.likes},
        "edge_media_to_comment": {"count": p.comments},
        "video_view_count": p.plays,
        "display_url": cdn(request, "instagram", "post", p.post_id),
        "thumbnail_src": cdn(request, "instagram", "thumb", p.post_id),
        "taken_at_timestamp": int(p.taken_at.timestamp()),
    }


def web_user(request: Request, u: Universe, creator: Creator) -> dict[str, Any]:
    """The web app's user object, with the first page of the account's timeline."""
    posts = [p for i in range(min(WEB_POSTS, u.post_count(creator))) if (p := u.post(creator, i))]
    return {
        "id": creator.profile_id,
        "username": creator.handle,
        "full_name": creator.full_name,
        "biography": creator.biography,
        "category_name": creator.category.title(),
        "is_verified": creator.is_verified,
        "is_business_account": creator.is_business,
        "is_private": False,
        "profile_pic_url_hd": cdn(request, "instagram", "profile", creator.profile_id),
        "external_url": None,
        "edge_followed_by": {"count": creator.followers},
        "edge_follow": {"count": creator.following},
        "edge_owner_to_timeline_media": {
            "count": creator.media_count,
            "page_info": {"has_next_page": creator.media_count > WEB_POSTS, "end_cursor": None},
            "edges": [{"node": web_node(request, p)} for p in posts],
        },
    }


def _page(
    request: Request, total: int, size: int, item: Callable[[int], dict[str, Any] | None]
) -> Response:
    """The page of a listing that the request's `pagination_token` points at: items
    `item(i)` (None: no such item) of up to `size` indexes below `total`."""
    start = offset_of(request.query_params.get("pagination_token"))
    items, after = take(total, start, size, item)
    return JSONResponse({"data": {"count": total, "items": items}, "pagination_token": after})


def routes(state: SandboxState) -> list[Route]:
    u = state.universe

    async def graph_token(request: Request, path: str) -> Response | None:
        if request.query_params.get("access_token") not in state.tokens:
            return _graph_error(190, "Invalid OAuth access token - Cannot parse access token")
        return None

    graph = UpstreamRoutes(state, "graph", "/graph/v15.0", graph_token)
    rapid = UpstreamRoutes(state, "rapidapi", "/rapidapi/instagram", rapid_key(state))
    web = UpstreamRoutes(state, "web", "/instagram-web")

    @graph.serve("/{user_id}")
    async def graph_user(request: Request) -> Response:
        user_id = request.path_params["user_id"]
        fields = request.query_params.get("fields", "id")
        match = _DISCOVERY.match(fields)
        if match is None:
            return JSONResponse({"id": user_id, "username": "sandbox_business"})
        creator = u.by_handle(match.group(1))
        if creator is None or not creator.is_business:
            return _graph_error(110, "Invalid user id", 2207013)
        discovery = graph_discovery(request, state, user_id, creator, split_fields(match.group(2)))
        return JSONResponse({"business_discovery": discovery, "id": user_id})

    @graph.serve("/{node_id}/insights")
    async def graph_insights(request: Request) -> Response:
        node_id, q = request.path_params["node_id"], request.query_params
        metrics = [m for m in q.get("metric", "").split(",") if m]
        creator, post = u.by_profile_id(node_id), u.by_post_id(node_id)
        owner = creator or (post.creator if post else None)
        if owner is None:
            return _graph_error(100, f"Unsupported get request. Object with ID '{node_id}'")
        if not owner.is_business:
            return _graph_error(10, "(#10) User does not have permission for this action")
        if post is not None:
            return media_insights(u, node_id, post, metrics)
        if metrics == [DEMOGRAPHICS]:
            return audience_insights(u, owner, q)
        return day_insights(u, owner, metrics, q)

    def account(request: Request) -> Creator | None:
        return u.by_handle(request.query_params.get("username_or_id_or_url", ""))

    def media(request: Request) -> Post | None:
        return u.by_shortcode(request.query_params.get("code_or_id_or_url", ""))

    def hashtag(request: Request) -> list[Post]:
        return u.hashtag_posts(request.query_params.get("hashtag", ""))

    def location(request: Request) -> list[Post] | None:
        found = place_by_id(request.query_params.get("location_id", ""))
        return None if found is None else u.location_posts(found)

    def of(
        path: str, find: Callable[[Request], X | None]
    ) -> Callable[[Callable[[Request, X], Response]], object]:
        """Declares a RapidAPI endpoint answering about the account or post the request
        names (found by `find`), and 404 when there is none."""

        def declare(answer: Callable[[Request, X], Response]) -> object:
            @rapid.serve(path)
            async def endpoint(request: Request) -> Response:
                found = find(request)
                if found is None:
                    return JSONResponse({"detail": "Not found"}, 404)
                return answer(request, found)

            return answer

        return declare

    @of("/v1/info", account)
    def rapid_info(request: Request, creator: Creator) -> Response:
        return JSONResponse({"data": rapid_user(request, creator)})

    def listing(
        path: str,
        find: Callable[[Request], X | None],
        count: Callable[[X], int],
        item: Callable[[X, int], Y | None],
        shape: Callable[[Request, Y], dict[str, Any]],
    ) -> None:
        """Declares a RapidAPI listing about the account or post the request names: its
        `count(owner)` items `item(owner, i)`, each in its `shape`, paged."""
        size = RAPID_POSTS_PAGE if shape is rapid_post else RAPID_FOLLOWERS_PAGE

        @of(path, find)
        def answer(request: Request, owner: X) -> Response:
            def one(i: int) -> dict[str, Any] | None:
                found = item(owner, i)
                return None if found is None else shape(request, found)

            return _page(request, count(owner), size, one)

    listing("/v1.2/posts", account, u.post_count, u.post, rapid_post)
    listing("/v1/reels", account, u.reel_count, u.reel, rapid_post)
    listing("/v1/tagged", account, u.tagged_count, u.tagged, rapid_post)
    listing("/v1/hashtag", hashtag, len, list.__getitem__, rapid_post)
    listing("/v1/location_posts", location, len, list.__getitem__, rapid_post)
    listing("/v1/followers", account, u.follower_count, u.follower, rapid_account)
    listing("/v1/following", account, u.following_count, u.followed, rapid_account)
    listing("/v1/likes", media, u.liker_count, u.liker, rapid_account)

    @of("/v1/post_info", media)
    def rapid_post_info(request: Request, post: Post) -> Response:
        return JSONResponse({"data": rapid_post(request, post)})

    @of("/v1/comments", media)
    def rapid_comments(request: Request, post: Post) -> Response:
        def comment(i: int) -> dict[str, Any]:
            return rapid_comment(u.comment(post.shortcode, i))

        return _page(request, u.comment_count(post), RAPID_COMMENTS_PAGE, comment)

    @of("/v1/stories", account)
    def rapid_stories(request: Request, creator: Creator) -> Response:
        stories = live_stories(request, u, creator)
        reel = {
            "id": creator.profile_id,
            "reel_type": "user_reel",
            "user": {"id": creator.profile_id, "username": creator.handle, "is_private": False},
        }
        return JSONResponse(
            {"data": {"additional_data": reel, "count": len(stories), "items": stories}}
        )

    @web.serve("/api/v1/users/web_profile_info/")
    async def web_profile(request: Request) -> Response:
        creator = u.by_handle(request.query_params.get("username", ""))
        if creator is None:
            return JSONResponse({"message": "User not found", "status": "fail"}, 404)
        return JSONResponse({"data": {"user": web_user(request, u, creator)}, "status": "ok"})

    return [*graph.routes, *rapid.routes, *web.routes]
