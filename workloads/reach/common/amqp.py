"""RabbitMQ connections and channels (aio-pika) for publishers and consumers.

Connections are robust: they reconnect and restore their channels, exchanges, queues and
consumers after a broker restart. Channels have publisher confirms on by default, so a publish
returns only once the broker has the message.
"""

from __future__ import annotations

import aio_pika
from aio_pika.abc import AbstractRobustChannel, AbstractRobustConnection

from reach.common.settings import StoreSettings


async def connect(settings: StoreSettings, name: str) -> AbstractRobustConnection:
    """A robust connection that shows as `name` in the broker's connection list."""
    return await aio_pika.connect_robust(
        str(settings.amqp_url), client_properties={"connection_name": name}
    )


async def open_channel(
    connection: AbstractRobustConnection,
    *,
    prefetch: int | None = None,
    confirms: bool = True,
) -> AbstractRobustChannel:
    """A channel with publisher confirms (switchable) and, for consumers, a prefetch count."""
    channel = await connection.channel(publisher_confirms=confirms)
    if prefetch is not None:
        await channel.set_qos(prefetch_count=prefetch)
    return channel
