"""What standalone mode prints: progress while starting, the status tables, the banner."""

from __future__ import annotations

import pytest

from reach.standalone.statusing import banner, format_status
from reach.standalone.supervising import State, progress_line

pytestmark = pytest.mark.unit


def test_progress_names_who_starts_and_who_waits_on_what() -> None:
    line = progress_line(
        [
            ("clickhouse", State.READY, 3.0, "", ()),
            ("migrate", State.STARTING, 5.2, "", ("clickhouse",)),
            ("api", State.STARTING, 7.0, "not listening yet", ("migrate",)),
            ("gateway", State.WAITING, 0.0, "", ("api", "clickhouse")),
        ]
    )
    assert line == "starting: api 7 s (not listening yet), migrate 5 s | waiting: gateway <- api"
    many = progress_line(
        [("migrate", State.STARTING, 1.0, "", ())]
        + [(f"w{i}", State.WAITING, 0.0, "", ("migrate",)) for i in range(5)]
    )
    assert many == "starting: migrate 1 s | waiting: w0, w1, w2 and 2 more <- migrate"
    assert progress_line([("clickhouse", State.READY, 3.0, "", ())]) == ""


def test_status_shows_each_workload_and_each_pipelines_last_run() -> None:
    text = format_status(
        {
            "workloads": [
                {
                    "name": "api",
                    "state": "ready",
                    "pid": 42,
                    "restarts": 1,
                    "ports": {"api": 7179},
                    "detail": "",
                },
                {
                    "name": "migrate",
                    "state": "done",
                    "pid": None,
                    "restarts": 0,
                    "ports": {},
                    "detail": "",
                },
            ],
            "pipelines": [
                {
                    "name": "dbt_core",
                    "schedule": "*/15 * * * *",
                    "running": False,
                    "next_run": "2026-12-04T18:45:00+00:00",
                    "last_run": {"ok": True, "finished_at": "2026-12-04T18:30:12.5+00:00"},
                },
                {
                    "name": "sync_core",
                    "schedule": "after dbt_core",
                    "running": True,
                    "next_run": None,
                    "last_run": None,
                },
                {
                    "name": "dbt_daily",
                    "schedule": "30 1 * * *",
                    "running": False,
                    "next_run": None,
                    "last_run": {"ok": False, "finished_at": "2026-12-04T01:31:00"},
                },
            ],
        }
    )
    lines = text.splitlines()
    assert lines[1].split() == ["api", "ready", "42", "1", "api=7179"]
    assert lines[2].split() == ["migrate", "done", "-", "0"]
    assert "ok 2026-12-04T18:30:12Z" in text and "2026-12-04T18:45:00" in text
    assert "running now" in text and "FAILED 2026-12-04T01:31:00Z" in text


def test_the_banner_carries_the_token_and_the_commands() -> None:
    text = banner({"gateway": "http://127.0.0.1:8009"}, "abc.def", None, ["curl a", "curl b"])
    assert "export TOKEN=abc.def" in text and "  curl a" in text
    failed = banner({"gateway": "http://127.0.0.1:8009"}, None, "no gateway verb", [])
    assert "No demo token: no gateway verb" in failed
