"""RabbitMQ for tests: a virtual host of their own on the shared broker (`vhost`), the event ids
a queue holds (`drain_event_ids`), and a private
RabbitMQ node for tests that stop and restart the broker (`private_rabbitmq`; the shared one on
5672 is never touched): a second node of the installed rabbitmq-server with its own name, ports and
folders, no plugins, `guest` on loopback. Its data folder survives a restart, as a real broker's
disk does, so durable queues and persistent messages come back with it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aio_pika

from reach.common.events import events_pb2 as pb
from reach.testing.ports import free_port


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@contextlib.contextmanager
def vhost(amqp_url: str) -> Iterator[str]:
    """The URL of a new virtual host on the broker at `amqp_url` (open to `guest`), deleted
    after: queues of its own, apart from anything else using that broker."""
    name = f"reach-test-{uuid.uuid4().hex[:8]}"
    _rabbitmqctl("add_vhost", name)
    try:
        _rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
        yield f"{amqp_url.rstrip('/')}/{name}"
    finally:
        _rabbitmqctl("delete_vhost", name)


async def drain_event_ids(url: str, queue: str) -> list[str]:
    """The event ids of every `Events` message in `queue`, consumed and acked: what a sink
    would have landed, duplicates included."""
    connection = await aio_pika.connect(url)
    ids: list[str] = []
    async with connection:
        channel = await connection.channel()
        source = await channel.get_queue(queue)
        while (message := await source.get(fail=False)) is not None:
            ids.extend(e.event_id for e in pb.Events.FromString(message.body).events)
            await message.ack()
    return ids


class PrivateRabbitMQ:
    def __init__(self) -> None:
        # Under /tmp itself: the node runs as the rabbitmq user, which cannot enter pytest's
        # private temp folders.
        self.folder = Path(tempfile.mkdtemp(prefix="reach-rabbitmq-"))
        self.port = free_port()
        self._dist_port = free_port()
        self._node = f"reach-test-{self.port}@localhost"
        self._pid: int | None = None
        self._server: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def _env(self) -> dict[str, str]:
        base = self.folder
        return {
            **os.environ,
            "RABBITMQ_NODENAME": self._node,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self._dist_port),
            "RABBITMQ_MNESIA_BASE": str(base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(base / "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(base / "enabled_plugins"),
            "RABBITMQ_PLUGINS_EXPAND_DIR": str(base / "plugins"),
            "RABBITMQ_PID_FILE": str(base / "pid"),
            "RABBITMQ_CONFIG_FILE": str(base / "none"),
        }

    def start(self, timeout: float = 90) -> None:
        """Starts the node (again, with its data) and returns once its AMQP port answers."""
        for name in ("mnesia", "log", "plugins"):
            (self.folder / name).mkdir(parents=True, exist_ok=True)
        (self.folder / "enabled_plugins").write_text("[].\n")
        (self.folder / "pid").unlink(missing_ok=True)
        # Debian's rabbitmq-server runs the node as the rabbitmq user.
        shutil.chown(self.folder, "rabbitmq", "rabbitmq")
        for path in self.folder.rglob("*"):
            shutil.chown(path, "rabbitmq", "rabbitmq")
        with (self.folder / "server.out").open("ab") as out:
            self._server = subprocess.Popen(
                ["rabbitmq-server"], env=self._env(), stdout=out, stderr=out
            )
        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    pid_file = self.folder / "pid"
                    if pid_file.exists() and pid_file.read_text().strip():
                        self._pid = int(pid_file.read_text().strip())
                        return
            except OSError:
                pass
            if time.monotonic() > deadline or self._server.poll() is not None:
                raise RuntimeError(
                    f"RabbitMQ node {self._node} never listened on {self.port}: see "
                    f"{self.folder / 'server.out'}"
                )
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL to the node (an outage, not a shutdown); returns once its port is closed."""
        if self._pid is not None:
            os.kill(self._pid, signal.SIGKILL)
        if self._server is not None:
            self._server.wait(timeout=30)
            self._server = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    time.sleep(0.1)
            except OSError:
                break
        self._pid = None

    def close(self) -> None:
        """Kills the node if it runs and removes its folder."""
        self.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.asynccontextmanager
async def private_rabbitmq() -> AsyncIterator[PrivateRabbitMQ]:
    """A started private node, killed and removed on the way out whatever happened inside."""
    broker = PrivateRabbitMQ()
    try:
        await asyncio.to_thread(broker.start)
        yield broker
    finally:
        await asyncio.to_thread(broker.close)
