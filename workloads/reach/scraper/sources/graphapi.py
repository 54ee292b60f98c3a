"""Instagram Graph API (`graphapi`): profiles and media of business and creator accounts through
`business_discovery`, asked of the credential's own Instagram user.

A credential is `{"access_token": ..., "user_id": ...}`. Graph API errors come as
`{"error": {"code", "error_subcode", "message", "type"}}`; codes say whether the token (190),
the app's or user's call budget (4, 17, 32, 613) or the asked account (110: not found or not a
business account, which the RapidAPI source can still see) is at fault.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import httpx
from pydantic import BaseModel

from reach.scraper.credentials import CredentialStore
from reach.scraper.models import InstagramPost, InstagramProfile, Page
from reach.scraper.sources.errors import (
    AuthFailed,
    NotFound,
    QuotaExceeded,
    SourceError,
    Unavailable,
)
from reach.scraper.sources.http import (
    parse,
    request_json,
    rest_on_refusal,
    take_credential,
)

NAME = "graphapi"
PROFILE_FIELDS = (
    "id,username,name,biography,website,profile_picture_url,followers_count,follows_count,"
    "media_count"
)
MEDIA_FIELDS = (
    "id,caption,like_count,comments_count,media_type,media_product_type,media_url,"
    "thumbnail_url,permalink,timestamp"
)
RECENT_MEDIA = 12
_AUTH_CODES = {10, 102, 190, 200}
_QUOTA_CODES = {4, 17, 32, 613, 80002}
_NOT_FOUND_CODES = {100, 110}
_SHORTCODE = re.compile(r"/(?:p|reel|tv)/([A-Za-z0-9_-]+)")


class _Media(BaseModel):
    id: str
    caption: str | None = None
    like_count: int | None = None
    comments_count: int | None = None
    media_type: str | None = None
    media_product_type: str | None = None
    media_url: str | None = None
    thumbnail_url: str | None = None
    permalink: str
    timestamp: datetime | None = None


class _Cursors(BaseModel):
    before: str | None = None
    after: str | None = None


class _Paging(BaseModel):
    cursors: _Cursors | None = None
    next: str | None = None


class _MediaPage(BaseModel):
    data: list[_Media]
    paging: _Paging | None = None


class _Discovery(BaseModel):
    id: str
    username: str
    name: str | None = None
    biography: str | None = None
    website: str | None = None
    profile_picture_url: str | None = None
    followers_count: int | None = None
    follows_count: int | None = None
    media_count: int | None = None
    media: _MediaPage | None = None


class _Root(BaseModel):
    business_discovery: _Discovery


def classify(source: str, status: int, body: Any) -> SourceError | None:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None
    code, message = error.get("code"), str(error.get("message", ""))
    detail = f"code {code}: {message}"
    if code in _AUTH_CODES:
        return AuthFailed(source, detail)
    if code in _QUOTA_CODES:
        return QuotaExceeded(source, detail)
    if code in _NOT_FOUND_CODES:
        return NotFound(source, detail)
    if code in (1, 2) or status >= 500:
        return Unavailable(source, detail)
    return None


def shortcode(permalink: str) -> str:
    match = _SHORTCODE.search(permalink)
    return match.group(1) if match else permalink.rstrip("/").rsplit("/", 1)[-1]


def to_post(media: _Media, profile_id: str) -> InstagramPost:
    video = media.media_type == "VIDEO"
    return InstagramPost(
        post_id=media.id,
        shortcode=shortcode(media.permalink),
        profile_id=profile_id,
        post_type=(media.media_product_type or media.media_type or "").lower() or None,
        caption=media.caption,
        likes=media.like_count,
        comments=media.comments_count,
        thumbnail_url=media.thumbnail_url if video else media.media_url,
        display_url=media.media_url,
        publish_time=media.timestamp,
    )


def to_profile(d: _Discovery) -> InstagramProfile:
    return InstagramProfile(
        profile_id=d.id,
        handle=d.username,
        full_name=d.name,
        biography=d.biography,
        followers=d.followers_count,
        following=d.follows_count,
        media_count=d.media_count,
        # business_discovery only sees business and creator accounts.
        is_business=True,
        profile_pic_url=d.profile_picture_url,
        external_url=d.website,
    )


def next_cursor(page: _MediaPage | None) -> str | None:
    if page is None or page.paging is None or not page.paging.next or not page.paging.cursors:
        return None
    return page.paging.cursors.after


class GraphApi:
    name = NAME

    def __init__(self, client: httpx.AsyncClient, base_url: str, credentials: CredentialStore):
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials

    async def _discover(self, handle: str, fields: str) -> _Root:
        credential = await take_credential(self.credentials, NAME)
        try:
            body = await request_json(
                self.client,
                NAME,
                "GET",
                f"{self.base_url}/{credential.secret('user_id')}",
                params={
                    "fields": f"business_discovery.username({handle}){{{fields}}}",
                    "access_token": credential.secret("access_token"),
                },
                classify=classify,
            )
        except SourceError as exc:
            await rest_on_refusal(self.credentials, credential, exc)
            raise
        return parse(NAME, _Root, body)

    async def instagram_profile(self, handle: str) -> tuple[InstagramProfile, list[InstagramPost]]:
        fields = f"{PROFILE_FIELDS},media.limit({RECENT_MEDIA}){{{MEDIA_FIELDS}}}"
        d = (await self._discover(handle, fields)).business_discovery
        posts = [to_post(m, d.id) for m in (d.media.data if d.media else [])]
        return to_profile(d), posts

    async def instagram_posts(self, handle: str, cursor: str | None) -> Page[InstagramPost]:
        after = f".after({cursor})" if cursor else ""
        fields = f"id,username,media{after}.limit(50){{{MEDIA_FIELDS}}}"
        d = (await self._discover(handle, fields)).business_discovery
        items = [to_post(m, d.id) for m in (d.media.data if d.media else [])]
        return Page[InstagramPost](items=items, next_cursor=next_cursor(d.media))

    async def check_credential(self, secrets: dict[str, Any]) -> None:
        await request_json(
            self.client,
            NAME,
            "GET",
            f"{self.base_url}/{secrets.get('user_id') or 'me'}",
            params={"fields": "id,username", "access_token": str(secrets.get("access_token"))},
            classify=classify,
        )
