"""The Kubernetes API edge: server-side apply of the manifests builders return, and deletes.

Calls go through the official client's DynamicClient in a small thread pool (the client is
blocking). Every apply uses one field manager and forces conflicts: the operator owns the
fields it sets, and fields it leaves out (such as `replicas` under autoscaling) stay with
whoever set them.
"""

from __future__ import annotations

import asyncio
import functools
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from kubernetes import client, config
from kubernetes.client.exceptions import ApiException
from kubernetes.dynamic import DynamicClient
from kubernetes.dynamic.exceptions import NotFoundError

Manifest = dict[str, Any]


class Kube:
    def __init__(self, field_manager: str, workers: int = 8) -> None:
        try:
            config.load_incluster_config()
            api = client.ApiClient()
        except config.ConfigException:
            # Read KUBECONFIG now: the client library reads it once, at its import.
            api = config.new_client_from_config(config_file=os.environ.get("KUBECONFIG"))
        self._dynamic = DynamicClient(api)
        self._field_manager = field_manager
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kube")

    async def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(fn, *args, **kwargs))

    def _resource(self, api_version: str, kind: str) -> Any:
        return self._dynamic.resources.get(api_version=api_version, kind=kind)

    def _apply(self, manifest: Manifest, field_manager: str) -> Any:
        resource = self._resource(manifest["apiVersion"], manifest["kind"])
        return resource.server_side_apply(
            body=manifest,
            name=manifest["metadata"]["name"],
            namespace=manifest["metadata"].get("namespace"),
            field_manager=field_manager,
            force_conflicts=True,
        )

    async def apply(self, manifests: list[Manifest]) -> None:
        await asyncio.gather(*(self._call(self._apply, m, self._field_manager) for m in manifests))

    async def apply_as(self, field_manager: str, manifest: Manifest) -> None:
        """Applies under another field manager: for fields someone else than the operator's
        reconcile owns, such as the replicas the autoscaler sets."""
        await self._call(self._apply, manifest, field_manager)

    def _delete(self, api_version: str, kind: str, namespace: str, name: str) -> bool:
        try:
            self._resource(api_version, kind).delete(
                name=name, namespace=namespace, body={"propagationPolicy": "Background"}
            )
        except NotFoundError:
            return False
        return True

    async def delete(self, api_version: str, kind: str, namespace: str, name: str) -> bool:
        """Deletes one object; False when it was already gone."""
        return bool(await self._call(self._delete, api_version, kind, namespace, name))

    def _read_secret_key(self, namespace: str, name: str, key: str) -> str | None:
        import base64

        try:
            secret = client.CoreV1Api(self._dynamic.client).read_namespaced_secret(name, namespace)
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise
        value = (secret.data or {}).get(key)
        return base64.b64decode(value).decode() if value is not None else None

    async def read_secret_key(self, namespace: str, name: str, key: str) -> str | None:
        """A Secret's value, or None when the Secret or the key is missing."""
        result = await self._call(self._read_secret_key, namespace, name, key)
        return str(result) if result is not None else None

    def close(self) -> None:
        self._pool.shutdown(wait=False)
