"""TableSync: a ClickHouse query or table copied into a PostgreSQL table on a schedule."""

from __future__ import annotations

import re
from typing import Annotated, ClassVar

from pydantic import ConfigDict, Field, model_validator

from reach.operator.api.common import (
    AGE_COLUMN,
    CRON_PATTERN,
    READY_COLUMN,
    REASON_COLUMN,
    Column,
    CustomResource,
    Model,
    PlatformBound,
    ScheduledStatus,
    cel,
)

PG_IDENTIFIER = r"^[a-z_][a-z0-9_]*$"
_STRINGS = re.compile(r"'(?:[^'\\]|\\.)*'")
_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
_READ = re.compile(r"^\(?\s*(SELECT|WITH)\b", re.IGNORECASE)
PgIdentifier = Annotated[str, Field(max_length=63, pattern=PG_IDENTIFIER)]


class SyncSource(Model):
    model_config = ConfigDict(
        json_schema_extra={
            "x-kubernetes-validations": [
                cel("has(self.query) != has(self.table)", "set exactly one of query and table")
            ]
        }
    )

    query: str | None = Field(
        default=None, max_length=65_536, description="One ClickHouse SELECT (or WITH ... SELECT)."
    )
    table: str | None = Field(
        default=None, max_length=256, pattern=r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$"
    )

    @model_validator(mode="after")
    def _one_select(self) -> SyncSource:
        if self.query is not None:
            code = _COMMENTS.sub(" ", _STRINGS.sub("''", self.query)).strip().rstrip(";")
            if not _READ.match(code) or ";" in code:
                raise ValueError("query must be a single SELECT (or WITH ... SELECT) statement")
        return self


class SyncTarget(Model):
    table: str = Field(max_length=63, pattern=PG_IDENTIFIER)
    primary_key: list[PgIdentifier] = Field(default_factory=list, max_length=16)
    indexes: list[Annotated[list[PgIdentifier], Field(min_length=1, max_length=16)]] = Field(
        default_factory=list, max_length=16, description="Columns of each extra index."
    )


class TableSyncSpec(PlatformBound):
    source: SyncSource
    target: SyncTarget
    schedule: str = Field(default="*/15 * * * *", max_length=128, pattern=CRON_PATTERN)
    suspend: bool = False


class TableSync(CustomResource):
    kind = "TableSync"
    plural = "tablesyncs"
    short_names = ("tsync",)
    description = "A ClickHouse query or table copied into PostgreSQL on a schedule."
    spec_model = TableSyncSpec
    status_model = ScheduledStatus
    columns: ClassVar[tuple[Column, ...]] = (
        Column(name="Target", type="string", json_path=".spec.target.table"),
        Column(name="Schedule", type="string", json_path=".spec.schedule"),
        Column(name="Suspend", type="boolean", json_path=".spec.suspend"),
        Column(name="Last Success", type="date", json_path=".status.lastSuccessfulTime"),
        READY_COLUMN,
        REASON_COLUMN,
        AGE_COLUMN,
    )
