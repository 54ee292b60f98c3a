"""How every verb stops on bad input and how it runs a workload (`reach.cli.running`)."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from reach.cli.main import app
from reach.cli.running import fail, failing_on, run_workload, settings_or_exit
from reach.common.lifecycle import Shutdown
from reach.common.settings import StoreSettings

pytestmark = pytest.mark.unit


def test_fail_prints_the_message_and_exits_with_the_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(typer.Exit) as stopped:
        fail("--user must be 1 to 256 characters", code=1)
    assert stopped.value.exit_code == 1
    assert capsys.readouterr().err == "error: --user must be 1 to 256 characters\n"


def test_failing_on_turns_only_the_named_errors_into_an_exit(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(typer.Exit) as stopped, failing_on(KeyError, ValueError):
        raise ValueError("bad shard 3/2")
    assert stopped.value.exit_code == 2
    assert stopped.value.__suppress_context__
    assert capsys.readouterr().err == "error: bad shard 3/2\n"
    with pytest.raises(RuntimeError), failing_on(ValueError):
        raise RuntimeError("not ours")


def test_settings_or_exit_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REACH_AMQP_PREFETCH", "0")
    with pytest.raises(typer.Exit) as stopped:
        settings_or_exit(StoreSettings)
    assert stopped.value.exit_code == 2
    assert "REACH_AMQP_PREFETCH" in capsys.readouterr().err


@pytest.mark.parametrize("uvloop", [False, True])
def test_run_workload_runs_main_with_a_shutdown(uvloop: bool) -> None:
    seen: list[Shutdown] = []

    async def main(shutdown: Shutdown) -> None:
        seen.append(shutdown)

    run_workload(main, uvloop=uvloop)
    assert len(seen) == 1
    assert isinstance(seen[0], Shutdown)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["ingest", "ddl", "--table", "nope"], 2, "error: unknown table(s) nope"),
        (["ingest", "sink", "--sink", "nope"], 2, "error: "),
        (["scraper", "enqueue", "--flow", "x", "--params", "[1]"], 2, "must be a JSON object"),
        (["scraper", "enqueue", "--flow", "x", "--params", "{"], 2, "--params is not JSON"),
        (["scraper", "worker", "--flow", "no_such_flow"], 2, "error: "),
    ],
)
def test_verbs_refuse_bad_input_with_a_message(args: list[str], code: int, message: str) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == code, result.output
    assert message in result.output
