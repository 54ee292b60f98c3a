"""Platform -> the api, gateway, ingest and scraper API Deployments and Services, the scraper's
listeners, PodDisruptionBudgets of the replicated ones, the schema Job, the Job storing the
upstream keys as credentials, the analytics pipelines' CronJobs (`pipelines`) and an optional
Ingress. Also what the Platform hands its ScrapeFlows' workers (`scraper_env`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from reach.operator.api.common import ConfigValue, SecretValue
from reach.operator.api.platform import PlatformSpec, Service
from reach.operator.builders import pipelines
from reach.operator.builders.common import (
    PROBE_PORT,
    ConfigDigests,
    Manifest,
    Owner,
    Runtime,
    config_hash,
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
    value_env,
)
from reach.scraper.contract import RAPIDAPI_PROVIDERS


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


def _set(pairs: list[tuple[str, ConfigValue | SecretValue | None]]) -> list[dict[str, Any]]:
    return [value_env(name, value) for name, value in pairs if value is not None]


def scraper_env(spec: PlatformSpec) -> list[dict[str, Any]]:
    """What the scraper's workers read beyond the stores (`ScraperSettings`): the upstreams'
    base URLs, the LLM and the object store. Only the workers call upstreams and store
    assets, so only they get these."""
    upstreams, llm, store = spec.upstreams, spec.llm, spec.object_store
    env = _set(
        [
            ("REACH_INSTAGRAM_GRAPH_URL", upstreams.graph_api.url),
            ("REACH_RAPIDAPI_INSTAGRAM_URL", upstreams.rapidapi_instagram.url),
            ("REACH_RAPIDAPI_INSTAGRAM_HOST", upstreams.rapidapi_instagram.host),
            *(
                (f"REACH_{RAPIDAPI_PROVIDERS[source].upper()}", provider.url)
                for source, provider in upstreams.rapidapi_providers.items()
            ),
            ("REACH_YOUTUBE_API_URL", upstreams.youtube.url),
            ("REACH_INSTAGRAM_WEB_URL", upstreams.instagram_web.url),
            ("REACH_SHOPIFY_ADMIN_URL", upstreams.shopify.url),
            ("REACH_INVIDIOUS_URL", upstreams.invidious.url),
            ("REACH_LLM_URL", llm.url),
            ("REACH_LLM_MODEL", llm.model),
        ]
    )
    if store is not None:
        env.append({"name": "REACH_ASSET_STORAGE", "value": "s3"})
        env += _set(
            [
                ("REACH_S3_BUCKET", store.bucket),
                ("REACH_S3_ENDPOINT_URL", store.endpoint),
                ("REACH_S3_REGION", store.region),
                ("REACH_S3_ACCESS_KEY_ID", store.access_key_id),
                ("REACH_S3_SECRET_ACCESS_KEY", store.secret_access_key),
                ("REACH_ASSET_CDN_URL", store.cdn_url),
            ]
        )
    return env


def credentials(spec: PlatformSpec) -> dict[str, dict[str, ConfigValue | SecretValue]]:
    """source -> credential field -> where its value is: the upstream keys the Platform
    declares, stored in the `credential` table where the sources take them from."""
    upstreams = spec.upstreams
    declared: dict[str, dict[str, ConfigValue | SecretValue | None]] = {
        "graphapi": {
            "user_id": upstreams.graph_api.user_id,
            "access_token": upstreams.graph_api.access_token,
        },
        "rapidapi-instagram": {"key": upstreams.rapidapi_instagram.key},
        **{
            source: {"key": provider.key}
            for source, provider in upstreams.rapidapi_providers.items()
        },
        "youtube": {"key": upstreams.youtube.key},
        "openai": {"api_key": spec.llm.api_key},
    }
    out: dict[str, dict[str, ConfigValue | SecretValue]] = {}
    for source, fields in declared.items():
        present = {field: value for field, value in fields.items() if value is not None}
        if present:
            out[source] = present
    return out


def credentials_job(
    owner: Owner, spec: PlatformSpec, runtime: Runtime, digests: ConfigDigests
) -> Manifest | None:
    """A Job storing each declared upstream key as the credential `<platform>` of its source
    (`reach scraper credentials add`). The values reach the arguments through Kubernetes'
    `$(VAR)` expansion, so they are never in the manifest; a changed value gets a new Job."""
    containers = []
    for source, fields in credentials(spec).items():
        variables = {field: f"CREDENTIAL_{field.upper()}" for field in fields}
        secrets = json.dumps({field: f"$({var})" for field, var in variables.items()})
        containers.append(
            container(
                source,
                runtime,
                ["scraper", "credentials", "add", source, owner.name, "--secrets", secrets],
                env=[value_env(variables[field], value) for field, value in fields.items()],
            )
        )
    if not containers:
        return None
    pod = pod_spec(containers, restart_policy="Never")
    name = f"{owner.name}-credentials-{digest([spec.image, config_hash(pod, digests)], 8)}"
    return job(owner, name, "credentials", job_spec(pod, backoffLimit=6))


def migrate_job_name(owner: Owner, spec: PlatformSpec) -> str:
    """Jobs are immutable: a new image or new stores get a new schema Job."""
    return f"{owner.name}-migrate-{digest([spec.image, spec.stores.model_dump()], 8)}"


def build(
    owner: Owner,
    spec: PlatformSpec,
    digests: ConfigDigests,
    scheduled_flows: frozenset[str] = frozenset(),
) -> list[Manifest]:
    """`digests`: the current value hashes of the Secret and ConfigMap keys the workloads read
    (see `config_hash`); `scheduled_flows`: the flows its ScrapeFlows schedule (see
    `pipelines.build`)."""
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
        out.append(
            deployment(
                owner,
                name,
                component,
                pod,
                replicas=settings.replicas,
                digests=digests,
            )
        )
        if workload.exposed:
            out.append(service(owner, name, component, workload.ports))
        if settings.replicas > 1:
            out.append(pod_disruption_budget(owner, name, component))
    migrate = pod_spec([container("migrate", runtime, ["db", "migrate"])], restart_policy="Never")
    out.append(
        job(owner, migrate_job_name(owner, spec), "migrate", job_spec(migrate, backoffLimit=6))
    )
    stored = credentials_job(owner, spec, runtime, digests)
    if stored is not None:
        out.append(stored)
    out += pipelines.build(owner, spec, runtime, scraper_api_url(owner), scheduled_flows)
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
