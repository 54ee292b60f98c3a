"""charts/reach rendered by the real `helm`: what each value turns into, the schema covering every
value, invalid combinations refused with a message, and the files the chart copies from
elsewhere (CRDs, samples, RBAC rules) still equal to their sources."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from reach.testing.cluster import LocalCluster
from reach.testing.helm import RenderError, by_kind, documents, helm_template, one
from reach.testing.kubeconform import cluster_schemas, kubeconform
from reach.testing.operating import install_crds, wait_crds_established
from reach.testing.polling import eventually_sync

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "charts" / "reach"
STORES = {
    store: {"secretKeyRef": {"name": "reach-stores", "key": store}}
    for store in ("postgres", "clickhouse", "redis", "rabbitmq")
}
KEYS = {key: {"secretKeyRef": {"name": "reach-gateway", "key": key}} for key in ("jwt", "signing")}
PLATFORM = {"stores": STORES, "gateway": {"keys": KEYS}}
EVERYTHING: dict[str, Any] = {
    "platform": {"create": True, "name": "main", "spec": PLATFORM},
    "samples": {"enabled": True},
    "grafana": {"dashboards": {"enabled": True}},
    "networkPolicy": {"monitoringNamespace": {"kubernetes.io/metadata.name": "monitoring"}},
    "ingress": {
        "enabled": True,
        "gatewayHost": "api.example.com",
        "webhooksHost": "hooks.example.com",
        "tlsSecretName": "reach-tls",
    },
}


@pytest.fixture
def render(k8s_bin: Path, tmp_path: Path) -> Any:
    def render(values: dict[str, Any] | None = None, *extra: str) -> list[dict[str, Any]]:
        return documents(
            helm_template(k8s_bin / "helm", CHART, values, folder=tmp_path, extra=extra)
        )

    return render


def test_defaults_install_the_operator_only(render: Any) -> None:
    docs = render()
    kinds = sorted({d["kind"] for d in docs})
    assert "Platform" not in kinds and "Ingress" not in kinds
    assert len(by_kind(docs, "CustomResourceDefinition")) == len(list(CHART.glob("crds/*.yaml")))
    deployment = one(docs, "Deployment", "reach-operator")
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert (
        container["image"]
        == f"reach/reach:{yaml.safe_load((CHART / 'Chart.yaml').read_text())['appVersion']}"
    )
    assert container["args"] == ["operator", "run"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert pod["serviceAccountName"] == "reach-operator"
    env = {e["name"]: e["value"] for e in container["env"]}
    assert json.loads(env["REACH_OPERATOR_NAMESPACES"]) == []


def test_rendered_rbac_is_kustomize_base_rbac(render: Any) -> None:
    role = one(render(), "ClusterRole", "reach-operator")
    base = yaml.safe_load((REPO / "kustomize" / "base" / "rbac" / "role.yaml").read_text())
    assert role["rules"] == base["rules"]


def test_two_operator_replicas_elect_a_leader(render: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = render()
    deployment = one(docs, "Deployment", "reach-operator")
    assert deployment["spec"]["replicas"] == 2
    assert deployment["spec"]["strategy"] == {"type": "RollingUpdate"}
    pod = deployment["spec"]["template"]["spec"]
    env = {e["name"]: e["value"] for e in pod["containers"][0]["env"]}
    assert env["REACH_OPERATOR_LEADER_ELECTION"] == "true"
    assert env["REACH_OPERATOR_LEASE_NAMESPACE"] == "reach-system"
    # The operator's settings accept what the chart sets, as the process reads it.
    from reach.operator.settings import OperatorSettings

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = OperatorSettings()
    assert settings.leader_election and settings.lease_name == "reach-operator"
    selector = deployment["spec"]["selector"]["matchLabels"]
    term = pod["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0]
    assert term["podAffinityTerm"]["labelSelector"]["matchLabels"] == selector
    budget = one(docs, "PodDisruptionBudget", "reach-operator")
    assert budget["spec"]["minAvailable"] == 1
    assert budget["spec"]["selector"]["matchLabels"] == selector
    role = one(docs, "Role", "reach-operator-leader-election")
    base = yaml.safe_load(
        (REPO / "kustomize" / "base" / "rbac" / "leader_election_role.yaml").read_text()
    )
    assert role["rules"] == base["rules"]
    binding = one(docs, "RoleBinding", "reach-operator-leader-election")
    assert binding["subjects"][0]["name"] == pod["serviceAccountName"]


def test_one_operator_without_leader_election(render: Any) -> None:
    docs = render(
        {
            "operator": {
                "replicas": 1,
                "leaderElection": {"enabled": False},
                "podDisruptionBudget": {"enabled": False},
            }
        }
    )
    deployment = one(docs, "Deployment", "reach-operator")
    assert deployment["spec"]["strategy"] == {"type": "Recreate"}
    pod = deployment["spec"]["template"]["spec"]
    env = {e["name"]: e["value"] for e in pod["containers"][0]["env"]}
    assert env["REACH_OPERATOR_LEADER_ELECTION"] == "false"
    assert "REACH_OPERATOR_LEASE_NAME" not in env
    assert "affinity" not in pod
    assert not by_kind(docs, "Role") and not by_kind(docs, "PodDisruptionBudget")


def test_copied_files_equal_their_sources() -> None:
    """`make chart-files` (run by `make crds`) refreshes these copies."""
    generated = sorted(p.name for p in (REPO / "crds").glob("*.yaml"))
    generated.remove("kustomization.yaml")
    assert sorted(p.name for p in CHART.glob("crds/*.yaml")) == generated, "run make chart-files"
    for name in generated:
        assert (CHART / "crds" / name).read_text() == (REPO / "crds" / name).read_text(), name
    samples = sorted(p.name for p in (REPO / "crds" / "samples").glob("*.yaml"))
    samples.remove("kustomization.yaml")
    assert sorted(p.name for p in CHART.glob("samples/*.yaml")) == samples, "run make chart-files"
    for name in samples:
        source = (REPO / "crds" / "samples" / name).read_text()
        assert (CHART / "samples" / name).read_text() == source, name
    rules = yaml.safe_load((CHART / "files" / "operator-rules.yaml").read_text())
    base = yaml.safe_load((REPO / "kustomize" / "base" / "rbac" / "role.yaml").read_text())
    assert rules == base["rules"], "run make chart-files"


def test_everything_enabled(render: Any) -> None:
    docs = render(EVERYTHING)
    platform = one(docs, "Platform", "main")
    assert platform["metadata"]["namespace"] == "reach-system"
    assert platform["spec"]["stores"] == STORES
    assert (
        platform["spec"]["image"]
        == one(docs, "Deployment")["spec"]["template"]["spec"]["containers"][0]["image"]
    )
    # Every sample, in the release's namespace, running the chart's image.
    sample_kinds = {
        doc["kind"]
        for path in CHART.glob("samples/*.yaml")
        for doc in yaml.safe_load_all(path.read_text())
        if doc
    }
    samples = [d for d in docs if d["kind"] in sample_kinds and d["metadata"]["name"] != "main"]
    assert {d["kind"] for d in samples} == sample_kinds
    assert all(d["metadata"]["namespace"] == "reach-system" for d in samples)
    assert one(docs, "Platform", "default")["spec"]["image"] == platform["spec"]["image"]
    # The Platform's PDBs are the operator's (a second budget over the same pods would make
    # every eviction fail); the chart has the operator's own.
    pdbs = {d["metadata"]["name"] for d in by_kind(docs, "PodDisruptionBudget")}
    assert pdbs == {"reach-operator"}
    ingress = one(docs, "Ingress")
    backends = {
        rule["host"]: rule["http"]["paths"][0]["backend"]["service"]["name"]
        for rule in ingress["spec"]["rules"]
    }
    assert backends == {"api.example.com": "main-gateway", "hooks.example.com": "main-ingest"}
    assert ingress["spec"]["tls"][0]["hosts"] == ["api.example.com", "hooks.example.com"]
    sample_names = {
        doc["metadata"]["name"]
        for path in CHART.glob("samples/*.yaml")
        for doc in yaml.safe_load_all(path.read_text())
        if doc
    }
    dashboards = [
        c for c in by_kind(docs, "ConfigMap") if c["metadata"]["name"] not in sample_names
    ]
    assert len(dashboards) == len(list(CHART.glob("dashboards/*.json")))
    for cm in dashboards:
        assert cm["metadata"]["labels"]["grafana_dashboard"] == "1"
        for text in cm["data"].values():
            json.loads(text)
    assert one(docs, "Pod")["metadata"]["annotations"]["helm.sh/hook"] == "test"


def test_network_policies(render: Any) -> None:
    docs = render(EVERYTHING)
    policies = {d["metadata"]["name"]: d["spec"] for d in by_kind(docs, "NetworkPolicy")}
    in_cluster = {"podSelector": {"matchLabels": {"app.kubernetes.io/part-of": "reach"}}}
    ingress_controller = {
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}
    }
    api = policies["reach-api"]
    assert api["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "api"
    assert api["ingress"][0]["from"] == [in_cluster]
    assert api["ingress"][1]["ports"] == [{"port": "http", "protocol": "TCP"}]
    for component in ("gateway", "ingest"):
        assert policies[f"reach-{component}"]["ingress"][0]["from"] == [
            in_cluster,
            ingress_controller,
        ]
    assert policies["reach-operator"]["ingress"] == []
    assert not by_kind(render({"networkPolicy": {"enabled": False}}), "NetworkPolicy")


def test_service_monitor_needs_its_api_and_selects_reach_services(render: Any) -> None:
    values = {"metrics": {"serviceMonitor": {"enabled": True, "labels": {"release": "kp"}}}}
    with pytest.raises(RenderError, match=re.escape("no monitoring.coreos.com/v1 ServiceMonitor")):
        render(values)
    monitor = one(
        render(values, "--api-versions", "monitoring.coreos.com/v1/ServiceMonitor"),
        "ServiceMonitor",
    )
    assert monitor["metadata"]["labels"]["release"] == "kp"
    assert monitor["spec"]["endpoints"] == [{"port": "http", "path": "/metrics", "interval": "30s"}]


def test_crd_upgrade_hook_may_patch_only_reach_crds(render: Any) -> None:
    docs = render()
    job = one(docs, "Job", "reach-crds")
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-upgrade"
    assert job["spec"]["template"]["spec"]["containers"][0]["args"] == [
        "operator",
        "crds",
        "--apply",
    ]
    role = one(docs, "ClusterRole", "reach-crds")
    crds = {d["metadata"]["name"] for d in by_kind(docs, "CustomResourceDefinition")}
    assert set(role["rules"][0]["resourceNames"]) == crds
    assert role["rules"][0]["verbs"] == ["get", "patch"]
    assert not by_kind(render({"crds": {"upgradeJob": False}}), "Job")


def test_helm_test_pod_may_only_read_what_it_checks(render: Any) -> None:
    docs = render(EVERYTHING)
    pod = one(docs, "Pod", "reach-test")
    assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
    assert pod["spec"]["serviceAccountName"] == "reach-test"
    env = {e["name"]: e["value"] for e in pod["spec"]["containers"][0]["env"]}
    crds = {d["metadata"]["name"] for d in by_kind(docs, "CustomResourceDefinition")}
    assert set(env["REACH_TEST_CRDS"].split()) == crds
    assert (env["REACH_TEST_PLATFORM"], env["REACH_TEST_LEASE"]) == ("main", "reach-operator")
    (cluster_rule,) = one(docs, "ClusterRole", "reach-test")["rules"]
    assert set(cluster_rule["resourceNames"]) == crds
    rules = one(docs, "Role", "reach-test")["rules"]
    assert {(r["resources"][0], r["resourceNames"][0]) for r in rules} == {
        ("platforms", "main"),
        ("leases", "reach-operator"),
    }
    assert all(r["verbs"] == ["get"] for r in [cluster_rule, *rules])
    for kind in ("ServiceAccount", "ClusterRoleBinding", "RoleBinding"):
        assert one(docs, kind, "reach-test")["metadata"]["annotations"]["helm.sh/hook"] == "test"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"operator": {"leaderElection": {"enabled": False}}},
            "operator.replicas > 1 needs operator.leaderElection.enabled",
        ),
        (
            {"operator": {"leaderElection": {"renewDeadlineSeconds": 20}}},
            "retryPeriodSeconds < renewDeadlineSeconds < leaseDurationSeconds",
        ),
        ({"operator": {"leaderElection": {"leaseSeconds": 20}}}, "leaseSeconds"),
        ({"operator": {"replicas": 1}}, "needs operator.replicas >= 2"),
        ({"platform": {"create": True}}, "platform.spec.stores"),
        ({"platform": {"create": True, "spec": {"stores": STORES}}}, "platform.spec.gateway.keys"),
        (
            {
                "platform": {"create": True, "spec": PLATFORM},
                "samples": {"enabled": True},
            },
            "the samples already install a Platform named default",
        ),
        ({"ingress": {"enabled": True, "gatewayHost": "a.example"}}, "needs platform.create"),
        (
            {
                "platform": {"create": True, "spec": PLATFORM},
                "ingress": {"enabled": True},
            },
            "ingress.gatewayHost is required",
        ),
        (
            {
                "platform": {
                    "create": True,
                    "spec": {**PLATFORM, "ingress": {"enabled": True}},
                },
                "ingress": {"enabled": True, "gatewayHost": "a.example"},
            },
            "keep one",
        ),
        ({"operator": {"replicass": 1}}, "replicass"),
        ({"image": {"pullPolicy": "Sometimes"}}, "pullPolicy"),
        ({"platform": {"name": "Not_A_Name"}}, "/platform/name"),
    ],
)
def test_invalid_values_fail_with_a_message(
    render: Any, values: dict[str, Any], message: str
) -> None:
    with pytest.raises(RenderError, match=re.escape(message)):
        render(values)


def _leaves(values: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Paths of every value in values.yaml; an empty map or list is a value of its own."""
    if isinstance(values, dict) and values:
        return [leaf for key, v in values.items() for leaf in _leaves(v, (*path, key))]
    return [path]


def _schema_at(schema: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any] | None:
    """The schema of the value at `path`; a map typed by `additionalProperties` covers its keys."""
    for key in path:
        node = schema.get("properties", {}).get(key)
        if node is None and isinstance(schema.get("additionalProperties"), dict):
            return schema
        if node is None:
            return None
        schema = node
    return schema


def test_every_value_is_in_the_schema_with_a_description_and_a_comment() -> None:
    schema = json.loads((CHART / "values.schema.json").read_text())
    values_text = (CHART / "values.yaml").read_text()
    values = yaml.safe_load(values_text)
    entries = {".".join(p): _schema_at(schema, p) for p in _leaves(values)}
    missing = [path for path, entry in entries.items() if entry is None]
    assert not missing, f"values without a schema entry: {missing}"
    undescribed = [path for path, entry in entries.items() if "description" not in (entry or {})]
    assert not undescribed, f"schema entries without a description: {undescribed}"
    # Each key is documented: a comment right above it or above one of its parent keys.
    lines = values_text.splitlines()

    def commented(number: int) -> bool:
        return number > 0 and lines[number - 1].lstrip().startswith("#")

    def indent(line: str) -> int:
        return len(line) - len(line.lstrip())

    for number, line in enumerate(lines):
        # Values, not the headers of blocks (whose keys are checked themselves).
        if not re.match(r"^\s*[A-Za-z]\w*:", line) or line.rstrip().endswith(":"):
            continue
        chain, level = [number], indent(line)
        for above in range(number - 1, -1, -1):
            if re.match(r"^\s*[A-Za-z]\w*:", lines[above]) and indent(lines[above]) < level:
                chain.append(above)
                level = indent(lines[above])
        assert any(commented(n) for n in chain), f"values.yaml:{number + 1} undocumented: {line}"


def test_every_schema_object_refuses_unknown_keys() -> None:
    schema = json.loads((CHART / "values.schema.json").read_text())
    open_maps = []

    def walk(node: dict[str, Any], path: str) -> None:
        if "properties" in node:
            if node.get("additionalProperties") is not False:
                open_maps.append(path)
            for key, child in node["properties"].items():
                walk(child, f"{path}.{key}")

    walk(schema, "")
    assert not open_maps


def test_dashboards_query_metrics_reach_exports() -> None:
    import prometheus_client

    import reach.ingest.metrics
    import reach.scraper.metrics  # noqa: F401  (registers the metrics)

    families = {metric.name for metric in prometheus_client.REGISTRY.collect()}
    # Every Prometheus target has `up`; prometheus_client's process collector the others.
    families |= {"up", "process_cpu_seconds", "process_resident_memory_bytes", "process_open_fds"}
    suffixes = ("_total", "_bucket", "_sum", "_count")
    for path in CHART.glob("dashboards/*.json"):
        dashboard = json.loads(path.read_text())
        for panel in dashboard["panels"]:
            for target in panel["targets"]:
                names = set(re.findall(r"\b([a-z_]+)(?:\{|\[)", target["expr"])) - {"rate", "sum"}
                unknown = {
                    n
                    for n in names
                    if n not in families
                    and not any(n.endswith(x) and n.removesuffix(x) in families for x in suffixes)
                }
                assert not unknown, f"{path.name} {panel['title']}: {unknown}"


def test_lint_strict(k8s_bin: Path, tmp_path: Path) -> None:
    for values in ({}, EVERYTHING):
        file = tmp_path / "values.yaml"
        file.write_text(yaml.safe_dump(values))
        result = subprocess.run(
            [str(k8s_bin / "helm"), "lint", "--strict", str(CHART), "--values", str(file)],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.cluster
def test_notes_say_what_next_and_print_no_secret(
    k8s_bin: Path, k8s_cluster: LocalCluster, tmp_path: Path
) -> None:
    file = tmp_path / "values.yaml"
    file.write_text(yaml.safe_dump(EVERYTHING))
    suffix = uuid.uuid4().hex[:8]
    namespace = f"reach-notes-{suffix}"
    # The release's custom resources need their kinds known to the API server.
    install_crds(k8s_cluster, REPO / "crds")
    result = subprocess.run(
        [
            str(k8s_bin / "helm"),
            "install",
            # A release and namespace of its own: helm refuses objects (cluster-wide ones too)
            # that exist without its ownership, and other tests may have made Reach's.
            f"notes-{suffix}",
            str(CHART),
            "--dry-run=client",
            "--kubeconfig",
            str(k8s_cluster.kubeconfig_path),
            "--namespace",
            namespace,
            "--values",
            str(file),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    notes = out[out.index("NOTES:") :]
    assert f"kubectl -n {namespace} wait platform/main --for=condition=Ready" in notes
    assert "https://api.example.com/" in notes
    secrets = [
        value
        for path in CHART.glob("samples/*.yaml")
        for doc in yaml.safe_load_all(path.read_text())
        if doc and doc["kind"] == "Secret"
        for value in doc.get("stringData", {}).values()
    ]
    assert secrets
    assert not [s for s in secrets if s in notes]


def test_helm_knows_the_kubernetes_version_it_was_built_for(k8s_bin: Path, tmp_path: Path) -> None:
    """scripts/k8s-tools.sh sets helm's compiled-in Kubernetes version (else v1.20), so charts
    with a `kubeVersion` constraint render without --kube-version."""
    env = dict(
        line.split("=", 1)
        for line in (REPO / "scripts" / "k8s-versions.env").read_text().splitlines()
        if line and not line.startswith("#")
    )
    minor = env["KUBERNETES_VERSION"].split(".")[1]
    chart = tmp_path / "probe"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(
        f"apiVersion: v2\nname: probe\nversion: 0.1.0\nkubeVersion: '>=1.{minor}.0-0'\n"
    )
    (chart / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: probe}\n"
        "data: {version: '{{ .Capabilities.KubeVersion.Version }}'}\n"
    )
    doc = documents(helm_template(k8s_bin / "helm", chart, folder=tmp_path))[0]
    assert doc["data"]["version"] == f"v1.{minor}.0"


@pytest.mark.cluster
def test_render_applies_server_side_with_strict_validation(
    k8s_cluster: LocalCluster, render: Any
) -> None:
    """Everything the chart can render (but the ServiceMonitor, whose CRD the test cluster lacks)
    is accepted by a real API server: built-in kinds, the CRDs and their custom resources."""
    docs = render(EVERYTHING)
    crds = by_kind(docs, "CustomResourceDefinition")
    k8s_cluster.kubectl("apply", "--server-side", "-f", "-", input=yaml.safe_dump_all(crds))
    wait_crds_established(k8s_cluster)
    k8s_cluster.kubectl("create", "namespace", "reach-system", check=False)
    # Pods are admitted only once the controller manager has given the namespace its default
    # ServiceAccount, which takes a moment after the namespace exists.
    eventually_sync(
        lambda: (
            k8s_cluster.kubectl(
                "get", "serviceaccount", "default", "-n", "reach-system", check=False
            ).returncode
            == 0
        ),
        "the namespace's default ServiceAccount",
        seconds=30,
    )
    # The `helm test` Pod's ServiceAccount exists before it (a lower hook weight); admission
    # looks it up, so it is really created first here too.
    accounts = by_kind(docs, "ServiceAccount")
    k8s_cluster.kubectl("apply", "--server-side", "-f", "-", input=yaml.safe_dump_all(accounts))
    assert k8s_cluster.dry_run(docs) == len(docs)


@pytest.mark.cluster
def test_kubeconform_strict_with_the_test_clusters_schemas(
    k8s_bin: Path, k8s_cluster: LocalCluster, render: Any, tmp_path: Path
) -> None:
    docs = render(EVERYTHING)
    k8s_cluster.kubectl(
        "apply",
        "--server-side",
        "-f",
        "-",
        input=yaml.safe_dump_all(by_kind(docs, "CustomResourceDefinition")),
    )

    def published() -> bool:
        status, body = k8s_cluster.get("/openapi/v2")
        return status == 200 and b'"kind": "Platform"' in body.replace(b'"kind":"', b'"kind": "')

    eventually_sync(published, "the CRDs reached /openapi/v2", seconds=60, interval=0.5)
    schemas = cluster_schemas(k8s_cluster, tmp_path / "schemas")
    binary = k8s_bin / "kubeconform"
    result = kubeconform(binary, schemas, yaml.safe_dump_all(docs))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Valid: {len(docs)}, Invalid: 0, Errors: 0, Skipped: 0" in result.stdout
    # -strict: a field the schema does not know is refused, in built-in and custom kinds alike.
    for kind in ("Deployment", "Platform"):
        doc = copy.deepcopy(one(docs, kind, "main" if kind == "Platform" else None))
        doc["spec"]["replicaz"] = 1
        refused = kubeconform(binary, schemas, yaml.safe_dump(doc))
        assert refused.returncode != 0 and "replicaz" in refused.stdout, kind


def test_pre_delete_hook_selects_exactly_the_releases_resources(render: Any) -> None:
    assert not [j for j in by_kind(render(), "Job") if j["metadata"]["name"] == "reach-cleanup"]
    docs = render(EVERYTHING)
    job = one(docs, "Job", "reach-cleanup")
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-delete"
    args = job["spec"]["template"]["spec"]["containers"][0]["args"]
    assert args[:2] == ["operator", "delete-resources"]
    selector = dict(term.split("=") for term in args[3].removeprefix("--selector=").split(","))
    crds = by_kind(docs, "CustomResourceDefinition")
    kinds = {crd["spec"]["names"]["kind"] for crd in crds}
    owned = [d for d in docs if d["kind"] in kinds]
    assert owned and all(selector.items() <= d["metadata"]["labels"].items() for d in owned)
    role = one(docs, "Role", "reach-cleanup")
    assert set(role["rules"][0]["resources"]) == {crd["spec"]["names"]["plural"] for crd in crds}
