"""The gateway's signature over the headers it sets, so the API can tell they came from the
gateway and not from a client that reached it some other way. `reach.gateway` signs,
`reach.api` verifies; both import this one definition.

The signature is HMAC-SHA256 over the timestamp, the method, the request target (path and
query, as sent) and each of `SIGNED_HEADERS` in order, so none of them can be changed or
replayed later than `max_skew_seconds` without the shared secret.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

SIGNED_HEADERS = ("x-bb-partner-id", "x-bb-plan-type", "x-bb-user-id", "x-bb-requestid")
TIMESTAMP_HEADER = "x-bb-timestamp"
SIGNATURE_HEADER = "x-bb-signature"


def request_target(scope: Mapping[str, Any]) -> bytes:
    """An ASGI request's target as the client sent it (raw path and query): what is signed."""
    path: bytes = scope.get("raw_path") or scope["path"].encode()
    query: bytes = scope.get("query_string", b"")
    return path + b"?" + query if query else path


def signature(
    secret: bytes, timestamp: int, method: str, target: bytes, headers: Mapping[str, str]
) -> str:
    message = b"\n".join(
        [
            str(timestamp).encode(),
            method.encode(),
            target,
            *(headers.get(name, "").encode("latin-1") for name in SIGNED_HEADERS),
        ]
    )
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def verify(
    secret: bytes,
    method: str,
    target: bytes,
    headers: Mapping[str, str],
    *,
    now: float,
    max_skew_seconds: float,
) -> str | None:
    """None when the request carries a valid, fresh signature; else why not."""
    stamp, given = headers.get(TIMESTAMP_HEADER), headers.get(SIGNATURE_HEADER)
    if not stamp or not given:
        return "the request is not signed by the gateway"
    if not stamp.isascii() or not stamp.isdigit() or len(stamp) > 12:
        return "the gateway timestamp is malformed"
    if abs(now - int(stamp)) > max_skew_seconds:
        return "the gateway signature is stale (replayed or clocks apart)"
    expected = signature(secret, int(stamp), method, target, headers)
    # Bytes, not str: compare_digest refuses non-ASCII text, and headers may hold any byte.
    if not hmac.compare_digest(expected.encode(), given.encode("latin-1")):
        return "the gateway signature does not match"
    return None
