"""The operator's settings (env prefix `REACH_OPERATOR_`)."""

from __future__ import annotations

import socket
import uuid

from pydantic import Field, PositiveFloat, PositiveInt, model_validator
from pydantic_settings import SettingsConfigDict

from reach.common.settings import ENV_PREFIX, ReachSettings


def _identity() -> str:
    # In a pod the host name is the pod's name, which is what `kubectl get lease` should show;
    # the suffix tells two runs apart should a name come back (a StatefulSet, a restart).
    return f"{socket.gethostname()}_{uuid.uuid4().hex[:8]}"


class OperatorSettings(ReachSettings):
    model_config = SettingsConfigDict(env_prefix=f"{ENV_PREFIX}OPERATOR_")

    namespaces: list[str] = Field(default_factory=list)
    """Namespaces to watch; empty watches the whole cluster (needs the ClusterRole)."""
    resync_seconds: PositiveFloat = 10
    """Seconds between level-based passes over every resource: children status, queue depth,
    autoscaling. Short enough to notice a backlog within one cooldown."""
    field_manager: str = "reach-operator"
    """Server-side apply field manager of all children."""
    liveness_port: int = 8080
    """Port of /healthz."""
    leader_election: bool = False
    """Reconcile only while holding a coordination.k8s.io Lease, so several replicas can run with
    one active. Off by default: a single replica needs no Lease."""
    lease_name: str = "reach-operator"
    """Name of the Lease."""
    lease_namespace: str | None = None
    """Namespace of the Lease; by default the pod's own (its ServiceAccount namespace), else
    `default` outside a cluster."""
    identity: str = Field(default_factory=_identity)
    """This replica's name in the Lease's holderIdentity."""
    lease_duration_seconds: PositiveInt = 15
    """Seconds a standby waits, from when it last saw the Lease change, before taking it over:
    the most a dead leader leaves the cluster unserved. 15 as in Kubernetes' own controllers."""
    renew_deadline_seconds: PositiveFloat = 10
    """Seconds the leader keeps trying to renew before it stops reconciling; shorter than the
    lease duration so it stops before a standby may take over."""
    retry_period_seconds: PositiveFloat = 2
    """Seconds between attempts to take or renew the Lease."""

    @model_validator(mode="after")
    def _timings_nest(self) -> OperatorSettings:
        if not self.retry_period_seconds < self.renew_deadline_seconds:
            raise ValueError("retry_period_seconds must be shorter than renew_deadline_seconds")
        if not self.renew_deadline_seconds < self.lease_duration_seconds:
            raise ValueError("renew_deadline_seconds must be shorter than lease_duration_seconds")
        return self
