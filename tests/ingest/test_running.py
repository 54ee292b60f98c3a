"""`reach ingest sink` as its own process: killed with SIGKILL mid-batch and restarted, it
lands every event exactly once (as counted with FINAL)."""

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

from reach.common.events import events_pb2 as pb
from reach.ingest.routing import SINKS
from reach.ingest.running import UnknownSink, check_names
from reach.ingest.settings import IngestSettings

SINK = SINKS["profile_log"]
MESSAGES, EVENTS_PER_MESSAGE = 40, 250
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
    channel = await amqp.channel(publisher_confirms=True)
    exchange = await channel.get_exchange(SINK.exchange.name)
    ids: list[str] = []
    for _ in range(MESSAGES):
        events = pb.Events()
        for _ in range(EVENTS_PER_MESSAGE):
            event = events.events.add(event_id=uuid.uuid4().hex, timestamp_ms=1_800_000_000_000)
            event.profile_log.profile_id = "p1"
            ids.append(event.event_id)
        message = aio_pika.Message(events.SerializeToString(), message_id=uuid.uuid4().hex)
        await exchange.publish(message, routing_key=SINK.routing_keys[0])

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
