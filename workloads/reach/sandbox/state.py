"""The sandbox's mutable side: calls counted per upstream (what rate-limit tests count), fault
switches, the accepted tokens and the YouTube quota spent per key.

A fault applies to the next `count` calls of one upstream (or every call until cleared):
`429`, `500`, `503`, `timeout` (the answer comes after `timeout_seconds`, past any sane client
timeout), `garbage` (a 200 whose body is not JSON), `shape` (a 200 whose JSON is not the
documented shape) or `invalid_answer` (the LLM's documented answer, whose message is not the
JSON asked for: the endpoint takes it, not the switch).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal, get_args

from starlette.responses import JSONResponse, Response

from reach.sandbox.universe import Universe
from reach.sandbox.upstreams import DEFAULT_TOKEN

Upstream = Literal[
    "graph",
    "rapidapi",
    "rocketapi",
    "looter",
    "instagram28",
    "bulkprofile",
    "igstats",
    "web",
    "youtube",
    "invidious",
    "openai",
    "cdn",
    "shopify",
]
UPSTREAMS: tuple[Upstream, ...] = get_args(Upstream)
FaultMode = Literal["429", "500", "503", "timeout", "garbage", "shape", "invalid_answer"]
FAULT_MODES: tuple[FaultMode, ...] = get_args(FaultMode)
# Faults an endpoint answers itself, inside the upstream's documented answer.
IN_ANSWER: tuple[FaultMode, ...] = ("invalid_answer",)


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

    def take_fault(self, upstream: str, *modes: FaultMode) -> Fault | None:
        """The fault set for `upstream` if it is one of `modes`, counting one use."""
        fault = self.faults.get(upstream)
        if fault is None or fault.mode not in modes:
            return None
        if fault.remaining is not None:
            fault.remaining -= 1
            if fault.remaining <= 0:
                del self.faults[upstream]
        return fault

    async def intercept(self, upstream: Upstream) -> Response | None:
        """Counts a call; the fault's answer if one is set for `upstream`, else None."""
        self.calls[upstream] += 1
        fault = self.take_fault(upstream, *(m for m in FAULT_MODES if m not in IN_ANSWER))
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
