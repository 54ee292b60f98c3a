"""Workers against a real PostgreSQL: every task done exactly once across workers, a killed
worker's task retried after its lease (and a worker killed mid-batch losing none and completing
none twice; a private PostgreSQL crashing under working workers losing none), SIGTERM releasing
or finishing held tasks, NOTIFY waking idle workers, crashes of a flow costing retries."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import textwrap
from collections import Counter
from collections.abc import Sequence

import asyncpg
import pytest

from reach.common.lifecycle import Shutdown
from reach.common.migrations import migrate_postgres
from reach.common.postgres import create_pool
from reach.common.settings import StoreSettings
from reach.scraper.queue.manager import TaskManager
from reach.scraper.queue.models import Complete, Finished, NewTask, Outcome, Task, TaskStatus
from reach.scraper.queue.waking import Waker
from reach.scraper.queue.worker import Worker, WorkerConfig, retry_delay
from reach.testing.polling import eventually
from reach.testing.postgres import PrivatePostgres

pytestmark = pytest.mark.service


async def count(pool: asyncpg.Pool, status: str) -> int:
    return int(
        await pool.fetchval("SELECT count(*) FROM scrape_request_log WHERE status = $1", status)
    )


async def run_until(pool: asyncpg.Pool, workers: Sequence[Worker], status: str, tasks: int) -> None:
    """Runs `workers` until `tasks` tasks have `status`, then shuts them down and waits for them."""
    shutdown = Shutdown()
    running = [asyncio.create_task(w.run(shutdown)) for w in workers]

    async def reached() -> bool:
        return await count(pool, status) == tasks

    await eventually(reached, f"{tasks} tasks {status}")
    shutdown.request()
    await asyncio.gather(*running)


def config(**overrides: float) -> WorkerConfig:
    values: dict[str, float] = {
        "concurrency": 8,
        "claim_batch": 10,
        "lease_seconds": 30,
        "heartbeat_seconds": 0.2,
        "poll_seconds": 0.2,
        "drain_seconds": 5,
        "retry_backoff_seconds": 0,
    }
    values.update(overrides)
    return WorkerConfig(flow="f", **values)  # type: ignore[arg-type]


async def test_n_workers_process_m_tasks_exactly_once(
    manager: TaskManager, pool: asyncpg.Pool
) -> None:
    ids = await manager.enqueue_many([NewTask("f", {"i": i}) for i in range(400)])
    seen: Counter[int] = Counter()

    async def handler(task: Task) -> Outcome:
        seen[task.id] += 1
        await asyncio.sleep(0)
        return Complete(source="test", result={"i": task.params["i"]})

    workers = [Worker(manager, config(), handler, worker_id=f"w{n}") for n in range(4)]
    await run_until(pool, workers, "COMPLETE", len(ids))
    assert sorted(seen) == sorted(ids)
    assert set(seen.values()) == {1}
    by_worker = await pool.fetch("SELECT worker_id, count(*) FROM scrape_request_log GROUP BY 1")
    assert sum(r["count"] for r in by_worker) == 400


_CRASHING = textwrap.dedent(
    """
    import asyncio, sys
    from reach.common.lifecycle import Shutdown
    from reach.common.postgres import create_pool
    from reach.common.settings import StoreSettings
    from reach.scraper.queue.manager import TaskManager
    from reach.scraper.queue.worker import Worker, WorkerConfig

    async def main() -> None:
        pool = await create_pool(StoreSettings(), "crashing", dsn=sys.argv[1])
        async def hang(task):
            print("started", task.id, flush=True)
            await asyncio.sleep(3600)
        config = WorkerConfig(flow="f", lease_seconds=1.0, heartbeat_seconds=0.3, poll_seconds=0.2)
        await Worker(TaskManager(pool), config, hang, worker_id="doomed").run(Shutdown())

    asyncio.run(main())
    """
)


async def test_a_killed_workers_task_is_retried_after_its_lease(
    manager: TaskManager, pool: asyncpg.Pool, postgres_dsn: str
) -> None:
    task = await manager.enqueue(NewTask("f", {"n": 1}))
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _CRASHING,
        postgres_dsn,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), 60)
        assert line.decode().split() == ["started", str(task.id)]
    finally:
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
    row = await manager.get(task.id)
    assert row is not None and row["status"] == "PROCESSING" and row["worker_id"] == "doomed"

    done: list[Task] = []

    async def handler(t: Task) -> Outcome:
        done.append(t)
        return Complete(source="test")

    await run_until(pool, [Worker(manager, config(), handler, worker_id="survivor")], "COMPLETE", 1)
    row = await manager.get(task.id)
    assert row is not None
    assert (row["status"], row["worker_id"], row["retry_count"]) == ("COMPLETE", "survivor", 1)
    assert [t.id for t in done] == [task.id]


_KILLED_MID_BATCH = textwrap.dedent(
    """
    import asyncio, sys
    from reach.common.lifecycle import Shutdown
    from reach.common.postgres import create_pool
    from reach.common.settings import StoreSettings
    from reach.scraper.queue.manager import TaskManager
    from reach.scraper.queue.models import Complete
    from reach.scraper.queue.worker import Worker, WorkerConfig

    async def main() -> None:
        pool = await create_pool(StoreSettings(), "doomed", dsn=sys.argv[1])
        async def half(task):
            if task.params["i"] % 2 == 0:
                return Complete(source="doomed")
            print("holding", task.id, flush=True)
            await asyncio.sleep(3600)
        config = WorkerConfig(flow="f", concurrency=6, claim_batch=10, lease_seconds=1.0,
                              heartbeat_seconds=0.3, poll_seconds=0.2, retry_backoff_seconds=0)
        await Worker(TaskManager(pool), config, half, worker_id="doomed").run(Shutdown())

    asyncio.run(main())
    """
)


async def test_a_worker_killed_mid_batch_loses_no_task_and_completes_none_twice(
    manager: TaskManager, pool: asyncpg.Pool, postgres_dsn: str
) -> None:
    ids = await manager.enqueue_many([NewTask("f", {"i": i}) for i in range(60)])
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _KILLED_MID_BATCH, postgres_dsn,
        stdout=asyncio.subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        for _ in range(6):  # its whole concurrency is held by tasks that never finish
            line = await asyncio.wait_for(proc.stdout.readline(), 60)
            assert line.startswith(b"holding"), line
    finally:
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
    held = await pool.fetch(
        "SELECT id FROM scrape_request_log WHERE status = 'PROCESSING' AND worker_id = 'doomed'"
    )
    by_doomed = await pool.fetch(
        "SELECT id FROM scrape_request_log WHERE status = 'COMPLETE' AND worker_id = 'doomed'"
    )
    assert len(held) >= 6 and by_doomed

    seen: Counter[int] = Counter()

    async def handler(task: Task) -> Outcome:
        seen[task.id] += 1
        return Complete(source="survivor")

    survivors = [Worker(manager, config(lease_seconds=1.0), handler, worker_id=f"s{n}")
                 for n in range(2)]  # fmt: skip
    await run_until(pool, survivors, "COMPLETE", len(ids))
    rows = await pool.fetch("SELECT id, worker_id, retry_count, status FROM scrape_request_log")
    assert sorted(r["id"] for r in rows) == sorted(ids)  # none lost
    assert {r["status"] for r in rows} == {"COMPLETE"}
    doomed = {r["id"] for r in by_doomed}
    # Completed once: nothing the killed worker finished ran again, everything else ran once.
    assert set(seen) == set(ids) - doomed and set(seen.values()) == {1}
    assert {r["id"] for r in held} <= set(seen)
    assert all(r["retry_count"] == 1 for r in rows if r["id"] in {h["id"] for h in held})


async def test_sigterm_releases_what_does_not_finish_in_the_drain(
    manager: TaskManager, pool: asyncpg.Pool
) -> None:
    task = await manager.enqueue(NewTask("f", {}))
    started = asyncio.Event()

    async def hang(_: Task) -> Outcome:
        started.set()
        await asyncio.sleep(3600)
        return Complete()

    shutdown = Shutdown()
    running = asyncio.create_task(Worker(manager, config(drain_seconds=0.1), hang).run(shutdown))
    await asyncio.wait_for(started.wait(), 30)
    shutdown.request()
    await running
    row = await manager.get(task.id)
    assert row is not None and (row["status"], row["retry_count"]) == ("PENDING", 0)


async def test_sigterm_lets_running_tasks_finish(manager: TaskManager) -> None:
    task = await manager.enqueue(NewTask("f", {}))
    started, release = asyncio.Event(), asyncio.Event()

    async def slow(_: Task) -> Outcome:
        started.set()
        await release.wait()
        return Complete(source="test")

    shutdown = Shutdown()
    running = asyncio.create_task(Worker(manager, config(drain_seconds=30), slow).run(shutdown))
    await asyncio.wait_for(started.wait(), 30)
    shutdown.request()
    release.set()
    await running
    row = await manager.get(task.id)
    assert row is not None and row["status"] == "COMPLETE"


async def test_notify_wakes_an_idle_worker(
    manager: TaskManager, pool: asyncpg.Pool, postgres_dsn: str
) -> None:
    shutdown = Shutdown()
    waker = Waker(postgres_dsn)
    done = asyncio.Event()

    async def handler(_: Task) -> Outcome:
        done.set()
        return Complete()

    # The fallback poll is far longer than the wait below: only the NOTIFY can wake it.
    worker = Worker(manager, config(poll_seconds=600, heartbeat_seconds=600), handler, waker=waker)
    listening = asyncio.create_task(waker.run(shutdown))
    await asyncio.wait_for(waker.listening.wait(), 30)
    running = asyncio.create_task(worker.run(shutdown))
    await asyncio.sleep(0.2)  # let it claim nothing and go idle
    # A plain INSERT, as an Airflow DAG would write: the trigger notifies.
    await pool.execute("INSERT INTO scrape_request_log (flow) VALUES ('f')")
    await asyncio.wait_for(done.wait(), 30)
    shutdown.request()
    await asyncio.gather(running, listening)


async def test_a_crashing_flow_costs_retries_then_fails_and_is_reported(
    manager: TaskManager, pool: asyncpg.Pool
) -> None:
    task = await manager.enqueue(NewTask("f", {}, max_retries=1))
    reported: list[Finished] = []

    async def broken(_: Task) -> Outcome:
        raise ValueError("bug in a flow")

    async def report(finished: Sequence[Finished]) -> None:
        reported.extend(finished)

    await run_until(pool, [Worker(manager, config(), broken, on_finished=report)], "FAILED", 1)
    assert [(f.id, f.status) for f in reported] == [
        (task.id, TaskStatus.PENDING),
        (task.id, TaskStatus.FAILED),
    ]
    row = await manager.get(task.id)
    assert row is not None and row["error"] == "gave up after 1 retries: ValueError: bug in a flow"


def test_retry_delay_doubles_and_is_capped() -> None:
    assert [retry_delay(10, n) for n in range(4)] == [10, 20, 40, 80]
    assert retry_delay(10, 30) == 3600


async def test_a_worker_abandons_a_task_another_worker_took(manager: TaskManager) -> None:
    task = await manager.enqueue(NewTask("f", {}))
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def hang(_: Task) -> Outcome:
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return Complete()

    shutdown = Shutdown()
    worker = Worker(manager, config(heartbeat_seconds=600, drain_seconds=0.1), hang)
    running = asyncio.create_task(worker.run(shutdown))
    await asyncio.wait_for(started.wait(), 30)
    # As if its lease had run out and another worker had reclaimed and claimed the task.
    await manager.pool.execute(
        "UPDATE scrape_request_log SET worker_id = 'other' WHERE id = $1", task.id
    )
    await worker.beat()
    await asyncio.wait_for(cancelled.wait(), 30)
    assert worker.held == []
    shutdown.request()
    await running
    row = await manager.get(task.id)
    assert row is not None and (row["status"], row["worker_id"]) == ("PROCESSING", "other")


async def test_postgresql_crashing_under_working_workers_loses_no_task(
    base_settings: StoreSettings,
) -> None:
    """Three workers run 300 tasks on a private PostgreSQL that crashes (immediate stop) and
    comes back mid-run: every task ends COMPLETE, none is lost, and only tasks in flight at the
    crash may run a second time (their completion could not be recorded)."""
    server = PrivatePostgres()
    try:
        await asyncio.to_thread(server.start)
        conn = await asyncpg.connect(server.dsn())
        await migrate_postgres(conn)
        await conn.close()
        pool = await create_pool(base_settings, "outage", dsn=server.dsn(), max_size=12)
        try:
            await _through_a_crash(server, pool)
        finally:
            await pool.close()
    finally:
        await asyncio.to_thread(server.close)


async def _through_a_crash(server: PrivatePostgres, pool: asyncpg.Pool) -> None:
    manager = TaskManager(pool)
    ids = await manager.enqueue_many([NewTask("f", {"i": i}) for i in range(300)])
    runs: Counter[int] = Counter()

    async def handler(task: Task) -> Outcome:
        runs[task.id] += 1
        await asyncio.sleep(0.1)
        return Complete(source="test")

    shutdown = Shutdown()
    workers = [Worker(manager, config(lease_seconds=2.0, concurrency=4), handler,
                      worker_id=f"w{n}") for n in range(3)]  # fmt: skip
    running = [asyncio.create_task(w.run(shutdown)) for w in workers]

    async def some_done() -> bool:
        return len(runs) >= 60

    await eventually(some_done, "60 tasks run")
    await asyncio.to_thread(server.crash)
    assert len(runs) < len(ids)  # the crash came mid-run
    await asyncio.sleep(1)
    await asyncio.to_thread(server.start)

    async def all_complete() -> bool:
        try:
            return await count(pool, "COMPLETE") == len(ids)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            return False

    await eventually(all_complete, "every task complete", seconds=120)
    shutdown.request()
    await asyncio.gather(*running)
    rows = await pool.fetch("SELECT id, status FROM scrape_request_log")
    assert sorted(r["id"] for r in rows) == sorted(ids)
    assert {r["status"] for r in rows} == {"COMPLETE"}
    assert set(runs) == set(ids)
    twice = [i for i, n in runs.items() if n > 1]
    assert len(twice) <= 3 * 4 * 2, twice  # at most what the workers held around the crash
