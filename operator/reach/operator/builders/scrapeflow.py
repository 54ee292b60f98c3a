"""ScrapeFlow -> its flow config (`reach.scraper.contract.FlowConfig`), the worker Deployment
(with the upstream, LLM and object-store settings of its Platform) and, with a schedule, an
enqueuer CronJob."""

from __future__ import annotations

import json
from typing import Any

import yaml

from reach.operator.api.scrapeflow import ScrapeFlowSpec
from reach.operator.builders.common import (
    PROBE_PORT,
    ConfigDigests,
    Manifest,
    Owner,
    Runtime,
    config_map,
    config_volume,
    container,
    cron_job,
    deployment,
    job_spec,
    pod_spec,
)

CONFIG_PATH = "/etc/reach/scrapeflow"


def build(
    owner: Owner,
    spec: ScrapeFlowSpec,
    runtime: Runtime,
    platform_env: list[dict[str, Any]],
    digests: ConfigDigests,
) -> list[Manifest]:
    """`platform_env`: the Platform's settings for scraper workers (`platform.scraper_env`);
    `digests`: the current value hashes of the keys the workers read."""
    config = spec.flow_config().model_dump(by_alias=True, mode="json")
    config_name = f"{owner.name}-scrapeflow"
    volume, mount = config_volume(config_name, CONFIG_PATH)
    worker = container(
        "worker",
        runtime,
        [
            "scraper",
            "worker",
            "--flow",
            spec.flow.value,
            "--concurrency",
            str(spec.concurrency),
            "--config",
            f"{CONFIG_PATH}/flow.yaml",
            "--probe-port",
            str(PROBE_PORT),
        ],
        ports={"probes": PROBE_PORT},
        probe_port="probes",
        env=platform_env,
        mounts=[mount],
    )
    pod = pod_spec([worker], volumes=[volume])
    replicas = None if spec.autoscaling else spec.workers
    out = [
        config_map(owner, config_name, "worker", {"flow.yaml": yaml.safe_dump(config)}),
        deployment(
            owner,
            f"{owner.name}-worker",
            "worker",
            pod,
            replicas=replicas,
            digests=digests,
            config=config,
        ),
    ]
    if spec.schedule:
        enqueue = container(
            "enqueue",
            runtime,
            [
                "scraper",
                "enqueue",
                "--flow",
                spec.flow.value,
                "--params",
                json.dumps(spec.enqueue_params, sort_keys=True),
            ],
        )
        out.append(
            cron_job(
                owner,
                f"{owner.name}-enqueue",
                "enqueue",
                spec.schedule,
                spec.suspend,
                job_spec(pod_spec([enqueue], restart_policy="Never")),
            )
        )
    return out
