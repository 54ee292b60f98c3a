"""AMQP listeners (`reach scraper listen`): the seed's five inbound requests, each a JSON message
on a direct exchange, validated at the edge into its payload model and acted on.

Each listener (`ListenerName`) consumes `scraper.<name>_q`, bound to its exchange by its name:
- `credential_validity` (`beat.dx`): `{source, name, credentials}` -> a `validate_credential`
  task;
- `identity_token` (`identity.dx`): `{source, name, action: issued | rotated | revoked,
  credentials?, issued_at, reason?}` -> the `credential` row updated (`credentials.put_token`);
- `keyword_collection` (`beat.dx`): `{platform: "youtube", keyword, limit?, priority?}` -> a
  `search_youtube_keyword` task;
- `sentiment_request` (`beat.dx`): `{platform, shortcode (instagram) | video_id (youtube),
  limit?}` -> a `fetch_instagram_post_comments` or `fetch_youtube_video_comments` task;
- `sentiment_report` (`beat.dx`): `{platform, shortcode | video_id}` -> the post's sentiment
  report recorded (`reports`) and published on `beat.dx` as `sentiment_report_ready`.

Every action is idempotent: tasks are deduplicated, an older token never overwrites a newer one,
a report is rewritten whole. A message that is not a valid request goes to its queue's `.dlq`
with the reason in header `x-reach-error` and is acknowledged: retrying it cannot help. A
message whose action failed otherwise (a store is down) is returned to its queue for another
try.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

import aio_pika
import asyncpg
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractIncomingMessage
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator

from reach.common.identifiers import INSTAGRAM_SHORTCODE, YOUTUBE_VIDEO_ID
from reach.common.networks import SocialNetwork
from reach.common.text import find_string, unstorable
from reach.scraper import credentials, reports
from reach.scraper.contract import (
    IDENTITY_EXCHANGE,
    SENTIMENT_REPORT_READY,
    FlowName,
    ListenerName,
)
from reach.scraper.enqueueing import BadRequest, new_task
from reach.scraper.publishing import EXCHANGE
from reach.scraper.queue.manager import TaskManager
from reach.scraper.queue.models import NewTask

log = logging.getLogger(__name__)


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


B = TypeVar("B", bound=_Body)


class CredentialValidity(_Body):
    source: str
    name: str
    credentials: dict[str, Any]


class IdentityToken(_Body):
    """A token the identity service issued, rotated (only the keys that changed need be sent)
    or revoked, at `issued_at`."""

    source: str = Field(min_length=1, max_length=63)
    name: str = Field(min_length=1, max_length=200)
    action: Literal["issued", "rotated", "revoked"]
    credentials: dict[str, str] = Field(default_factory=dict, max_length=32)
    issued_at: AwareDatetime
    reason: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _credentials_unless_revoked(self) -> IdentityToken:
        if (self.action == "revoked") == bool(self.credentials):
            raise ValueError("issued and rotated tokens carry credentials, revoked ones none")
        return self


class KeywordCollection(_Body):
    platform: Literal["youtube"]
    keyword: str
    limit: int = Field(default=50, ge=1, le=500)
    priority: int = Field(default=0, ge=-100, le=100)


class PostRequest(_Body):
    """A request about one post: an Instagram post by shortcode, a YouTube video by id."""

    platform: SocialNetwork
    shortcode: str | None = Field(default=None, pattern=INSTAGRAM_SHORTCODE)
    video_id: str | None = Field(default=None, pattern=YOUTUBE_VIDEO_ID)

    def post_key(self) -> str:
        field = "shortcode" if self.platform == "instagram" else "video_id"
        key: str | None = getattr(self, field)
        if not key:
            raise BadRequest(f"{self.platform} post requests need a {field}")
        return key


class SentimentRequest(PostRequest):
    limit: int = Field(default=100, ge=1, le=5000)


_COMMENT_FLOWS: Mapping[SocialNetwork, tuple[FlowName, str]] = {
    "instagram": (FlowName.FETCH_INSTAGRAM_POST_COMMENTS, "shortcode"),
    "youtube": (FlowName.FETCH_YOUTUBE_VIDEO_COMMENTS, "video_id"),
}


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
    flow, key = _COMMENT_FLOWS[body.platform]
    return new_task(flow, {key: body.post_key(), "limit": body.limit})


@dataclass(frozen=True)
class Context:
    """What the listeners act with: the task queue (and its database) and the exchanges they
    publish to, by name."""

    manager: TaskManager
    exchanges: Mapping[str, AbstractExchange]

    @property
    def pool(self) -> asyncpg.Pool:
        return self.manager.pool


Action = Callable[[B, Context], Awaitable[str]]


def enqueues(build: Callable[[B], NewTask]) -> Action[B]:
    """The action of a listener whose requests are tasks: `build` one (BadRequest when it cannot
    be one), then enqueue it."""

    async def act(body: B, ctx: Context) -> str:
        task = build(body)
        enqueued = await ctx.manager.enqueue(task)
        return f"task {enqueued.id} of {task.flow}"

    return act


async def apply_identity_token(body: IdentityToken, ctx: Context) -> str:
    revoked = body.action == "revoked"
    credential = await credentials.put_token(
        ctx.pool,
        body.source,
        body.name,
        body.credentials,
        issued_at=body.issued_at,
        merge=body.action == "rotated",
        revoked_reason=f"revoked: {body.reason or 'by the identity service'}" if revoked else None,
    )
    what = f"{body.action} token of {body.source}/{body.name}"
    if credential is None:
        return f"{what} ignored: the credential holds a token issued since"
    return f"{what} applied to credential {credential}"


async def report_sentiment(body: PostRequest, ctx: Context) -> str:
    report = await reports.record_sentiment_report(ctx.pool, body.platform, body.post_key())
    await ctx.exchanges[EXCHANGE].publish(
        aio_pika.Message(
            report.model_dump_json().encode(),
            content_type="application/json",
            message_id=report.report_id,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        ),
        routing_key=SENTIMENT_REPORT_READY,
    )
    return f"sentiment report of {report.platform} post {report.post_id} ({report.comments})"


@dataclass(frozen=True)
class Listener(Generic[B]):
    name: ListenerName
    body: type[B]
    act: Action[B]
    exchange: str = EXCHANGE

    @property
    def queue(self) -> str:
        return f"scraper.{self.name}_q"

    @property
    def dead_letter_queue(self) -> str:
        return f"{self.queue}.dlq"

    def parse(self, raw: bytes) -> B:
        """The request in `raw`, or BadRequest saying why it is none."""
        what = f"not a {self.body.__name__}"
        try:
            value = json.loads(raw)
        except ValueError as exc:
            raise BadRequest(f"{what}: {exc}") from None
        found = find_string(value, unstorable)
        if found is not None:
            where = ".".join(str(p) for p in found[0]) or "(body)"
            raise BadRequest(f"{what}: {where}: text cannot hold NUL or a lone surrogate")
        try:
            return self.body.model_validate(value)
        except ValidationError as exc:
            raise BadRequest(f"{what}: {exc}") from None


LISTENERS: tuple[Listener[Any], ...] = (
    Listener(ListenerName.CREDENTIAL_VALIDITY, CredentialValidity, enqueues(credential_task)),
    Listener(ListenerName.IDENTITY_TOKEN, IdentityToken, apply_identity_token, IDENTITY_EXCHANGE),
    Listener(ListenerName.KEYWORD_COLLECTION, KeywordCollection, enqueues(keyword_task)),
    Listener(ListenerName.SENTIMENT_REQUEST, SentimentRequest, enqueues(sentiment_task)),
    Listener(ListenerName.SENTIMENT_REPORT, PostRequest, report_sentiment),
)


async def declare(
    channel: AbstractChannel,
) -> tuple[dict[str, AbstractExchange], dict[ListenerName, aio_pika.abc.AbstractQueue]]:
    """The listeners' exchanges (direct, durable, as the seed's) by name, and their queues."""
    exchanges = {}
    for name in sorted({EXCHANGE, *(listener.exchange for listener in LISTENERS)}):
        exchanges[name] = await channel.declare_exchange(
            name, aio_pika.ExchangeType.DIRECT, durable=True
        )
    queues = {}
    for listener in LISTENERS:
        await channel.declare_queue(listener.dead_letter_queue, durable=True)
        queue = await channel.declare_queue(listener.queue, durable=True)
        await queue.bind(exchanges[listener.exchange], routing_key=listener.name)
        queues[listener.name] = queue
    return exchanges, queues


async def handle(
    listener: Listener[Any],
    message: AbstractIncomingMessage,
    ctx: Context,
    channel: AbstractChannel,
) -> None:
    try:
        done = await listener.act(listener.parse(message.body), ctx)
    except BadRequest as exc:
        reason = str(exc)[:1000]
        log.warning("refused %s message: %s", listener.name, reason)
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
    except Exception:
        await message.nack(requeue=True)
        raise
    await message.ack()
    log.info("%s: %s", listener.name, done)


async def consume(channel: AbstractChannel, manager: TaskManager) -> list[str]:
    """Starts consuming every listener's queue; returns the consumer tags."""
    exchanges, queues = await declare(channel)
    ctx = Context(manager, exchanges)
    tags = []
    for listener in LISTENERS:

        async def on_message(
            message: AbstractIncomingMessage, listener: Listener[Any] = listener
        ) -> None:
            try:
                await handle(listener, message, ctx, channel)
            except Exception as exc:  # logged here: aio-pika would only log it on its own
                log.warning("listener %s failed: %s", listener.name, exc)

        tags.append(await queues[listener.name].consume(on_message))
    return tags
