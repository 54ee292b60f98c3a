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
            "refresh_instagram_profile",
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
