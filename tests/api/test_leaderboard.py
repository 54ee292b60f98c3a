"""leaderboard: the synced `leaderboard` table by platform, category and language, for the
latest or a given month, with rank changes and paging; and a Leaderboard resource's own ranking
(`leaderboard_ranking`) by its name."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import sys
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import yaml

from reach.api.settings import ApiSettings
from reach.operator.api.leaderboard import LeaderboardSpec
from reach.operator.api.platform import PlatformSpec
from reach.operator.builders import scheduled
from reach.operator.builders.common import Owner, Runtime
from reach.pipelines import contract, synthetic
from reach.testing import marts
from reach.testing.clickhouse import ClickHouseServer, connected, fresh_database

from .conftest import Tenants, answered

pytestmark = pytest.mark.service
URL = "/leaderboard-service/api/leaderboard"


@pytest.fixture
async def board(pool: asyncpg.Pool) -> None:
    rows = []
    for month, shift in ((date(2026, 9, 1), 1), (date(2026, 10, 1), 0)):
        for i in range(6):
            category = "Food" if i % 2 else "Travel"
            rows.append(
                (
                    "instagram", f"p{i}", month, f"h{i}", category, "hi" if i < 3 else "ta",
                    1000 * (10 - i), 0.01 * i, i + 1, 6 - i, i // 2 + 1, None, None, None,
                    None, shift, None,
                )
            )  # fmt: skip
    await pool.executemany(
        "INSERT INTO leaderboard (platform, profile_id, month, handle, category, language,"
        " followers, engagement_rate, followers_rank, engagement_rate_rank,"
        " followers_rank_by_cat, engagement_rate_rank_by_cat, followers_rank_by_lang,"
        " engagement_rate_rank_by_lang, followers_rank_by_cat_lang, followers_rank_change,"
        " engagement_rate_rank_change) VALUES"
        " ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        rows,
    )


@pytest.mark.usefixtures("board")
async def test_latest_month_by_category(client: httpx.AsyncClient, tenants: Tenants) -> None:
    headers = tenants.headers(tenants.free, "FREE")
    data = await answered(client, f"{URL}/instagram", headers, category="Food", size=2)
    assert data["month"] == "2026-10-01"
    assert [(e["profile_id"], e["rank"]) for e in data["entries"]] == [("p1", 1), ("p3", 2)]
    assert data["page"]["total"] == 3


@pytest.mark.usefixtures("board")
async def test_one_profiles_place_on_a_board(client: httpx.AsyncClient, tenants: Tenants) -> None:
    headers = tenants.headers(tenants.pro, "PRO")
    by_category = await client.get(
        f"{URL}/instagram", params={"category": "Food", "profile_id": "p5"}, headers=headers
    )
    assert by_category.status_code == 200, by_category.text
    assert [(e["profile_id"], e["rank"]) for e in by_category.json()["data"]["entries"]] == [
        ("p5", 3)
    ]
    overall = await client.get(f"{URL}/instagram", params={"profile_id": "p4"}, headers=headers)
    assert [(e["rank"], e["overall_rank_change"]) for e in overall.json()["data"]["entries"]] == [
        (5, 0)
    ]
    elsewhere = await client.get(
        f"{URL}/instagram", params={"category": "Travel", "profile_id": "p5"}, headers=headers
    )
    assert elsewhere.json()["data"]["entries"] == []


@pytest.mark.usefixtures("board")
async def test_a_given_month_overall_with_rank_change(
    client: httpx.AsyncClient, tenants: Tenants
) -> None:
    response = await client.get(
        f"{URL}/instagram",
        params={"month": "2026-09-01", "metric": "engagement_rate"},
        headers=tenants.headers(tenants.pro, "PRO"),
    )
    entries = response.json()["data"]["entries"]
    assert [e["profile_id"] for e in entries] == ["p5", "p4", "p3", "p2", "p1", "p0"]
    assert [e["rank"] for e in entries] == [1, 2, 3, 4, 5, 6]
    followers = await client.get(
        f"{URL}/instagram",
        params={"month": "2026-09-01"},
        headers=tenants.headers(tenants.pro, "PRO"),
    )
    assert {e["overall_rank_change"] for e in followers.json()["data"]["entries"]} == {1}


async def test_empty_and_unsupported_slices(client: httpx.AsyncClient, tenants: Tenants) -> None:
    headers = tenants.headers(tenants.pro, "PRO")
    empty = await client.get(f"{URL}/youtube", headers=headers)
    assert empty.status_code == 200
    assert empty.json()["data"]["entries"] == [] and empty.json()["data"]["month"] is None
    unsupported = await client.get(
        f"{URL}/instagram",
        params={"metric": "engagement_rate", "category": "Food", "language": "hi"},
        headers=headers,
    )
    assert unsupported.status_code == 400
    bad = await client.get(f"{URL}/instagram", params={"month": "Octember"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "query.month"


async def test_cross_platform(
    client: httpx.AsyncClient, tenants: Tenants, pool: asyncpg.Pool
) -> None:
    await pool.executemany(
        "INSERT INTO leaderboard (platform, profile_id, month, followers, followers_rank,"
        " followers_rank_change) VALUES ('cross_platform', $1, '2026-10-01', $2, $3, $4)",
        [("ig-a", 900, 2, -1), ("UCb", 1000, 1, 1)],
    )
    response = await client.get(
        f"{URL}/cross_platform", headers=tenants.headers(tenants.pro, "PRO")
    )
    entries = response.json()["data"]["entries"]
    assert [(e["profile_id"], e["rank"], e["overall_rank_change"]) for e in entries] == [
        ("UCb", 1, 1),
        ("ig-a", 2, -1),
    ]


RANKINGS = "/leaderboard-service/api/leaderboards"
PG_ROWS = (
    "SELECT * FROM leaderboard_ranking WHERE leaderboard = $1"
    " ORDER BY month, profile_platform, profile_id"
)
CREATOR_TABLES = ("instagram_account", "instagram_post", "youtube_account", "youtube_post")


async def add_ranking(
    pool: asyncpg.Pool,
    name: str,
    network: str,
    metric: str,
    dimensions: list[str],
    rows: list[tuple[date, str, str, str | None, float, int, int | None]],
) -> None:
    """Rows as the sync writes them: (month, profile_platform, profile_id, category, value,
    rank, rank_change)."""
    await pool.executemany(
        "INSERT INTO leaderboard_ranking (leaderboard, network, metric, dimensions, month,"
        " profile_platform, profile_id, category, value, rank, rank_change)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        [(name, network, metric, dimensions, *row) for row in rows],
    )


async def test_each_leaderboard_serves_its_own_ranking(
    client: httpx.AsyncClient, tenants: Tenants, pool: asyncpg.Pool
) -> None:
    september, october = date(2026, 9, 1), date(2026, 10, 1)
    await add_ranking(
        pool, "ig-by-category", "instagram", "followers", ["category"],
        [
            (september, "instagram", "ig-a", "food", 900, 1, None),
            (october, "instagram", "ig-a", "food", 950, 2, -1),
            (october, "instagram", "ig-b", "food", 990, 1, None),
            (october, "instagram", "ig-c", "travel", 10, 1, None),
        ],
    )  # fmt: skip
    await add_ranking(
        pool, "everyone-by-views", "cross_platform", "views", [],
        [
            (october, "youtube", "UCz", None, 5e6, 1, 3),
            (october, "instagram", "ig-a", None, 1, 2, 0),
        ],
    )  # fmt: skip
    headers = tenants.headers(tenants.pro, "PRO")

    food = await client.get(
        f"{RANKINGS}/ig-by-category", params={"category": "food"}, headers=headers
    )
    assert food.status_code == 200, food.text
    data = food.json()["data"]
    assert (data["network"], data["metric"], data["dimensions"], data["month"]) == (
        "instagram", "followers", ["category"], "2026-10-01"
    )  # fmt: skip
    assert [
        (e["profile_id"], e["rank"], e["rank_change"], e["value"]) for e in data["entries"]
    ] == [
        ("ig-b", 1, None, 990),
        ("ig-a", 2, -1, 950),
    ]
    assert data["page"]["total"] == 2
    before = await client.get(
        f"{RANKINGS}/ig-by-category", params={"month": "2026-09-01"}, headers=headers
    )
    assert [e["profile_id"] for e in before.json()["data"]["entries"]] == ["ig-a"]

    views = (await client.get(f"{RANKINGS}/everyone-by-views", headers=headers)).json()["data"]
    assert [(e["platform"], e["profile_id"], e["rank"]) for e in views["entries"]] == [
        ("youtube", "UCz", 1),
        ("instagram", "ig-a", 2),
    ]


async def test_unknown_and_malformed_leaderboard_names(
    client: httpx.AsyncClient, tenants: Tenants
) -> None:
    headers = tenants.headers(tenants.pro, "PRO")
    missing = await client.get(f"{RANKINGS}/not-synced-yet", headers=headers)
    assert missing.status_code == 404
    assert "not-synced-yet" in missing.json()["error"]["message"]
    bad = await client.get(f"{RANKINGS}/Not_A_Name", headers=headers)
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "path.name"


def _operator_commands(
    repo_root: Path, name: str, spec: dict[str, Any], events_database: str
) -> list[list[str]]:
    """The `reach` command lines of a Leaderboard's CronJob, as the operator builds them (the
    dbt build, then the sync), the build pointed at the test's own events."""
    docs = yaml.safe_load_all(
        (repo_root / "crds/samples/reach.goodcreator.co_v1alpha1_platform.yaml").read_text()
    )
    platform = PlatformSpec.model_validate(next(d for d in docs if d["kind"] == "Platform")["spec"])
    owner = Owner(kind="Leaderboard", name=name, namespace="team-a", uid=f"uid-{name}")
    (cron,) = scheduled.leaderboard(
        owner, LeaderboardSpec.model_validate(spec), Runtime.resolve(None, platform)
    )
    pod = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    build, sync = pod["initContainers"][0]["args"], pod["containers"][0]["args"]
    at = build.index("--vars") + 1
    build[at] = json.dumps({**json.loads(build[at]), "events_database": events_database})
    return [build, sync]


async def _run_leaderboard(commands: list[list[str]], env: dict[str, str], work: Path) -> None:
    """Runs the commands one after the other, as the CronJob's containers do, each dbt build
    in a work directory of its own (a pod's)."""
    for args in commands:
        process = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).parent / "reach"),
            *args,
            env={**os.environ, **env, "REACH_DATA_DIR": str(work)},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await process.communicate()
        assert process.returncode == 0, f"reach {' '.join(args)}:\n{output.decode()[-3000:]}"


async def _served(
    client: httpx.AsyncClient, headers: dict[str, str], name: str, months: set[date]
) -> dict[tuple[date, str, str], dict[str, Any]]:
    """Every month's entries the API serves for leaderboard `name`, keyed like
    `marts.leaderboard_ranking`."""
    served = {}
    for month in months:
        response = await client.get(
            f"{RANKINGS}/{name}", params={"month": month.isoformat(), "size": 100}, headers=headers
        )
        assert response.status_code == 200, response.text
        data = response.json()["data"]
        assert data["page"]["total"] <= 100
        for entry in data["entries"]:
            served[(month, entry["platform"], entry["profile_id"])] = {
                "value": entry["value"],
                "rank": entry["rank"],
                "rank_change": entry["rank_change"],
            }
    return served


@pytest.mark.filterwarnings("ignore::DeprecationWarning:dbt.*")
async def test_two_leaderboards_built_and_synced_at_once_each_serve_their_own_ranks(
    client: httpx.AsyncClient,
    tenants: Tenants,
    pool: asyncpg.Pool,
    api_settings: ApiSettings,
    clickhouse_server: ClickHouseServer,
    repo_root: Path,
    tmp_path: Path,
) -> None:
    today = datetime.now(UTC).date()
    data = synthetic.generate(today)
    # The creators the rankings are of (the test's tenants are its partners).
    creators = {table: data.postgres[table] for table in CREATOR_TABLES}
    async with pool.acquire() as conn:
        await synthetic.write_postgres(conn, dataclasses.replace(data, postgres=creators))
    schema = f"dbt_{uuid.uuid4().hex[:12]}"
    env = {
        "REACH_POSTGRES_DSN": str(api_settings.postgres_dsn),
        "REACH_CLICKHOUSE_URL": clickhouse_server.url,
        "REACH_DBT_SCHEMA": schema,
    }
    headers = tenants.headers(tenants.pro, "PRO")
    with connected(clickhouse_server.url) as ch, fresh_database(ch, "events") as events_database:
        for table in data.clickhouse:
            ch.command(f"CREATE TABLE {events_database}.{table} AS _e.{table}")
        synthetic.write_clickhouse(ch, data, events_database)
        core = [
            "pipelines", "dbt", "build", "--select", "+tag:core",
            "--vars", json.dumps({"events_database": events_database}),
        ]  # fmt: skip
        try:
            # The Platform's core schedule, then both Leaderboards' jobs at the same time.
            await _run_leaderboard([core], env, tmp_path / "core")
            commands = {
                name: _operator_commands(repo_root, name, spec, events_database)
                for name, spec in marts.LEADERBOARDS.items()
            }
            await asyncio.gather(
                *(_run_leaderboard(lines, env, tmp_path / name) for name, lines in commands.items())
            )
            events = list(data.clickhouse["profile_log"])
            for name, expected in marts.leaderboard_rankings(data, events).items():
                assert expected
                months = {key[0] for key in expected}
                assert await _served(client, headers, name, months) == expected, name

            # Later snapshots, the core marts rebuilt, one Leaderboard's job run again: it
            # serves the new ranking, the other's rows stay as they were in both stores.
            first, second = marts.LEADERBOARDS
            kept_rows = await pool.fetch(PG_ROWS, second)
            # A replaced partition would be new parts: the same part names mean untouched.
            parts = (
                f"SELECT _part, count() FROM {schema}.{contract.LEADERBOARD_MODEL}"
                f" WHERE leaderboard = '{second}' GROUP BY _part ORDER BY _part"
            )
            kept_parts = ch.query(parts).result_rows
            assert kept_rows and kept_parts
            later = synthetic.snapshots_after(data, today)
            synthetic.insert_events(ch, events_database, "profile_log", later)
            await _run_leaderboard([core], env, tmp_path / "core")
            await _run_leaderboard(commands[first], env, tmp_path / first)
            rebuilt = marts.leaderboard_rankings(data, events + later)[first]
            months = {key[0] for key in rebuilt}
            assert await _served(client, headers, first, months) == rebuilt
            assert await pool.fetch(PG_ROWS, second) == kept_rows
            assert ch.query(parts).result_rows == kept_parts
        finally:
            ch.command(f"DROP DATABASE IF EXISTS {schema} SYNC")
