"""The asset enqueuer's choice of work, against PostgreSQL."""

from __future__ import annotations

import asyncpg
import pytest

from reach.pipelines.enqueueing import TaskRequest, missing_assets

pytestmark = pytest.mark.service

ROWS = """
INSERT INTO instagram_account (profile_id, handle, followers, profile_pic_url) VALUES
    ('ig1', 'big', 900, 'https://cdn/ig1.jpg'),
    ('ig2', 'small', 10, 'https://cdn/ig2.jpg'),
    ('ig3', 'stored', 500, 'https://cdn/ig3.jpg'),
    ('ig4', 'local', 800, 'file:///etc/passwd');
INSERT INTO instagram_post (post_id, shortcode, profile_id, thumbnail_url, publish_time) VALUES
    ('p1', 'sc1', 'ig1', 'https://cdn/p1.jpg', '2026-01-01');
INSERT INTO youtube_account (channel_id, subscribers, thumbnail_url) VALUES
    ('yt1', 5, 'https://cdn/yt1.jpg');
INSERT INTO youtube_post (video_id, channel_id, thumbnail_url, publish_time) VALUES
    ('v1', 'yt1', 'https://cdn/v1.jpg', '2026-01-02');
-- ig3's picture is stored; ig2's stored copy is of an older URL, so it is due again.
INSERT INTO asset_log (platform, entity_type, entity_id, asset_type, source_url) VALUES
    ('instagram', 'profile', 'ig3', 'profile_pic', 'https://cdn/ig3.jpg'),
    ('instagram', 'profile', 'ig2', 'profile_pic', 'https://cdn/old-ig2.jpg');
"""


def _asset(network: str, entity_type: str, entity_id: str, asset_type: str) -> TaskRequest:
    url = f"https://cdn/{entity_id}.jpg"
    params = {"network": network, "entity_type": entity_type, "entity_id": entity_id,
              "asset_type": asset_type, "url": url}  # fmt: skip
    return TaskRequest("upload_asset", params)


async def test_missing_assets_are_current_http_urls_without_a_stored_copy_biggest_first(
    postgres_dsn: str,
) -> None:
    conn = await asyncpg.connect(postgres_dsn)
    try:
        await conn.execute(ROWS)
        requests = await missing_assets(conn, limit=10)
        limited = await missing_assets(conn, limit=1)
    finally:
        await conn.close()

    def ids(found: list[TaskRequest]) -> list[str]:
        return sorted(r.params["entity_id"] for r in found)

    assert sorted(requests, key=lambda r: r.params["entity_id"]) == [
        _asset("instagram", "profile", "ig1", "profile_pic"),
        _asset("instagram", "profile", "ig2", "profile_pic"),
        _asset("instagram", "post", "p1", "thumbnail"),
        _asset("youtube", "post", "v1", "thumbnail"),
        _asset("youtube", "profile", "yt1", "profile_pic"),
    ]
    # The limit holds per kind of media: the biggest account of each.
    assert ids(limited) == ["ig1", "p1", "v1", "yt1"]
