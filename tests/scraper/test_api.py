"""The scraper API over a real PostgreSQL: enqueue (201, or 200 when a pending duplicate takes
it), 422 naming the bad field, 404 for unknown flows and tasks, task status, queue stats."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import quote

import asyncpg
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reach.common.probes import Readiness
from reach.scraper.api import create_app
from reach.scraper.flows import FLOWS
from reach.scraper.flows.instagram import INSTAGRAM_SOURCES
from reach.scraper.queue.manager import TaskManager
from reach.testing import fuzzing, processes
from reach.testing.ports import free_port

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


@pytest.mark.parametrize(
    ("flow", "body", "loc"),
    [
        ("search_youtube_keyword", {"params": {"keyword": "a\x00b"}},
         ["body", "params", "keyword"]),
        ("refresh_instagram_profile", {"params": {"handle": "priya"}, "dedup_key": "a\x00"},
         ["body", "dedup_key"]),
        ("refresh_instagram_profile",
         {"params": {"handle": "priya"}, "run_after": "9999-12-31T23:59:59-23:59"},
         ["body", "run_after"]),
        ("refresh_instagram_profile",
         {"params": {"handle": "priya"}, "expires_at": "0001-01-01T00:00:00+14:00"},
         ["body", "expires_at"]),
    ],
)  # fmt: skip
async def test_what_postgresql_cannot_store_is_422_with_the_field(
    client: httpx.AsyncClient, flow: str, body: dict[str, object], loc: list[str]
) -> None:
    response = await client.post(f"/scrape_request_log/flow/{flow}", json=body)
    assert response.status_code == 422, response.text
    assert [e["loc"] for e in response.json()["detail"]] == [loc]


async def test_unknowns_are_404(client: httpx.AsyncClient) -> None:
    response = await client.post("/scrape_request_log/flow/nope", json={"params": {}})
    assert response.status_code == 404 and "unknown flow 'nope'" in response.json()["detail"]
    assert (await client.get("/scrape_request_log/999999")).status_code == 404


async def test_flows_list_their_params(client: httpx.AsyncClient) -> None:
    flows = {f["name"]: f for f in (await client.get("/flows")).json()}
    assert flows["refresh_instagram_profile"]["sources"] == list(INSTAGRAM_SOURCES)
    assert "handle" in flows["refresh_instagram_profile"]["params_schema"]["properties"]


async def test_probes(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    assert (await client.get("/readyz")).status_code == 200


@pytest.fixture
def served(postgres_dsn: str, tmp_path: Path) -> Iterator[str]:
    """`reach scraper api` as a process of its own, on this test's database."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {"REACH_POSTGRES_DSN": postgres_dsn, "REACH_DATA_DIR": str(tmp_path)}
    with processes.served(
        [processes.REACH, "scraper", "api", "--port", str(port)], env, f"{url}/readyz"
    ):
        yield url


_FIELDS = st.sampled_from(["params", "priority", "max_retries", "run_after", "expires_at",
                           "dedup_key", "other"])  # fmt: skip
_PARAMS = st.dictionaries(
    st.sampled_from(["handle", "channel_id", "shortcode", "video_id", "keyword", "limit",
                     "profile_id", "url", "x"]) | fuzzing.TEXT,
    fuzzing.JSON_VALUES,
    max_size=4,
)  # fmt: skip
_DATES = st.sampled_from(["2026-01-01T00:00:00Z", "0001-01-01T00:00:00", "9999-12-31T23:59:59Z",
                          "9999-12-31T23:59:59-23:59", "2026-13-01", "now", ""])  # fmt: skip
_BODIES = st.one_of(
    st.dictionaries(_FIELDS, fuzzing.JSON_VALUES | _DATES | _PARAMS, max_size=4).map(
        fuzzing.json_bytes
    ),
    st.fixed_dictionaries({"params": _PARAMS}, optional={"dedup_key": fuzzing.TEXT}).map(
        fuzzing.json_bytes
    ),
    # Valid params, so what follows them reaches PostgreSQL.
    st.fixed_dictionaries(
        {"params": st.just({"handle": "priya"})},
        optional={
            "dedup_key": fuzzing.TEXT,
            "run_after": _DATES,
            "expires_at": _DATES,
            "priority": fuzzing.NUMBERS,
            "max_retries": fuzzing.NUMBERS,
        },
    ).map(fuzzing.json_bytes),
    st.binary(max_size=100),
)
# A URL path carries UTF-8, so no lone surrogates there.
_FLOW_NAMES = st.sampled_from(sorted(FLOWS)) | st.text(max_size=40)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    flow=_FLOW_NAMES,
    body=_BODIES,
    content_type=st.just(b"application/json") | fuzzing.CONTENT_TYPES,
)
def test_any_enqueue_request_gets_success_or_a_json_4xx(
    served: str, flow: str, body: bytes, content_type: bytes
) -> None:
    response = httpx.post(
        f"{served}/scrape_request_log/flow/{quote(flow, safe='')}",
        content=body,
        headers={"content-type": content_type},
        timeout=30,
    )
    fuzzing.assert_answered_well(response)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(task_id=st.integers(min_value=-(2**70), max_value=2**70).map(str) | st.text(max_size=30))
def test_any_task_id_gets_success_or_a_json_4xx(served: str, task_id: str) -> None:
    response = httpx.get(f"{served}/scrape_request_log/{quote(task_id, safe='')}", timeout=30)
    fuzzing.assert_answered_well(response)
