"""ClickHouse clients: a real server over HTTP(S), or the embedded engine (chdb) in-process.

The embedded engine allows one data folder per process; clients on that folder share the
engine and serialize their calls, so threads may each hold a client or share one. Calls block:
async code runs them through `asyncio.to_thread`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import clickhouse_connect
from clickhouse_connect.driver.client import Client

from reach.common.settings import StoreSettings


def is_embedded(dsn: str) -> bool:
    return urlsplit(dsn).scheme == "chdb"


def get_client(
    settings: StoreSettings | None = None, *, dsn: str | None = None, **kwargs: Any
) -> Client:
    """A client for `dsn`, or for the settings' ClickHouse (embedded by default)."""
    if dsn is None:
        dsn = (settings or StoreSettings()).clickhouse_dsn
    if is_embedded(dsn):
        Path(urlsplit(dsn).path).mkdir(parents=True, exist_ok=True)
    return clickhouse_connect.get_client(dsn=dsn, query_limit=0, **kwargs)
