"""The Airflow DAGs in dags/: they import cleanly, have the expected shape, and one really runs.

Airflow configures itself (home folder, metadata database, logging) when first imported, so it
is only ever imported in child processes with their own AIRFLOW_HOME and SQLite database; this
process and the other tests never see it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from reach.pipelines.definitions import SYNCS, sync_pipelines
from reach.pipelines.schedules import PIPELINES
from reach.scraper.contract import FLOWS, FRESH_FLOWS, FlowName
from reach.testing.clickhouse import connected, drop_database

CORE = [SYNCS[name] for name in sync_pipelines("core")["sync_core"]]

pytestmark = pytest.mark.service

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "dags"
BIN = Path(sys.executable).parent

DESCRIBE_DAGS = """
import json
from airflow.dag_processing.dagbag import DagBag

bag = DagBag(dag_folder={dags!r})
out = {{"errors": {{k: str(v) for k, v in bag.import_errors.items()}}, "dags": {{}}}}
for dag_id, dag in bag.dags.items():
    schedule = dag.schedule
    out["dags"][dag_id] = {{
        "schedule": schedule if isinstance(schedule, str) or schedule is None
        else [asset.uri for asset in schedule],
        "catchup": dag.catchup,
        "max_active_runs": dag.max_active_runs,
        "tasks": {{
            task.task_id: {{
                "command": task.bash_command,
                "upstream": sorted(task.upstream_task_ids),
                "retries": task.retries,
                "outlets": [outlet.uri for outlet in task.outlets],
                "alerts": [f.__name__ for f in task.on_failure_callback or []],
                "timeout_s": task.execution_timeout.total_seconds(),
            }}
            for task in dag.tasks
        }},
    }}
print(json.dumps(out))
"""

RUN_DAG = """
import json
from airflow.dag_processing.dagbag import DagBag

dag = DagBag(dag_folder={dags!r}).get_dag({dag_id!r})
run = dag.test()
print(json.dumps({{
    "state": str(run.state),
    "tasks": {{ti.task_id: str(ti.state) for ti in run.get_task_instances()}},
}}))
"""

ALERT = """
import http.server, json, os, threading

received = []

class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass

server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
threading.Thread(target=server.serve_forever, daemon=True).start()

import reach_pipelines

class TI:
    dag_id, task_id, try_number = "sync_core", "sync_leaderboard", 3

context = {{"task_instance": TI(), "run_id": "manual__1", "exception": RuntimeError("boom")}}
reach_pipelines.slack_alert(context)
os.environ["REACH_SLACK_WEBHOOK_URL"] = f"http://127.0.0.1:{{server.server_port}}/hook"
reach_pipelines.slack_alert(context)
os.environ["REACH_SLACK_WEBHOOK_URL"] = "http://127.0.0.1:9/unreachable"
reach_pipelines.slack_alert(context)
server.shutdown()
print(json.dumps(received))
"""


def _run_python(env: dict[str, str], code: str, timeout: float = 300) -> Any:
    """Runs `code` in a child Python with `env`; its last stdout line, as JSON."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=env["AIRFLOW_HOME"],
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def airflow_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment for child processes: Airflow's own home and SQLite database, migrated."""
    home = tmp_path_factory.mktemp("airflow")
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(DAGS),
    }
    env.pop("REACH_SLACK_WEBHOOK_URL", None)
    migrated = subprocess.run(
        [str(BIN / "airflow"), "db", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=home,
    )
    assert migrated.returncode == 0, migrated.stderr[-4000:]
    return env


@pytest.fixture(scope="module")
def dags(airflow_env: dict[str, str]) -> dict[str, Any]:
    return _run_python(airflow_env, DESCRIBE_DAGS.format(dags=str(DAGS)))  # type: ignore[no-any-return]


def test_dagbag_imports_without_errors(dags: dict[str, Any]) -> None:
    assert dags["errors"] == {}
    assert sorted(dags["dags"]) == sorted(p.dag_id for p in PIPELINES)
    assert sorted(dags["dags"]) == [
        "dbt_core",
        "dbt_daily",
        "dbt_weekly",
        "queue_health",
        "stale_credentials",
        "sync_core",
        "sync_daily",
        "sync_instagram",
        "sync_leaderboard",
        "sync_youtube",
        "table_sizes",
        "upload_assets",
    ]


def test_dbt_dags_build_their_tag_on_schedule_and_announce_it(dags: dict[str, Any]) -> None:
    for dag_id, schedule, tag in (
        ("dbt_core", "*/15 * * * *", "+tag:core"),
        ("dbt_daily", "30 1 * * *", "+tag:daily"),
        ("dbt_weekly", "30 2 * * 1", "+tag:weekly"),
    ):
        dag = dags["dags"][dag_id]
        assert dag["schedule"] == schedule
        assert (dag["catchup"], dag["max_active_runs"]) == (False, 1)
        assert dag["tasks"] == {
            "dbt_build": {
                "command": f"reach pipelines dbt build --select {tag}",
                "upstream": [],
                "retries": 2,
                "outlets": [f"reach-dbt://{dag_id}/"],
                "alerts": ["slack_alert"],
                "timeout_s": dag["tasks"]["dbt_build"]["timeout_s"],
            }
        }
    # A core build that overran its slot would stack behind the next one.
    assert dags["dags"]["dbt_core"]["tasks"]["dbt_build"]["timeout_s"] < 15 * 60


def test_syncs_run_after_the_core_build_and_cover_every_declared_sync(
    dags: dict[str, Any],
) -> None:
    # Each sync DAG is triggered by the Asset its dbt DAG's build updates, i.e. after each
    # successful build; the leaderboard's has its own DAG, as the seed's did.
    synced = []
    for tag in ("core", "daily"):
        families = sync_pipelines(tag)
        assert ("sync_leaderboard" in families) == (tag == "core")
        for dag_id, names in families.items():
            dag = dags["dags"][dag_id]
            assert dag["schedule"] == [f"reach-dbt://dbt_{tag}/"]
            assert {task_id: task["command"] for task_id, task in dag["tasks"].items()} == {
                f"sync_{name}": f"reach pipelines sync {name}" for name in names
            }
            for task in dag["tasks"].values():
                assert (task["upstream"], task["retries"], task["alerts"]) == (
                    [],
                    2,
                    ["slack_alert"],
                )
            synced += names
    assert dags["dags"]["sync_leaderboard"]["tasks"].keys() == {"sync_leaderboard"}
    # A partitioned sync replaces one Leaderboard resource's rows; its CronJob runs it.
    whole_tables = [name for name, spec in SYNCS.items() if spec.partition_column is None]
    assert sorted(synced) == sorted(whole_tables)


def test_family_dags_refresh_each_networks_flows_and_ask_the_scraper_api(
    dags: dict[str, Any],
) -> None:
    for network in ("instagram", "youtube"):
        dag = dags["dags"][f"sync_{network}"]
        commands = [task["command"] for task in dag["tasks"].values()]
        flows = [flow for flow in FRESH_FLOWS if FLOWS[flow].network == network]
        assert commands == [
            f"reach scraper enqueue --flow {flow} --params "
            f"""'{{"max_tasks": 1000, "stale_after_hours": {_hours(flow)}}}'"""
            for flow in flows
        ]
        assert f"refresh_{network}_" in commands[0]
    assert len(dags["dags"]["sync_instagram"]["tasks"]) >= 10
    assert len(dags["dags"]["sync_youtube"]["tasks"]) >= 10
    assert dags["dags"]["sync_instagram"]["schedule"] == "5 * * * *"
    assert dags["dags"]["sync_youtube"]["schedule"] == "20 * * * *"
    upload = dags["dags"]["upload_assets"]
    assert [t["command"] for t in upload["tasks"].values()] == ["reach pipelines enqueue assets"]
    assert upload["schedule"] == "10,40 * * * *"


def _hours(flow: FlowName) -> int:
    freshness = FLOWS[flow].freshness
    assert freshness is not None
    return freshness.stale_after_hours


def test_operational_dags_run_the_checks_on_their_schedules(dags: dict[str, Any]) -> None:
    commands = {
        dag_id: (
            dags["dags"][dag_id]["schedule"],
            [task["command"] for task in dags["dags"][dag_id]["tasks"].values()],
        )
        for dag_id in ("queue_health", "stale_credentials", "table_sizes")
    }
    assert commands == {
        "queue_health": (
            "*/10 * * * *",
            ["reach scraper queue-health --max-queued-age-minutes 60"],
        ),
        "stale_credentials": (
            "0 6 * * *",
            ["reach scraper credentials stale --unused-hours 72"],
        ),
        "table_sizes": ("0 4 * * *", ["reach db table-sizes"]),
    }


def test_slack_alert_posts_only_when_a_webhook_is_set(airflow_env: dict[str, str]) -> None:
    received = _run_python(airflow_env, ALERT.format())
    # Unset: nothing sent; set: one message; unreachable: logged, not raised.
    assert len(received) == 1
    assert "sync_core.sync_leaderboard failed (try 3, run manual__1): boom" in received[0]["text"]


# ClickHouse types that give each PostgreSQL type of the serving tables.
_CLICKHOUSE_TYPES = {
    "text": "String",
    "bigint": "Int64",
    "integer": "Int32",
    "double precision": "Float64",
    "date": "Date",
    "timestamptz": "DateTime64(3, 'UTC')",
    "boolean": "Bool",
}


def _sample(pg_type: str, name: str, n: int) -> object:
    values: dict[str, object] = {
        "text": f"{name}-{n}",
        "bigint": n,
        "integer": n,
        "double precision": n / 4,
        "date": dt.date(2026, 1, 1),
        "timestamptz": dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC),
        "boolean": n % 2 == 0,
    }
    return values[pg_type]


@pytest.fixture
def core_marts(clickhouse_dsn: str) -> Iterator[str]:
    """A ClickHouse database holding every mart sync_core copies, three rows each. No client
    stays open: the DAG's commands open the embedded engine in their own processes."""
    database = f"test_{uuid.uuid4().hex[:12]}"
    with connected(clickhouse_dsn) as client:
        client.command(f"CREATE DATABASE {database}")
        for spec in CORE:
            assert spec.columns is not None and spec.source_table is not None
            columns = ", ".join(f"{c.name} {_CLICKHOUSE_TYPES[c.pg_type]}" for c in spec.columns)
            table = f"{database}.{spec.source_table}"
            client.command(f"CREATE TABLE {table} ({columns}) ENGINE = MergeTree ORDER BY tuple()")
            client.insert(
                table,
                [[_sample(c.pg_type, c.name, n) for c in spec.columns] for n in range(3)],
                column_names=[c.name for c in spec.columns],
            )
    yield database
    drop_database(clickhouse_dsn, database)


def test_sync_core_runs_against_the_local_services(
    airflow_env: dict[str, str], core_marts: str, clickhouse_dsn: str, postgres_dsn: str
) -> None:
    env = {
        **airflow_env,
        "REACH_POSTGRES_DSN": postgres_dsn,
        "REACH_CLICKHOUSE_URL": clickhouse_dsn,
        "REACH_DBT_SCHEMA": core_marts,
    }

    run = _run_python(env, RUN_DAG.format(dags=str(DAGS), dag_id="sync_core"), timeout=600)

    assert run == {
        "state": "success",
        "tasks": {f"sync_{spec.name}": "success" for spec in CORE},
    }

    async def counts() -> dict[str, int]:
        conn = await asyncpg.connect(postgres_dsn)
        try:
            return {
                spec.target: await conn.fetchval(f"SELECT count(*) FROM {spec.target}")
                for spec in CORE
            }
        finally:
            await conn.close()

    assert asyncio.run(counts()) == {spec.target: 3 for spec in CORE}


def test_an_operational_dag_runs_against_the_local_services(
    airflow_env: dict[str, str], clickhouse_dsn: str, postgres_dsn: str
) -> None:
    env = {
        **airflow_env,
        "REACH_POSTGRES_DSN": postgres_dsn,
        "REACH_CLICKHOUSE_URL": clickhouse_dsn,
    }
    for dag_id in ("table_sizes", "queue_health"):
        run = _run_python(env, RUN_DAG.format(dags=str(DAGS), dag_id=dag_id), timeout=600)
        assert run == {"state": "success", "tasks": {dag_id: "success"}}
