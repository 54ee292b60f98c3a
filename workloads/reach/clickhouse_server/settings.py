"""Settings of `reach clickhouse serve` (env prefix `REACH_`)."""

from __future__ import annotations

from pydantic import Field

from reach.common.settings import StoreSettings


class ClickHouseServerSettings(StoreSettings):
    """Serves the embedded engine's folder, `$REACH_DATA_DIR/clickhouse`: the same one a
    `chdb://` client opens by default, so data moves freely between the two ways of running."""

    clickhouse_server_host: str = Field(
        default="127.0.0.1",
        description="Interface to bind. No users or passwords are checked: keep it on loopback.",
    )
    clickhouse_server_port: int = Field(
        default=8123, ge=0, le=65535, description="HTTP port (ClickHouse's default)."
    )
    clickhouse_server_max_body_bytes: int = Field(
        default=512 * 1024 * 1024, gt=0, description="Largest request body accepted."
    )
