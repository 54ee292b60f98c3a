"""Standalone lifecycle with the real workloads: start, kill -9 one workload (it is restarted and
nothing it held is lost), SIGTERM (everything exits within the grace period and the events the
sinks still buffered are in ClickHouse). The gateway is not needed for any of it."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from reach.testing.polling import eventually_sync
from reach.testing.standalone import Standalone

from .conftest import branch_webhook, chdb_url, count_ids, dispatch, launch_events

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_kill_restart_and_sigterm_lose_nothing(
    tmp_path: Path, postgres_dsn: str, amqp_url: str
) -> None:
    data = tmp_path / "data"
    platform = Standalone(
        data,
        postgres_dsn,
        amqp_url,
        skip=("gateway",),
        # Sinks hold everything until they stop: what SIGTERM must flush.
        env={"REACH_SINK_FLUSH_SECONDS": "3600", "REACH_SINK_BATCH_ROWS": "1000000"},
    )
    platform.start()
    try:
        grpc_port, webhooks = platform.ports["ingest-grpc"], platform.url("ingest-http")
        before = launch_events("before-kill", 500)
        assert dispatch(grpc_port, before).accepted == 500
        branch_webhook(webhooks, "branch-before-kill", int(time.time() * 1000))

        sinks = platform.workload("sinks")
        os.kill(sinks["pid"], signal.SIGKILL)
        eventually_sync(
            lambda: (w := platform.workload("sinks"))["restarts"] == 1 and w["state"] == "ready",
            "the sinks to be restarted",
        )
        assert "sinks exited with code -9" in platform.log()

        after = launch_events("after-kill", 500)
        assert dispatch(grpc_port, after).accepted == 500
        branch_webhook(webhooks, "branch-after-kill", int(time.time() * 1000))
        pids = [w["pid"] for w in platform.status()["workloads"] if w["pid"]]
    finally:
        code = platform.stop()
    assert code == 0, platform.log()
    assert "killed: still running" not in platform.log()
    assert not [pid for pid in pids if alive(pid)]

    ids = [e.event_id for e in (*before.events, *after.events)]
    assert count_ids(chdb_url(data), "event", ids) == (1000, 1000)
    branch_ids = ["branch-before-kill", "branch-after-kill"]
    assert count_ids(chdb_url(data), "branch_event", branch_ids) == (2, 2)
