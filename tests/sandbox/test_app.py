"""The sandbox's upstreams speak their documented shapes and errors, and its switches inject
faults and count calls."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from reach.sandbox.cdn import mp4, png
from reach.sandbox.instagram import split_fields
from reach.sandbox.state import SandboxState

from .conftest import TOKEN

pytestmark = pytest.mark.unit
RAPID = {"x-rapidapi-key": TOKEN, "x-rapidapi-host": "sandbox"}


def handle(state: SandboxState, business: bool = True) -> str:
    u = state.universe
    return next(
        c.handle for i in range(u.size) if (c := u.creator(i)) and c.is_business == business
    )


def test_graph_fields_split_at_top_level() -> None:
    assert split_fields("id,media.limit(2){id,caption},name") == [
        "id",
        "media.limit(2){id,caption}",
        "name",
    ]


async def test_business_discovery_honours_fields_and_pages(
    client: httpx.AsyncClient, state: SandboxState
) -> None:
    h = handle(state)
    fields = f"business_discovery.username({h}){{followers_count,media.limit(3){{id,like_count}}}}"
    first = await client.get("/graph/v15.0/42", params={"fields": fields, "access_token": TOKEN})
    body = first.json()
    assert body["id"] == "42"
    discovery = body["business_discovery"]
    assert set(discovery) == {"followers_count", "media"}
    assert [set(m) for m in discovery["media"]["data"]] == [{"id", "like_count"}] * 3
    after = discovery["media"]["paging"]["cursors"]["after"]
    more = f"business_discovery.username({h}){{media.after({after}).limit(3){{id}}}}"
    second = await client.get("/graph/v15.0/42", params={"fields": more, "access_token": TOKEN})
    first_ids = [m["id"] for m in discovery["media"]["data"]]
    second_ids = [m["id"] for m in second.json()["business_discovery"]["media"]["data"]]
    assert len(second_ids) == 3 and not set(first_ids) & set(second_ids)


async def test_graph_errors(client: httpx.AsyncClient, state: SandboxState) -> None:
    personal = f"business_discovery.username({handle(state, business=False)}){{id}}"
    answer = await client.get("/graph/v15.0/1", params={"fields": personal, "access_token": TOKEN})
    assert answer.status_code == 400 and answer.json()["error"]["code"] == 110
    bad_token = await client.get("/graph/v15.0/1", params={"fields": "id", "access_token": "x"})
    assert bad_token.json()["error"]["code"] == 190


async def test_graph_insights_of_days_posts_and_demographics(
    client: httpx.AsyncClient, state: SandboxState
) -> None:
    u = state.universe
    creator = u.by_handle(handle(state))
    assert creator is not None
    post = u.post(creator, 0)
    assert post is not None
    base = f"/graph/v15.0/{creator.profile_id}/insights"
    since, until = 1_767_225_600, 1_767_398_400  # 2026-01-01 and 2026-01-03, 00:00 UTC
    days = await client.get(
        base,
        params={"metric": "reach,profile_views", "period": "day", "since": since, "until": until}
        | {"access_token": TOKEN},
    )
    (reach, views) = days.json()["data"]
    assert (reach["name"], reach["period"], views["name"]) == ("reach", "day", "profile_views")
    assert {"title", "description", "id"} <= set(reach)
    assert [v["end_time"] for v in reach["values"]] == [
        "2026-01-02T07:00:00+0000",
        "2026-01-03T07:00:00+0000",
    ]
    assert reach["values"][0]["value"] == u.insights_day(creator, date(2026, 1, 1))["reach"]
    media = await client.get(
        f"/graph/v15.0/{post.post_id}/insights",
        params={"metric": "reach,saved", "access_token": TOKEN},
    )
    assert [(m["name"], m["period"], m["values"]) for m in media.json()["data"]] == [
        ("reach", "lifetime", [{"value": u.post_insights(post)["reach"]}]),
        ("saved", "lifetime", [{"value": u.post_insights(post)["saved"]}]),
    ]
    asked = {"metric": "follower_demographics", "period": "lifetime"}
    demographics = await client.get(
        base,
        params=asked | {"metric_type": "total_value", "breakdown": "gender", "access_token": TOKEN},
    )
    (breakdown,) = demographics.json()["data"][0]["total_value"]["breakdowns"]
    assert breakdown["dimension_keys"] == ["gender"]
    assert {r["dimension_values"][0] for r in breakdown["results"]} == {"F", "M", "U"}
    # A metric the node lacks, a demographics call without its breakdown, and a personal
    # account are Graph errors.
    personal = u.by_handle(handle(state, business=False))
    assert personal is not None
    for node, params, code in (
        (post.post_id, {"metric": "profile_views"}, 100),
        (creator.profile_id, asked, 100),
        (personal.profile_id, {"metric": "reach"}, 10),
    ):
        answer = await client.get(
            f"/graph/v15.0/{node}/insights", params=params | {"access_token": TOKEN}
        )
        assert answer.status_code == 400 and answer.json()["error"]["code"] == code


async def test_rapidapi_shapes_and_paging(client: httpx.AsyncClient, state: SandboxState) -> None:
    h = handle(state)
    info = (
        await client.get(
            "/rapidapi/instagram/v1/info", params={"username_or_id_or_url": h}, headers=RAPID
        )
    ).json()
    assert info["data"]["username"] == h and isinstance(info["data"]["follower_count"], int)
    page = (
        await client.get(
            "/rapidapi/instagram/v1/followers", params={"username_or_id_or_url": h}, headers=RAPID
        )
    ).json()
    assert len(page["data"]["items"]) == 50 and page["pagination_token"]
    unsubscribed = await client.get(
        "/rapidapi/instagram/v1/info", params={"username_or_id_or_url": h}
    )
    assert unsubscribed.status_code == 403
    missing = await client.get(
        "/rapidapi/instagram/v1/post_info", params={"code_or_id_or_url": "Cnope"}, headers=RAPID
    )
    assert missing.status_code == 404


async def test_rapidapi_stories_are_a_reel_of_instagram_items(
    client: httpx.AsyncClient, state: SandboxState
) -> None:
    u = state.universe
    creator = next(c for i in range(u.size) if (c := u.creator(i)) and u.story_count(c) == 2)
    answer = await client.get(
        "/rapidapi/instagram/v1/stories",
        params={"username_or_id_or_url": creator.handle},
        headers=RAPID,
    )
    data = answer.json()["data"]
    assert data["additional_data"]["user"]["id"] == creator.profile_id and data["count"] == 2
    image, video = data["items"]
    assert (image["media_type"], video["media_type"]) == (1, 2)
    assert "video_versions" not in image
    assert image["expiring_at"] - image["taken_at"] == 24 * 3600
    media = await client.get(video["video_versions"][0]["url"])
    assert media.headers["content-type"] == "video/mp4"
    assert media.content == mp4(f"instagram/story/{video['pk']}.mp4")
    assert media.content[4:8] == b"ftyp"


async def test_rapidapi_reels_page_through_the_videos(
    client: httpx.AsyncClient, state: SandboxState
) -> None:
    h = handle(state)
    first = (
        await client.get(
            "/rapidapi/instagram/v1/reels", params={"username_or_id_or_url": h}, headers=RAPID
        )
    ).json()
    assert {item["product_type"] for item in first["data"]["items"]} == {"clips"}
    assert all(item["play_count"] for item in first["data"]["items"])
    second = (
        await client.get(
            "/rapidapi/instagram/v1/reels",
            params={"username_or_id_or_url": h, "pagination_token": first["pagination_token"]},
            headers=RAPID,
        )
    ).json()
    codes = [i["code"] for i in first["data"]["items"] + second["data"]["items"]]
    assert len(codes) == len(set(codes)) > len(first["data"]["items"])


async def test_youtube_counts_are_strings_and_quota_runs_out(
    client: httpx.AsyncClient, state: SandboxState
) -> None:
    channel_id = state.universe.channel_ids(1)[0]
    answer = await client.get(
        "/youtube/v3/channels", params={"part": "statistics", "id": channel_id, "key": TOKEN}
    )
    stats = answer.json()["items"][0]["statistics"]
    assert isinstance(stats["subscriberCount"], str) and stats["subscriberCount"].isdigit()
    state.youtube_daily_units = 150
    assert (
        await client.get(
            "/youtube/v3/search", params={"q": "food", "type": "channel", "key": TOKEN}
        )
    ).status_code == 200
    over = await client.get(
        "/youtube/v3/search", params={"q": "food", "type": "channel", "key": TOKEN}
    )
    assert over.status_code == 403
    assert over.json()["error"]["errors"][0] == {
        "message": over.json()["error"]["message"],
        "domain": "youtube.quota",
        "reason": "quotaExceeded",
    }
    bad = await client.get("/youtube/v3/channels", params={"id": channel_id, "key": "x"})
    assert bad.status_code == 400 and "API key not valid" in bad.json()["error"]["message"]


@pytest.mark.parametrize(
    ("path", "param", "reason"),
    [
        ("playlistItems", "playlistId", "playlistNotFound"),
        ("commentThreads", "videoId", "videoNotFound"),
        ("channelSections", "channelId", "channelNotFound"),
    ],
)
async def test_youtube_unknown_ids_get_googles_404(
    client: httpx.AsyncClient, path: str, param: str, reason: str
) -> None:
    answer = await client.get(f"/youtube/v3/{path}", params={param: "nope", "key": TOKEN})
    assert answer.status_code == 404
    error = answer.json()["error"]
    assert error["status"] == "NOT_FOUND" and error["errors"][0]["reason"] == reason


async def test_chat_completions_answer_the_known_schemas(client: httpx.AsyncClient) -> None:
    request = {
        "model": "m",
        "messages": [{"role": "user", "content": '[{"id": "1", "text": "love this"}]'}],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "comment_sentiment", "strict": True, "schema": {}},
        },
    }
    headers = {"authorization": f"Bearer {TOKEN}"}
    answer = await client.post("/openai/v1/chat/completions", json=request, headers=headers)
    content = answer.json()["choices"][0]["message"]["content"]
    assert '"comment_id": "1"' in content and '"positive": 0.85' in content
    loose = {**request, "response_format": {"type": "json_object"}}
    assert (
        await client.post("/openai/v1/chat/completions", json=loose, headers=headers)
    ).status_code == 400
    assert (await client.post("/openai/v1/chat/completions", json=request)).status_code == 401


async def test_cdn_serves_stable_pngs(client: httpx.AsyncClient) -> None:
    answer = await client.get("/cdn/instagram/profile/1.png")
    assert answer.headers["content-type"] == "image/png"
    assert answer.content == png("instagram/profile/1.png") and answer.content.startswith(
        b"\x89PNG"
    )


@pytest.mark.parametrize(("mode", "status"), [("429", 429), ("503", 503), ("timeout", 504)])
async def test_fault_switches(
    client: httpx.AsyncClient, state: SandboxState, mode: str, status: int
) -> None:
    armed = await client.post(
        "/_sandbox/faults", json={"upstream": "cdn", "mode": mode, "count": 2}
    )
    assert armed.status_code == 200
    codes = [(await client.get("/cdn/a/b/c.png")).status_code for _ in range(3)]
    assert codes == [status, status, 200]
    assert (await client.get("/_sandbox/calls")).json() == {"cdn": 3}


async def test_garbage_and_wrong_shapes(client: httpx.AsyncClient, state: SandboxState) -> None:
    h = handle(state)
    state.set_fault("web", "garbage", 1)
    state.set_fault("rapidapi", "shape")
    garbage = await client.get(
        "/instagram-web/api/v1/users/web_profile_info/", params={"username": h}
    )
    assert garbage.status_code == 200
    with pytest.raises(ValueError):
        garbage.json()
    shaped = await client.get(
        "/rapidapi/instagram/v1/info", params={"username_or_id_or_url": h}, headers=RAPID
    )
    assert "data" not in shaped.json()
    await client.delete("/_sandbox/faults")
    assert (
        "data"
        in (
            await client.get(
                "/rapidapi/instagram/v1/info", params={"username_or_id_or_url": h}, headers=RAPID
            )
        ).json()
    )
    assert (
        await client.post("/_sandbox/faults", json={"upstream": "x", "mode": "429"})
    ).status_code == 422
