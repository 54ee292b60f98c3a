"""Instagram Graph API (`graphapi`): profiles, media and reels (media whose
`media_product_type` is `REELS`) of business and creator accounts through
`business_discovery`, asked of the credential's own Instagram user; and the insights of the
accounts that connected to Reach (`/{ig-user-id}/insights`: their days, and their followers'
demographics; `/{ig-media-id}/insights`: their posts' lifetime counts), asked with the
account's own token: the credential named by its profile id.

A credential is `{"access_token": ..., "user_id": ...}`. Insights come as
`{"data": [{"name", "period", "values": [{"value", "end_time"}], "title", "description",
"id"}]}`, demographics with `total_value.breakdowns[].results[]` (`dimension_values`, `value`)
in place of `values`. Graph API errors come as
`{"error": {"code", "error_subcode", "message", "type"}}`; codes say whether the token (190),
the app's or user's call budget (4, 17, 32, 613) or the asked account (110: not found or not a
business account, which the RapidAPI source can still see) is at fault.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel

from reach.scraper.credentials import Credential
from reach.scraper.models import (
    AudienceKind,
    Demographics,
    InstagramPost,
    InstagramProfile,
    Page,
    PostInsights,
    ProfileInsights,
)
from reach.scraper.sources.errors import (
    AuthFailed,
    Malformed,
    NotFound,
    QuotaExceeded,
    SourceError,
    Unavailable,
)
from reach.scraper.sources.http import CredentialedSource, Wire, parse, pick

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
# What to_post makes of a reel's media_product_type.
REELS = "reels"
_AUTH_CODES = {10, 102, 190, 200}
_QUOTA_CODES = {4, 17, 32, 613, 80002}
_NOT_FOUND_CODES = {100, 110}
_SHORTCODE = re.compile(r"/(?:p|reel|tv)/([A-Za-z0-9_-]+)")
# The metrics asked of an account's days and of a post (the API version the adapter speaks
# still counts `impressions`).
PROFILE_METRICS = ("reach", "impressions", "profile_views", "website_clicks", "follower_count")
POST_METRICS = ("reach", "impressions", "saved", "shares", "total_interactions")
# Each kind of audience bucket, and the breakdown of `follower_demographics` that counts it.
BREAKDOWNS: Mapping[AudienceKind, str] = {"gender": "gender", "age": "age", "location": "country"}
# Instagram's gender dimension values, in the words the accounts' audience columns use.
GENDERS = {"F": "female", "M": "male", "U": "unknown"}


class _Media(BaseModel):
    """What a post's fields are computed from rather than copied."""

    permalink: str
    media_type: str | None = None
    media_product_type: str | None = None


class _Cursors(BaseModel):
    after: str | None = None


class _Paging(BaseModel):
    cursors: _Cursors | None = None
    next: str | None = None


class _MediaPage(BaseModel):
    data: list[dict[str, Any]]
    paging: _Paging | None = None


class _Discovery(BaseModel):
    id: str
    media: _MediaPage | None = None


class _Value(BaseModel):
    value: int
    end_time: datetime | None = None


class _Result(BaseModel):
    dimension_values: list[str]
    value: int


class _Breakdown(BaseModel):
    results: list[_Result] = []


class _Total(BaseModel):
    breakdowns: list[_Breakdown] = []


class _Insight(BaseModel):
    name: str
    period: str
    values: list[_Value] = []
    total_value: _Total | None = None


class _Insights(BaseModel):
    data: list[_Insight]


class _Root(BaseModel):
    business_discovery: dict[str, Any]


# Our profile and post as the Graph API writes them.
_PROFILE = Wire(
    InstagramProfile,
    {
        "profile_id": "id",
        "handle": "username",
        "full_name": "name",
        "followers": "followers_count",
        "following": "follows_count",
        "profile_pic_url": "profile_picture_url",
        "external_url": "website",
    },
)
_POST = Wire(
    InstagramPost,
    {
        "post_id": "id",
        "likes": "like_count",
        "comments": "comments_count",
        "display_url": "media_url",
        "publish_time": "timestamp",
    },
)


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


def to_post(item: dict[str, Any], profile_id: str) -> InstagramPost:
    media = parse(NAME, _Media, item)
    video = media.media_type == "VIDEO"
    return _POST.read(
        NAME,
        item,
        shortcode=shortcode(media.permalink),
        profile_id=profile_id,
        post_type=(media.media_product_type or media.media_type or "").lower() or None,
        # A video's media_url is the video itself.
        thumbnail_url=pick(item, "thumbnail_url" if video else "media_url"),
    )


def to_profile(discovery: dict[str, Any]) -> InstagramProfile:
    # business_discovery only sees business and creator accounts.
    return _PROFILE.read(NAME, discovery, is_business=True)


def insight_days(profile_id: str, insights: Iterable[_Insight]) -> list[ProfileInsights]:
    """An account's days from its `period=day` insights, oldest first. A value's `end_time`
    closes the day it counts."""
    days: dict[date, dict[str, int]] = {}
    for insight in insights:
        for v in insight.values:
            if v.end_time is None:
                raise Malformed(NAME, f"{insight.name}: a day's value without its end_time")
            day = (v.end_time.astimezone(UTC) - timedelta(days=1)).date()
            if insight.name in PROFILE_METRICS:
                days.setdefault(day, {})[insight.name] = v.value
    return [
        ProfileInsights.model_validate(
            {"platform": "instagram", "profile_id": profile_id, "date": day, **counts}
        )
        for day, counts in sorted(days.items())
    ]


def lifetime(insights: Iterable[_Insight]) -> dict[str, int]:
    """The lifetime value of each of a post's metrics (a metric the API has no data for is
    left out, as it leaves it out)."""
    return {i.name: i.values[-1].value for i in insights if i.name in POST_METRICS and i.values}


def shares(insights: Iterable[_Insight], kind: AudienceKind) -> dict[str, float]:
    """A demographics breakdown as each bucket's share of the followers counted (summing to
    1; empty when it counted nobody)."""
    counts: dict[str, int] = {}
    for insight in insights:
        for breakdown in insight.total_value.breakdowns if insight.total_value else []:
            for result in breakdown.results:
                if len(result.dimension_values) != 1:
                    raise Malformed(NAME, f"{kind}: {result.dimension_values} is not one bucket")
                (bucket,) = result.dimension_values
                bucket = GENDERS.get(bucket, bucket) if kind == "gender" else bucket
                counts[bucket] = counts.get(bucket, 0) + result.value
    total = sum(counts.values())
    return {bucket: n / total for bucket, n in sorted(counts.items())} if total > 0 else {}


def _midnight(day: date) -> int:
    return int(datetime.combine(day, time(), UTC).timestamp())


def next_cursor(page: _MediaPage | None) -> str | None:
    if page is None or page.paging is None or not page.paging.next or not page.paging.cursors:
        return None
    return page.paging.cursors.after


class GraphApi(CredentialedSource):
    name = NAME
    classify = staticmethod(classify)

    async def _discover(self, handle: str, fields: str) -> tuple[dict[str, Any], _Discovery]:
        """The discovered account as the API wrote it, and its id and media."""

        def call(credential: Credential) -> Awaitable[Any]:
            params = {
                "fields": f"business_discovery.username({handle}){{{fields}}}",
                "access_token": credential.secret("access_token"),
            }
            return self.request("GET", f"/{credential.secret('user_id')}", params=params)

        found = parse(NAME, _Root, await self.with_credential(call)).business_discovery
        return found, parse(NAME, _Discovery, found)

    async def instagram_profile(self, handle: str) -> tuple[InstagramProfile, list[InstagramPost]]:
        fields = f"{PROFILE_FIELDS},media.limit({RECENT_MEDIA}){{{MEDIA_FIELDS}}}"
        found, d = await self._discover(handle, fields)
        posts = [to_post(m, d.id) for m in (d.media.data if d.media else [])]
        return to_profile(found), posts

    async def instagram_posts(self, handle: str, cursor: str | None) -> Page[InstagramPost]:
        after = f".after({cursor})" if cursor else ""
        fields = f"id,username,media{after}.limit(50){{{MEDIA_FIELDS}}}"
        _, d = await self._discover(handle, fields)
        items = [to_post(m, d.id) for m in (d.media.data if d.media else [])]
        return Page[InstagramPost](items=items, next_cursor=next_cursor(d.media))

    async def instagram_reels(self, handle: str, cursor: str | None) -> Page[InstagramPost]:
        # Business discovery lists reels among the other media: pages are read until one
        # holds a reel, so an empty page means the end.
        while True:
            page = await self.instagram_posts(handle, cursor)
            reels = [p for p in page.items if p.post_type == REELS]
            cursor = page.next_cursor
            if reels or cursor is None:
                return Page[InstagramPost](items=reels, next_cursor=cursor)

    async def _insights(self, node_id: str, owner: str, params: Mapping[str, str]) -> _Insights:
        """`/{node_id}/insights` with `params`, asked with the token of account `owner`."""

        def call(credential: Credential) -> Awaitable[Any]:
            asked = {**params, "access_token": credential.secret("access_token")}
            return self.request("GET", f"/{node_id}/insights", params=asked)

        return parse(NAME, _Insights, await self.with_credential(call, owner))

    async def instagram_profile_insights(
        self, profile_id: str, since: date, until: date
    ) -> list[ProfileInsights]:
        params = {
            "metric": ",".join(PROFILE_METRICS),
            "period": "day",
            "since": str(_midnight(since)),
            "until": str(_midnight(until + timedelta(days=1))),
        }
        found = await self._insights(profile_id, profile_id, params)
        return [d for d in insight_days(profile_id, found.data) if d.date >= since]

    async def instagram_post_insights(
        self, post_id: str, shortcode: str, profile_id: str
    ) -> PostInsights:
        found = await self._insights(post_id, profile_id, {"metric": ",".join(POST_METRICS)})
        return PostInsights.model_validate(
            {"post_id": post_id, "shortcode": shortcode, "profile_id": profile_id}
            | lifetime(found.data)
        )

    async def instagram_audience(self, profile_id: str) -> Demographics:
        split: dict[str, dict[str, float]] = {}
        for kind, breakdown in BREAKDOWNS.items():
            params = {
                "metric": "follower_demographics",
                "period": "lifetime",
                "metric_type": "total_value",
                "breakdown": breakdown,
            }
            found = await self._insights(profile_id, profile_id, params)
            split[kind] = shares(found.data, kind)
        return Demographics.model_validate(split)

    async def check_credential(self, secrets: dict[str, Any]) -> None:
        params = {"fields": "id,username", "access_token": str(secrets.get("access_token"))}
        await self.request("GET", f"/{secrets.get('user_id') or 'me'}", params=params)
