"""Settings of `reach clickhouse serve` (env prefix `REACH_`)."""

from __future__ import annotations

from pydantic import PositiveInt

from reach.common.settings import PortOrZero, StoreSettings


class ClickHouseServerSettings(StoreSettings):
    """Serves the embedded engine's folder, `$REACH_DATA_DIR/clickhouse`: the same one a
    `chdb://` client opens by default, so data moves freely between the two ways of running."""

    clickhouse_server_host: str = "127.0.0.1"
    """Interface to bind. No users or passwords are checked: keep it on loopback."""
    clickhouse_server_port: PortOrZero = 8123
    """HTTP port (ClickHouse's default)."""
    clickhouse_server_max_body_bytes: PositiveInt = 512 * 1024 * 1024
    """Largest request body accepted."""
