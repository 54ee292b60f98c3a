from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from reach.operator.api import KINDS
from reach.operator.api.common import CustomResource, ScheduledSpec, plural_of
from reach.operator.crds import rendered, structural_schema

from .conftest import every_sample, load_samples

pytestmark = pytest.mark.unit
CRDS = Path(__file__).resolve().parents[2] / "crds"


def test_checked_in_crds_match_the_models() -> None:
    stale = [
        name
        for name, text in rendered().items()
        if not (CRDS / name).exists() or (CRDS / name).read_text() != text
    ]
    assert not stale, f"crds/ is stale for {stale}: run `make crds`"


def test_printer_columns_follow_the_models() -> None:
    for kind in KINDS:
        names = [column.name for column in kind.printer_columns()]
        assert names[-3:] == ["Ready", "Reason", "Age"], kind.kind
        scheduled = issubclass(kind.spec_model, ScheduledSpec)
        assert ("Last Success" in names) == scheduled, kind.kind
        assert ("Depth" in names) == kind.scalable(), kind.kind
        assert len(set(names)) == len(names), kind.kind


@pytest.mark.parametrize(
    ("kind", "plural"),
    [("Platform", "platforms"), ("FollowerAnalysis", "followeranalyses"), ("Address", "addresses")],
)
def test_plural_of(kind: str, plural: str) -> None:
    assert plural_of(kind) == plural


def test_a_kind_without_a_description_is_refused() -> None:
    with pytest.raises(TypeError, match="docstring"):
        type("Undescribed", (CustomResource,), {})


def test_every_kind_has_a_sample_that_its_model_accepts() -> None:
    samples = load_samples()
    for kind in KINDS:
        assert kind.kind in samples, f"no sample for {kind.kind} in crds/samples"
        kind.spec_model.model_validate(samples[kind.kind]["spec"])


def test_every_fresh_kept_flow_has_a_sample_scheduled_at_its_default_cadence() -> None:
    from reach.operator.api.scrapeflow import ScrapeFlowSpec
    from reach.scraper.contract import FLOWS, FRESH_FLOWS, STALE_AFTER_HOURS

    cadences = {}
    for doc in every_sample():
        if doc["kind"] == "ScrapeFlow":
            spec = ScrapeFlowSpec.model_validate(doc["spec"])
            if spec.schedule is not None and STALE_AFTER_HOURS in spec.enqueue_params:
                cadences[spec.flow] = spec.enqueue_params[STALE_AFTER_HOURS]
    assert cadences == {
        flow: freshness.stale_after_hours
        for flow in FRESH_FLOWS
        if (freshness := FLOWS[flow].freshness) is not None
    }


def test_schema_is_structural() -> None:
    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            assert "$ref" not in node and "anyOf" not in node and "title" not in node, path
            if node.get("type") == "object" and "properties" in node:
                assert node.get("additionalProperties") is not False, path
            for key, value in node.items():
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]")

    for kind in KINDS:
        walk(structural_schema(kind.spec_model), kind.kind)
        walk(structural_schema(kind.status_model), kind.kind)


def test_nested_objects_default_to_empty_so_their_defaults_apply() -> None:
    from reach.operator.api.platform import PlatformSpec

    schema = structural_schema(PlatformSpec)
    assert schema["properties"]["api"]["default"] == {}
    assert schema["properties"]["api"]["properties"]["replicas"]["default"] == 2
    # Optional objects stay absent.
    from reach.operator.api.scrapeflow import ScrapeFlowSpec

    assert "default" not in structural_schema(ScrapeFlowSpec)["properties"]["autoscaling"]


def _scrapeflow(**spec: object) -> dict[str, object]:
    return {"flow": "refresh_instagram_profile", **spec}


def test_scrapeflow_flow_is_one_of_the_scrapers() -> None:
    from reach.operator.api.scrapeflow import ScrapeFlowSpec
    from reach.scraper.contract import FlowName

    schema = structural_schema(ScrapeFlowSpec)
    assert schema["properties"]["flow"]["enum"] == [str(f) for f in FlowName]
    with pytest.raises(ValidationError, match="flow"):
        ScrapeFlowSpec.model_validate(_scrapeflow(flow="refresh_profile_by_handle"))


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        (_scrapeflow(network="youtube"), "network must be instagram"),
        (_scrapeflow(schedule="@hourly"), "enqueueParams: handle: Field required"),
        (_scrapeflow(schedule="@hourly", enqueueParams={"handle": "a", "x": 1}), "x: Extra"),
        (
            _scrapeflow(flow="upload_asset", network=None, schedule="@hourly",
                        enqueueParams={"stale_after_hours": 1}),
            "stale_after_hours works for",
        ),
    ],
)  # fmt: skip
def test_scrapeflow_is_checked_against_its_flow(spec: dict[str, object], says: str) -> None:
    from reach.operator.api.scrapeflow import ScrapeFlowSpec

    with pytest.raises(ValidationError, match=says):
        ScrapeFlowSpec.model_validate(spec)


def test_scrapeflow_network_rule_is_in_the_crd_too() -> None:
    from reach.operator.api.scrapeflow import ScrapeFlowSpec

    rules = structural_schema(ScrapeFlowSpec)["x-kubernetes-validations"]
    assert any("network must be youtube" in r["message"] for r in rules)
    assert any("platformRef" in r["rule"] for r in rules)


@pytest.mark.parametrize(
    ("schedule", "says"),
    [
        ("0 24 * * *", "the hour field (field 2 of 5) takes 0-23"),
        ("0 0 * * 7", "the day of week field (field 5 of 5) takes 0-6 or sun-sat"),
        ("5-1 * * * *", "must not run backwards"),
        ("every hour", "must be five space-separated cron fields"),
    ],
)
def test_the_operator_refuses_the_schedules_the_api_server_refuses(
    schedule: str, says: str
) -> None:
    """The same rules as the CRD's (the cluster tier checks those on a real API server)."""
    from reach.operator.api.leaderboard import LeaderboardSpec
    from reach.operator.api.scrapeflow import ScrapeFlowSpec

    with pytest.raises(ValidationError, match=re.escape(says)):
        LeaderboardSpec.model_validate({"network": "instagram", "schedule": schedule})
    with pytest.raises(ValidationError, match=re.escape(says)):
        ScrapeFlowSpec.model_validate(_scrapeflow(schedule=schedule, enqueueParams={"handle": "a"}))
    rules = structural_schema(LeaderboardSpec)["properties"]["schedule"]["x-kubernetes-validations"]
    assert any(says in r["message"] for r in rules)
