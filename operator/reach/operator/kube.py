"""The Kubernetes API edge: server-side apply of the manifests builders return, deletes, and
Secret reads, over one async HTTP client.

Credentials come from Kopf's own login functions (ServiceAccount in a pod, $KUBECONFIG
elsewhere) and are renewed when the API server answers 401, as bound ServiceAccount tokens
expire. Every apply uses one field manager and forces conflicts: the operator owns the fields
it sets, and fields it leaves out (such as `replicas` under autoscaling) stay with whoever set
them.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Callable
from typing import Any

import httpx
import kopf

Manifest = dict[str, Any]

# The kinds the operator writes: apiVersion + kind -> their collection in the REST API.
PLURALS = {
    ("apps/v1", "Deployment"): "deployments",
    ("batch/v1", "Job"): "jobs",
    ("batch/v1", "CronJob"): "cronjobs",
    ("v1", "Service"): "services",
    ("v1", "ConfigMap"): "configmaps",
    ("v1", "Secret"): "secrets",
    ("networking.k8s.io/v1", "Ingress"): "ingresses",
    ("coordination.k8s.io/v1", "Lease"): "leases",
    ("policy/v1", "PodDisruptionBudget"): "poddisruptionbudgets",
}


class KubeError(RuntimeError):
    pass


def object_path(api_version: str, kind: str, namespace: str, name: str = "") -> str:
    """The object's REST path, or its collection's when `name` is empty."""
    try:
        plural = PLURALS[(api_version, kind)]
    except KeyError:
        raise KubeError(f"the operator does not manage {api_version} {kind}") from None
    root = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
    collection = f"{root}/namespaces/{namespace}/{plural}"
    return f"{collection}/{name}" if name else collection


def _client(info: kopf.ConnectionInfo) -> httpx.AsyncClient:
    # Kopf's own context: it decodes kubeconfig's base64 `*-data` fields to PEM (as kind writes
    # them) and keeps client keys on disk only while the context loads them.
    return httpx.AsyncClient(
        base_url=info.server,
        verify=info.as_ssl_context(),
        headers=info.as_http_headers(),
        timeout=httpx.Timeout(30),
        limits=httpx.Limits(max_connections=16),
    )


Login = Callable[[], kopf.ConnectionInfo | None]


def login() -> kopf.ConnectionInfo | None:
    """In a pod: the ServiceAccount token; elsewhere: $KUBECONFIG (as Kopf itself logs in)."""
    settings = kopf.OperatorSettings()
    return kopf.login_with_service_account(settings=settings) or kopf.login_with_kubeconfig(
        settings=settings
    )


class Kube:
    def __init__(self, login: Login, field_manager: str) -> None:
        self._login = login
        self._field_manager = field_manager
        self._http = self._connect()

    def _connect(self) -> httpx.AsyncClient:
        info = self._login()
        if info is None:
            raise KubeError("no Kubernetes credentials: neither a ServiceAccount nor $KUBECONFIG")
        return _client(info)

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = await self._http.request(method, path, **kwargs)
        if response.status_code == 401:
            old, self._http = self._http, self._connect()
            await old.aclose()
            response = await self._http.request(method, path, **kwargs)
        return response

    async def apply_as(self, field_manager: str, manifest: Manifest) -> None:
        meta = manifest["metadata"]
        path = object_path(
            manifest["apiVersion"], manifest["kind"], meta["namespace"], meta["name"]
        )
        response = await self._request(
            "PATCH",
            path,
            params={"fieldManager": field_manager, "force": "true"},
            content=json.dumps(manifest),
            headers={"Content-Type": "application/apply-patch+yaml"},
        )
        if response.is_error:
            raise kopf.TemporaryError(
                f"apply {manifest['kind']}/{meta['name']}: {response.status_code} "
                f"{_reason(response)}",
                delay=10,
            )

    async def apply(self, manifests: list[Manifest]) -> None:
        await asyncio.gather(*(self.apply_as(self._field_manager, m) for m in manifests))

    async def delete(self, api_version: str, kind: str, namespace: str, name: str) -> bool:
        """Deletes one object; False when it was already gone."""
        response = await self._request(
            "DELETE",
            object_path(api_version, kind, namespace, name),
            params={"propagationPolicy": "Background"},
        )
        if response.status_code == 404:
            return False
        if response.is_error:
            raise kopf.TemporaryError(f"delete {kind}/{name}: {_reason(response)}", delay=10)
        return True

    async def read_secret_key(self, namespace: str, name: str, key: str) -> str | None:
        """A Secret's value, or None when the Secret or the key is missing."""
        response = await self._request("GET", object_path("v1", "Secret", namespace, name))
        if response.status_code == 404:
            return None
        if response.is_error:
            raise kopf.TemporaryError(f"read Secret {name}: {_reason(response)}", delay=10)
        value = (response.json().get("data") or {}).get(key)
        return base64.b64decode(value).decode() if value is not None else None

    async def read(self, api_version: str, kind: str, namespace: str, name: str) -> Manifest | None:
        """One object, or None when it does not exist."""
        response = await self._request("GET", object_path(api_version, kind, namespace, name))
        if response.status_code == 404:
            return None
        if response.is_error:
            raise KubeError(f"read {kind}/{name}: {response.status_code} {_reason(response)}")
        return dict(response.json())

    async def write(self, manifest: Manifest, *, create: bool) -> Manifest | None:
        """Creates the object, or replaces it at the resourceVersion it carries: the written
        object, or None when another writer got there first (409), as optimistic locking
        needs."""
        meta = manifest["metadata"]
        path = object_path(
            manifest["apiVersion"],
            manifest["kind"],
            meta["namespace"],
            "" if create else meta["name"],
        )
        response = await self._request("POST" if create else "PUT", path, json=manifest)
        if response.status_code == 409:
            return None
        if response.is_error:
            raise KubeError(
                f"write {manifest['kind']}/{meta['name']}: {response.status_code} "
                f"{_reason(response)}"
            )
        return dict(response.json())

    async def close(self) -> None:
        await self._http.aclose()


def _reason(response: httpx.Response) -> str:
    try:
        return str(response.json().get("message", response.text))[:500]
    except ValueError:
        return response.text[:500]
