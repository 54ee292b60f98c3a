"""Graceful shutdown for long-running workloads.

SIGTERM (what Kubernetes sends) or SIGINT starts the drain: readiness turns false so traffic
moves away, the workload stops taking new work, flushes what it holds, then exits. A second
signal during the drain is ignored: the drain is the one path to exit, and Kubernetes' grace
period is the hard limit.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class Shutdown:
    """Set once a stop was requested; workloads await `wait()` or check `requested`."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    @property
    def requested(self) -> bool:
        return self._event.is_set()

    def request(self, reason: str = "requested") -> None:
        if not self._event.is_set():
            log.info("shutting down", extra={"reason": reason})
            self._event.set()

    async def wait(self) -> None:
        await self._event.wait()

    def install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.request, sig.name)


async def run_until_shutdown(
    main: Callable[[Shutdown], Awaitable[None]], shutdown: Shutdown | None = None
) -> None:
    """Runs `main` with a `Shutdown` wired to SIGTERM/SIGINT. `main` owns its drain: it returns
    once it has stopped taking work and flushed what it held."""
    shutdown = shutdown or Shutdown()
    shutdown.install_signal_handlers()
    await main(shutdown)
