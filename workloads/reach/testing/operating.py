"""The operator under test against a local control plane (`reach.testing.cluster`): the CRDs
installed, a namespace's stores Secret and the samples' other Secrets and ConfigMaps, the sample
custom resources, and `reach operator run` as
a restartable subprocess. Used by the operator's cluster tests and `bench/operator_converge.py`.
"""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from reach.testing.cluster import LocalCluster
from reach.testing.ports import free_port

GROUP = "reach.goodcreator.co"
# The shared test services: every test gets its own PostgreSQL database, but Redis and
# RabbitMQ are the machine's.
LOCAL_REDIS = "redis://127.0.0.1:6379/0"
LOCAL_RABBITMQ = "amqp://guest:guest@127.0.0.1:5672/"


def load_samples(folder: Path) -> dict[str, dict[str, Any]]:
    """kind -> the first sample custom resource of that kind in `folder` (the other documents
    skipped; `every_sample` has them all)."""
    found: dict[str, dict[str, Any]] = {}
    for doc in every_sample(folder):
        found.setdefault(doc["kind"], doc)
    return found


def every_sample(folder: Path) -> list[dict[str, Any]]:
    """Every sample custom resource in `folder`, in file and document order."""
    return [
        doc
        for path in sorted(folder.glob("*.yaml"))
        for doc in yaml.safe_load_all(path.read_text())
        if doc and doc["apiVersion"].startswith(f"{GROUP}/")
    ]


def install_crds(cluster: LocalCluster, crds: Path) -> None:
    """Applies the generated CRDs (a kustomization) and waits until they are served."""
    cluster.kubectl("apply", "--server-side", "-k", str(crds))
    wait_crds_established(cluster)


def wait_crds_established(cluster: LocalCluster) -> None:
    """Returns once every Reach CRD the cluster has is served."""
    cluster.kubectl(
        "wait",
        "--for=condition=Established",
        "--timeout=30s",
        "crd",
        "-l",
        "app.kubernetes.io/part-of=reach",
    )


def operator_kubeconfig(
    cluster: LocalCluster, rbac: Path, path: Path, *, namespace: str = "reach-system"
) -> Path:
    """Applies the operator's RBAC (a kustomization) into `namespace` and writes to `path` a
    kubeconfig holding a token of its ServiceAccount, with the cluster's CA embedded as
    base64 `certificate-authority-data`, as kind and cloud providers write it."""
    cluster.kubectl("create", "namespace", namespace, check=False)
    manifests = subprocess.run(
        [cluster.binary("kustomize"), "build", str(rbac)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    cluster.kubectl("-n", namespace, "apply", "-f", "-", input=manifests)
    token = cluster.kubectl(
        "-n", namespace, "create", "token", "reach-operator", "--duration=2h"
    ).stdout.strip()
    ca = base64.b64encode(cluster.credentials.ca_cert.read_bytes()).decode()
    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [
                    {
                        "name": "c",
                        "cluster": {"server": cluster.server, "certificate-authority-data": ca},
                    }
                ],
                "users": [{"name": "operator", "user": {"token": token}}],
                "contexts": [{"name": "c", "context": {"cluster": "c", "user": "operator"}}],
                "current-context": "c",
            }
        )
    )
    return path


def create_stores_secret(
    cluster: LocalCluster,
    namespace: str,
    *,
    postgres: str,
    clickhouse: str,
    redis: str = LOCAL_REDIS,
    rabbitmq: str = LOCAL_RABBITMQ,
) -> None:
    """The `reach-stores` Secret the samples' Platform points its stores at."""
    cluster.kubectl(
        "-n",
        namespace,
        "create",
        "secret",
        "generic",
        "reach-stores",
        f"--from-literal=postgres={postgres}",
        f"--from-literal=clickhouse={clickhouse}",
        f"--from-literal=redis={redis}",
        f"--from-literal=rabbitmq={rabbitmq}",
    )


def create_sample_config(cluster: LocalCluster, namespace: str, folder: Path) -> None:
    """The Secrets and ConfigMaps the samples in `folder` reference, as the samples declare
    them, except the stores Secret (`create_stores_secret` makes it with real URLs)."""
    docs = [
        doc
        for path in sorted(folder.glob("*.yaml"))
        for doc in yaml.safe_load_all(path.read_text())
        if doc
        and doc["apiVersion"] == "v1"
        and doc["kind"] in ("Secret", "ConfigMap")
        and doc["metadata"]["name"] != "reach-stores"
    ]
    if docs:
        cluster.kubectl("-n", namespace, "apply", "-f", "-", input=yaml.safe_dump_all(docs))


class OperatorProcess:
    """`reach operator run` as a subprocess in its own session, restartable, logging to
    `log`."""

    def __init__(self, kubeconfig: Path, log: Path, env: Mapping[str, str] | None = None) -> None:
        self.kubeconfig = kubeconfig
        self.log = log
        self.env = dict(env or {})
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None, "the operator is not started"
        return self.process.pid

    def start(self) -> None:
        env = {
            **os.environ,
            "KUBECONFIG": str(self.kubeconfig),
            "REACH_OPERATOR_LIVENESS_PORT": str(free_port()),
            **self.env,
        }
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "reach.cli", "operator", "run"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        os.killpg(self.pid, signal.SIGKILL)
        assert self.process is not None
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
