"""Instagram Statistics API on RapidAPI (`instagram-statistics`): profiles only, as the
provider's own statistics of an account (a "community") rather than Instagram's objects.

`GET /community?url=https://www.instagram.com/<username>/` answers `{"meta": {"code",
"message"}, "data": {...}}`: the account's `cid` (`INST:` and Instagram's id), `screenName`,
`name`, `description`, `usersCount` (its followers), `verified`, `image` and the provider's
averages. The provider says what went wrong in `meta` (its `code` an HTTP status), in a 200
too. It lists no posts the profile's averages could be computed from, nor whom the account
follows.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from reach.scraper.models import InstagramProfile
from reach.scraper.sources.capabilities import Profiled
from reach.scraper.sources.http import Wire, by_status, parse
from reach.scraper.sources.rapid import ProfileCall, RapidApiSource

NAME = "instagram-statistics"
# The prefix of an Instagram account's `cid`; other networks' accounts have their own.
_INSTAGRAM = "INST:"
_PROFILE = Wire(
    InstagramProfile,
    {
        "handle": "screenName",
        "full_name": "name",
        "biography": "description",
        "followers": "usersCount",
        "is_verified": "verified",
        "profile_pic_url": "image",
    },
)


class _Meta(BaseModel):
    code: int
    message: str = ""


class _Community(BaseModel):
    cid: str


class _Answer(BaseModel):
    meta: _Meta
    data: dict[str, Any] | None = None


class InstagramStatistics(RapidApiSource):
    name = NAME
    host = "instagram-statistics-api.p.rapidapi.com"
    profile = ProfileCall("/community", "url", template="https://www.instagram.com/{}/")

    def read_profile(self, answer: Any, handle: str) -> Profiled:
        found = parse(NAME, _Answer, answer)
        if found.meta.code != 200:
            raise by_status(NAME, found.meta.code, found.meta.message)
        cid = parse(NAME, _Community, found.data).cid
        if not cid.startswith(_INSTAGRAM):
            raise self.unknown(handle)
        return _PROFILE.read(NAME, found.data, profile_id=cid.removeprefix(_INSTAGRAM)), []
