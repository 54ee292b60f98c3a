"""Settings of the ingestion service and its sinks (env prefix `REACH_`), built by the CLI."""

from __future__ import annotations

from typing import Literal

from pydantic import NonNegativeFloat, NonNegativeInt, PositiveFloat, PositiveInt, SecretStr

from reach.common.settings import PortOrZero, StoreSettings


class IngestSettings(StoreSettings):
    """Ports, limits and sink defaults. Every field has a default fit for local runs."""

    ingest_host: str = "0.0.0.0"
    """Interface the gRPC and HTTP servers bind: every one in a pod, so the Service reaches it;
    tests bind 127.0.0.1."""
    ingest_grpc_port: PortOrZero = 8017
    """gRPC EventService port (the seed's)."""
    ingest_http_port: PortOrZero = 8019
    """Webhooks, heartbeat and probes (the seed's)."""
    ingest_max_batch_events: PositiveInt = 10_000
    """Events one Dispatch may carry; larger batches are refused whole so one client cannot hold
    the publisher for long. Clients send 100-500."""
    ingest_max_request_bytes: PositiveInt = 16 * 1024 * 1024
    """Bytes of one gRPC request; 10,000 events of ~1 KiB fit with room."""
    ingest_max_webhook_bytes: PositiveInt = 1024 * 1024
    """Bytes of one webhook body; partners send a few KiB."""
    ingest_publish_linger_ms: NonNegativeFloat = 25.0
    """Milliseconds the publisher gathers events of concurrent calls into one message per routing
    key. RabbitMQ pays per message, not per byte: at 50K events/s 25 ms keeps it near 400
    messages/s (10 ms: ~900, and 30% less throughput on 2 cores) for ~25 ms more Dispatch
    latency."""
    ingest_webhook_linger_ms: NonNegativeFloat = 10.0
    """The same for webhooks: each carries one event and partners wait for the answer, so a
    shorter window; at 5,000 req/s over 4 partners 10 ms makes ~400 messages/s (5 ms: ~800, and
    RabbitMQ then takes half a core)."""
    ingest_publish_max_events: PositiveInt = 5_000
    """Events in one published message at most (~1 MB), so no body grows without bound under
    load."""
    ingest_shopify_secret: SecretStr | None = None
    """The shop's webhook secret; Shopify signs each body with it (X-Shopify-Hmac-Sha256). Unset
    refuses every Shopify webhook."""
    ingest_queue_type: Literal["classic", "quorum"] = "classic"
    """RabbitMQ queue type of the sinks' queues: quorum where the broker is replicated
    (Kubernetes), classic on one node. A queue keeps the type it was made with."""
    sink_mode: Literal["buffered", "direct"] = "buffered"
    """buffered: sinks insert batches of `sink_batch_rows` rows or every `sink_flush_seconds`;
    direct: each message is inserted as it comes."""
    sink_batch_rows: PositiveInt = 1000
    """Buffered sinks flush at this many rows (the seed's 1000); raise it for busy tables,
    ClickHouse prefers few large inserts."""
    sink_flush_seconds: PositiveFloat = 5.0
    """Buffered sinks flush rows older than this many seconds (the seed's 5)."""
    sink_retries: NonNegativeInt = 2
    """Times a message that fails on its own is retried before it goes to the dead-letter queue
    with the error (the seed's 2)."""
    sink_probe_port: PortOrZero = 8020
    """Port of a sink's /healthz, /readyz and /metrics; 0 serves none."""
    webengage_url: str = "https://api.webengage.com"
    """Base URL of WebEngage's REST API; the sandbox serves it in tests."""
    webengage_license_code: str = ""
    """WebEngage account (license code) events are posted to."""
    webengage_api_key: SecretStr = SecretStr("")
    """Bearer token for WebEngage's REST API."""
    webengage_timeout_seconds: PositiveFloat = 5.0
    """Timeout of one call to WebEngage."""
    webengage_attempts: PositiveInt = 5
    """Calls to WebEngage per event before the message is retried via the queue."""
