"""Prometheus metrics of the scraper's workers and API, served on each process's /metrics."""

from __future__ import annotations

from reach.common.instruments import Meter

_SCRAPER = Meter("reach_scraper")
# A worker runs one flow: its task metrics are per flow.
_TASKS = Meter("reach_scraper", ("flow",))

CLAIMED = _TASKS.counter("tasks_claimed", "Tasks claimed, by flow.")
FINISHED = _TASKS.counter(
    "tasks_finished", "Tasks that left PROCESSING, by flow and the status they went to.", "status"
)
IN_FLIGHT = _TASKS.gauge("tasks_in_flight", "Tasks running in this process.")
LOST_LEASES = _TASKS.counter("leases_lost", "Tasks abandoned because another worker took them.")
UPSTREAM_CALLS = _SCRAPER.counter(
    "upstream_calls",
    "Calls to upstream sources, by source and outcome (ok or the error kind).",
    "source",
    "outcome",
)
RATE_LIMITED = _SCRAPER.counter(
    "rate_limited",
    "Times a rate limit was full, by limit name and what the task did (wait, defer, skip).",
    "limit",
    "action",
)
EVENTS_PUBLISHED = _SCRAPER.counter(
    "events_published", "Events confirmed by RabbitMQ, by payload.", "payload"
)
TASK_SECONDS = _TASKS.histogram(
    "task_seconds",
    "Seconds from claim to outcome, by flow.",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
LLM_TOKENS = _SCRAPER.counter(
    "llm_tokens",
    "Tokens the LLM counted, by answer schema and kind (prompt, completion).",
    "schema",
    "kind",
)
LLM_INVALID_ANSWERS = _SCRAPER.counter(
    "llm_invalid_answers",
    "LLM answers that were not JSON in the schema asked, by schema.",
    "schema",
)
