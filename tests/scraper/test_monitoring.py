"""The scraper's operational checks: queue health per flow and stale credentials, as the
operational pipelines run them (`reach scraper queue-health`, `reach scraper credentials
stale`) against a real PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from typer.testing import CliRunner

from reach.cli.main import app
from reach.scraper.monitoring import FlowHealth, overdue, queue_health
from reach.scraper.queue.models import FlowStats, TaskStatus
from reach.testing.postgres import admin


@pytest.mark.unit
def test_queue_health_folds_the_statuses_of_each_flow() -> None:
    stats = [
        FlowStats("b", TaskStatus.PENDING, 4, 7200.0),
        FlowStats("b", TaskStatus.FAILED, 2, None),
        FlowStats("a", TaskStatus.PROCESSING, 1, None),
        FlowStats("a", TaskStatus.COMPLETE, 9, None),
    ]
    health = queue_health(stats)
    assert health == [
        FlowHealth("a", running=1),
        FlowHealth("b", queued=4, failed=2, oldest_queued_s=7200.0),
    ]
    assert overdue(health, 3600) == ["b"]
    assert overdue(health, 7200) == []


def _run(postgres_dsn: str, *args: str) -> tuple[int, dict[str, Any], str]:
    result = CliRunner().invoke(app, list(args), env={"REACH_POSTGRES_DSN": postgres_dsn})
    return result.exit_code, json.loads(result.stdout), result.stderr


@pytest.mark.service
def test_queue_health_reports_every_flow_and_fails_on_an_old_queued_task(
    postgres_dsn: str,
) -> None:
    asyncio.run(
        admin(
            postgres_dsn,
            "INSERT INTO scrape_request_log (flow, status, created_at) VALUES "
            "('refresh_instagram_profile', 'PENDING', now() - interval '3 hours'), "
            "('refresh_instagram_profile', 'PENDING', now()), "
            "('refresh_instagram_profile', 'FAILED', now()), "
            "('refresh_youtube_channel', 'PROCESSING', now()), "
            # Not due yet: waiting for its retry is no backlog.
            "('refresh_youtube_channel', 'PENDING', now() - interval '1 day')",
            "UPDATE scrape_request_log SET run_after = now() + interval '1 hour' "
            "WHERE flow = 'refresh_youtube_channel' AND status = 'PENDING'",
        )
    )
    code, report, stderr = _run(postgres_dsn, "scraper", "queue-health")
    assert code == 1
    rows = {row["flow"]: row for row in report["rows"]}
    assert {flow: (r["queued"], r["running"], r["failed"]) for flow, r in rows.items()} == {
        "refresh_instagram_profile": (2, 0, 1),
        "refresh_youtube_channel": (1, 1, 0),
    }
    assert 3 * 3600 - 60 < rows["refresh_instagram_profile"]["oldest_queued_s"] < 4 * 3600
    assert rows["refresh_youtube_channel"]["oldest_queued_s"] is None
    assert report["overdue"] == ["refresh_instagram_profile"]
    assert "overdue: refresh_instagram_profile" in stderr
    code, report, _ = _run(
        postgres_dsn, "scraper", "queue-health", "--max-queued-age-minutes", "240"
    )
    assert (code, report["overdue"]) == (0, [])
    # The raw statistics they come from, a JSON line per flow and status.
    stats = CliRunner().invoke(app, ["scraper", "stats"], env={"REACH_POSTGRES_DSN": postgres_dsn})
    lines = [json.loads(line) for line in stats.stdout.splitlines()]
    assert [(r["flow"], r["status"], r["tasks"]) for r in lines] == [
        ("refresh_instagram_profile", "FAILED", 1),
        ("refresh_instagram_profile", "PENDING", 2),
        ("refresh_youtube_channel", "PENDING", 1),
        ("refresh_youtube_channel", "PROCESSING", 1),
    ]


@pytest.mark.service
def test_stale_credentials_are_the_disabled_and_the_long_unused(postgres_dsn: str) -> None:
    asyncio.run(
        admin(
            postgres_dsn,
            "INSERT INTO credential (source, name, enabled, disabled_reason, last_used_at, "
            "created_at) VALUES "
            "('youtube', 'used', true, NULL, now(), now() - interval '30 days'), "
            "('youtube', 'idle', true, NULL, now() - interval '5 days', now() - interval '9 days'),"
            " ('graphapi', 'revoked', false, 'token revoked', now(), now()), "
            "('openai', 'new', true, NULL, NULL, now()), "
            "('openai', 'forgotten', true, NULL, NULL, now() - interval '4 days')",
        )
    )
    code, report, stderr = _run(postgres_dsn, "scraper", "credentials", "stale")
    assert code == 1
    stale = [(r["source"], r["name"], r["reason"], r["disabled_reason"]) for r in report["rows"]]
    assert stale == [
        ("graphapi", "revoked", "disabled", "token revoked"),
        ("openai", "forgotten", "unused", None),
        ("youtube", "idle", "unused", None),
    ]
    assert report["stale"] == ["graphapi/revoked", "openai/forgotten", "youtube/idle"]
    assert "stale: graphapi/revoked" in stderr
    code, report, _ = _run(postgres_dsn, "scraper", "credentials", "stale", "--unused-hours", "240")
    assert (code, report["stale"]) == (1, ["graphapi/revoked"])


@pytest.mark.unit
def test_a_negative_threshold_is_refused_naming_the_option() -> None:
    result = CliRunner().invoke(app, ["scraper", "queue-health", "--max-queued-age-minutes", "-1"])
    assert result.exit_code == 2 and "--max-queued-age-minutes" in result.output
