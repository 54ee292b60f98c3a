"""`reach standalone` put together: settings -> ports and workload table -> supervisor, status
endpoint and pipeline schedule -> optional demo -> the ready banner -> wait for SIGINT/SIGTERM ->
stop the schedule, then the workloads in order. Called by `reach.cli.standalone`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from reach.common.lifecycle import Shutdown
from reach.common.webserver import serve_http
from reach.pipelines.schedules import PIPELINES
from reach.standalone import demo
from reach.standalone.scheduling import Scheduler, step_runner
from reach.standalone.settings import StandaloneSettings
from reach.standalone.statusing import banner, status_app
from reach.standalone.supervising import Report, StartError, Supervisor, reach_command
from reach.standalone.workloads import (
    HOST,
    TUNING,
    Secrets,
    default_ports,
    resolve_ports,
    shared_environment,
    url,
    workload_table,
)

STATE_FOLDER = "standalone"


@dataclass(frozen=True)
class Started:
    """The started workloads as the demo and the banner reach them: their ports, the `reach`
    command and environment that run steps against them, and where progress is reported."""

    ports: Mapping[str, int]
    command: Sequence[str]
    env: Mapping[str, str]
    report: Report


def state_dir(settings: StandaloneSettings) -> Path:
    return settings.data_dir.resolve() / STATE_FOLDER


def load_secrets(folder: Path) -> Secrets:
    """The gateway's and the API's secrets of this data folder, made on first start."""
    path = folder / "secrets.json"
    try:
        return Secrets(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        made = Secrets(secrets.token_urlsafe(32), secrets.token_urlsafe(32))
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(made.__dict__))
        path.chmod(0o600)
        return made


def ports_of(settings: StandaloneSettings) -> dict[str, int]:
    return resolve_ports(default_ports(), settings.standalone_ports)


def examples(ports: Mapping[str, int], handle: str) -> list[str]:
    """The three copy-paste requests of the banner: a profile, a leaderboard, an event."""
    gateway, ingest = url(ports, "gateway"), url(ports, "ingest-http")
    auth = '-H "Authorization: Bearer $TOKEN"'
    return [
        f"curl -s {auth} {gateway}/discovery-service/api/profile/instagram/{handle}",
        f"curl -s {auth} {gateway}/leaderboard-service/api/leaderboard/instagram",
        f"curl -s -X POST {ingest}/branch/event -H 'Content-Type: application/json' "
        '-d \'{"id": "demo-1", "name": "PURCHASE", "user_data": {"os": "Android"}}\'',
    ]


async def session_token(command: Sequence[str], env: Mapping[str, str], partner: int) -> str:
    """A PRO session for the demo partner from `reach gateway session create`."""
    process = await asyncio.create_subprocess_exec(
        *command,
        "gateway",
        "session",
        "create",
        "--partner",
        str(partner),
        "--user",
        "demo",
        "--plan",
        "PRO",
        env=dict(env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(
            f"reach gateway session create exited {process.returncode}: "
            f"{err.decode(errors='replace').strip()[-300:]}"
        )
    return out.decode().strip().splitlines()[-1]


def _report(line: str) -> None:
    print(f"[standalone {time.strftime('%H:%M:%S')}] {line}", flush=True)


async def run(
    settings: StandaloneSettings,
    flows: Sequence[str],
    sinks: Sequence[str],
    *,
    seed_demo: bool,
    report: Report = _report,
) -> int:
    """Runs the platform until SIGINT/SIGTERM; returns the exit code (2: could not start)."""
    folder = state_dir(settings)
    ports = ports_of(settings)
    own_clickhouse = settings.clickhouse_url is None
    table = workload_table(
        ports, flows, sinks, own_clickhouse=own_clickhouse, skip=settings.standalone_skip
    )
    env = {
        **TUNING,
        **os.environ,
        "REACH_DATA_DIR": str(settings.data_dir.resolve()),
        **shared_environment(
            ports,
            load_secrets(folder),
            clickhouse_url=settings.clickhouse_url,
            data_dir=settings.data_dir.resolve(),
        ),
    }
    command = reach_command()
    supervisor = Supervisor(
        table,
        ports,
        env,
        folder / "logs",
        ready_timeout=settings.standalone_ready_timeout_seconds,
        grace_seconds=settings.standalone_grace_seconds,
        backoff_initial=settings.standalone_backoff_initial_seconds,
        backoff_max=settings.standalone_backoff_max_seconds,
        stable_seconds=settings.standalone_stable_seconds,
        report=report,
    )
    scheduler = Scheduler(
        PIPELINES,
        step_runner(command, env, folder / "logs" / "pipelines.log"),
        folder / "pipelines.json",
        report=report,
    )
    shutdown = Shutdown()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, shutdown.request, sig.name)
    background: list[asyncio.Task[None]] = []
    began = time.monotonic()
    try:
        supervisor.check_ports({"status": ports["status"]})
        background.append(
            asyncio.create_task(
                serve_http(
                    status_app(supervisor.status, scheduler),
                    host=HOST,
                    port=ports["status"],
                    shutdown=shutdown,
                    graceful_seconds=1,
                )
            )
        )
        starting = asyncio.create_task(supervisor.start())
        stopping = asyncio.create_task(shutdown.wait())
        await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():
            starting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await starting
            report("stop requested while starting")
            return 1
        stopping.cancel()
        starting.result()
        report(f"all workloads ready in {time.monotonic() - began:.1f} s")
        partner = await demo.ensure_partner(str(settings.postgres_dsn))
        if settings.standalone_schedule:
            background.append(asyncio.create_task(scheduler.loop()))

        async def then_banner() -> None:
            # With --demo the banner waits for the seeding, so its curl commands show data.
            started = Started(ports, command, env, report)
            if seed_demo:
                await _demo(settings, started, scheduler)
            await _print_banner(started, partner)

        background.append(asyncio.create_task(then_banner()))
        await shutdown.wait()
        return 0
    except StartError as exc:
        report(f"error: {exc}")
        return 2
    finally:
        shutdown.request("stopping")
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
        await scheduler.close()
        report("stopping: intake first, sinks and stores last")
        await supervisor.stop()
        report("stopped")


async def _print_banner(started: Started, partner: int) -> None:
    ports = started.ports
    token: str | None = None
    error: str | None = None
    try:
        token = await session_token(started.command, started.env, partner)
    except RuntimeError as exc:
        error = str(exc)
    urls = {
        "dashboard": f"{url(ports, 'gateway')}/",
        "gateway (use this)": url(ports, "gateway"),
        "API (behind the gateway)": f"{url(ports, 'api')}/docs",
        "ingestion gRPC": f"{HOST}:{ports['ingest-grpc']}",
        "ingestion webhooks": url(ports, "ingest-http"),
        "scraper API": url(ports, "scraper-api"),
        "sandbox upstreams": url(ports, "sandbox"),
        "ClickHouse (HTTP)": url(ports, "clickhouse"),
        "status": f"{url(ports, 'status')}/status",
    }
    try:
        async with httpx.AsyncClient(base_url=url(ports, "sandbox"), timeout=5) as client:
            handle = (await client.get("/_sandbox/creators", params={"limit": 1})).json()[0]
    except (httpx.HTTPError, ValueError, IndexError):
        handle = "HANDLE"
    print(banner(urls, token, error, examples(ports, handle)), flush=True)
    started.report("ready")


async def _demo(settings: StandaloneSettings, started: Started, scheduler: Scheduler) -> None:
    ports, report = started.ports, started.report
    run_step = step_runner(started.command, started.env, state_dir(settings) / "logs" / "demo.log")

    async def run_pipelines() -> bool:
        # dbt_core is followed by sync_core; the daily and weekly marts come after the core ones.
        outcomes = [
            await scheduler.run(name, "demo") for name in ("dbt_core", "dbt_daily", "dbt_weekly")
        ]
        return all(o.ok for o in outcomes)

    try:
        await demo.seed(
            sandbox=url(ports, "sandbox"),
            scraper_api=url(ports, "scraper-api"),
            creators=settings.standalone_demo_creators,
            limit_seconds=settings.standalone_demo_timeout_seconds,
            run_command=lambda args: run_step(args, 600.0),
            run_pipelines=run_pipelines,
            marker=state_dir(settings) / "demo-seeded",
            report=report,
        )
    except (OSError, TimeoutError, RuntimeError) as exc:
        report(f"demo: not seeded: {exc}")
    except Exception as exc:  # the platform keeps running whatever the demo hit
        report(f"demo: not seeded: {type(exc).__name__}: {exc}")
        print(exc, file=sys.stderr)
