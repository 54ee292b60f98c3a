"""What a flow is and how a worker runs one task of it.

A `Flow` is the code behind one of the names `reach.scraper.contract` declares (with the network
and the parameters model: the API validates requests against it and the worker validates claimed
tasks): its default source order and rate limits, and
`run`, which does retrieval (through the fallback chain), parsing (the sources' own), processing
(PostgreSQL) and events (published after the commit). `handle_task` wraps `run` with the
flow-level rate limits and maps every failure onto a queue outcome, so no task can stop a
worker.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import aio_pika.exceptions
import asyncpg
from pydantic import ValidationError

from reach.common.events import events_pb2 as pb
from reach.common.networks import SocialNetwork
from reach.scraper import metrics
from reach.scraper.contract import FLOWS, FlowName, FlowParams
from reach.scraper.credentials import CredentialStore
from reach.scraper.models import Page
from reach.scraper.publishing import EventPublisher
from reach.scraper.queue.manager import TaskManager
from reach.scraper.queue.models import Complete, Defer, Fail, Outcome, Retry, Task
from reach.scraper.ratelimiting import RateLimit, StackedLimiter
from reach.scraper.settings import ScraperSettings
from reach.scraper.sources.capabilities import Source
from reach.scraper.sources.chain import Chain, ChainFailed
from reach.scraper.sources.errors import SourceError
from reach.scraper.storage import AssetStore

log = logging.getLogger(__name__)

P = TypeVar("P", bound=FlowParams)
T = TypeVar("T")


class RateLimited(Exception):
    def __init__(self, name: str, until: float) -> None:
        super().__init__(f"rate limit {name} full until {until:.0f}")
        self.name = name
        self.until = until


@dataclass
class Resources:
    """What one scraper process holds open for its flows (`reach.scraper.running` opens it)."""

    settings: ScraperSettings
    pool: asyncpg.Pool
    manager: TaskManager
    credentials: CredentialStore
    limiter: StackedLimiter
    publisher: EventPublisher
    store: AssetStore
    sources: Mapping[str, Source]

    def shared(self) -> dict[str, Any]:
        """These resources as keyword arguments, to hand them to another holder."""
        return {f.name: getattr(self, f.name) for f in fields(Resources)}


@dataclass
class FlowContext(Resources):
    """Everything a flow's run may use: the process's resources and the flow's chain, built once
    per worker, with the task set per run."""

    chain: Chain
    task: Task | None = None

    @property
    def task_id(self) -> int:
        assert self.task is not None, "a flow runs with its task set"
        return self.task.id

    def for_task(self, task: Task) -> FlowContext:
        return replace(self, task=task)

    async def publish(self, *groups: Sequence[pb.Event]) -> None:
        by_payload: dict[str, list[pb.Event]] = {}
        for group in groups:
            for event in group:
                by_payload.setdefault(event.name, []).append(event)
        if by_payload:
            await self.publisher.publish(by_payload)

    async def limit(
        self, name: str, limits: Sequence[RateLimit], handle: str | None = None
    ) -> None:
        """Takes one call from stack `name`, sleeping while a window frees within the wait
        allowed; raises RateLimited (the task is deferred) when it frees later than that."""
        while True:
            full = await self.limiter.acquire(name, limits, handle)
            if full is None:
                return
            wait = full.until - time.time()
            if wait > self.settings.scraper_rate_limit_max_wait_seconds:
                metrics.RATE_LIMITED.labels(name, "defer").inc()
                raise RateLimited(full.reason, full.until)
            metrics.RATE_LIMITED.labels(name, "wait").inc()
            await asyncio.sleep(max(wait, 0.0))


Run = Callable[[FlowContext, P], Awaitable[Complete]]


@dataclass(frozen=True)
class Flow(Generic[P]):
    name: FlowName
    run: Run[P]
    description: str
    sources: tuple[str, ...] = ()
    rate_limits: tuple[RateLimit, ...] = ()
    max_retries: int | None = None

    @property
    def network(self) -> SocialNetwork | None:
        return FLOWS[self.name].network

    @property
    def params(self) -> type[FlowParams]:
        """The contract's parameters of this flow (`run` takes them)."""
        return FLOWS[self.name].params

    def validate(self, params: Mapping[str, Any]) -> FlowParams:
        return self.params.model_validate(dict(params))


def flow(
    name: FlowName,
    *,
    sources: tuple[str, ...] = (),
    rate_limits: tuple[RateLimit, ...] = (),
    max_retries: int | None = None,
) -> Callable[[Run[P]], Flow[P]]:
    """Declares the decorated function as the `run` of flow `name`, described (in the API's
    list of flows) by the first paragraph of its docstring."""

    def declare(run: Run[P]) -> Flow[P]:
        doc = inspect.getdoc(run)
        assert doc, f"flow {name} needs a docstring: its description"
        description = " ".join(doc.split("\n\n")[0].split())
        return Flow(name, run, description, sources, rate_limits, max_retries)

    return declare


async def collect_pages(fetch: Callable[[str | None], Awaitable[Page[T]]], limit: int) -> list[T]:
    """Items of consecutive pages (cursor to cursor) until `limit` or the last page."""
    found: list[T] = []
    cursor: str | None = None
    while len(found) < limit:
        page = await fetch(cursor)
        found.extend(page.items)
        cursor = page.next_cursor
        if not cursor or not page.items:
            break
    return found[:limit]


def _defer_until(until: float) -> datetime:
    return datetime.fromtimestamp(until, UTC)


async def handle_task(
    flow: Flow[Any], ctx: FlowContext, task: Task, limits: Sequence[RateLimit]
) -> Outcome:
    """Runs one task of `flow` and says what became of it."""
    try:
        params = flow.validate(task.params)
    except ValidationError as exc:
        return Fail(error=f"bad params: {exc.errors(include_url=False)}")
    try:
        await ctx.limit(f"flow:{flow.name}", limits, params.rate_key())
        return await flow.run(ctx.for_task(task), params)
    except RateLimited as exc:
        return Defer(until=_defer_until(exc.until), reason=str(exc))
    except ChainFailed as exc:
        if exc.only_rate_limited and exc.limited_until is not None:
            return Defer(until=_defer_until(exc.limited_until), reason=str(exc))
        if exc.retryable or exc.limited_until is not None:
            return Retry(error=str(exc), source=exc.last_source)
        return Fail(error=str(exc), source=exc.last_source)
    except SourceError as exc:
        if exc.retryable:
            return Retry(error=str(exc), source=exc.source)
        return Fail(error=str(exc), source=exc.source)
    except (
        aio_pika.exceptions.AMQPError,
        # A publish on a channel the broker's loss closed, before the connection is back.
        aio_pika.exceptions.ChannelInvalidStateError,
        ConnectionError,
    ) as exc:
        return Retry(error=f"publishing events failed: {type(exc).__name__}: {exc}")
    except (asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        return Retry(error=f"database: {type(exc).__name__}: {exc}")
