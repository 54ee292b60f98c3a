"""A profile's answer carries its latest follower analysis (synced into
`follower_authenticity`), gated like the other audience fields: from rows put there, and from
an analysis scored, modelled by dbt and synced as a FollowerAnalysis and the daily schedule do."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from clickhouse_connect.driver.client import Client

from reach.common.settings import StoreSettings
from reach.followers.contract import REAL, SCORES_TABLE
from reach.followers.shard import Shard, analysis_summary, run_shard
from reach.pipelines.definitions import SYNCS, syncs_after
from reach.pipelines.settings import PipelinesSettings
from reach.pipelines.syncing import sync
from reach.pipelines.transforming import run_dbt

from .conftest import Tenants

pytestmark = pytest.mark.service
URL = "/discovery-service/api/profile/instagram"


async def test_the_latest_analysis_is_served_to_pro_plans(
    client: httpx.AsyncClient,
    tenants: Tenants,
    pool: asyncpg.Pool,
    add_instagram: Callable[..., Any],
) -> None:
    await add_instagram("analysed")
    await add_instagram("not.analysed")
    await pool.execute(
        "INSERT INTO follower_authenticity VALUES ('instagram', 'ig-analysed', 900, 0.7, 0.2,"
        " 0.1, ARRAY['digits_in_handle', 'no_name_match'], '2026-11-30T10:00:00Z')"
    )
    pro = tenants.headers(tenants.pro, "PRO")
    seen = (await client.get(f"{URL}/analysed", headers=pro)).json()["data"]["profile"]
    assert seen["authenticity"] == {
        "followers_scored": 900,
        "real_share": 0.7,
        "weak_fake_share": 0.2,
        "fake_share": 0.1,
        "top_fake_reasons": ["digits_in_handle", "no_name_match"],
        "analysed_at": "2026-11-30T10:00:00Z",
    }
    free = tenants.headers(tenants.free, "FREE")
    gated = (await client.get(f"{URL}/analysed", headers=free)).json()["data"]["profile"]
    assert gated["authenticity"] is None
    none = (await client.get(f"{URL}/not.analysed", headers=pro)).json()["data"]["profile"]
    assert none["authenticity"] is None


# Followers of every kind the scorer tells apart: names that match their handles, digits in the
# handle, a script outside the ten Indic ones, no name at all.
FOLLOWERS = [
    ("priya.sharma", "Priya Sharma"), ("rahul_verma", "Rahul Verma"), ("anjali.k", "Anjali"),
    ("xk8829371", ""), ("user_55512398", "user"), ("rnd.qwzx", "Qwzx Plkm"),
    ("mohan.lal", "मोहन लाल"), ("li.wei", "李伟"), ("sneha_99", "Sneha"),
    ("k9k9k9k9", "k9"), ("arjun.reddy", "అర్జున్ రెడ్డి"), ("zz_top_1234", ""),
]  # fmt: skip


@pytest.mark.filterwarnings("ignore::DeprecationWarning:dbt.*")
async def test_a_finished_follower_analysis_is_what_the_profile_shows(
    client: httpx.AsyncClient,
    tenants: Tenants,
    add_instagram: Callable[..., Any],
    settings: StoreSettings,
    clickhouse_client: Client,
    tmp_path: Path,
) -> None:
    creator = await add_instagram("scored.creator")
    await add_instagram("never.scored")
    analysis = f"fa-{uuid.uuid4().hex[:12]}"
    # The followers the scraper fetched, then the analysis as the FollowerAnalysis' indexed
    # Job runs it (two shards) and the summary its status reports.
    fetched = [
        (f"{analysis}-{n}", datetime.now(UTC), "instagram", creator, f"f{n}", handle, name,
         "FOLLOWER", "test")
        for n, (handle, name) in enumerate(FOLLOWERS)
    ]  # fmt: skip
    columns = [
        "event_id", "event_timestamp", "platform", "source_profile_id", "target_profile_id",
        "target_handle", "target_full_name", "relationship_type", "source",
    ]  # fmt: skip
    clickhouse_client.insert("_e.profile_relationship_log", fetched, column_names=columns)
    for index in range(2):
        run_shard(clickhouse_client, analysis, Shard(index, 2), creator_id=creator)
    summary = analysis_summary(clickhouse_client, analysis)
    assert summary.followers == len(FOLLOWERS)
    assert len({summary.real, summary.weak_fake, summary.fake} - {0}) >= 2, summary
    scored = clickhouse_client.query(
        f"SELECT fake_class, reasons, scored_at FROM {SCORES_TABLE} FINAL"
        " WHERE analysis = {analysis:String}",
        parameters={"analysis": analysis},
    ).result_rows
    reasons = Counter(
        reason for fake_class, why, _ in scored if round(fake_class, 2) != REAL for reason in why
    )

    # The Platform's daily schedule: the dbt build of the follower marts, then their sync.
    pipelines = PipelinesSettings(
        postgres_dsn=settings.postgres_dsn,
        clickhouse_url=settings.clickhouse_url,
        data_dir=tmp_path,
        dbt_schema=f"dbt_{uuid.uuid4().hex[:12]}",
    )
    try:
        outcome = run_dbt(
            ["build", "--select", "+tag:daily", "--vars", json.dumps({"events_database": "_e"})],
            pipelines,
        )
        assert outcome.success, outcome
        for name in syncs_after("daily"):
            await sync(SYNCS[name], pipelines, client=clickhouse_client)
    finally:
        clickhouse_client.command(f"DROP DATABASE IF EXISTS {pipelines.dbt_schema} SYNC")

    pro = tenants.headers(tenants.pro, "PRO")
    seen = (await client.get(f"{URL}/scored.creator", headers=pro)).json()["data"]["profile"]
    shown = seen["authenticity"]
    assert shown == {
        "followers_scored": summary.followers,
        "real_share": summary.real / summary.followers,
        "weak_fake_share": summary.weak_fake / summary.followers,
        "fake_share": summary.fake / summary.followers,
        "top_fake_reasons": [r for r, _ in sorted(reasons.items(), key=lambda c: (-c[1], c[0]))][
            :5
        ],
        "analysed_at": shown["analysed_at"],
    }
    assert shown["top_fake_reasons"]
    analysed_at = datetime.fromisoformat(shown["analysed_at"])
    # ClickHouse hands back its UTC DateTime64 naive.
    last_scored = max(at for _, _, at in scored).replace(tzinfo=UTC)
    assert abs(analysed_at - last_scored) < timedelta(seconds=1)
    free = tenants.headers(tenants.free, "FREE")
    gated = (await client.get(f"{URL}/scored.creator", headers=free)).json()["data"]["profile"]
    assert gated["authenticity"] is None
    none = (await client.get(f"{URL}/never.scored", headers=pro)).json()["data"]["profile"]
    assert none["authenticity"] is None
