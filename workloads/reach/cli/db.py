"""`reach db`: schema migrations for PostgreSQL and ClickHouse."""

from __future__ import annotations

import asyncio

import typer

from reach.cli.running import settings_or_exit

app = typer.Typer(no_args_is_help=True, help="Database schema.")


@app.command()
def migrate(
    postgres: bool = typer.Option(True, help="Migrate PostgreSQL."),
    clickhouse: bool = typer.Option(True, help="Migrate ClickHouse."),
) -> None:
    """Apply pending migrations (idempotent) and report what was applied."""
    from reach.common import clickhouse as ch
    from reach.common.migrations import MigrationError, migrate_clickhouse, migrate_postgres
    from reach.common.settings import StoreSettings

    settings = settings_or_exit(StoreSettings)

    async def run_postgres() -> list[str]:
        import asyncpg

        conn = await asyncpg.connect(str(settings.postgres_dsn))
        try:
            return [m.label for m in await migrate_postgres(conn)]
        finally:
            await conn.close()

    try:
        if postgres:
            _report("PostgreSQL", asyncio.run(run_postgres()))
        if clickhouse:
            client = ch.get_client(settings)
            try:
                _report("ClickHouse", [m.label for m in migrate_clickhouse(client)])
            finally:
                client.close()
    except MigrationError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


def _report(store: str, applied: list[str]) -> None:
    if applied:
        typer.echo(f"{store}: applied {', '.join(applied)}")
    else:
        typer.echo(f"{store}: up to date")
