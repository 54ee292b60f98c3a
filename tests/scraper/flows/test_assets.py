"""Asset upload against the sandbox CDN: the file lands in object storage under a content
address, asset_log gets a row and an event."""

from __future__ import annotations

import hashlib

import asyncpg
import pytest

from reach.sandbox.cdn import png
from reach.sandbox.state import SandboxState
from reach.scraper.queue.models import Complete, Fail
from reach.scraper.running import Runtime
from reach.scraper.storage import LocalFolderStore

from ..conftest import EventTap, run_task

pytestmark = pytest.mark.service


async def test_a_profile_picture_is_stored_and_logged(
    runtime: Runtime,
    sandbox: tuple[str, SandboxState],
    beat_events: EventTap,
    pool: asyncpg.Pool,
) -> None:
    base, _ = sandbox
    url = f"{base}/cdn/instagram/profile/17841400000000001.png"
    params = {
        "network": "instagram",
        "entity_type": "profile",
        "entity_id": "17841400000000001",
        "asset_type": "profile_pic",
        "url": url,
    }
    _, outcome = await run_task(runtime, "upload_asset", params)
    expected = png("instagram/profile/17841400000000001.png")
    digest = hashlib.sha256(expected).hexdigest()
    key = f"media/instagram/17841400000000001/profile_pic/{digest}.png"
    assert outcome == Complete(source="cdn", result={"key": key, "bytes": len(expected)})
    assert await runtime.store.get(key) == expected
    assert isinstance(runtime.store, LocalFolderStore)
    row = await pool.fetchrow("SELECT * FROM asset_log")
    assert (row["sha256"], row["size_bytes"], row["content_type"], row["source_url"]) == (
        digest,
        len(expected),
        "image/png",
        url,
    )
    assert row["storage_url"] == runtime.store.path(key).as_uri()
    (event,) = await beat_events.wait_for("asset_log", 1)
    assert (event.asset_log.sha256, event.asset_log.entity_id) == (digest, "17841400000000001")


async def test_a_missing_file_fails(runtime: Runtime, sandbox: tuple[str, SandboxState]) -> None:
    params = {
        "network": "youtube",
        "entity_type": "post",
        "entity_id": "v1",
        "asset_type": "thumbnail",
        "url": f"{sandbox[0]}/cdn/youtube/video/v1.gif",
    }
    _, outcome = await run_task(runtime, "upload_asset", params)
    assert isinstance(outcome, Fail) and "not_found" in outcome.error
