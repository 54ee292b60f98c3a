"""Leader election: the Lease written by each step (unit), and two `reach operator run`
processes against one real API server, of which only the Lease holder reconciles and the other
takes over when the holder is killed (cluster)."""

from __future__ import annotations

import copy
import datetime
import json
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from reach.operator.leading import Observation, claimed, released
from reach.testing.cluster import LocalCluster
from reach.testing.kubelet import FakeKubelet
from reach.testing.operating import (
    OperatorProcess,
    create_sample_config,
    create_stores_secret,
    install_crds,
    operator_kubeconfig,
)
from reach.testing.polling import eventually_sync
from reach.testing.ports import free_port

from .conftest import SAMPLES, load_samples

REPO = Path(__file__).resolve().parents[2]
NOW = datetime.datetime(2026, 12, 4, 21, 0, 0, 123456, tzinfo=datetime.UTC)
LATER = NOW + datetime.timedelta(seconds=5)


def lease(holder: str, transitions: int = 0, version: str = "7") -> dict[str, Any]:
    return {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": "reach-operator", "namespace": "ops", "resourceVersion": version},
        "spec": {
            "holderIdentity": holder,
            "leaseDurationSeconds": 15,
            "acquireTime": "2026-12-04T20:00:00.000000Z",
            "renewTime": "2026-12-04T20:59:59.000000Z",
            "leaseTransitions": transitions,
        },
    }


def claim(current: dict[str, Any] | None, identity: str) -> dict[str, Any]:
    return claimed(
        current, name="reach-operator", namespace="ops", identity=identity, duration_seconds=15,
        now=LATER,
    )  # fmt: skip


@pytest.mark.unit
def test_a_new_lease_is_created_with_no_version_and_no_transition() -> None:
    body = claim(None, "a")
    assert "resourceVersion" not in body["metadata"]
    assert body["spec"] == {
        "holderIdentity": "a",
        "leaseDurationSeconds": 15,
        "acquireTime": "2026-12-04T21:00:05.123456Z",
        "renewTime": "2026-12-04T21:00:05.123456Z",
        "leaseTransitions": 0,
    }


@pytest.mark.unit
def test_a_renewal_keeps_acquire_time_and_transitions_and_writes_at_the_read_version() -> None:
    body = claim(lease("a", transitions=3), "a")
    assert body["metadata"]["resourceVersion"] == "7"
    assert body["spec"]["acquireTime"] == "2026-12-04T20:00:00.000000Z"
    assert body["spec"]["leaseTransitions"] == 3
    assert body["spec"]["renewTime"] == "2026-12-04T21:00:05.123456Z"


@pytest.mark.unit
def test_a_takeover_counts_a_transition_and_stamps_a_new_acquire_time() -> None:
    body = claim(lease("a", transitions=3), "b")
    assert body["spec"]["holderIdentity"] == "b"
    assert body["spec"]["leaseTransitions"] == 4
    assert body["spec"]["acquireTime"] == "2026-12-04T21:00:05.123456Z"


@pytest.mark.unit
def test_a_released_lease_has_no_holder_and_expires_at_once() -> None:
    body = released(lease("a"), LATER)
    assert "holderIdentity" not in body["spec"]
    assert body["spec"]["leaseDurationSeconds"] == 1
    assert body["metadata"]["resourceVersion"] == "7"


@pytest.mark.unit
def test_expiry_counts_from_when_the_lease_last_changed_by_the_local_clock() -> None:
    seen = Observation()
    seen.see(lease("a", version="7"), now=100.0)
    assert seen.held_by_other("b", now=114.0)
    # The same version seen again does not restart the clock: the holder has not renewed.
    seen.see(lease("a", version="7"), now=114.0)
    assert not seen.held_by_other("b", now=115.0)
    # A renewal (new version) does.
    seen.see(lease("a", version="8"), now=115.0)
    assert seen.held_by_other("b", now=129.0)
    assert not seen.held_by_other("a", now=116.0)


@pytest.mark.unit
def test_a_released_lease_is_free_at_once() -> None:
    seen = Observation()
    seen.see(released(lease("a"), LATER), now=100.0)
    assert not seen.held_by_other("b", now=100.0)


# --- two operators against one API server -------------------------------------------------

NAMESPACE = "reach-system"


class Pair:
    def __init__(
        self, cluster: LocalCluster, operators: dict[str, OperatorProcess], kubeconfig: Path
    ) -> None:
        self.cluster = cluster
        self.operators = operators
        self.kubeconfig = kubeconfig

    def holder(self) -> str:
        out = self.cluster.kubectl(
            "-n", NAMESPACE, "get", "lease", "reach-operator", "-o", "json", check=False
        )
        if out.returncode != 0:
            return ""
        return str(json.loads(out.stdout)["spec"].get("holderIdentity") or "")

    def logs(self) -> str:
        return "".join(
            f"\n--- {name}:\n{p.log.read_text()[-3000:]}" for name, p in self.operators.items()
        )


@pytest.fixture(scope="module")
def pair(k8s_cluster: LocalCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    install_crds(k8s_cluster, REPO / "crds")
    workdir = tmp_path_factory.mktemp("leading")
    kubeconfig = operator_kubeconfig(
        k8s_cluster, REPO / "kustomize" / "base" / "rbac", workdir / "kubeconfig"
    )
    operators = {
        identity: OperatorProcess(kubeconfig, workdir / f"{identity}.log", elected(identity))
        for identity in ("op-a", "op-b")
    }
    for operator in operators.values():
        operator.start()
    with FakeKubelet(k8s_cluster.kubeconfig_path):
        yield Pair(k8s_cluster, operators, kubeconfig)
    for operator in operators.values():
        operator.stop()


def elected(identity: str) -> dict[str, str]:
    """The environment of a replica with leader election on a short Lease."""
    return {
        "REACH_OPERATOR_LEADER_ELECTION": "true",
        "REACH_OPERATOR_LEASE_NAMESPACE": NAMESPACE,
        "REACH_OPERATOR_IDENTITY": identity,
        "REACH_OPERATOR_LEASE_DURATION_SECONDS": "6",
        "REACH_OPERATOR_RENEW_DEADLINE_SECONDS": "4",
        "REACH_OPERATOR_RETRY_PERIOD_SECONDS": "1",
        "REACH_OPERATOR_RESYNC_SECONDS": "1",
        "REACH_OPERATOR_LIVENESS_PORT": str(free_port()),
    }


def alive(operator: OperatorProcess) -> bool:
    """Whether the replica answers its liveness probe."""
    port = operator.env["REACH_OPERATOR_LIVENESS_PORT"]
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def apply(cluster: LocalCluster, doc: dict[str, Any], namespace: str) -> None:
    doc = copy.deepcopy(doc)
    doc["metadata"]["namespace"] = namespace
    cluster.kubectl("apply", "--server-side", "-f", "-", input=yaml.safe_dump(doc))


def ready(cluster: LocalCluster, resource: str, name: str, namespace: str) -> bool:
    out = cluster.kubectl("-n", namespace, "get", resource, name, "-o", "json", check=False)
    if out.returncode != 0:
        return False
    conditions = json.loads(out.stdout).get("status", {}).get("conditions", [])
    return any(c["type"] == "Ready" and c["status"] == "True" for c in conditions)


def flow(name: str) -> dict[str, Any]:
    doc = copy.deepcopy(load_samples()["ScrapeFlow"])
    doc["metadata"]["name"] = name
    return doc


@pytest.mark.cluster
def test_only_the_lease_holder_reconciles_and_the_standby_takes_over(
    pair: Pair, postgres_dsn: str, tmp_path: Path
) -> None:
    cluster = pair.cluster
    leader = eventually_sync(pair.holder, f"a leader; logs: {pair.logs()}", seconds=60)
    standby = next(name for name in pair.operators if name != leader)
    # Standing by, it still answers its liveness probe, so Kubernetes leaves it running.
    eventually_sync(lambda: alive(pair.operators[standby]), "the standby answers /healthz")
    ns = f"t-{uuid.uuid4().hex[:8]}"
    cluster.kubectl("create", "namespace", ns)
    create_stores_secret(cluster, ns, postgres=postgres_dsn, clickhouse=f"chdb://{tmp_path}")
    create_sample_config(cluster, ns, SAMPLES)
    apply(cluster, load_samples()["Platform"], ns)
    apply(cluster, flow("flow-before"), ns)
    for resource, name in (("platform", "default"), ("scrapeflow", "flow-before")):
        eventually_sync(
            lambda r=resource, n=name: ready(cluster, r, n, ns),
            f"{resource}/{name} Ready; logs: {pair.logs()}",
            seconds=90,
        )
    # The standby never touched them: it logged standing by and nothing about the namespace.
    standby_log = pair.operators[standby].log.read_text()
    assert "standing by: lease held by " + leader in standby_log
    assert ns not in standby_log
    assert ns in pair.operators[leader].log.read_text()
    assert pair.holder() == leader

    pair.operators[leader].kill()
    apply(cluster, flow("flow-after"), ns)
    eventually_sync(
        lambda: ready(cluster, "scrapeflow", "flow-after", ns),
        f"flow-after Ready after the leader died; logs: {pair.logs()}",
        seconds=90,
    )
    assert pair.holder() == standby
    assert ns in pair.operators[standby].log.read_text()
    deployments = json.loads(cluster.kubectl("-n", ns, "get", "deployments", "-o", "json").stdout)
    workers = sorted(
        d["metadata"]["name"]
        for d in deployments["items"]
        if d["metadata"]["name"].startswith("flow-")
    )
    assert workers == ["flow-after-worker", "flow-before-worker"]
    jobs = json.loads(cluster.kubectl("-n", ns, "get", "jobs", "-o", "json").stdout)["items"]
    assert len([j for j in jobs if j["metadata"]["name"].startswith("default-migrate-")]) == 1

    # A graceful stop hands the Lease back at once rather than letting it expire.
    pair.operators[standby].stop()
    assert pair.holder() == ""


@pytest.mark.cluster
def test_a_leader_that_finds_its_lease_taken_stops_and_exits(pair: Pair, tmp_path: Path) -> None:
    for operator in pair.operators.values():
        operator.stop()
    operator = OperatorProcess(pair.kubeconfig, tmp_path / "op-c.log", elected("op-c"))
    operator.start()
    try:
        eventually_sync(lambda: pair.holder() == "op-c", f"op-c leads; {operator.log.read_text()}")
        lease = json.loads(
            pair.cluster.kubectl(
                "-n", NAMESPACE, "get", "lease", "reach-operator", "-o", "json"
            ).stdout
        )
        lease["spec"]["holderIdentity"] = "intruder"
        lease["spec"]["leaseDurationSeconds"] = 3600
        pair.cluster.kubectl("replace", "-f", "-", input=json.dumps(lease))
        process = operator.process
        assert process is not None
        eventually_sync(lambda: process.poll() is not None, "op-c exits", seconds=60)
        assert process.returncode == 1
        assert "lost the lease (held by intruder)" in operator.log.read_text()
        # It exited without giving away what it no longer held.
        assert pair.holder() == "intruder"
    finally:
        operator.stop()
        pair.cluster.kubectl("-n", NAMESPACE, "delete", "lease", "reach-operator")
