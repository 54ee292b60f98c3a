"""Load generators for the benches, installed on first use from the machine's package sources:
wrk (Debian) for closed-loop throughput, vegeta (Go module) for open-loop latency at a fixed
rate, where each request's latency counts from its scheduled start so a stall is not hidden."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

VEGETA = "github.com/tsenart/vegeta/v12@v12.12.0"
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    return shutil.which("wrk") or "wrk"


def ensure_vegeta() -> str:
    gobin = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "reach" / "go-bin"
    binary = gobin / "vegeta"
    if not binary.exists():
        subprocess.run(
            ["go", "install", VEGETA],
            check=True,
            env={**os.environ, "GOBIN": str(gobin), "CGO_ENABLED": "0"},
        )
    return str(binary)


def millis(text: str) -> float:
    """wrk's `1.23ms` / `850.00us` / `1.02s` in milliseconds."""
    match = re.fullmatch(r"([0-9.]+)(us|ms|s)", text)
    if not match:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(match[1]) * _UNITS[match[2]]


@dataclass(frozen=True)
class Throughput:
    requests_per_s: float
    non_2xx: int


def wrk(
    url: str, *, seconds: int, connections: int, headers: dict[str, str] | None = None
) -> Throughput:
    """Closed loop: as many requests as `connections` keep-alive connections can send."""
    args = [ensure_wrk(), "-t1", f"-c{connections}", f"-d{seconds}s"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], check=True, capture_output=True, text=True).stdout
    rate = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if rate is None:
        raise RuntimeError(f"wrk printed no rate:\n{out}")
    return Throughput(float(rate[1]), int(bad[1]) if bad else 0)


@dataclass(frozen=True)
class Latency:
    p50_ms: float
    p99_ms: float
    success: float
    rate: float


def vegeta(url: str, *, rate: int, seconds: int, headers: dict[str, str] | None = None) -> Latency:
    """Open loop at `rate` requests/s for `seconds`."""
    binary = ensure_vegeta()
    target = f"GET {url}\n" + "".join(f"{k}: {v}\n" for k, v in (headers or {}).items())
    attack = subprocess.run(
        [
            binary,
            "attack",
            f"-rate={rate}/s",
            f"-duration={seconds}s",
            "-keepalive=true",
            "-max-workers=512",
        ],
        input=target.encode(),
        check=True,
        capture_output=True,
    )
    report = subprocess.run(
        [binary, "report", "-type=json"], input=attack.stdout, check=True, capture_output=True
    )
    found = json.loads(report.stdout)
    latencies = found["latencies"]
    return Latency(
        p50_ms=latencies["50th"] / 1e6,
        p99_ms=latencies["99th"] / 1e6,
        success=found["success"],
        rate=found["rate"],
    )
