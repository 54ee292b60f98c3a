"""Helpers of the standalone e2e tests: events sent the ways clients send them (gRPC, webhooks)
and ClickHouse counted through `reach db sql`, in a child process, since the embedded engine
holds one data folder per process."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import grpc
import httpx

from reach.common.events import events_pb2 as pb


def launch_events(prefix: str, count: int) -> pb.Events:
    now = int(time.time() * 1000)
    events = []
    for i in range(count):
        event = pb.Event(event_id=f"{prefix}-{i}", timestamp_ms=now - i, name="launch")
        event.launch.referrer = "e2e"
        events.append(event)
    return pb.Events(events=events)


def dispatch(grpc_port: int, events: pb.Events) -> pb.DispatchResponse:
    with grpc.insecure_channel(f"127.0.0.1:{grpc_port}") as channel:
        call = channel.unary_unary(
            "/reach.events.v1.EventService/Dispatch",
            request_serializer=pb.Events.SerializeToString,
            response_deserializer=pb.DispatchResponse.FromString,
        )
        response: pb.DispatchResponse = call(events, timeout=30)
        return response


def branch_webhook(http_url: str, event_id: str, timestamp_ms: int) -> None:
    """One Branch webhook; a partner's retry sends the same body, timestamp included."""
    answer = httpx.post(
        f"{http_url}/branch/event",
        json={
            "id": event_id,
            "name": "PURCHASE",
            "timestamp": timestamp_ms,
            "user_data": {"os": "Android"},
        },
        timeout=30,
    )
    assert answer.is_success, answer.text


def clickhouse_rows(url: str, statement: str) -> list[list[object]]:
    """Rows of one statement against `url` (http:// of a server, chdb:// of a folder)."""
    out = subprocess.run(
        [sys.executable, "-m", "reach.cli", "db", "sql", "--url", url, "--json"],
        input=json.dumps([statement]),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    (result,) = json.loads(out.stdout)
    assert "error" not in result, result
    rows: list[list[object]] = result["rows"]
    return rows


def count_ids(url: str, table: str, ids: Sequence[str]) -> tuple[int, int]:
    """(distinct rows, all rows) of `_e.table` with one of `ids`: exactly once means equal."""
    quoted = ", ".join(f"'{i}'" for i in ids)
    ((final,),) = clickhouse_rows(
        url, f"SELECT count() FROM _e.{table} FINAL WHERE event_id IN ({quoted})"
    )
    ((distinct_ids,),) = clickhouse_rows(
        url, f"SELECT uniqExact(event_id) FROM _e.{table} WHERE event_id IN ({quoted})"
    )
    return int(final), int(distinct_ids)  # type: ignore[call-overload]


def chdb_url(data_dir: Path) -> str:
    return f"chdb://{(data_dir / 'clickhouse').resolve()}"
