"""`reach standalone` as a process for the e2e tests and the bench: its own data folder, the
PostgreSQL database and RabbitMQ vhost it is given, and a free port for every workload, so runs
never collide with each other or with a developer's instance on the fixed ports."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from reach.standalone.workloads import default_ports
from reach.testing.ports import free_port


def free_ports(names: list[str]) -> dict[str, int]:
    ports: dict[str, int] = {}
    while len(ports) < len(names):
        port = free_port()
        if port not in ports.values():
            ports[names[len(ports)]] = port
    return ports


def port_names() -> list[str]:
    """The port names of `reach standalone --ports` (the workload table's)."""
    return list(default_ports())


class Standalone:
    """One `reach standalone` process; `start` returns once every workload is ready."""

    def __init__(
        self,
        data_dir: Path,
        postgres_dsn: str,
        amqp_url: str,
        *,
        skip: tuple[str, ...] = (),
        demo: bool = False,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.ports = free_ports(port_names())
        self.skip = skip
        self.demo = demo
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("REACH_")},
            "REACH_DATA_DIR": str(data_dir),
            "REACH_POSTGRES_DSN": postgres_dsn,
            "REACH_AMQP_URL": amqp_url,
            "REACH_STANDALONE_PORTS": json.dumps(self.ports),
            "REACH_STANDALONE_SKIP": json.dumps(list(skip)),
            # Pipelines run when a test asks, never in the middle of one.
            "REACH_STANDALONE_SCHEDULE": "false",
            "REACH_CACHE_PREFIX": f"reach-e2e:{uuid.uuid4().hex[:8]}",
            "REACH_SCRAPER_RATE_LIMIT_PREFIX": f"reach-e2e-rl:{uuid.uuid4().hex[:8]}",
            **(env or {}),
        }
        self.output = data_dir / "standalone.out"
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def start(self, timeout: float = 240) -> float:
        """Starts it and waits until every workload is ready; returns the seconds it took."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        began = time.monotonic()
        with self.output.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "reach.cli",
                    "standalone",
                    *(["--demo"] if self.demo else []),
                ],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        while time.monotonic() - began < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"reach standalone exited {self.process.returncode}:\n{self.log()}"
                )
            if "all workloads ready" in self.log():
                return time.monotonic() - began
            time.sleep(0.2)
        raise TimeoutError(f"reach standalone not ready after {timeout:.0f} s:\n{self.log()}")

    def log(self) -> str:
        return self.output.read_text(errors="replace") if self.output.exists() else ""

    def status(self) -> dict[str, Any]:
        answer = httpx.get(f"{self.url('status')}/status", timeout=10)
        answer.raise_for_status()
        result: dict[str, Any] = answer.json()
        return result

    def workload(self, name: str) -> dict[str, Any]:
        return next(w for w in self.status()["workloads"] if w["name"] == name)

    def run_pipeline(self, name: str, timeout: float = 300) -> dict[str, Any]:
        """Starts `name` (and what runs after it) through the status endpoint and waits for
        every pipeline to be idle; returns the status's pipelines by name."""
        answer = httpx.post(f"{self.url('status')}/pipelines/{name}/run", timeout=10)
        assert answer.status_code == 202, answer.text
        deadline = time.monotonic() + timeout
        time.sleep(0.5)
        while time.monotonic() < deadline:
            pipelines = {p["name"]: p for p in self.status()["pipelines"]}
            if not any(p["running"] for p in pipelines.values()):
                return pipelines
            time.sleep(0.5)
        raise TimeoutError(f"pipeline {name} still running after {timeout:.0f} s")

    def session_token(self, partner_id: int, plan: str, user: str = "e2e") -> str:
        """A gateway session for `partner_id` on `plan`, made the way the banner's is."""
        secrets = json.loads((self.data_dir / "standalone" / "secrets.json").read_text())
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "reach.cli",
                "gateway",
                "session",
                "create",
                "--partner",
                str(partner_id),
                "--user",
                user,
                "--plan",
                plan,
            ],
            env={
                **self.env,
                "REACH_GATEWAY_JWT_SECRET": secrets["jwt_secret"],
                "REACH_GATEWAY_SIGNING_SECRET": secrets["signing_secret"],
            },
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return out.stdout.strip().splitlines()[-1]

    def stop(self, timeout: float = 180) -> int:
        """SIGTERM, as Ctrl-C or a service manager would; returns the exit code."""
        if self.process is None:
            return 0
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self.process = None
