"""Fixtures shared by every tier.

PostgreSQL: the schema is migrated once into a template database per test session; each test
that asks for `postgres_dsn` gets its own copy (`CREATE DATABASE ... TEMPLATE`), dropped after.
ClickHouse: the embedded engine allows one data folder per process, so the session has one and
each test that asks for `clickhouse_database` gets a fresh database in it; `clickhouse_server`
is a `reach clickhouse serve` process for what must go over ClickHouse's HTTP interface.
Redis: `redis` is a client of the shared server; `private_redis` is a redis-server of the test's
own, for tests that stop and start it, and `private_redis_client` a client of it.
Hypothesis: one profile, derandomized and without an example database, so every run (CI
included) tries the same inputs; example counts are set per property.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from clickhouse_connect.driver.client import Client
from hypothesis import settings as hypothesis_settings
from redis.asyncio import Redis

from reach.common import clickhouse
from reach.common.migrations import migrate_clickhouse, migrate_postgres
from reach.common.settings import StoreSettings
from reach.testing.clickhouse import ClickHouseServer, connected, fresh_database
from reach.testing.cluster import LocalCluster
from reach.testing.ports import free_port
from reach.testing.postgres import admin, new_database, with_database
from reach.testing.rabbitmq import vhost
from reach.testing.redis import PrivateRedis, redis_client

hypothesis_settings.register_profile(
    "reach", derandomize=True, database=None, deadline=None, print_blob=False
)
hypothesis_settings.load_profile("reach")


@pytest.fixture(scope="session")
def base_settings() -> StoreSettings:
    """The servers `make services` started (or the REACH_* variables of the environment)."""
    return StoreSettings()


@pytest.fixture(scope="session")
def postgres_template(base_settings: StoreSettings) -> Iterator[str]:
    server = str(base_settings.postgres_dsn)
    name = f"reach_template_{os.getpid()}"

    async def build() -> None:
        await admin(server, f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}")
        conn = await asyncpg.connect(with_database(server, name))
        try:
            await migrate_postgres(conn)
        finally:
            await conn.close()

    asyncio.run(build())
    yield name
    asyncio.run(admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture
def empty_postgres_dsn(base_settings: StoreSettings) -> Iterator[str]:
    """A DSN to a new database with nothing in it."""
    with new_database(str(base_settings.postgres_dsn)) as dsn:
        yield dsn


@pytest.fixture
def postgres_dsn(base_settings: StoreSettings, postgres_template: str) -> Iterator[str]:
    """A DSN to a new database holding the migrated schema and no rows."""
    with new_database(str(base_settings.postgres_dsn), postgres_template) as dsn:
        yield dsn


@pytest.fixture(scope="session")
def clickhouse_dsn(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The session's embedded ClickHouse, with the base schema migrated."""
    dsn = f"chdb://{tmp_path_factory.mktemp('clickhouse')}"
    client = clickhouse.get_client(dsn=dsn)
    try:
        migrate_clickhouse(client)
    finally:
        client.close()
    return dsn


@pytest.fixture
def clickhouse_client(clickhouse_dsn: str) -> Iterator[Client]:
    with connected(clickhouse_dsn) as client:
        yield client


@pytest.fixture
def clickhouse_database(clickhouse_client: Client) -> Iterator[str]:
    """A fresh, empty ClickHouse database in the session's engine, dropped after the test."""
    with fresh_database(clickhouse_client) as name:
        yield name


@pytest.fixture
def settings(postgres_dsn: str, clickhouse_dsn: str) -> StoreSettings:
    """Store settings pointing at this test's own PostgreSQL database and the session's engine."""
    return StoreSettings(postgres_dsn=postgres_dsn, clickhouse_url=clickhouse_dsn)


@pytest.fixture
def repo_root(repo_root_session: Path) -> Path:
    return repo_root_session


@pytest.fixture(scope="session")
def k8s_bin(repo_root_session: Path) -> Path:
    """The cached Kubernetes binaries, built by `scripts/k8s-tools.sh` if missing."""
    out = subprocess.run(
        ["bash", str(repo_root_session / "scripts" / "k8s-tools.sh")],
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def k8s_cluster(k8s_bin: Path) -> Iterator[LocalCluster]:
    """A real control plane (etcd, kube-apiserver, kube-controller-manager) for the session."""
    with LocalCluster(k8s_bin) as cluster:
        yield cluster


@pytest.fixture(scope="session")
def repo_root_session() -> Path:
    return Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def amqp_url(base_settings: StoreSettings) -> Iterator[str]:
    """A RabbitMQ virtual host of its own for the session's tests, deleted at the end."""
    with vhost(str(base_settings.amqp_url)) as url:
        yield url


@pytest.fixture
async def redis(base_settings: StoreSettings) -> AsyncIterator[Redis]:
    """A client of the shared Redis; each test keeps to keys under a prefix of its own."""
    async with redis_client(base_settings) as client:
        yield client


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A started redis-server of the test's own (never the shared one), killed after."""
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def private_redis_client(private_redis: PrivateRedis) -> AsyncIterator[Redis]:
    """A client of the test's own redis-server, which it reconnects to after a restart."""
    async with redis_client(StoreSettings(redis_url=private_redis.url)) as client:
        yield client


@pytest.fixture(scope="session")
def clickhouse_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClickHouseServer]:
    """One ClickHouse server for the session, with the base schema migrated over HTTP."""
    server = ClickHouseServer(tmp_path_factory.mktemp("clickhouse-server"), free_port())
    server.start()
    try:
        client = clickhouse.get_client(dsn=server.url)
        try:
            migrate_clickhouse(client)
        finally:
            client.close()
        yield server
    finally:
        server.stop()
