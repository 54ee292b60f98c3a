from __future__ import annotations

import pytest

from reach.clickhouse_server.statements import (
    BadRequest,
    parse,
    split_parameters,
    statement_text,
    words,
)

pytestmark = pytest.mark.unit


def test_query_parameter_and_body_join_with_a_line_feed() -> None:
    assert (
        statement_text("INSERT INTO t FORMAT CSV", b"1,2\n") == b"INSERT INTO t FORMAT CSV\n1,2\n"
    )
    assert statement_text(None, b"SELECT 1") == b"SELECT 1"
    assert statement_text("SELECT 1", b"") == b"SELECT 1"


def test_words_skip_literals_quoted_identifiers_and_comments() -> None:
    sql = b"SELECT 'FORMAT x', \"FORMAT\", `FORMAT` -- FORMAT y\n/* FORMAT z */ FROM t(a) # FORMAT"
    assert [(w.text, w.depth) for w in words(sql)] == [("SELECT", 0), ("FROM", 0), ("t", 0),
                                                       ("a", 1)]  # fmt: skip


def test_escaped_and_doubled_quotes_stay_inside_the_literal() -> None:
    assert [w.text for w in words(rb"SELECT 'it\'s', 'a''b' FORMAT JSON")] == [
        "SELECT",
        "FORMAT",
        "JSON",
    ]


def test_a_query_reports_its_own_format() -> None:
    statement = parse(b"SELECT 1 FORMAT Native")
    assert (statement.verb, statement.output_format, statement.data) == ("SELECT", "Native", None)
    assert parse(b"SELECT format FROM t").output_format is None
    assert parse(b"SELECT * FROM t WHERE x = 'FORMAT JSON'").output_format is None


def test_insert_with_data_reads_it_from_a_file_and_keeps_its_settings() -> None:
    text = statement_text(
        "INSERT INTO db.t (a, b) SETTINGS async_insert = 0 FORMAT Native", b"\x02"
    )
    statement = parse(text)
    assert statement.data == b"\x02"
    assert statement.sql_for("/spool/x'1") == (
        "INSERT INTO db.t (a, b) FROM INFILE '/spool/x\\'1' SETTINGS async_insert = 0 FORMAT Native"
    )


def test_binary_data_after_the_format_name_is_never_parsed() -> None:
    data = b"\x00'\xff\n`(\r\n"
    statement = parse(b"INSERT INTO t FORMAT RowBinary\r\n" + data)
    assert statement.data == data
    assert statement.sql_for("/p") == "INSERT INTO t FROM INFILE '/p' FORMAT RowBinary"


def test_insert_select_from_input_reads_the_data_through_file() -> None:
    text = (
        b"INSERT INTO t SELECT a, b FROM input('a Array(UInt8), b String') "
        b"SETTINGS format_schema = 'message M { FORMAT input() }' FORMAT ProtobufList\n\x05\x01"
    )
    statement = parse(text)
    assert statement.data == b"\x05\x01"
    assert statement.sql_for("/p") == (
        "INSERT INTO t SELECT a, b FROM file('/p', 'ProtobufList', 'a Array(UInt8), b String') "
        "SETTINGS format_schema = 'message M { FORMAT input() }' "
    )


def test_inserts_carrying_their_own_rows_run_as_they_are() -> None:
    for sql in (b"INSERT INTO t VALUES (1, 'FORMAT x')", b"INSERT INTO t SELECT 1"):
        statement = parse(sql)
        assert (statement.sql, statement.data) == (sql.decode(), None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"", "empty query"),
        (b"  -- only a comment\n", "empty query"),
        (b"SELECT 'open", "unterminated"),
        (b"INSERT INTO t SELECT * FROM numbers(1) FORMAT CSV\n1", "through input()"),
        (b"INSERT INTO t FORMAT", "without a format name"),
        (b"SELECT '\xff'", "not UTF-8"),
    ],
)
def test_malformed_statements_are_refused_with_the_reason(text: bytes, message: str) -> None:
    with pytest.raises(BadRequest, match=message):
        parse(text)


def test_parameters_split_into_settings_query_parameters_and_the_interface_s_own() -> None:
    parameters = split_parameters(
        {
            "query": "SELECT {n:UInt8}",
            "database": "db",
            "session_id": "s",
            "query_id": "q",
            "wait_end_of_query": "1",
            "param_n": "4",
            "max_threads": "1",
            "date_time_input_format": "best_effort",
        }
    )
    assert parameters.settings == {"max_threads": "1", "date_time_input_format": "best_effort"}
    assert parameters.query_parameters == {"n": "4"}
    assert (parameters.database, parameters.query_id) == ("db", "q")
    assert parameters.default_format == "TabSeparated"


def test_a_setting_name_that_is_no_identifier_is_refused() -> None:
    with pytest.raises(BadRequest, match="bad setting name") as caught:
        split_parameters({"max_threads = 1; DROP": "x"})
    assert caught.value.code == 115
