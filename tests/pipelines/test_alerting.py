"""A failed `reach pipelines` command posts one message to REACH_SLACK_WEBHOOK_URL (a loopback
HTTP server stands in for Slack); a missing or unreachable webhook never changes the exit."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from reach.cli.main import app
from reach.testing.ports import free_port

pytestmark = pytest.mark.unit


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()
    server.server_close()


def test_a_failed_command_posts_once(webhook: tuple[str, list[dict[str, Any]]]) -> None:
    url, received = webhook
    result = CliRunner().invoke(
        app, ["pipelines", "sync", "no_such_sync"], env={"REACH_SLACK_WEBHOOK_URL": url}
    )
    assert result.exit_code == 2
    assert len(received) == 1
    text = received[0]["text"]
    assert "pipelines sync" in text and "no_such_sync" in text and "BadParameter" in text


def test_no_webhook_or_an_unreachable_one_keeps_the_exit_code(
    webhook: tuple[str, list[dict[str, Any]]],
) -> None:
    _, received = webhook
    for env in ({}, {"REACH_SLACK_WEBHOOK_URL": f"http://127.0.0.1:{free_port()}/hook"}):
        result = CliRunner().invoke(app, ["pipelines", "enqueue", "bogus"], env=env)
        assert result.exit_code == 2, result.output
    assert received == []


def test_malformed_settings_are_reported_not_posted(
    webhook: tuple[str, list[dict[str, Any]]],
) -> None:
    url, received = webhook
    result = CliRunner().invoke(
        app,
        ["pipelines", "sync", "leaderboard"],
        env={"REACH_SLACK_WEBHOOK_URL": url, "REACH_REDIS_URL": "not-a-url"},
    )
    assert result.exit_code == 2 and "REACH_REDIS_URL" in result.output
    assert received == []
