"""`reach scraper`: queue workers (`worker`), the HTTP API (`api`), the AMQP listeners
(`listen`), the scheduled enqueuer (`enqueue`), queue statistics (`stats`) and health
(`queue-health`), and source credentials (`credentials`)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from reach.cli.running import (
    Workload,
    fail,
    failing_on,
    run_workload,
    serves_http,
    settings_or_exit,
)

if TYPE_CHECKING:
    import asyncpg

    from reach.scraper.settings import ScraperSettings

T = TypeVar("T")

app = typer.Typer(no_args_is_help=True, help="Scraping: task queue, flows, sources, API.")
credentials_app = typer.Typer(no_args_is_help=True, help="Credentials of the upstream sources.")
app.add_typer(credentials_app, name="credentials")


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError as exc:
        fail(f"{what} is not JSON: {exc}")
    if not isinstance(value, dict):
        fail(f"{what} must be a JSON object")
    return value


@app.command()
def worker(
    flow: Annotated[
        list[str],
        typer.Option(
            help="The flow this worker runs; repeated, one worker per flow in this process "
            "(standalone mode). A ScrapeFlow's pod runs one."
        ),
    ],
    concurrency: Annotated[
        int | None, typer.Option(min=1, help="Tasks in flight [REACH_SCRAPER_CONCURRENCY].")
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(help="Flow config (sources, rate limits), as a ScrapeFlow mounts."),
    ] = None,
    probe_port: Annotated[
        int | None,
        typer.Option(help="Port of /healthz, /readyz, /metrics [REACH_SCRAPER_PROBE_PORT]."),
    ] = None,
) -> None:
    """Run the flows' tasks until SIGTERM; running tasks finish or are released."""
    from reach.scraper.flowconfig import FlowConfigError
    from reach.scraper.flows import UnknownFlow, get_flow
    from reach.scraper.running import run_worker
    from reach.scraper.settings import ScraperSettings

    settings = settings_or_exit(ScraperSettings)
    with failing_on(UnknownFlow):
        for name in flow:
            get_flow(name)
    port = settings.scraper_probe_port if probe_port is None else probe_port
    with failing_on(FlowConfigError):
        run_workload(
            lambda shutdown: run_worker(
                settings,
                flow,
                shutdown,
                concurrency=concurrency,
                config_path=config,
                probe_port=port,
            )
        )


@serves_http(app, "Port [REACH_SCRAPER_API_PORT].")
def api(port: int | None) -> Workload:
    """Serve the scraper API: enqueue tasks, read them, queue statistics."""
    from reach.scraper.running import serve_api
    from reach.scraper.settings import ScraperSettings

    settings = settings_or_exit(ScraperSettings)
    return lambda shutdown: serve_api(settings, shutdown, port=port)


@app.command()
def listen(
    probe_port: Annotated[
        int | None, typer.Option(help="Port of the probes [REACH_SCRAPER_PROBE_PORT].")
    ] = None,
) -> None:
    """Act on the listeners' RabbitMQ messages: credential, keyword-collection and sentiment
    requests become tasks, identity tokens update credentials, sentiment reports are sent."""
    from reach.scraper.running import run_listeners
    from reach.scraper.settings import ScraperSettings

    settings = settings_or_exit(ScraperSettings)
    port = settings.scraper_probe_port if probe_port is None else probe_port
    run_workload(lambda shutdown: run_listeners(settings, shutdown, probe_port=port))


@app.command()
def enqueue(
    flow: Annotated[str, typer.Option(help="The flow to add tasks to.")],
    params: Annotated[
        str,
        typer.Option(
            help="The task's params as JSON; with stale_after_hours (every flow with a default "
            "cadence) one task per stored thing not refreshed for that long."
        ),
    ] = "{}",
    priority: Annotated[int, typer.Option(min=-100, max=100)] = 0,
) -> None:
    """Add tasks (what a ScrapeFlow's schedule runs); prints how many were new."""
    from reach.scraper.enqueueing import BadRequest, scheduled_tasks
    from reach.scraper.flows import UnknownFlow
    from reach.scraper.queue.manager import TaskManager
    from reach.scraper.settings import ScraperSettings

    settings = settings_or_exit(ScraperSettings)
    values = _json_object(params, "--params")

    async def run(pool: asyncpg.Pool) -> tuple[int, int]:
        tasks = await scheduled_tasks(pool, flow, values, priority=priority)
        created = await TaskManager(pool).enqueue_many(tasks)
        return len(tasks), len(created)

    try:
        asked, created = _on_pool(settings, "reach-scraper-enqueue", run, max_size=2)
    except (UnknownFlow, BadRequest) as exc:
        detail = getattr(exc, "errors", None)
        fail(f"{exc}{f' {detail}' if detail else ''}")
    typer.echo(json.dumps({"flow": flow, "tasks": asked, "created": created}))


def _on_pool(
    settings: ScraperSettings,
    application: str,
    work: Callable[[asyncpg.Pool], Awaitable[T]],
    max_size: int = 1,
) -> T:
    """Runs `work` on a pool of `max_size` connections to the scraper's PostgreSQL, named
    `application`."""
    from reach.common.postgres import create_pool

    async def run() -> T:
        pool = await create_pool(settings, application, max_size=max_size)
        try:
            return await work(pool)
        finally:
            await pool.close()

    return asyncio.run(run())


@app.command()
def stats() -> None:
    """Tasks by flow and status, with the oldest due pending task's age (JSON lines)."""
    from reach.scraper.queue.manager import TaskManager
    from reach.scraper.settings import ScraperSettings

    settings = settings_or_exit(ScraperSettings)
    for row in _on_pool(settings, "reach-scraper-stats", lambda pool: TaskManager(pool).stats()):
        typer.echo(json.dumps(dataclasses.asdict(row), default=str))


def _report(rows: list[Any], trouble: list[str], what: str) -> None:
    """Prints `rows` as one JSON object; exit 1 naming `trouble` when there is any, so the
    operational pipeline's run fails and alerts."""
    typer.echo(json.dumps({"rows": rows, what: trouble}, default=str))
    if trouble:
        fail(f"{what}: {', '.join(trouble)}", code=1)


@app.command("queue-health")
def queue_health(
    max_queued_age_minutes: Annotated[
        float, typer.Option(min=0, help="Exit 1 when a flow's oldest due task waited longer.")
    ] = 60,
) -> None:
    """Per flow: tasks queued, running and failed, and the oldest due queued task's age (JSON);
    exit 1 when a flow's oldest due task is older than the threshold."""
    from reach.scraper import monitoring
    from reach.scraper.queue.manager import TaskManager
    from reach.scraper.settings import ScraperSettings

    settings = settings_or_exit(ScraperSettings)

    async def stats(pool: asyncpg.Pool) -> list[monitoring.FlowHealth]:
        return monitoring.queue_health(await TaskManager(pool).stats())

    health = _on_pool(settings, "reach-scraper-queue-health", stats)
    _report(
        [dataclasses.asdict(h) for h in health],
        monitoring.overdue(health, max_queued_age_minutes * 60),
        "overdue",
    )


@credentials_app.command("stale")
def stale_credentials(
    unused_hours: Annotated[
        float, typer.Option(min=0, help="An enabled credential unused this long is stale.")
    ] = 72,
) -> None:
    """Credentials disabled, or enabled and unused past the threshold (JSON); exit 1 when
    there is any."""
    from reach.scraper import monitoring
    from reach.scraper.settings import ScraperSettings

    stale = _on_pool(
        settings_or_exit(ScraperSettings),
        "reach-scraper-credentials",
        lambda pool: monitoring.stale_credentials(pool, unused_hours * 3600),
    )
    _report(
        [dataclasses.asdict(c) for c in stale], [f"{c.source}/{c.name}" for c in stale], "stale"
    )


@credentials_app.command("add")
def add_credential(
    source: Annotated[str, typer.Argument(help="graphapi, rapidapi-instagram, youtube, openai")],
    name: Annotated[str, typer.Argument(help="A name unique within the source.")],
    secrets: Annotated[str, typer.Option(help='The secrets as JSON, e.g. {"key": "..."}')],
) -> None:
    """Store a credential (enabled) without checking it; `validate_credential` tasks check."""
    from reach.scraper.credentials import CredentialStore
    from reach.scraper.settings import ScraperSettings

    settings = settings_or_exit(ScraperSettings)
    values = _json_object(secrets, "--secrets")

    async def put(pool: asyncpg.Pool) -> int:
        store = CredentialStore(
            pool,
            quota_cooldown_s=settings.credential_quota_cooldown_seconds,
            auth_cooldown_s=settings.credential_auth_cooldown_seconds,
        )
        return await store.put(source, name, values)

    credential_id = _on_pool(settings, "reach-scraper-credentials", put)
    typer.echo(json.dumps({"source": source, "name": name, "id": credential_id}))
