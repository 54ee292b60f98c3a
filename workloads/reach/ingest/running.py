"""`reach ingest sink`: runs the named sinks in this process until shutdown, with probes.

All ClickHouse sinks of a process share one client (the embedded engine allows one folder per
process); with the embedded engine, the sink also creates its table, since no other process can
reach that folder. A ClickHouse server that does not answer yet is waited for: the queue holds
the events meanwhile. Each sink consumes on its own confirming channel with the configured
prefetch, which is what bounds the rows a sink holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import httpx
from aio_pika.abc import AbstractChannel
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import OperationalError
from tenacity import AsyncRetrying, retry_if_exception_type, wait_exponential_jitter

from reach.common import amqp, clickhouse
from reach.common.lifecycle import Shutdown
from reach.common.probes import Readiness, probe_app
from reach.common.webserver import serve_http
from reach.ingest.forwarding import WebengageForwarder
from reach.ingest.inserting import Inserter
from reach.ingest.routing import SINKS, WEBENGAGE_API
from reach.ingest.settings import IngestSettings
from reach.ingest.sinking import ClickHouseSink, FlushPolicy
from reach.ingest.tables import DATABASE, TABLES

log = logging.getLogger(__name__)


class Runnable(Protocol):
    async def start(self, channel: AbstractChannel, probe_channel: AbstractChannel) -> None: ...

    async def stop(self) -> None: ...


class UnknownSink(ValueError):
    pass


async def connect_clickhouse(settings: IngestSettings, shutdown: Shutdown) -> Client:
    """A client once ClickHouse answers, retrying with backoff until then or until shutdown."""
    retrying = AsyncRetrying(
        retry=retry_if_exception_type(OperationalError),
        wait=wait_exponential_jitter(multiplier=0.5, max=10),
        stop=lambda _: shutdown.requested,
        before_sleep=lambda state: log.warning(
            "ClickHouse does not answer yet, retrying: %s",
            state.outcome.exception() if state.outcome else None,
        ),
        reraise=True,
    )
    client: Client = await retrying(asyncio.to_thread, clickhouse.get_client, settings)
    return client


def check_names(names: Sequence[str]) -> None:
    unknown = [n for n in names if n not in SINKS]
    if unknown:
        raise UnknownSink(
            f"unknown sink(s) {', '.join(unknown)}; known: {', '.join(sorted(SINKS))}"
        )


async def run_sinks(
    settings: IngestSettings, names: Sequence[str], policy: FlushPolicy, shutdown: Shutdown
) -> None:
    """Runs the sinks `names` until `shutdown`, then stops each (flushing what it holds)."""
    check_names(names)
    connection = await amqp.connect(settings, f"reach-ingest-sink:{','.join(names)}")
    async with contextlib.AsyncExitStack() as stack:
        stack.push_async_callback(connection.close)
        probe_channel = await connection.channel(publisher_confirms=False)
        sinks: list[Runnable] = []
        ch_names = [n for n in names if SINKS[n].table is not None]
        if ch_names:
            client = await connect_clickhouse(settings, shutdown)
            stack.callback(client.close)
            embedded = clickhouse.is_embedded(settings.clickhouse_dsn)

            async def clickhouse_answers() -> None:
                if not await asyncio.to_thread(client.ping):
                    raise ConnectionError("ClickHouse does not answer")

            for name in ch_names:
                table = TABLES[name]
                if embedded:
                    client.command(f"CREATE DATABASE IF NOT EXISTS {DATABASE}")
                    client.command(table.create_sql())
                inserter = Inserter(
                    client, table, embedded=embedded, spool_dir=Path(settings.data_dir) / "spool"
                )
                sinks.append(
                    ClickHouseSink(
                        SINKS[name],
                        inserter,
                        policy,
                        retries=settings.sink_retries,
                        queue_type=settings.ingest_queue_type,
                    )
                )
        if WEBENGAGE_API.name in names:
            http = httpx.AsyncClient(
                base_url=settings.webengage_url,
                timeout=settings.webengage_timeout_seconds,
                headers={
                    "Authorization": f"Bearer {settings.webengage_api_key.get_secret_value()}"
                },
            )
            stack.push_async_callback(http.aclose)
            sinks.append(
                WebengageForwarder(
                    WEBENGAGE_API,
                    http,
                    license_code=settings.webengage_license_code,
                    attempts=settings.webengage_attempts,
                    retries=settings.sink_retries,
                    queue_type=settings.ingest_queue_type,
                )
            )
        readiness = Readiness(shutdown)
        for sink in sinks:
            channel = await amqp.open_channel(connection, prefetch=settings.amqp_prefetch)
            # Stopped (flushing) before the clients and the connection close: the stack unwinds
            # in reverse.
            stack.push_async_callback(sink.stop)
            await sink.start(channel, probe_channel)

        async def broker_open() -> None:
            if connection.is_closed:
                raise ConnectionError("RabbitMQ connection is closed")

        readiness.add("rabbitmq", broker_open)
        if ch_names:
            readiness.add("clickhouse", clickhouse_answers)
        if settings.sink_probe_port:
            await serve_http(
                probe_app(readiness),
                host=settings.ingest_host,
                port=settings.sink_probe_port,
                shutdown=shutdown,
            )
        else:
            await shutdown.wait()
