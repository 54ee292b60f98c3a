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
    apply: Annotated[
        bool,
        typer.Option(
            "--apply",
            help="Apply them server-side to the cluster (in-cluster ServiceAccount, else "
            "$KUBECONFIG) instead of writing files: the Helm chart's upgrade hook.",
        ),
    ] = False,
) -> None:
    """Write (or apply) the CustomResourceDefinitions generated from the API models."""
    if apply:
        _apply_crds()
        return
    from reach.operator.crds import write

    for path in write(folder):
        typer.echo(path)


def _apply_crds() -> None:
    """Server-side apply, forcing conflicts: the CRDs of this image's version win, as Helm never
    upgrades a chart's crds/ folder itself."""
    from kubernetes import client, config

    from reach.operator.api import KINDS
    from reach.operator.crds import render

    try:
        config.load_incluster_config()
    except config.ConfigException:
        config.load_kube_config()
    api = client.ApiextensionsV1Api()
    for kind in KINDS:
        body = render(kind)
        api.patch_custom_resource_definition(
            body["metadata"]["name"],
            body,
            field_manager="reach-crds",
            force=True,
            _content_type="application/apply-patch+yaml",
        )
        typer.echo(f"applied {body['metadata']['name']}")
