"""Settings of `reach sandbox serve` (env prefix `REACH_`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from reach.sandbox.state import DEFAULT_TOKEN


class SandboxSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REACH_", extra="ignore", frozen=True)

    sandbox_host: str = Field(
        default="127.0.0.1", description="Interface to bind; loopback, it is a test double."
    )
    sandbox_port: int = Field(
        default=8090, ge=0, le=65535, description="One port serves every upstream by prefix."
    )
    sandbox_seed: int = Field(default=1, description="Seed of the synthetic creators.")
    sandbox_creators: int = Field(
        default=1000, gt=0, description="Creators per platform; ids past this are unknown."
    )
    sandbox_tokens: list[str] = Field(
        default_factory=lambda: [DEFAULT_TOKEN],
        description="Tokens/keys every upstream accepts (JSON list in the environment).",
    )
    sandbox_timeout_seconds: float = Field(
        default=30.0, gt=0, description="How long a `timeout` fault holds its answer."
    )
