"""RocketAPI for Instagram on RapidAPI (`rocketapi-instagram`): profiles, an account's posts,
its followers and followings, its live stories.

Every call is a POST of a JSON body to `/instagram/<object>/<action>`, and every answer is
RocketAPI's envelope around what Instagram answered it: `{"status": "done", "response":
{"status_code", "content_type", "body"}}`. An unknown account is Instagram's 404 inside a 200
envelope; any other status inside is Instagram failing RocketAPI, which a later call may not
meet. Profiles are the web app's user object (`get_info` by username); listings take the
account's id and page by Instagram's `max_id` (`next_max_id` in the answer): the mobile app's
media items for posts, its user lists for followers and followings. Stories are asked for
several accounts at once by id (`get_stories` with `ids`) and answered as Instagram's reels by
account id (`reels.<id>.items`, an account without live stories absent).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from reach.scraper.models import Follower, InstagramPost, Page
from reach.scraper.sources import instagram_web, rapidapi
from reach.scraper.sources.capabilities import Profiled, Relationship
from reach.scraper.sources.errors import NotFound, Unavailable
from reach.scraper.sources.http import parse, pick
from reach.scraper.sources.rapid import AccountListing, ProfileCall, RapidApiSource

NAME = "rocketapi-instagram"
_MEDIA = AccountListing("/instagram/user/get_media")
_CONNECTIONS: dict[Relationship, AccountListing] = {
    "FOLLOWER": AccountListing("/instagram/user/get_followers"),
    "FOLLOWING": AccountListing("/instagram/user/get_following"),
}


class _Response(BaseModel):
    status_code: int
    body: Any = None


class _Envelope(BaseModel):
    status: str
    response: _Response


class _Media(BaseModel):
    items: list[dict[str, Any]]
    next_max_id: str | None = None


class _Users(BaseModel):
    users: list[dict[str, Any]]
    next_max_id: str | None = None


class _Reel(BaseModel):
    items: list[dict[str, Any]]


class _Reels(BaseModel):
    reels: dict[str, _Reel]


def unwrap(envelope: Any) -> Any:
    """What Instagram answered inside RocketAPI's envelope, or the error it amounts to."""
    e = parse(NAME, _Envelope, envelope)
    if e.response.status_code == 404:
        raise NotFound(NAME, "Instagram answered 404")
    if e.status != "done" or e.response.status_code != 200:
        raise Unavailable(NAME, f"{e.status}: Instagram answered {e.response.status_code}")
    return e.response.body


def _read_media(account_id: str, envelope: Any) -> tuple[list[InstagramPost], str | None]:
    media = parse(NAME, _Media, unwrap(envelope))
    return [rapidapi.to_post(item, NAME) for item in media.items], media.next_max_id


def _read_users(account_id: str, envelope: Any) -> tuple[list[Follower], str | None]:
    users = parse(NAME, _Users, unwrap(envelope))
    # A user of the mobile app's lists: `pk` is its id as a number, `pk_id` as a string.
    followers = [rapidapi.to_account(u, NAME, profile_id=pick(u, "pk_id")) for u in users.users]
    return followers, users.next_max_id


class RocketApiInstagram(RapidApiSource):
    name = NAME
    host = "rocketapi-for-instagram.p.rapidapi.com"
    method = "POST"
    profile = ProfileCall("/instagram/user/get_info", "username")

    def read_profile(self, answer: Any, handle: str) -> Profiled:
        return instagram_web.read_profile_info(unwrap(answer), NAME)

    async def instagram_posts(self, handle: str, cursor: str | None) -> Page[InstagramPost]:
        return await self.account_page(_MEDIA, handle, cursor, _read_media)

    async def instagram_connections(
        self, handle: str, relationship: Relationship, cursor: str | None
    ) -> Page[Follower]:
        return await self.account_page(_CONNECTIONS[relationship], handle, cursor, _read_users)

    async def instagram_stories(self, handle: str) -> list[InstagramPost]:
        profile, _ = await self.instagram_profile(handle)
        envelope = await self.get("/instagram/user/get_stories", {"ids": [profile.profile_id]})
        reel = parse(NAME, _Reels, unwrap(envelope)).reels.get(profile.profile_id)
        items = reel.items if reel is not None else []
        return [rapidapi.to_story(item, profile.profile_id, NAME) for item in items]
