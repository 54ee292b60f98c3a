"""When the analytics pipelines run, declared once as data: the Airflow DAGs in `dags/` are built
from `PIPELINES`, and standalone mode (`reach.standalone.scheduling`) runs the same steps on the
same schedules without Airflow. Which syncs follow which build, in which family's pipeline,
comes from the sync definitions (`SyncSpec.after_tag`, `.pipeline`). The families are the
seed's: the analytics builds and their syncs (leaderboard apart), the Instagram and YouTube
refreshes, asset upload, and the operational checks (queue health, stale credentials, table
sizes), each step a `reach` command."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from reach.common.networks import SocialNetwork
from reach.pipelines.definitions import sync_pipelines
from reach.scraper.contract import FLOWS, FRESH_FLOWS, MAX_TASKS, STALE_AFTER_HOURS, FlowName


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

    def steps_besides(self, flows: frozenset[str]) -> dict[str, tuple[str, ...]]:
        """Its steps but the enqueues of `flows` (flows something else schedules already)."""
        return {
            step: args
            for step, args in self.steps.items()
            if not (args[:2] == ("scraper", "enqueue") and args[3] in flows)
        }


def _dbt(tag: str) -> dict[str, tuple[str, ...]]:
    # `+`: the staging views and seeds the tag's marts read are built too; on a fresh database
    # they do not exist yet, and rebuilding a view costs nothing.
    return {"dbt_build": ("pipelines", "dbt", "build", "--select", f"+tag:{tag}")}


def _stale_refresh(flow: FlowName) -> tuple[str, ...]:
    freshness = FLOWS[flow].freshness
    assert freshness is not None, "a family refreshes only the flows that keep things fresh"
    # At most 1000 tasks a flow a run: the pace the flows' rate limits drain in an hour.
    params = json.dumps(
        {MAX_TASKS: 1000, STALE_AFTER_HOURS: freshness.stale_after_hours}, sort_keys=True
    )
    return ("scraper", "enqueue", "--flow", flow.value, "--params", params)


def _network_refresh(network: SocialNetwork) -> dict[str, tuple[str, ...]]:
    """An enqueue of what is stale for every flow of `network` that keeps something fresh."""
    return {
        f"enqueue_{flow}": _stale_refresh(flow)
        for flow in FRESH_FLOWS
        if FLOWS[flow].network == network
    }


def _syncs_after(dbt_pipeline: str, tag: str, minutes: int) -> tuple[Pipeline, ...]:
    """A pipeline per sync family of `tag` (`SyncSpec.pipeline`), each after `dbt_pipeline`."""
    return tuple(
        Pipeline(
            dag_id,
            f"After each {dbt_pipeline} build: copy {', '.join(names)} into PostgreSQL with an "
            "atomic swap.",
            {f"sync_{name}": ("pipelines", "sync", name) for name in names},
            after=dbt_pipeline,
            timeout_minutes=minutes,
        )
        for dag_id, names in sync_pipelines(tag).items()
    )


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
    *_syncs_after("dbt_core", "core", 14),
    *_syncs_after("dbt_daily", "daily", 30),
    Pipeline(
        "sync_instagram",
        "Hourly: enqueue what is stale for every Instagram flow with a default cadence "
        "(profiles, posts, stories, reels, comments, followers...), at most 1000 tasks a flow.",
        _network_refresh("instagram"),
        schedule="5 * * * *",
        timeout_minutes=10,
    ),
    Pipeline(
        "sync_youtube",
        "Hourly: enqueue what is stale for every YouTube flow with a default cadence "
        "(channels, videos, playlists, sections...), at most 1000 tasks a flow.",
        _network_refresh("youtube"),
        schedule="20 * * * *",
        timeout_minutes=10,
    ),
    Pipeline(
        "upload_assets",
        "Every 30 minutes: ask the scraper API to store media not yet in object storage.",
        {"enqueue_assets": ("pipelines", "enqueue", "assets")},
        schedule="10,40 * * * *",
        timeout_minutes=10,
    ),
    Pipeline(
        "queue_health",
        "Every 10 minutes: the scraper queue per flow; fails when a flow's oldest due task has "
        "waited over an hour (its workers are down or too few).",
        {"queue_health": ("scraper", "queue-health", "--max-queued-age-minutes", "60")},
        schedule="*/10 * * * *",
        timeout_minutes=5,
    ),
    Pipeline(
        "stale_credentials",
        "Daily: fails naming the source credentials disabled or unused for three days.",
        {"stale_credentials": ("scraper", "credentials", "stale", "--unused-hours", "72")},
        schedule="0 6 * * *",
        timeout_minutes=5,
    ),
    Pipeline(
        "table_sizes",
        "Daily: rows and bytes of every PostgreSQL and ClickHouse table, in the task's log.",
        {"table_sizes": ("db", "table-sizes")},
        schedule="0 4 * * *",
        timeout_minutes=30,
    ),
)
