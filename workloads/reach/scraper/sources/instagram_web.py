"""The last resort (`lastresort`): Instagram's public web profile endpoint
(`/api/v1/users/web_profile_info/?username=`), the JSON the instagram.com profile page loads.
No credential; Instagram throttles it by address, answering 429, or 401 with
`require_login`, which is the same thing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from pydantic import BaseModel

from reach.scraper.models import InstagramPost, InstagramProfile
from reach.scraper.sources.errors import QuotaExceeded, SourceError
from reach.scraper.sources.http import parse, request_json

NAME = "lastresort"
# The web app's id; the endpoint refuses requests without one.
APP_ID = "936619743392459"


class _Count(BaseModel):
    count: int


class _Text(BaseModel):
    text: str


class _TextNode(BaseModel):
    node: _Text


class _TextEdges(BaseModel):
    edges: list[_TextNode]


class _Node(BaseModel):
    id: str
    shortcode: str
    is_video: bool = False
    product_type: str | None = None
    edge_media_to_caption: _TextEdges | None = None
    edge_liked_by: _Count | None = None
    edge_media_to_comment: _Count | None = None
    video_view_count: int | None = None
    display_url: str | None = None
    thumbnail_src: str | None = None
    taken_at_timestamp: int | None = None


class _Edge(BaseModel):
    node: _Node


class _Timeline(BaseModel):
    count: int
    edges: list[_Edge] = []


class _User(BaseModel):
    id: str
    username: str
    full_name: str | None = None
    biography: str | None = None
    category_name: str | None = None
    is_verified: bool = False
    is_business_account: bool = False
    is_private: bool = False
    profile_pic_url_hd: str | None = None
    external_url: str | None = None
    edge_followed_by: _Count
    edge_follow: _Count
    edge_owner_to_timeline_media: _Timeline


class _Data(BaseModel):
    user: _User


class _Root(BaseModel):
    data: _Data


def classify(source: str, status: int, body: Any) -> SourceError | None:
    if status == 401 and isinstance(body, dict) and body.get("require_login"):
        return QuotaExceeded(source, str(body.get("message", "require_login")))
    return None


def to_post(n: _Node, profile_id: str) -> InstagramPost:
    captions = n.edge_media_to_caption.edges if n.edge_media_to_caption else []
    return InstagramPost(
        post_id=n.id,
        shortcode=n.shortcode,
        profile_id=profile_id,
        post_type=n.product_type or ("video" if n.is_video else "image"),
        caption=captions[0].node.text if captions else None,
        likes=n.edge_liked_by.count if n.edge_liked_by else None,
        comments=n.edge_media_to_comment.count if n.edge_media_to_comment else None,
        views=n.video_view_count,
        thumbnail_url=n.thumbnail_src,
        display_url=n.display_url,
        publish_time=(
            datetime.fromtimestamp(n.taken_at_timestamp, UTC) if n.taken_at_timestamp else None
        ),
    )


def to_profile(u: _User) -> InstagramProfile:
    return InstagramProfile(
        profile_id=u.id,
        handle=u.username,
        full_name=u.full_name,
        biography=u.biography,
        category=u.category_name,
        followers=u.edge_followed_by.count,
        following=u.edge_follow.count,
        media_count=u.edge_owner_to_timeline_media.count,
        is_verified=u.is_verified,
        is_business=u.is_business_account,
        is_private=u.is_private,
        profile_pic_url=u.profile_pic_url_hd,
        external_url=u.external_url,
    )


class InstagramWeb:
    name = NAME

    def __init__(self, client: httpx.AsyncClient, base_url: str) -> None:
        self.client = client
        self.base_url = base_url.rstrip("/")

    async def instagram_profile(self, handle: str) -> tuple[InstagramProfile, list[InstagramPost]]:
        body = await request_json(
            self.client,
            NAME,
            "GET",
            f"{self.base_url}/api/v1/users/web_profile_info/",
            params={"username": handle},
            headers={"x-ig-app-id": APP_ID},
            classify=classify,
        )
        user = parse(NAME, _Root, body).data.user
        posts = [to_post(e.node, user.id) for e in user.edge_owner_to_timeline_media.edges]
        return to_profile(user), posts
