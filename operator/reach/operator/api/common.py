"""Pieces every kind shares: the base of a custom resource, store references, autoscaling,
conditions and schedules.

Field names are camelCase on the wire (Kubernetes API conventions) and snake_case in Python.
`json_schema_extra` carries what only a CRD can say: CEL rules (`x-kubernetes-validations`),
list types, printer columns and defaults for nested objects.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from reach.common.exactly_one import ExactlyOne
from reach.operator.api.cel import cel
from reach.operator.api.cron import Schedule

GROUP = "reach.goodcreator.co"
VERSION = "v1alpha1"
API_VERSION = f"{GROUP}/{VERSION}"
CATEGORY = "reach"

# A Kubernetes object name (DNS-1123 subdomain), or label value.
NAME_PATTERN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"


class Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )


class KeyRef(Model):
    """A key of a Secret or ConfigMap in the resource's namespace."""

    name: str = Field(max_length=253, pattern=NAME_PATTERN)
    key: str = Field(max_length=253, pattern=r"^[-._a-zA-Z0-9]+$")


class SecretKeyRef(KeyRef):
    """A key of a Secret in the resource's namespace."""


class ConfigMapKeyRef(KeyRef):
    """A key of a ConfigMap in the resource's namespace."""


class SecretValue(Model):
    """A value kept in a Secret (`{secretKeyRef: {name, key}}`), handed to workloads as an
    environment variable."""

    secret_key_ref: SecretKeyRef


class ConfigValue(Model, ExactlyOne):
    """A value kept in a ConfigMap or a Secret: exactly one of `configMapKeyRef` and
    `secretKeyRef`, as a container's `env[].valueFrom` says it."""

    exactly_one = ("config_map_key_ref", "secret_key_ref")

    config_map_key_ref: ConfigMapKeyRef | None = None
    secret_key_ref: SecretKeyRef | None = None


class StoreRef(SecretValue):
    """Where a store's connection URL lives."""


class ClickHouseRef(StoreRef):
    cluster: str | None = Field(
        default=None,
        max_length=63,
        description="A ClickHouse cluster name: DDL runs ON CLUSTER with replicated engines.",
    )


class RabbitMQRef(StoreRef):
    replicated: bool = Field(
        default=False,
        description="Declare quorum queues (replicated across the RabbitMQ cluster).",
    )


class Stores(Model):
    """Connection URLs of the four stores, each from a Secret key; workloads get them as
    REACH_POSTGRES_DSN, REACH_CLICKHOUSE_URL, REACH_REDIS_URL and REACH_AMQP_URL."""

    postgres: StoreRef
    clickhouse: ClickHouseRef
    redis: StoreRef
    rabbitmq: RabbitMQRef


PLATFORM_OR_STORES = cel(
    "!(has(self.platformRef) && has(self.stores))", "set platformRef or stores, not both"
)


class PlatformBound(Model):
    """A resource that runs against a Platform (by name) or against stores of its own. A
    subclass with rules of its own lists PLATFORM_OR_STORES among them."""

    model_config = ConfigDict(json_schema_extra={"x-kubernetes-validations": [PLATFORM_OR_STORES]})

    platform_ref: str | None = Field(
        default=None,
        max_length=253,
        pattern=NAME_PATTERN,
        description="The Platform in this namespace to run against; `default` when neither "
        "this nor stores is set.",
    )
    stores: Stores | None = Field(
        default=None, description="Stores of its own instead of a Platform's."
    )

    @property
    def platform_name(self) -> str:
        return self.platform_ref or "default"


class ScheduledSpec(PlatformBound):
    """A kind whose work is a CronJob."""

    schedule: Schedule = "*/15 * * * *"
    suspend: bool = False


class Autoscaling(Model):
    """Scale workers toward `targetQueueLength` messages per worker."""

    model_config = ConfigDict(
        json_schema_extra={
            "x-kubernetes-validations": [
                cel(
                    "self.minReplicas <= self.maxReplicas",
                    "minReplicas must not exceed maxReplicas",
                )
            ]
        }
    )

    min_replicas: int = Field(default=1, ge=0, le=500)
    max_replicas: int = Field(default=10, ge=1, le=500)
    target_queue_length: int = Field(
        default=1000, ge=1, le=10_000_000, description="Waiting messages/tasks per worker."
    )
    cooldown_seconds: int = Field(
        default=300,
        ge=0,
        le=86_400,
        description="Seconds after a change before scaling down again; scaling up never waits.",
    )


DeletionPolicy = Literal["Retain", "Delete"]


class ConditionStatus(Model):
    type: str = Field(max_length=64)
    status: Literal["True", "False", "Unknown"]
    reason: str = Field(max_length=64)
    message: str = Field(default="", max_length=1024)
    observed_generation: int | None = None
    last_transition_time: datetime | None = None


class Status(Model):
    """What every kind reports."""

    model_config = ConfigDict(extra="allow")

    observed_generation: int | None = None
    applied_hash: str | None = Field(
        default=None, max_length=64, description="Hash of the manifests last applied."
    )
    conditions: list[ConditionStatus] = Field(
        default_factory=list,
        max_length=16,
        json_schema_extra={
            "x-kubernetes-list-type": "map",
            "x-kubernetes-list-map-keys": ["type"],
        },
    )


class Run(Model):
    """One run of a scheduled kind's Job."""

    job: str = Field(max_length=253)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    succeeded: bool | None = None


class ScheduledStatus(Status):
    last_schedule_time: datetime | None = None
    last_successful_time: datetime | None = None
    recent_runs: list[Run] = Field(default_factory=list, max_length=5)
    last_run_now: str | None = Field(
        default=None, max_length=63, description="The last run-now request acted on."
    )


class ScaledStatus(Status):
    replicas: int | None = None
    selector: str | None = Field(default=None, max_length=1024)
    queue_depth: int | None = None
    consumers: int | None = None
    last_scale_time: datetime | None = None
    bound_routing_keys: list[str] = Field(default_factory=list, max_length=50)


class Column(Model):
    """A printer column of `kubectl get`."""

    name: str
    type: Literal["string", "integer", "number", "boolean", "date"]
    json_path: str
    priority: int = 0
    description: str = ""


# The columns every kind ends with: whether it is Ready, why (with `-o wide`), and its age.
STATUS_COLUMNS = (
    Column(name="Ready", type="string", json_path='.status.conditions[?(@.type=="Ready")].status'),
    Column(
        name="Reason",
        type="string",
        json_path='.status.conditions[?(@.type=="Ready")].reason',
        priority=1,
    ),
    Column(name="Age", type="date", json_path=".metadata.creationTimestamp"),
)
# Before them, a scheduled kind's (ScheduledSpec, ScheduledStatus) columns.
SCHEDULED_COLUMNS = (
    Column(name="Schedule", type="string", json_path=".spec.schedule"),
    Column(name="Suspend", type="boolean", json_path=".spec.suspend"),
    Column(name="Last Success", type="date", json_path=".status.lastSuccessfulTime"),
)
# Or a scaled kind's (ScaledStatus) columns.
SCALED_COLUMNS = (
    Column(name="Workers", type="integer", json_path=".status.replicas"),
    Column(name="Depth", type="integer", json_path=".status.queueDepth"),
)


def plural_of(kind: str) -> str:
    """The lower-case plural Kubernetes names a kind's resources by (`followeranalyses`)."""
    singular = kind.lower()
    if singular.endswith("is"):
        return singular[:-2] + "es"
    return singular + ("es" if singular.endswith("s") else "s")


class CustomResource:
    """A kind, named by its class and described by its docstring (one paragraph): its spec and
    status models, and how `kubectl get` shows it (its own `columns`, then those of a scheduled
    or scaled kind, then STATUS_COLUMNS). A kind whose status is a ScaledStatus has the scale
    subresource."""

    kind: ClassVar[str]
    plural: ClassVar[str]
    description: ClassVar[str]
    short_names: ClassVar[tuple[str, ...]]
    columns: ClassVar[tuple[Column, ...]]
    spec_model: ClassVar[type[Model]]
    status_model: ClassVar[type[Status]] = Status

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        if not cls.__doc__:
            raise TypeError(f"{cls.__name__}: a kind's docstring is its CRD's description")
        cls.kind = cls.__name__
        cls.plural = plural_of(cls.kind)
        cls.description = " ".join(cls.__doc__.split())

    @classmethod
    def printer_columns(cls) -> tuple[Column, ...]:
        scheduled = issubclass(cls.spec_model, ScheduledSpec)
        family = SCHEDULED_COLUMNS if scheduled else SCALED_COLUMNS if cls.scalable() else ()
        return (*cls.columns, *family, *STATUS_COLUMNS)

    @classmethod
    def scalable(cls) -> bool:
        return issubclass(cls.status_model, ScaledStatus)

    @classmethod
    def singular(cls) -> str:
        return cls.kind.lower()

    @classmethod
    def crd_name(cls) -> str:
        return f"{cls.plural}.{GROUP}"
