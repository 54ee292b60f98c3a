"""Leaderboard and TableSync -> a CronJob that runs dbt, then a sync into PostgreSQL; and the
one-off Job a run-now annotation starts from it."""

from __future__ import annotations

import json

import yaml

from reach.operator.api.leaderboard import LeaderboardSpec
from reach.operator.api.tablesync import TableSyncSpec
from reach.operator.builders import common
from reach.operator.builders.common import Manifest, Owner, Runtime
from reach.pipelines import contract

TABLESYNC_CONFIG_PATH = "/etc/reach/tablesync"


def leaderboard(owner: Owner, spec: LeaderboardSpec, runtime: Runtime) -> list[Manifest]:
    """dbt builds this leaderboard's ranking alone (its partition of the ranking model, named
    after the resource; the core marts it reads are the Platform's core schedule's), as an init
    container so the sync only runs after a successful build; then the sync replaces this
    leaderboard's rows of `targetTable`, leaving other leaderboards' rows alone."""
    dbt_vars = contract.leaderboard_vars(
        owner.name, spec.network, spec.metric, list(spec.dimensions)
    )
    build = common.container(
        "dbt",
        runtime,
        [
            "pipelines",
            "dbt",
            "build",
            "--select",
            contract.LEADERBOARD_MODEL,
            "--vars",
            json.dumps(dbt_vars, sort_keys=True),
        ],
    )
    sync = common.container(
        "sync",
        runtime,
        [
            "pipelines",
            "sync",
            contract.LEADERBOARD_SYNC,
            "--partition",
            owner.name,
            "--target",
            spec.target_table,
        ],
    )
    pod = common.pod_spec([sync], init_containers=[build], restart_policy="Never")
    return [
        common.cron_job(
            owner,
            f"{owner.name}-leaderboard",
            "leaderboard",
            spec.schedule,
            spec.suspend,
            common.job_spec(pod, backoffLimit=1),
        )
    ]


def tablesync(owner: Owner, spec: TableSyncSpec, runtime: Runtime) -> list[Manifest]:
    config = spec.sync_config().model_dump(by_alias=True, exclude_none=True)
    config_name = f"{owner.name}-tablesync"
    volume, mount = common.config_volume(config_name, TABLESYNC_CONFIG_PATH)
    sync = common.container(
        "sync",
        runtime,
        ["pipelines", "sync", owner.name, "--config", f"{TABLESYNC_CONFIG_PATH}/sync.yaml"],
        mounts=[mount],
    )
    pod = common.pod_spec([sync], volumes=[volume], restart_policy="Never")
    return [
        common.config_map(owner, config_name, "sync", {"sync.yaml": yaml.safe_dump(config)}),
        common.cron_job(
            owner,
            f"{owner.name}-sync",
            "sync",
            spec.schedule,
            spec.suspend,
            common.job_spec(pod, backoffLimit=1),
        ),
    ]


def run_now(owner: Owner, cron: Manifest, token: str) -> Manifest:
    """The Job `kubectl create job --from=cronjob/...` would make, named after the request."""
    template = cron["spec"]["jobTemplate"]
    component = cron["metadata"]["labels"]["app.kubernetes.io/component"]
    made = common.job(owner, f"{cron['metadata']['name']}-now-{token}", component, template["spec"])
    made["metadata"]["annotations"] = {"cronjob.kubernetes.io/instantiate": "manual"}
    return made
