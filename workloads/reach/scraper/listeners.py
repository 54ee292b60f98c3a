"""AMQP listeners (`reach scraper listen`): the seed's inbound requests that still make sense,
each a JSON message on `beat.dx` turned into a queue task.

Each listener consumes `scraper.<routing key>_q`, bound to `beat.dx` by its routing key:
- `credential_validity`: `{source, name, credentials}` -> a `validate_credential` task;
- `keyword_collection`: `{platform: "youtube", keyword, limit?, priority?}` -> a
  `search_youtube_keyword` task;
- `sentiment_request`: `{platform, shortcode (instagram) | video_id (youtube), limit?}` -> a
  `fetch_instagram_post_comments` or `fetch_youtube_video_comments` task.

A message that is not a valid request goes to its queue's `.dlq` with the reason in header
`x-reach-error` and is acknowledged: retrying it cannot help. A message that could not be
enqueued (the database is down) is returned to its queue for another try.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reach.common.networks import SocialNetwork
from reach.scraper.contract import FlowName
from reach.scraper.enqueueing import BadRequest, new_task
from reach.scraper.publishing import EXCHANGE
from reach.scraper.queue.manager import TaskManager
from reach.scraper.queue.models import NewTask

log = logging.getLogger(__name__)


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class CredentialValidity(_Body):
    source: str
    name: str
    credentials: dict[str, Any]


class KeywordCollection(_Body):
    platform: Literal["youtube"]
    keyword: str
    limit: int = Field(default=50, ge=1, le=500)
    priority: int = Field(default=0, ge=-100, le=100)


class SentimentRequest(_Body):
    platform: SocialNetwork
    shortcode: str | None = None
    video_id: str | None = None
    limit: int = Field(default=100, ge=1, le=5000)


def credential_task(body: CredentialValidity) -> NewTask:
    return new_task(
        FlowName.VALIDATE_CREDENTIAL,
        {"source": body.source, "name": body.name, "secrets": body.credentials},
    )


def keyword_task(body: KeywordCollection) -> NewTask:
    return new_task(
        FlowName.SEARCH_YOUTUBE_KEYWORD,
        {"keyword": body.keyword, "limit": body.limit, "priority": body.priority},
        priority=body.priority,
    )


def sentiment_task(body: SentimentRequest) -> NewTask:
    if body.platform == "instagram":
        if not body.shortcode:
            raise BadRequest("instagram sentiment requests need a shortcode")
        return new_task(
            FlowName.FETCH_INSTAGRAM_POST_COMMENTS,
            {"shortcode": body.shortcode, "limit": body.limit},
        )
    if not body.video_id:
        raise BadRequest("youtube sentiment requests need a video_id")
    return new_task(
        FlowName.FETCH_YOUTUBE_VIDEO_COMMENTS, {"video_id": body.video_id, "limit": body.limit}
    )


@dataclass(frozen=True)
class Listener:
    routing_key: str
    to_task: Callable[[bytes], NewTask]

    @property
    def queue(self) -> str:
        return f"scraper.{self.routing_key}_q"

    @property
    def dead_letter_queue(self) -> str:
        return f"{self.queue}.dlq"


def _parser(model: type[_Body], build: Callable[[Any], NewTask]) -> Callable[[bytes], NewTask]:
    def parse(raw: bytes) -> NewTask:
        try:
            body = model.model_validate(json.loads(raw))
        except (ValueError, ValidationError) as exc:
            raise BadRequest(f"not a {model.__name__}: {exc}") from None
        return build(body)

    return parse


LISTENERS = (
    Listener("credential_validity", _parser(CredentialValidity, credential_task)),
    Listener("keyword_collection", _parser(KeywordCollection, keyword_task)),
    Listener("sentiment_request", _parser(SentimentRequest, sentiment_task)),
)


async def declare(channel: AbstractChannel) -> dict[str, aio_pika.abc.AbstractQueue]:
    exchange = await channel.declare_exchange(EXCHANGE, aio_pika.ExchangeType.DIRECT, durable=True)
    queues = {}
    for listener in LISTENERS:
        await channel.declare_queue(listener.dead_letter_queue, durable=True)
        queue = await channel.declare_queue(listener.queue, durable=True)
        await queue.bind(exchange, routing_key=listener.routing_key)
        queues[listener.routing_key] = queue
    return queues


async def handle(
    listener: Listener,
    message: AbstractIncomingMessage,
    manager: TaskManager,
    channel: AbstractChannel,
) -> None:
    try:
        task = listener.to_task(message.body)
    except (BadRequest, KeyError) as exc:
        reason = str(exc)[:1000]
        log.warning("refused %s message: %s", listener.routing_key, reason)
        await channel.default_exchange.publish(
            aio_pika.Message(
                message.body,
                content_type=message.content_type,
                headers={"x-reach-error": reason},
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            ),
            routing_key=listener.dead_letter_queue,
        )
        await message.ack()
        return
    try:
        enqueued = await manager.enqueue(task)
    except Exception:
        await message.nack(requeue=True)
        raise
    await message.ack()
    log.info(
        "enqueued from %s", listener.routing_key, extra={"task_id": enqueued.id, "flow": task.flow}
    )


async def consume(channel: AbstractChannel, manager: TaskManager) -> list[str]:
    """Starts consuming every listener's queue; returns the consumer tags."""
    queues = await declare(channel)
    tags = []
    for listener in LISTENERS:

        async def on_message(
            message: AbstractIncomingMessage, listener: Listener = listener
        ) -> None:
            try:
                await handle(listener, message, manager, channel)
            except Exception as exc:  # logged here: aio-pika would only log it on its own
                log.warning("listener %s failed: %s", listener.routing_key, exc)

        tags.append(await queues[listener.routing_key].consume(on_message))
    return tags
