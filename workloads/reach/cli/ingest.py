"""`reach ingest`: the event ingestion service (`serve`), its sinks (`sink`), the RabbitMQ
topology (`declare`) and the DDL of its tables (`ddl`)."""

from __future__ import annotations

import asyncio
from enum import StrEnum
from typing import Annotated

import typer

from reach.cli.running import run_on_uvloop, settings_or_exit

app = typer.Typer(no_args_is_help=True, help="Event ingestion: gRPC + webhooks -> ClickHouse.")


class Mode(StrEnum):
    BUFFERED = "buffered"
    DIRECT = "direct"


@app.command()
def serve() -> None:
    """Serve EventService.Dispatch over gRPC and the partners' webhooks over HTTP."""
    from reach.common.lifecycle import run_until_shutdown
    from reach.common.logs import configure_logging
    from reach.ingest.serving import serve as serve_ingest
    from reach.ingest.settings import IngestSettings

    settings = settings_or_exit(IngestSettings)
    configure_logging()
    run_on_uvloop(run_until_shutdown(lambda shutdown: serve_ingest(settings, shutdown)))


@app.command()
def sink(
    names: Annotated[list[str], typer.Option("--sink", help="Sink to run (repeatable).")],
    mode: Annotated[
        Mode | None,
        typer.Option(
            help="buffered: N rows / T s; direct: each message at once [REACH_SINK_MODE]."
        ),
    ] = None,
    batch_rows: Annotated[
        int | None, typer.Option(min=1, help="Rows per insert [REACH_SINK_BATCH_ROWS].")
    ] = None,
    flush_seconds: Annotated[
        float | None,
        typer.Option(
            min=0.001, help="Seconds before a partial batch flushes [REACH_SINK_FLUSH_SECONDS]."
        ),
    ] = None,
) -> None:
    """Drain sinks' queues into ClickHouse (or WebEngage's API) until SIGTERM."""
    from reach.common.lifecycle import run_until_shutdown
    from reach.common.logs import configure_logging
    from reach.ingest.running import UnknownSink, check_names, run_sinks
    from reach.ingest.settings import IngestSettings
    from reach.ingest.sinking import FlushPolicy

    settings = settings_or_exit(IngestSettings)
    try:
        check_names(names)
    except UnknownSink as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    policy = FlushPolicy(
        batch_rows=batch_rows or settings.sink_batch_rows,
        flush_seconds=flush_seconds or settings.sink_flush_seconds,
        direct=(mode or settings.sink_mode) == Mode.DIRECT,
        max_messages=settings.amqp_prefetch,
    )
    configure_logging()
    run_on_uvloop(run_until_shutdown(lambda shutdown: run_sinks(settings, names, policy, shutdown)))


@app.command()
def declare() -> None:
    """Declare every exchange, queue and binding of the routing table (idempotent)."""
    from reach.common import amqp
    from reach.ingest.settings import IngestSettings
    from reach.ingest.topology import declare_all

    settings = settings_or_exit(IngestSettings)

    async def run() -> None:
        connection = await amqp.connect(settings, "reach-ingest-declare")
        try:
            await declare_all(await connection.channel(), settings.ingest_queue_type)
        finally:
            await connection.close()

    asyncio.run(run())
    typer.echo("declared")


@app.command()
def ddl(
    table: Annotated[
        list[str] | None, typer.Option(help="Only this table (repeatable); default all.")
    ] = None,
    on_cluster: Annotated[
        str | None, typer.Option(help="Add ON CLUSTER and replicated engines.")
    ] = None,
) -> None:
    """Print the CREATE TABLE statements of the event tables."""
    from reach.ingest.tables import TABLES

    table = table or []
    unknown = [t for t in table if t not in TABLES]
    if unknown:
        typer.echo(f"error: unknown table(s) {', '.join(unknown)}", err=True)
        raise typer.Exit(2)
    for name in table or list(TABLES):
        sql = TABLES[name].create_sql(on_cluster=on_cluster, replicated=on_cluster is not None)
        typer.echo(f"{sql};\n")
