"""HttpMiddleware: an HTTP request reaches the middleware's `http`, any other scope goes straight
to the wrapped app."""

from __future__ import annotations

import pytest
from starlette.types import Message, Receive, Scope, Send

from reach.common.asgi import HttpMiddleware

pytestmark = pytest.mark.unit


class Marking(HttpMiddleware):
    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app({**scope, "marked": True}, receive, send)


async def test_only_http_scopes_reach_the_middleware() -> None:
    seen: list[Scope] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope)

    async def receive() -> Message:
        return {"type": "lifespan.startup"}

    async def send(message: Message) -> None:
        return None

    layer = Marking(app)
    await layer({"type": "lifespan"}, receive, send)
    await layer({"type": "http", "path": "/"}, receive, send)
    assert seen == [{"type": "lifespan"}, {"type": "http", "path": "/", "marked": True}]
