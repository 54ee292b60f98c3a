"""EventSink: a RabbitMQ route into a durable queue, drained into a ClickHouse table."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import ConfigDict, Field, model_validator

from reach.operator.api.common import (
    AGE_COLUMN,
    READY_COLUMN,
    REASON_COLUMN,
    Autoscaling,
    Column,
    CustomResource,
    DeletionPolicy,
    Model,
    PlatformBound,
    ScaledStatus,
    cel,
    immutable,
)

IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_]*$"
AMQP_NAME = r"^[-A-Za-z0-9_.:]+$"


class Exchange(Model):
    name: str = Field(max_length=255, pattern=AMQP_NAME)
    type: Literal["topic", "direct", "fanout"] = "topic"


class Queue(Model):
    name: str = Field(max_length=255, pattern=AMQP_NAME, json_schema_extra=immutable("queue name"))
    max_retries: int = Field(
        default=2, ge=0, le=20, description="Redeliveries before a message is dead-lettered."
    )


class TableColumn(Model):
    name: str = Field(max_length=128, pattern=IDENTIFIER)
    type: str = Field(
        max_length=256,
        pattern=r"^[A-Za-z][A-Za-z0-9_]*(\(.*\))?$",
        description="A ClickHouse type, e.g. String, DateTime64(3, 'UTC'), Map(String, String).",
    )


class Table(Model):
    model_config = ConfigDict(
        json_schema_extra={
            "x-kubernetes-validations": [
                cel("self.name == oldSelf.name", "table name is immutable"),
                cel("self.database == oldSelf.database", "table database is immutable"),
            ]
        }
    )

    database: str = Field(default="_e", max_length=128, pattern=IDENTIFIER)
    name: str = Field(max_length=128, pattern=IDENTIFIER)
    columns: list[TableColumn] = Field(min_length=1, max_length=500)
    order_by: list[str] = Field(min_length=1, max_length=16)
    partition_by: str | None = Field(
        default="toYYYYMM(event_timestamp)", max_length=256, description="Empty: no partitions."
    )
    engine: Literal["MergeTree", "ReplacingMergeTree"] = "ReplacingMergeTree"
    version_column: str | None = Field(
        default=None, max_length=128, pattern=IDENTIFIER, description="ReplacingMergeTree version."
    )
    ttl_days: int | None = Field(default=None, ge=1, le=36_500)

    @model_validator(mode="after")
    def _columns_exist(self) -> Table:
        names = {c.name for c in self.columns}
        unknown = [c for c in self.order_by if c not in names]
        if self.version_column and self.version_column not in names:
            unknown.append(self.version_column)
        if self.ttl_days and "event_timestamp" not in names:
            unknown.append("event_timestamp (for ttlDays)")
        if unknown:
            raise ValueError(f"not among the table's columns: {', '.join(unknown)}")
        return self


class Batch(Model):
    mode: Literal["buffered", "direct"] = "buffered"
    max_rows: int = Field(default=10_000, ge=1, le=10_000_000)
    flush_interval_seconds: float = Field(default=5, gt=0, le=3600)


class EventSinkSpec(PlatformBound):
    exchange: Exchange
    routing_keys: list[Annotated[str, Field(max_length=255)]] = Field(min_length=1, max_length=50)
    queue: Queue
    table: Table
    batch: Batch = Field(default_factory=Batch)
    workers: int = Field(default=1, ge=0, le=500, description="Replicas when not autoscaled.")
    autoscaling: Autoscaling | None = None
    deletion_policy: DeletionPolicy = Field(
        default="Retain",
        description="Delete: drop the queue and the table with the resource. Retain: keep them.",
    )


class EventSink(CustomResource):
    kind = "EventSink"
    plural = "eventsinks"
    short_names = ("esink",)
    description = "An event route: exchange -> durable queue -> ClickHouse table."
    spec_model = EventSinkSpec
    status_model = ScaledStatus
    scalable = True
    columns: ClassVar[tuple[Column, ...]] = (
        Column(name="Queue", type="string", json_path=".spec.queue.name"),
        Column(name="Depth", type="integer", json_path=".status.queueDepth"),
        Column(name="Workers", type="integer", json_path=".status.replicas"),
        Column(name="Table", type="string", json_path=".spec.table.name"),
        READY_COLUMN,
        REASON_COLUMN,
        AGE_COLUMN,
    )
