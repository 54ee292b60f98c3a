"""The Helm chart (`charts/reach`) and kustomize overlays in tests: rendered by the real `helm` and
`kustomize` binaries that `scripts/k8s-tools.sh` builds, parsed into documents.

Used by the packaging tests (tests/packaging) and bench/image.py.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import yaml

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
