"""The gateway's own answers (refusals, upstream failures, probes' 404s) in the API's envelope
`{data, status, error}`, so a client parses one error shape whichever side refused it."""

from __future__ import annotations

import json
from collections.abc import Iterable

from starlette.types import Send

JSON = (b"content-type", b"application/json")


def error_body(code: str, message: str, request_id: str | None) -> bytes:
    details = {"request_id": request_id} if request_id else {}
    error = {"code": code, "message": message, "fields": [], "details": details}
    return json.dumps({"data": None, "status": "ERROR", "error": error}).encode()


async def send_json(
    send: Send, status: int, body: bytes, headers: Iterable[tuple[bytes, bytes]] = ()
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [JSON, (b"content-length", str(len(body)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def send_error(
    send: Send,
    status: int,
    code: str,
    message: str,
    request_id: str | None,
    headers: Iterable[tuple[bytes, bytes]] = (),
) -> None:
    await send_json(send, status, error_body(code, message, request_id), headers)
