"""`reach followers score` in-process against the session's embedded ClickHouse."""

from __future__ import annotations

import json
import uuid

import pytest
from clickhouse_connect.driver.client import Client
from typer.testing import CliRunner

from reach.cli.main import app

pytestmark = pytest.mark.service


def test_score_prints_the_shard_summary(
    clickhouse_dsn: str, clickhouse_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    creator = f"creator-{uuid.uuid4().hex}"
    clickhouse_client.command(
        "INSERT INTO _e.profile_relationship_log (event_id, event_timestamp, platform,"
        " source_profile_id, target_profile_id, target_handle, target_full_name,"
        " relationship_type, source) VALUES"
        f" ('{creator}-1', now64(3), 'instagram', '{creator}', 'f1', 'rahul_s', 'Rahul S',"
        " 'FOLLOWER', 'test'),"
        f" ('{creator}-2', now64(3), 'instagram', '{creator}', 'f2', 'x1234567', 'X',"
        " 'FOLLOWER', 'test'),"
        f" ('{creator}-3', now64(3), 'instagram', '{creator}', 'f3', 'someone', 'Someone',"
        " 'FOLLOWING', 'test')"
    )
    monkeypatch.setenv("REACH_CLICKHOUSE_URL", clickhouse_dsn)
    result = CliRunner().invoke(
        app,
        [
            "followers",
            "score",
            "--analysis",
            "cli-test",
            "--shard",
            "0/1",
            "--creator-id",
            creator,
            "--network",
            "instagram",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["followers"] == 2
    assert (summary["real"], summary["weak_fake"], summary["fake"]) == (1, 0, 1)
    assert summary["fake_percent"] == 50.0


def test_bad_shard_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["followers", "score", "--analysis", "a", "--shard", "2/2"])
    assert result.exit_code == 2
