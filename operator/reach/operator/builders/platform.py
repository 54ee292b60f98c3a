"""Platform -> the api, gateway, ingest and scraper API Deployments and Services, the scraper's
listeners, PodDisruptionBudgets of the replicated ones, the schema Job and an optional
Ingress."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reach.operator.api.platform import PlatformSpec, Service
from reach.operator.builders.common import (
    PROBE_PORT,
    Manifest,
    Owner,
    Runtime,
    container,
    deployment,
    digest,
    job,
    job_spec,
    metadata,
    pod_disruption_budget,
    pod_spec,
    secret_env,
    service,
)


@dataclass(frozen=True)
class Workload:
    """One long-running component: its `reach` arguments, its ports (the first serves the
    probes) and whether other workloads reach it through a Service."""

    component: str
    spec_field: str
    args: tuple[str, ...]
    ports: dict[str, int]
    exposed: bool = True


# The scraper API's port is ScraperSettings' default (the seed's 8000), and its Service is what
# the API and the pipelines get as REACH_SCRAPER_API_URL.
SCRAPER_API_PORT = 8000
WORKLOADS = (
    Workload("api", "api", ("api", "serve", "--port", "7179"), {"http": 7179}),
    Workload("gateway", "gateway", ("gateway", "serve", "--port", "8009"), {"http": 8009}),
    Workload("ingest", "ingest", ("ingest", "serve"), {"http": 8019, "grpc": 8017}),
    Workload(
        "scraper-api",
        "scraper_api",
        ("scraper", "api", "--port", str(SCRAPER_API_PORT)),
        {"http": SCRAPER_API_PORT},
    ),
    Workload(
        "listeners",
        "listeners",
        ("scraper", "listen", "--probe-port", str(PROBE_PORT)),
        {"probes": PROBE_PORT},
        exposed=False,
    ),
)


def scraper_api_url(owner: Owner) -> str:
    return f"http://{owner.name}-scraper-api:{SCRAPER_API_PORT}"


def component_env(owner: Owner, spec: PlatformSpec, component: str) -> list[dict[str, Any]]:
    """Settings beyond the stores: the gateway's keys and upstream, the API's copy of the
    signing key, and the ingestion ports (stated so Service and server stay in step)."""
    keys = spec.gateway.keys
    if component == "gateway":
        return [
            secret_env("REACH_GATEWAY_JWT_SECRET", keys.jwt),
            secret_env("REACH_GATEWAY_SIGNING_SECRET", keys.signing),
            {"name": "REACH_GATEWAY_UPSTREAM_URL", "value": f"http://{owner.name}-api:7179"},
            {"name": "REACH_GATEWAY_ENVIRONMENT", "value": "production"},
        ]
    if component == "api":
        return [
            secret_env("REACH_API_SIGNING_SECRET", keys.signing),
            {"name": "REACH_SCRAPER_API_URL", "value": scraper_api_url(owner)},
        ]
    if component == "ingest":
        return [
            {"name": "REACH_INGEST_HTTP_PORT", "value": "8019"},
            {"name": "REACH_INGEST_GRPC_PORT", "value": "8017"},
        ]
    return []


def migrate_job_name(owner: Owner, spec: PlatformSpec) -> str:
    """Jobs are immutable: a new image or new stores get a new schema Job."""
    return f"{owner.name}-migrate-{digest([spec.image, spec.stores.model_dump()], 8)}"


def build(owner: Owner, spec: PlatformSpec) -> list[Manifest]:
    runtime = Runtime(spec.image, spec.image_pull_policy, spec.stores)
    out: list[Manifest] = []
    for workload in WORKLOADS:
        component = workload.component
        settings: Service = getattr(spec, workload.spec_field)
        name = f"{owner.name}-{component}"
        pod = pod_spec(
            [
                container(
                    component,
                    runtime,
                    list(workload.args),
                    ports=workload.ports,
                    probe_port=next(iter(workload.ports)),
                    env=component_env(owner, spec, component),
                    resource_spec=settings.resources,
                )
            ]
        )
        out.append(deployment(owner, name, component, pod, replicas=settings.replicas))
        if workload.exposed:
            out.append(service(owner, name, component, workload.ports))
        if settings.replicas > 1:
            out.append(pod_disruption_budget(owner, name, component))
    migrate = pod_spec([container("migrate", runtime, ["db", "migrate"])], restart_policy="Never")
    out.append(
        job(owner, migrate_job_name(owner, spec), "migrate", job_spec(migrate, backoffLimit=6))
    )
    if spec.ingress.enabled:
        out.append(ingress(owner, spec))
    return out


def ingress(owner: Owner, spec: PlatformSpec) -> Manifest:
    rule: dict[str, object] = {
        "http": {
            "paths": [
                {
                    "path": "/",
                    "pathType": "Prefix",
                    "backend": {
                        "service": {"name": f"{owner.name}-gateway", "port": {"name": "http"}}
                    },
                }
            ]
        }
    }
    if spec.ingress.host:
        rule["host"] = spec.ingress.host
    body: dict[str, object] = {"rules": [rule]}
    if spec.ingress.class_name:
        body["ingressClassName"] = spec.ingress.class_name
    if spec.ingress.tls_secret_name:
        body["tls"] = [
            {
                "secretName": spec.ingress.tls_secret_name,
                **({"hosts": [spec.ingress.host]} if spec.ingress.host else {}),
            }
        ]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": metadata(owner, owner.name, "gateway"),
        "spec": body,
    }
