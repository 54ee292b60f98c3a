"""TableSync: a ClickHouse query or table copied into a PostgreSQL table on a schedule. What is
copied (`source`, `target`) is the pipelines' `SyncConfig` (`reach.pipelines.contract`), with its
SELECT-only rule."""

from __future__ import annotations

from pydantic import Field

from reach.operator.api.cel import cel
from reach.operator.api.common import (
    Column,
    CustomResource,
    ScheduledSpec,
    ScheduledStatus,
)
from reach.pipelines.contract import SyncConfig, SyncSource, SyncTarget


class TableSyncSpec(ScheduledSpec):
    source: SyncSource
    target: SyncTarget = Field(
        description="The PostgreSQL table written; its name is immutable (a copy into another "
        "table is another TableSync).",
        json_schema_extra={
            "x-kubernetes-validations": [
                cel(
                    "self.table == oldSelf.table",
                    "target.table is immutable: create another TableSync for another table "
                    "(and delete this one)",
                )
            ]
        },
    )

    def sync_config(self) -> SyncConfig:
        """What the sync Job reads (`sync.yaml`)."""
        return SyncConfig(source=self.source, target=self.target)


class TableSync(CustomResource):
    """A ClickHouse query or table copied into PostgreSQL on a schedule."""

    short_names = ("tsync",)
    spec_model = TableSyncSpec
    status_model = ScheduledStatus
    columns = (Column(name="Target", type="string", json_path=".spec.target.table"),)
