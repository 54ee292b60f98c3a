from __future__ import annotations

import asyncio
import os
import signal

import httpx
import pytest

from reach.common.lifecycle import Shutdown, run_until_shutdown
from reach.common.probes import Readiness, probe_app
from reach.common.webserver import serve_http
from reach.testing.ports import free_port

pytestmark = pytest.mark.unit


async def test_sigterm_drains_then_returns() -> None:
    events: list[str] = []

    async def main(shutdown: Shutdown) -> None:
        events.append("started")
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(shutdown.wait(), 5)
        events.append("flushed")

    await run_until_shutdown(main)
    asyncio.get_running_loop().remove_signal_handler(signal.SIGTERM)
    asyncio.get_running_loop().remove_signal_handler(signal.SIGINT)
    assert events == ["started", "flushed"]


async def test_http_server_serves_until_shutdown() -> None:
    shutdown = Shutdown()
    port = free_port()
    server = asyncio.create_task(
        serve_http(probe_app(Readiness(shutdown)), host="127.0.0.1", port=port, shutdown=shutdown)
    )
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        for _ in range(100):
            try:
                response = await client.get("/healthz")
                break
            except httpx.ConnectError:
                await asyncio.sleep(0.05)
        assert response.status_code == 200
    shutdown.request()
    await asyncio.wait_for(server, 5)
