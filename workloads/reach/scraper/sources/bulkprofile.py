"""Instagram Bulk Profile Scrapper on RapidAPI (`instagram-bulk-profile`): profiles, with the
account's latest posts.

`GET /clients/api/ig/ig_profile?ig=<username>&response_type=feeds` answers a list (the
provider takes several accounts at once; we ask for one): the mobile app's user object, its
id a number under `pk`, and its latest media items under `feed.data`. An account it cannot
find is a 200 too, the list's entry then `{"name": "INVALID_USERNAME", ...}`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, RootModel

from reach.scraper.models import InstagramProfile
from reach.scraper.sources import rapidapi
from reach.scraper.sources.capabilities import Profiled
from reach.scraper.sources.http import Wire, parse
from reach.scraper.sources.rapid import ProfileCall, RapidApiSource

NAME = "instagram-bulk-profile"
_INVALID = "INVALID_USERNAME"
_PROFILE = Wire(
    InstagramProfile,
    {
        "handle": "username",
        "followers": "follower_count",
        "following": "following_count",
    },
)


class _Feed(BaseModel):
    data: list[dict[str, Any]] = []


class _User(BaseModel):
    """What the entry of an account it found has besides our profile's fields."""

    pk: int | str
    feed: _Feed = _Feed()


class _Answer(RootModel[tuple[dict[str, Any]]]):
    """One entry per account asked for."""


class _Entry(BaseModel):
    name: str | None = None


class BulkProfileInstagram(RapidApiSource):
    name = NAME
    host = "instagram-bulk-profile-scrapper.p.rapidapi.com"
    profile = ProfileCall(
        "/clients/api/ig/ig_profile", "ig", {"response_type": "feeds", "corsEnabled": "false"}
    )

    def read_profile(self, answer: Any, handle: str) -> Profiled:
        (entry,) = parse(NAME, _Answer, answer).root
        if parse(NAME, _Entry, entry).name == _INVALID:
            raise self.unknown(handle)
        user = parse(NAME, _User, entry)
        profile = _PROFILE.read(NAME, entry, profile_id=str(user.pk))
        return profile, [rapidapi.to_post(item, NAME) for item in user.feed.data]
