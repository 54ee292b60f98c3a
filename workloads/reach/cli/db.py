"""`reach db`: schema migrations for PostgreSQL and ClickHouse, ClickHouse statements, and the
tables' sizes (`table-sizes`, what the `table_sizes` pipeline reports)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from reach.cli.running import fail, failing_on, settings_or_exit

if TYPE_CHECKING:
    import asyncpg
    from clickhouse_connect.driver.client import Client

    from reach.common.settings import StoreSettings

T = TypeVar("T")

app = typer.Typer(no_args_is_help=True, help="Database schema.")


def _on_postgres(settings: StoreSettings, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    """Runs `work` on one connection to the settings' PostgreSQL."""
    import asyncpg

    async def run() -> T:
        conn = await asyncpg.connect(str(settings.postgres_dsn))
        try:
            return await work(conn)
        finally:
            await conn.close()

    return asyncio.run(run())


def _on_clickhouse(settings: StoreSettings, work: Callable[[Client], T]) -> T:
    """Runs `work` with a client of the settings' ClickHouse."""
    from reach.common import clickhouse as ch

    client = ch.get_client(settings)
    try:
        return work(client)
    finally:
        client.close()


@app.command()
def migrate(
    postgres: bool = typer.Option(True, help="Migrate PostgreSQL."),
    clickhouse: bool = typer.Option(True, help="Migrate ClickHouse."),
) -> None:
    """Apply pending migrations (idempotent) and report what was applied."""
    from reach.common.migrations import MigrationError, migrate_clickhouse, migrate_postgres
    from reach.common.settings import StoreSettings

    settings = settings_or_exit(StoreSettings)
    with failing_on(MigrationError, code=1):
        if postgres:
            _report("PostgreSQL", [m.label for m in _on_postgres(settings, migrate_postgres)])
        if clickhouse:
            _report("ClickHouse", [m.label for m in _on_clickhouse(settings, migrate_clickhouse)])


@app.command()
def sql(
    statements: Annotated[list[str] | None, typer.Argument(help="Statements to run.")] = None,
    url: Annotated[str | None, typer.Option(help="ClickHouse URL (default: settings).")] = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Read a JSON array of statements from stdin; print a JSON array of "
            '{"rows": [...]} or {"error": "..."}, one per statement.',
        ),
    ] = False,
) -> None:
    """Run ClickHouse statements and print their rows (tab-separated unless --json)."""
    import json
    import sys

    from reach.common import clickhouse as ch
    from reach.common.settings import StoreSettings

    dsn = url or settings_or_exit(StoreSettings).clickhouse_dsn
    todo = json.load(sys.stdin) if as_json else list(statements or [])
    client = ch.get_client(dsn=dsn)
    results: list[dict[str, object]] = []
    try:
        for statement in todo:
            try:
                rows = [list(r) for r in client.query(statement).result_rows]
            except Exception as exc:  # every failure is reported per statement
                results.append({"error": str(exc).strip().splitlines()[0][:1000]})
            else:
                results.append({"rows": rows})
    finally:
        client.close()
    if as_json:
        typer.echo(json.dumps(results, default=str))
        return
    for result in results:
        if "error" in result:
            fail(str(result["error"]), code=1)
        for row in result["rows"]:  # type: ignore[attr-defined]
            typer.echo("\t".join(str(v) for v in row))


@app.command("table-sizes")
def table_sizes() -> None:
    """Rows and bytes of every PostgreSQL and ClickHouse table, as one JSON array."""
    import dataclasses
    import json

    from reach.common.settings import StoreSettings
    from reach.common.sizes import clickhouse_sizes, postgres_sizes

    settings = settings_or_exit(StoreSettings)
    sizes = _on_postgres(settings, postgres_sizes) + _on_clickhouse(settings, clickhouse_sizes)
    typer.echo(json.dumps([dataclasses.asdict(s) for s in sizes]))


def _report(store: str, applied: list[str]) -> None:
    if applied:
        typer.echo(f"{store}: applied {', '.join(applied)}")
    else:
        typer.echo(f"{store}: up to date")
