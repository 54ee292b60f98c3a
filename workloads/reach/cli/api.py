"""`reach api`: the multi-tenant REST API behind the gateway."""

from __future__ import annotations

import typer

from reach.cli.running import Workload, serves_http, settings_or_exit

app = typer.Typer(no_args_is_help=True, help="The REST API (discovery, leaderboards, collections).")


# On uvloop: the cached profile lookup is mostly event-loop and HTTP work.
@serves_http(app, "Port [REACH_API_PORT, 7179].", uvloop=True)
def serve(port: int | None) -> Workload:
    """Serve the API until SIGTERM; in-flight requests finish first."""
    from reach.api.running import serve as run
    from reach.api.settings import ApiSettings

    settings = settings_or_exit(ApiSettings)
    return lambda shutdown: run(settings, shutdown, port=port)
