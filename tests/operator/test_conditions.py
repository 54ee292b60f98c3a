from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from reach.operator.conditions import Condition, merge, ready_from
from reach.operator.handlers.scheduled import run_history

pytestmark = pytest.mark.unit
T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_transition_time_moves_only_when_status_changes() -> None:
    first = merge([], [Condition.of("TableReady", False, "Creating")], 1, T0)
    same = merge(first, [Condition.of("TableReady", False, "StillCreating")], 2, T0 + timedelta(1))
    assert same[0]["lastTransitionTime"] == first[0]["lastTransitionTime"]
    assert same[0]["reason"] == "StillCreating" and same[0]["observedGeneration"] == 2
    flipped = merge(same, [Condition.of("TableReady", True, "Created")], 2, T0 + timedelta(2))
    assert flipped[0]["lastTransitionTime"] != first[0]["lastTransitionTime"]


def test_ready_names_the_first_part_that_is_not_true() -> None:
    parts = [
        Condition.of("QueueDeclared", True, "Declared"),
        Condition.of("ConsumersAvailable", False, "Unavailable", "0/1 replicas available"),
    ]
    ready = ready_from(parts)
    assert (ready.status, ready.reason) == ("False", "Unavailable")
    assert ready.message == "ConsumersAvailable: 0/1 replicas available"
    assert ready_from(parts[:1]).status == "True"


def test_run_history_keeps_five_newest_and_judges_the_last_finished() -> None:
    jobs = [
        {
            "name": f"j{i}",
            "creationTimestamp": f"2026-11-28T12:0{i}:00Z",
            "complete": i != 6,
            "failedCondition": i == 6,
        }
        for i in range(7)
    ] + [{"name": "running", "creationTimestamp": "2026-11-28T12:09:00Z"}]
    runs, last = run_history(jobs)
    assert [r["job"] for r in runs] == ["running", "j6", "j5", "j4", "j3"]
    assert runs[0]["succeeded"] is None
    assert last is not None and (last.status, last.message) == ("False", "j6")
