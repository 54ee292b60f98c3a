"""Versioned schema migrations for PostgreSQL and ClickHouse, applied by `reach db migrate`.

Migrations are SQL files `NNNN_name.sql` under `schema/postgres` and `schema/clickhouse`, applied
in version order and recorded with a checksum; an applied file that was edited afterwards is an
error, not a silent drift.

PostgreSQL: all pending migrations run in one transaction under an advisory lock, so concurrent
migrators wait for each other and a failure anywhere leaves the database as it was.
ClickHouse has no transactional DDL: every statement is written to be idempotent (`IF NOT
EXISTS`), a migration is recorded only once all its statements ran, and a rerun completes one
that failed halfway.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from typing import Literal

import asyncpg
from clickhouse_connect.driver.client import Client

Store = Literal["postgres", "clickhouse"]

_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# Any number; only needs to be the same in every migrator.
_ADVISORY_LOCK = 0x7265616368  # "reach"
LEDGER = "reach_schema_migration"


class MigrationError(RuntimeError):
    pass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()

    @property
    def label(self) -> str:
        return f"{self.version:04d}_{self.name}"

    def statements(self) -> list[str]:
        """Statements split at `;` ending a line; comment-only chunks dropped."""
        chunks = re.split(r";\s*$", self.sql, flags=re.MULTILINE)
        out = []
        for chunk in chunks:
            code = "\n".join(
                line for line in chunk.splitlines() if not line.strip().startswith("--")
            ).strip()
            if code:
                out.append(code)
        return out


def discover(store: Store) -> list[Migration]:
    folder = resources.files("reach.common") / "schema" / store
    found = []
    for entry in folder.iterdir():
        match = _FILE.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
        elif entry.name.endswith(".sql"):
            raise MigrationError(f"{store} migration {entry.name!r} is not named NNNN_name.sql")
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"{store} migrations reuse a version number: {versions}")
    return found


def _pending(store: Store, migrations: list[Migration], applied: dict[int, str]) -> list[Migration]:
    for m in migrations:
        if m.version in applied and applied[m.version] != m.checksum:
            raise MigrationError(
                f"{store} migration {m.label} was changed after it was applied; "
                "add a new migration instead"
            )
    return [m for m in migrations if m.version not in applied]


async def migrate_postgres(
    conn: asyncpg.Connection, migrations: list[Migration] | None = None
) -> list[Migration]:
    """Applies pending PostgreSQL migrations atomically; returns what it applied."""
    migrations = discover("postgres") if migrations is None else migrations
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _ADVISORY_LOCK)
        await conn.execute(
            f"""CREATE TABLE IF NOT EXISTS {LEDGER} (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())"""
        )
        rows = await conn.fetch(f"SELECT version, checksum FROM {LEDGER}")
        pending = _pending("postgres", migrations, {r["version"]: r["checksum"] for r in rows})
        for m in pending:
            try:
                await conn.execute(m.sql)
            except asyncpg.PostgresError as exc:
                raise MigrationError(f"postgres migration {m.label} failed: {exc}") from exc
            await conn.execute(
                f"INSERT INTO {LEDGER} (version, name, checksum) VALUES ($1, $2, $3)",
                m.version,
                m.name,
                m.checksum,
            )
    return pending


def migrate_clickhouse(
    client: Client, migrations: list[Migration] | None = None
) -> list[Migration]:
    """Applies pending ClickHouse migrations statement by statement; returns what it applied."""
    migrations = discover("clickhouse") if migrations is None else migrations
    client.command(
        f"""CREATE TABLE IF NOT EXISTS default.{LEDGER} (
            version    UInt32,
            name       String,
            checksum   String,
            applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
        ENGINE = ReplacingMergeTree ORDER BY version"""
    )
    rows = client.query(f"SELECT version, checksum FROM default.{LEDGER} FINAL").result_rows
    pending = _pending("clickhouse", migrations, {int(v): c for v, c in rows})
    for m in pending:
        for statement in m.statements():
            try:
                client.command(statement)
            except Exception as exc:  # the driver raises several unrelated types
                raise MigrationError(f"clickhouse migration {m.label} failed: {exc}") from exc
        client.insert(
            f"default.{LEDGER}",
            [[m.version, m.name, m.checksum]],
            column_names=["version", "name", "checksum"],
        )
    return pending
