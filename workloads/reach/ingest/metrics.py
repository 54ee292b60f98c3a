"""Prometheus metrics of the ingestion service and its sinks, served on each process's /metrics.

Counters are incremented once per group of events (a payload within a call, a flushed batch),
never per event, so counting costs nothing at 50K events/s.
"""

from __future__ import annotations

from reach.common.instruments import Meter

_INGEST = Meter("reach_ingest")
# Every sink metric is per sink.
_SINK = Meter("reach_ingest_sink", ("sink",))

# From request to broker confirm: a Dispatch call or a webhook.
_CONFIRM_BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5)

RECEIVED = _INGEST.counter(
    "events_received", "Events received, by entry point and payload.", "via", "payload"
)
PUBLISHED = _INGEST.counter(
    "events_published", "Events confirmed by RabbitMQ, by payload.", "payload"
)
PUBLISHED_MESSAGES = _INGEST.counter(
    "messages_published", "RabbitMQ messages confirmed, by payload.", "payload"
)
REJECTED = _INGEST.counter("events_rejected", "Events refused and sent to the error route.", "via")
DISPATCH_SECONDS = _INGEST.histogram(
    "dispatch_seconds", "Dispatch calls, from request to broker confirm.", buckets=_CONFIRM_BUCKETS
)
WEBHOOK_SECONDS = _INGEST.histogram(
    "webhook_seconds",
    "Webhook requests, from request to broker confirm, by partner.",
    "partner",
    buckets=_CONFIRM_BUCKETS,
)
FLUSHED_ROWS = _SINK.counter("rows_flushed", "Rows inserted by a sink.")
FLUSHES = _SINK.counter("flushes", "Inserts by a sink.")
FLUSH_SECONDS = _SINK.histogram(
    "flush_seconds",
    "Duration of one insert of a sink.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
BUFFER_ROWS = _SINK.gauge("buffer_rows", "Rows a sink holds unflushed.")
BUFFER_MESSAGES = _SINK.gauge("buffer_messages", "Messages a sink holds unacked.")
CONSUMER_LAG = _SINK.gauge("queue_messages", "Messages ready in a sink's queue (consumer lag).")
INSERT_FAILURES = _SINK.counter(
    "insert_failures",
    "Failed inserts, by kind: transient (retried) or data (message isolated).",
    "kind",
)
RETRIED = _SINK.counter("messages_retried", "Messages put back for another try.")
DEAD_LETTERED = _SINK.counter("messages_dead_lettered", "Messages given up on.")
FORWARDED = _INGEST.counter("events_forwarded", "Events posted to an outside API.", "sink")
