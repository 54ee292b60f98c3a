"""`reach clickhouse serve`: the HTTP interface in front of one embedded engine.

Requests become statements (`statements`), which run on one chdb connection: the engine
serializes calls on a folder anyway, and one connection lets the server keep the session
settings and current database it last set, so a client sending the same settings on every
request (clickhouse-connect does) costs no extra call. Data of an INSERT is spooled to a file
before the engine is taken, so a slow upload never holds other requests.

Answers follow the interface: the result in the statement's FORMAT (else `default_format`,
else TabSeparated); `X-ClickHouse-Summary`, `-Query-Id`, `-Format`, `-Timezone` headers; errors
as `Code: N. DB::Exception: ...` with `X-ClickHouse-Exception-Code` and the status ClickHouse
gives that code. Not served: sessions (`session_id` is accepted and ignored; requests share the
engine's one session, so a `SET` statement or a temporary table is seen by all), response
compression (clients get identity encoding) and the native TCP port.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import os
import tempfile
import threading
import time
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import chdb
import lz4.frame
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from reach.clickhouse_server.settings import ClickHouseServerSettings
from reach.clickhouse_server.statements import (
    BadRequest,
    Parameters,
    Statement,
    parse,
    split_parameters,
    statement_text,
)
from reach.common.clickhouse_sql import error_code, quote_identifier, quote_string
from reach.common.lifecycle import Shutdown
from reach.common.webserver import serve_http

log = logging.getLogger(__name__)

READ_VERBS = frozenset({"SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXISTS", "EXPLAIN"})
# The statuses ClickHouse's HTTP handler gives these error codes; every other code is a 500.
_STATUS = {
    **dict.fromkeys((6, 26, 27, 36, 38, 41, 62, 69, 70, 72, 117, 444), 400),
    **dict.fromkeys((46, 47, 50, 60, 73, 81, 115), 404),
    **dict.fromkeys((193, 516), 401),
    **dict.fromkeys((164, 497), 403),
}
_DECODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.decompress,
    "deflate": zlib.decompress,
    "lz4": lz4.frame.decompress,
}


@dataclass(frozen=True)
class Answer:
    body: bytes
    output_format: str | None
    summary: dict[str, str]


class EngineError(RuntimeError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        code = error_code(message)
        self.code = 1000 if code is None else code  # 1000: POCO_EXCEPTION, as ClickHouse reports


class Engine:
    """One chdb connection on `path`. Blocking: the app calls it from a worker thread."""

    def __init__(self, path: Path, spool_dir: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        spool_dir.mkdir(parents=True, exist_ok=True)
        for stale in spool_dir.glob("*.data"):  # left by a server that was killed mid-insert
            stale.unlink()
        self._connection = chdb.connect(str(path))  # type: ignore[no-untyped-call]
        self._spool_dir = spool_dir
        self._lock = threading.Lock()
        self._settings: dict[str, str] = {}
        self._database = "default"
        self.timezone = self._query("SELECT timezone()", "TabSeparated").bytes().decode().strip()

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def execute(self, statement: Statement, parameters: Parameters) -> Answer:
        path = None
        if statement.data is not None:
            fd, path = tempfile.mkstemp(dir=self._spool_dir, suffix=".data")
            with os.fdopen(fd, "wb") as spool:
                spool.write(statement.data)
        try:
            with self._lock:
                self._use(parameters.database or "default")
                self._apply(parameters.settings)
                if path is None:
                    fmt = statement.output_format or parameters.default_format
                    sql = statement.sql
                else:
                    fmt, sql = "TabSeparated", statement.sql_for(path)
                result = self._query(sql, fmt, parameters.query_parameters)
        finally:
            if path is not None:
                os.unlink(path)
        body = result.bytes() or b""
        answers = path is None and (bool(body) or statement.verb in READ_VERBS)
        return Answer(
            body=body,
            output_format=fmt if answers else None,
            summary={
                "read_rows": str(result.rows_read()),
                "read_bytes": str(result.bytes_read()),
                "written_rows": str(result.rows_written()),
                "written_bytes": str(result.bytes_written()),
            },
        )

    def _query(self, sql: str, fmt: str, params: dict[str, str] | None = None) -> Any:
        try:
            return self._connection.query(sql, fmt, params=params or {})
        except Exception as exc:  # chdb raises ChdbError/RuntimeError with ClickHouse's text
            raise EngineError(str(exc)) from None

    def _use(self, database: str) -> None:
        if database != self._database:
            self._query(f"USE {quote_identifier(database)}", "TabSeparated")
            self._database = database

    def _apply(self, wanted: dict[str, str]) -> None:
        changes = [
            f"{k} = {quote_string(v)}" for k, v in wanted.items() if self._settings.get(k) != v
        ]
        changes += [f"{k} = DEFAULT" for k in self._settings if k not in wanted]
        if not changes:
            return
        try:
            self._query("SET " + ", ".join(changes), "TabSeparated")
        except EngineError:
            # A SET that failed part-way leaves unknown state: go back to the defaults.
            known = set(self._settings) | set(wanted)
            self._settings = {}
            if known:
                self._query("SET " + ", ".join(f"{k} = DEFAULT" for k in known), "TabSeparated")
            raise
        self._settings = dict(wanted)


def _error(code: int, message: str, query_id: str) -> Response:
    text = message if message.startswith("Code:") else f"Code: {code}. DB::Exception: {message}"
    return PlainTextResponse(
        text.rstrip() + "\n",
        status_code=_STATUS.get(code, 500),
        headers={"X-ClickHouse-Exception-Code": str(code), "X-ClickHouse-Query-Id": query_id},
    )


def decoded(body: bytes, content_encoding: str) -> bytes:
    encoding = content_encoding.lower()
    if encoding == "identity":
        return body
    if encoding not in _DECODERS:
        raise BadRequest(f"unsupported Content-Encoding {encoding!r}", code=36)
    try:
        return _DECODERS[encoding](body)
    except Exception as exc:  # each codec raises its own error type on corrupt input
        raise BadRequest(f"cannot decode the {encoding} body: {exc}", code=36) from None


def create_app(engine: Engine, *, max_body_bytes: int) -> Starlette:
    async def ping(request: Request) -> Response:
        return PlainTextResponse("Ok.\n")

    async def handle(request: Request) -> Response:
        params = dict(request.query_params)
        query_id = params.get("query_id") or str(uuid.uuid4())
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_body_bytes:
                limit = "REACH_CLICKHOUSE_SERVER_MAX_BODY_BYTES"
                return _error(36, f"request body over {max_body_bytes} bytes ({limit})", query_id)
        try:
            encoding = request.headers.get("content-encoding", "identity")
            text = statement_text(params.get("query"), decoded(bytes(body), encoding))
            if not text.strip() and request.method == "GET":
                return PlainTextResponse("Ok.\n")
            statement = parse(text)
            if request.method == "GET" and statement.verb not in READ_VERBS:
                raise BadRequest("Cannot execute query in readonly mode (GET)", code=164)
            parameters = split_parameters(params)
        except BadRequest as exc:
            return _error(exc.code, str(exc), query_id)
        started = time.perf_counter()
        try:
            answer = await asyncio.to_thread(engine.execute, statement, parameters)
        except EngineError as exc:
            log.info("statement failed: %s", str(exc).splitlines()[0])
            return _error(exc.code, str(exc), query_id)
        headers = {
            "X-ClickHouse-Query-Id": query_id,
            "X-ClickHouse-Timezone": engine.timezone,
            "X-ClickHouse-Summary": json.dumps(
                {**answer.summary, "elapsed_ns": str(int((time.perf_counter() - started) * 1e9))}
            ),
        }
        if answer.output_format:
            headers["X-ClickHouse-Format"] = answer.output_format
        return Response(answer.body, headers=headers, media_type="application/octet-stream")

    return Starlette(
        routes=[Route("/ping", ping), Route("/", handle, methods=["GET", "POST"])],
    )


async def serve(settings: ClickHouseServerSettings, shutdown: Shutdown) -> None:
    path = (settings.data_dir / "clickhouse").resolve()
    own = (settings.data_dir / "clickhouse-server").resolve()
    own.mkdir(parents=True, exist_ok=True)
    # The engine caches schemas sent as text (format_schema_source = 'string') under the working
    # directory, and clickhouse-local takes no setting to move them: work in the server's folder.
    os.chdir(own)
    engine = await asyncio.to_thread(Engine, path, own / "spool")
    log.info(
        "serving ClickHouse's HTTP interface for %s on %s:%d",
        path,
        settings.clickhouse_server_host,
        settings.clickhouse_server_port,
    )
    try:
        await serve_http(
            create_app(engine, max_body_bytes=settings.clickhouse_server_max_body_bytes),
            host=settings.clickhouse_server_host,
            port=settings.clickhouse_server_port,
            shutdown=shutdown,
        )
    finally:
        await asyncio.to_thread(engine.close)
