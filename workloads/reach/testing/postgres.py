"""PostgreSQL for tests and benches: databases of their own on the shared server (`admin`,
`with_database`, `new_database`), and a private server for tests that stop and restart it (the
shared one on 5432 is never touched): a cluster made by the installed PostgreSQL's `initdb` in a
temp folder, run by the `postgres` user on a free loopback port, trust authentication. Its data
survives a restart, as a real server's disk does."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg

from reach.testing.ports import free_port


def with_database(dsn: str, database: str) -> str:
    """`dsn` pointing at `database` instead."""
    base, _, _ = dsn.rpartition("/")
    return f"{base}/{database}"


async def admin(dsn: str, *statements: str) -> None:
    """Runs `statements` (CREATE/DROP DATABASE, which take no transaction) one by one."""
    conn = await asyncpg.connect(dsn)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


@contextlib.contextmanager
def new_database(
    server: str, template: str | None = None, prefix: str = "reach_test"
) -> Iterator[str]:
    """A DSN to a new database on `server` (a copy of `template`, or empty), dropped after."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    copy = f" TEMPLATE {template}" if template else ""
    asyncio.run(admin(server, f"CREATE DATABASE {name}{copy}"))
    try:
        yield with_database(server, name)
    finally:
        asyncio.run(admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


def _bin() -> Path:
    """The newest installed PostgreSQL's programs (Debian keeps them per major version)."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name)
    )
    if not versions:
        raise RuntimeError("no PostgreSQL server is installed (make services installs it)")
    return versions[-1].parent


class PrivatePostgres:
    def __init__(self) -> None:
        # Under /tmp itself: the server runs as the postgres user, which cannot enter pytest's
        # private temp folders.
        self.folder = Path(tempfile.mkdtemp(prefix="reach-postgres-"))
        self.port = free_port()
        self._bin = _bin()
        shutil.chown(self.folder, "postgres", "postgres")
        self._as_postgres(self._bin / "initdb", "-D", str(self.folder / "data"), "-U", "reach",
                          "--auth=trust", "--no-sync")  # fmt: skip

    def dsn(self, database: str = "postgres") -> str:
        return f"postgresql://reach@127.0.0.1:{self.port}/{database}"

    def _as_postgres(self, *command: str | Path) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *map(str, command)],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        """Starts the server and returns once it accepts connections."""
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(self._bin / "pg_ctl", "-D", self.folder / "data", "-o", options,
                          "-l", self.folder / "server.log", "-w", "start")  # fmt: skip

    def crash(self) -> None:
        """Stops the server the way a crash does (`immediate`: no checkpoint, every client cut
        off); it recovers from its WAL on the next start."""
        self._as_postgres(self._bin / "pg_ctl", "-D", self.folder / "data", "-m", "immediate",
                          "-w", "stop")  # fmt: skip

    def close(self) -> None:
        """Stops the server if it runs and removes its folder."""
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(self._bin / "pg_ctl"), "-D",
             str(self.folder / "data"), "-m", "immediate", "-w", "stop"],
            capture_output=True, timeout=120, check=False,
        )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)
