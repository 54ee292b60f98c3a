"""A worker process's wiring, run in the test's loop: a ScrapeFlow's config file choosing the
sources, tasks claimed from PostgreSQL and refreshed against the sandbox, scrape_request_log
events, probes, and a clean stop."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import httpx
import pytest
import yaml

from reach.common.lifecycle import Shutdown
from reach.sandbox.universe import Universe
from reach.scraper.enqueueing import new_task
from reach.scraper.flowconfig import FlowConfigError
from reach.scraper.running import Runtime, run_worker
from reach.scraper.settings import ScraperSettings
from reach.testing.ports import free_port

from .conftest import EventTap

pytestmark = pytest.mark.service


async def test_a_worker_runs_its_flow_with_the_scrapeflow_config(
    scraper_settings: ScraperSettings,
    runtime: Runtime,
    universe: Universe,
    beat_events: EventTap,
    pool: asyncpg.Pool,
    tmp_path: Path,
) -> None:
    config = tmp_path / "flow.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "flow": "refresh_instagram_profile",
                "sources": [
                    {"name": "lastresort", "rateLimits": [{"limit": 100, "per": "minute"}]}
                ],
                "rateLimits": [{"limit": 1, "per": "second", "scope": "handle"}],
            }
        )
    )
    handles = universe.handles(3)
    for handle in handles:
        await runtime.manager.enqueue(new_task("refresh_instagram_profile", {"handle": handle}))
    port = free_port()
    shutdown = Shutdown()
    worker = asyncio.create_task(
        run_worker(
            scraper_settings,
            ["refresh_instagram_profile"],
            shutdown,
            concurrency=2,
            config_path=config,
            probe_port=port,
            probe_host="127.0.0.1",
        )
    )
    try:
        events = await beat_events.wait_for("scrape_request_log", 3)
        assert {e.scrape_request_log.status for e in events} == {"COMPLETE"}
        assert {e.scrape_request_log.source for e in events} == {"lastresort"}
        rows = await pool.fetch("SELECT handle, source FROM instagram_account ORDER BY handle")
        assert [(r["handle"], r["source"]) for r in rows] == [
            (h, "lastresort") for h in sorted(handles)
        ]
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as probes:
            async with asyncio.timeout(30):
                while True:
                    if (await probes.get("/readyz")).status_code == 200:
                        break
                    await asyncio.sleep(0.1)
            metrics = (await probes.get("/metrics")).text
            assert (
                'reach_scraper_tasks_finished_total{flow="refresh_instagram_profile",status="COMPLETE"}'
                in metrics
            )
    finally:
        shutdown.request()
        await worker
    await beat_events.wait_for("profile_log", 3)


async def test_one_process_runs_a_worker_per_flow(
    scraper_settings: ScraperSettings,
    runtime: Runtime,
    universe: Universe,
    beat_events: EventTap,
    pool: asyncpg.Pool,
) -> None:
    handle, channel = universe.handles(1)[0], universe.channel_ids(1)[0]
    await runtime.manager.enqueue(new_task("refresh_instagram_profile", {"handle": handle}))
    await runtime.manager.enqueue(new_task("refresh_youtube_channel", {"channel_id": channel}))
    shutdown = Shutdown()
    worker = asyncio.create_task(
        run_worker(
            scraper_settings, ["refresh_instagram_profile", "refresh_youtube_channel"], shutdown
        )
    )
    try:
        events = await beat_events.wait_for("scrape_request_log", 2)
        assert {(e.scrape_request_log.flow, e.scrape_request_log.status) for e in events} == {
            ("refresh_instagram_profile", "COMPLETE"),
            ("refresh_youtube_channel", "COMPLETE"),
        }
    finally:
        shutdown.request()
        await worker
    assert await pool.fetchval("SELECT count(*) FROM instagram_account") == 1
    assert await pool.fetchval("SELECT count(*) FROM youtube_account") == 1


async def test_a_flow_config_file_configures_one_flow(
    scraper_settings: ScraperSettings, tmp_path: Path
) -> None:
    config = tmp_path / "flow.yaml"
    config.write_text(yaml.safe_dump({"flow": "refresh_instagram_profile"}))
    with pytest.raises(FlowConfigError, match="exactly one flow"):
        await run_worker(
            scraper_settings,
            ["refresh_instagram_profile", "refresh_youtube_channel"],
            Shutdown(),
            config_path=config,
        )
