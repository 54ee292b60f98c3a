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


@pytest.mark.parametrize(
    "text", ["-- name: a\n-- only a comment\n", "-- name: a\nSELECT 1;\n-- name: a\nSELECT 2;"]
)
def test_empty_or_repeated_queries_are_errors(text: str) -> None:
    with pytest.raises(QueryFileError):
        parse_queries(text)


def test_the_shipped_files_parse() -> None:
    assert {"enqueue", "claim", "heartbeat", "complete_many", "reclaim", "stats"} <= set(Q)
    assert {"insert_profile_log", "upsert_asset", "upsert_sentiments"} <= set(P)
