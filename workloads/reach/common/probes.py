"""Health, readiness and metrics endpoints, and the request-id middleware, for every workload.

HTTP workloads add `probe_routes` and `RequestIdMiddleware` to their app; workloads without an
HTTP API (sinks, scraper workers) serve `probe_app` on their probe port.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from reach.common.asgi import HttpMiddleware
from reach.common.lifecycle import Shutdown
from reach.common.logs import new_request_id, request_id

log = logging.getLogger(__name__)

Check = Callable[[], Awaitable[object]]


class Readiness:
    """Named checks that must all pass for /readyz to answer 200; a check fails by raising or
    by taking longer than `timeout` seconds. A workload that is draining is never ready."""

    def __init__(self, shutdown: Shutdown | None = None, timeout: float = 2.0) -> None:
        self._checks: dict[str, Check] = {}
        self._shutdown = shutdown
        self._timeout = timeout

    def add(self, name: str, check: Check) -> None:
        self._checks[name] = check

    async def failures(self) -> dict[str, str]:
        if self._shutdown is not None and self._shutdown.requested:
            return {"shutdown": "draining"}

        async def run(check: Check) -> str | None:
            try:
                await asyncio.wait_for(check(), self._timeout)
            except Exception as exc:  # a probe reports every failure, whatever its kind
                detail = str(exc)
                return f"{type(exc).__name__}: {detail}"[:200] if detail else type(exc).__name__
            return None

        names = list(self._checks)
        results = await asyncio.gather(*(run(self._checks[n]) for n in names))
        return {n: r for n, r in zip(names, results, strict=True) if r is not None}


def probe_routes(readiness: Readiness, registry: CollectorRegistry = REGISTRY) -> list[Route]:
    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> Response:
        failed = await readiness.failures()
        if failed:
            return JSONResponse({"status": "unavailable", "failed": failed}, status_code=503)
        return JSONResponse({"status": "ok"})

    async def metrics(_: Request) -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]


def probe_app(readiness: Readiness, registry: CollectorRegistry = REGISTRY) -> Starlette:
    return Starlette(routes=probe_routes(readiness, registry))


class RequestIdMiddleware(HttpMiddleware):
    """Takes the caller's `x-request-id` (or makes one), puts it in every log line of the
    request and echoes it in the response."""

    header = b"x-request-id"

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        incoming = dict(scope["headers"]).get(self.header, b"").decode("latin-1")[:128]
        rid = incoming or new_request_id()
        token = request_id.set(rid)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"].append((self.header, rid.encode("latin-1")))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id.reset(token)
