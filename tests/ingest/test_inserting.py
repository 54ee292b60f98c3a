from __future__ import annotations

from pathlib import Path

import pytest
from clickhouse_connect.driver.exceptions import DatabaseError, OperationalError

from reach.common.events import events_pb2 as pb
from reach.ingest.inserting import Inserter, dedup_token, document_parts, is_data_error, varint
from reach.ingest.tables import TABLES

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("value", "encoded"), [(0, b"\x00"), (1, b"\x01"), (127, b"\x7f"), (128, b"\x80\x01"),
                           (300, b"\xac\x02"), (2**21, b"\x80\x80\x80\x01")]
)  # fmt: skip
def test_varint(value: int, encoded: bytes) -> None:
    assert varint(value) == encoded


def test_concatenated_bodies_are_one_events_message_behind_its_length() -> None:
    first = pb.Events(events=[pb.Event(event_id="a"), pb.Event(event_id="b")])
    second = pb.Events(events=[pb.Event(event_id="c")])
    doc = b"".join(document_parts([first.SerializeToString(), second.SerializeToString()]))
    length = len(first.SerializeToString()) + len(second.SerializeToString())
    assert doc.startswith(varint(length))
    merged = pb.Events.FromString(doc[len(varint(length)) :])
    assert [e.event_id for e in merged.events] == ["a", "b", "c"]


def test_only_refused_data_is_a_data_error() -> None:
    assert is_data_error(DatabaseError("Code: 444. DB::Exception: Protobuf messages are corrupted"))
    assert not is_data_error(DatabaseError("Code: 60. DB::Exception: Unknown table _e.event"))
    assert not is_data_error(OperationalError("Code: 444 while connecting"))
    assert not is_data_error(ConnectionError("refused"))


def test_dedup_token_depends_on_the_messages_and_their_order() -> None:
    assert dedup_token(["a", "b"]) == dedup_token(["a", "b"])
    assert dedup_token(["a", "b"]) != dedup_token(["b", "a"])
    assert dedup_token(["ab"]) != dedup_token(["a", "b"])


class _Recorder:
    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    def raw_insert(self, table: str, insert_block: bytes) -> None:
        assert table == ""
        self.bodies.append(insert_block)


def test_a_server_gets_the_statement_then_the_document_in_the_body(tmp_path: Path) -> None:
    recorder = _Recorder()
    inserter = Inserter(recorder, TABLES["trace_log"], embedded=False, spool_dir=tmp_path)  # type: ignore[arg-type]
    body = pb.Events(events=[pb.Event(event_id="a")]).SerializeToString()

    inserter.insert([body], "token-1")

    [sent] = recorder.bodies
    statement, _, data = sent.partition(b" FORMAT ProtobufList\n")
    assert data == varint(len(body)) + body
    sql = statement.decode()
    assert sql.startswith("INSERT INTO _e.`trace_log` (`event_id`, `event_timestamp`")
    assert "FROM input('`event_id` String, `timestamp_ms` Int64" in sql
    assert "format_schema_source = 'string'" in sql and "message Events" in sql
    assert sql.endswith("insert_deduplication_token = 'token-1'")
    assert list(tmp_path.iterdir()) == []
