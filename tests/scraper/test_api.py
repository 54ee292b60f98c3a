"""The scraper API over a real PostgreSQL: enqueue (201, or 200 when a pending duplicate takes
it), 422 naming the bad field, 404 for unknown flows and tasks, task status, queue stats."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from reach.common.probes import Readiness
from reach.scraper.api import create_app
from reach.scraper.queue.manager import TaskManager

pytestmark = pytest.mark.service


@pytest.fixture
async def client(pool: asyncpg.Pool) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(TaskManager(pool), Readiness())
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://scraper"
    ) as client:
        yield client


async def test_enqueue_dedup_and_status(client: httpx.AsyncClient) -> None:
    body = {"params": {"handle": "@Priya.Sharma1"}, "priority": 3}
    first = await client.post("/scrape_request_log/flow/refresh_instagram_profile", json=body)
    assert first.status_code == 201
    assert first.json() == {
        "id": first.json()["id"],
        "flow": "refresh_instagram_profile",
        "created": True,
    }
    again = await client.post("/scrape_request_log/flow/refresh_instagram_profile", json=body)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    task = (await client.get(f"/scrape_request_log/{first.json()['id']}")).json()
    assert (task["status"], task["priority"], task["params"], task["dedup_key"]) == (
        "PENDING",
        3,
        {"handle": "Priya.Sharma1"},
        "priya.sharma1",
    )
    stats = (await client.get("/scrape_request_log/stats")).json()
    assert [(s["flow"], s["status"], s["tasks"]) for s in stats] == [
        ("refresh_instagram_profile", "PENDING", 1)
    ]


async def test_bad_params_are_422_with_the_field(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/scrape_request_log/flow/refresh_instagram_posts",
        json={"params": {"handle": "ok.handle", "limit": 0}},
    )
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "params", "limit"]
    missing = await client.post(
        "/scrape_request_log/flow/refresh_instagram_posts", json={"params": {}}
    )
    assert [e["loc"] for e in missing.json()["detail"]] == [["body", "params", "handle"]]
    extra = await client.post(
        "/scrape_request_log/flow/refresh_youtube_video",
        json={"params": {"video_id": "a" * 11, "x": 1}},
    )
    assert extra.status_code == 422 and extra.json()["detail"][0]["loc"] == ["body", "params", "x"]
    envelope = await client.post(
        "/scrape_request_log/flow/refresh_youtube_video", json={"params": {}, "priority": 1000}
    )
    assert envelope.status_code == 422 and envelope.json()["detail"][0]["loc"] == [
        "body",
        "priority",
    ]


async def test_unknowns_are_404(client: httpx.AsyncClient) -> None:
    response = await client.post("/scrape_request_log/flow/nope", json={"params": {}})
    assert response.status_code == 404 and "unknown flow 'nope'" in response.json()["detail"]
    assert (await client.get("/scrape_request_log/999999")).status_code == 404


async def test_flows_list_their_params(client: httpx.AsyncClient) -> None:
    flows = {f["name"]: f for f in (await client.get("/flows")).json()}
    assert flows["refresh_instagram_profile"]["sources"] == [
        "graphapi",
        "rapidapi-instagram",
        "lastresort",
    ]
    assert "handle" in flows["refresh_instagram_profile"]["params_schema"]["properties"]


async def test_probes(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    assert (await client.get("/readyz")).status_code == 200
