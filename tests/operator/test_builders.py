"""Golden files: what each kind's sample turns into. Regenerate after an intended change with
`REACH_UPDATE_GOLDEN=1 .venv/bin/pytest tests/operator/test_builders.py` and review the diff."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from reach.operator.api.common import ConfigValue
from reach.operator.api.eventsink import EventSinkSpec
from reach.operator.api.leaderboard import LeaderboardSpec
from reach.operator.api.platform import PlatformSpec
from reach.operator.api.scrapeflow import ScrapeFlowSpec
from reach.operator.builders import eventsink, followeranalysis, platform, scheduled, scrapeflow
from reach.operator.builders.common import ANNOTATION_CONFIG_HASH, Manifest, Runtime, value_env
from reach.scraper.contract import RAPIDAPI_PROVIDERS

from .conftest import owner_of

pytestmark = pytest.mark.unit
GOLDEN = Path(__file__).parent / "golden"
# Stand-ins for the value hashes the handler resolves; a key without one hashes as "".
DIGESTS = {("Secret", "reach-stores", "postgres"): "d1", ("Secret", "reach-gateway", "jwt"): "d2"}


def _build(kind: str, samples: dict[str, dict[str, Any]]) -> list[Manifest]:
    platform_spec = PlatformSpec.model_validate(samples["Platform"]["spec"])
    doc = samples[kind]
    owner = owner_of(doc)
    if kind == "Platform":
        return platform.build(owner, platform_spec, DIGESTS)
    from reach.operator.api import KINDS

    model = next(k for k in KINDS if k.kind == kind).spec_model
    spec: Any = model.model_validate(doc["spec"])
    runtime = Runtime.resolve(spec.stores, platform_spec)
    if kind == "ScrapeFlow":
        return scrapeflow.build(owner, spec, runtime, platform.scraper_env(platform_spec), DIGESTS)
    builder = {
        "EventSink": eventsink.build,
        "Leaderboard": scheduled.leaderboard,
        "TableSync": scheduled.tablesync,
        "FollowerAnalysis": followeranalysis.build,
    }[kind]
    return builder(owner, spec, runtime)


@pytest.mark.parametrize(
    "kind", ["Platform", "ScrapeFlow", "EventSink", "Leaderboard", "TableSync", "FollowerAnalysis"]
)
def test_golden(kind: str, samples: dict[str, dict[str, Any]]) -> None:
    text = yaml.safe_dump_all(_build(kind, samples), sort_keys=True)
    path = GOLDEN / f"{kind.lower()}.yaml"
    if os.environ.get("REACH_UPDATE_GOLDEN"):
        path.write_text(text)
    assert path.read_text() == text


def test_every_child_is_owned_and_labelled(samples: dict[str, dict[str, Any]]) -> None:
    for kind in [
        "Platform",
        "ScrapeFlow",
        "EventSink",
        "Leaderboard",
        "TableSync",
        "FollowerAnalysis",
    ]:
        for manifest in _build(kind, samples):
            meta = manifest["metadata"]
            assert meta["ownerReferences"][0]["uid"] == f"uid-{samples[kind]['metadata']['name']}"
            assert meta["labels"]["app.kubernetes.io/managed-by"] == "reach-operator"
            assert meta["namespace"] == "team-a"


def test_autoscaled_workers_leave_replicas_to_the_autoscaler(
    samples: dict[str, dict[str, Any]],
) -> None:
    deployment = next(m for m in _build("ScrapeFlow", samples) if m["kind"] == "Deployment")
    assert "replicas" not in deployment["spec"]
    doc = samples["ScrapeFlow"]
    fixed = {**doc, "spec": {**doc["spec"], "autoscaling": None, "workers": 3}}
    samples_fixed = {**samples, "ScrapeFlow": fixed}
    deployment = next(m for m in _build("ScrapeFlow", samples_fixed) if m["kind"] == "Deployment")
    assert deployment["spec"]["replicas"] == 3


def test_a_new_image_gets_a_new_schema_job(samples: dict[str, dict[str, Any]]) -> None:
    spec = PlatformSpec.model_validate(samples["Platform"]["spec"])
    owner = owner_of(samples["Platform"])
    newer = spec.model_copy(update={"image": "reach/reach:0.2.0"})
    assert platform.migrate_job_name(owner, spec) != platform.migrate_job_name(owner, newer)


def test_sink_table_statements_local_and_on_cluster(samples: dict[str, dict[str, Any]]) -> None:
    spec = EventSinkSpec.model_validate(samples["EventSink"]["spec"])
    create_db, create_table = eventsink.table_statements(spec)
    assert create_db == "CREATE DATABASE IF NOT EXISTS _e"
    assert create_table.startswith("CREATE TABLE IF NOT EXISTS _e.`click_event`")
    assert "ENGINE = ReplacingMergeTree(insert_timestamp)" in create_table
    clustered = eventsink.table_statements(spec, cluster="main")
    assert clustered[0].endswith("ON CLUSTER `main`")
    assert "ON CLUSTER `main`" in clustered[1]
    assert "ReplicatedReplacingMergeTree" in clustered[1]


def test_sink_runs_the_ingestion_sink_it_names(samples: dict[str, dict[str, Any]]) -> None:
    (sink,) = _build("EventSink", samples)
    container = sink["spec"]["template"]["spec"]["containers"][0]
    assert container["args"] == ["ingest", "sink", "--sink", "click_event"]
    # Every setting is a variable of the sink's settings model, and means what the spec says.
    from reach.ingest.settings import IngestSettings

    env = {e["name"]: e["value"] for e in container["env"] if "value" in e}
    fields = {f"REACH_{name.upper()}" for name in IngestSettings.model_fields}
    assert set(env) <= fields
    settings = IngestSettings.model_validate(
        {name.removeprefix("REACH_").lower(): value for name, value in env.items()}
    )
    batch = samples["EventSink"]["spec"]["batch"]
    assert settings.sink_mode == batch["mode"]
    assert settings.sink_batch_rows == batch["maxRows"]


def test_sync_query_must_be_one_select() -> None:
    from reach.operator.api.tablesync import SyncSource

    SyncSource(query="WITH x AS (SELECT 1) SELECT * FROM x")
    for bad in ("DROP TABLE t", "SELECT 1; DROP TABLE t"):
        with pytest.raises(ValueError, match="single SELECT"):
            SyncSource(query=bad)


def test_run_now_job_copies_the_cron_template(samples: dict[str, dict[str, Any]]) -> None:
    cron = next(m for m in _build("TableSync", samples) if m["kind"] == "CronJob")
    job = scheduled.run_now(owner_of(samples["TableSync"]), cron, "abc123")
    assert job["metadata"]["name"] == "social-profile-time-series-sync-now-abc123"
    assert (
        job["spec"]["template"]["spec"] == cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    )


def test_a_leaderboard_never_syncs_into_the_core_ranks(
    samples: dict[str, dict[str, Any]],
) -> None:
    spec = samples["Leaderboard"]["spec"]
    assert LeaderboardSpec.model_validate(spec).target_table == "leaderboard_ranking"
    with pytest.raises(ValueError, match="core schedule's monthly ranks"):
        LeaderboardSpec.model_validate({**spec, "targetTable": "leaderboard"})


def test_replicated_platform_deployments_get_a_disruption_budget(
    samples: dict[str, dict[str, Any]],
) -> None:
    doc = samples["Platform"]
    spec = {**doc["spec"], "listeners": {"replicas": 1}, "scraperApi": {"replicas": 3}}
    built = _build("Platform", {**samples, "Platform": {**doc, "spec": spec}})
    deployments = {m["metadata"]["name"]: m for m in built if m["kind"] == "Deployment"}
    budgets = {m["metadata"]["name"]: m for m in built if m["kind"] == "PodDisruptionBudget"}
    assert set(budgets) == {n for n, d in deployments.items() if d["spec"]["replicas"] > 1}
    assert "default-listeners" not in budgets
    for name, budget in budgets.items():
        pods = deployments[name]["spec"]["template"]["metadata"]["labels"]
        assert budget["spec"]["selector"]["matchLabels"].items() <= pods.items()


def test_the_api_reaches_the_scraper_api_service(samples: dict[str, dict[str, Any]]) -> None:
    built = _build("Platform", samples)
    api = next(
        m for m in built if m["kind"] == "Deployment" and m["metadata"]["name"].endswith("-api")
    )
    env = {
        e["name"]: e.get("value") for e in api["spec"]["template"]["spec"]["containers"][0]["env"]
    }
    scraper = next(
        m for m in built if m["kind"] == "Service" and m["metadata"]["name"].endswith("scraper-api")
    )
    port = scraper["spec"]["ports"][0]["port"]
    assert env["REACH_SCRAPER_API_URL"] == f"http://{scraper['metadata']['name']}:{port}"
    assert not any(
        m["kind"] == "Service" and m["metadata"]["name"].endswith("listeners") for m in built
    )


def _config_hashes(built: list[Manifest]) -> dict[str, str]:
    return {
        m["metadata"]["name"]: m["spec"]["template"]["metadata"]["annotations"][
            ANNOTATION_CONFIG_HASH
        ]
        for m in built
        if m["kind"] == "Deployment"
    }


@pytest.mark.parametrize(
    ("changed", "rolled"),
    [
        (("Secret", "reach-gateway", "jwt"), {"default-gateway"}),
        (("Secret", "reach-gateway", "signing"), {"default-gateway", "default-api"}),
        (
            ("Secret", "reach-object-store", "secret-access-key"),
            {"instagram-refresh-profile-worker"},
        ),
        (("ConfigMap", "reach-settings", "llm-url"), {"instagram-refresh-profile-worker"}),
        (("Secret", "reach-upstream-keys", "youtube"), set()),
        (("Secret", "reach-alerts", "slack-webhook-url"), set()),
    ],
)
def test_a_changed_key_rolls_exactly_the_workloads_reading_it(
    samples: dict[str, dict[str, Any]], changed: tuple[str, str, str], rolled: set[str]
) -> None:
    platform_spec = PlatformSpec.model_validate(samples["Platform"]["spec"])
    flow = samples["ScrapeFlow"]
    flow_spec = ScrapeFlowSpec.model_validate(flow["spec"])
    runtime = Runtime.resolve(flow_spec.stores, platform_spec)

    def deployments(digests: dict[tuple[str, str, str], str]) -> dict[str, str]:
        return _config_hashes(
            platform.build(owner_of(samples["Platform"]), platform_spec, digests)
            + scrapeflow.build(
                owner_of(flow), flow_spec, runtime, platform.scraper_env(platform_spec), digests
            )
        )

    before = deployments(DIGESTS)
    after = deployments({**DIGESTS, changed: "new"})
    assert {name for name in before if before[name] != after[name]} == rolled


def test_a_changed_upstream_key_gets_a_new_credentials_job(
    samples: dict[str, dict[str, Any]],
) -> None:
    spec = PlatformSpec.model_validate(samples["Platform"]["spec"])
    owner = owner_of(samples["Platform"])

    def jobs(digests: dict[tuple[str, str, str], str]) -> set[str]:
        built = platform.build(owner, spec, digests)
        return {m["metadata"]["name"] for m in built if m["kind"] == "Job"}

    before, after = jobs(DIGESTS), jobs({**DIGESTS, ("Secret", "reach-upstream-keys", "llm"): "x"})
    assert len(before - after) == 1 and all("credentials" in n for n in before - after)
    job = next(
        m for m in platform.build(owner, spec, DIGESTS) if "credentials" in m["metadata"]["name"]
    )
    sources = {c["name"]: c for c in job["spec"]["template"]["spec"]["containers"]}
    assert set(sources) == {
        "graphapi",
        "rapidapi-instagram",
        *RAPIDAPI_PROVIDERS,
        "youtube",
        "openai",
    }
    graph = sources["graphapi"]
    assert json.loads(graph["args"][-1]) == {
        "user_id": "$(CREDENTIAL_USER_ID)",
        "access_token": "$(CREDENTIAL_ACCESS_TOKEN)",
    }
    # The key's value is read by Kubernetes, never written into the manifest.
    assert "change-me" not in json.dumps(job)


def test_a_config_value_names_exactly_one_source() -> None:
    with pytest.raises(ValidationError, match="exactly one"):
        ConfigValue.model_validate({})
    with pytest.raises(ValidationError, match="exactly one"):
        ConfigValue.model_validate(
            {
                "configMapKeyRef": {"name": "a", "key": "b"},
                "secretKeyRef": {"name": "a", "key": "b"},
            }
        )
    env = value_env(
        "REACH_S3_BUCKET",
        ConfigValue.model_validate({"configMapKeyRef": {"name": "a", "key": "b"}}),
    )
    assert env == {
        "name": "REACH_S3_BUCKET",
        "valueFrom": {"configMapKeyRef": {"name": "a", "key": "b"}},
    }


def test_each_rapidapi_provider_gets_its_url_setting_and_unknown_ones_are_refused(
    samples: dict[str, dict[str, Any]],
) -> None:
    def spec(providers: dict[str, Any]) -> PlatformSpec:
        sample = samples["Platform"]["spec"]
        upstreams = {**sample["upstreams"], "rapidapiProviders": providers}
        return PlatformSpec.model_validate({**sample, "upstreams": upstreams})

    url = {"configMapKeyRef": {"name": "reach-settings", "key": "looter-url"}}
    looter = spec({"instagram-looter": {"url": url}})
    env = {e["name"]: e for e in platform.scraper_env(looter)}
    assert env["REACH_INSTAGRAM_LOOTER_URL"]["valueFrom"]["configMapKeyRef"]["key"] == "looter-url"
    assert not {name for name in env if "ROCKETAPI" in name}
    assert not set(platform.credentials(looter)) & set(RAPIDAPI_PROVIDERS)
    with pytest.raises(ValidationError, match="rapidapiProviders: unknown sources"):
        spec({"nope": {}})
