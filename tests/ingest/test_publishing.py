from __future__ import annotations

import asyncio
import uuid

import pytest
from aio_pika.abc import AbstractRobustConnection
from aio_pika.exceptions import DeliveryError

from reach.common.events import events_pb2 as pb
from reach.ingest.publishing import Publisher
from reach.ingest.routing import BY_PAYLOAD
from reach.ingest.topology import declare_exchanges

pytestmark = pytest.mark.service


def _clicks(n: int) -> list[pb.Event]:
    events = []
    for _ in range(n):
        event = pb.Event(event_id=uuid.uuid4().hex)
        event.click.page = "home"
        events.append(event)
    return events


async def _publisher(amqp: AbstractRobustConnection, max_events: int = 100) -> Publisher:
    channel = await amqp.channel(publisher_confirms=True, on_return_raises=True)
    return Publisher(await declare_exchanges(channel), linger=0.05, max_events=max_events)


async def _drain(amqp: AbstractRobustConnection, queue_name: str) -> list[list[str]]:
    """Event ids of each message waiting in `queue_name`."""
    channel = await amqp.channel()
    queue = await channel.get_queue(queue_name)
    messages = []
    while (message := await queue.get(fail=False)) is not None:
        await message.ack()
        messages.append([e.event_id for e in pb.Events.FromString(message.body).events])
    await channel.close()
    return messages


async def test_concurrent_calls_share_one_message_and_all_wait_for_its_confirm(
    amqp: AbstractRobustConnection,
) -> None:
    publisher = await _publisher(amqp)
    first, second = _clicks(2), _clicks(3)

    await asyncio.gather(publisher.publish({"click": first}), publisher.publish({"click": second}))

    messages = await _drain(amqp, BY_PAYLOAD["click"].queue)
    assert messages == [[e.event_id for e in first + second]]
    await publisher.close()


async def test_a_full_message_is_sent_at_once_and_the_rest_follows(
    amqp: AbstractRobustConnection,
) -> None:
    publisher = await _publisher(amqp, max_events=2)
    events = _clicks(5)

    await publisher.publish({"click": events})

    messages = await _drain(amqp, BY_PAYLOAD["click"].queue)
    assert [len(m) for m in messages] == [2, 2, 1]
    assert [i for m in messages for i in m] == [e.event_id for e in events]
    await publisher.close()


async def test_a_routing_key_without_a_queue_fails_the_call(amqp: AbstractRobustConnection) -> None:
    channel = await amqp.channel()
    await channel.queue_delete(BY_PAYLOAD["ab_assignment"].queue)
    publisher = await _publisher(amqp)
    event = pb.Event(event_id="x")
    event.ab_assignment.experiment = "e"

    with pytest.raises(DeliveryError):
        await publisher.publish({"ab_assignment": [event]})
    await publisher.close()
