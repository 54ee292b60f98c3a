"""The cluster image's size, its build times, and how long `helm install` takes to a Ready
Platform with the operator from that image.

- build_s.cold: scripts/image.sh with BASE=debootstrap and an empty cache folder, after removing
  the debootstrap base image, so the base, the dependency wheels and every layer are made anew
  (packages still come from the local apt, pip and Go caches where present);
- build_s.warm: the same build again with every cache in place (wheels, base, layers; Reach's
  own wheel is rebuilt each time and, being reproducible, hits the layer cache);
- helm_install_to_ready_s: from `helm install --wait` of the chart (samples on) into a local
  control plane with the fake kubelet, to the sample Platform Ready, reconciled by
  `reach operator run` from the image under Podman with the chart's ServiceAccount token.

Pass --skip-cold to reuse the caches (build_s.cold is then null).
Prints one JSON line: image_mb, build_s {cold, warm}, helm_install_to_ready_s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

from reach.testing.cluster import LocalCluster
from reach.testing.containers import build_image, image_size_mb, operator_container, podman
from reach.testing.helm import HelmRelease
from reach.testing.kubelet import FakeKubelet
from reach.testing.polling import eventually_sync

REPO = Path(__file__).resolve().parents[1]


def k8s_bin() -> Path:
    out = subprocess.run(
        ["bash", str(REPO / "scripts" / "k8s-tools.sh")], check=True, capture_output=True, text=True
    )
    return Path(out.stdout.strip().splitlines()[-1])


def cold_build(workdir: Path) -> tuple[str, float]:
    for line in podman("images", "--format", "{{.Repository}}:{{.Tag}}").stdout.splitlines():
        if line.startswith("localhost/reach/base:"):
            podman("rmi", "-f", line)
    os.environ["REACH_IMAGE_CACHE"] = str(workdir / "image-cache")
    try:
        return build_image()
    finally:
        del os.environ["REACH_IMAGE_CACHE"]


def install_to_ready(image: str, workdir: Path) -> float:
    binaries = k8s_bin()
    with LocalCluster(binaries) as cluster, FakeKubelet(cluster.kubeconfig_path):
        release = HelmRelease(cluster, binaries / "helm", image, workdir)
        started = time.monotonic()
        release.install()
        with operator_container(cluster, image, release, workdir):
            eventually_sync(
                lambda: release.condition("platform", "default") == "True",
                "Platform Ready",
                seconds=300,
                interval=0.5,
            )
        return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-cold", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reach-bench-image-") as folder:
        workdir = Path(folder)
        cold = None if args.skip_cold else cold_build(workdir)[1]
        image, warm = build_image()
        result = {
            "image_mb": round(image_size_mb(image), 1),
            "build_s": {"cold": None if cold is None else round(cold, 1), "warm": round(warm, 1)},
            "helm_install_to_ready_s": round(install_to_ready(image, workdir), 1),
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
