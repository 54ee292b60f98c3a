"""The supervisor: runs the workload table (`workloads`) as child processes. It checks every port
is free, starts the workloads layer by layer waiting on their readiness probes (printing who waits
on what), restarts a crashed one with backoff and reports it, and stops them stage by stage with
a grace period each. Called by `reach standalone`; the decisions (order, backoff) are the pure
functions of `workloads`, the process and socket I/O is here.

Children run in their own session, so a Ctrl-C in the terminal reaches only the supervisor,
which then stops them in order instead of all at once. Each child's output goes to
`$REACH_DATA_DIR/standalone/logs/<name>.log`.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import signal
import socket
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import httpx

from reach.standalone.workloads import HOST, Workload, restart_delay, start_layers, stop_stages

Report = Callable[[str], None]
# Seconds between readiness probes while a workload starts, and between progress lines.
PROBE_INTERVAL = 0.2
PROGRESS_INTERVAL = 5.0


class State(StrEnum):
    WAITING = "waiting"
    STARTING = "starting"
    READY = "ready"
    DONE = "done"
    RESTARTING = "restarting"
    STOPPING = "stopping"
    STOPPED = "stopped"
    FAILED = "failed"


class StartError(RuntimeError):
    """A workload cannot start; the message names it (and its port or log)."""


@dataclass
class Child:
    workload: Workload
    log_path: Path
    state: State = State.WAITING
    process: asyncio.subprocess.Process | None = None
    restarts: int = 0
    crashes_in_row: int = 0
    started_at: float = 0.0
    last_exit: int | None = None
    detail: str = ""
    watcher: asyncio.Task[None] | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.workload.name

    def as_dict(self, ports: Mapping[str, int]) -> dict[str, object]:
        return {
            "name": self.name,
            "state": self.state.value,
            "pid": self.process.pid if self.process and self.process.returncode is None else None,
            "ports": {p: ports[p] for p in self.workload.ports},
            "restarts": self.restarts,
            "last_exit": self.last_exit,
            "detail": self.detail,
            "log": str(self.log_path),
        }


def reach_command() -> list[str]:
    """The `reach` CLI of this interpreter, whatever PATH holds."""
    return [sys.executable, "-m", "reach.cli"]


def port_in_use(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return True
            raise
    return False


def progress_line(
    children: Sequence[tuple[str, State, float, str, Sequence[str]]],
) -> str:
    """One line saying which workloads are starting (for how long, and what their probe says)
    and which wait on what; empty once none does. Each child: (name, state, seconds since its
    start, probe detail, needs)."""
    states = {name: state for name, state, *_ in children}
    starting = [
        f"{name} {seconds:.0f} s{f' ({detail})' if detail else ''}"
        for name, state, seconds, detail, _ in sorted(children, key=lambda c: -c[2])
        if state is State.STARTING
    ]
    # Who waits, by what they wait on: thirteen workers waiting on the same jobs is one entry.
    waiting: dict[str, list[str]] = {}
    for name, state, _, _, needs in children:
        if state is State.WAITING:
            unmet = ", ".join(n for n in needs if states[n] not in (State.READY, State.DONE))
            waiting.setdefault(unmet, []).append(name)
    parts = []
    if starting:
        parts.append(f"starting: {_some(starting)}")
    if waiting:
        parts.append(
            "waiting: "
            + "; ".join(f"{_some(names)} <- {unmet}" for unmet, names in waiting.items())
        )
    return " | ".join(parts)


def _some(items: Sequence[str], most: int = 3) -> str:
    shown = ", ".join(items[:most])
    return f"{shown} and {len(items) - most} more" if len(items) > most else shown


def log_tail(path: Path, lines: int = 5) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n    ".join(text.rstrip().splitlines()[-lines:])


class Supervisor:
    def __init__(
        self,
        workloads: Sequence[Workload],
        ports: Mapping[str, int],
        env: Mapping[str, str],
        log_dir: Path,
        *,
        ready_timeout: float,
        grace_seconds: float,
        backoff_initial: float,
        backoff_max: float,
        stable_seconds: float,
        report: Report,
        command: Sequence[str] | None = None,
    ) -> None:
        self.layers = start_layers(workloads)
        self.command = list(command or reach_command())
        self.ports = ports
        self.env = dict(env)
        self.children = {w.name: Child(w, log_dir / f"{w.name}.log") for w in workloads}
        self.log_dir = log_dir
        self.ready_timeout = ready_timeout
        self.grace_seconds = grace_seconds
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.stable_seconds = stable_seconds
        self.report = report
        self.stopping = False
        self._http = httpx.AsyncClient(timeout=2.0)

    def check_ports(self, extra: Mapping[str, int] | None = None) -> None:
        """Raises StartError naming the first port something already listens on."""
        wanted = {p: self.ports[p] for c in self.children.values() for p in c.workload.ports}
        for name, port in {**wanted, **(extra or {})}.items():
            if port_in_use(port):
                raise StartError(
                    f"port {port} ({name}) is already in use on {HOST}: stop what holds it "
                    f"(`ss -ltnp 'sport = :{port}'`) or move it with "
                    f"REACH_STANDALONE_PORTS='{{\"{name}\": <free port>}}'"
                )

    async def start(self) -> None:
        """Starts each workload as soon as what it needs is ready, with a progress line every
        few seconds; raises StartError (after stopping nothing: `stop` does that) when one
        cannot start."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        ready = {name: asyncio.Event() for name in self.children}

        async def bring_up(child: Child) -> None:
            for need in child.workload.needs:
                await ready[need].wait()
            self.report(f"starting {child.name}: reach {' '.join(child.workload.args[:3])}")
            await self._spawn(child)
            await self._until_ready(child)
            ready[child.name].set()

        progress = asyncio.create_task(self._progress())
        tasks = [
            asyncio.create_task(bring_up(self.children[w.name]), name=f"start-{w.name}")
            for layer in self.layers
            for w in layer
        ]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
            for task in done:
                task.result()
        finally:
            progress.cancel()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, progress, return_exceptions=True)
        for child in self.children.values():
            if not child.workload.job:
                child.watcher = asyncio.create_task(self._watch(child), name=f"watch-{child.name}")

    async def _progress(self) -> None:
        while True:
            await asyncio.sleep(PROGRESS_INTERVAL)
            line = progress_line(
                [
                    (c.name, c.state, time.monotonic() - c.started_at, c.detail, c.workload.needs)
                    for c in self.children.values()
                ]
            )
            if line:
                self.report(line)

    async def _spawn(self, child: Child) -> None:
        child.state = State.STARTING
        child.detail = ""
        with child.log_path.open("ab") as log:
            child.process = await asyncio.create_subprocess_exec(
                *self.command,
                *child.workload.args,
                env={**self.env, **child.workload.env},
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
            )
        child.started_at = time.monotonic()

    async def _probe(self, child: Child) -> bool:
        url = child.workload.probe_url(self.ports)
        assert url is not None
        try:
            answer = await self._http.get(url)
        except httpx.ConnectError:
            child.detail = "not listening yet"
            return False
        except httpx.HTTPError as exc:
            child.detail = type(exc).__name__
            return False
        if answer.is_success:
            return True
        child.detail = f"{child.workload.probe} answers {answer.status_code} {answer.text[:120]}"
        return False

    async def _until_ready(self, child: Child) -> None:
        """Returns once `child` is ready (a job: exited 0); raises StartError if it exits or
        the ready timeout passes first."""
        process = child.process
        assert process is not None
        began = time.monotonic()
        while True:
            if process.returncode is not None:
                child.last_exit = process.returncode
                if child.workload.job and process.returncode == 0:
                    child.state = State.DONE
                    self.report(f"{child.name} done ({time.monotonic() - began:.1f} s)")
                    return
                child.state = State.FAILED
                raise StartError(
                    f"{child.name} exited with code {process.returncode} while starting "
                    f"(`reach {' '.join(child.workload.args)[:200]}`); last lines of "
                    f"{child.log_path}:\n    {log_tail(child.log_path)}"
                )
            if not child.workload.job and await self._probe(child):
                child.state = State.READY
                child.detail = ""
                where = child.workload.probe_url(self.ports)
                self.report(f"{child.name} ready ({time.monotonic() - began:.1f} s, {where})")
                return
            if time.monotonic() - began > self.ready_timeout:
                child.state = State.FAILED
                raise StartError(
                    f"{child.name} not ready after {self.ready_timeout:.0f} s: "
                    f"{child.detail or 'still running'}; see {child.log_path}"
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(process.wait()), PROBE_INTERVAL)

    async def _watch(self, child: Child) -> None:
        """Restarts `child` whenever it exits unasked, after the backoff delay."""
        while not self.stopping:
            process = child.process
            assert process is not None
            code = await process.wait()
            if self.stopping:
                return
            child.last_exit = code
            ran = time.monotonic() - child.started_at
            child.crashes_in_row = 1 if ran >= self.stable_seconds else child.crashes_in_row + 1
            delay = restart_delay(
                child.crashes_in_row, initial=self.backoff_initial, maximum=self.backoff_max
            )
            child.state = State.RESTARTING
            child.detail = f"exited with code {code} after {ran:.0f} s"
            self.report(
                f"{child.name} exited with code {code} after {ran:.0f} s; restarting in "
                f"{delay:.0f} s (crash {child.crashes_in_row} in a row, see {child.log_path})"
            )
            await asyncio.sleep(delay)
            if self.stopping:
                return
            child.restarts += 1
            await self._spawn(child)
            try:
                await self._until_ready(child)
            except StartError as exc:
                # It is still down; the next turn of this loop waits for its exit and retries.
                child.state = State.RESTARTING
                child.detail = str(exc).splitlines()[0]
                self.report(child.detail)
                if child.process is not None and child.process.returncode is None:
                    child.process.kill()

    async def stop(self) -> None:
        """Stops the services stage by stage (intake, processing, sinks, stores): SIGTERM, then
        SIGKILL for whatever outlives the grace period."""
        self.stopping = True
        for child in self.children.values():
            if child.watcher is not None:
                child.watcher.cancel()
        for stage in stop_stages([c.workload for c in self.children.values()]):
            await asyncio.gather(*(self._stop_one(self.children[w.name]) for w in stage))
        await self._http.aclose()

    async def _stop_one(self, child: Child) -> None:
        process = child.process
        if process is None or process.returncode is not None:
            if child.state not in (State.DONE, State.FAILED):
                child.state = State.STOPPED
            return
        child.state = State.STOPPING
        began = time.monotonic()
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(process.wait(), self.grace_seconds)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            code = await process.wait()
            self.report(
                f"{child.name} killed: still running {self.grace_seconds:.0f} s after SIGTERM"
            )
        else:
            self.report(f"{child.name} stopped (code {code}, {time.monotonic() - began:.1f} s)")
        child.last_exit = code
        child.state = State.STOPPED

    def status(self) -> list[dict[str, object]]:
        return [c.as_dict(self.ports) for c in self.children.values()]
