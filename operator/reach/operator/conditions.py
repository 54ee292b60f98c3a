"""Status conditions (Kubernetes API conventions): one entry per type, the transition time kept
while the status stays the same, and the generation each was computed from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

READY = "Ready"
PAUSED = "ReconciliationPaused"


@dataclass(frozen=True)
class Condition:
    type: str
    status: Literal["True", "False", "Unknown"]
    reason: str
    message: str = ""

    @classmethod
    def of(cls, type: str, ok: bool, reason: str, message: str = "") -> Condition:
        return cls(type, "True" if ok else "False", reason, message)


def merge(
    current: list[dict[str, Any]],
    updates: list[Condition],
    generation: int | None,
    now: datetime,
) -> list[dict[str, Any]]:
    """`current` with `updates` applied; types not updated are kept as they are."""
    by_type = {c["type"]: dict(c) for c in current}
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    for update in updates:
        old = by_type.get(update.type)
        changed = old is None or old.get("status") != update.status
        by_type[update.type] = {
            "type": update.type,
            "status": update.status,
            "reason": update.reason,
            "message": update.message[:1024],
            "observedGeneration": generation,
            "lastTransitionTime": stamp if changed else old.get("lastTransitionTime", stamp),  # type: ignore[union-attr]
        }
    order = [READY]
    return sorted(by_type.values(), key=lambda c: (c["type"] not in order, c["type"]))


def ready_from(parts: list[Condition], ok_reason: str = "Reconciled") -> Condition:
    """Ready: True when every part is True, else False with the first part that is not."""
    for part in parts:
        if part.status != "True":
            return Condition(READY, "False", part.reason, f"{part.type}: {part.message}".strip())
    return Condition(READY, "True", ok_reason, "")


def get(conditions: list[dict[str, Any]], type: str) -> dict[str, Any] | None:
    return next((c for c in conditions if c.get("type") == type), None)
