"""Platform: Ready once the schema Job has succeeded and its Deployments are available; the
Secret and ConfigMap keys its workloads read are resolved first (a missing one is
Ready=False, ConfigMissing) and their value hashes roll the workloads that read them."""

from __future__ import annotations

from typing import Any

from reach.operator.api.platform import Platform, PlatformSpec
from reach.operator.builders import platform as build
from reach.operator.builders.common import Manifest, Reference, Runtime, env_references
from reach.operator.conditions import Condition
from reach.operator.handlers.reconciling import (
    NoExtras,
    Report,
    Request,
    deployment_available,
)


class PlatformHandler(NoExtras):
    kind = Platform
    needs_platform = False

    def references(self, request: Request[PlatformSpec]) -> set[Reference]:
        return env_references(build.build(request.owner, request.spec, {}))

    def manifests(self, request: Request[PlatformSpec]) -> list[Manifest]:
        return build.build(request.owner, request.spec, request.config, request.scheduled_flows)

    async def observe(self, request: Request[PlatformSpec]) -> Report:
        spec, owner = request.spec, request.owner
        conditions = [
            _job_condition(
                "MigrationsApplied",
                request.child("Job", build.migrate_job_name(owner, spec)),
                "reach db migrate",
            )
        ]
        runtime = Runtime(spec.image, spec.image_pull_policy, spec.stores)
        stored = build.credentials_job(owner, spec, runtime, request.config)
        if stored is not None:
            conditions.append(
                _job_condition(
                    "CredentialsStored",
                    request.child("Job", stored["metadata"]["name"]),
                    "reach scraper credentials add",
                )
            )
        waiting = []
        for component in (w.component for w in build.WORKLOADS):
            ok, detail = deployment_available(
                request.child("Deployment", f"{request.owner.name}-{component}")
            )
            if not ok:
                waiting.append(f"{component}: {detail}")
        services = Condition.of(
            "ServicesAvailable",
            not waiting,
            "Available" if not waiting else "Unavailable",
            "; ".join(waiting),
        )
        return Report(conditions=[*conditions, services])


def _job_condition(type_: str, job: dict[str, Any] | None, command: str) -> Condition:
    if job and job.get("complete"):
        return Condition.of(type_, True, "JobSucceeded")
    if job and job.get("failedCondition"):
        return Condition.of(type_, False, "JobFailed", f"{command} failed")
    return Condition.of(type_, False, "JobRunning", f"{command} running")
