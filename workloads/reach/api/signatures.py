"""Refuses requests that did not come through the gateway: when `REACH_API_SIGNING_SECRET` is
set, every request but the probes must carry the gateway's fresh signature over its `x-bb-*`
headers (`reach.common.signing`), else 401 in the envelope. Added by `reach.api.app`."""

from __future__ import annotations

import time

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from reach.api.envelope import Envelope, Error
from reach.common.signing import request_target, verify

UNSIGNED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class GatewaySignature:
    def __init__(self, app: ASGIApp, secret: bytes, max_skew_seconds: float) -> None:
        self.app = app
        self._secret = secret
        self._max_skew = max_skew_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in UNSIGNED_PATHS:
            await self.app(scope, receive, send)
            return
        reason = verify(
            self._secret,
            scope["method"],
            request_target(scope),
            Headers(scope=scope),
            now=time.time(),
            max_skew_seconds=self._max_skew,
        )
        if reason is None:
            await self.app(scope, receive, send)
            return
        body = (
            Envelope[None](status="ERROR", error=Error(code="UNSIGNED_REQUEST", message=reason))
            .model_dump_json()
            .encode()
        )
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
