"""The analytics pipelines in standalone mode: the steps of `reach.pipelines.schedules.PIPELINES`
(the table the Airflow DAGs are built from) on the same cron schedules, each step a `reach ...`
child process as in a DAG task, and the syncs run after a successful dbt build as the DAGs' Asset
schedule does.

Why not Airflow's own scheduler: it needs a metadata database, an API server, a DAG processor and
a scheduler (four processes, ~1 GB more memory and a start that alone would take most of the
minute standalone mode has to be ready in); the commands and schedules are the same table, so
what runs is the same. Differences, deliberate: one pipeline at a time (they share the one
local ClickHouse server, whose single engine session dbt runs must not interleave in), a failed
step is retried twice after `retry_seconds` (the DAGs: twice after one minute, doubling), and
runs are recorded in `$REACH_DATA_DIR/standalone/pipelines.json` instead of Airflow's database.
Called by `reach standalone`; `--run NAME` asks it (through the status endpoint) for a run now.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from croniter import croniter

from reach.pipelines.schedules import Pipeline

# Runs `reach <args>`, killed after the given seconds; returns the exit code.
StepRunner = Callable[[tuple[str, ...], float], Awaitable[int]]
Report = Callable[[str], None]


def next_fire(schedule: str, after: dt.datetime) -> dt.datetime:
    """The first time strictly after `after` that the cron `schedule` fires (UTC)."""
    fire: dt.datetime = croniter(schedule, after.astimezone(dt.UTC)).get_next(dt.datetime)
    return fire


def due(pipelines: Sequence[Pipeline], now: dt.datetime) -> dict[str, dt.datetime]:
    """Each scheduled pipeline's next run after `now`."""
    return {p.dag_id: next_fire(p.schedule, now) for p in pipelines if p.schedule}


def followers_of(pipelines: Sequence[Pipeline], name: str) -> list[Pipeline]:
    """The pipelines that run after `name` succeeds."""
    return [p for p in pipelines if p.after == name]


@dataclass
class Run:
    pipeline: str
    trigger: str
    started_at: str
    finished_at: str | None = None
    ok: bool | None = None
    steps: dict[str, int | None] = field(default_factory=dict)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UnknownPipeline(KeyError):
    def __str__(self) -> str:
        return f"no pipeline named {self.args[0]!r}"


class Scheduler:
    def __init__(
        self,
        pipelines: Sequence[Pipeline],
        run_step: StepRunner,
        state_path: Path,
        *,
        report: Report,
        retries: int = 2,
        retry_seconds: float = 10.0,
    ) -> None:
        self.pipelines = {p.dag_id: p for p in pipelines}
        self.run_step = run_step
        self.state_path = state_path
        self.report = report
        self.retries = retries
        self.retry_seconds = retry_seconds
        self.last: dict[str, Run] = self._load()
        self.running: dict[str, Run] = {}
        self.next: dict[str, dt.datetime] = {}
        self._one_at_a_time = asyncio.Lock()
        self._tasks: set[asyncio.Task[Run]] = set()

    def _load(self) -> dict[str, Run]:
        try:
            saved = json.loads(self.state_path.read_text())
        except (OSError, ValueError):
            return {}
        return {name: Run(**run) for name, run in saved.items() if name in self.pipelines}

    def _save(self) -> None:
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps({k: asdict(v) for k, v in self.last.items()}, indent=1))
        tmp.replace(self.state_path)

    def trigger(self, name: str, trigger: str = "manual") -> bool:
        """Starts a run of `name` in the background unless one is running or queued; True if
        started."""
        if name not in self.pipelines:
            raise UnknownPipeline(name)
        if name in self.running:
            return False
        self.running[name] = Run(name, trigger, started_at="queued")
        task = asyncio.create_task(self._run(name, trigger), name=f"pipeline-{name}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def run(self, name: str, trigger: str = "manual") -> Run:
        """Runs `name` (and what runs after it) now and returns its run."""
        if name not in self.pipelines:
            raise UnknownPipeline(name)
        self.running[name] = Run(name, trigger, started_at="queued")
        return await self._run(name, trigger)

    async def _run(self, name: str, trigger: str) -> Run:
        pipeline = self.pipelines[name]
        try:
            async with self._one_at_a_time:
                run = Run(name, trigger, started_at=_now().isoformat())
                self.running[name] = run
                self.report(f"pipeline {name} started ({trigger})")
                codes = await asyncio.gather(
                    *(self._step(pipeline, args) for args in pipeline.steps.values())
                )
                run.steps = dict(zip(pipeline.steps, codes, strict=True))
                run.ok = all(code == 0 for code in codes)
                run.finished_at = _now().isoformat()
                self.last[name] = run
                self._save()
            failed = [step for step, code in run.steps.items() if code != 0]
            self.report(
                f"pipeline {name} {'succeeded' if run.ok else 'failed: ' + ', '.join(failed)}"
            )
        finally:
            self.running.pop(name, None)
        if run.ok:
            for after in followers_of(list(self.pipelines.values()), name):
                await self._run(after.dag_id, f"after {name}")
        return run

    async def _step(self, pipeline: Pipeline, args: tuple[str, ...]) -> int:
        code = -1
        for attempt in range(self.retries + 1):
            if attempt:
                await asyncio.sleep(self.retry_seconds)
            code = await self.run_step(args, pipeline.timeout_minutes * 60.0)
            if code == 0:
                return 0
            retry = f"; retry in {self.retry_seconds:.0f} s" if attempt < self.retries else ""
            self.report(
                f"pipeline {pipeline.dag_id}: `reach {' '.join(args)}` exited {code}{retry}"
            )
        return code

    async def loop(self) -> None:
        """Fires each scheduled pipeline at its cron times until cancelled; a pipeline still
        running when its time comes again skips that time (the next run rebuilds everything)."""
        scheduled = [p for p in self.pipelines.values() if p.schedule]
        self.next = due(scheduled, _now())
        while True:
            name, when = min(self.next.items(), key=lambda item: item[1])
            await asyncio.sleep(max(0.0, (when - _now()).total_seconds()))
            self.trigger(name, "schedule")
            self.next[name] = next_fire(self.pipelines[name].schedule or "", when)

    async def idle(self) -> None:
        """Returns once no triggered run is left."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def status(self) -> list[dict[str, object]]:
        out: list[dict[str, object]] = []
        for name, pipeline in self.pipelines.items():
            last = self.last.get(name)
            running = self.running.get(name)
            upcoming = self.next.get(name)
            out.append(
                {
                    "name": name,
                    "schedule": pipeline.schedule or f"after {pipeline.after}",
                    "running": running is not None,
                    "next_run": upcoming.isoformat() if upcoming else None,
                    "last_run": asdict(last) if last else None,
                }
            )
        return out


def step_runner(command: Sequence[str], env: Mapping[str, str], log_path: Path) -> StepRunner:
    """Runs each step as `<command> <args>` with `env`, its output appended to `log_path`;
    a step past its timeout is killed (exit code -9)."""

    async def run(args: tuple[str, ...], limit_seconds: float) -> int:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("ab") as out:
            out.write(f"--- {_now().isoformat()} reach {' '.join(args)}\n".encode())
            out.flush()
            process = await asyncio.create_subprocess_exec(
                *command,
                *args,
                env=dict(env),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            return await asyncio.wait_for(asyncio.shield(process.wait()), limit_seconds)
        except TimeoutError:
            process.kill()
            return await process.wait()
        except asyncio.CancelledError:
            process.kill()
            await process.wait()
            raise

    return run
