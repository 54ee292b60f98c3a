"""The operator's settings (env prefix `REACH_OPERATOR_`)."""

from __future__ import annotations

import socket
import uuid

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _identity() -> str:
    # In a pod the host name is the pod's name, which is what `kubectl get lease` should show;
    # the suffix tells two runs apart should a name come back (a StatefulSet, a restart).
    return f"{socket.gethostname()}_{uuid.uuid4().hex[:8]}"


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
    leader_election: bool = Field(
        default=False,
        description="Reconcile only while holding a coordination.k8s.io Lease, so several "
        "replicas can run with one active. Off by default: a single replica needs no Lease.",
    )
    lease_name: str = Field(default="reach-operator", description="Name of the Lease.")
    lease_namespace: str | None = Field(
        default=None,
        description="Namespace of the Lease; by default the pod's own (its ServiceAccount "
        "namespace), else `default` outside a cluster.",
    )
    identity: str = Field(
        default_factory=_identity,
        description="This replica's name in the Lease's holderIdentity.",
    )
    lease_duration_seconds: int = Field(
        default=15,
        gt=0,
        description="Seconds a standby waits, from when it last saw the Lease change, before "
        "taking it over: the most a dead leader leaves the cluster unserved. 15 as in "
        "Kubernetes' own controllers.",
    )
    renew_deadline_seconds: float = Field(
        default=10,
        gt=0,
        description="Seconds the leader keeps trying to renew before it stops reconciling; "
        "shorter than the lease duration so it stops before a standby may take over.",
    )
    retry_period_seconds: float = Field(
        default=2,
        gt=0,
        description="Seconds between attempts to take or renew the Lease.",
    )

    @model_validator(mode="after")
    def _timings_nest(self) -> OperatorSettings:
        if not self.retry_period_seconds < self.renew_deadline_seconds:
            raise ValueError("retry_period_seconds must be shorter than renew_deadline_seconds")
        if not self.renew_deadline_seconds < self.lease_duration_seconds:
            raise ValueError("renew_deadline_seconds must be shorter than lease_duration_seconds")
        return self
