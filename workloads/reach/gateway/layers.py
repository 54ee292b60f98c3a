"""The gateway's request pipeline, in the seed's order: recovery, error reporting, CORS,
gateway context, request id, access log, auth. Each layer is a small ASGI middleware that does
one thing; `reach.gateway.app` composes them around the router.

The layers share one `Exchange` per request (in the ASGI scope), which the context layer makes:
the request id, the start time, the service it is for and, once auth ran, who is calling.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reach.common.asgi import HttpMiddleware
from reach.common.logs import new_request_id, request_id
from reach.gateway import metrics, routes
from reach.gateway.auth import Authenticator, Identity
from reach.gateway.errors import send_error
from reach.gateway.tokens import Refusal

log = logging.getLogger("reach.gateway.access")

EXCHANGE = "reach.gateway"
# Incoming ids are kept only when they look like ids: they land in logs and upstream headers.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")


@dataclass
class Exchange:
    request_id: str
    started: float
    route: str
    identity: Identity | None = None
    # Set when the answer starts; 0 means nothing was sent yet.
    status: int = 0
    # Headers every answer to this request carries, whoever sends it (the request id).
    response_headers: list[tuple[bytes, bytes]] = field(default_factory=list)


def exchange_of(scope: Scope) -> Exchange:
    found: Exchange = scope[EXCHANGE]
    return found


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


class Recovery(HttpMiddleware):
    """A bug anywhere below answers a 500 JSON body with the request id instead of dropping the
    connection; once the answer has started (the exchange's status is set), all that is left is
    to log and let the server end the connection."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except Exception:
            found: Exchange | None = scope.get(EXCHANGE)
            rid = found.request_id if found is not None and found.request_id else new_request_id()
            log.exception("unhandled error", extra={"request_id": rid, "path": scope["path"]})
            if found is not None and found.status:
                raise
            await send_error(
                send,
                500,
                "INTERNAL",
                "the gateway failed on this request; quote the request id when reporting it",
                rid,
                [(b"x-request-id", rid.encode())],
            )


class ErrorReporting:
    """Sends unhandled errors to Sentry, then lets recovery answer. Present only when a DSN is
    set: `reach.gateway.app` leaves the layer out otherwise."""

    def __init__(self, app: ASGIApp, capture: Callable[[BaseException], Any]) -> None:
        self.app = app
        self._capture = capture

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except Exception as exc:
            self._capture(exc)
            raise


@dataclass(frozen=True)
class CorsPolicy:
    """Origins allowed to call from a browser: exact ones, or patterns with one `*` standing
    for a single DNS label (`https://*.example.com` allows `https://app.example.com`, not
    `https://example.com` nor `https://a.b.example.com`)."""

    origins: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]
    max_age: int

    @classmethod
    def of(cls, allowed: Iterable[str], max_age: int) -> CorsPolicy:
        exact, patterns = set(), []
        for origin in allowed:
            if "*" in origin:
                head, _, tail = origin.partition("*")
                patterns.append(
                    re.compile(re.escape(head) + r"[A-Za-z0-9-]{1,63}" + re.escape(tail))
                )
            else:
                exact.add(origin)
        return cls(frozenset(exact), tuple(patterns), max_age)

    def allows(self, origin: str) -> bool:
        return origin in self.origins or any(p.fullmatch(origin) for p in self.patterns)


def same_origin(origin: str, host: str | None) -> bool:
    """Whether a browser's `origin` is the host it is calling: the dashboard's own requests,
    which browsers send with an Origin too (module scripts, POSTs). The scheme is left out: TLS
    may end at an ingress in front of the gateway."""
    _, separator, authority = origin.partition("://")
    return bool(separator) and host is not None and authority == host


class Cors:
    """Answers preflights of allowed origins, marks their answers, refuses other origins (403)
    before anything else runs. Requests without an Origin (scripts, servers) or from the
    gateway's own origin (the dashboard it serves) pass untouched."""

    methods = b"GET, POST, PUT, PATCH, DELETE, OPTIONS"

    def __init__(self, app: ASGIApp, policy: CorsPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin = header(scope, b"origin") if scope["type"] == "http" else None
        if origin is None or same_origin(origin, header(scope, b"host")):
            await self.app(scope, receive, send)
            return
        if not self.policy.allows(origin):
            metrics.REFUSALS.labels("ORIGIN_NOT_ALLOWED").inc()
            await send_error(
                send, 403, "ORIGIN_NOT_ALLOWED", f"origin {origin[:200]} may not call", None
            )
            return
        allow = [
            (b"access-control-allow-origin", origin.encode("latin-1")),
            (b"access-control-allow-credentials", b"true"),
            (b"vary", b"Origin"),
        ]
        requested = header(scope, b"access-control-request-method")
        if scope["method"] == "OPTIONS" and requested is not None:
            asked = header(scope, b"access-control-request-headers") or ""
            await send(
                {
                    "type": "http.response.start",
                    "status": 204,
                    "headers": [
                        *allow,
                        (b"access-control-allow-methods", self.methods),
                        (b"access-control-allow-headers", asked.encode("latin-1")),
                        (b"access-control-max-age", str(self.policy.max_age).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        allow.append((b"access-control-expose-headers", b"x-request-id"))

        async def marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *allow]
            await send(message)

        await self.app(scope, receive, marked)


class Context(HttpMiddleware):
    """Makes the request's `Exchange` (when it started, which service it is for) and watches
    the answer go out: its status is recorded and the exchange's headers added. The layers
    inside read and write the exchange instead of each wrapping `send` again."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"]
        route = routes.service_of(path) or (path if path in routes.LOCAL_PATHS else "other")
        exchange = scope[EXCHANGE] = Exchange("", time.perf_counter(), route)

        async def watched(message: Message) -> None:
            if message["type"] == "http.response.start":
                exchange.status = message["status"]
                message["headers"] = [*message.get("headers", ()), *exchange.response_headers]
            await send(message)

        await self.app(scope, receive, watched)


class RequestId(HttpMiddleware):
    """Keeps a well-formed incoming `x-request-id`, else mints one; puts it in every log line
    of the request and echoes it in the answer."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        incoming = header(scope, b"x-request-id")
        rid = incoming if incoming and _REQUEST_ID.fullmatch(incoming) else new_request_id()
        exchange = exchange_of(scope)
        exchange.request_id = rid
        exchange.response_headers.append((b"x-request-id", rid.encode()))
        token = request_id.set(rid)
        try:
            await self.app(scope, receive, send)
        finally:
            request_id.reset(token)


class AccessLog(HttpMiddleware):
    """One JSON line per request (probes only at debug level) and the request metrics.

    Lines take the shape of every other log line but skip the logging module, which cost about
    a sixth of a proxied request: they are gathered and written to stderr together within
    `flush_seconds`, the way nginx buffers its access log."""

    def __init__(self, app: ASGIApp, flush_seconds: float = 0.2) -> None:
        super().__init__(app)
        self._flush_seconds = flush_seconds
        self._pending: list[str] = []
        self._counters: dict[tuple[str, int], Any] = {}
        self._latencies: dict[str, Any] = {}

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        exchange = exchange_of(scope)
        try:
            await self.app(scope, receive, send)
        finally:
            self._record(scope, exchange)

    def _record(self, scope: Scope, exchange: Exchange) -> None:
        seconds = time.perf_counter() - exchange.started
        status = exchange.status or 500
        route = exchange.route
        key = (route, status // 100)
        counter = self._counters.get(key)
        if counter is None:
            counter = self._counters[key] = metrics.REQUESTS.labels(route, f"{key[1]}xx")
            self._latencies.setdefault(route, metrics.LATENCY.labels(route))
        counter.inc()
        self._latencies[route].observe(seconds)
        local = route in routes.LOCAL_PATHS
        if not log.isEnabledFor(logging.DEBUG if local else logging.INFO):
            return
        identity = exchange.identity
        client = scope.get("client")
        entry = {
            "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": "debug" if local else "info",
            "logger": log.name,
            "msg": "request",
            "request_id": exchange.request_id,
            "method": scope["method"],
            "path": scope["path"],
            "status": status,
            "duration_ms": round(seconds * 1000, 3),
            "partner_id": identity.partner_id if identity else None,
            "client": client[0] if client else None,
        }
        if not self._pending:
            asyncio.get_running_loop().call_later(self._flush_seconds, self.flush)
        self._pending.append(json.dumps(entry, ensure_ascii=False))

    def flush(self) -> None:
        if self._pending:
            lines, self._pending = self._pending, []
            sys.stderr.write("\n".join(lines) + "\n")


class Auth:
    """Refuses requests without a valid token, session and active partner (401/403 with the
    reason), except the public routes; records who is calling on the exchange."""

    def __init__(self, app: ASGIApp, authenticator: Authenticator) -> None:
        self.app = app
        self._authenticator = authenticator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or routes.is_public(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        exchange = exchange_of(scope)
        try:
            exchange.identity = await self._authenticator.identify(header(scope, b"authorization"))
        except Refusal as refusal:
            metrics.REFUSALS.labels(refusal.code).inc()
            challenge = [(b"www-authenticate", b'Bearer realm="reach"')]
            await send_error(
                send,
                refusal.status,
                refusal.code,
                refusal.message,
                exchange.request_id,
                challenge if refusal.status == 401 else (),
            )
            return
        await self.app(scope, receive, send)
