"""`reach pipelines`: the analytics pipelines. `dbt ARGS` runs the dbt project in this process,
`sync NAME` copies a ClickHouse mart into its PostgreSQL serving table with an atomic swap, and
`enqueue assets` asks the scraper API for asset uploads. Airflow's DAGs and the operator's
Platform, Leaderboard and TableSync CronJobs run these commands; a failed one posts to
REACH_SLACK_WEBHOOK_URL when it is set (Airflow's failure callback posts for the DAGs)."""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, ParamSpec

import typer

from reach.cli.running import fail, failing_on, settings_or_exit

app = typer.Typer(
    no_args_is_help=True, help="dbt builds, ClickHouse -> PostgreSQL syncs, enqueues."
)
P = ParamSpec("P")


def _alerting(command: Callable[P, None]) -> Callable[P, None]:
    """Posts a failure of `command` (an error exit, a usage error, a crash) to Slack; without
    Airflow nothing else would tell anyone a scheduled run failed."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except typer.Exit as exc:
            if exc.exit_code:
                _alert(command.__name__, kwargs, f"exit code {exc.exit_code}")
            raise
        except Exception as exc:
            _alert(command.__name__, kwargs, f"{type(exc).__name__}: {exc}")
            raise

    return run


def _alert(name: str, params: dict[str, Any], outcome: str) -> None:
    from reach.common.settings import SettingsError, load_settings
    from reach.pipelines.alerting import post_failure
    from reach.pipelines.settings import PipelinesSettings

    try:
        webhook = load_settings(PipelinesSettings).slack_webhook_url
    except SettingsError:
        return  # the command reported the malformed settings itself
    words = ["reach", "pipelines", name]
    for value in params.values():
        if isinstance(value, typer.Context):
            words += value.args  # dbt's own arguments
    shown = {k: v for k, v in params.items() if v is not None and not isinstance(v, typer.Context)}
    text = f":red_circle: `{' '.join(words)}` failed ({outcome}); {json.dumps(shown, default=str)}"
    post_failure(webhook.get_secret_value() if webhook else None, text)


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)
@_alerting
def dbt(ctx: typer.Context) -> None:
    """Run dbt with the given arguments against the configured ClickHouse and PostgreSQL, e.g.
    `reach pipelines dbt build --select tag:core`. Exits with dbt's exit code."""
    from reach.pipelines.settings import PipelinesSettings
    from reach.pipelines.transforming import run_dbt

    settings = settings_or_exit(PipelinesSettings)
    outcome = run_dbt(ctx.args, settings)
    if outcome.error:
        fail(outcome.error, outcome.exit_code)
    raise typer.Exit(outcome.exit_code)


@app.command()
@_alerting
def sync(
    name: Annotated[str, typer.Argument(help="A declared sync, or any name with --config.")],
    target: Annotated[
        str | None, typer.Option(help="PostgreSQL table to replace instead of the declared one.")
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(help="A TableSync's sync.yaml (source query/table, target table, keys)."),
    ] = None,
    partition: Annotated[
        str | None,
        typer.Option(
            help="Replace only this partition's rows (a Leaderboard's name, for "
            "leaderboard_ranking); required by the syncs that take one."
        ),
    ] = None,
    allow_empty: Annotated[
        bool, typer.Option(help="Replace a table that has rows even when the source has none.")
    ] = False,
) -> None:
    """Copy a ClickHouse table or query into a PostgreSQL table and swap it in atomically; print
    the rows copied and the time taken as JSON."""
    from reach.common.configfiles import ConfigFileError, read_yaml
    from reach.common.logs import configure_logging
    from reach.pipelines.definitions import SYNCS
    from reach.pipelines.settings import PipelinesSettings
    from reach.pipelines.syncing import SyncError
    from reach.pipelines.syncing import sync as run_sync
    from reach.pipelines.tables import SpecError, spec_from_config

    settings = settings_or_exit(PipelinesSettings)
    configure_logging()
    with failing_on(SpecError, ConfigFileError):
        if config is not None:
            spec = spec_from_config(name, read_yaml(config))
        elif name in SYNCS:
            spec = SYNCS[name]
        else:
            raise typer.BadParameter(
                f"no sync named {name!r} (declared: {', '.join(sorted(SYNCS))}); "
                "give --config for another",
                param_hint="NAME",
            )
        if target is not None:
            spec = spec.with_target(target)
        if partition is not None:
            spec = spec.with_partition(partition)
    # A SpecError found once the source's columns are known (a key column it lacks, a type with
    # no PostgreSQL counterpart) will not go away on a retry, hence the usage exit code.
    with failing_on(SpecError), failing_on(SyncError, code=1):
        result = asyncio.run(run_sync(spec, settings, allow_empty=allow_empty))
    typer.echo(
        json.dumps(
            {
                "sync": result.name,
                "target": result.target,
                "rows": result.rows,
                "seconds": round(result.seconds, 3),
            }
        )
    )


@app.command()
@_alerting
def enqueue(
    kind: Annotated[
        str,
        typer.Argument(
            help="assets: media not yet stored (stale profiles: `reach scraper enqueue` with "
            "stale_after_hours)."
        ),
    ],
    scraper_url: Annotated[
        str | None, typer.Option(help="Scraper API base URL (default REACH_SCRAPER_API_URL).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="Most tasks per platform and kind.")] = 1000,
) -> None:
    """Enqueue periodic scraper tasks through the scraper API; print the counts per flow as
    JSON. Exits 1 if any request failed (the DAG's retry then re-asks; duplicates are absorbed)."""
    import asyncpg
    import httpx

    from reach.pipelines import enqueueing
    from reach.pipelines.settings import PipelinesSettings

    if kind != "assets":
        raise typer.BadParameter(
            "assets (stale profiles: reach scraper enqueue --flow F --params "
            "'{\"stale_after_hours\": N}')",
            param_hint="KIND",
        )
    settings = settings_or_exit(PipelinesSettings)

    async def main() -> enqueueing.EnqueueSummary:
        conn = await asyncpg.connect(str(settings.postgres_dsn))
        try:
            requests = await enqueueing.missing_assets(conn, limit)
        finally:
            await conn.close()
        base_url = scraper_url or str(settings.scraper_api_url)
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            return await enqueueing.post_requests(client, requests, settings.enqueue_concurrency)

    summary = asyncio.run(main())
    typer.echo(json.dumps({"kind": kind, **summary.as_dict()}))
    if summary.failed:
        raise typer.Exit(1)
