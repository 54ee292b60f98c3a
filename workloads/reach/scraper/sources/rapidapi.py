"""The first RapidAPI-style Instagram source (`rapidapi-instagram`, Instagram Scraper API):
profiles, posts, reels, posts tagging an account, carrying a hashtag or tagged at a location
(each post with the place it is tagged at, Instagram's `location`), a post by shortcode, its
likers and comments, the followers and followings and live stories of any public account,
paged by `pagination_token`. It answers `{"detail": ...}` with 404 for an unknown account or
post. Its post is Instagram's own media item, which the other providers that list the mobile
app's media items read with `to_post` too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from reach.scraper.contract import STORY
from reach.scraper.models import Comment, Follower, InstagramPost, InstagramProfile, Page
from reach.scraper.sources.capabilities import Profiled, Relationship
from reach.scraper.sources.http import Wire, parse, pick
from reach.scraper.sources.rapid import Params, ProfileCall, RapidApiSource

NAME = "rapidapi-instagram"
# The listing of each relationship of an account's connections.
_CONNECTIONS: dict[Relationship, str] = {"FOLLOWER": "/v1/followers", "FOLLOWING": "/v1/following"}
# Instagram's media_type codes.
_MEDIA_TYPES = {1: "image", 2: "video", 8: "carousel"}


# Our models as the provider writes them (its user and post name the other fields as we do).
_PROFILE = Wire(
    InstagramProfile,
    {
        "profile_id": "id",
        "handle": "username",
        "followers": "follower_count",
        "following": "following_count",
    },
)
_POST = Wire(
    InstagramPost,
    {
        "post_id": "id",
        "shortcode": "code",
        "profile_id": "user.id",
        "caption": "caption.text",
        "likes": "like_count",
        "comments": "comment_count",
        "plays": "play_count",
        "views": "view_count",
        "publish_time": "taken_at",
        "location_id": "location.pk",
        "location_name": "location.name",
        "location_lat": "location.lat",
        "location_lng": "location.lng",
    },
)
_FOLLOWER = Wire(Follower, {"profile_id": "id", "handle": "username"})
_COMMENT = Wire(
    Comment, {"comment_id": "id", "author": "user.username", "published_at": "created_at"}
)


class _Url(BaseModel):
    url: str


class _Candidates(BaseModel):
    candidates: list[_Url]


class _StoryMedia(BaseModel):
    """A story's media as Instagram lists them: image renditions (a video's cover), and for a
    video its renditions, largest first."""

    image_versions2: _Candidates
    video_versions: list[_Url] = []


class _Kind(BaseModel):
    """What a post's type is computed from."""

    media_type: int | None = None
    product_type: str | None = None


class _One(BaseModel):
    data: dict[str, Any]


class _Items(BaseModel):
    items: list[dict[str, Any]]


class _Listing(BaseModel):
    data: _Items
    pagination_token: str | None = None


class _Owner(BaseModel):
    id: str


class _Reel(BaseModel):
    """The account whose stories (its reel, in Instagram's words) a listing holds."""

    user: _Owner


class _StoryItems(_Items):
    additional_data: _Reel


class _Stories(BaseModel):
    data: _StoryItems


def to_profile(user: Mapping[str, Any]) -> InstagramProfile:
    return _PROFILE.read(NAME, user)


def to_post(item: Mapping[str, Any], source: str = NAME) -> InstagramPost:
    """A media item as our post. The mobile app's item ids end with `_` and the author's id;
    the post's id is the part before."""
    p = parse(source, _Kind, item)
    kind = p.product_type if p.product_type in ("clips", "igtv") else None
    known: dict[str, Any] = {"post_type": kind or _MEDIA_TYPES.get(p.media_type or 0)}
    if isinstance(media_id := item.get("id"), str):
        known["post_id"] = media_id.split("_")[0]
    return _POST.read(source, item, **known)


def to_account(item: Mapping[str, Any], source: str = NAME, **known: Any) -> Follower:
    """A user of Instagram's lists (followers, likers...) as our follower; `known` as in
    `Wire.read`."""
    return _FOLLOWER.read(source, item, **{"full_name": pick(item, "full_name") or "", **known})


def to_story(item: Mapping[str, Any], profile_id: str, source: str = NAME) -> InstagramPost:
    """A story item of an account's reel as our post (of type `story`)."""
    media = parse(source, _StoryMedia, item)
    image = media.image_versions2.candidates[0].url if media.image_versions2.candidates else None
    video = media.video_versions[0].url if media.video_versions else None
    return _POST.read(
        source,
        item,
        post_id=pick(item, "pk"),
        profile_id=profile_id,
        post_type=STORY,
        thumbnail_url=image,
        display_url=video or image,
    )


class RapidApiInstagram(RapidApiSource):
    name = NAME
    host = "instagram-scraper-api2.p.rapidapi.com"
    profile = ProfileCall("/v1/info", "username_or_id_or_url")

    async def _listing(self, path: str, params: Params, cursor: str | None) -> _Listing:
        if cursor:
            params = {**params, "pagination_token": cursor}
        return parse(NAME, _Listing, await self.get(path, params))

    def read_profile(self, answer: Any, handle: str) -> Profiled:
        return to_profile(parse(NAME, _One, answer).data), []

    async def instagram_profile(self, handle: str) -> Profiled:
        # Its profile answer lists no posts: they are one more call.
        profile, _ = await super().instagram_profile(handle)
        posts = await self.instagram_posts(handle, None)
        return profile, posts.items

    async def _posts(self, path: str, params: Params, cursor: str | None) -> Page[InstagramPost]:
        page = await self._listing(path, params, cursor)
        items = [to_post(item) for item in page.data.items]
        return Page[InstagramPost](items=items, next_cursor=page.pagination_token)

    async def instagram_posts(self, handle: str, cursor: str | None) -> Page[InstagramPost]:
        return await self._posts("/v1.2/posts", {"username_or_id_or_url": handle}, cursor)

    async def instagram_reels(self, handle: str, cursor: str | None) -> Page[InstagramPost]:
        return await self._posts("/v1/reels", {"username_or_id_or_url": handle}, cursor)

    async def instagram_tagged(self, handle: str, cursor: str | None) -> Page[InstagramPost]:
        return await self._posts("/v1/tagged", {"username_or_id_or_url": handle}, cursor)

    async def instagram_hashtag(self, hashtag: str, cursor: str | None) -> Page[InstagramPost]:
        return await self._posts("/v1/hashtag", {"hashtag": hashtag}, cursor)

    async def instagram_location(self, location_id: str, cursor: str | None) -> Page[InstagramPost]:
        return await self._posts("/v1/location_posts", {"location_id": location_id}, cursor)

    async def instagram_post(self, shortcode: str) -> InstagramPost:
        body = await self.get("/v1/post_info", {"code_or_id_or_url": shortcode})
        return to_post(parse(NAME, _One, body).data)

    async def _accounts(self, path: str, params: Params, cursor: str | None) -> Page[Follower]:
        page = await self._listing(path, params, cursor)
        items = [to_account(item) for item in page.data.items]
        return Page[Follower](items=items, next_cursor=page.pagination_token)

    async def instagram_connections(
        self, handle: str, relationship: Relationship, cursor: str | None
    ) -> Page[Follower]:
        path = _CONNECTIONS[relationship]
        return await self._accounts(path, {"username_or_id_or_url": handle}, cursor)

    async def instagram_likers(self, shortcode: str, cursor: str | None) -> Page[Follower]:
        return await self._accounts("/v1/likes", {"code_or_id_or_url": shortcode}, cursor)

    async def instagram_comments(self, shortcode: str, cursor: str | None) -> Page[Comment]:
        page = await self._listing("/v1/comments", {"code_or_id_or_url": shortcode}, cursor)
        items = [_COMMENT.read(NAME, item, post_id=shortcode) for item in page.data.items]
        return Page[Comment](items=items, next_cursor=page.pagination_token)

    async def instagram_stories(self, handle: str) -> list[InstagramPost]:
        body = await self.get("/v1/stories", {"username_or_id_or_url": handle})
        reel = parse(NAME, _Stories, body).data
        return [to_story(item, reel.additional_data.user.id) for item in reel.items]
