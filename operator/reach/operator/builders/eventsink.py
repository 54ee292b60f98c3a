"""EventSink -> the Deployment running its ingestion sink, and the statements that make its
ClickHouse table (the queue is declared by `reach.operator.topology`)."""

from __future__ import annotations

from reach.ingest.routing import SINKS, Sink
from reach.ingest.tables import DATABASE, TABLES
from reach.operator.api.eventsink import EventSinkSpec
from reach.operator.builders.common import (
    PROBE_PORT,
    Manifest,
    Owner,
    Runtime,
    container,
    deployment,
    pod_spec,
)


def sink_of(spec: EventSinkSpec) -> Sink:
    return SINKS[spec.sink]


def build(owner: Owner, spec: EventSinkSpec, runtime: Runtime) -> list[Manifest]:
    queue_type = "quorum" if runtime.stores.rabbitmq.replicated else "classic"
    sink = container(
        "sink",
        runtime,
        ["ingest", "sink", "--sink", spec.sink],
        ports={"probes": PROBE_PORT},
        probe_port="probes",
        # Settings travel as the sink's REACH_* variables (`reach.ingest.settings`), as every
        # workload's do; the arguments say only which sink runs.
        env=[
            {"name": "REACH_SINK_MODE", "value": spec.batch.mode},
            {"name": "REACH_SINK_BATCH_ROWS", "value": str(spec.batch.max_rows)},
            {"name": "REACH_SINK_FLUSH_SECONDS", "value": str(spec.batch.flush_interval_seconds)},
            {"name": "REACH_SINK_PROBE_PORT", "value": str(PROBE_PORT)},
            {"name": "REACH_SINK_RETRIES", "value": str(spec.max_retries)},
            {"name": "REACH_INGEST_QUEUE_TYPE", "value": queue_type},
        ],
    )
    return [
        deployment(
            owner,
            f"{owner.name}-sink",
            "sink",
            pod_spec([sink]),
            replicas=None if spec.autoscaling else spec.workers,
        )
    ]


def table_statements(spec: EventSinkSpec, cluster: str | None = None) -> list[str]:
    """The sink's database and table; ON CLUSTER with a replicated engine when the Platform
    names a ClickHouse cluster."""
    table = TABLES[sink_of(spec).table or ""]
    on_cluster = f" ON CLUSTER `{cluster}`" if cluster else ""
    return [
        f"CREATE DATABASE IF NOT EXISTS {DATABASE}{on_cluster}",
        table.create_sql(on_cluster=cluster, replicated=cluster is not None),
    ]


def drop_table_statement(spec: EventSinkSpec, cluster: str | None = None) -> str:
    on_cluster = f" ON CLUSTER `{cluster}`" if cluster else ""
    return f"DROP TABLE IF EXISTS {DATABASE}.`{sink_of(spec).table}`{on_cluster} SYNC"
