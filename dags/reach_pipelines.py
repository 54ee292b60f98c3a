"""The analytics pipelines' Airflow DAGs, built from the table `PIPELINES`.

Every task runs a `reach pipelines ...` command in its own process (BashOperator): dbt runs
in-process inside `reach pipelines dbt`, so a dbt or embedded-ClickHouse crash ends that process
and fails the task instead of taking the Airflow worker down; the same commands are what the
operator's CronJobs run. A dbt DAG marks its Asset updated when its build succeeds, and the sync
DAG that lists it as `after` then copies the marts it rebuilt into PostgreSQL.

Environment: the worker's REACH_* settings reach the commands unchanged; REACH_CLI names the
`reach` executable (default: `reach` on PATH); REACH_SLACK_WEBHOOK_URL, when set, receives a
message for each failed task.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG, Asset

from reach.pipelines.definitions import syncs_after

log = logging.getLogger(__name__)

SLACK_WEBHOOK_ENV = "REACH_SLACK_WEBHOOK_URL"


@dataclass(frozen=True)
class Pipeline:
    """One DAG: `steps` (task id -> `reach` arguments) run side by side, on `schedule` (cron)
    or, with `after`, whenever that DAG's dbt build has succeeded."""

    dag_id: str
    description: str
    steps: Mapping[str, tuple[str, ...]]
    schedule: str | None = None
    after: str | None = None
    # Minutes a step may run before Airflow fails it (and retries it).
    timeout_minutes: int = 30

    @property
    def produces(self) -> Asset | None:
        """The Asset a dbt DAG marks updated: what the syncs after it wait for."""
        if not any(args[:2] == ("pipelines", "dbt") for args in self.steps.values()):
            return None
        return dbt_asset(self.dag_id)


def dbt_asset(dag_id: str) -> Asset:
    return Asset(name=dag_id, uri=f"reach-dbt://{dag_id}")


def _dbt(select: str) -> dict[str, tuple[str, ...]]:
    return {"dbt_build": ("pipelines", "dbt", "build", "--select", select)}


def _syncs(*names: str) -> dict[str, tuple[str, ...]]:
    return {f"sync_{name}": ("pipelines", "sync", name) for name in names}


PIPELINES = (
    Pipeline(
        "dbt_core",
        "Every 15 minutes: the marts the API serves (accounts, leaderboard, time series, "
        "collections).",
        _dbt("tag:core"),
        schedule="*/15 * * * *",
        timeout_minutes=14,
    ),
    Pipeline(
        "dbt_daily",
        "Daily: hashtags, audience and fake-follower marts.",
        _dbt("tag:daily"),
        schedule="30 1 * * *",
        timeout_minutes=120,
    ),
    Pipeline(
        "dbt_weekly",
        "Weekly: genre overview.",
        _dbt("tag:weekly"),
        schedule="30 2 * * 1",
        timeout_minutes=240,
    ),
    Pipeline(
        "sync_core",
        "After each dbt_core build: copy its serving marts into PostgreSQL with an atomic swap.",
        _syncs(*syncs_after("core")),
        after="dbt_core",
        timeout_minutes=14,
    ),
    Pipeline(
        "sync_daily",
        "After each dbt_daily build: copy the follower authenticity mart into PostgreSQL.",
        _syncs(*syncs_after("daily")),
        after="dbt_daily",
        timeout_minutes=30,
    ),
    Pipeline(
        "refresh_profiles",
        "Hourly: ask the scraper API to refresh profiles not refreshed for a day.",
        {"enqueue_refresh": ("pipelines", "enqueue", "refresh")},
        schedule="5 * * * *",
        timeout_minutes=10,
    ),
    Pipeline(
        "upload_assets",
        "Every 30 minutes: ask the scraper API to store media not yet in object storage.",
        {"enqueue_assets": ("pipelines", "enqueue", "assets")},
        schedule="10,40 * * * *",
        timeout_minutes=10,
    ),
)


def slack_alert(context: Mapping[str, Any]) -> None:
    """Posts a failed task to the Slack webhook in REACH_SLACK_WEBHOOK_URL; does nothing when
    it is unset. An unreachable Slack is logged, never raised: the alert must not mask the
    task's own failure."""
    url = os.environ.get(SLACK_WEBHOOK_ENV)
    if not url:
        return
    ti = context.get("task_instance")
    where = f"{getattr(ti, 'dag_id', '?')}.{getattr(ti, 'task_id', '?')}"
    text = (
        f":red_circle: Airflow task {where} failed (try {getattr(ti, 'try_number', '?')}, "
        f"run {context.get('run_id', '?')}): {context.get('exception', 'no exception')}"
    )
    try:
        httpx.post(url, json={"text": text}, timeout=10).raise_for_status()
    except httpx.HTTPError as exc:
        log.warning("Slack alert for %s not delivered: %s", where, exc)


def build(pipeline: Pipeline, reach: str) -> DAG:
    produced = pipeline.produces
    if pipeline.after is not None:
        schedule: str | list[Asset] | None = [dbt_asset(pipeline.after)]
    else:
        schedule = pipeline.schedule
    with DAG(
        dag_id=pipeline.dag_id,
        description=pipeline.description,
        schedule=schedule,
        start_date=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        # A missed run is superseded by the next: each run rebuilds or copies everything.
        catchup=False,
        max_active_runs=1,
        tags=["reach", "pipelines"],
        default_args={
            "retries": 2,
            "retry_delay": dt.timedelta(minutes=1),
            "retry_exponential_backoff": True,
            "execution_timeout": dt.timedelta(minutes=pipeline.timeout_minutes),
            "on_failure_callback": slack_alert,
        },
    ) as dag:
        for task_id, args in pipeline.steps.items():
            BashOperator(
                task_id=task_id,
                bash_command=shlex.join([reach, *args]),
                outlets=[produced] if produced is not None else [],
            )
    return dag


for _pipeline in PIPELINES:
    globals()[_pipeline.dag_id] = build(_pipeline, os.environ.get("REACH_CLI", "reach"))
