"""Profiles refreshed per second: one `refresh_instagram_profile` worker process's wiring
(run_worker: queue, fallback chain, PostgreSQL upserts, events to RabbitMQ with confirms)
against the sandbox upstreams served by `reach sandbox serve` in another process, rate limits
off. A quarter of the synthetic accounts are personal, so they fall back from the Graph API to
the RapidAPI-style source (two more calls), as real traffic would.

Then the mixed-flow run on the same database (the profiles the first part stored are what the
enrichment flows read): `--mixed-tasks` tasks of every flow in the scraper's registry, params
drawn from the sandbox's universe, enqueued together and run by one worker per flow in one
process (each with the `flow_worker` a worker process runs) until the queue drains, the tasks
the flows enqueue themselves included. `flows_covered` counts the registry's flows whose every
task completed in that run: each flow ran end to end against the sandbox here, in the bench.

    .venv/bin/python bench/scrape_flow.py [--profiles 2000] [--concurrency 32] [--mixed-tasks 8]

Prints one JSON line: profiles_per_s, flows_covered, mixed_tasks_per_s (with completed and
failed tasks per flow) and what was measured.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from typing import Any

import aio_pika
import asyncpg

from reach.common.lifecycle import Shutdown
from reach.common.migrations import migrate_postgres
from reach.common.postgres import create_pool
from reach.common.settings import StoreSettings
from reach.sandbox.universe import CATEGORIES, CITIES, TAGS, Channel, Creator, Universe, place
from reach.sandbox.upstreams import DEFAULT_TOKEN, SANDBOX_CREDENTIALS, scraper_environment
from reach.scraper.contract import INSIGHT_FLOWS
from reach.scraper.enqueueing import new_task
from reach.scraper.events import PAYLOADS
from reach.scraper.flows import FLOWS
from reach.scraper.flows.base import Flow
from reach.scraper.publishing import EXCHANGE
from reach.scraper.queue.manager import TaskManager
from reach.scraper.running import flow_worker, open_runtime, run_worker
from reach.scraper.settings import ScraperSettings
from reach.testing import benchmarks
from reach.testing.ports import free_port

FLOW = "refresh_instagram_profile"
UNFINISHED = "status IN ('PENDING', 'PROCESSING')"
# Credentials the sandbox accepts, by source (Shopify's are per shop, stored with the shop).
REGIONS = ("US", "IN", "GB", "DE", "FR", "BR", "JP", "CA", "AU", "ES", "IT", "MX")


def shop(index: int) -> str:
    return f"bench-{index}.myshopify.com"


class MixedParams:
    """The `index`-th task's params of each flow, drawn from the sandbox's universe (by the
    fields the flow's params model requires, so a flow with a known shape needs no entry)."""

    def __init__(self, universe: Universe, sandbox_url: str) -> None:
        self.universe = universe
        self.sandbox_url = sandbox_url
        creators = [c for i in range(universe.size) if (c := universe.creator(i))]
        self.creators = [c for c in creators if universe.post(c, 0) is not None]
        # The business accounts among them connect to Reach (their own Graph API token): the
        # insights flows ask only those.
        self.connected = [c for c in self.creators if c.is_business]
        channels = [ch for i in range(universe.size) if (ch := universe.channel(i))]
        self.channels = [ch for ch in channels if universe.playlist_count(ch) > 0]

    def creator(self, index: int, flow: Flow[Any]) -> Creator:
        """The `index`-th creator a task of `flow` asks about."""
        among = self.connected if flow.name in INSIGHT_FLOWS else self.creators
        return among[index % len(among)]

    def tokens(self, count: int) -> list[tuple[str, str, str]]:
        """The credentials of the first `count` connected accounts, named by their ids."""
        return [
            (
                "graphapi",
                c.profile_id,
                json.dumps({**SANDBOX_CREDENTIALS["graphapi"], "user_id": c.profile_id}),
            )
            for c in self.connected[:count]
        ]

    def channel(self, index: int) -> Channel:
        return self.channels[index % len(self.channels)]

    def by_field(self) -> dict[str, Callable[[Flow[Any], int], dict[str, Any]]]:
        universe = self.universe
        tags = [tag for group in TAGS.values() for tag in group]
        sources = sorted(SANDBOX_CREDENTIALS)

        def post(flow: Flow[Any], index: int) -> str:
            found = universe.post(self.creator(index, flow), 0)
            assert found is not None
            return found.shortcode

        def video(index: int) -> str:
            found = universe.video(self.channel(index), 0)
            assert found is not None
            return found.video_id

        def playlist(index: int) -> str:
            found = universe.playlist(self.channel(index), 0)
            assert found is not None
            return found.playlist_id

        def profile(flow: Flow[Any], index: int) -> dict[str, Any]:
            if flow.params.model_fields.get("url") is None:
                return {"network": "instagram", "profile_id": self.creator(index, flow).profile_id}
            creator = self.creator(index, flow)
            return {
                "network": "instagram",
                "entity_type": "profile",
                "entity_id": creator.profile_id,
                "asset_type": "profile_pic",
                "url": f"{self.sandbox_url}/cdn/instagram/profile/{creator.profile_id}.png",
            }

        # The first field of a flow's params found here decides its params.
        return {
            "shortcode": lambda f, i: {"shortcode": post(f, i)},
            "hashtag": lambda _, i: {"hashtag": tags[i % len(tags)]},
            "location_id": lambda _, i: {
                "location_id": place(CITIES[i % len(CITIES)][0]).location_id
            },
            "video_id": lambda _, i: {"video_id": video(i)},
            "playlist_id": lambda _, i: {"playlist_id": playlist(i)},
            "keyword": lambda _, i: {"keyword": CATEGORIES[i % len(CATEGORIES)]},
            "region": lambda _, i: {"region": REGIONS[i % len(REGIONS)]},
            "channel_id": lambda _, i: {"channel_id": self.channel(i).channel_id},
            "handle": lambda f, i: {"handle": self.creator(i, f).handle},
            "profile_id": profile,
            "shop": lambda _, i: {"shop": shop(i)},
            "secrets": lambda _, i: {
                "source": sources[i % len(sources)],
                "name": f"bench-{i}",
                "secrets": dict(SANDBOX_CREDENTIALS[sources[i % len(sources)]]),
            },
        }

    def tasks(self, flow: Flow[Any], count: int) -> list[dict[str, Any]]:
        fields = flow.params.model_fields
        for field, params in self.by_field().items():
            if field in fields:
                return [params(flow, i) for i in range(count)]
        raise ValueError(f"the bench draws no params for {flow.name} ({', '.join(fields)})")


async def wait_for_port(port: int) -> None:
    async with asyncio.timeout(60):
        while True:
            with contextlib.suppress(OSError):
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                return
            await asyncio.sleep(0.1)


async def wait_until_drained(pool: asyncpg.Pool, workers: list[asyncio.Task[None]]) -> None:
    async with asyncio.timeout(900):
        while await pool.fetchval(f"SELECT count(*) FROM scrape_request_log WHERE {UNFINISHED}"):
            if any(w.done() for w in workers):
                break
            await asyncio.sleep(0.1)


async def profiles_run(
    settings: ScraperSettings, pool: asyncpg.Pool, handles: list[str], concurrency: int
) -> dict[str, object]:
    await TaskManager(pool).enqueue_many([new_task(FLOW, {"handle": h}) for h in handles])
    shutdown = Shutdown()
    started = time.perf_counter()
    worker = asyncio.create_task(
        run_worker(settings, [FLOW], shutdown, concurrency=concurrency, probe_port=0)
    )
    await wait_until_drained(pool, [worker])
    elapsed = time.perf_counter() - started
    shutdown.request()
    await worker
    rows = await pool.fetch("SELECT status, source, count(*) FROM scrape_request_log GROUP BY 1, 2")
    accounts = await pool.fetchval("SELECT count(*) FROM instagram_account")
    complete = sum(r["count"] for r in rows if r["status"] == "COMPLETE")
    if complete != len(handles) or accounts != len(handles):
        raise RuntimeError(f"only {complete} tasks completed, {accounts} accounts: {rows}")
    return {
        "profiles_per_s": round(len(handles) / elapsed, 1),
        "answered_by": {r["source"]: r["count"] for r in rows},
    }


async def mixed_run(
    settings: ScraperSettings, pool: asyncpg.Pool, params: MixedParams, per_flow: int
) -> dict[str, object]:
    """Every flow's tasks at once, one worker per flow in one process, until the queue
    drains. The enrichment flows read stored profiles (the profiles run's) and posts, so the
    posts of the creators they read are refreshed first, as in a deployment they would have
    been; only the tasks enqueued after that count."""
    manager = TaskManager(pool)
    shutdown = Shutdown()
    async with open_runtime(settings, "bench-scrape-flow-mixed") as rt:
        concurrency = settings.scraper_concurrency
        workers = [flow_worker(rt, flow, concurrency) for flow in FLOWS.values()]
        running = [asyncio.create_task(w.run(shutdown)) for w in workers]
        posts = FLOWS["refresh_instagram_posts"]
        await manager.enqueue_many(
            [new_task(posts.name, {**p, "limit": 12}) for p in params.tasks(posts, per_flow)]
        )
        await wait_until_drained(pool, running)
        first = await pool.fetchval("SELECT coalesce(max(id), 0) FROM scrape_request_log")
        started = time.perf_counter()
        await manager.enqueue_many(
            [new_task(n, p) for n, flow in FLOWS.items() for p in params.tasks(flow, per_flow)]
        )
        await wait_until_drained(pool, running)
        elapsed = time.perf_counter() - started
        shutdown.request()
        await asyncio.gather(*running)
    rows = await pool.fetch(
        "SELECT flow, status, count(*), min(error) AS error FROM scrape_request_log "
        "WHERE id > $1 GROUP BY 1, 2",
        first,
    )
    per: dict[str, dict[str, Any]] = {name: {} for name in FLOWS}
    for r in rows:
        per[r["flow"]][r["status"].lower()] = r["count"]
        if r["status"] == "FAILED":
            per[r["flow"]]["error"] = r["error"]
    finished = sum(r["count"] for r in rows if r["status"] in ("COMPLETE", "FAILED"))
    return {
        "flows_covered": sum(
            1 for counts in per.values() if counts.get("complete") and set(counts) == {"complete"}
        ),
        "flows": len(FLOWS),
        "mixed_tasks_per_s": round(finished / elapsed, 1),
        "mixed_tasks": finished,
        "mixed_by_flow": per,
    }


async def main(args: argparse.Namespace) -> dict[str, object]:
    profiles, concurrency = args.profiles, args.concurrency
    base = StoreSettings()
    admin = str(base.postgres_dsn)
    database = f"reach_bench_{uuid.uuid4().hex[:10]}"
    dsn = f"{admin.rpartition('/')[0]}/{database}"
    conn = await asyncpg.connect(admin)
    await conn.execute(f"CREATE DATABASE {database}")
    await conn.close()
    port = free_port()
    sandbox = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "reach.cli",
        "sandbox",
        "serve",
        env={
            **os.environ,
            "REACH_SANDBOX_PORT": str(port),
            "REACH_SANDBOX_CREATORS": str(profiles),
        },
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    amqp = await aio_pika.connect(str(base.amqp_url))
    universe = Universe(seed=1, creators=profiles)
    params = MixedParams(universe, f"http://127.0.0.1:{port}")
    scratch = tempfile.TemporaryDirectory(prefix="reach-bench-")
    try:
        conn = await asyncpg.connect(dsn)
        await migrate_postgres(conn)
        await conn.executemany(
            "INSERT INTO credential (source, name, credentials) VALUES ($1, $2, $3)",
            [(source, "bench", json.dumps(dict(s))) for source, s in SANDBOX_CREDENTIALS.items()]
            + [
                ("shopify", shop(i), json.dumps({"access_token": DEFAULT_TOKEN}))
                for i in range(args.mixed_tasks)
            ]
            + params.tokens(args.mixed_tasks),
        )
        await conn.close()
        # The events need a queue to land in (publishes are mandatory); this one goes with
        # the connection, and keeps only the latest events so a long run does not fill memory.
        channel = await amqp.channel()
        exchange = await channel.declare_exchange(
            EXCHANGE, aio_pika.ExchangeType.DIRECT, durable=True
        )
        sink = await channel.declare_queue(exclusive=True, arguments={"x-max-length": 10_000})
        for payload in PAYLOADS:
            await sink.bind(exchange, routing_key=payload)
        await wait_for_port(port)
        env = scraper_environment(f"http://127.0.0.1:{port}")
        upstreams = {
            name.removeprefix("REACH_").lower(): value
            for name, value in env.items()
            if name != "REACH_SANDBOX_TOKEN"
        }
        settings = ScraperSettings.model_validate(
            {
                **upstreams,
                "postgres_dsn": dsn,
                "data_dir": scratch.name,
                "scraper_rate_limits_enabled": False,
                "scraper_claim_batch": concurrency,
                "scraper_poll_seconds": 0.2,
                "scraper_retry_backoff_seconds": 0.0,
            }
        )
        pool = await create_pool(base, "bench-scrape-flow", dsn=dsn, min_size=1, max_size=2)
        try:
            figures = await profiles_run(settings, pool, universe.handles(), concurrency)
            figures |= await mixed_run(settings, pool, params, args.mixed_tasks)
        finally:
            await pool.close()
    finally:
        await amqp.close()
        scratch.cleanup()
        sandbox.terminate()
        await sandbox.wait()
        conn = await asyncpg.connect(admin)
        await conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        await conn.close()
    return {
        **figures,
        "measured": "profiles_per_s: refresh_instagram_profile tasks, one worker process "
        "(claim, Graph API or RapidAPI fallback over HTTP, PostgreSQL upserts, profile_log + "
        "scrape_request_log events with confirms); mixed_tasks_per_s: finished tasks of every "
        "flow at once, one worker per flow in one process, tasks the flows enqueue included; "
        "flows_covered: flows whose every mixed-run task completed; against `reach sandbox "
        "serve` in another process, rate limits off, 2 cores shared by everything",
    }


if __name__ == "__main__":
    benchmarks.run(main, __doc__, profiles=2000, concurrency=32, mixed_tasks=8)
