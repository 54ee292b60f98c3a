"""The `reach` command: composes each workload's verbs. Imports stay inside the verbs so that
`reach --help` and a probe-less verb start fast and a workload's dependencies load only when
that workload runs."""

from __future__ import annotations

from importlib.metadata import version as dist_version

import typer

from reach.cli import (
    api,
    clickhouse,
    db,
    followers,
    gateway,
    ingest,
    operator,
    pipelines,
    sandbox,
    scraper,
    standalone,
)

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Reach: influencer-marketing analytics. One verb per workload.",
)
app.add_typer(db.app, name="db")
app.add_typer(operator.app, name="operator")
app.add_typer(ingest.app, name="ingest")
app.add_typer(scraper.app, name="scraper")
app.add_typer(sandbox.app, name="sandbox")
app.add_typer(followers.app, name="followers")
app.add_typer(pipelines.app, name="pipelines")
app.add_typer(api.app, name="api")
app.add_typer(gateway.app, name="gateway")
app.add_typer(clickhouse.app, name="clickhouse")
app.command("standalone")(standalone.standalone)


@app.command()
def version() -> None:
    """Print the installed version of Reach."""
    typer.echo(dist_version("reach"))
