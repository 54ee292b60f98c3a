"""An upstream for the gateway's proxy tests and bench, run as its own process
(`python -m reach.testing.upstream --port N`): it answers every path under a service prefix
with what it received, or with what the query asks for.

- `?stream=N&chunk=M` answers N bytes (a repeating pattern, chunked, no length);
- `?sleep=S` answers after S seconds;
- `?status=C` answers with status C;
- otherwise JSON: method, target, the headers as received (repeats kept), and the request
  body's length and SHA-256, read as it streams in.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
from urllib.parse import parse_qs

import uvicorn
from starlette.types import Receive, Scope, Send

PATTERN = bytes(range(256)) * 256  # 64 KiB


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    query = {k: v[0] for k, v in parse_qs(scope["query_string"].decode()).items()}
    digest, size = hashlib.sha256(), 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        body = message.get("body", b"")
        digest.update(body)
        size += len(body)
        if not message.get("more_body", False):
            break
    if "sleep" in query:
        await asyncio.sleep(float(query["sleep"]))
    if "stream" in query:
        await _stream(send, int(query["stream"]), int(query.get("chunk", 65536)))
        return
    target = scope["raw_path"] + (b"?" + scope["query_string"] if scope["query_string"] else b"")
    answer = json.dumps(
        {
            "method": scope["method"],
            "target": target.decode("latin-1"),
            "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in scope["headers"]],
            "body_bytes": size,
            "body_sha256": digest.hexdigest(),
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": int(query.get("status", 200)),
            "headers": [
                (b"content-type", b"application/json"),
                (b"x-repeated", b"a"),
                (b"x-repeated", b"b"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": answer})


async def _stream(send: Send, total: int, chunk: int) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    sent = 0
    while sent < total:
        size = min(chunk, total - sent, len(PATTERN))
        await send({"type": "http.response.body", "body": PATTERN[:size], "more_body": True})
        sent += size
    await send({"type": "http.response.body", "body": b""})


def expected_stream(total: int, chunk: int = 65536) -> str:
    """The SHA-256 of what `?stream=total&chunk=chunk` answers."""
    digest, sent = hashlib.sha256(), 0
    while sent < total:
        size = min(chunk, total - sent, len(PATTERN))
        digest.update(PATTERN[:size])
        sent += size
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", lifespan="off")


if __name__ == "__main__":
    main()
