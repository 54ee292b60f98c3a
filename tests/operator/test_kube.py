"""The operator's Kubernetes client logs in with a kubeconfig whose CA, client certificate and
key are all embedded as base64 `*-data` fields, as kind writes them."""

from __future__ import annotations

import base64
import uuid
from pathlib import Path

import kopf
import pytest
import yaml

from reach.operator.kube import Kube, object_path
from reach.testing.cluster import LocalCluster

pytestmark = pytest.mark.cluster


def embedded_kubeconfig(cluster: LocalCluster, path: Path) -> Path:
    creds = cluster.credentials

    def data(file: Path) -> str:
        return base64.b64encode(file.read_bytes()).decode()

    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [
                    {
                        "name": "kind-like",
                        "cluster": {
                            "server": cluster.server,
                            "certificate-authority-data": data(creds.ca_cert),
                        },
                    }
                ],
                "users": [
                    {
                        "name": "admin",
                        "user": {
                            "client-certificate-data": data(creds.admin_cert),
                            "client-key-data": data(creds.admin_key),
                        },
                    }
                ],
                "contexts": [
                    {"name": "kind-like", "context": {"cluster": "kind-like", "user": "admin"}}
                ],
                "current-context": "kind-like",
            }
        )
    )
    return path


async def test_embedded_kubeconfig_data_is_decoded(
    k8s_cluster: LocalCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUBECONFIG", str(embedded_kubeconfig(k8s_cluster, tmp_path / "config")))
    name = f"s-{uuid.uuid4().hex[:8]}"
    k8s_cluster.kubectl(
        "-n", "default", "create", "secret", "generic", name, "--from-literal=key=value"
    )
    kube = Kube(lambda: kopf.login_with_kubeconfig(settings=kopf.OperatorSettings()), "test")
    try:
        assert await kube.read_secret_key("default", name, "key") == "value"
        assert await kube.read("v1", "Secret", "default", f"{name}-missing") is None
    finally:
        await kube.close()


@pytest.mark.unit
def test_object_path_names_an_object_or_its_collection() -> None:
    assert object_path("coordination.k8s.io/v1", "Lease", "ops", "reach-operator") == (
        "/apis/coordination.k8s.io/v1/namespaces/ops/leases/reach-operator"
    )
    assert object_path("v1", "Secret", "ops") == "/api/v1/namespaces/ops/secrets"
