"""`reach operator`: the Kopf operator that reconciles Reach's custom resources."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, cast

import typer

from reach.cli.running import failing_on, settings_or_exit

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
def render(
    files: Annotated[
        list[str],
        typer.Option(
            "--filename",
            "-f",
            help="A YAML file of custom resources (repeatable); `-` reads standard input.",
        ),
    ],
    namespace: Annotated[
        str, typer.Option("--namespace", "-n", help="Namespace of resources that name none.")
    ] = "default",
) -> None:
    """Print the manifests the operator would apply for the given custom resources, as YAML
    documents (like `helm template`), with no cluster. Exit code 2 on invalid input."""
    import sys

    from reach.operator.rendering import RenderError, parse, to_yaml
    from reach.operator.rendering import render as render_manifests

    with failing_on(RenderError):
        resources = []
        for name in files:
            try:
                text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
            except UnicodeDecodeError as exc:
                raise RenderError(f"{name}: not UTF-8 text ({exc.reason})") from None
            except OSError as exc:
                raise RenderError(f"{name}: {exc.strerror or exc}") from None
            resources += parse("<stdin>" if name == "-" else name, text, namespace)
        typer.echo(to_yaml(render_manifests(resources), namespace), nl=False)


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


@app.command("delete-resources")
def delete_resources(
    namespace: Annotated[str, typer.Option(help="Namespace of the resources.")],
    selector: Annotated[str, typer.Option(help="Label selector of the resources.")],
    timeout: Annotated[float, typer.Option(help="Seconds to wait for them to be gone.")] = 300,
) -> None:
    """Delete Reach's custom resources matching SELECTOR in NAMESPACE and wait until the
    operator has finalized them: the Helm chart's pre-delete hook, run while the operator and
    its RBAC still exist, so no resource is left waiting on a finalizer after an uninstall."""
    import time

    from kubernetes import client, config

    from reach.operator.api import GROUP, KINDS, VERSION

    try:
        config.load_incluster_config()
    except config.ConfigException:
        config.load_kube_config()
    api = client.CustomObjectsApi()

    def remaining() -> list[str]:
        names = []
        for kind in KINDS:
            listed = cast(
                "dict[str, Any]",
                api.list_namespaced_custom_object(
                    GROUP, VERSION, namespace, kind.plural, label_selector=selector
                ),
            )
            names += [f"{kind.plural}/{item['metadata']['name']}" for item in listed["items"]]
        return names

    for kind in KINDS:
        api.delete_collection_namespaced_custom_object(
            GROUP, VERSION, namespace, kind.plural, label_selector=selector
        )
    deadline = time.monotonic() + timeout
    while left := remaining():
        if time.monotonic() > deadline:
            typer.echo(f"still there after {timeout:.0f} s: {', '.join(left)}", err=True)
            raise typer.Exit(1)
        time.sleep(1)
    typer.echo(f"deleted Reach resources in {namespace} ({selector})")
