"""The Platform's pipeline CronJobs: the shared schedules of `reach.pipelines.schedules`, each
dbt build followed by the syncs of its tag, schedules and suspension from the spec."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from reach.operator.api.platform import PlatformSpec
from reach.operator.builders import pipelines
from reach.operator.builders.common import Manifest, Runtime
from reach.pipelines.definitions import syncs_after
from reach.pipelines.schedules import PIPELINES

from .conftest import owner_of

pytestmark = pytest.mark.unit


def _cron_jobs(
    samples: dict[str, dict[str, Any]],
    pipelines_spec: dict[str, Any] | None = None,
    scheduled_flows: frozenset[str] = frozenset(),
) -> dict[str, Manifest]:
    raw = dict(samples["Platform"]["spec"])
    if pipelines_spec is not None:
        raw["pipelines"] = pipelines_spec
    spec = PlatformSpec.model_validate(raw)
    runtime = Runtime(spec.image, spec.image_pull_policy, spec.stores)
    built = pipelines.build(
        owner_of(samples["Platform"]), spec, runtime, "http://s:8000", scheduled_flows
    )
    return {m["metadata"]["name"]: m for m in built}


def _args(cron: Manifest, where: str) -> list[list[str]]:
    pod = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return [c["args"] for c in pod.get(where, [])]


@pytest.mark.parametrize("tag", ["core", "daily", "weekly"])
def test_a_dbt_build_runs_then_the_syncs_of_its_tag(
    samples: dict[str, dict[str, Any]], tag: str
) -> None:
    cron = _cron_jobs(samples)[f"default-dbt-{tag}"]
    builds = [a for a in _args(cron, "initContainers") + _args(cron, "containers") if "dbt" in a]
    assert builds == [["pipelines", "dbt", "build", "--select", f"+tag:{tag}"]]
    syncs = [a for a in _args(cron, "containers") if a[:2] == ["pipelines", "sync"]]
    assert syncs == [["pipelines", "sync", name] for name in syncs_after(tag)]
    if syncs:
        # The syncs are the containers: they start only once the build (init) succeeded.
        assert _args(cron, "initContainers") == builds
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    assert cron["spec"]["successfulJobsHistoryLimit"] >= 1
    assert cron["spec"]["failedJobsHistoryLimit"] >= 1


def test_schedules_default_to_the_shared_ones_and_follow_the_spec(
    samples: dict[str, dict[str, Any]],
) -> None:
    defaults = {p.dag_id: p.schedule for p in PIPELINES if p.schedule}
    crons = _cron_jobs(samples)
    assert {n.removeprefix("default-"): c["spec"]["schedule"] for n, c in crons.items()} == {
        name.replace("_", "-"): schedule for name, schedule in defaults.items()
    }
    assert crons["default-dbt-core"]["spec"]["schedule"] == "*/15 * * * *"
    changed = _cron_jobs(
        samples, {"schedules": {"dbt_daily": "0 3 * * *"}, "suspend": ["upload_assets"]}
    )
    assert changed["default-dbt-daily"]["spec"]["schedule"] == "0 3 * * *"
    assert [n for n, c in changed.items() if c["spec"]["suspend"]] == ["default-upload-assets"]
    off = _cron_jobs(samples, {"enabled": False})
    assert all(c["spec"]["suspend"] for c in off.values())


def test_only_the_enqueues_get_the_scraper_api_and_the_pipelines_commands_the_webhook(
    samples: dict[str, dict[str, Any]],
) -> None:
    for cron in _cron_jobs(samples).values():
        pod = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        for c in pod.get("initContainers", []) + pod["containers"]:
            names = {e["name"] for e in c["env"]}
            assert ("REACH_SCRAPER_API_URL" in names) == (c["args"][:2] == ["pipelines", "enqueue"])
            assert ("REACH_SLACK_WEBHOOK_URL" in names) == (c["args"][0] == "pipelines")


def test_a_family_leaves_the_flows_scrapeflows_schedule_to_them(
    samples: dict[str, dict[str, Any]],
) -> None:
    def enqueued(crons: dict[str, Manifest], name: str) -> list[str]:
        return [a[3] for a in _args(crons[name], "containers") if a[:2] == ["scraper", "enqueue"]]

    family = "default-sync-instagram"
    crons = _cron_jobs(samples)
    everything = enqueued(crons, family)
    assert "refresh_instagram_profile" in everything and not crons[family]["spec"]["suspend"]
    one = _cron_jobs(samples, scheduled_flows=frozenset({"refresh_instagram_profile"}))
    assert enqueued(one, family) == [f for f in everything if f != "refresh_instagram_profile"]
    assert [n for n, c in one.items() if c["spec"]["suspend"]] == []
    # Every one of its flows scheduled by a ScrapeFlow: nothing left to enqueue, suspended.
    every = _cron_jobs(samples, scheduled_flows=frozenset(everything))
    assert [n for n, c in every.items() if c["spec"]["suspend"]] == [family]


@pytest.mark.parametrize(
    ("pipelines_spec", "message"),
    [
        ({"schedules": {"dbt_hourly": "0 * * * *"}}, "unknown pipelines"),
        ({"suspend": ["sync_core"]}, "unknown pipelines"),
        ({"schedules": {"dbt_core": "every minute"}}, "five space-separated cron fields"),
    ],
)
def test_unknown_pipelines_and_bad_schedules_are_refused(
    samples: dict[str, dict[str, Any]], pipelines_spec: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        PlatformSpec.model_validate({**samples["Platform"]["spec"], "pipelines": pipelines_spec})
