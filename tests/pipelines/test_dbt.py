"""Service tests of the dbt project: the whole `dbt build` over synthetic sources in PostgreSQL
and the embedded ClickHouse with every dbt test passing, the marts against a plain-Python
reference (reach.testing.marts) before and after an incremental run, the Leaderboard
resource's vars, and `dbt docs generate`. Each test has its own PostgreSQL database, its own
events database and its own dbt schema in the session's engine; the build and the marts also run
over HTTP against `reach clickhouse serve`."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import yaml
from clickhouse_connect.driver.client import Client
from typer.testing import CliRunner

from reach.cli.main import app
from reach.common import clickhouse
from reach.pipelines import contract, synthetic
from reach.pipelines.definitions import SYNCS
from reach.pipelines.schedules import PIPELINES
from reach.pipelines.settings import PipelinesSettings
from reach.pipelines.syncing import sync
from reach.pipelines.transforming import run_dbt, work_dir
from reach.testing import marts as reference
from reach.testing.clickhouse import MART_LEADERBOARD, ClickHouseServer, connected, fresh_database

pytestmark = [
    pytest.mark.service,
    # dbt-core imports click's deprecated parser; not ours to fix.
    pytest.mark.filterwarnings("ignore::DeprecationWarning:dbt.*"),
]


@pytest.fixture
def today() -> date:
    # The hashtag mart keeps the posts of the last days before now(), so the data is anchored
    # on the real date.
    return datetime.now(UTC).date()


@pytest.fixture
def data(today: date) -> synthetic.SyntheticData:
    return synthetic.generate(today)


@pytest.fixture
def store(request: pytest.FixtureRequest) -> str:
    """Where ClickHouse is: the session's embedded engine, or (parametrized) a ClickHouse server
    that dbt-clickhouse reaches over HTTP as it would in Kubernetes."""
    return str(getattr(request, "param", "embedded"))


@pytest.fixture
def store_dsn(store: str, clickhouse_dsn: str, request: pytest.FixtureRequest) -> str:
    if store == "server":
        server: ClickHouseServer = request.getfixturevalue("clickhouse_server")
        return server.url
    return clickhouse_dsn


@pytest.fixture
def store_client(store_dsn: str, clickhouse_client: Client) -> Iterator[Client]:
    if clickhouse.is_embedded(store_dsn):
        yield clickhouse_client
        return
    with connected(store_dsn) as client:
        yield client


@pytest.fixture
def events_database(store_client: Client) -> Iterator[str]:
    """A database with the raw event tables of `_e` (same columns and engines), empty."""
    with fresh_database(store_client, "events") as name:
        for table in synthetic.EVENT_TABLES:
            store_client.command(f"CREATE TABLE {name}.{table} AS _e.{table}")
        yield name


@pytest.fixture
def pipelines_settings(
    postgres_dsn: str, store_dsn: str, store_client: Client, tmp_path: Path
) -> Iterator[PipelinesSettings]:
    settings = PipelinesSettings(
        postgres_dsn=postgres_dsn,
        clickhouse_url=store_dsn,
        data_dir=tmp_path,
        dbt_schema=f"dbt_{uuid.uuid4().hex[:12]}",
    )
    yield settings
    store_client.command(f"DROP DATABASE IF EXISTS {settings.dbt_schema} SYNC")


@pytest.fixture
def loaded(
    data: synthetic.SyntheticData,
    postgres_dsn: str,
    store_client: Client,
    events_database: str,
) -> synthetic.SyntheticData:
    async def write() -> None:
        conn = await asyncpg.connect(postgres_dsn)
        try:
            await synthetic.write_postgres(conn, data)
        finally:
            await conn.close()

    asyncio.run(write())
    synthetic.write_clickhouse(store_client, data, events_database)
    return data


@dataclass(frozen=True)
class Project:
    """The dbt project as a test runs it: its settings (a dbt schema of its own), the events
    database its sources read, and a client on the same store."""

    settings: PipelinesSettings
    events_database: str
    client: Client

    @property
    def schema(self) -> str:
        return self.settings.dbt_schema

    def dbt(self, *args: str, **dbt_vars: Any) -> None:
        dbt_vars["events_database"] = self.events_database
        outcome = run_dbt([*args, "--vars", json.dumps(dbt_vars)], self.settings)
        assert outcome.success, outcome


@pytest.fixture
def project(
    pipelines_settings: PipelinesSettings, events_database: str, store_client: Client
) -> Project:
    return Project(pipelines_settings, events_database, store_client)


@pytest.fixture
def built(loaded: synthetic.SyntheticData, project: Project) -> synthetic.SyntheticData:
    """`loaded`, with every model built and tested by `dbt build`."""
    project.dbt("build")
    return loaded


def rows(client: Client, sql: str) -> list[dict[str, Any]]:
    result = client.query(sql)
    return [dict(zip(result.column_names, row, strict=True)) for row in result.result_rows]


@pytest.mark.parametrize("store", ["embedded", "server"], indirect=True)
def test_build_passes_every_test(built: synthetic.SyntheticData, project: Project) -> None:
    schema = project.schema
    results = json.loads((work_dir(project.settings) / "target" / "run_results.json").read_text())
    statuses = {result["unique_id"]: result["status"] for result in results["results"]}
    assert all(status in ("success", "pass") for status in statuses.values()), statuses
    assert sum(1 for unique_id in statuses if unique_id.startswith("test.")) >= 30
    counts = {
        model: project.client.query(f"SELECT count() FROM {schema}.{model}").result_rows[0][0]
        for model in (
            "mart_instagram_account",
            "mart_youtube_account",
            "mart_leaderboard",
            "mart_time_series",
            "mart_genre_overview",
            "mart_instagram_post_hashtag",
            "mart_post_location",
            "mart_collection_post",
            "mart_collection_post_time_series",
            "mart_audience_info",
            "mart_audience_info_gpt",
            "mart_instagram_creators_followers_fake_analysis",
            "mart_fake_events",
            "mart_instagram_gpt_data",
            "mart_insta_all_posts",
            *STAGING_COLLECTION_MARTS,
            *PARTIAL_UPDATE_MARTS,
        )
    }
    assert all(count > 0 for count in counts.values()), counts
    # Every staging model's tests ran over rows, not over an empty view.
    staging = [
        unique_id.removeprefix("model.reach.")
        for unique_id in statuses
        if unique_id.startswith("model.reach.stg_")
    ]
    assert len(staging) >= 27
    empty = [
        name
        for name in staging
        if project.client.query(f"SELECT count() FROM {schema}.{name}").result_rows[0][0] == 0
    ]
    assert empty == []
    assert counts["mart_instagram_account"] == len(built.postgres["instagram_account"])
    assert counts["mart_collection_post"] == len(built.postgres["post_collection_item"])
    assert counts["mart_audience_info_gpt"] == len(built.postgres["audience_info_gpt"])
    insights = rows(
        project.client,
        f"SELECT insights_date, reach FROM {schema}.stg_beat_profile_insights"
        " ORDER BY insights_date",
    )
    assert [row["reach"] for row in insights] == [
        row.get("reach")
        for row in sorted(built.postgres["profile_insights"], key=lambda row: row["date"])
    ]
    inferred = rows(
        project.client,
        f"SELECT male_share, top_age_group, top_country, interests FROM {schema}"
        ".mart_audience_info_gpt WHERE profile_id = 'ig0000'",
    )
    assert inferred == [
        {"male_share": 0.8, "top_age_group": "18-24", "top_country": "IN", "interests": ["food"]}
    ]
    assert counts["mart_instagram_gpt_data"] == len(built.postgres["instagram_account"])
    assert counts["mart_insta_all_posts"] == len(built.postgres["instagram_post"])
    enriched = rows(
        project.client,
        "SELECT profile_id, gender, topics, has_gpt_audience, audience_male_share FROM"
        f" {schema}.mart_instagram_gpt_data WHERE profile_id IN ('ig0000', 'ig0001', 'ig0004')"
        " ORDER BY profile_id",
    )
    assert enriched == [
        {
            "profile_id": "ig0000",
            "gender": "female",
            "topics": [],
            "has_gpt_audience": True,
            "audience_male_share": 0.8,
        },
        {
            "profile_id": "ig0001",
            "gender": "male",
            "topics": ["food"],
            "has_gpt_audience": False,
            "audience_male_share": None,
        },
        {
            "profile_id": "ig0004",
            "gender": None,
            "topics": [],
            "has_gpt_audience": False,
            "audience_male_share": None,
        },
    ]


STAGING_COLLECTION_MARTS = tuple(
    f"mart_staging_{platform}_{kind}_collection"
    for kind in ("profile", "post")
    for platform in ("instagram", "youtube")
)
PARTIAL_UPDATE_MARTS = tuple(
    f"mart_partial_{platform}_{subset}"
    for platform in ("instagram", "youtube")
    for subset in ("followers", "engagement", "attributes", "audience")
)


def _check_staging_collections(client: Client, schema: str, data: synthetic.SyntheticData) -> None:
    """Each item of each collection kind on its platform, with its profile's or post's latest
    data where it was scraped."""
    accounts = reference.instagram_accounts(data)
    profiles = rows(
        client,
        "SELECT profile_id, collection_name, is_scraped, followers, engagement_rate"
        f" FROM {schema}.mart_staging_instagram_profile_collection",
    )
    items = data.postgres["profile_collection_item"]
    assert sorted(row["profile_id"] for row in profiles) == sorted(
        item["platform_profile_id"] for item in items if item["platform"] == "instagram"
    )
    for row in profiles:
        want = accounts[row["profile_id"]]
        assert row == {
            "profile_id": row["profile_id"],
            "collection_name": "Shortlist",
            "is_scraped": True,
            "followers": want["followers"],
            "engagement_rate": want["engagement_rate"],
        }
    channels = rows(
        client,
        "SELECT profile_id, is_scraped, display_name IS NOT NULL AS named"
        f" FROM {schema}.mart_staging_youtube_profile_collection ORDER BY profile_id",
    )
    assert channels == [
        {"profile_id": "UC0000", "is_scraped": True, "named": True},
        {"profile_id": "UCnotscraped", "is_scraped": False, "named": False},
    ]
    scraped = {post["shortcode"] for post in data.postgres["instagram_post"]}
    scraped |= {video["video_id"] for video in data.postgres["youtube_post"]}
    for platform in ("instagram", "youtube"):
        posts = rows(
            client,
            "SELECT post_shortcode, is_scraped, post_type IS NOT NULL AS typed"
            f" FROM {schema}.mart_staging_{platform}_post_collection",
        )
        collected = [
            item["post_shortcode"]
            for item in data.postgres["post_collection_item"]
            if item["platform"] == platform
        ]
        assert sorted(row["post_shortcode"] for row in posts) == sorted(collected)
        for row in posts:
            known = row["post_shortcode"] in scraped
            assert row["is_scraped"] == row["typed"] == known, row


def _check_partial_updates(client: Client, schema: str, events: list[synthetic.Row]) -> None:
    for platform in ("instagram", "youtube"):
        for subset, expected in reference.partial_updates(events, platform).items():
            assert expected
            assert (
                keyed_by(
                    client, f"{schema}.mart_partial_{platform}_{subset}", "profile_id", expected
                )
                == expected
            ), (platform, subset)


def _check_time_series(client: Client, schema: str, events: list[synthetic.Row]) -> None:
    expected = reference.time_series(events)
    stored = {
        (row["platform"], row["profile_id"], row["date"]): row
        for row in rows(
            client,
            "SELECT platform, profile_id, date, followers, views, engagement_rate,"
            f" followers_growth FROM {schema}.mart_time_series FINAL",
        )
    }
    assert stored.keys() == expected.keys()
    for key, want in expected.items():
        got = {name: stored[key][name] for name in want}
        assert got == want, key
    growths = [row["followers_growth"] for row in expected.values()]
    assert any(growth is None for growth in growths)
    assert any(growth is not None and growth != 0 for growth in growths)


def _check_leaderboard(
    client: Client, schema: str, data: synthetic.SyntheticData, events: list[synthetic.Row]
) -> None:
    expected = reference.leaderboard(data, events)
    columns = [
        f"{metric}_rank{suffix}"
        for metric in ("followers", "engagement_rate")
        for suffix in reference.RANK_DIMENSIONS
    ]
    columns += ["followers_rank_change", "engagement_rate_rank_change"]
    stored = {
        (row.pop("platform"), row.pop("month"), row.pop("profile_id")): row
        for row in rows(
            client,
            f"SELECT platform, month, profile_id, followers, engagement_rate, {', '.join(columns)}"
            f" FROM {schema}.mart_leaderboard",
        )
    }
    assert stored.keys() == expected.keys()
    for key, want in expected.items():
        got = stored[key]
        assert {name: got[name] for name in ["followers", "engagement_rate", *columns]} == {
            name: want[name] for name in ["followers", "engagement_rate", *columns]
        }, key
    # The data exercises what the ranks must get right: shared ranks and moves both ways.
    ranks = [(key[0], key[1], row["followers_rank"]) for key, row in expected.items()]
    assert len(ranks) > len(set(ranks))
    changes = {row["followers_rank_change"] for row in expected.values()}
    assert any(change is not None and change > 0 for change in changes)
    assert any(change is not None and change < 0 for change in changes)
    assert None in changes


def keyed(
    client: Client, table: str, keys: list[str], expected: dict[Any, dict[str, Any]]
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """`table`'s rows by `keys`, with the columns the rows of `expected` have."""
    columns = [*keys, *next(iter(expected.values()))]
    return {
        tuple(row.pop(key) for key in keys): row
        for row in rows(client, f"SELECT {', '.join(columns)} FROM {table}")
    }


def keyed_by(
    client: Client, table: str, key: str, expected: dict[Any, dict[str, Any]]
) -> dict[Any, dict[str, Any]]:
    """`table`'s rows by their column `key`, with the columns the rows of `expected` have."""
    return {keys[0]: row for keys, row in keyed(client, table, [key], expected).items()}


def _check_account_monthly(
    client: Client, schema: str, data: synthetic.SyntheticData, events: list[synthetic.Row]
) -> None:
    expected = reference.insta_account_monthly(data, events)
    stored = keyed(
        client, f"{schema}.mart_insta_account_monthly", ["profile_id", "month"], expected
    )
    assert stored == expected
    # The data exercises growth both ways, a month without a previous one, and posts.
    growths = [row["followers_growth"] for row in expected.values()]
    assert None in growths
    assert any(growth is not None and growth > 0 for growth in growths)
    assert any(growth is not None and growth < 0 for growth in growths)
    assert any(row["engagement_rate"] is not None for row in expected.values())


@pytest.mark.parametrize("store", ["embedded", "server"], indirect=True)
def test_marts_match_the_reference(
    built: synthetic.SyntheticData, project: Project, today: date
) -> None:
    schema = project.schema

    expected_accounts = reference.instagram_accounts(built)
    account_columns = ["recent_posts", "avg_likes", "avg_comments", "engagement_rate"]
    account_columns += [
        f"{metric}_rank{suffix}"
        for metric in ("followers", "engagement_rate")
        for suffix in reference.RANK_DIMENSIONS
    ]
    stored_accounts = {
        row.pop("profile_id"): row
        for row in rows(
            project.client,
            f"SELECT profile_id, {', '.join(account_columns)} FROM {schema}.mart_instagram_account",
        )
    }
    assert stored_accounts.keys() == expected_accounts.keys()
    for profile_id, want in expected_accounts.items():
        assert stored_accounts[profile_id] == {name: want[name] for name in account_columns}, (
            profile_id
        )
    engagement_ranks = [row["engagement_rate_rank"] for row in expected_accounts.values()]
    assert len({rank for rank in engagement_ranks if rank is not None}) < len(
        [rank for rank in engagement_ranks if rank is not None]
    ), "the synthetic data should tie on engagement rate"

    events = list(built.clickhouse["profile_log"])
    _check_time_series(project.client, schema, events)
    _check_leaderboard(project.client, schema, built, events)
    _check_account_monthly(project.client, schema, built, events)
    expected_recent = reference.insta_recent_stats(built, today)
    assert (
        keyed_by(project.client, f"{schema}.mart_insta_recent_stats", "profile_id", expected_recent)
        == expected_recent
    )
    assert any(row["recent_posts"] == 0 for row in expected_recent.values())
    assert any(row["reach_rate"] is not None for row in expected_recent.values())
    expected_summary = reference.insta_account_summary(built, events, today)
    assert (
        keyed_by(
            project.client, f"{schema}.mart_insta_account_summary", "profile_id", expected_summary
        )
        == expected_summary
    )
    assert any(row["latest_month_followers_growth"] for row in expected_summary.values())
    expected_trending = reference.genre_trending_content(built, today)
    assert (
        keyed_by(
            project.client, f"{schema}.mart_genre_trending_content", "post_id", expected_trending
        )
        == expected_trending
    )
    top = [row["trend_rank"] for row in expected_trending.values()]
    assert reference.TRENDING_TOP in top or len(top) > len(set(top))
    expected_locations = reference.post_location(built)
    assert (
        keyed_by(project.client, f"{schema}.mart_post_location", "location_id", expected_locations)
        == expected_locations
    )
    assert len(expected_locations) == len(synthetic.PLACES)
    assert all(row["engagement_rate"] is not None for row in expected_locations.values())
    expected_links = reference.linked_socials(built)
    stored_links = keyed(
        project.client,
        f"{schema}.mart_linked_socials",
        ["instagram_profile_id", "youtube_channel_id"],
        expected_links,
    )
    assert stored_links == expected_links
    sides = {tuple(row["linked_by"]) for row in expected_links.values()}
    assert sides == {("instagram",), ("youtube",), ("instagram", "youtube")}
    expected_orders = reference.gcc_orders(built)
    stored_orders = keyed(
        project.client,
        f"{schema}.mart_gcc_orders",
        ["collection_id", "platform", "profile_id", "currency"],
        expected_orders,
    )
    assert stored_orders == expected_orders
    shares = [row["revenue_share"] for row in expected_orders.values()]
    assert None in shares and 0.0 in shares and 1.0 in shares
    assert None in (row["avg_order_value"] for row in expected_orders.values())
    expected_fakes = reference.fake_events(built.clickhouse["follower_score"])
    stored_fakes = keyed(
        project.client,
        f"{schema}.mart_fake_events",
        ["platform", "profile_id", "analysis"],
        expected_fakes,
    )
    assert stored_fakes == expected_fakes
    assert any(row["fake_share_change"] is not None for row in expected_fakes.values())
    expected_posts = reference.insta_all_posts(built)
    assert (
        keyed_by(project.client, f"{schema}.mart_insta_all_posts", "post_id", expected_posts)
        == expected_posts
    )
    for figure in ("engagement_rate", "reach_engagement_rate", "performance_index"):
        assert any(row[figure] is None for row in expected_posts.values()), figure
        assert any(row[figure] for row in expected_posts.values()), figure
    _check_staging_collections(project.client, schema, built)
    _check_partial_updates(project.client, schema, events)

    # Later days and a late event of the last stored day: the incremental run recomputes the
    # recent days and grows the first new day from the snapshot stored before it.
    later = synthetic.snapshots_after(built, today)
    synthetic.insert_events(project.client, project.events_database, "profile_log", later)
    project.dbt("build", "--select", "mart_time_series+")
    project.dbt("build", "--select", "path:models/marts/partial_updates")
    events += later
    _check_time_series(project.client, schema, events)
    _check_leaderboard(project.client, schema, built, events)
    _check_account_monthly(project.client, schema, built, events)
    _check_partial_updates(project.client, schema, events)


def build_leaderboard(project: Project, name: str, spec: dict[str, Any]) -> None:
    project.dbt(
        "build",
        "--select",
        contract.LEADERBOARD_MODEL,
        **contract.leaderboard_vars(name, spec["network"], spec["metric"], spec["dimensions"]),
    )


def ranking(client: Client, schema: str, name: str) -> dict[tuple[Any, ...], dict[str, Any]]:
    """A leaderboard's rows of mart_leaderboard_ranking, as `reference.leaderboard_ranking`
    keys them."""
    return {
        (row.pop("month"), row.pop("profile_platform"), row.pop("profile_id")): row
        for row in rows(
            client,
            "SELECT month, profile_platform, profile_id, value, rank, rank_change"
            f" FROM {schema}.{contract.LEADERBOARD_MODEL} WHERE leaderboard = '{name}'",
        )
    }


def test_each_leaderboard_builds_and_replaces_only_its_own_ranking(
    loaded: synthetic.SyntheticData, project: Project, today: date
) -> None:
    schema = project.schema
    project.dbt("build", "--select", "+tag:core")
    # Built by the core schedule with no leaderboard asking: the table exists, empty.
    count = f"SELECT count() AS n FROM {schema}.{contract.LEADERBOARD_MODEL}"
    assert rows(project.client, count) == [{"n": 0}]
    for name, spec in reference.LEADERBOARDS.items():
        build_leaderboard(project, name, spec)
    events = list(loaded.clickhouse["profile_log"])
    for name, expected in reference.leaderboard_rankings(loaded, events).items():
        assert expected
        assert any(row["rank_change"] not in (None, 0) for row in expected.values())
        assert ranking(project.client, schema, name) == expected, name

    # New snapshots, the core marts rebuilt, and one leaderboard rebuilt: its rows follow, the
    # other's stay as they were.
    first, second = reference.LEADERBOARDS
    kept = ranking(project.client, schema, second)
    later = synthetic.snapshots_after(loaded, today)
    synthetic.insert_events(project.client, project.events_database, "profile_log", later)
    project.dbt("build", "--select", "+tag:core")
    build_leaderboard(project, first, reference.LEADERBOARDS[first])
    rebuilt = reference.leaderboard_rankings(loaded, events + later)[first]
    assert ranking(project.client, schema, first) == rebuilt
    assert ranking(project.client, schema, second) == kept


def test_a_leaderboard_asking_for_something_unknown_fails_its_build(
    pipelines_settings: PipelinesSettings, events_database: str
) -> None:
    for bad in (
        {"leaderboard_name": "x", "leaderboard_metric": "likes"},
        {"leaderboard_name": "x", "leaderboard_network": "tiktok"},
        {"leaderboard_name": "x", "leaderboard_dimensions": ["city"]},
        {"leaderboard_name": "x'; DROP TABLE y; --"},
    ):
        outcome = run_dbt(
            [
                "build",
                "--select",
                contract.LEADERBOARD_MODEL,
                "--vars",
                json.dumps({"events_database": events_database, **bad}),
            ],
            pipelines_settings,
        )
        assert not outcome.success, bad


def test_every_whole_table_sync_copies_its_built_mart(
    built: synthetic.SyntheticData, project: Project, postgres_dsn: str
) -> None:
    """The declared syncs name the columns the built marts have, in types PostgreSQL reads:
    each sync of a whole table copies every row of its mart into the migrated database."""

    async def copy_each() -> dict[str, tuple[int, int]]:
        copied = {}
        conn = await asyncpg.connect(postgres_dsn)
        try:
            for spec in SYNCS.values():
                if spec.partition_column is not None:
                    continue
                result = await sync(spec, project.settings, client=project.client)
                stored = await conn.fetchval(f"SELECT count(*) FROM {spec.target}")
                copied[spec.name] = (result.rows, stored)
        finally:
            await conn.close()
        return copied

    copied = asyncio.run(copy_each())
    for name, (rows_copied, stored) in copied.items():
        source = SYNCS[name].source_table
        built_rows = project.client.command(f"SELECT count() FROM {project.schema}.{source}")
        assert rows_copied == stored == built_rows, name
    assert copied["gcc_orders"][1] == len(reference.gcc_orders(built))


def test_the_sync_stand_in_for_mart_leaderboard_has_the_built_columns(
    built: synthetic.SyntheticData, project: Project
) -> None:
    """The sync tests and bench/sync.py fill MART_LEADERBOARD instead of building the mart: it
    must be the table dbt builds, column for column and type for type."""
    columns = (
        "SELECT name, type FROM system.columns WHERE database = {db:String}"
        " AND table = 'mart_leaderboard' ORDER BY position"
    )
    with fresh_database(project.client, "stand_in") as stand_in:
        project.client.command(MART_LEADERBOARD.format(db=stand_in))
        expected = project.client.query(columns, parameters={"db": stand_in}).result_rows
    built_columns = project.client.query(columns, parameters={"db": project.schema}).result_rows
    assert built_columns == expected


def test_docs_generate(project: Project) -> None:
    # The catalog describes the relations that exist, so the models are built (empty) first.
    project.dbt("build")
    project.dbt("docs", "generate")
    target = work_dir(project.settings) / "target"
    catalog = json.loads((target / "catalog.json").read_text())
    manifest = json.loads((target / "manifest.json").read_text())
    assert "model.reach.mart_leaderboard" in catalog["nodes"]
    assert "source.reach.beat_replica.instagram_account" in manifest["sources"]
    assert (target / "index.html").exists()
    # Every mart is built by a scheduled pipeline: it carries a tag one of them builds.
    scheduled = {
        args[-1].removeprefix("+tag:")
        for pipeline in PIPELINES
        if pipeline.runs_dbt and pipeline.schedule
        for args in pipeline.steps.values()
    }
    marts = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["name"].startswith("mart_")
    ]
    assert len(marts) >= 15
    assert [node["name"] for node in marts if not scheduled & set(node["tags"])] == []


def test_the_operators_leaderboard_command_runs(
    loaded: synthetic.SyntheticData,
    project: Project,
    repo_root: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pipelines_settings = project.settings
    # The command exactly as the operator's Leaderboard CronJob runs it (its golden manifest,
    # which the operator's tests keep equal to the builder's output).
    manifest = yaml.safe_load((repo_root / "tests/operator/golden/leaderboard.yaml").read_text())
    pod = manifest["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    build = next(c for c in pod["initContainers"] if c["args"][:2] == ["pipelines", "dbt"])
    args = list(build["args"])
    at = args.index("--vars") + 1
    dbt_vars = json.loads(args[at])
    # Other tests of the session write the shared `_e`; this one reads its own synthetic events.
    args[at] = json.dumps({**dbt_vars, "events_database": project.events_database})
    for name, value in {
        "REACH_POSTGRES_DSN": str(pipelines_settings.postgres_dsn),
        "REACH_CLICKHOUSE_URL": pipelines_settings.clickhouse_dsn,
        "REACH_DATA_DIR": str(pipelines_settings.data_dir),
        "REACH_DBT_SCHEMA": pipelines_settings.dbt_schema,
    }.items():
        monkeypatch.setenv(name, value)

    # The core marts are the Platform's core schedule's: built before, not by this command.
    project.dbt("build", "--select", "+tag:core")

    result = CliRunner().invoke(app, args)

    assert result.exit_code == 0, result.output
    run_results = json.loads((work_dir(pipelines_settings) / "target/run_results.json").read_text())
    built = {r["unique_id"] for r in run_results["results"] if r["unique_id"].startswith("model.")}
    assert built == {f"model.reach.{contract.LEADERBOARD_MODEL}"}
    name = manifest["metadata"]["ownerReferences"][0]["name"]
    assert dbt_vars["leaderboard_name"] == name
    events = list(loaded.clickhouse["profile_log"])
    expected = reference.leaderboard_ranking(
        reference.leaderboard(loaded, events),
        dbt_vars["leaderboard_network"],
        dbt_vars["leaderboard_metric"],
        dbt_vars["leaderboard_dimensions"],
    )
    assert expected
    assert ranking(project.client, project.schema, name) == expected
