"""The event clients side by side: 200,000 events from each (TypeScript, Java, and Python's
generated stub as the baseline) to one local `reach ingest serve`.

Starts the processes as `bench/ingest_e2e.py` does (a ClickHouse server, `reach ingest serve`,
`reach ingest sink --sink event`), then runs each client's sender in turn: `clients/typescript`'s
`bench/send.ts` and `clients/java`'s `SendBench`, each through its EventClient with default
options (batches of 500, 4 in flight), and a Python sender calling Dispatch with the same
batching. Each sends page_opened events with ids under its own prefix as fast as the client
takes them; its rate is events the server accepted / seconds from the first send until close()
returned (every batch answered, so confirmed by the broker). Afterwards it waits for the sink and
counts each prefix's rows with FINAL: `lost` is accepted events missing from the table.

Prints one JSON line: `ts_events_per_s`, `java_events_per_s`, `python_events_per_s`, `ts_lost`,
`java_lost`, `python_lost`, `lost` (their sum). Needs the local RabbitMQ (`make services`), Node
and Maven (`make client-tools`); builds both clients first (not timed). Its queues live in a
RabbitMQ vhost of its own, deleted afterwards.
Run: .venv/bin/python bench/clients.py [--events 200000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import grpc
import httpx
from ingest_e2e import SINK, IngestStack, flushed_rows, stop

from reach.common import clickhouse
from reach.common.events import events_pb2 as pb
from reach.common.settings import StoreSettings
from reach.testing.rabbitmq import vhost

ROOT = Path(__file__).resolve().parents[1]
TYPESCRIPT = ROOT / "clients" / "typescript"
JAVA = ROOT / "clients" / "java"
BATCH, IN_FLIGHT = 500, 4


def build() -> list[str]:
    """Builds both clients; returns the Java classpath of the sender."""
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"], cwd=TYPESCRIPT,
                   check=True, capture_output=True)  # fmt: skip
    subprocess.run(["npm", "run", "build"], cwd=TYPESCRIPT, check=True, capture_output=True)
    subprocess.run(
        ["mvn", "-q", "-B", "test-compile", "dependency:build-classpath",
         "-Dmdep.outputFile=target/classpath.txt"],
        cwd=JAVA, check=True, capture_output=True,
    )  # fmt: skip
    dependencies = (JAVA / "target" / "classpath.txt").read_text().strip()
    return [str(JAVA / "target" / "classes"), str(JAVA / "target" / "test-classes"), dependencies]


async def send_python(grpc_port: int, count: int, prefix: str) -> dict[str, float]:
    """Dispatch with the generated stub, batches of BATCH, IN_FLIGHT at once."""
    template = pb.Event(user_id="user-42", channel="android", app_version="5.12.0")
    template.page_opened.page = "creator/123"
    template.page_opened.previous_page = "search"
    accepted = 0
    started = time.perf_counter()
    async with grpc.aio.insecure_channel(f"127.0.0.1:{grpc_port}") as channel:
        dispatch = channel.unary_unary(
            "/reach.events.v1.EventService/Dispatch",
            request_serializer=pb.Events.SerializeToString,
            response_deserializer=pb.DispatchResponse.FromString,
        )
        starts = iter(range(0, count, BATCH))

        async def worker() -> None:
            nonlocal accepted
            for first in starts:
                batch = pb.Events()
                for i in range(first, min(first + BATCH, count)):
                    event = batch.events.add()
                    event.CopyFrom(template)
                    event.event_id = f"{prefix}-{i}"
                    event.timestamp_ms = int(time.time() * 1000)
                response = await dispatch(batch, timeout=10)
                accepted += response.accepted

        await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    return {"sent": count, "accepted": accepted, "seconds": time.perf_counter() - started}


async def send_process(command: list[str]) -> dict[str, float]:
    process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE)
    output, _ = await process.communicate()
    if process.returncode:
        raise RuntimeError(f"{command[0]} sender exited with {process.returncode}")
    result: dict[str, float] = json.loads(output.decode().strip().splitlines()[-1])
    return result


async def main(args: argparse.Namespace) -> dict[str, object]:
    classpath = build()
    work = Path(tempfile.mkdtemp(prefix="reach-bench-clients-"))
    prefixes = {name: f"{name}-{uuid.uuid4().hex[:8]}" for name in ("ts", "java", "python")}
    results: dict[str, dict[str, float]] = {}
    async with contextlib.AsyncExitStack() as stack:
        stack.callback(shutil.rmtree, work, ignore_errors=True)
        # A virtual host of its own: others' consumers of the same queue names would take events.
        ingest = IngestStack(work, stack.enter_context(vhost(str(StoreSettings().amqp_url))))
        _, serve, sink = await ingest.start(stack, "--batch-rows", "50000", "--flush-seconds", "1")
        grpc_port, clickhouse_url = ingest.grpc_port, ingest.clickhouse_url
        url = f"http://127.0.0.1:{grpc_port}"
        async with httpx.AsyncClient(timeout=5) as http:
            results["ts"] = await send_process(
                ["node", str(TYPESCRIPT / "dist" / "bench" / "send.js"), url, str(args.events),
                 prefixes["ts"]]
            )  # fmt: skip
            results["java"] = await send_process(
                ["java", "-cp", os.pathsep.join(classpath), "reach.events.client.SendBench",
                 f"127.0.0.1:{grpc_port}", str(args.events), prefixes["java"]]
            )  # fmt: skip
            results["python"] = await send_python(grpc_port, args.events, prefixes["python"])
            accepted = sum(r["accepted"] for r in results.values())
            deadline = time.monotonic() + 300
            metrics_url = f"http://127.0.0.1:{ingest.probe_port}/metrics"
            while time.monotonic() < deadline:
                if await flushed_rows(http, metrics_url) >= accepted:
                    break
                await asyncio.sleep(0.2)
        for proc in (serve, sink):
            await stop(proc)
        client = clickhouse.get_client(dsn=clickhouse_url)
        try:
            counts = ", ".join(f"countIf(startsWith(event_id, '{p}-'))" for p in prefixes.values())
            row = client.query(f"SELECT {counts} FROM _e.{SINK} FINAL").result_rows[0]
        finally:
            client.close()
    landed = dict(zip(prefixes, (int(n) for n in row), strict=True))
    out: dict[str, object] = {
        "bench": "clients",
        "measured": "EventClient (TypeScript, Java) and Python's stub -> reach ingest serve -> "
        "RabbitMQ -> sink -> ClickHouse; rate = accepted / (first send .. close() returned)",
        "events": args.events,
    }
    for name, result in results.items():
        out[f"{name}_events_per_s"] = round(result["accepted"] / result["seconds"])
    for name, result in results.items():
        out[f"{name}_lost"] = int(result["accepted"]) - landed[name]
        out[f"{name}_refused"] = int(result["sent"] - result["accepted"])
    out["lost"] = sum(int(r["accepted"]) - landed[n] for n, r in results.items())
    out["cores"] = os.cpu_count()
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    print(json.dumps(asyncio.run(main(parser.parse_args()))))
