"""The Secret and ConfigMap keys a resource's workloads read, resolved to hashes of their current
values. The driver resolves them before building (`Driver.apply`); builders turn the hashes into
pod-template annotations (`builders.common.config_hash`), so a changed key rolls exactly the
workloads that read it, and a missing one is reported instead of leaving pods unable to start.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterable
from typing import Any

import kopf

from reach.operator.builders.common import Reference
from reach.operator.kube import Kube, KubeError


class MissingConfig(Exception):
    """Keys that are not there; the message names each Secret or ConfigMap and key."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


async def _read(kube: Kube, namespace: str, kind: str, name: str) -> dict[str, Any] | None:
    """A Secret's or ConfigMap's keys (values as stored), or None when it does not exist."""
    try:
        body = await kube.read("v1", kind, namespace, name)
    except KubeError as error:
        raise kopf.TemporaryError(str(error), delay=10) from error
    if body is None:
        return None
    return {**(body.get("binaryData") or {}), **(body.get("data") or {})}


async def resolve_config(
    kube: Kube, namespace: str, refs: Iterable[Reference]
) -> dict[Reference, str]:
    """Reference -> a SHA-256 of its value; MissingConfig naming every absent object or key."""
    wanted = sorted(set(refs))
    objects = sorted({(kind, name) for kind, name, _ in wanted})
    found = await asyncio.gather(*(_read(kube, namespace, kind, name) for kind, name in objects))
    data = dict(zip(objects, found, strict=True))
    digests: dict[Reference, str] = {}
    problems: list[str] = []
    for kind, name, key in wanted:
        values = data[(kind, name)]
        if values is None:
            problem = f"{kind} {name!r} not found"
            if problem not in problems:
                problems.append(problem)
        elif key not in values:
            problems.append(f"{kind} {name!r} has no key {key!r}")
        else:
            digests[(kind, name, key)] = hashlib.sha256(str(values[key]).encode()).hexdigest()
    if problems:
        raise MissingConfig(problems)
    return digests
