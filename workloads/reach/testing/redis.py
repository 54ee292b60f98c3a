"""Redis for tests: `redis_client` opens a client on a store's settings and closes it after (the
conftest fixtures' clients, of the shared server and of a private one); `PrivateRedis` is a
server for tests that stop and start it (the shared one on 6379 is never touched):
`redis-server` on a free loopback port, no persistence, its files in a temp folder."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from redis.asyncio import Redis

from reach.common.redis import create_redis
from reach.common.settings import StoreSettings
from reach.testing.ports import free_port


@asynccontextmanager
async def redis_client(settings: StoreSettings) -> AsyncIterator[Redis]:
    """A client of the settings' Redis, closed on the way out."""
    redis = create_redis(settings)
    try:
        yield redis
    finally:
        await redis.aclose()


class PrivateRedis:
    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder = folder
        self.port = port or free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Starts the server (again, on the same port) and returns once it answers."""
        self._process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"redis-server on port {self.port} exited")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server on port {self.port} never answered")
            time.sleep(0.05)

    def stop(self) -> None:
        """Kills the server (SIGKILL: an outage, not a shutdown) and waits for it to be gone."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(timeout=30)
        self._process = None
