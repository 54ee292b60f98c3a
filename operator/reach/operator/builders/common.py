"""Manifest pieces every builder uses: identity of the owner, labels, store environment, and
container, Deployment, Service, CronJob and Job shapes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from reach.operator.api.common import API_VERSION, GROUP, ConfigValue, SecretValue, Stores
from reach.operator.api.platform import DEFAULT_IMAGE, PlatformSpec, Resources

Manifest = dict[str, Any]
# A key a workload reads: ("Secret" or "ConfigMap", object name, key).
Reference = tuple[str, str, str]
# Reference -> a hash of its current value, resolved by the handler.
ConfigDigests = Mapping[Reference, str]
_REF_KINDS = {"secretKeyRef": "Secret", "configMapKeyRef": "ConfigMap"}

MANAGED_BY = "reach-operator"
LABEL_MANAGED_BY = "app.kubernetes.io/managed-by"
LABEL_OWNER_UID = f"{GROUP}/owner-uid"
ANNOTATION_CONFIG_HASH = f"{GROUP}/config-hash"

STORE_ENV = {
    "postgres": "REACH_POSTGRES_DSN",
    "clickhouse": "REACH_CLICKHOUSE_URL",
    "redis": "REACH_REDIS_URL",
    "rabbitmq": "REACH_AMQP_URL",
}
PROBE_PORT = 8080


@dataclass(frozen=True)
class Owner:
    """The custom resource the manifests belong to."""

    kind: str
    name: str
    namespace: str
    uid: str

    def reference(self) -> dict[str, Any]:
        return {
            "apiVersion": API_VERSION,
            "kind": self.kind,
            "name": self.name,
            "uid": self.uid,
            "controller": True,
            "blockOwnerDeletion": True,
        }


@dataclass(frozen=True)
class Runtime:
    """What a workload runs with: the image and the stores, from its Platform or its own."""

    image: str
    image_pull_policy: str
    stores: Stores

    @classmethod
    def resolve(cls, own_stores: Stores | None, platform: PlatformSpec | None) -> Runtime:
        if own_stores is not None:
            image = platform.image if platform else DEFAULT_IMAGE
            policy = platform.image_pull_policy if platform else "IfNotPresent"
            return cls(image, policy, own_stores)
        if platform is None:
            raise ValueError("no stores: the resource names no stores and has no Platform")
        return cls(platform.image, platform.image_pull_policy, platform.stores)


def digest(value: object, length: int = 10) -> str:
    """A short stable hash of a JSON-able value, for names and roll-out annotations."""
    text = json.dumps(value, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def labels(owner: Owner, component: str) -> dict[str, str]:
    return {
        "app.kubernetes.io/name": "reach",
        "app.kubernetes.io/instance": owner.name,
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/part-of": "reach",
        LABEL_MANAGED_BY: MANAGED_BY,
        f"{GROUP}/{owner.kind.lower()}": owner.name,
    }


def selector(owner: Owner, component: str) -> dict[str, str]:
    """The subset of labels that selects a component's pods; never changes after creation."""
    return {
        "app.kubernetes.io/instance": owner.name,
        "app.kubernetes.io/component": component,
        f"{GROUP}/{owner.kind.lower()}": owner.name,
    }


def metadata(owner: Owner, name: str, component: str) -> dict[str, Any]:
    return {
        "name": name,
        "namespace": owner.namespace,
        "labels": {**labels(owner, component), LABEL_OWNER_UID: owner.uid},
        "ownerReferences": [owner.reference()],
    }


def secret_env(name: str, value: SecretValue) -> dict[str, Any]:
    """An environment variable read from the Secret key `value` names."""
    ref = value.secret_key_ref
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": ref.name, "key": ref.key}}}


def value_env(name: str, value: ConfigValue | SecretValue) -> dict[str, Any]:
    """An environment variable read from the Secret or ConfigMap key `value` names."""
    if isinstance(value, ConfigValue) and value.config_map_key_ref is not None:
        ref = value.config_map_key_ref
        return {
            "name": name,
            "valueFrom": {"configMapKeyRef": {"name": ref.name, "key": ref.key}},
        }
    # A ConfigValue has exactly one of the two keys (ExactlyOne).
    assert value.secret_key_ref is not None
    return secret_env(name, SecretValue(secret_key_ref=value.secret_key_ref))


def _value_sources(node: object) -> Iterator[Reference]:
    if isinstance(node, dict):
        source = node.get("valueFrom")
        if isinstance(source, dict):
            for field, kind in _REF_KINDS.items():
                if field in source:
                    yield kind, source[field]["name"], source[field]["key"]
        for child in node.values():
            yield from _value_sources(child)
    elif isinstance(node, list):
        for child in node:
            yield from _value_sources(child)


def env_references(node: object) -> set[Reference]:
    """The Secret and ConfigMap keys the environment variables in `node` (manifests, a pod
    spec) read."""
    return set(_value_sources(node))


def config_hash(pod: dict[str, Any], digests: ConfigDigests) -> str:
    """A hash of the current values of the keys `pod` reads: a pod-template annotation, so a
    changed key rolls exactly the workloads that read it."""
    return digest(sorted((ref, digests.get(ref, "")) for ref in env_references(pod)), 16)


def store_env(stores: Stores) -> list[dict[str, Any]]:
    return [secret_env(variable, getattr(stores, store)) for store, variable in STORE_ENV.items()]


def resources(spec: Resources) -> dict[str, Any]:
    limits = {"memory": spec.memory_limit}
    if spec.cpu_limit:
        limits["cpu"] = spec.cpu_limit
    return {"requests": {"cpu": spec.cpu_request, "memory": spec.memory_request}, "limits": limits}


def container(
    name: str,
    runtime: Runtime,
    args: list[str],
    *,
    ports: dict[str, int] | None = None,
    probe_port: str | None = None,
    env: list[dict[str, Any]] | None = None,
    mounts: list[dict[str, Any]] | None = None,
    resource_spec: Resources | None = None,
) -> dict[str, Any]:
    """A container running `reach <args>` with the stores in its environment."""
    out: dict[str, Any] = {
        "name": name,
        "image": runtime.image,
        "imagePullPolicy": runtime.image_pull_policy,
        "command": ["reach"],
        "args": args,
        "env": [*store_env(runtime.stores), *(env or [])],
        "resources": resources(resource_spec or Resources()),
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "capabilities": {"drop": ["ALL"]},
        },
    }
    if ports:
        out["ports"] = [
            {"name": port_name, "containerPort": number, "protocol": "TCP"}
            for port_name, number in ports.items()
        ]
    if probe_port:
        out["livenessProbe"] = {
            "httpGet": {"path": "/healthz", "port": probe_port},
            "periodSeconds": 10,
            "failureThreshold": 3,
        }
        out["readinessProbe"] = {
            "httpGet": {"path": "/readyz", "port": probe_port},
            "periodSeconds": 5,
            "failureThreshold": 2,
        }
    if mounts:
        out["volumeMounts"] = mounts
    return out


def pod_spec(
    containers: list[dict[str, Any]],
    *,
    volumes: list[dict[str, Any]] | None = None,
    restart_policy: str | None = None,
    init_containers: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "containers": containers,
        "securityContext": {"runAsNonRoot": True, "runAsUser": 10001, "fsGroup": 10001},
        # Drains flush buffers and release tasks; give them time before SIGKILL.
        "terminationGracePeriodSeconds": 60,
        # /tmp must be writable with a read-only root filesystem.
        "volumes": [{"name": "tmp", "emptyDir": {}}, *(volumes or [])],
    }
    for c in containers + (init_containers or []):
        c.setdefault("volumeMounts", []).insert(0, {"name": "tmp", "mountPath": "/tmp"})
    if init_containers:
        spec["initContainers"] = init_containers
    if restart_policy:
        spec["restartPolicy"] = restart_policy
    return spec


def deployment(
    owner: Owner,
    name: str,
    component: str,
    pod: dict[str, Any],
    *,
    replicas: int | None,
    digests: ConfigDigests | None = None,
    config: object = None,
) -> Manifest:
    """A Deployment; `replicas=None` leaves the count to the autoscaler (not owned here). With
    `digests`, its pods roll when a key they read changes (`config_hash`), or the `config` they
    mount."""
    annotations = {}
    if digests is not None:
        read = config_hash(pod, digests)
        annotations[ANNOTATION_CONFIG_HASH] = read if config is None else digest([config, read])
    spec: dict[str, Any] = {
        "selector": {"matchLabels": selector(owner, component)},
        "template": {
            "metadata": {"labels": labels(owner, component), "annotations": annotations},
            "spec": pod,
        },
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0}},
    }
    if replicas is not None:
        spec["replicas"] = replicas
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata(owner, name, component),
        "spec": spec,
    }


def service(owner: Owner, name: str, component: str, ports: dict[str, int]) -> Manifest:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata(owner, name, component),
        "spec": {
            "type": "ClusterIP",
            "selector": selector(owner, component),
            "ports": [
                {"name": port_name, "port": number, "targetPort": port_name, "protocol": "TCP"}
                for port_name, number in ports.items()
            ],
        },
    }


def pod_disruption_budget(owner: Owner, name: str, component: str) -> Manifest:
    """At most one of a replicated component's pods evicted at a time (drains, upgrades)."""
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": metadata(owner, name, component),
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": selector(owner, component)}},
    }


def config_map(owner: Owner, name: str, component: str, data: dict[str, str]) -> Manifest:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": metadata(owner, name, component),
        "data": data,
    }


def job_spec(pod: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"backoffLimit": 3, "template": {"spec": pod}, **extra}


def _labelled_pods(spec: dict[str, Any], owner: Owner, component: str) -> dict[str, Any]:
    """A Job spec whose pods carry the component's labels."""
    return {
        **spec,
        "template": {**spec["template"], "metadata": {"labels": labels(owner, component)}},
    }


def job(owner: Owner, name: str, component: str, spec: dict[str, Any]) -> Manifest:
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": metadata(owner, name, component),
        "spec": _labelled_pods(spec, owner, component),
    }


def cron_job(
    owner: Owner, name: str, component: str, schedule: str, suspend: bool, job: dict[str, Any]
) -> Manifest:
    template = _labelled_pods(job, owner, component)
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": metadata(owner, name, component),
        "spec": {
            "schedule": schedule,
            "suspend": suspend,
            # A run still going when the next is due is not doubled up.
            "concurrencyPolicy": "Forbid",
            "startingDeadlineSeconds": 300,
            "successfulJobsHistoryLimit": 3,
            "failedJobsHistoryLimit": 3,
            "jobTemplate": {
                # The owner uid lets the operator find the Jobs the CronJob controller makes.
                "metadata": {"labels": {**labels(owner, component), LABEL_OWNER_UID: owner.uid}},
                "spec": template,
            },
        },
    }


def config_volume(config_map_name: str, mount_path: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A ConfigMap as a read-only volume and its mount."""
    volume = {"name": "config", "configMap": {"name": config_map_name}}
    mount = {"name": "config", "mountPath": mount_path, "readOnly": True}
    return volume, mount
