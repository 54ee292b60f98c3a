from __future__ import annotations

from pathlib import Path

import pytest

from reach.common.events import events_pb2 as pb
from reach.ingest.routing import ROUTES
from reach.ingest.tables import LC, MIGRATIONS, TABLES, TIMESTAMP, render_migration

pytestmark = pytest.mark.unit

# The shared contract other packages read (DESIGN: "Shared contracts between packages").
CONTRACT = {
    "profile_log": [
        ("event_id", "String"), ("event_timestamp", TIMESTAMP), ("platform", LC),
        ("profile_id", "String"), ("handle", "String"),
        ("dimensions", "Map(String, String)"), ("metrics", "Map(String, Float64)"),
        ("source", LC), ("insert_timestamp", TIMESTAMP),
    ],
    "post_log_event": [
        ("event_id", "String"), ("event_timestamp", TIMESTAMP), ("platform", LC),
        ("post_id", "String"), ("profile_id", "String"), ("shortcode", "String"),
        ("dimensions", "Map(String, String)"), ("metrics", "Map(String, Float64)"),
        ("source", LC), ("insert_timestamp", TIMESTAMP),
    ],
    "profile_relationship_log": [
        ("event_id", "String"), ("event_timestamp", TIMESTAMP), ("platform", LC),
        ("source_profile_id", "String"), ("target_profile_id", "String"),
        ("target_handle", "String"), ("target_full_name", "String"),
        ("relationship_type", LC), ("source", LC), ("insert_timestamp", TIMESTAMP),
    ],
}  # fmt: skip


@pytest.mark.parametrize("version", sorted(MIGRATIONS))
def test_migration_file_is_what_the_definitions_render(repo_root: Path, version: int) -> None:
    path = repo_root / "workloads/reach/common/schema/clickhouse" / MIGRATIONS[version]
    assert path.read_text() == render_migration(version)


@pytest.mark.parametrize("table", sorted(CONTRACT))
def test_contract_tables_have_exactly_the_contract_columns(table: str) -> None:
    assert [(c.name, c.type) for c in TABLES[table].columns] == CONTRACT[table]


def test_every_field_of_every_payload_has_a_column() -> None:
    for route in ROUTES:
        table = TABLES[route.table]
        payload = pb.Event.DESCRIPTOR.fields_by_name[route.payload].message_type
        sources = {c.source for c in table.read_columns}
        if route.payload in sources:  # kept whole as a tuple column
            column = next(c for c in table.columns if c.source == route.payload)
            names = [part.split()[0] for part in column.type[len("Tuple(") : -1].split(", ")]
            assert names == [f.name for f in payload.fields], route.payload
        else:
            for field in payload.fields:
                assert f"{route.payload}.{field.name}" in sources, (route.payload, field.name)


def test_every_table_deduplicates_by_event_id_per_month() -> None:
    for table in TABLES.values():
        assert table.order_by[-1] == "event_id"
        assert table.partition_by == "toYYYYMM(event_timestamp)"
        assert "ENGINE = ReplacingMergeTree(insert_timestamp)" in table.create_sql()


def test_cluster_ddl_is_replicated_on_the_cluster() -> None:
    sql = TABLES["event"].create_sql(on_cluster="main", replicated=True)
    assert "CREATE TABLE IF NOT EXISTS _e.`event` ON CLUSTER `main`" in sql
    assert "ENGINE = ReplicatedReplacingMergeTree(insert_timestamp)" in sql
    assert "non_replicated_deduplication_window" not in sql


def test_insert_reads_each_source_field_once() -> None:
    table = TABLES["error_event"]
    sql = table.insert_select("input('x')")
    assert sql.startswith("INSERT INTO _e.`error_event` (`event_id`, `event_name`")
    assert "fromUnixTimestamp64Milli(`timestamp_ms`, 'UTC')" in sql
    assert "`rejected.original` String" in table.input_structure()
