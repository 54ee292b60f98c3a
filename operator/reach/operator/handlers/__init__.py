"""Kopf handlers, one module per kind, on a shared level-based driver (`reconciling`).

`register(registry, settings)` wires them; nothing registers at import time, so tests and the
CLI choose the intervals.
"""

from __future__ import annotations

from typing import Any

import kopf

from reach.operator.handlers import (
    eventsink,
    followeranalysis,
    indexing,
    platform,
    scheduled,
    scrapeflow,
)
from reach.operator.handlers.reconciling import Driver, KindHandler
from reach.operator.settings import OperatorSettings


def register(registry: kopf.OperatorRegistry, settings: OperatorSettings) -> None:
    indexing.register(registry)
    handlers: tuple[KindHandler[Any], ...] = (
        platform.PlatformHandler(),
        scrapeflow.ScrapeFlowHandler(),
        eventsink.EventSinkHandler(),
        scheduled.leaderboard_handler(),
        scheduled.tablesync_handler(),
        followeranalysis.FollowerAnalysisHandler(),
    )
    for handler in handlers:
        Driver(handler, settings).register(registry)
