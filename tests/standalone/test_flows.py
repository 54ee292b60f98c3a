"""The seed's data flows end to end on `reach standalone`, nothing stubbed between components:
requests go through the gateway with session tokens, the scraper fetches from the sandbox (the
outside world's only stand-in), events go through RabbitMQ and the sinks into ClickHouse, dbt and
the syncs run as the schedule would run them (triggered here rather than waited for), and the
API answers from what they produced. One platform serves the module's flows, in order."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest

from reach.common.events import events_pb2 as pb
from reach.common.settings import StoreSettings
from reach.testing.polling import eventually_sync
from reach.testing.postgres import new_database
from reach.testing.standalone import Standalone

from .conftest import (
    branch_webhook,
    clickhouse_rows,
    count_ids,
    dispatch,
    launch_events,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]


@dataclass
class Flows:
    platform: Standalone
    postgres_dsn: str
    pro: dict[str, str]
    free: dict[str, str]
    handle: str

    def get(self, path: str, headers: dict[str, str]) -> httpx.Response:
        return httpx.get(f"{self.platform.url('gateway')}{path}", headers=headers, timeout=60)

    def sql(self, query: str, *args: object) -> list[asyncpg.Record]:
        async def run() -> list[asyncpg.Record]:
            conn = await asyncpg.connect(self.postgres_dsn)
            try:
                return list(await conn.fetch(query, *args))
            finally:
                await conn.close()

        return asyncio.run(run())

    def clickhouse(self, statement: str) -> list[list[object]]:
        return clickhouse_rows(self.platform.url("clickhouse"), statement)


@pytest.fixture(scope="module")
def flows(
    tmp_path_factory: pytest.TempPathFactory,
    base_settings: StoreSettings,
    postgres_template: str,
    amqp_url: str,
) -> Iterator[Flows]:
    """A platform with its own database (one for the module: the flows build on each other),
    a PRO partner (the demo partner) and a FREE one, each with a gateway session."""
    with new_database(str(base_settings.postgres_dsn), postgres_template, "reach_e2e") as dsn:
        platform = Standalone(tmp_path_factory.mktemp("standalone") / "data", dsn, amqp_url)
        try:
            platform.start()
            flows = Flows(platform, dsn, {}, {}, "")
            eventually_sync(
                lambda: flows.sql("SELECT id FROM partner WHERE name = 'demo'"), "demo partner"
            )
            ((pro_id,),) = flows.sql("SELECT id FROM partner WHERE name = 'demo'")
            ((free_id,),) = flows.sql(
                "INSERT INTO partner (name, plan_type) VALUES ('e2e-free', 'FREE') RETURNING id"
            )
            flows.pro = {"Authorization": f"Bearer {platform.session_token(pro_id, 'PRO')}"}
            flows.free = {"Authorization": f"Bearer {platform.session_token(free_id, 'FREE')}"}
            sandbox = platform.url("sandbox")
            flows.handle = httpx.get(f"{sandbox}/_sandbox/creators", params={"limit": 2}).json()[1]
            yield flows
        finally:
            platform.stop()


PROFILE = "/discovery-service/api/profile/instagram/{}"


def test_flow_2_1_a_missing_profile_is_scraped_modelled_and_served(flows: Flows) -> None:
    sandbox = flows.platform.url("sandbox")
    # The primary source fails, so the worker has to go down its fallback chain.
    httpx.post(f"{sandbox}/_sandbox/faults", json={"upstream": "graph", "mode": "503"})
    try:
        first = flows.get(PROFILE.format(flows.handle), flows.pro)
        assert first.status_code == 202, first.text
        assert first.json()["data"]["profile"] is None
        assert first.json()["data"]["refresh"] is not None

        eventually_sync(
            lambda: flows.sql("SELECT 1 FROM instagram_account WHERE handle = $1", flows.handle),
            "the scraped profile in PostgreSQL",
        )
    finally:
        httpx.delete(f"{sandbox}/_sandbox/faults")
    calls = httpx.get(f"{sandbox}/_sandbox/calls").json()
    assert calls["graph"] >= 1 and calls["rapidapi"] >= 1
    ((profile_id, source),) = flows.sql(
        "SELECT profile_id, source FROM instagram_account WHERE handle = $1", flows.handle
    )
    assert source != "graphapi"
    eventually_sync(
        lambda: flows.clickhouse(
            f"SELECT count() FROM _e.profile_log FINAL WHERE profile_id = '{profile_id}'"
        )[0][0],
        "the profile_log event in ClickHouse",
    )

    # What a PRO plan sees and a FREE one must not: audience demographics.
    flows.sql(
        "UPDATE instagram_account SET audience_gender = $2::jsonb WHERE profile_id = $1",
        profile_id,
        '{"female": 0.6, "male": 0.4}',
    )

    pipelines = flows.platform.run_pipeline("dbt_core")
    assert pipelines["dbt_core"]["last_run"]["ok"], flows.platform.log()
    assert pipelines["sync_core"]["last_run"]["ok"], flows.platform.log()
    assert flows.sql("SELECT 1 FROM leaderboard WHERE profile_id = $1", profile_id)

    served = flows.get(PROFILE.format(flows.handle), flows.pro)
    assert served.status_code == 200, served.text
    profile: dict[str, Any] = served.json()["data"]["profile"]
    assert profile["profile_id"] == profile_id
    assert profile["engagement_rate"] is not None and profile["engagement_rate"] > 0
    assert profile["audience_gender"] == {"female": 0.6, "male": 0.4}
    free = flows.get(PROFILE.format(flows.handle), flows.free)
    assert free.status_code == 200, free.text
    gated = ("audience_gender", "audience_age", "audience_location")
    assert all(free.json()["data"]["profile"][field] is None for field in gated)


def test_flow_2_2_the_leaderboard_lists_the_creator_with_rank_and_change(flows: Flows) -> None:
    answer = flows.get("/leaderboard-service/api/leaderboard/instagram?size=100", flows.pro)
    assert answer.status_code == 200, answer.text
    entries = {e["handle"]: e for e in answer.json()["data"]["entries"]}
    if flows.handle not in entries:
        ((rank,),) = flows.sql(
            "SELECT followers_rank FROM leaderboard WHERE handle = $1", flows.handle
        )
        pytest.fail(f"{flows.handle} (rank {rank}) not on the first page: {list(entries)[:5]}")
    entry = entries[flows.handle]
    assert entry["rank"] >= 1
    # The first month on record: no previous rank to change from.
    assert "overall_rank_change" in entry


def test_flow_2_3_the_profile_carries_the_stored_picture(flows: Flows) -> None:
    ((profile_id, picture),) = flows.sql(
        "SELECT profile_id, profile_pic_url FROM instagram_account WHERE handle = $1", flows.handle
    )
    scraper = flows.platform.url("scraper-api")
    answer = httpx.post(
        f"{scraper}/scrape_request_log/flow/upload_asset",
        json={
            "params": {
                "network": "instagram",
                "entity_type": "profile",
                "entity_id": profile_id,
                "asset_type": "profile_pic",
                "url": picture,
            }
        },
    )
    assert answer.status_code in (200, 201), answer.text
    eventually_sync(
        lambda: flows.sql("SELECT 1 FROM asset_log WHERE entity_id = $1", profile_id),
        "the stored picture in asset_log",
    )
    ((stored,),) = flows.sql("SELECT cdn_url FROM asset_log WHERE entity_id = $1", profile_id)
    # The answer was cached by flow 2.1: it shows the copy once the profile cache expires.
    eventually_sync(
        lambda: profile(flows)["picture_url"] == stored, "the stored picture in the answer"
    )
    # The stored copy is served (by the gateway, in standalone mode) with the picture's bytes.
    assert httpx.get(stored).content == httpx.get(picture).content


def test_flow_2_4_followers_are_scored_and_the_profile_shows_the_fake_share(
    flows: Flows,
) -> None:
    ((profile_id,),) = flows.sql(
        "SELECT profile_id FROM instagram_account WHERE handle = $1", flows.handle
    )
    scraper = flows.platform.url("scraper-api")
    answer = httpx.post(
        f"{scraper}/scrape_request_log/flow/fetch_instagram_followers",
        json={"params": {"handle": flows.handle, "limit": 200}},
    )
    assert answer.status_code in (200, 201), answer.text
    eventually_sync(
        lambda: (
            flows.clickhouse(
                "SELECT count() FROM _e.profile_relationship_log FINAL "
                f"WHERE source_profile_id = '{profile_id}'"
            )[0][0]
            >= 200
        ),
        "the followers in ClickHouse",
    )
    subprocess.run(
        [
            *(sys.executable, "-m", "reach.cli", "followers", "score", "--analysis", "e2e"),
            *("--creator-id", profile_id),
        ],
        env={**flows.platform.env, "REACH_CLICKHOUSE_URL": flows.platform.url("clickhouse")},
        check=True,
        capture_output=True,
        timeout=300,
    )
    pipelines = flows.platform.run_pipeline("dbt_daily")
    assert pipelines["dbt_daily"]["last_run"]["ok"] and pipelines["sync_daily"]["last_run"]["ok"]
    eventually_sync(
        lambda: profile(flows)["authenticity"] is not None, "the analysis in the answer"
    )
    analysis = profile(flows)["authenticity"]
    assert analysis["followers_scored"] >= 200
    assert 0 <= analysis["fake_share"] <= 1


def profile(flows: Flows) -> dict[str, Any]:
    found: dict[str, Any] = flows.get(PROFILE.format(flows.handle), flows.pro).json()["data"][
        "profile"
    ]
    return found


def test_flow_2_5_app_events_land_exactly_once_and_show_in_analytics(flows: Flows) -> None:
    grpc_port, webhooks = flows.platform.ports["ingest-grpc"], flows.platform.url("ingest-http")
    batch = launch_events(f"flow-2-5-{uuid.uuid4().hex[:6]}", 200)
    # A client retrying a batch it already sent: the duplicates collapse downstream.
    assert dispatch(grpc_port, batch).accepted == 200
    assert dispatch(grpc_port, batch).accepted == 200
    hook_id = f"branch-{uuid.uuid4().hex[:8]}"
    sent_at = int(time.time() * 1000)
    branch_webhook(webhooks, hook_id, sent_at)
    branch_webhook(webhooks, hook_id, sent_at)
    url = flows.platform.url("clickhouse")
    ids = [e.event_id for e in batch.events]
    eventually_sync(lambda: count_ids(url, "event", ids) == (200, 200), "the app events")
    eventually_sync(lambda: count_ids(url, "branch_event", [hook_id]) == (1, 1), "the webhook")

    # A profile snapshot sent as an event shows in the creator's time series once modelled.
    ((profile_id,),) = flows.sql(
        "SELECT profile_id FROM instagram_account WHERE handle = $1", flows.handle
    )
    snapshot = pb.Event(
        event_id=f"snapshot-{uuid.uuid4().hex[:8]}", timestamp_ms=int(time.time() * 1000)
    )
    snapshot.profile_log.platform = "instagram"
    snapshot.profile_log.profile_id = profile_id
    snapshot.profile_log.handle = flows.handle
    snapshot.profile_log.metrics.update({"followers": 123_456_789.0})
    assert dispatch(grpc_port, pb.Events(events=[snapshot])).accepted == 1
    eventually_sync(
        lambda: count_ids(url, "profile_log", [snapshot.event_id]) == (1, 1), "the snapshot"
    )
    assert flows.platform.run_pipeline("dbt_core")["sync_core"]["last_run"]["ok"]
    series = flows.get(
        f"/social-profile-service/api/profile/instagram/{profile_id}/time-series", flows.pro
    )
    assert series.status_code == 200, series.text
    assert 123_456_789 in [p["followers"] for p in series.json()["data"]]
