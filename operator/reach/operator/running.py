"""Runs the operator: Kopf's settings, the shared clients in its memo, the handlers, and, with
leader election, Kopf only while this replica holds the Lease (`reach.operator.leading`).

`reach operator run` calls `run()`; tests call `operator()` in a task with a stop flag.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from typing import Any

import kopf

from reach.operator import kube
from reach.operator.api.common import GROUP
from reach.operator.handlers import register
from reach.operator.kube import Kube
from reach.operator.leading import LeadershipLost, lead
from reach.operator.settings import OperatorSettings
from reach.operator.topology import Connections


def build_registry(settings: OperatorSettings) -> kopf.OperatorRegistry:
    registry = kopf.OperatorRegistry()

    @kopf.on.startup(registry=registry)
    async def configure(settings: kopf.OperatorSettings, memo: kopf.Memo, **_: Any) -> None:
        # Progress in annotations: our status schema is strict and would prune Kopf's field.
        settings.persistence.progress_storage = kopf.AnnotationsProgressStorage(prefix=GROUP)
        settings.persistence.diffbase_storage = kopf.AnnotationsDiffBaseStorage(
            prefix=GROUP, key="last-handled-configuration"
        )
        settings.persistence.finalizer = f"{GROUP}/kopf"
        # Our own Events say what changed; Kopf's per-handler chatter would drown them.
        settings.posting.level = logging.WARNING
        settings.watching.server_timeout = 300
        # No cap on a kind's object workers (Kopf's default): a capped kind holds its indexes'
        # pre-population behind workers that idle out one batch at a time, and no handler runs
        # until every index is populated, so a restart with a few hundred children stalled.
        # Requests are bounded by the shared HTTP client's pool instead.
        settings.batching.worker_limit = None
        memo["kube"] = Kube(kube.login, operator_settings.field_manager)
        memo["conns"] = Connections()

    @kopf.on.login(registry=registry)
    def login(**_: Any) -> kopf.ConnectionInfo | None:
        return kube.login()

    @kopf.on.cleanup(registry=registry)
    async def close(memo: kopf.Memo, **_: Any) -> None:
        await memo["conns"].close()
        await memo["kube"].close()

    operator_settings = settings
    register(registry, settings)
    return registry


async def operator(
    settings: OperatorSettings,
    stop_flag: asyncio.Event | None = None,
    ready_flag: asyncio.Event | None = None,
) -> None:
    """Reconciles until `stop_flag` is set (or a signal arrives); with leader election, only
    while this replica holds the Lease."""
    if not settings.leader_election:
        await _reconcile(settings, stop_flag, ready_flag)
        return
    stop = stop_flag or asyncio.Event()
    if threading.current_thread() is threading.main_thread():
        # Kopf installs its own handlers once leading; these cover standing by.
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
    await lead(settings, lambda flag: _reconcile(settings, flag, ready_flag), stop)


async def _reconcile(
    settings: OperatorSettings,
    stop_flag: asyncio.Event | None,
    ready_flag: asyncio.Event | None,
) -> None:
    registry = build_registry(settings)
    await kopf.operator(
        registry=registry,
        clusterwide=not settings.namespaces,
        namespaces=settings.namespaces,
        standalone=True,
        stop_flag=stop_flag,
        ready_flag=ready_flag,
        liveness_endpoint=f"http://0.0.0.0:{settings.liveness_port}/healthz",
        memo=kopf.Memo(),
    )


def run(settings: OperatorSettings) -> None:
    try:
        asyncio.run(operator(settings))
    except LeadershipLost as exc:
        # Exit rather than stand by again: the pod restarts with a fresh Kopf, as a standby.
        raise SystemExit(f"{exc}; exiting") from None
