"""What the real kube-apiserver refuses at admission from the generated CRDs alone (no operator
runs here): cron schedules field by field, judged against the API server's own CronJob
validation; a scheduled ScrapeFlow's enqueue params, judged against the scraper's own check;
target tables that may not change. (A flow's name and network: `test_operator.py`.)"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reach.operator.api.cron import problems
from reach.scraper.contract import EnqueueParamsError, FlowName, check_enqueue_params
from reach.testing.cluster import LocalCluster
from reach.testing.operating import install_crds

from .conftest import load_samples

pytestmark = pytest.mark.cluster
REPO = Path(__file__).resolve().parents[2]

GOOD = [
    "*/15 * * * *",
    "0 0 * * *",
    "59 23 31 12 6",
    "0-59/7 0-23 1-31 1-12 0-6",
    "00 007 01 01 0",
    "0,15,30,45 */2 1-31/2 * ?",
    "0 9 * JAN-mar mon-FRI",
    "5/10 * * * *",
    "0 0 * * sun,sat",
    "@hourly",
    "@daily",
    "@midnight",
    "@weekly",
    "@monthly",
    "@yearly",
    "@annually",
    "@every 90m",
    "@every 1h30m",
]
# (schedule, words the refusal must hold): one field out of range at a time, then shapes.
BAD = [
    ("60 * * * *", "the minute field (field 1 of 5) takes 0-59"),
    ("0-60 * * * *", "the minute field"),
    ("0 24 * * *", "the hour field (field 2 of 5) takes 0-23"),
    ("0 0 0 * *", "the day of month field (field 3 of 5) takes 1-31"),
    ("0 0 32 * *", "the day of month field"),
    ("0 0 * 0 *", "the month field (field 4 of 5) takes 1-12 or jan-dec"),
    ("0 0 * 13 *", "the month field"),
    ("0 0 * foo *", "the month field"),
    ("0 0 * * 7", "the day of week field (field 5 of 5) takes 0-6 or sun-sat"),
    ("0 0 * * 1-8", "the day of week field"),
    ("0 0 * * mon-funday", "the day of week field"),
    ("*/0 * * * *", "steps /n with n >= 1"),
    ("5-1 * * * *", "a range a-b must not run backwards"),
    ("99999999999999999999-1 * * * *", "the minute field"),
    ("0 0 * dec-3 *", "a range a-b must not run backwards"),
    ("0 0 1,20-10 * *", "a range a-b must not run backwards"),
    ("0 0 * dec-jan *", "a range a-b must not run backwards"),
    ("0 0 * * sat-SUN", "a range a-b must not run backwards"),
    ("* * * *", "must be five space-separated cron fields"),
    ("* * * * * *", "must be five space-separated cron fields"),
    ("@every 5", "must be five space-separated cron fields"),
    ("@Hourly", "must be five space-separated cron fields"),
    ("every 5 minutes", "must be five space-separated cron fields"),
]


class Admission:
    def __init__(self, cluster: LocalCluster, namespace: str) -> None:
        self.cluster = cluster
        self.namespace = namespace
        self.samples = load_samples()

    def apply(self, doc: dict[str, Any], *, dry_run: bool = False) -> tuple[bool, str]:
        """(accepted, the server's refusal)."""
        doc = copy.deepcopy(doc)
        doc["metadata"]["namespace"] = self.namespace
        args = ["apply", "--server-side", "-f", "-"]
        if dry_run:
            args.append("--dry-run=server")
        result = self.cluster.kubectl(*args, input=yaml.safe_dump(doc), check=False)
        return result.returncode == 0, result.stderr

    def sample(self, kind: str, name: str, **spec: Any) -> dict[str, Any]:
        doc = copy.deepcopy(self.samples[kind])
        doc["metadata"]["name"] = name
        doc["spec"].update(spec)
        return doc

    def cronjob_accepts(self, schedule: str) -> bool:
        """What the API server's own CronJob validation (Kubernetes' cron parser) says."""
        doc = {
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "metadata": {"name": "probe"},
            "spec": {
                "schedule": schedule,
                "jobTemplate": {
                    "spec": {
                        "template": {
                            "spec": {
                                "restartPolicy": "Never",
                                "containers": [{"name": "c", "image": "busybox"}],
                            }
                        }
                    }
                },
            },
        }
        return self.apply(doc, dry_run=True)[0]


@pytest.fixture(scope="module")
def admission(k8s_cluster: LocalCluster) -> Iterator[Admission]:
    install_crds(k8s_cluster, REPO / "crds")
    namespace = f"admission-{uuid.uuid4().hex[:8]}"
    k8s_cluster.kubectl("create", "namespace", namespace)
    yield Admission(k8s_cluster, namespace)
    k8s_cluster.kubectl("delete", "namespace", namespace, "--wait=false", check=False)


@pytest.mark.parametrize("schedule", GOOD)
def test_good_schedules_are_admitted_as_cronjobs_admit_them(
    admission: Admission, schedule: str
) -> None:
    assert admission.cronjob_accepts(schedule)
    assert not problems(schedule)
    for kind in ("Leaderboard", "TableSync"):
        accepted, refusal = admission.apply(
            admission.sample(kind, "good", schedule=schedule), dry_run=True
        )
        assert accepted, refusal


@pytest.mark.parametrize(("schedule", "says"), BAD)
def test_bad_schedules_are_refused_naming_the_field(
    admission: Admission, schedule: str, says: str
) -> None:
    assert not admission.cronjob_accepts(schedule)
    for kind, name in (
        ("Leaderboard", "bad-ranking"),
        ("TableSync", "bad-copy"),
        ("ScrapeFlow", "bad-flow"),
    ):
        accepted, refusal = admission.apply(
            admission.sample(kind, name, schedule=schedule), dry_run=True
        )
        assert not accepted
        assert "spec.schedule" in refusal and says in refusal, refusal
    # The operator parses specs with the same rules, in the same words.
    assert any(says in p for p in problems(schedule)), problems(schedule)


# Mostly values near the fields' edges, so both verdicts come up often.
_NAMES = ["jan", "Feb", "dec", "sun", "MON", "sat", "foo"]
_VALUE = (
    st.integers(min_value=0, max_value=8)
    | st.sampled_from([12, 13, 23, 24, 31, 32, 59, 60, 99999999999999999999])
).map(str) | st.sampled_from(_NAMES)
_ITEM = st.builds(
    lambda base, step: base + (f"/{step}" if step is not None else ""),
    st.sampled_from(["*", "?"]) | _VALUE | st.builds(lambda a, b: f"{a}-{b}", _VALUE, _VALUE),
    st.none() | st.integers(min_value=0, max_value=9),
)
_FIELD = st.lists(_ITEM, min_size=1, max_size=2).map(",".join)
_GOOD_FIELDS = ["*/5", "0", "1-5", "jan,jun", "mon-fri"]
# One field fuzzed among good ones; sometimes a field too many or too few.
_SCHEDULES = st.builds(
    lambda at, field, extra: " ".join([*_GOOD_FIELDS[:at], field, *_GOOD_FIELDS[at + 1 :], *extra]),
    st.integers(min_value=0, max_value=4),
    _FIELD,
    st.sampled_from([[], [], [], [], ["*"]]),
) | st.sampled_from(["@hourly", "@every 2h", "@fortnightly", "@every", "0 0 * *"])


@given(schedule=_SCHEDULES)
@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_schedule_admitted_is_one_a_cronjob_takes(admission: Admission, schedule: str) -> None:
    """Never admit what the operator's CronJob would then be refused for; and the operator's
    own check says what the API server says."""
    admitted, refusal = admission.apply(
        admission.sample("Leaderboard", "fuzzed", schedule=schedule), dry_run=True
    )
    assert admitted == (not problems(schedule)), refusal
    if admitted:
        assert admission.cronjob_accepts(schedule)
    else:
        assert "spec.schedule" in refusal, refusal


ENQUEUES_GOOD = [
    ("refresh_instagram_profile", {"stale_after_hours": 24, "max_tasks": 500}),
    ("refresh_instagram_profile", {"handle": "@Some.One"}),
    ("refresh_instagram_posts", {"handle": "someone", "limit": 1000}),
    ("refresh_youtube_channel", {"stale_after_hours": 0}),
    ("refresh_instagram_post", {"stale_after_hours": 24}),
    ("enrich_profile", {"stale_after_hours": 720, "max_tasks": 100}),
    ("refresh_youtube_channel_videos", {"channel_id": "UC" + "a" * 22, "limit": 5}),
    ("search_youtube_keyword", {"keyword": "cricket", "kind": "channel", "priority": -3}),
    ("validate_credential", {"source": "graphapi", "name": "sandbox", "secrets": {"a": {"b": 1}}}),
]
ENQUEUES_BAD = [
    ("refresh_instagram_profile", {}, "need handle (or stale_after_hours)"),
    ("refresh_instagram_profile", {"handle": "a", "limit": 5}, "take handle; or"),
    ("refresh_instagram_profile", {"stale_after_hours": 1, "handle": "a"}, "take handle; or"),
    ("refresh_instagram_profile", {"stale_after_hours": -1}, "stale_after_hours 0.."),
    ("upload_asset", {"stale_after_hours": 1}, "take network, entity_type"),
    ("refresh_instagram_posts", {"stale_after_hours": 1, "handle": "a"}, "take handle, limit; or"),
    ("refresh_instagram_posts", {"handle": "a", "limit": 0}, "limit 1..1000"),
    ("refresh_instagram_posts", {"handle": "a", "limit": "ten"}, "spec.enqueueParams.limit"),
    ("refresh_youtube_channel_videos", {"channel_id": "UCshort"}, "matching ^UC"),
    ("search_youtube_keyword", {"keyword": "k", "kind": "video"}, "kind one of channel"),
    ("enrich_profile", {"network": "tiktok", "profile_id": "1"}, "network one of"),
    ("upload_asset", {"network": "youtube"}, "need network, entity_type"),
    ("refresh_instagram_profile", {"handle": "a", "typo": 1}, "typo"),
]


def _flow(admission: Admission, flow: str, params: dict[str, Any]) -> dict[str, Any]:
    from reach.scraper.contract import FLOWS

    doc = admission.sample(
        "ScrapeFlow", "enqueuer", flow=flow, network=FLOWS[FlowName(flow)].network,
        sources=[], rateLimits=[], enqueueParams=params, schedule="@hourly",
    )  # fmt: skip
    if doc["spec"]["network"] is None:
        del doc["spec"]["network"]
    return doc


@pytest.mark.parametrize(("flow", "params"), ENQUEUES_GOOD)
def test_a_scheduled_enqueue_with_its_flows_params_is_admitted(
    admission: Admission, flow: str, params: dict[str, Any]
) -> None:
    check_enqueue_params(FlowName(flow), params)
    accepted, refusal = admission.apply(_flow(admission, flow, params), dry_run=True)
    assert accepted, refusal


@pytest.mark.parametrize(("flow", "params", "says"), ENQUEUES_BAD)
def test_a_scheduled_enqueue_is_refused_params_its_flow_does_not_take(
    admission: Admission, flow: str, params: dict[str, Any], says: str
) -> None:
    with pytest.raises(EnqueueParamsError):
        check_enqueue_params(FlowName(flow), params)
    accepted, refusal = admission.apply(_flow(admission, flow, params), dry_run=True)
    assert not accepted
    assert says in refusal, refusal


@pytest.mark.parametrize(
    ("kind", "field", "old", "new", "says"),
    [
        ("Leaderboard", "targetTable", "lb_one", "lb_two", "targetTable is immutable"),
        (
            "TableSync",
            "target",
            {"table": "copy_one", "primaryKey": ["id"]},
            {"table": "copy_two", "primaryKey": ["id"]},
            "target.table is immutable",
        ),
    ],
)
def test_a_target_table_cannot_change_on_a_live_object(
    admission: Admission, kind: str, field: str, old: Any, new: Any, says: str
) -> None:
    name = f"{kind.lower()}-target"
    accepted, refusal = admission.apply(admission.sample(kind, name, **{field: old}))
    assert accepted, refusal
    accepted, refusal = admission.apply(admission.sample(kind, name, **{field: new}))
    assert not accepted
    assert says in refusal, refusal
    # Everything else stays editable, the table's other settings included.
    edited: Any = {**old, "primaryKey": ["id", "day"]} if isinstance(old, dict) else old
    accepted, refusal = admission.apply(
        admission.sample(kind, name, **{field: edited, "schedule": "@daily"})
    )
    assert accepted, refusal
    stored = json.loads(
        admission.cluster.kubectl(
            "-n", admission.namespace, "get", kind.lower(), name, "-o", "json"
        ).stdout
    )
    assert stored["spec"][field] == edited
    assert stored["spec"]["schedule"] == "@daily"
