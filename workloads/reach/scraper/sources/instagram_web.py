"""The last resort (`lastresort`): Instagram's public web profile endpoint
(`/api/v1/users/web_profile_info/?username=`), the JSON the instagram.com profile page loads.
No credential; Instagram throttles it by address, answering 429, or 401 with
`require_login`, which is the same thing. Its user object (with the first page of the
account's timeline) is what several RapidAPI-style providers relay too: they read it with
`read_user`, and a timeline node with `to_post`."""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import BaseModel

from reach.scraper.models import InstagramPost, InstagramProfile
from reach.scraper.sources.capabilities import Profiled
from reach.scraper.sources.errors import QuotaExceeded, SourceError
from reach.scraper.sources.http import Wire, parse, request_json

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
    """What a post's fields are computed from rather than copied."""

    is_video: bool = False
    product_type: str | None = None
    edge_media_to_caption: _TextEdges | None = None


class _Edge(BaseModel):
    node: dict[str, Any]


class _Timeline(BaseModel):
    count: int
    edges: list[_Edge] = []


class _User(BaseModel):
    """What a profile must have (the web app's counts) and its posts."""

    id: str
    edge_followed_by: _Count
    edge_follow: _Count
    edge_owner_to_timeline_media: _Timeline


class _Data(BaseModel):
    user: dict[str, Any]


class _Root(BaseModel):
    data: _Data


# Our profile and post as the web app writes them.
_PROFILE = Wire(
    InstagramProfile,
    {
        "profile_id": "id",
        "handle": "username",
        "category": "category_name",
        "followers": "edge_followed_by.count",
        "following": "edge_follow.count",
        "media_count": "edge_owner_to_timeline_media.count",
        "is_business": "is_business_account",
        "profile_pic_url": "profile_pic_url_hd",
    },
)
_POST = Wire(
    InstagramPost,
    {
        "post_id": "id",
        "likes": "edge_liked_by.count",
        "comments": "edge_media_to_comment.count",
        "views": "video_view_count",
        "thumbnail_url": "thumbnail_src",
        "publish_time": "taken_at_timestamp",
    },
)


def classify(source: str, status: int, body: Any) -> SourceError | None:
    if status == 401 and isinstance(body, dict) and body.get("require_login"):
        return QuotaExceeded(source, str(body.get("message", "require_login")))
    return None


def to_post(item: dict[str, Any], profile_id: str, source: str = NAME) -> InstagramPost:
    """A timeline node (`edge_owner_to_timeline_media.edges[].node`) as our post."""
    n = parse(source, _Node, item)
    captions = n.edge_media_to_caption.edges if n.edge_media_to_caption else []
    return _POST.read(
        source,
        item,
        profile_id=profile_id,
        post_type=n.product_type or ("video" if n.is_video else "image"),
        caption=captions[0].node.text if captions else None,
    )


class InstagramWeb:
    name = NAME

    def __init__(self, client: httpx.AsyncClient, base_url: str) -> None:
        self.client = client
        self.base_url = base_url.rstrip("/")

    async def instagram_profile(self, handle: str) -> Profiled:
        body = await request_json(
            self.client,
            NAME,
            "GET",
            f"{self.base_url}/api/v1/users/web_profile_info/",
            params={"username": handle},
            headers={"x-ig-app-id": APP_ID},
            classify=classify,
        )
        return read_profile_info(body)


def read_profile_info(body: Any, source: str = NAME) -> Profiled:
    """A web profile answer (`{"data": {"user": ...}}`) as `read_user` reads its user."""
    return read_user(parse(source, _Root, body).data.user, source)


def read_user(found: dict[str, Any], source: str = NAME) -> Profiled:
    """The web app's user object as our profile, and the posts of its timeline's first page."""
    user = parse(source, _User, found)
    posts = [to_post(e.node, user.id, source) for e in user.edge_owner_to_timeline_media.edges]
    return _PROFILE.read(source, found), posts
