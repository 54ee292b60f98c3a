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
import ssl
import tempfile
from collections.abc import Callable
from pathlib import Path
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
}


class KubeError(RuntimeError):
    pass


def object_path(api_version: str, kind: str, namespace: str, name: str) -> str:
    try:
        plural = PLURALS[(api_version, kind)]
    except KeyError:
        raise KubeError(f"the operator does not manage {api_version} {kind}") from None
    root = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
    return f"{root}/namespaces/{namespace}/{plural}/{name}"


def _client(info: kopf.ConnectionInfo) -> httpx.AsyncClient:
    if info.insecure:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    else:
        cadata = info.ca_data.decode() if isinstance(info.ca_data, bytes) else info.ca_data
        context = ssl.create_default_context(
            cafile=str(info.ca_path) if info.ca_path else None, cadata=cadata
        )
    certificate, key = info.certificate_path, info.private_key_path
    if info.certificate_data and info.private_key_data:
        # The ssl module loads client certificates only from files.
        folder = Path(tempfile.mkdtemp(prefix="reach-operator-"))
        certificate, key = folder / "client.crt", folder / "client.key"
        for path, data in ((certificate, info.certificate_data), (key, info.private_key_data)):
            path.write_bytes(data if isinstance(data, bytes) else data.encode())
            path.chmod(0o600)
    if certificate and key:
        context.load_cert_chain(str(certificate), str(key))
    headers = {"Authorization": f"Bearer {info.token}"} if info.token else {}
    return httpx.AsyncClient(
        base_url=info.server,
        verify=context,
        headers=headers,
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

    async def close(self) -> None:
        await self._http.aclose()


def _reason(response: httpx.Response) -> str:
    try:
        return str(response.json().get("message", response.text))[:500]
    except ValueError:
        return response.text[:500]
