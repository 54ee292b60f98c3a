"""EventSink: declares its RabbitMQ route and ClickHouse table, runs and scales its sink, and
on deletion drops the queue and table when `deletionPolicy: Delete` (held by a finalizer only
then)."""

from __future__ import annotations

from typing import Any

import kopf

from reach.ingest.tables import DATABASE
from reach.operator import topology
from reach.operator.api.common import GROUP, VERSION
from reach.operator.api.eventsink import EventSink, EventSinkSpec
from reach.operator.builders import eventsink as build
from reach.operator.builders.common import Manifest, Reference, Runtime
from reach.operator.conditions import Condition, get
from reach.operator.handlers.reconciling import Report, Request
from reach.operator.handlers.scaling import label_selector, scale, workers_condition

FINALIZER = f"{GROUP}/eventsink-cleanup"


def _done(request: Request[EventSinkSpec], type_: str) -> bool:
    """Whether a one-time step already succeeded for this generation."""
    found = get(list(request.status.get("conditions", [])), type_) or {}
    return found.get("status") == "True" and found.get("observedGeneration") == request.generation


class EventSinkHandler:
    kind = EventSink
    needs_platform = True
    finalizer = FINALIZER

    def references(self, request: Request[EventSinkSpec]) -> set[Reference]:
        return set()

    def manifests(self, request: Request[EventSinkSpec]) -> list[Manifest]:
        return build.build(request.owner, request.spec, request.runtime())

    async def observe(self, request: Request[EventSinkSpec]) -> Report:
        spec = request.spec
        sink = build.sink_of(spec)
        stores = request.runtime().stores
        amqp_url = await request.secret(stores.rabbitmq)
        report = Report(
            status={
                "selector": label_selector(request.owner, "sink"),
                "queue": sink.queue,
                "table": f"{DATABASE}.{sink.table}",
            },
            finalizer=FINALIZER if spec.deletion_policy == "Delete" else None,
        )
        if not _done(request, "QueueDeclared"):
            try:
                await topology.declare_route(
                    request.conns, amqp_url, sink, stores.rabbitmq.replicated
                )
            except OSError as exc:
                raise kopf.TemporaryError(f"RabbitMQ unreachable: {exc}", delay=15) from exc
            keys = ", ".join(sink.routing_keys)
            report.events.append(
                ("Normal", "QueueDeclared", f"{sink.queue} bound to {sink.exchange.name}: {keys}")
            )
        report.conditions.append(Condition.of("QueueDeclared", True, "Declared"))
        if not _done(request, "TableReady"):
            clickhouse_url = await request.secret(stores.clickhouse)
            await topology.create_table(
                request.conns, clickhouse_url, spec, stores.clickhouse.cluster
            )
            report.events.append(("Normal", "TableReady", f"{DATABASE}.{sink.table} exists"))
        report.conditions.append(Condition.of("TableReady", True, "Created"))

        name = f"{request.owner.name}-sink"
        deployment = request.child("Deployment", name)
        state = await topology.queue_state(request.conns, amqp_url, sink.queue)
        report.status["replicas"] = (deployment or {}).get("replicas")
        if state is not None:
            report.status["queueDepth"] = state.depth
            report.status["consumers"] = state.consumers
        if spec.autoscaling and deployment is not None and state is not None:
            await scale(request, report, name, spec.autoscaling, state.depth, deployment)
        report.conditions.append(workers_condition("ConsumersAvailable", deployment))
        return report

    def register(self, registry: kopf.OperatorRegistry) -> None:
        @kopf.on.delete(GROUP, VERSION, EventSink.plural, registry=registry, optional=True)
        async def cleanup(
            body: kopf.Body, patch: kopf.Patch, memo: kopf.Memo, **kwargs: Any
        ) -> None:
            finalizers = list(body["metadata"].get("finalizers") or [])
            if FINALIZER not in finalizers:
                return
            try:
                await self._drop(body, memo, kwargs)
            except kopf.TemporaryError:
                raise
            except Exception as exc:  # never hold the deletion hostage to an outage forever
                kopf.event(
                    body, type="Warning", reason="CleanupFailed", message=f"queue/table kept: {exc}"
                )
            finalizers.remove(FINALIZER)
            patch.metadata["finalizers"] = finalizers

    async def _drop(self, body: kopf.Body, memo: kopf.Memo, kwargs: dict[str, Any]) -> None:
        try:
            spec = EventSinkSpec.model_validate(dict(body.get("spec", {})))
        except Exception:  # an invalid spec never declared anything
            return
        namespace = body["metadata"]["namespace"]
        platforms = kwargs.get("platforms") or {}
        raw = next(iter(platforms.get((namespace, spec.platform_name), ())), None)
        from reach.operator.api.platform import PlatformSpec

        platform = PlatformSpec.model_validate(raw) if raw else None
        try:
            stores = Runtime.resolve(spec.stores, platform).stores
        except ValueError:
            kopf.event(
                body,
                type="Warning",
                reason="CleanupSkipped",
                message=f"Platform {spec.platform_name!r} is gone: queue and table kept",
            )
            return
        kube = memo["kube"]
        amqp_url = await kube.read_secret_key(
            namespace, stores.rabbitmq.secret_key_ref.name, stores.rabbitmq.secret_key_ref.key
        )
        clickhouse_url = await kube.read_secret_key(
            namespace, stores.clickhouse.secret_key_ref.name, stores.clickhouse.secret_key_ref.key
        )
        if amqp_url is None or clickhouse_url is None:
            kopf.event(
                body,
                type="Warning",
                reason="CleanupSkipped",
                message="connection Secret is gone: queue and table kept",
            )
            return
        await topology.delete_route(memo["conns"], amqp_url, build.sink_of(spec))
        await topology.drop_table(memo["conns"], clickhouse_url, spec, stores.clickhouse.cluster)
        kopf.event(
            body,
            type="Normal",
            reason="CleanedUp",
            message=f"deleted the queue and table of sink {spec.sink}",
        )
