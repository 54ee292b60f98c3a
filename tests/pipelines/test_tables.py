"""A TableSync's sync.yaml as a sync spec: any document is a spec or a SpecError naming why."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reach.pipelines.tables import (
    Column,
    SpecError,
    SyncSpec,
    create_table_sql,
    source_sql,
    spec_from_config,
)
from reach.testing import fuzzing

pytestmark = pytest.mark.unit

_KEYS = st.sampled_from(["source", "target", "query", "table", "primaryKey", "primary_key",
                         "indexes", "other"])  # fmt: skip
_IDENTIFIERS = st.sampled_from(["id", "handle", "t", "db.t", "", "a b", "x;drop", "Ü"])
_SECTIONS = st.dictionaries(
    _KEYS, fuzzing.JSON_VALUES | _IDENTIFIERS | st.lists(_IDENTIFIERS | st.lists(_IDENTIFIERS))
)
_DOCUMENTS = (
    st.dictionaries(_KEYS, _SECTIONS | fuzzing.JSON_VALUES, max_size=4) | fuzzing.JSON_VALUES
)


@settings(max_examples=150)
@given(document=_DOCUMENTS)
def test_any_sync_config_is_a_spec_or_a_spec_error(document: object) -> None:
    try:
        spec = spec_from_config("fuzzed", document)
    except SpecError as exc:
        assert str(exc).startswith("fuzzed: ")
    else:
        assert isinstance(spec, SyncSpec)


def test_a_partitioned_sync_reads_and_names_only_its_partition() -> None:
    spec = SyncSpec(
        name="ranks",
        target="ranks",
        source_table="mart_ranks",
        columns=(Column("board", "text"), Column("rank", "bigint")),
        primary_key=("board", "rank"),
        partition_column="board",
    ).with_partition("it's")
    sql = source_sql(spec, spec.columns or (), "dbt", final=False, block_rows=10)
    assert "FROM `dbt`.`mart_ranks` WHERE `board` = 'it\\'s' ORDER BY `board`, `rank`" in sql
    assert spec.scope() == "ranks (board = it's)"
    assert spec.with_target("other").scope() == "other (board = it's)"
    create = create_table_sql("ranks", spec.columns or (), ("board",), primary_key=("board",))
    assert create.endswith('PRIMARY KEY ("board")\n)')
