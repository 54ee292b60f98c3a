"""content: one post by shortcode, and a creator's posts sorted and paged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from .conftest import Tenants

pytestmark = pytest.mark.service
URL = "/content-service/api"


async def test_a_post_and_a_creators_posts(
    client: httpx.AsyncClient, tenants: Tenants, add_post: Callable[..., Any]
) -> None:
    now = datetime.now(UTC)
    for i, likes in enumerate((5, 50, 20)):
        await add_post(f"Cpost{i}", "ig-asha", likes=likes, publish_time=now - timedelta(days=i))
    await add_post("Cother", "ig-someone")
    await add_post("vid00000001", "UC1", platform="youtube", title="Diwali vlog", views=900)
    headers = tenants.headers(tenants.free, "FREE")

    one = await client.get(f"{URL}/post/instagram/Cpost1", headers=headers)
    assert one.status_code == 200, one.text
    assert (one.json()["data"]["likes"], one.json()["data"]["profile_id"]) == (50, "ig-asha")
    video = await client.get(f"{URL}/post/youtube/vid00000001", headers=headers)
    assert (video.json()["data"]["text"], video.json()["data"]["views"]) == ("Diwali vlog", 900)
    missing = await client.get(f"{URL}/post/instagram/Cnothere", headers=headers)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"

    recent = await client.get(f"{URL}/profile/instagram/ig-asha/posts", headers=headers)
    assert [p["shortcode"] for p in recent.json()["data"]["results"]] == [
        "Cpost0",
        "Cpost1",
        "Cpost2",
    ]
    liked = await client.get(
        f"{URL}/profile/instagram/ig-asha/posts",
        params={"sort": "likes", "size": 2},
        headers=headers,
    )
    assert [p["likes"] for p in liked.json()["data"]["results"]] == [50, 20]
    assert liked.json()["data"]["page"] == {"offset": 0, "size": 2, "total": 3}
    least_liked = await client.get(
        f"{URL}/profile/instagram/ig-asha/posts",
        params={"sort": "likes", "order": "asc"},
        headers=headers,
    )
    likes = [p["likes"] for p in least_liked.json()["data"]["results"]]
    assert likes == sorted(likes) and likes[-1] == 50


async def test_bad_sort_and_shortcode_are_422(client: httpx.AsyncClient, tenants: Tenants) -> None:
    headers = tenants.headers(tenants.free, "FREE")
    bad_sort = await client.get(
        f"{URL}/profile/instagram/ig-asha/posts", params={"sort": "secret"}, headers=headers
    )
    assert bad_sort.json()["error"]["fields"][0]["field"] == "query.sort"
    bad_code = await client.get(f"{URL}/post/instagram/a%20b", headers=headers)
    assert bad_code.status_code == 422
    assert bad_code.json()["error"]["fields"][0]["field"] == "path.shortcode"
