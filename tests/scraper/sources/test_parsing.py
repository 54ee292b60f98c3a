"""Each adapter's parsing and error classification on canned upstream answers (httpx's mock
transport, no network): documented shapes parse, errors map to the right kind."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from reach.scraper.credentials import Credential
from reach.scraper.models import Enrichment
from reach.scraper.sources import graphapi, instagram_web, llm, youtube
from reach.scraper.sources.errors import (
    AuthFailed,
    Malformed,
    NotFound,
    QuotaExceeded,
    Refused,
    SourceError,
    Unavailable,
)
from reach.scraper.sources.http import request_json

pytestmark = pytest.mark.unit


class OneCredential:
    """A CredentialStore stand-in: always the same credential, records rests."""

    def __init__(self, secrets: dict[str, str]) -> None:
        self.credential = Credential(1, "s", "n", secrets)
        self.rested: list[str] = []

    async def take(self, source: str) -> Credential | None:
        return self.credential

    async def rest_after_quota(self, credential: Credential, reason: str) -> None:
        self.rested.append(f"quota: {reason}")

    async def rest_after_auth(self, credential: Credential, reason: str) -> None:
        self.rested.append(f"auth: {reason}")


def client(answer: Callable[[httpx.Request], httpx.Response]) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(answer))


def replies(status: int, body: Any) -> Callable[[httpx.Request], httpx.Response]:
    return lambda _: httpx.Response(status, json=body)


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (429, {"message": "slow down"}, QuotaExceeded),
        (403, {"message": "You are not subscribed to this API."}, AuthFailed),
        (404, {"detail": "Not found"}, NotFound),
        (502, "<html>bad gateway</html>", Unavailable),
        (400, {"detail": "bad"}, Refused),
    ],
)
async def test_status_classification(status: int, body: Any, kind: type[SourceError]) -> None:
    async with client(replies(status, body)) as c:
        with pytest.raises(kind):
            await request_json(c, "s", "GET", "http://up/x")


async def test_a_200_that_is_not_json_is_malformed() -> None:
    async with client(lambda _: httpx.Response(200, text='{"data": ')) as c:
        with pytest.raises(Malformed):
            await request_json(c, "s", "GET", "http://up/x")


async def test_unreachable_is_unavailable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async with client(refuse) as c:
        with pytest.raises(Unavailable):
            await request_json(c, "s", "GET", "http://up/x")


@pytest.mark.parametrize(
    ("code", "kind"), [(190, AuthFailed), (4, QuotaExceeded), (110, NotFound), (2, Unavailable)]
)
async def test_graph_error_codes(code: int, kind: type[SourceError]) -> None:
    store = OneCredential({"access_token": "t", "user_id": "1"})
    body = {"error": {"code": code, "message": "m", "type": "OAuthException"}}
    async with client(replies(400, body)) as c:
        source = graphapi.GraphApi(c, "http://graph/v15.0", store)  # type: ignore[arg-type]
        with pytest.raises(kind):
            await source.instagram_profile("someone")
    assert len(store.rested) == (1 if kind in (AuthFailed, QuotaExceeded) else 0)


async def test_graph_profile_and_paging() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        media = {
            "data": [
                {
                    "id": "9",
                    "permalink": "https://www.instagram.com/reel/Cabc123/",
                    "media_type": "VIDEO",
                    "media_product_type": "REELS",
                    "like_count": 5,
                    "comments_count": 1,
                    "media_url": "http://cdn/v.mp4",
                    "thumbnail_url": "http://cdn/t.jpg",
                    "timestamp": "2026-01-01T00:00:00+0000",
                }
            ],
            "paging": {"cursors": {"after": "CUR"}, "next": "http://next"},
        }
        body = {
            "business_discovery": {
                "id": "17",
                "username": "priya",
                "followers_count": 10,
                "media": media,
            }
        }
        return httpx.Response(200, json=body)

    store = OneCredential({"access_token": "t", "user_id": "42"})
    async with client(answer) as c:
        source = graphapi.GraphApi(c, "http://graph/v15.0", store)  # type: ignore[arg-type]
        profile, posts = await source.instagram_profile("priya")
        page = await source.instagram_posts("priya", "CUR0")
    assert (profile.profile_id, profile.followers, profile.is_business) == ("17", 10, True)
    assert (posts[0].shortcode, posts[0].post_type, posts[0].thumbnail_url) == (
        "Cabc123",
        "reels",
        "http://cdn/t.jpg",
    )
    assert page.next_cursor == "CUR"
    assert seen[0].url.path == "/v15.0/42"
    assert (
        seen[1]
        .url.params["fields"]
        .startswith("business_discovery.username(priya){id,username,media.after(CUR0).limit(50){")
    )


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        ("quotaExceeded", QuotaExceeded),
        ("keyInvalid", AuthFailed),
        ("videoNotFound", NotFound),
        ("commentsDisabled", Refused),
    ],
)
async def test_google_error_reasons(reason: str, kind: type[SourceError]) -> None:
    body = {
        "error": {"code": 403, "message": "m", "errors": [{"domain": "youtube", "reason": reason}]}
    }
    async with client(replies(403, body)) as c:
        source = youtube.YouTubeDataApi(c, "http://yt/v3", OneCredential({"key": "k"}))  # type: ignore[arg-type]
        with pytest.raises(kind):
            await source.youtube_channel(channel_id="UC" + "x" * 22)


async def test_youtube_counts_are_strings_and_missing_items_mean_not_found() -> None:
    channel = {
        "id": "UCx",
        "snippet": {"title": "T", "customUrl": "@tee"},
        "statistics": {"subscriberCount": "12", "viewCount": "340", "videoCount": ""},
        "contentDetails": {"relatedPlaylists": {"uploads": "UUx"}},
    }
    async with client(replies(200, {"items": [channel]})) as c:
        source = youtube.YouTubeDataApi(c, "http://yt/v3", OneCredential({"key": "k"}))  # type: ignore[arg-type]
        parsed = await source.youtube_channel(handle="tee")
    assert (parsed.handle, parsed.subscribers, parsed.total_views, parsed.video_count) == (
        "tee",
        12,
        340,
        None,
    )
    async with client(replies(200, {"kind": "youtube#channelListResponse"})) as c:
        source = youtube.YouTubeDataApi(c, "http://yt/v3", OneCredential({"key": "k"}))  # type: ignore[arg-type]
        with pytest.raises(NotFound):
            await source.youtube_channel(handle="nobody")


@pytest.mark.parametrize(
    ("iso", "seconds"),
    [
        ("PT4M13S", 253),
        ("PT1H", 3600),
        ("P1DT2S", 86402),
        ("PT0S", 0),
        ("nonsense", None),
        (None, None),
    ],
)
def test_iso_durations(iso: str | None, seconds: int | None) -> None:
    assert youtube.duration_seconds(iso) == seconds


def test_web_profile_require_login_is_a_quota_error() -> None:
    error = instagram_web.classify("lastresort", 401, {"require_login": True, "message": "wait"})
    assert isinstance(error, QuotaExceeded)


def completion(
    content: str | None, refusal: str | None = None, finish: str = "stop"
) -> dict[str, Any]:
    return {
        "choices": [{"message": {"content": content, "refusal": refusal}, "finish_reason": finish}]
    }


def test_llm_answers() -> None:
    answer = {
        "gender": "female",
        "country": "IN",
        "city": None,
        "language": "en",
        "category": "food",
        "topics": ["cooking"],
    }
    parsed = llm.answer_of("openai", completion(json.dumps(answer)), Enrichment)
    assert parsed.country == "IN" and parsed.city is None
    with pytest.raises(Refused):
        llm.answer_of("openai", completion(None, refusal="no"), Enrichment)
    with pytest.raises(Malformed):
        llm.answer_of("openai", completion('{"gender": "f"', finish="length"), Enrichment)
    with pytest.raises(Malformed):
        llm.answer_of("openai", completion(json.dumps({"gender": "x"})), Enrichment)


async def test_llm_request_shape() -> None:
    sent: list[dict[str, Any]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        assert request.headers["authorization"] == "Bearer sk"
        body = {
            "gender": "male",
            "country": None,
            "city": None,
            "language": None,
            "category": "tech",
            "topics": [],
        }
        return httpx.Response(200, json=completion(json.dumps(body)))

    async with client(answer) as c:
        chat = llm.OpenAiChat(c, "http://llm/v1", "m", OneCredential({"api_key": "sk"}))  # type: ignore[arg-type]
        result = await chat.answer("sys", "user", "profile_enrichment", Enrichment)
    assert result.category == "tech"
    fmt = sent[0]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["schema"]["additionalProperties"] is False
