"""Platform: Ready once the schema Job has succeeded and its Deployments are available."""

from __future__ import annotations

from reach.operator.api.platform import Platform, PlatformSpec
from reach.operator.builders import platform as build
from reach.operator.builders.common import Manifest
from reach.operator.conditions import Condition
from reach.operator.handlers.reconciling import (
    NoExtras,
    Report,
    Request,
    deployment_available,
)
from reach.operator.kube import PLURALS

# The Platform is the one kind that writes PodDisruptionBudgets; kube.py's table of kinds is
# owned elsewhere, so the kind joins it here.
PLURALS.setdefault(("policy/v1", "PodDisruptionBudget"), "poddisruptionbudgets")


class PlatformHandler(NoExtras):
    kind = Platform
    needs_platform = False

    def manifests(self, request: Request[PlatformSpec]) -> list[Manifest]:
        return build.build(request.owner, request.spec)

    async def observe(self, request: Request[PlatformSpec]) -> Report:
        spec = request.spec
        job = request.child("Job", build.migrate_job_name(request.owner, spec))
        if job and job.get("complete"):
            migrated = Condition.of("MigrationsApplied", True, "JobSucceeded")
        elif job and job.get("failedCondition"):
            migrated = Condition.of(
                "MigrationsApplied", False, "JobFailed", "reach db migrate failed"
            )
        else:
            migrated = Condition.of(
                "MigrationsApplied", False, "JobRunning", "reach db migrate running"
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
        return Report(conditions=[migrated, services])
