"""`reach ingest` verbs that need no server (the sink and serve verbs run in test_running and
the benchmarks)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from reach.cli.main import app
from reach.ingest.tables import TABLES

pytestmark = pytest.mark.unit


def test_ddl_prints_every_table_or_the_ones_asked_for() -> None:
    runner = CliRunner()
    everything = runner.invoke(app, ["ingest", "ddl"])
    assert everything.exit_code == 0
    assert everything.output.count("CREATE TABLE IF NOT EXISTS") == len(TABLES)
    one = runner.invoke(app, ["ingest", "ddl", "--table", "profile_log", "--on-cluster", "main"])
    assert one.exit_code == 0
    assert (
        one.output.strip()
        == TABLES["profile_log"].create_sql(on_cluster="main", replicated=True) + ";"
    )


def test_unknown_names_exit_2_with_the_reason() -> None:
    runner = CliRunner()
    ddl = runner.invoke(app, ["ingest", "ddl", "--table", "nope"])
    assert (ddl.exit_code, "unknown table(s) nope" in ddl.output) == (2, True)
    sink = runner.invoke(app, ["ingest", "sink", "--sink", "nope"])
    assert (sink.exit_code, "unknown sink(s) nope" in sink.output) == (2, True)
