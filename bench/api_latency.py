"""Latency of `reach api serve` under a steady 1,000 requests/s (open loop: each request has a
scheduled start and its latency counts from then, so a stall is not hidden by fewer requests).

Phases against one API process on a fresh database (PostgreSQL, Redis and RabbitMQ from
`make services`; the scraper API runs too, as the 202 path needs it):
- hit: 30 s of lookups of one fresh profile (served from the in-process cache);
- miss: 30 s of lookups of 30,000 different fresh profiles, each asked once (PostgreSQL, then
  both caches filled);
- leaderboard: 15 s at 200 requests/s of the top 50 of a category (40 categories), one month
  of 1M profiles, after one second of warm-up that reads each category's row count (the API
  keeps it for a minute; counting a category's 25,000 rows takes ~7 ms).

Prints one JSON line: hit_p50_ms, hit_p99_ms, miss_p99_ms, leaderboard_p99_ms, and more.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import asyncpg
import httpx

from reach.common.migrations import migrate_postgres
from reach.common.redis import create_redis
from reach.common.settings import StoreSettings
from reach.testing.ports import free_port

REACH = str(Path(sys.executable).with_name("reach"))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def seed(dsn: str, profiles: int, board_rows: int) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        await migrate_postgres(conn)
        partner: int = await conn.fetchval(
            "INSERT INTO partner (name, plan_type) VALUES ('Bench', 'PRO') RETURNING id"
        )
        await conn.execute(
            "INSERT INTO instagram_account (profile_id, handle, full_name, category, followers,"
            " engagement_rate, refreshed_at, audience_gender)"
            " SELECT 'ig-' || n, 'creator' || n, 'Creator ' || n, 'Food', 1000 + n, 2.5, now(),"
            " '{\"female\": 0.5}' FROM generate_series(0, $1 - 1) n",
            profiles,
        )
        await conn.execute(
            "INSERT INTO leaderboard (platform, profile_id, month, handle, category, language,"
            " followers, engagement_rate, followers_rank, engagement_rate_rank,"
            " followers_rank_by_cat, followers_rank_change)"
            " SELECT 'instagram', 'ig-' || n, date '2026-10-01', 'creator' || n,"
            " 'cat' || (n % 40), 'lang' || (n % 12), 10000000 - n, (n % 1000) / 100.0, n + 1,"
            " n + 1, n / 40 + 1, (n % 7) - 3 FROM generate_series(0, $1 - 1) n",
            board_rows,
        )
        await conn.execute("ANALYZE")
        return partner
    finally:
        await conn.close()


class Connection:
    """One keep-alive HTTP/1.1 connection speaking just enough to time GETs."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def get(self, path: str, headers: dict[str, str]) -> int:
        lines = [f"GET {path} HTTP/1.1", f"Host: {self.host}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        await self.reader.readexactly(length)
        return status


async def _open_loop(
    port: int, paths: list[str], rate: float, headers: dict[str, str], connections: int
) -> tuple[list[float], dict[int, int]]:
    idle: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(connections):
        conn = Connection("127.0.0.1", port)
        await conn.open()
        idle.put_nowait(conn)
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    async def one(path: str, scheduled: float) -> None:
        conn = await idle.get()
        try:
            status = await conn.get(path, headers)
        finally:
            idle.put_nowait(conn)
        latencies.append((time.perf_counter() - scheduled) * 1000)
        statuses[status] = statuses.get(status, 0) + 1

    # Each request starts at its scheduled time (or at once when the generator is behind), so a
    # slow answer delays none of the others, and waiting for a free connection counts.
    running: set[asyncio.Task[None]] = set()
    start = time.perf_counter() + 0.05
    for i, path in enumerate(paths):
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(path, scheduled))
        running.add(task)
        task.add_done_callback(running.discard)
    await asyncio.gather(*running)
    while not idle.empty():
        idle.get_nowait().writer.close()
    return latencies, statuses


def _load(
    port: int, paths: list[str], rate: float, headers: dict[str, str], connections: int
) -> tuple[list[float], dict[int, int]]:
    return asyncio.run(_open_loop(port, paths, rate, headers, connections))


def open_loop(
    port: int, paths: list[str], rate: float, headers: dict[str, str], connections: int = 64
) -> tuple[list[float], dict[int, int]]:
    """Sends `paths` in order at `rate`/s from a process of its own (the generator must not
    share an event loop with anything); latencies in ms from each scheduled start."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as executor:
        return executor.submit(_load, port, paths, rate, headers, connections).result()


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([REACH, *args], env=env, stderr=subprocess.DEVNULL)


def wait_ready(port: int) -> None:
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"port {port} never became ready")


async def main(args: argparse.Namespace) -> dict[str, object]:
    base = StoreSettings()
    admin = str(base.postgres_dsn)
    name = f"reach_bench_api_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(admin)
    await conn.execute(f"CREATE DATABASE {name}")
    await conn.close()
    # PostgreSQL is on this machine: TLS to it (asyncpg's default `prefer`) would only add CPU.
    dsn = admin.rsplit("/", 1)[0] + f"/{name}?sslmode=disable"
    processes: list[subprocess.Popen[bytes]] = []
    try:
        misses = int(args.seconds * args.rate)
        partner = await seed(dsn, misses + 1, args.board_rows)
        scraper_port, api_port = free_port(), free_port()
        env = {
            **os.environ,
            "REACH_POSTGRES_DSN": dsn,
            "REACH_DATA_DIR": tempfile.mkdtemp(prefix="reach-bench-api-"),
            "REACH_SCRAPER_API_URL": f"http://127.0.0.1:{scraper_port}",
            "REACH_CACHE_PREFIX": f"reach-bench:{name}",
        }
        processes = [
            start(["scraper", "api", "--port", str(scraper_port)], env),
            start(["api", "serve", "--port", str(api_port)], env),
        ]
        wait_ready(scraper_port)
        wait_ready(api_port)
        headers = {"x-bb-partner-id": str(partner), "x-bb-plan-type": "PRO"}
        lookup = "/discovery-service/api/profile/instagram/creator{}"
        hot = lookup.format(misses)
        open_loop(api_port, [hot] * 200, args.rate, headers)  # warm-up
        hit, hit_status = open_loop(api_port, [hot] * misses, args.rate, headers)
        miss_paths = [lookup.format(i) for i in range(misses)]
        miss, miss_status = open_loop(api_port, miss_paths, args.rate, headers)
        board_path = "/leaderboard-service/api/leaderboard/instagram?category=cat{}&size=50"
        board_paths = [board_path.format(i % 40) for i in range(int(15 * args.board_rate))]
        # Warm-up, as for the hit phase: each category's row count is read once a minute.
        open_loop(api_port, board_paths[:200], args.board_rate, headers)
        board, board_status = open_loop(api_port, board_paths, args.board_rate, headers)
        return {
            "hit_p50_ms": round(percentile(hit, 0.5), 2),
            "hit_p99_ms": round(percentile(hit, 0.99), 2),
            "miss_p50_ms": round(percentile(miss, 0.5), 2),
            "miss_p99_ms": round(percentile(miss, 0.99), 2),
            "leaderboard_p50_ms": round(percentile(board, 0.5), 2),
            "leaderboard_p99_ms": round(percentile(board, 0.99), 2),
            "rate_per_s": args.rate,
            "seconds": args.seconds,
            "leaderboard_rows": args.board_rows,
            "statuses": {"hit": hit_status, "miss": miss_status, "leaderboard": board_status},
            "measured": "one `reach api serve` process (uvloop), open-loop client in a process of "
            "its own, "
            "latency from each request's scheduled start, 2 cores shared by everything",
        }
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        conn = await asyncpg.connect(admin)
        await conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await conn.close()
        # The 30,000 cached profiles would otherwise stay in Redis until they expire.
        redis = create_redis(base)
        keys = [key async for key in redis.scan_iter(f"reach-bench:{name}:*", count=10_000)]
        for first in range(0, len(keys), 10_000):
            await redis.delete(*keys[first : first + 10_000])
        await redis.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=1000)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--board-rows", type=int, default=1_000_000)
    parser.add_argument("--board-rate", type=float, default=200)
    print(json.dumps(asyncio.run(main(parser.parse_args()))))
