"""The reverse proxy at the bottom of the pipeline: the client's request, minus hop-by-hop and
client-sent `x-bb-*` headers, plus `X-Forwarded-*` and the signed `x-bb-*` headers of the caller's
identity, streamed to the upstream; the answer streamed back. Upstream down answers 502, slow
answers 504, each with the request id.

`upstream_headers` is the pure part (what goes upstream); `Proxy` does the I/O.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Iterable

from starlette.types import Receive, Scope, Send

from reach.common.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    request_target,
    signature,
)
from reach.gateway import metrics
from reach.gateway.auth import Identity
from reach.gateway.errors import send_error
from reach.gateway.layers import exchange_of
from reach.gateway.upstream import Pool, UpstreamError, UpstreamTimeout

Headers = list[tuple[bytes, bytes]]

# RFC 9110 7.6.1 connection-specific headers, plus `host` (the upstream gets its own) and
# `authorization` (the API trusts the signed headers; the token stays at the gateway).
HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
    }
)
_NOT_FORWARDED = HOP_BY_HOP | {b"host", b"authorization"}


class ClientGone(Exception):
    """The client disconnected while its request body was being forwarded."""


def _connection_listed(headers: Iterable[tuple[bytes, bytes]]) -> set[bytes]:
    """Headers the `Connection` header names are hop-by-hop too."""
    listed: set[bytes] = set()
    for name, value in headers:
        if name == b"connection":
            listed.update(token.strip().lower() for token in value.split(b","))
    return listed


def upstream_headers(
    scope: Scope,
    identity: Identity | None,
    request_id: str,
    signing_secret: bytes | None,
    *,
    now: float,
) -> Headers:
    """The request headers the upstream gets."""
    incoming: Headers = scope["headers"]
    dropped = _NOT_FORWARDED | _connection_listed(incoming)
    out: Headers = []
    forwarded_for = b""
    host = b""
    for name, value in incoming:
        if name in dropped or name.startswith(b"x-bb-"):
            if name == b"host":
                host = value
            continue
        if name == b"x-forwarded-for":
            forwarded_for = value
            continue
        out.append((name, value))
    client = scope.get("client")
    if client:
        peer = client[0].encode()
        forwarded_for = forwarded_for + b", " + peer if forwarded_for else peer
    if forwarded_for:
        out.append((b"x-forwarded-for", forwarded_for))
    out.append((b"x-forwarded-proto", scope.get("scheme", "http").encode()))
    if host:
        out.append((b"x-forwarded-host", host))
    enriched = {"x-bb-requestid": request_id}
    if identity is not None:
        enriched["x-bb-partner-id"] = str(identity.partner_id)
        enriched["x-bb-plan-type"] = identity.plan.name
        enriched["x-bb-user-id"] = identity.user_id
    if signing_secret is not None:
        stamp = int(now)
        enriched[TIMESTAMP_HEADER] = str(stamp)
        enriched[SIGNATURE_HEADER] = signature(
            signing_secret, stamp, scope["method"], request_target(scope), enriched
        )
    out.extend((name.encode(), value.encode("latin-1")) for name, value in enriched.items())
    return out


def response_headers(headers: Headers) -> Headers:
    """The upstream's answer headers the client gets (names lowercased, as ASGI wants)."""
    lowered = [(name.lower(), value) for name, value in headers]
    dropped = HOP_BY_HOP | _connection_listed(lowered)
    return [(name, value) for name, value in lowered if name not in dropped]


def has_body(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"transfer-encoding" or (name == b"content-length" and value.strip() != b"0"):
            return True
    return False


async def request_body(receive: Receive) -> AsyncGenerator[bytes, None]:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone("the client went away mid-request")
        yield message.get("body", b"")
        if not message.get("more_body", False):
            return


class Proxy:
    def __init__(self, pool: Pool, signing_secret: bytes | None) -> None:
        self._pool = pool
        self._secret = signing_secret

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        exchange = exchange_of(scope)
        headers = upstream_headers(
            scope, exchange.identity, exchange.request_id, self._secret, now=time.time()
        )
        body = request_body(receive) if has_body(scope) else None
        try:
            response = await self._pool.request(
                scope["method"], request_target(scope), headers, body
            )
        except UpstreamTimeout as exc:
            metrics.UPSTREAM_ERRORS.labels("timeout").inc()
            await send_error(send, 504, "UPSTREAM_TIMEOUT", str(exc), exchange.request_id)
            return
        except UpstreamError as exc:
            metrics.UPSTREAM_ERRORS.labels("unavailable").inc()
            await send_error(send, 502, "UPSTREAM_UNAVAILABLE", str(exc), exchange.request_id)
            return
        except ClientGone:
            return
        finally:
            if body is not None:
                await body.aclose()
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": response.status,
                    "headers": response_headers(response.headers),
                }
            )
            last_sent = False
            async for chunk in response.body:
                last_sent = response.finished()
                await send(
                    {"type": "http.response.body", "body": chunk, "more_body": not last_sent}
                )
            if not last_sent:
                await send({"type": "http.response.body", "body": b""})
        finally:
            # Closing early (client gone, upstream broke) drops the upstream connection.
            await response.body.aclose()
