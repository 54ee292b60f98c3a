"""Platform -> a CronJob per scheduled analytics pipeline of `reach.pipelines.schedules` (the
steps and default schedules the Airflow DAGs and standalone mode run): a dbt build by tag as
the init container, the syncs that follow that build as the containers (they run side by side
once the build succeeded), and the periodic enqueues and operational checks on their own. A
failed command posts to the Platform's Slack webhook."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reach.operator.api.platform import SCHEDULED_PIPELINES, PlatformSpec
from reach.operator.builders.common import (
    Manifest,
    Owner,
    Runtime,
    container,
    cron_job,
    job_spec,
    pod_spec,
    secret_env,
)
from reach.pipelines.schedules import PIPELINES


def cron_job_name(owner: Owner, pipeline: str) -> str:
    return f"{owner.name}-{pipeline.replace('_', '-')}"


def _containers(
    steps: Mapping[str, tuple[str, ...]], spec: PlatformSpec, runtime: Runtime, scraper_api_url: str
) -> list[dict[str, Any]]:
    webhook = spec.pipelines.slack_webhook_url
    out = []
    for step, args in steps.items():
        # The alert is `reach pipelines`' own (PipelinesSettings); the stale-profile enqueue is
        # the scraper's command, whose failures show in the CronJob's history.
        env = (
            [secret_env("REACH_SLACK_WEBHOOK_URL", webhook)]
            if webhook and args[0] == "pipelines"
            else []
        )
        # Only the enqueues talk to the scraper API (PipelinesSettings.scraper_api_url).
        if args[:2] == ("pipelines", "enqueue"):
            env.append({"name": "REACH_SCRAPER_API_URL", "value": scraper_api_url})
        out.append(container(step.replace("_", "-"), runtime, list(args), env=env))
    return out


def build(
    owner: Owner,
    spec: PlatformSpec,
    runtime: Runtime,
    scraper_api_url: str,
    scheduled_flows: frozenset[str],
) -> list[Manifest]:
    """`scheduled_flows`: the flows ScrapeFlows of this Platform schedule; a refresh family
    leaves their enqueues to them, and is suspended when it has none left. Disabled pipelines
    keep their CronJobs, suspended, so turning them off stops runs already scheduled."""
    settings = spec.pipelines
    out = []
    for pipeline in PIPELINES:
        if pipeline.dag_id not in SCHEDULED_PIPELINES:
            continue
        steps = pipeline.steps_besides(scheduled_flows)
        # Suspended, a CronJob still needs a container.
        containers = _containers(steps or pipeline.steps, spec, runtime, scraper_api_url)
        followers = [
            c
            for after in PIPELINES
            if after.after == pipeline.dag_id
            for c in _containers(after.steps, spec, runtime, scraper_api_url)
        ]
        if followers:
            pod = pod_spec(followers, init_containers=containers, restart_policy="Never")
        else:
            pod = pod_spec(containers, restart_policy="Never")
        timeout = pipeline.timeout_minutes + max(
            (p.timeout_minutes for p in PIPELINES if p.after == pipeline.dag_id), default=0
        )
        suspended = not settings.enabled or pipeline.dag_id in settings.suspend or not steps
        out.append(
            cron_job(
                owner,
                cron_job_name(owner, pipeline.dag_id),
                pipeline.dag_id.replace("_", "-"),
                settings.schedule(pipeline.dag_id),
                suspended,
                job_spec(pod, backoffLimit=1, activeDeadlineSeconds=timeout * 60),
            )
        )
    return out
