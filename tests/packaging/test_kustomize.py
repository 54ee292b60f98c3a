"""The kustomize overlays, built by the real `kustomize`: dev runs the locally built image with
single replicas on in-cluster stores that match the samples' stores Secret; prod pins the image
and protects the Platform's pods; each applies to a real API server (server-side dry run)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from reach.testing.cluster import LocalCluster
from reach.testing.helm import by_kind, documents, kustomize_build, one
from reach.testing.operating import install_crds

REPO = Path(__file__).resolve().parents[2]
OVERLAYS = REPO / "kustomize" / "overlays"


def _build(k8s_bin: Path, overlay: str) -> list[dict[str, Any]]:
    return documents(kustomize_build(k8s_bin / "kustomize", OVERLAYS / overlay))


@pytest.mark.unit
def test_samples_kustomization_lists_every_sample() -> None:
    folder = REPO / "crds" / "samples"
    listed = yaml.safe_load((folder / "kustomization.yaml").read_text())["resources"]
    files = sorted(p.name for p in folder.glob("*.yaml") if p.name != "kustomization.yaml")
    assert sorted(listed) == files


@pytest.mark.unit
def test_dev_runs_the_local_image_on_in_cluster_stores(k8s_bin: Path) -> None:
    docs = _build(k8s_bin, "dev")
    operator = one(docs, "Deployment", "reach-operator")["spec"]["template"]["spec"]
    assert operator["containers"][0]["image"] == "reach/reach:dev"
    assert operator["containers"][0]["imagePullPolicy"] == "Never"
    platform = one(docs, "Platform")
    assert platform["spec"]["image"] == "reach/reach:dev"
    assert platform["spec"]["imagePullPolicy"] == "Never"
    assert {platform["spec"][s]["replicas"] for s in ("api", "gateway", "ingest")} == {1}
    assert all(
        d["metadata"].get("namespace") == "reach-system"
        for d in docs
        if d["kind"] != "Namespace"
        and d["kind"] not in ("CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding")
    )
    # Every store URL of the samples' Secret names a Service (and port) the overlay runs.
    services = {
        s["metadata"]["name"]: {p["port"] for p in s["spec"]["ports"]}
        for s in by_kind(docs, "Service")
    }
    secret = one(docs, "Secret", "reach-stores")
    for store, url in secret["stringData"].items():
        parts = urlsplit(url)
        assert parts.hostname in services, store
        assert parts.port in services[parts.hostname], store
    deployments = {d["metadata"]["name"] for d in by_kind(docs, "Deployment")}
    assert {"postgres", "redis", "rabbitmq", "clickhouse"} <= deployments
    for deployment in by_kind(docs, "Deployment"):
        assert deployment["spec"]["replicas"] == 1


@pytest.mark.unit
def test_prod_pins_the_image_and_protects_the_platform(k8s_bin: Path) -> None:
    docs = _build(k8s_bin, "prod")
    deployment = one(docs, "Deployment", "reach-operator")
    operator = deployment["spec"]["template"]["spec"]
    assert operator["containers"][0]["image"] == "reach/reach:0.1.0"
    assert operator["affinity"]["podAntiAffinity"]
    # Two replicas only ever with leader election, and a drain leaves one of them.
    assert deployment["spec"]["replicas"] == 2
    assert {"name": "REACH_OPERATOR_LEADER_ELECTION", "value": "true"} in operator["containers"][0][
        "env"
    ]
    operator_budget = one(docs, "PodDisruptionBudget", "reach-operator")
    assert operator_budget["spec"]["minAvailable"] == 1
    assert (
        operator_budget["spec"]["selector"]["matchLabels"]
        == (deployment["spec"]["selector"]["matchLabels"])
    )
    platform = one(docs, "Platform")
    assert platform["spec"]["stores"]["clickhouse"]["cluster"]
    assert platform["spec"]["stores"]["rabbitmq"]["replicated"] is True
    # Drains keep the services serving: the operator gives every Deployment of more than one
    # replica a PodDisruptionBudget (a second one here would make evictions fail).
    assert [b for b in by_kind(docs, "PodDisruptionBudget") if b is not operator_budget] == []
    for component in ("api", "gateway", "ingest", "scraperApi"):
        assert platform["spec"][component]["replicas"] > 1, component


@pytest.mark.cluster
@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_overlay_applies_server_side(
    k8s_bin: Path, k8s_cluster: LocalCluster, overlay: str
) -> None:
    docs = _build(k8s_bin, overlay)
    # The CRDs and the namespace for real, so the dry run can validate what depends on them.
    install_crds(k8s_cluster, REPO / "crds")
    k8s_cluster.kubectl("create", "namespace", "reach-system", check=False)
    assert k8s_cluster.dry_run(docs) == len(docs)
