"""Standalone mode's figures: `start_to_ready_s` (cold: empty data folder, empty database, until
every workload answers its readiness probe), `rss_total_mb` (every workload and the supervisor,
idle after the demo is seeded) and `flow_2_1_s` (a profile nobody scraped requested through the
gateway -> 202 -> scraped from the sandbox -> dbt core run and syncs triggered as soon as the
profile is stored -> the same request served 200 with the creator ranked).

Runs `reach standalone --demo` on free ports with its own PostgreSQL database and RabbitMQ vhost.
`--skip gateway` measures without the gateway (the profile requests then go to the API with the
headers the gateway would set); the JSON says which. Prints one JSON line last.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
import httpx

from reach.common.settings import StoreSettings
from reach.testing.polling import eventually_sync
from reach.testing.postgres import admin, with_database
from reach.testing.standalone import Standalone


def tree_rss_mb(root: int) -> float:
    """RSS of `root` and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            status = (entry / "status").read_text()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss[int(entry.name)] = int(line.split()[1])
    wanted, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [p for p, parent in parents.items() if parent == pid]
        wanted.update(children)
        frontier.extend(children)
    return sum(rss.get(p, 0) for p in wanted) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip", action="append", default=[], help="Workloads not to start.")
    args = parser.parse_args()
    base = StoreSettings()
    admin_dsn = str(base.postgres_dsn)
    database = f"reach_bench_{uuid.uuid4().hex[:8]}"
    vhost = f"reach-bench-{uuid.uuid4().hex[:8]}"
    asyncio.run(admin(admin_dsn, f"CREATE DATABASE {database}"))
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", vhost], check=True)
    subprocess.run(
        ["rabbitmqctl", "-q", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"],
        check=True,
    )
    dsn = with_database(admin_dsn, database)
    amqp = f"{str(base.amqp_url).rstrip('/')}/{vhost}"
    with tempfile.TemporaryDirectory() as tmp:
        platform = Standalone(Path(tmp) / "data", dsn, amqp, skip=tuple(args.skip), demo=True)
        try:
            start_to_ready = platform.start(timeout=300)
            eventually_sync(
                lambda: "demo: seeded" in platform.log(), "the demo", seconds=1200, interval=0.2
            )
            time.sleep(10)  # idle
            assert platform.process is not None
            rss = tree_rss_mb(platform.process.pid)
            workloads = len(platform.status()["workloads"])
            flow = flow_2_1(platform, dsn, via_gateway="gateway" not in args.skip)
        finally:
            platform.stop()
            asyncio.run(admin(admin_dsn, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
            subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], check=False)
    print(
        json.dumps(
            {
                "start_to_ready_s": round(start_to_ready, 1),
                "flow_2_1_s": round(flow, 1),
                "rss_total_mb": round(rss),
                "profile_requests_via": "gateway" if "gateway" not in args.skip else "api",
                "workloads": workloads,
                "cpus": os.cpu_count(),
            }
        )
    )


def flow_2_1(platform: Standalone, dsn: str, *, via_gateway: bool) -> float:
    async def partner() -> int:
        conn = await asyncpg.connect(dsn)
        try:
            return int(await conn.fetchval("SELECT id FROM partner WHERE name = 'demo'"))
        finally:
            await conn.close()

    async def ranked(handle: str) -> bool:
        conn = await asyncpg.connect(dsn)
        try:
            return bool(await conn.fetchval("SELECT 1 FROM leaderboard WHERE handle = $1", handle))
        finally:
            await conn.close()

    partner_id = asyncio.run(partner())
    if via_gateway:
        base = platform.url("gateway")
        headers = {"Authorization": f"Bearer {platform.session_token(partner_id, 'PRO')}"}
    else:
        base = platform.url("api")
        headers = {"x-bb-partner-id": str(partner_id), "x-bb-plan-type": "PRO"}
    # Past the creators the demo seeded: nobody scraped this one yet.
    creators = httpx.get(f"{platform.url('sandbox')}/_sandbox/creators", params={"limit": 900})
    handle = creators.json()[-1]
    path = f"{base}/discovery-service/api/profile/instagram/{handle}"
    began = time.monotonic()
    first = httpx.get(path, headers=headers, timeout=30)
    assert first.status_code == 202, first.text
    eventually_sync(
        lambda: httpx.get(path, headers=headers, timeout=30).status_code == 200,
        "scraped",
        seconds=60,
        interval=0.2,
    )
    platform.run_pipeline("dbt_core", timeout=120)
    assert asyncio.run(ranked(handle)), "not ranked after dbt_core and sync_core"
    served = httpx.get(path, headers=headers, timeout=30)
    assert served.status_code == 200 and served.json()["data"]["profile"]["handle"] == handle
    return time.monotonic() - began


if __name__ == "__main__":
    main()
