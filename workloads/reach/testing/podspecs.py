"""What the operator writes into pods, checked against the workloads themselves: a container's
command line is one the `reach` CLI accepts, and every REACH_* variable it gets is a field of
the settings model that command loads. Used by the operator's unit and cluster tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from unittest import mock

from pydantic_settings import BaseSettings
from typer.testing import CliRunner

from reach.common.settings import ENV_PREFIX, SettingsError

# Variables Kubernetes itself sets in a pod and that command lines may expand.
_POD_VARIABLES = {"JOB_COMPLETION_INDEX": "0"}
_EXPANSION = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


def settings_model(args: list[str]) -> tuple[type[BaseSettings] | None, str]:
    """The settings model `reach <args>` loads, or None when the CLI refused the command line
    before loading any (with its output)."""
    from reach.cli.main import app

    loaded: list[type[BaseSettings]] = []

    def capture(model: type[BaseSettings]) -> BaseSettings:
        loaded.append(model)
        raise SettingsError("stopped by the test once the settings model is known")

    with mock.patch("reach.cli.running.load_settings", capture):
        result = CliRunner().invoke(app, args)
    return (loaded[0] if loaded else None), result.output


def pod_of(manifest: dict[str, Any]) -> dict[str, Any]:
    """The pod spec of a Deployment, Job or CronJob ({} for other kinds)."""
    spec = manifest.get("spec", {})
    return dict(spec.get("jobTemplate", {}).get("spec", spec).get("template", {}).get("spec", {}))


def containers(manifest: dict[str, Any]) -> Iterator[dict[str, Any]]:
    pod = pod_of(manifest)
    yield from pod.get("initContainers", [])
    yield from pod.get("containers", [])


def container_problems(container: dict[str, Any]) -> list[str]:
    """Why a container would not start as meant: a command line the CLI refuses, a REACH_*
    variable its settings model has no field for, another variable no argument uses."""
    args = list(container["args"])
    expanded = [_EXPANSION.sub(lambda m: _POD_VARIABLES.get(m[1], m[0]), a) for a in args]
    model, output = settings_model(expanded)
    where = f"{container['name']}: reach {' '.join(args)}"
    if model is None:
        return [f"{where}: refused by the CLI: {output.strip()}"]
    fields = {f"{ENV_PREFIX}{name.upper()}" for name in model.model_fields}
    used = {name for a in args for name in _EXPANSION.findall(a)}
    problems = []
    for env in container.get("env", []):
        name = env["name"]
        if name.startswith(ENV_PREFIX) and name not in fields:
            problems.append(f"{where}: {name} is no field of {model.__name__}")
        elif not name.startswith(ENV_PREFIX) and name not in used:
            problems.append(f"{where}: {name} is neither a setting nor used by an argument")
    return problems
