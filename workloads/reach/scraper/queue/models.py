"""What goes into and comes out of the task queue: new tasks, claimed tasks, and the outcome a
flow reports for one. Plain values, shared by the manager, the worker, the flows and the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class TaskStatus(StrEnum):
    PENDING = "PENDING"
    PROCESSING = "PROCESSING"
    COMPLETE = "COMPLETE"
    FAILED = "FAILED"
    EXPIRED = "EXPIRED"


@dataclass(frozen=True)
class NewTask:
    flow: str
    params: dict[str, Any] = field(default_factory=dict)
    dedup_key: str | None = None
    priority: int = 0
    max_retries: int = 3
    run_after: datetime | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class Task:
    """A task as a worker claimed it."""

    id: int
    flow: str
    params: dict[str, Any]
    priority: int
    retry_count: int
    max_retries: int
    dedup_key: str | None
    created_at: datetime


@dataclass(frozen=True)
class Enqueued:
    id: int
    created: bool


@dataclass(frozen=True)
class Finished:
    """A task that left PROCESSING: what became of it, for the scrape_request_log event."""

    id: int
    flow: str
    status: TaskStatus
    retry_count: int
    seconds: float
    source: str | None = None
    error: str | None = None


# Outcomes a flow reports for a task; the worker turns each into one queue write.


@dataclass(frozen=True)
class Complete:
    source: str | None = None
    result: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Retry:
    """Try again later (an upstream failed in a way that may pass), spending a retry."""

    error: str
    source: str | None = None


@dataclass(frozen=True)
class Fail:
    """Never worth retrying (bad params, the profile does not exist)."""

    error: str
    source: str | None = None


@dataclass(frozen=True)
class Defer:
    """Not now (a rate limit is spent): back to PENDING until `until`, no retry spent."""

    until: datetime
    reason: str


Outcome = Complete | Retry | Fail | Defer


@dataclass(frozen=True)
class FlowStats:
    flow: str
    status: TaskStatus
    tasks: int
    oldest_pending_s: float | None
