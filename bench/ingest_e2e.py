"""End-to-end ingestion throughput: gRPC Dispatch -> RabbitMQ -> sink -> ClickHouse.

Starts three processes laid out as in Kubernetes: a ClickHouse server (`reach clickhouse serve`,
the embedded engine behind ClickHouse's HTTP interface, its tables from `reach db migrate`),
`reach ingest serve`, and `reach ingest sink --sink event` talking to the server over HTTP.
gRPC clients in this process dispatch batches of 100-500 app events (a mix of the nine payloads
the `event` table holds, every event unique) for `--seconds`. Afterwards it waits for the sink
to land everything and counts rows with FINAL (duplicates from redelivery removed).

Prints one JSON line: `events_per_s` (rows landed / seconds from first dispatch to last row
landed), `accepted_per_s`, `dispatch_p50_ms`/`dispatch_p99_ms` (client side), `sink_rss_mb`
(peak VmRSS of the sink process; `sink_rss_anon_mb` its private part), `clickhouse_rss_mb` (the
server's peak), `lost` (accepted events missing from the table). Needs the local RabbitMQ
(`make services`), on a virtual host of the run's own (others' consumers of the same queue
names cannot take its events).
Run: .venv/bin/python bench/ingest_e2e.py [--seconds 60] [--clients 12]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import httpx

from reach.common import clickhouse
from reach.common.events import events_pb2 as pb
from reach.common.settings import StoreSettings
from reach.ingest.inserting import varint
from reach.testing import benchmarks
from reach.testing.ports import free_port
from reach.testing.rabbitmq import vhost

REACH = str(Path(sys.executable).with_name("reach"))
Process = asyncio.subprocess.Process
SINK = "event"
DISPATCH = "/reach.events.v1.EventService/Dispatch"


# Each payload kind's fields and its weight in the mix: page views and widget views dominate
# app traffic; commerce is rarer.
PAYLOADS: dict[str, tuple[int, dict[str, object]]] = {
    "launch": (2, {"is_first_launch": False, "referrer": "push"}),
    "page_opened": (30, {"page": "creator/123", "previous_page": "search"}),
    "widget_view": (30, {"widget_id": "w-17", "widget_type": "carousel", "position": 3}),
    "widget_cta_click": (10, {"widget_id": "w-17", "cta": "follow"}),
    "add_to_cart": (5, {"product_id": "sku-9", "quantity": 2, "price": 499.0, "currency": "INR"}),
    "initiate_purchase": (2, {"cart_id": "cart-1", "amount": 998.0}),
    "complete_purchase": (1, {"order_id": "order-1", "amount": 998.0}),
    "streaming": (15, {"stream_id": "live-5", "action": "start"}),
    "verification": (5, {"method": "otp", "status": "verified"}),
}
WEIGHTS = [weight for weight, _ in PAYLOADS.values()]


def templates() -> list[bytes]:
    """Serialized events of each payload kind without event_id and timestamp; a batch is built
    by prefixing those two fields to a template (protobuf fields may come in any order)."""
    envelope = dict(
        session_id=uuid.uuid4().hex,
        user_id="user-42",
        device_id="device-7",
        channel="android",
        os="android",
        app_version="5.12.0",
        utm_source="instagram",
        utm_medium="social",
        utm_campaign="diwali",
        params={"experiment": "b", "screen": "feed"},
    )
    return [
        pb.Event(name=name, **envelope, **{name: fields}).SerializeToString()
        for name, (_, fields) in PAYLOADS.items()
    ]


class Client:
    def __init__(self, channel: grpc.aio.Channel, kinds: list[bytes]) -> None:
        self._call = channel.unary_unary(
            DISPATCH, request_serializer=None, response_deserializer=pb.DispatchResponse.FromString
        )
        self._kinds = kinds
        self._prefix = uuid.uuid4().hex[:16]
        self._n = 0
        self.accepted = 0
        self.latencies: list[float] = []

    def batch(self, size: int) -> bytes:
        ts = b"\x18" + varint(int(time.time() * 1000))
        parts = []
        for kind in random.choices(self._kinds, WEIGHTS, k=size):
            self._n += 1
            event = b"\x0a\x20" + f"{self._prefix}{self._n:016x}".encode() + ts + kind
            parts.append(b"\x0a" + varint(len(event)) + event)
        return b"".join(parts)

    async def run(self, until: float) -> None:
        while time.monotonic() < until:
            body = self.batch(random.randint(100, 500))
            started = time.perf_counter()
            try:
                response = await self._call(body, timeout=30)
            except grpc.aio.AioRpcError as exc:
                print(f"dispatch failed: {exc.code()} {exc.details()}", file=sys.stderr)
                continue
            self.latencies.append(time.perf_counter() - started)
            self.accepted += response.accepted


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kb(pid: int) -> tuple[int, int]:
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(fields["VmRSS"].split()[0]), int(fields["RssAnon"].split()[0])


async def flushed_rows(http: httpx.AsyncClient, url: str) -> float:
    text = (await http.get(url)).text
    match = re.search(rf'reach_ingest_sink_rows_flushed_total{{sink="{SINK}"}} ([0-9.e+]+)', text)
    return float(match[1]) if match else 0.0


async def wait_ready(http: httpx.AsyncClient, url: str, proc: asyncio.subprocess.Process) -> None:
    for _ in range(600):
        if proc.returncode is not None:
            raise RuntimeError(f"process {proc.pid} exited with {proc.returncode}")
        try:
            if (await http.get(url)).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} never became ready")


async def start(
    stack: contextlib.AsyncExitStack, *command: str, env: dict[str, str]
) -> asyncio.subprocess.Process:
    """Starts `command`, to be stopped when `stack` unwinds (if it is still running then)."""
    proc = await asyncio.create_subprocess_exec(*command, env=env)
    stack.push_async_callback(stop, proc)
    return proc


async def stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.wait(), 60)


@dataclass(frozen=True)
class IngestStack:
    """The ingestion path laid out as in Kubernetes, each process on free ports: a ClickHouse
    server (`reach clickhouse serve`, tables from `reach db migrate`), `reach ingest serve` and
    one `reach ingest sink`; `env` points them at each other and at `amqp_url`."""

    work: Path
    amqp_url: str
    grpc_port: int = field(default_factory=free_port)
    http_port: int = field(default_factory=free_port)
    probe_port: int = field(default_factory=free_port)
    clickhouse_port: int = field(default_factory=free_port)

    @property
    def clickhouse_url(self) -> str:
        return f"http://127.0.0.1:{self.clickhouse_port}"

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "REACH_AMQP_URL": self.amqp_url,
            "REACH_INGEST_HOST": "127.0.0.1",
            "REACH_INGEST_GRPC_PORT": str(self.grpc_port),
            "REACH_INGEST_HTTP_PORT": str(self.http_port),
            "REACH_SINK_PROBE_PORT": str(self.probe_port),
            "REACH_CLICKHOUSE_URL": self.clickhouse_url,
        }

    def _env(self, process: str) -> dict[str, str]:
        return {**self.env, "REACH_DATA_DIR": str(self.work / process)}

    async def start_clickhouse(self, stack: contextlib.AsyncExitStack) -> Process:
        """The server, ready; called again after a bench killed it, on the same folder."""
        env = {**self._env("clickhouse"), "REACH_CLICKHOUSE_SERVER_PORT": str(self.clickhouse_port)}
        server = await start(stack, REACH, "clickhouse", "serve", env=env)
        async with httpx.AsyncClient(timeout=5) as http:
            await wait_ready(http, f"{self.clickhouse_url}/ping", server)
        return server

    async def start(
        self, stack: contextlib.AsyncExitStack, *sink_args: str
    ) -> tuple[Process, Process, Process]:
        """(server, serve, sink), all ready, stopped when `stack` unwinds."""
        server = await self.start_clickhouse(stack)
        migrate = await asyncio.create_subprocess_exec(
            REACH, "db", "migrate", "--no-postgres", env=self.env
        )
        if await migrate.wait():
            raise RuntimeError("reach db migrate failed")
        serve = await start(stack, REACH, "ingest", "serve", env=self._env("serve"))
        sink = await start(
            stack, REACH, "ingest", "sink", "--sink", SINK, *sink_args, env=self._env("sink")
        )
        async with httpx.AsyncClient(timeout=5) as http:
            await wait_ready(http, f"http://127.0.0.1:{self.http_port}/readyz", serve)
            await wait_ready(http, f"http://127.0.0.1:{self.probe_port}/readyz", sink)
        return server, serve, sink


async def main(args: argparse.Namespace) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="reach-bench-ingest-"))
    async with contextlib.AsyncExitStack() as stack:
        stack.callback(shutil.rmtree, work, ignore_errors=True)
        ingest = IngestStack(work, stack.enter_context(vhost(str(StoreSettings().amqp_url))))
        server, serve, sink = await ingest.start(
            stack, "--batch-rows", str(args.batch_rows), "--flush-seconds", str(args.flush_seconds)
        )
        grpc_port, clickhouse_url = ingest.grpc_port, ingest.clickhouse_url
        metrics_url = f"http://127.0.0.1:{ingest.probe_port}/metrics"
        rss_peak = anon_peak = server_peak = 0

        def sample() -> None:
            nonlocal rss_peak, anon_peak, server_peak
            rss, anon = rss_kb(sink.pid)
            rss_peak, anon_peak = max(rss_peak, rss), max(anon_peak, anon)
            server_peak = max(server_peak, rss_kb(server.pid)[0])

        async with httpx.AsyncClient(timeout=5) as http:
            kinds = templates()
            processes = (serve, sink, server)
            async with grpc.aio.insecure_channel(f"127.0.0.1:{grpc_port}") as channel:
                clients = [Client(channel, kinds) for _ in range(args.clients)]
                cpu_before = {p.pid: cpu_seconds(p.pid) for p in processes}
                own_before = time.process_time()
                started = time.monotonic()
                until = started + args.seconds
                runs = [asyncio.create_task(c.run(until)) for c in clients]
                while not all(r.done() for r in runs):
                    await asyncio.sleep(0.5)
                    sample()
                await asyncio.gather(*runs)
                sent_for = time.monotonic() - started
                cores = {p.pid: (cpu_seconds(p.pid) - cpu_before[p.pid]) / sent_for
                         for p in processes}  # fmt: skip
                client_cores = (time.process_time() - own_before) / sent_for
            accepted = sum(c.accepted for c in clients)
            landed_at = time.monotonic()
            deadline = landed_at + 120
            while time.monotonic() < deadline:
                sample()
                if await flushed_rows(http, metrics_url) >= accepted:
                    landed_at = time.monotonic()
                    break
                await asyncio.sleep(0.1)
            landed_for = landed_at - started
        for proc in (serve, sink):
            await stop(proc)
        client = clickhouse.get_client(dsn=clickhouse_url)
        try:
            landed = int(client.query(f"SELECT count() FROM _e.{SINK} FINAL").result_rows[0][0])
        finally:
            client.close()
    latencies = sorted(x for c in clients for x in c.latencies)
    return {
        "bench": "ingest_e2e",
        "measured": "gRPC Dispatch -> RabbitMQ -> sink -> ClickHouse over HTTP (the embedded "
        "engine in its own process), rows counted FINAL",
        "peer": "seed event-grpc claimed 10,000 events/s",
        "events_per_s": round(landed / landed_for),
        "accepted_per_s": round(accepted / sent_for),
        "dispatch_p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
        "dispatch_p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 1),
        "sink_rss_mb": round(rss_peak / 1024),
        "sink_rss_anon_mb": round(anon_peak / 1024),
        "clickhouse_rss_mb": round(server_peak / 1024),
        "lost": accepted - landed,
        "serve_cpu_cores": round(cores[serve.pid], 2),
        "sink_cpu_cores": round(cores[sink.pid], 2),
        "clickhouse_cpu_cores": round(cores[server.pid], 2),
        "client_cpu_cores": round(client_cores, 2),
        "accepted": accepted,
        "landed": landed,
    }


if __name__ == "__main__":
    benchmarks.run(main, __doc__, seconds=60.0, clients=12, batch_rows=50_000, flush_seconds=1.0)
