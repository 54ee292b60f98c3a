"""The local control plane is a real Kubernetes API: schema and CEL validation, controllers,
garbage collection, RBAC and ServiceAccount tokens all behave as in a cluster."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml

from reach.testing.cluster import ClusterError, LocalCluster
from reach.testing.polling import eventually_sync

pytestmark = pytest.mark.cluster

CRD = """
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.test.reach.goodcreator.co
spec:
  group: test.reach.goodcreator.co
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              x-kubernetes-validations:
                - rule: self.minReplicas <= self.maxReplicas
                  message: minReplicas must not exceed maxReplicas
              properties:
                size: {type: integer, minimum: 1, maximum: 10}
                minReplicas: {type: integer, default: 1}
                maxReplicas: {type: integer, default: 3}
"""


@pytest.fixture
def namespace(k8s_cluster: LocalCluster) -> str:
    name = f"t-{uuid.uuid4().hex[:8]}"
    k8s_cluster.kubectl("create", "namespace", name)
    return name


def test_readyz_answers(k8s_cluster: LocalCluster) -> None:
    assert k8s_cluster.get("/readyz") == (200, b"ok")


def test_crd_becomes_established_and_validates(k8s_cluster: LocalCluster, namespace: str) -> None:
    k8s_cluster.kubectl("apply", "--server-side", "-f", "-", input=CRD)
    k8s_cluster.kubectl(
        "wait",
        "--for=condition=Established",
        "--timeout=30s",
        "crd/widgets.test.reach.goodcreator.co",
    )

    def widget(spec: dict[str, int]) -> str:
        doc = {
            "apiVersion": "test.reach.goodcreator.co/v1",
            "kind": "Widget",
            "metadata": {"name": f"w-{uuid.uuid4().hex[:6]}", "namespace": namespace},
            "spec": spec,
        }
        return yaml.safe_dump(doc)

    ok = k8s_cluster.kubectl(
        "apply", "--server-side", "-o", "json", "-f", "-", input=widget({"size": 2})
    )
    assert json.loads(ok.stdout)["spec"] == {"size": 2, "minReplicas": 1, "maxReplicas": 3}

    too_big = k8s_cluster.kubectl("apply", "-f", "-", input=widget({"size": 11}), check=False)
    assert too_big.returncode != 0
    assert (
        "spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10"
        in too_big.stderr
    )

    inverted = widget({"size": 1, "minReplicas": 5, "maxReplicas": 2})
    rejected = k8s_cluster.kubectl("apply", "-f", "-", input=inverted, check=False)
    assert rejected.returncode != 0
    assert "minReplicas must not exceed maxReplicas" in rejected.stderr


def test_deployment_gets_a_replicaset(k8s_cluster: LocalCluster, namespace: str) -> None:
    k8s_cluster.kubectl(
        "-n",
        namespace,
        "create",
        "deployment",
        "web",
        "--image=registry.invalid/web:1",
        "--replicas=2",
    )

    def replicasets() -> list[dict[str, object]]:
        out = k8s_cluster.kubectl("-n", namespace, "get", "replicasets", "-o", "json")
        return list(json.loads(out.stdout)["items"])

    eventually_sync(lambda: len(replicasets()) == 1, "a ReplicaSet for the Deployment")
    owner = replicasets()[0]["metadata"]["ownerReferences"][0]  # type: ignore[index]
    assert owner["kind"] == "Deployment" and owner["name"] == "web"


def test_deleting_an_owner_garbage_collects_dependents(
    k8s_cluster: LocalCluster, namespace: str
) -> None:
    k8s_cluster.kubectl("-n", namespace, "create", "configmap", "owner")
    uid = k8s_cluster.kubectl(
        "-n", namespace, "get", "configmap", "owner", "-o", "jsonpath={.metadata.uid}"
    ).stdout
    dependent = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": "dependent",
            "namespace": namespace,
            "ownerReferences": [
                {"apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": uid}
            ],
        },
    }
    k8s_cluster.kubectl("apply", "-f", "-", input=yaml.safe_dump(dependent))
    k8s_cluster.kubectl("-n", namespace, "delete", "configmap", "owner")

    def gone() -> bool:
        got = k8s_cluster.kubectl("-n", namespace, "get", "configmap", "dependent", check=False)
        return "NotFound" in got.stderr

    eventually_sync(gone, "the dependent ConfigMap garbage-collected", seconds=30)


def test_service_account_is_confined_to_its_role(k8s_cluster: LocalCluster, namespace: str) -> None:
    ns = ("-n", namespace)
    k8s_cluster.kubectl(*ns, "create", "serviceaccount", "reader")
    k8s_cluster.kubectl(
        *ns, "create", "role", "cm-reader", "--verb=get,list", "--resource=configmaps"
    )
    k8s_cluster.kubectl(
        *ns,
        "create",
        "rolebinding",
        "reader",
        "--role=cm-reader",
        f"--serviceaccount={namespace}:reader",
    )
    subject = f"system:serviceaccount:{namespace}:reader"

    def can(*args: str) -> str:
        return k8s_cluster.kubectl(
            *ns, "auth", "can-i", *args, f"--as={subject}", check=False
        ).stdout.strip()

    assert can("list", "configmaps") == "yes"
    assert can("list", "secrets") == "no"
    assert can("create", "configmaps") == "no"

    token = k8s_cluster.kubectl(*ns, "create", "token", "reader", "--duration=10m").stdout.strip()
    assert k8s_cluster.kubectl(*ns, "get", "configmaps", token=token).returncode == 0
    with pytest.raises(ClusterError, match="forbidden"):
        k8s_cluster.kubectl(*ns, "get", "secrets", token=token)


def test_sigterm_stops_every_server(k8s_bin: Path, tmp_path: Path) -> None:
    """`make cluster` (`python -m reach.testing.cluster`) takes its servers down on SIGTERM,
    as a CI runner or process manager sends it, not only on Ctrl-C."""
    main = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reach.testing.cluster",
            "--bin",
            str(k8s_bin),
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert main.stdout is not None
        for line in main.stdout:
            if line.startswith("export KUBECONFIG="):
                break
        commands = {
            pid: Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode()
            for pid in Path(f"/proc/{main.pid}/task/{main.pid}/children").read_text().split()
        }
        # A child that already exited (a start-up helper not yet reaped) has no command line.
        children = [pid for pid, command in commands.items() if command]
        names = {Path(commands[pid]).name for pid in children}
        assert names == {"etcd", "kube-apiserver", "kube-controller-manager"}
        main.send_signal(signal.SIGTERM)
        assert main.wait(timeout=30) == 128 + signal.SIGTERM
    finally:
        main.kill()
        main.wait()
        main.stdout.close()  # type: ignore[union-attr]
    for pid in children:
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid), 0)
