"""`reach operator`: the Kopf operator that reconciles Reach's custom resources."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reach.cli.running import settings_or_exit

app = typer.Typer(no_args_is_help=True, help="The Kubernetes operator.")


@app.command()
def run() -> None:
    """Watch and reconcile Reach's custom resources until SIGTERM."""
    from reach.common.logs import configure_logging
    from reach.operator.running import run as run_operator
    from reach.operator.settings import OperatorSettings

    configure_logging()
    run_operator(settings_or_exit(OperatorSettings))


@app.command()
def crds(
    folder: Annotated[Path, typer.Argument(help="Where to write them.")] = Path("crds"),
) -> None:
    """Write the CustomResourceDefinitions generated from the API models."""
    from reach.operator.crds import write

    for path in write(folder):
        typer.echo(path)
