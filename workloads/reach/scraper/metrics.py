"""Prometheus metrics of the scraper's workers and API, served on each process's /metrics."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

CLAIMED = Counter("reach_scraper_tasks_claimed", "Tasks claimed, by flow.", ["flow"])
FINISHED = Counter(
    "reach_scraper_tasks_finished",
    "Tasks that left PROCESSING, by flow and the status they went to.",
    ["flow", "status"],
)
IN_FLIGHT = Gauge("reach_scraper_tasks_in_flight", "Tasks running in this process.", ["flow"])
LOST_LEASES = Counter(
    "reach_scraper_leases_lost", "Tasks abandoned because another worker took them.", ["flow"]
)
UPSTREAM_CALLS = Counter(
    "reach_scraper_upstream_calls",
    "Calls to upstream sources, by source and outcome (ok or the error kind).",
    ["source", "outcome"],
)
RATE_LIMITED = Counter(
    "reach_scraper_rate_limited",
    "Times a rate limit was full, by limit name and what the task did (wait, defer, skip).",
    ["limit", "action"],
)
EVENTS_PUBLISHED = Counter(
    "reach_scraper_events_published", "Events confirmed by RabbitMQ, by payload.", ["payload"]
)
TASK_SECONDS = Histogram(
    "reach_scraper_task_seconds",
    "Seconds from claim to outcome, by flow.",
    ["flow"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
