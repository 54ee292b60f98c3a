"""`reach scraper` and `reach sandbox` command lines: the ones the operator writes parse, bad
input exits 2 with the reason, the scheduled enqueuer fans out over stale accounts."""

from __future__ import annotations

import asyncio
import json

import asyncpg
import pytest
from typer.testing import CliRunner

from reach.cli.main import app

BAD_SETTINGS = {"REACH_REDIS_URL": "not-a-url"}


@pytest.mark.unit
@pytest.mark.parametrize(
    "args",
    [
        [
            "scraper",
            "worker",
            "--flow",
            "refresh_instagram_profile",
            "--concurrency",
            "8",
            "--config",
            "/etc/reach/scrapeflow/flow.yaml",
            "--probe-port",
            "8080",
        ],
        [
            "scraper",
            "enqueue",
            "--flow",
            "refresh_instagram_profile",
            "--params",
            '{"stale_after_hours": 24}',
        ],
        ["scraper", "api"],
        ["scraper", "listen"],
        ["scraper", "stats"],
        ["scraper", "credentials", "add", "youtube", "k", "--secrets", "{}"],
    ],
)
def test_command_lines_parse(args: list[str]) -> None:
    result = CliRunner().invoke(app, args, env=BAD_SETTINGS)
    assert result.exit_code == 2 and "invalid settings" in result.output, result.output


@pytest.mark.unit
def test_sandbox_serve_parses() -> None:
    result = CliRunner().invoke(app, ["sandbox", "serve"], env={"REACH_SANDBOX_PORT": "x"})
    assert result.exit_code == 2 and "REACH_SANDBOX_PORT" in result.output


@pytest.mark.unit
def test_unknown_flow_exits_2() -> None:
    result = CliRunner().invoke(app, ["scraper", "worker", "--flow", "nope"])
    assert result.exit_code == 2 and "unknown flow 'nope'" in result.output


@pytest.mark.service
def test_enqueue_fans_out_over_stale_accounts_but_not_renamed_handles(postgres_dsn: str) -> None:
    async def seed() -> None:
        conn = await asyncpg.connect(postgres_dsn)
        try:
            await conn.execute(
                "INSERT INTO instagram_account (profile_id, handle, refreshed_at) VALUES "
                "('1', 'fresh.one', now()), ('2', 'stale.one', now() - interval '2 days'), "
                "('3', 'never.seen', NULL), "
                # A handle a rename freed is no valid handle: it must not fail the batch.
                "('4', 'old.name#moved-4', NULL)"
            )
        finally:
            await conn.close()

    asyncio.run(seed())
    env = {"REACH_POSTGRES_DSN": postgres_dsn}
    args = ["scraper", "enqueue", "--flow", "refresh_instagram_profile"]
    result = CliRunner().invoke(app, [*args, "--params", '{"stale_after_hours": 24}'], env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "flow": "refresh_instagram_profile",
        "tasks": 2,
        "created": 2,
    }
    again = CliRunner().invoke(app, [*args, "--params", '{"stale_after_hours": 24}'], env=env)
    assert json.loads(again.output)["created"] == 0
    bad = CliRunner().invoke(app, [*args, "--params", '{"handle": "x y"}'], env=env)
    assert bad.exit_code == 2 and "handle" in bad.output


@pytest.mark.service
def test_enqueue_fans_out_any_fresh_kept_flow_with_the_shared_params(postgres_dsn: str) -> None:
    async def tasks(sql: str) -> list[tuple[str, dict[str, object]]]:
        conn = await asyncpg.connect(postgres_dsn)
        try:
            await conn.execute(sql)
            rows = await conn.fetch("SELECT flow, params FROM scrape_request_log ORDER BY id")
            return [(r["flow"], json.loads(r["params"])) for r in rows]
        finally:
            await conn.close()

    asyncio.run(
        tasks(
            "INSERT INTO instagram_post (post_id, shortcode, profile_id, comments, publish_time)"
            " VALUES ('p1', 'C0000000001', '1', 3, now()), ('p2', 'C0000000002', '1', 9, now()),"
            " ('p3', 'C0000000003', '1', 99, now() - interval '1 year')"
        )
    )
    env = {"REACH_POSTGRES_DSN": postgres_dsn}
    for flow, params in [
        ("fetch_instagram_post_comments", {"stale_after_hours": 72, "limit": 20}),
        ("enrich_profile", {"stale_after_hours": 720, "max_tasks": 1}),
    ]:
        result = CliRunner().invoke(
            app, ["scraper", "enqueue", "--flow", flow, "--params", json.dumps(params)], env=env
        )
        assert result.exit_code == 0, result.output
    # The posts' comments, most commented first (not the year-old post); no profile to enrich.
    assert asyncio.run(tasks("SELECT 1")) == [
        ("fetch_instagram_post_comments", {"shortcode": "C0000000002", "limit": 20}),
        ("fetch_instagram_post_comments", {"shortcode": "C0000000001", "limit": 20}),
    ]
