"""kubeconform's schemas from a live API server: the OpenAPI v2 document of the test cluster
(`/openapi/v2`, CRDs included) split into one JSON Schema (draft-07) per kind, so manifests are
validated offline against exactly the API they will meet.

Used by the chart tests (tests/packaging/test_chart.py).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from reach.testing.cluster import LocalCluster

# kubeconform's -schema-location template matching the file names `write_schemas` uses.
LOCATION = "{{ .ResourceKind }}-{{ .Group }}-{{ .ResourceAPIVersion }}.json"


_SCHEMA_MAPS = ("properties", "definitions", "patternProperties")
_SCHEMAS = ("items", "additionalProperties", "not")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")


def _draft7(schema: Any) -> Any:
    """OpenAPI v2 (draft-04 flavoured) -> draft-07: boolean exclusive bounds as numbers,
    int-or-string as either type. Only schema keywords are rewritten, never the names of
    properties (the CRD kind itself has properties called `format` and `exclusiveMinimum`)."""
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    for key in _SCHEMA_MAPS:
        if isinstance(out.get(key), dict):
            out[key] = {name: _draft7(value) for name, value in out[key].items()}
    for key in _SCHEMAS:
        if key in out:
            out[key] = _draft7(out[key])
    for key in _SCHEMA_LISTS:
        if isinstance(out.get(key), list):
            out[key] = [_draft7(item) for item in out[key]]
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if out.get(bound) is True:
            out[bound] = out.pop(limit)
        elif out.get(bound) is False:
            del out[bound]
    if out.get("format") == "int-or-string" or out.get("x-kubernetes-int-or-string") is True:
        out["type"] = ["string", "integer"]
    # Strict, as kubeconform's own strict schemas are: a field the API does not define is an
    # error, unless the API keeps unknown fields there.
    if (
        "properties" in out
        and "additionalProperties" not in out
        and not out.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    return out


def _references(node: Any) -> set[str]:
    if isinstance(node, list):
        return set().union(*(_references(item) for item in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = set().union(*(_references(value) for value in node.values())) if node else set()
    if isinstance(ref := node.get("$ref"), str) and ref.startswith("#/definitions/"):
        found.add(ref.removeprefix("#/definitions/"))
    return found


def _closure(definitions: dict[str, Any], name: str) -> dict[str, Any]:
    """`name` and every definition it reaches: each schema file stands alone (kubeconform does
    not follow references into other files)."""
    seen: dict[str, Any] = {}
    todo = [name]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen[current] = definitions[current]
            todo.extend(_references(definitions[current]))
    return seen


def write_schemas(openapi: dict[str, Any], folder: Path) -> int:
    """One schema file per group/version/kind in `openapi`; returns how many."""
    folder.mkdir(parents=True, exist_ok=True)
    definitions = {name: _draft7(schema) for name, schema in openapi["definitions"].items()}
    written = 0
    for name, schema in definitions.items():
        for gvk in schema.get("x-kubernetes-group-version-kind", []):
            # kubeconform's .Group is what precedes the slash: the version itself for core kinds.
            group = gvk["group"] or gvk["version"]
            path = folder / f"{gvk['kind']}-{group}-{gvk['version']}.json".lower()
            path.write_text(
                json.dumps(
                    {
                        "$schema": "http://json-schema.org/draft-07/schema#",
                        "$ref": f"#/definitions/{name}",
                        "definitions": _closure(definitions, name),
                    }
                )
            )
            written += 1
    return written


def cluster_schemas(cluster: LocalCluster, folder: Path) -> Path:
    status, body = cluster.get("/openapi/v2")
    if status != 200:
        raise RuntimeError(f"/openapi/v2 answered {status}")
    write_schemas(json.loads(body), folder)
    return folder


def kubeconform(binary: Path, schemas: Path, manifests: str) -> subprocess.CompletedProcess[str]:
    """`kubeconform -strict` of `manifests` against `schemas` only (no download)."""
    return subprocess.run(
        [
            str(binary),
            "-strict",
            "-summary",
            "-output",
            "text",
            "-schema-location",
            f"{schemas}/{LOCATION}",
        ],
        input=manifests,
        capture_output=True,
        text=True,
        timeout=300,
    )
