"""Queue throughput: enqueue + claim + complete of N no-op tasks with 8 workers, for
reach.scraper's queue and for PgQueuer (a PostgreSQL queue from PyPI, on asyncpg too), on the
same PostgreSQL server, in one run, each on a fresh database.

Both sides get the same shape of work: one producer enqueues in batches of 500 while the 8
workers (coroutines in this process, each with its own connections) claim in batches of 100
and complete; the clock runs from the first enqueue until every task is recorded done.

    .venv/bin/python bench/queue_throughput.py [--tasks 40000]

Prints one JSON line: tasks_per_s, peer, peer_tasks_per_s and what was measured.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import time
import uuid
from datetime import timedelta
from importlib.metadata import version

import asyncpg
from pgqueuer import AsyncpgDriver, Job, Queries, QueueManager

from reach.common.lifecycle import Shutdown
from reach.common.migrations import migrate_postgres
from reach.common.postgres import create_pool
from reach.common.settings import StoreSettings
from reach.scraper.queue.manager import TaskManager
from reach.scraper.queue.models import Complete, NewTask, Outcome, Task
from reach.scraper.queue.worker import Worker, WorkerConfig

WORKERS = 8
ENQUEUE_BATCH = 500
CLAIM_BATCH = 100


def _dsn(admin: str, database: str) -> str:
    return f"{admin.rpartition('/')[0]}/{database}"


async def _fresh_database(admin: str) -> str:
    name = f"reach_bench_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f"CREATE DATABASE {name}")
    finally:
        await conn.close()
    return name


async def _drop_database(admin: str, name: str) -> None:
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await conn.close()


async def _until(event: asyncio.Event, workers: list[asyncio.Task[None]]) -> None:
    """Waits for `event`; a worker that dies first fails the run instead of hanging it."""
    waiting = asyncio.create_task(event.wait())
    await asyncio.wait([waiting, *workers], return_when=asyncio.FIRST_COMPLETED)
    for worker in workers:
        if worker.done():
            worker.result()
    await waiting


async def reach_queue(settings: StoreSettings, dsn: str, tasks: int) -> float:
    conn = await asyncpg.connect(dsn)
    try:
        await migrate_postgres(conn)
    finally:
        await conn.close()
    pool = await create_pool(settings, "bench-reach", dsn=dsn, min_size=4, max_size=2 * WORKERS + 2)
    manager = TaskManager(pool)
    done = 0
    all_done = asyncio.Event()

    async def noop(_: Task) -> Outcome:
        nonlocal done
        done += 1
        if done == tasks:
            all_done.set()
        return Complete()

    config = WorkerConfig(
        flow="bench",
        concurrency=CLAIM_BATCH,
        claim_batch=CLAIM_BATCH,
        lease_seconds=300,
        heartbeat_seconds=60,
        poll_seconds=0.02,
        drain_seconds=30,
    )
    shutdown = Shutdown()
    workers = [Worker(manager, config, noop, worker_id=f"bench-{n}") for n in range(WORKERS)]
    started = time.perf_counter()
    running = [asyncio.create_task(w.run(shutdown)) for w in workers]
    for start in range(0, tasks, ENQUEUE_BATCH):
        count = min(ENQUEUE_BATCH, tasks - start)
        await manager.enqueue_many([NewTask("bench", {"n": start + i}) for i in range(count)])
    await _until(all_done, running)
    shutdown.request()
    await asyncio.gather(*running)  # the drain writes the last outcomes
    elapsed = time.perf_counter() - started
    completed = await pool.fetchval(
        "SELECT count(*) FROM scrape_request_log WHERE status = 'COMPLETE'"
    )
    await pool.close()
    if completed != tasks:
        raise RuntimeError(f"reach queue completed {completed} of {tasks}")
    return tasks / elapsed


async def pgqueuer_queue(dsn: str, tasks: int) -> float:
    setup = await asyncpg.connect(dsn)
    await Queries(AsyncpgDriver(setup)).install()
    producer = Queries(AsyncpgDriver(setup))
    done = 0
    all_done = asyncio.Event()
    managers: list[QueueManager] = []
    connections = [await asyncpg.connect(dsn) for _ in range(WORKERS)]
    for conn in connections:
        qm = QueueManager(Queries(AsyncpgDriver(conn)))

        @qm.entrypoint("bench")
        async def noop(_: Job) -> None:
            nonlocal done
            done += 1
            if done == tasks:
                all_done.set()

        managers.append(qm)
    started = time.perf_counter()
    running = [
        asyncio.create_task(qm.run(batch_size=CLAIM_BATCH, dequeue_timeout=timedelta(seconds=0.02)))
        for qm in managers
    ]
    for start in range(0, tasks, ENQUEUE_BATCH):
        count = min(ENQUEUE_BATCH, tasks - start)
        await producer.enqueue(["bench"] * count, [None] * count, [0] * count)
    await _until(all_done, running)
    for qm in managers:
        qm.shutdown.set()
    await asyncio.gather(*running)
    elapsed = time.perf_counter() - started
    left = await setup.fetchval("SELECT count(*) FROM pgqueuer")
    await setup.close()
    for conn in connections:
        if not conn.is_closed():
            await conn.close()
    if left:
        raise RuntimeError(f"pgqueuer left {left} of {tasks} jobs")
    return tasks / elapsed


async def main(tasks: int) -> dict[str, object]:
    settings = StoreSettings()
    admin = str(settings.postgres_dsn)
    ours_db = await _fresh_database(admin)
    peer_db = await _fresh_database(admin)
    try:
        ours = await reach_queue(settings, _dsn(admin, ours_db), tasks)
        peer = await pgqueuer_queue(_dsn(admin, peer_db), tasks)
    finally:
        await _drop_database(admin, ours_db)
        await _drop_database(admin, peer_db)
    return {
        "tasks_per_s": round(ours),
        "peer": f"pgqueuer {version('pgqueuer')}",
        "peer_tasks_per_s": round(peer),
        "tasks": tasks,
        "workers": WORKERS,
        "claim_batch": CLAIM_BATCH,
        "measured": "enqueue (batches of 500) + claim + complete of no-op tasks, 8 workers "
        "in one process, PostgreSQL 15 on this machine, from first enqueue to last completion",
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=40_000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(json.dumps(asyncio.run(main(args.tasks))))
