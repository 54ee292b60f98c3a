"""EventSink -> its sink config and the sink Deployment, plus the ClickHouse DDL of its table
(the queue and table themselves are declared by `reach.operator.topology`)."""

from __future__ import annotations

import yaml

from reach.operator.api.eventsink import EventSinkSpec, Table
from reach.operator.builders.common import (
    ANNOTATION_CONFIG_HASH,
    PROBE_PORT,
    Manifest,
    Owner,
    Runtime,
    config_map,
    config_volume,
    container,
    deployment,
    digest,
    pod_spec,
)

CONFIG_PATH = "/etc/reach/eventsink"


def sink_config(spec: EventSinkSpec) -> dict[str, object]:
    return {
        "exchange": spec.exchange.model_dump(by_alias=True),
        "routingKeys": list(spec.routing_keys),
        "queue": spec.queue.model_dump(by_alias=True),
        "table": spec.table.model_dump(by_alias=True, exclude_none=True),
        "batch": spec.batch.model_dump(by_alias=True),
    }


def build(owner: Owner, spec: EventSinkSpec, runtime: Runtime) -> list[Manifest]:
    config = sink_config(spec)
    config_name = f"{owner.name}-eventsink"
    volume, mount = config_volume(config_name, CONFIG_PATH)
    sink = container(
        "sink",
        runtime,
        [
            "ingest",
            "sink",
            "--sink",
            owner.name,
            "--config",
            f"{CONFIG_PATH}/sink.yaml",
            "--probe-port",
            str(PROBE_PORT),
        ],
        ports={"probes": PROBE_PORT},
        probe_port="probes",
        mounts=[mount],
    )
    return [
        config_map(owner, config_name, "sink", {"sink.yaml": yaml.safe_dump(config)}),
        deployment(
            owner,
            f"{owner.name}-sink",
            "sink",
            pod_spec([sink], volumes=[volume]),
            replicas=None if spec.autoscaling else spec.workers,
            annotations={ANNOTATION_CONFIG_HASH: digest(config)},
        ),
    ]


def _engine(table: Table, cluster: str | None) -> str:
    if cluster:
        path = f"'/clickhouse/tables/{{shard}}/{table.database}/{table.name}'"
        args = [path, "'{replica}'"]
        if table.engine == "ReplacingMergeTree" and table.version_column:
            args.append(table.version_column)
        return f"Replicated{table.engine}({', '.join(args)})"
    if table.engine == "ReplacingMergeTree" and table.version_column:
        return f"ReplacingMergeTree({table.version_column})"
    return f"{table.engine}()"


def table_ddl(table: Table, cluster: str | None = None) -> str:
    """CREATE TABLE IF NOT EXISTS for the sink's table; ON CLUSTER with a replicated engine
    when the Platform names a ClickHouse cluster."""
    columns = ",\n    ".join(f"`{c.name}` {c.type}" for c in table.columns)
    on_cluster = f" ON CLUSTER `{cluster}`" if cluster else ""
    lines = [
        f"CREATE TABLE IF NOT EXISTS `{table.database}`.`{table.name}`{on_cluster} (",
        f"    {columns}",
        f") ENGINE = {_engine(table, cluster)}",
    ]
    if table.partition_by:
        lines.append(f"PARTITION BY {table.partition_by}")
    lines.append(f"ORDER BY ({', '.join(table.order_by)})")
    if table.ttl_days:
        lines.append(f"TTL toDateTime(event_timestamp) + INTERVAL {table.ttl_days} DAY")
    return "\n".join(lines)


def drop_table_ddl(table: Table, cluster: str | None = None) -> str:
    on_cluster = f" ON CLUSTER `{cluster}`" if cluster else ""
    return f"DROP TABLE IF EXISTS `{table.database}`.`{table.name}`{on_cluster} SYNC"
