"""How fast the operator takes 200 mixed custom resources from nothing to all Ready.

A local control plane (reach.testing.cluster) with the fake kubelet standing in for a container
runtime; `reach operator run` as a subprocess with default settings; 10 namespaces, each with a
Platform, 6 ScrapeFlows, 4 EventSinks, 3 Leaderboards, 3 TableSyncs and 3 FollowerAnalyses.
The clock starts before the first apply and stops when every resource reports Ready=True.
Prints one JSON line: resources, seconds, peak_rss_mb (the operator's VmHWM) and
platform_children (the objects one Platform owns directly).
"""

from __future__ import annotations

import copy
import json
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from reach.common.networks import SOCIAL_NETWORKS
from reach.scraper.contract import REFRESH_FLOWS
from reach.testing.cluster import LocalCluster
from reach.testing.kubelet import FakeKubelet
from reach.testing.operating import (
    OperatorProcess,
    create_sample_config,
    create_stores_secret,
    install_crds,
    load_samples,
)

REPO = Path(__file__).resolve().parents[1]
EVENT_SINKS = ("click_event", "app_init_event", "profile_log", "post_log_event")
NAMESPACES = 10
PER_NAMESPACE = {
    "ScrapeFlow": 6,
    "EventSink": 4,
    "Leaderboard": 3,
    "TableSync": 3,
    "FollowerAnalysis": 3,
}


def resources(namespace: str, base: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    platform = copy.deepcopy(base["Platform"])
    platform["metadata"]["namespace"] = namespace
    out.append(platform)
    for kind, count in PER_NAMESPACE.items():
        for i in range(count):
            doc = copy.deepcopy(base[kind])
            doc["metadata"] = {"name": f"{kind.lower()}-{i}", "namespace": namespace}
            if kind == "ScrapeFlow":
                # Each network's profile refresh in turn: the flows whose schedule fans out.
                network = SOCIAL_NETWORKS[i % len(SOCIAL_NETWORKS)]
                doc["spec"]["network"] = network
                doc["spec"]["flow"] = str(REFRESH_FLOWS[network])
            if kind == "EventSink":
                doc["spec"]["sink"] = EVENT_SINKS[i]
            out.append(doc)
    return out


def not_ready(cluster: LocalCluster) -> int:
    items = json.loads(cluster.kubectl("get", "reach", "-A", "-o", "json").stdout)["items"]
    ready = 0
    for item in items:
        for c in item.get("status", {}).get("conditions", []):
            if c["type"] == "Ready" and c["status"] == "True":
                ready += 1
    return len(items) - ready


# Every kind the operator makes for a Platform.
CHILD_KINDS = "deployments,services,poddisruptionbudgets,jobs,cronjobs,configmaps,ingresses"


def platform_children(cluster: LocalCluster, namespace: str) -> int:
    platform = json.loads(cluster.kubectl("-n", namespace, "get", "platform", "-o", "json").stdout)
    uid = platform["items"][0]["metadata"]["uid"]
    items = json.loads(cluster.kubectl("-n", namespace, "get", CHILD_KINDS, "-o", "json").stdout)[
        "items"
    ]
    return sum(
        any(ref.get("uid") == uid for ref in item["metadata"].get("ownerReferences", []))
        for item in items
    )


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    bin_dir = Path(
        subprocess.check_output(["bash", str(REPO / "scripts" / "k8s-tools.sh")], text=True)
        .strip()
        .splitlines()[-1]
    )
    base = load_samples(REPO / "crds" / "samples")
    workdir = Path(tempfile.mkdtemp(prefix="reach-bench-"))
    with LocalCluster(bin_dir) as cluster:
        install_crds(cluster, REPO / "crds")
        docs: list[dict[str, Any]] = []
        for n in range(NAMESPACES):
            namespace = f"bench-{n}"
            cluster.kubectl("create", "namespace", namespace)
            create_stores_secret(
                cluster,
                namespace,
                postgres="postgresql://reach:reach@127.0.0.1:5432/reach",
                clickhouse=f"chdb://{workdir / 'clickhouse'}",
            )
            create_sample_config(cluster, namespace, REPO / "crds" / "samples")
            docs.extend(resources(namespace, base))
        operator = OperatorProcess(cluster.kubeconfig_path, workdir / "operator.log")
        operator.start()
        try:
            with FakeKubelet(cluster.kubeconfig_path):
                started = time.monotonic()
                cluster.kubectl("apply", "-f", "-", input=yaml.safe_dump_all(docs))
                while not_ready(cluster) and time.monotonic() - started < 600:
                    time.sleep(0.5)
                seconds = time.monotonic() - started
                remaining = not_ready(cluster)
                children = platform_children(cluster, "bench-0")
            rss = peak_rss_mb(operator.pid)
        finally:
            operator.stop()
    print(
        json.dumps(
            {
                "resources": len(docs),
                "seconds": round(seconds, 1),
                "peak_rss_mb": round(rss, 1),
                "not_ready": remaining,
                "platform_children": children,
                "measured": "200 mixed custom resources to Ready=True, "
                "local control plane + fake kubelet, operator with default settings (resync 10 s)",
            }
        )
    )


if __name__ == "__main__":
    main()
