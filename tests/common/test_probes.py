from __future__ import annotations

import asyncio
import json
import logging

import httpx
import pytest
from prometheus_client import CollectorRegistry, Counter
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from reach.common.lifecycle import Shutdown
from reach.common.logs import JsonFormatter
from reach.common.probes import Readiness, RequestIdMiddleware, probe_app

pytestmark = pytest.mark.unit


def _client(app: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://probe")  # type: ignore[arg-type]


async def test_healthz_and_metrics() -> None:
    registry = CollectorRegistry()
    Counter("reach_test_things", "things", registry=registry).inc(3)
    async with _client(probe_app(Readiness(), registry)) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        metrics = await client.get("/metrics")
        assert "reach_test_things_total 3.0" in metrics.text


async def test_readyz_reports_failing_and_slow_checks_and_draining() -> None:
    shutdown = Shutdown()
    readiness = Readiness(shutdown, timeout=0.05)

    async def fine() -> None:
        return None

    async def broken() -> None:
        raise ConnectionError("broker unreachable")

    async def slow() -> None:
        await asyncio.sleep(1)

    readiness.add("postgres", fine)
    async with _client(probe_app(readiness)) as client:
        assert (await client.get("/readyz")).status_code == 200
        readiness.add("amqp", broken)
        readiness.add("clickhouse", slow)
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["failed"] == {
            "amqp": "ConnectionError: broker unreachable",
            "clickhouse": "TimeoutError",
        }
        shutdown.request()
        assert (await client.get("/readyz")).json()["failed"] == {"shutdown": "draining"}


async def test_request_id_is_echoed_and_logged() -> None:
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Collect()
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("reach.test.probes")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    async def hello(_: Request) -> PlainTextResponse:
        logger.info("handled", extra={"route": "hello"})
        return PlainTextResponse("hi")

    app = RequestIdMiddleware(Starlette(routes=[Route("/hello", hello)]))
    try:
        async with _client(app) as client:
            given = await client.get("/hello", headers={"x-request-id": "abc123"})
            made = await client.get("/hello")
    finally:
        logger.removeHandler(handler)
    assert given.headers["x-request-id"] == "abc123"
    assert len(made.headers["x-request-id"]) == 32
    first, second = (json.loads(line) for line in lines)
    assert first["request_id"] == "abc123"
    assert first["route"] == "hello"
    assert first["msg"] == "handled"
    assert second["request_id"] == made.headers["x-request-id"]
