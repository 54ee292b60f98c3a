"""Settings of `reach standalone` (env prefix `REACH_`): the stores (inherited), ports, grace
periods and restart backoff. Built by the CLI; the supervisor passes the stores' settings on to
every child through the environment."""

from __future__ import annotations

from pydantic import Field, PositiveFloat

from reach.common.settings import StoreSettings


class StandaloneSettings(StoreSettings):
    """Defaults fit one developer machine."""

    standalone_ports: dict[str, int] = Field(default_factory=dict)
    """Ports by name replacing the fixed defaults (JSON in the environment, e.g. {"api": 17179});
    `reach standalone --ports` lists the names. Tests give every one a free port so runs do not
    collide."""
    standalone_skip: list[str] = Field(default_factory=list)
    """Workloads not to start (JSON list of names), e.g. one you run yourself."""
    standalone_ready_timeout_seconds: PositiveFloat = 120.0
    """Seconds a workload may take to answer its readiness probe at start; a cold start of all of
    them on 2 cores takes well under a minute."""
    standalone_grace_seconds: PositiveFloat = 30.0
    """Seconds each stop stage (intake, processing, sinks, stores) may take after SIGTERM before
    its processes are killed; above the workers' 20 s drain."""
    standalone_backoff_initial_seconds: PositiveFloat = 1.0
    """Delay before the first restart of a crashed workload."""
    standalone_backoff_max_seconds: PositiveFloat = 30.0
    """Longest delay between restarts: a workload that keeps crashing is retried twice a minute,
    not in a tight loop."""
    standalone_stable_seconds: PositiveFloat = 60.0
    """A workload that ran this long since its last start counts as recovered: its next crash
    restarts it after the initial delay again."""
    standalone_schedule: bool = True
    """Run the pipelines on their schedules; off, they only run when asked (`reach standalone
    --run PIPELINE`)."""
    standalone_demo_creators: int = Field(default=150, gt=0, le=1000)
    """Creators per network the demo seeds from the sandbox (two networks)."""
    standalone_demo_timeout_seconds: PositiveFloat = 600.0
    """Seconds the demo waits for its scrape tasks to finish."""
