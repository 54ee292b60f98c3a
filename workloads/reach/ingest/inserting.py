"""Inserting message bodies into a ClickHouse table with no per-event work in Python.

A body is a serialized `Events` message; bodies concatenated are again one `Events` message
(protobuf merges repeated fields by concatenation). Prefixed with its length, that is one
`ProtobufList` document that ClickHouse parses against events.proto itself; the table's SELECT
(`tables.Table.insert_select`) maps the fields to columns. The embedded engine reads it from a
spool file through `file()`; a server gets it in the body of `INSERT ... FROM input()`.

Each insert carries a deduplication token derived from its messages' ids, so retrying a batch
whose first attempt did land adds nothing.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import OperationalError

from reach.common.clickhouse_sql import error_code, quote_string
from reach.ingest.tables import DATABASE, Table

_PROTO = resources.files("reach.common.events") / "events.proto"
SCHEMA = _PROTO.read_text(encoding="utf-8")
FORMAT = "ProtobufList"

# ClickHouse error codes that mean "this data can never be inserted", as opposed to the server
# being unreachable, overloaded or missing a table for a while.
DATA_ERRORS = frozenset(
    {
        6,  # CANNOT_PARSE_TEXT
        26,  # CANNOT_PARSE_QUOTED_STRING
        27,  # CANNOT_PARSE_INPUT_ASSERTION_FAILED
        32,  # ATTEMPT_TO_READ_AFTER_EOF
        33,  # CANNOT_READ_ALL_DATA
        38,  # CANNOT_PARSE_DATE
        41,  # CANNOT_PARSE_DATETIME
        53,  # TYPE_MISMATCH
        69,  # ARGUMENT_OUT_OF_BOUND
        70,  # CANNOT_CONVERT_TYPE
        72,  # CANNOT_PARSE_NUMBER
        117,  # INCORRECT_DATA
        131,  # TOO_LARGE_STRING_SIZE
        321,  # VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
        444,  # UNKNOWN_PROTOBUF_FORMAT (corrupted or mismatched protobuf)
    }
)


def is_data_error(exc: BaseException) -> bool:
    """True when ClickHouse refused the data itself; anything else is worth retrying."""
    if isinstance(exc, OperationalError):
        return False
    return error_code(str(exc)) in DATA_ERRORS


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        low = value & 0x7F
        value >>= 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def document_parts(bodies: Sequence[bytes]) -> list[bytes]:
    """The pieces of one length-prefixed `Events` message holding every event of `bodies`."""
    return [varint(sum(len(b) for b in bodies)), *bodies]


def dedup_token(message_ids: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(message_ids).encode()).hexdigest()


# The embedded engine reads the schema file where the package is installed. A server has no
# such file, so it gets the text (and caches it in its own format_schema_path; the embedded
# engine would cache it under the process's working directory).
_EMBEDDED_SCHEMA = f"format_schema = {quote_string(f'{_PROTO}:Event')}"
_SERVER_SCHEMA = (
    f"format_schema_source = 'string', format_schema = {quote_string(SCHEMA)}, "
    "format_schema_message_name = 'Event'"
)


def _settings(schema: str, token: str) -> str:
    return f" SETTINGS {schema}, insert_deduplication_token = {quote_string(token)}"


class Inserter:
    """Inserts bodies into one table through one client. Blocking: sinks call it in a thread."""

    def __init__(
        self,
        client: Client,
        table: Table,
        *,
        embedded: bool,
        spool_dir: Path,
        database: str = DATABASE,
    ) -> None:
        self._client = client
        self._table = table
        self._embedded = embedded
        self._spool_dir = spool_dir
        self._database = database
        self._structure = quote_string(table.input_structure())
        self._server_sql = table.insert_select(f"input({self._structure})", database)

    def insert(self, bodies: Sequence[bytes], token: str) -> None:
        if not self._embedded:
            statement = f"{self._server_sql}{_settings(_SERVER_SCHEMA, token)} FORMAT {FORMAT}\n"
            # The statement leads the body and the document follows it, as the HTTP interface
            # allows. Through `command(data=...)` clickhouse-connect would decode the whole
            # binary body to text to classify the statement: four times its size in memory.
            body = b"".join((statement.encode(), *document_parts(bodies)))
            self._client.raw_insert("", insert_block=body)  # no table: the body names it
            return
        self._spool_dir.mkdir(parents=True, exist_ok=True)
        fd, path = tempfile.mkstemp(dir=self._spool_dir, suffix=".pb")
        try:
            with os.fdopen(fd, "wb") as spool:
                spool.writelines(document_parts(bodies))
            source = f"file({quote_string(path)}, '{FORMAT}', {self._structure})"
            sql = self._table.insert_select(source, self._database)
            self._client.command(sql + _settings(_EMBEDDED_SCHEMA, token))
        finally:
            os.unlink(path)
