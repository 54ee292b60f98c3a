"""ScrapeFlow -> its flow config, the worker Deployment and, with a schedule, an enqueuer
CronJob."""

from __future__ import annotations

import json

import yaml

from reach.operator.api.scrapeflow import ScrapeFlowSpec
from reach.operator.builders.common import (
    ANNOTATION_CONFIG_HASH,
    PROBE_PORT,
    Manifest,
    Owner,
    Runtime,
    config_map,
    config_volume,
    container,
    cron_job,
    deployment,
    digest,
    job_spec,
    pod_spec,
)

CONFIG_PATH = "/etc/reach/scrapeflow"


def flow_config(spec: ScrapeFlowSpec) -> dict[str, object]:
    """What the workers read: the flow's sources and limits (the parts they can't get from
    their arguments)."""
    return {
        "platform": spec.platform,
        "flow": spec.flow,
        "sources": [s.model_dump(by_alias=True) for s in spec.sources],
        "rateLimits": [r.model_dump(by_alias=True) for r in spec.rate_limits],
    }


def build(owner: Owner, spec: ScrapeFlowSpec, runtime: Runtime) -> list[Manifest]:
    config = flow_config(spec)
    config_name = f"{owner.name}-scrapeflow"
    volume, mount = config_volume(config_name, CONFIG_PATH)
    worker = container(
        "worker",
        runtime,
        [
            "scraper",
            "worker",
            "--flow",
            spec.flow,
            "--concurrency",
            str(spec.concurrency),
            "--config",
            f"{CONFIG_PATH}/flow.yaml",
            "--probe-port",
            str(PROBE_PORT),
        ],
        ports={"probes": PROBE_PORT},
        probe_port="probes",
        mounts=[mount],
    )
    replicas = None if spec.autoscaling else spec.workers
    out = [
        config_map(owner, config_name, "worker", {"flow.yaml": yaml.safe_dump(config)}),
        deployment(
            owner,
            f"{owner.name}-worker",
            "worker",
            pod_spec([worker], volumes=[volume]),
            replicas=replicas,
            annotations={ANNOTATION_CONFIG_HASH: digest(config)},
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
                spec.flow,
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
