"""The workloads of standalone mode, declared as data: what `reach` verb each runs, its ports and
readiness probe, what it waits for, and the stage it stops in. Pure: the supervisor
(`supervising`) does the process I/O; the order functions here decide when.

Start: a workload starts once everything it `needs` is ready (a service answers its probe, a
set-up job exited 0); `start_layers` groups them so a layer starts together. Stop: by `Stage`,
intake first (nothing new comes in), then processing (workers finish or release their tasks),
then sinks (they flush what they hold into ClickHouse), then the stores and upstreams the others
used to the end.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import IntEnum
from pathlib import Path

from reach.sandbox.upstreams import SANDBOX_CREDENTIALS, scraper_environment

HOST = "127.0.0.1"


class Stage(IntEnum):
    """Stop order, highest first."""

    STORE = 0
    SINK = 1
    PROCESSING = 2
    INTAKE = 3


@dataclass(frozen=True)
class Workload:
    """One child process: `reach <args>` with `env` on top of the shared environment.

    A service (`job=False`) runs until stopped and is ready when `GET http://HOST:<port><probe>`
    answers 2xx on its first port; a job runs once and is done when it exits 0. `ports` are
    named (keys of the port table), the first one is probed."""

    name: str
    args: tuple[str, ...]
    stage: Stage
    ports: tuple[str, ...] = ()
    probe: str = "/readyz"
    needs: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    job: bool = False

    def probe_url(self, ports: Mapping[str, int]) -> str | None:
        if self.job or not self.ports:
            return None
        return f"http://{HOST}:{ports[self.ports[0]]}{self.probe}"


def default_ports() -> dict[str, int]:
    """The fixed local ports: the seed's and Kubernetes' where they have one, the rest in 8xxx
    next to them."""
    return {
        "status": 8008,
        "gateway": 8009,
        "api": 7179,
        "scraper-api": 8000,
        "ingest-grpc": 8017,
        "ingest-http": 8019,
        "sinks": 8020,
        "listeners": 8021,
        "sandbox": 8090,
        "clickhouse": 8123,
        "workers": 8101,
    }


class PortError(ValueError):
    """A port override names no port, or two ports are the same number."""


def resolve_ports(defaults: Mapping[str, int], overrides: Mapping[str, int]) -> dict[str, int]:
    unknown = sorted(set(overrides) - set(defaults))
    if unknown:
        raise PortError(
            f"REACH_STANDALONE_PORTS: unknown port name(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(defaults))}"
        )
    ports = {**defaults, **overrides}
    by_number: dict[int, list[str]] = {}
    for name, number in ports.items():
        by_number.setdefault(number, []).append(name)
    clashes = [f"{n} ({', '.join(names)})" for n, names in by_number.items() if len(names) > 1]
    if clashes:
        raise PortError(f"REACH_STANDALONE_PORTS: one port for several names: {clashes}")
    return ports


@dataclass(frozen=True)
class Secrets:
    """Generated once per data folder, so tokens stay valid across restarts."""

    jwt_secret: str
    signing_secret: str


def url(ports: Mapping[str, int], name: str) -> str:
    return f"http://{HOST}:{ports[name]}"


def shared_environment(
    ports: Mapping[str, int], secrets: Secrets, *, clickhouse_url: str | None, data_dir: Path
) -> dict[str, str]:
    """What every child gets: one ClickHouse (the local server unless the user named one),
    loopback everywhere, the sandbox as every upstream, the gateway's and the API's shared
    signing secret, and the URLs the workloads call each other by."""
    sandbox = url(ports, "sandbox")
    return {
        "REACH_CLICKHOUSE_URL": clickhouse_url or url(ports, "clickhouse"),
        "REACH_CLICKHOUSE_SERVER_HOST": HOST,
        "REACH_CLICKHOUSE_SERVER_PORT": str(ports["clickhouse"]),
        "REACH_SANDBOX_HOST": HOST,
        "REACH_SANDBOX_PORT": str(ports["sandbox"]),
        **scraper_environment(sandbox),
        "REACH_INGEST_HOST": HOST,
        "REACH_INGEST_GRPC_PORT": str(ports["ingest-grpc"]),
        "REACH_INGEST_HTTP_PORT": str(ports["ingest-http"]),
        "REACH_SINK_PROBE_PORT": str(ports["sinks"]),
        "REACH_SCRAPER_API_HOST": HOST,
        "REACH_SCRAPER_API_PORT": str(ports["scraper-api"]),
        "REACH_SCRAPER_API_URL": url(ports, "scraper-api"),
        "REACH_API_HOST": HOST,
        "REACH_API_PORT": str(ports["api"]),
        "REACH_API_SIGNING_SECRET": secrets.signing_secret,
        "REACH_GATEWAY_UPSTREAM_URL": url(ports, "api"),
        "REACH_GATEWAY_JWT_SECRET": secrets.jwt_secret,
        "REACH_GATEWAY_SIGNING_SECRET": secrets.signing_secret,
        # Stored media stay in the data folder; the gateway serves them as a CDN would.
        "REACH_ASSET_DIR": str(data_dir / "assets"),
        "REACH_GATEWAY_ASSETS_DIR": str(data_dir / "assets"),
        "REACH_ASSET_CDN_URL": f"{url(ports, 'gateway')}/assets",
    }


# Tuning of standalone mode that the user's environment may override (the wiring above it may
# not: it is what makes the processes find each other).
TUNING: Mapping[str, str] = {
    # Events show in ClickHouse a second after they arrive rather than five.
    "REACH_SINK_FLUSH_SECONDS": "1",
    # An idle worker looks for due tasks (retries, deferrals) every second.
    "REACH_SCRAPER_POLL_SECONDS": "1",
    # The flows' rate limits guard real platforms' quotas; the sandbox has none to guard.
    "REACH_SCRAPER_RATE_LIMITS_ENABLED": "false",
    # A profile answer follows a stored picture or a new follower analysis within seconds
    # (in a cluster the profile cache keeps answers for minutes).
    "REACH_PROFILE_L1_SECONDS": "5",
    "REACH_PROFILE_L2_SECONDS": "10",
    "DO_NOT_TRACK": "1",
    # The dashboard as `make web` builds it in this checkout (the gateway says so when it is not).
    "REACH_GATEWAY_DASHBOARD_DIR": str(Path(__file__).resolve().parents[3] / "web" / "dist"),
}


def workload_table(
    ports: Mapping[str, int],
    flows: Sequence[str],
    sinks: Sequence[str],
    *,
    own_clickhouse: bool = True,
    skip: Iterable[str] = (),
) -> list[Workload]:
    """Every workload of the platform. `own_clickhouse=False` when the user points
    REACH_CLICKHOUSE_URL at a ClickHouse of their own: no local server then."""
    table = [
        Workload("clickhouse", ("clickhouse", "serve"), Stage.STORE, ("clickhouse",), "/ping"),
        Workload("sandbox", ("sandbox", "serve"), Stage.STORE, ("sandbox",), "/_sandbox/calls"),
        Workload(
            "migrate",
            ("db", "migrate"),
            Stage.STORE,
            needs=("clickhouse",),
            job=True,
        ),
        Workload("declare", ("ingest", "declare"), Stage.STORE, job=True),
        *(
            Workload(
                f"credential-{source}",
                (
                    "scraper",
                    "credentials",
                    "add",
                    source,
                    "sandbox",
                    "--secrets",
                    json.dumps(dict(secrets)),
                ),
                Stage.STORE,
                needs=("migrate",),
                job=True,
            )
            for source, secrets in SANDBOX_CREDENTIALS.items()
        ),
        Workload(
            "sinks",
            ("ingest", "sink", *(arg for sink in sinks for arg in ("--sink", sink))),
            Stage.SINK,
            ("sinks",),
            needs=("migrate", "declare"),
        ),
        Workload(
            "workers",
            (
                "scraper",
                "worker",
                *(arg for flow in flows for arg in ("--flow", flow)),
                "--probe-port",
                str(ports["workers"]),
            ),
            Stage.PROCESSING,
            ("workers",),
            # Credentials are read per task, so their jobs need not finish first.
            needs=("migrate", "declare", "sandbox"),
        ),
        Workload(
            "listeners",
            ("scraper", "listen", "--probe-port", str(ports["listeners"])),
            Stage.INTAKE,
            ("listeners",),
            needs=("migrate", "declare"),
        ),
        Workload(
            "ingest",
            ("ingest", "serve"),
            Stage.INTAKE,
            ("ingest-http", "ingest-grpc"),
            needs=("declare", "sinks"),
        ),
        Workload(
            "scraper-api",
            ("scraper", "api"),
            Stage.INTAKE,
            ("scraper-api",),
            needs=("migrate",),
        ),
        Workload(
            "api",
            ("api", "serve"),
            Stage.INTAKE,
            ("api",),
            needs=("migrate", "declare", "scraper-api"),
        ),
        Workload(
            "gateway",
            ("gateway", "serve", "--port", str(ports["gateway"])),
            Stage.INTAKE,
            ("gateway",),
            needs=("api",),
        ),
    ]
    skipped = set(skip) | (set() if own_clickhouse else {"clickhouse"})
    unknown = skipped - {w.name for w in table}
    if unknown:
        raise ValueError(f"REACH_STANDALONE_SKIP: no workload named {', '.join(sorted(unknown))}")
    kept = [w for w in table if w.name not in skipped]
    names = {w.name for w in kept}
    # A skipped workload is the user's to run: what needs it starts without waiting for it.
    return [replace(w, needs=tuple(n for n in w.needs if n in names)) for w in kept]


class CycleError(ValueError):
    pass


def start_layers(workloads: Sequence[Workload]) -> list[list[Workload]]:
    """Workloads grouped so that each layer needs only earlier layers; in table order within a
    layer. Raises on a need that names no workload or on a cycle."""
    by_name = {w.name: w for w in workloads}
    for w in workloads:
        missing = [n for n in w.needs if n not in by_name]
        if missing:
            raise CycleError(f"{w.name} needs unknown workload(s) {', '.join(missing)}")
    placed: set[str] = set()
    layers: list[list[Workload]] = []
    remaining = list(workloads)
    while remaining:
        layer = [w for w in remaining if all(n in placed for n in w.needs)]
        if not layer:
            raise CycleError(f"dependency cycle among {', '.join(w.name for w in remaining)}")
        layers.append(layer)
        placed |= {w.name for w in layer}
        remaining = [w for w in remaining if w.name not in placed]
    return layers


def stop_stages(workloads: Sequence[Workload]) -> list[list[Workload]]:
    """Services grouped by stop stage, intake first and stores last (jobs have exited)."""
    services = [w for w in workloads if not w.job]
    return [
        [w for w in services if w.stage == stage]
        for stage in sorted(Stage, reverse=True)
        if any(w.stage == stage for w in services)
    ]


def restart_delay(crashes: int, *, initial: float, maximum: float) -> float:
    """Seconds before restarting a workload after its `crashes`-th crash in a row (1-based):
    doubling from `initial`, capped at `maximum`."""
    return float(min(maximum, initial * 2 ** max(0, crashes - 1)))
