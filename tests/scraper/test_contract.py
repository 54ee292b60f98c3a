"""Tests of reach.scraper.contract: every declared flow has its code with the declared params, a
scheduled enqueue's params are checked the way the operator checks them, and the queries others
run (pending tasks, stale profiles) against the scraper's own schema."""

from __future__ import annotations

import typing
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest

from reach.scraper.contract import (
    FLOWS,
    PENDING_TASKS,
    STALE_PROFILES,
    EnqueueParamsError,
    FlowName,
    check_enqueue_params,
)
from reach.scraper.flows import FLOWS as REGISTERED
from reach.scraper.queue.manager import TaskManager
from reach.scraper.queue.models import NewTask


@pytest.mark.unit
def test_every_declared_flow_is_registered_and_runs_on_its_params() -> None:
    assert set(REGISTERED) == set(FlowName)
    for name, flow in REGISTERED.items():
        hints = typing.get_type_hints(flow.run)
        assert [t for k, t in hints.items() if k != "return"][-1] is FLOWS[name].params, name


@pytest.mark.unit
@pytest.mark.parametrize(
    ("flow", "params"),
    [
        (FlowName.REFRESH_INSTAGRAM_PROFILE, {"handle": "virat.kohli"}),
        (FlowName.REFRESH_INSTAGRAM_PROFILE, {"stale_after_hours": 24}),
        (FlowName.REFRESH_YOUTUBE_CHANNEL, {"stale_after_hours": 0, "max_tasks": 10}),
        (FlowName.SEARCH_YOUTUBE_KEYWORD, {"keyword": "ipl", "limit": 5}),
    ],
)
def test_accepted_enqueue_params(flow: FlowName, params: dict[str, Any]) -> None:
    check_enqueue_params(flow, params)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("flow", "params", "says"),
    [
        (FlowName.REFRESH_INSTAGRAM_PROFILE, {}, "handle: Field required"),
        (FlowName.REFRESH_INSTAGRAM_PROFILE, {"handel": "x"}, "handel"),
        (FlowName.REFRESH_INSTAGRAM_POST, {"stale_after_hours": 24}, "stale_after_hours works"),
        (FlowName.REFRESH_INSTAGRAM_PROFILE, {"stale_after_hours": -1}, "non-negative"),
        (FlowName.REFRESH_INSTAGRAM_PROFILE, {"stale_after_hours": True}, "non-negative"),
        # The stored profiles fill the handle; one given as well would be overwritten.
        (FlowName.REFRESH_INSTAGRAM_PROFILE, {"stale_after_hours": 1, "handle": "x"}, "handle"),
    ],
)
def test_refused_enqueue_params(flow: FlowName, params: dict[str, Any], says: str) -> None:
    with pytest.raises(EnqueueParamsError, match=says):
        check_enqueue_params(flow, params)


@pytest.mark.service
async def test_pending_tasks_counts_what_a_worker_could_claim_now(
    pool: asyncpg.Pool, manager: TaskManager
) -> None:
    flow = FlowName.REFRESH_INSTAGRAM_PROFILE
    later = datetime.now(UTC) + timedelta(hours=1)
    await manager.enqueue(NewTask(flow, {"handle": "a"}))
    await manager.enqueue(NewTask(flow, {"handle": "b"}))
    await manager.enqueue(NewTask(flow, {"handle": "c"}, run_after=later))
    await manager.enqueue(NewTask(FlowName.REFRESH_INSTAGRAM_POST, {"shortcode": "C0000000001"}))
    assert await pool.fetchval(PENDING_TASKS, flow) == 2


@pytest.mark.service
async def test_stale_profiles_skip_renamed_handles_and_fresh_ones(pool: asyncpg.Pool) -> None:
    await pool.execute(
        "INSERT INTO instagram_account (profile_id, handle, followers, refreshed_at) VALUES"
        " ('1', 'small', 10, now() - interval '2 days'),"
        " ('2', 'big', 1000, NULL),"
        " ('3', 'old.name#moved-3', 5000, now() - interval '2 days'),"
        " ('4', 'fresh', 9000, now())"
    )
    rows = await pool.fetch(STALE_PROFILES["instagram"], 3600.0, 10)
    assert [r[0] for r in rows] == ["big", "small"]
    assert [r[0] for r in await pool.fetch(STALE_PROFILES["instagram"], 3600.0, 1)] == ["big"]
    assert await pool.fetch(STALE_PROFILES["youtube"], 3600.0, 10) == []
