"""When the analytics pipelines run, declared once as data: the Airflow DAGs in `dags/` are built
from `PIPELINES`, and standalone mode (`reach.standalone.scheduling`) runs the same steps on the
same schedules without Airflow. Which syncs follow which build comes from the sync
definitions (`SyncSpec.after_tag`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from reach.pipelines.definitions import syncs_after
from reach.scraper.contract import FLOWS, MAX_TASKS, REFRESH_FLOWS, STALE_AFTER_HOURS, FlowName


@dataclass(frozen=True)
class Pipeline:
    """One pipeline: `steps` (step id -> `reach` arguments) run side by side, on `schedule`
    (cron) or, with `after`, whenever that pipeline's dbt build has succeeded."""

    dag_id: str
    description: str
    steps: Mapping[str, tuple[str, ...]]
    schedule: str | None = None
    after: str | None = None
    # Minutes a step may run before it is failed (and retried).
    timeout_minutes: int = 30

    @property
    def runs_dbt(self) -> bool:
        """A dbt pipeline: the ones listing it as `after` run when it succeeds."""
        return any(args[:2] == ("pipelines", "dbt") for args in self.steps.values())


def _dbt(tag: str) -> dict[str, tuple[str, ...]]:
    # `+`: the staging views and seeds the tag's marts read are built too; on a fresh database
    # they do not exist yet, and rebuilding a view costs nothing.
    return {"dbt_build": ("pipelines", "dbt", "build", "--select", f"+tag:{tag}")}


def _stale_refresh(flow: FlowName) -> tuple[str, ...]:
    freshness = FLOWS[flow].freshness
    assert freshness is not None, "the profile refreshes keep profiles fresh"
    # At most 1000 a network an hour: the pace the refresh flows' rate limits can drain.
    params = json.dumps(
        {MAX_TASKS: 1000, STALE_AFTER_HOURS: freshness.stale_after_hours}, sort_keys=True
    )
    return ("scraper", "enqueue", "--flow", flow.value, "--params", params)


def _syncs(*names: str) -> dict[str, tuple[str, ...]]:
    return {f"sync_{name}": ("pipelines", "sync", name) for name in names}


PIPELINES = (
    Pipeline(
        "dbt_core",
        "Every 15 minutes: the marts the API serves (accounts, leaderboard, time series, "
        "collections) and the incremental partial updates of the accounts.",
        _dbt("core"),
        schedule="*/15 * * * *",
        timeout_minutes=14,
    ),
    Pipeline(
        "dbt_daily",
        "Daily: hashtags, audience, GPT data, fake-follower, posts and profile stats marts.",
        _dbt("daily"),
        schedule="30 1 * * *",
        timeout_minutes=120,
    ),
    Pipeline(
        "dbt_weekly",
        "Weekly: genre overview.",
        _dbt("weekly"),
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
        "Hourly: enqueue a refresh of every profile not refreshed for a day (the scraper's "
        "enqueuer, the one a scheduled ScrapeFlow runs).",
        {f"enqueue_{flow}": _stale_refresh(flow) for flow in REFRESH_FLOWS.values()},
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
