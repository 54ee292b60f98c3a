"""Free local ports for servers that tests and benches start."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port nothing listens on now; two runs ask the kernel, so they get different ones."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
