"""Every command line the operator writes into a pod is one the `reach` CLI accepts.

The CLI is run for real with a malformed setting: a command line it accepts gets as far as
loading settings and stops there with exit code 2 and "invalid settings"; one it doesn't gets a
usage error instead."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from reach.cli.main import app
from reach.testing.podspecs import container_problems, containers

from .test_builders import _build

pytestmark = pytest.mark.unit
KINDS = ["Platform", "ScrapeFlow", "EventSink", "Leaderboard", "TableSync", "FollowerAnalysis"]


def command_lines(samples: dict[str, dict[str, Any]]) -> list[tuple[str, list[str]]]:
    lines = []
    for kind in KINDS:
        for manifest in _build(kind, samples):
            spec = manifest.get("spec", {})
            pod = spec.get("jobTemplate", {}).get("spec", spec).get("template", {}).get("spec", {})
            for c in pod.get("initContainers", []) + pod.get("containers", []):
                lines.append((f"{kind}/{manifest['metadata']['name']}/{c['name']}", c["args"]))
    return lines


def test_every_command_line_parses(samples: dict[str, dict[str, Any]]) -> None:
    runner = CliRunner()
    checked = []
    for where, args in command_lines(samples):
        args = [a.replace("$(JOB_COMPLETION_INDEX)", "0") for a in args]
        result = runner.invoke(app, args, env={"REACH_REDIS_URL": "not-a-url"})
        assert result.exit_code == 2 and "invalid settings" in result.output, (
            f"{where}: reach {' '.join(args)}\n{result.output}"
        )
        checked.append(args[0])
    assert {"db", "ingest", "followers", "gateway"} <= set(checked)


def test_every_container_gets_only_settings_its_command_reads(
    samples: dict[str, dict[str, Any]],
) -> None:
    problems = []
    seen = set()
    for kind in KINDS:
        for manifest in _build(kind, samples):
            for container in containers(manifest):
                problems += container_problems(container)
                seen.add(tuple(container["args"][:2]))
    assert not problems, "\n".join(problems)
    assert {("scraper", "api"), ("scraper", "listen"), ("scraper", "credentials")} <= seen
