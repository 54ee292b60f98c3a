"""AMQP listeners against a real RabbitMQ and PostgreSQL: requests on `beat.dx` become tasks,
identity tokens on `identity.dx` update credentials, sentiment report requests are recorded and
answered on `beat.dx`; requests that are none go to the dead-letter queue with the reason, and
the next good one is still acted on."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aio_pika
import asyncpg
import pytest
from aio_pika.abc import (
    AbstractChannel,
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustConnection,
)

from reach.scraper import processing
from reach.scraper.contract import IDENTITY_EXCHANGE, SENTIMENT_REPORT_READY
from reach.scraper.enqueueing import BadRequest
from reach.scraper.listeners import LISTENERS, SentimentRequest, consume, sentiment_task
from reach.scraper.models import Comment, Sentiment
from reach.scraper.publishing import EXCHANGE
from reach.scraper.queue.manager import TaskManager
from reach.testing.polling import eventually

pytestmark = pytest.mark.service


@pytest.fixture
async def connection(amqp_url: str) -> AsyncIterator[AbstractRobustConnection]:
    connection = await aio_pika.connect_robust(amqp_url)
    yield connection
    channel = await connection.channel()
    for listener in LISTENERS:
        await channel.queue_delete(listener.queue)
        await channel.queue_delete(listener.dead_letter_queue)
    await connection.close()


@pytest.fixture
async def publisher(connection: AbstractRobustConnection, pool: asyncpg.Pool) -> AbstractChannel:
    """A channel publishing to listeners that consume (and so have declared their queues)."""
    consuming = await connection.channel()
    # One message in hand per queue: each queue's messages are acted on in order, so a test
    # knows a message was handled once the one it sent after it was.
    await consuming.set_qos(prefetch_count=1)
    await consume(consuming, TaskManager(pool))
    return await connection.channel(publisher_confirms=True)


async def send(channel: AbstractChannel, exchange: str, key: str, body: Any) -> None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    await (await channel.get_exchange(exchange)).publish(aio_pika.Message(raw), routing_key=key)


async def next_message(queue: AbstractQueue) -> AbstractIncomingMessage:
    async with queue.iterator() as incoming:
        message = await asyncio.wait_for(anext(incoming), 30)
        await message.ack()
    return message


async def dead_letter_reason(channel: AbstractChannel, queue_name: str) -> str:
    message = await next_message(await channel.declare_queue(f"{queue_name}.dlq", durable=True))
    return str(message.headers["x-reach-error"])


async def tasks(pool: asyncpg.Pool, count: int) -> list[asyncpg.Record]:
    """The tasks, once there are `count` of them (none before)."""
    rows = await pool.fetch("SELECT flow, params FROM scrape_request_log ORDER BY id")
    return rows if len(rows) >= count else []


async def test_requests_become_tasks_and_bad_ones_dead_letters(
    publisher: AbstractChannel, pool: asyncpg.Pool
) -> None:
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
        await send(publisher, EXCHANGE, key, body)
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
    assert "need a video_id" in await dead_letter_reason(publisher, "scraper.sentiment_request_q")
    assert "not a KeywordCollection" in await dead_letter_reason(
        publisher, "scraper.keyword_collection_q"
    )


def token(name: str, action: str, issued_at: str, **fields: Any) -> dict[str, Any]:
    return {"source": "graphapi", "name": name, "action": action, "issued_at": issued_at, **fields}


async def credential(pool: asyncpg.Pool, name: str, **expected: Any) -> asyncpg.Record | None:
    """The credential `name`, once its columns have the `expected` values."""
    row = await pool.fetchrow(
        "SELECT credentials, enabled, disabled_reason, updated_at FROM credential"
        " WHERE source = 'graphapi' AND name = $1",
        name,
    )
    return row if row is not None and all(row[k] == v for k, v in expected.items()) else None


async def test_identity_tokens_issue_rotate_and_revoke_credentials(
    publisher: AbstractChannel, pool: asyncpg.Pool
) -> None:
    async def identity(body: Any) -> None:
        await send(publisher, IDENTITY_EXCHANGE, "identity_token", body)

    issued = token(
        "creator-1",
        "issued",
        "2026-01-01T00:00:00Z",
        credentials={"user_id": "17841", "access_token": "t1"},
    )
    await identity(issued)
    await eventually(
        lambda: credential(pool, "creator-1", credentials=issued["credentials"], enabled=True),
        "issued token stored",
    )
    # A rotation names the keys that changed; the others stay.
    rotated = token(
        "creator-1", "rotated", "2026-01-02T00:00:00+00:00", credentials={"access_token": "t2"}
    )
    await identity(rotated)
    after_rotation = await eventually(
        lambda: credential(
            pool, "creator-1", credentials={"user_id": "17841", "access_token": "t2"}
        ),
        "rotated token stored",
    )

    # Redelivered messages (the rotation again, the older issue) and malformed ones change
    # nothing; a token for another credential sent after them shows they were handled.
    await identity(rotated)
    await identity(issued)
    await identity(b"{not json")
    await identity(token("creator-1", "revoked", "2026-01-03T00:00:00Z", credentials={"a": "b"}))
    await identity(token("creator-2", "issued", "2026-01-03T00:00:00", credentials={"k": "v"}))
    await identity(token("creator-2", "issued", "2026-01-03T00:00:00Z", credentials={"k": "v"}))
    await eventually(lambda: credential(pool, "creator-2", enabled=True), "creator-2 stored")
    assert await credential(pool, "creator-1") == after_rotation
    queue = "scraper.identity_token_q"
    reasons = [await dead_letter_reason(publisher, queue) for _ in range(3)]
    assert "not a IdentityToken: Expecting property name" in reasons[0]
    assert "revoked ones none" in reasons[1]
    assert "issued_at" in reasons[2] and "timezone" in reasons[2]

    await identity(token("creator-1", "revoked", "2026-01-04T00:00:00Z", reason="disconnected"))
    revoked = {"credentials": {}, "enabled": False, "disabled_reason": "revoked: disconnected"}
    await eventually(lambda: credential(pool, "creator-1", **revoked), "revoked credential")


async def test_sentiment_reports_are_recorded_and_published(
    publisher: AbstractChannel, pool: asyncpg.Pool
) -> None:
    video = "v0000000001"
    comments = [Comment(comment_id=f"c{i}", post_id=video, text=f"comment {i}") for i in range(4)]
    scores = [(0.8, 0.1, 0.1), (0.1, 0.7, 0.2), (0.2, 0.2, 0.6), (0.6, 0.1, 0.3)]
    sentiments = [
        Sentiment(comment_id=c.comment_id, positive=p, negative=n, neutral=u)
        for c, (p, n, u) in zip(comments, scores, strict=True)
    ]
    # Written the way the comment flows write them.
    await processing.save_sentiments(pool, 1, "youtube", video, comments, sentiments)
    reports = await publisher.declare_queue(exclusive=True)
    await reports.bind(EXCHANGE, routing_key=SENTIMENT_REPORT_READY)

    await send(publisher, EXCHANGE, "sentiment_report", {"platform": "youtube"})
    await send(publisher, EXCHANGE, "sentiment_report", {"platform": "youtube", "video_id": "x"})
    request = {"platform": "youtube", "video_id": video}
    await send(publisher, EXCHANGE, "sentiment_report", request)
    await send(publisher, EXCHANGE, "sentiment_report", request)  # redelivered

    first, second = await next_message(reports), await next_message(reports)
    assert first.message_id == second.message_id
    report = json.loads(first.body)
    assert report == {**json.loads(second.body), "reported_at": report["reported_at"]}
    assert {k: report[k] for k in ("platform", "post_id", "comments", "mean_score")} == {
        "platform": "youtube",
        "post_id": video,
        "comments": 4,
        "mean_score": pytest.approx((0.7 - 0.6 + 0.0 + 0.5) / 4),
    }
    assert (report["positive"], report["negative"], report["neutral"]) == (2, 1, 1)
    rows = await pool.fetch("SELECT platform, post_id, comments FROM sentiment_report")
    assert [tuple(r) for r in rows] == [("youtube", video, 4)]
    queue = "scraper.sentiment_report_q"
    assert "youtube post requests need a video_id" in await dead_letter_reason(publisher, queue)
    assert "video_id" in await dead_letter_reason(publisher, queue)


def test_request_bodies_map_to_flows() -> None:
    with pytest.raises(BadRequest):
        sentiment_task(SentimentRequest(platform="instagram"))
    yt = sentiment_task(SentimentRequest(platform="youtube", video_id="v0000000001", limit=5))
    assert (yt.flow, yt.params, yt.dedup_key) == (
        "fetch_youtube_video_comments",
        {"video_id": "v0000000001", "limit": 5},
        "v0000000001",
    )
