"""EventSink: runs one of the ingestion service's sinks (a queue drained into a ClickHouse table)
as its own scaled Deployment, with the queue and table it needs.

The route itself (exchange, routing keys, queue, dead-letter queue) and the table's columns are
not repeated here: they live once, in the ingestion service's routing table and table
definitions (`reach.ingest.routing`, `reach.ingest.tables`), which this model names by sink.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from reach.ingest.routing import SINKS
from reach.operator.api.cel import immutable
from reach.operator.api.common import (
    Autoscaling,
    Column,
    CustomResource,
    DeletionPolicy,
    Model,
    PlatformBound,
    ScaledStatus,
)

# Sinks that write ClickHouse tables (the WebEngage forwarder is run by the Platform's config).
SINK_NAMES = tuple(name for name, sink in SINKS.items() if sink.table is not None)


class Batch(Model):
    mode: Literal["buffered", "direct"] = "buffered"
    max_rows: int = Field(
        default=50_000,
        ge=1,
        le=10_000_000,
        description="Rows per insert: ClickHouse wants >= 1000 rows and about one insert per "
        "second per table.",
    )
    flush_interval_seconds: float = Field(default=5, gt=0, le=3600)


class EventSinkStatus(ScaledStatus):
    queue: str | None = Field(default=None, max_length=255)
    table: str | None = Field(default=None, max_length=255)


class EventSinkSpec(PlatformBound):
    sink: Literal[SINK_NAMES] = Field(  # type: ignore[valid-type]
        description="The event table drained: the ingestion routing table gives its exchange, "
        "routing keys, queue and columns.",
        json_schema_extra=immutable("sink"),
    )
    max_retries: int = Field(
        default=2, ge=0, le=20, description="Redeliveries before a message is dead-lettered."
    )
    batch: Batch = Field(default_factory=Batch)
    workers: int = Field(default=1, ge=0, le=500, description="Replicas when not autoscaled.")
    autoscaling: Autoscaling | None = None
    deletion_policy: DeletionPolicy = Field(
        default="Retain",
        description="Delete: drop the queue and the table with the resource. Retain: keep them.",
    )


class EventSink(CustomResource):
    """Runs an ingestion sink: its queue drained into its ClickHouse table."""

    short_names = ("esink",)
    spec_model = EventSinkSpec
    status_model = EventSinkStatus
    columns = (
        Column(name="Sink", type="string", json_path=".spec.sink"),
        Column(name="Queue", type="string", json_path=".status.queue"),
        Column(name="Table", type="string", json_path=".status.table"),
    )
