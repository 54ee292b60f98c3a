from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry, generate_latest

from reach.common.instruments import Meter

pytestmark = pytest.mark.unit


def test_metrics_take_the_prefix_and_the_shared_labels_first() -> None:
    registry = CollectorRegistry()
    sink = Meter("reach_test_sink", ("sink",), registry=registry)
    sink.counter("insert_failures", "Failed inserts.", "kind").labels("events", "data").inc(2)
    sink.gauge("buffer_rows", "Rows held.").labels("events").set(7)
    sink.histogram("flush_seconds", "One insert.", buckets=(0.1, 1)).labels("events").observe(0.5)

    text = generate_latest(registry).decode()
    assert 'reach_test_sink_insert_failures_total{kind="data",sink="events"} 2.0' in text
    assert 'reach_test_sink_buffer_rows{sink="events"} 7.0' in text
    assert 'reach_test_sink_flush_seconds_bucket{le="0.1",sink="events"} 0.0' in text
    assert 'reach_test_sink_flush_seconds_bucket{le="1.0",sink="events"} 1.0' in text
    assert (
        registry.get_sample_value(
            "reach_test_sink_insert_failures_total", {"sink": "events", "kind": "data"}
        )
        == 2.0
    )


def test_labels_are_positional_in_declared_order() -> None:
    registry = CollectorRegistry()
    counter = Meter("reach_test", ("flow",), registry=registry).counter(
        "tasks_finished", "Tasks finished.", "status"
    )
    counter.labels("refresh_profile", "COMPLETED").inc()
    assert (
        registry.get_sample_value(
            "reach_test_tasks_finished_total", {"flow": "refresh_profile", "status": "COMPLETED"}
        )
        == 1.0
    )
