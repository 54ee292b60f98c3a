"""Platform -> the api, gateway and ingest Deployments and Services, the schema Job and an
optional Ingress."""

from __future__ import annotations

from typing import Any

from reach.operator.api.platform import PlatformSpec, Service
from reach.operator.builders.common import (
    Manifest,
    Owner,
    Runtime,
    container,
    deployment,
    digest,
    job,
    job_spec,
    metadata,
    pod_spec,
    secret_env,
    service,
)

# component: (CLI args, ports by name; `http` also serves the probes)
SERVICES: dict[str, tuple[list[str], dict[str, int]]] = {
    "api": (["api", "serve", "--port", "7179"], {"http": 7179}),
    "gateway": (["gateway", "serve", "--port", "8009"], {"http": 8009}),
    "ingest": (["ingest", "serve"], {"http": 8019, "grpc": 8017}),
}


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
        return [secret_env("REACH_API_SIGNING_SECRET", keys.signing)]
    return [
        {"name": "REACH_INGEST_HTTP_PORT", "value": "8019"},
        {"name": "REACH_INGEST_GRPC_PORT", "value": "8017"},
    ]


def migrate_job_name(owner: Owner, spec: PlatformSpec) -> str:
    """Jobs are immutable: a new image or new stores get a new schema Job."""
    return f"{owner.name}-migrate-{digest([spec.image, spec.stores.model_dump()], 8)}"


def build(owner: Owner, spec: PlatformSpec) -> list[Manifest]:
    runtime = Runtime(spec.image, spec.image_pull_policy, spec.stores)
    out: list[Manifest] = []
    for component, (args, ports) in SERVICES.items():
        settings: Service = getattr(spec, component)
        name = f"{owner.name}-{component}"
        pod = pod_spec(
            [
                container(
                    component,
                    runtime,
                    args,
                    ports=ports,
                    probe_port="http",
                    env=component_env(owner, spec, component),
                    resource_spec=settings.resources,
                )
            ]
        )
        out.append(deployment(owner, name, component, pod, replicas=settings.replicas))
        out.append(service(owner, name, component, ports))
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
