"""`reach standalone`: the whole platform on one machine (every workload supervised, the sandbox
as Instagram and YouTube, the pipelines on their schedules); `--status` asks a running one what
runs and each pipeline's last run, `--run NAME` starts a pipeline now."""

from __future__ import annotations

from typing import Annotated

import typer

from reach.cli.running import fail, failing_on, settings_or_exit


def standalone(
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Seed a demo universe from the sandbox (once per data folder) and run the "
            "pipelines before printing the demo commands.",
        ),
    ] = False,
    status: Annotated[
        bool, typer.Option("--status", help="Print the running instance's status and exit.")
    ] = False,
    run: Annotated[
        str | None,
        typer.Option("--run", metavar="PIPELINE", help="Start a pipeline now in the running one."),
    ] = None,
    list_ports: Annotated[
        bool, typer.Option("--ports", help="Print the port of every workload and exit.")
    ] = False,
) -> None:
    """Run every workload on this machine until Ctrl-C or SIGTERM, then stop them in order."""
    import asyncio

    import httpx

    from reach.ingest.routing import SINKS
    from reach.scraper.flows import FLOWS
    from reach.standalone.running import ports_of
    from reach.standalone.settings import StandaloneSettings
    from reach.standalone.statusing import format_status
    from reach.standalone.workloads import PortError, url

    settings = settings_or_exit(StandaloneSettings)
    with failing_on(PortError):
        ports = ports_of(settings)
    if list_ports:
        for name, port in ports.items():
            typer.echo(f"{name}\t{port}")
        return
    if status or run:
        base = url(ports, "status")
        try:
            if run:
                answer = httpx.post(f"{base}/pipelines/{run}/run", timeout=10)
                typer.echo(answer.text)
                raise typer.Exit(0 if answer.status_code == 202 else 1)
            answer = httpx.get(f"{base}/status", timeout=10)
        except httpx.TransportError as exc:
            fail(f"no standalone instance answers on {base} ({exc})", code=1)
        typer.echo(format_status(answer.json()))
        return
    from reach.standalone.running import run as run_standalone

    # The sinks of outside APIs (WebEngage) need that API's account; standalone has none.
    sinks = [name for name, sink in SINKS.items() if sink.table is not None]
    with failing_on(ValueError):
        code = asyncio.run(run_standalone(settings, list(FLOWS), sinks, seed_demo=demo))
    raise typer.Exit(code)
