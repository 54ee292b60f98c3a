"""The sandbox app in-process (httpx's ASGI transport), over a small seeded universe."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from reach.sandbox.app import create_app
from reach.sandbox.state import SandboxState
from reach.sandbox.universe import Universe

TOKEN = "sandbox-token"


@pytest.fixture
def state() -> SandboxState:
    return SandboxState(universe=Universe(seed=3, creators=30), timeout_seconds=0.01)


@pytest.fixture
async def client(state: SandboxState) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(create_app(state))
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
        yield client
