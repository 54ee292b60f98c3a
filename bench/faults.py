"""Ingestion through store outages: the load of `bench/ingest_e2e.py` (gRPC Dispatch ->
RabbitMQ -> sink -> ClickHouse over HTTP) while RabbitMQ is killed and restarted twice and the
ClickHouse server once.

RabbitMQ is a private node of this bench (`reach.testing.rabbitmq`), never the machine's shared
broker; ClickHouse is `reach clickhouse serve` on its own folder. Each client remembers which of
its event ids the service confirmed; afterwards every row is read back with FINAL.

Prints one JSON line: `lost` (confirmed events missing from the table), `duplicates_after_final`
(rows beyond one per event_id after FINAL), `recovery_s` (the longest time from a store's return
until the landed rate is back above 80% of the rate before the first fault, 1 s buckets),
`events_per_s` (rows landed / seconds from first dispatch to last row landed), plus the counts.
Run: .venv/bin/python bench/faults.py [--seconds 75] [--clients 8]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import shutil
import signal
import tempfile
import time
from pathlib import Path

import grpc
import httpx
from ingest_e2e import SINK, Client, IngestStack, flushed_rows, stop, templates

from reach.common import clickhouse
from reach.testing import benchmarks
from reach.testing.rabbitmq import private_rabbitmq


class TrackingClient(Client):
    """A bench client that keeps the ids of the events the service confirmed."""

    def __init__(self, channel: grpc.aio.Channel, kinds: list[bytes]) -> None:
        super().__init__(channel, kinds)
        self.confirmed: list[tuple[int, int]] = []  # ranges of this client's counter
        self.unavailable = 0

    async def run(self, until: float) -> None:
        while time.monotonic() < until:
            first = self._n + 1
            body = self.batch(200)
            try:
                response = await self._call(body, timeout=30)
            except grpc.aio.AioRpcError:
                self.unavailable += self._n - first + 1
                await asyncio.sleep(0.1)
                continue
            if response.accepted == self._n - first + 1:
                self.confirmed.append((first, self._n))
                self.accepted += response.accepted

    def ids(self) -> set[str]:
        return {f"{self._prefix}{n:016x}" for a, b in self.confirmed for n in range(a, b + 1)}


async def main(args: argparse.Namespace) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="reach-bench-faults-"))
    returns: list[tuple[str, float]] = []  # (store, when it answered again)
    landed_buckets: list[tuple[float, float]] = []  # (time, rows flushed so far)
    async with contextlib.AsyncExitStack() as stack:
        broker = await stack.enter_async_context(private_rabbitmq())
        stack.callback(shutil.rmtree, work, ignore_errors=True)
        ingest = IngestStack(work, broker.url)
        grpc_port, clickhouse_url = ingest.grpc_port, ingest.clickhouse_url
        server, serve, sink = await ingest.start(stack)
        metrics_url = f"http://127.0.0.1:{ingest.probe_port}/metrics"

        async def restart_broker() -> None:
            await asyncio.to_thread(broker.kill)
            await asyncio.sleep(1)
            await asyncio.to_thread(broker.start)
            returns.append(("rabbitmq", time.monotonic()))

        async def restart_clickhouse() -> None:
            nonlocal server
            server.send_signal(signal.SIGKILL)
            await server.wait()
            await asyncio.sleep(1)
            server = await ingest.start_clickhouse(stack)
            returns.append(("clickhouse", time.monotonic()))

        async with httpx.AsyncClient(timeout=5) as http:
            kinds = templates()
            async with grpc.aio.insecure_channel(f"127.0.0.1:{grpc_port}") as channel:
                clients = [TrackingClient(channel, kinds) for _ in range(args.clients)]
                started = time.monotonic()
                until = started + args.seconds
                runs = [asyncio.create_task(c.run(until)) for c in clients]
                # Faults at fixed shares of the run, after a warm-up that sets the baseline.
                plan = [(0.2, restart_broker), (0.45, restart_clickhouse),
                        (0.7, restart_broker)]  # fmt: skip
                faults: list[asyncio.Task[None]] = []
                first_fault = started + plan[0][0] * args.seconds
                while not all(r.done() for r in runs):
                    now = time.monotonic()
                    while plan and now - started >= plan[0][0] * args.seconds:
                        faults.append(asyncio.create_task(plan.pop(0)[1]()))
                    with contextlib.suppress(httpx.TransportError):
                        landed_buckets.append((now, await flushed_rows(http, metrics_url)))
                    await asyncio.sleep(1)
                await asyncio.gather(*runs, *faults)
            accepted = sum(c.accepted for c in clients)
            landed_at = time.monotonic()
            deadline = landed_at + 180
            while time.monotonic() < deadline:
                with contextlib.suppress(httpx.TransportError):
                    flushed = await flushed_rows(http, metrics_url)
                    landed_buckets.append((time.monotonic(), flushed))
                    if flushed >= accepted:
                        break
                await asyncio.sleep(1)
            landed_at = time.monotonic()
        for proc in (serve, sink):
            await stop(proc)
        client = clickhouse.get_client(dsn=clickhouse_url)
        try:
            rows = client.query(f"SELECT event_id FROM _e.{SINK} FINAL").result_rows
        finally:
            client.close()
    landed_ids = [r[0] for r in rows]
    confirmed = set().union(*(c.ids() for c in clients))
    return {
        "bench": "faults",
        "measured": "ingest_e2e's load (gRPC -> RabbitMQ -> sink -> ClickHouse over HTTP) with a "
        "private RabbitMQ node killed and restarted twice and the ClickHouse server once",
        "lost": len(confirmed - set(landed_ids)),
        "duplicates_after_final": len(landed_ids) - len(set(landed_ids)),
        "recovery_s": recovery(landed_buckets, returns, started, first_fault),
        "events_per_s": round(len(set(landed_ids)) / (landed_at - started)),
        "confirmed": len(confirmed),
        "answered_unavailable": sum(c.unavailable for c in clients),
        "landed": len(landed_ids),
        "faults": [(store, round(at - started, 1)) for store, at in returns],
    }


def recovery(
    buckets: list[tuple[float, float]],
    returns: list[tuple[str, float]],
    started: float,
    first_fault: float,
) -> float | None:
    """The longest time from a store's return until the landed rate (rows per second between
    consecutive samples) is back above 80% of the rate before the first fault."""
    if not returns or len(buckets) < 3:
        return None
    rates = [((t1 + t0) / 2, (r1 - r0) / (t1 - t0))
             for (t0, r0), (t1, r1) in itertools.pairwise(buckets) if t1 > t0]  # fmt: skip
    before = [rate for t, rate in rates if started + 3 <= t < first_fault]
    if not before:
        return None
    baseline = sum(before) / len(before)
    worst = 0.0
    for _, back in returns:
        after = [t for t, rate in rates if t >= back and rate >= 0.8 * baseline]
        if not after:
            return None  # never recovered within the run
        worst = max(worst, after[0] - back)
    return round(worst, 1)


if __name__ == "__main__":
    benchmarks.run(main, __doc__, seconds=75.0, clients=8)
