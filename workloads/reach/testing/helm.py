"""The Helm chart (`charts/reach`) and kustomize overlays in tests: rendered by the real `helm` and
`kustomize` binaries that `scripts/k8s-tools.sh` builds, parsed into documents.

Used by the packaging tests (tests/packaging) and bench/image.py.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path
from typing import Any

import yaml

from reach.testing.cluster import LocalCluster

CHART = Path(__file__).resolve().parents[3] / "charts" / "reach"

Document = dict[str, Any]


class RenderError(RuntimeError):
    """Rendering failed; the message is the tool's own error output."""


def _run(argv: list[str]) -> str:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RenderError(result.stderr.strip() or result.stdout.strip())
    return result.stdout


def documents(text: str) -> list[Document]:
    return [doc for doc in yaml.safe_load_all(text) if doc]


def values_args(values: dict[str, Any] | None, folder: Path) -> list[str]:
    """`--values FILE` for `values` (written into `folder`), or nothing."""
    if not values:
        return []
    path = folder / f"values-{abs(hash(yaml.safe_dump(values))):x}.yaml"
    path.write_text(yaml.safe_dump(values))
    return ["--values", str(path)]


def helm_template(
    helm: Path,
    chart: Path,
    values: dict[str, Any] | None = None,
    *,
    folder: Path,
    release: str = "reach",
    namespace: str = "reach-system",
    extra: tuple[str, ...] = (),
) -> str:
    """`helm template` of `chart` with `values` (and the CRDs, as `helm install` sends them)."""
    return _run(
        [
            str(helm),
            "template",
            release,
            str(chart),
            "--namespace",
            namespace,
            "--include-crds",
            *values_args(values, folder),
            *extra,
        ]
    )


def kustomize_build(kustomize: Path, folder: Path) -> str:
    return _run([str(kustomize), "build", str(folder)])


def by_kind(docs: list[Document], kind: str) -> list[Document]:
    return [doc for doc in docs if doc.get("kind") == kind]


def one(docs: list[Document], kind: str, name: str | None = None) -> Document:
    found = [d for d in by_kind(docs, kind) if name is None or d["metadata"]["name"] == name]
    if len(found) != 1:
        names = [d["metadata"]["name"] for d in by_kind(docs, kind)]
        raise AssertionError(f"expected one {kind} {name or ''}, found {names}")
    return found[0]


class HelmRelease:
    """The chart, with its samples and `image`, installed by helm into a namespace of its own in
    the test cluster; the operator watches only that namespace."""

    def __init__(self, cluster: LocalCluster, helm: Path, image: str, workdir: Path) -> None:
        self.cluster = cluster
        self.helm = helm
        self.namespace = f"pk-{uuid.uuid4().hex[:8]}"
        self.name = "rx"
        repository, tag = image.rsplit(":", 1)
        self.values = workdir / "values.yaml"
        self.values.write_text(
            yaml.safe_dump(
                {
                    "image": {"repository": repository, "tag": tag, "pullPolicy": "Never"},
                    "samples": {"enabled": True},
                    "operator": {"watchNamespaces": [self.namespace]},
                }
            )
        )

    def helm_run(self, *args: str, timeout: float = 300) -> str:
        result = subprocess.run(
            [
                str(self.helm),
                *args,
                "--kubeconfig",
                str(self.cluster.kubeconfig_path),
                "--namespace",
                self.namespace,
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RenderError(f"helm {args[0]}: {result.stderr.strip()}")
        return result.stdout

    def install(self) -> None:
        self.helm_run(
            "install",
            self.name,
            str(CHART),
            "--values",
            str(self.values),
            "--create-namespace",
            "--wait",
            "--timeout",
            "3m",
        )

    def upgrade(self) -> None:
        self.helm_run(
            "upgrade",
            self.name,
            str(CHART),
            "--values",
            str(self.values),
            "--wait",
            "--timeout",
            "3m",
        )

    def test(self) -> None:
        """`helm test`: its hook Pod must succeed (RenderError otherwise)."""
        self.helm_run("test", self.name, "--timeout", "3m")

    def uninstall(self) -> None:
        # Not --wait: pods are only ever gone once a kubelet confirms, and the fake one does not.
        self.helm_run("uninstall", self.name)

    @property
    def operator_account(self) -> str:
        return f"{self.name}-reach-operator"

    def condition(self, kind: str, name: str, type_: str = "Ready") -> str | None:
        out = self.cluster.kubectl(
            "-n", self.namespace, "get", kind, name, "-o", "json", check=False
        )
        if out.returncode != 0:
            return None
        for condition in json.loads(out.stdout).get("status", {}).get("conditions", []):
            if condition["type"] == type_:
                return str(condition["status"])
        return None
