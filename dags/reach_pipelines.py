"""The analytics pipelines' Airflow DAGs, built from the table `PIPELINES`
(`reach.pipelines.schedules`, which standalone mode runs on the same schedules).

Every task runs a `reach` command in its own process (BashOperator): dbt runs
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
import os
import shlex
from collections.abc import Mapping
from typing import Any

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG, Asset

from reach.pipelines.alerting import post_failure
from reach.pipelines.schedules import PIPELINES, Pipeline

SLACK_WEBHOOK_ENV = "REACH_SLACK_WEBHOOK_URL"


def dbt_asset(dag_id: str) -> Asset:
    return Asset(name=dag_id, uri=f"reach-dbt://{dag_id}")


def produced_asset(pipeline: Pipeline) -> Asset | None:
    """The Asset a dbt DAG marks updated: what the syncs after it wait for."""
    return dbt_asset(pipeline.dag_id) if pipeline.runs_dbt else None


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
    post_failure(url, text)


def build(pipeline: Pipeline, reach: str) -> DAG:
    produced = produced_asset(pipeline)
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
