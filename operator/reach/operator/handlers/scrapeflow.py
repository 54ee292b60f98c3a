"""ScrapeFlow: Ready once its workers are available; scales them on the flow's pending tasks.
The workers get their Platform's upstream, LLM and object-store settings and roll when those
change."""

from __future__ import annotations

from reach.operator.api.scrapeflow import ScrapeFlow, ScrapeFlowSpec
from reach.operator.builders import scrapeflow as build
from reach.operator.builders.common import ConfigDigests, Manifest, Reference, env_references
from reach.operator.builders.platform import scraper_env
from reach.operator.handlers.reconciling import NoExtras, Report, Request
from reach.operator.handlers.scaling import label_selector, scale, workers_condition


class ScrapeFlowHandler(NoExtras):
    kind = ScrapeFlow
    needs_platform = True

    def references(self, request: Request[ScrapeFlowSpec]) -> set[Reference]:
        return env_references(self._build(request, {}))

    def manifests(self, request: Request[ScrapeFlowSpec]) -> list[Manifest]:
        return self._build(request, request.config)

    @staticmethod
    def _build(request: Request[ScrapeFlowSpec], digests: ConfigDigests) -> list[Manifest]:
        platform_env = scraper_env(request.platform) if request.platform else []
        return build.build(request.owner, request.spec, request.runtime(), platform_env, digests)

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
