"""Unit tests for reach.pipelines.contract: one SELECT-only rule, applied where the operator parses
a TableSync, where `reach pipelines sync --config` reads it, and to the declared syncs."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from reach.operator.api.tablesync import TableSyncSpec
from reach.pipelines.contract import check_select
from reach.pipelines.tables import SpecError, SyncSpec, spec_from_config

pytestmark = pytest.mark.unit

MESSAGE = "query must be a single SELECT"


@pytest.mark.parametrize(
    "query",
    [
        "SELECT 1",
        "  with t AS (SELECT 1 AS x) SELECT x FROM t;",
        "(SELECT 1) UNION ALL (SELECT 2)",
        "SELECT ';' AS semicolon -- DROP TABLE x; \n",
    ],
)
def test_selects_pass(query: str) -> None:
    assert check_select(query) == query


@pytest.mark.parametrize(
    "query",
    ["DROP TABLE x", "SELECT 1; DROP TABLE x", "/* SELECT */ DELETE FROM x WHERE 1", ""],
)
def test_anything_else_is_refused_in_every_place(query: str) -> None:
    with pytest.raises(ValueError, match=MESSAGE):
        check_select(query)
    config = {"source": {"query": query}, "target": {"table": "probe"}}
    with pytest.raises(ValidationError, match=MESSAGE):
        TableSyncSpec.model_validate(config)
    with pytest.raises(SpecError, match=MESSAGE):
        spec_from_config("probe", config)
    with pytest.raises(SpecError, match=MESSAGE):
        SyncSpec(name="probe", target="probe", source_query=query)


def test_a_source_is_a_query_or_a_table() -> None:
    with pytest.raises(SpecError, match="exactly one"):
        spec_from_config("probe", {"source": {}, "target": {"table": "probe"}})
