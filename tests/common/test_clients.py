"""Each client factory round-trips against the real server it is for."""

from __future__ import annotations

import asyncio
import uuid

import aio_pika
import pamqp.commands
import pytest
from clickhouse_connect.driver.client import Client

from reach.common import amqp, clickhouse
from reach.common.postgres import create_pool
from reach.common.redis import create_redis
from reach.common.settings import StoreSettings

pytestmark = pytest.mark.service


async def test_postgres_pool_names_itself_and_times_out_statements(
    base_settings: StoreSettings, postgres_dsn: str
) -> None:
    settings = StoreSettings(postgres_dsn=postgres_dsn, postgres_statement_timeout_ms=200)
    pool = await create_pool(settings, "reach-test")
    try:
        async with pool.acquire() as conn:
            assert await conn.fetchval("SHOW application_name") == "reach-test"
            assert await conn.fetchval("SELECT $1::jsonb", {"a": [1, 2]}) == {"a": [1, 2]}
            with pytest.raises(Exception, match="statement timeout"):
                await conn.execute("SELECT pg_sleep(2)")
    finally:
        await pool.close()


async def test_redis_round_trip(base_settings: StoreSettings) -> None:
    redis = create_redis(base_settings)
    key = f"reach-test:{uuid.uuid4().hex}"
    try:
        await redis.set(key, b"\x00value", ex=10)
        assert await redis.get(key) == b"\x00value"
    finally:
        await redis.delete(key)
        await redis.aclose()


async def test_amqp_publish_with_confirm_then_consume(base_settings: StoreSettings) -> None:
    connection = await amqp.connect(base_settings, "reach-test")
    try:
        channel = await amqp.open_channel(connection, prefetch=10)
        queue = await channel.declare_queue(f"reach-test-{uuid.uuid4().hex}", auto_delete=True)
        confirmation = await channel.default_exchange.publish(
            aio_pika.Message(b"hello", delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
            routing_key=queue.name,
        )
        assert isinstance(confirmation, pamqp.commands.Basic.Ack)
        message = await queue.get(timeout=5)
        assert message.body == b"hello"
        await message.ack()
    finally:
        await connection.close()


async def test_amqp_confirms_can_be_switched_off(base_settings: StoreSettings) -> None:
    connection = await amqp.connect(base_settings, "reach-test")
    try:
        channel = await amqp.open_channel(connection, confirms=False)
        queue = await channel.declare_queue(exclusive=True)
        assert await channel.default_exchange.publish(aio_pika.Message(b"x"), queue.name) is None
        await asyncio.sleep(0)
    finally:
        await connection.close()


def test_embedded_clickhouse_round_trip(
    clickhouse_client: Client, clickhouse_database: str
) -> None:
    table = f"{clickhouse_database}.t"
    clickhouse_client.command(
        f"CREATE TABLE {table} (id UInt64, name String) ENGINE = MergeTree ORDER BY id"
    )
    clickhouse_client.insert(table, [[1, "a"], [2, "b"]], column_names=["id", "name"])
    assert clickhouse_client.query(f"SELECT id, name FROM {table} ORDER BY id").result_rows == [
        (1, "a"),
        (2, "b"),
    ]


def test_threads_share_the_embedded_engine(clickhouse_dsn: str, clickhouse_database: str) -> None:
    table = f"{clickhouse_database}.counts"
    first = clickhouse.get_client(dsn=clickhouse_dsn)
    first.command(f"CREATE TABLE {table} (n UInt64) ENGINE = MergeTree ORDER BY n")

    def insert(n: int) -> None:
        client = clickhouse.get_client(dsn=clickhouse_dsn)
        try:
            client.insert(table, [[n]], column_names=["n"])
        finally:
            client.close()

    async def run() -> None:
        await asyncio.gather(*(asyncio.to_thread(insert, n) for n in range(8)))

    asyncio.run(run())
    assert first.query(f"SELECT count() FROM {table}").result_rows == [(8,)]
    first.close()
