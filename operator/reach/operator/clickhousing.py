"""ClickHouse statements the operator runs: EventSink tables, FollowerAnalysis results.

A ClickHouse server (http/https, what Kubernetes runs) is reached with clickhouse-connect from a
thread. The embedded engine (chdb://, in tests and on one machine) is never loaded into the
operator: it weighs ~250 MB and allows one process per data folder, which the workloads need.
Its statements run in a short-lived `reach db sql` child process instead; requests that arrive
while one runs are batched into the next, so forty new EventSinks cost a few processes, not
forty.
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass, field
from typing import Any

from reach.common import clickhouse


class ClickHouseError(RuntimeError):
    pass


def _http(url: str, statements: list[str]) -> list[list[list[Any]]]:
    client = clickhouse.get_client(dsn=url)
    try:
        return [[list(r) for r in client.query(s).result_rows] for s in statements]
    finally:
        client.close()


@dataclass
class _Batch:
    waiting: list[tuple[list[str], asyncio.Future[list[list[list[Any]]]]]] = field(
        default_factory=list
    )
    running: asyncio.Task[None] | None = None


@dataclass
class ClickHouse:
    _batches: dict[str, _Batch] = field(default_factory=dict)

    async def run(self, url: str, statements: list[str]) -> list[list[list[Any]]]:
        """Rows of each statement; a failing statement raises ClickHouseError with its message
        (the other statements of the batch are unaffected)."""
        if not clickhouse.is_embedded(url):
            try:
                return await asyncio.to_thread(_http, url, statements)
            except Exception as exc:  # the driver raises several unrelated types
                raise ClickHouseError(str(exc)) from exc
        batch = self._batches.setdefault(url, _Batch())
        future: asyncio.Future[list[list[list[Any]]]] = asyncio.get_running_loop().create_future()
        batch.waiting.append((statements, future))
        if batch.running is None:
            batch.running = asyncio.create_task(self._drain(url, batch))
        return await future

    async def _drain(self, url: str, batch: _Batch) -> None:
        try:
            while batch.waiting:
                taken, batch.waiting = batch.waiting, []
                flat = [s for statements, _ in taken for s in statements]
                try:
                    results = await _child(url, flat)
                except Exception as exc:
                    for _, future in taken:
                        future.set_exception(ClickHouseError(str(exc)))
                    continue
                offset = 0
                for statements, future in taken:
                    mine = results[offset : offset + len(statements)]
                    offset += len(statements)
                    errors = [r["error"] for r in mine if "error" in r]
                    if errors:
                        future.set_exception(ClickHouseError("; ".join(errors)))
                    else:
                        future.set_result([r["rows"] for r in mine])
        finally:
            batch.running = None


async def _child(url: str, statements: list[str]) -> list[dict[str, Any]]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "reach.cli", "db", "sql", "--url", url, "--json",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate(json.dumps(statements).encode())
    if process.returncode != 0:
        raise ClickHouseError(f"reach db sql exited {process.returncode}: {err.decode()[-500:]}")
    results: list[dict[str, Any]] = json.loads(out)
    return results
