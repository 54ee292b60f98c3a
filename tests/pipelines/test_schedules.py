"""The pipelines' refresh families: every enqueue step they declare is one the scraper's
enqueuer accepts, run against a real (empty) PostgreSQL, and together they cover every flow
of their network that keeps something fresh."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from reach.cli.main import app
from reach.pipelines.schedules import PIPELINES
from reach.scraper.contract import FLOWS, FRESH_FLOWS

FAMILIES = {"sync_instagram": "instagram", "sync_youtube": "youtube"}


def _enqueues(dag_id: str) -> list[tuple[str, ...]]:
    (pipeline,) = [p for p in PIPELINES if p.dag_id == dag_id]
    return [args for args in pipeline.steps.values() if args[:2] == ("scraper", "enqueue")]


@pytest.mark.unit
@pytest.mark.parametrize(("dag_id", "network"), FAMILIES.items())
def test_a_family_enqueues_every_fresh_kept_flow_of_its_network(dag_id: str, network: str) -> None:
    flows = [args[3] for args in _enqueues(dag_id)]
    assert flows == [flow.value for flow in FRESH_FLOWS if FLOWS[flow].network == network]
    assert len(flows) == len(set(flows))


@pytest.mark.service
def test_every_family_step_runs_against_an_empty_queue(postgres_dsn: str) -> None:
    for dag_id in FAMILIES:
        for args in _enqueues(dag_id):
            result = CliRunner().invoke(app, list(args), env={"REACH_POSTGRES_DSN": postgres_dsn})
            assert result.exit_code == 0, (args, result.output)
            assert json.loads(result.stdout) == {"flow": args[3], "tasks": 0, "created": 0}
