"""Queue-depth autoscaling: how many workers a backlog needs.

Pure: the handlers feed it the depth they read (RabbitMQ for EventSinks, the PostgreSQL task
queue for ScrapeFlows) and apply the answer. Scaling up happens at once; scaling down waits for
the cooldown since the last change, so a backlog that comes in waves doesn't flap the workers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from reach.operator.api.common import Autoscaling


@dataclass(frozen=True)
class Decision:
    replicas: int
    reason: str

    def changed(self, current: int) -> bool:
        return self.replicas != current


def desired_replicas(
    spec: Autoscaling,
    current: int,
    depth: int,
    last_scale_time: datetime | None,
    now: datetime,
) -> Decision:
    wanted = math.ceil(depth / spec.target_queue_length)
    wanted = max(spec.min_replicas, min(spec.max_replicas, wanted))
    if wanted > current:
        return Decision(wanted, f"queue depth {depth} needs {wanted} workers")
    if wanted < current:
        cooled = last_scale_time is None or now - last_scale_time >= timedelta(
            seconds=spec.cooldown_seconds
        )
        if cooled:
            return Decision(wanted, f"queue depth {depth} needs only {wanted} workers")
        return Decision(current, "cooling down")
    return Decision(current, "steady")
