"""Settings of `reach sandbox serve` (env prefix `REACH_`)."""

from __future__ import annotations

from pydantic import Field, PositiveFloat, PositiveInt

from reach.common.settings import PortOrZero, ReachSettings
from reach.sandbox.upstreams import DEFAULT_TOKEN


class SandboxSettings(ReachSettings):
    sandbox_host: str = "127.0.0.1"
    """Interface to bind; loopback, it is a test double."""
    sandbox_port: PortOrZero = 8090
    """One port serves every upstream by prefix."""
    sandbox_seed: int = 1
    """Seed of the synthetic creators."""
    sandbox_creators: PositiveInt = 1000
    """Creators per platform; ids past this are unknown."""
    sandbox_tokens: list[str] = Field(default_factory=lambda: [DEFAULT_TOKEN])
    """Tokens/keys every upstream accepts (JSON list in the environment)."""
    sandbox_timeout_seconds: PositiveFloat = 30.0
    """How long a `timeout` fault holds its answer."""
