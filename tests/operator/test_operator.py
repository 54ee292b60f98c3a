"""The operator against a real API server, RabbitMQ, PostgreSQL and embedded ClickHouse.

One operator process serves the module, running as `reach operator run` under a ServiceAccount
token bound only to the RBAC in kustomize/base: every test here is also proof that the RBAC is
enough. The fake kubelet reports pods as running or completed, so readiness is real controller
output."""

from __future__ import annotations

import asyncio
import copy
import functools
import json
import subprocess
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import aio_pika
import pytest
import yaml
from aio_pika.abc import AbstractChannel

from reach.testing.cluster import LocalCluster
from reach.testing.kubelet import FakeKubelet
from reach.testing.operating import (
    LOCAL_RABBITMQ,
    LOCAL_REDIS,
    OperatorProcess,
    create_sample_config,
    create_stores_secret,
    install_crds,
    operator_kubeconfig,
)
from reach.testing.podspecs import container_problems, containers
from reach.testing.polling import eventually_sync

from .conftest import SAMPLES

pytestmark = pytest.mark.cluster
REPO = Path(__file__).resolve().parents[2]
GROUP = "reach.goodcreator.co"
T = TypeVar("T")


class Env:
    def __init__(self, cluster: LocalCluster, operator: OperatorProcess, chdb: str) -> None:
        self.cluster = cluster
        self.operator = operator
        self.chdb = chdb

    def kubectl(self, *args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
        return self.cluster.kubectl(*args, **kw)

    def apply(
        self, doc: dict[str, Any], namespace: str, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        doc = copy.deepcopy(doc)
        doc["metadata"]["namespace"] = namespace
        return self.kubectl(
            "apply", "--server-side", "-f", "-", input=yaml.safe_dump(doc), check=check
        )

    def apply_ready(self, doc: dict[str, Any], namespace: str) -> dict[str, Any]:
        """Applies `doc` and waits until its resource is Ready; that condition."""
        self.apply(doc, namespace)
        return self.wait_condition(doc["kind"].lower(), doc["metadata"]["name"], namespace)

    def get(self, resource: str, name: str, namespace: str) -> dict[str, Any] | None:
        out = self.kubectl("-n", namespace, "get", resource, name, "-o", "json", check=False)
        return json.loads(out.stdout) if out.returncode == 0 else None

    def condition(
        self, resource: str, name: str, namespace: str, type_: str = "Ready"
    ) -> dict[str, Any]:
        body = self.get(resource, name, namespace) or {}
        for c in body.get("status", {}).get("conditions", []):
            if c["type"] == type_:
                return dict(c)
        return {}

    def wait_condition(
        self,
        resource: str,
        name: str,
        namespace: str,
        type_: str = "Ready",
        status: str = "True",
        timeout: float = 60,
    ) -> dict[str, Any]:
        return dict(
            eventually_sync(
                lambda: (
                    (c := self.condition(resource, name, namespace, type_)).get("status") == status
                    and c
                ),
                f"{resource}/{name} {type_}={status}; operator log: {self.operator.log}",
                seconds=timeout,
            )
        )


@pytest.fixture(scope="module")
def env(k8s_cluster: LocalCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    cluster = k8s_cluster
    install_crds(cluster, REPO / "crds")
    workdir = tmp_path_factory.mktemp("operator")
    kubeconfig = operator_kubeconfig(
        cluster, REPO / "kustomize" / "base" / "rbac", workdir / "kubeconfig"
    )
    operator = OperatorProcess(
        kubeconfig, workdir / "operator.log", {"REACH_OPERATOR_RESYNC_SECONDS": "1"}
    )
    operator.start()
    with FakeKubelet(cluster.kubeconfig_path, fail=lambda pod: "fail-me" in pod.metadata.name):
        yield Env(cluster, operator, f"chdb://{workdir / 'clickhouse'}")
    operator.stop()


@pytest.fixture
def ns(env: Env, postgres_dsn: str) -> str:
    """A namespace with the stores Secret: this test's PostgreSQL, local RabbitMQ and Redis,
    and an embedded ClickHouse folder that belongs to the operator process."""
    name = f"t-{uuid.uuid4().hex[:8]}"
    env.kubectl("create", "namespace", name)
    create_stores_secret(env.cluster, name, postgres=postgres_dsn, clickhouse=env.chdb)
    create_sample_config(env.cluster, name, SAMPLES)
    return name


def with_sink(doc: dict[str, Any], sink: str) -> dict[str, Any]:
    """The EventSink sample running `sink`: each test takes a sink of its own, so tests don't
    share queues."""
    doc = copy.deepcopy(doc)
    doc["spec"]["sink"] = sink
    return doc


def queue_of(sink: str) -> str:
    from reach.ingest.routing import SINKS

    return SINKS[sink].queue


def on_broker(action: Callable[[AbstractChannel], Awaitable[T]]) -> T:
    """Runs `action` on a channel of the local broker the samples' Platform uses."""

    async def run() -> T:
        connection = await aio_pika.connect(LOCAL_RABBITMQ)
        try:
            return await action(await connection.channel())
        finally:
            await connection.close()

    return asyncio.run(run())


def queue_exists(name: str) -> bool:
    async def check(channel: AbstractChannel) -> bool:
        try:
            await channel.declare_queue(name, passive=True)
        except aio_pika.exceptions.ChannelNotFoundEntity:
            return False
        return True

    return on_broker(check)


def publish(queue: str, count: int) -> None:
    async def send(channel: AbstractChannel) -> None:
        for i in range(count):
            await channel.default_exchange.publish(aio_pika.Message(str(i).encode()), queue)

    on_broker(send)


def purge(queue: str) -> None:
    async def run(channel: AbstractChannel) -> None:
        await (await channel.declare_queue(queue, passive=True)).purge()

    on_broker(run)


def test_every_sample_becomes_ready_with_its_children(
    env: Env, ns: str, samples: dict[str, Any]
) -> None:
    samples = {**samples, "EventSink": with_sink(samples["EventSink"], "app_init_event")}
    for doc in samples.values():
        env.apply(doc, ns)
    for kind, doc in samples.items():
        env.wait_condition(kind.lower(), doc["metadata"]["name"], ns)

    names = lambda resource: sorted(  # noqa: E731
        i["metadata"]["name"]
        for i in json.loads(env.kubectl("-n", ns, "get", resource, "-o", "json").stdout)["items"]
    )
    assert names("deployments") == [
        "click-events-sink",
        "default-api",
        "default-gateway",
        "default-ingest",
        "default-listeners",
        "default-scraper-api",
        "instagram-refresh-profile-worker",
    ]
    assert names("cronjobs") == [
        "default-dbt-core",
        "default-dbt-daily",
        "default-dbt-weekly",
        "default-queue-health",
        "default-stale-credentials",
        "default-sync-instagram",
        "default-sync-youtube",
        "default-table-sizes",
        "default-upload-assets",
        "instagram-monthly-leaderboard",
        "instagram-refresh-profile-enqueue",
        "social-profile-time-series-sync",
    ]
    worker = env.get("deployment", "instagram-refresh-profile-worker", ns)
    assert worker is not None
    args = worker["spec"]["template"]["spec"]["containers"][0]["args"]
    assert args[:4] == ["scraper", "worker", "--flow", "refresh_instagram_profile"]
    sink = env.get("eventsink", "click-events", ns)
    assert sink is not None and sink["status"]["queueDepth"] == 0
    assert sink is not None and sink["status"]["queue"] == queue_of("app_init_event")
    assert queue_exists(queue_of("app_init_event"))
    analysis = env.wait_condition("followeranalysis", "creator-17841400000000001", ns, "Succeeded")
    assert analysis["reason"] == "JobSucceeded"
    assert (
        env.get("followeranalysis", "creator-17841400000000001", ns)["status"]["progress"] == "4/4"
    )  # type: ignore[index]
    events = env.kubectl("-n", ns, "get", "events", "-o", "json").stdout
    reasons = {e["reason"] for e in json.loads(events)["items"]}
    assert {"Applied", "QueueDeclared", "TableReady", "Ready"} <= reasons


def test_spec_change_patches_children_and_is_observed(
    env: Env, ns: str, samples: dict[str, Any]
) -> None:
    platform = samples["Platform"]
    env.apply_ready(platform, ns)
    platform["spec"]["api"]["replicas"] = 3
    env.apply(platform, ns)
    eventually_sync(
        lambda: (env.get("deployment", "default-api", ns) or {})["spec"]["replicas"] == 3,
        what="api replicas 3",
    )
    body = env.wait_condition("platform", "default", ns)
    generation = env.get("platform", "default", ns)["metadata"]["generation"]  # type: ignore[index]
    eventually_sync(
        lambda: env.condition("platform", "default", ns).get("observedGeneration") == generation,
        what="generation observed",
    )
    assert body["status"] == "True"


@pytest.mark.parametrize(
    ("kind", "change", "message"),
    [
        (
            "ScrapeFlow",
            {"autoscaling": {"minReplicas": 5, "maxReplicas": 2}},
            "minReplicas must not exceed maxReplicas",
        ),
        (
            "ScrapeFlow",
            {
                "platformRef": "default",
                "stores": {
                    k: {"secretKeyRef": {"name": "s", "key": k}}
                    for k in ("postgres", "clickhouse", "redis", "rabbitmq")
                },
            },
            "set platformRef or stores, not both",
        ),
        ("ScrapeFlow", {"schedule": "every 5 minutes"}, "spec.schedule"),
        (
            "ScrapeFlow",
            {"rateLimits": [{"limit": 0, "per": "minute"}]},
            "should be greater than or equal to 1",
        ),
        (
            "TableSync",
            {"source": {"table": "a", "query": "SELECT 1"}},
            "set exactly one of query and table",
        ),
        ("Platform", {"pipelines": {"suspend": ["dbt_hourly"]}}, "suspend: pipelines are"),
        (
            "Platform",
            {
                "llm": {
                    "url": {
                        "configMapKeyRef": {"name": "c", "key": "k"},
                        "secretKeyRef": {"name": "s", "key": "k"},
                    }
                }
            },
            "set exactly one of configMapKeyRef and secretKeyRef",
        ),
    ],
)
def test_invalid_objects_are_rejected_by_the_server(
    env: Env, ns: str, samples: dict[str, Any], kind: str, change: dict[str, Any], message: str
) -> None:
    doc = copy.deepcopy(samples[kind])
    doc["spec"].update(change)
    result = env.apply(doc, ns, check=False)
    assert result.returncode != 0
    assert message in result.stderr


def test_the_sink_of_an_event_sink_is_immutable(env: Env, ns: str, samples: dict[str, Any]) -> None:
    doc = with_sink(samples["EventSink"], "ab_assignment")
    env.apply(doc, ns)
    result = env.apply(with_sink(doc, "entity_metric"), ns, check=False)
    assert "sink is immutable" in result.stderr
    unknown = env.apply(with_sink(doc, "no_such_sink"), ns, check=False)
    assert "spec.sink: Unsupported value" in unknown.stderr


def test_a_spec_the_schema_cannot_judge_is_reported_as_invalid(
    env: Env, ns: str, samples: dict[str, Any]
) -> None:
    env.apply(samples["Platform"], ns)
    doc = copy.deepcopy(samples["TableSync"])
    doc["spec"]["source"] = {"query": "SELECT 1; DROP TABLE dbt.mart_time_series"}
    env.apply(doc, ns)
    name = doc["metadata"]["name"]
    eventually_sync(
        lambda: env.condition("tablesync", name, ns).get("reason") == "InvalidSpec",
        what="InvalidSpec",
    )
    ready = env.condition("tablesync", name, ns)
    assert ready["status"] == "False"
    assert "query must be a single SELECT" in ready["message"]
    assert env.get("cronjob", f"{name}-sync", ns) is None


@pytest.mark.parametrize("policy", ["Delete", "Retain"])
def test_deletion_follows_the_policy(
    env: Env, ns: str, samples: dict[str, Any], policy: str
) -> None:
    env.apply(samples["Platform"], ns)
    sink = {"Delete": "entity_metric", "Retain": "activity_tracker"}[policy]
    doc = with_sink(samples["EventSink"], sink)
    doc["spec"]["deletionPolicy"] = policy
    queue = queue_of(sink)
    env.apply_ready(doc, ns)
    body = env.get("eventsink", "click-events", ns)
    assert body is not None
    held = "reach.goodcreator.co/eventsink-cleanup" in body["metadata"].get("finalizers", [])
    assert held == (policy == "Delete")
    env.kubectl("-n", ns, "delete", "eventsink", "click-events", "--timeout=60s")
    eventually_sync(lambda: env.get("deployment", "click-events-sink", ns) is None, what="sink GC")
    assert queue_exists(queue) == (policy == "Retain")


# Each deletion waits for the operator to release the object. Late in a loaded full run that
# took over a minute each (resources of the module's earlier tests keep being resynced), so the
# waits are long; a deadlock still fails the test.
@pytest.mark.timeout(600)
def test_deletion_does_not_deadlock_when_the_platform_is_gone(
    env: Env, ns: str, samples: dict[str, Any]
) -> None:
    env.apply(samples["Platform"], ns)
    doc = with_sink(samples["EventSink"], "affiliate_order")
    doc["spec"]["deletionPolicy"] = "Delete"
    env.apply_ready(doc, ns)
    for kind, name in (("platform", "default"), ("eventsink", "click-events")):
        env.kubectl("-n", ns, "delete", kind, name, "--wait=false")
        gone = functools.partial(lambda k, n: env.get(k, n, ns) is None, kind, name)
        eventually_sync(gone, f"{kind} gone", seconds=240)
    events = json.loads(env.kubectl("-n", ns, "get", "events", "-o", "json").stdout)["items"]
    assert any(e["reason"] == "CleanupSkipped" and e["type"] == "Warning" for e in events)


def test_workers_follow_queue_depth(env: Env, ns: str, samples: dict[str, Any]) -> None:
    env.apply(samples["Platform"], ns)
    doc = with_sink(samples["EventSink"], "graphy_event")
    doc["spec"]["autoscaling"] = {
        "minReplicas": 1,
        "maxReplicas": 3,
        "targetQueueLength": 10,
        "cooldownSeconds": 3,
    }
    queue = queue_of("graphy_event")
    env.apply_ready(doc, ns)

    def replicas() -> int | None:
        return (
            (env.get("deployment", "click-events-sink", ns) or {}).get("spec", {}).get("replicas")
        )

    assert replicas() == 1
    publish(queue, 25)
    eventually_sync(lambda: replicas() == 3, what="scaled up to 3")
    purge(queue)
    eventually_sync(lambda: replicas() == 1, what="back to 1 after the cooldown")
    events = json.loads(env.kubectl("-n", ns, "get", "events", "-o", "json").stdout)["items"]
    assert sum(e["reason"] == "Scaled" for e in events) >= 2


def test_scale_subresource_sets_workers_when_not_autoscaled(
    env: Env, ns: str, samples: dict[str, Any]
) -> None:
    env.apply(samples["Platform"], ns)
    doc = copy.deepcopy(samples["ScrapeFlow"])
    del doc["spec"]["autoscaling"]
    env.apply_ready(doc, ns)
    env.kubectl("-n", ns, "scale", "scrapeflow", doc["metadata"]["name"], "--replicas=4")
    eventually_sync(
        lambda: (
            (env.get("deployment", "instagram-refresh-profile-worker", ns) or {})["spec"][
                "replicas"
            ]
            == 4
        ),
        what="kubectl scale reached the Deployment",
    )


def test_paused_resources_are_left_alone_until_resumed(
    env: Env, ns: str, samples: dict[str, Any]
) -> None:
    platform = samples["Platform"]
    env.apply_ready(platform, ns)
    env.kubectl("-n", ns, "annotate", "platform", "default", f"{GROUP}/paused=true")
    env.wait_condition("platform", "default", ns, "ReconciliationPaused")
    platform["spec"]["gateway"]["replicas"] = 5
    env.apply(platform, ns)
    time.sleep(3)
    assert (env.get("deployment", "default-gateway", ns) or {})["spec"]["replicas"] == 2
    env.kubectl("-n", ns, "annotate", "platform", "default", f"{GROUP}/paused-")
    eventually_sync(
        lambda: (env.get("deployment", "default-gateway", ns) or {})["spec"]["replicas"] == 5,
        what="gateway replicas 5",
    )
    env.wait_condition("platform", "default", ns, "ReconciliationPaused", status="False")


def test_run_now_starts_a_job_and_records_the_run(
    env: Env, ns: str, samples: dict[str, Any]
) -> None:
    env.apply(samples["Platform"], ns)
    doc = samples["TableSync"]
    env.apply_ready(doc, ns)
    env.kubectl(
        "-n", ns, "annotate", "tablesync", doc["metadata"]["name"], f"{GROUP}/run-now=first"
    )
    last = env.wait_condition("tablesync", doc["metadata"]["name"], ns, "LastRunSucceeded")
    assert last["message"].startswith("social-profile-time-series-sync-now-")
    status = (env.get("tablesync", doc["metadata"]["name"], ns) or {})["status"]
    assert status["lastRunNow"] == "first"
    assert status["recentRuns"][0]["succeeded"] is True


def test_a_failed_run_is_reported(env: Env, ns: str, samples: dict[str, Any]) -> None:
    env.apply(samples["Platform"], ns)
    doc = copy.deepcopy(samples["TableSync"])
    doc["metadata"]["name"] = "fail-me"
    env.apply_ready(doc, ns)
    env.kubectl("-n", ns, "annotate", "tablesync", "fail-me", f"{GROUP}/run-now=1")
    last = env.wait_condition(
        "tablesync", "fail-me", ns, "LastRunSucceeded", status="False", timeout=90
    )
    assert last["reason"] == "JobFailed"


def test_the_api_server_checks_a_scrapeflow_against_its_flow(
    env: Env, ns: str, samples: dict[str, Any]
) -> None:
    doc = copy.deepcopy(samples["ScrapeFlow"])
    doc["spec"]["flow"] = "refresh_profile_by_handle"
    assert "Unsupported value" in env.apply(doc, ns, check=False).stderr
    doc["spec"]["flow"] = "refresh_youtube_channel"
    refused = env.apply(doc, ns, check=False)
    assert "the flow scrapes youtube: network must be youtube" in refused.stderr


def test_killed_operator_converges_without_duplicates(
    env: Env, ns: str, samples: dict[str, Any]
) -> None:
    env.apply(samples["Platform"], ns)
    flows = []
    for i in range(6):
        doc = copy.deepcopy(samples["ScrapeFlow"])
        doc["metadata"]["name"] = f"flow-{i}"
        flows.append(doc)
    env.operator.kill()
    try:
        for doc in flows:
            env.apply(doc, ns)
        env.operator.start()
        time.sleep(1.5)
        env.operator.kill()
    finally:
        env.operator.start()
    for doc in flows:
        env.wait_condition("scrapeflow", doc["metadata"]["name"], ns, timeout=90)
    deployments = json.loads(env.kubectl("-n", ns, "get", "deployments", "-o", "json").stdout)[
        "items"
    ]
    workers = sorted(
        d["metadata"]["name"] for d in deployments if d["metadata"]["name"].startswith("flow-")
    )
    assert workers == [f"flow-{i}-worker" for i in range(6)]
    jobs = json.loads(env.kubectl("-n", ns, "get", "jobs", "-o", "json").stdout)["items"]
    assert len([j for j in jobs if j["metadata"]["name"].startswith("default-migrate-")]) == 1


def _items(env: Env, ns: str, resource: str) -> list[dict[str, Any]]:
    out = env.kubectl("-n", ns, "get", resource, "-o", "json").stdout
    return list(json.loads(out)["items"])


def _config_hashes(env: Env, ns: str) -> dict[str, str]:
    return {
        d["metadata"]["name"]: d["spec"]["template"]["metadata"]["annotations"][
            f"{GROUP}/config-hash"
        ]
        for d in _items(env, ns, "deployments")
    }


def _platform_with_flow(env: Env, ns: str, samples: dict[str, Any]) -> None:
    env.apply(samples["Platform"], ns)
    env.apply(samples["ScrapeFlow"], ns)
    env.wait_condition("platform", "default", ns)
    env.wait_condition("scrapeflow", samples["ScrapeFlow"]["metadata"]["name"], ns)


def test_a_platform_with_every_setting_runs_commands_and_settings_its_workloads_accept(
    env: Env, ns: str, samples: dict[str, Any]
) -> None:
    _platform_with_flow(env, ns, samples)
    env.wait_condition("platform", "default", ns, "CredentialsStored")
    workloads = [
        item
        for resource in ("deployments", "cronjobs", "jobs")
        for item in _items(env, ns, resource)
    ]
    problems = [p for item in workloads for c in containers(item) for p in container_problems(c)]
    assert not problems, "\n".join(problems)
    commands = {tuple(c["args"][:2]) for item in workloads for c in containers(item)}
    assert {
        ("scraper", "api"),
        ("scraper", "listen"),
        ("scraper", "credentials"),
        ("scraper", "worker"),
        ("pipelines", "dbt"),
        ("pipelines", "sync"),
        ("pipelines", "enqueue"),
        ("db", "migrate"),
    } <= commands
    worker = next(w for w in workloads if w["metadata"]["name"].endswith("-worker"))
    worker_env = {e["name"] for c in containers(worker) for e in c["env"]}
    assert {"REACH_S3_BUCKET", "REACH_LLM_URL", "REACH_INSTAGRAM_GRAPH_URL"} <= worker_env
    replicated = {
        d["metadata"]["name"]
        for d in _items(env, ns, "deployments")
        if d["metadata"]["name"].startswith("default-") and d["spec"]["replicas"] > 1
    }
    assert {b["metadata"]["name"] for b in _items(env, ns, "poddisruptionbudgets")} == replicated
    crons = {c["metadata"]["name"]: c["spec"] for c in _items(env, ns, "cronjobs")}
    assert all(
        crons[f"default-dbt-{t}"]["concurrencyPolicy"] == "Forbid" for t in ("core", "daily")
    )
    # The sample ScrapeFlow schedules profile refreshes: the Instagram family leaves them to it.
    family = crons["default-sync-instagram"]
    enqueued = [
        c["args"][3] for c in family["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    ]
    assert "refresh_instagram_profile" not in enqueued and family["suspend"] is False
    assert crons["default-dbt-core"]["suspend"] is False


def _passes_after_now(env: Env, ns: str, samples: dict[str, Any], turn: int) -> None:
    """Returns once the Platform and the ScrapeFlow have each run a pass that began after this
    call, so read the Secrets and ConfigMaps as they are now: a spec change that rolls no
    Deployment (a CronJob's suspend) bumps each one's generation, and Ready's
    observedGeneration reaches it only at the end of such a pass."""
    flow = samples["ScrapeFlow"]["metadata"]["name"]
    for resource, name, spec in (
        ("platform", "default", {"pipelines": {"suspend": ["upload_assets"] if turn % 2 else []}}),
        ("scrapeflow", flow, {"suspend": bool(turn % 2)}),
    ):
        env.kubectl(
            "-n", ns, "patch", resource, name, "--type=merge", "-p", json.dumps({"spec": spec})
        )
        generation = (env.get(resource, name, ns) or {})["metadata"]["generation"]
        eventually_sync(
            lambda r=resource, n=name, g=generation: (  # type: ignore[misc]
                env.condition(r, n, ns).get("observedGeneration") == g
            ),
            what=f"{resource}/{name} generation {generation} observed",
        )


def test_a_changed_key_rolls_exactly_the_deployments_reading_it(
    env: Env, ns: str, samples: dict[str, Any]
) -> None:
    _platform_with_flow(env, ns, samples)
    worker = f"{samples['ScrapeFlow']['metadata']['name']}-worker"
    changes = (
        ("secret", "reach-gateway", "jwt", {"default-gateway"}),
        ("secret", "reach-gateway", "signing", {"default-gateway", "default-api"}),
        ("configmap", "reach-settings", "llm-url", {worker}),
        ("secret", "reach-object-store", "secret-access-key", {worker}),
        ("secret", "reach-stores", "redis", set(_config_hashes(env, ns))),
    )
    for turn, (kind, name, key, rolled) in enumerate(changes, start=1):
        before = _config_hashes(env, ns)
        field = "stringData" if kind == "secret" else "data"
        value = LOCAL_REDIS if key == "redis" else f"changed-{uuid.uuid4().hex}"
        if key == "redis":
            value = value.replace("/0", "/1")  # still a working Redis URL
        patch = json.dumps({field: {key: value}})
        env.kubectl("-n", ns, "patch", kind, name, "--type=merge", "-p", patch)
        _passes_after_now(env, ns, samples, turn)
        after = _config_hashes(env, ns)
        assert {n for n in before if before[n] != after[n]} == rolled, (kind, name, key)


def test_a_changed_upstream_key_is_stored_again_without_a_roll(
    env: Env, ns: str, samples: dict[str, Any]
) -> None:
    _platform_with_flow(env, ns, samples)
    env.wait_condition("platform", "default", ns, "CredentialsStored")
    # Only the credentials Jobs: the CronJob controller may start pipeline Jobs meanwhile.
    jobs = lambda: {  # noqa: E731
        name
        for j in _items(env, ns, "jobs")
        if (name := j["metadata"]["name"]).startswith("default-credentials-")
    }
    before, hashes = jobs(), _config_hashes(env, ns)
    patch = json.dumps({"stringData": {"youtube": "a-new-youtube-key"}})
    env.kubectl("-n", ns, "patch", "secret", "reach-upstream-keys", "--type=merge", "-p", patch)
    _passes_after_now(env, ns, samples, 1)
    assert len(jobs() - before) == 1
    env.wait_condition("platform", "default", ns, "CredentialsStored")
    assert _config_hashes(env, ns) == hashes


def test_a_missing_key_is_ready_false_naming_it(env: Env, ns: str, samples: dict[str, Any]) -> None:
    env.kubectl("-n", ns, "delete", "configmap", "reach-settings")
    env.kubectl(
        "-n", ns, "patch", "secret", "reach-gateway", "--type=json",
        "-p", '[{"op": "remove", "path": "/data/jwt"}]',
    )  # fmt: skip
    env.apply(samples["Platform"], ns)
    ready = dict(
        eventually_sync(
            lambda: (
                (c := env.condition("platform", "default", ns)).get("reason") == "ConfigMissing"
                and c
            ),
            what="ConfigMissing",
        )
    )
    assert "ConfigMap 'reach-settings' not found" in ready["message"]
    assert "Secret 'reach-gateway' has no key 'jwt'" in ready["message"]
    assert _items(env, ns, "deployments") == []
    patch = json.dumps({"stringData": {"jwt": "x" * 40}})
    env.kubectl("-n", ns, "patch", "secret", "reach-gateway", "--type=merge", "-p", patch)
    eventually_sync(
        lambda: "reach-gateway" not in env.condition("platform", "default", ns)["message"],
        what="the restored key noticed",
    )
