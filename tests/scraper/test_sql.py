"""Named queries in .sql files: parsing, and every file the scraper ships parses."""

from __future__ import annotations

import pytest

from reach.scraper.processing import P
from reach.scraper.queue.manager import Q
from reach.scraper.sql import QueryFileError, parse_queries

pytestmark = pytest.mark.unit


def test_blocks_by_name_without_comments() -> None:
    queries = parse_queries(
        "-- header\n\n-- name: one\n-- what it does\nSELECT 1;\n\n-- name: two\nSELECT\n  2\n"
    )
    assert dict(queries) == {"one": "SELECT 1", "two": "SELECT\n  2"}


def test_a_part_stands_where_a_query_names_it_indented_as_there() -> None:
    queries = parse_queries(
        "-- part: inner\n-- why\nx = 1\n\n"
        "-- part: outer\n  y = 2,\n{inner}\n\n"
        "-- name: one\nUPDATE t SET\n{outer};\n\n"
        "-- name: two\nSELECT 1\nWHERE\n    {inner}\n"
    )
    assert dict(queries) == {
        "one": "UPDATE t SET\n  y = 2,\nx = 1",
        "two": "SELECT 1\nWHERE\n    x = 1",
    }


@pytest.mark.parametrize(
    "text",
    [
        "-- name: a\n-- only a comment\n",
        "-- name: a\nSELECT 1;\n-- name: a\nSELECT 2;",
        "-- part: p\n-- only a comment\n",
        "-- part: p\nx = 1\n-- part: p\nx = 2\n",
        "-- name: a\nSELECT\n{missing}\n",
        "-- name: a\nSELECT\n{p}\n-- part: p\n1\n",
    ],
)
def test_empty_or_repeated_queries_are_errors(text: str) -> None:
    with pytest.raises(QueryFileError):
        parse_queries(text)


def test_the_shipped_files_parse() -> None:
    assert {"enqueue", "claim", "heartbeat", "complete_many", "reclaim", "stats"} <= set(Q)
    assert {"insert_profile_log", "upsert_asset", "upsert_sentiments"} <= set(P)
