"""keyword collections: posts matching any keyword (caption, title or tag); keywords nothing
matches are sent to the scraper's keyword search, answered 202."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg
import httpx
import pytest

from .conftest import Tenants

pytestmark = pytest.mark.service
URL = "/keyword-collection-service/api/collection"


async def test_matching_posts_by_caption_and_hashtag(
    client: httpx.AsyncClient, tenants: Tenants, add_post: Callable[..., Any]
) -> None:
    await add_post("Cdiwali1", "ig-a", caption="Lights for Diwali!", likes=100)
    await add_post("Ctagged1", "ig-b", caption="new look", hashtags=["Festive"], likes=300)
    await add_post("Cplain01", "ig-c", caption="100% cotton_wear")
    headers = tenants.headers(tenants.pro, "PRO")
    created = await client.post(
        URL,
        json={"name": "Festive", "platform": "instagram", "keywords": ["diwali", "#festive"]},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    posts = await client.get(
        f"{URL}/{created.json()['data']['id']}/posts", params={"sort": "likes"}, headers=headers
    )
    assert posts.status_code == 200, posts.text
    data = posts.json()["data"]
    assert [p["shortcode"] for p in data["posts"]["results"]] == ["Ctagged1", "Cdiwali1"]
    assert data["refreshes"] == []
    # LIKE wildcards in a keyword match themselves only.
    wildcard = await client.post(
        URL, json={"name": "w", "platform": "instagram", "keywords": ["_"]}, headers=headers
    )
    underscored = await client.get(f"{URL}/{wildcard.json()['data']['id']}/posts", headers=headers)
    assert [p["shortcode"] for p in underscored.json()["data"]["posts"]["results"]] == ["Cplain01"]


async def test_unmatched_youtube_keywords_are_searched_once(
    client: httpx.AsyncClient, tenants: Tenants, pool: asyncpg.Pool
) -> None:
    headers = tenants.headers(tenants.pro, "PRO")
    created = await client.post(
        URL,
        json={"name": "Cricket", "platform": "youtube", "keywords": ["ipl final", "Kohli"]},
        headers=headers,
    )
    url = f"{URL}/{created.json()['data']['id']}/posts"
    first = await client.get(url, headers=headers)
    again = await client.get(url, headers=headers)
    assert first.status_code == again.status_code == 202
    assert first.json()["status"] == "ACCEPTED" and first.headers["retry-after"] == "30"
    assert [r["flow"] for r in first.json()["data"]["refreshes"]] == ["search_youtube_keyword"] * 2
    tasks = await pool.fetch("SELECT flow, params FROM scrape_request_log ORDER BY id")
    assert [(t["flow"], t["params"]["keyword"]) for t in tasks] == [
        ("search_youtube_keyword", "ipl final"),
        ("search_youtube_keyword", "Kohli"),
    ]


async def test_keywords_are_validated(client: httpx.AsyncClient, tenants: Tenants) -> None:
    headers = tenants.headers(tenants.pro, "PRO")
    empty = await client.post(
        URL, json={"name": "x", "platform": "youtube", "keywords": []}, headers=headers
    )
    assert empty.json()["error"]["fields"][0]["field"] == "body.keywords"
    blank = await client.post(
        URL, json={"name": "x", "platform": "youtube", "keywords": ["ok", " "]}, headers=headers
    )
    assert blank.json()["error"]["fields"][0]["field"] == "body.keywords[1]"
    missing = await client.get(f"{URL}/424242/posts", headers=headers)
    assert missing.status_code == 404
