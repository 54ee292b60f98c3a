"""The cluster image, built with Buildah by scripts/image.sh and run with Podman: every verb starts
as a non-root user on a read-only root, standalone-only packages are left out, and the operator
from the image, installed with the Helm chart into the test cluster, drives a sample Platform to
Ready with the chart's RBAC; `helm test` runs its Pod from the image (failing before the
operator has made the Platform Ready, passing after); `helm upgrade` re-applies a changed CRD
from the image and `helm uninstall` leaves nothing behind."""

from __future__ import annotations

import json
import subprocess
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from reach.testing.cluster import LocalCluster
from reach.testing.containers import (
    Container,
    PodRunner,
    build_image,
    image_size_mb,
    operator_container,
    podman,
    run_args,
)
from reach.testing.helm import HelmRelease, RenderError
from reach.testing.kubelet import FakeKubelet
from reach.testing.polling import eventually_sync
from reach.testing.ports import free_port

# A cold build (debootstrap base, wheels) takes minutes; warm ones reuse the caches.
pytestmark = [pytest.mark.image, pytest.mark.timeout(1800)]

REPO = Path(__file__).resolve().parents[2]
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
MAX_IMAGE_MB = 600
# Modules only standalone mode (or the tests) use, whose dependencies the image leaves out.
STANDALONE_ONLY = ("reach.clickhouse_server.serving", "reach.testing")


@pytest.fixture(scope="session")
def image() -> str:
    return build_image()[0]


def run(image: str, *args: str, entrypoint: str | None = None) -> subprocess.CompletedProcess[str]:
    options = ["--entrypoint", entrypoint] if entrypoint else []
    return podman("run", "--rm", *run_args(image, None), *options, image, *args, check=False)


def test_verbs_start_as_non_root_on_a_read_only_root(image: str) -> None:
    version = run(image, "version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == VERSION
    for verb in ("operator", "api", "ingest", "scraper", "pipelines", "followers", "db"):
        result = run(image, verb, "--help")
        assert result.returncode == 0, f"{verb}: {result.stderr}"
    assert run(image, "-u", entrypoint="id").stdout.strip() == "10001"


def test_every_cluster_module_imports(image: str) -> None:
    script = (
        "import importlib, pkgutil, reach\n"
        f"skip = {STANDALONE_ONLY!r}\n"
        "for m in pkgutil.walk_packages(reach.__path__, 'reach.'):\n"
        "    if not m.name.startswith(skip) and not m.name.endswith('__main__'):\n"
        "        importlib.import_module(m.name)\n"
        "print('ok')\n"
    )
    result = run(image, "-c", script, entrypoint="python3")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "ok"


def test_standalone_only_packages_are_left_out(image: str) -> None:
    for package in ("chdb", "airflow", "pyarrow", "pytest"):
        result = run(image, "-c", f"import {package}", entrypoint="python3")
        assert result.returncode != 0 and "ModuleNotFoundError" in result.stderr, package


def test_labels_entrypoint_and_size(image: str) -> None:
    (inspected,) = json.loads(podman("image", "inspect", image).stdout)
    labels = inspected["Config"]["Labels"]
    assert labels["org.opencontainers.image.version"] == VERSION
    assert labels["org.opencontainers.image.source"]
    assert labels["org.opencontainers.image.revision"]
    assert inspected["Config"]["Entrypoint"] == ["tini", "--", "reach"]
    assert inspected["Config"]["User"] == "10001:10001"
    assert image_size_mb(image) <= MAX_IMAGE_MB


def test_the_gateway_finds_the_dashboard_build(image: str) -> None:
    script = (
        "from reach.gateway.settings import GatewaySettings\n"
        "d = GatewaySettings(gateway_jwt_secret='k' * 32).gateway_dashboard_dir\n"
        "print((d / 'index.html').is_file(), any(d.glob('*.js')))\n"
    )
    result = run(image, "-c", script, entrypoint="python3")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["True", "True"]


def test_dev_image_restarts_reach_on_synced_code(image: str) -> None:
    """What Tilt's live update does to a pod of the dev image, with `reach` as the container's
    command as the operator's pods have it: changed code written under /tmp/reach-live, then
    /tmp/.restart-proc written; the running verb restarts on the new code, on a read-only root."""
    dev = build_image(image.rsplit(":", 1)[0] + ":dev-test", target="dev")[0]
    port = free_port()
    server = Container(
        dev, ["sandbox", "serve"], env={"REACH_SANDBOX_PORT": str(port)}, entrypoint="reach"
    )

    def answers() -> bool:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).close()
        except urllib.error.HTTPError:
            return True  # any HTTP answer: it is serving
        except OSError:
            return False
        return True

    with server:
        eventually_sync(answers, "the sandbox from the dev image", seconds=60, interval=0.5)
        module = "/tmp/reach-live/reach/sandbox/__init__.py"
        synced = f"echo 'print(\"synced code runs\", flush=True)' >>{module}"
        podman("exec", server.name, "sh", "-c", synced)
        assert "synced code runs" not in server.logs()
        podman("exec", server.name, "sh", "-c", "date >/tmp/.restart-proc")
        eventually_sync(
            lambda: "synced code runs" in server.logs() and answers(),
            "the sandbox restarted on the synced code",
            seconds=60,
            interval=0.5,
        )
        assert "restarting" in server.logs()


@pytest.fixture
def release(
    k8s_cluster: LocalCluster, k8s_bin: Path, image: str, tmp_path: Path
) -> Iterator[tuple[HelmRelease, PodRunner]]:
    # The hook Jobs (CRDs, cleanup) and the `helm test` Pod really run, from the image, as their
    # ServiceAccounts.
    runner = PodRunner(
        k8s_cluster,
        image,
        tmp_path,
        select=lambda pod: (
            (pod.metadata.labels or {}).get("app.kubernetes.io/component")
            in ("crds", "cleanup", "test")
        ),
    )
    with FakeKubelet(k8s_cluster.kubeconfig_path, run=runner):
        yield HelmRelease(k8s_cluster, k8s_bin / "helm", image, tmp_path), runner


@pytest.mark.cluster
def test_helm_install_upgrade_uninstall_with_the_operator_from_the_image(
    release: tuple[HelmRelease, PodRunner], k8s_cluster: LocalCluster, image: str, tmp_path: Path
) -> None:
    chart, runner = release
    started = time.monotonic()
    chart.install()
    # No operator yet: `helm test` reports the Platform is not Ready and no replica leads.
    with pytest.raises(RenderError, match="helm test"):
        chart.test()
    assert ": exit 1" in runner.ran[-1], runner.ran
    assert "Platform default is not Ready" in runner.ran[-1], runner.ran[-1]
    assert "404" in runner.ran[-1] and "leases" in runner.ran[-1], runner.ran[-1]
    with operator_container(k8s_cluster, image, chart, tmp_path) as operator:
        try:
            eventually_sync(
                lambda: chart.condition("platform", "default") == "True",
                "Platform Ready",
                seconds=120,
                interval=0.5,
            )
        except AssertionError as exc:
            raise AssertionError(f"{exc}; operator log: {operator.logs()[-3000:]}") from None
        print(f"helm_install_to_ready_s={time.monotonic() - started:.1f}")
        assert "forbidden" not in operator.logs().lower()
        # It reconciled as the leader, under the chart's Role for its Lease.
        lease = json.loads(
            k8s_cluster.kubectl(
                "-n", chart.namespace, "get", "lease", chart.operator_account, "-o", "json"
            ).stdout
        )
        assert lease["spec"]["holderIdentity"]
        assert "leading as" in operator.logs()
        chart.test()
        assert ": exit 0" in runner.ran[-1], runner.ran
        assert "Platform default is Ready" in runner.ran[-1], runner.ran[-1]
        assert f"operator leader: {lease['spec']['holderIdentity']}" in runner.ran[-1]

        # An older CRD in the cluster (here: one property fewer) is replaced on upgrade.
        crd = "platforms.reach.goodcreator.co"
        path = "/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/ingress"
        k8s_cluster.kubectl(
            "patch", "crd", crd, "--type=json", "-p", json.dumps([{"op": "remove", "path": path}])
        )
        ran = len(runner.ran)
        chart.upgrade()
        assert len(runner.ran) > ran, runner.ran
        assert all(": exit 0" in line for line in runner.ran[ran:]), runner.ran
        schema = json.loads(k8s_cluster.kubectl("get", "crd", crd, "-o", "json").stdout)
        spec = schema["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
        assert "ingress" in spec["properties"]

        # The pre-delete hook Job (from the image) deletes the release's resources while the
        # operator and its RBAC are still there: nothing stays behind waiting on a finalizer.
        ran = len(runner.ran)
        chart.uninstall()
        assert len(runner.ran) == ran + 1 and ": exit 0" in runner.ran[-1], runner.ran

        def left() -> str:
            return k8s_cluster.kubectl(
                "-n", chart.namespace, "get", "reach,deployments,jobs,cronjobs", "-o", "name"
            ).stdout.strip()

        try:
            eventually_sync(
                lambda: left() == "",
                "the release's resources and their children gone",
                seconds=60,
                interval=0.5,
            )
        except AssertionError as exc:
            raise AssertionError(f"{exc}: {left()}") from None
