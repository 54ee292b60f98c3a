from __future__ import annotations

import pytest

from reach.common.events import events_pb2 as pb
from reach.ingest.dispatching import error_event, sort_batch

pytestmark = pytest.mark.unit

NOW = 1_800_000_000_000


def _launch(event_id: str, timestamp_ms: int = NOW - 5_000, name: str = "") -> pb.Event:
    event = pb.Event(event_id=event_id, timestamp_ms=timestamp_ms, name=name)
    event.launch.referrer = "push"
    return event


def test_accepted_events_are_grouped_by_payload_and_stamped() -> None:
    click = pb.Event(event_id="c1", timestamp_ms=NOW - 1, name="tap")
    click.click.page = "home"
    batch = pb.Events(events=[_launch("l1"), click, _launch("l2", name="open")])

    result = sort_batch(batch.events, NOW)

    assert result.accepted == 3
    assert {k: [e.event_id for e in v] for k, v in result.groups.items()} == {
        "launch": ["l1", "l2"],
        "click": ["c1"],
    }
    first, second = result.groups["launch"]
    assert (first.payload_type, first.name, first.timestamp_ms) == ("launch", "launch", NOW - 5_000)
    assert second.name == "open"
    assert result.rejections == []


@pytest.mark.parametrize("timestamp_ms", [NOW + 1, NOW + 86_400_000, 0, -5])
def test_future_or_missing_timestamps_become_now(timestamp_ms: int) -> None:
    result = sort_batch([_launch("x", timestamp_ms)], NOW)
    assert result.groups["launch"][0].timestamp_ms == NOW


def test_refusals_name_the_index_and_reason_and_keep_the_event() -> None:
    shopify = pb.Event(event_id="s1", session_id="sess")
    shopify.shopify.topic = "orders/create"
    batch = pb.Events(
        events=[pb.Event(event_id="none"), _launch(""), shopify, _launch("x" * 129), _launch("ok")]
    )

    result = sort_batch(batch.events, NOW)

    assert result.accepted == 1
    assert [(r.index, r.reason) for r in result.rejections] == [
        (0, "no payload set"),
        (1, "event_id is empty"),
        (2, "payload 'shopify' is not accepted over gRPC"),
        (3, "event_id is longer than 128 characters"),
    ]
    kept = result.errors[2]
    assert (kept.event_id, kept.session_id, kept.payload_type) == ("s1", "sess", "rejected")
    assert kept.rejected.payload_type == "shopify"
    assert pb.Event.FromString(kept.rejected.original) == shopify
    assert result.errors[1].event_id and result.errors[3].event_id != "x" * 129


def test_error_event_for_bytes_that_never_parsed() -> None:
    error = error_event("malformed", b"\xff\x00", NOW)
    assert error.WhichOneof("payload") == "rejected"
    assert (error.timestamp_ms, error.name, error.rejected.original) == (
        NOW,
        "rejected",
        b"\xff\x00",
    )
    assert len(error.event_id) == 32
