"""Turning a request for work into queue tasks: validation of a flow's params (shared by the API,
the listeners and the CLI) and the scheduled enqueuer's fan-out (`reach scraper enqueue` run by
a ScrapeFlow's CronJob), which with `stale_after_hours` enqueues a task for every stored thing
its flow keeps fresh that is stale by then (the flow's `Freshness` in the contract)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import asyncpg
from pydantic import ValidationError

from reach.common.text import find_string, has_nul
from reach.scraper.contract import (
    DEFAULT_FANOUT,
    FLOWS,
    MAX_TASKS,
    STALE_AFTER_HOURS,
    EnqueueParamsError,
    check_enqueue_params,
)
from reach.scraper.flows import get_flow
from reach.scraper.queue.models import NewTask


class BadRequest(ValueError):
    """The request is not a valid task; `errors` are pydantic's, with locations."""

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


def new_task(
    flow_name: str,
    params: Mapping[str, Any],
    *,
    priority: int = 0,
    max_retries: int | None = None,
    run_after: datetime | None = None,
    expires_at: datetime | None = None,
    dedup_key: str | None = None,
    default_max_retries: int = 3,
) -> NewTask:
    """A task of `flow_name` with validated, normalized params; raises BadRequest (and
    UnknownFlow) otherwise."""
    flow = get_flow(flow_name)
    try:
        valid = flow.validate(params)
    except ValidationError as exc:
        raise BadRequest(
            f"bad params for {flow_name}",
            [dict(e) for e in exc.errors(include_url=False, include_context=False)],
        ) from None
    normalized = valid.model_dump(mode="json", exclude_none=True)
    found = find_string(normalized, has_nul)
    if found is not None:
        where = found[0]
        # PostgreSQL's text and jsonb cannot hold U+0000.
        error = {"loc": where, "msg": "text cannot contain NUL (U+0000)", "type": "string_nul"}
        raise BadRequest(f"bad params for {flow_name}", [error])
    return NewTask(
        flow=flow.name,
        params=normalized,
        dedup_key=dedup_key or valid.dedup_key(),
        priority=priority,
        max_retries=(
            max_retries
            if max_retries is not None
            else flow.max_retries
            if flow.max_retries is not None
            else default_max_retries
        ),
        run_after=run_after,
        expires_at=expires_at,
    )


async def scheduled_tasks(
    pool: asyncpg.Pool, flow_name: str, params: Mapping[str, Any], *, priority: int = 0
) -> list[NewTask]:
    """What one run of a ScrapeFlow's schedule enqueues (checked as the ScrapeFlow was)."""
    flow = get_flow(flow_name)
    try:
        check_enqueue_params(flow.name, params)
    except EnqueueParamsError as exc:
        raise BadRequest(f"bad params for {flow.name}: {exc}") from None
    params = dict(params)
    stale_hours = params.pop(STALE_AFTER_HOURS, None)
    if stale_hours is None:
        return [new_task(flow.name, params, priority=priority)]
    fanout = params.pop(MAX_TASKS, DEFAULT_FANOUT)
    freshness = FLOWS[flow.name].freshness
    assert freshness is not None, "check_enqueue_params lets only fresh-kept flows fan out"
    rows = await pool.fetch(freshness.due, stale_hours * 3600.0, fanout)
    return [new_task(flow.name, {**params, **r[0]}, priority=priority) for r in rows]
