"""The local pipeline schedule: cron times, syncs after a successful dbt build, one pipeline at a
time, retries, last runs kept across restarts."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from pathlib import Path

import pytest

from reach.pipelines.schedules import PIPELINES, Pipeline
from reach.standalone.scheduling import (
    Scheduler,
    UnknownPipeline,
    due,
    followers_of,
    next_fire,
    step_runner,
)

UTC = dt.UTC


@pytest.mark.unit
def test_cron_times_are_the_clusters() -> None:
    now = dt.datetime(2026, 12, 7, 10, 7, tzinfo=UTC)  # a Monday
    assert due(PIPELINES, now) == {
        "dbt_core": dt.datetime(2026, 12, 7, 10, 15, tzinfo=UTC),
        "dbt_daily": dt.datetime(2026, 12, 8, 1, 30, tzinfo=UTC),
        "dbt_weekly": dt.datetime(2026, 12, 14, 2, 30, tzinfo=UTC),
        "sync_instagram": dt.datetime(2026, 12, 7, 11, 5, tzinfo=UTC),
        "sync_youtube": dt.datetime(2026, 12, 7, 10, 20, tzinfo=UTC),
        "upload_assets": dt.datetime(2026, 12, 7, 10, 10, tzinfo=UTC),
        "queue_health": dt.datetime(2026, 12, 7, 10, 10, tzinfo=UTC),
        "stale_credentials": dt.datetime(2026, 12, 8, 6, 0, tzinfo=UTC),
        "table_sizes": dt.datetime(2026, 12, 8, 4, 0, tzinfo=UTC),
    }
    assert next_fire("*/15 * * * *", dt.datetime(2026, 1, 1, 0, 15, tzinfo=UTC)) == dt.datetime(
        2026, 1, 1, 0, 30, tzinfo=UTC
    )
    assert [p.dag_id for p in followers_of(PIPELINES, "dbt_core")] == [
        "sync_leaderboard",
        "sync_core",
    ]


TOY = (
    Pipeline("build", "", {"dbt_build": ("pipelines", "dbt", "build")}, schedule="* * * * *"),
    Pipeline(
        "sync",
        "",
        {"a": ("pipelines", "sync", "a"), "b": ("pipelines", "sync", "b")},
        after="build",
    ),
)


class Recorder:
    """Stands in for the child processes: records each step and answers scripted codes."""

    def __init__(self, codes: dict[tuple[str, ...], list[int]] | None = None) -> None:
        self.codes = codes or {}
        self.calls: list[tuple[str, ...]] = []
        self.in_flight = 0
        self.most_in_flight = 0

    async def __call__(self, args: tuple[str, ...], limit_seconds: float) -> int:
        self.calls.append(args)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(0.01)
        self.in_flight -= 1
        scripted = self.codes.get(args)
        return scripted.pop(0) if scripted else 0


@pytest.mark.unit
async def test_a_successful_build_runs_its_syncs_and_is_recorded(tmp_path: Path) -> None:
    steps = Recorder()
    scheduler = Scheduler(TOY, steps, tmp_path / "runs.json", report=lambda _: None)
    run = await scheduler.run("build")
    assert run.ok and run.steps == {"dbt_build": 0}
    assert steps.calls[0] == ("pipelines", "dbt", "build")
    assert sorted(steps.calls[1:]) == [("pipelines", "sync", "a"), ("pipelines", "sync", "b")]
    assert scheduler.last["sync"].trigger == "after build"
    # A new scheduler on the same data folder knows the last runs.
    again = Scheduler(TOY, steps, tmp_path / "runs.json", report=lambda _: None)
    assert again.last["build"].ok and again.last["sync"].ok
    status = {p["name"]: p for p in again.status()}
    assert status["sync"]["schedule"] == "after build"


@pytest.mark.unit
async def test_a_failed_build_is_retried_then_fails_without_syncing(tmp_path: Path) -> None:
    steps = Recorder({("pipelines", "dbt", "build"): [1, 1, 1]})
    scheduler = Scheduler(
        TOY, steps, tmp_path / "runs.json", report=lambda _: None, retry_seconds=0
    )
    run = await scheduler.run("build")
    assert not run.ok and run.steps == {"dbt_build": 1}
    assert steps.calls == [("pipelines", "dbt", "build")] * 3
    assert "sync" not in scheduler.last


@pytest.mark.unit
async def test_pipelines_run_one_at_a_time(tmp_path: Path) -> None:
    steps = Recorder()
    pipelines = (
        Pipeline("x", "", {"s": ("pipelines", "dbt", "x")}),
        Pipeline("y", "", {"s": ("pipelines", "dbt", "y")}),
    )
    scheduler = Scheduler(pipelines, steps, tmp_path / "runs.json", report=lambda _: None)
    assert scheduler.trigger("x") and scheduler.trigger("y")
    assert not scheduler.trigger("x")  # already queued
    with pytest.raises(UnknownPipeline):
        scheduler.trigger("z")
    await scheduler.idle()
    assert steps.most_in_flight == 1 and len(steps.calls) == 2


@pytest.mark.service
async def test_steps_run_as_processes_and_a_timeout_kills_them(tmp_path: Path) -> None:
    log = tmp_path / "steps.log"
    run = step_runner([sys.executable, "-c"], {}, log)
    assert await run(("print('hello from a step')",), 30) == 0
    assert await run(("import sys; sys.exit(3)",), 30) == 3
    assert await run(("import time; time.sleep(60)",), 0.5) == -9
    assert "hello from a step" in log.read_text()
