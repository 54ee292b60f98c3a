"""Instagram28 on RapidAPI (`instagram28`): profiles, an account's posts and a post's likers,
as the web app's GraphQL answers them.

`GET /user_info?user_name=` answers `{"data": {"user": ...}, "status": "ok"}` with the web
app's user object, `"user": null` for an account Instagram does not know. `GET /medias?user_id=
&batch_size=` answers that user's `edge_owner_to_timeline_media` (timeline nodes, the next page
from `next_cursor=` its `page_info.end_cursor`), and `GET /media_likers?short_code=` the post's
`shortcode_media.edge_liked_by` (user nodes, paged the same way).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from reach.scraper.models import Follower, InstagramPost, Page
from reach.scraper.sources import instagram_web, rapidapi
from reach.scraper.sources.capabilities import Profiled
from reach.scraper.sources.errors import NotFound
from reach.scraper.sources.http import parse
from reach.scraper.sources.rapid import AccountListing, ProfileCall, RapidApiSource

NAME = "instagram28"
# Likers asked for per page.
_LIKERS_PAGE = 48
_MEDIAS = AccountListing(
    "/medias", cursor_param="next_cursor", id_param="user_id", size_param="batch_size"
)


class _PageInfo(BaseModel):
    has_next_page: bool
    end_cursor: str | None = None

    @property
    def next(self) -> str | None:
        return self.end_cursor if self.has_next_page else None


class _Node(BaseModel):
    node: dict[str, Any]


class _Edges(BaseModel):
    page_info: _PageInfo
    edges: list[_Node]


class _Timeline(BaseModel):
    edge_owner_to_timeline_media: _Edges


class _TimelineData(BaseModel):
    user: _Timeline


class _Medias(BaseModel):
    data: _TimelineData


class _User(BaseModel):
    user: dict[str, Any] | None


class _UserInfo(BaseModel):
    data: _User


class _Liked(BaseModel):
    edge_liked_by: _Edges


class _Shortcode(BaseModel):
    shortcode_media: _Liked | None


class _Likers(BaseModel):
    data: _Shortcode


def _read_timeline(account_id: str, body: Any) -> tuple[list[InstagramPost], str | None]:
    timeline = parse(NAME, _Medias, body).data.user.edge_owner_to_timeline_media
    posts = [instagram_web.to_post(e.node, account_id, NAME) for e in timeline.edges]
    return posts, timeline.page_info.next


class Instagram28(RapidApiSource):
    name = NAME
    host = "instagram28.p.rapidapi.com"
    profile = ProfileCall("/user_info", "user_name")

    def read_profile(self, answer: Any, handle: str) -> Profiled:
        return self.web_user(parse(NAME, _UserInfo, answer).data.user, handle)

    async def instagram_posts(self, handle: str, cursor: str | None) -> Page[InstagramPost]:
        return await self.account_page(_MEDIAS, handle, cursor, _read_timeline)

    async def instagram_likers(self, shortcode: str, cursor: str | None) -> Page[Follower]:
        params: dict[str, str | int] = {"short_code": shortcode, "batch_size": _LIKERS_PAGE}
        if cursor:
            params["next_cursor"] = cursor
        media = parse(NAME, _Likers, await self.get("/media_likers", params)).data.shortcode_media
        if media is None:
            raise NotFound(NAME, f"no post {shortcode!r}")
        liked = media.edge_liked_by
        items = [rapidapi.to_account(e.node, NAME) for e in liked.edges]
        return Page[Follower](items=items, next_cursor=liked.page_info.next)
