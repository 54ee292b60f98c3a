"""CEL rules for the CRDs' `x-kubernetes-validations`, written from the API models (`common`,
`cron` and each kind's module)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def cel(rule: str, message: str, **extra: str) -> dict[str, Any]:
    return {"rule": rule, "message": message, **extra}


def cel_list(items: Iterable[str]) -> str:
    """A CEL list literal of strings."""
    return "[" + ", ".join(cel_string(item) for item in items) + "]"


def cel_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def immutable(what: str) -> dict[str, Any]:
    return {"x-kubernetes-validations": [cel("self == oldSelf", f"{what} is immutable")]}
