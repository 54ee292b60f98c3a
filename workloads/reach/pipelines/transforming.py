"""Runs the dbt project in `dbt/` in this process (`reach pipelines dbt ARGS`).

dbt reads its connection from `dbt/profiles.yml`, whose values come from environment variables
that `dbt_environment` derives from the Reach settings. With an embedded ClickHouse URL
(`chdb://...`) dbt-clickhouse's client factory is replaced for the duration of the run so that
every dbt connection is a clickhouse-connect client on the embedded engine of this process; with
an http(s) URL dbt-clickhouse runs unchanged. The CLI, the Airflow DAGs (through the CLI) and the
tests call `run_dbt`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from reach.common import clickhouse
from reach.pipelines.settings import PipelinesSettings


@dataclass(frozen=True)
class DbtOutcome:
    """How a dbt invocation ended, with dbt's own exit code convention (0, 1 failure, 2 error)."""

    success: bool
    exit_code: int
    error: str | None = None


def work_dir(settings: PipelinesSettings) -> Path:
    return settings.dbt_work_dir or settings.data_dir / "dbt"


def dbt_environment(settings: PipelinesSettings) -> dict[str, str]:
    """The variables `dbt/profiles.yml` and the project's macros read, from the settings."""
    work = work_dir(settings)
    postgres = urlsplit(str(settings.postgres_dsn))
    env = {
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_PROJECT_DIR": str(settings.dbt_project_dir),
        "DBT_PROFILES_DIR": str(settings.dbt_project_dir),
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
        "DBT_CLICKHOUSE_SCHEMA": settings.dbt_schema,
        "DBT_THREADS": str(settings.dbt_threads),
        "DBT_POSTGRES_HOST": postgres.hostname or "127.0.0.1",
        "DBT_POSTGRES_PORT": str(postgres.port or 5432),
        "DBT_POSTGRES_DATABASE": postgres.path.lstrip("/") or "postgres",
        "DBT_POSTGRES_USER": unquote(postgres.username or ""),
        "DBT_POSTGRES_PASSWORD": unquote(postgres.password or ""),
    }
    dsn = settings.clickhouse_dsn
    if not clickhouse.is_embedded(dsn):
        server = urlsplit(dsn)
        secure = server.scheme == "https"
        env |= {
            "DBT_CLICKHOUSE_HOST": server.hostname or "127.0.0.1",
            "DBT_CLICKHOUSE_PORT": str(server.port or (8443 if secure else 8123)),
            "DBT_CLICKHOUSE_USER": unquote(server.username or "default"),
            "DBT_ENV_SECRET_CLICKHOUSE_PASSWORD": unquote(server.password or ""),
            "DBT_CLICKHOUSE_SECURE": str(secure),
        }
    return env


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """`values` in os.environ for the block (dbt reads the process environment), then restored."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


@contextmanager
def embedded_clickhouse(dsn: str) -> Iterator[None]:
    """dbt-clickhouse connects to the embedded engine at `dsn` for the block.

    dbt-clickhouse builds each connection's client in `ChHttpClient._create_client`; on the
    embedded engine the client is an in-process clickhouse-connect client on the same folder,
    with the session settings dbt chose. Its HTTP pool bookkeeping has nothing to discard.
    """
    from dbt.adapters.clickhouse.httpclient import ChHttpClient

    original_create = ChHttpClient._create_client
    original_discard = ChHttpClient._discard_dedicated_pool

    def create_client(self: Any, credentials: Any) -> Any:
        return clickhouse.get_client(dsn=dsn, settings=self._conn_settings)

    def discard_dedicated_pool(self: Any) -> None:
        return None

    setattr(ChHttpClient, "_create_client", create_client)  # noqa: B010 - a deliberate patch
    setattr(ChHttpClient, "_discard_dedicated_pool", discard_dedicated_pool)  # noqa: B010
    try:
        yield
    finally:
        setattr(ChHttpClient, "_create_client", original_create)  # noqa: B010
        setattr(ChHttpClient, "_discard_dedicated_pool", original_discard)  # noqa: B010


def close_dbt_logs() -> None:
    """Closes the log file dbt opened for its last invocation.

    dbt replaces its loggers at each invocation without closing their files; a process that
    runs dbt many times (the tests, standalone mode) would otherwise leak one per run.
    """
    from dbt_common.events import event_manager_client

    for logger in event_manager_client.get_event_manager().loggers:
        python_logger = getattr(logger, "_python_logger", None)
        for handler in getattr(python_logger, "handlers", ()):
            handler.close()
    event_manager_client.cleanup_event_logger()


def run_dbt(args: Sequence[str], settings: PipelinesSettings) -> DbtOutcome:
    """Invokes dbt with `args` (as after `dbt` on a command line) against the configured stores."""
    from dbt.cli.main import dbtRunner

    work_dir(settings).mkdir(parents=True, exist_ok=True)
    dsn = settings.clickhouse_dsn
    with environment(dbt_environment(settings)):
        # The embedded engine needs dbt-clickhouse's client factory swapped; a server does not.
        patch = (
            embedded_clickhouse(dsn) if clickhouse.is_embedded(dsn) else contextlib.nullcontext()
        )
        try:
            with patch:
                result = dbtRunner().invoke(list(args))
        finally:
            close_dbt_logs()
    if result.success:
        return DbtOutcome(success=True, exit_code=0)
    if result.exception is not None:
        return DbtOutcome(success=False, exit_code=2, error=str(result.exception))
    return DbtOutcome(success=False, exit_code=1)
