"""Golden files: what each kind's sample turns into. Regenerate after an intended change with
`REACH_UPDATE_GOLDEN=1 .venv/bin/pytest tests/operator/test_builders.py` and review the diff."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from reach.operator.api.eventsink import EventSinkSpec
from reach.operator.api.leaderboard import LeaderboardSpec
from reach.operator.api.platform import PlatformSpec
from reach.operator.builders import eventsink, followeranalysis, platform, scheduled, scrapeflow
from reach.operator.builders.common import Manifest, Runtime

from .conftest import owner_of

pytestmark = pytest.mark.unit
GOLDEN = Path(__file__).parent / "golden"


def _build(kind: str, samples: dict[str, dict[str, Any]]) -> list[Manifest]:
    platform_spec = PlatformSpec.model_validate(samples["Platform"]["spec"])
    doc = samples[kind]
    owner = owner_of(doc)
    if kind == "Platform":
        return platform.build(owner, platform_spec)
    from reach.operator.api import KINDS

    model = next(k for k in KINDS if k.kind == kind).spec_model
    spec: Any = model.model_validate(doc["spec"])
    runtime = Runtime.resolve(spec.stores, platform_spec)
    builder = {
        "ScrapeFlow": scrapeflow.build,
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
