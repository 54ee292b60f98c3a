"""The workload table and the decisions made from it: ports, start layers, stop stages, backoff."""

from __future__ import annotations

from pathlib import Path

import pytest

from reach.standalone.workloads import (
    CycleError,
    PortError,
    Secrets,
    Stage,
    Workload,
    default_ports,
    resolve_ports,
    restart_delay,
    shared_environment,
    start_layers,
    stop_stages,
    workload_table,
)

pytestmark = pytest.mark.unit

FLOWS = ["refresh_instagram_profile", "fetch_instagram_followers"]
SINKS = ["event", "profile_log"]


def table(**kwargs: object) -> list[Workload]:
    return workload_table(default_ports(), FLOWS, SINKS, **kwargs)  # type: ignore[arg-type]


def names(layers: list[list[Workload]]) -> list[list[str]]:
    return [[w.name for w in layer] for layer in layers]


def test_every_workload_of_the_platform_is_in_the_table() -> None:
    by_name = {w.name: w for w in table()}
    assert {
        "clickhouse",
        "sandbox",
        "migrate",
        "declare",
        "sinks",
        "workers",
        "listeners",
        "ingest",
        "scraper-api",
        "api",
        "gateway",
    } <= set(by_name)
    assert by_name["sinks"].args == ("ingest", "sink", "--sink", "event", "--sink", "profile_log")
    assert by_name["gateway"].args == ("gateway", "serve", "--port", "8009")
    # Every flow's worker in one process: a process per flow would cost a laptop a Python each.
    assert by_name["workers"].args == (
        "scraper",
        "worker",
        "--flow",
        "refresh_instagram_profile",
        "--flow",
        "fetch_instagram_followers",
        "--probe-port",
        "8101",
    )
    assert by_name["gateway"].probe_url(default_ports()) == "http://127.0.0.1:8009/readyz"
    assert by_name["migrate"].job and by_name["migrate"].probe_url(default_ports()) is None


def test_start_layers_put_stores_first_and_the_gateway_after_the_api() -> None:
    layers = names(start_layers(table()))
    assert layers[0] == ["clickhouse", "sandbox", "declare"]
    assert layers[1] == ["migrate"]
    position = {name: i for i, layer in enumerate(layers) for name in layer}
    assert position["sinks"] < position["ingest"]
    assert position["scraper-api"] < position["api"] < position["gateway"]
    assert position["migrate"] < position["workers"]
    assert position["sandbox"] < position["workers"]


def test_a_skipped_workload_is_not_waited_for() -> None:
    by_name = {w.name: w for w in table(skip=["gateway", "scraper-api"])}
    assert "gateway" not in by_name
    assert "scraper-api" not in by_name["api"].needs


def test_an_own_clickhouse_means_no_local_server() -> None:
    by_name = {w.name: w for w in table(own_clickhouse=False)}
    assert "clickhouse" not in by_name
    assert by_name["migrate"].needs == ()


def test_skipping_an_unknown_workload_is_refused() -> None:
    with pytest.raises(ValueError, match="no workload named gatway"):
        table(skip=["gatway"])


def test_cycles_and_unknown_needs_are_refused() -> None:
    a = Workload("a", ("x",), Stage.STORE, needs=("b",))
    b = Workload("b", ("x",), Stage.STORE, needs=("a",))
    with pytest.raises(CycleError, match="cycle among a, b"):
        start_layers([a, b])
    with pytest.raises(CycleError, match="a needs unknown workload"):
        start_layers([a])


def test_stop_stages_go_intake_processing_sinks_stores() -> None:
    stages = names(stop_stages(table()))
    assert set(stages[0]) == {"listeners", "ingest", "scraper-api", "api", "gateway"}
    assert stages[1] == ["workers"]
    assert stages[2] == ["sinks"]
    assert stages[3] == ["clickhouse", "sandbox"]


def test_restart_delay_doubles_up_to_the_cap() -> None:
    delays = [restart_delay(n, initial=1, maximum=30) for n in range(1, 8)]
    assert delays == [1, 2, 4, 8, 16, 30, 30]


def test_port_overrides_are_checked() -> None:
    defaults = default_ports()
    assert resolve_ports(defaults, {"api": 17179})["api"] == 17179
    with pytest.raises(PortError, match=r"unknown port name.*apii"):
        resolve_ports(defaults, {"apii": 1})
    with pytest.raises(PortError, match=r"8009 \(gateway, api\)"):
        resolve_ports(defaults, {"api": 8009})


def test_every_child_shares_one_clickhouse_and_the_signing_secret() -> None:
    ports = default_ports()
    env = shared_environment(
        ports, Secrets("jwt", "sign"), clickhouse_url=None, data_dir=Path("/data")
    )
    assert env["REACH_CLICKHOUSE_URL"] == "http://127.0.0.1:8123"
    assert env["REACH_API_SIGNING_SECRET"] == env["REACH_GATEWAY_SIGNING_SECRET"] == "sign"
    assert env["REACH_GATEWAY_UPSTREAM_URL"] == "http://127.0.0.1:7179"
    assert env["REACH_INSTAGRAM_GRAPH_URL"] == "http://127.0.0.1:8090/graph/v15.0"
    own = shared_environment(
        ports, Secrets("j", "s"), clickhouse_url="http://ch:8123", data_dir=Path("/data")
    )
    assert own["REACH_CLICKHOUSE_URL"] == "http://ch:8123"
