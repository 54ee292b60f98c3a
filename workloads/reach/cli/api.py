"""`reach api`: the multi-tenant REST API behind the gateway."""

from __future__ import annotations

from typing import Annotated

import typer

from reach.cli.running import run_workload, settings_or_exit

app = typer.Typer(no_args_is_help=True, help="The REST API (discovery, leaderboards, collections).")


@app.command()
def serve(
    port: Annotated[int | None, typer.Option(help="Port [REACH_API_PORT, 7179].")] = None,
) -> None:
    """Serve the API until SIGTERM; in-flight requests finish first."""
    from reach.api.running import serve as run
    from reach.api.settings import ApiSettings

    settings = settings_or_exit(ApiSettings)
    # The cached profile lookup is mostly event-loop and HTTP work.
    run_workload(lambda shutdown: run(settings, shutdown, port=port), uvloop=True)
