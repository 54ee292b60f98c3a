"""Decoding a Dispatch request event by event when the batch does not parse as a whole.

`Events` is one repeated field, so its elements can be cut apart at the wire level and each
parsed alone: one event with invalid UTF-8 in a string (which fails protobuf's parse of the whole
batch) is then refused by index and reason while the others are accepted. The gRPC service parses
the whole batch first and calls `decode_events` only when that fails, so the common case stays
one parse in C.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import DecodeError

from reach.common.events import events_pb2 as pb

_VARINT, _FIXED64, _BYTES, _FIXED32 = 0, 1, 2, 5
_EVENTS_FIELD = pb.Events.DESCRIPTOR.fields_by_name["events"].number
_EVENT_ID_FIELD = pb.Event.DESCRIPTOR.fields_by_name["event_id"].number
# The stubs type a generated message's descriptor as the union of both backends' classes.
_EVENT = cast(Descriptor, pb.Event.DESCRIPTOR)


class WireError(DecodeError):
    """Bytes that are not protobuf's wire format at all."""


@dataclass(frozen=True)
class Undecodable:
    """One element of a batch that is not a valid `Event`: its bytes as sent and why."""

    original: bytes
    reason: str
    event_id: str = ""


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while pos < len(data):
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift >= 70:
            raise WireError("a varint longer than 10 bytes")
    raise WireError("a truncated varint")


def fields(data: bytes) -> Iterator[tuple[int, int, int | bytes]]:
    """(field number, wire type, value) of each field of one message's bytes, in order;
    `WireError` where the bytes stop being a message."""
    pos, end = 0, len(data)
    while pos < end:
        key, pos = _varint(data, pos)
        number, wire_type = key >> 3, key & 7
        if number == 0:
            raise WireError("field number 0")
        if wire_type == _VARINT:
            value, pos = _varint(data, pos)
            yield number, wire_type, value
            continue
        if wire_type == _BYTES:
            length, pos = _varint(data, pos)
        elif wire_type in (_FIXED64, _FIXED32):
            length = 8 if wire_type == _FIXED64 else 4
        else:
            raise WireError(f"field {number} has wire type {wire_type}, which proto3 never sends")
        if pos + length > end:
            raise WireError(f"field {number} runs past the end of the message")
        yield number, wire_type, data[pos : pos + length]
        pos += length


def _problem(data: bytes, descriptor: Descriptor, path: str) -> str | None:
    """The first field of `data` that its message type cannot hold, named by path."""
    for number, wire_type, value in fields(data):
        field = descriptor.fields_by_number.get(number)
        # Unknown fields, and known ones with the wrong wire type, protobuf keeps as unknown.
        if field is None or wire_type != _BYTES or not isinstance(value, bytes):
            continue
        name = f"{path}{field.name}"
        if field.type == FieldDescriptor.TYPE_STRING:
            try:
                value.decode("utf-8")
            except UnicodeDecodeError as exc:
                return f"{name} is not valid UTF-8 ({exc.reason} at byte {exc.start})"
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            found = _problem(value, field.message_type, f"{name}.")
            if found is not None:
                return found
    return None


def _event_id(raw: bytes) -> str:
    """The event_id an undecodable event carries (the last one wins, as in protobuf), readable."""
    event_id = ""
    for number, wire_type, value in fields(raw):
        if number == _EVENT_ID_FIELD and wire_type == _BYTES and isinstance(value, bytes):
            event_id = value.decode("utf-8", errors="replace")
    return event_id


def _undecodable(raw: bytes, exc: DecodeError) -> Undecodable:
    try:
        reason = _problem(raw, _EVENT, "") or f"not a valid Event: {exc}"
        event_id = _event_id(raw)
    except WireError as wire:
        return Undecodable(raw, f"not a valid Event: {wire}")
    return Undecodable(raw, reason, event_id)


def decode_events(request: bytes) -> list[pb.Event | Undecodable]:
    """Each element of an `Events` message, parsed alone: an `Event`, or `Undecodable` with the
    reason. `WireError` when the batch itself is not a message (nothing can be told apart)."""
    out: list[pb.Event | Undecodable] = []
    for number, wire_type, value in fields(request):
        # Protobuf keeps an unknown field, or a known one with the wrong wire type, as unknown.
        if number != _EVENTS_FIELD or not isinstance(value, bytes) or wire_type != _BYTES:
            continue
        try:
            out.append(pb.Event.FromString(value))
        except DecodeError as exc:
            out.append(_undecodable(value, exc))
    return out
