"""AMQP listeners against a real RabbitMQ and PostgreSQL: requests on `beat.dx` become tasks;
requests that cannot be tasks go to the dead-letter queue with the reason."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import aio_pika
import asyncpg
import pytest
from aio_pika.abc import AbstractRobustConnection

from reach.scraper.enqueueing import BadRequest
from reach.scraper.listeners import SentimentRequest, consume, sentiment_task
from reach.scraper.publishing import EXCHANGE
from reach.scraper.queue.manager import TaskManager
from reach.testing.polling import eventually

pytestmark = pytest.mark.service


@pytest.fixture
async def connection(amqp_url: str) -> AsyncIterator[AbstractRobustConnection]:
    connection = await aio_pika.connect_robust(amqp_url)
    yield connection
    channel = await connection.channel()
    for name in ("credential_validity", "keyword_collection", "sentiment_request"):
        await channel.queue_delete(f"scraper.{name}_q")
        await channel.queue_delete(f"scraper.{name}_q.dlq")
    await connection.close()


async def tasks(pool: asyncpg.Pool, count: int) -> list[asyncpg.Record]:
    """The tasks, once there are `count` of them (none before)."""
    rows = await pool.fetch("SELECT flow, params FROM scrape_request_log ORDER BY id")
    return rows if len(rows) >= count else []


async def test_requests_become_tasks_and_bad_ones_dead_letters(
    connection: AbstractRobustConnection, pool: asyncpg.Pool
) -> None:
    channel = await connection.channel()
    await consume(channel, TaskManager(pool))
    publisher = await connection.channel(publisher_confirms=True)
    exchange = await publisher.get_exchange(EXCHANGE)
    messages = [
        ("keyword_collection", {"platform": "youtube", "keyword": "street food", "limit": 5}),
        ("sentiment_request", {"platform": "instagram", "shortcode": "C0000000003"}),
        (
            "credential_validity",
            {"source": "youtube", "name": "k2", "credentials": {"key": "abc"}},
        ),
        ("sentiment_request", {"platform": "youtube"}),
        ("keyword_collection", "not a request"),
    ]
    for key, body in messages:
        await exchange.publish(aio_pika.Message(json.dumps(body).encode()), routing_key=key)
    rows = await eventually(lambda: tasks(pool, 3), "3 tasks")
    # Each request kind has its own queue and consumer, so the tasks land in any order.
    assert sorted((r["flow"], r["params"]) for r in rows) == [
        ("fetch_instagram_post_comments", {"shortcode": "C0000000003", "limit": 100}),
        (
            "search_youtube_keyword",
            {"keyword": "street food", "kind": "channel", "limit": 5, "priority": 0},
        ),
        ("validate_credential", {"source": "youtube", "name": "k2", "secrets": {"key": "abc"}}),
    ]
    dead = []
    for name in ("scraper.sentiment_request_q.dlq", "scraper.keyword_collection_q.dlq"):
        queue = await publisher.declare_queue(name, durable=True)
        async with queue.iterator() as incoming:
            message = await asyncio.wait_for(anext(incoming), 30)
            await message.ack()
        dead.append(message.headers["x-reach-error"])
    assert "need a video_id" in str(dead[0])
    assert "not a KeywordCollection" in str(dead[1])


def test_request_bodies_map_to_flows() -> None:
    with pytest.raises(BadRequest):
        sentiment_task(SentimentRequest(platform="instagram"))
    yt = sentiment_task(SentimentRequest(platform="youtube", video_id="v0000000001", limit=5))
    assert (yt.flow, yt.params, yt.dedup_key) == (
        "fetch_youtube_video_comments",
        {"video_id": "v0000000001", "limit": 5},
        "v0000000001",
    )
