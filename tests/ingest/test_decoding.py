from __future__ import annotations

import pytest
from google.protobuf.message import DecodeError

from reach.common.events import events_pb2 as pb
from reach.ingest.decoding import Undecodable, WireError, decode_events

pytestmark = pytest.mark.unit


def _launch(event_id: str, referrer: str = "push") -> pb.Event:
    event = pb.Event(event_id=event_id)
    event.launch.referrer = referrer
    return event


def _corrupt(data: bytes, marker: str) -> bytes:
    """`data` with the UTF-8 of `marker` overwritten by as many invalid bytes (same length, so
    every length prefix still holds)."""
    raw = marker.encode()
    assert data.count(raw) == 1
    return data.replace(raw, b"\xff" * len(raw))


def test_one_event_with_invalid_utf8_is_told_apart_from_the_others() -> None:
    batch = pb.Events(events=[_launch("a"), _launch("b", referrer="MARK"), _launch("c")])
    request = _corrupt(batch.SerializeToString(), "MARK")
    with pytest.raises(DecodeError):
        pb.Events.FromString(request)

    decoded = decode_events(request)

    assert [e.event_id for e in decoded] == ["a", "b", "c"]
    assert isinstance(decoded[1], Undecodable)
    assert decoded[1].reason.startswith("launch.referrer is not valid UTF-8")
    assert pb.Event.FromString(decoded[0].SerializeToString()) == batch.events[0]


@pytest.mark.parametrize(
    ("build", "where"),
    [
        (lambda e: setattr(e, "event_id", "MARK"), "event_id"),
        (lambda e: e.params.update({"MARK": "v"}), "params.key"),
        (lambda e: e.params.update({"k": "MARK"}), "params.value"),
    ],
)
def test_the_reason_names_the_field(build: object, where: str) -> None:
    event = _launch("x")
    build(event)  # type: ignore[operator]
    (decoded,) = decode_events(_corrupt(pb.Events(events=[event]).SerializeToString(), "MARK"))
    assert isinstance(decoded, Undecodable)
    assert decoded.reason.startswith(f"{where} is not valid UTF-8")


def test_an_event_that_is_not_a_message_keeps_its_bytes() -> None:
    inner = b"\x0a\x05abc"  # event_id says 5 bytes, 3 follow
    request = (
        b"\x0a"
        + bytes([len(inner)])
        + inner
        + pb.Events(events=[_launch("ok")]).SerializeToString()
    )

    first, second = decode_events(request)

    assert isinstance(first, Undecodable) and first.original == inner
    assert "runs past the end" in first.reason
    assert isinstance(second, pb.Event) and second.event_id == "ok"


@pytest.mark.parametrize(
    "request_bytes",
    [b"\x0a\xff\xff\xff\x0f", b"\x0a\x05ab", b"\x00", b"\x0b", b"\xff" * 11],
)
def test_bytes_that_are_no_batch_raise_wire_error(request_bytes: bytes) -> None:
    with pytest.raises(WireError):
        decode_events(request_bytes)


def test_unknown_fields_of_the_batch_are_skipped() -> None:
    # Field 2, field 3, and field 1 with the wrong wire type: protobuf keeps all three unknown.
    request = (
        b"\x10\x07"
        + b"\x1a\x02hi"
        + b"\x08\x01"
        + pb.Events(events=[_launch("k")]).SerializeToString()
    )
    (event,) = decode_events(request)
    assert isinstance(event, pb.Event) and event.event_id == "k"
