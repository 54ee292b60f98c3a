"""Asset upload against the sandbox CDN: the file lands in object storage under a content
address, asset_log gets a row and an event, and the API's profile answer then serves the stored
copy instead of the platform's picture."""

from __future__ import annotations

import hashlib

import asyncpg
import pytest

from reach.api.repositories.profiles import ProfileRepository
from reach.sandbox.cdn import png
from reach.sandbox.state import SandboxState
from reach.sandbox.universe import Universe
from reach.sandbox.upstreams import SANDBOX_CREDENTIALS
from reach.scraper.queue.models import Complete, Fail
from reach.scraper.running import Runtime, open_runtime
from reach.scraper.settings import ScraperSettings
from reach.scraper.storage import LocalFolderStore

from ..conftest import EventTap, run_task

pytestmark = pytest.mark.service
CDN = "https://assets.reach.example"


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


async def test_once_the_picture_is_stored_the_api_serves_the_copy(
    scraper_settings: ScraperSettings,
    beat_events: EventTap,
    universe: Universe,
    pool: asyncpg.Pool,
) -> None:
    # Copies are served from the asset CDN in front of the store; without one (the default)
    # asset_log has no URL to serve and the API keeps the platform's.
    settings = scraper_settings.model_copy(update={"asset_cdn_url": CDN})
    async with open_runtime(settings, "reach-scraper-test") as runtime:
        for source, secrets in SANDBOX_CREDENTIALS.items():
            await runtime.credentials.put(source, "sandbox", dict(secrets))
        # A creator refreshed from the sandbox: the API serves the platform CDN's picture...
        handle = next(
            c.handle for i in range(universe.size) if (c := universe.creator(i)) and c.is_business
        )
        await run_task(runtime, "refresh_instagram_profile", {"handle": handle})
        profiles = ProfileRepository(pool)
        before = await profiles.by_handle("instagram", handle)
        account = await pool.fetchrow(
            "SELECT profile_id, profile_pic_url FROM instagram_account WHERE handle = $1", handle
        )
        assert before is not None and before.picture_url == account["profile_pic_url"]

        # ...until the asset flow has stored it: then the stored copy's URL.
        params = {
            "network": "instagram",
            "entity_type": "profile",
            "entity_id": account["profile_id"],
            "asset_type": "profile_pic",
            "url": account["profile_pic_url"],
        }
        _, outcome = await run_task(runtime, "upload_asset", params)
    assert isinstance(outcome, Complete), outcome
    after = await profiles.by_handle("instagram", handle)
    assert after is not None and after.picture_url is not None
    assert after.picture_url == await pool.fetchval("SELECT cdn_url FROM asset_log")
    assert after.picture_url.startswith(f"{CDN}/media/instagram/{account['profile_id']}/")
