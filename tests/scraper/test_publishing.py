"""The scraper's publishes to `beat.dx` through a RabbitMQ outage: a private node is killed and
restarted while a worker refreshes profiles. A publish the broker confirmed is in the queue; one
it did not confirm fails the task's attempt, which is retried (never completed without its
events), and the retry republishes the same event ids, so a copy the dying broker kept is a
duplicate the sinks drop by `event_id`."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import aio_pika
import pytest

from reach.common.events import events_pb2 as pb
from reach.common.lifecycle import Shutdown
from reach.sandbox.universe import Universe
from reach.sandbox.upstreams import SANDBOX_CREDENTIALS
from reach.scraper.enqueueing import new_task
from reach.scraper.events import event_id
from reach.scraper.flowconfig import resolve
from reach.scraper.flows import get_flow
from reach.scraper.publishing import EXCHANGE, EventPublisher
from reach.scraper.queue.models import Outcome, Retry, Task
from reach.scraper.queue.worker import Worker, WorkerConfig
from reach.scraper.running import open_runtime, task_handler
from reach.scraper.settings import ScraperSettings
from reach.testing.polling import eventually
from reach.testing.rabbitmq import PrivateRabbitMQ, drain_event_ids, private_rabbitmq

pytestmark = pytest.mark.service
FLOW = "refresh_instagram_profile"
QUEUE = "outage.profile_log"


class RecordingPublisher(EventPublisher):
    """The real publisher, noting the event ids of each publish by how it ended."""

    def __init__(self, inner: EventPublisher) -> None:
        super().__init__(inner.exchange)
        self.confirmed: list[str] = []
        self.failed: list[str] = []
        self.failed_calls = 0

    async def publish(self, groups: Mapping[str, Sequence[pb.Event]]) -> None:
        ids = [e.event_id for events in groups.values() for e in events]
        try:
            await super().publish(groups)
        except BaseException:
            self.failed.extend(ids)
            self.failed_calls += 1
            raise
        self.confirmed.extend(ids)


async def test_a_broker_restarted_under_a_working_scraper_loses_no_event(
    scraper_settings: ScraperSettings, universe: Universe
) -> None:
    async with private_rabbitmq() as broker:
        await _through_an_outage(broker, scraper_settings, universe)


async def _through_an_outage(
    broker: PrivateRabbitMQ, base: ScraperSettings, universe: Universe
) -> None:
    await _declare_queue(broker.url)
    # Retries 2, 4, 8, 16, 32 s apart: longer together than a node's restart on a busy machine.
    settings = base.model_copy(
        update={"amqp_url": broker.url, "scraper_retry_backoff_seconds": 2.0}
    )
    flow = get_flow(FLOW)
    handles = [universe.creator(i).handle for i in range(universe.size)]
    async with open_runtime(settings, "reach-scraper-outage") as rt:
        for source, secrets in SANDBOX_CREDENTIALS.items():
            await rt.credentials.put(source, "sandbox", dict(secrets))
        publisher = RecordingPublisher(rt.publisher)
        rt.publisher = publisher
        resolved = resolve(flow, None, list(rt.sources))
        ctx = rt.context(resolved.sources, resolved.source_limits)
        handle = task_handler(flow, ctx, resolved.flow_limits)
        outcomes: list[Outcome] = []

        async def recorded(task: Task) -> Outcome:
            outcomes.append(await handle(task))
            return outcomes[-1]

        worker = Worker(
            rt.manager,
            WorkerConfig(
                flow=FLOW, concurrency=4, claim_batch=4, lease_seconds=60, heartbeat_seconds=1,
                poll_seconds=0.2, drain_seconds=5, retry_backoff_seconds=2.0,
            ),
            recorded,
        )  # fmt: skip
        shutdown = Shutdown()
        working = asyncio.create_task(worker.run(shutdown))
        task_ids: list[int] = []

        async def trickle() -> None:
            for handle in handles:
                made = await rt.manager.enqueue(new_task(FLOW, {"handle": handle}, max_retries=5))
                task_ids.append(made.id)
                await asyncio.sleep(0.1)

        enqueueing = asyncio.create_task(trickle())
        try:
            await eventually(lambda: _at_least(publisher.confirmed, 8), "8 profiles published")
            await asyncio.to_thread(broker.kill)
            await eventually(lambda: _at_least(publisher.failed, 1), "a publish failed")
            await asyncio.to_thread(broker.start)
            await enqueueing
            await eventually(
                lambda: _all_complete(rt.pool, task_ids), "every task COMPLETE", seconds=180
            )
        finally:
            shutdown.request("test over")
            await working
        rows = await rt.pool.fetch(
            "SELECT t.id, t.status, t.retry_count, a.profile_id"
            " FROM scrape_request_log t JOIN instagram_account a ON a.handle = t.params->>'handle'"
            " WHERE t.flow = $1",
            FLOW,
        )
    landed = Counter(await drain_event_ids(broker.url, QUEUE))
    expected = {event_id(r["id"], "profile_log", f"instagram:{r['profile_id']}") for r in rows}

    assert len(rows) == len(handles) and {r["status"] for r in rows} == {"COMPLETE"}
    # Every failed publish was reported as such and cost its task one retry; nothing else did.
    retries = [o for o in outcomes if isinstance(o, Retry)]
    assert all(o.error.startswith("publishing events failed") for o in retries), retries
    assert sum(r["retry_count"] for r in rows) == len(retries) == publisher.failed_calls > 0
    # Every task's profile_log is in the queue; no event of anything else.
    assert set(landed) == expected == set(publisher.confirmed)
    # Only events whose publish the broker could not confirm were stored twice, by a retry
    # republishing the same event id.
    assert {i for i, n in landed.items() if n > 1} <= set(publisher.failed)


async def _at_least(items: list[str], count: int) -> bool:
    return len(items) >= count


async def _all_complete(pool: Any, ids: list[int]) -> bool:
    done = await pool.fetchval(
        "SELECT count(*) FROM scrape_request_log WHERE id = ANY($1) AND status = 'COMPLETE'", ids
    )
    return bool(done == len(ids))


async def _declare_queue(url: str) -> None:
    """A durable queue taking every profile_log published to `beat.dx`, as ingestion's does."""
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(
            EXCHANGE, aio_pika.ExchangeType.DIRECT, durable=True
        )
        queue = await channel.declare_queue(QUEUE, durable=True)
        await queue.bind(exchange, routing_key="profile_log")
