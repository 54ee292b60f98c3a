"""The scraper's operational checks, run by the operational pipelines (`queue_health`,
`stale_credentials`) through `reach scraper queue-health` and `reach scraper credentials
stale`: per-flow queue health from the task table's statistics, and the credentials that are
disabled or have not been used for too long. Each report says what is wrong, so the command can
exit 1 and the scheduler's alert names it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from reach.scraper.queue.models import FlowStats, TaskStatus


@dataclass(frozen=True)
class FlowHealth:
    """One flow's queue: tasks waiting (`queued`), running, failed, and how long the oldest
    due waiting task has waited (None: nothing due)."""

    flow: str
    queued: int = 0
    running: int = 0
    failed: int = 0
    oldest_queued_s: float | None = None


def queue_health(stats: Iterable[FlowStats]) -> list[FlowHealth]:
    """Per-flow health from the queue's flow x status counts, by flow name."""
    counts: dict[str, dict[TaskStatus, FlowStats]] = {}
    for row in stats:
        counts.setdefault(row.flow, {})[row.status] = row

    def tasks(by_status: dict[TaskStatus, FlowStats], status: TaskStatus) -> int:
        row = by_status.get(status)
        return 0 if row is None else row.tasks

    out = []
    for flow, by_status in sorted(counts.items()):
        pending = by_status.get(TaskStatus.PENDING)
        out.append(
            FlowHealth(
                flow,
                queued=tasks(by_status, TaskStatus.PENDING),
                running=tasks(by_status, TaskStatus.PROCESSING),
                failed=tasks(by_status, TaskStatus.FAILED),
                oldest_queued_s=None if pending is None else pending.oldest_pending_s,
            )
        )
    return out


def overdue(health: Iterable[FlowHealth], max_queued_age_s: float) -> list[str]:
    """The flows whose oldest due task has waited longer than `max_queued_age_s`: their
    workers are down or too few."""
    return [
        h.flow
        for h in health
        if h.oldest_queued_s is not None and h.oldest_queued_s > max_queued_age_s
    ]


@dataclass(frozen=True)
class StaleCredential:
    """A credential to look at: `reason` is `disabled` (turned off, e.g. a revoked token) or
    `unused` (enabled but not taken since `last_used_at`, or never since it was added)."""

    source: str
    name: str
    reason: str
    last_used_at: datetime | None
    disabled_reason: str | None


_STALE = """
SELECT source, name, enabled, last_used_at, disabled_reason
FROM credential
WHERE NOT enabled OR coalesce(last_used_at, created_at) < now() - make_interval(secs => $1)
ORDER BY source, name
"""


async def stale_credentials(pool: asyncpg.Pool, unused_s: float) -> list[StaleCredential]:
    """Credentials disabled, or enabled and unused for more than `unused_s` seconds: a source
    whose credentials all sit here serves nothing."""
    return [
        StaleCredential(
            r["source"],
            r["name"],
            "unused" if r["enabled"] else "disabled",
            r["last_used_at"],
            r["disabled_reason"],
        )
        for r in await pool.fetch(_STALE, unused_s)
    ]
