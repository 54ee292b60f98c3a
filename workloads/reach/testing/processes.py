"""Workloads as real processes for tests and benches: start one with an environment, wait
until its readiness probe answers, stop it with SIGTERM (as Kubernetes does)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

REACH = str(Path(sys.executable).with_name("reach"))


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Returns once `url` answers 200; raises if the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} never became ready")


@contextmanager
def served(
    args: Sequence[str], env: Mapping[str, str], ready_url: str, *, timeout: float = 60
) -> Iterator[subprocess.Popen[bytes]]:
    """`args` running with `env` added to this process's environment, ready at `ready_url`."""
    process = subprocess.Popen(list(args), env={**os.environ, **env})
    try:
        wait_ready(ready_url, process, timeout)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
