from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from reach.operator.api.common import Autoscaling
from reach.operator.autoscaling import desired_replicas

pytestmark = pytest.mark.unit
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
SPEC = Autoscaling(min_replicas=1, max_replicas=5, target_queue_length=100, cooldown_seconds=60)


@pytest.mark.parametrize(
    ("current", "depth", "want"),
    [(1, 0, 1), (1, 100, 1), (1, 101, 2), (1, 450, 5), (2, 10_000, 5), (5, 499, 5)],
)
def test_scales_up_at_once_within_bounds(current: int, depth: int, want: int) -> None:
    assert desired_replicas(SPEC, current, depth, NOW, NOW).replicas == want


def test_scales_down_only_after_the_cooldown() -> None:
    recent = NOW - timedelta(seconds=30)
    assert desired_replicas(SPEC, 4, 0, recent, NOW).replicas == 4
    assert desired_replicas(SPEC, 4, 0, recent, NOW).reason == "cooling down"
    assert desired_replicas(SPEC, 4, 0, NOW - timedelta(seconds=61), NOW).replicas == 1
    assert desired_replicas(SPEC, 4, 150, None, NOW).replicas == 2


def test_zero_minimum_scales_to_zero() -> None:
    spec = SPEC.model_copy(update={"min_replicas": 0})
    assert desired_replicas(spec, 1, 0, None, NOW).replicas == 0
