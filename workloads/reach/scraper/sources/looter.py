"""Instagram Looter on RapidAPI (`instagram-looter`, host instagram-looter2): profiles, an
account's posts and its reels.

`GET /profile?username=` answers the web app's user object itself (not wrapped in `data`),
with `"status": true`; an account it cannot find is `"status": false` in a 200. The listings
take the account's id: `/user-feeds?id=` answers the mobile app's feed (`items`, the next page
from `end_cursor=` the answer's `next_max_id`), `/reels?id=` its clips tab (each item's
`media`, the next page from `max_id=` the answer's `paging_info.max_id`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from reach.scraper.models import InstagramPost, Page
from reach.scraper.sources import rapidapi
from reach.scraper.sources.capabilities import Profiled
from reach.scraper.sources.http import parse
from reach.scraper.sources.rapid import AccountListing, ProfileCall, RapidApiSource

NAME = "instagram-looter"
_FEED = AccountListing("/user-feeds", cursor_param="end_cursor")
_REELS = AccountListing("/reels")


class _Found(BaseModel):
    status: bool


class _Feed(BaseModel):
    items: list[dict[str, Any]]
    next_max_id: str | None = None


class _Clip(BaseModel):
    media: dict[str, Any]


class _Paging(BaseModel):
    max_id: str | None = None
    more_available: bool = False


class _Clips(BaseModel):
    items: list[_Clip]
    paging_info: _Paging


def _read_feed(account_id: str, body: Any) -> tuple[list[InstagramPost], str | None]:
    feed = parse(NAME, _Feed, body)
    return [rapidapi.to_post(item, NAME) for item in feed.items], feed.next_max_id


def _read_clips(account_id: str, body: Any) -> tuple[list[InstagramPost], str | None]:
    clips = parse(NAME, _Clips, body)
    more = clips.paging_info.max_id if clips.paging_info.more_available else None
    return [rapidapi.to_post(clip.media, NAME) for clip in clips.items], more


class LooterInstagram(RapidApiSource):
    name = NAME
    host = "instagram-looter2.p.rapidapi.com"
    profile = ProfileCall("/profile", "username")

    def read_profile(self, answer: Any, handle: str) -> Profiled:
        found = parse(NAME, _Found, answer).status
        return self.web_user(answer if found else None, handle)

    async def instagram_posts(self, handle: str, cursor: str | None) -> Page[InstagramPost]:
        return await self.account_page(_FEED, handle, cursor, _read_feed)

    async def instagram_reels(self, handle: str, cursor: str | None) -> Page[InstagramPost]:
        return await self.account_page(_REELS, handle, cursor, _read_clips)
