"""Profiles refreshed per second: one `refresh_instagram_profile` worker process's wiring
(run_worker: queue, fallback chain, PostgreSQL upserts, events to RabbitMQ with confirms)
against the sandbox upstreams served by `reach sandbox serve` in another process, rate limits
off. A quarter of the synthetic accounts are personal, so they fall back from the Graph API to
the RapidAPI-style source (two more calls), as real traffic would.

    .venv/bin/python bench/scrape_flow.py [--profiles 2000] [--concurrency 32]

Prints one JSON line: profiles_per_s and what was measured.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
import uuid

import aio_pika
import asyncpg

from reach.common.lifecycle import Shutdown
from reach.common.migrations import migrate_postgres
from reach.common.postgres import create_pool
from reach.common.settings import StoreSettings
from reach.sandbox.app import scraper_environment
from reach.sandbox.state import DEFAULT_TOKEN
from reach.sandbox.universe import Universe
from reach.scraper.enqueueing import new_task
from reach.scraper.publishing import EXCHANGE
from reach.scraper.queue.manager import TaskManager
from reach.scraper.running import run_worker
from reach.scraper.settings import ScraperSettings
from reach.testing import benchmarks
from reach.testing.ports import free_port

FLOW = "refresh_instagram_profile"
PAYLOADS = ("profile_log", "scrape_request_log")


async def wait_for_port(port: int) -> None:
    async with asyncio.timeout(60):
        while True:
            with contextlib.suppress(OSError):
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                return
            await asyncio.sleep(0.1)


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
    try:
        conn = await asyncpg.connect(dsn)
        await migrate_postgres(conn)
        await conn.executemany(
            "INSERT INTO credential (source, name, credentials) VALUES ($1, 'bench', $2)",
            [
                ("graphapi", json.dumps({"access_token": DEFAULT_TOKEN, "user_id": "1"})),
                ("rapidapi-instagram", json.dumps({"key": DEFAULT_TOKEN})),
            ],
        )
        await conn.close()
        # The events need a queue to land in (publishes are mandatory); this one goes with
        # the connection.
        channel = await amqp.channel()
        exchange = await channel.declare_exchange(
            EXCHANGE, aio_pika.ExchangeType.DIRECT, durable=True
        )
        sink = await channel.declare_queue(exclusive=True)
        for payload in PAYLOADS:
            await sink.bind(exchange, routing_key=payload)
        await wait_for_port(port)
        env = scraper_environment(f"http://127.0.0.1:{port}", DEFAULT_TOKEN)
        settings = ScraperSettings(
            postgres_dsn=dsn,
            scraper_rate_limits_enabled=False,
            scraper_claim_batch=concurrency,
            instagram_graph_url=env["REACH_INSTAGRAM_GRAPH_URL"],
            rapidapi_instagram_url=env["REACH_RAPIDAPI_INSTAGRAM_URL"],
            instagram_web_url=env["REACH_INSTAGRAM_WEB_URL"],
        )
        pool = await create_pool(base, "bench-scrape-flow", dsn=dsn, min_size=1, max_size=2)
        manager = TaskManager(pool)
        handles = Universe(seed=1, creators=profiles).handles()
        await manager.enqueue_many([new_task(FLOW, {"handle": h}) for h in handles])
        shutdown = Shutdown()
        started = time.perf_counter()
        worker = asyncio.create_task(
            run_worker(settings, FLOW, shutdown, concurrency=concurrency, probe_port=0)
        )
        async with asyncio.timeout(600):
            while True:
                finished = await pool.fetchval(
                    "SELECT count(*) FROM scrape_request_log WHERE status <> 'PENDING' "
                    "AND status <> 'PROCESSING'"
                )
                if finished == len(handles) or worker.done():
                    break
                await asyncio.sleep(0.1)
        elapsed = time.perf_counter() - started
        shutdown.request()
        await worker
        rows = await pool.fetch(
            "SELECT status, source, count(*) FROM scrape_request_log GROUP BY 1, 2"
        )
        accounts = await pool.fetchval("SELECT count(*) FROM instagram_account")
        await pool.close()
    finally:
        await amqp.close()
        sandbox.terminate()
        await sandbox.wait()
        conn = await asyncpg.connect(admin)
        await conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        await conn.close()
    complete = sum(r["count"] for r in rows if r["status"] == "COMPLETE")
    if complete != len(handles) or accounts != len(handles):
        raise RuntimeError(f"only {complete} tasks completed, {accounts} accounts: {rows}")
    return {
        "profiles_per_s": round(len(handles) / elapsed, 1),
        "profiles": len(handles),
        "concurrency": concurrency,
        "answered_by": {r["source"]: r["count"] for r in rows},
        "measured": "refresh_instagram_profile tasks, one worker process (claim, Graph API "
        "or RapidAPI fallback over HTTP, PostgreSQL upserts, profile_log + scrape_request_log "
        "events with confirms) against `reach sandbox serve` in another process, rate "
        "limits off, 2 cores shared by everything",
    }


if __name__ == "__main__":
    benchmarks.run(main, __doc__, profiles=2000, concurrency=32)
