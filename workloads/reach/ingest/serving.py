"""`reach ingest serve`: the gRPC EventService and the HTTP webhooks in one process, sharing
one RabbitMQ connection (two coalescing publishers: gRPC batches can wait longer for company
than a partner waiting on its webhook).

Start-up declares the whole routing table first, so every accepted event has a queue to land
in. Shutdown (SIGTERM) stops taking requests, lets in-flight calls finish, sends what the
publisher gathered and waits for the broker's confirms before closing.
"""

from __future__ import annotations

import gc
import logging

from reach.common import amqp
from reach.common.lifecycle import Shutdown
from reach.common.probes import Readiness
from reach.common.webserver import serve_http
from reach.ingest.grpc_service import EventService, GrpcServer
from reach.ingest.publishing import Publisher
from reach.ingest.settings import IngestSettings
from reach.ingest.topology import declare_all
from reach.ingest.webhooks import Heartbeat, webhook_app

log = logging.getLogger(__name__)

GRACE_SECONDS = 10.0


async def serve(settings: IngestSettings, shutdown: Shutdown) -> None:
    """Serves until `shutdown` is requested, then drains."""
    connection = await amqp.connect(settings, "reach-ingest-serve")
    try:
        # Returned (unroutable) messages must fail their publish, not vanish.
        channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
        exchanges = await declare_all(channel, settings.ingest_queue_type)
        publisher = Publisher(
            exchanges,
            linger=settings.ingest_publish_linger_ms / 1000,
            max_events=settings.ingest_publish_max_events,
        )
        webhook_publisher = Publisher(
            exchanges,
            linger=settings.ingest_webhook_linger_ms / 1000,
            max_events=settings.ingest_publish_max_events,
        )
        readiness = Readiness(shutdown)

        async def broker_open() -> None:
            if channel.is_closed:
                raise ConnectionError("RabbitMQ channel is closed")

        readiness.add("rabbitmq", broker_open)
        service = EventService(publisher, max_events=settings.ingest_max_batch_events)
        grpc_server = await GrpcServer.start(
            service,
            host=settings.ingest_host,
            port=settings.ingest_grpc_port,
            max_request_bytes=settings.ingest_max_request_bytes,
        )
        secret = settings.ingest_shopify_secret
        app = webhook_app(
            webhook_publisher,
            readiness,
            heartbeat=Heartbeat(),
            max_body_bytes=settings.ingest_max_webhook_bytes,
            shopify_secret=secret.get_secret_value().encode() if secret else None,
        )
        # Everything built so far lives as long as the process: moving it out of the
        # collector's reach keeps full collections short, and with them the latency tail.
        gc.freeze()
        log.info(
            "serving",
            extra={"grpc_port": grpc_server.port, "http_port": settings.ingest_http_port},
        )
        try:
            await serve_http(
                app,
                host=settings.ingest_host,
                port=settings.ingest_http_port,
                shutdown=shutdown,
                graceful_seconds=GRACE_SECONDS,
            )
        finally:
            await grpc_server.stop(GRACE_SECONDS)
            await publisher.close()
            await webhook_publisher.close()
    finally:
        await connection.close()
