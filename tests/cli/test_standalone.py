"""`reach standalone` as a user runs it: its port list, a bad port override, a busy port and a
`--status` with nothing running, each answered with a readable message and exit code."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from reach.testing.standalone import free_ports, port_names

pytestmark = pytest.mark.service


def _reach(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reach.cli", "standalone", *args],
        env={**{k: v for k, v in os.environ.items() if not k.startswith("REACH_")}, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_ports_are_listed_and_overridable() -> None:
    listed = _reach("--ports", env={"REACH_STANDALONE_PORTS": '{"api": 17179}'})
    assert listed.returncode == 0, listed.stderr
    ports = dict(line.split("\t") for line in listed.stdout.splitlines())
    assert ports["api"] == "17179" and ports["gateway"] == "8009"
    assert ports["workers"] == "8101"


def test_a_bad_port_override_is_named() -> None:
    bad = _reach("--ports", env={"REACH_STANDALONE_PORTS": '{"apii": 1}'})
    assert bad.returncode == 2
    assert "REACH_STANDALONE_PORTS: unknown port name(s) apii" in bad.stderr


def test_status_without_a_running_instance_says_so() -> None:
    ports = free_ports(port_names())
    status = _reach("--status", env={"REACH_STANDALONE_PORTS": json.dumps(ports)})
    assert status.returncode == 1
    assert f"no standalone instance answers on http://127.0.0.1:{ports['status']}" in status.stderr


def test_a_busy_port_stops_the_start_with_its_name(tmp_path: Path) -> None:
    ports = free_ports(port_names())
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", ports["scraper-api"]))
        busy.listen()
        run = _reach(
            env={"REACH_STANDALONE_PORTS": json.dumps(ports), "REACH_DATA_DIR": str(tmp_path)}
        )
    assert run.returncode == 2
    assert f"port {ports['scraper-api']} (scraper-api) is already in use" in run.stdout
