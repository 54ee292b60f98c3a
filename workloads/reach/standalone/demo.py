"""`reach standalone --demo`: a demo universe and a demo partner, so the API has something to
show on first start. Creators come from the sandbox through the real path: scrape tasks on the
scraper API, workers fetching from the sandbox upstreams, events through RabbitMQ and the sinks
into ClickHouse; then the follower scorer and every pipeline run once.

`demo_tasks` (what to scrape) is pure; the rest talks HTTP and PostgreSQL. Seeding happens once
per data folder (a marker file in `$REACH_DATA_DIR/standalone`), the partner on every start.
Called by `reach.standalone.running`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from reach.scraper.contract import FlowName

DEMO_PARTNER = "demo"
# Creators whose followers the demo fetches and scores, and how many followers each.
FOLLOWER_CREATORS = 5
FOLLOWERS_EACH = 300
DEMO_ANALYSIS = "demo"

Report = Callable[[str], None]


@dataclass(frozen=True)
class Task:
    flow: str
    params: dict[str, Any]


def demo_tasks(handles: Sequence[str], channel_ids: Sequence[str]) -> list[Task]:
    """Profiles and recent posts of every creator, followers of the first few Instagram ones."""
    tasks = [Task(FlowName.REFRESH_INSTAGRAM_PROFILE, {"handle": h}) for h in handles]
    tasks += [Task(FlowName.REFRESH_INSTAGRAM_POSTS, {"handle": h, "limit": 12}) for h in handles]
    tasks += [
        Task(FlowName.FETCH_INSTAGRAM_FOLLOWERS, {"handle": h, "limit": FOLLOWERS_EACH})
        for h in handles[:FOLLOWER_CREATORS]
    ]
    tasks += [Task(FlowName.REFRESH_YOUTUBE_CHANNEL, {"channel_id": c}) for c in channel_ids]
    tasks += [
        Task(FlowName.REFRESH_YOUTUBE_CHANNEL_VIDEOS, {"channel_id": c, "limit": 12})
        for c in channel_ids
    ]
    return tasks


async def ensure_partner(postgres_dsn: str, name: str = DEMO_PARTNER, plan: str = "PRO") -> int:
    """The id of the partner `name`, created on the `plan` if missing."""
    conn = await asyncpg.connect(postgres_dsn)
    try:
        async with conn.transaction():
            found = await conn.fetchval(
                "SELECT id FROM partner WHERE name = $1 ORDER BY id LIMIT 1", name
            )
            if found is None:
                found = await conn.fetchval(
                    "INSERT INTO partner (name, plan_type) VALUES ($1, $2) RETURNING id",
                    name,
                    plan,
                )
        return int(found)
    finally:
        await conn.close()


async def enqueue(scraper_api: str, tasks: Sequence[Task], concurrency: int = 16) -> None:
    limit = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=scraper_api, timeout=30) as client:

        async def one(task: Task) -> None:
            async with limit:
                answer = await client.post(
                    f"/scrape_request_log/flow/{task.flow}", json={"params": task.params}
                )
                answer.raise_for_status()

        await asyncio.gather(*(one(t) for t in tasks))


async def wait_for_queue(
    scraper_api: str, flows: set[str], limit_seconds: float, report: Report
) -> dict[str, int]:
    """Waits until no task of `flows` is pending or running; returns tasks by status."""
    deadline = time.monotonic() + limit_seconds
    next_report = 0.0
    async with httpx.AsyncClient(base_url=scraper_api, timeout=30) as client:
        while True:
            stats = (await client.get("/scrape_request_log/stats")).json()
            by_status: dict[str, int] = {}
            for row in stats:
                if row["flow"] in flows:
                    by_status[row["status"]] = by_status.get(row["status"], 0) + row["tasks"]
            open_tasks = by_status.get("PENDING", 0) + by_status.get("PROCESSING", 0)
            if open_tasks == 0:
                return by_status
            now = time.monotonic()
            if now > deadline:
                raise TimeoutError(
                    f"demo scrape tasks still open after {limit_seconds:.0f} s: {by_status}"
                )
            if now >= next_report:
                next_report = now + 5
                report(f"demo: {open_tasks} scrape tasks to go ({by_status})")
            await asyncio.sleep(1)


async def seed(
    *,
    sandbox: str,
    scraper_api: str,
    creators: int,
    limit_seconds: float,
    run_command: Callable[[tuple[str, ...]], Awaitable[int]],
    run_pipelines: Callable[[], Awaitable[bool]],
    marker: Path,
    report: Report,
) -> None:
    """Scrapes `creators` per network from the sandbox, scores the followers fetched and runs
    every pipeline once; skipped when `marker` exists (seeded before, data kept)."""
    if await asyncio.to_thread(marker.exists):
        report(f"demo: already seeded ({marker}); the data folder keeps it")
        return
    began = time.monotonic()
    async with httpx.AsyncClient(base_url=sandbox, timeout=30) as client:
        handles = (await client.get("/_sandbox/creators", params={"limit": creators})).json()
        channels = (
            await client.get(
                "/_sandbox/creators", params={"platform": "youtube", "limit": creators}
            )
        ).json()
    tasks = demo_tasks(handles, channels)
    report(
        f"demo: scraping {len(handles)} Instagram and {len(channels)} YouTube creators "
        f"({len(tasks)} tasks)"
    )
    await enqueue(scraper_api, tasks)
    outcome = await wait_for_queue(scraper_api, {t.flow for t in tasks}, limit_seconds, report)
    report(f"demo: scrape tasks finished {outcome}")
    # The sinks flush every second; two more make sure the last events are in ClickHouse.
    await asyncio.sleep(3)
    code = await run_command(("followers", "score", "--analysis", DEMO_ANALYSIS))
    report(f"demo: follower scoring {'done' if code == 0 else f'failed (exit {code})'}")
    if not await run_pipelines():
        report("demo: a pipeline failed; see reach standalone --status and the logs")
        return
    await asyncio.to_thread(_mark, marker, f"seeded {len(handles) + len(channels)} creators\n")
    report(f"demo: seeded in {time.monotonic() - began:.0f} s")


def _mark(marker: Path, text: str) -> None:
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(text)
