"""A sandbox media CDN under `/cdn/{platform}/{kind}/{id}.png` (or `.mp4`): a small valid PNG
whose colour is derived from the path, or an MP4 file header, so the same URL always serves the
same bytes (and asset keys, being content hashes, are stable)."""

from __future__ import annotations

import hashlib
import struct
import zlib

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from reach.sandbox.routing import UpstreamRoutes
from reach.sandbox.state import SandboxState

SIDE = 16


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(seed: str) -> bytes:
    """A SIDE x SIDE RGB image in one colour picked by `seed`."""
    r, g, b = hashlib.sha256(seed.encode()).digest()[:3]
    row = b"\x00" + bytes((r, g, b)) * SIDE
    header = struct.pack(">IIBBBBB", SIDE, SIDE, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(row * SIDE))
        + _chunk(b"IEND", b"")
    )


def mp4(seed: str) -> bytes:
    """An MP4 file's type box, then a media data box of bytes picked by `seed`."""
    ftyp = b"isom" + struct.pack(">I", 512) + b"isomiso2mp41"
    data = hashlib.sha256(seed.encode()).digest()
    return _box(b"ftyp", ftyp) + _box(b"mdat", data)


def _box(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data) + 8) + kind + data


def routes(state: SandboxState) -> list[Route]:
    cdn = UpstreamRoutes(state, "cdn", "/cdn")

    @cdn.serve("/{path:path}")
    async def media(request: Request) -> Response:
        path = request.path_params["path"]
        if path.endswith(".mp4"):
            body, media_type = mp4(path), "video/mp4"
        elif path.endswith(".png"):
            body, media_type = png(path), "image/png"
        else:
            return Response("not found", 404, media_type="text/plain")
        return Response(
            body,
            media_type=media_type,
            headers={"cache-control": "public, max-age=31536000, immutable"},
        )

    return cdn.routes
