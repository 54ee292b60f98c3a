"""`reach clickhouse`: a local ClickHouse server for runs outside Kubernetes."""

from __future__ import annotations

import typer

from reach.cli.running import run_workload, settings_or_exit

app = typer.Typer(no_args_is_help=True, help="A local ClickHouse: the embedded engine over HTTP.")


@app.command()
def serve() -> None:
    """Serve $REACH_DATA_DIR/clickhouse over ClickHouse's HTTP interface until SIGTERM, so
    several processes share it (point them at REACH_CLICKHOUSE_URL=http://HOST:PORT)."""
    from reach.clickhouse_server.serving import serve as serve_clickhouse
    from reach.clickhouse_server.settings import ClickHouseServerSettings

    settings = settings_or_exit(ClickHouseServerSettings)
    run_workload(lambda shutdown: serve_clickhouse(settings, shutdown), uvloop=True)
