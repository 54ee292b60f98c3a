"""A RapidAPI-style Instagram source (`rapidapi-instagram`): profiles, posts, a post by
shortcode, followers and comments of any public account, paged by `pagination_token`.

A credential is `{"key": ...}`, sent as X-RapidAPI-Key with the provider's X-RapidAPI-Host.
RapidAPI answers 429 past the plan's rate, 403 when the key is not subscribed, and the
provider's own `{"detail": ...}` with 404 for an unknown account or post.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import httpx
from pydantic import BaseModel

from reach.scraper.credentials import CredentialStore
from reach.scraper.models import Comment, Follower, InstagramPost, InstagramProfile, Page
from reach.scraper.sources.errors import NotFound, SourceError
from reach.scraper.sources.http import parse, request_json, rest_on_refusal, take_credential

NAME = "rapidapi-instagram"
# Instagram's media_type codes.
_MEDIA_TYPES = {1: "image", 2: "video", 8: "carousel"}


# The provider's user is our InstagramProfile but for these names (ours -> theirs).
_USER_NAMES = {
    "profile_id": "id",
    "handle": "username",
    "followers": "follower_count",
    "following": "following_count",
}


class _Caption(BaseModel):
    text: str | None = None


class _Owner(BaseModel):
    id: str
    username: str | None = None


class _Post(BaseModel):
    id: str
    code: str
    user: _Owner
    caption: _Caption | None = None
    like_count: int | None = None
    comment_count: int | None = None
    play_count: int | None = None
    view_count: int | None = None
    media_type: int | None = None
    product_type: str | None = None
    thumbnail_url: str | None = None
    display_url: str | None = None
    taken_at: int | None = None


class _Follower(BaseModel):
    id: str
    username: str
    full_name: str | None = None


class _Comment(BaseModel):
    id: str
    text: str
    created_at: int | None = None
    user: _Owner


class _One(BaseModel):
    data: dict[str, Any]


class _Items(BaseModel):
    items: list[dict[str, Any]]


class _Listing(BaseModel):
    data: _Items
    pagination_token: str | None = None


def to_profile(user: Mapping[str, Any]) -> InstagramProfile:
    """The provider's user (its other fields are named as ours) as a profile; Malformed when
    it is not one."""
    ours = {name: user.get(theirs) for name, theirs in _USER_NAMES.items() if theirs in user}
    return parse(NAME, InstagramProfile, {**user, **ours})


def _time(epoch: int | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC)


def to_post(p: _Post) -> InstagramPost:
    kind = p.product_type if p.product_type in ("clips", "igtv") else None
    return InstagramPost(
        post_id=p.id,
        shortcode=p.code,
        profile_id=p.user.id,
        post_type=kind or _MEDIA_TYPES.get(p.media_type or 0),
        caption=p.caption.text if p.caption else None,
        likes=p.like_count,
        comments=p.comment_count,
        plays=p.play_count,
        views=p.view_count,
        thumbnail_url=p.thumbnail_url,
        display_url=p.display_url,
        publish_time=_time(p.taken_at),
    )


class RapidApiInstagram:
    name = NAME

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        host: str,
        credentials: CredentialStore,
    ) -> None:
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.host = host
        self.credentials = credentials

    async def _call(self, path: str, params: dict[str, str | int], key: str) -> Any:
        headers = {"x-rapidapi-key": key, "x-rapidapi-host": self.host}
        return await request_json(
            self.client, NAME, "GET", f"{self.base_url}{path}", params=params, headers=headers
        )

    async def _get(self, path: str, params: dict[str, str | int]) -> Any:
        credential = await take_credential(self.credentials, NAME)
        try:
            return await self._call(path, params, credential.secret("key"))
        except SourceError as exc:
            await rest_on_refusal(self.credentials, credential, exc)
            raise

    async def _listing(
        self, path: str, params: dict[str, str | int], cursor: str | None
    ) -> _Listing:
        if cursor:
            params = {**params, "pagination_token": cursor}
        return parse(NAME, _Listing, await self._get(path, params))

    async def instagram_profile(self, handle: str) -> tuple[InstagramProfile, list[InstagramPost]]:
        body = parse(NAME, _One, await self._get("/v1/info", {"username_or_id_or_url": handle}))
        profile = to_profile(body.data)
        posts = await self.instagram_posts(handle, None)
        return profile, posts.items

    async def instagram_posts(self, handle: str, cursor: str | None) -> Page[InstagramPost]:
        page = await self._listing("/v1.2/posts", {"username_or_id_or_url": handle}, cursor)
        items = [to_post(parse(NAME, _Post, item)) for item in page.data.items]
        return Page[InstagramPost](items=items, next_cursor=page.pagination_token)

    async def instagram_post(self, shortcode: str) -> InstagramPost:
        body = await self._get("/v1/post_info", {"code_or_id_or_url": shortcode})
        return to_post(parse(NAME, _Post, parse(NAME, _One, body).data))

    async def instagram_followers(self, handle: str, cursor: str | None) -> Page[Follower]:
        page = await self._listing("/v1/followers", {"username_or_id_or_url": handle}, cursor)
        items = []
        for item in page.data.items:
            f = parse(NAME, _Follower, item)
            items.append(Follower(profile_id=f.id, handle=f.username, full_name=f.full_name or ""))
        return Page[Follower](items=items, next_cursor=page.pagination_token)

    async def instagram_comments(self, shortcode: str, cursor: str | None) -> Page[Comment]:
        page = await self._listing("/v1/comments", {"code_or_id_or_url": shortcode}, cursor)
        items = []
        for item in page.data.items:
            c = parse(NAME, _Comment, item)
            items.append(
                Comment(
                    comment_id=c.id,
                    post_id=shortcode,
                    text=c.text,
                    author=c.user.username,
                    published_at=_time(c.created_at),
                )
            )
        return Page[Comment](items=items, next_cursor=page.pagination_token)

    async def check_credential(self, secrets: dict[str, Any]) -> None:
        # Any answer but a refusal of the key will do; an unknown account is such an answer.
        try:
            await self._call(
                "/v1/info", {"username_or_id_or_url": "instagram"}, str(secrets.get("key", ""))
            )
        except NotFound:
            return
