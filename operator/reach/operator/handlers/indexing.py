"""In-memory indexes the handlers read instead of calling the API: Platforms by name, the flows
that ScrapeFlows schedule by Platform, and the children the operator made (by owner uid) with
the status fields that decide readiness."""

from __future__ import annotations

from typing import Any

import kopf
from pydantic import ValidationError

from reach.operator.api.common import GROUP, VERSION
from reach.operator.api.scrapeflow import ScrapeFlowSpec
from reach.operator.builders.common import LABEL_MANAGED_BY, LABEL_OWNER_UID, MANAGED_BY

CHILD_RESOURCES = (
    ("apps", "v1", "deployments"),
    ("batch", "v1", "jobs"),
    ("batch", "v1", "cronjobs"),
    ("", "v1", "services"),
    ("", "v1", "configmaps"),
)


def summarize(kind: str, body: kopf.Body) -> dict[str, Any]:
    """The fields of a child that readiness, scaling and run history need."""
    meta, spec, status = body.get("metadata", {}), body.get("spec", {}), body.get("status", {})
    out: dict[str, Any] = {"kind": kind, "name": meta.get("name")}
    if kind == "Deployment":
        out |= {
            "replicas": spec.get("replicas", 1),
            "available": status.get("availableReplicas", 0),
            "updated": status.get("updatedReplicas", 0),
            "current": (status.get("observedGeneration") or 0) >= (meta.get("generation") or 0),
        }
    elif kind == "Job":
        conditions = {c["type"]: c["status"] for c in status.get("conditions", [])}
        out |= {
            "completions": spec.get("completions", 1),
            "succeeded": status.get("succeeded", 0),
            "failed": status.get("failed", 0),
            "complete": conditions.get("Complete") == "True",
            "failedCondition": conditions.get("Failed") == "True",
            "startTime": status.get("startTime"),
            "completionTime": status.get("completionTime"),
            "creationTimestamp": meta.get("creationTimestamp"),
        }
    elif kind == "CronJob":
        out |= {
            "lastScheduleTime": status.get("lastScheduleTime"),
            "lastSuccessfulTime": status.get("lastSuccessfulTime"),
        }
    return out


def register(registry: kopf.OperatorRegistry) -> None:
    @kopf.index(GROUP, VERSION, "platforms", id="platforms", registry=registry)  # type: ignore[arg-type]
    def platforms(namespace: str, name: str, body: kopf.Body, **_: Any) -> Any:
        return {(namespace, name): dict(body.get("spec", {}))}

    @kopf.index(GROUP, VERSION, "scrapeflows", id="scheduled_flows", registry=registry)  # type: ignore[arg-type]
    def scheduled_flows(namespace: str, body: kopf.Body, **_: Any) -> Any:
        try:
            spec = ScrapeFlowSpec.model_validate(dict(body.get("spec", {})))
        except ValidationError:
            return None  # its handler reports it; an invalid ScrapeFlow schedules nothing
        if not spec.enqueues_for_its_platform:
            return None
        return {(namespace, spec.platform_name): str(spec.flow)}

    for group, version, plural in CHILD_RESOURCES:
        kind = {
            "deployments": "Deployment",
            "jobs": "Job",
            "cronjobs": "CronJob",
            "services": "Service",
            "configmaps": "ConfigMap",
        }[plural]

        def children(body: kopf.Body, labels: kopf.Labels, _kind: str = kind, **_: Any) -> Any:
            return {labels[LABEL_OWNER_UID]: summarize(_kind, body)}

        kopf.index(
            group or None,
            version,
            plural,
            id=f"children_{plural}",
            labels={LABEL_MANAGED_BY: MANAGED_BY, LABEL_OWNER_UID: kopf.PRESENT},
            registry=registry,
        )(children)
