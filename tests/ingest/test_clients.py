"""The event clients (`clients/typescript`, `clients/java`) against a real `reach ingest serve`.

Each client's own test suite runs here with the server's address: its unit tests, then its
integration test, which sends every test vector (`clients/testdata/events.json`, one event per
payload type) and checks each event's verdict. This test then checks that every accepted event
landed in ClickHouse exactly once with the vector's field values. The same vectors go through
Python's generated stub as the baseline. The schema tests hold events.proto to the compatibility
rule against the last released descriptor set (`clients/schema/released.binpb`), with buf.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aio_pika.abc import AbstractRobustConnection
from clickhouse_connect.driver.client import Client
from google.protobuf import json_format

from reach.common.events import events_pb2 as pb
from reach.ingest.dispatching import NOT_DISPATCHABLE, stamp
from reach.ingest.routing import BY_PAYLOAD
from reach.ingest.settings import IngestSettings
from reach.ingest.sinking import FlushPolicy
from reach.ingest.tables import TABLES
from reach.testing.polling import eventually

pytestmark = pytest.mark.clients

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = ROOT / "clients"
TYPESCRIPT = CLIENTS / "typescript"
JAVA = CLIENTS / "java"
PROTO = ROOT / "workloads" / "reach" / "common" / "events" / "events.proto"
RELEASED = CLIENTS / "schema" / "released.binpb"
# A field that only ProfileLog has: the breaking changes below are made to it.
HANDLE = "  string handle = 3;\n"
DIRECT = FlushPolicy(batch_rows=1, flush_seconds=1, direct=True)
# A cold Maven or npm cache downloads the toolchains' dependencies first.
COLD_BUILD_SECONDS = 900

Dispatch = Callable[[bytes], Awaitable[pb.DispatchResponse]]


def _vectors() -> list[dict[str, Any]]:
    vectors: list[dict[str, Any]] = json.loads((CLIENTS / "testdata" / "events.json").read_text())[
        "vectors"
    ]
    return vectors


def _event(vector: dict[str, Any], run: str) -> pb.Event:
    event = json_format.ParseDict(vector["event"], pb.Event())
    event.event_id = f"{run}-{vector['payload']}"
    return event


@pytest.mark.unit
def test_the_vectors_hold_one_event_per_payload_type_with_its_verdict() -> None:
    payloads = [f.name for f in pb.Event.DESCRIPTOR.oneofs_by_name["payload"].fields]
    vectors = _vectors()
    assert [v["payload"] for v in vectors] == payloads
    for vector in vectors:
        event = _event(vector, "x")
        assert event.WhichOneof("payload") == vector["payload"]
        assert vector["accepted"] == (vector["payload"] not in NOT_DISPATCHABLE)
        # Every field set, so a client that drops or garbles one is caught; a field added to
        # the proto later needs its value here.
        payload = getattr(event, vector["payload"])
        envelope = {f.name for f in pb.Event.DESCRIPTOR.fields if f.containing_oneof is None}
        assert {f.name for f, _ in event.ListFields()} == envelope - {"payload_type"} | {
            vector["payload"]
        }
        assert {f.name for f, _ in payload.ListFields()} == set(payload.DESCRIPTOR.fields_by_name)


def _run(args: list[str], cwd: Path) -> None:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=COLD_BUILD_SECONDS)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout[-4000:]}{done.stderr}"


@pytest.fixture(scope="session")
def typescript_package() -> Path:
    """clients/typescript with its locked dependencies installed: `npm ci` (from npm's cache
    when warm) unless node_modules was installed from the current lock already (npm records
    what it installed in node_modules/.package-lock.json)."""
    if shutil.which("npm") is None:
        pytest.fail("npm is not installed: run `make client-tools`")
    installed = TYPESCRIPT / "node_modules" / ".package-lock.json"
    lock = TYPESCRIPT / "package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        _run(["npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"], TYPESCRIPT)
    return TYPESCRIPT


def _buf_breaking(package: Path, workloads: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(package / "node_modules" / ".bin" / "buf"), "breaking", str(workloads),
         "--against", str(RELEASED), "--config", str(RELEASED.with_name("buf.yaml"))],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.timeout(COLD_BUILD_SECONDS)
def test_the_proto_keeps_the_released_schema(typescript_package: Path) -> None:
    checked = _buf_breaking(typescript_package, ROOT / "workloads")
    assert checked.returncode == 0, checked.stdout + checked.stderr


BREAKING = {
    "field number reused": ("  string nickname = 3;\n", 'changed name from "handle"'),
    "type changed": ("  int64 handle = 3;\n", 'changed type from "string"'),
    "field removed, number not reserved": ("", 'without reserving the number "3"'),
}  # fmt: skip


@pytest.mark.timeout(COLD_BUILD_SECONDS)
@pytest.mark.parametrize("change", BREAKING)
def test_a_breaking_change_to_the_proto_is_refused(
    change: str, typescript_package: Path, tmp_path: Path
) -> None:
    new, message = BREAKING[change]
    _write_proto(tmp_path, new)
    checked = _buf_breaking(typescript_package, tmp_path)
    assert checked.returncode != 0
    assert message in checked.stdout, checked.stdout


@pytest.mark.timeout(COLD_BUILD_SECONDS)
def test_removing_a_field_is_allowed_once_its_number_and_name_are_reserved(
    typescript_package: Path, tmp_path: Path
) -> None:
    _write_proto(tmp_path, '  reserved 3;\n  reserved "handle";\n')
    checked = _buf_breaking(typescript_package, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def _write_proto(workloads: Path, handle: str) -> None:
    """events.proto under `workloads` with ProfileLog's `handle` line replaced."""
    text = PROTO.read_text()
    assert text.count(HANDLE) == 1
    path = workloads / PROTO.relative_to(ROOT / "workloads")
    path.parent.mkdir(parents=True)
    path.write_text(text.replace(HANDLE, handle))


async def _suite(args: list[str], cwd: Path, url: str, run: str) -> None:
    env = os.environ | {"REACH_EVENTS_URL": url, "REACH_EVENTS_RUN": run}
    process = await asyncio.create_subprocess_exec(
        *args, cwd=cwd, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    output, _ = await process.communicate()
    text = output.decode(errors="replace")
    # A suite that skipped its integration test fails below: nothing of this run lands.
    assert process.returncode == 0, f"{' '.join(args)} failed:\n{text[-6000:]}"


@pytest.mark.service
@pytest.mark.timeout(COLD_BUILD_SECONDS)
@pytest.mark.parametrize("client", ["python", "typescript", "java"])
async def test_each_client_lands_every_vector_exactly_once_with_its_fields(
    client: str,
    ingest_settings: IngestSettings,
    dispatch: Dispatch,
    sinks: Any,
    clickhouse_client: Client,
    amqp: AbstractRobustConnection,
    samples: SimpleNamespace,
    typescript_package: Path,
) -> None:
    if client == "java" and shutil.which("mvn") is None:
        pytest.fail("mvn is not installed: run `make client-tools`")
    vectors = _vectors()
    accepted = [v for v in vectors if v["accepted"]]
    await sinks(sorted({BY_PAYLOAD[v["payload"]].table for v in accepted}), DIRECT)
    run = f"{client}-{uuid.uuid4().hex[:12]}"
    url = f"http://127.0.0.1:{ingest_settings.ingest_grpc_port}"

    if client == "python":
        batch = pb.Events(events=[_event(v, run) for v in vectors])
        response = await dispatch(batch.SerializeToString())
        assert response.accepted == len(accepted)
        assert {r.event_id for r in response.rejected} == {
            f"{run}-{v['payload']}" for v in vectors if not v["accepted"]
        }
    else:
        suites = {"typescript": (["npm", "test"], typescript_package),
                  "java": (["mvn", "-q", "-B", "verify"], JAVA)}  # fmt: skip
        await _suite(*suites[client], url, run)

    # Every copy a client sent was confirmed by the broker before its suite returned: once all
    # landed and the queues are empty, a second copy would be there too.
    def landed() -> bool:
        return all(
            _rows(clickhouse_client, BY_PAYLOAD[v["payload"]].table, f"{run}-{v['payload']}")
            for v in accepted
        )

    await eventually(lambda: asyncio.to_thread(landed), "every accepted vector in ClickHouse")
    await eventually(lambda: _drained(amqp, accepted), "sink queues drained")
    for vector in accepted:
        event = _event(vector, run)
        stamp(event, vector["payload"], event.timestamp_ms)  # as the server does on the way in
        table = TABLES[BY_PAYLOAD[vector["payload"]].table]
        rows = _rows(clickhouse_client, table.name, event.event_id)
        assert len(rows) == 1, f"{vector['payload']} landed {len(rows)} times"
        assert samples.mismatches(table, rows[0], event) == {}, vector["payload"]


def _rows(client: Client, table: str, event_id: str) -> list[dict[str, Any]]:
    """Every row of `_e.table` with `event_id`, without FINAL: duplicates count."""
    result = client.query(
        f"SELECT * FROM _e.{table} WHERE event_id = {{id:String}}", parameters={"id": event_id}
    )
    return [dict(zip(result.column_names, row, strict=True)) for row in result.result_rows]


async def _drained(amqp: AbstractRobustConnection, vectors: list[dict[str, Any]]) -> bool:
    channel = await amqp.channel()
    try:
        underlay = await channel.get_underlay_channel()
        for queue in {BY_PAYLOAD[v["payload"]].queue for v in vectors}:
            if (await underlay.queue_declare(queue, passive=True)).message_count:
                return False
        return True
    finally:
        await channel.close()
