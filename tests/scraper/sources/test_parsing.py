"""Each adapter's parsing and error classification on canned upstream answers (httpx's mock
transport, no network): documented shapes parse, errors map to the right kind."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from reach.scraper.models import Enrichment, InstagramProfile
from reach.scraper.settings import ScraperSettings
from reach.scraper.sources import graphapi, instagram_web, llm, rapidapi, youtube
from reach.scraper.sources.errors import (
    AuthFailed,
    Malformed,
    NotFound,
    QuotaExceeded,
    Refused,
    SourceError,
    Unavailable,
)
from reach.scraper.sources.http import Wire, pick, request_json
from reach.testing.sources import OneCredential

pytestmark = pytest.mark.unit


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


def _metric(name: str, period: str, answer: dict[str, Any]) -> dict[str, Any]:
    """A metric of an insights answer in its documented envelope."""
    label = name.replace("_", " ").capitalize()
    envelope = {"title": label, "description": label, "id": f"17/insights/{name}/{period}"}
    return {"name": name, "period": period, **answer, **envelope}


async def test_graph_insights_days_post_counts_and_demographic_shares() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        asked = request.url.params
        if asked["metric"] == "follower_demographics":
            results = {
                "gender": [(["F"], 30), (["M"], 60), (["U"], 10)],
                "age": [(["18-24"], 3), (["25-34"], 1)],
                "country": [(["IN"], 5), (["US"], 0)],
            }[asked["breakdown"]]
            breakdown = {
                "dimension_keys": [asked["breakdown"]],
                "results": [{"dimension_values": d, "value": v} for d, v in results],
            }
            total = {"total_value": {"breakdowns": [breakdown]}}
            return httpx.Response(200, json={"data": [_metric(asked["metric"], "lifetime", total)]})
        if request.url.path.endswith("/9/insights"):
            counts = {"reach": 40, "saved": 3, "total_interactions": 50}
            data = [_metric(n, "lifetime", {"values": [{"value": v}]}) for n, v in counts.items()]
            return httpx.Response(200, json={"data": data})
        # Two days, each closed by its end_time the next morning (the documented example).
        days = [
            {"value": 32, "end_time": "2018-01-11T08:00:00+0000"},
            {"value": 12, "end_time": "2018-01-12T08:00:00+0000"},
        ]
        data = [_metric(n, "day", {"values": days}) for n in ("impressions", "reach")]
        return httpx.Response(200, json={"data": data})

    store = OneCredential({"access_token": "t", "user_id": "17"})
    async with client(answer) as c:
        source = graphapi.GraphApi(c, "http://graph/v15.0", store)  # type: ignore[arg-type]
        days = await source.instagram_profile_insights(
            "17", datetime(2018, 1, 10).date(), datetime(2018, 1, 11).date()
        )
        post = await source.instagram_post_insights("9", "Cabc", "17")
        audience = await source.instagram_audience("17")
    assert [(d.date.isoformat(), d.reach, d.impressions, d.profile_views) for d in days] == [
        ("2018-01-10", 32, 32, None),
        ("2018-01-11", 12, 12, None),
    ]
    assert seen[0].url.path == "/v15.0/17/insights"
    assert (seen[0].url.params["since"], seen[0].url.params["until"]) == (
        "1515542400",
        "1515715200",
    )
    assert (post.post_id, post.reach, post.saved, post.shares, post.total_interactions) == (
        "9",
        40,
        3,
        None,
        50,
    )
    assert audience.gender == {"female": 0.3, "male": 0.6, "unknown": 0.1}
    assert audience.age == {"18-24": 0.75, "25-34": 0.25}
    assert audience.location == {"IN": 1.0, "US": 0.0}
    assert [r.url.params.get("breakdown") for r in seen[2:]] == ["gender", "age", "country"]


async def test_graph_insights_in_another_shape_are_malformed() -> None:
    no_day = {"data": [_metric("reach", "day", {"values": [{"value": 1}]})]}
    two_buckets = {"dimension_values": ["F", "18-24"], "value": 1}
    mixed = {"total_value": {"breakdowns": [{"results": [two_buckets]}]}}
    bodies = [
        {"unexpected": ["not", "the", "documented", "shape"]},
        {"data": [{"name": "reach", "period": "day", "values": [{"value": "many"}]}]},
        no_day,
        {"data": [_metric("follower_demographics", "lifetime", mixed)]},
    ]
    for body in bodies:
        store = OneCredential({"access_token": "t", "user_id": "17"})
        async with client(replies(200, body)) as c:
            source = graphapi.GraphApi(c, "http://graph/v15.0", store)  # type: ignore[arg-type]
            day = datetime(2018, 1, 10).date()
            with pytest.raises(Malformed):
                if "total_value" in json.dumps(body):
                    await source.instagram_audience("17")
                else:
                    await source.instagram_profile_insights("17", day, day)


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
    async with client(
        replies(200, {"kind": "youtube#channelListResponse", "items": [channel]})
    ) as c:
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
        "choices": [{"message": {"content": content, "refusal": refusal}, "finish_reason": finish}],
        "usage": {"prompt_tokens": 1000, "completion_tokens": 100, "total_tokens": 1100},
    }


def answer_of(body: dict[str, Any]) -> Enrichment:
    return llm.answer_of("openai", llm.Completion.model_validate(body), Enrichment)


def test_llm_answers() -> None:
    answer = {
        "gender": "female",
        "country": "IN",
        "city": None,
        "language": "en",
        "category": "food",
        "topics": ["cooking"],
    }
    parsed = answer_of(completion(json.dumps(answer)))
    assert parsed.country == "IN" and parsed.city is None
    with pytest.raises(Refused):
        answer_of(completion(None, refusal="no"))
    with pytest.raises(Malformed):
        answer_of(completion('{"gender": "f"', finish="length"))
    with pytest.raises(llm.InvalidAnswer, match="not JSON"):
        answer_of(completion('{"gender": "f"'))
    with pytest.raises(llm.InvalidAnswer, match="not in the schema"):
        answer_of(completion(json.dumps({"gender": "x"})))


LLM_SETTINGS = ScraperSettings(llm_url="http://llm/v1", llm_model="m", llm_answer_attempts=3)


async def test_llm_request_shape_retries_and_cost() -> None:
    sent: list[dict[str, Any]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        assert request.headers["authorization"] == "Bearer sk"
        if len(sent) == 1:
            return httpx.Response(200, json=completion("Sure! Here is the JSON you asked for"))
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
        chat = llm.OpenAiChat(c, LLM_SETTINGS, OneCredential({"api_key": "sk"}))  # type: ignore[arg-type]
        result = await chat.answer("sys", "user", "profile_enrichment", Enrichment)
    assert result.value.category == "tech"
    # The invalid first answer was asked again; both attempts' tokens are counted and priced.
    assert (result.usage.attempts, result.usage.prompt_tokens) == (2, 2000)
    assert result.usage.completion_tokens == 200
    assert result.usage.cost_usd == pytest.approx(2000 * 0.15e-6 + 200 * 0.6e-6)
    fmt = sent[0]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["schema"]["additionalProperties"] is False


async def test_llm_gives_up_after_its_attempts() -> None:
    calls: list[int] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(200, json=completion('{"gender": '))

    async with client(answer) as c:
        chat = llm.OpenAiChat(c, LLM_SETTINGS, OneCredential({"api_key": "sk"}))  # type: ignore[arg-type]
        with pytest.raises(llm.InvalidAnswer, match="3 attempts") as raised:
            await chat.answer("sys", "user", "profile_enrichment", Enrichment)
    assert len(calls) == 3 and not raised.value.retryable


def test_a_wire_reads_paths_own_names_and_known_values() -> None:
    body = {"id": "7", "who": {"name": "priya"}, "biography": "hi", "extra": 1}
    wire = Wire(InstagramProfile, {"profile_id": "id", "handle": "who.name"})
    parsed = wire.read("s", body, is_business=True)
    assert (parsed.profile_id, parsed.handle, parsed.biography) == ("7", "priya", "hi")
    assert (parsed.is_business, parsed.is_verified, parsed.followers) == (True, False, None)
    # A null object on the way is a missing field; a missing required one is Malformed.
    with pytest.raises(Malformed, match="handle"):
        wire.read("s", {"id": "7", "who": None})
    with pytest.raises(Malformed):
        wire.read("s", ["not", "an", "object"])
    assert pick({"a": {"b": 0}}, "a.b") == 0
    assert pick({"a": None}, "a.b", "absent") == "absent"


async def test_rapidapi_posts_followers_and_comments() -> None:
    post = {
        "id": "9",
        "code": "Cabc",
        "user": {"id": "17", "username": "priya"},
        "caption": {"text": "hello #food"},
        "like_count": 5,
        "comment_count": 1,
        "play_count": 40,
        "media_type": 2,
        "product_type": "clips",
        "taken_at": 1767225600,
    }
    follower = {"id": "3", "username": "fan", "full_name": None}
    comment = {"id": "c1", "text": "nice", "created_at": 1767225600, "user": {"id": "3"}}

    def answer(request: httpx.Request) -> httpx.Response:
        items = {
            "/v1.2/posts": [
                post,
                {**post, "caption": None, "media_type": 8, "product_type": "feed"},
            ]
        }
        items |= {"/v1/followers": [follower], "/v1/comments": [comment]}
        return httpx.Response(200, json={"data": {"items": items[request.url.path]}})

    store = OneCredential({"key": "k"})
    async with client(answer) as c:
        source = rapidapi.RapidApiInstagram(c, "http://rapid", store)  # type: ignore[arg-type]
        posts = (await source.instagram_posts("priya", None)).items
        followers = (await source.instagram_connections("priya", "FOLLOWER", None)).items
        comments = (await source.instagram_comments("Cabc", None)).items
    new_year = datetime(2026, 1, 1, tzinfo=UTC)
    assert (posts[0].post_id, posts[0].shortcode, posts[0].profile_id) == ("9", "Cabc", "17")
    assert (posts[0].post_type, posts[0].caption, posts[0].plays) == ("clips", "hello #food", 40)
    assert posts[0].publish_time == new_year and posts[0].hashtags == ["food"]
    assert (posts[1].post_type, posts[1].caption) == ("carousel", None)
    assert (followers[0].profile_id, followers[0].handle, followers[0].full_name) == (
        "3",
        "fan",
        "",
    )
    assert (comments[0].post_id, comments[0].author, comments[0].published_at) == (
        "Cabc",
        None,
        new_year,
    )


async def test_web_profile_and_its_posts() -> None:
    node = {
        "id": "9",
        "shortcode": "Cabc",
        "is_video": True,
        "edge_media_to_caption": {"edges": [{"node": {"text": "hi"}}]},
        "edge_liked_by": {"count": 5},
        "edge_media_to_comment": {"count": 1},
        "video_view_count": 70,
        "thumbnail_src": "http://cdn/t.jpg",
        "taken_at_timestamp": 1767225600,
    }
    user = {
        "id": "17",
        "username": "priya",
        "category_name": "Food",
        "is_business_account": True,
        "edge_followed_by": {"count": 10},
        "edge_follow": {"count": 2},
        "edge_owner_to_timeline_media": {"count": 30, "edges": [{"node": node}]},
    }
    async with client(replies(200, {"data": {"user": user}})) as c:
        profile, posts = await instagram_web.InstagramWeb(c, "http://web").instagram_profile("p")
    assert (profile.profile_id, profile.handle, profile.category) == ("17", "priya", "Food")
    assert (profile.followers, profile.following, profile.media_count) == (10, 2, 30)
    assert profile.is_business and not profile.is_verified
    assert (posts[0].post_type, posts[0].caption, posts[0].likes, posts[0].views) == (
        "video",
        "hi",
        5,
        70,
    )
    assert posts[0].thumbnail_url == "http://cdn/t.jpg" and posts[0].profile_id == "17"
    # The web app always sends the counts: a profile without them is not one.
    del user["edge_follow"]
    async with client(replies(200, {"data": {"user": user}})) as c:
        with pytest.raises(Malformed):
            await instagram_web.InstagramWeb(c, "http://web").instagram_profile("p")


async def test_youtube_videos_and_comments() -> None:
    video = {
        "id": "v1",
        "snippet": {
            "channelId": "UCx",
            "title": "T",
            "tags": ["a"],
            "publishedAt": "2026-01-01T00:00:00Z",
            "thumbnails": {"default": {"url": "http://d"}, "high": {"url": "http://h"}},
        },
        "statistics": {"viewCount": "100", "likeCount": "", "commentCount": "0"},
        "contentDetails": {"duration": "PT2M"},
    }
    thread = {
        "id": "t1",
        "snippet": {
            "videoId": "v1",
            "topLevelComment": {
                "id": "c1",
                "snippet": {"textOriginal": "great", "authorDisplayName": "Ann"},
            },
        },
    }

    def answer(request: httpx.Request) -> httpx.Response:
        items = {"/v3/videos": [video], "/v3/commentThreads": [thread]}[request.url.path]
        body = {"kind": "youtube#listResponse", "items": items, "nextPageToken": "N"}
        return httpx.Response(200, json=body)

    async with client(answer) as c:
        source = youtube.YouTubeDataApi(c, "http://yt/v3", OneCredential({"key": "k"}))  # type: ignore[arg-type]
        (parsed,) = await source.youtube_videos(["v1"])
        comments = await source.youtube_comments("v1", None)
    assert (parsed.channel_id, parsed.tags, parsed.duration_s, parsed.is_short) == (
        "UCx",
        ["a"],
        120,
        True,
    )
    assert (parsed.views, parsed.likes, parsed.comments) == (100, None, 0)
    assert parsed.thumbnail_url == "http://h"
    assert parsed.publish_time == datetime(2026, 1, 1, tzinfo=UTC)
    (comment,) = comments.items
    assert (comment.comment_id, comment.post_id, comment.text, comment.author) == (
        "c1",
        "v1",
        "great",
        "Ann",
    )
    assert comments.next_cursor == "N"


def test_rapidapi_stories_take_the_video_as_media_and_the_image_as_thumbnail() -> None:
    image = {"image_versions2": {"candidates": [{"url": "https://cdn/s.jpg", "width": 640}]}}
    item = {"id": "5_17", "pk": "5", "code": "Sabc", "taken_at": 1767225600, **image}
    still = rapidapi.to_story(item, "17")
    video = rapidapi.to_story({**item, "video_versions": [{"url": "https://cdn/s.mp4"}]}, "17")
    assert (still.post_id, still.shortcode, still.profile_id, still.post_type) == (
        "5",
        "Sabc",
        "17",
        "story",
    )
    assert (still.display_url, still.thumbnail_url) == ("https://cdn/s.jpg", "https://cdn/s.jpg")
    assert (video.display_url, video.thumbnail_url) == ("https://cdn/s.mp4", "https://cdn/s.jpg")
    with pytest.raises(Malformed):
        rapidapi.to_story({k: v for k, v in item.items() if k != "image_versions2"}, "17")
