"""ScrapeFlow: Ready once its workers are available; scales them on the flow's pending tasks."""

from __future__ import annotations

from reach.operator.api.scrapeflow import ScrapeFlow, ScrapeFlowSpec
from reach.operator.builders import scrapeflow as build
from reach.operator.builders.common import Manifest
from reach.operator.handlers.reconciling import NoExtras, Report, Request
from reach.operator.handlers.scaling import label_selector, scale, workers_condition


class ScrapeFlowHandler(NoExtras):
    kind = ScrapeFlow
    needs_platform = True

    def manifests(self, request: Request[ScrapeFlowSpec]) -> list[Manifest]:
        return build.build(request.owner, request.spec, request.runtime())

    async def observe(self, request: Request[ScrapeFlowSpec]) -> Report:
        spec = request.spec
        name = f"{request.owner.name}-worker"
        deployment = request.child("Deployment", name)
        report = Report(
            status={
                "selector": label_selector(request.owner, "worker"),
                "replicas": (deployment or {}).get("replicas"),
            }
        )
        dsn = await request.secret(request.runtime().stores.postgres)
        depth = await _pending(request, dsn, spec.flow)
        report.status["queueDepth"] = depth
        if spec.autoscaling and deployment is not None:
            await scale(request, report, name, spec.autoscaling, depth, deployment)
        report.conditions.append(workers_condition("WorkersAvailable", deployment))
        return report


async def _pending(request: Request[ScrapeFlowSpec], dsn: str, flow: str) -> int | None:
    from reach.operator.topology import pending_tasks

    try:
        return await pending_tasks(request.conns, dsn, flow)
    except OSError:
        return None
