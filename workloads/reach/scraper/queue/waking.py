"""LISTEN/NOTIFY wake-ups for idle workers.

PostgreSQL notifies channel `scrape_request_log` with the flow's name whenever pending tasks
are inserted (a trigger, so SQL producers such as Airflow DAGs wake workers too) or released by
a stopping worker. A `Waker` holds one connection listening on that channel and sets the event
of the flow it names; a worker with nothing to do waits on its flow's event, with a fallback
poll for tasks whose run_after comes due and for notifications lost while reconnecting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import Any

import asyncpg

from reach.common.lifecycle import Shutdown
from reach.scraper.queue.manager import NOTIFY_CHANNEL

log = logging.getLogger(__name__)


class Waker:
    def __init__(self, dsn: str, *, reconnect_seconds: float = 1.0) -> None:
        self._dsn = dsn
        self._reconnect = reconnect_seconds
        self._events: dict[str, asyncio.Event] = {}
        self._lost = asyncio.Event()
        self.listening = asyncio.Event()

    def event(self, flow: str) -> asyncio.Event:
        return self._events.setdefault(flow, asyncio.Event())

    def _notified(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        event = self._events.get(payload)
        if event is not None:
            event.set()

    def _terminated(self, _conn: object) -> None:
        self._lost.set()

    async def run(self, shutdown: Shutdown) -> None:
        """Listens until `shutdown`, reconnecting when the connection drops."""
        while not shutdown.requested:
            try:
                conn = await asyncpg.connect(
                    self._dsn, server_settings={"application_name": "reach-scraper-waker"}
                )
            except (OSError, asyncpg.PostgresError) as exc:
                log.warning("waker cannot connect: %s", exc)
                await _sleep_unless(shutdown, self._reconnect)
                continue
            self._lost.clear()
            try:
                conn.add_termination_listener(self._terminated)
                await conn.add_listener(NOTIFY_CHANNEL, self._notified)
                self.listening.set()
                # Whatever was notified while disconnected is caught by one look now.
                for event in self._events.values():
                    event.set()
                await _first(shutdown.wait(), self._lost.wait())
            finally:
                self.listening.clear()
                with contextlib.suppress(Exception):  # closing a dead connection may raise
                    await conn.close()
            if not shutdown.requested:
                log.warning("waker lost its connection; reconnecting")
                await _sleep_unless(shutdown, self._reconnect)


async def _first(*waits: Coroutine[Any, Any, Any]) -> None:
    tasks = [asyncio.ensure_future(w) for w in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()


async def _sleep_unless(shutdown: Shutdown, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(shutdown.wait(), seconds)
