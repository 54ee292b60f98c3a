"""HTTP/1.1 connections to the gateway's upstream, pooled and streamed both ways. Used by
`reach.gateway.proxy` for every proxied request.

Why not aiohttp's or httpx's client: on this 2-core box either one alone cost more per request
than the rest of the gateway together (~1.1K proxied requests/s against a target of 4K); a
proxy needs only one request at a time per keep-alive connection, framed by the same C parser
(httptools) that uvicorn uses for the server side, which is what this module does.

A connection carries one exchange at a time. The response body is delivered chunk by chunk as
it arrives; reading pauses when the caller falls behind (`_HIGH_WATER`) and resumes once it
caught up, so a slow client never makes the gateway buffer a large body.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import cast

import httptools

Headers = list[tuple[bytes, bytes]]

_HIGH_WATER = 256 * 1024
_LOW_WATER = 64 * 1024


class UpstreamError(Exception):
    """The upstream could not be reached or broke the exchange (the gateway answers 502)."""


class UpstreamTimeout(UpstreamError):
    """The upstream did not connect or answer in time (the gateway answers 504)."""


@dataclass(frozen=True)
class Response:
    status: int
    headers: Headers
    body: AsyncGenerator[bytes, None]
    # True once the whole body arrived and `body` has yielded all of it: lets the caller mark
    # its last chunk as last instead of sending an empty one after it.
    finished: Callable[[], bool]


class _Connection(asyncio.Protocol):
    """One keep-alive connection; its parser callbacks fill the current response."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.reusable = False
        self._parser = httptools.HttpResponseParser(self)
        self._writable = asyncio.Event()
        self._writable.set()
        self._reset()

    def _reset(self) -> None:
        self._headers: Headers = []
        self._head: asyncio.Future[tuple[int, Headers]] = asyncio.get_running_loop().create_future()
        self._chunks: collections.deque[bytes] = collections.deque()
        self._buffered = 0
        self._arrived = asyncio.Event()
        self._complete = False
        self._error: BaseException | None = None
        self.received_any = False

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.received_any = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(UpstreamError(f"malformed response from upstream: {exc}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._writable.set()
        if not self._complete:
            self._fail(UpstreamError("upstream closed the connection mid-response"))

    def pause_writing(self) -> None:
        self._writable.clear()

    def resume_writing(self) -> None:
        self._writable.set()

    # httptools callbacks

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers.append((name, value))

    def on_headers_complete(self) -> None:
        if not self._head.done():
            self._head.set_result((self._parser.get_status_code(), self._headers))

    def on_body(self, body: bytes) -> None:
        self._chunks.append(body)
        self._buffered += len(body)
        self._arrived.set()
        if self._buffered > _HIGH_WATER and self.transport is not None:
            self.transport.pause_reading()

    def on_message_complete(self) -> None:
        self._complete = True
        self.reusable = self._parser.should_keep_alive()
        self._arrived.set()

    # used by Pool

    @property
    def complete(self) -> bool:
        return self._complete

    def drained(self) -> bool:
        return self._complete and not self._chunks

    def _fail(self, error: BaseException) -> None:
        self._error = error
        self.reusable = False
        if not self._head.done():
            self._head.set_exception(error)
        self._arrived.set()
        if self.transport is not None and not self.closed:
            self.transport.close()

    def abort(self) -> None:
        self.reusable = False
        if self.transport is not None:
            self.transport.abort()

    async def write(self, data: bytes) -> None:
        if self.closed or self.transport is None:
            raise UpstreamError("upstream closed the connection")
        self.transport.write(data)
        if not self._writable.is_set():
            await self._writable.wait()

    async def head(self, seconds: float) -> tuple[int, Headers]:
        try:
            return await asyncio.wait_for(asyncio.shield(self._head), seconds)
        except TimeoutError:
            self.abort()
            raise UpstreamTimeout(f"upstream sent no response within {seconds:g} s") from None

    async def body(self, idle_timeout: float, *, expect_body: bool) -> AsyncGenerator[bytes, None]:
        """The response body as it arrives; raises if the upstream stalls or breaks it."""
        if not expect_body:
            # HEAD answers have headers that describe a body that never comes: the parser
            # cannot be told so, hence this connection is not reused.
            self.reusable = False
            return
        while True:
            while self._chunks:
                chunk = self._chunks.popleft()
                self._buffered -= len(chunk)
                if self._buffered < _LOW_WATER and self.transport is not None:
                    self.transport.resume_reading()
                yield chunk
            if self._error is not None:
                raise self._error
            if self._complete:
                return
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), idle_timeout)
            except TimeoutError:
                self.abort()
                raise UpstreamTimeout(
                    f"upstream body stalled for more than {idle_timeout:g} s"
                ) from None


class Pool:
    """Keep-alive connections to one upstream `host:port`, at most `max_idle` kept idle."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        connect_timeout: float,
        response_timeout: float,
        idle_timeout: float,
        max_idle: int = 256,
    ) -> None:
        self.host, self.port = host, port
        self._authority = f"{host}:{port}".encode()
        self._connect_timeout = connect_timeout
        self._response_timeout = response_timeout
        self._idle_timeout = idle_timeout
        self._max_idle = max_idle
        self._idle: collections.deque[_Connection] = collections.deque()

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        try:
            _, connection = await asyncio.wait_for(
                loop.create_connection(_Connection, self.host, self.port),
                self._connect_timeout,
            )
        except TimeoutError:
            raise UpstreamTimeout(
                f"connecting to {self.host}:{self.port} took more than {self._connect_timeout:g} s"
            ) from None
        except OSError as exc:
            raise UpstreamError(
                f"cannot connect to {self.host}:{self.port}: {exc.strerror or exc}"
            ) from None
        return connection

    def _acquire_idle(self) -> _Connection | None:
        while self._idle:
            connection = self._idle.pop()
            if not connection.closed:
                return connection
        return None

    def _release(self, connection: _Connection) -> None:
        if connection.reusable and not connection.closed and len(self._idle) < self._max_idle:
            connection._reset()
            self._idle.append(connection)
        elif not connection.closed and connection.transport is not None:
            connection.transport.close()

    async def request(
        self,
        method: str,
        target: bytes,
        headers: Sequence[tuple[bytes, bytes]],
        body: AsyncIterator[bytes] | None,
    ) -> Response:
        """Sends the request (streaming `body`, chunked unless `headers` has a length) and
        returns once the response head arrived; the caller must consume `Response.body`."""
        chunked = body is not None and not any(k == b"content-length" for k, _ in headers)
        head = _request_head(method, target, headers, self._authority, chunked=chunked)
        connection = self._acquire_idle()
        if connection is not None and body is None:
            # A kept-alive connection the upstream closed meanwhile fails before any byte of
            # the answer; with no body to replay, one retry on a new connection is safe.
            try:
                return await self._exchange(connection, method, head, None, chunked)
            except UpstreamTimeout:
                raise
            except UpstreamError:
                if connection.received_any:
                    raise
            connection = None
        if connection is None:
            connection = await self._connect()
        return await self._exchange(connection, method, head, body, chunked)

    async def _exchange(
        self,
        connection: _Connection,
        method: str,
        head: bytes,
        body: AsyncIterator[bytes] | None,
        chunked: bool,
    ) -> Response:
        try:
            await connection.write(head)
            if body is not None:
                async for chunk in body:
                    if chunk:
                        await connection.write(
                            b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk
                        )
                if chunked:
                    await connection.write(b"0\r\n\r\n")
            status, headers = await connection.head(self._response_timeout)
        except BaseException:
            connection.abort()
            raise
        return Response(
            status,
            headers,
            self._body(connection, expect_body=method != "HEAD"),
            connection.drained,
        )

    async def _body(
        self, connection: _Connection, *, expect_body: bool
    ) -> AsyncGenerator[bytes, None]:
        try:
            async for chunk in connection.body(self._idle_timeout, expect_body=expect_body):
                yield chunk
        except BaseException:
            connection.abort()
            raise
        finally:
            # A body left unread (client gone) leaves the connection mid-response: not reusable.
            if not connection.complete:
                connection.abort()
            self._release(connection)

    def close(self) -> None:
        while self._idle:
            connection = self._idle.pop()
            if connection.transport is not None:
                connection.transport.close()


def _request_head(
    method: str,
    target: bytes,
    headers: Sequence[tuple[bytes, bytes]],
    authority: bytes,
    *,
    chunked: bool,
) -> bytes:
    lines = [b"%s %s HTTP/1.1\r\nhost: %s\r\n" % (method.encode(), target, authority)]
    lines.extend(b"%s: %s\r\n" % (name, value) for name, value in headers)
    if chunked:
        lines.append(b"transfer-encoding: chunked\r\n")
    lines.append(b"\r\n")
    return b"".join(lines)
