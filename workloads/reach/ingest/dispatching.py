"""Sorting a dispatched batch: which events are accepted, under which payload, and which are
refused with what reason. Pure functions over protobuf messages; the gRPC service and the
webhooks call them, then hand the groups to the publisher.

Accepted events are stamped in place: `payload_type` is set, an empty `name` becomes the payload
name, and a missing or future `timestamp_ms` becomes now (clients' clocks run ahead).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from reach.common.events import events_pb2 as pb
from reach.ingest.decoding import Undecodable
from reach.ingest.routing import BY_PAYLOAD, REJECTED

# Payloads that only partners' webhooks (HTTP, some signed) may produce, and the error route.
NOT_DISPATCHABLE = frozenset({"branch", "webengage", "shopify", "vidooly", REJECTED})
MAX_EVENT_ID = 128


@dataclass
class Sorted:
    """Accepted events grouped by payload, and the refused ones as error events."""

    groups: dict[str, list[pb.Event]] = field(default_factory=dict)
    rejections: list[pb.Rejection] = field(default_factory=list)
    errors: list[pb.Event] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return sum(len(g) for g in self.groups.values())


def refusal(event: pb.Event) -> str | None:
    """Why `event` cannot be accepted, or None."""
    payload = event.WhichOneof("payload")
    if payload is None:
        return "no payload set"
    if payload in NOT_DISPATCHABLE or payload not in BY_PAYLOAD:
        return f"payload {payload!r} is not accepted over gRPC"
    if not event.event_id:
        return "event_id is empty"
    if len(event.event_id) > MAX_EVENT_ID:
        return f"event_id is longer than {MAX_EVENT_ID} characters"
    return None


def error_event(
    reason: str, original: bytes, now_ms: int, envelope: pb.Event | None = None
) -> pb.Event:
    """The event stored in `error_event` for a refusal: the refused event's envelope (if it was
    parsed), the reason, and the refused bytes as they came."""
    error = pb.Event()
    payload = ""
    if envelope is not None:
        error.CopyFrom(envelope)
        payload = envelope.WhichOneof("payload") or ""
    if not error.event_id or len(error.event_id) > MAX_EVENT_ID:
        error.event_id = uuid.uuid4().hex
    if error.timestamp_ms <= 0 or error.timestamp_ms > now_ms:
        error.timestamp_ms = now_ms
    error.name = error.name or "rejected"
    error.payload_type = REJECTED
    # Setting a member of the oneof clears whichever payload the copy carried.
    error.rejected.reason = reason
    error.rejected.payload_type = payload
    error.rejected.original = original
    return error


def sort_batch(events: Sequence[pb.Event | Undecodable], now_ms: int) -> Sorted:
    """Validates and stamps each event of a batch; never fails as a whole. Elements that did
    not even parse (`decoding`) are refused by index like the rest."""
    out = Sorted()
    groups = out.groups
    for index, event in enumerate(events):
        if isinstance(event, Undecodable):
            out.rejections.append(
                pb.Rejection(
                    index=index, event_id=event.event_id[:MAX_EVENT_ID], reason=event.reason
                )
            )
            out.errors.append(error_event(event.reason, event.original, now_ms))
            continue
        reason = refusal(event)
        if reason is not None:
            out.rejections.append(pb.Rejection(index=index, event_id=event.event_id, reason=reason))
            out.errors.append(error_event(reason, event.SerializeToString(), now_ms, event))
            continue
        payload = event.WhichOneof("payload")
        assert payload is not None  # refusal() checked it
        stamp(event, payload, now_ms)
        group = groups.get(payload)
        if group is None:
            groups[payload] = [event]
        else:
            group.append(event)
    return out


def stamp(event: pb.Event, payload: str, now_ms: int) -> None:
    event.payload_type = payload
    if not event.name:
        event.name = payload
    timestamp = event.timestamp_ms
    if timestamp <= 0 or timestamp > now_ms:
        event.timestamp_ms = now_ms
