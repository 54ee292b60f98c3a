"""The gateway against nginx in front of the same upstream, in one run.

One upstream (nginx answering a fixed ~100-byte JSON body, so the upstream costs little and the
proxies are what is measured), then three ways to reach it: directly, through nginx
`proxy_pass` (keep-alive upstream pool) and through `reach gateway serve` with a valid token
(its caches warm, so what it costs per request is auth from L1, header signing and proxying).

- Throughput, closed loop: wrk, 1 thread, 64 connections, `--seconds` each.
- Added latency, open loop: vegeta at 1,000 requests/s for `--seconds`, directly and through the
  gateway; `added_*` is the gateway's percentile minus the direct one.

Prints one JSON line: requests_per_s, added_p50_ms, added_p99_ms, nginx_requests_per_s,
direct_requests_per_s, gateway_rss_mb, and the raw percentiles.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
import redis

from reach.common.migrations import migrate_postgres
from reach.common.settings import StoreSettings
from reach.gateway.sessions import open_session
from reach.gateway.settings import GatewaySettings
from reach.testing.loadgen import vegeta, wrk
from reach.testing.ports import free_port
from reach.testing.postgres import admin, with_database
from reach.testing.processes import REACH, wait_ready

PATH = "/discovery-service/api/profile/instagram/virat.kohli"
BODY = json.dumps(
    {"data": {"handle": "virat.kohli", "followers": 268000000, "engagement_rate": 1.82}},
    separators=(",", ":"),
)
NGINX = """
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log;
daemon off;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {work}/body; proxy_temp_path {work}/proxy;
  fastcgi_temp_path {work}/fcgi; uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
  upstream origin {{ server 127.0.0.1:{upstream}; keepalive 128; }}
  server {{
    listen 127.0.0.1:{upstream};
    location / {{ default_type application/json; return 200 '{body}'; }}
  }}
  server {{
    listen 127.0.0.1:{proxy};
    location / {{
      proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection "";
    }}
  }}
}}
"""


def ensure_nginx() -> str:
    found = shutil.which("nginx") or (
        Path("/usr/sbin/nginx") if Path("/usr/sbin/nginx").exists() else None
    )
    if found:
        return str(found)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], check=True, env=env)
    return "/usr/sbin/nginx"


async def prepare_database(server: str, name: str) -> int:
    await admin(server, f"CREATE DATABASE {name}")
    conn = await asyncpg.connect(with_database(server, name))
    try:
        await migrate_postgres(conn)
        partner: int = await conn.fetchval(
            "INSERT INTO partner (name, plan_type) VALUES ('Bench', 'PRO') RETURNING id"
        )
        return partner
    finally:
        await conn.close()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(args: argparse.Namespace) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="reach-bench-gateway-"))
    upstream, proxy, gateway_port = free_port(), free_port(), free_port()
    (work / "nginx.conf").write_text(
        NGINX.format(work=work, upstream=upstream, proxy=proxy, body=BODY)
    )
    server = str(StoreSettings().postgres_dsn)
    database = f"reach_bench_gateway_{uuid.uuid4().hex[:8]}"
    partner = asyncio.run(prepare_database(server, database))
    env = {
        "REACH_POSTGRES_DSN": with_database(server, database),
        "REACH_GATEWAY_UPSTREAM_URL": f"http://127.0.0.1:{upstream}",
        "REACH_GATEWAY_JWT_SECRET": uuid.uuid4().hex * 2,
        "REACH_GATEWAY_SIGNING_SECRET": uuid.uuid4().hex,
        "REACH_GATEWAY_KEY_PREFIX": f"reach-bench:gateway:{uuid.uuid4().hex[:8]}",
        "REACH_GATEWAY_HOST": "127.0.0.1",
    }
    nginx = subprocess.Popen([ensure_nginx(), "-c", str(work / "nginx.conf")])
    log = (work / "gateway.log").open("wb")
    gateway = subprocess.Popen(
        [REACH, "gateway", "serve", "--port", str(gateway_port)],
        env={**os.environ, **env},
        stderr=log,
    )
    try:
        wait_ready(f"http://127.0.0.1:{gateway_port}/readyz", gateway)
        wait_ready(f"http://127.0.0.1:{proxy}{PATH}", nginx)
        settings = GatewaySettings(**{k[len("REACH_") :].lower(): v for k, v in env.items()})
        _, token = asyncio.run(open_session(settings, partner, "bench", None, 3600))
        auth = {"Authorization": f"Bearer {token}"}
        urls = {
            "direct": f"http://127.0.0.1:{upstream}{PATH}",
            "nginx": f"http://127.0.0.1:{proxy}{PATH}",
            "gateway": f"http://127.0.0.1:{gateway_port}{PATH}",
        }
        wrk(urls["gateway"], seconds=2, connections=args.connections, headers=auth)  # warm-up
        closed = {
            name: wrk(url, seconds=args.seconds, connections=args.connections, headers=auth)
            for name, url in urls.items()
        }
        if closed["gateway"].non_2xx:
            raise RuntimeError(f"{closed['gateway'].non_2xx} gateway answers were not 2xx")
        time.sleep(1)
        direct = vegeta(urls["direct"], rate=args.rate, seconds=args.seconds, headers=auth)
        through = vegeta(urls["gateway"], rate=args.rate, seconds=args.seconds, headers=auth)
        if through.success < 1:
            raise RuntimeError(f"gateway success ratio {through.success} under open loop")
        rss = rss_mb(gateway.pid)
    finally:
        gateway.terminate()
        nginx.terminate()
        gateway.wait(timeout=30)
        nginx.wait(timeout=30)
        log.close()
        asyncio.run(admin(server, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        with redis.Redis.from_url(str(StoreSettings().redis_url)) as client:
            keys = list(client.scan_iter(f"{env['REACH_GATEWAY_KEY_PREFIX']}:*"))
            if keys:
                client.delete(*keys)
        shutil.rmtree(work, ignore_errors=True)
    return {
        "bench": "gateway",
        "requests_per_s": round(closed["gateway"].requests_per_s),
        "added_p50_ms": round(through.p50_ms - direct.p50_ms, 3),
        "added_p99_ms": round(through.p99_ms - direct.p99_ms, 3),
        "nginx_requests_per_s": round(closed["nginx"].requests_per_s),
        "direct_requests_per_s": round(closed["direct"].requests_per_s),
        "gateway_rss_mb": round(rss, 1),
        "gateway_p50_ms": round(through.p50_ms, 3),
        "gateway_p99_ms": round(through.p99_ms, 3),
        "direct_p50_ms": round(direct.p50_ms, 3),
        "direct_p99_ms": round(direct.p99_ms, 3),
        "open_loop_rate": args.rate,
        "connections": args.connections,
        "seconds": args.seconds,
        "upstream": "nginx return 200 (fixed JSON)",
        "peer": "nginx 1.22 proxy_pass, keepalive 128",
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--rate", type=int, default=1000)
    print(json.dumps(main(parser.parse_args())))
