"""Prometheus metrics of the ingestion service and its sinks, served on each process's /metrics.

Counters are incremented once per group of events (a payload within a call, a flushed batch),
never per event, so counting costs nothing at 50K events/s.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

RECEIVED = Counter(
    "reach_ingest_events_received",
    "Events received, by entry point and payload.",
    ["via", "payload"],
)
PUBLISHED = Counter(
    "reach_ingest_events_published", "Events confirmed by RabbitMQ, by payload.", ["payload"]
)
PUBLISHED_MESSAGES = Counter(
    "reach_ingest_messages_published", "RabbitMQ messages confirmed, by payload.", ["payload"]
)
REJECTED = Counter(
    "reach_ingest_events_rejected", "Events refused and sent to the error route.", ["via"]
)
DISPATCH_SECONDS = Histogram(
    "reach_ingest_dispatch_seconds",
    "Dispatch calls, from request to broker confirm.",
    buckets=(0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5),
)
WEBHOOK_SECONDS = Histogram(
    "reach_ingest_webhook_seconds",
    "Webhook requests, from request to broker confirm, by partner.",
    ["partner"],
    buckets=(0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5),
)
FLUSHED_ROWS = Counter("reach_ingest_sink_rows_flushed", "Rows inserted by a sink.", ["sink"])
FLUSHES = Counter("reach_ingest_sink_flushes", "Inserts by a sink.", ["sink"])
FLUSH_SECONDS = Histogram(
    "reach_ingest_sink_flush_seconds",
    "Duration of one insert of a sink.",
    ["sink"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
BUFFER_ROWS = Gauge("reach_ingest_sink_buffer_rows", "Rows a sink holds unflushed.", ["sink"])
BUFFER_MESSAGES = Gauge(
    "reach_ingest_sink_buffer_messages", "Messages a sink holds unacked.", ["sink"]
)
CONSUMER_LAG = Gauge(
    "reach_ingest_sink_queue_messages", "Messages ready in a sink's queue (consumer lag).", ["sink"]
)
INSERT_FAILURES = Counter(
    "reach_ingest_sink_insert_failures",
    "Failed inserts, by kind: transient (retried) or data (message isolated).",
    ["sink", "kind"],
)
RETRIED = Counter(
    "reach_ingest_sink_messages_retried", "Messages put back for another try.", ["sink"]
)
DEAD_LETTERED = Counter(
    "reach_ingest_sink_messages_dead_lettered", "Messages given up on.", ["sink"]
)
FORWARDED = Counter("reach_ingest_events_forwarded", "Events posted to an outside API.", ["sink"])
