"""What the scaled kinds (ScrapeFlow, EventSink) share: their workers' readiness, the selector
for `/scale`, and applying an autoscaling decision to the worker Deployment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from reach.operator import autoscaling
from reach.operator.api.common import Autoscaling
from reach.operator.builders.common import Owner, selector
from reach.operator.conditions import Condition
from reach.operator.handlers.reconciling import Report, Request, deployment_available

AUTOSCALER_FIELD_MANAGER = "reach-autoscaler"


async def scale(
    request: Request[Any],
    report: Report,
    deployment_name: str,
    spec: Autoscaling,
    depth: int | None,
    deployment: dict[str, Any],
) -> None:
    """Sets the Deployment's replicas toward the backlog, under its own field manager so the
    operator's apply (which leaves replicas out while autoscaling) never fights it."""
    if depth is None:
        return
    current = int(deployment.get("replicas") or 0)
    last = request.status.get("lastScaleTime")
    last_time = datetime.fromisoformat(last) if isinstance(last, str) else None
    decision = autoscaling.desired_replicas(spec, current, depth, last_time, request.now)
    if not decision.changed(current):
        return
    await request.kube.apply_as(
        AUTOSCALER_FIELD_MANAGER,
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": deployment_name, "namespace": request.owner.namespace},
            "spec": {"replicas": decision.replicas},
        },
    )
    report.status["replicas"] = decision.replicas
    report.status["lastScaleTime"] = request.now.strftime("%Y-%m-%dT%H:%M:%SZ")
    report.events.append(
        ("Normal", "Scaled", f"workers {current} -> {decision.replicas}: {decision.reason}")
    )


def label_selector(owner: Owner, component: str) -> str:
    """The `/scale` subresource's selector of the workers' pods."""
    return ",".join(f"{k}={v}" for k, v in selector(owner, component).items())


def workers_condition(type_: str, deployment: dict[str, Any] | None) -> Condition:
    """True when the workers are available, or deliberately scaled to zero."""
    ok, detail = deployment_available(deployment)
    scaled_to_zero = deployment is not None and not deployment.get("replicas")
    return Condition.of(type_, ok or scaled_to_zero, "Available" if ok else "Unavailable", detail)
