"""Once the asset flow has stored the current platform image, the API serves the stored copy's
URL; an image the platform has changed since is served from the platform again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg
import httpx
import pytest

from .conftest import Tenants

pytestmark = pytest.mark.service
CDN = "https://assets.reach.example"


async def store(
    pool: asyncpg.Pool, platform: str, entity: str, key: str, kind: str, src: str
) -> str:
    url = f"{CDN}/{platform}/{key}/{kind}.jpg"
    await pool.execute(
        "INSERT INTO asset_log (platform, entity_type, entity_id, asset_type, source_url,"
        " storage_url, cdn_url) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        platform, entity, key, kind, src, f"s3://reach-assets/{key}", url,
    )  # fmt: skip
    return url


async def test_profiles_and_posts_serve_their_stored_copies(
    client: httpx.AsyncClient,
    tenants: Tenants,
    pool: asyncpg.Pool,
    add_instagram: Callable[..., Any],
    add_post: Callable[..., Any],
) -> None:
    headers = tenants.headers(tenants.pro, "PRO")
    picture = "https://scontent.cdninstagram.com/v/p1.jpg"
    await add_instagram("stored.pic", profile_pic_url=picture)
    await add_instagram("fresh.pic", profile_pic_url="https://scontent.cdninstagram.com/v/p2.jpg")
    await add_post(
        "Cstored", "ig-stored.pic", thumbnail_url="https://scontent.cdninstagram.com/t.jpg"
    )
    stored_picture = await store(
        pool, "instagram", "profile", "ig-stored.pic", "profile_pic", picture
    )
    stored_thumb = await store(
        pool,
        "instagram",
        "post",
        "p-Cstored",
        "thumbnail",
        "https://scontent.cdninstagram.com/t.jpg",
    )
    # A copy of a picture the creator has since replaced is not served.
    await store(pool, "instagram", "profile", "ig-fresh.pic", "profile_pic", "https://old/p.jpg")

    profile = (
        await client.get("/discovery-service/api/profile/instagram/stored.pic", headers=headers)
    ).json()
    assert profile["data"]["profile"]["picture_url"] == stored_picture
    fresh = (
        await client.get("/discovery-service/api/profile/instagram/fresh.pic", headers=headers)
    ).json()
    assert fresh["data"]["profile"]["picture_url"] == "https://scontent.cdninstagram.com/v/p2.jpg"
    post = (await client.get("/content-service/api/post/instagram/Cstored", headers=headers)).json()
    assert post["data"]["thumbnail_url"] == stored_thumb
