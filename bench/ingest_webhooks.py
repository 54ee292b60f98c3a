"""Webhook throughput and latency of `reach ingest serve` (POST -> broker confirm -> 200).

Starts `reach ingest serve` as its own process and drives it with wrk (Debian's package,
installed with apt-get if missing) over `--connections` keep-alive connections for `--seconds`,
cycling through the four partners' webhooks (Shopify's signed with its HMAC). Each answer
comes only after RabbitMQ confirmed the event. Reports both sides: wrk's requests/s and latency
percentiles, and the server's own histogram of webhook handling (request to confirm).

Prints one JSON line with `requests_per_s` and `p99_ms` (client side) among others. Needs the
local RabbitMQ (`make services`); it purges the webhook queues afterwards.
Run: .venv/bin/python bench/ingest_webhooks.py [--seconds 30] [--connections 112]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import sys
import tempfile
from pathlib import Path

import httpx

from reach.testing import benchmarks
from reach.testing.loadgen import ensure_wrk, millis
from reach.testing.ports import free_port

REACH = str(Path(sys.executable).with_name("reach"))
SECRET = "bench-shop-secret"
QUEUES = ["branch_event_q", "vidooly_event_q", "shopify_event_q", "webengage_event_q",
          "webengage_event_api_q"]  # fmt: skip


def lua_script() -> str:
    """wrk script cycling through the partners' webhooks with realistic bodies."""
    shop = json.dumps({"id": 820982911946154508, "total_price": "598.94", "currency": "INR"})
    signature = base64.b64encode(
        hmac.new(SECRET.encode(), shop.encode(), hashlib.sha256).digest()
    ).decode()
    requests = [
        ("/branch/event", json.dumps({"name": "INSTALL", "timestamp": 1_700_000_000_000,
                                      "user_data": {"developer_identity": "u-1", "os": "ANDROID"},
                                      "last_attributed_touch_data": {"~campaign": "diwali"}}), {}),
        ("/vidooly/event", json.dumps({"event": "view", "channel_id": "UC1", "video_id": "v9"}),
         {}),
        ("/webengage/event", json.dumps({"userId": "u-1", "eventName": "Product Viewed",
                                         "eventData": {"sku": "a-1", "price": 499}}), {}),
        ("/shopify/event", shop, {"X-Shopify-Topic": "orders/create",
                                  "X-Shopify-Hmac-Sha256": signature,
                                  "X-Shopify-Shop-Domain": "bench.myshopify.com"}),
    ]  # fmt: skip
    lines = ["local reqs = {}"]
    for path, body, headers in requests:
        all_headers = {"Content-Type": "application/json", **headers}
        lua_headers = ", ".join(f'["{k}"] = "{v}"' for k, v in all_headers.items())
        request = f"wrk.format('POST', '{path}', {{{lua_headers}}}, {json.dumps(body)})"
        lines.append(f"table.insert(reqs, {request})")
    lines += [
        "local i = 0",
        "request = function()",
        "  i = i % #reqs + 1",
        "  return reqs[i]",
        "end",
        "local bad = 0",
        "response = function(status, headers, body)",
        "  if status ~= 200 then bad = bad + 1 end",
        "end",
        "done = function(summary, latency, requests)",
        "  io.write(string.format('non200 %d\\n', bad))",
        "end",
    ]
    return "\n".join(lines) + "\n"


def server_quantile(metrics: str, q: float) -> float:
    """Quantile (ms, bucket upper bound) of the server's webhook histogram, all partners."""
    buckets: dict[float, float] = {}
    for bound, count in re.findall(
        r'reach_ingest_webhook_seconds_bucket\{le="([^"]+)",partner="[^"]+"\} (\S+)', metrics
    ):
        key = float("inf") if bound == "+Inf" else float(bound)
        buckets[key] = buckets.get(key, 0.0) + float(count)
    total = buckets.get(float("inf"), 0.0)
    for bound in sorted(buckets):
        if buckets[bound] >= q * total:
            return bound * 1000
    return float("nan")


async def purge() -> None:
    from reach.common import amqp
    from reach.ingest.settings import IngestSettings

    connection = await amqp.connect(IngestSettings(), "bench-purge")
    channel = await connection.channel()
    for name in QUEUES:
        await (await channel.get_queue(name)).purge()
    await connection.close()


async def main(args: argparse.Namespace) -> dict[str, object]:
    wrk = ensure_wrk()
    work = Path(tempfile.mkdtemp(prefix="reach-bench-webhooks-"))
    script = work / "webhooks.lua"
    script.write_text(lua_script())
    port, grpc_port = free_port(), free_port()
    env = {
        **os.environ,
        "REACH_INGEST_HOST": "127.0.0.1",
        "REACH_INGEST_HTTP_PORT": str(port),
        "REACH_INGEST_GRPC_PORT": str(grpc_port),
        "REACH_INGEST_SHOPIFY_SECRET": SECRET,
        "REACH_DATA_DIR": str(work),
    }
    serve = await asyncio.create_subprocess_exec(
        REACH, "ingest", "serve", env=env, stderr=asyncio.subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(timeout=5) as http:
            for _ in range(300):
                try:
                    if (await http.get(f"{base}/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            run = await asyncio.create_subprocess_exec(
                wrk, "-t", str(args.threads), "-c", str(args.connections),
                "-d", f"{args.seconds}s", "--latency", "-s", str(script), base,
                stdout=asyncio.subprocess.PIPE,
            )  # fmt: skip
            out = (await run.communicate())[0].decode()
            metrics = (await http.get(f"{base}/metrics")).text
    finally:
        serve.send_signal(signal.SIGTERM)
        await asyncio.wait_for(serve.wait(), 60)
        await purge()
    shutil.rmtree(work, ignore_errors=True)
    rate = float(re.search(r"Requests/sec:\s+([0-9.]+)", out)[1])  # type: ignore[index]
    percentiles = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)$", out, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "bench": "ingest_webhooks",
        "measured": "POST webhook -> RabbitMQ confirm -> 200, wrk keep-alive, 4 partners mixed",
        "peer": "FastAPI hello-JSON on one uvicorn process ~3,000 req/s (FACTS.md)",
        "requests_per_s": round(rate),
        "p50_ms": millis(percentiles["50"]),
        "p99_ms": millis(percentiles["99"]),
        "server_p50_ms": server_quantile(metrics, 0.5),
        "server_p99_ms": server_quantile(metrics, 0.99),
        "non_2xx": int(errors[1]) if errors else 0,
        "socket_errors": socket_errors[1] if socket_errors else "",
    }


if __name__ == "__main__":
    benchmarks.run(main, __doc__, seconds=30, connections=112, threads=1)
