"""The supervisor against small real processes (a toy service answering /readyz, a toy job):
dependency order, progress, restart after kill -9 with backoff, stop order with a grace period,
and clear errors for a busy port or a workload that cannot start. The real workloads are
supervised in tests/e2e."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from reach.standalone.supervising import StartError, State, Supervisor
from reach.standalone.workloads import Stage, Workload
from reach.testing.ports import free_port

pytestmark = pytest.mark.service

# argv: name, port, journal, flags...; notes each start and stop in the journal.
TOY = r"""
import http.server, os, signal, sys, time
name, port, journal, *flags = sys.argv[1:]
def note(what):
    with open(journal, "a") as f:
        f.write(f"{name} {what}\n")
note("start")
if "fail" in flags:
    print("toy cannot start: no such thing", flush=True)
    sys.exit(3)
if "job" in flags:
    sys.exit(0)
def stop(*_):
    note("stop")
    if "stubborn" not in flags:
        os._exit(0)
signal.signal(signal.SIGTERM, stop)
time.sleep(0.3)
class Ready(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(port)), Ready).serve_forever(poll_interval=0.05)
"""


def toy(
    name: str,
    stage: Stage,
    ports: dict[str, int],
    journal: Path,
    *flags: str,
    needs: tuple[str, ...] = (),
) -> Workload:
    job = "job" in flags or "fail" in flags
    if not job:
        ports[name] = free_port()
    return Workload(
        name,
        (name, str(ports.get(name, 0)), str(journal), *flags),
        stage,
        () if job else (name,),
        needs=needs,
        job=job,
    )


def supervisor(
    workloads: list[Workload], ports: dict[str, int], tmp_path: Path, lines: list[str], **kw: float
) -> Supervisor:
    return Supervisor(
        workloads,
        ports,
        dict(os.environ),
        tmp_path / "logs",
        ready_timeout=kw.get("ready_timeout", 30),
        grace_seconds=kw.get("grace_seconds", 5),
        backoff_initial=0.2,
        backoff_max=1,
        stable_seconds=60,
        report=lines.append,
        command=[sys.executable, "-c", TOY],
    )


def events(journal: Path) -> list[str]:
    return journal.read_text().splitlines() if journal.exists() else []


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    return tmp_path / "journal"


@pytest.fixture
async def platform(tmp_path: Path, journal: Path) -> AsyncIterator[tuple[Supervisor, list[str]]]:
    ports: dict[str, int] = {}
    workloads = [
        toy("store", Stage.STORE, ports, journal),
        toy("setup", Stage.STORE, ports, journal, "job", needs=("store",)),
        toy("sink", Stage.SINK, ports, journal, needs=("setup",)),
        toy("intake", Stage.INTAKE, ports, journal, needs=("sink",)),
        toy("worker", Stage.PROCESSING, ports, journal, needs=("setup",)),
    ]
    lines: list[str] = []
    sup = supervisor(workloads, ports, tmp_path, lines)
    sup.check_ports()
    await sup.start()
    yield sup, lines
    await sup.stop()


async def test_starts_in_dependency_order_and_stops_intake_first(
    platform: tuple[Supervisor, list[str]], journal: Path
) -> None:
    sup, lines = platform
    starts = [e.split()[0] for e in events(journal) if e.endswith("start")]
    assert starts.index("store") < starts.index("setup") < starts.index("sink")
    assert starts.index("sink") < starts.index("intake")
    assert {c.name: c.state for c in sup.children.values()} == {
        "store": State.READY,
        "setup": State.DONE,
        "sink": State.READY,
        "intake": State.READY,
        "worker": State.READY,
    }
    assert any(line.startswith("sink ready") for line in lines)
    await sup.stop()
    stops = [e.split()[0] for e in events(journal) if e.endswith("stop")]
    assert stops == ["intake", "worker", "sink", "store"]
    assert all(c.state in (State.STOPPED, State.DONE) for c in sup.children.values())


async def test_a_killed_workload_is_restarted_and_reported(
    platform: tuple[Supervisor, list[str]], journal: Path
) -> None:
    sup, lines = platform
    sink = sup.children["sink"]
    assert sink.process is not None
    os.kill(sink.process.pid, signal.SIGKILL)
    for _ in range(200):
        if sink.restarts == 1 and sink.state is State.READY:
            break
        await asyncio.sleep(0.05)
    assert sink.restarts == 1 and sink.state is State.READY
    assert sink.last_exit == -signal.SIGKILL
    assert any("sink exited with code -9" in line and "restarting in" in line for line in lines)
    assert [e for e in events(journal) if e.startswith("sink")] == ["sink start", "sink start"]
    status = {s["name"]: s for s in sup.status()}
    assert status["sink"]["restarts"] == 1 and status["sink"]["state"] == "ready"


async def test_a_workload_outliving_the_grace_period_is_killed(
    tmp_path: Path, journal: Path
) -> None:
    ports: dict[str, int] = {}
    lines: list[str] = []
    sup = supervisor(
        [toy("stubborn", Stage.INTAKE, ports, journal, "stubborn")],
        ports,
        tmp_path,
        lines,
        grace_seconds=0.5,
    )
    await sup.start()
    await sup.stop()
    assert events(journal) == ["stubborn start", "stubborn stop"]
    assert any("stubborn killed: still running" in line for line in lines)
    assert sup.children["stubborn"].last_exit == -signal.SIGKILL


async def test_a_busy_port_is_named(tmp_path: Path, journal: Path) -> None:
    ports: dict[str, int] = {}
    workloads = [toy("api", Stage.INTAKE, ports, journal)]
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", ports["api"]))
        busy.listen()
        with pytest.raises(StartError, match=rf"port {ports['api']} \(api\) is already in use"):
            supervisor(workloads, ports, tmp_path, []).check_ports()


async def test_a_workload_that_cannot_start_is_named_with_its_log(
    tmp_path: Path, journal: Path
) -> None:
    ports: dict[str, int] = {}
    workloads = [
        toy("store", Stage.STORE, ports, journal),
        toy("migrate", Stage.STORE, ports, journal, "fail", needs=("store",)),
        toy("api", Stage.INTAKE, ports, journal, needs=("migrate",)),
    ]
    sup = supervisor(workloads, ports, tmp_path, [])
    with pytest.raises(StartError, match="migrate exited with code 3 while starting") as exc:
        await sup.start()
    assert "toy cannot start: no such thing" in str(exc.value)
    assert sup.children["api"].state is State.WAITING
    await sup.stop()
    assert "api start" not in events(journal)
