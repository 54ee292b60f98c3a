"""Copies a ClickHouse table or query into a PostgreSQL table and swaps it in atomically
(`reach pipelines sync NAME`; the Airflow DAG sync_core and the operator's Leaderboard and
TableSync CronJobs run that command).

A sync reads the source once (one consistent snapshot), ordered by the target's primary key, as
ClickHouse TabSeparated row blocks, and streams them into a text COPY (asyncpg) of a new table,
spread over two connections so PostgreSQL parses on two cores. ClickHouse's TSV escapes and
`\\N` nulls are PostgreSQL's text COPY format, so no row passes through Python objects (a binary
COPY of decoded Arrow batches managed about 100K rows/s); column expressions
(`tables.inferred_column`) render the values whose text differs (arrays, maps, DateTime). The
primary key and indexes are then built in parallel (the ordered load makes the key's sort
nearly free), and in one transaction the old table is dropped and the new one (and its
indexes) renamed into its place. Readers see the old table until that transaction commits and
the new one after; they wait at most the lock timeout while it runs, and a swap that cannot get
its lock in time is retried. A sync that fails at any step drops its new table and leaves the
old one serving. One sync per target runs at a time (an advisory lock), so the tables a killed
sync left behind can be dropped by the next one.

A partitioned sync (a Leaderboard resource's ranking: `SyncSpec.partition`) loads the same way,
then in one transaction deletes the target's rows of its partition and inserts the new ones;
readers see the partition's old rows until it commits, and other partitions' rows are never
touched. One sync per partition runs at a time; the replacing transactions of one table take
turns (a transaction-level advisory lock), which also makes the first one's CREATE TABLE IF NOT
EXISTS safe.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import re
import time
import uuid
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterator,
    Sequence,
)
from dataclasses import dataclass

import asyncpg
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import ClickHouseError

from reach.common import clickhouse
from reach.pipelines.settings import PipelinesSettings
from reach.pipelines.tables import (
    Column,
    SpecError,
    SyncSpec,
    create_table_sql,
    index_name,
    inferred_column,
    primary_key_name,
    qualified_source,
    quote_pg,
    source_sql,
    staging_index_name,
    staging_name,
)

log = logging.getLogger(__name__)

# Bytes handed to each COPY message: large enough that per-message overhead vanishes, small
# enough that the read-ahead buffer stays small.
_CHUNK_BYTES = 1 << 20
# Connections COPYing at once: PostgreSQL parses each COPY on one core, and the small nodes this
# runs on have two.
_LOADERS = 2
# Connections building indexes at once: each CREATE INDEX sorts on one core, and the small nodes
# this runs on have two.
_INDEX_BUILDERS = 2
# Index sorts that fit in memory run several times faster than external merges; this is per
# builder connection and only for the duration of the build.
_INDEX_MAINTENANCE_WORK_MEM = "256MB"
_COPY_STATUS = re.compile(r"^COPY (\d+)$")
# The comment a sync puts on its new table until the swap: how the next sync of the same
# target finds what a killed one left behind.
_STAGING_COMMENT = "reach pipelines sync: staging table for {scope}"
_RETRYABLE_SWAP_ERRORS = (asyncpg.LockNotAvailableError, asyncpg.DeadlockDetectedError)


class SyncError(RuntimeError):
    """The sync did not replace the target; the old table (if any) still serves."""


@dataclass(frozen=True)
class SyncResult:
    name: str
    target: str
    rows: int
    seconds: float


# ClickHouse side --------------------------------------------------------------------------


def describe_source(client: Client, spec: SyncSpec, default_database: str) -> list[tuple[str, str]]:
    """(name, ClickHouse type) of each column the source yields."""
    if spec.source_table is not None:
        sql = f"DESCRIBE TABLE {qualified_source(spec.source_table, default_database)}"
    else:
        sql = f"DESCRIBE ({(spec.source_query or '').strip().rstrip(';')})"
    return [(str(row[0]), str(row[1])) for row in client.query(sql).result_rows]


def resolve_columns(spec: SyncSpec, described: list[tuple[str, str]]) -> tuple[Column, ...]:
    """The declared columns, or every source column with an inferred PostgreSQL type."""
    if spec.columns is not None:
        return spec.columns
    columns = tuple(inferred_column(name, ch_type) for name, ch_type in described)
    spec.check_keys([c.name for c in columns])
    return columns


def reads_final(client: Client, spec: SyncSpec, default_database: str) -> bool:
    """Whether reading the source table needs FINAL: the merging engines (Replacing, Summing,
    Collapsing, ...) hold unmerged versions of a key until a background merge."""
    if spec.source_table is None:
        return False
    database, _, table = spec.source_table.rpartition(".")
    rows = client.query(
        "SELECT engine FROM system.tables WHERE database = {db:String} AND name = {t:String}",
        parameters={"db": database or default_database, "t": table},
    ).result_rows
    if not rows:
        raise SyncError(f"source table {spec.source_table} does not exist")
    engine = str(rows[0][0])
    return engine.endswith("MergeTree") and engine not in ("MergeTree", "ReplicatedMergeTree")


def tsv_chunks(client: Client, sql: str, chunk_bytes: int) -> Generator[bytes, None, None]:
    """The rows of `sql` as ClickHouse TabSeparated bytes, in chunks of about `chunk_bytes` that
    need not end at a row boundary (COPY reassembles rows across messages)."""
    stream = client.raw_stream(sql, fmt="TabSeparated")
    if isinstance(stream, io.IOBase):
        # The embedded engine hands back a file; iterating it would yield one line at a time.
        with stream:
            while chunk := stream.read(chunk_bytes):
                yield chunk
    else:
        with stream:
            yield from stream


# PostgreSQL side --------------------------------------------------------------------------


def _advisory_key(scope: str) -> str:
    return f"reach.pipelines.sync:{scope}"


def _table_lock_key(target: str) -> str:
    return f"reach.pipelines.sync-table:{target}"


async def _drop_leftovers(conn: asyncpg.Connection, scope: str) -> None:
    leftovers = await conn.fetch(
        """
        SELECT c.relname
        FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind = 'r'
          AND obj_description(c.oid, 'pg_class') = $1
        """,
        _STAGING_COMMENT.format(scope=scope),
    )
    for row in leftovers:
        log.warning("dropping %s, left behind by an interrupted sync of %s", row[0], scope)
        await conn.execute(f"DROP TABLE IF EXISTS {quote_pg(row[0])}")


async def _target_has_rows(conn: asyncpg.Connection, spec: SyncSpec) -> bool:
    """Whether the target holds rows the sync would replace (its partition's, if it has one)."""
    exists = await conn.fetchval("SELECT to_regclass(quote_ident($1)) IS NOT NULL", spec.target)
    if not exists:
        return False
    if spec.partition_column is None:
        return bool(await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {quote_pg(spec.target)})"))
    return bool(
        await conn.fetchval(
            f"SELECT EXISTS (SELECT 1 FROM {quote_pg(spec.target)}"
            f" WHERE {quote_pg(spec.partition_column)} = $1)",
            spec.partition,
        )
    )


def swap_statements(
    spec: SyncSpec,
    staging: str,
    grants: Sequence[tuple[str, str]],
    comment: str,
) -> list[str]:
    """The statements of the swap transaction, after `SET LOCAL lock_timeout`: carry the old
    table's grants over, drop it, rename the new table and its indexes to their final names."""
    target = quote_pg(spec.target)
    statements = [
        f"GRANT {privilege} ON {quote_pg(staging)} TO "
        + ("PUBLIC" if grantee == "PUBLIC" else quote_pg(grantee))
        for grantee, privilege in grants
    ]
    statements += [
        f"DROP TABLE IF EXISTS {target}",
        f"ALTER TABLE {quote_pg(staging)} RENAME TO {target}",
    ]
    if spec.primary_key:
        statements.append(
            f"ALTER TABLE {target} RENAME CONSTRAINT {quote_pg(primary_key_name(staging))} "
            f"TO {quote_pg(primary_key_name(spec.target))}"
        )
    for number, index in enumerate(spec.indexes):
        statements.append(
            f"ALTER INDEX {quote_pg(staging_index_name(staging, number))} "
            f"RENAME TO {quote_pg(index_name(spec.target, index))}"
        )
    statements.append(f"COMMENT ON TABLE {target} IS {_pg_literal(comment)}")
    return statements


def _pg_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


async def _grants(conn: asyncpg.Connection, target: str) -> list[tuple[str, str]]:
    rows = await conn.fetch(
        """
        SELECT grantee, privilege_type FROM information_schema.table_privileges
        WHERE table_schema = current_schema() AND table_name = $1 AND grantee <> current_user
        """,
        target,
    )
    return [(str(r["grantee"]), str(r["privilege_type"])) for r in rows]


def partition_statements(
    spec: SyncSpec, staging: str, columns: tuple[Column, ...]
) -> list[tuple[str, tuple[str, ...]]]:
    """The statements (with their arguments) of a partitioned sync's transaction, after
    `SET LOCAL lock_timeout` and the table's advisory lock: create the target if it is new,
    delete the partition's rows and insert the new ones from the staging table."""
    target = quote_pg(spec.target)
    names = ", ".join(quote_pg(c.name) for c in columns)
    create = create_table_sql(
        spec.target, columns, not_null=spec.primary_key, primary_key=spec.primary_key,
        if_not_exists=True,
    )  # fmt: skip
    statements: list[tuple[str, tuple[str, ...]]] = [(create, ())]
    statements += [
        (
            f"CREATE INDEX IF NOT EXISTS {quote_pg(index_name(spec.target, index))} ON {target} "
            f"({', '.join(quote_pg(c) for c in index.columns)})",
            (),
        )
        for index in spec.indexes
    ]
    statements += [
        (
            f"DELETE FROM {target} WHERE {quote_pg(spec.partition_column or '')} = $1",
            (spec.partition or "",),
        ),
        (f"INSERT INTO {target} ({names}) SELECT {names} FROM {quote_pg(staging)}", ()),
    ]
    return statements


async def _swap(
    conn: asyncpg.Connection, spec: SyncSpec, staging: str, settings: PipelinesSettings
) -> None:
    comment = f"Synced by `reach pipelines sync {spec.name}`; replaced as a whole by each sync."

    async def swap() -> None:
        grants = await _grants(conn, spec.target)
        for statement in swap_statements(spec, staging, grants, comment):
            await conn.execute(statement)

    await _with_lock_retries(conn, spec, settings, swap)


async def _replace_partition(
    conn: asyncpg.Connection,
    spec: SyncSpec,
    staging: str,
    columns: tuple[Column, ...],
    settings: PipelinesSettings,
) -> None:
    async def replace() -> None:
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", _table_lock_key(spec.target)
        )
        for statement, args in partition_statements(spec, staging, columns):
            await conn.execute(statement, *args)

    await _with_lock_retries(conn, spec, settings, replace)


async def _with_lock_retries(
    conn: asyncpg.Connection,
    spec: SyncSpec,
    settings: PipelinesSettings,
    statements: Callable[[], Awaitable[None]],
) -> None:
    """Runs `statements` in a transaction whose lock waits are bounded by the lock timeout,
    retried a few times when a lock was not granted in time."""
    for attempt in range(1, settings.sync_swap_attempts + 1):
        try:
            async with conn.transaction():
                await conn.execute(f"SET LOCAL lock_timeout = {settings.sync_lock_timeout_ms}")
                await statements()
            return
        except _RETRYABLE_SWAP_ERRORS as exc:
            log.warning(
                "swap of %s: attempt %d/%d: %s",
                spec.scope(),
                attempt,
                settings.sync_swap_attempts,
                exc,
            )
            await asyncio.sleep(0.1 * attempt)
    raise SyncError(
        f"could not lock {spec.scope()} within {settings.sync_lock_timeout_ms} ms in "
        f"{settings.sync_swap_attempts} attempts; the old table still serves"
    )


async def _read_ahead(chunks: Iterator[bytes]) -> AsyncGenerator[bytes, None]:
    """`chunks` read in a thread (ClickHouse calls block), the next one while COPY sends the
    current one."""

    def next_chunk() -> bytes | None:
        return next(chunks, None)

    pending: asyncio.Future[bytes | None] = asyncio.ensure_future(asyncio.to_thread(next_chunk))
    try:
        while (chunk := await pending) is not None:
            pending = asyncio.ensure_future(asyncio.to_thread(next_chunk))
            yield chunk
    finally:
        if not pending.done():
            await asyncio.wait([pending])


def whole_rows(chunks: Iterator[bytes]) -> Generator[bytes, None, None]:
    """`chunks` re-cut at row ends, so that consecutive chunks can go to different COPYs: in
    TabSeparated a raw newline only ever ends a row (one inside a value is escaped)."""
    rest = b""
    for chunk in chunks:
        cut = chunk.rfind(b"\n") + 1
        if cut == 0:
            rest += chunk
            continue
        yield rest + chunk[:cut]
        rest = chunk[cut:]
    if rest:
        yield rest


async def _load(
    conns: Sequence[asyncpg.Connection],
    staging: str,
    columns: tuple[Column, ...],
    chunks: Iterator[bytes],
) -> int:
    """COPYs the TSV `chunks` into `staging`, spread over `conns` so PostgreSQL parses on as
    many cores while ClickHouse reads the source once (one consistent snapshot); the number of
    rows copied."""
    queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=2 * len(conns))

    async def feed() -> None:
        # Closed here, not whenever it is collected: when a COPY fails, this task is cancelled
        # and the ClickHouse read in flight must finish before the caller closes the stream.
        async with contextlib.aclosing(_read_ahead(whole_rows(chunks))) as blocks:
            async for chunk in blocks:
                await queue.put(chunk)
        for _ in conns:
            await queue.put(None)

    async def drain() -> AsyncIterator[bytes]:
        while (chunk := await queue.get()) is not None:
            yield chunk

    async def copy(conn: asyncpg.Connection) -> int:
        status = await conn.copy_to_table(
            staging, source=drain(), columns=[c.name for c in columns], format="text"
        )
        match = _COPY_STATUS.match(str(status))
        if match is None:
            raise SyncError(f"unexpected COPY status {status!r}")
        return int(match.group(1))

    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(feed())
            copies = [group.create_task(copy(conn)) for conn in conns]
    except ExceptionGroup as errors:
        raise errors.exceptions[0] from errors
    return sum(task.result() for task in copies)


async def _connect(
    settings: PipelinesSettings, purpose: str, **server_settings: str
) -> asyncpg.Connection:
    conn: asyncpg.Connection = await asyncpg.connect(
        str(settings.postgres_dsn),
        server_settings={
            "application_name": f"reach-pipelines-sync:{purpose}",
            "statement_timeout": str(settings.sync_statement_timeout_ms),
            "TimeZone": "UTC",
            **server_settings,
        },
    )
    return conn


async def sync(
    spec: SyncSpec,
    settings: PipelinesSettings,
    *,
    client: Client | None = None,
    allow_empty: bool = False,
) -> SyncResult:
    """Runs one sync to completion, or raises SyncError with the old table (if any) untouched.
    Without `client`, a ClickHouse client for the settings is opened and closed around it."""
    try:
        return await _sync(spec, settings, client=client, allow_empty=allow_empty)
    except (asyncpg.PostgresError, asyncpg.InterfaceError, ClickHouseError, OSError) as exc:
        raise SyncError(
            f"sync {spec.name} into {spec.target} failed, the old table still serves: "
            f"{type(exc).__name__}: {exc}"
        ) from exc


async def _sync(
    spec: SyncSpec, settings: PipelinesSettings, *, client: Client | None, allow_empty: bool
) -> SyncResult:
    if spec.partition_column is not None and spec.partition is None:
        raise SpecError(
            f"{spec.name} replaces one partition ({spec.partition_column}) of {spec.target}: "
            "name it (--partition)"
        )
    started = time.monotonic()
    own_client = client is None
    if client is None:
        client = clickhouse.get_client(settings)
    staging = staging_name(spec.target, uuid.uuid4().hex[:10])
    try:
        conn = await _connect(settings, spec.name)
    except BaseException:
        if own_client:
            client.close()
        raise
    try:
        locked = await conn.fetchval(
            "SELECT pg_try_advisory_lock(hashtextextended($1, 0))", _advisory_key(spec.scope())
        )
        if not locked:
            raise SyncError(f"another sync of {spec.scope()} is running")
        await _drop_leftovers(conn, spec.scope())
        database = settings.dbt_schema
        described = await asyncio.to_thread(describe_source, client, spec, database)
        columns = resolve_columns(spec, described)
        final = await asyncio.to_thread(reads_final, client, spec, database)
        await conn.execute(create_table_sql(staging, columns, not_null=spec.primary_key))
        await conn.execute(
            f"COMMENT ON TABLE {quote_pg(staging)} IS "
            + _pg_literal(_STAGING_COMMENT.format(scope=spec.scope()))
        )
        sql = source_sql(spec, columns, database, final=final, block_rows=settings.sync_batch_rows)
        chunks = tsv_chunks(client, sql, _CHUNK_BYTES)
        try:
            loaders = [await _connect(settings, f"{spec.name}:copy") for _ in range(_LOADERS - 1)]
            try:
                rows = await _load([conn, *loaders], staging, columns, chunks)
            finally:
                for loader in loaders:
                    await loader.close()
        finally:
            chunks.close()
        if rows == 0 and not allow_empty and await _target_has_rows(conn, spec):
            raise SyncError(
                f"the source of {spec.name} returned no rows; {spec.scope()} keeps its rows "
                "(allow an empty result to replace them anyway)"
            )
        if spec.partition is None:
            await _build_keys(conn, spec, staging, settings)
            await _swap(conn, spec, staging, settings)
        else:
            await _replace_partition(conn, spec, staging, columns, settings)
        return SyncResult(spec.name, spec.target, rows, time.monotonic() - started)
    finally:
        try:
            # After a swap the staging name is gone and this does nothing.
            await conn.execute(f"DROP TABLE IF EXISTS {quote_pg(staging)}")
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
            log.warning("could not drop %s (the next sync will): %s", staging, exc)
        await conn.close()
        if own_client:
            client.close()


def build_statements(spec: SyncSpec, staging: str) -> list[str]:
    """Statements that may run at once on separate connections after the load: the primary
    key's unique index, the other indexes, and the statistics readers' plans need."""
    table = quote_pg(staging)
    statements = []
    if spec.primary_key:
        key = ", ".join(quote_pg(c) for c in spec.primary_key)
        statements.append(
            f"CREATE UNIQUE INDEX {quote_pg(primary_key_name(staging))} ON {table} ({key})"
        )
    for number, index in enumerate(spec.indexes):
        columns = ", ".join(quote_pg(c) for c in index.columns)
        statements.append(
            f"CREATE INDEX {quote_pg(staging_index_name(staging, number))} ON {table} ({columns})"
        )
    statements.append(f"ANALYZE {table}")
    return statements


async def _build_keys(
    conn: asyncpg.Connection, spec: SyncSpec, staging: str, settings: PipelinesSettings
) -> None:
    """Builds the indexes in parallel (CREATE INDEX and ANALYZE take locks that do not conflict
    with each other), then makes the unique index the primary key: instant, as its columns were
    created NOT NULL."""
    queue = list(reversed(build_statements(spec, staging)))

    async def builder() -> None:
        worker = await _connect(
            settings, f"{spec.name}:index", maintenance_work_mem=_INDEX_MAINTENANCE_WORK_MEM
        )
        try:
            while queue:
                await worker.execute(queue.pop())
        finally:
            await worker.close()

    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(min(_INDEX_BUILDERS, len(queue))):
                group.create_task(builder())
    except ExceptionGroup as errors:
        # The first failure (a duplicate key, say) is the one worth reporting.
        raise errors.exceptions[0] from errors
    if spec.primary_key:
        name = quote_pg(primary_key_name(staging))
        await conn.execute(
            f"ALTER TABLE {quote_pg(staging)} ADD CONSTRAINT {name} PRIMARY KEY USING INDEX {name}"
        )
