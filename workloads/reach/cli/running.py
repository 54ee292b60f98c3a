"""Helpers every verb uses to start and to stop: settings that fail readably, an error exit with
its message, and running a workload (logging set up once, SIGTERM wired, uvloop for the
network-bound ones)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer
from pydantic_settings import BaseSettings

from reach.common.settings import SettingsError, load_settings

if TYPE_CHECKING:
    from reach.common.lifecycle import Shutdown

S = TypeVar("S", bound=BaseSettings)


def fail(message: str, code: int = 2) -> NoReturn:
    """Ends the command with `error: <message>` on stderr and exit `code`: 2 for a command line,
    a setting or an input it refuses, 1 for work that failed."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code) from None


@contextmanager
def failing_on(*errors: type[Exception], code: int = 2) -> Iterator[None]:
    """Turns one of `errors` raised inside into `fail` with its message."""
    try:
        yield
    except errors as exc:
        fail(str(exc), code)


def settings_or_exit(model: type[S]) -> S:
    """The settings, or exit code 2 with the variables at fault on stderr."""
    try:
        return load_settings(model)
    except SettingsError as exc:
        fail(str(exc))


# A process's main coroutine: it runs until the Shutdown it is given is set.
Workload = Callable[["Shutdown"], Awaitable[None]]


def run_workload(main: Workload, *, uvloop: bool = False) -> None:
    """Sets up logging and runs `main` until SIGTERM or SIGINT (`main` drains, then returns).
    With `uvloop`, on uvloop: its faster event loop is worth ~10% more requests/s on HTTP and
    serves grpc.aio as well."""
    from reach.common.lifecycle import run_until_shutdown
    from reach.common.logs import configure_logging

    configure_logging()
    if not uvloop:
        asyncio.run(run_until_shutdown(main))
        return
    import uvloop as loops

    with asyncio.Runner(loop_factory=loops.new_event_loop) as runner:
        runner.run(run_until_shutdown(main))


def serves_http(
    app: typer.Typer, port_help: str, *, uvloop: bool = False
) -> Callable[[Callable[[int | None], Workload]], Callable[[int | None], Workload]]:
    """Declares the decorated function as the command of `app` named after it (its docstring the
    help) that serves an HTTP workload on `--port` until SIGTERM. The function is given the port
    (None: the settings' own), reads its settings and returns the workload to run; it imports
    what it needs itself, so the CLI starts without it."""

    def declare(workload: Callable[[int | None], Workload]) -> Callable[[int | None], Workload]:
        def command(port: int | None = None) -> None:
            run_workload(workload(port), uvloop=uvloop)

        # This module's annotations are strings that cannot name `port_help`, so it is set here.
        command.__annotations__["port"] = Annotated[int | None, typer.Option(help=port_help)]
        app.command(workload.__name__, help=workload.__doc__)(command)
        return workload

    return declare
