"""`reach sandbox`: the fake upstreams (Instagram, YouTube, a RapidAPI-style source, an
OpenAI-compatible LLM, a media CDN) that tests and standalone mode point the scraper at."""

from __future__ import annotations

import typer

from reach.cli.running import run_workload, settings_or_exit

app = typer.Typer(no_args_is_help=True, help="Sandbox upstreams for tests and standalone mode.")


@app.command()
def serve() -> None:
    """Serve every sandbox upstream on one port (by path prefix) until SIGTERM."""
    from reach.sandbox.app import serve as serve_sandbox
    from reach.sandbox.settings import SandboxSettings
    from reach.sandbox.upstreams import scraper_environment

    settings = settings_or_exit(SandboxSettings)
    base = f"http://{settings.sandbox_host}:{settings.sandbox_port}"
    for key, value in scraper_environment(base).items():
        typer.echo(f"{key}={value}")
    typer.echo(f"REACH_SANDBOX_TOKEN={settings.sandbox_tokens[0]}")
    run_workload(lambda shutdown: serve_sandbox(settings, shutdown))
