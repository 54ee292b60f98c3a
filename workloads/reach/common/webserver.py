"""Runs an ASGI app with uvicorn under the workload's `Shutdown` rather than uvicorn's own
signal handling, so one SIGTERM drains the HTTP server and the rest of the workload together."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import uvicorn
from starlette.types import ASGIApp

from reach.common.lifecycle import Shutdown


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # Signals belong to the workload's Shutdown, which stops this server.
        yield


async def serve_http(
    app: ASGIApp,
    *,
    host: str,
    port: int,
    shutdown: Shutdown,
    graceful_seconds: float = 10,
    server_headers: bool = True,
) -> None:
    """Serves `app` until `shutdown` is requested, then lets in-flight requests finish.
    `server_headers=False` leaves out uvicorn's `server` and `date`, for a proxy that passes
    on its upstream's."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=int(graceful_seconds),
        lifespan="off",
        # No workload speaks WebSocket; without this uvicorn imports a WebSocket stack.
        ws="none",
        server_header=server_headers,
        date_header=server_headers,
    )
    server = _Server(config)
    serving = asyncio.create_task(server.serve())
    stopping = asyncio.create_task(shutdown.wait())
    done, _ = await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    stopping.cancel()
    await serving
    if serving in done and not shutdown.requested and not server.started:
        raise RuntimeError(f"HTTP server on {host}:{port} failed to start")
