"""The sandbox's mutable side: calls counted per upstream (what rate-limit tests count), fault
switches, the accepted tokens and the YouTube quota spent per key.

A fault applies to the next `count` calls of one upstream (or every call until cleared):
`429`, `500`, `503`, `timeout` (the answer comes after `timeout_seconds`, past any sane client
timeout), `garbage` (a 200 whose body is not JSON) or `shape` (a 200 whose JSON is not the
documented shape).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from starlette.responses import JSONResponse, Response

from reach.sandbox.universe import Universe

Upstream = Literal["graph", "rapidapi", "web", "youtube", "invidious", "openai", "cdn"]
UPSTREAMS: tuple[Upstream, ...] = (
    "graph",
    "rapidapi",
    "web",
    "youtube",
    "invidious",
    "openai",
    "cdn",
)
FaultMode = Literal["429", "500", "503", "timeout", "garbage", "shape"]
FAULT_MODES: tuple[FaultMode, ...] = ("429", "500", "503", "timeout", "garbage", "shape")
DEFAULT_TOKEN = "sandbox-token"


@dataclass
class Fault:
    mode: FaultMode
    remaining: int | None = None  # None: until cleared


@dataclass
class SandboxState:
    universe: Universe
    tokens: set[str] = field(default_factory=lambda: {DEFAULT_TOKEN})
    timeout_seconds: float = 30.0
    youtube_daily_units: int = 10_000
    faults: dict[str, Fault] = field(default_factory=dict)
    calls: Counter[str] = field(default_factory=Counter)
    youtube_units: Counter[str] = field(default_factory=Counter)

    def set_fault(self, upstream: Upstream, mode: FaultMode, count: int | None = None) -> None:
        self.faults[upstream] = Fault(mode, count)

    def reset(self) -> None:
        self.faults.clear()
        self.calls.clear()
        self.youtube_units.clear()

    def _take_fault(self, upstream: str) -> Fault | None:
        fault = self.faults.get(upstream)
        if fault is None:
            return None
        if fault.remaining is not None:
            fault.remaining -= 1
            if fault.remaining <= 0:
                del self.faults[upstream]
        return fault

    async def intercept(self, upstream: Upstream) -> Response | None:
        """Counts a call; the fault's answer if one is set for `upstream`, else None."""
        self.calls[upstream] += 1
        fault = self._take_fault(upstream)
        if fault is None:
            return None
        if fault.mode == "timeout":
            await asyncio.sleep(self.timeout_seconds)
            return JSONResponse({"error": "upstream timed out"}, 504)
        if fault.mode == "garbage":
            return Response('{"data": {"user": {"id": "17841', 200, media_type="application/json")
        if fault.mode == "shape":
            return JSONResponse({"unexpected": ["not", "the", "documented", "shape"]})
        status = int(fault.mode)
        return JSONResponse({"message": f"injected {status}"}, status)
