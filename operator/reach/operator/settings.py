"""The operator's settings (env prefix `REACH_OPERATOR_`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class OperatorSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REACH_OPERATOR_", extra="ignore", frozen=True)

    namespaces: list[str] = Field(
        default_factory=list,
        description="Namespaces to watch; empty watches the whole cluster (needs the ClusterRole).",
    )
    resync_seconds: float = Field(
        default=10,
        gt=0,
        description="Seconds between level-based passes over every resource: children status, "
        "queue depth, autoscaling. Short enough to notice a backlog within one cooldown.",
    )
    field_manager: str = Field(
        default="reach-operator", description="Server-side apply field manager of all children."
    )
    liveness_port: int = Field(default=8080, description="Port of /healthz.")
