"""The Reach image in tests: built by `scripts/image.sh` (as `make image` does) and run with
Podman against the local test cluster, with a ServiceAccount's token, as a pod would be.

Used by the image tests (tests/packaging/test_image.py) and bench/image.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from reach.testing.cluster import LocalCluster
from reach.testing.helm import HelmRelease
from reach.testing.ports import free_port

REPO = Path(__file__).resolve().parents[3]


class ImageError(RuntimeError):
    pass


def podman_env() -> dict[str, str]:
    """The environment scripts/image.sh gives Podman: the repo's containers.conf where the
    machine has none (runc, lower ulimits; see that file)."""
    env = dict(os.environ)
    if "CONTAINERS_CONF" not in env and not Path("/etc/containers/containers.conf").exists():
        env["CONTAINERS_CONF"] = str(REPO / "scripts" / "containers.conf")
    return env


def podman_available() -> bool:
    return shutil.which("podman") is not None and (
        shutil.which("buildah") is not None or shutil.which("docker") is not None
    )


def build_image(
    tag: str | None = None, base: str = "debootstrap", target: str = "cluster"
) -> tuple[str, float]:
    """Builds the image (the cluster target, or `dev` for Tilt) with scripts/image.sh; returns
    its reference and the seconds the build took (its caches make a repeat build warm)."""
    env = {**podman_env(), "BASE": base, "ENGINE": "buildah", "TARGET": target}
    if tag:
        env["TAG"] = tag
    started = time.monotonic()
    result = subprocess.run(
        ["bash", str(REPO / "scripts" / "image.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if result.returncode != 0:
        raise ImageError(f"scripts/image.sh failed: {result.stderr[-3000:]}")
    return result.stdout.strip().splitlines()[-1], time.monotonic() - started


def podman(
    *args: str, timeout: float = 120, check: bool = True
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        ["podman", *args], env=podman_env(), capture_output=True, text=True, timeout=timeout
    )
    if check and result.returncode != 0:
        raise ImageError(f"podman {' '.join(args)}: {result.stderr.strip()[-2000:]}")
    return result


def image_size_mb(image: str) -> float:
    return int(podman("image", "inspect", "--format", "{{.Size}}", image).stdout) / 1e6


MOUNT = "/etc/reach"


def service_account_kubeconfig(
    cluster: LocalCluster, namespace: str, account: str, folder: Path
) -> Path:
    """A folder for a container's /etc/reach: a kubeconfig holding a token of
    `namespace/account` and nothing else (what a pod of that ServiceAccount may do, this may do)
    and the cluster's CA certificate beside it, by path, as a pod has it."""
    token = cluster.kubectl(
        "-n", namespace, "create", "token", account, "--duration=2h"
    ).stdout.strip()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ca.crt").write_bytes(cluster.credentials.ca_cert.read_bytes())
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": "c",
                "cluster": {"server": cluster.server, "certificate-authority": f"{MOUNT}/ca.crt"},
            }
        ],
        "users": [{"name": account, "user": {"token": token}}],
        "contexts": [{"name": "c", "context": {"cluster": "c", "user": account}}],
        "current-context": "c",
    }
    (folder / "kubeconfig").write_text(yaml.safe_dump(config))
    for path in (folder, folder / "ca.crt", folder / "kubeconfig"):
        path.chmod(0o755 if path.is_dir() else 0o644)  # read by the image's non-root user
    return folder


def run_args(image: str, credentials: Path | None, env: dict[str, str] | None = None) -> list[str]:
    """`podman run` options of a pod-like container: host network (the cluster is on loopback),
    read-only root with a /tmp, a service_account_kubeconfig folder in place of the in-cluster
    ServiceAccount."""
    args = ["--network", "host", "--read-only", "--tmpfs", "/tmp"]
    if credentials is not None:
        args += ["-v", f"{credentials}:{MOUNT}:ro", "-e", f"KUBECONFIG={MOUNT}/kubeconfig"]
    for name, value in (env or {}).items():
        args += ["-e", f"{name}={value}"]
    return args


@dataclass
class Container:
    """A detached container, stopped (and its log kept) on `stop()`."""

    image: str
    args: list[str]
    credentials: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    # A pod's `command` in place of the image's entrypoint.
    entrypoint: str | None = None
    name: str = field(default_factory=lambda: f"reach-test-{uuid.uuid4().hex[:8]}")

    def start(self) -> Container:
        entrypoint = ["--entrypoint", self.entrypoint] if self.entrypoint else []
        podman(
            "run",
            "-d",
            "--name",
            self.name,
            *run_args(self.image, self.credentials, self.env),
            *entrypoint,
            self.image,
            *self.args,
        )
        return self

    def logs(self) -> str:
        out = podman("logs", self.name, check=False)
        return out.stdout + out.stderr

    def stop(self) -> None:
        podman("stop", "-t", "20", self.name, check=False, timeout=60)
        podman("rm", "-f", self.name, check=False)

    def __enter__(self) -> Container:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


@dataclass
class PodRunner:
    """For the fake kubelet: runs the run-to-completion pods `select` picks (their first
    container, which must be `image`, with its command, arguments and literal environment) with
    Podman, as their ServiceAccount; other pods are left to the fake
    kubelet. `ran` keeps each run's exit code and output."""

    cluster: LocalCluster
    image: str
    workdir: Path
    select: Callable[[Any], bool]
    ran: list[str] = field(default_factory=list)

    def __call__(self, pod: Any) -> bool | None:
        if not self.select(pod):
            return None
        container = pod.spec.containers[0]
        if container.image != self.image:
            raise ImageError(f"{pod.metadata.name} runs {container.image}, not {self.image}")
        namespace = pod.metadata.namespace
        account = pod.spec.service_account_name or "default"
        credentials = service_account_kubeconfig(
            self.cluster, namespace, account, self.workdir / pod.metadata.name
        )
        # The container's command replaces the image's entrypoint, as in a pod.
        command = container.command or []
        entrypoint = ["--entrypoint", command[0]] if command else []
        env = {e.name: e.value for e in container.env or [] if e.value is not None}
        result = podman(
            "run",
            "--rm",
            *run_args(self.image, credentials, env),
            *entrypoint,
            self.image,
            *command[1:],
            *(container.args or []),
            check=False,
            timeout=300,
        )
        self.ran.append(
            f"{namespace}/{pod.metadata.name}: exit {result.returncode}\n"
            f"{result.stdout}{result.stderr}"
        )
        return result.returncode == 0


def operator_container(
    cluster: LocalCluster, image: str, release: HelmRelease, workdir: Path
) -> Container:
    """`reach operator run` from `image` as the release's operator ServiceAccount, with the
    environment of the release's operator Deployment (leader election included): what that
    Deployment runs in a real cluster, but on the host network, so on a port of its own."""
    credentials = service_account_kubeconfig(
        cluster, release.namespace, release.operator_account, workdir / "operator"
    )
    deployment = json.loads(
        cluster.kubectl(
            "-n", release.namespace, "get", "deployment", release.operator_account, "-o", "json"
        ).stdout
    )
    env = {
        e["name"]: e["value"]
        for e in deployment["spec"]["template"]["spec"]["containers"][0].get("env", [])
        if "value" in e
    }
    return Container(
        image,
        ["operator", "run"],
        credentials=credentials,
        env={
            **env,
            "REACH_OPERATOR_LIVENESS_PORT": str(free_port()),
            "REACH_OPERATOR_RESYNC_SECONDS": "1",
        },
    )
