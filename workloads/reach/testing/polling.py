"""Waiting in tests for something that happens in another process or task: poll a check until
it answers true, failing with what was awaited (and the last answer) after a bound. The bound
is a limit, never a measurement: no test asserts how fast it got there.

`eventually` is for async checks (queues, databases, servers in the test's event loop),
`eventually_sync` for blocking ones (a cluster through kubectl or the Kubernetes client).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    check: Callable[[], Awaitable[T]],
    what: str,
    *,
    seconds: float = 30.0,
    interval: float = 0.05,
) -> T:
    """The first true answer of `check`; AssertionError naming `what` after `seconds`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        last = await check()
        if last:
            return last
        if loop.time() > deadline:
            raise AssertionError(f"not true after {seconds} s: {what} (last: {last!r})")
        await asyncio.sleep(interval)


def eventually_sync(
    check: Callable[[], T], what: str, *, seconds: float = 60.0, interval: float = 0.3
) -> T:
    """`eventually` for a blocking check."""
    deadline = time.monotonic() + seconds
    while True:
        last = check()
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"not true after {seconds} s: {what} (last: {last!r})")
        time.sleep(interval)
