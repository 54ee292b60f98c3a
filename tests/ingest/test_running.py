"""`reach ingest sink` as its own process: killed with SIGKILL mid-batch and restarted, it
lands every event exactly once (as counted with FINAL); and sinks writing a ClickHouse server
over HTTP that starts late and is killed mid-stream."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import aio_pika
import httpx
import pytest
from aio_pika.abc import AbstractRobustConnection

from reach.common import clickhouse
from reach.common.events import events_pb2 as pb
from reach.common.lifecycle import Shutdown
from reach.common.migrations import migrate_clickhouse
from reach.ingest import metrics
from reach.ingest.routing import SINKS
from reach.ingest.running import UnknownSink, check_names, run_sinks
from reach.ingest.settings import IngestSettings
from reach.ingest.sinking import FlushPolicy
from reach.testing.clickhouse import ClickHouseServer
from reach.testing.polling import eventually
from reach.testing.ports import free_port

SINK = SINKS["profile_log"]
# Enough backlog that the sink is still draining it when the first flush shows on its probe,
# which starts only after the consumer: a short backlog could be gone by then.
MESSAGES, EVENTS_PER_MESSAGE = 400, 250
REACH = str(Path(sys.executable).with_name("reach"))
COUNT = (
    "import sys, clickhouse_connect\n"
    "c = clickhouse_connect.get_client(dsn=sys.argv[1])\n"
    "print(*c.query('SELECT count(), uniqExact(event_id) FROM _e.profile_log FINAL')"
    ".result_rows[0])\n"
)


@pytest.mark.unit
def test_unknown_sink_names_are_refused_with_the_known_ones() -> None:
    check_names(["profile_log", "webengage_api"])
    with pytest.raises(UnknownSink, match=r"nope.*known: ab_assignment"):
        check_names(["event", "nope"])


def _start(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [REACH, "ingest", "sink", "--sink", SINK.name, "--batch-rows", "1000",
         "--flush-seconds", "30"],
        env=env,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


async def _flushed(probe: str) -> float:
    try:
        async with httpx.AsyncClient() as http:
            text = (await http.get(f"{probe}/metrics")).text
    except httpx.TransportError:
        return 0.0
    match = re.search(r'reach_ingest_sink_rows_flushed_total\{sink="profile_log"\} (\S+)', text)
    return float(match[1]) if match else 0.0


async def _ready_messages(amqp: AbstractRobustConnection) -> int:
    channel = await amqp.channel()
    underlay = await channel.get_underlay_channel()
    declared = await underlay.queue_declare(SINK.queue, passive=True)
    await channel.close()
    return int(declared.message_count or 0)


@pytest.mark.service
async def test_sink_killed_mid_batch_and_restarted_lands_every_event_once(
    ingest_settings: IngestSettings,
    amqp: AbstractRobustConnection,
    tmp_path: Path,
    unused_port: Callable[[], int],
) -> None:
    port = unused_port()
    probe = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("REACH_")}
    env |= {
        "REACH_AMQP_URL": str(ingest_settings.amqp_url),
        "REACH_DATA_DIR": str(tmp_path / "sink"),
        "REACH_INGEST_HOST": "127.0.0.1",
        "REACH_SINK_PROBE_PORT": str(port),
        # A small prefetch keeps several batches in flight, so the kill lands mid-stream.
        "REACH_AMQP_PREFETCH": "8",
    }
    ids = await _publish(amqp, MESSAGES)

    first = _start(env)
    try:
        for _ in range(1200):
            if await _flushed(probe) >= 1000:
                break
            await asyncio.sleep(0.02)
        else:
            raise AssertionError("the sink never flushed")
        first.send_signal(signal.SIGKILL)
    finally:
        first.wait(30)
    assert await _ready_messages(amqp) > 0, "the kill came too late to be mid-stream"

    second = _start(env)
    try:
        for _ in range(1200):
            if await _ready_messages(amqp) == 0 and await _flushed(probe) > 0:
                break
            await asyncio.sleep(0.05)
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(60) == 0
    assert await _ready_messages(amqp) == 0

    counted = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", COUNT, f"chdb://{tmp_path / 'sink' / 'clickhouse'}"],
        check=True,
        capture_output=True,
        text=True,
    )
    assert counted.stdout.split() == [str(len(ids)), str(len(ids))]


async def _publish(amqp: AbstractRobustConnection, messages: int) -> list[str]:
    channel = await amqp.channel(publisher_confirms=True)
    exchange = await channel.get_exchange(SINK.exchange.name)
    ids: list[str] = []
    for _ in range(messages):
        events = pb.Events()
        for _ in range(EVENTS_PER_MESSAGE):
            event = events.events.add(event_id=uuid.uuid4().hex, timestamp_ms=1_800_000_000_000)
            event.profile_log.profile_id = "p1"
            ids.append(event.event_id)
        message = aio_pika.Message(events.SerializeToString(), message_id=uuid.uuid4().hex)
        await exchange.publish(message, routing_key=SINK.routing_keys[0])
    await channel.close()
    return ids


@pytest.mark.service
async def test_sink_waits_for_a_clickhouse_server_and_rides_out_its_kill(
    ingest_settings: IngestSettings,
    amqp: AbstractRobustConnection,
    tmp_path: Path,
) -> None:
    """Over HTTP, as in Kubernetes: the sink starts before the server answers, then the server
    is killed with SIGKILL while events keep coming; once it is back, every event is there
    exactly once."""
    server = ClickHouseServer(tmp_path / "clickhouse", free_port())
    settings = ingest_settings.model_copy(update={"clickhouse_url": server.url})
    shutdown = Shutdown()
    policy = FlushPolicy(batch_rows=500, flush_seconds=0.2)
    task = asyncio.create_task(run_sinks(settings, [SINK.name], policy, shutdown))
    try:
        await asyncio.sleep(1)
        assert not task.done(), "the sink gave up on a server that was not there yet"
        await asyncio.to_thread(server.start)
        client = clickhouse.get_client(dsn=server.url)
        migrate_clickhouse(client)
        client.close()
        ids = await _publish(amqp, 4)
        await _wait_counted(server, len(ids))

        server.kill()
        failures = metrics.INSERT_FAILURES.labels(SINK.name, "transient")
        before = failures._value.get()
        ids += await _publish(amqp, 4)
        for _ in range(600):
            if failures._value.get() > before:
                break
            await asyncio.sleep(0.05)
        assert failures._value.get() > before, "the sink never met the dead server"
        await asyncio.to_thread(server.start)

        assert await _wait_counted(server, len(ids)) == (len(ids), len(ids))
        # Schemas sent as text are cached in the server's own folder, not where it was started.
        assert list((server.data_dir / "clickhouse-server" / "__cache__").iterdir())
    finally:
        shutdown.request("test over")
        await task
        server.stop()


async def _wait_counted(server: ClickHouseServer, expected: int) -> tuple[int, int]:
    def count() -> tuple[int, int]:
        client = clickhouse.get_client(dsn=server.url)
        try:
            rows = client.query(
                "SELECT count(), uniqExact(event_id) FROM _e.profile_log FINAL"
            ).result_rows
            return int(rows[0][0]), int(rows[0][1])
        finally:
            client.close()

    async def landed() -> tuple[int, int] | None:
        counted = await asyncio.to_thread(count)
        return counted if counted[0] >= expected else None

    found = await eventually(landed, f"{expected} events landed")
    assert found is not None
    return found
